import http from 'node:http';
import net, { type AddressInfo, type Socket } from 'node:net';
import { Exchange, frame, PLAIN_SSE, type SseStyle } from './exchange.js';
import {
  contextLengthError,
  embeddingsBody,
  fullBody,
  modelsList,
  promptLength,
  streamGroups,
  type GenerationEndpoint,
  type Turn,
  type Usage,
} from './payloads.js';
import type { ContextLengthStyle, FakeBackend, FakeBackendOptions, Fault, Flavor, RecordedRequest, Reply, StreamReply } from './types.js';

type MidStreamFault = Extract<Fault, { afterChunks: number }>;
type Endpoint = GenerationEndpoint | 'embeddings';

const ENDPOINTS: Record<string, Endpoint> = {
  '/v1/completions': 'completions',
  '/v1/chat/completions': 'chat',
  '/v1/embeddings': 'embeddings',
};
const DEFAULT_MODELS = [{ id: 'qwen2.5-coder-7b', max_model_len: 32768 }];
const NOT_FOUND = { error: { message: 'not found', type: 'invalid_request_error' } };
const DEFAULT_CONTEXT_STYLE: Record<Flavor, ContextLengthStyle> = { vllm: 'vllm', llamacpp: 'llamacpp', ollama: 'openai' };
const HTML_PAGE = '<!DOCTYPE html><html><body>Bad Gateway page</body></html>';

// Mid-stream faults need text on both sides of the cut unless the test cares about the words.
const filler = (afterChunks: number) => Array.from({ length: afterChunks + 1 }, (_, i) => `w${i} `);

const isObject = (v: unknown): v is Record<string, any> => typeof v === 'object' && v !== null && !Array.isArray(v);

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const parts: Buffer[] = [];
    const done = () => resolve(Buffer.concat(parts).toString('utf8'));
    req.on('data', (b: Buffer) => parts.push(b));
    req.on('end', done);
    // A client that vanishes mid-upload still gets recorded with whatever arrived.
    req.on('error', done);
    req.on('close', done);
  });
}

function parseBody(raw: string): unknown {
  if (raw === '') return undefined;
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

export function closedPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = net.createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as AddressInfo;
      probe.close(() => resolve(port));
    });
  });
}

