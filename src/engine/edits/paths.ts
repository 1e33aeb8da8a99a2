/**
 * Decides whether a model may write a path, and where that really is. Refused: anything outside
 * the repository root (absolute or through `..`), anything whose real location (symlinks
 * resolved, for a new file via its nearest existing parent) is outside the root, anything in
 * `.git/`, and secret files by the same rules the indexer uses to never read them.
 */
import { lstatSync, realpathSync, statSync } from 'node:fs';
import { basename, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { isSecretPath } from '../../index/walk.js';

export type PathResolution =
  | { ok: true; path: string; absolutePath: string; exists: boolean }
  | { ok: false; path: string; reason: string };

function toPosix(path: string): string {
  return path.split(sep).join('/');
}

function escapes(rel: string): boolean {
  return rel === '..' || rel.startsWith(`..${sep}`) || isAbsolute(rel);
}

function forbiddenReason(rel: string): string | undefined {
  const parts = toPosix(rel).split('/');
  if (parts.some((part) => part.toLowerCase() === '.git')) return 'it is inside .git/';
  if (isSecretPath(toPosix(rel))) return 'it is a secret file (credentials are never edited)';
  return undefined;
}

/** The deepest existing ancestor of `absolute` (itself included) and the missing rest. */
function nearestExisting(absolute: string): { existing: string; rest: string[] } {
  const rest: string[] = [];
  let current = absolute;
  for (;;) {
    try {
      lstatSync(current);
      return { existing: current, rest };
    } catch {
      const parent = resolve(current, '..');
      if (parent === current) return { existing: current, rest };
      rest.unshift(basename(current));
      current = parent;
    }
  }
}

/** Resolves a path from a model's answer against the repository root. */
export function resolveEditPath(root: string, requested: string): PathResolution {
  const path = requested.trim().replace(/\\/g, '/');
  if (path === '' || path.includes('\0')) return { ok: false, path: requested, reason: 'the path is empty or invalid' };
  const realRoot = realpathSync(root);
  // An absolute path is accepted when it lies inside the root as given or as resolved.
  const rel = isAbsolute(path)
    ? [relative(realRoot, resolve(path)), relative(resolve(root), resolve(path))].find((candidate) => candidate !== '' && !escapes(candidate)) ?? '..'
    : relative(realRoot, resolve(realRoot, path));
  if (rel === '' || escapes(rel)) return { ok: false, path, reason: 'it is outside the repository' };
  const lexical = forbiddenReason(rel);
  if (lexical) return { ok: false, path, reason: lexical };

  const { existing, rest } = nearestExisting(join(realRoot, rel));
  let realExisting: string;
  try {
    realExisting = realpathSync(existing);
  } catch {
    return { ok: false, path, reason: 'it goes through a broken symlink' };
  }
  const realPath = rest.length === 0 ? realExisting : join(realExisting, ...rest);
  const realRel = relative(realRoot, realPath);
  if (realRel === '' || escapes(realRel)) return { ok: false, path, reason: 'it leads outside the repository through a symlink' };
  const real = forbiddenReason(realRel);
  if (real) return { ok: false, path, reason: `it leads through a symlink to ${toPosix(realRel)}, and ${real}` };
  const exists = rest.length === 0;
  if (exists && statSync(realPath).isDirectory()) return { ok: false, path, reason: 'it is a directory' };
  if (!exists) {
    try {
      if (!statSync(realExisting).isDirectory()) return { ok: false, path, reason: `${toPosix(relative(realRoot, realExisting))} is a file, not a directory` };
    } catch {
      return { ok: false, path, reason: 'its parent directory cannot be read' };
    }
  }
  // Writes go to the real file so that a symlink inside the repository stays a symlink.
  return { ok: true, path: toPosix(rel), absolutePath: realPath, exists };
}
