/** `inline complete` through the real binary, with a real HTTP server on 127.0.0.1 as the model. */
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { makeFixtureRepo, runCli, type TempRepo } from '../support/cli.js';
import { writeTinyGguf } from '../support/tiny-gguf.js';

// Built at run time so no credential-shaped literal sits in the repository.
const AWS_KEY = 'AKIA' + 'Q3EGRTZ7' + 'XPLM4WNB';

let repo: TempRepo;
let backend: FakeBackend | undefined;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  repo.cleanup();
});

const run = (args: string[], extra: { input?: string; env?: Record<string, string> } = {}) =>
  runCli(['complete', ...args], { cwd: repo.root, env: { ...repo.env, ...extra.env }, timeoutMs: 30_000, ...(extra.input === undefined ? {} : { input: extra.input }) });

async function serve(...chunks: string[][]): Promise<FakeBackend> {
  backend = await startFakeBackend({ replies: chunks.map((c) => ({ chunks: c })) });
  return backend;
}

const completionRequests = () => backend!.requests.filter((r) => r.path === '/v1/completions');

describe('inline complete with a server', () => {
  it('prints the suggestion, and JSON with items, range, engine and latency per stage', async () => {
    repo.write('shop/extra.py', 'from .cart import Cart\n\n\ndef double(x):\n    return \n');
    await serve(['x * 2', '\n\ndef triple(x):\n']);
    const plain = await run(['--file', 'shop/extra.py', '--line', '5', '--col', '11', '--base-url', backend!.url, '--fim-model', 'qwen2.5-coder-7b']);
    expect(plain.stderr).toBe('');
    expect(plain).toMatchObject({ exitCode: 0, stdout: 'x * 2' });
    const prompt = completionRequests()[0]!.body.prompt as string;
    expect(prompt).toContain('<|fim_prefix|>');
    expect(prompt).toContain('def double(x):');

    await serve(['x * 2']);
    const json = await run(['--file', 'shop/extra.py', '--line', '5', '--col', '11', '--json', '--base-url', backend!.url, '--fim-model', 'other-model']);
    expect(json.exitCode).toBe(0);
    const report = JSON.parse(json.stdout);
    expect(report).toMatchObject({ path: 'shop/extra.py', line: 5, col: 11, engine: 'openai-http', cache: 'miss', language: 'python' });
    expect(report.items).toEqual([
      expect.objectContaining({ text: 'x * 2', range: { start: { line: 5, col: 11 }, end: { line: 5, col: 11 } }, engine: 'openai-http', cached: false }),
    ]);
    for (const stage of ['prefilter', 'cache', 'prompt', 'generate', 'postprocess', 'secrets', 'rank', 'total']) {
      expect(report.latency[stage]).toEqual(expect.any(Number));
    }
  });

  it('serves a repeated request from the disk cache without asking the server', async () => {
    repo.write('shop/extra.py', 'def double(x):\n    return \n');
    await serve(['x * 2']);
    const args = ['--file', 'shop/extra.py', '--line', '2', '--col', '11', '--json', '--base-url', backend!.url, '--fim-model', 'qwen2.5-coder-7b'];
    expect(JSON.parse((await run(args)).stdout).cache).toBe('miss');
    const again = JSON.parse((await run(args)).stdout);
    expect(again).toMatchObject({ cache: 'disk', items: [expect.objectContaining({ text: 'x * 2', cached: true })] });
    expect(completionRequests()).toHaveLength(1);
  });

  it('never returns a suggestion holding a credential', async () => {
    repo.write('settings.py', 'aws_access_key_id = \n');
    await serve([`"${AWS_KEY}"`]);
    const result = await run(['--file', 'settings.py', '--line', '1', '--col', '20', '--json', '--base-url', backend!.url]);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).not.toContain(AWS_KEY);
    expect(JSON.parse(result.stdout)).toMatchObject({ items: [], dropped: { secrets: 1 } });
  });

  it('redacts secrets found in the context before the prompt leaves the machine', async () => {
    repo.write('shop/config.py', `AWS_ACCESS_KEY_ID = "${AWS_KEY}"\nREGION = "eu-west-1"\n\ndef region():\n    return \n`);
    await serve(['REGION']);
    const result = await run(['--file', 'shop/config.py', '--line', '5', '--col', '11', '--base-url', backend!.url]);
    expect(result.exitCode).toBe(0);
    const body = JSON.stringify(completionRequests()[0]!.body);
    expect(body).not.toContain(AWS_KEY);
    expect(body).toContain('[REDACTED:aws-access-key');
  });

  it('falls back to the local engine when the server misses the deadline, and says so', async () => {
    backend = await startFakeBackend({ replies: [{ fault: 'stall-before-headers', ms: 5000 }] });
    const started = Date.now();
    const result = await run(['--file', 'shop/cart.py', '--line', '12', '--col', '8', '--json', '--deadline', '300', '--base-url', backend.url, '--fim-model', 'qwen2.5-coder-7b']);
    expect(Date.now() - started).toBeLessThan(5000);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ engine: 'local', fallback: { from: 'openai-http', reason: 'no answer within 300 ms' } });
    expect(result.stderr).toMatch(/openai-http failed \(no answer within 300 ms\); the local engine answered/);
    expect(completionRequests()[0]!.aborted).toBe(true);
  });

  it('falls back to the local engine when the server is down', async () => {
    const port = await closedPort();
    const result = await run(['--file', 'shop/cart.py', '--line', '12', '--col', '8', '--json', '--base-url', `http://127.0.0.1:${port}/v1`]);
    expect(JSON.parse(result.stdout)).toMatchObject({ engine: 'local', fallback: { from: 'openai-http' } });
  });
});

