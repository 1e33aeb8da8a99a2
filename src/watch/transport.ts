/**
 * How editors reach `inline watch`: a unix socket (the default, `.inline/watch.sock`), TCP on
 * loopback announced by a discovery file, or the process's own stdin and stdout.
 *
 * Unix socket: mode 0600 in an owner-only directory, one daemon per path. `<name>.pid` beside the
 * socket (`.inline/watch.pid`) names the daemon. A socket file nobody answers on is stale and is
 * replaced. Socket paths are limited by the OS (107 bytes on Linux, 103 on macOS); a longer one is
 * refused with a message saying so rather than moved somewhere an editor would not look.
 *
 * TCP: 127.0.0.1 on a free port, a fresh 32-byte token, and `$XDG_RUNTIME_DIR/inline/<pid>.json`
 * (else `<tmpdir>/inline-<uid>/<pid>.json`), mode 0600 in a 0700 directory, holding
 * `{port, token, root, pid, transport: "tcp"}`. Clients present the token in `initialize`.
 *
 * Every file a listener creates is removed when it closes, when the process exits, and on
 * SIGINT/SIGTERM (after which the signal's default action still ends the process unless someone
 * else listens for it).
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { errorCode, readOrUndefined, writeDurably } from '../index/store-lock.js';
import { RpcConnection, type RpcConnectionOptions } from './rpc.js';
import { newToken } from './token.js';

/** A transport that cannot start for a reason the user can fix (exit code 2, like usage errors). */
export class WatchTransportError extends Error {
  readonly exitCode = 2 as const;

  constructor(message: string) {
    super(message);
    this.name = 'WatchTransportError';
  }
}

export type ConnectionHandler = (connection: RpcConnection) => void;

export interface TransportOptions {
  /** Options for every accepted connection (the TCP token is added by listenTcp). */
  connection?: Omit<RpcConnectionOptions, 'requireToken'>;
  log?: (line: string) => void;
}

export interface WatchListener {
  /** Connections currently open. */
  readonly connections: number;
  /** Stops accepting, closes every connection and removes the listener's files. */
  close(): Promise<void>;
}

export interface UnixSocketListener extends WatchListener {
  readonly path: string;
  readonly pidFile: string;
}

export interface TcpListener extends WatchListener {
  readonly port: number;
  readonly token: string;
  readonly discoveryFile: string;
}

const MAX_SOCKET_PATH_BYTES = process.platform === 'darwin' ? 103 : 107;
// A pid file younger than this whose socket does not answer yet may belong to a daemon still starting.
const STARTUP_GRACE_MS = 5_000;
const PROBE_TIMEOUT_MS = 1_000;

const defaultLog = (line: string): void => void process.stderr.write(`inline watch: ${line}\n`);

export async function listenUnixSocket(socketPath: string, onConnection: ConnectionHandler, options: TransportOptions = {}): Promise<UnixSocketListener> {
  const file = path.resolve(socketPath);
  const bytes = Buffer.byteLength(file);
  if (bytes > MAX_SOCKET_PATH_BYTES) {
    throw new WatchTransportError(
      `the socket path ${file} is ${bytes} bytes long, but unix socket paths are limited to ${MAX_SOCKET_PATH_BYTES} bytes; ` +
        'pass a shorter path with --socket, or use --tcp',
    );
  }
  fs.mkdirSync(path.dirname(file), { recursive: true, mode: 0o700 });
  const pidFile = file.endsWith('.sock') ? `${file.slice(0, -'.sock'.length)}.pid` : `${file}.pid`;
  await claimSocketPath(file, pidFile);
  const removeFiles = (): void => {
    removeIfExists(file);
    if (readPid(pidFile) === process.pid) removeIfExists(pidFile);
  };
  const accept = acceptor(onConnection, options, {});
  const server = net.createServer(accept.socket);
  try {
    await listenPrivately(server, file);
  } catch (error) {
    removeFiles();
    if (errorCode(error) === 'EADDRINUSE') throw alreadyRunning(readPid(pidFile));
    throw error;
  }
  const unregister = registerCleanup(removeFiles);
  return {
    path: file,
    pidFile,
    get connections() {
      return accept.open.size;
    },
    close: () => closeListener(server, accept.open, () => (unregister(), removeFiles())),
  };
}

