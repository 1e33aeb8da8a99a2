/** `inline review` through the real binary, in temporary git repositories, with a real HTTP server as the model. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend, type Reply } from '../support/fake-backend.js';
import { commitFiles, git as gitIn, makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

// Built at run time so no credential-shaped literal sits in the repository.
const AWS_KEY = 'AKIA' + 'Q3EGRTZ7' + 'XPLM4WNB';

let repo: TempRepo;
let backend: FakeBackend | undefined;

beforeEach(async () => {
  repo = await makeTempRepo();
  await commitFiles(repo, {
    'stats.py': 'def average(values):\n    return sum(values) / len(values)\n',
    'settings.py': 'DEBUG = False\n',
  });
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  repo.cleanup();
});

const git = (...args: string[]) => gitIn(repo, ...args);

/** A planted off-by-one on line 5 of stats.py and a key on line 2 of settings.py, staged. */
async function plantChanges(): Promise<void> {
  repo.write('stats.py', 'def average(values):\n    return sum(values) / len(values)\n\n\ndef mean_after_first(values):\n    return sum(values[1:]) / len(values)\n');
  repo.write('settings.py', `DEBUG = False\nAWS_ACCESS_KEY_ID = "${AWS_KEY}"\n`);
  await git('add', '-A');
}

async function serve(...replies: Reply[]): Promise<string> {
  backend = await startFakeBackend({ replies });
  return backend.url;
}

const review = (args: string[]) => runCli(['review', ...args], { cwd: repo.root, env: repo.env, timeoutMs: 30_000 });
const chatRequests = () => backend!.requests.filter((r) => r.path === '/v1/chat/completions');

const BUG_REPLY =
  'Here is my review:\n' +
  '- `stats.py:6`: error: divides by len(values) but sums one value fewer, so the mean is wrong\n' +
  'stats.py:40: warning: this line is not in the diff\n';

describe('inline review', () => {
  it('--staged reports a planted bug and a planted secret at their lines, and exits 1', async () => {
    await plantChanges();
    const url = await serve({ chunks: [BUG_REPLY.slice(0, 20), BUG_REPLY.slice(20)] });
    const result = await review(['--staged', '--base-url', url, '--model', 'qwen2.5-coder-7b']);
    expect(result.exitCode).toBe(1);
    const lines = result.stdout.split('\n');
    expect(lines).toContain('## Review of the staged changes');
    expect(lines.find((l) => l.startsWith('settings.py:2 error possible secret'))).toBeDefined();
    expect(lines).toContain('stats.py:6 error divides by len(values) but sums one value fewer, so the mean is wrong');
    expect(lines.some((l) => l.startsWith('stats.py:40'))).toBe(false);
    expect(result.stderr).toMatch(/Ignored 1 model comment/);
    // Masked in the report, and never sent to the model.
    expect(result.stdout).not.toContain(AWS_KEY);
    const sent = JSON.stringify(chatRequests()[0]!.body.messages);
    expect(sent).toContain('mean_after_first');
    expect(sent).not.toContain(AWS_KEY);
  });

  it('prints the comments as JSON with their sources', async () => {
    await plantChanges();
    const url = await serve({ chunks: ['[{"file": "stats.py", "line": 6, "severity": "warning", "message": "mean skips the first value"}]'] });
    const result = await review(['--json', '--base-url', url]);
    expect(result.exitCode).toBe(1);
    const comments = JSON.parse(result.stdout) as Array<Record<string, unknown>>;
    expect(comments.map((c) => [c.file, c.line, c.severity, c.source])).toEqual([
      ['settings.py', 2, 'error', 'secrets'],
      ['stats.py', 6, 'warning', 'model'],
    ]);
  });

  it('applies --fail-on: a warning alone fails only at warning or below', async () => {
    repo.write('stats.py', 'def average(values):\n    return sum(values) / len(values)\n# todo\n');
    await git('add', '-A');
    const reply: Reply = { chunks: ['stats.py:3: warning: leftover comment\n'] };
    const url = await serve(reply, reply);
    expect((await review(['--base-url', url])).exitCode).toBe(0);
    expect((await review(['--base-url', url, '--fail-on', 'warning'])).exitCode).toBe(1);
    expect((await review(['--fail-on', 'fatal'])).exitCode).toBe(2);
  });

  it('reviews the working tree when nothing is staged, and a revision range', async () => {
    repo.write('stats.py', 'def average(values):\n    return sum(values) / max(1, len(values))\n');
    const url = await serve({ chunks: ['NO ISSUES'] }, { chunks: ['NO ISSUES'] });
    const unstaged = await review(['--base-url', url]);
    expect(unstaged.exitCode).toBe(0);
    expect(unstaged.stderr).toMatch(/Nothing is staged; reviewing the unstaged changes/);
    expect(unstaged.stdout).toMatch(/No problems found/);
    await git('commit', '-qam', 'guard');
    const ranged = await review(['HEAD~1..HEAD', '--base-url', url]);
    expect(ranged.exitCode).toBe(0);
    expect(ranged.stdout).toMatch(/Review of the changes in HEAD~1\.\.HEAD/);
    expect(JSON.stringify(chatRequests()[1]!.body.messages)).toContain('max(1, len(values))');
  });

  it('still reports secrets without a chat model, and says the model review was skipped', async () => {
    await plantChanges();
    const result = await review(['--staged']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toMatch(/^settings\.py:2 error possible secret/m);
    expect(result.stderr).toMatch(/model review was skipped/);
  });

  it('says so and exits non-zero when the backend dies mid-stream, keeping the secret findings', async () => {
    await plantChanges();
    const url = await serve({ fault: 'reset-mid-stream', afterChunks: 1, chunks: ['stats.py:6: err', 'or: x\n'] });
    const result = await review(['--staged', '--base-url', url, '--fail-on', 'info']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/The model review failed: .+/);
    expect(result.stdout).toMatch(/^settings\.py:2 error possible secret/m);
  });

  it('rejects a range that looks like an option', async () => {
    const result = await review(['--', '--output=x']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/not a revision range/);
  });
});
