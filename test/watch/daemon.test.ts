/** Conformance: the real daemon driven by vscode-jsonrpc over stdio, the unix socket and TCP. */
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import type { MessageConnection } from 'vscode-jsonrpc/node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeFixtureRepo, type TempRepo } from '../support/cli.js';
import { discoveryFile, fileUri, socketClient, startDaemon, stdioClient, waitFor, type Daemon } from '../support/watch-client.js';

const BOX = 'from .models import Item\n\n\nclass Box:\n    def __init__(self):\n        self.items: list[Item] = []\n\n    def add(self, item: Item) -> None:\n        self.items.'
const BOX_LINE = 8;

let repo: TempRepo;
let daemon: Daemon | undefined;
beforeEach(async () => {
  repo = await makeFixtureRepo('shop');
});
afterEach(async () => {
  await daemon?.stop();
  daemon = undefined;
  repo.cleanup();
});

async function initialize(connection: MessageConnection, initializationOptions?: unknown) {
  const result = await connection.sendRequest('initialize', { processId: process.pid, rootUri: `file://${repo.root}`, capabilities: {}, initializationOptions });
  await connection.sendNotification('initialized', {});
  return result as { capabilities: Record<string, unknown>; serverInfo: { name: string } };
}

/** Opens the document, then types `chars` one keystroke at a time with incremental changes. */
async function typeInto(connection: MessageConnection, uri: string, chars: string, pauseMs = 0): Promise<number> {
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: BOX } });
  let version = 1;
  let character = BOX.split('\n')[BOX_LINE]!.length;
  for (const char of chars) {
    version++;
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line: BOX_LINE, character }, end: { line: BOX_LINE, character } }, text: char }],
    });
    character++;
    if (pauseMs) await new Promise((r) => setTimeout(r, pauseMs));
  }
  return version;
}

