/**
 * Drives a real `inline watch` daemon (bin/inline.js) with vscode-jsonrpc, a client library we did
 * not write, over stdio, a unix socket or TCP.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter, type MessageConnection } from 'vscode-jsonrpc/node';
import { BIN } from './cli.js';

export interface Daemon {
  child: ChildProcess;
  stderr: () => string;
  exited: Promise<number | null>;
  stop(): Promise<void>;
}

export function startDaemon(args: string[], options: { cwd: string; env: Record<string, string> }): Daemon {
  const child = spawn(process.execPath, [BIN, 'watch', ...args], { cwd: options.cwd, env: options.env, stdio: ['pipe', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return {
    child,
    stderr: () => stderr,
    exited,
    stop: async () => {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
      await exited;
    },
  };
}

export async function waitFor<T>(probe: () => T | undefined, what: string, timeoutMs = 15_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

export function stdioClient(daemon: Daemon): MessageConnection {
  const connection = createMessageConnection(new StreamMessageReader(daemon.child.stdout!), new StreamMessageWriter(daemon.child.stdin!));
  connection.listen();
  return connection;
}

export async function socketClient(target: { path: string } | { port: number; host: string }): Promise<{ connection: MessageConnection; socket: net.Socket }> {
  const socket = await new Promise<net.Socket>((resolve, reject) => {
    const s = net.createConnection(target as net.NetConnectOpts, () => resolve(s));
    s.once('error', reject);
  });
  const connection = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  connection.listen();
  return { connection, socket };
}

/** The discovery file a `--tcp` daemon wrote under XDG_RUNTIME_DIR. */
export async function discoveryFile(runtimeDir: string): Promise<{ port: number; token: string; root: string; pid: number }> {
  const dir = join(runtimeDir, 'inline');
  const file = await waitFor(() => (existsSync(dir) ? readdirSync(dir).find((f) => f.endsWith('.json')) : undefined), 'the discovery file');
  return JSON.parse(readFileSync(join(dir, file), 'utf8'));
}

export const fileUri = (root: string, path: string) => `file://${join(root, path)}`;
