/**
 * The diff a review looks at: staged changes, the working tree's unstaged changes, or a revision
 * range, read from git with a few lines of context. Each file keeps its added lines with their
 * line numbers in the new file (for the secret scanner and for comments) and the line ranges its
 * hunks show (a model's comment must point into one of them).
 */
import { execFile } from 'node:child_process';
import { PINNED_DIFF_OPTIONS, unquoteGitPath } from '../../secrets/git.js';

export type DiffSource = { kind: 'staged' } | { kind: 'working-tree' } | { kind: 'range'; range: string };

export interface AddedLine {
  /** 1-based, in the new version of the file. */
  line: number;
  text: string;
}

export interface DiffFile {
  path: string;
  added: AddedLine[];
  /** New-file line ranges the hunks cover, 1-based and inclusive. */
  hunks: Array<{ start: number; end: number }>;
}

export interface ReviewDiff {
  source: DiffSource;
  /** The unified diff as git printed it. */
  text: string;
  files: DiffFile[];
}

/** Git failed or the range is unusable: the user must act, so exit code 2. */
export class ReviewDiffError extends Error {
  readonly exitCode = 2 as const;
  constructor(message: string) {
    super(message);
    this.name = 'ReviewDiffError';
  }
}

/** Three lines of context, as a reviewer reads a diff; the rest pinned as for the secret scan. */
const DIFF_ARGS = ['-U3', ...PINNED_DIFF_OPTIONS];
const MAX_DIFF_BYTES = 64 * 1024 * 1024;

function git(root: string, args: string[]): Promise<string> {
  return new Promise((done, fail) => {
    execFile('git', args, { cwd: root, maxBuffer: MAX_DIFF_BYTES, encoding: 'utf8' }, (error, stdout, stderr) => {
      if (!error) return done(stdout);
      const missing = (error as NodeJS.ErrnoException).code === 'ENOENT';
      const detail = String(stderr).trim().split('\n').filter(Boolean).slice(0, 3).join('; ');
      fail(new ReviewDiffError(missing ? 'git is not installed or not on PATH' : `git ${args[0]} failed: ${detail || error.message}`));
    });
  });
}

export function diffArgs(source: DiffSource): string[] {
  if (source.kind === 'staged') return ['diff', '--cached', ...DIFF_ARGS, '--'];
  if (source.kind === 'working-tree') return ['diff', ...DIFF_ARGS, '--'];
  const range = source.range.trim();
  // A leading dash would be read by git as an option (e.g. --output=FILE).
  if (range === '' || range.startsWith('-')) throw new ReviewDiffError(`"${source.range}" is not a revision range; write e.g. main..HEAD or HEAD~3`);
  return ['diff', ...DIFF_ARGS, '--end-of-options', range, '--'];
}

export async function readDiff(root: string, source: DiffSource): Promise<ReviewDiff> {
  const text = await git(root, diffArgs(source));
  return { source, text, files: parseUnifiedDiff(text) };
}

/** Parses `git diff` output (not combined diffs) into files with added lines and hunk ranges. */
export function parseUnifiedDiff(text: string): DiffFile[] {
  const files: DiffFile[] = [];
  let current: DiffFile | undefined;
  let next = 0;
  let inHunk = false;
  for (const line of text.split('\n')) {
    if (inHunk && /^[+\- \\]/.test(line)) {
      if (line.startsWith('+')) {
        current?.added.push({ line: next, text: line.slice(1) });
        next++;
      } else if (line.startsWith(' ')) next++;
      continue;
    }
    inHunk = false;
    if (line.startsWith('diff ')) current = undefined;
    else if (line.startsWith('+++ ')) {
      const target = unquoteGitPath(line.slice(4));
      // `/dev/null` is a deletion: nothing in the new tree to comment on.
      current = target.startsWith('b/') ? { path: target.slice(2), added: [], hunks: [] } : undefined;
      if (current) files.push(current);
    } else if (line.startsWith('@@')) {
      const header = /^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@/.exec(line);
      if (!header) continue;
      next = Number(header[1]);
      const count = header[2] === undefined ? 1 : Number(header[2]);
      if (current && count > 0) current.hunks.push({ start: next, end: next + count - 1 });
      inHunk = true;
    }
  }
  return files;
}

/** True when `file:line` is a line the diff shows (added or context). */
export function diffShows(files: readonly DiffFile[], file: string, line: number): boolean {
  return files.some((f) => f.path === file && f.hunks.some((h) => line >= h.start && line <= h.end));
}
