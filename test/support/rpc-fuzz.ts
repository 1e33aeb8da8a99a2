/**
 * A fuzz harness for anything that speaks JSON-RPC with LSP framing: it opens connections through
 * `connect`, throws at least `frames` random and malformed frames at them, cut at random places,
 * some connections closed abruptly mid-frame, then checks on a fresh connection that the server
 * still answers `initialize`. Deterministic for a given seed (up to network timing).
 *
 * Every message the server sends back is checked to be well-formed JSON-RPC 2.0; the report
 * counts answers per error code so a caller can tell that each kind of malformation was seen.
 */
import type { Duplex } from 'node:stream';
import { StreamMessageReader } from 'vscode-jsonrpc/node';
import { seededRandom } from './random.js';
export { seededRandom } from './random.js';

export interface FuzzOptions {
  frames: number;
  seed: number;
  /** Methods the server knows, used for well-formed calls with random params. Never `exit`. */
  methods?: string[];
  /** Params of the `initialize` requests sent now and then and of the final probe (e.g. a TCP token). */
  initializeParams?: Record<string, unknown>;
  /** Connections fuzzed at the same time. */
  concurrency?: number;
  /** How long the final probe may take. */
  probeTimeoutMs?: number;
}

export interface FuzzReport {
  framesSent: number;
  bytesSent: number;
  connections: number;
  abruptCloses: number;
  /** Messages received from the server, and the error responses among them by code. */
  messagesReceived: number;
  errorsByCode: Record<string, number>;
  /** Anything the server sent that is not a well-formed JSON-RPC 2.0 message. */
  malformedReplies: string[];
  /** The server's answer to the final `initialize` on a fresh connection. */
  probe: { result?: unknown; error?: { code: number; message: string } };
}

const DEFAULT_METHODS = [
  'initialize',
  'initialized',
  'shutdown',
  'textDocument/didOpen',
  'textDocument/didChange',
  'textDocument/didClose',
  'textDocument/inlineCompletion',
  'workspace/executeCommand',
  'inline/didShowCompletion',
  'inline/didRejectCompletion',
];
const MIB = 1024 * 1024;

type Random = () => number;
type FrameKind = keyof typeof GENERATORS;
interface Generated {
  bytes: Buffer;
  /** The frame leaves the stream unusable (an absurd declared length): the connection ends after it. */
  last?: boolean;
}

export async function fuzzFrames(connect: () => Promise<Duplex>, options: FuzzOptions): Promise<FuzzReport> {
  const random = seededRandom(options.seed);
  const methods = (options.methods ?? DEFAULT_METHODS).filter((method) => method !== 'exit');
  const context: FrameContext = { random, methods, initializeParams: options.initializeParams ?? {}, nextId: 1 };
  const report: FuzzReport = {
    framesSent: 0,
    bytesSent: 0,
    connections: 0,
    abruptCloses: 0,
    messagesReceived: 0,
    errorsByCode: {},
    malformedReplies: [],
    probe: {},
  };
  // Frames promised to connections still running; a connection that ends early leaves the rest to the next.
  let reserved = 0;
  const worker = async (): Promise<void> => {
    while (report.framesSent + reserved < options.frames) {
      const budget = Math.min(options.frames - report.framesSent - reserved, 100 + Math.floor(random() * 700));
      reserved += budget;
      const sent = await fuzzOneConnection(await connect(), budget, context, report);
      reserved -= budget;
      report.framesSent += sent;
    }
  };
  await Promise.all(Array.from({ length: options.concurrency ?? 3 }, worker));
  report.probe = await probe(await connect(), context, options.probeTimeoutMs ?? 10_000);
  return report;
}

