/** `inline test` through the real binary, in temporary git repositories, with a scripted HTTP model. */
import { existsSync, readFileSync } from 'node:fs';
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

const say = (text: string): Reply => ({ chunks: [text.slice(0, 9), text.slice(9)] });
async function serve(...replies: Reply[]): Promise<void> {
  backend = await startFakeBackend({ replies });
}
const chatRequests = () => backend!.requests.filter((r) => r.path === '/v1/chat/completions');
const read = (path: string) => readFileSync(join(repo.root, path), 'utf8');
const inlineTest = (args: string[]) =>
  runCli(['test', ...args, '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b'], { cwd: repo.root, env: repo.env, timeoutMs: 60_000 });

const NODE_PROJECT = {
  'package.json': '{ "type": "module", "scripts": { "test": "node --test" } }\n',
  'src/text/slug.js': "export function slug(title) {\n  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');\n}\n",
  'src/math.js': 'export function add(a, b) {\n  return a + b;\n}\n',
  'test/math.test.js': "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { add } from '../src/math.js';\n\ntest('add', () => assert.equal(add(1, 2), 3));\n",
};
const header = "import { test } from 'node:test';\nimport assert from 'node:assert/strict';\nimport { slug } from '../../src/text/slug.js';\n\n";
const WRONG_TEST = `${header}test('slug', () => {\n  assert.equal(slug(' Hello World '), 'hello_world');\n});\n`;
const RIGHT_LINE = "  assert.equal(slug(' Hello World '), 'hello-world');\n";

describe('inline test', () => {
  it('writes a node:test file where the project keeps tests, runs it, and fixes only the test', async () => {
    await commitAll(NODE_PROJECT);
    await serve(
      say(`Here are tests.\n\n${block('test/text/slug.test.js', '', WRONG_TEST)}`),
      say(`The expectation was wrong.\n\n${block('test/text/slug.test.js', "  assert.equal(slug(' Hello World '), 'hello_world');\n", RIGHT_LINE)}`),
    );
    const result = await inlineTest(['src/text/slug.js#slug', '--run', '--json']);
    expect(result.stderr).not.toContain('inline:');
    expect(result.exitCode).toBe(0);
    const report = JSON.parse(result.stdout);
    expect(report).toMatchObject({ framework: 'node-test', testFile: 'test/text/slug.test.js', command: 'node --test test/text/slug.test.js', passed: true, iterations: 1 });
    expect(report.runs.map((r: { passed: boolean }) => r.passed)).toEqual([false, true]);
    expect(read('test/text/slug.test.js')).toContain(RIGHT_LINE);
    expect(read('src/text/slug.js')).toBe(NODE_PROJECT['src/text/slug.js']);
    expect((await git('log', '--format=%s')).trim().split('\n')).toHaveLength(3);
    // The model saw the code under test and was told where to write.
    const first = JSON.stringify(chatRequests()[0]!.body);
    expect(first).toContain('toLowerCase');
    expect(first).toContain('Create the new file test/text/slug.test.js');
  });

  it('puts a unittest file in tests/ for a Python project that keeps them there, and runs it', async () => {
    await commitAll({
      'shop/__init__.py': '',
      'shop/cart.py': 'def total(prices):\n    return sum(prices)\n',
      'tests/__init__.py': '',
      'tests/test_other.py': 'import unittest\n',
    });
    const testFile = 'import unittest\n\nfrom shop.cart import total\n\n\nclass TotalTest(unittest.TestCase):\n    def test_total(self):\n        self.assertEqual(total([1, 2]), 3)\n';
    await serve(say(`Tests:\n\n${block('tests/test_cart.py', '', testFile)}`));
    const result = await inlineTest(['shop/cart.py', '--run']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('unittest: tests/test_cart.py');
    expect(result.stdout).toMatch(/Result: passed/);
    expect(read('tests/test_cart.py')).toBe(testFile);
  });

  it('refuses an answer that edits the code under test, without --fix-source', async () => {
    await commitAll(NODE_PROJECT);
    const cheat = block('src/text/slug.js', "  return title.trim().toLowerCase().replace(/[^a-z0-9]+/g, '-');\n", "  return 'hello_world';\n");
    await serve(say(`Tests.\n\n${block('test/text/slug.test.js', '', WRONG_TEST)}`), say(`Change the code.\n\n${cheat}`));
    const result = await inlineTest(['src/text/slug.js', '--run']);
    expect(result.exitCode).toBe(1);
    expect(result.stderr).toMatch(/touched src\/text\/slug\.js, which this command may not change/);
    expect(read('src/text/slug.js')).toBe(NODE_PROJECT['src/text/slug.js']);
    expect(existsSync(join(repo.root, 'test/text/slug.test.js'))).toBe(true);
  });

  it('exits 2 for an unknown framework or symbol', async () => {
    await commitAll(NODE_PROJECT);
    await serve();
    const framework = await inlineTest(['src/math.js', '--framework', 'mocha']);
    expect(framework.exitCode).toBe(2);
    expect(framework.stderr).toContain('unknown framework "mocha"');
    const symbol = await inlineTest(['src/math.js#ad']);
    expect(symbol.exitCode).toBe(2);
    expect(symbol.stderr).toContain('add');
    expect(chatRequests()).toHaveLength(0);
  });
});