describe('inline watch --stdio', () => {
  it('initializes, syncs incrementally, completes, pushes only the latest version, records acceptance, shuts down', async () => {
    daemon = startDaemon(['--stdio'], { cwd: repo.root, env: repo.env });
    const connection = stdioClient(daemon);
    const pushes: Array<{ uri: string; version: number; items: Array<{ insertText: string }> }> = [];
    connection.onNotification('inline/suggestion', (params: (typeof pushes)[number]) => {
      pushes.push(params);
    });

    const init = await initialize(connection);
    expect(init.serverInfo.name).toBe('inline');
    expect(init.capabilities).toMatchObject({ inlineCompletionProvider: {}, textDocumentSync: { change: 2 }, positionEncoding: 'utf-16' });

    const uri = fileUri(repo.root, 'shop/box.py');
    // Typed quickly: the debounce must collapse the keystrokes into one push, for the last version.
    const latest = await typeInto(connection, uri, 'app');
    const push = await waitFor(() => pushes.find((p) => p.version === latest), 'a push for the latest version');
    expect(push.items[0]!.insertText).toBe('end(item)');
    expect(pushes.every((p) => p.version === latest)).toBe(true);

    const character = BOX.split('\n')[BOX_LINE]!.length + 3;
    const completion = (await connection.sendRequest('textDocument/inlineCompletion', {
      textDocument: { uri },
      position: { line: BOX_LINE, character },
      context: { triggerKind: 1 },
    })) as { items: Array<{ insertText: string; range: unknown; command: { command: string; arguments: unknown[] } }> };
    expect(completion.items[0]).toMatchObject({
      insertText: 'end(item)',
      range: { start: { line: BOX_LINE, character }, end: { line: BOX_LINE, character } },
      command: { command: 'inline.didAccept' },
    });
    await connection.sendRequest('workspace/executeCommand', completion.items[0]!.command);

    await connection.sendRequest('shutdown');
    await connection.sendNotification('exit');
    expect(await daemon.exited).toBe(0);
    const events = readFileSync(join(repo.root, '.inline', 'telemetry', 'events.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(events.filter((e) => e.type === 'completion.accepted')).toHaveLength(1);
    expect(events.filter((e) => e.type === 'completion.shown')).toHaveLength(1);
    connection.dispose();
  });

  it('answers requests before initialize and unknown methods with JSON-RPC errors, and keeps serving', async () => {
    daemon = startDaemon(['--stdio'], { cwd: repo.root, env: repo.env });
    const connection = stdioClient(daemon);
    await expect(connection.sendRequest('textDocument/inlineCompletion', {})).rejects.toMatchObject({ code: -32002 });
    await initialize(connection);
    await expect(connection.sendRequest('inline/noSuchMethod', {})).rejects.toMatchObject({ code: -32601 });
    await expect(connection.sendRequest('textDocument/inlineCompletion', { textDocument: {} })).rejects.toMatchObject({ code: -32602 });
    const empty = await connection.sendRequest('textDocument/inlineCompletion', { textDocument: { uri: fileUri(repo.root, 'none.py') }, position: { line: 0, character: 0 }, context: { triggerKind: 1 } });
    expect(empty).toEqual({ items: [] });
    connection.dispose();
  });
});

describe('inline watch on the unix socket', () => {
  it('listens on .inline/watch.sock with mode 0600 and serves completions', async () => {
    daemon = startDaemon([], { cwd: repo.root, env: repo.env });
    const path = join(repo.root, '.inline', 'watch.sock');
    await waitFor(() => existsSync(path), 'the socket');
    expect(statSync(path).mode & 0o777).toBe(0o600);
    const { connection, socket } = await socketClient({ path });
    await initialize(connection);
    const uri = fileUri(repo.root, 'shop/box.py');
    await typeInto(connection, uri, 'app');
    const character = BOX.split('\n')[BOX_LINE]!.length + 3;
    const completion = (await connection.sendRequest('textDocument/inlineCompletion', { textDocument: { uri }, position: { line: BOX_LINE, character }, context: { triggerKind: 2 } })) as {
      items: Array<{ insertText: string }>;
    };
    expect(completion.items.map((i) => i.insertText)).toContain('end(item)');
    connection.dispose();
    socket.destroy();
    await daemon.stop();
    expect(existsSync(path)).toBe(false);
  });
});

describe('inline watch --tcp', () => {
  it('writes a 0600 discovery file and refuses a client without the token', async () => {
    const runtime = join(repo.home, 'runtime');
    daemon = startDaemon(['--tcp'], { cwd: repo.root, env: { ...repo.env, XDG_RUNTIME_DIR: runtime } });
    const found = await discoveryFile(runtime);
    expect(found).toMatchObject({ root: repo.root, pid: daemon.child.pid });
    const file = join(runtime, 'inline', `${daemon.child.pid}.json`);
    expect(statSync(file).mode & 0o777).toBe(0o600);

    const stranger = await socketClient({ host: '127.0.0.1', port: found.port });
    await expect(initialize(stranger.connection, { token: 'wrong' })).rejects.toBeDefined();
    stranger.connection.dispose();
    stranger.socket.destroy();

    const friend = await socketClient({ host: '127.0.0.1', port: found.port });
    const init = await initialize(friend.connection, { token: found.token });
    expect(init.serverInfo.name).toBe('inline');
    friend.connection.dispose();
    friend.socket.destroy();
    await daemon.stop();
    expect(existsSync(file)).toBe(false);
  });
});

describe('inline watch with a model server', () => {
  it('cancels a superseded request and honours $/cancelRequest, down to the HTTP stream', async () => {
    const { startFakeBackend } = await import('../support/fake-backend.js');
    const { CancellationTokenSource } = await import('vscode-jsonrpc/node');
    const slow = { chunks: Array.from({ length: 60 }, () => 'x'), chunkDelayMs: 100 };
    const backend = await startFakeBackend({ replies: [slow, slow, { chunks: ['end(item)'] }] });
    try {
      daemon = startDaemon(['--stdio', '--base-url', backend.url, '--fim-model', 'qwen2.5-coder-7b'], { cwd: repo.root, env: { ...repo.env, INLINE_COMPLETION_DEADLINE_MS: '20000' } });
      const connection = stdioClient(daemon);
      await initialize(connection);
      const uri = fileUri(repo.root, 'shop/box.py');
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: BOX } });
      const at = { line: BOX_LINE, character: BOX.split('\n')[BOX_LINE]!.length };
      const completions = () => backend.requests.filter((r) => r.path === '/v1/completions');

      // $/cancelRequest from the client aborts the request at the server.
      const source = new CancellationTokenSource();
      const cancelled = connection.sendRequest('textDocument/inlineCompletion', { textDocument: { uri }, position: at, context: { triggerKind: 1 } }, source.token);
      await waitFor(() => completions().length >= 1, 'the first backend request');
      source.cancel();
      await expect(cancelled).rejects.toMatchObject({ code: -32800 });
      await waitFor(() => completions()[0]!.aborted, 'the first HTTP stream to be aborted');

      // A newer request for the same document supersedes the older one.
      const older = connection.sendRequest('textDocument/inlineCompletion', { textDocument: { uri }, position: at, context: { triggerKind: 1 } });
      await waitFor(() => completions().length >= 2, 'the second backend request');
      const newer = await connection.sendRequest('textDocument/inlineCompletion', { textDocument: { uri }, position: at, context: { triggerKind: 1 } });
      expect(await older).toEqual({ items: [] });
      expect((newer as { items: Array<{ insertText: string }> }).items[0]!.insertText).toBe('end(item)');
      await waitFor(() => completions()[1]!.aborted, 'the superseded HTTP stream to be aborted');
      connection.dispose();
    } finally {
      await daemon?.stop();
      await backend.close();
    }
  });
});

describe('inline watch following the disk', () => {
  it('learns a file saved by another program', async () => {
    daemon = startDaemon(['--stdio'], { cwd: repo.root, env: repo.env });
    const connection = stdioClient(daemon);
    await initialize(connection);
    const uri = fileUri(repo.root, 'shop/use.py');
    const ask = async (text: string) => {
      await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text } });
      const lines = text.split('\n');
      const result = (await connection.sendRequest('textDocument/inlineCompletion', {
        textDocument: { uri },
        position: { line: lines.length - 1, character: lines.at(-1)!.length },
        context: { triggerKind: 1 },
      })) as { items: Array<{ insertText: string }> };
      await connection.sendNotification('textDocument/didClose', { textDocument: { uri } });
      return result.items.map((i) => i.insertText);
    };
    const text = 'from .zeta import Gizmo\n\n\ndef go(gizmo: Gizmo, level: int) -> None:\n    gizmo.recal';
    await waitFor(() => daemon!.stderr().includes('following changes on disk'), 'the file watcher');
    // Before the file exists nothing is known about it; the engine is built by now.
    expect(await ask(text)).toEqual([]);
    const uses = [1, 2, 3, 4].map((i) => `\n\ndef tune${i}(gizmo: Gizmo, level: int) -> None:\n    gizmo.recalibrate_flux(level)\n`);
    repo.write('shop/zeta.py', `class Gizmo:\n    def recalibrate_flux(self, level: int) -> None:\n        self.level = level\n${uses.join('')}`);
    const deadline = Date.now() + 10_000;
    let seen: string[] = [];
    while (Date.now() < deadline) {
      seen = await ask(text);
      if (seen.length > 0) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    expect(seen, daemon.stderr()).toContain('ibrate_flux(level)');
    connection.dispose();
  });
});
