/**
 * Completion figures from the local event log (DESIGN §11): acceptance, latency per pipeline
 * stage, cache use, skips, fallbacks, and the same per engine and per language.
 *
 * Events are joined by suggestion id. A suggestion counts once however many events mention it:
 * shown when a `completion.shown` event names it, or when it was accepted at all (an acceptance
 * before the 750 ms mark shows the user saw it); accepted when fully accepted; partially accepted
 * when only partial acceptances name it. The acceptance rate is accepted / shown.
 *
 * Latency figures come from `completion.served` events that were not skipped (a skipped request
 * did no work worth timing); the total is also split by whether a cache layer answered.
 */
import type { TelemetryEvent } from './events.js';

export const LATENCY_STAGES = ['prefilter', 'cache', 'prompt', 'generate', 'postprocess', 'secrets', 'rank', 'total'] as const;
export type LatencyStage = (typeof LATENCY_STAGES)[number];
export const CACHE_KINDS = ['miss', 'memory', 'disk', 'type-through'] as const;

/** Engine or language when an event does not say; `none` is the engine of a request never served. */
export const UNKNOWN = 'unknown';
export const UNSERVED = 'none';

export interface LatencySummary {
  count: number;
  /** Milliseconds; null without samples. */
  p50: number | null;
  p95: number | null;
  /** Sum of the samples, for Prometheus summaries. */
  sum: number;
}

export interface OutcomeCounts {
  /** `completion.requested` events. */
  requests: number;
  /** `completion.served` events, skipped ones included. */
  served: number;
  shown: number;
  accepted: number;
  partiallyAccepted: number;
  rejected: number;
}

export interface GroupStats extends OutcomeCounts {
  acceptanceRate: number | null;
  /** Median total latency of the group's served, not skipped, completions. */
  latencyP50Ms: number | null;
}

export interface CrossGroupStats extends OutcomeCounts {
  engine: string;
  language: string;
}

export interface CompletionStats extends OutcomeCounts {
  /** ISO time from which events were counted; null for all of them. */
  since: string | null;
  firstEventAt: string | null;
  lastEventAt: string | null;
  /** Completion events counted. */
  events: number;
  acceptanceRate: number | null;
  partialAcceptanceRate: number | null;
  skipped: { total: number; byReason: Record<string, number> };
  fallbacks: { total: number; byReason: Record<string, number> };
  latency: Record<LatencyStage, LatencySummary>;
  totalLatencyByCache: { hit: LatencySummary; miss: LatencySummary };
  cache: { lookups: number; hits: number; hitRate: number | null; byKind: Record<string, { count: number; rate: number | null }> };
  engines: Record<string, GroupStats>;
  languages: Record<string, GroupStats>;
  /** Counts per engine and language together (what the Prometheus counters are labelled by). */
  breakdown: CrossGroupStats[];
}

export interface StatsOptions {
  /** Only events at or after this time. */
  since?: Date;
}

/** Every event type the figures use, for `readEvents({ types })`. */
export const COMPLETION_EVENT_TYPES = [
  'completion.requested',
  'completion.served',
  'completion.shown',
  'completion.accepted',
  'completion.partiallyAccepted',
  'completion.rejected',
];

interface Attribution {
  engine: string;
  language: string;
}

type Outcome = 'shown' | 'accepted' | 'partiallyAccepted' | 'rejected';

/** Folds events in one at a time, so that a long log need not be held in memory. */
export class StatsAccumulator {
  private readonly since: number | undefined;
  private events = 0;
  private firstAt: number | undefined;
  private lastAt: number | undefined;
  private anonymous = 0;
  private readonly requests = new Map<string, string>();
  private readonly served = new Map<string, Attribution>();
  private readonly servedCounts = new Map<string, number>();
  private readonly outcomes: Record<Outcome, Map<string, Attribution>> = {
    shown: new Map(),
    accepted: new Map(),
    partiallyAccepted: new Map(),
    rejected: new Map(),
  };
  private readonly skipped = new Map<string, number>();
  private readonly fallbacks = new Map<string, number>();
  private readonly cacheKinds = new Map<string, number>(CACHE_KINDS.map((kind) => [kind, 0]));
  private readonly stageSamples = new Map<LatencyStage, number[]>(LATENCY_STAGES.map((stage) => [stage, []]));
  private readonly totalByCache = { hit: [] as number[], miss: [] as number[] };
  private readonly totalByEngine = new Map<string, number[]>();
  private readonly totalByLanguage = new Map<string, number[]>();

