/** The local JSONL event log: recording, reading back, rotation, the off switch, and concurrent writers. */
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { readEvents, telemetryDir, TelemetryLog, type TelemetryEvent } from '../../src/telemetry/events.js';

const REPO_ROOT = fileURLToPath(new URL('../..', import.meta.url));
const EVENTS_MODULE = pathToFileURL(path.join(REPO_ROOT, 'src/telemetry/events.ts')).href;

let root: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'inline-telemetry-'));
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

async function readAll(options?: Parameters<typeof readEvents>[1]): Promise<TelemetryEvent[]> {
  const events: TelemetryEvent[] = [];
  for await (const event of readEvents(root, options)) events.push(event);
  return events;
}

function logFiles(): string[] {
  return fs.readdirSync(telemetryDir(root)).sort();
}

/** Every line of every log file, checking each file ends on a line boundary. */
function rawLines(): string[] {
  return logFiles().flatMap((name) => {
    const text = fs.readFileSync(path.join(telemetryDir(root), name), 'utf8');
    expect(text.endsWith('\n'), `${name} ends mid-line`).toBe(true);
    return text.slice(0, -1).split('\n');
  });
}

describe('TelemetryLog', () => {
  it('records events and reads them back in order', async () => {
    const log = TelemetryLog.open(root, { env: {} });
    expect(log.enabled).toBe(true);
    log.record('completion.requested', { language: 'python', ms: 12 });
    log.record('completion.shown', { language: 'python', type: 'forged', at: 'yesterday' });
    log.record('cache.hit', {});
    // Recording is buffered: nothing is on disk until the flush.
    expect(fs.existsSync(path.join(root, '.inline'))).toBe(false);
    await log.flush();
    const events = await readAll();
    expect(events.map((e) => e.type)).toEqual(['completion.requested', 'completion.shown', 'cache.hit']);
    expect(events[0]).toMatchObject({ language: 'python', ms: 12 });
    for (const event of events) expect(new Date(event.at).toISOString()).toBe(event.at);
    expect(logFiles()).toEqual(['events.jsonl']);
    expect(rawLines()[0]).toMatch(/^\{"type":"completion.requested","at":"[^"]+","language":"python","ms":12\}$/);
    expect(fs.statSync(path.join(telemetryDir(root), 'events.jsonl')).mode & 0o777).toBe(0o600);
  });

  it('filters by time and type', async () => {
    fs.mkdirSync(telemetryDir(root), { recursive: true });
    const lines = [
      { type: 'completion.shown', at: '2025-01-01T00:00:00.000Z', n: 1 },
      { type: 'completion.accepted', at: '2025-01-05T00:00:00.000Z', n: 2 },
      { type: 'completion.shown', at: '2025-01-09T00:00:00.000Z', n: 3 },
      { type: 'chat.turn', at: '2025-01-10T00:00:00.000Z', n: 4 },
    ];
    fs.writeFileSync(path.join(telemetryDir(root), 'events.jsonl'), lines.map((l) => JSON.stringify(l) + '\n').join(''));
    const numbers = (events: TelemetryEvent[]) => events.map((e) => e.n);
    expect(numbers(await readAll({ since: new Date('2025-01-05T00:00:00.000Z') }))).toEqual([2, 3, 4]);
    expect(numbers(await readAll({ types: ['completion.shown', 'chat.turn'] }))).toEqual([1, 3, 4]);
    expect(numbers(await readAll({ since: new Date('2025-01-06'), types: ['completion.shown'] }))).toEqual([3]);
    await expect(readAll({ since: new Date('not a date') })).rejects.toThrow(/"since" is not a valid date/);
  });

  it('reads nothing, without error, when no log exists', async () => {
    expect(await readAll()).toEqual([]);
  });

  it('skips corrupt and partial lines', async () => {
    fs.mkdirSync(telemetryDir(root), { recursive: true });
    const good = (n: number) => JSON.stringify({ type: 'ok', at: '2025-02-01T00:00:00.000Z', n });
    const text = [
      good(1),
      'not json at all',
      '{"type":"cut","at":"2025-02-01T00:0',
      '["an","array"]',
      '{"at":"2025-02-01T00:00:00.000Z"}',
      '{"type":"bad-time","at":"soon"}',
      '',
      good(2),
      '{"type":"partial at the end"',
    ].join('\n');
    fs.writeFileSync(path.join(telemetryDir(root), 'events.jsonl'), text);
    expect((await readAll()).map((e) => e.n)).toEqual([1, 2]);
  });

  it('rotates past maxFileBytes, keeps maxFiles rotated files and reads across them oldest first', async () => {
    const log = TelemetryLog.open(root, { env: {}, maxFileBytes: 400, maxFiles: 3 });
    for (let seq = 0; seq < 60; seq++) {
      log.record('tick', { seq });
      if (seq % 4 === 3) await log.flush();
    }
    await log.flush();
    const files = logFiles();
    expect(files.at(-1)).toBe('events.jsonl');
    expect(files.slice(0, -1)).toHaveLength(3);
    for (const name of files.slice(0, -1)) expect(name).toMatch(/^events-\d{8}T\d{9}Z-\d+-\d{6}\.jsonl$/);
    for (const name of files) expect(fs.statSync(path.join(telemetryDir(root), name)).size).toBeLessThanOrEqual(400);
    // Retention drops whole old files: what is left is the newest events, contiguous and in order.
    const seqs = (await readAll()).map((e) => e.seq as number);
    expect(seqs.at(-1)).toBe(59);
    expect(seqs).toEqual(Array.from({ length: seqs.length }, (_, i) => 60 - seqs.length + i));
    expect(seqs.length).toBeLessThan(60);
  });

  it.each(['off', 'OFF', '0', 'false', ' no '])('records nothing and creates nothing with INLINE_TELEMETRY=%j', async (value) => {
    const log = TelemetryLog.open(root, { env: { INLINE_TELEMETRY: value } });
    expect(log.enabled).toBe(false);
    log.record('completion.requested', { ms: 1 });
    await log.flush();
    expect(fs.readdirSync(root)).toEqual([]);
  });

  it('stays on for other values of INLINE_TELEMETRY', () => {
    expect(TelemetryLog.open(root, { env: { INLINE_TELEMETRY: 'on' } }).enabled).toBe(true);
  });

  it('swallows write failures after a single warning', async () => {
    // A file where the directory should be makes every write fail, like a read-only disk would.
    fs.mkdirSync(path.join(root, '.inline'));
    fs.writeFileSync(telemetryDir(root), 'in the way');
    const warnings: string[] = [];
    const log = TelemetryLog.open(root, { env: {}, warn: (m) => warnings.push(m) });
    for (let i = 0; i < 3; i++) {
      expect(() => log.record('completion.requested', { i })).not.toThrow();
      await expect(log.flush()).resolves.toBeUndefined();
    }
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/^inline: telemetry: could not write to .*telemetry/);
  });

  it('drops events that cannot be serialised without throwing, and keeps the rest', async () => {
    const warnings: string[] = [];
    const log = TelemetryLog.open(root, { env: {}, warn: (m) => warnings.push(m) });
    const circular: Record<string, unknown> = {};
    circular.self = circular;
    expect(() => log.record('bad.bigint', { n: 10n })).not.toThrow();
    expect(() => log.record('bad.circular', circular)).not.toThrow();
    expect(() => log.record('bad.huge', { text: 'x'.repeat(100_000) })).not.toThrow();
    log.record('good', { n: 1 });
    await log.flush();
    expect((await readAll()).map((e) => e.type)).toEqual(['good']);
    expect(warnings).toHaveLength(1);
  });

  it('rejects unusable limits with a clear message', () => {
    expect(() => TelemetryLog.open(root, { maxFileBytes: 0 })).toThrow(/maxFileBytes must be a whole number of bytes ≥ 1 \(got 0\)/);
    expect(() => TelemetryLog.open(root, { maxFiles: -1 })).toThrow(/maxFiles must be a whole number ≥ 0/);
  });
});

