/** Completion figures from synthetic events, and their Prometheus exposition. */
import { describe, expect, it } from 'vitest';
import type { TelemetryEvent } from '../../src/telemetry/events.js';
import { escapeLabelValue, toPrometheus } from '../../src/telemetry/prometheus.js';
import { computeStats, percentile } from '../../src/telemetry/stats.js';

let clock = Date.parse('2025-03-01T10:00:00Z');
function event(type: string, fields: Record<string, unknown>): TelemetryEvent {
  clock += 1000;
  return { type, at: new Date(clock).toISOString(), ...fields };
}

function requested(id: string, language: string): TelemetryEvent {
  return event('completion.requested', { id, path: `src/${id}`, language, trigger: 'automatic', n: 1, multiline: false });
}

function served(id: string, fields: { engine?: string; language?: string; cache?: string; skipped?: string; fallback?: string; latency?: unknown }): TelemetryEvent {
  return event('completion.served', {
    id,
    path: `src/${id}`,
    language: fields.language ?? 'python',
    engine: fields.engine ?? 'openai-http',
    cache: fields.cache ?? 'miss',
    items: 1,
    dropped: 0,
    latency: fields.latency ?? { total: 10 },
    ...(fields.skipped ? { skipped: fields.skipped } : {}),
    ...(fields.fallback ? { fallback: fields.fallback } : {}),
  });
}

function feedback(type: string, id: string, engine = 'openai-http', language = 'python', extra: Record<string, unknown> = {}): TelemetryEvent {
  return event(`completion.${type}`, { id, engine, language, ...extra });
}