  constructor(options: StatsOptions = {}) {
    const since = options.since?.getTime();
    if (since !== undefined && Number.isNaN(since)) throw new RangeError('computeStats: "since" is not a valid date');
    this.since = since;
  }

  add(event: TelemetryEvent): void {
    if (!COMPLETION_EVENT_TYPES.includes(event.type)) return;
    const at = typeof event.at === 'string' ? Date.parse(event.at) : Number.NaN;
    if (Number.isNaN(at) || (this.since !== undefined && at < this.since)) return;
    this.events++;
    this.firstAt = this.firstAt === undefined ? at : Math.min(this.firstAt, at);
    this.lastAt = this.lastAt === undefined ? at : Math.max(this.lastAt, at);
    const id = typeof event.id === 'string' && event.id !== '' ? event.id : `#anonymous-${this.anonymous++}`;
    switch (event.type) {
      case 'completion.requested':
        this.requests.set(id, label(event.language));
        break;
      case 'completion.served':
        this.addServed(id, event);
        break;
      case 'completion.shown':
        this.addOutcome('shown', id, event);
        break;
      case 'completion.accepted':
        this.addOutcome('accepted', id, event);
        break;
      case 'completion.partiallyAccepted':
        this.addOutcome('partiallyAccepted', id, event);
        break;
      case 'completion.rejected':
        this.addOutcome('rejected', id, event);
        break;
    }
  }

  result(): CompletionStats {
    const groups = new Map<string, CrossGroupStats>();
    const group = ({ engine, language }: Attribution): CrossGroupStats => {
      const key = `${engine}\u0000${language}`;
      let entry = groups.get(key);
      if (!entry) groups.set(key, (entry = { engine, language, ...zeroCounts() }));
      return entry;
    };
    for (const [id, language] of this.requests) group({ engine: this.served.get(id)?.engine ?? UNSERVED, language }).requests++;
    for (const [key, count] of this.servedCounts) {
      const [engine, language] = key.split('\u0000') as [string, string];
      group({ engine, language }).served += count;
    }
    const { shown, accepted, partiallyAccepted, rejected } = this.outcomeSets();
    for (const [name, set] of Object.entries({ shown, accepted, partiallyAccepted, rejected }) as [Outcome, Map<string, Attribution>][]) {
      for (const attribution of set.values()) group(attribution)[name]++;
    }
    const breakdown = [...groups.values()].sort((a, b) => a.engine.localeCompare(b.engine) || a.language.localeCompare(b.language));
    const totals = breakdown.reduce((sum, entry) => addCounts(sum, entry), zeroCounts());
    const lookups = [...this.cacheKinds.values()].reduce((a, b) => a + b, 0);
    const hits = lookups - (this.cacheKinds.get('miss') ?? 0);
    return {
      since: this.since === undefined ? null : new Date(this.since).toISOString(),
      firstEventAt: this.firstAt === undefined ? null : new Date(this.firstAt).toISOString(),
      lastEventAt: this.lastAt === undefined ? null : new Date(this.lastAt).toISOString(),
      events: this.events,
      ...totals,
      acceptanceRate: ratio(totals.accepted, totals.shown),
      partialAcceptanceRate: ratio(totals.partiallyAccepted, totals.shown),
      skipped: tally(this.skipped),
      fallbacks: tally(this.fallbacks),
      latency: Object.fromEntries(LATENCY_STAGES.map((stage) => [stage, summarize(this.stageSamples.get(stage)!)])) as Record<LatencyStage, LatencySummary>,
      totalLatencyByCache: { hit: summarize(this.totalByCache.hit), miss: summarize(this.totalByCache.miss) },
      cache: {
        lookups,
        hits,
        hitRate: ratio(hits, lookups),
        byKind: Object.fromEntries([...this.cacheKinds].map(([kind, count]) => [kind, { count, rate: ratio(count, lookups) }])),
      },
      engines: this.rollUp(breakdown, 'engine', this.totalByEngine),
      languages: this.rollUp(breakdown, 'language', this.totalByLanguage),
      breakdown,
    };
  }