export async function listenTcp(
  root: string,
  onConnection: ConnectionHandler,
  options: TransportOptions & { discoveryDir?: string } = {},
): Promise<TcpListener> {
  const token = newToken();
  const accept = acceptor(onConnection, options, { requireToken: token });
  const server = net.createServer(accept.socket);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host: '127.0.0.1', port: 0 }, () => (server.off('error', reject), resolve()));
  });
  server.on('error', (error) => (options.log ?? defaultLog)(`tcp listener: ${error.message}`));
  const port = (server.address() as net.AddressInfo).port;
  const directory = options.discoveryDir ?? discoveryDirectory();
  const discoveryFile = path.join(directory, `${process.pid}.json`);
  const removeFile = (): void => {
    // Only our own: another listener in this process may have replaced it since.
    if (readOrUndefined(discoveryFile)?.includes(token)) removeIfExists(discoveryFile);
  };
  try {
    ensurePrivateDirectory(directory);
    const content = { port, token, root: path.resolve(root), pid: process.pid, transport: 'tcp' };
    writeAtomically(discoveryFile, `${JSON.stringify(content, null, 2)}\n`);
  } catch (error) {
    server.close();
    throw error;
  }
  const unregister = registerCleanup(removeFile);
  return {
    port,
    token,
    discoveryFile,
    get connections() {
      return accept.open.size;
    },
    close: () => closeListener(server, accept.open, () => (unregister(), removeFile())),
  };
}

/**
 * The connection over this process's stdin and stdout. stdout then carries only protocol
 * messages, so console output that would have gone there is sent to stderr until it closes.
 */
export function stdioConnection(options: RpcConnectionOptions = {}): RpcConnection {
  const connection = new RpcConnection({ input: process.stdin, output: process.stdout }, options);
  const saved = { log: console.log, info: console.info, debug: console.debug };
  console.log = console.info = console.debug = console.error;
  connection.onClose(() => Object.assign(console, saved));
  return connection;
}

/** The directory holding TCP discovery files, as editors are told to look for it. */
export function discoveryDirectory(env: NodeJS.ProcessEnv = process.env): string {
  const runtime = env['XDG_RUNTIME_DIR'];
  if (runtime) return path.join(runtime, 'inline');
  return path.join(os.tmpdir(), `inline-${process.getuid?.() ?? os.userInfo().username}`);
}

function acceptor(onConnection: ConnectionHandler, options: TransportOptions, extra: RpcConnectionOptions) {
  const open = new Set<RpcConnection>();
  const log = options.log ?? defaultLog;
  const socket = (stream: net.Socket): void => {
    const connection = new RpcConnection(stream, { log, ...options.connection, ...extra });
    open.add(connection);
    connection.onClose(() => open.delete(connection));
    try {
      onConnection(connection);
    } catch (error) {
      log(`connection ${connection.id} could not be set up: ${(error as Error).message}`);
      connection.close();
    }
  };
  return { open, socket };
}

/**
 * Makes `file` ours: refuses when a daemon answers there or is starting up, takes the pid file,
 * and removes a stale socket left by a daemon that died without cleaning up.
 */
async function claimSocketPath(file: string, pidFile: string): Promise<void> {
  if (await answers(file)) throw alreadyRunning(readPid(pidFile));
  for (let attempt = 0; !createExclusive(pidFile, `${process.pid}\n`); attempt++) {
    const holder = readPid(pidFile);
    const starting = holder !== undefined && holder !== process.pid && processAlive(holder) && ageMs(pidFile) < STARTUP_GRACE_MS;
    if (starting) throw alreadyRunning(holder);
    if (attempt === 2) throw new WatchTransportError(`cannot take ${pidFile}; if no inline watch is running, delete it`);
    // Nobody answers on the socket and the holder is gone or long past starting: stale.
    removeIfExists(pidFile);
  }
  const stat = fs.lstatSync(file, { throwIfNoEntry: false });
  if (stat && !stat.isSocket()) {
    removeIfExists(pidFile);
    throw new WatchTransportError(`${file} exists and is not a socket; move it away or pass another path with --socket`);
  }
  if (stat) removeIfExists(file);
}

/** Whether something accepts connections on the socket at `file`. */
function answers(file: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const probe = net.connect(file);
    // A listener too busy to complete a local connect within a second is still a listener.
    probe.setTimeout(PROBE_TIMEOUT_MS, () => (probe.destroy(), resolve(true)));
    probe.once('connect', () => (probe.destroy(), resolve(true)));
    probe.once('error', (error) => {
      const code = errorCode(error);
      if (code === 'ECONNREFUSED' || code === 'ENOENT' || code === 'ENOTSOCK') resolve(false);
      else reject(new WatchTransportError(`cannot check the socket ${file}: ${error.message}`));
    });
  });
}

