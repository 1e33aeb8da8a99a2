/**
 * The local engine on real repositories assembled from this machine: Python (the standard library,
 * tests included, plus pip: over 2,000 files), undici's JavaScript and ajv's
 * TypeScript from node_modules. For each, 10% of the files are held out and the engine is built
 * from the rest. In held-out files, sampled lines are completed from three cursor positions: the
 * start of the line (indentation not typed), after the indentation, and mid-line after one to
 * four tokens. The text after the cursor's line stays in the document; the rest of the line is
 * what must be predicted.
 *
 * Figures: coverage (share of requests with a suggestion), exact match of the top candidate with
 * the rest of the line (over all requests and over answered ones), edit similarity
 * (1 − Levenshtein / longer length; 0 for no answer), latency per request, build time, memory.
 * Baseline, most-frequent continuation: among training lines that follow a line equal (trimmed) to
 * the cursor's previous line and start with the text typed on the cursor's line, the most frequent
 * one; failing that, the most frequent training line starting with the typed text (when something
 * other than whitespace is typed). Goal: latency p95 ≤ 5 ms on the Python corpus.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { LocalEngine } from '../src/engine/engines/local.js';
import { lex } from '../src/engine/engines/local/lexer.js';
import { syntaxForPath } from '../src/engine/engines/local/syntax.js';
import { pythonStdlibFiles, pythonStdlibRoot, seededRandom } from './corpus/python-stdlib.js';
import { percentile, printTable, type Measurement } from './harness.js';

interface File {
  path: string;
  text: string;
}

interface Request {
  kind: 'line start' | 'after indent' | 'mid-line';
  path: string;
  prefix: string;
  suffix: string;
  truth: string;
  previousLine: string;
}

const LINES_PER_REPO = Number(process.env.LOCAL_BENCH_LINES ?? 150);
const HOLD_OUT = 0.1;

function filesUnder(root: string, extensions: string[], exclude: RegExp = /$^/): File[] {
  const found = execFileSync('find', ['.', '-type', 'f'], { cwd: root, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 })
    .split('\n')
    .map((p) => p.replace(/^\.\//, ''))
    .filter((p) => extensions.some((e) => p.endsWith(e)) && !p.endsWith('.d.ts') && !exclude.test(p) && !p.includes('__pycache__'))
    .sort();
  return found.map((path) => ({ path, text: readFileSync(join(root, path), 'utf8') })).filter((f) => f.text.length < 1024 * 1024);
}

function repositories(): Array<{ name: string; files: File[] }> {
  const out: Array<{ name: string; files: File[] }> = [];
  const stdlib = pythonStdlibRoot();
  if (stdlib) {
    const files = pythonStdlibFiles(stdlib, true).map((path) => ({ path, text: readFileSync(join(stdlib, path), 'utf8') }));
    out.push({ name: 'python (stdlib + pip)', files });
  }
  const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
  if (existsSync(join(modules, 'undici/lib'))) out.push({ name: 'undici (JavaScript)', files: filesUnder(join(modules, 'undici/lib'), ['.js']) });
  if (existsSync(join(modules, 'ajv/lib'))) out.push({ name: 'ajv (TypeScript)', files: filesUnder(join(modules, 'ajv/lib'), ['.ts']) });
  return out;
}

function split(files: File[], seed: number): { train: File[]; test: File[] } {
  const random = seededRandom(seed);
  const shuffled = files.map((file) => ({ file, key: random() })).sort((a, b) => a.key - b.key).map((e) => e.file);
  const held = Math.max(5, Math.round(files.length * HOLD_OUT));
  return { test: shuffled.slice(0, held), train: shuffled.slice(held) };
}

function sampleRequests(test: File[], count: number, seed: number): Request[] {
  const random = seededRandom(seed);
  const requests: Request[] = [];
  for (let attempts = 0; requests.length < count * 3 && attempts < count * 20; attempts++) {
    const file = test[Math.floor(random() * test.length)]!;
    const lines = lex(file.text, syntaxForPath(file.path).syntax).lines;
    const line = lines[Math.floor(random() * lines.length)];
    if (!line || line.lexemes.length === 0) continue;
    const lineEnd = file.text.indexOf('\n', line.start) === -1 ? file.text.length : file.text.indexOf('\n', line.start);
    // Lines that continue a multi-line string or comment start mid-token; skip them.
    if (line.lexemes[0]!.start !== line.start + line.indent.length) continue;
    const previousEnd = file.text.lastIndexOf('\n', line.start - 1);
    const previousLine = file.text.slice(file.text.lastIndexOf('\n', previousEnd - 1) + 1, Math.max(0, previousEnd)).trim();
    const at = (cursor: number, kind: Request['kind']): Request => ({
      kind,
      path: file.path,
      prefix: file.text.slice(0, cursor),
      suffix: file.text.slice(lineEnd),
      truth: file.text.slice(cursor, lineEnd).trimEnd(),
      previousLine,
    });
    requests.push(at(line.start, 'line start'), at(line.start + line.indent.length, 'after indent'));
    if (line.lexemes.length >= 2) {
      const cut = line.lexemes[1 + Math.floor(random() * Math.min(4, line.lexemes.length - 1)) - 1]!;
      requests.push(at(cut.start + cut.text.length, 'mid-line'));
    }
  }
  return requests;
}

/** The most-frequent-continuation baseline described at the top. */
class FrequentLines {
  private readonly after = new Map<string, Map<string, number>>();
  private readonly sorted: Array<[string, number]>;

