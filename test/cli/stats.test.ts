/** `inline stats` through the real binary, on an event log written into a temporary repository. */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { makeTempRepo, runCli, type TempRepo } from '../support/cli.js';

let repo: TempRepo;
beforeEach(async () => {
  repo = await makeTempRepo();
});
afterEach(() => repo.cleanup());

const run = (args: string[]) => runCli(['stats', ...args], { cwd: repo.root, env: repo.env });

const HOUR = 3_600_000;

/** A day-old python session on openai-http, and a ten-minute-old typescript one on local. */
function writeLog(): void {
  const at = (ago: number) => new Date(Date.now() - ago).toISOString();
  const events = [
    { type: 'completion.requested', at: at(24 * HOUR), id: 'p1', path: 'a.py', language: 'python', trigger: 'automatic', n: 1, multiline: false },
    { type: 'completion.served', at: at(24 * HOUR), id: 'p1', path: 'a.py', language: 'python', engine: 'openai-http', cache: 'miss', items: 1, dropped: 0, latency: { prompt: 3, generate: 90, total: 100 } },
    { type: 'completion.shown', at: at(24 * HOUR), id: 'p1', language: 'python', engine: 'openai-http' },
    { type: 'completion.accepted', at: at(24 * HOUR), id: 'p1', language: 'python', engine: 'openai-http' },
    { type: 'completion.requested', at: at(10 * 60_000), id: 't1', path: 'b.ts', language: 'typescript', trigger: 'automatic', n: 1, multiline: false },
    { type: 'completion.served', at: at(10 * 60_000), id: 't1', path: 'b.ts', language: 'typescript', engine: 'local', cache: 'memory', items: 1, dropped: 0, latency: { cache: 1, total: 2 } },
    { type: 'completion.shown', at: at(10 * 60_000), id: 't1', language: 'typescript', engine: 'local' },
    { type: 'completion.rejected', at: at(10 * 60_000), id: 't1', language: 'typescript', engine: 'local' },
    { type: 'completion.requested', at: at(9 * 60_000), id: 't2', path: 'b.ts', language: 'typescript', trigger: 'automatic', n: 1, multiline: false },
    { type: 'completion.served', at: at(9 * 60_000), id: 't2', path: 'b.ts', language: 'typescript', engine: 'local', cache: 'miss', skipped: 'mid-word', items: 0, dropped: 0, latency: { prefilter: 0.1, total: 0.1 } },
  ];
  repo.write('.inline/telemetry/events.jsonl', `${events.map((e) => JSON.stringify(e)).join('\n')}\n{"broken": \n`);
}

describe('inline stats', () => {
  it('prints acceptance, latency per stage, cache use and the engine and language tables', async () => {
    writeLog();
    const result = await run([]);
    expect(result.exitCode).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/Completions since .* \(7d\)/);
    expect(result.stdout).toMatch(/acceptance\s+50\.0% \(1 accepted of 2 shown\)/);
    expect(result.stdout).toMatch(/cache\s+50\.0% hits \(1 of 2: memory 1\)/);
    expect(result.stdout).toMatch(/generate\s+90\.0\s+90\.0\s+1/);
    expect(result.stdout).toMatch(/Skipped\s+mid-word 1/);
    expect(result.stdout).toMatch(/By engine[\s\S]*local\s+2\s+2\s+1\s+0\s+0\.0%\s+2\.00/);
    expect(result.stdout).toMatch(/By language[\s\S]*python\s+1\s+1\s+1\s+1\s+100\.0%\s+100/);
  });

  it('prints the stats object with --json, and --since narrows the window', async () => {
    writeLog();
    const all = JSON.parse((await run(['--json'])).stdout);
    expect(all).toMatchObject({ requests: 3, shown: 2, accepted: 1, rejected: 1, acceptanceRate: 0.5, skipped: { total: 1, byReason: { 'mid-word': 1 } } });
    expect(all.latency.generate).toMatchObject({ count: 1, p50: 90, p95: 90 });
    const recent = await run(['--since', '30m', '--json']);
    expect(recent.exitCode).toBe(0);
    expect(JSON.parse(recent.stdout)).toMatchObject({ requests: 2, shown: 1, accepted: 0, languages: { typescript: { requests: 2 } } });
    const iso = JSON.parse((await run(['--since', new Date(Date.now() - 2 * HOUR).toISOString().slice(0, 19) + 'Z', '--json'])).stdout);
    expect(iso.requests).toBe(2);
  });

  it('prints the Prometheus exposition with --prometheus', async () => {
    writeLog();
    const result = await run(['--prometheus', '--since', '2w']);
    expect(result.exitCode).toBe(0);
    expect(result.stdout).toContain('# TYPE inline_completions_total counter');
    expect(result.stdout).toContain('inline_completions_total{engine="openai-http",language="python"} 1');
    expect(result.stdout).toContain('inline_completions_accepted_total{engine="openai-http",language="python"} 1');
    expect(result.stdout).toContain('inline_completion_latency_ms{stage="generate",quantile="0.95"} 90');
    expect(result.stdout).toContain('inline_completion_cache_total{kind="memory"} 1');
  });

  it('says so when there are no events, and still prints valid JSON and exposition', async () => {
    const text = await run([]);
    expect(text.exitCode).toBe(0);
    expect(text.stdout).toMatch(/No completion events since/);
    const json = await run(['--json', '--since', 'all']);
    expect(json.exitCode).toBe(0);
    expect(JSON.parse(json.stdout)).toMatchObject({ events: 0, requests: 0, acceptanceRate: null, since: null });
    const prometheus = await run(['--prometheus']);
    expect(prometheus.exitCode).toBe(0);
    expect(prometheus.stdout).toMatch(/^# HELP inline_completions_total /);
  });

  it('exits 2 with a clear message for a bad --since or conflicting formats', async () => {
    for (const since of ['7x', 'yesterday', '0d', '2025-02-30']) {
      const result = await run(['--since', since]);
      expect(result.exitCode, since).toBe(2);
      expect(result.stderr).toMatch(/--since .* is not a period \(30m, 12h, 7d, 2w\), an ISO date/);
    }
    const both = await run(['--json', '--prometheus']);
    expect(both.exitCode).toBe(2);
    expect(both.stderr).toMatch(/choose one of --json and --prometheus/);
  });
});
