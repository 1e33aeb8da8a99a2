/**
 * Runs one request against the endpoint pool: picks an endpoint, and when an attempt fails
 * before it produced anything, retries (another endpoint first, with Retry-After or jittered
 * backoff otherwise). Once a single item has reached the caller, failures are final: replaying
 * a half-delivered answer would duplicate text.
 */
import { EngineError, RateLimited, Timeout } from '../errors.js';
import type { Endpoint, EndpointPool } from './endpoints.js';
import { backoffDelay, sleep } from './retry.js';

export interface RetryPolicy {
  maxRetries: number;
  baseDelayMs: number;
  /** A Retry-After longer than this is not waited out: the caller gets RateLimited at once. */
  maxRetryAfterMs: number;
  random?: () => number;
}

export async function* withFailover<T>(
  pool: EndpointPool,
  policy: RetryPolicy,
  routeKey: string | undefined,
  signal: AbortSignal,
  attempt: (endpoint: Endpoint) => AsyncIterable<T>,
): AsyncGenerator<T> {
  const tried = new Set<Endpoint>();
  for (let retry = 0; ; retry++) {
    const endpoint = pool.pick(routeKey, tried);
    let produced = false;
    endpoint.inFlight++;
    try {
      for await (const item of attempt(endpoint)) {
        produced = true;
        yield item;
      }
      pool.markSuccess(endpoint);
      return;
    } catch (err) {
      if (signal.aborted) throw signal.reason;
      if (!(err instanceof EngineError)) throw err;
      if (err.retryable && !(err instanceof RateLimited)) pool.markFailure(endpoint);
      tried.add(endpoint);
      const untried = pool.endpoints.some((e) => !tried.has(e));
      if (produced || !err.retryable || retry >= policy.maxRetries) throw err;
      // Waiting out a slow first byte again on the same server would double the user's wait.
      if (err instanceof Timeout && !untried) throw err;
      const wait = untried ? 0 : (err.retryAfterMs ?? backoffDelay(retry, policy.baseDelayMs, policy.random));
      if (err.retryAfterMs !== undefined && !untried && err.retryAfterMs > policy.maxRetryAfterMs) throw err;
      await sleep(wait, signal);
    } finally {
      endpoint.inFlight--;
    }
  }
}
