/**
 * The set of files of a repository that the context engine may read: tracked and untracked
 * but not ignored files inside git, a plain walk outside it. Paths are repository-relative with
 * forward slashes.
 */
import { execFile } from 'node:child_process';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join, relative, sep } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface RepoFiles {
  root: string;
  files: ReadonlySet<string>;
  /** File text, or undefined when it cannot be read or is not text. */
  read(path: string): string | undefined;
}

const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules', '.inline', 'dist', 'build', 'target', '__pycache__', '.venv', 'venv']);
const MAX_FILE_BYTES = 1024 * 1024;

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

export function createRepoFiles(root: string, paths: Iterable<string>): RepoFiles {
  const cache = new Map<string, string | undefined>();
  return {
    root,
    files: new Set(paths),
    read(path) {
      if (cache.has(path)) return cache.get(path);
      let text: string | undefined;
      try {
        const full = join(root, path);
        if (statSync(full).size <= MAX_FILE_BYTES) {
          const buffer = readFileSync(full);
          // A NUL byte in the first 8 KiB is the usual sign of a binary file.
          text = buffer.subarray(0, 8192).includes(0) ? undefined : buffer.toString('utf8');
        }
      } catch {
        text = undefined;
      }
      cache.set(path, text);
      return text;
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
