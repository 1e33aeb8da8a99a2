/**
 * Git around an edit (Aider's auto-commit and /undo): the user's own uncommitted changes in the
 * touched files are committed first (or the edit is refused), the AI edit becomes exactly one
 * commit carrying the trailer `Edited-by: inline`, and undo removes that commit only while it is
 * still HEAD, was made by inline, was not pushed, and its files were not changed since. Every
 * git command names its paths, so other staged or unstaged work is never touched.
 * Outside a repository the edit is applied without a commit.
 */
import { rmSync } from 'node:fs';
import { simpleGit, type SimpleGit } from 'simple-git';
import { applyPlan } from './apply.js';
import { EditError } from './errors.js';
import type { EditPlan } from './types.js';
import { writeAllOrNothing, type WriteHooks } from './write.js';

export const EDIT_TRAILER = 'Edited-by: inline';
const SUBJECT_LIMIT = 72;

export interface CommitOptions {
  /** The user's request or the answer's summary; the commit subject is made from its first line. */
  summary: string;
  /** What to do with the user's own uncommitted changes in the files the edit touches. */
  dirty: 'commit' | 'refuse';
  hooks?: WriteHooks;
}

export interface CommittedEdit {
  changed: string[];
  /** The edit's commit, or undefined outside a git repository (or when nothing changed). */
  commit?: string;
  /** The commit that saved the user's own changes first, when there was one. */
  savedCommit?: string;
}

interface Repository {
  git: SimpleGit;
  /** Path of the edit root inside the repository ('' or ending in '/'). */
  prefix: string;
}

async function openRepository(root: string): Promise<Repository | undefined> {
  const git = simpleGit({ baseDir: root });
  try {
    if (!(await git.checkIsRepo())) return undefined;
    const top = (await git.revparse(['--show-toplevel'])).trim();
    const prefix = (await git.revparse(['--show-prefix'])).trim();
    return { git: simpleGit({ baseDir: top }), prefix };
  } catch {
    return undefined;
  }
}

async function runGit(git: SimpleGit, args: string[], what: string): Promise<string> {
  try {
    return await git.raw(args);
  } catch (error) {
    throw new EditError('git-failed', `git could not ${what}: ${(error as Error).message.trim()}`, [], { cause: error });
  }
}

/** Repository-relative paths (of `paths`) with uncommitted changes, untracked files included. */
async function dirtyPaths(git: SimpleGit, paths: string[]): Promise<string[]> {
  if (paths.length === 0) return [];
  const status = await runGit(git, ['status', '--porcelain=v1', '-z', '--untracked-files=all', '--', ...paths], 'read the status');
  const dirty: string[] = [];
  const fields = status.split('\0');
  for (let i = 0; i < fields.length; i++) {
    const entry = fields[i]!;
    if (entry.length < 4) continue;
    dirty.push(entry.slice(3));
    // A rename entry is followed by its source path.
    if (entry[0] === 'R' || entry[0] === 'C') i++;
  }
  return dirty;
}

/** A commit subject of at most 72 characters from the first non-empty line of `text`. */
export function commitSubject(text: string, fallback: string): string {
  const line = text.split(/\r?\n/).map((l) => l.replace(/\s+/g, ' ').trim()).find((l) => l !== '') ?? fallback;
  const subject = line.replace(/[.:]+$/, '');
  if (subject.length <= SUBJECT_LIMIT) return subject;
  const cut = subject.slice(0, SUBJECT_LIMIT - 3);
  const space = cut.lastIndexOf(' ');
  return `${space > 40 ? cut.slice(0, space) : cut}...`;
}

function listFiles(paths: string[]): string {
  if (paths.length <= 2) return paths.join(' and ');
  return `${paths[0]} and ${paths.length - 1} more files`;
}

async function hasHead(git: SimpleGit): Promise<boolean> {
  try {
    await git.raw(['rev-parse', '--verify', '-q', 'HEAD']);
    return true;
  } catch {
    return false;
  }
}

async function commitPaths(git: SimpleGit, paths: string[], message: string): Promise<string> {
  await runGit(git, ['add', '-A', '--', ...paths], 'stage the files');
  await runGit(git, ['commit', '-q', '-m', message, '--', ...paths], 'commit');
  return (await runGit(git, ['rev-parse', 'HEAD'], 'read HEAD')).trim();
}

/** Puts the plan's files back to their planned-from content (removing the ones it created). */
function restoreBefore(plan: EditPlan): void {
  const existing = plan.files.filter((file) => file.before !== undefined);
  writeAllOrNothing(existing.map((file) => ({ absolutePath: file.absolutePath, before: file.after, after: file.before! })));
  for (const file of plan.files) if (file.before === undefined) rmSync(file.absolutePath, { force: true });
}

