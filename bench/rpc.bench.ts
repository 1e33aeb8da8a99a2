/**
 * The editor protocol's own cost: framing throughput (whole chunks, one byte at a time, a body
 * near the limit, adversarial garbage full of resync needles) and request round trips from a
 * vscode-jsonrpc client to an RpcConnection over a unix socket.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createMessageConnection, StreamMessageReader, StreamMessageWriter } from 'vscode-jsonrpc/node';
import { encodeFrame, FrameReader } from '../src/watch/framing.js';
import { RpcConnection } from '../src/watch/rpc.js';
import { measure, printTable, type Measurement } from './harness.js';

const CHUNK = 64 * 1024;

function chunks(data: Buffer, size: number): Buffer[] {
  const pieces: Buffer[] = [];
  for (let at = 0; at < data.length; at += size) pieces.push(data.subarray(at, at + size));
  return pieces;
}

/** Parses `pieces` in a fresh reader; throws unless exactly `expected` messages come out. */
function parse(pieces: Buffer[], expected: number): void {
  let messages = 0;
  const reader = new FrameReader({ message: () => void messages++, error: () => undefined });
  for (const piece of pieces) reader.push(piece);
  if (messages !== expected) throw new Error(`expected ${expected} messages, got ${messages}`);
}

function throughput(row: Measurement, bytes: number, messages: number): Measurement {
  const median = [...row.samples].sort((a, b) => a - b)[Math.floor(row.samples.length / 2)]!;
  return { ...row, extra: { 'MB/s': (bytes / 1e6 / (median / 1000)).toFixed(0), 'msg/s': ((messages / median) * 1000).toFixed(0) } };
}

async function framing(): Promise<Measurement[]> {
  const body = JSON.stringify({ jsonrpc: '2.0', method: 'textDocument/didChange', params: { textDocument: { uri: 'file:///a/b.ts', version: 7 }, contentChanges: [{ text: 'const x = "é日🚀";' }] } });
  const small = Buffer.concat(Array.from({ length: 10_000 }, () => encodeFrame(body)));
  const large = encodeFrame(JSON.stringify({ text: 'x'.repeat(4 * 1024 * 1024) }));
  const bytewise = chunks(Buffer.concat(Array.from({ length: 200 }, () => encodeFrame(body))), 1);
  // Worst case for resynchronising: garbage made of needles without a blank line, then one good frame.
  const needles = Buffer.concat([Buffer.from('Content-Length:'.repeat(70_000)), Buffer.from('\r\n\r\n'), encodeFrame('{}')]);
  return [
    throughput(await measure('10,000 small frames, 64 KiB chunks', 20, () => parse(chunks(small, CHUNK), 10_000)), small.length, 10_000),
    throughput(await measure('one 4 MiB body, 64 KiB chunks', 20, () => parse(chunks(large, CHUNK), 1)), large.length, 1),
    throughput(await measure('200 frames, one byte per chunk', 10, () => parse(bytewise, 200)), bytewise.length, 200),
    throughput(await measure('1 MiB of resync needles, 64 KiB chunks', 10, () => parse(chunks(needles, CHUNK), 1)), needles.length, 1),
  ];
}

async function roundTrips(): Promise<Measurement[]> {
  const directory = mkdtempSync(join(tmpdir(), 'inline-rpc-bench-'));
  const path = join(directory, 'bench.sock');
  const server = net.createServer((socket) => new RpcConnection(socket).onRequest('echo', (params) => params));
  await new Promise<void>((resolve) => server.listen(path, resolve));
  const socket = net.connect(path);
  await new Promise((resolve) => socket.once('connect', resolve));
  const client = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
  client.listen();
  const params = { textDocument: { uri: 'file:///a/b.ts' }, position: { line: 10, character: 4 } };
  const rows = [
    await measure('echo round trip (vscode-jsonrpc client)', 2_000, () => client.sendRequest('echo', params), 100),
    await measure('100 pipelined echo requests', 50, () => Promise.all(Array.from({ length: 100 }, () => client.sendRequest('echo', params))), 5),
  ];
  client.dispose();
  socket.destroy();
  await new Promise((resolve) => server.close(resolve));
  rmSync(directory, { recursive: true, force: true });
  return rows;
}

printTable('framing (FrameReader)', await framing());
printTable('JSON-RPC over a unix socket', await roundTrips());