/** Sends up to `budget` frames on one connection and returns how many it sent. */
async function fuzzOneConnection(stream: Duplex, budget: number, context: FrameContext, report: FuzzReport): Promise<number> {
  const { random } = context;
  report.connections++;
  const closed = new Promise<void>((resolve) => stream.once('close', () => resolve()));
  stream.on('error', () => undefined);
  watchReplies(stream, report);
  const initializeAt = random() < 0.6 ? Math.floor(random() * budget) : -1;
  let pending: Buffer[] = [];
  let pendingBytes = 0;
  let ended = false;
  let sent = 0;
  for (; sent < budget && !stream.destroyed && !ended; sent++) {
    const frame = sent === initializeAt ? { bytes: frameOf(call(context, 'initialize', context.initializeParams)) } : generateFrame(context);
    pending.push(frame.bytes);
    pendingBytes += frame.bytes.length;
    if (frame.last) ended = true;
    if (ended || pendingBytes > 4096 || random() < 0.1) {
      report.bytesSent += await writeInPieces(stream, Buffer.concat(pending), random);
      pending = [];
      pendingBytes = 0;
    }
  }
  report.bytesSent += await writeInPieces(stream, Buffer.concat(pending), random);
  if (random() < 0.3) {
    // Hang up in the middle of a frame.
    const partial = generateFrame(context).bytes;
    report.bytesSent += await writeInPieces(stream, partial.subarray(0, 1 + Math.floor(random() * (partial.length - 1))), random);
    report.abruptCloses++;
    stream.destroy();
  } else {
    stream.end();
  }
  await Promise.race([closed, delay(5_000).then(() => stream.destroy())]);
  return sent;
}

/** Writes `data` cut at random places, waiting for the stream to drain when it asks. */
async function writeInPieces(stream: Duplex, data: Buffer, random: Random): Promise<number> {
  let at = 0;
  while (at < data.length && !stream.destroyed && !stream.writableEnded) {
    const size = random() < 0.2 ? 1 + Math.floor(random() * 8) : 1 + Math.floor(random() * 65_536);
    const piece = data.subarray(at, at + size);
    at += piece.length;
    if (!stream.write(piece)) await drainedOrClosed(stream);
  }
  return at;
}

function drainedOrClosed(stream: Duplex): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      stream.off('drain', done);
      stream.off('close', done);
      resolve();
    };
    stream.on('drain', done);
    stream.on('close', done);
  });
}

function watchReplies(stream: Duplex, report: FuzzReport): void {
  const reader = new StreamMessageReader(stream);
  reader.onError((error) => report.malformedReplies.push(`unreadable frame: ${error.message}`));
  reader.listen((message) => {
    report.messagesReceived++;
    const problem = replyProblem(message as unknown as Record<string, unknown>);
    if (problem) report.malformedReplies.push(`${problem}: ${JSON.stringify(message).slice(0, 200)}`);
    const error = (message as { error?: { code?: unknown } }).error;
    if (error && typeof error.code === 'number') report.errorsByCode[error.code] = (report.errorsByCode[error.code] ?? 0) + 1;
  });
}

/** Why `message` is not a JSON-RPC 2.0 message a server may send, or undefined when it is one. */
function replyProblem(message: Record<string, unknown>): string | undefined {
  if (message['jsonrpc'] !== '2.0') return 'jsonrpc is not "2.0"';
  if (typeof message['method'] === 'string') return undefined;
  const id = message['id'];
  if (id !== null && typeof id !== 'string' && typeof id !== 'number') return 'response id is not a string, number or null';
  if (('result' in message) === ('error' in message)) return 'response needs exactly one of result and error';
  const error = message['error'] as { code?: unknown; message?: unknown } | undefined;
  if (error && (!Number.isInteger(error.code) || typeof error.message !== 'string')) return 'error lacks an integer code or a message';
  return undefined;
}

async function probe(stream: Duplex, context: FrameContext, timeoutMs: number): Promise<FuzzReport['probe']> {
  stream.on('error', () => undefined);
  const reader = new StreamMessageReader(stream);
  const answer = new Promise<FuzzReport['probe']>((resolve) => {
    reader.listen((message) => {
      const reply = message as { id?: unknown; result?: unknown; error?: { code: number; message: string } };
      if (reply.id === 'fuzz-probe') resolve(reply.error ? { error: reply.error } : { result: reply.result });
    });
  });
  stream.write(frameOf({ jsonrpc: '2.0', id: 'fuzz-probe', method: 'initialize', params: { processId: null, rootUri: null, capabilities: {}, ...context.initializeParams } }));
  const outcome = await Promise.race([answer, delay(timeoutMs).then(() => undefined)]);
  stream.destroy();
  if (!outcome) throw new Error(`the server did not answer initialize within ${timeoutMs} ms after fuzzing`);
  return outcome;
}

interface FrameContext {
  random: Random;
  methods: string[];
  initializeParams: Record<string, unknown>;
  nextId: number;
}

