/** The machine's Python standard library as a benchmark corpus: real code, ~2,000 files, no download. */
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { createRepoFiles, type RepoFiles } from '../../src/context/repo-files.js';

export function pythonStdlibRoot(): string | undefined {
  try {
    const root = execFileSync('python3', ['-c', "import sysconfig;print(sysconfig.get_paths()['stdlib'])"], { encoding: 'utf8' }).trim();
    return existsSync(root) ? root : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Python files of the stdlib, tests included (they are real code too). `withPip` adds the pip
 * package from site-packages (~490 files of real application code), which takes the corpus past
 * 2,000 files.
 */
export function pythonStdlibFiles(root: string, withPip = false): string[] {
  const out = execFileSync('find', ['.', '-name', '*.py', '-not', '-path', '*/__pycache__/*', '(', '-not', '-path', './site-packages/*', ...(withPip ? ['-o', '-path', './site-packages/pip/*'] : []), ')'], {
    cwd: root,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  return out
    .split('\n')
    .filter(Boolean)
    .map((p) => p.replace(/^\.\//, ''))
    .sort();
}

export function pythonStdlibRepo(withPip = false): RepoFiles | undefined {
  const root = pythonStdlibRoot();
  return root ? createRepoFiles(root, pythonStdlibFiles(root, withPip)) : undefined;
}

/** A deterministic pseudo-random sequence, so every run measures the same points. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (Math.imul(state, 1664525) + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}