  constructor(files: File[]) {
    const all = new Map<string, number>();
    for (const file of files) {
      let previous = '';
      for (const raw of file.text.split('\n')) {
        const line = raw.trimEnd();
        if (line.trim() === '') continue;
        const followers = this.after.get(previous) ?? new Map<string, number>();
        followers.set(line, (followers.get(line) ?? 0) + 1);
        this.after.set(previous, followers);
        all.set(line, (all.get(line) ?? 0) + 1);
        previous = line.trim();
      }
    }
    this.sorted = [...all].sort((a, b) => (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0));
  }

  suggest(request: Request): string {
    const typed = request.prefix.slice(request.prefix.lastIndexOf('\n') + 1);
    let best: [string, number] | undefined;
    for (const entry of this.after.get(request.previousLine) ?? []) if (entry[0].startsWith(typed) && (!best || entry[1] > best[1])) best = entry;
    if (!best && typed.trim() !== '') {
      let low = 0;
      let high = this.sorted.length;
      while (low < high) {
        const mid = (low + high) >> 1;
        if (this.sorted[mid]![0] < typed) low = mid + 1;
        else high = mid;
      }
      for (let i = low; i < this.sorted.length && this.sorted[i]![0].startsWith(typed); i++) if (!best || this.sorted[i]![1] > best[1]) best = this.sorted[i];
    }
    return best ? best[0].slice(typed.length) : '';
  }
}

function editSimilarity(a: string, b: string): number {
  if (a === b) return 1;
  const longer = Math.max(a.length, b.length);
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) current[j] = Math.min(previous[j]! + 1, current[j - 1]! + 1, previous[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    previous = current;
  }
  return 1 - previous[b.length]! / longer;
}

interface Score {
  answered: number;
  exact: number;
  /** Answers that are a prefix of the truth: acceptable as they are, the rest typed on. */
  prefix: number;
  similarity: number;
  total: number;
}

const EMPTY_SCORE: Score = { answered: 0, exact: 0, prefix: 0, similarity: 0, total: 0 };

function score(scores: Map<string, Score>, kind: string, suggestion: string, truth: string): void {
  const entry = scores.get(kind) ?? { ...EMPTY_SCORE };
  entry.total++;
  if (suggestion !== '') {
    entry.answered++;
    if (suggestion.trimEnd() === truth) entry.exact++;
    if (truth.startsWith(suggestion.trimEnd())) entry.prefix++;
    entry.similarity += editSimilarity(suggestion.trimEnd(), truth);
  }
  scores.set(kind, entry);
}

const pct = (x: number) => `${(100 * x).toFixed(1)}%`;

function qualityRows(label: string, scores: Map<string, Score>): Measurement[] {
  const kinds = [...scores.keys()];
  const overall = kinds.reduce((sum, k) => {
    const s = scores.get(k)!;
    return { answered: sum.answered + s.answered, exact: sum.exact + s.exact, prefix: sum.prefix + s.prefix, similarity: sum.similarity + s.similarity, total: sum.total + s.total };
  }, { ...EMPTY_SCORE });
  return [...kinds.map((k) => [k, scores.get(k)!] as const), ['all', overall] as const].map(([kind, s]) => ({
    name: `${label} · ${kind}`,
    samples: [],
    extra: {
      requests: String(s.total),
      coverage: pct(s.answered / s.total),
      'exact (all)': pct(s.exact / s.total),
      'exact (answered)': s.answered ? pct(s.exact / s.answered) : '-',
      'prefix ok (answered)': s.answered ? pct(s.prefix / s.answered) : '-',
      'edit sim (all)': (s.similarity / s.total).toFixed(3),
      'edit sim (answered)': s.answered ? (s.similarity / s.answered).toFixed(3) : '-',
    },
  }));
}

