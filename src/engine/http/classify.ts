/**
 * Turns what went wrong on the wire (an HTTP status with its body, a socket error, an error
 * event inside a stream) into a typed EngineError whose message tells the user what to do.
 */
import {
  AuthFailed,
  BackendUnavailable,
  BadResponse,
  ContextTooLong,
  EngineError,
  RateLimited,
  RequestRejected,
} from '../errors.js';
import { parseRetryAfter } from './retry.js';

const DOCTOR_HINT = 'Run `inline doctor` to check the endpoint.';

export interface ServerErrorBody {
  message: string;
  type?: string;
  code?: string | number | null;
  /** Context window size when the server put it in a field (llama.cpp). */
  nCtx?: number;
}

/** Reads the error shapes OpenAI, vLLM, SGLang, llama.cpp, Ollama and TGI actually send. */
export function readServerError(text: string): ServerErrorBody | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (!parsed || typeof parsed !== 'object') return undefined;
  const body = parsed as Record<string, unknown>;
  const inner = body.error;
  if (inner && typeof inner === 'object') {
    const e = inner as Record<string, unknown>;
    return {
      message: String(e.message ?? JSON.stringify(e)),
      type: typeof e.type === 'string' ? e.type : undefined,
      code: typeof e.code === 'string' || typeof e.code === 'number' ? e.code : null,
      nCtx: typeof e.n_ctx === 'number' ? e.n_ctx : undefined,
    };
  }
  if (typeof inner === 'string') {
    return { message: inner, type: typeof body.error_type === 'string' ? body.error_type : undefined };
  }
  if (typeof body.message === 'string') {
    return { message: body.message, type: typeof body.type === 'string' ? body.type : undefined };
  }
  if (typeof body.detail === 'string') return { message: body.detail };
  return undefined;
}

const CONTEXT_PATTERNS = [
  /maximum context length/i,
  /context length/i,
  /context size/i,
  /context window/i,
  /too many tokens/i,
  /prompt is too long/i,
  /input (is )?too long/i,
  /tokens \+ `?max_new_tokens`? must be <=/i,
];

function contextLimit(error: ServerErrorBody): number | undefined {
  if (error.nCtx !== undefined) return error.nCtx;
  const match =
    /maximum context length is (\d+)/i.exec(error.message) ?? /must be <= (\d+)/i.exec(error.message);
  return match ? Number(match[1]) : undefined;
}

export function isContextError(error: ServerErrorBody): boolean {
  if (error.code === 'context_length_exceeded' || error.type === 'exceed_context_size_error') return true;
  return CONTEXT_PATTERNS.some((p) => p.test(error.message));
}

function snippet(text: string, max = 160): string {
  const flat = text.replace(/\s+/g, ' ').trim();
  return flat.length > max ? `${flat.slice(0, max)}…` : flat;
}

export interface HttpFailure {
  endpoint: string;
  route: string;
  status: number;
  headers: Record<string, string | string[] | undefined>;
  bodyText: string;
  model?: string;
  apiKeySent: boolean;
}

