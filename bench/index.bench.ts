/**
 * The code index on 100k+ lines of real code assembled from this machine (the Python standard
 * library without its tests, plus the JavaScript of undici and commander from node_modules):
 * cold build, one-file incremental update, hybrid search latency, memory.
 * Goals: cold ≤ 30 s, one-file update ≤ 100 ms, search p95 ≤ 20 ms.
 */
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CodeIndex } from '../src/index/code-index.js';
import { HashingEmbedder } from '../src/index/embed/hashing.js';
import { pythonStdlibFiles, pythonStdlibRoot, seededRandom } from './corpus/python-stdlib.js';
import { printTable, type Measurement } from './harness.js';

const stdlib = pythonStdlibRoot();
if (!stdlib) {
  console.log('index bench: python3 standard library not found; skipped');
  process.exit(0);
}
const corpus = mkdtempSync(join(tmpdir(), 'inline-index-bench-'));
const SKIP = /^(test|tests|idlelib|lib2to3|tkinter|turtledemo|ensurepip|site-packages)\//;
let lines = 0;
for (const file of pythonStdlibFiles(stdlib).filter((f) => !SKIP.test(f) && !f.includes('/test'))) {
  const text = readFileSync(join(stdlib, file), 'utf8');
  lines += text.split('\n').length;
  cpSync(join(stdlib, file), join(corpus, 'cpython', file));
}
for (const pkg of ['undici/lib', 'commander/lib']) {
  const from = fileURLToPath(new URL(`../node_modules/${pkg}`, import.meta.url));
  cpSync(from, join(corpus, 'node', pkg), { recursive: true });
}

const open = () => CodeIndex.open({ root: corpus, git: false, embedder: new HashingEmbedder(), indexDir: `${corpus}-index` });
let started = performance.now();
const index = open();
const built = await index.update();
const coldSeconds = (performance.now() - started) / 1000;

// One-file updates: append a function to a mid-sized file, as a save in an editor would.
const target = join(corpus, 'cpython', 'json', 'decoder.py');
const original = readFileSync(target, 'utf8');
const updates: number[] = [];
const saves: number[] = [];
for (let i = 0; i < 8; i++) {
  writeFileSync(target, `${original}\n\ndef added_helper_${i}(value):\n    return value * ${i}\n`);
  started = performance.now();
  const summary = await index.update({ persist: false });
  updates.push(performance.now() - started);
  if (summary.changed !== 1) throw new Error(`expected one changed file, got ${summary.changed}`);
  started = performance.now();
  index.save();
  saves.push(performance.now() - started);
}

const random = seededRandom(11);
const chunks = [...index.chunks.values()].filter((c) => c.symbol);
const queries = Array.from({ length: 200 }, () => {
  const chunk = chunks[Math.floor(random() * chunks.length)]!;
  const words = chunk.symbol!.replace(/[._]/g, ' ').trim();
  return random() < 0.5 ? words : `${words} ${chunk.kind}`;
});
for (const q of queries.slice(0, 20)) await index.search(q, { k: 10 });
const searches: number[] = [];
for (const q of queries) {
  started = performance.now();
  await index.search(q, { k: 10 });
  searches.push(performance.now() - started);
}
const filtered: number[] = [];
for (const q of queries.slice(0, 100)) {
  started = performance.now();
  await index.search(q, { k: 10, filters: { path: 'cpython/email/**' } });
  filtered.push(performance.now() - started);
}
started = performance.now();
const reopened = open();
const reopenMs = performance.now() - started;

const rss = process.memoryUsage().rss / 1048576;
const rows: Measurement[] = [
  { name: 'cold build', samples: [coldSeconds * 1000], extra: { files: String(built.files), chunks: String(built.chunks) } },
  { name: 'one-file update (walk, re-chunk, embed)', samples: updates },
  { name: 'save new generation (fsync)', samples: saves },
  { name: 'search (k=10)', samples: searches },
  { name: 'search, path filter', samples: filtered },
  { name: 'open stored index', samples: [reopenMs], extra: { chunks: String(reopened.chunks.size) } },
];
printTable(`code index on ${lines.toLocaleString('en')} lines, ${built.files} files; RSS ${rss.toFixed(0)} MB (goals: cold ≤ 30 s, update ≤ 100 ms, search p95 ≤ 20 ms)`, rows);
rmSync(corpus, { recursive: true, force: true });
rmSync(`${corpus}-index`, { recursive: true, force: true });