describe('TelemetryLog with two processes writing at once', () => {
  /** A child process that records `count` events once told to go, flushing every few events. */
  function startWriter(writer: string, count: number) {
    const script = `
      const { TelemetryLog } = await import(${JSON.stringify(EVENTS_MODULE)});
      const log = TelemetryLog.open(${JSON.stringify(root)}, { env: {}, maxFileBytes: 2048, maxFiles: 100000 });
      process.stdout.write('ready\\n');
      await new Promise((resolve) => process.stdin.once('data', resolve));
      for (let seq = 0; seq < ${count}; seq++) {
        log.record('writer.tick', { writer: ${JSON.stringify(writer)}, seq, padding: 'x'.repeat(seq % 97) });
        if (seq % 3 === 2) await log.flush();
      }
      await log.flush();
      process.exit(0);
    `;
    const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script], {
      cwd: REPO_ROOT,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
    const ready = new Promise<void>((resolve, reject) => {
      child.stdout.once('data', () => resolve());
      child.once('exit', (code) => reject(new Error(`writer ${writer} exited early (${code}): ${stderr}`)));
    });
    const exited = new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`writer ${writer} failed (${code}): ${stderr}`))));
    });
    return { ready, exited, go: () => child.stdin.end('go\n') };
  }

  it('produces only whole lines and loses no event, across rotations', async () => {
    const count = 400;
    const writers = [startWriter('a', count), startWriter('b', count)];
    await Promise.all(writers.map((w) => w.ready));
    for (const w of writers) w.go();
    await Promise.all(writers.map((w) => w.exited));

    expect(logFiles().length).toBeGreaterThan(5);
    const seen = new Map<string, Set<number>>([
      ['a', new Set()],
      ['b', new Set()],
    ]);
    const lines = rawLines();
    for (const line of lines) {
      const event = JSON.parse(line) as TelemetryEvent;
      expect(event.type).toBe('writer.tick');
      expect(event.padding).toBe('x'.repeat((event.seq as number) % 97));
      seen.get(event.writer as string)!.add(event.seq as number);
    }
    expect(lines).toHaveLength(2 * count);
    // The writers really did overlap: their lines alternate in the log rather than forming two runs.
    const switches = lines.filter((line, i) => i > 0 && JSON.parse(line).writer !== JSON.parse(lines[i - 1]!).writer).length;
    expect(switches).toBeGreaterThan(1);
    expect(seen.get('a')!.size).toBe(count);
    expect(seen.get('b')!.size).toBe(count);
    expect((await readAll({ types: ['writer.tick'] })).length).toBe(2 * count);
  }, 30_000);
});