describe('inline complete with the local engine (no model)', () => {
  it('completes from the repository and records telemetry', async () => {
    repo.write('shop/extra.py', 'from .models import Item\n\n\ndef make(item: Item) -> None:\n    item.\n');
    const result = await run(['--file', 'shop/extra.py', '--line', '5', '--col', '9', '--json']);
    const report = JSON.parse(result.stdout);
    expect(report.engine).toBe('local');
    expect(report.fallback).toBeUndefined();
    const log = join(repo.root, '.inline', 'telemetry', 'events.jsonl');
    expect(existsSync(log)).toBe(true);
    const events = readFileSync(log, 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.map((e) => e.type)).toEqual(['completion.requested', 'completion.served']);
    expect(events[1]).toMatchObject({ engine: 'local', cache: 'miss', latency: { total: expect.any(Number) } });
  });

  it('records nothing with INLINE_TELEMETRY=off', async () => {
    await run(['--file', 'shop/cart.py', '--line', '12', '--col', '8'], { env: { INLINE_TELEMETRY: 'off' } });
    expect(existsSync(join(repo.root, '.inline', 'telemetry'))).toBe(false);
  });

  it('reads an unsaved buffer from stdin', async () => {
    const buffer = 'def total(items):\n    return sum(items)\n\n\ndef average(items):\n    return sum(items) / len(items)\n\n\ndef count(items):\n    return len(\n';
    const result = await run(['--file', 'shop/unsaved.py', '--line', '10', '--col', '15', '--stdin', '--json'], { input: buffer });
    expect(result.exitCode).toBeLessThan(2);
    expect(JSON.parse(result.stdout)).toMatchObject({ path: 'shop/unsaved.py', line: 10, col: 15 });
  });

  it('exits 2 with a clear message for bad arguments', async () => {
    expect((await run(['--line', '1', '--col', '0'])).stderr).toMatch(/complete needs --file/);
    const past = await run(['--file', 'shop/cart.py', '--line', '999', '--col', '0']);
    expect(past.exitCode).toBe(2);
    expect(past.stderr).toMatch(/--line 999 is past the end/);
    const col = await run(['--file', 'shop/cart.py', '--line', '1', '--col', '500']);
    expect(col.exitCode).toBe(2);
    expect(col.stderr).toMatch(/--col 500 is past the end of line 1/);
    const outside = await run(['--file', '../outside.py', '--line', '1', '--col', '0', '--stdin'], { input: 'x' });
    expect(outside.exitCode).toBe(2);
    expect(outside.stderr).toMatch(/outside the repository root/);
  });
});

describe('inline complete with a GGUF file (embedded llama engine)', () => {
  it('loads the model in a worker and answers through the pipeline', async () => {
    const gguf = writeTinyGguf(repo.home);
    repo.write('shop/extra.py', 'def double(x):\n    return \n');
    const result = await run(['--file', 'shop/extra.py', '--line', '2', '--col', '11', '--json', '--gguf', gguf]);
    expect(result.exitCode).toBeLessThan(2);
    const report = JSON.parse(result.stdout);
    // Random weights say nothing sensible, but the answer must come from the model, not a fallback.
    expect(report).toMatchObject({ engine: 'llama', cache: 'miss' });
    expect(report.fallback).toBeUndefined();
    expect(report.latency.generate).toBeGreaterThan(0);
  });

  it('refuses a file that is not a model with exit 2 and a message naming it', async () => {
    repo.write('broken.gguf', 'GGUF but not really a model file at all');
    const result = await run(['--file', 'shop/cart.py', '--line', '12', '--col', '8', '--json', '--gguf', join(repo.root, 'broken.gguf')]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/broken\.gguf/);
  });
});
