/**
 * Reading the document a command works on: inside the repository (symlinks resolved), a regular
 * text file. Failures are the user's to fix; `fail` makes the caller's error type for them.
 */
import { existsSync, readFileSync, realpathSync, statSync } from 'node:fs';
import { dirname, isAbsolute, relative, resolve, sep } from 'node:path';

export interface SourceFile {
  /** Repository-relative POSIX path. */
  path: string;
  text: string;
}

/** The repository-relative path of `file`, refusing anything outside `root` (symlinks resolved). */
export type Fail = (message: string) => Error;

export function repoPath(root: string, cwd: string, file: string, fail: Fail): string {
  const absolute = resolve(cwd, file);
  // A document given on stdin may not exist yet: resolve its nearest existing directory instead.
  let existing = absolute;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  const real = resolve(realpathSync(existing), relative(existing, absolute));
  const rel = relative(realpathSync(root), real);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw fail(`${file} is outside the repository root ${root}`);
  return rel.split(sep).join('/');
}

export function readSource(root: string, cwd: string, file: string, fail: Fail): SourceFile {
  let real: string;
  try {
    real = realpathSync(resolve(cwd, file));
  } catch {
    throw fail(`${file} does not exist`);
  }
  const path = repoPath(root, cwd, file, fail);
  if (!statSync(real).isFile()) throw fail(`${file} is not a file`);
  const buffer = readFileSync(real);
  if (buffer.subarray(0, 8192).includes(0)) throw fail(`${file} is a binary file`);
  return { path, text: buffer.toString('utf8') };
}