  private addServed(id: string, event: TelemetryEvent): void {
    const attribution = { engine: label(event.engine), language: label(event.language) };
    this.served.set(id, attribution);
    increment(this.servedCounts, `${attribution.engine}\u0000${attribution.language}`);
    if (typeof event.fallback === 'string' && event.fallback !== '') increment(this.fallbacks, event.fallback);
    if (typeof event.skipped === 'string' && event.skipped !== '') {
      increment(this.skipped, event.skipped);
      return;
    }
    const cache = typeof event.cache === 'string' && event.cache !== '' ? event.cache : 'miss';
    increment(this.cacheKinds, cache);
    const latency = typeof event.latency === 'object' && event.latency !== null ? (event.latency as Record<string, unknown>) : {};
    for (const stage of LATENCY_STAGES) {
      const value = latency[stage];
      if (isDuration(value)) this.stageSamples.get(stage)!.push(value);
    }
    const total = latency.total;
    if (!isDuration(total)) return;
    this.totalByCache[cache === 'miss' ? 'miss' : 'hit'].push(total);
    push(this.totalByEngine, attribution.engine, total);
    push(this.totalByLanguage, attribution.language, total);
  }

  private addOutcome(outcome: Outcome, id: string, event: TelemetryEvent): void {
    const served = this.served.get(id);
    const attribution = {
      engine: typeof event.engine === 'string' && event.engine !== '' ? event.engine : (served?.engine ?? UNKNOWN),
      language: typeof event.language === 'string' && event.language !== '' ? event.language : (served?.language ?? UNKNOWN),
    };
    if (!this.outcomes[outcome].has(id)) this.outcomes[outcome].set(id, attribution);
  }

  /** Distinct suggestions per outcome, with the precedence described at the top of this file. */
  private outcomeSets(): Record<Outcome, Map<string, Attribution>> {
    const { accepted, partiallyAccepted, rejected } = this.outcomes;
    const shown = new Map(this.outcomes.shown);
    for (const [id, attribution] of [...accepted, ...partiallyAccepted]) if (!shown.has(id)) shown.set(id, attribution);
    const partialOnly = new Map([...partiallyAccepted].filter(([id]) => !accepted.has(id)));
    const rejectedOnly = new Map([...rejected].filter(([id]) => !accepted.has(id)));
    return { shown, accepted, partiallyAccepted: partialOnly, rejected: rejectedOnly };
  }

  private rollUp(breakdown: CrossGroupStats[], by: 'engine' | 'language', totals: Map<string, number[]>): Record<string, GroupStats> {
    const sums = new Map<string, OutcomeCounts>();
    for (const entry of breakdown) sums.set(entry[by], addCounts(sums.get(entry[by]) ?? zeroCounts(), entry));
    const names = [...sums.keys()].sort((a, b) => a.localeCompare(b));
    return Object.fromEntries(
      names.map((name) => {
        const counts = sums.get(name)!;
        const samples = totals.get(name) ?? [];
        return [name, { ...counts, acceptanceRate: ratio(counts.accepted, counts.shown), latencyP50Ms: summarize(samples).p50 }];
      }),
    );
  }
}

export function computeStats(events: Iterable<TelemetryEvent>, options: StatsOptions = {}): CompletionStats {
  const accumulator = new StatsAccumulator(options);
  for (const event of events) accumulator.add(event);
  return accumulator.result();
}

/** Nearest-rank percentile of sorted samples (the sample at or above p percent of them). */
export function percentile(sorted: readonly number[], p: number): number | null {
  if (sorted.length === 0) return null;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

function summarize(samples: number[]): LatencySummary {
  const sorted = [...samples].sort((a, b) => a - b);
  return { count: sorted.length, p50: percentile(sorted, 50), p95: percentile(sorted, 95), sum: sorted.reduce((a, b) => a + b, 0) };
}

function zeroCounts(): OutcomeCounts {
  return { requests: 0, served: 0, shown: 0, accepted: 0, partiallyAccepted: 0, rejected: 0 };
}

function addCounts<T extends OutcomeCounts>(into: T, add: OutcomeCounts): T {
  into.requests += add.requests;
  into.served += add.served;
  into.shown += add.shown;
  into.accepted += add.accepted;
  into.partiallyAccepted += add.partiallyAccepted;
  into.rejected += add.rejected;
  return into;
}

function ratio(part: number, whole: number): number | null {
  return whole === 0 ? null : part / whole;
}

function tally(counts: Map<string, number>): { total: number; byReason: Record<string, number> } {
  const entries = [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
  return { total: entries.reduce((sum, [, n]) => sum + n, 0), byReason: Object.fromEntries(entries) };
}

function label(value: unknown): string {
  return typeof value === 'string' && value !== '' ? value : UNKNOWN;
}

function isDuration(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0;
}

function increment(counts: Map<string, number>, key: string): void {
  counts.set(key, (counts.get(key) ?? 0) + 1);
}

function push(samples: Map<string, number[]>, key: string, value: number): void {
  const list = samples.get(key);
  if (list) list.push(value);
  else samples.set(key, [value]);
}
