import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { setTimeout as sleep } from 'node:timers/promises';
import { afterEach, describe, expect, it } from 'vitest';
import {
  CancellationTokenSource,
  createMessageConnection,
  ResponseError,
  StreamMessageReader,
  StreamMessageWriter,
  type MessageConnection,
} from 'vscode-jsonrpc/node';
import { encodeFrame, MAX_BODY_BYTES } from '../../src/watch/framing.js';
import { ErrorCodes, RpcConnection, RpcError, type RpcConnectionOptions } from '../../src/watch/rpc.js';

type Message = Record<string, unknown> & { id?: unknown; result?: unknown; error?: { code: number; message: string; data?: unknown } };

/** An RpcConnection over in-memory pipes; what it writes is read back by vscode-jsonrpc's own reader. */
function inMemory(options: RpcConnectionOptions = {}) {
  const input = new PassThrough();
  const output = new PassThrough();
  const logs: string[] = [];
  const connection = new RpcConnection({ input, output }, { log: (line) => logs.push(line), ...options });
  const inbox = messageInbox(output);
  return {
    connection,
    input,
    logs,
    ...inbox,
    raw: (data: string | Buffer) => input.write(data),
    send: (message: object) => input.write(encodeFrame(JSON.stringify(message))),
    request: (id: unknown, method: string, params?: unknown) => input.write(encodeFrame(JSON.stringify({ jsonrpc: '2.0', id, method, params }))),
  };
}

function messageInbox(stream: NodeJS.ReadableStream) {
  const queue: Message[] = [];
  const waiting: Array<(message: Message) => void> = [];
  new StreamMessageReader(stream).listen((message) => {
    const waiter = waiting.shift();
    if (waiter) waiter(message as Message);
    else queue.push(message as Message);
  });
  const next = (): Promise<Message> => {
    const queued = queue.shift();
    if (queued) return Promise.resolve(queued);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no message within 5 s')), 5_000);
      waiting.push((message) => (clearTimeout(timer), resolve(message)));
    });
  };
  return { next, pending: () => queue.length };
}

