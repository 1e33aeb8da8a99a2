/**
 * Definition retrieval quality: for call sites in real code (bench/devset/*.jsonl), is the callee's
 * definition among what the retriever returns? recall@1 and recall@5 for the name-lookup baseline
 * and, once it exists, the context engine's DefinitionFinder; modes are described in
 * bench/devset/score.ts. Rebuild the dev sets with `node --import tsx bench/devset/build.ts`.
 *
 * DEVSET_MISSES=dir writes each retriever's misses there as JSONL, top five results included;
 * CONTEXT_QUALITY_BUDGET_MS caps the retrieval time of one row (default 30 s).
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { createBaseline } from './devset/baseline.js';
import { corpusFiles, corpusOfPath, hitRank, loadDevSet, relocate, score, type DevCase, type Mode, type Retrieved, type Retriever, type ScoreResult } from './devset/score.js';

const repoRoot = fileURLToPath(new URL('..', import.meta.url));
const devsetDir = fileURLToPath(new URL('./devset/', import.meta.url));
const missesDir = process.env.DEVSET_MISSES;
const MODES: Mode[] = ['visible', 'hidden'];
/** Retrieval time allowed per corpus, mode and retriever: four engine rows must fit the ~3 minute bench. */
const BUDGET_MS = Number(process.env.CONTEXT_QUALITY_BUDGET_MS ?? 30_000);

interface Finder {
  find(input: { path: string; text: string; offset: number }, limit?: number): Promise<Array<{ path: string; symbol: { name: string } }>>;
}
interface FinderClass {
  forRepository(root: string, files: string[]): Promise<Finder>;
}

async function loadEngine(): Promise<FinderClass | string> {
  const path = join(repoRoot, 'src/context/definitions.ts');
  if (!existsSync(path)) return 'definitions.ts not available yet';
  try {
    // A computed specifier keeps this bench type-checking while the engine is missing or mid-rewrite.
    const mod = (await import(pathToFileURL(path).href)) as { DefinitionFinder?: Partial<FinderClass> };
    if (typeof mod.DefinitionFinder?.forRepository !== 'function') return 'definitions.ts not available yet (no DefinitionFinder.forRepository)';
    return mod.DefinitionFinder as FinderClass;
  } catch (error) {
    return `definitions.ts not available yet (${error instanceof Error ? error.message.split('\n')[0] : String(error)})`;
  }
}

/** Finders built up front, so that index construction is reported on its own and not as query latency. */
async function engineRetriever(engine: FinderClass, cases: DevCase[]): Promise<{ retrieve: Retriever; buildMs: number }> {
  const finders = new Map<string, Finder>();
  const started = performance.now();
  for (const root of [...new Set(cases.map((c) => c.root))].sort()) {
    finders.set(root, await engine.forRepository(root, corpusFiles(root, cases.find((c) => c.root === root)!.corpus)));
  }
  const buildMs = performance.now() - started;
  const retrieve: Retriever = async (query) => {
    const hits = await finders.get(query.root)!.find({ path: query.file, text: query.text, offset: query.offset }, 10);
    return hits.map((hit) => ({ path: hit.path, name: hit.symbol.name }));
  };
  return { retrieve, buildMs };
}

/** The same finder with the code index wired in (built over the corpus files in a temp directory). */
async function indexedRetriever(cases: DevCase[]): Promise<{ retrieve: Retriever; buildMs: number; cleanup: () => void }> {
  const [{ DefinitionFinder }, { CodeIndex }, { HashingEmbedder }] = await Promise.all([
    import('../src/context/definitions.js'),
    import('../src/index/code-index.js'),
    import('../src/index/embed/hashing.js'),
  ]);
  const finders = new Map<string, InstanceType<typeof DefinitionFinder>>();
  const dirs: string[] = [];
  const started = performance.now();
  for (const root of [...new Set(cases.map((c) => c.root))].sort()) {
    const files = corpusFiles(root, cases.find((c) => c.root === root)!.corpus);
    const wanted = new Set(files);
    const indexDir = mkdtempSync(join(tmpdir(), 'inline-quality-index-'));
    dirs.push(indexDir);
    const index = CodeIndex.open({ root, git: false, embedder: new HashingEmbedder(), indexDir, include: (path) => wanted.has(path) });
    await index.update();
    finders.set(root, (await DefinitionFinder.forRepository(root, files)).useCodeIndex(index));
  }
  const buildMs = performance.now() - started;
  const retrieve: Retriever = async (query) => {
    const hits = await finders.get(query.root)!.find({ path: query.file, text: query.text, offset: query.offset }, 10);
    return hits.map((hit) => ({ path: hit.path, name: hit.symbol.name }));
  };
  return { retrieve, buildMs, cleanup: () => dirs.forEach((dir) => rmSync(dir, { recursive: true, force: true })) };
}

