import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/config/errors.js';
import { findRepoRoot, resolveRoot } from '../../src/config/root.js';

let tmp: string;

beforeEach(() => {
  tmp = fs.realpathSync(fs.mkdtempSync(path.join(os.tmpdir(), 'inline-root-')));
});

afterEach(() => {
  fs.rmSync(tmp, { recursive: true, force: true });
});

function rootError(explicit: string | undefined, cwd: string): ConfigError {
  try {
    resolveRoot(explicit, cwd);
  } catch (err) {
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).exitCode).toBe(2);
    return err as ConfigError;
  }
  throw new Error('expected resolveRoot to throw');
}

describe('findRepoRoot', () => {
  it('walks up from a nested directory to the .git directory', () => {
    const repo = path.join(tmp, 'repo');
    const nested = path.join(repo, 'src', 'deep', 'er');
    fs.mkdirSync(nested, { recursive: true });
    fs.mkdirSync(path.join(repo, '.git'));
    expect(findRepoRoot(nested)).toEqual({ root: repo, git: true });
    expect(findRepoRoot(repo)).toEqual({ root: repo, git: true });
  });

  it('accepts a .git file, as in worktrees and submodules', () => {
    const outer = path.join(tmp, 'outer');
    const sub = path.join(outer, 'vendor', 'sub');
    fs.mkdirSync(path.join(sub, 'lib'), { recursive: true });
    fs.mkdirSync(path.join(outer, '.git'));
    fs.writeFileSync(path.join(sub, '.git'), 'gitdir: ../../.git/modules/sub\n');
    // The nearest marker wins, so a submodule is its own root.
    expect(findRepoRoot(path.join(sub, 'lib'))).toEqual({ root: sub, git: true });
  });

  it('falls back to the resolved start directory outside a repository', () => {
    const dir = path.join(tmp, 'plain', 'dir');
    fs.mkdirSync(dir, { recursive: true });
    // os.tmpdir() is normally not inside a git checkout; skip the claim if it is.
    const expected = findRepoRoot(tmp).git ? findRepoRoot(tmp) : { root: dir, git: false };
    expect(findRepoRoot(path.join(dir, '.', 'x', '..'))).toEqual(expected);
  });
});

describe('resolveRoot', () => {
  it('discovers the root from cwd when not given', () => {
    const repo = path.join(tmp, 'repo');
    fs.mkdirSync(path.join(repo, '.git'), { recursive: true });
    fs.mkdirSync(path.join(repo, 'a'));
    expect(resolveRoot(undefined, path.join(repo, 'a'))).toEqual({ root: repo, git: true });
  });

  it('uses an explicit root as given, resolved against cwd', () => {
    const repo = path.join(tmp, 'repo');
    const inner = path.join(repo, 'packages', 'x');
    fs.mkdirSync(inner, { recursive: true });
    fs.mkdirSync(path.join(repo, '.git'));
    expect(resolveRoot('packages/x', repo)).toEqual({ root: inner, git: false });
    expect(resolveRoot('..', inner)).toEqual({ root: path.join(repo, 'packages'), git: false });
    expect(resolveRoot(repo, '/')).toEqual({ root: repo, git: true });
  });

  it('rejects a missing directory, naming --root', () => {
    const e = rootError('nope', tmp);
    expect(e.message).toBe(`--root ${path.join(tmp, 'nope')}: no such directory`);
    expect(e.file).toBe('flag --root');
  });

  it('rejects a file, naming --root', () => {
    fs.writeFileSync(path.join(tmp, 'file.txt'), '');
    const e = rootError('file.txt', tmp);
    expect(e.message).toBe(`--root ${path.join(tmp, 'file.txt')}: not a directory`);
  });

  it('rejects an empty --root', () => {
    expect(rootError('', tmp).message).toContain('--root');
  });

  it('rejects a path through a file, naming --root', () => {
    fs.writeFileSync(path.join(tmp, 'file.txt'), '');
    expect(rootError('file.txt/sub', tmp).message).toContain(`--root ${path.join(tmp, 'file.txt', 'sub')}`);
  });
});
