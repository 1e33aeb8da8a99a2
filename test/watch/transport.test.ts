import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, realpathSync, rmSync, statSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createMessageConnection, ResponseError, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import type { RpcConnection } from '../../src/watch/rpc.js';
import { discoveryDirectory, listenTcp, listenUnixSocket, WatchTransportError, type WatchListener } from '../../src/watch/transport.js';

const TRANSPORT = fileURLToPath(new URL('../../src/watch/transport.ts', import.meta.url));

let base: string;
const listeners: WatchListener[] = [];
const sockets: net.Socket[] = [];
const children: ChildProcess[] = [];

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'inline-transport-')));
});

afterEach(async () => {
  for (const socket of sockets.splice(0)) socket.destroy();
  for (const listener of listeners.splice(0)) await listener.close();
  for (const child of children.splice(0)) child.kill('SIGKILL');
  vi.unstubAllEnvs();
  rmSync(base, { recursive: true, force: true });
});

function serveEcho(connection: RpcConnection): void {
  connection.onRequest('initialize', () => ({ capabilities: {} }));
  connection.onRequest('echo', (params) => params);
}

async function client(connectTo: string | number): Promise<{ rpc: MessageConnection; socket: net.Socket; closed: Promise<void> }> {
  const socket = typeof connectTo === 'string' ? net.connect(connectTo) : net.connect(connectTo, '127.0.0.1');
  sockets.push(socket);
  await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const rpc = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  rpc.listen();
  return { rpc, socket, closed };
}

/** A second process holding a daemon socket, so that refusal and signal cleanup are tested across processes. */
async function daemonInChild(socketPath: string, ownSignalHandler = false): Promise<ChildProcess> {
  const script = `
    import { listenUnixSocket } from ${JSON.stringify(TRANSPORT)};
    // Registered before the listener's own hook, which must still see it and not end the process.
    ${ownSignalHandler ? "process.once('SIGTERM', () => setTimeout(() => process.exit(3), 50));" : ''}
    await listenUnixSocket(${JSON.stringify(socketPath)}, () => {});
    process.stdout.write('ready\\n');
    process.stdin.on('data', () => process.exit(0));`;
  const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout!.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
    child.once('exit', (code) => reject(new Error(`daemon child exited early with ${code}`)));
  });
  return child;
}

const exited = (child: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));

