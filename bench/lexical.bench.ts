/**
 * Search building blocks on the Python standard library cut into naive 60-line windows:
 * tokenizer throughput (goal ≥ 50 MB/s), hashing-embedder throughput (goal ≥ 5 MB/s), BM25
 * build, search p50/p95 for 2–4 word queries (goal p95 < 5 ms at 50k chunks), and the size and
 * load time of the serialized BM25 index (goal: 50k chunks load in well under 100 ms).
 * A second pass tops the corpus up to 50,000 windows from site-packages when there is enough.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { HashingEmbedder } from '../src/index/embed/hashing.js';
import { LexicalIndex } from '../src/index/lexical.js';
import { forEachCodeToken } from '../src/index/tokenize.js';
import { pythonStdlibFiles, pythonStdlibRoot } from './corpus/python-stdlib.js';
import { measure, printTable, type Measurement } from './harness.js';

const WINDOW = 60;
const SCALE_CHUNKS = Number(process.env.BENCH_LEXICAL_CHUNKS ?? 50_000);
const QUERIES = [
  'parse header', 'socket timeout', 'read lines', 'json decode', 'thread lock', 'unicode error', 'get item', 'file path',
  'http request headers', 'encode utf8 bytes', 'temporary directory cleanup', 'regular expression match', 'date time format',
  'async event loop', 'zip archive extract', 'hash digest update',
  'open file read text mode', 'parse command line arguments', 'raise value error message', 'subprocess pipe wait return code',
];

const stdlib = pythonStdlibRoot();
if (!stdlib) {
  console.log('lexical bench: python3 standard library not found; skipped');
  process.exit(0);
}

/** `${path}\n\n${window}`, the shape the code index feeds BM25 and the embedder. */
function windows(root: string, files: string[], limit = Infinity): string[] {
  const out: string[] = [];
  for (const file of files) {
    const lines = readFileSync(join(root, file), 'utf8').split('\n');
    for (let start = 0; start < lines.length && out.length < limit; start += WINDOW) {
      out.push(`${file}\n\n${lines.slice(start, start + WINDOW).join('\n')}`);
    }
    if (out.length >= limit) break;
  }
  return out;
}

const megabytes = (texts: string[]) => texts.reduce((sum, t) => sum + Buffer.byteLength(t), 0) / 1e6;
const rate = (amount: number, ms: number) => amount / (ms / 1000);
const fixed = (value: number, digits = 1) => value.toFixed(digits);

function timeOnce<T>(run: () => T): [T, number] {
  const started = performance.now();
  const value = run();
  return [value, performance.now() - started];
}

function searchSamples(index: LexicalIndex, rounds: number): number[] {
  for (const query of QUERIES) index.search(query, 50);
  const samples: number[] = [];
  for (let round = 0; round < rounds; round++) {
    for (const query of QUERIES) samples.push(timeOnce(() => index.search(query, 50))[1]);
  }
  return samples;
}

async function lexicalRows(label: string, chunks: string[]): Promise<{ rows: Measurement[]; index: LexicalIndex }> {
  const index = new LexicalIndex();
  const [, buildMs] = timeOnce(() => chunks.forEach((text, id) => index.add(id, text)));
  const [buffer, serializeMs] = timeOnce(() => index.serialize());
  const [loaded, firstLoadMs] = timeOnce(() => LexicalIndex.deserialize(buffer));
  const first = timeOnce(() => loaded.search(QUERIES[0]!, 50))[1];
  const rows: Measurement[] = [
    { name: `${label} BM25 build`, samples: [buildMs], extra: { 'MB/s': fixed(rate(megabytes(chunks), buildMs)) } },
    { name: `${label} BM25 search, 2–4 words, k=50`, samples: searchSamples(index, 10), extra: { queries: String(QUERIES.length) } },
    { name: `${label} BM25 search after load`, samples: searchSamples(loaded, 10), extra: { 'first query ms': fixed(first, 2) } },
    {
      name: `${label} serialize`,
      samples: [serializeMs],
      extra: { size: `${fixed(buffer.length / 1e6, 2)} MB`, 'bytes/chunk': fixed(buffer.length / chunks.length, 0) },
    },
    await measure(`${label} deserialize`, 10, () => LexicalIndex.deserialize(buffer), 1),
  ];
  rows[rows.length - 1]!.extra = { 'first load ms': fixed(firstLoadMs, 1) };
  return { rows, index };
}

const files = pythonStdlibFiles(stdlib);
const chunks = windows(stdlib, files);
const mb = megabytes(chunks);
console.log(`corpus: ${stdlib}, ${files.length} files, ${chunks.length} windows of ${WINDOW} lines, ${fixed(mb)} MB`);

let tokens = 0;
const tokenize = await measure('tokenize (codeTokens visitor)', 3, () => {
  tokens = 0;
  for (const text of chunks) forEachCodeToken(text, () => tokens++);
}, 1);
const tokenizeMs = [...tokenize.samples].sort((a, b) => a - b)[1]!;
tokenize.extra = { 'MB/s': fixed(rate(mb, tokenizeMs)), 'Mtokens/s': fixed(rate(tokens, tokenizeMs) / 1e6, 2), tokens: String(tokens) };

const embedder = new HashingEmbedder();
const [, fitMs] = timeOnce(() => embedder.fit(chunks));
const started = performance.now();
await embedder.embed(chunks);
const embedMs = performance.now() - started;
const stateBytes = JSON.stringify(embedder.state()).length;

const stdlibLexical = await lexicalRows(`stdlib ${chunks.length}`, chunks);
printTable(`tokenizer and hashing embedder (${chunks.length} windows, ${fixed(mb)} MB)`, [
  tokenize,
  { name: 'hashing fit (IDF)', samples: [fitMs], extra: { 'MB/s': fixed(rate(mb, fitMs)) } },
  {
    name: `hashing embed, ${embedder.dimensions} dims`,
    samples: [embedMs],
    extra: { 'MB/s': fixed(rate(mb, embedMs)), 'chunks/s': fixed(rate(chunks.length, embedMs), 0), 'state bytes': String(stateBytes) },
  },
]);
printTable(`BM25 on the stdlib (${chunks.length} chunks)`, stdlibLexical.rows);

if (chunks.length < SCALE_CHUNKS) {
  const site = join(stdlib, 'site-packages');
  let extra: string[] = [];
  try {
    extra = execFileSync('find', ['.', '-name', '*.py', '-not', '-path', '*/__pycache__/*'], { cwd: site, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
      .split('\n')
      .filter(Boolean)
      .sort();
  } catch {
    // No site-packages: the scale pass is skipped below.
  }
  const more = windows(site, extra, SCALE_CHUNKS - chunks.length);
  if (chunks.length + more.length >= SCALE_CHUNKS) {
    const scaled = [...chunks, ...more];
    const { rows } = await lexicalRows(`${scaled.length}`, scaled);
    printTable(`BM25 at ${scaled.length} chunks (stdlib + site-packages, ${fixed(megabytes(scaled))} MB)`, rows);
  } else {
    console.log(`\nscale pass skipped: only ${chunks.length + more.length} windows available`);
  }
}
