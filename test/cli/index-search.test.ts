/** `inline index` and `inline search` through the real binary. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtureRepo, runCli, type TempRepo } from '../support/cli.js';
import { startFakeBackend } from '../support/fake-backend.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(() => repo.cleanup());

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: repo.root, env: { ...repo.env, ...env } });

describe('inline index / search', () => {
  it('builds the index and prints a summary, then reports nothing changed', async () => {
    const first = await run(['index', '--json']);
    expect(first.exitCode).toBe(0);
    expect(JSON.parse(first.stdout)).toMatchObject({ files: 5, added: 5, rebuilt: true, embedder: expect.stringMatching(/^hashing/) });
    const second = await run(['index']);
    expect(second.exitCode).toBe(0);
    expect(second.stdout).toMatch(/index updated: 5 files, \d+ chunks/);
    expect(second.stdout).toMatch(/0 added, 0 changed, 0 removed, 5 unchanged/);
  });

  it('searches with path:line, symbol and snippet, and filters by language and path', async () => {
    const result = await run(['search', 'apply discount', '-k', '3']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/^shop\/pricing\.py:\d+\s+apply_discount/m);
    expect(result.stdout).toContain('def apply_discount(price: float, percent: float) -> float:');

    const json = JSON.parse((await run(['search', 'cart', '--json', '--path', 'tests/**'])).stdout);
    expect(json.length).toBeGreaterThan(0);
    for (const hit of json) expect(hit.chunk.path).toMatch(/^tests\//);

    const none = await run(['search', 'cart', '--lang', 'go']);
    expect(none.exitCode).toBe(1);
    expect(none.stdout).toContain('no matches');
  });

  it('sees edits on the next search without an explicit index run', async () => {
    await run(['index']);
    repo.write('shop/shipping.py', 'def shipping_cost(weight_kg: float) -> float:\n    return 4.5 + weight_kg * 0.8\n');
    const result = await run(['search', 'shipping cost weight', '-k', '1']);
    expect(result.stdout).toMatch(/^shop\/shipping\.py:1\s+shipping_cost/m);
  });

  it('refuses another embedder without --rebuild, and --rebuild switches', async () => {
    await run(['index']);
    repo.write('.inline/config.json', JSON.stringify({ index: { embedder: 'http' }, baseUrl: 'http://127.0.0.1:9', embedModel: 'e' }));
    const refused = await run(['index']);
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/built with the "hashing-v1-256" embedder, but "http:e" is configured.*--rebuild/);
    const rebuild = await run(['index', '--rebuild']);
    // The http embedder needs its server: with none running the rebuild fails cleanly, old index intact.
    expect(rebuild.exitCode).toBe(1);
    expect(rebuild.stderr).toMatch(/Cannot reach http:\/\/127\.0\.0\.1:9/);
    repo.write('.inline/config.json', '{}');
    expect((await run(['search', 'cart', '-k', '1'])).exitCode).toBe(0);

    const backend = await startFakeBackend({ models: [{ id: 'e' }], embeddingDims: 16 });
    try {
      repo.write('.inline/config.json', JSON.stringify({ index: { embedder: 'http' }, baseUrl: backend.url, embedModel: 'e' }));
      const switched = await run(['index', '--rebuild', '--json']);
      expect(switched.exitCode).toBe(0);
      expect(JSON.parse(switched.stdout)).toMatchObject({ embedder: 'http:e', rebuilt: true, files: 5 });
      expect(backend.requests.some((r) => r.path === '/v1/embeddings')).toBe(true);
      expect((await run(['search', 'apply discount', '-k', '3'])).stdout).toMatch(/shop\/pricing\.py/);
    } finally {
      await backend.close();
    }
  });

  it('gives usage errors exit 2', async () => {
    expect((await run(['search', '', '--json'])).exitCode).toBe(2);
    expect((await run(['search', 'x', '-k', '0'])).exitCode).toBe(2);
    expect((await run(['search', 'x', '--lang', 'cobol'])).exitCode).toBe(2);
  });

  it('adds retrieved snippets to inline context once the repository is indexed', async () => {
    await run(['index']);
    const report = JSON.parse((await run(['context', 'tests/test_cart.py:11:30', '--json'])).stdout);
    expect(report.snippets.some((s: { kind: string }) => s.kind === 'retrieved' || s.kind === 'definition')).toBe(true);
  });
});
