/** `inline fix` through the real binary, in temporary git repositories, with a scripted HTTP model. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend, type Reply } from '../support/fake-backend.js';
import { commitFiles, git as gitIn, makeTempRepo, runCli, searchReplaceBlock, type TempRepo } from '../support/cli.js';

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

const git = (...args: string[]) => gitIn(repo, ...args);
const commitAll = (files: Record<string, string>) => commitFiles(repo, files);
const block = (path: string, search: string, replace: string) => searchReplaceBlock(path, search, replace);

async function serve(...replies: Reply[]): Promise<FakeBackend> {
  backend = await startFakeBackend({ replies });
  return backend;
}
const say = (text: string): Reply => ({ chunks: [text.slice(0, 9), text.slice(9)] });
const chatRequests = () => backend!.requests.filter((r) => r.path === '/v1/chat/completions');
const requestText = (index: number) => JSON.stringify(chatRequests()[index]!.body);
const read = (path: string) => readFileSync(join(repo.root, path), 'utf8');
const subjects = async () => (await git('log', '--format=%s')).trim().split('\n');
const trackedChanges = async () => (await git('status', '--porcelain', '--untracked-files=no')).trim();

const fix = (args: string[]) => runCli(['fix', ...args, '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b'], { cwd: repo.root, env: repo.env, timeoutMs: 60_000 });

const NODE_SOURCE = 'export function add(a, b) {\n  return a - b;\n}\n';
const NODE_TEST =
  "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from './math.js';\n\n" +
  "test('adds', () => {\n  assert.equal(add(2, 3), 5);\n});\n";
const NODE_REPO = { 'package.json': '{ "type": "module" }\n', 'math.js': NODE_SOURCE, 'math.test.js': NODE_TEST };
const NODE_WRONG = `The sign is wrong.\n\n${block('math.js', '  return a - b;\n', '  return a * b;\n')}`;
const NODE_RIGHT = `It must add.\n\n${block('math.js', '  return a * b;\n', '  return a + b;\n')}`;

describe('inline fix', () => {
  it('repairs a failing node --test suite in two turns and stops', async () => {
    await commitAll(NODE_REPO);
    await serve(say(NODE_WRONG), say(NODE_RIGHT), say('unexpected third request'));
    const result = await fix(['--cmd', 'node --test math.test.js', '--yes']);
    expect(result.stderr).not.toContain('inline:');
    expect(result.exitCode).toBe(0);
    expect(chatRequests()).toHaveLength(2);
    expect(read('math.js')).toBe('export function add(a, b) {\n  return a + b;\n}\n');
    expect(await subjects()).toHaveLength(3);
    // The failure's location and the command's output went to the model.
    expect(requestText(0)).toContain('math.test.js:6');
    expect(requestText(0)).toContain('node --test math.test.js');
    expect(result.stdout).toMatch(/Result: passed/);
    expect(result.stdout).toMatch(/after 2 model turn/);
  });

  it('repairs a failing python3 -m unittest suite in two turns and reports JSON', async () => {
    await commitAll({
      'calc.py': 'def mean(values):\n    return sum(values) / (len(values) + 1)\n',
      'test_calc.py': 'import unittest\n\nfrom calc import mean\n\n\nclass MeanTest(unittest.TestCase):\n    def test_mean(self):\n        self.assertEqual(mean([2, 4]), 3)\n\n\nif __name__ == "__main__":\n    unittest.main()\n',
    });
    const wrong = `Off by one.\n\n${block('calc.py', '    return sum(values) / (len(values) + 1)\n', '    return sum(values) / (len(values) - 1)\n')}`;
    const right = `Divide by the count.\n\n${block('calc.py', '    return sum(values) / (len(values) - 1)\n', '    return sum(values) / len(values)\n')}`;
    await serve(say(wrong), say(right));
    const result = await fix(['calc.py#mean', '--cmd', 'python3 -m unittest', '--yes', '--json']);
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ passed: true, stopReason: 'passed', iterations: 2 });
    expect(report.commits).toHaveLength(2);
    expect(report.commits[1].files).toEqual(['calc.py']);
    expect(report.runs.map((r: { passed: boolean }) => r.passed)).toEqual([false, false, true]);
    expect(read('calc.py')).toBe('def mean(values):\n    return sum(values) / len(values)\n');
    expect(requestText(0)).toContain('test_calc.py:8');
  });

  it('stops with a clear message when the command times out, without asking the model', async () => {
    await commitAll(NODE_REPO);
    await serve(say(NODE_RIGHT));
    const result = await fix(['--cmd', 'sleep 20', '--yes', '--timeout', '0.5']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/did not finish within/);
    expect(chatRequests()).toHaveLength(0);
    expect(await subjects()).toEqual(['initial']);
  });

  it('keeps only complete commits when the backend dies mid-iteration', async () => {
    await commitAll(NODE_REPO);
    const dead: Reply = { fault: 'reset-mid-stream', afterChunks: 1, chunks: ['Let me ', 'see'] };
    await serve(say(NODE_WRONG));
    backend!.setDefault(dead);
    const result = await fix(['--cmd', 'node --test math.test.js', '--yes']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/model failed during turn 2/);
    expect(result.stderr).toMatch(/stay as complete commits/);
    expect(read('math.js')).toContain('return a * b;');
    expect(await subjects()).toHaveLength(2);
    expect(await trackedChanges()).toBe('');
  });

  it('leaves the repository as it was when an edit does not apply', async () => {
    await commitAll(NODE_REPO);
    const wrong = block('math.js', '  return nothing_like_it;\n', '  return a + b;\n');
    await serve(say(wrong), say(wrong), say(wrong), say(wrong));
    const result = await fix(['--cmd', 'node --test math.test.js', '--yes']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/could not be applied/);
    expect(read('math.js')).toBe(NODE_SOURCE);
    expect(await subjects()).toEqual(['initial']);
    expect(await trackedChanges()).toBe('');
  });

  it('without --yes shows the diff, applies nothing and says to pass --yes', async () => {
    await commitAll(NODE_REPO);
    await serve(say(NODE_WRONG));
    const result = await fix(['--cmd', 'node --test math.test.js']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toContain('+  return a * b;');
    expect(result.stderr).toContain('--yes');
    expect(read('math.js')).toBe(NODE_SOURCE);
  });

  it('exits 2 on usage errors and without a chat model', async () => {
    await commitAll(NODE_REPO);
    const noCommand = await runCli(['fix', '--yes'], { cwd: repo.root, env: repo.env });
    expect(noCommand.exitCode).toBe(2);
    expect(noCommand.stderr).toContain('--cmd');
    const badCount = await runCli(['fix', '--cmd', 'true', '--max-iterations', 'zero'], { cwd: repo.root, env: repo.env });
    expect(badCount.exitCode).toBe(2);
    const noModel = await runCli(['fix', '--cmd', 'node --test math.test.js'], { cwd: repo.root, env: repo.env });
    expect(noModel.exitCode).toBe(2);
    expect(noModel.stderr).toContain('--base-url');
  });
});
