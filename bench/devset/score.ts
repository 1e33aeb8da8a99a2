/**
 * Scoring for the definition-retrieval dev sets (built by build.ts).
 *
 * A case is a call site whose callee is defined in another file. Its offset/line/column mark the
 * start of the callee identifier in the original file (for `mod.name(` the start of `name`).
 * Each case is scored in two modes:
 *
 * - visible: the whole file, cursor right after the callee (`x = parse_header|(`). The name is in
 *   the prefix, so this measures resolving a known name to its definition.
 * - hidden: cursor right before the callee (`x = |parse_header(`) and the rest of that line
 *   deleted, line break kept: document = text before the cursor + '\n' + the lines after the
 *   cursor's line. The suffix stays available (FIM models see it), but the call itself is gone,
 *   so this measures guessing which definition the code is about to use. Later calls of the same
 *   name and the file's imports are left in place: a real editor buffer has them too.
 *
 * A hit is a retrieved entry with the target's path and name; the line is not compared, so an
 * overload or a re-declaration in the right file counts.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { percentile } from '../harness.js';

export interface DevCase {
  id: string;
  corpus: 'python-stdlib' | 'typescript';
  /** Absolute corpus root. */
  root: string;
  /** Root-relative, forward slashes. */
  file: string;
  /** Start of the callee identifier in the original file text (UTF-16 code units). */
  offset: number;
  /** 0-based. */
  line: number;
  /** 0-based, UTF-16 code units. */
  column: number;
  callee: string;
  target: { path: string; name: string; line: number };
}

export type Mode = 'visible' | 'hidden';

export interface RetrievalQuery {
  root: string;
  file: string;
  /** The document after applying the mode. */
  text: string;
  /** The cursor. */
  offset: number;
  mode: Mode;
}

export interface Retrieved {
  path: string;
  name: string;
}

/** Ranked, best first. */
export type Retriever = (query: RetrievalQuery) => Promise<Retrieved[]>;

export interface ScoreResult {
  /** Cases scored (stale ones excluded). */
  cases: number;
  recallAt1: number;
  recallAt5: number;
  medianMs: number;
  p95Ms: number;
  /** Cases whose call site or target changed since the dev set was built: rebuild it. */
  stale: number;
  /** Cases left when the time budget ran out. */
  unscored: number;
}

/** Directories never part of a corpus; the Python ones match python_calls.py. */
const SKIPPED: Record<DevCase['corpus'], Set<string>> = {
  'python-stdlib': new Set(['test', 'tests', 'idlelib', 'lib2to3', 'site-packages', '__pycache__']),
  typescript: new Set(['node_modules', '.git', 'dist', 'coverage', '.inline']),
};

export function corpusOfPath(path: string): DevCase['corpus'] {
  return path.endsWith('.py') ? 'python-stdlib' : 'typescript';
}

function isCorpusFile(corpus: DevCase['corpus'], name: string): boolean {
  return corpus === 'python-stdlib' ? name.endsWith('.py') : /\.(ts|tsx|mts|cts)$/.test(name) && !/\.d\.(ts|mts|cts)$/.test(name);
}

/**
 * The files a retriever may search for a corpus root: what git sees (ignored files excluded) in a
 * work tree, else a walk. Sorted, root-relative, forward slashes.
 */
export function corpusFiles(root: string, corpus: DevCase['corpus']): string[] {
  const skipped = SKIPPED[corpus];
  let files: string[] | undefined;
  if (existsSync(join(root, '.git'))) {
    try {
      files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 })
        .split('\0')
        .filter((f) => f !== '' && !f.split('/').some((part) => skipped.has(part)) && existsSync(join(root, f)));
    } catch {
      files = undefined;
    }
  }
  if (!files) {
    files = [];
    const walk = (dir: string): void => {
      for (const entry of readdirSync(dir, { withFileTypes: true })) {
        if (entry.isDirectory()) {
          if (!skipped.has(entry.name)) walk(join(dir, entry.name));
        } else if (entry.isFile()) {
          files!.push(relative(root, join(dir, entry.name)).split(sep).join('/'));
        }
      }
    };
    walk(root);
  }
  return files.filter((f) => isCorpusFile(corpus, f)).sort();
}

