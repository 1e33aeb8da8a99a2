import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { applyAndCommit, EditError, planEdits, undoLastEdit } from '../../../src/engine/edits/index.js';
import { git, makeTempRepo, type TempRepo } from '../../support/cli.js';

const repos: TempRepo[] = [];
afterEach(() => {
  for (const repo of repos.splice(0)) repo.cleanup();
});

async function repoWithCommit(useGit = true): Promise<TempRepo> {
  const repo = await makeTempRepo({ git: useGit });
  repos.push(repo);
  repo.write('a.txt', 'one\ntwo\nthree\n');
  repo.write('b.txt', 'bee\n');
  if (useGit) {
    await git(repo, 'config', 'user.name', 'Test User');
    await git(repo, 'config', 'user.email', 'test@example.com');
    await git(repo, 'add', '.');
    await git(repo, 'commit', '-q', '-m', 'initial');
  }
  return repo;
}

const EDIT_A = 'a.txt\n```\n<<<<<<< SEARCH\ntwo\n=======\nTWO\n>>>>>>> REPLACE\n```\n';
const NEW_FILE = 'c.txt\n```\n<<<<<<< SEARCH\n=======\nsee\n>>>>>>> REPLACE\n```\n';

function plan(repo: TempRepo, answer: string) {
  return planEdits(answer, { root: repo.root, format: 'search-replace' });
}

const read = (repo: TempRepo, path: string) => readFileSync(join(repo.root, path), 'utf8');

