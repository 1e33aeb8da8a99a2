/** `inline chat -m` through the real binary, in temporary git repositories, with a real HTTP server as the model. */
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { startFakeBackend, type FakeBackend } from '../support/fake-backend.js';
import { commitFiles, git as gitIn, makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

// Built at run time so no credential-shaped literal sits in the repository.
const AWS_KEY = 'AKIA' + 'Q3EGRTZ7' + 'XPLM4WNB';

let repo: TempRepo;
let backend: FakeBackend | undefined;

beforeEach(async () => {
  repo = await makeTempRepo();
  await commitFiles(repo, { 'a.py': 'def area(x):\n    return x * x\n\n\nprint(area(3))\n' });
});
afterEach(async () => {
  await backend?.close();
  backend = undefined;
  repo.cleanup();
});

const git = (...args: string[]) => gitIn(repo, ...args);

const chat = (args: string[], input?: string) =>
  runCli(['chat', ...args], { cwd: repo.root, env: repo.env, timeoutMs: 30_000, ...(input === undefined ? {} : { input }) });

function block(path: string, search: string, replace: string): string {
  return `${path}\n\`\`\`python\n<<<<<<< SEARCH\n${search}=======\n${replace}>>>>>>> REPLACE\n\`\`\`\n`;
}

const RENAME = block('a.py', 'def area(x):\n    return x * x\n', 'def area(y):\n    return y * y\n');
const RENAMED = 'def area(y):\n    return y * y\n\n\nprint(area(3))\n';

async function serve(...replies: string[]): Promise<FakeBackend> {
  // Split in two so the client really streams.
  backend = await startFakeBackend({ replies: replies.map((text) => ({ chunks: [text.slice(0, 7), text.slice(7)] })) });
  return backend;
}

const chatRequests = () => backend!.requests.filter((r) => r.path === '/v1/chat/completions');
const allContent = (index: number) => (chatRequests()[index]!.body.messages as Array<{ content: string }>).map((m) => m.content).join('\n');

describe('inline chat -m', () => {
  it('commits your own changes to a touched file first, or refuses with edits.dirtyFiles = "refuse"', async () => {
    const mine = 'def area(x):\n    return x * x\n\n\nprint(area(3))\nprint("mine")\n';
    repo.write('a.py', mine);
    await serve(`Renaming.\n\n${RENAME}`);
    repo.write('.inline/config.json', JSON.stringify({ edits: { dirtyFiles: 'refuse' } }));
    const refused = await chat(['-m', 'rename x to y in a.py', '--yes', '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b']);
    expect(refused.exitCode).toBe(1);
    expect(`${refused.stdout}${refused.stderr}`).toMatch(/uncommitted/i);
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe(mine);
    expect((await git('log', '--format=%s')).trim()).toBe('initial');

    await backend!.close();
    await serve(`Renaming.\n\n${RENAME}`);
    repo.write('.inline/config.json', JSON.stringify({ edits: { dirtyFiles: 'commit' } }));
    const applied = await chat(['-m', 'rename x to y in a.py', '--yes', '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b']);
    expect(applied.exitCode).toBe(0);
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe(RENAMED + 'print("mine")\n');
    const subjects = (await git('log', '--format=%s')).trim().split('\n');
    expect(subjects).toHaveLength(3);
    expect(subjects[1]).toMatch(/save your changes/i);
  });

  it('applies an edit as one commit with the trailer, and /undo restores the file', async () => {
    await serve(`Renaming x to y.\n\n${RENAME}`);
    const added = await chat(['-m', '/add a.py']);
    expect(added).toMatchObject({ exitCode: 0 });
    expect(added.stdout).toContain('Added a.py');

    const result = await chat(['-m', 'rename x to y in a.py', '--yes', '--resume', '--base-url', backend!.url, '--model', 'qwen2.5-coder-7b']);
    expect(result.stderr).not.toContain('inline:');
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('Renaming x to y.');
    expect(result.stdout).toMatch(/Applied a\.py in commit [0-9a-f]{10}/);
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe(RENAMED);
    const log = await git('log', '--format=%s%n%b---');
    expect(log.split('---').filter((c) => c.trim() !== '')).toHaveLength(2);
    expect(log).toContain('Edited-by: inline');
    expect(log).toContain('rename x to y in a.py');
    // The chat file went to the model in full, with the edit instructions.
    expect(allContent(0)).toContain('<<<<<<< SEARCH');
    expect(allContent(0)).toContain('def area(x):');

    const undone = await chat(['-m', '/undo']);
    expect(undone.exitCode).toBe(0);
    expect(undone.stdout).toContain('Undid');
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe('def area(x):\n    return x * x\n\n\nprint(area(3))\n');
    expect((await git('log', '--format=%s')).trim()).toBe('initial');
    // The chat was saved where --resume finds it.
    expect(readdirSync(join(repo.root, '.inline', 'chats')).filter((f) => f.endsWith('.json'))).toHaveLength(1);
  });

  it('sends feedback with the nearest lines for a block that does not match, and applies the corrected answer', async () => {
    const wrong = block('a.py', 'def area(x):\n    return x*x\n', 'def area(y):\n    return y * y\n');
    await serve(`First try.\n${wrong}`, `Fixed.\n${RENAME}`);
    const result = await chat(['-m', 'rename x to y in a.py', '--yes', '--base-url', backend!.url], undefined);
    expect(result.exitCode).toBe(0);
    expect(chatRequests()).toHaveLength(2);
    const second = allContent(1);
    expect(second).toContain('The edit of a.py failed');
    expect(second).toContain('most like your SEARCH text are lines 1-2');
    expect(second).toContain('    return x * x');
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe(RENAMED);
    expect((await git('log', '--format=%b')).match(/Edited-by: inline/g)).toHaveLength(1);
  });

  it('gives up after 3 retries with exit 1 and leaves the file alone', async () => {
    const wrong = block('a.py', 'def nothing_like_it():\n    pass\n', 'x = 1\n');
    await serve(wrong, wrong, wrong, wrong, wrong);
    const result = await chat(['-m', 'change it', '--yes', '--base-url', backend!.url]);
    expect(result.exitCode).toBe(1);
    expect(chatRequests()).toHaveLength(4);
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toContain('def area(x)');
  });

  it('reads the message from stdin and never sends a secret from a chat file', async () => {
    repo.write('settings.py', `AWS_ACCESS_KEY_ID = "${AWS_KEY}"\nREGION = "eu-west-1"\n`);
    await serve('The region is eu-west-1.');
    expect((await chat(['-m', '/add settings.py'])).exitCode).toBe(0);
    const result = await chat(['--resume', '--json', '--base-url', backend!.url], 'what region do we use?');
    expect(result.exitCode).toBe(0);
    expect(JSON.parse(result.stdout)).toMatchObject({ reply: 'The region is eu-west-1.', applied: [], editFailed: false });
    const body = JSON.stringify(chatRequests()[0]!.body);
    expect(body).toContain('REGION = \\"eu-west-1\\"');
    expect(body).toContain('what region do we use?');
    expect(body).not.toContain(AWS_KEY);
  });

  it('without a chat-capable engine exits 2 with advice, and commands still work', async () => {
    const result = await chat(['-m', 'hello']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('--base-url');
    expect(result.stderr).toContain('--gguf');
    const help = await chat(['-m', '/help']);
    expect(help.exitCode).toBe(0);
    expect(help.stdout).toContain('/undo');
  });

  it('reports a usage error for an unknown chat id', async () => {
    const result = await chat(['-m', '/tokens', '--resume', 'no-such-chat']);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toContain('no-such-chat');
  });
});
