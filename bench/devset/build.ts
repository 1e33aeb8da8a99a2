/**
 * Builds the retrieval dev sets: call sites in real code whose callee is defined in another file
 * of the same corpus, with the defining file as ground truth.
 *
 *   node --import tsx bench/devset/build.ts
 *
 * Python: the machine's python3 standard library; ground truth from Python's own `ast`
 * (python_calls.py). TypeScript: .ts sources shipped inside node_modules plus this repository's
 * own src/, test/ and bench/ (node_modules alone holds too few files for ~300 cases); ground
 * truth from the TypeScript checker. The output depends only on those files: a seeded hash picks
 * the cases, and the files are written sorted, so a rerun on an unchanged machine is a no-op.
 *
 * A case's offset/line/column is the start of the callee identifier in the original text (for
 * `mod.name(` the start of `name`). The scorer turns that into a cursor per mode (score.ts).
 */
import { pythonStdlibRoot } from '../corpus/python-stdlib.js';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import ts from 'typescript';
import type { DevCase } from './score.js';

const DEVSET_DIR = dirname(fileURLToPath(import.meta.url));
const REPO_ROOT = resolve(DEVSET_DIR, '../..');
const SEED = 0x5eed_2025;
const CASES_PER_CORPUS = 300;
/** Most files hold a handful of cross-file calls at most; a few hold dozens, and would dominate. */
const MAX_PER_FILE = 5;
/** `re.compile` alone has 200+ call sites in the stdlib; one popular target must not be the benchmark. */
const MAX_PER_TARGET = 6;

type Candidate = Omit<DevCase, 'id' | 'corpus' | 'offset'>;

const posix = (p: string) => p.split(sep).join('/');

/** FNV-1a then a murmur finalizer: a well-mixed 32-bit key per string. */
function hash32(text: string, seed: number): number {
  let h = (0x811c9dc5 ^ seed) >>> 0;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b) >>> 0;
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35) >>> 0;
  return (h ^ (h >>> 16)) >>> 0;
}

function compareCases(a: DevCase, b: DevCase): number {
  return a.root.localeCompare(b.root) || a.file.localeCompare(b.file) || a.offset - b.offset || a.callee.localeCompare(b.callee);
}

function lineStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

/**
 * Turns candidates into cases, dropping any whose recorded position does not hold the callee
 * text (odd encodings, lone CR line ends): a wrong offset would silently corrupt the benchmark.
 */
function locate(corpus: DevCase['corpus'], candidates: Candidate[], columnsInCodePoints: boolean): DevCase[] {
  const texts = new Map<string, { text: string; starts: number[] }>();
  const out: DevCase[] = [];
  for (const c of candidates) {
    const key = join(c.root, c.file);
    let entry = texts.get(key);
    if (!entry) {
      const text = readFileSync(key, 'utf8');
      entry = { text, starts: lineStarts(text) };
      texts.set(key, entry);
    }
    const start = entry.starts[c.line];
    if (start === undefined) continue;
    const lineText = entry.text.slice(start, entry.starts[c.line + 1] ?? entry.text.length);
    const column = columnsInCodePoints ? Array.from(lineText).slice(0, c.column).join('').length : c.column;
    const offset = start + column;
    if (entry.text.slice(offset, offset + c.callee.length) !== c.callee) continue;
    // Several TypeScript roots may each hold a src/index.ts: the root inside this repository keeps ids unique.
    const within = posix(relative(REPO_ROOT, c.root));
    const where = within && !within.startsWith('..') ? `${within}/${c.file}` : c.file;
    const id = `${corpus}:${where}:${c.line + 1}:${column + 1}:${c.callee}`;
    out.push({ id, corpus, root: c.root, file: c.file, offset, line: c.line, column, callee: c.callee, target: c.target });
  }
  return out;
}

/**
 * Orders candidates by a seeded hash of "file, callee, n-th call of it in the file" and picks
 * greedily under the per-file and per-target caps. Unlike a shuffle of the whole pool, an edit
 * elsewhere in the corpus (new call sites, shifted lines) leaves the other picks as they were.
 */
