/** 10,000 random and malformed frames against the real `inline watch` daemon on its unix socket. */
import { existsSync, readFileSync } from 'node:fs';
import net from 'node:net';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeFixtureRepo, type TempRepo } from '../support/cli.js';
import { fuzzFrames } from '../support/rpc-fuzz.js';
import { socketClient, startDaemon, waitFor, type Daemon } from '../support/watch-client.js';

let repo: TempRepo;
let daemon: Daemon;
let socketPath: string;

function rssMb(pid: number): number {
  return Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))![1]) / 1024;
}

beforeAll(async () => {
  repo = await makeFixtureRepo('shop');
  daemon = startDaemon([], { cwd: repo.root, env: repo.env });
  socketPath = join(repo.root, '.inline', 'watch.sock');
  await waitFor(() => existsSync(socketPath) && daemon.stderr().includes('following changes on disk'), 'the daemon');
});
afterAll(async () => {
  await daemon.stop();
  repo.cleanup();
});

describe('inline watch under fuzzing', () => {
  it('stays up, keeps its memory bounded, and answers a valid request afterwards', async () => {
    const before = rssMb(daemon.child.pid!);
    const report = await fuzzFrames(
      () =>
        new Promise<net.Socket>((resolve, reject) => {
          const socket = net.createConnection({ path: socketPath }, () => resolve(socket));
          socket.once('error', reject);
        }),
      {
        frames: 10_000,
        seed: 42,
        methods: ['initialize', 'initialized', 'shutdown', 'textDocument/didOpen', 'textDocument/didChange', 'textDocument/didClose', 'textDocument/inlineCompletion', 'workspace/executeCommand', 'inline/didShowCompletion', 'inline/didRejectCompletion'],
        concurrency: 4,
      },
    );
    expect(report.framesSent).toBeGreaterThanOrEqual(10_000);
    expect(report.malformedReplies).toEqual([]);
    expect(report.probe.error).toBeUndefined();
    expect(daemon.child.exitCode).toBeNull();
    expect(daemon.stderr()).not.toMatch(/internal error|Uncaught|TypeError/);
    // A fresh, well-behaved client is served normally.
    const { connection, socket } = await socketClient({ path: socketPath });
    const init = (await connection.sendRequest('initialize', { processId: null, capabilities: {} })) as { serverInfo: { name: string } };
    expect(init.serverInfo.name).toBe('inline');
    connection.dispose();
    socket.destroy();
    expect(rssMb(daemon.child.pid!) - before).toBeLessThan(150);
  }, 120_000);
});
