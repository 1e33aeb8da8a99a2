/**
 * The engine for OpenAI-compatible servers (vLLM, SGLang, llama.cpp server, Ollama, TGI):
 * streamed completions and chat, batched embeddings, several base URLs with sticky routing.
 * Everything sent is first passed through the secret scanner's redaction: no credential found
 * in a prompt, a chat message or a text to embed leaves the machine.
 */
import type { InlineConfig } from '../../config/schema.js';
import { detectModelFamily } from '../../context/model-family.js';
import { redact } from '../../secrets/scan.js';
import { BadResponse, RequestRejected } from '../errors.js';
import { errorFromStatus } from '../http/classify.js';
import { EndpointPool, type Endpoint } from '../http/endpoints.js';
import { withFailover, type RetryPolicy } from '../http/failover.js';
import { readCompletionStream, type Route } from '../http/openai-stream.js';
import { HttpTransport, type Deadlines, type OpenResponse } from '../http/transport.js';
import type { ChatRequest, CompletionRequest, Delta, Engine, EngineInfo } from '../types.js';

export interface OpenAIHttpOptions {
  baseUrls: string[];
  apiKey?: string;
  model?: string;
  fimModel?: string;
  embedModel?: string;
  contextTokens?: number;
  deadlines: Deadlines;
  retries: RetryPolicy;
  endpoints: { busyInFlight: number; downCooldownMs: number };
  embedBatchSize: number;
  userAgent?: string;
}

export interface ServedModel {
  id: string;
  ownedBy?: string;
  /** Context window when the server lists it (vLLM `max_model_len`, llama.cpp `meta.n_ctx_train`). */
  contextTokens?: number;
}

const DEFAULT_CONTEXT_TOKENS = 8192;
const ERROR_BODY_LIMIT = 64 * 1024;

export class OpenAIHttpEngine implements Engine {
  readonly pool: EndpointPool;
  private readonly transport: HttpTransport;
  private readonly discoveredModel = new Map<Endpoint, Promise<string>>();

  constructor(private readonly options: OpenAIHttpOptions) {
    this.pool = new EndpointPool(options.baseUrls, options.endpoints);
    this.transport = new HttpTransport({
      apiKey: options.apiKey,
      deadlines: options.deadlines,
      userAgent: options.userAgent ?? 'inline',
    });
  }

  static fromConfig(config: InlineConfig, userAgent?: string): OpenAIHttpEngine {
    return new OpenAIHttpEngine({
      baseUrls: config.baseUrls,
      apiKey: config.apiKey,
      model: config.model,
      fimModel: config.fimModel,
      embedModel: config.embedModel,
      contextTokens: config.contextTokens,
      deadlines: config.timeouts,
      retries: {
        maxRetries: config.retries.max,
        baseDelayMs: config.retries.baseDelayMs,
        maxRetryAfterMs: config.retries.maxRetryAfterMs,
      },
      endpoints: config.endpoints,
      embedBatchSize: config.embedBatchSize,
      userAgent,
    });
  }

  info(): EngineInfo {
    const model = this.options.fimModel ?? this.options.model;
    return {
      name: 'openai-http',
      fim: detectModelFamily(model)?.fim ?? false,
      contextTokens: this.options.contextTokens ?? DEFAULT_CONTEXT_TOKENS,
      chat: true,
    };
  }

  complete(req: CompletionRequest, signal: AbortSignal): AsyncIterable<Delta> {
    return this.stream('completions', req.routeKey, signal, this.options.fimModel, (model) => {
      const body: Record<string, unknown> = {
        model,
        prompt: redact(req.prompt),
        max_tokens: req.maxTokens,
        temperature: req.temperature,
        stream: true,
        stream_options: { include_usage: true },
      };
      if (req.suffix !== undefined) body.suffix = redact(req.suffix);
      if (req.stop.length > 0) body.stop = req.stop;
      if (req.n !== undefined && req.n > 1) {
        body.n = req.n;
        // Ranking several candidates uses the model's own confidence in each.
        body.logprobs = 1;
      }
      return body;
    });
  }

  chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<Delta> {
    return this.stream('chat', req.routeKey, signal, undefined, (model) => ({
      model,
      messages: req.messages.map((message) => ({ ...message, content: redact(message.content) })),
      max_tokens: req.maxTokens,
      temperature: req.temperature,
      stream: true,
      stream_options: { include_usage: true },
    }));
  }

  /** Embeds in batches of `embedBatchSize`, one request at a time, preserving input order. */
  async embed(texts: string[], signal: AbortSignal): Promise<Float32Array[]> {
    const out: Float32Array[] = [];
    for (let start = 0; start < texts.length; start += this.options.embedBatchSize) {
      const batch = texts.slice(start, start + this.options.embedBatchSize);
      // Code sent for embedding leaves the machine like a prompt does.
      const safe = batch.map((text) => redact(text));
      const attempts = withFailover(this.pool, this.options.retries, undefined, signal, (endpoint) =>
        this.embedBatch(endpoint, safe, signal),
      );
      for await (const vectors of attempts) out.push(...vectors);
    }
    return out;
  }

  /** GET /v1/models on one endpoint. */
  async listModels(endpoint: Endpoint, signal: AbortSignal, timeoutMs?: number): Promise<ServedModel[]> {
    const route = '/models';
    const response = await this.transport.open('GET', endpoint.url, endpoint.apiBase + route, undefined, signal, timeoutMs);
    const body = await this.readJson(response, '/v1/models');
    const data = (body as { data?: unknown }).data;
    if (!Array.isArray(data)) throw new BadResponse(`${endpoint.url}/v1/models did not return a model list ("data" is missing).`, { endpoint: endpoint.url });
    return data
      .filter((m): m is Record<string, unknown> => Boolean(m) && typeof m === 'object' && typeof (m as { id?: unknown }).id === 'string')
      .map((m) => {
        const meta = m.meta as Record<string, unknown> | undefined;
        const context = m.max_model_len ?? m.context_length ?? meta?.n_ctx_train;
        return {
          id: m.id as string,
          ownedBy: typeof m.owned_by === 'string' ? m.owned_by : undefined,
          contextTokens: typeof context === 'number' && context > 0 ? context : undefined,
        };
      });
  }