function printQuality(title: string, rows: Measurement[]): void {
  const columns = ['name', ...Object.keys(rows[0]!.extra!)];
  const cells = rows.map((r) => [r.name, ...Object.values(r.extra!)]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (values: string[]) => values.map((v, i) => (i === 0 ? v.padEnd(widths[i]!) : v.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

const only = process.env.LOCAL_BENCH_REPO;
for (const [index, repo] of repositories().entries()) {
  if (only && !repo.name.startsWith(only)) continue;
  const { train, test } = split(repo.files, 101 + index);
  const requests = sampleRequests(test, LINES_PER_REPO, 202 + index);
  const memoryBefore = process.memoryUsage();
  const started = performance.now();
  const engine = LocalEngine.fromFiles(train);
  const buildMs = performance.now() - started;
  const memoryAfter = process.memoryUsage();
  const stats = engine.stats();
  const baseline = new FrequentLines(train);

  const ours = new Map<string, Score>();
  const theirs = new Map<string, Score>();
  const latencies: number[] = [];
  const cpuTimes: number[] = [];
  const asRequest = (request: Request) => ({ prompt: request.prefix, suffix: request.suffix, stop: ['\n'], maxTokens: 64, temperature: 0, n: 1, cursor: { path: request.path, prefix: request.prefix, suffix: request.suffix } });
  // Warm the JIT up on requests that are not measured.
  for (const request of sampleRequests(test, 10, 303 + index)) engine.suggest(asRequest(request));
  for (const request of requests) {
    const completion = asRequest(request);
    const cpu = process.cpuUsage();
    const begin = performance.now();
    const top = engine.suggest(completion)[0]?.text ?? '';
    latencies.push(performance.now() - begin);
    const used = process.cpuUsage(cpu);
    cpuTimes.push((used.user + used.system) / 1000);
    score(ours, request.kind, top, request.truth);
    score(theirs, request.kind, baseline.suggest(request), request.truth);
  }
  // One-file updates, as an editor's save would send them: a large file (90th percentile) with a function appended.
  const edited = [...train].sort((a, b) => a.text.length - b.text.length)[Math.floor(train.length * 0.9)]!;
  const updates: number[] = [];
  for (let i = 0; i < 10; i++) {
    const begin = performance.now();
    engine.update(edited.path, `${edited.text}\n\ndef added_helper_${i}(value):\n    return value * ${i}\n`);
    updates.push(performance.now() - begin);
  }
  const sorted = [...latencies].sort((a, b) => a - b);
  const mb = (bytes: number) => `${(bytes / 1024 / 1024).toFixed(0)} MB`;
  console.log(`\n=== ${repo.name}: ${train.length} training files (${mb(stats.bytes)} of source, ${stats.tokens.toLocaleString()} tokens), ${test.length} held out, ${requests.length} requests`);
  console.log(
    `build ${(buildMs / 1000).toFixed(2)} s · statistics ≈ ${mb(stats.memoryBytes)} · heap+buffers grew ${mb(memoryAfter.heapUsed + memoryAfter.arrayBuffers - memoryBefore.heapUsed - memoryBefore.arrayBuffers)} · ` +
      `latency p50 ${percentile(sorted, 50).toFixed(2)} ms, p95 ${percentile(sorted, 95).toFixed(2)} ms, max ${sorted.at(-1)!.toFixed(1)} ms`,
  );
  printQuality(`${repo.name}: quality of the top candidate (rest of line)`, [...qualityRows('local', ours), ...qualityRows('baseline', theirs)]);
  printTable(`${repo.name}: latency (wall clock, and CPU time, which other load on the machine disturbs less)`, [
    { name: 'suggest (wall)', samples: latencies },
    { name: 'suggest (cpu)', samples: cpuTimes },
    { name: `update one file (${(edited.text.length / 1024).toFixed(0)} KB)`, samples: updates },
  ]);
}
