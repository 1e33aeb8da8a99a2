/** `inline explain` through the real binary, in a temporary repository, with a real HTTP server as the model. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend, type Reply } from '../support/fake-backend.js';
import { makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
let backend: FakeBackend | undefined;

const GEOMETRY = 'def square(x):\n    return x * x\n\n\ndef area(width, height):\n    if width < 0:\n        raise ValueError("negative")\n    return width * height\n';
const APP = 'from geometry import area, square\n\n\ndef report(side):\n    total = square(side) + area(side, 2)\n    return label(total)\n\n\ndef label(value):\n    return f"total {value:.2f}"\n';

beforeEach(async () => {
  repo = await makeTempRepo();
  repo.write('geometry.py', GEOMETRY);
  repo.write('app.py', APP);
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  repo.cleanup();
});

async function serve(...replies: Reply[]): Promise<string> {
  backend = await startFakeBackend({ replies });
  return backend.url;
}

const explain = (args: string[]) => runCli(['explain', ...args], { cwd: repo.root, env: repo.env, timeoutMs: 30_000 });
const sentText = () =>
  backend!.requests
    .filter((r) => r.path === '/v1/chat/completions')
    .flatMap((r) => (r.body.messages as Array<{ content: string }>).map((m) => m.content))
    .join('\n');

describe('inline explain', () => {
  it('resolves path#symbol, sends the definitions it calls, and streams the reply', async () => {
    const url = await serve({ chunks: ['`report` adds the ', 'square of the side to an area.\n'] });
    const result = await explain(['app.py#report', '--base-url', url, '--model', 'qwen2.5-coder-7b']);
    expect(result.stderr).toMatch(/Explaining app\.py lines 4-6 \(report\) with 3 definitions it uses and 0 callers/);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toBe('`report` adds the square of the side to an area.');
    const sent = sentText();
    expect(sent).toContain('def report(side):');
    // The definitions it calls, from another file, found by the context engine.
    expect(sent).toContain('geometry.py lines 1-2');
    expect(sent).toContain('raise ValueError("negative")');
    // And the one in its own file.
    expect(sent).toContain('app.py lines 9-10');
    expect(sent).toContain('return f"total {value:.2f}"');
  });

  it('prints {target, explanation, context} with --json', async () => {
    const url = await serve({ chunks: ['It multiplies.'] });
    const result = await explain(['geometry.py:5-8', '--json', '--base-url', url, '--model', 'qwen2.5-coder-7b']);
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout) as { target: unknown; explanation: string; context: unknown[] };
    expect(parsed.target).toEqual({ path: 'geometry.py', startLine: 5, endLine: 8 });
    expect(parsed.explanation).toBe('It multiplies.');
    expect(Array.isArray(parsed.context)).toBe(true);
  });

  it('sends the callers found in the code index, without unrelated retrieved code', async () => {
    expect((await runCli(['index'], { cwd: repo.root, env: repo.env, timeoutMs: 60_000 })).exitCode).toBe(0);
    const url = await serve({ chunks: ['Squares a number.'] });
    const result = await explain(['geometry.py#square', '--json', '--base-url', url]);
    expect(result.exitCode).toBe(0);
    const parsed = JSON.parse(result.stdout) as { context: Array<{ kind: string; path: string; reason: string }> };
    expect(parsed.context).toEqual([expect.objectContaining({ kind: 'caller', path: 'app.py', reason: 'uses square' })]);
    expect(sentText()).toContain('total = square(side) + area(side, 2)');
  });

  it('lists close matches for an unknown symbol and exits 2 without asking the model', async () => {
    const url = await serve({ chunks: ['unused'] });
    const result = await explain(['geometry.py#are', '--base-url', url]);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/no symbol are\. Did you mean: area/);
    expect(backend!.requests.filter((r) => r.path === '/v1/chat/completions')).toHaveLength(0);
  });

  it('says so and exits non-zero when the backend dies mid-stream', async () => {
    const url = await serve({ fault: 'reset-mid-stream', afterChunks: 1, chunks: ['It starts ', 'and never ends'] });
    const result = await explain(['app.py#report', '--base-url', url, '--model', 'qwen2.5-coder-7b']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/inline: .+/);
    expect(result.stderr).not.toMatch(/internal error|at .+\.js:\d+/);
  });

  it('needs a chat model', async () => {
    const result = await explain(['app.py#report']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/Chat needs a model/);
  });
});
