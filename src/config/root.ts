// Repository root discovery. Runs on every start-up, so it only stats paths:
// spawning `git rev-parse` would cost tens of milliseconds.

import fs from 'node:fs';
import path from 'node:path';
import { ConfigError } from './errors.js';

export interface RepoRoot {
  root: string;
  git: boolean;
}

// `.git` is a directory in a normal clone but a file ("gitdir: ...") in
// worktrees and submodules; either marks the top of a working tree.
function hasGitEntry(dir: string): boolean {
  try {
    return fs.statSync(path.join(dir, '.git'), { throwIfNoEntry: false }) !== undefined;
  } catch {
    // An unsearchable ancestor (EACCES) just means "not a repository here".
    return false;
  }
}

export function findRepoRoot(start: string): RepoRoot {
  const origin = path.resolve(start);
  let dir = origin;
  for (;;) {
    if (hasGitEntry(dir)) return { root: dir, git: true };
    const parent = path.dirname(dir);
    if (parent === dir) return { root: origin, git: false };
    dir = parent;
  }
}

export function resolveRoot(explicit: string | undefined, cwd: string): RepoRoot {
  if (explicit === undefined) return findRepoRoot(cwd);
  if (explicit.trim() === '') {
    throw new ConfigError('--root needs a directory path, got an empty string', {
      file: 'flag --root',
      key: 'root',
      expected: 'an existing directory',
    });
  }
  const root = path.resolve(cwd, explicit);
  let stat: fs.Stats | undefined;
  try {
    stat = fs.statSync(root, { throwIfNoEntry: false });
  } catch (err) {
    // EACCES or ENOTDIR on a parent: still the user's path that is wrong.
    throw new ConfigError(`--root ${root}: cannot access directory: ${(err as Error).message}`, {
      file: 'flag --root',
      key: 'root',
      expected: 'an existing directory',
    });
  }
  if (!stat) {
    throw new ConfigError(`--root ${root}: no such directory`, {
      file: 'flag --root',
      key: 'root',
      expected: 'an existing directory',
    });
  }
  if (!stat.isDirectory()) {
    throw new ConfigError(`--root ${root}: not a directory`, {
      file: 'flag --root',
      key: 'root',
      expected: 'an existing directory',
    });
  }
  // An explicit root is taken as given, even inside a larger repository.
  return { root, git: hasGitEntry(root) };
}
