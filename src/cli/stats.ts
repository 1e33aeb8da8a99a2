/** `inline stats`: completion figures from the local telemetry log, as a table, JSON or Prometheus text. */
import { readEvents, telemetryDisabled } from '../telemetry/events.js';
import { toPrometheus } from '../telemetry/prometheus.js';
import { COMPLETION_EVENT_TYPES, LATENCY_STAGES, StatsAccumulator, type CompletionStats, type GroupStats, type LatencySummary } from '../telemetry/stats.js';
import type { CommandContext } from './command-context.js';
import type { Style } from './style.js';
import { UsageError } from './usage-error.js';

interface StatsCommandOptions {
  since?: string;
  prometheus?: boolean;
}

const UNIT_MS: Record<string, number> = { m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/**
 * `30m`, `12h`, `7d`, `2w` (before `now`), an ISO date or date-time, or `all`. Returns undefined
 * for `all`.
 */
export function parseSince(value: string, now: number): Date | undefined {
  const text = value.trim();
  if (text === 'all') return undefined;
  const relative = /^(\d+)([mhdw])$/.exec(text);
  if (relative) {
    const amount = Number(relative[1]);
    const date = new Date(now - amount * UNIT_MS[relative[2]!]!);
    if (amount > 0 && !Number.isNaN(date.getTime())) return date;
  }
  const iso = ISO_DATE.exec(text);
  if (iso && validCalendar(iso)) {
    const date = new Date(text.replace(' ', 'T'));
    if (!Number.isNaN(date.getTime())) return date;
  }
  throw new UsageError(`--since "${value}" is not a period (30m, 12h, 7d, 2w), an ISO date (2025-06-01, 2025-06-01T09:30Z) or "all"`);
}

/** Date.parse accepts 2025-02-30 as 2 March; a typo should be an error instead. */
function validCalendar(match: RegExpExecArray): boolean {
  const [year, month, day, hour = 0, minute = 0, second = 0] = match.slice(1).map((part) => (part === undefined ? undefined : Number(part)));
  const probe = new Date(Date.UTC(year!, month! - 1, day!));
  return probe.getUTCMonth() === month! - 1 && probe.getUTCDate() === day && hour! < 24 && minute! < 60 && second! < 60;
}

export async function run(context: CommandContext, _args: string[], options: Record<string, unknown>): Promise<number> {
  const opts = options as StatsCommandOptions;
  if (opts.prometheus && context.options.json) throw new UsageError('choose one of --json and --prometheus');
  const sinceText = opts.since ?? '7d';
  const since = parseSince(sinceText, Date.now());
  const { root } = context.root();
  const accumulator = new StatsAccumulator({ since });
  for await (const event of readEvents(root, { since, types: COMPLETION_EVENT_TYPES })) accumulator.add(event);
  const stats = accumulator.result();
  if (opts.prometheus) context.output.out(toPrometheus(stats));
  else if (context.options.json) context.output.json(stats);
  else context.output.out(renderText(stats, sinceText, context.output.style, telemetryDisabled(context.env)));
  return 0;
}

function renderText(stats: CompletionStats, sinceText: string, s: Style, disabled: boolean): string {
  const period = stats.since === null ? 'all recorded time' : `since ${formatTime(stats.since)} (${sinceText})`;
  if (stats.events === 0) {
    const lines = [`No completion events ${period === 'all recorded time' ? 'recorded' : period}.`];
    lines.push(
      disabled
        ? s.dim('Telemetry is off (INLINE_TELEMETRY); unset it to record events.')
        : s.dim('Events are recorded in .inline/telemetry/ when completions are served (inline complete, inline watch).'),
    );
    return lines.join('\n');
  }
  const lines = [
    `${s.bold('Completions')} ${period}  ${s.dim(`${stats.events} events, ${formatTime(stats.firstEventAt!)} to ${formatTime(stats.lastEventAt!)}`)}`,
    '',
    ...summaryLines(stats, s),
    '',
    ...latencyTable(stats, s),
  ];
  if (stats.skipped.total > 0) lines.push('', `${s.bold('Skipped')}    ${reasons(stats.skipped.byReason)}`);
  if (stats.fallbacks.total > 0) lines.push(`${s.bold('Fallbacks')}  ${reasons(stats.fallbacks.byReason)}`);
  lines.push('', ...groupTable('By engine', stats.engines, s), '', ...groupTable('By language', stats.languages, s));
  return lines.join('\n');
}

function summaryLines(stats: CompletionStats, s: Style): string[] {
  const acceptance =
    stats.shown === 0
      ? s.dim('nothing shown yet')
      : `${s.bold(percent(stats.acceptanceRate))} ${s.dim(`(${stats.accepted} accepted of ${stats.shown} shown)`)}; ` +
        `${stats.partiallyAccepted} partially accepted (${percent(stats.partialAcceptanceRate)}), ${stats.rejected} rejected`;
  const kinds = Object.entries(stats.cache.byKind)
    .filter(([kind, { count }]) => kind !== 'miss' && count > 0)
    .map(([kind, { count }]) => `${kind} ${count}`);
  const cache =
    stats.cache.lookups === 0
      ? s.dim('no completions looked up')
      : `${s.bold(percent(stats.cache.hitRate))} hits ${s.dim(`(${stats.cache.hits} of ${stats.cache.lookups}${kinds.length > 0 ? `: ${kinds.join(', ')}` : ''})`)}`;
  return [
    `  ${'requests'.padEnd(11)} ${stats.requests}, ${stats.served} served (${stats.skipped.total} skipped, ${stats.fallbacks.total} by fallback)`,
    `  ${'acceptance'.padEnd(11)} ${acceptance}`,
    `  ${'cache'.padEnd(11)} ${cache}`,
  ];
}

function latencyTable(stats: CompletionStats, s: Style): string[] {
  const rows: [string, LatencySummary][] = LATENCY_STAGES.filter((stage) => stats.latency[stage].count > 0).map((stage) => [stage, stats.latency[stage]]);
  if (stats.totalLatencyByCache.hit.count > 0) rows.push(['total, cache hit', stats.totalLatencyByCache.hit]);
  if (stats.totalLatencyByCache.miss.count > 0) rows.push(['total, generated', stats.totalLatencyByCache.miss]);
  if (rows.length === 0) return [`${s.bold('Latency')}  ${s.dim('no timed completions')}`];
  return table(
    s,
    `${s.bold('Latency (ms)')}`,
    ['stage', 'p50', 'p95', 'count'],
    rows.map(([name, summary]) => [name, formatMs(summary.p50), formatMs(summary.p95), String(summary.count)]),
  );
}

function groupTable(title: string, groups: Record<string, GroupStats>, s: Style): string[] {
  const entries = Object.entries(groups).sort((a, b) => b[1].requests - a[1].requests || b[1].served - a[1].served || a[0].localeCompare(b[0]));
  return table(
    s,
    s.bold(title),
    ['', 'requests', 'served', 'shown', 'accepted', 'rate', 'p50 ms'],
    entries.map(([name, g]) => [name, String(g.requests), String(g.served), String(g.shown), String(g.accepted), percent(g.acceptanceRate), formatMs(g.latencyP50Ms)]),
  );
}

/** First column left-aligned, the figures right-aligned. */
function table(s: Style, title: string, header: string[], rows: string[][]): string[] {
  const widths = header.map((cell, i) => Math.max(cell.length, ...rows.map((row) => row[i]!.length)));
  const line = (cells: string[]) => `  ${cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ')}`.trimEnd();
  return [title, s.dim(line(header)), ...rows.map(line)];
}

function reasons(byReason: Record<string, number>): string {
  return Object.entries(byReason)
    .map(([reason, count]) => `${reason} ${count}`)
    .join(', ');
}

function percent(rate: number | null): string {
  return rate === null ? '-' : `${(rate * 100).toFixed(1)}%`;
}

function formatMs(ms: number | null): string {
  if (ms === null) return '-';
  return ms >= 100 ? ms.toFixed(0) : ms >= 10 ? ms.toFixed(1) : ms.toFixed(2);
}

/** Local time to the minute: readable, and precise enough for a reporting window. */
function formatTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${date.getFullYear()}-${pad(date.getMonth() + 1)}-${pad(date.getDate())} ${pad(date.getHours())}:${pad(date.getMinutes())}`;
}