interface Row {
  corpus: string;
  mode: Mode;
  retriever: string;
  result: ScoreResult;
}

const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
const ms = (x: number) => (x >= 100 ? x.toFixed(0) : x >= 1 ? x.toFixed(2) : x.toFixed(3));

function printRows(title: string, rows: Row[]): void {
  const columns = ['corpus', 'mode', 'retriever', 'cases', 'recall@1', 'recall@5', 'median ms', 'p95 ms'];
  const cells = rows.map((r) => [r.corpus, r.mode, r.retriever, String(r.result.cases), pct(r.result.recallAt1), pct(r.result.recallAt5), ms(r.result.medianMs), ms(r.result.p95Ms)]);
  const widths = columns.map((c, i) => Math.max(c.length, ...cells.map((row) => row[i]!.length)));
  const line = (row: string[]) => row.map((cell, i) => (i < 3 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of cells) console.log(line(row));
}

async function run(label: string, corpus: string, mode: Mode, cases: DevCase[], retrieve: Retriever): Promise<Row> {
  const misses: unknown[] = [];
  const onCase = (c: DevCase, results: Retrieved[]) => {
    if (hitRank(results.slice(0, 5), c) < 0) misses.push({ id: c.id, target: c.target, got: results.slice(0, 5) });
  };
  const result = await score(cases, mode, retrieve, { onCase, budgetMs: BUDGET_MS });
  if (missesDir) {
    mkdirSync(missesDir, { recursive: true });
    writeFileSync(join(missesDir, `${corpus}.${mode}.${label}.jsonl`), misses.map((m) => JSON.stringify(m)).join('\n') + '\n');
  }
  if (result.stale > 0) console.log(`${corpus} ${mode} ${label}: ${result.stale} stale case(s) skipped (call site or target changed since the dev set was built)`);
  if (result.unscored > 0) console.log(`${corpus} ${mode} ${label}: time budget of ${BUDGET_MS} ms spent, ${result.unscored} case(s) not scored`);
  return { corpus, mode, retriever: label, result };
}

const engine = await loadEngine();
if (typeof engine === 'string') console.log(`context-quality: ${engine}; baseline only`);

const rows: Row[] = [];
for (const name of ['python-stdlib', 'typescript'] as const) {
  const path = join(devsetDir, `${name}.jsonl`);
  if (!existsSync(path)) {
    console.log(`context-quality: ${path} missing; run node --import tsx bench/devset/build.ts`);
    continue;
  }
  const all = relocate(loadDevSet(path), repoRoot);
  const missingRoots = [...new Set(all.filter((c) => !existsSync(c.root)).map((c) => c.root))];
  for (const root of missingRoots) console.log(`context-quality: ${name} corpus root ${root} not on this machine; its cases skipped`);
  const cases = all.filter((c) => existsSync(c.root) && corpusOfPath(c.file) === c.corpus);
  if (cases.length === 0) continue;

  const baseline = createBaseline();
  for (const mode of MODES) rows.push(await run('baseline', name, mode, cases, baseline));

  if (typeof engine !== 'string') {
    try {
      const { retrieve, buildMs } = await engineRetriever(engine, cases);
      console.log(`context-quality: ${name} DefinitionFinder ready in ${ms(buildMs)} ms`);
      for (const mode of MODES) rows.push(await run('DefinitionFinder', name, mode, cases, retrieve));
      const indexed = await indexedRetriever(cases);
      console.log(`context-quality: ${name} code index built in ${ms(indexed.buildMs)} ms`);
      for (const mode of MODES) rows.push(await run('DefinitionFinder+index', name, mode, cases, indexed.retrieve));
      indexed.cleanup();
    } catch (error) {
      console.log(`context-quality: DefinitionFinder failed on ${name}: ${error instanceof Error ? error.stack : String(error)}`);
    }
  }
}
printRows('definition retrieval (hit = target path and name; modes in bench/devset/score.ts)', rows);
