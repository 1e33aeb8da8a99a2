/** `inline context` through the real binary on a copy of the shop fixture repository. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtureRepo, runCli, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(() => repo.cleanup());

const run = (args: string[]) => runCli(['context', ...args], { cwd: repo.root, env: repo.env });

describe('inline context', () => {
  it('prints what was chosen and why, as JSON', async () => {
    const result = await run(['shop/cart.py:20:31', '--json', '--model', 'qwen2.5-coder:7b']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ path: 'shop/cart.py', template: 'qwen-coder', window: { cursorLine: 20, cursorColumn: 31 } });
    expect(report.tokens.prompt).toBeLessThanOrEqual(2048);
    const definition = report.snippets.find((s: { kind: string; path: string }) => s.kind === 'definition' && s.path === 'shop/pricing.py');
    expect(definition).toMatchObject({ startLine: 7, reason: expect.stringContaining('apply_discount') });
    expect(definition.tokens).toBeGreaterThan(0);
    expect(report.prompt).toContain('<|fim_prefix|>');
  });

  it('prints a readable summary, and the prompt on request', async () => {
    const result = await run(['shop/cart.py', '--line', '20', '--column', '31', '--show-prompt']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toMatch(/context for shop\/cart\.py:20:31/);
    expect(result.stdout).toMatch(/definition\s+shop\/pricing\.py:7-\d+/);
    expect(result.stdout).toContain('--- prompt ---');
  });

  it('reads the file from disk, so an edit shows up at once', async () => {
    repo.write('shop/cart.py', 'from .models import Item\n\ndef f(x: Item):\n    return x.subtotal(\n');
    const report = JSON.parse((await run(['shop/cart.py:4:23', '--json'])).stdout);
    expect(report.prefix).toContain('return x.subtotal(');
    expect(report.snippets.some((s: { path: string }) => s.path === 'shop/models.py')).toBe(true);
  });

  it('exits 2 with a clear message for a missing file, a bad position, a path outside the repository, or a binary file', async () => {
    const missing = await run(['nope.py:1']);
    expect(missing).toMatchObject({ exitCode: 2 });
    expect(missing.stderr).toMatch(/nope\.py does not exist/);
    const past = await run(['shop/cart.py:999']);
    expect(past.exitCode).toBe(2);
    expect(past.stderr).toMatch(/line 999 is past the end of the file/);
    writeFileSync(join(repo.home, 'elsewhere.py'), 'x = 1\n');
    const outside = await run(['../home/elsewhere.py']);
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(/outside the repository root/);
    repo.write('blob.py', 'x = 1\u0000\u0001\u0002');
    const binary = await run(['blob.py']);
    expect(binary.exitCode).toBe(2);
    expect(binary.stderr).toMatch(/binary/);
  });
});