/** Applies a plan and records it as one git commit (see the module comment). */
export async function applyAndCommit(plan: EditPlan, options: CommitOptions): Promise<CommittedEdit> {
  const repository = await openRepository(plan.root);
  if (!repository) return { changed: applyPlan(plan, options.hooks).changed };
  if (plan.files.length === 0) return { changed: [] };
  const { git, prefix } = repository;
  const repoPaths = plan.files.map((file) => prefix + file.path);

  let savedCommit: string | undefined;
  const dirty = await dirtyPaths(git, repoPaths);
  if (dirty.length > 0) {
    if (options.dirty === 'refuse') {
      throw new EditError(
        'dirty-files',
        `You have uncommitted changes in ${dirty.join(', ')}. Commit or discard them first, or allow inline to commit them before the edit.`,
        dirty,
      );
    }
    savedCommit = await commitPaths(git, dirty, `inline: save your changes to ${listFiles(dirty)} before an AI edit`);
  }

  const { changed } = applyPlan(plan, options.hooks);
  const subject = commitSubject(options.summary, `inline: edit ${listFiles(changed)}`);
  try {
    const commit = await commitPaths(git, repoPaths, `${subject}\n\n${EDIT_TRAILER}\n`);
    return { changed, commit, ...(savedCommit ? { savedCommit } : {}) };
  } catch (error) {
    // No commit, no edit: put the files back so the user is not left with an unrecorded change.
    if (await hasHead(git)) await git.raw(['reset', '-q', '--', ...repoPaths]).catch(() => undefined);
    restoreBefore(plan);
    throw error;
  }
}

export interface UndoOptions {
  /** The commit the caller's last edit made; undo refuses if HEAD is anything else. */
  expectedHead?: string;
}

export interface UndoneEdit {
  /** The commit that was removed. */
  commit: string;
  subject: string;
  /** Repository-relative paths restored to their previous content. */
  files: string[];
}

function refuse(message: string, paths: string[] = []): never {
  throw new EditError('undo-refused', message, paths);
}

/** Removes the last inline edit commit and restores its files; refuses with the reason otherwise. */
export async function undoLastEdit(root: string, options: UndoOptions = {}): Promise<UndoneEdit> {
  const repository = await openRepository(root);
  if (!repository) throw new EditError('needs-git', `Undo needs git: ${root} is not inside a git repository.`);
  const { git } = repository;
  if (!(await hasHead(git))) refuse('There is no commit to undo.');
  const head = (await runGit(git, ['rev-parse', 'HEAD'], 'read HEAD')).trim();
  const subject = (await runGit(git, ['log', '-1', '--format=%s', 'HEAD'], 'read HEAD')).trim();
  const short = head.slice(0, 10);
  if (options.expectedHead && !head.startsWith(options.expectedHead)) {
    refuse(`HEAD moved: it is now ${short} "${subject}", not the edit ${options.expectedHead.slice(0, 10)}. Undo only reverts an edit that is still the last commit.`);
  }
  const trailers = await runGit(git, ['log', '-1', '--format=%(trailers:key=Edited-by,valueonly)', 'HEAD'], 'read HEAD');
  if (!trailers.split('\n').some((value) => value.trim() === 'inline')) {
    refuse(`HEAD ${short} "${subject}" was not made by inline (it has no "${EDIT_TRAILER}" trailer); undo leaves it alone.`);
  }
  const parents = (await runGit(git, ['rev-list', '--parents', '-n', '1', 'HEAD'], 'read HEAD')).trim().split(' ');
  if (parents.length !== 2) refuse(`HEAD ${short} is ${parents.length === 1 ? 'the first commit' : 'a merge'}; undo cannot remove it.`);
  const remotes = (await runGit(git, ['branch', '-r', '--contains', 'HEAD'], 'list remote branches')).trim();
  if (remotes !== '') refuse(`HEAD ${short} is already pushed (${remotes.split('\n')[0]!.trim()}); undoing it would rewrite shared history. Use git revert instead.`);

  const changes = (await runGit(git, ['diff-tree', '--no-commit-id', '--name-status', '-r', '-z', '--no-renames', 'HEAD'], 'list the edit')).split('\0').filter((f) => f !== '');
  const added: string[] = [];
  const others: string[] = [];
  for (let i = 0; i + 1 < changes.length; i += 2) (changes[i] === 'A' ? added : others).push(changes[i + 1]!);
  const files = [...others, ...added];
  const dirty = await dirtyPaths(git, files);
  if (dirty.length > 0) refuse(`${dirty.join(', ')} changed since the edit; commit or discard those changes before undoing it.`, dirty);

  if (others.length > 0) await runGit(git, ['restore', '--source=HEAD~1', '--staged', '--worktree', '--', ...others], 'restore the files');
  if (added.length > 0) await runGit(git, ['rm', '-q', '-f', '--', ...added], 'remove the created files');
  await runGit(git, ['reset', '-q', '--soft', 'HEAD~1'], 'remove the edit commit');
  return { commit: head, subject, files };
}
