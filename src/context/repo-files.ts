/**
 * The set of files of a repository that the context engine may read: tracked and untracked
 * but not ignored files inside git, a plain walk outside it. Paths are repository-relative with
 * forward slashes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';
import { LruMap } from '../util/lru.js';

const run = promisify(execFile);

export interface RepoFiles {
  root: string;
  files: ReadonlySet<string>;
  /** File text, or undefined when it cannot be read or is not text. */
  read(path: string): string | undefined;
  /** A file was written, created (`exists`) or deleted on disk: forget what was read of it. */
  fileChanged?(path: string, exists: boolean): void;
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.inline', 'dist', 'build', 'target', '__pycache__', '.venv', 'venv']);
const MAX_FILE_BYTES = 1024 * 1024;
/**
 * Characters of file text kept between reads. Scanning a repository reads every file once; an
 * unbounded cache would keep the whole repository (14 MB for 2,000 files) in a daemon's heap,
 * while the files a completion revisits are a few dozen.
 */
const CACHED_CHARS = 4_000_000;

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

function walk(root: string, dir: string, out: string[]): void {
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    if (entry.isDirectory()) {
      if (!SKIPPED_DIRECTORIES.has(entry.name)) walk(root, join(dir, entry.name), out);
    } else if (entry.isFile()) {
      out.push(toPosix(relative(root, join(dir, entry.name))));
    }
  }
}

async function gitFiles(root: string): Promise<string[] | undefined> {
  try {
    const { stdout } = await run('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { cwd: root, maxBuffer: 256 * 1024 * 1024 });
    return stdout.split('\0').filter(Boolean);
  } catch {
    return undefined;
  }
}

function readText(full: string): string | undefined {
  try {
    if (statSync(full).size > MAX_FILE_BYTES) return undefined;
    const buffer = readFileSync(full);
    // A NUL byte in the first 8 KiB is the usual sign of a binary file.
    return buffer.subarray(0, 8192).includes(0) ? undefined : buffer.toString('utf8');
  } catch {
    return undefined;
  }
}

export function createRepoFiles(root: string, paths: Iterable<string>): RepoFiles {
  // null marks a file known to be unreadable or binary, so it is not tried again.
  const cache = new LruMap<string, string | null>(CACHED_CHARS, (text) => (text === null ? 1 : text.length));
  const files = new Set(paths);
  return {
    root,
    files,
    read(path) {
      const cached = cache.get(path);
      if (cached !== undefined) return cached ?? undefined;
      const text = readText(join(root, path));
      cache.set(path, text ?? null);
      return text;
    },
    fileChanged(path, exists) {
      cache.delete(path);
      if (exists) files.add(path);
      else files.delete(path);
    },
  };
}

export async function listRepoFiles(root: string, git: boolean): Promise<RepoFiles> {
  let paths = git ? await gitFiles(root) : undefined;
  if (!paths) {
    paths = [];
    walk(root, root, paths);
  }
  return createRepoFiles(root, paths);
}