describe('RpcConnection over a byte stream', () => {
  it('answers requests and runs notifications, with multi-byte text intact', async () => {
    const peer = inMemory();
    const seen: unknown[] = [];
    peer.connection.onRequest('echo', (params) => params);
    peer.connection.onRequest('nothing', () => undefined);
    peer.connection.onNotification('note', (params) => void seen.push(params));
    peer.send({ jsonrpc: '2.0', method: 'note', params: { text: 'ça va 🙂' } });
    peer.request(1, 'echo', { text: '日本語 🚀' });
    peer.request('two', 'nothing');
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 1, result: { text: '日本語 🚀' } });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 'two', result: null });
    expect(seen).toEqual([{ text: 'ça va 🙂' }]);
  });

  it.each([
    ['invalid JSON', '{"jsonrpc":"2.0","id":1,', { id: null, code: ErrorCodes.ParseError }],
    ['a batch', '[{"jsonrpc":"2.0","id":1,"method":"echo"}]', { id: null, code: ErrorCodes.InvalidRequest, message: /batch/ }],
    ['a number', '42', { id: null, code: ErrorCodes.InvalidRequest }],
    ['a wrong jsonrpc version', '{"jsonrpc":"1.0","id":7,"method":"echo"}', { id: 7, code: ErrorCodes.InvalidRequest, message: /"2.0"/ }],
    ['no jsonrpc member', '{"id":7,"method":"echo"}', { id: 7, code: ErrorCodes.InvalidRequest }],
    ['an object id', '{"jsonrpc":"2.0","id":{"x":1},"method":"echo"}', { id: null, code: ErrorCodes.InvalidRequest, message: /"id"/ }],
    ['a null request id', '{"jsonrpc":"2.0","id":null,"method":"echo"}', { id: null, code: ErrorCodes.InvalidRequest }],
    ['a numeric method', '{"jsonrpc":"2.0","id":3,"method":5}', { id: 3, code: ErrorCodes.InvalidRequest }],
    ['string params', '{"jsonrpc":"2.0","id":4,"method":"echo","params":"x"}', { id: 4, code: ErrorCodes.InvalidRequest, message: /params/ }],
    ['a response with result and error', '{"jsonrpc":"2.0","id":4,"result":1,"error":{"code":1,"message":"m"}}', { id: null, code: ErrorCodes.InvalidRequest }],
    ['an empty object', '{}', { id: null, code: ErrorCodes.InvalidRequest }],
    ['an unknown method', '{"jsonrpc":"2.0","id":5,"method":"no/such"}', { id: 5, code: ErrorCodes.MethodNotFound, message: /no\/such/ }],
  ])('answers %s with the right error and serves the next request', async (_name, body, expected) => {
    const peer = inMemory();
    peer.connection.onRequest('echo', (params) => params);
    peer.raw(encodeFrame(body));
    peer.request(99, 'echo', ['after']);
    const error = await peer.next();
    expect(error.id).toBe(expected.id);
    expect(error.error?.code).toBe(expected.code);
    if ('message' in expected) expect(error.error?.message).toMatch(expected.message as RegExp);
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 99, result: ['after'] });
  });

  it.each([
    ['a malformed header', 'Content-Length: twelve\r\n\r\n', ErrorCodes.ParseError],
    ['a body that is not UTF-8', Buffer.concat([Buffer.from('Content-Length: 2\r\n\r\n'), Buffer.from([0xff, 0xfe])]), ErrorCodes.ParseError],
    ['a body over 8 MiB', Buffer.concat([Buffer.from(`Content-Length: ${MAX_BODY_BYTES + 1}\r\n\r\n`), Buffer.alloc(MAX_BODY_BYTES + 1, 0x20)]), ErrorCodes.InvalidRequest],
  ])('answers %s with id null and keeps the connection usable', async (_name, frame, code) => {
    const peer = inMemory();
    peer.connection.onRequest('echo', (params) => params);
    peer.raw(frame);
    peer.request(1, 'echo', { ok: true });
    expect(await peer.next()).toMatchObject({ id: null, error: { code } });
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 1, result: { ok: true } });
  });

  it('ignores unknown notifications, logging only those outside $/', async () => {
    const peer = inMemory();
    peer.connection.onRequest('echo', (params) => params);
    peer.send({ jsonrpc: '2.0', method: 'custom/unknown', params: {} });
    peer.send({ jsonrpc: '2.0', method: '$/setTrace', params: { value: 'off' } });
    peer.request(1, 'echo', []);
    expect(await peer.next()).toMatchObject({ id: 1, result: [] });
    expect(peer.logs).toEqual(['connection ' + peer.connection.id + ': ignoring unknown notification "custom/unknown"']);
  });

  it('turns handler failures into error responses and stays up', async () => {
    const peer = inMemory();
    peer.connection.onRequest('typed', () => {
      throw new RpcError(ErrorCodes.InvalidParams, 'position is required', { field: 'position' });
    });
    peer.connection.onRequest('crash', () => {
      throw new TypeError('boom');
    });
    peer.connection.onRequest('reject', async () => Promise.reject(new Error('async boom')));
    peer.connection.onRequest('cyclic', () => {
      const value: Record<string, unknown> = {};
      value['self'] = value;
      return value;
    });
    peer.connection.onNotification('bad-note', () => {
      throw new Error('note boom');
    });
    peer.send({ jsonrpc: '2.0', method: 'bad-note' });
    for (const [id, method] of ['typed', 'crash', 'reject', 'cyclic'].entries()) peer.request(id, method);
    // Answers go out as handlers settle, so their order is not the order of the requests.
    const answers = new Map<unknown, Message>();
    for (let i = 0; i < 4; i++) {
      const answer = await peer.next();
      answers.set(answer.id, answer);
    }
    expect(answers.get(0)).toEqual({ jsonrpc: '2.0', id: 0, error: { code: -32602, message: 'position is required', data: { field: 'position' } } });
    expect(answers.get(1)).toMatchObject({ id: 1, error: { code: -32603, message: 'internal error in crash: boom' } });
    expect(answers.get(2)).toMatchObject({ id: 2, error: { code: -32603, message: 'internal error in reject: async boom' } });
    expect(answers.get(3)).toMatchObject({ id: 3, error: { code: -32603, message: expect.stringMatching(/not serialisable/) } });
    expect(peer.logs.join('\n')).toMatch(/notification bad-note failed: note boom/);
    expect(peer.logs.join('\n')).toMatch(/crash failed: TypeError: boom/);
    expect(peer.connection.closed).toBe(false);
  });

  it('cancels a request on $/cancelRequest: the signal aborts and -32800 is the only answer', async () => {
    const peer = inMemory();
    let aborted = false;
    let finish: (value: string) => void = () => undefined;
    peer.connection.onRequest('slow', (_params, signal) => {
      signal.addEventListener('abort', () => (aborted = true));
      return new Promise((resolve) => (finish = resolve));
    });
    peer.connection.onRequest('echo', (params) => params);
    peer.request(1, 'slow');
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 1 } });
    expect(await peer.next()).toMatchObject({ id: 1, error: { code: ErrorCodes.RequestCancelled } });
    expect(aborted).toBe(true);
    finish('too late');
    // A finished request cannot be cancelled: its answer stands.
    peer.request(2, 'echo', ['x']);
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 2, result: ['x'] });
    peer.send({ jsonrpc: '2.0', method: '$/cancelRequest', params: { id: 2 } });
    peer.request(3, 'echo', ['y']);
    expect(await peer.next()).toEqual({ jsonrpc: '2.0', id: 3, result: ['y'] });
  });

  it('refuses a second request with an id that is still in flight', async () => {
    const peer = inMemory();
    peer.connection.onRequest('slow', () => new Promise(() => undefined));
    peer.request(1, 'slow');
    peer.request(1, 'slow');
    expect(await peer.next()).toMatchObject({ id: 1, error: { code: ErrorCodes.InvalidRequest, message: expect.stringMatching(/already in use/) } });
  });

  it('with requireInitialize, answers -32002 and drops notifications until initialize succeeds', async () => {
    const peer = inMemory({ requireInitialize: true });
    const notes: unknown[] = [];
    let fail = true;
    peer.connection.onRequest('initialize', () => {
      if (fail) throw new RpcError(ErrorCodes.InvalidParams, 'bad params');
      return { capabilities: {} };
    });
    peer.connection.onRequest('echo', (params) => params);
    peer.connection.onNotification('note', (params) => void notes.push(params));
    peer.connection.onNotification('exit', () => void notes.push('exit'));
    peer.request(1, 'echo', []);
    peer.send({ jsonrpc: '2.0', method: 'note', params: ['early'] });
    peer.send({ jsonrpc: '2.0', method: 'exit' });
    expect(await peer.next()).toMatchObject({ id: 1, error: { code: ErrorCodes.ServerNotInitialized } });
    peer.request(2, 'initialize', {});
    expect(await peer.next()).toMatchObject({ id: 2, error: { code: ErrorCodes.InvalidParams } });
    peer.request(3, 'echo', []);
    expect(await peer.next()).toMatchObject({ id: 3, error: { code: ErrorCodes.ServerNotInitialized } });
    fail = false;
    peer.request(4, 'initialize', {});
    expect(await peer.next()).toMatchObject({ id: 4, result: { capabilities: {} } });
    peer.send({ jsonrpc: '2.0', method: 'note', params: ['late'] });
    peer.request(5, 'echo', ['ok']);
    expect(await peer.next()).toMatchObject({ id: 5, result: ['ok'] });
    expect(notes).toEqual(['exit', ['late']]);
  });

  describe('with requireToken', () => {
    const token = 'a'.repeat(64);

    it('refuses everything before initialize, and serves once the token is presented', async () => {
      const peer = inMemory({ requireToken: token });
      let initializeParams: unknown;
      peer.connection.onRequest('initialize', (params) => ((initializeParams = params), { capabilities: {} }));
      peer.connection.onRequest('echo', (params) => params);
      peer.request(1, 'echo', []);
      peer.send({ jsonrpc: '2.0', method: 'note' });
      expect(await peer.next()).toMatchObject({ id: 1, error: { code: -32002, message: 'authenticate with the token from the discovery file in initialize' } });
      expect(await peer.next()).toMatchObject({ id: null, error: { code: -32002 } });
      peer.request(2, 'initialize', { processId: 1, initializationOptions: { token, theme: 'dark' } });
      expect(await peer.next()).toMatchObject({ id: 2, result: { capabilities: {} } });
      // The handler never sees the token.
      expect(initializeParams).toEqual({ processId: 1, initializationOptions: { theme: 'dark' } });
      peer.request(3, 'echo', ['served']);
      expect(await peer.next()).toMatchObject({ id: 3, result: ['served'] });
    });

    it.each([
      ['a wrong token', { initializationOptions: { token: 'b'.repeat(64) } }],
      ['a prefix of the token', { initializationOptions: { token: token.slice(0, 10) } }],
      ['no token', {}],
    ])('answers %s with an error and closes the connection', async (_name, params) => {
      const peer = inMemory({ requireToken: token });
      const closed = new Promise<void>((resolve) => peer.connection.onClose(resolve));
      peer.connection.onRequest('initialize', () => ({ capabilities: {} }));
      peer.request(1, 'initialize', params);
      expect(await peer.next()).toMatchObject({ id: 1, error: { code: -32002, message: expect.stringMatching(/^invalid token/) } });
      await closed;
      expect(peer.connection.closed).toBe(true);
    });
  });

  it('pauses reading while too many requests are in flight and resumes when they finish', async () => {
    const peer = inMemory();
    const finishers: Array<() => void> = [];
    peer.connection.onRequest('hold', () => new Promise<void>((resolve) => finishers.push(resolve)));
    for (let id = 0; id < 256; id++) peer.request(id, 'hold');
    await sleep(10);
    expect(finishers).toHaveLength(256);
    expect(peer.input.isPaused()).toBe(true);
    for (const finish of finishers) finish();
    for (let i = 0; i < 256; i++) await peer.next();
    expect(peer.input.isPaused()).toBe(false);
  });

  it('on close aborts handlers, rejects requests to the peer and tells onClose listeners once', async () => {
    const peer = inMemory();
    let signal: AbortSignal | undefined;
    peer.connection.onRequest('hold', (_params, s) => ((signal = s), new Promise(() => undefined)));
    peer.request(1, 'hold');
    await sleep(5);
    const toPeer = peer.connection.sendRequest('client/ask', { q: 1 });
    expect(await peer.next()).toMatchObject({ id: 1, method: 'client/ask' });
    let closes = 0;
    peer.connection.onClose(() => closes++);
    peer.connection.close();
    peer.connection.close();
    await expect(toPeer).rejects.toThrow(/closed/);
    expect(signal?.aborted).toBe(true);
    expect(closes).toBe(1);
  });

  it('settles its own requests from the peer’s responses and cancels them through a signal', async () => {
    const peer = inMemory();
    const ok = peer.connection.sendRequest('client/a');
    const failed = peer.connection.sendRequest('client/b', [1]);
    const controller = new AbortController();
    const cancelled = peer.connection.sendRequest('client/c', undefined, controller.signal);
    const [a, b] = [await peer.next(), await peer.next(), await peer.next()];
    peer.send({ jsonrpc: '2.0', id: a.id, result: { fine: true } });
    peer.send({ jsonrpc: '2.0', id: b.id, error: { code: -32001, message: 'nope', data: 5 } });
    controller.abort();
    expect(await ok).toEqual({ fine: true });
    await expect(failed).rejects.toMatchObject({ code: -32001, message: 'nope', data: 5 });
    await expect(cancelled).rejects.toMatchObject({ code: ErrorCodes.RequestCancelled });
    expect(await peer.next()).toMatchObject({ method: '$/cancelRequest', params: { id: 3 } });
  });
});