export async function startFakeBackend(opts: FakeBackendOptions = {}): Promise<FakeBackend> {
  const flavor = opts.flavor ?? 'vllm';
  const dims = opts.embeddingDims ?? 8;
  const created = Math.floor(Date.now() / 1000);
  const queue: Reply[] = [...(opts.replies ?? [])];
  let fallback: Reply = {};
  let seq = 0;
  let closing: Promise<void> | undefined;
  const sockets = new Set<Socket>();
  const live = new Set<Exchange>();
  const waiters = new Set<{ check: () => boolean; fail: (e: Error) => void }>();

  const server = http.createServer((req, res) => {
    const ex = new Exchange(req, res);
    handle(ex).catch((err: unknown) => {
      if (!res.headersSent) ex.json(500, { error: { message: `fake backend crashed: ${String(err)}`, type: 'server_error' } });
      else ex.kill(false);
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });

  async function handle(ex: Exchange): Promise<void> {
    const { req, res } = ex;
    const record: RecordedRequest = {
      method: req.method ?? 'GET',
      path: req.url ?? '/',
      headers: { ...req.headers },
      body: undefined,
      aborted: false,
      at: Date.now(),
    };
    live.add(ex);
    res.on('close', () => {
      if (!res.writableEnded && !ex.killedByServer && !closing) record.aborted = true;
      ex.shutdown();
      live.delete(ex);
    });
    const raw = await readBody(req);
    record.body = parseBody(raw);
    backend.requests.push(record);
    for (const w of [...waiters]) w.check();
    if (ex.closed) return;
    await route(ex, record);
  }

  async function route(ex: Exchange, record: RecordedRequest): Promise<void> {
    const path = record.path.split('?')[0];
    const method = record.method;
    const body = record.body;
    if (method === 'GET' && path === '/v1/models') return ex.json(200, modelsList(backend.models, flavor, created));
    if (flavor === 'ollama' && method === 'GET' && path === '/api/version') return ex.json(200, { version: '0.6.2' });
    if (flavor === 'ollama' && method === 'POST' && path === '/api/show') return ollamaShow(ex, body);
    if (flavor === 'llamacpp' && method === 'GET' && path === '/props') {
      return ex.json(200, { default_generation_settings: { n_ctx: backend.models[0]?.max_model_len ?? 4096 } });
    }
    const endpoint = method === 'POST' ? ENDPOINTS[path] : undefined;
    if (!endpoint) return ex.json(404, NOT_FOUND);
    if (!isObject(body)) {
      return ex.json(400, { error: { message: 'request body is not a JSON object', type: 'invalid_request_error' } });
    }
    const reply = queue.shift() ?? fallback;
    const next = await beforeHeaders(ex, reply);
    if (!next) return;
    if (endpoint === 'embeddings') return serveEmbeddings(ex, body, next);
    return serveGeneration(ex, endpoint, body, next);
  }

  function ollamaShow(ex: Exchange, body: unknown): void {
    if (!isObject(body)) return ex.json(400, { error: 'invalid JSON body' });
    // Older Ollama clients send `name` instead of `model`.
    const name = String(body.model ?? body.name ?? '');
    const model = backend.models.find((m) => m.id === name);
    if (!model) return ex.json(404, { error: `model '${name}' not found` });
    const ctx = model.max_model_len ?? 32768;
    ex.json(200, { model_info: { 'general.architecture': 'qwen2', 'qwen2.context_length': ctx }, parameters: '' });
  }

  /** Faults that act before a status line exists; returns what to serve next, or undefined when done. */
  async function beforeHeaders(ex: Exchange, reply: Reply): Promise<StreamReply | MidStreamFault | undefined> {
    if (!('fault' in reply)) return reply;
    switch (reply.fault) {
      case 'reset-before-headers':
        ex.kill(true);
        return undefined;
      case 'status': {
        const body = reply.body ?? { error: { message: `fake ${reply.status}`, type: 'server_error', code: null } };
        const headers: Record<string, string> = reply.retryAfter !== undefined ? { 'retry-after': reply.retryAfter } : {};
        const text = typeof body === 'string' ? body : JSON.stringify(body);
        ex.send(reply.status, reply.contentType ?? 'application/json', text, headers);
        return undefined;
      }
      case 'non-json':
        ex.send(reply.status ?? 200, reply.contentType ?? 'text/html', reply.body ?? HTML_PAGE);
        return undefined;
      case 'context-length': {
        const { status, body } = contextLengthError(reply.style ?? DEFAULT_CONTEXT_STYLE[flavor]);
        ex.json(status, body);
        return undefined;
      }
      case 'stall-before-headers':
        return (await ex.wait(reply.ms)) ? (reply.then ?? {}) : undefined;
      default:
        return reply;
    }
  }

  async function serveGeneration(
    ex: Exchange,
    endpoint: GenerationEndpoint,
    body: Record<string, any>,
    next: StreamReply | MidStreamFault,
  ): Promise<void> {
    const stream = body.stream === true;
    const requestedN = Number.isInteger(body.n) && body.n > 0 ? (body.n as number) : 1;
    const isFault = 'fault' in next;
    const chunks = (isFault ? (next as { chunks?: string[] }).chunks ?? filler(next.afterChunks) : next.chunks) ?? ['ok'];
    const turn: Turn = {
      endpoint,
      id: `${endpoint === 'chat' ? 'chatcmpl' : 'cmpl'}-${++seq}`,
      created: Math.floor(Date.now() / 1000),
      model: typeof body.model === 'string' ? body.model : (backend.models[0]?.id ?? 'unknown'),
      n: (!isFault && next.n) || requestedN,
      includeUsage: stream && body.stream_options?.include_usage === true,
    };
    const usage: Usage = (!isFault && next.usage) || {
      prompt_tokens: Math.ceil(promptLength(endpoint, body) / 4),
      completion_tokens: chunks.length,
    };
    const finish = (!isFault && next.finishReason) || 'stop';
    if (!stream) {
      const text = JSON.stringify(fullBody(turn, chunks, finish, usage));
      return isFault ? jsonMidFault(ex, next, text) : ex.send(200, 'application/json', text);
    }
    const groups = streamGroups(turn, chunks, finish, usage);
    if (isFault) return sseMidFault(ex, next, groups);
    return sseOk(ex, next, groups);
  }

  function serveEmbeddings(ex: Exchange, body: Record<string, any>, next: StreamReply | MidStreamFault) {
    const model = typeof body.model === 'string' ? body.model : (backend.models[0]?.id ?? 'unknown');
    const text = JSON.stringify(embeddingsBody(body.input, model, dims));
    return 'fault' in next ? jsonMidFault(ex, next, text) : ex.send(200, 'application/json', text);
  }

  async function sseOk(ex: Exchange, r: StreamReply, groups: string[][]): Promise<void> {
    const style: SseStyle = { eol: r.crlf ? '\r\n' : '\n', multiline: r.multilineData === true };
    const sep = r.comments ? `: keep-alive${style.eol}${style.eol}` : '';
    const blocks = groups.filter((g) => g.length > 0).map((g) => g.map((d) => frame(d, style)).join(sep));
    ex.startSse();
    if (r.splitBytes && r.splitBytes > 0) {
      const whole = Buffer.from(blocks.join(sep));
      for (let off = 0; off < whole.length; off += r.splitBytes) {
        if (!(await ex.write(whole.subarray(off, off + r.splitBytes)))) return;
        if (!(await ex.tick())) return;
      }
    } else {
      for (let i = 0; i < blocks.length; i++) {
        if (i > 0 && r.chunkDelayMs && !(await ex.wait(r.chunkDelayMs))) return;
        if (!(await ex.write((i > 0 ? sep : '') + blocks[i]))) return;
      }
    }
    ex.end();
  }

  async function sseMidFault(ex: Exchange, f: MidStreamFault, groups: string[][]): Promise<void> {
    ex.startSse();
    const cut = f.afterChunks + 1;
    for (const data of groups.slice(0, cut).flat()) {
      if (!(await ex.write(frame(data, PLAIN_SSE)))) return;
    }
    switch (f.fault) {
      case 'reset-mid-stream':
        return ex.kill(false);
      case 'stall-mid-stream':
        if (!(await ex.wait(f.ms))) return;
        for (const data of groups.slice(cut).flat()) {
          if (!(await ex.write(frame(data, PLAIN_SSE)))) return;
        }
        return ex.end();
      case 'malformed-sse':
        if (!(await ex.write(`${f.line ?? 'data: {"choices": [ {oops'}\n\n`))) return;
        return ex.end();
      case 'error-event':
        if (!(await ex.write(frame(JSON.stringify({ error: { message: f.message, type: 'server_error' } }), PLAIN_SSE)))) {
          return;
        }
        return ex.end();
    }
  }

  /** Non-streaming analogue of the mid-stream faults: the JSON body itself gets cut or delayed. */
  async function jsonMidFault(ex: Exchange, f: MidStreamFault, text: string): Promise<void> {
    const half = Math.floor(text.length / 2);
    switch (f.fault) {
      case 'reset-mid-stream':
        ex.startJson();
        if (await ex.write(text.slice(0, half))) ex.kill(false);
        return;
      case 'stall-mid-stream':
        ex.startJson();
        if (!(await ex.write(text.slice(0, half))) || !(await ex.wait(f.ms))) return;
        if (await ex.write(text.slice(half))) ex.end();
        return;
      case 'malformed-sse':
        return ex.send(200, 'application/json', text.slice(0, half));
      case 'error-event':
        return ex.json(200, { error: { message: f.message, type: 'server_error' } });
    }
  }

  function waitForRequests(count: number, timeoutMs = 2000): Promise<void> {
    return new Promise((resolve, reject) => {
      if (backend.requests.length >= count) return resolve();
      const waiter = {
        check: () => {
          if (backend.requests.length < count) return false;
          settle();
          resolve();
          return true;
        },
        fail: (e: Error) => {
          settle();
          reject(e);
        },
      };
      const timer = setTimeout(
        () => waiter.fail(new Error(`fake backend: wanted ${count} requests, got ${backend.requests.length} in ${timeoutMs}ms`)),
        timeoutMs,
      );
      const settle = () => {
        clearTimeout(timer);
        waiters.delete(waiter);
      };
      waiters.add(waiter);
    });
  }

  function close(): Promise<void> {
    closing ??= (async () => {
      for (const w of [...waiters]) w.fail(new Error('fake backend closed'));
      for (const ex of [...live]) ex.shutdown();
      for (const s of sockets) s.destroy();
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    })();
    return closing;
  }

  const backend: FakeBackend = {
    url: '',
    port: 0,
    requests: [],
    models: (opts.models ?? DEFAULT_MODELS).map((m) => ({ ...m })),
    script: (...replies) => void queue.push(...replies),
    setDefault: (reply) => void (fallback = reply),
    waitForRequests,
    close,
  };

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  backend.port = (server.address() as AddressInfo).port;
  backend.url = `http://127.0.0.1:${backend.port}`;
  return backend;
}
