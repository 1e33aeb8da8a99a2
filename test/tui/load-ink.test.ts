import { describe, expect, it } from 'vitest';
import { loadWithoutCiDetection } from '../../src/tui/load-ink.js';

describe('loadWithoutCiDetection', () => {
  it('hides the CI variables while loading and puts them back after', async () => {
    const env: NodeJS.ProcessEnv = { CI: 'true', CONTINUOUS_INTEGRATION: '1', PATH: '/bin' };
    const seen = await loadWithoutCiDetection(async () => ({ ...env }), env);
    expect(seen).toEqual({ PATH: '/bin' });
    expect(env).toEqual({ CI: 'true', CONTINUOUS_INTEGRATION: '1', PATH: '/bin' });
  });

  it('restores them when loading fails, and adds none that were not set', async () => {
    const env: NodeJS.ProcessEnv = { CI: 'true' };
    await expect(loadWithoutCiDetection(() => Promise.reject(new Error('boom')), env)).rejects.toThrow('boom');
    expect(env).toEqual({ CI: 'true' });
  });
});