describe('listenUnixSocket', () => {
  it('creates an owner-only socket and a pid file, serves clients, and removes both on close', async () => {
    const path = join(base, '.inline', 'watch.sock');
    const listener = await listenUnixSocket(path, serveEcho);
    listeners.push(listener);
    expect(listener.pidFile).toBe(join(base, '.inline', 'watch.pid'));
    const stat = statSync(path);
    expect(stat.isSocket()).toBe(true);
    expect(stat.mode & 0o777).toBe(0o600);
    expect(statSync(join(base, '.inline')).mode & 0o777).toBe(0o700);
    expect(readFileSync(listener.pidFile, 'utf8').trim()).toBe(String(process.pid));

    const { rpc } = await client(path);
    expect(await rpc.sendRequest('echo', { hello: 'wörld' })).toEqual({ hello: 'wörld' });
    expect(listener.connections).toBe(1);

    await listener.close();
    expect(existsSync(path)).toBe(false);
    expect(existsSync(listener.pidFile)).toBe(false);
  });

  it('replaces a stale socket left by a daemon that was killed', async () => {
    const path = join(base, 'watch.sock');
    const script = `require('net').createServer().listen(${JSON.stringify(path)}, () => process.kill(process.pid, 'SIGKILL'))`;
    const child = spawn(process.execPath, ['-e', script], { stdio: 'ignore' });
    expect((await exited(child)).signal).toBe('SIGKILL');
    expect(statSync(path).isSocket()).toBe(true);
    // A pid file naming a dead process is stale too.
    writeFileSync(join(base, 'watch.pid'), '999999999\n');

    const listener = await listenUnixSocket(path, serveEcho);
    listeners.push(listener);
    const { rpc } = await client(path);
    expect(await rpc.sendRequest('echo', { n: 1 })).toEqual({ n: 1 });
    expect(readFileSync(listener.pidFile, 'utf8').trim()).toBe(String(process.pid));
  });

  it('refuses to start where a daemon in this process already answers', async () => {
    const path = join(base, 'watch.sock');
    listeners.push(await listenUnixSocket(path, serveEcho));
    const second = listenUnixSocket(path, serveEcho);
    await expect(second).rejects.toBeInstanceOf(WatchTransportError);
    await expect(second).rejects.toThrow(`inline watch is already running for this repository (pid ${process.pid})`);
    // The refused attempt left the running daemon's files alone.
    const { rpc } = await client(path);
    expect(await rpc.sendRequest('echo', { still: 'here' })).toEqual({ still: 'here' });
  });

  it.each(['SIGTERM', 'SIGINT', 'exit'] as const)('refuses while another process serves, and that process cleans up on %s', async (ending) => {
    const path = join(base, '.inline', 'watch.sock');
    const daemon = await daemonInChild(path);
    await expect(listenUnixSocket(path, serveEcho)).rejects.toThrow(`inline watch is already running for this repository (pid ${daemon.pid})`);
    const done = exited(daemon);
    if (ending === 'exit') daemon.stdin!.write('exit\n');
    else daemon.kill(ending);
    const outcome = await done;
    // After cleaning up, the signal still ends the process the way it would have without us.
    expect(outcome).toEqual(ending === 'exit' ? { code: 0, signal: null } : { code: null, signal: ending });
    expect(existsSync(path)).toBe(false);
    expect(existsSync(join(base, '.inline', 'watch.pid'))).toBe(false);
    listeners.push(await listenUnixSocket(path, serveEcho));
  });

  it('cleans up on a signal but leaves the ending to a handler of the daemon’s own', async () => {
    const path = join(base, 'watch.sock');
    const daemon = await daemonInChild(path, true);
    const done = exited(daemon);
    daemon.kill('SIGTERM');
    expect(await done).toEqual({ code: 3, signal: null });
    expect(existsSync(path)).toBe(false);
  });

  it('refuses a path longer than unix sockets allow, saying so', async () => {
    const deep = join(base, 'd'.repeat(60), 'e'.repeat(60), 'watch.sock');
    const attempt = listenUnixSocket(deep, serveEcho);
    await expect(attempt).rejects.toBeInstanceOf(WatchTransportError);
    await expect(attempt).rejects.toThrow(/unix socket paths are limited to 10[37] bytes; pass a shorter path with --socket, or use --tcp/);
  });

  it('refuses to replace a file that is not a socket', async () => {
    const path = join(base, 'watch.sock');
    writeFileSync(path, 'precious');
    await expect(listenUnixSocket(path, serveEcho)).rejects.toThrow(`${path} exists and is not a socket`);
    expect(readFileSync(path, 'utf8')).toBe('precious');
    expect(existsSync(join(base, 'watch.pid'))).toBe(false);
  });

  it('closes a connection whose setup throws, and keeps accepting', async () => {
    const path = join(base, 'watch.sock');
    let calls = 0;
    const logs: string[] = [];
    const listener = await listenUnixSocket(
      path,
      (connection) => {
        if (++calls === 1) throw new Error('setup failed');
        serveEcho(connection);
      },
      { log: (line) => logs.push(line) },
    );
    listeners.push(listener);
    const first = await client(path);
    await first.closed;
    expect(logs.join('\n')).toMatch(/could not be set up: setup failed/);
    const { rpc } = await client(path);
    expect(await rpc.sendRequest('echo', { n: 2 })).toEqual({ n: 2 });
  });
});