/** Binds with a umask that keeps the socket owner-only from its first moment, then makes sure. */
async function listenPrivately(server: net.Server, file: string): Promise<void> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    const restoreUmask = narrowUmask();
    try {
      // The bind inside listen() is synchronous for a unix socket, so the umask covers it exactly.
      server.listen(file, () => (server.off('error', reject), resolve()));
    } finally {
      restoreUmask();
    }
  });
  fs.chmodSync(file, 0o600);
  const mode = fs.statSync(file).mode & 0o777;
  if (mode !== 0o600) {
    await new Promise((resolve) => server.close(resolve));
    throw new WatchTransportError(`the socket ${file} has mode ${mode.toString(8)} instead of 600`);
  }
}

function narrowUmask(): () => void {
  try {
    const previous = process.umask(0o177);
    return () => void process.umask(previous);
  } catch {
    // Worker threads may not change the umask; the chmod after listening still applies.
    return () => undefined;
  }
}

async function closeListener(server: net.Server, open: Set<RpcConnection>, removeFiles: () => void): Promise<void> {
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  for (const connection of [...open]) connection.close();
  removeFiles();
  await closed;
}

/** The discovery file's directory must be ours and private: anyone who can read it can connect. */
function ensurePrivateDirectory(directory: string): void {
  fs.mkdirSync(directory, { recursive: true, mode: 0o700 });
  const stat = fs.lstatSync(directory);
  if (!stat.isDirectory()) throw new WatchTransportError(`${directory} is not a directory; remove it so inline watch can create its discovery directory`);
  const uid = process.getuid?.();
  if (uid !== undefined && stat.uid !== uid) {
    throw new WatchTransportError(`${directory} belongs to another user; refusing to write the TCP discovery file there`);
  }
  if ((stat.mode & 0o077) !== 0) fs.chmodSync(directory, 0o700);
}

function writeAtomically(file: string, content: string): void {
  const temp = `${file}.tmp-${randomBytes(4).toString('hex')}`;
  try {
    writeDurably(temp, Buffer.from(content, 'utf8'), 0o600);
    fs.renameSync(temp, file);
  } catch (error) {
    removeIfExists(temp);
    throw error;
  }
}

function createExclusive(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (error) {
    if (errorCode(error) === 'EEXIST') return false;
    throw error;
  }
}

function readPid(pidFile: string): number | undefined {
  const pid = Number.parseInt(readOrUndefined(pidFile) ?? '', 10);
  return Number.isSafeInteger(pid) && pid > 0 ? pid : undefined;
}

function alreadyRunning(pid: number | undefined): WatchTransportError {
  return new WatchTransportError(`inline watch is already running for this repository (pid ${pid ?? 'unknown'})`);
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return errorCode(error) === 'EPERM';
  }
}

function ageMs(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : Number.POSITIVE_INFINITY;
}

function removeIfExists(file: string): void {
  try {
    fs.rmSync(file, { force: true });
  } catch {
    // Cleanup runs at exit too, where a failure has nowhere useful to go.
  }
}

const cleanups = new Set<() => void>();
const SIGNALS = ['SIGINT', 'SIGTERM'] as const;

function runCleanups(): void {
  for (const cleanup of cleanups) cleanup();
  cleanups.clear();
}

function onSignal(signal: NodeJS.Signals): void {
  runCleanups();
  uninstallHooks();
  // With no other listener left, re-raise so the signal's default action ends the process as usual.
  if (process.listenerCount(signal) === 0) process.kill(process.pid, signal);
}

function installHooks(): void {
  process.on('exit', runCleanups);
  // First in line, so that every other listener (even a `once` one) still counts when deciding to re-raise.
  for (const signal of SIGNALS) process.prependListener(signal, onSignal);
}

function uninstallHooks(): void {
  process.off('exit', runCleanups);
  for (const signal of SIGNALS) process.off(signal, onSignal);
}

/** Runs `cleanup` at exit or on SIGINT/SIGTERM unless the returned function is called first. */
function registerCleanup(cleanup: () => void): () => void {
  if (cleanups.size === 0) installHooks();
  cleanups.add(cleanup);
  return () => {
    if (cleanups.delete(cleanup) && cleanups.size === 0) uninstallHooks();
  };
}
