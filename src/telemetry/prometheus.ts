/**
 * Completion stats in the Prometheus text exposition format (version 0.0.4), so that a
 * node_exporter textfile collector or a scrape of a file can chart them. Counters cover the
 * reporting window chosen with `--since`, not the life of a process.
 */
import { CACHE_KINDS, LATENCY_STAGES, type CompletionStats, type CrossGroupStats, type LatencySummary, type OutcomeCounts } from './stats.js';

type Labels = Record<string, string>;

interface Family {
  name: string;
  help: string;
  type: 'counter' | 'gauge' | 'summary';
  samples: { suffix?: string; labels: Labels; value: number }[];
}

/** Label values escape backslash, double quote and line feed. */
export function escapeLabelValue(value: string): string {
  return value.replace(/\\/g, '\\\\').replace(/"/g, '\\"').replace(/\n/g, '\\n');
}

/** HELP text escapes backslash and line feed. */
function escapeHelp(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\n/g, '\\n');
}

function formatValue(value: number): string {
  if (Number.isNaN(value)) return 'NaN';
  if (value === Number.POSITIVE_INFINITY) return '+Inf';
  if (value === Number.NEGATIVE_INFINITY) return '-Inf';
  return String(value);
}

function formatLabels(labels: Labels): string {
  const entries = Object.entries(labels);
  if (entries.length === 0) return '';
  return `{${entries.map(([name, value]) => `${name}="${escapeLabelValue(value)}"`).join(',')}}`;
}

function render(families: Family[]): string {
  const lines: string[] = [];
  for (const family of families) {
    lines.push(`# HELP ${family.name} ${escapeHelp(family.help)}`, `# TYPE ${family.name} ${family.type}`);
    for (const sample of family.samples) lines.push(`${family.name}${sample.suffix ?? ''}${formatLabels(sample.labels)} ${formatValue(sample.value)}`);
  }
  return `${lines.join('\n')}\n`;
}

function outcomeCounter(name: string, help: string, breakdown: CrossGroupStats[], count: keyof OutcomeCounts): Family {
  return {
    name,
    help,
    type: 'counter',
    samples: breakdown.filter((entry) => entry[count] > 0).map((entry) => ({ labels: { engine: entry.engine, language: entry.language }, value: entry[count] })),
  };
}

function reasonCounter(name: string, help: string, byReason: Record<string, number>): Family {
  return { name, help, type: 'counter', samples: Object.entries(byReason).map(([reason, value]) => ({ labels: { reason }, value })) };
}

/** Quantiles without samples are NaN, as Prometheus client libraries report an empty summary. */
function summarySamples(labels: Labels, summary: LatencySummary): Family['samples'] {
  return [
    { labels: { ...labels, quantile: '0.5' }, value: summary.p50 ?? Number.NaN },
    { labels: { ...labels, quantile: '0.95' }, value: summary.p95 ?? Number.NaN },
    { suffix: '_sum', labels, value: summary.sum },
    { suffix: '_count', labels, value: summary.count },
  ];
}

export function toPrometheus(stats: CompletionStats): string {
  const { breakdown } = stats;
  const families: Family[] = [
    outcomeCounter('inline_completions_total', 'Completion requests, by the engine that served them ("none": never served) and language.', breakdown, 'requests'),
    outcomeCounter('inline_completions_served_total', 'Completion results returned, skipped ones included.', breakdown, 'served'),
    outcomeCounter('inline_completions_shown_total', 'Suggestions visible for at least 750 ms, or accepted.', breakdown, 'shown'),
    outcomeCounter('inline_completions_accepted_total', 'Suggestions accepted in full.', breakdown, 'accepted'),
    outcomeCounter('inline_completions_partially_accepted_total', 'Suggestions accepted only in part.', breakdown, 'partiallyAccepted'),
    outcomeCounter('inline_completions_rejected_total', 'Suggestions dismissed.', breakdown, 'rejected'),
    reasonCounter('inline_completions_skipped_total', 'Completion requests skipped before generation, by reason.', stats.skipped.byReason),
    reasonCounter('inline_completions_fallback_total', 'Completions the local engine answered because the configured engine could not, by reason.', stats.fallbacks.byReason),
    {
      name: 'inline_completion_cache_total',
      help: 'Completions that were not skipped, by the cache layer that answered ("miss": generated).',
      type: 'counter',
      samples: Object.entries(stats.cache.byKind)
        .filter(([kind, { count }]) => count > 0 || (CACHE_KINDS as readonly string[]).includes(kind))
        .map(([kind, { count }]) => ({ labels: { kind }, value: count })),
    },
    {
      name: 'inline_completion_latency_ms',
      help: 'Completion latency per pipeline stage in milliseconds (completions that were not skipped).',
      type: 'summary',
      samples: LATENCY_STAGES.flatMap((stage) => summarySamples({ stage }, stats.latency[stage])),
    },
    {
      name: 'inline_completion_total_latency_ms',
      help: 'Total completion latency in milliseconds, answered from a cache ("hit") or generated ("miss").',
      type: 'summary',
      samples: (['hit', 'miss'] as const).flatMap((cache) => summarySamples({ cache }, stats.totalLatencyByCache[cache])),
    },
    {
      name: 'inline_completion_acceptance_ratio',
      help: 'Suggestions accepted in full divided by suggestions shown.',
      type: 'gauge',
      samples: stats.acceptanceRate === null ? [] : [{ labels: {}, value: stats.acceptanceRate }],
    },
  ];
  return render(families);
}
