/**
 * The editor daemon under a replayed typing session: the real `inline watch --stdio` on a
 * 2,000-file repository (Python standard library files, indexed first), driven by vscode-jsonrpc.
 * With an instant model server (answers at once), it measures keystroke-to-push latency (debounce
 * included: the push is meant to wait until typing settles), backend requests per keystroke (the
 * effect of debounce and cancellation), and the daemon's resident memory. Then the same with the
 * default local engine, whose statistics of the repository live in the daemon.
 */
import { spawnSync } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { BIN } from '../test/support/cli.js';
import { startFakeBackend } from '../test/support/fake-backend.js';
import { startDaemon, stdioClient, waitFor } from '../test/support/watch-client.js';
import { pythonStdlibFiles, pythonStdlibRoot, seededRandom } from './corpus/python-stdlib.js';
import { printTable } from './harness.js';

const stdlib = pythonStdlibRoot();
if (!stdlib) {
  console.log('watch bench: python3 standard library not found; skipped');
  process.exit(0);
}
const FILES = 2000;
/** The daemon trims after 6 and 12 s quiet, and V8 hands the freed pages back over the next seconds. */
const QUIET_WAIT_MS = 18_000;
const KEYSTROKES = 500;
const base = mkdtempSync(join(tmpdir(), 'inline-watch-bench-'));
const root = join(base, 'repo');
for (const file of pythonStdlibFiles(stdlib).filter((f) => !f.startsWith('test/')).slice(0, FILES)) {
  mkdirSync(dirname(join(root, file)), { recursive: true });
  copyFileSync(join(stdlib, file), join(root, file));
}
spawnSync('git', ['init', '-q'], { cwd: root });
const env = { PATH: process.env.PATH ?? '/usr/bin:/bin', HOME: base, XDG_CONFIG_HOME: join(base, 'config'), NO_COLOR: '1', INLINE_TELEMETRY: 'off' };
const indexed = spawnSync(process.execPath, [BIN, 'index'], { cwd: root, env, encoding: 'utf8' });
if (indexed.status !== 0) throw new Error(`inline index failed: ${indexed.stderr}`);

/** What a person types: a small function, with word pauses. */
const BODY = `def summarize(records, limit=10):
    totals = {}
    for record in records:
        key = record.get("name", "unknown")
        totals[key] = totals.get(key, 0) + record.get("count", 0)
    ranked = sorted(totals.items(), key=lambda item: item[1], reverse=True)
    return ranked[:limit]
`.repeat(3).slice(0, KEYSTROKES);

function rssMb(pid: number): { rss: number; peak: number } {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8');
  const field = (name: string) => Number(new RegExp(`${name}:\\s+(\\d+) kB`).exec(status)?.[1] ?? 0) / 1024;
  return { rss: field('VmRSS'), peak: field('VmHWM') };
}

async function session(label: string, args: string[]) {
  const daemon = startDaemon(['--stdio', ...args], { cwd: root, env });
  const connection = stdioClient(daemon);
  const pushedAt = new Map<number, number>();
  connection.onNotification('inline/suggestion', (p: { version: number }) => void pushedAt.set(p.version, performance.now()));
  await connection.sendRequest('initialize', { processId: process.pid, capabilities: {} });
  await connection.sendNotification('initialized', {});
  await waitFor(() => daemon.stderr().includes('following changes on disk'), 'the daemon to start', 60_000);
  // What the daemon holds once built and left alone (it gives spare heap back after 6 s quiet).
  await waitFor(() => daemon.stderr().includes('warmed up in'), 'the daemon to warm up', 120_000);
  const built = rssMb(daemon.child.pid!);
  await new Promise((r) => setTimeout(r, QUIET_WAIT_MS));
  const builtIdle = rssMb(daemon.child.pid!);
  const uri = `file://${join(root, 'summary.py')}`;
  await connection.sendNotification('textDocument/didOpen', { textDocument: { uri, languageId: 'python', version: 1, text: '' } });
  const random = seededRandom(5);
  const typedAt = new Map<number, number>();
  let line = 0;
  let character = 0;
  let version = 1;
  for (const char of BODY) {
    version++;
    typedAt.set(version, performance.now());
    await connection.sendNotification('textDocument/didChange', {
      textDocument: { uri, version },
      contentChanges: [{ range: { start: { line, character }, end: { line, character } }, text: char }],
    });
    if (char === '\n') {
      line++;
      character = 0;
    } else character++;
    // 40-160 ms between keys, longer after a word or a line: a fast typist's rhythm.
    const pause = 40 + random() * 120 + (char === ' ' || char === '\n' ? random() * 350 : 0);
    await new Promise((r) => setTimeout(r, pause));
  }
  await new Promise((r) => setTimeout(r, 1000));
  const memory = rssMb(daemon.child.pid!);
  // The daemon gives memory back once it has been quiet for a few seconds (IdleMemoryTrimmer).
  await new Promise((r) => setTimeout(r, QUIET_WAIT_MS));
  const idle = rssMb(daemon.child.pid!);
  const latencies = [...pushedAt].map(([v, at]) => at - typedAt.get(v)!).filter((ms) => ms >= 0);
  connection.dispose();
  await daemon.stop();
  return { label, latencies, pushes: pushedAt.size, memory, idle, built, builtIdle };
}

const backend = await startFakeBackend();
backend.setDefault({ chunks: ['return value'] });
const instant = await session('instant model server', ['--base-url', backend.url, '--fim-model', 'qwen2.5-coder-7b']);
const requests = backend.requests.filter((r) => r.path === '/v1/completions').length;
await backend.close();
const local = await session('local engine (default)', []);

printTable(`keystroke → inline/suggestion push (${KEYSTROKES} keystrokes, ${FILES} files indexed; debounce 75-300 ms included)`, [
  { name: instant.label, samples: instant.latencies, extra: { pushes: String(instant.pushes) } },
  { name: local.label, samples: local.latencies, extra: { pushes: String(local.pushes) } },
]);
console.log(`backend requests: ${requests} for ${KEYSTROKES} keystrokes = ${(requests / KEYSTROKES).toFixed(3)} per keystroke`);
for (const run of [instant, local]) {
  console.log(
    `daemon memory, ${run.label}: RSS once built ${run.built.rss.toFixed(0)} MB, 18 s later ${run.builtIdle.rss.toFixed(0)} MB; ` +
      `1 s after the last keystroke ${run.memory.rss.toFixed(0)} MB, 19 s after it ${run.idle.rss.toFixed(0)} MB; peak ${run.idle.peak.toFixed(0)} MB (goal ≤ 150 MB)`,
  );
}
rmSync(base, { recursive: true, force: true });
