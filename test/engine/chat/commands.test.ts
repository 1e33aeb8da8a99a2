/** Slash commands against a real temporary git repository, with no chat-capable engine configured. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { completeCommand, completePath, runCommand } from '../../../src/engine/chat/commands.js';
import { ChatSession } from '../../../src/engine/chat/chat-session.js';
import { ChatWorkspace } from '../../../src/engine/chat/workspace.js';
import { applyAndCommit, planEdits } from '../../../src/engine/edits/index.js';
import { makeTempRepo, type TempRepo } from '../../support/cli.js';

let repo: TempRepo;
let workspace: ChatWorkspace;

const git = async (...args: string[]) => String((await execa('git', args, { cwd: repo.root, env: repo.env, extendEnv: false })).stdout);

async function open(resume?: string | true): Promise<ChatWorkspace> {
  const { config } = loadConfig({ root: repo.root, flags: {}, env: repo.env, cwd: repo.root });
  return ChatWorkspace.open({ root: repo.root, git: true, config, ...(resume ? { resume } : {}) });
}

beforeEach(async () => {
  repo = await makeTempRepo();
  await git('config', 'user.name', 'Test');
  await git('config', 'user.email', 'test@example.com');
  repo.write('src/app.py', 'def main():\n    return 1\n');
  repo.write('src/util.py', 'def helper():\n    return 2\n');
  repo.write('.env', 'TOKEN=abc\n');
  await git('add', 'src');
  await git('commit', '-q', '-m', 'initial');
  workspace = await open();
});
afterEach(async () => {
  await workspace.close();
  repo.cleanup();
});

const command = (line: string) => runCommand(workspace, line);

describe('slash commands', () => {
  it('/add takes files and directories, refuses secrets and missing files; /drop removes them; both persist', async () => {
    expect(await command('/add src')).toEqual({ ok: true, text: 'Added src/app.py.\nAdded src/util.py.' });
    expect(workspace.session.files).toEqual(['src/app.py', 'src/util.py']);
    const refused = await command('/add .env nope.py');
    expect(refused.ok).toBe(false);
    expect(refused.text).toContain('Cannot add .env: it is a secret file');
    expect(refused.text).toContain('Cannot add nope.py: there is no such file');
    expect(await command('/drop src/util.py')).toEqual({ ok: true, text: 'Dropped src/util.py.' });
    const resumed = ChatSession.resume(repo.root);
    expect(resumed?.files).toEqual(['src/app.py']);
  });

  it('/context and /tokens explain what would be sent, with tokens, without an engine', async () => {
    await command('/add src/app.py');
    const context = await command('/context');
    expect(context.ok).toBe(true);
    expect(context.text).toContain('No chat model is configured');
    expect(context.text).toMatch(/\+ file src\/app\.py\s+\d+\s+added to the chat/);
    expect(context.text).toMatch(/\+ instructions/);
    const tokens = await command('/tokens');
    expect(tokens.text).toMatch(/Next request: about \d+ tokens/);
    expect(tokens.text).toMatch(/file\s+\d+/);
  });

  it('/undo reverts the last inline commit, and refuses a commit inline did not make', async () => {
    const refused = await command('/undo');
    expect(refused.ok).toBe(false);
    expect(refused.text).toContain('was not made by inline');
    const plan = planEdits('src/app.py\n```\n<<<<<<< SEARCH\n    return 1\n=======\n    return 42\n>>>>>>> REPLACE\n```\n', { root: repo.root, format: 'search-replace' });
    const edit = await applyAndCommit(plan, { summary: 'return 42', dirty: 'commit' });
    workspace.session.lastEdit = { commit: edit.commit!, files: edit.changed };
    const diff = await command('/diff');
    expect(diff.text).toContain('No uncommitted changes. The last AI edit');
    expect(diff.text).toContain('+    return 42');
    const undone = await command('/undo');
    expect(undone).toMatchObject({ ok: true });
    expect(undone.text).toContain('restored src/app.py');
    expect(readFileSync(join(repo.root, 'src/app.py'), 'utf8')).toBe('def main():\n    return 1\n');
  });

  it('/diff shows uncommitted changes and /commit commits them', async () => {
    repo.write('src/util.py', 'def helper():\n    return 3\n');
    expect((await command('/diff')).text).toContain('+    return 3');
    expect(await command('/commit tweak helper')).toMatchObject({ ok: true });
    expect((await git('log', '-1', '--format=%s')).trim()).toBe('tweak helper');
    expect((await command('/commit')).text).toContain('Nothing to commit');
  });

  it('/run captures output for the next message; /clear forgets the conversation', async () => {
    const ran = await command('/run echo hello-from-run && exit 3');
    expect(ran.ok).toBe(false);
    expect(ran.text).toContain('hello-from-run');
    expect(ran.text).toContain('exit code 3');
    expect(workspace.session.pendingContext).toContain('$ echo hello-from-run');
    const context = await workspace.contextFor('why?');
    expect(context.messages[context.messages.length - 1]!.content).toContain('hello-from-run');
    workspace.session.append({ role: 'user', content: 'hi' });
    expect(await command('/clear')).toMatchObject({ ok: true });
    expect(workspace.session.messages).toEqual([]);
    expect(workspace.session.pendingContext).toBeUndefined();
  });

  it('/search without an index, /model, /help and unknown commands answer clearly', async () => {
    expect((await command('/search helper')).text).toContain('run `inline index` first');
    expect((await command('/model')).text).toBe('Model: none (engine local).');
    expect((await command('/help')).text).toContain('/run <command>');
    const unknown = await command('/ad src');
    expect(unknown.ok).toBe(false);
    expect(unknown.text).toContain('Did you mean /add?');
  });
});

describe('completion', () => {
  it('completes command names and paths one directory level at a time', () => {
    const files = ['src/app.py', 'src/util.py', 'src/tui/view.ts', 'README.md'];
    expect(completeCommand('/ad', files, [])).toEqual(['/add']);
    expect(completeCommand('/add src/', files, [])).toEqual(['src/app.py', 'src/tui/', 'src/util.py']);
    expect(completeCommand('/add src/', files, ['src/app.py'])).toEqual(['src/tui/', 'src/util.py']);
    expect(completeCommand('/drop src/u', files, ['src/util.py', 'README.md'])).toEqual(['src/util.py']);
    expect(completePath(files, '')).toEqual(['README.md', 'src/']);
  });
});