  /** GET any JSON route relative to the server root (for server-specific probes). */
  async getJson(endpoint: Endpoint, path: string, signal: AbortSignal, timeoutMs?: number, body?: unknown): Promise<unknown> {
    const response = await this.transport.open(body === undefined ? 'GET' : 'POST', endpoint.url, endpoint.origin + path, body, signal, timeoutMs);
    return this.readJson(response, path);
  }

  async close(): Promise<void> {
    await this.transport.close();
  }

  private stream(
    route: Route,
    routeKey: string | undefined,
    signal: AbortSignal,
    preferredModel: string | undefined,
    buildBody: (model: string) => Record<string, unknown>,
  ): AsyncIterable<Delta> {
    const path = route === 'completions' ? '/completions' : '/chat/completions';
    return withFailover(this.pool, this.options.retries, routeKey, signal, (endpoint) =>
      this.streamFrom(endpoint, path, route, signal, preferredModel, buildBody),
    );
  }

  private async *streamFrom(
    endpoint: Endpoint,
    path: string,
    route: Route,
    signal: AbortSignal,
    preferredModel: string | undefined,
    buildBody: (model: string) => Record<string, unknown>,
  ): AsyncGenerator<Delta> {
    const model = preferredModel ?? (await this.modelFor(endpoint, signal));
    const response = await this.transport.open('POST', endpoint.url, endpoint.apiBase + path, buildBody(model), signal);
    await this.ensureOk(response, `/v1${path}`, model);
    yield* readCompletionStream(response, route);
  }

  private async *embedBatch(endpoint: Endpoint, batch: string[], signal: AbortSignal): AsyncGenerator<Float32Array[]> {
    const route = '/embeddings';
    const model = this.options.embedModel ?? (await this.modelFor(endpoint, signal));
    const response = await this.transport.open('POST', endpoint.url, endpoint.apiBase + route, { model, input: batch, encoding_format: 'float' }, signal);
    const body = await this.readJson(response, `/v1${route}`, model);
    yield parseEmbeddings(endpoint.url, body, batch.length);
  }

  /** The configured model, or the only one the server has; several without a choice is an error. */
  private modelFor(endpoint: Endpoint, signal: AbortSignal): Promise<string> {
    if (this.options.model) return Promise.resolve(this.options.model);
    let pending = this.discoveredModel.get(endpoint);
    if (!pending) {
      pending = this.listModels(endpoint, signal).then((models) => {
        if (models.length === 1) return models[0]!.id;
        const listed = models.length === 0 ? 'no models' : models.map((m) => m.id).join(', ');
        throw new RequestRejected(
          `No model is configured and ${endpoint.url} serves ${listed}. Choose one with --model or INLINE_MODEL.`,
          { endpoint: endpoint.url },
        );
      });
      pending.catch(() => this.discoveredModel.delete(endpoint));
      this.discoveredModel.set(endpoint, pending);
    }
    return pending;
  }

  private async ensureOk(response: OpenResponse, route: string, model?: string): Promise<void> {
    if (response.status < 400) return;
    const bodyText = await response.readAll(ERROR_BODY_LIMIT);
    throw errorFromStatus({
      endpoint: response.endpoint,
      route,
      status: response.status,
      headers: response.headers,
      bodyText,
      model,
      apiKeySent: this.transport.apiKeySent,
    });
  }

  private async readJson(response: OpenResponse, route: string, model?: string): Promise<unknown> {
    await this.ensureOk(response, route, model);
    const text = await response.readAll(64 * 1024 * 1024);
    try {
      return JSON.parse(text);
    } catch {
      const shown = text.replace(/\s+/g, ' ').slice(0, 120);
      throw new BadResponse(
        `${response.endpoint} answered ${route} with something that is not JSON (${response.contentType || 'no content type'}: ${shown}). ` +
          'Is the base URL right? It usually looks like http://host:8000/v1.',
        { endpoint: response.endpoint },
      );
    }
  }
}

function parseEmbeddings(endpoint: string, body: unknown, expected: number): Float32Array[] {
  const data = (body as { data?: unknown } | null)?.data;
  if (!Array.isArray(data) || data.length !== expected) {
    throw new BadResponse(`${endpoint}/v1/embeddings returned ${Array.isArray(data) ? data.length : 'no'} vectors for ${expected} inputs.`, { endpoint });
  }
  const out = new Array<Float32Array>(expected);
  let dims = -1;
  for (const [position, item] of data.entries()) {
    const entry = item as { index?: unknown; embedding?: unknown };
    const index = typeof entry.index === 'number' ? entry.index : position;
    if (!Array.isArray(entry.embedding) || index < 0 || index >= expected) {
      throw new BadResponse(`${endpoint}/v1/embeddings returned a malformed vector at position ${position}.`, { endpoint });
    }
    if (dims === -1) dims = entry.embedding.length;
    if (entry.embedding.length !== dims || dims === 0) {
      throw new BadResponse(`${endpoint}/v1/embeddings returned vectors of different sizes (${dims} and ${entry.embedding.length}).`, { endpoint });
    }
    out[index] = Float32Array.from(entry.embedding as number[]);
  }
  if (out.some((v) => v === undefined)) throw new BadResponse(`${endpoint}/v1/embeddings skipped some inputs.`, { endpoint });
  return out;
}
