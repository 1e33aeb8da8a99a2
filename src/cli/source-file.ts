/** Reading the document a command works on: inside the repository, a regular text file. */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';
import { UsageError } from './usage-error.js';

export interface SourceFile {
  /** Repository-relative POSIX path. */
  path: string;
  text: string;
}

/** The repository-relative path of `file`, refusing anything outside `root` (symlinks resolved). */
export function repoPath(root: string, cwd: string, file: string): string {
  const absolute = resolve(cwd, file);
  // A document given on stdin may not exist yet: resolve its nearest existing directory instead.
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = resolve(realpathSync(existing), relative(existing, absolute));
  const rel = relative(realpathSync(root), real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new UsageError(`${file} is outside the repository root ${root}`);
  return rel.split(sep).join('/');
}

export function readSource(root: string, cwd: string, file: string): SourceFile {
  const absolute = resolve(cwd, file);
  let real: string;
  try {
    real = realpathSync(absolute);
  } catch {
    throw new UsageError(`${file} does not exist`);
  }
  if (!statSync(real).isFile()) throw new UsageError(`${file} is not a file`);
  const path = repoPath(root, cwd, file);
  const buffer = readFileSync(real);
  if (buffer.subarray(0, 8192).includes(0)) throw new UsageError(`${file} is a binary file`);
  return { path, text: buffer.toString('utf8') };
}