const WEIGHTS: Array<[FrameKind, number]> = [
  ['knownRequest', 20],
  ['knownNotification', 5],
  ['unknownMethod', 8],
  ['cancel', 3],
  ['invalidJson', 10],
  ['wrongShape', 12],
  ['garbage', 10],
  ['truncatedHeader', 6],
  ['wrongLength', 8],
  ['badHeader', 8],
  ['invalidUtf8', 3],
  ['oversizedHeader', 0.5],
  ['oversizedBody', 0.05],
  ['absurdLength', 0.3],
];
const TOTAL_WEIGHT = WEIGHTS.reduce((sum, [, weight]) => sum + weight, 0);

function generateFrame(context: FrameContext): Generated {
  let pick = context.random() * TOTAL_WEIGHT;
  for (const [kind, weight] of WEIGHTS) {
    pick -= weight;
    if (pick < 0) return GENERATORS[kind](context);
  }
  return GENERATORS.knownRequest(context);
}

const GENERATORS = {
  knownRequest: (c: FrameContext): Generated => ({ bytes: frameOf(call(c, pickOne(c, c.methods), randomParams(c))) }),
  knownNotification: (c: FrameContext): Generated => ({ bytes: frameOf({ jsonrpc: '2.0', method: pickOne(c, c.methods), params: randomParams(c) }) }),
  unknownMethod: (c: FrameContext): Generated => {
    const method = `fuzz/${randomWord(c)}`;
    const message = c.random() < 0.6 ? call(c, method, randomParams(c)) : { jsonrpc: '2.0', method, params: randomParams(c) };
    return { bytes: frameOf(message) };
  },
  cancel: (c: FrameContext): Generated => ({ bytes: frameOf({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: Math.floor(c.random() * c.nextId) } }) }),
  invalidJson: (c: FrameContext): Generated => {
    const valid = JSON.stringify(call(c, pickOne(c, c.methods), randomParams(c)));
    const broken = c.random() < 0.5 ? valid.slice(0, Math.floor(c.random() * valid.length)) : `${valid.slice(0, -1)},}`;
    return { bytes: frameOfText(c.random() < 0.2 ? randomText(c, 40) : broken) };
  },
  wrongShape: (c: FrameContext): Generated => ({ bytes: frameOfText(JSON.stringify(pickOne(c, wrongShapes(c)))) }),
  garbage: (c: FrameContext): Generated => ({ bytes: randomBytes(c, 1 + Math.floor(c.random() * 300)) }),
  truncatedHeader: (c: FrameContext): Generated => {
    const header = `Content-Length: ${Math.floor(c.random() * 100)}\r\n\r\n`;
    return { bytes: Buffer.from(header.slice(0, Math.floor(c.random() * (header.length - 1))), 'latin1') };
  },
  wrongLength: (c: FrameContext): Generated => {
    const body = Buffer.from(JSON.stringify(call(c, pickOne(c, c.methods), randomParams(c))), 'utf8');
    const length = Math.max(0, body.length + (c.random() < 0.5 ? -1 : 1) * (1 + Math.floor(c.random() * 20)));
    return { bytes: Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`, 'latin1'), body]) };
  },
  badHeader: (c: FrameContext): Generated => {
    const body = JSON.stringify(call(c, pickOne(c, c.methods), randomParams(c)));
    const length = Buffer.byteLength(body);
    const headers = [
      `Content-Type: application/vscode-jsonrpc; charset=utf-8\r\n`,
      `Content-Length: ${length}abc\r\n`,
      `Content-Length: -${length}\r\n`,
      `Content-Length ${length}\r\n`,
      `Content-Length: ${length}\r\nContent-Type: application/json; charset=latin1\r\n`,
      `Content-Length: ${length}\r\nContent-Length: ${length + 1}\r\n`,
      `Content-Length: ${length}\r\nX-Bad\u0001Header: 1\r\n`,
      `${randomWord(c)}\r\nContent-Length: ${length}\r\n`,
    ];
    return { bytes: Buffer.from(`${pickOne(c, headers)}\r\n${body}`, 'utf8') };
  },
  invalidUtf8: (c: FrameContext): Generated => {
    const body = Buffer.concat([Buffer.from('{"jsonrpc":"2.0","method":"x","params":["'), Buffer.from([0xc3, 0x28, 0xff]), Buffer.from('"]}')]);
    return { bytes: Buffer.concat([Buffer.from(`Content-Length: ${body.length}\r\n\r\n`), body]) };
  },
  oversizedHeader: (c: FrameContext): Generated => ({ bytes: Buffer.from(`X-Padding: ${'p'.repeat(9000 + Math.floor(c.random() * 4000))}\r\n`, 'latin1') }),
  oversizedBody: (c: FrameContext): Generated => {
    const length = 8 * MIB + 1 + Math.floor(c.random() * MIB);
    return { bytes: Buffer.concat([Buffer.from(`Content-Length: ${length}\r\n\r\n`), Buffer.alloc(length, 0x7b)]) };
  },
  absurdLength: (c: FrameContext): Generated => {
    const length = pickOne(c, ['1000000000000', '9007199254740993', '99999999999999999999999', String(2 ** 31)]);
    return { bytes: Buffer.from(`Content-Length: ${length}\r\n\r\n{"jsonrpc":"2.0"`, 'latin1'), last: true };
  },
};

function wrongShapes(c: FrameContext): unknown[] {
  const id = c.nextId++;
  return [
    [call(c, pickOne(c, c.methods), {})],
    [],
    42,
    null,
    'initialize',
    true,
    { jsonrpc: '1.0', id, method: pickOne(c, c.methods) },
    { id, method: pickOne(c, c.methods) },
    { jsonrpc: '2.0', id: { nested: id }, method: pickOne(c, c.methods) },
    { jsonrpc: '2.0', id: [id], method: pickOne(c, c.methods) },
    { jsonrpc: '2.0', id: null, method: pickOne(c, c.methods) },
    { jsonrpc: '2.0', id, method: 17 },
    { jsonrpc: '2.0', id, method: pickOne(c, c.methods), params: 'text' },
    { jsonrpc: '2.0', id, method: pickOne(c, c.methods), params: 5 },
    { jsonrpc: '2.0', id, result: 1, error: { code: 1, message: 'both' } },
    { jsonrpc: '2.0', id, error: { code: 'x' } },
    { jsonrpc: '2.0', id },
    { jsonrpc: '2.0' },
    {},
  ];
}

function call(c: FrameContext, method: string, params: unknown): object {
  return { jsonrpc: '2.0', id: c.random() < 0.8 ? c.nextId++ : `s${c.nextId++}`, method, params };
}

function randomParams(c: FrameContext): unknown {
  return c.random() < 0.3 ? randomJson(c, 3) : { textDocument: { uri: `file:///fuzz/${randomWord(c)}.ts`, version: Math.floor(c.random() * 10) }, value: randomJson(c, 2) };
}

function randomJson(c: FrameContext, depth: number): unknown {
  const roll = c.random();
  if (depth <= 0 || roll < 0.4) return pickOne(c, [null, true, false, Math.floor(c.random() * 1e6) - 5e5, c.random() * 1e9, randomText(c, 20)]);
  if (roll < 0.7) return Array.from({ length: Math.floor(c.random() * 5) }, () => randomJson(c, depth - 1));
  return Object.fromEntries(Array.from({ length: Math.floor(c.random() * 5) }, () => [randomWord(c), randomJson(c, depth - 1)]));
}

function randomText(c: FrameContext, maxLength: number): string {
  const alphabet = ['a', 'Z', '0', ' ', '"', '\\', '\n', 'é', '日', '🚀', '\u0000', '{', '}', '\ud800'];
  return Array.from({ length: Math.floor(c.random() * maxLength) }, () => pickOne(c, alphabet)).join('');
}

function randomWord(c: FrameContext): string {
  return Math.floor(c.random() * 36 ** 6).toString(36);
}

function randomBytes(c: FrameContext, length: number): Buffer {
  const bytes = Buffer.allocUnsafe(length);
  for (let i = 0; i < length; i++) bytes[i] = Math.floor(c.random() * 256);
  return bytes;
}

function pickOne<T>(c: FrameContext, items: readonly T[]): T {
  return items[Math.floor(c.random() * items.length)]!;
}

function frameOf(message: unknown): Buffer {
  return frameOfText(JSON.stringify(message));
}

function frameOfText(body: string): Buffer {
  const bytes = Buffer.from(body, 'utf8');
  return Buffer.concat([Buffer.from(`Content-Length: ${bytes.length}\r\n\r\n`, 'latin1'), bytes]);
}

const delay = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms).unref());
