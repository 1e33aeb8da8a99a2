/** `inline doctor` through the real binary against a real HTTP backend. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { closedPort, startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
let backend: FakeBackend | undefined;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  repo.cleanup();
});

const run = (args: string[], env: Record<string, string> = {}) => runCli(args, { cwd: repo.root, env: { ...repo.env, ...env } });

async function doctorJson(args: string[], env: Record<string, string> = {}) {
  const result = await run(['doctor', '--json', ...args], env);
  return { ...result, report: JSON.parse(result.stdout) };
}

describe('inline doctor', () => {
  it('reports the local engine as healthy with no configuration', async () => {
    const { exitCode, report } = await doctorJson([]);
    expect(exitCode).toBe(0);
    expect(report).toMatchObject({ ok: true, engine: { name: 'local', source: 'default' }, root: { root: repo.root, git: true }, endpoints: [] });
  });

  it('lists the models, FIM capability and context length of a vLLM endpoint', async () => {
    backend = await startFakeBackend({ models: [{ id: 'Qwen/Qwen2.5-Coder-7B', max_model_len: 32768 }, { id: 'meta-llama/Llama-3.1-8B-Instruct' }] });
    const { exitCode, report } = await doctorJson(['--base-url', `${backend.url}/v1`, '--model', 'Qwen/Qwen2.5-Coder-7B']);
    expect(exitCode).toBe(0);
    expect(report.engine).toEqual({ name: 'openai-http', source: 'derived from baseUrls' });
    const [endpoint] = report.endpoints;
    expect(endpoint).toMatchObject({ url: `${backend.url}/v1`, reachable: true, server: 'vllm' });
    expect(endpoint.models.map((m: { id: string }) => m.id)).toEqual(['Qwen/Qwen2.5-Coder-7B', 'meta-llama/Llama-3.1-8B-Instruct']);
    expect(endpoint.checks).toEqual([
      {
        name: 'Qwen/Qwen2.5-Coder-7B',
        role: 'model',
        served: true,
        fim: { capable: true, family: 'qwen-coder', reason: expect.any(String) },
        contextTokens: 32768,
        contextSource: '/v1/models',
      },
    ]);
    expect(report.settings).toContainEqual({ key: 'model', value: 'Qwen/Qwen2.5-Coder-7B', source: 'flag --model' });
  });

  it('says when the configured model is not FIM-capable, and when it is not served at all', async () => {
    backend = await startFakeBackend({ models: [{ id: 'llama-3.1-8b-instruct' }] });
    const chatOnly = await doctorJson([], { INLINE_BASE_URL: backend.url, INLINE_MODEL: 'llama-3.1-8b-instruct' });
    expect(chatOnly.exitCode).toBe(0);
    expect(chatOnly.report.endpoints[0].checks[0].fim.capable).toBe(false);
    expect(chatOnly.report.settings).toContainEqual({ key: 'model', value: 'llama-3.1-8b-instruct', source: 'env INLINE_MODEL' });

    const missing = await doctorJson([], { INLINE_BASE_URL: backend.url, INLINE_MODEL: 'gpt-4o' });
    expect(missing.exitCode).toBe(1);
    expect(missing.report.problems.join('\n')).toMatch(/does not serve "gpt-4o".*It serves: llama-3.1-8b-instruct/);
  });

  it('exits 1 with a clear message for a dead port, in JSON and in text', async () => {
    const url = `http://127.0.0.1:${await closedPort()}`;
    const { exitCode, report } = await doctorJson(['--base-url', url]);
    expect(exitCode).toBe(1);
    expect(report.ok).toBe(false);
    expect(report.endpoints[0]).toMatchObject({ url, reachable: false });
    expect(report.problems[0]).toMatch(/Cannot reach .* \(connection refused\)\. Is the server running\?/);

    const text = await run(['doctor', '--base-url', url]);
    expect(text.exitCode).toBe(1);
    expect(text.stdout).toMatch(/✗ http:\/\/127\.0\.0\.1:\d+/);
    expect(text.stdout).toMatch(/problems? found/);
  });

  it('checks every endpoint of several', async () => {
    backend = await startFakeBackend();
    const dead = `http://127.0.0.1:${await closedPort()}`;
    const { exitCode, report } = await doctorJson(['--base-url', `${backend.url},${dead}`, '--model', 'qwen2.5-coder-7b']);
    expect(exitCode).toBe(1);
    expect(report.endpoints.map((e: { reachable: boolean }) => e.reachable)).toEqual([true, false]);
  });

  it('warns when Ollama would silently truncate to its default context', async () => {
    backend = await startFakeBackend({ flavor: 'ollama', models: [{ id: 'qwen2.5-coder:7b' }] });
    const { exitCode, report } = await doctorJson(['--base-url', backend.url, '--model', 'qwen2.5-coder:7b']);
    expect(exitCode).toBe(0);
    expect(report.endpoints[0].server).toBe('ollama');
    expect(report.warnings.join('\n')).toMatch(/without num_ctx.*cut silently.*OLLAMA_CONTEXT_LENGTH/);
  });

  it("reads llama.cpp's runtime context from /props", async () => {
    backend = await startFakeBackend({ flavor: 'llamacpp', models: [{ id: 'starcoder2-3b-q4.gguf', max_model_len: 16384 }] });
    const { report } = await doctorJson(['--base-url', backend.url]);
    expect(report.endpoints[0]).toMatchObject({ server: 'llama.cpp', checks: [{ name: 'starcoder2-3b-q4.gguf', contextTokens: 16384, contextSource: 'llama.cpp /props n_ctx', fim: { capable: true } }] });
  });

  it('never prints the API key', async () => {
    backend = await startFakeBackend();
    const secret = 'sk-live-abcdefghijklmnop1234'; // inline:allow (a made-up key the test hides)
    const json = await run(['doctor', '--json', '--base-url', backend.url], { INLINE_API_KEY: secret });
    const text = await run(['doctor', '--verbose', '--base-url', backend.url], { INLINE_API_KEY: secret });
    expect(json.stdout + json.stderr + text.stdout + text.stderr).not.toContain(secret);
    expect(JSON.parse(json.stdout).settings).toContainEqual({ key: 'apiKey', value: expect.stringMatching(/hidden/), source: 'env INLINE_API_KEY' });
    expect(backend.requests[0]!.headers.authorization).toBe(`Bearer ${secret}`);
  });

  it('checks a configured GGUF file', async () => {
    const good = join(repo.root, 'tiny.gguf');
    const header = Buffer.alloc(64);
    header.write('GGUF', 0, 'latin1');
    header.writeUInt32LE(3, 4);
    writeFileSync(good, header);
    const ok = await doctorJson(['--gguf', good]);
    expect(ok.exitCode).toBe(0);
    expect(ok.report).toMatchObject({ engine: { name: 'llama' }, gguf: { ok: true, version: 3 } });

    writeFileSync(join(repo.root, 'fake.gguf'), 'not a model');
    const bad = await doctorJson(['--gguf', 'fake.gguf']);
    expect(bad.exitCode).toBe(1);
    expect(bad.report.problems[0]).toMatch(/is not a GGUF model file/);

    const missing = await doctorJson(['--gguf', 'absent.gguf']);
    expect(missing.exitCode).toBe(1);
    expect(missing.report.problems[0]).toMatch(/does not exist/);
  });
});