export function loadDevSet(path: string): DevCase[] {
  return readFileSync(path, 'utf8')
    .split('\n')
    .filter((line) => line.trim() !== '')
    .map((line) => JSON.parse(line) as DevCase);
}

/**
 * Points cases at the corpora as they sit on this machine. Roots are recorded absolute at build
 * time, but a fresh clone (CI) puts this repository and its node_modules somewhere else.
 */
export function relocate(cases: DevCase[], repoRoot: string): DevCase[] {
  return cases.map((c) => {
    if (existsSync(join(c.root, c.file))) return c;
    const inModules = c.root.indexOf('/node_modules/');
    const candidates = inModules >= 0 ? [join(repoRoot, c.root.slice(inModules))] : [repoRoot];
    const root = candidates.find((r) => existsSync(join(r, c.file)));
    return root ? { ...c, root } : c;
  });
}

export function applyMode(text: string, c: DevCase, mode: Mode): { text: string; offset: number } {
  if (mode === 'visible') return { text, offset: c.offset + c.callee.length };
  const lineEnd = text.indexOf('\n', c.offset);
  return { text: lineEnd === -1 ? text.slice(0, c.offset) : `${text.slice(0, c.offset)}\n${text.slice(lineEnd + 1)}`, offset: c.offset };
}

export function isHit(retrieved: Retrieved, c: DevCase): boolean {
  return retrieved.path === c.target.path && retrieved.name === c.target.name;
}

/** Rank of the first hit (0-based), or -1. */
export function hitRank(results: Retrieved[], c: DevCase): number {
  return results.findIndex((r) => isHit(r, c));
}

function readFile(path: string, cache: Map<string, string | undefined>): string | undefined {
  if (!cache.has(path)) cache.set(path, existsSync(path) ? readFileSync(path, 'utf8') : undefined);
  return cache.get(path);
}

/** The case's file text, or undefined when the call site or the target name has gone since the build. */
function readCase(c: DevCase, cache: Map<string, string | undefined>): string | undefined {
  const text = readFile(join(c.root, c.file), cache);
  if (text === undefined || text.slice(c.offset, c.offset + c.callee.length) !== c.callee) return undefined;
  return readFile(join(c.root, c.target.path), cache)?.includes(c.target.name) ? text : undefined;
}

export interface ScoreOptions {
  /** Called with each scored case and what the retriever returned. */
  onCase?: (c: DevCase, results: Retrieved[]) => void;
  /** Stop after this much retrieval time; the result covers the cases scored so far. */
  budgetMs?: number;
}

export async function score(cases: DevCase[], mode: Mode, retrieve: Retriever, options: ScoreOptions = {}): Promise<ScoreResult> {
  const texts = new Map<string, string | undefined>();
  const times: number[] = [];
  let spent = 0;
  let at1 = 0;
  let at5 = 0;
  let stale = 0;
  for (const c of cases) {
    if (options.budgetMs !== undefined && spent > options.budgetMs) break;
    const original = readCase(c, texts);
    if (original === undefined) {
      stale++;
      continue;
    }
    const { text, offset } = applyMode(original, c, mode);
    const started = performance.now();
    const results = await retrieve({ root: c.root, file: c.file, text, offset, mode });
    const elapsed = performance.now() - started;
    times.push(elapsed);
    spent += elapsed;
    const rank = hitRank(results, c);
    if (rank === 0) at1++;
    if (rank >= 0 && rank < 5) at5++;
    options.onCase?.(c, results);
  }
  const scored = times.length;
  times.sort((a, b) => a - b);
  return {
    cases: scored,
    recallAt1: scored ? at1 / scored : 0,
    recallAt5: scored ? at5 / scored : 0,
    medianMs: scored ? percentile(times, 50) : 0,
    p95Ms: scored ? percentile(times, 95) : 0,
    stale,
    unscored: cases.length - scored - stale,
  };
}