describe('RpcConnection with vscode-jsonrpc as the client, over a unix socket', () => {
  let directory: string;
  let server: net.Server | undefined;
  const clients: MessageConnection[] = [];
  const sockets: net.Socket[] = [];

  afterEach(async () => {
    for (const client of clients.splice(0)) client.dispose();
    for (const socket of sockets.splice(0)) socket.destroy();
    await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
    server = undefined;
    rmSync(directory, { recursive: true, force: true });
  });

  async function serve(setup: (connection: RpcConnection) => void, options: RpcConnectionOptions = {}) {
    directory = mkdtempSync(join(tmpdir(), 'inline-rpc-'));
    const path = join(directory, 's.sock');
    const connections: RpcConnection[] = [];
    server = net.createServer((socket) => {
      const connection = new RpcConnection(socket, { log: () => undefined, ...options });
      connections.push(connection);
      setup(connection);
    });
    await new Promise<void>((resolve) => server!.listen(path, resolve));
    const connect = async (): Promise<MessageConnection> => {
      const socket = net.connect(path);
      sockets.push(socket);
      await new Promise((resolve) => socket.once('connect', resolve));
      const client = createMessageConnection(new StreamMessageReader(socket), new StreamMessageWriter(socket));
      clients.push(client);
      return client;
    };
    return { path, connections, connect };
  }

  it('carries requests, notifications both ways, server requests and typed errors', async () => {
    const received: unknown[] = [];
    const { connect, connections } = await serve((connection) => {
      connection.onRequest('sum', (params) => (params as { values: number[] }).values.reduce((a, b) => a + b, 0));
      connection.onRequest('invalid', () => {
        throw new RpcError(ErrorCodes.InvalidParams, 'needs numbers', { got: 'text' });
      });
      connection.onRequest('crash', () => {
        throw new Error('boom');
      });
      connection.onNotification('client/hello', (params) => {
        received.push(params);
        connection.sendNotification('server/hello', { reply: `bonjour ${(params as { name: string }).name}` });
      });
    });
    const client = await connect();
    const pushed = new Promise((resolve) => client.onNotification('server/hello', resolve));
    client.onRequest('client/ask', (params: { question: string }) => ({ answer: params.question.length }));
    client.listen();

    expect(await client.sendRequest('sum', { values: [1, 2, 39] })).toBe(42);
    await client.sendNotification('client/hello', { name: 'Zoë' });
    expect(await pushed).toEqual({ reply: 'bonjour Zoë' });
    expect(received).toEqual([{ name: 'Zoë' }]);
    expect(await connections[0]!.sendRequest('client/ask', { question: 'why?' })).toEqual({ answer: 4 });

    const failure = async (method: string): Promise<ResponseError<unknown>> => {
      const error = await client.sendRequest(method).then(() => undefined, (e: unknown) => e);
      expect(error).toBeInstanceOf(ResponseError);
      return error as ResponseError<unknown>;
    };
    expect(await failure('invalid')).toMatchObject({ code: -32602, message: 'needs numbers', data: { got: 'text' } });
    expect(await failure('crash')).toMatchObject({ code: -32603, message: 'internal error in crash: boom' });
    expect(await failure('textDocument/unknown')).toMatchObject({ code: -32601 });
    expect(await client.sendRequest('sum', { values: [2, 2] })).toBe(4);
  });

  it('answers a request cancelled through the client’s CancellationToken with -32800', async () => {
    let abortReason: unknown;
    let markStarted: () => void = () => undefined;
    const started = new Promise<void>((resolve) => (markStarted = resolve));
    const { connect } = await serve((connection) => {
      connection.onRequest('slow', (_params, signal) => {
        markStarted();
        return new Promise((_resolve, reject) => signal.addEventListener('abort', () => reject((abortReason = signal.reason))));
      });
    });
    const client = await connect();
    client.listen();
    const source = new CancellationTokenSource();
    const outcome = client.sendRequest('slow', { at: 1 }, source.token).then(() => undefined, (e: unknown) => e);
    await started;
    source.cancel();
    expect(await outcome).toMatchObject({ code: -32800 });
    expect(abortReason).toMatchObject({ code: -32800 });
  });

  it('closes a connection whose peer stops reading, and keeps serving the others', async () => {
    const logs: string[] = [];
    const big = 'x'.repeat(1024 * 1024);
    const { path, connect, connections } = await serve((connection) => connection.onRequest('big', () => big), { log: (line) => logs.push(line) });
    const stalled = net.connect(path);
    sockets.push(stalled);
    await new Promise((resolve) => stalled.once('connect', resolve));
    stalled.pause();
    stalled.on('error', () => undefined);
    const closed = new Promise<void>((resolve) => {
      const wait = () => (connections[0] ? connections[0].onClose(resolve) : setTimeout(wait, 5));
      wait();
    });
    for (let id = 0; id < 40; id++) stalled.write(encodeFrame(JSON.stringify({ jsonrpc: '2.0', id, method: 'big' })));
    await closed;
    expect(logs.join('\n')).toMatch(/peer is not reading/);
    const healthy = await connect();
    healthy.listen();
    expect(((await healthy.sendRequest('big')) as string).length).toBe(big.length);
    stalled.destroy();
  });
});