describe('computeStats', () => {
  it('computes the acceptance rate over distinct shown suggestions, with partial acceptances apart', () => {
    const events = [
      ...['a', 'b', 'c', 'd', 'e'].flatMap((id) => [requested(id, 'python'), served(id, {})]),
      feedback('shown', 'a'),
      feedback('shown', 'a'), // shown again: still one suggestion
      feedback('accepted', 'a', 'openai-http', 'python', { acceptedChars: 12 }),
      feedback('shown', 'b'),
      feedback('partiallyAccepted', 'b', 'openai-http', 'python', { acceptedChars: 3 }),
      feedback('shown', 'c'),
      feedback('rejected', 'c'),
      feedback('accepted', 'd'), // accepted before 750 ms: it was seen, so it counts as shown
      feedback('shown', 'e'),
    ];
    const stats = computeStats(events);
    expect(stats).toMatchObject({ requests: 5, served: 5, shown: 5, accepted: 2, partiallyAccepted: 1, rejected: 1 });
    expect(stats.acceptanceRate).toBeCloseTo(2 / 5);
    expect(stats.partialAcceptanceRate).toBeCloseTo(1 / 5);
  });

  it('gives p50 and p95 per stage over served completions that were not skipped, with cache hits and misses apart', () => {
    const events: TelemetryEvent[] = [];
    for (let i = 1; i <= 20; i++) {
      const hit = i % 4 === 0;
      events.push(served(`m${i}`, { cache: hit ? 'memory' : 'miss', latency: hit ? { prefilter: 0.5, cache: 1, total: i } : { prefilter: 0.5, cache: 1, generate: i * 10, total: i * 10 + 5 } }));
    }
    events.push(served('skip', { skipped: 'mid-word', latency: { prefilter: 999, total: 999 } }));
    const stats = computeStats(events);
    expect(stats.latency.prefilter).toMatchObject({ count: 20, p50: 0.5, p95: 0.5 });
    // generate: 15 misses, 10·{1,2,3,5,6,7,9,10,11,13,14,15,17,18,19}; nearest rank: p50 = 8th, p95 = 15th.
    expect(stats.latency.generate).toMatchObject({ count: 15, p50: 100, p95: 190 });
    expect(stats.latency.postprocess).toEqual({ count: 0, p50: null, p95: null, sum: 0 });
    expect(stats.totalLatencyByCache.hit).toMatchObject({ count: 5, p50: 12, p95: 20 });
    expect(stats.totalLatencyByCache.miss).toMatchObject({ count: 15, p50: 105, p95: 195 });
    expect(stats.latency.total.count).toBe(20);
    // All 20 totals together: the 19th smallest is the second largest miss.
    expect(stats.latency.total.p95).toBe(185);
  });

  it('computes the cache hit rate by kind, and counts skips by reason and fallbacks', () => {
    const events = [
      served('1', { cache: 'miss' }),
      served('2', { cache: 'memory' }),
      served('3', { cache: 'memory' }),
      served('4', { cache: 'disk' }),
      served('5', { cache: 'type-through', fallback: 'deadline' }),
      served('6', { cache: 'miss', fallback: 'deadline' }),
      served('7', { cache: 'miss', fallback: 'connection refused' }),
      served('8', { skipped: 'mid-word' }),
      served('9', { skipped: 'in-comment' }),
      served('10', { skipped: 'mid-word' }),
    ];
    const stats = computeStats(events);
    expect(stats.cache).toMatchObject({ lookups: 7, hits: 4 });
    expect(stats.cache.hitRate).toBeCloseTo(4 / 7);
    expect(stats.cache.byKind.memory).toEqual({ count: 2, rate: 2 / 7 });
    expect(stats.cache.byKind['type-through']!.count).toBe(1);
    expect(stats.cache.byKind.miss!.count).toBe(3);
    expect(stats.skipped).toEqual({ total: 3, byReason: { 'mid-word': 2, 'in-comment': 1 } });
    expect(stats.fallbacks).toEqual({ total: 3, byReason: { deadline: 2, 'connection refused': 1 } });
  });

  it('breaks figures down per engine and per language, attributing each request to the engine that served it', () => {
    const events = [
      requested('p1', 'python'),
      served('p1', { engine: 'openai-http', language: 'python', latency: { total: 40 } }),
      requested('p2', 'python'),
      served('p2', { engine: 'local', language: 'python', latency: { total: 2 } }),
      requested('t1', 'typescript'),
      served('t1', { engine: 'openai-http', language: 'typescript', latency: { total: 80 } }),
      requested('t2', 'typescript'), // superseded before it was served
      feedback('shown', 'p1', 'openai-http', 'python'),
      feedback('accepted', 'p1', 'openai-http', 'python'),
      feedback('shown', 't1', 'openai-http', 'typescript'),
      feedback('shown', 'p2', 'local', 'python'),
    ];
    const stats = computeStats(events);
    expect(stats.engines['openai-http']).toEqual({ requests: 2, served: 2, shown: 2, accepted: 1, partiallyAccepted: 0, rejected: 0, acceptanceRate: 0.5, latencyP50Ms: 40 });
    expect(stats.engines.local).toMatchObject({ requests: 1, shown: 1, accepted: 0, acceptanceRate: 0, latencyP50Ms: 2 });
    expect(stats.engines.none).toMatchObject({ requests: 1, served: 0, shown: 0, acceptanceRate: null, latencyP50Ms: null });
    expect(stats.languages.python).toMatchObject({ requests: 2, shown: 2, accepted: 1, acceptanceRate: 0.5, latencyP50Ms: 2 });
    expect(stats.languages.typescript).toMatchObject({ requests: 2, served: 1, shown: 1, accepted: 0, latencyP50Ms: 80 });
    expect(stats.breakdown.find((g) => g.engine === 'openai-http' && g.language === 'typescript')).toMatchObject({ requests: 1, shown: 1 });
  });

  it('counts only events since the given time', () => {
    const old = [requested('old', 'go'), served('old', { language: 'go' })];
    const cutoff = new Date(clock + 500);
    const recent = [requested('new', 'rust'), served('new', { language: 'rust' })];
    const stats = computeStats([...old, ...recent], { since: cutoff });
    expect(stats.requests).toBe(1);
    expect(Object.keys(stats.languages)).toEqual(['rust']);
    expect(stats.since).toBe(cutoff.toISOString());
    expect(stats.firstEventAt).toBe(recent[0]!.at);
    expect(() => computeStats([], { since: new Date('nope') })).toThrow(/not a valid date/);
  });

  it('gives an empty but complete object without events, and ignores malformed fields and other event types', () => {
    const empty = computeStats([]);
    expect(empty).toMatchObject({ events: 0, requests: 0, shown: 0, acceptanceRate: null, engines: {}, languages: {}, breakdown: [] });
    expect(empty.latency.total).toEqual({ count: 0, p50: null, p95: null, sum: 0 });
    expect(JSON.parse(JSON.stringify(empty))).toEqual(empty);
    const odd = computeStats([
      event('chat.turn', { id: 'x' }),
      { type: 'completion.requested', at: 'not a time', id: 'y', language: 'c' },
      served('z', { latency: { total: -5, generate: 'slow', prompt: Number.NaN, rank: 3 } }),
      served('w', { latency: 'fast' }),
      event('completion.served', { id: 'v' }),
    ]);
    expect(odd.events).toBe(3);
    expect(odd.latency.total.count).toBe(0);
    expect(odd.latency.generate.count).toBe(0);
    expect(odd.latency.rank).toMatchObject({ count: 1, p50: 3 });
    expect(odd.engines.unknown).toMatchObject({ served: 1 });
  });

  it('takes the nearest-rank percentile', () => {
    expect(percentile([], 50)).toBeNull();
    expect(percentile([7], 95)).toBe(7);
    expect(percentile([1, 2, 3, 4], 50)).toBe(2);
    expect(percentile(Array.from({ length: 100 }, (_, i) => i + 1), 95)).toBe(95);
  });
});

