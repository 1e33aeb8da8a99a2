/**
 * Typed engine failures. Each message says what happened and what the user can do about it,
 * because these reach the terminal unchanged.
 */

export type EngineErrorCode =
  | 'backend-unavailable'
  | 'rate-limited'
  | 'context-too-long'
  | 'bad-response'
  | 'timeout'
  | 'auth-failed'
  | 'request-rejected';

export interface EngineErrorDetails {
  endpoint?: string;
  status?: number;
  /** What the server asked us to wait (Retry-After), when it said. */
  retryAfterMs?: number;
  cause?: unknown;
}

export abstract class EngineError extends Error {
  abstract readonly code: EngineErrorCode;
  /** Whether trying again (same or another endpoint) can succeed before any token was produced. */
  abstract readonly retryable: boolean;
  readonly endpoint?: string;
  readonly status?: number;
  readonly retryAfterMs?: number;

  constructor(message: string, details: EngineErrorDetails = {}) {
    super(message, details.cause === undefined ? undefined : { cause: details.cause });
    this.name = new.target.name;
    this.endpoint = details.endpoint;
    this.status = details.status;
    this.retryAfterMs = details.retryAfterMs;
  }
}

export class BackendUnavailable extends EngineError {
  readonly code = 'backend-unavailable';
  readonly retryable: boolean;
  /** True when the stream broke after text was already delivered. */
  readonly partial: boolean;

  constructor(message: string, details: EngineErrorDetails & { partial?: boolean } = {}) {
    super(message, details);
    this.partial = details.partial ?? false;
    this.retryable = !this.partial;
  }
}

/**
 * A local model file that cannot be used: missing, not GGUF, corrupt, or it brought down the
 * process that loaded it. Retrying cannot help until the file is replaced.
 */
export class ModelFileUnusable extends BackendUnavailable {
  override readonly retryable = false;
  readonly modelPath: string;

  constructor(message: string, details: EngineErrorDetails & { modelPath: string }) {
    super(message, details);
    this.modelPath = details.modelPath;
  }
}

export class RateLimited extends EngineError {
  readonly code = 'rate-limited';
  readonly retryable = true;
}

export class ContextTooLong extends EngineError {
  readonly code = 'context-too-long';
  readonly retryable = false;
  /** The model's window when the server named it. */
  readonly limitTokens?: number;

  constructor(message: string, details: EngineErrorDetails & { limitTokens?: number } = {}) {
    super(message, details);
    this.limitTokens = details.limitTokens;
  }
}

export class BadResponse extends EngineError {
  readonly code = 'bad-response';
  readonly retryable = false;
}

export class Timeout extends EngineError {
  readonly code = 'timeout';
  readonly retryable: boolean;
  readonly phase: 'first-byte' | 'stall';
  readonly afterMs: number;

  constructor(message: string, details: EngineErrorDetails & { phase: 'first-byte' | 'stall'; afterMs: number }) {
    super(message, details);
    this.phase = details.phase;
    this.afterMs = details.afterMs;
    // A slow first byte may be one overloaded replica; a stall mid-stream has already shown text.
    this.retryable = details.phase === 'first-byte';
  }
}

export class AuthFailed extends EngineError {
  readonly code = 'auth-failed';
  readonly retryable = false;
}

export class RequestRejected extends EngineError {
  readonly code = 'request-rejected';
  readonly retryable = false;
}

export function isEngineError(value: unknown): value is EngineError {
  return value instanceof EngineError;
}

/**
 * A request the scheduler stopped on purpose, not an engine failure: a newer request for the same
 * document replaced it ('superseded'), or its caller gave up ('aborted'). Callers usually drop it silently.
 */
export class RequestCancelled extends Error {
  readonly reason: 'superseded' | 'aborted';

  constructor(reason: 'superseded' | 'aborted', message: string, cause?: unknown) {
    super(message, cause === undefined ? undefined : { cause });
    this.name = 'RequestCancelled';
    this.reason = reason;
  }
}

export function isRequestCancelled(value: unknown): value is RequestCancelled {
  return value instanceof RequestCancelled;
}