function sample(cases: DevCase[], seed: number): DevCase[] {
  const occurrence = new Map<string, number>();
  const keyed = [...cases].sort(compareCases).map((c) => {
    const base = `${c.root}\0${c.file}\0${c.callee}`;
    const n = occurrence.get(base) ?? 0;
    occurrence.set(base, n + 1);
    return { c, key: hash32(`${c.file}\0${c.callee}\0${n}`, seed) };
  });
  keyed.sort((a, b) => a.key - b.key || compareCases(a.c, b.c));
  const perFile = new Map<string, number>();
  const perTarget = new Map<string, number>();
  const picked: DevCase[] = [];
  for (const { c } of keyed) {
    if (picked.length >= CASES_PER_CORPUS) break;
    const fileKey = `${c.root}\0${c.file}`;
    const targetKey = `${c.root}\0${c.target.path}\0${c.target.name}`;
    if ((perFile.get(fileKey) ?? 0) >= MAX_PER_FILE || (perTarget.get(targetKey) ?? 0) >= MAX_PER_TARGET) continue;
    perFile.set(fileKey, (perFile.get(fileKey) ?? 0) + 1);
    perTarget.set(targetKey, (perTarget.get(targetKey) ?? 0) + 1);
    picked.push(c);
  }
  return picked.sort(compareCases);
}

// ---------------------------------------------------------------- Python

export { pythonStdlibRoot };

function pythonCases(root: string): DevCase[] {
  const output = execFileSync('python3', [join(DEVSET_DIR, 'python_calls.py'), root], { encoding: 'utf8', maxBuffer: 256 * 1024 * 1024 });
  const candidates = output
    .split('\n')
    .filter(Boolean)
    .map((line) => ({ root, ...(JSON.parse(line) as Omit<Candidate, 'root'>) }));
  return locate('python-stdlib', candidates, true);
}

// ---------------------------------------------------------------- TypeScript

function isTypeScriptSource(name: string): boolean {
  return /\.(ts|tsx|mts|cts)$/.test(name) && !/\.d\.(ts|mts|cts)$/.test(name);
}

function walkFiles(dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => a.name.localeCompare(b.name))) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) walkFiles(full, out);
    else if (entry.isFile()) out.push(full);
  }
}

function packageRootOf(file: string, stop: string): string | undefined {
  for (let dir = dirname(file); dir.startsWith(stop) && dir !== stop; dir = dirname(dir)) {
    if (existsSync(join(dir, 'package.json'))) return dir;
  }
  return undefined;
}

export interface TypeScriptCorpus {
  root: string;
  files: string[];
}

/**
 * Every package under node_modules that ships TypeScript sources, each its own corpus root, then
 * this repository's src/, test/ and bench/ (not ignored, tracked or not; bench/devset itself left
 * out so editing the builder does not change its own corpus). node_modules holds too few .ts files
 * for ~300 cases, so the repository fills in: its cases go stale as the code changes, which
 * score.ts detects and counts, and a rebuild refreshes.
 */
export function typeScriptCorpora(repoRoot = REPO_ROOT): TypeScriptCorpus[] {
  const byPackage = new Map<string, string[]>();
  const all: string[] = [];
  walkFiles(join(repoRoot, 'node_modules'), all);
  for (const file of all.filter((f) => isTypeScriptSource(f))) {
    const root = packageRootOf(file, join(repoRoot, 'node_modules'));
    if (root) byPackage.set(root, [...(byPackage.get(root) ?? []), posix(relative(root, file))]);
  }
  const corpora = [...byPackage].map(([root, files]) => ({ root, files: files.sort() }));
  const own = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard', 'src', 'test', 'bench'], { cwd: repoRoot, encoding: 'utf8' })
    .split('\0')
    .filter((f) => isTypeScriptSource(f) && !f.startsWith('bench/devset/') && existsSync(join(repoRoot, f)))
    .sort();
  corpora.push({ root: repoRoot, files: own });
  return corpora.filter((c) => c.files.length >= 2).sort((a, b) => a.root.localeCompare(b.root));
}