export function errorFromStatus(f: HttpFailure): EngineError {
  const server = readServerError(f.bodyText);
  const said = server ? server.message : snippet(f.bodyText) || '(empty body)';
  const where = `${f.endpoint}${f.route}`;
  const details = { endpoint: f.endpoint, status: f.status, retryAfterMs: parseRetryAfter(f.headers['retry-after']) };

  if (server && isContextError(server)) {
    const limit = contextLimit(server);
    const window = limit ? ` of ${limit} tokens` : '';
    return new ContextTooLong(
      `The prompt does not fit the model's context window${window} (${where}: ${said}). ` +
        'Lower the context budget or max tokens, or start the server with a larger context size.',
      { ...details, limitTokens: limit },
    );
  }
  if (f.status === 401 || f.status === 403) {
    const what = f.apiKeySent ? 'rejected the API key' : 'needs an API key and none was sent';
    return new AuthFailed(
      `${where} ${what} (HTTP ${f.status}: ${said}). Set INLINE_API_KEY, OPENAI_API_KEY or --api-key.`,
      details,
    );
  }
  if (f.status === 429) {
    const wait = details.retryAfterMs !== undefined ? ` It asked to retry in ${Math.ceil(details.retryAfterMs / 1000)} s.` : '';
    return new RateLimited(
      `${where} is rate limiting requests (HTTP 429: ${said}).${wait} Wait and try again, or add another base URL to spread the load.`,
      details,
    );
  }
  if (f.status >= 500) {
    const overloaded = f.status === 503 ? ' The server is overloaded or still loading the model.' : '';
    return new BackendUnavailable(`${where} failed with HTTP ${f.status}: ${said}.${overloaded} ${DOCTOR_HINT}`, details);
  }
  if (f.status === 404) {
    if (f.model && /model/i.test(said)) {
      return new RequestRejected(
        `Model "${f.model}" is not served at ${f.endpoint} (${said}). Run \`inline doctor\` to list the models it has, then set --model.`,
        details,
      );
    }
    return new RequestRejected(
      `${where} does not exist (HTTP 404). Is ${f.endpoint} an OpenAI-compatible server? The base URL usually looks like http://host:8000/v1.`,
      details,
    );
  }
  return new RequestRejected(`${where} rejected the request (HTTP ${f.status}: ${said}).`, details);
}

/** An `{"error": ...}` event inside an otherwise healthy stream. */
export function errorFromStreamEvent(endpoint: string, error: ServerErrorBody, partial: boolean): EngineError {
  if (isContextError(error)) {
    return new ContextTooLong(
      `The prompt does not fit the model's context window (${endpoint}: ${error.message}). Lower the context budget or max tokens.`,
      { endpoint, limitTokens: contextLimit(error) },
    );
  }
  return new BackendUnavailable(`${endpoint} reported an error while generating: ${error.message}. ${DOCTOR_HINT}`, {
    endpoint,
    partial,
  });
}

const NETWORK_MESSAGES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection closed',
  ENOTFOUND: 'host not found',
  EAI_AGAIN: 'host lookup failed',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  UND_ERR_SOCKET: 'connection closed by the server',
  UND_ERR_CONNECT_TIMEOUT: 'connection attempt timed out',
  UND_ERR_CLOSED: 'connection closed',
};

function networkCode(err: unknown): string | undefined {
  let current: unknown = err;
  for (let depth = 0; current && typeof current === 'object' && depth < 4; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && code in NETWORK_MESSAGES) return code;
    current = (current as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A socket-level failure; `partial` when text had already reached the caller. */
export function errorFromNetwork(endpoint: string, err: unknown, partial: boolean): EngineError {
  if (err instanceof EngineError) return err;
  const code = networkCode(err);
  const what = code ? NETWORK_MESSAGES[code]! : err instanceof Error ? err.message : String(err);
  if (partial) {
    return new BackendUnavailable(
      `The stream from ${endpoint} broke off after text had arrived (${what}). The answer is incomplete; try again.`,
      { endpoint, partial: true, cause: err },
    );
  }
  const advice =
    code === 'ECONNREFUSED'
      ? 'Is the server running? Start it, or point --base-url / INLINE_BASE_URL at one that is.'
      : code === 'ENOTFOUND' || code === 'EAI_AGAIN'
        ? 'Check the host name in the base URL.'
        : DOCTOR_HINT;
  return new BackendUnavailable(`Cannot reach ${endpoint} (${what}). ${advice}`, { endpoint, cause: err });
}

export function badResponse(endpoint: string, what: string, text?: string): BadResponse {
  const shown = text === undefined ? '' : `: ${snippet(text)}`;
  return new BadResponse(
    `${endpoint} sent ${what}${shown}. Is it an OpenAI-compatible server, and is the base URL right? ${DOCTOR_HINT}`,
    { endpoint },
  );
}
