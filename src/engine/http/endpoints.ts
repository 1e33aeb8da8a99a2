/**
 * Chooses which base URL serves a request. Requests for one file prefer the same endpoint
 * (a stable hash of the route key) so the server's KV prefix cache keeps hitting; when that
 * endpoint is busy or recently failed, the least-loaded healthy one takes the request.
 */

import { stableHash } from '../../util/hash.js';

export interface Endpoint {
  /** Position in the configured list. */
  readonly index: number;
  /** The base URL as configured, for messages. */
  readonly url: string;
  /** Where the OpenAI routes live: always ends in '/v1'. */
  readonly apiBase: string;
  /** The server root without '/v1', for server-specific routes (/props, /api/version). */
  readonly origin: string;
  inFlight: number;
  downUntil: number;
  failures: number;
}

export interface EndpointPoolOptions {
  /** At or above this many requests in flight, an endpoint counts as busy. */
  busyInFlight: number;
  /** How long an endpoint that failed is passed over. */
  downCooldownMs: number;
  now?: () => number;
}

export function toEndpoint(url: string, index = 0): Endpoint {
  const trimmed = url.replace(/\/+$/, '');
  const hasV1 = /\/v1$/.test(trimmed);
  return {
    index,
    url: trimmed,
    apiBase: hasV1 ? trimmed : `${trimmed}/v1`,
    origin: hasV1 ? trimmed.slice(0, -3) : trimmed,
    inFlight: 0,
    downUntil: 0,
    failures: 0,
  };
}

export class EndpointPool {
  readonly endpoints: Endpoint[];
  private readonly now: () => number;

  constructor(
    urls: string[],
    private readonly options: EndpointPoolOptions,
  ) {
    if (urls.length === 0) throw new Error('EndpointPool needs at least one base URL');
    this.endpoints = urls.map((url, index) => toEndpoint(url, index));
    this.now = options.now ?? Date.now;
  }

  /** The endpoint a route key maps to when everything is healthy. */
  preferred(routeKey: string | undefined): Endpoint {
    if (routeKey === undefined || this.endpoints.length === 1) return this.endpoints[0]!;
    return this.endpoints[stableHash(routeKey) % this.endpoints.length]!;
  }

  /**
   * Picks an endpoint for the next attempt. `exclude` holds endpoints that already failed this
   * request; they are used again only when nothing else is left.
   */
  pick(routeKey: string | undefined, exclude: ReadonlySet<Endpoint> = new Set()): Endpoint {
    const now = this.now();
    const first = this.preferred(routeKey);
    const usable = (e: Endpoint) => !exclude.has(e) && e.downUntil <= now;
    if (usable(first) && (routeKey === undefined ? first.inFlight === 0 : first.inFlight < this.options.busyInFlight)) {
      return first;
    }
    const healthy = this.endpoints.filter(usable);
    if (healthy.length > 0) return leastLoaded(healthy, first.index, this.endpoints.length);
    // Everything is down or already tried: try the one whose cooldown ends first rather than give up.
    const fallback = this.endpoints.filter((e) => !exclude.has(e));
    const pool = fallback.length > 0 ? fallback : this.endpoints;
    return pool.reduce((a, b) => (b.downUntil < a.downUntil ? b : a));
  }

  markFailure(endpoint: Endpoint): void {
    endpoint.failures++;
    endpoint.downUntil = this.now() + this.options.downCooldownMs;
  }

  markSuccess(endpoint: Endpoint): void {
    endpoint.failures = 0;
    endpoint.downUntil = 0;
  }
}

/** Fewest in flight wins; ties go to the first after the preferred index, so load spreads evenly. */
function leastLoaded(candidates: Endpoint[], preferredIndex: number, total: number): Endpoint {
  let best = candidates[0]!;
  let bestRank = Number.POSITIVE_INFINITY;
  for (const e of candidates) {
    const distance = (e.index - preferredIndex + total) % total;
    const rank = e.inFlight * total + distance;
    if (rank < bestRank) {
      bestRank = rank;
      best = e;
    }
  }
  return best;
}