describe('listenTcp', () => {
  it('binds loopback and writes a private discovery file under XDG_RUNTIME_DIR, removed on close', async () => {
    const runtime = join(base, 'runtime');
    mkdirSync(runtime, { mode: 0o755 });
    vi.stubEnv('XDG_RUNTIME_DIR', runtime);
    const listener = await listenTcp(join(base, 'repo'), serveEcho);
    listeners.push(listener);
    expect(listener.discoveryFile).toBe(join(runtime, 'inline', `${process.pid}.json`));
    expect(statSync(join(runtime, 'inline')).mode & 0o777).toBe(0o700);
    expect(statSync(listener.discoveryFile).mode & 0o777).toBe(0o600);
    const content = JSON.parse(readFileSync(listener.discoveryFile, 'utf8'));
    expect(content).toEqual({ port: listener.port, token: listener.token, root: join(base, 'repo'), pid: process.pid, transport: 'tcp' });
    expect(content.token).toMatch(/^[0-9a-f]{64}$/);

    await listener.close();
    expect(existsSync(listener.discoveryFile)).toBe(false);
  });

  it('makes an existing discovery directory private and uses a fresh token each time', async () => {
    const directory = join(base, 'discovery');
    mkdirSync(directory, { mode: 0o777 });
    const first = await listenTcp(base, serveEcho, { discoveryDir: directory });
    await first.close();
    const second = await listenTcp(base, serveEcho, { discoveryDir: directory });
    listeners.push(second);
    expect(statSync(directory).mode & 0o777).toBe(0o700);
    expect(second.token).not.toBe(first.token);
  });

  it('refuses a client without the token: an error, then the connection is closed', async () => {
    const listener = await listenTcp(base, serveEcho, { discoveryDir: join(base, 'd') });
    listeners.push(listener);
    const { rpc, closed } = await client(listener.port);
    const early = await rpc.sendRequest('echo', { n: 1 }).then(() => undefined, (error: unknown) => error);
    expect(early).toBeInstanceOf(ResponseError);
    expect(early).toMatchObject({ code: -32002, message: 'authenticate with the token from the discovery file in initialize' });
    const wrong = await rpc.sendRequest('initialize', { initializationOptions: { token: '0'.repeat(64) } }).then(() => undefined, (error: unknown) => error);
    expect(wrong).toMatchObject({ code: -32002, message: expect.stringMatching(/^invalid token/) });
    await closed;
    expect(listener.connections).toBe(0);
  });

  it('serves a client that presents the token in initialize', async () => {
    const listener = await listenTcp(base, serveEcho, { discoveryDir: join(base, 'd') });
    listeners.push(listener);
    const { token } = JSON.parse(readFileSync(listener.discoveryFile, 'utf8'));
    const { rpc } = await client(listener.port);
    expect(await rpc.sendRequest('initialize', { processId: null, initializationOptions: { token } })).toEqual({ capabilities: {} });
    expect(await rpc.sendRequest('echo', { after: 'auth' })).toEqual({ after: 'auth' });
  });
});

describe('stdioConnection', () => {
  it('speaks over stdin and stdout, keeps console output off stdout, and closes when stdin ends', async () => {
    const script = `
      import { stdioConnection } from ${JSON.stringify(TRANSPORT)};
      const connection = stdioConnection({ log: () => undefined });
      connection.onRequest('echo', (params) => { console.log('stray console output'); return params; });
      connection.onClose(() => process.exit(0));`;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], { stdio: ['pipe', 'pipe', 'pipe'] });
    children.push(child);
    let stderr = '';
    child.stderr!.on('data', (data: Buffer) => (stderr += data.toString()));
    const rpc = createMessageConnection(new StreamMessageReader(child.stdout!), new StreamMessageWriter(child.stdin!));
    rpc.listen();
    expect(await rpc.sendRequest('echo', { over: 'stdio ✓' })).toEqual({ over: 'stdio ✓' });
    expect(stderr).toContain('stray console output');
    const done = exited(child);
    rpc.dispose();
    child.stdin!.end();
    expect(await done).toEqual({ code: 0, signal: null });
  });
});

describe('discoveryDirectory', () => {
  it('uses XDG_RUNTIME_DIR, else a per-user directory under the temp dir', () => {
    expect(discoveryDirectory({ XDG_RUNTIME_DIR: '/run/user/1000' })).toBe('/run/user/1000/inline');
    expect(discoveryDirectory({})).toBe(join(tmpdir(), `inline-${process.getuid!()}`));
  });
});
