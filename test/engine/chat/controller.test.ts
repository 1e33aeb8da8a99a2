/** The TUI controller over a real workspace: a fake HTTP model, a temporary git repository. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { loadConfig } from '../../../src/config/load.js';
import { WorkspaceController } from '../../../src/engine/chat/controller.js';
import { ChatWorkspace } from '../../../src/engine/chat/workspace.js';
import type { ChatEvent } from '../../../src/tui/controller.js';
import { startFakeBackend, type FakeBackend } from '../../support/fake-backend.js';
import { makeTempRepo, type TempRepo } from '../../support/cli.js';

let repo: TempRepo;
let backend: FakeBackend | undefined;
let workspace: ChatWorkspace | undefined;

const git = async (...args: string[]) => String((await execa('git', args, { cwd: repo.root, env: repo.env, extendEnv: false })).stdout);

async function open(baseUrl?: string): Promise<WorkspaceController> {
  const { config } = loadConfig({ root: repo.root, flags: baseUrl ? { baseUrl: [baseUrl] } : {}, env: repo.env, cwd: repo.root });
  workspace = await ChatWorkspace.open({ root: repo.root, git: true, config });
  return new WorkspaceController(workspace);
}

beforeEach(async () => {
  repo = await makeTempRepo();
  await git('config', 'user.name', 'Test');
  await git('config', 'user.email', 'test@example.com');
  repo.write('a.py', 'x = 1\n');
  await git('add', '-A');
  await git('commit', '-q', '-m', 'initial');
});
afterEach(async () => {
  await workspace?.close();
  await backend?.close();
  workspace = undefined;
  backend = undefined;
  repo.cleanup();
});

describe('WorkspaceController', () => {
  it('streams the reply, waits for confirmation of the edit preview, then applies and commits', async () => {
    backend = await startFakeBackend({ replies: [{ chunks: ['Sure.\na.py\n```\n<<<<<<< SEARCH\n', 'x = 1\n=======\ny = 1\n>>>>>>> REPLACE\n```\n'] }] });
    const controller = await open(backend.url);
    expect(controller.info()).toMatchObject({ chatAvailable: true, engine: 'openai-http' });
    const events: ChatEvent[] = [];
    for await (const event of controller.submit('rename x')) {
      events.push(event);
      if (event.type === 'edit-preview') {
        expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe('x = 1\n');
        controller.confirmEdit(true);
      }
    }
    expect(events.filter((e) => e.type === 'delta').map((e) => (e as { text: string }).text).join('')).toContain('Sure.');
    expect(events.find((e) => e.type === 'edit-preview')).toMatchObject({ files: ['a.py'] });
    expect(events.find((e) => e.type === 'notice')).toMatchObject({ text: expect.stringMatching(/^Applied to a\.py; committed [0-9a-f]{10}/) });
    expect(events[events.length - 1]!.type).toBe('done');
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe('y = 1\n');
    expect(await git('log', '-1', '--format=%b')).toContain('Edited-by: inline');
  });

  it('discards a declined edit', async () => {
    backend = await startFakeBackend({ replies: [{ chunks: ['a.py\n```\n<<<<<<< SEARCH\nx = 1\n=======\ny = 1\n>>>>>>> REPLACE\n```\n'] }] });
    const controller = await open(backend.url);
    const notices: string[] = [];
    for await (const event of controller.submit('rename x')) {
      if (event.type === 'edit-preview') controller.confirmEdit(false);
      if (event.type === 'notice') notices.push(event.text);
    }
    expect(notices).toContain('Edit discarded; no file was changed.');
    expect(readFileSync(join(repo.root, 'a.py'), 'utf8')).toBe('x = 1\n');
  });

  it('without a chat engine: reports it is unavailable, answers messages with advice and still runs commands', async () => {
    const controller = await open();
    expect(controller.info().chatAvailable).toBe(false);
    const reply: ChatEvent[] = [];
    for await (const event of controller.submit('hello')) reply.push(event);
    expect(reply).toEqual([{ type: 'error', message: expect.stringContaining('--base-url') }]);
    const help: ChatEvent[] = [];
    for await (const event of controller.submit('/help')) help.push(event);
    expect(help).toEqual([{ type: 'notice', text: expect.stringContaining('/undo') }, { type: 'done' }]);
    expect(controller.complete('/he')).toEqual(['/help']);
  });
});