describe('applyAndCommit', () => {
  it('makes exactly one commit with the subject and the Edited-by trailer', async () => {
    const repo = await repoWithCommit();
    const result = await applyAndCommit(plan(repo, EDIT_A + NEW_FILE), { summary: 'Capitalise two and add c.txt.\nMore detail.', dirty: 'refuse' });
    expect(result.changed).toEqual(['a.txt', 'c.txt']);
    expect(result.savedCommit).toBeUndefined();
    expect(await git(repo, 'rev-list', '--count', 'HEAD')).toBe('2');
    expect(await git(repo, 'log', '-1', '--format=%H')).toBe(result.commit);
    expect((await git(repo, 'log', '-1', '--format=%B')).trim()).toBe('Capitalise two and add c.txt\n\nEdited-by: inline');
    expect((await git(repo, 'show', '--name-only', '--format=', 'HEAD')).split('\n')).toEqual(['a.txt', 'c.txt']);
    expect(await git(repo, 'status', '--porcelain')).toBe('');
  });

  it('cuts a long summary to a subject of at most 72 characters', async () => {
    const repo = await repoWithCommit();
    await applyAndCommit(plan(repo, EDIT_A), { summary: `Please ${'rework the numbering of the list '.repeat(5)}`, dirty: 'refuse' });
    const subject = await git(repo, 'log', '-1', '--format=%s');
    expect(subject.length).toBeLessThanOrEqual(72);
    expect(subject.startsWith('Please rework the numbering')).toBe(true);
  });

  it('commits the user\'s own changes to a touched file first, separately', async () => {
    const repo = await repoWithCommit();
    repo.write('a.txt', 'one\ntwo\nthree\nfour (mine)\n');
    repo.write('b.txt', 'bee (also mine, not touched by the edit)\n');
    const result = await applyAndCommit(plan(repo, EDIT_A), { summary: 'Capitalise two', dirty: 'commit' });
    expect(result.savedCommit).toBeDefined();
    expect(await git(repo, 'log', '-1', '--format=%s', result.savedCommit!)).toBe('inline: save your changes to a.txt before an AI edit');
    expect(await git(repo, 'show', `${result.savedCommit}:a.txt`)).toBe('one\ntwo\nthree\nfour (mine)');
    expect(await git(repo, 'show', 'HEAD:a.txt')).toBe('one\nTWO\nthree\nfour (mine)');
    expect(await git(repo, 'rev-list', '--count', 'HEAD')).toBe('3');
    // The untouched file's changes are left alone, uncommitted.
    expect(await git(repo, 'status', '--porcelain')).toBe(' M b.txt');
  });

  it('refuses with a clear error when the user has changes and dirty is "refuse"', async () => {
    const repo = await repoWithCommit();
    repo.write('a.txt', 'one\ntwo\nthree\nmine\n');
    const planned = plan(repo, EDIT_A);
    const error = await applyAndCommit(planned, { summary: 'x', dirty: 'refuse' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(EditError);
    expect((error as EditError).code).toBe('dirty-files');
    expect((error as EditError).message).toContain('a.txt');
    expect(read(repo, 'a.txt')).toBe('one\ntwo\nthree\nmine\n');
    expect(await git(repo, 'rev-list', '--count', 'HEAD')).toBe('1');
  });

  it('leaves other staged work out of the edit commit', async () => {
    const repo = await repoWithCommit();
    repo.write('b.txt', 'staged by the user\n');
    await git(repo, 'add', 'b.txt');
    await applyAndCommit(plan(repo, EDIT_A), { summary: 'edit a', dirty: 'refuse' });
    expect((await git(repo, 'show', '--name-only', '--format=', 'HEAD')).trim()).toBe('a.txt');
    expect(await git(repo, 'status', '--porcelain')).toBe('M  b.txt');
  });

  it('applies without a commit outside a git repository', async () => {
    const repo = await repoWithCommit(false);
    const result = await applyAndCommit(plan(repo, EDIT_A), { summary: 'edit a', dirty: 'refuse' });
    expect(result).toEqual({ changed: ['a.txt'] });
    expect(read(repo, 'a.txt')).toBe('one\nTWO\nthree\n');
  });
});

describe('undoLastEdit', () => {
  it('removes exactly the edit commit and restores its files, created ones included', async () => {
    const repo = await repoWithCommit();
    repo.write('b.txt', 'unrelated work in progress\n');
    const { commit } = await applyAndCommit(plan(repo, EDIT_A + NEW_FILE), { summary: 'edit', dirty: 'refuse' });
    const undone = await undoLastEdit(repo.root, { expectedHead: commit! });
    expect(undone.commit).toBe(commit);
    expect(undone.files.sort()).toEqual(['a.txt', 'c.txt']);
    expect(read(repo, 'a.txt')).toBe('one\ntwo\nthree\n');
    expect(() => read(repo, 'c.txt')).toThrow();
    expect(await git(repo, 'log', '--format=%s')).toBe('initial');
    expect(await git(repo, 'status', '--porcelain')).toBe(' M b.txt');
    expect(read(repo, 'b.txt')).toBe('unrelated work in progress\n');
  });

  it('refuses when HEAD moved past the edit', async () => {
    const repo = await repoWithCommit();
    const { commit } = await applyAndCommit(plan(repo, EDIT_A), { summary: 'edit', dirty: 'refuse' });
    repo.write('b.txt', 'later\n');
    await git(repo, 'commit', '-q', '-am', 'my own later commit');
    const error = (await undoLastEdit(repo.root, { expectedHead: commit! }).catch((e: unknown) => e)) as EditError;
    expect(error.code).toBe('undo-refused');
    expect(error.message).toContain('HEAD moved');
    // Without the expected hash the trailer check still protects the user's commit.
    const second = (await undoLastEdit(repo.root).catch((e: unknown) => e)) as EditError;
    expect(second.code).toBe('undo-refused');
    expect(second.message).toContain('not made by inline');
    expect(await git(repo, 'rev-list', '--count', 'HEAD')).toBe('3');
    expect(read(repo, 'a.txt')).toBe('one\nTWO\nthree\n');
  });

  it('refuses when HEAD is not an inline commit', async () => {
    const repo = await repoWithCommit();
    const error = (await undoLastEdit(repo.root).catch((e: unknown) => e)) as EditError;
    expect(error.code).toBe('undo-refused');
    expect(error.message).toContain('Edited-by: inline');
  });

  it('refuses when a file of the edit changed since', async () => {
    const repo = await repoWithCommit();
    await applyAndCommit(plan(repo, EDIT_A), { summary: 'edit', dirty: 'refuse' });
    repo.write('a.txt', 'hand edited after the AI\n');
    const error = (await undoLastEdit(repo.root).catch((e: unknown) => e)) as EditError;
    expect(error.code).toBe('undo-refused');
    expect(error.paths).toEqual(['a.txt']);
    expect(read(repo, 'a.txt')).toBe('hand edited after the AI\n');
  });

  it('says it needs git outside a repository', async () => {
    const repo = await repoWithCommit(false);
    const error = (await undoLastEdit(repo.root).catch((e: unknown) => e)) as EditError;
    expect(error.code).toBe('needs-git');
  });
});
