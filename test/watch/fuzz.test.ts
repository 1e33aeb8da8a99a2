import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { fuzzFrames } from '../support/rpc-fuzz.js';

const SOURCE = (file: string): string => fileURLToPath(new URL(`../../src/watch/${file}`, import.meta.url));

/**
 * The server under fuzz runs in its own process, with --expose-gc, so that its RSS is its own
 * and can be measured after a collection, and so that an uncaught error would be seen as one.
 */
const SERVER = `
  import { listenUnixSocket } from ${JSON.stringify(SOURCE('transport.ts'))};
  import { ErrorCodes, RpcError } from ${JSON.stringify(SOURCE('rpc.ts'))};
  let uncaught = 0;
  for (const event of ['uncaughtException', 'unhandledRejection']) {
    process.on(event, (error) => { uncaught++; process.stderr.write('UNCAUGHT ' + (error?.stack ?? error) + '\\n'); });
  }
  const listener = await listenUnixSocket(process.argv[1], (connection) => {
    connection.onRequest('initialize', () => ({ capabilities: {} }));
    connection.onRequest('echo', (params) => params);
    connection.onRequest('slow', (_params, signal) => new Promise((resolve) => {
      const timer = setTimeout(() => resolve('done'), 20);
      signal.addEventListener('abort', () => clearTimeout(timer));
    }));
    connection.onRequest('fail', () => { throw new Error('handler failure'); });
    connection.onRequest('invalid', () => { throw new RpcError(ErrorCodes.InvalidParams, 'bad params'); });
    connection.onRequest('health', () => {
      globalThis.gc();
      return { rss: process.memoryUsage().rss, uncaught, connections: listener.connections };
    });
    connection.onNotification('note', () => undefined);
  }, { connection: { requireInitialize: true, log: () => undefined } });
  process.stdout.write('ready\\n');`;

interface Health {
  rss: number;
  uncaught: number;
  connections: number;
}

describe('fuzzing an RpcConnection server over a unix socket', () => {
  let directory: string;
  let socketPath: string;
  let server: ChildProcess;
  let serverErrors = '';

  beforeAll(async () => {
    directory = mkdtempSync(join(tmpdir(), 'inline-fuzz-'));
    socketPath = join(directory, 'watch.sock');
    server = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', '--input-type=module', '-e', SERVER, socketPath], { stdio: ['ignore', 'pipe', 'pipe'] });
    server.stderr!.on('data', (data: Buffer) => (serverErrors += data.toString()));
    await new Promise<void>((resolve, reject) => {
      server.stdout!.on('data', (data: Buffer) => data.toString().includes('ready') && resolve());
      server.once('exit', (code) => reject(new Error(`the fuzz server exited with ${code}: ${serverErrors}`)));
    });
  });

  afterAll(() => {
    server.kill('SIGKILL');
    rmSync(directory, { recursive: true, force: true });
  });

  const connect = async (): Promise<net.Socket> => {
    const socket = net.connect(socketPath);
    await new Promise((resolve, reject) => socket.once('connect', resolve).once('error', reject));
    return socket;
  };

  async function health(): Promise<Health> {
    const socket = await connect();
    const client = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
    client.listen();
    await client.sendRequest('initialize', { processId: null, rootUri: null, capabilities: {} });
    const answer = (await client.sendRequest('health')) as Health;
    client.dispose();
    socket.destroy();
    return answer;
  }

  it('survives 10,000 random and malformed frames, still answers, and keeps its memory bounded', async () => {
    // A first round warms up code paths and allocator pools so that the comparison measures growth.
    await fuzzFrames(connect, { frames: 1_000, seed: 1, methods: ['initialize', 'echo', 'slow', 'fail', 'invalid', 'note'] });
    const before = await health();

    const report = await fuzzFrames(connect, { frames: 10_000, seed: 20_240_601, methods: ['initialize', 'echo', 'slow', 'fail', 'invalid', 'note'] });
    const after = await health();

    expect(report.framesSent).toBeGreaterThanOrEqual(10_000);
    expect(report.connections).toBeGreaterThan(5);
    expect(report.abruptCloses).toBeGreaterThan(0);
    expect(report.malformedReplies).toEqual([]);
    expect(report.probe).toEqual({ result: { capabilities: {} } });
    // Every family of failure was met and answered with its own code.
    for (const code of [-32700, -32600, -32601, -32602, -32603, -32002]) expect(report.errorsByCode[code] ?? 0).toBeGreaterThan(0);

    expect(after.uncaught).toBe(0);
    expect(serverErrors).not.toMatch(/UNCAUGHT/);
    expect(server.exitCode).toBeNull();
    // Connections closed by the fuzzer are gone: only the health check's own remains.
    expect(after.connections).toBe(1);
    const growthMb = (after.rss - before.rss) / (1024 * 1024);
    console.log(
      `fuzz: ${report.framesSent} frames, ${(report.bytesSent / 1024 / 1024).toFixed(1)} MiB, ${report.connections} connections ` +
        `(${report.abruptCloses} abrupt), ${report.messagesReceived} replies; server RSS ${(before.rss / 1048576).toFixed(1)} → ` +
        `${(after.rss / 1048576).toFixed(1)} MiB (${growthMb.toFixed(1)} MiB); errors by code ${JSON.stringify(report.errorsByCode)}`,
    );
    expect(growthMb).toBeLessThan(100);
  }, 120_000);
});