/** A small parser for the text format: every line is a comment or a well-formed sample of a declared family. */
function parseExposition(text: string): { families: Map<string, string>; samples: { name: string; labels: Record<string, string>; value: number }[] } {
  expect(text.endsWith('\n')).toBe(true);
  const families = new Map<string, string>();
  const samples: { name: string; labels: Record<string, string>; value: number }[] = [];
  for (const line of text.slice(0, -1).split('\n')) {
    const type = /^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (counter|gauge|summary|histogram|untyped)$/.exec(line);
    if (type) {
      expect(families.has(type[1]!), `${type[1]} declared twice`).toBe(false);
      families.set(type[1]!, type[2]!);
      continue;
    }
    if (/^# HELP [a-zA-Z_:][a-zA-Z0-9_:]* \S/.test(line)) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{((?:[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*",?)*)\})? (NaN|[+-]Inf|-?\d+(?:\.\d+)?(?:e[+-]?\d+)?)$/.exec(line);
    expect(sample, `not a valid sample line: ${line}`).not.toBeNull();
    const name = sample![1]!;
    const family = [...families.keys()].find((f) => name === f || (families.get(f) === 'summary' && (name === `${f}_sum` || name === `${f}_count`)));
    expect(family, `${name} has no TYPE line before it`).toBeDefined();
    const labels: Record<string, string> = {};
    for (const match of (sample![2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) {
      labels[match[1]!] = match[2]!.replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
    }
    const raw = sample![3]!;
    samples.push({ name, labels, value: raw === 'NaN' ? Number.NaN : raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw) });
  }
  return { families, samples };
}

describe('toPrometheus', () => {
  it('prints counters by engine and language, latency quantiles per stage and cache totals by kind', () => {
    const events = [
      requested('a', 'python'),
      served('a', { engine: 'openai-http', language: 'python', latency: { prompt: 4, generate: 30, total: 40 } }),
      feedback('shown', 'a'),
      feedback('accepted', 'a'),
      requested('b', 'python'),
      served('b', { engine: 'openai-http', language: 'python', cache: 'disk', latency: { cache: 2, total: 3 } }),
      feedback('shown', 'b'),
    ];
    const { families, samples } = parseExposition(toPrometheus(computeStats(events)));
    expect(families.get('inline_completions_total')).toBe('counter');
    expect(families.get('inline_completion_latency_ms')).toBe('summary');
    const find = (name: string, labels: Record<string, string>) => samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
    expect(find('inline_completions_total', { engine: 'openai-http', language: 'python' })?.value).toBe(2);
    expect(find('inline_completions_shown_total', { engine: 'openai-http', language: 'python' })?.value).toBe(2);
    expect(find('inline_completions_accepted_total', { engine: 'openai-http', language: 'python' })?.value).toBe(1);
    expect(find('inline_completion_latency_ms', { stage: 'generate', quantile: '0.5' })?.value).toBe(30);
    expect(find('inline_completion_latency_ms', { stage: 'total', quantile: '0.95' })?.value).toBe(40);
    expect(find('inline_completion_latency_ms_count', { stage: 'total' })?.value).toBe(2);
    expect(find('inline_completion_latency_ms', { stage: 'rank', quantile: '0.5' })?.value).toBeNaN();
    expect(find('inline_completion_cache_total', { kind: 'disk' })?.value).toBe(1);
    expect(find('inline_completion_cache_total', { kind: 'miss' })?.value).toBe(1);
    expect(find('inline_completion_total_latency_ms', { cache: 'hit', quantile: '0.5' })?.value).toBe(3);
    expect(find('inline_completion_acceptance_ratio', {})?.value).toBe(0.5);
  });

  it('escapes label values', () => {
    expect(escapeLabelValue('a"b\\c\nd')).toBe('a\\"b\\\\c\\nd');
    const odd = 'we"ird\\lang\nx';
    const { samples } = parseExposition(toPrometheus(computeStats([requested('a', odd)])));
    expect(samples.find((s) => s.name === 'inline_completions_total')?.labels).toEqual({ engine: 'none', language: odd });
  });

  it('prints a valid exposition without events', () => {
    const text = toPrometheus(computeStats([]));
    const { families, samples } = parseExposition(text);
    expect(families.size).toBeGreaterThan(5);
    expect(samples.filter((s) => s.name === 'inline_completions_total')).toEqual([]);
    expect(samples.find((s) => s.name === 'inline_completion_latency_ms_count')?.value).toBe(0);
  });
});
