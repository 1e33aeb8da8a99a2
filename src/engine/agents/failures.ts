/**
 * Finds the places a failing command points at (file and line) in its output, across the common
 * formats: compilers and linters (`path:line:col`), TypeScript (`path(line,col)`), Python
 * tracebacks (`File "x.py", line N`, which unittest prints too), pytest (`path:line: Error`) and
 * Node stack frames (`at fn (path:line:col)`, node:test's `location: 'path:line:col'`).
 * Only files inside the repository count: frames in the runtime or in dependencies are noise.
 */
import { isAbsolute, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

export interface FailureLocation {
  /** Repository-relative POSIX path. */
  path: string;
  /** 1-based. */
  line: number;
  column?: number;
  /** The rest of the output line, when it says what went wrong. */
  message?: string;
}

interface Pattern {
  regex: RegExp;
  /** Which capture group holds what. */
  path: number;
  line: number;
  column?: number;
  message?: number;
}

// Ordered from the most specific shape to the most general, so a line is read by the first that fits.
const PATTERNS: Pattern[] = [
  // Python tracebacks (also unittest): File "pkg/mod.py", line 12, in name
  { regex: /File "([^"]+)", line (\d+)/, path: 1, line: 2 },
  // TypeScript: src/a.ts(3,5): error TS2322: ...
  { regex: /^\s*([^\s:()'"]+\.[A-Za-z0-9]+)\((\d+),(\d+)\):\s*(.*)$/, path: 1, line: 2, column: 3, message: 4 },
  // Node stack frames: at name (/abs/a.js:3:5) or at /abs/a.js:3:5 or file:// URLs
  { regex: /\bat (?:.*? \()?((?:file:\/\/)?[^\s()]+):(\d+):(\d+)\)?\s*$/, path: 1, line: 2, column: 3 },
  // node:test's YAML diagnostics: location: '/abs/test.js:3:1'
  { regex: /location: '((?:file:\/\/)?[^']+):(\d+):(\d+)'/, path: 1, line: 2, column: 3 },
  // Compilers and linters: path:line:col: message (gcc, go, rustc's --> line, eslint unix, ruff, mypy)
  { regex: /(?:^|\s|-->\s*)((?:\.{0,2}\/)?[\w@.\-/\\]+\.[A-Za-z0-9]+):(\d+):(\d+)(?::?\s*(.*))?$/, path: 1, line: 2, column: 3, message: 4 },
  // pytest and others without a column: tests/test_a.py:12: AssertionError
  { regex: /(?:^|\s)((?:\.{0,2}\/)?[\w@.\-/\\]+\.[A-Za-z0-9]+):(\d+)(?::\s*(.*))?$/, path: 1, line: 2, message: 3 },
];

/** `location` as a repository-relative POSIX path, or undefined when it lies outside the repository. */
function repoPath(root: string, cwd: string, location: string): string | undefined {
  let path = location;
  if (path.startsWith('file://')) {
    try {
      path = fileURLToPath(path);
    } catch {
      return undefined;
    }
  }
  if (path.startsWith('node:') || path.startsWith('internal/')) return undefined;
  const full = isAbsolute(path) ? path : resolve(cwd, path);
  const rel = relative(root, full);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  const posix = rel.split(sep).join('/');
  if (posix.split('/').includes('node_modules') || posix.startsWith('.git/')) return undefined;
  return posix;
}

export interface ParseFailuresOptions {
  root: string;
  /** Where the command ran; relative paths in the output are read from here. Defaults to root. */
  cwd?: string;
  /** Keeps only paths for which this says yes (e.g. files that exist). */
  exists?: (path: string) => boolean;
}

/** The locations in `output`, in order of appearance, each file and line once. */
export function parseFailures(output: string, options: ParseFailuresOptions): FailureLocation[] {
  const { root } = options;
  const cwd = options.cwd ?? root;
  const seen = new Set<string>();
  const found: FailureLocation[] = [];
  for (const rawLine of output.split(/\r?\n/)) {
    const text = rawLine.replace(/\x1b\[[0-9;]*m/g, '');
    for (const pattern of PATTERNS) {
      const match = pattern.regex.exec(text);
      if (!match) continue;
      const path = repoPath(root, cwd, match[pattern.path]!);
      const line = Number(match[pattern.line]);
      if (path === undefined || !Number.isInteger(line) || line < 1) continue;
      if (options.exists && !options.exists(path)) continue;
      const key = `${path}:${line}`;
      if (!seen.has(key)) {
        seen.add(key);
        const column = pattern.column !== undefined ? Number(match[pattern.column]) : undefined;
        const message = pattern.message !== undefined ? match[pattern.message]?.trim() : undefined;
        found.push({ path, line, ...(column ? { column } : {}), ...(message ? { message } : {}) });
      }
      break;
    }
  }
  return found;
}

/** The distinct files among `locations`, most mentioned first (ties keep first appearance). */
export function failingFiles(locations: FailureLocation[]): string[] {
  const counts = new Map<string, number>();
  for (const location of locations) counts.set(location.path, (counts.get(location.path) ?? 0) + 1);
  return [...counts.entries()].sort((a, b) => b[1] - a[1]).map(([path]) => path);
}