function declarationName(decl: ts.Declaration): ts.Identifier | undefined {
  if (ts.isFunctionDeclaration(decl) || ts.isClassDeclaration(decl) || ts.isMethodDeclaration(decl)) {
    return decl.name && ts.isIdentifier(decl.name) ? decl.name : undefined;
  }
  // `export const parse = (...) => ...` is how much TypeScript declares its functions.
  if (ts.isVariableDeclaration(decl) && ts.isIdentifier(decl.name) && decl.initializer) {
    const init = decl.initializer;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init) || ts.isClassExpression(init)) return decl.name;
  }
  return undefined;
}

/** The declaration a callee resolves to, preferring an implementation over overload signatures. */
function calleeDeclaration(checker: ts.TypeChecker, name: ts.Identifier): ts.Declaration | undefined {
  let symbol = checker.getSymbolAtLocation(name);
  if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = checker.getAliasedSymbol(symbol);
  const declarations = (symbol?.declarations ?? []).filter((d) => declarationName(d));
  return declarations.find((d) => 'body' in d && d.body) ?? declarations[0];
}

function typeScriptCandidates(corpus: TypeScriptCorpus): Candidate[] {
  const absolute = corpus.files.map((f) => join(corpus.root, f));
  const inCorpus = new Set(absolute);
  // Bundler resolution accepts both `./x.js` (NodeNext style) and extensionless `./x` imports.
  const program = ts.createProgram(absolute, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.ESNext,
    moduleResolution: ts.ModuleResolutionKind.Bundler,
    jsx: ts.JsxEmit.ReactJSX,
    allowImportingTsExtensions: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
  });
  const checker = program.getTypeChecker();
  const out: Candidate[] = [];
  for (const source of program.getSourceFiles()) {
    if (!inCorpus.has(source.fileName)) continue;
    const file = posix(relative(corpus.root, source.fileName));
    const visit = (node: ts.Node): void => {
      if (ts.isCallExpression(node) || ts.isNewExpression(node)) {
        const callee = node.expression;
        const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.name) ? callee.name : undefined;
        const decl = name && calleeDeclaration(checker, name);
        const target = decl?.getSourceFile();
        if (name && decl && target && target !== source && inCorpus.has(target.fileName)) {
          const declName = declarationName(decl)!;
          const at = source.getLineAndCharacterOfPosition(name.getStart(source));
          out.push({
            root: corpus.root,
            file,
            line: at.line,
            column: at.character,
            callee: name.text,
            target: {
              path: posix(relative(corpus.root, target.fileName)),
              name: declName.text,
              line: target.getLineAndCharacterOfPosition(declName.getStart(target)).line,
            },
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return out;
}

function typeScriptCases(corpora: TypeScriptCorpus[]): DevCase[] {
  // A call through an alias (`import { a as b }`) has a callee unlike the target name; both are kept.
  return corpora.flatMap((corpus) => locate('typescript', typeScriptCandidates(corpus), false));
}

// ---------------------------------------------------------------- main

function writeJsonl(path: string, cases: DevCase[]): void {
  writeFileSync(path, cases.map((c) => JSON.stringify(c)).join('\n') + '\n');
}

function summarize(label: string, all: DevCase[], picked: DevCase[]): void {
  const files = new Set(picked.map((c) => `${c.root}/${c.file}`)).size;
  const targets = new Set(picked.map((c) => `${c.root}/${c.target.path}#${c.target.name}`)).size;
  console.log(`${label}: ${all.length} candidate call sites, ${picked.length} cases from ${files} files, ${targets} distinct targets`);
}

function main(): void {
  const python = pythonStdlibRoot();
  if (python) {
    const all = pythonCases(python);
    const picked = sample(all, SEED);
    writeJsonl(join(DEVSET_DIR, 'python-stdlib.jsonl'), picked);
    summarize(`python-stdlib (${python})`, all, picked);
  } else {
    console.log('python3 standard library not found: python-stdlib.jsonl left as it is');
  }

  const corpora = typeScriptCorpora();
  for (const corpus of corpora) console.log(`typescript corpus ${corpus.root}: ${corpus.files.length} files`);
  const all = typeScriptCases(corpora);
  const picked = sample(all, SEED);
  writeJsonl(join(DEVSET_DIR, 'typescript.jsonl'), picked);
  summarize('typescript', all, picked);
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) main();
