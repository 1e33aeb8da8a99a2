/** The scanner's text sources: diffs, history, the working tree and stdin, against real git repositories. */
import { mkdirSync, symlinkSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { Readable } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { execa } from 'execa';
import {
  history,
  PatchParser,
  ScanSourceError,
  stagedChanges,
  stdinText,
  unquoteGitPath,
  unstagedChanges,
  workingTree,
  type ScanSource,
} from '../../src/secrets/git.js';
import { scanText } from '../../src/secrets/scan.js';
import { makeTempRepo, type TempRepo } from '../support/cli.js';
import { awsKeyId, githubToken, makeSecretRepo, NOTES, unitRules, type SecretRepo } from './fixture.js';

const { rules, aws, github } = unitRules();

interface Found {
  rule: string;
  file: string;
  line: number;
  commit?: string;
  author?: string;
  date?: string;
}

async function drain(sources: AsyncIterable<ScanSource>): Promise<ScanSource[]> {
  const out: ScanSource[] = [];
  for await (const source of sources) out.push(source);
  return out;
}

/** What the CLI does with each source: scan the text, then place findings at their real lines. */
async function findings(sources: AsyncIterable<ScanSource>): Promise<Found[]> {
  const out: Found[] = [];
  for (const source of await drain(sources)) {
    for (const f of scanText(source.text, { path: source.path, rules })) {
      const found: Found = { rule: f.rule, file: f.file, line: source.lineOffset ? source.lineOffset(f.line) : f.line };
      if (source.commit) Object.assign(found, { commit: source.commit, author: source.author, date: source.date });
      out.push(found);
    }
  }
  return out;
}

function parse(patch: string): ScanSource[] {
  const parser = new PatchParser();
  const out: ScanSource[] = [];
  for (const line of patch.split('\n')) {
    const source = parser.feed(line);
    if (source) out.push(source);
  }
  const last = parser.end();
  if (last) out.push(last);
  return out;
}

const lines = (source: ScanSource) => source.text.split('\n').map((_, i) => source.lineOffset?.(i + 1) ?? i + 1);

describe('PatchParser', () => {
  it('keeps only added lines, each mapped to its line in the new file, across hunks', () => {
    const [source, ...rest] = parse(
      ['diff --git a/app.js b/app.js', 'index 1..2 100644', '--- a/app.js', '+++ b/app.js', '@@ -2 +2 @@ function x', '-old', '+new', '@@ -10,0 +11,2 @@', '+++ not a header', '+last', '\\ No newline at end of file'].join('\n'),
    );
    expect(rest).toEqual([]);
    expect(source).toMatchObject({ path: 'app.js', text: 'new\n++ not a header\nlast' });
    expect(lines(source!)).toEqual([2, 11, 12]);
  });

  it('skips binary files, deletions and pure renames', () => {
    const patch = [
      'diff --git a/logo.png b/logo.png',
      'new file mode 100644',
      'Binary files /dev/null and b/logo.png differ',
      'diff --git a/gone.txt b/gone.txt',
      'deleted file mode 100644',
      '--- a/gone.txt',
      '+++ /dev/null',
      '@@ -1,2 +0,0 @@',
      '-a',
      '-+b',
      'diff --git a/old.txt b/new.txt',
      'similarity index 100%',
      'rename from old.txt',
      'rename to new.txt',
    ].join('\n');
    expect(parse(patch)).toEqual([]);
  });

  it('reads quoted and space-bearing paths', () => {
    expect(unquoteGitPath('"b/\\303\\274n\\303\\257 \\"q\\".txt"')).toBe('b/ünï "q".txt');
    expect(unquoteGitPath('b/with space.txt\t')).toBe('b/with space.txt');
    expect(unquoteGitPath('"b/caf\\303\\251 notes.md"\t')).toBe('b/café notes.md');
    const sources = parse(['diff --git "a/caf\\303\\251.txt" "b/caf\\303\\251.txt"', '--- /dev/null', '+++ "b/caf\\303\\251.txt"', '@@ -0,0 +1 @@', '+x'].join('\n'));
    expect(sources.map((s) => s.path)).toEqual(['café.txt']);
  });

  it('takes from a combined diff only the lines new against every parent', () => {
    const patch = ['\u0000abc\u0000Ann\u0000ann@example.com\u00002024-01-01T00:00:00Z', '', 'diff --cc f.txt', '--- a/f.txt', '+++ b/f.txt', '@@@ -1,1 -1,1 +1,3 @@@', '- ours', ' -theirs', '+ from-theirs', '++evil', ' +from-ours'].join('\n');
    const [source] = parse(patch);
    expect(source).toMatchObject({ path: 'f.txt', text: 'evil', commit: 'abc', author: 'Ann <ann@example.com>', date: '2024-01-01T00:00:00Z' });
    expect(lines(source!)).toEqual([2]);
  });
});

describe('git sources (fixture repository)', () => {
  let repo: SecretRepo;
  beforeAll(async () => {
    repo = await makeSecretRepo();
  });
  afterAll(() => repo.cleanup());

  const by = (commit: string) => ({ commit, author: 'Ada Lovelace <ada@example.com>' });

  it('stagedChanges: the added lines of the index, at their line in the file', async () => {
    const sources = await drain(stagedChanges(repo.root));
    expect(sources.map((s) => s.path)).toEqual(['staged.js']);
    expect(await findings(stagedChanges(repo.root))).toEqual([{ rule: github, file: 'staged.js', line: 2 }]);
  });

  it('unstagedChanges: the edit not yet staged', async () => {
    expect(await findings(unstagedChanges(repo.root))).toEqual([{ rule: aws, file: 'app.js', line: 3 }]);
  });

  it('history: secrets removed later and in deleted files, with commit, author and date; not other branches', async () => {
    expect(await findings(history(repo.root))).toEqual([
      { rule: github, file: NOTES, line: 4, ...by(repo.commits.recent), date: '2024-01-04T10:00:00+00:00' },
      { rule: aws, file: 'config.js', line: 3, ...by(repo.commits.initial), date: '2024-01-01T10:00:00+00:00' },
      { rule: github, file: 'deploy/creds.txt', line: 2, ...by(repo.commits.initial), date: '2024-01-01T10:00:00+00:00' },
    ]);
  });

  it('history --all: also what only another branch holds', async () => {
    const found = await findings(history(repo.root, { all: true }));
    expect(found).toContainEqual({ rule: aws, file: 'feature.txt', line: 2, ...by(repo.commits.feature), date: '2024-01-03T10:00:00+00:00' });
    expect(found.map((f) => f.file).sort()).toEqual(['config.js', 'deploy/creds.txt', 'docs/café notes.md', 'feature.txt']);
  });

  it('history over a range', async () => {
    expect(await findings(history(repo.root, { range: 'HEAD~1..HEAD' }))).toEqual([
      { rule: github, file: NOTES, line: 4, ...by(repo.commits.recent), date: '2024-01-04T10:00:00+00:00' },
    ]);
    expect(await findings(history(repo.root, { range: `${repo.commits.initial}..${repo.commits.removal}` }))).toEqual([]);
  });

  it('history rejects a bad range with a git error, and anything that looks like an option', async () => {
    await expect(drain(history(repo.root, { range: 'no-such-branch..HEAD' }))).rejects.toThrow(ScanSourceError);
    await expect(drain(history(repo.root, { range: '--output=/tmp/x' }))).rejects.toThrow(/not a revision range/);
  });

  it('workingTree: ignores .gitignore\'d files and binaries but reads .env', async () => {
    expect(await findings(workingTree(repo.root, true))).toEqual([
      { rule: aws, file: '.env', line: 1 },
      { rule: aws, file: 'app.js', line: 3 },
      { rule: github, file: NOTES, line: 4 },
      { rule: github, file: 'staged.js', line: 2 },
    ]);
  });

  it('workingTree: only the given files and directories; an explicitly named ignored file is read', async () => {
    const found = await findings(workingTree(repo.root, true, ['docs', join(repo.root, '.env'), 'ignored.txt', 'docs/']));
    expect(found).toEqual([
      { rule: aws, file: '.env', line: 1 },
      { rule: github, file: 'ignored.txt', line: 1 },
      { rule: github, file: NOTES, line: 4 },
    ]);
  });

  it('workingTree: a path outside the root or missing is an error', async () => {
    await expect(drain(workingTree(repo.root, true, ['..']))).rejects.toThrow(/outside the repository root/);
    await expect(drain(workingTree(repo.root, true, ['/etc/hostname']))).rejects.toThrow(/outside the repository root/);
    await expect(drain(workingTree(repo.root, true, ['nope.txt']))).rejects.toThrow(/no such file/);
  });
});

describe('git sources (edge cases)', () => {
  let repo: TempRepo;
  let env: Record<string, string>;
  const git = async (...args: string[]) => (await execa('git', args, { cwd: repo.root, env, extendEnv: false })).stdout;
  const write = (path: string, content: string | Buffer) => {
    mkdirSync(dirname(join(repo.root, path)), { recursive: true });
    writeFileSync(join(repo.root, path), content);
  };

  beforeAll(async () => {
    repo = await makeTempRepo();
    env = { ...repo.env, GIT_CONFIG_NOSYSTEM: '1', GIT_AUTHOR_NAME: 'T', GIT_AUTHOR_EMAIL: 't@example.com', GIT_COMMITTER_NAME: 'T', GIT_COMMITTER_EMAIL: 't@example.com' };
  });
  afterAll(() => repo.cleanup());

  it('yields nothing for a repository without commits, and stages against the empty tree', async () => {
    expect(await drain(history(repo.root))).toEqual([]);
    const key = awsKeyId();
    write('first.txt', `one\n${key}\n`);
    await git('add', 'first.txt');
    expect(await findings(stagedChanges(repo.root))).toEqual([{ rule: aws, file: 'first.txt', line: 2 }]);
    await git('commit', '-qm', 'first');
  });

  it('does not report a renamed file again, only the lines its rename changed', async () => {
    const key = awsKeyId();
    write('a/keys.txt', `x\n${key}\n${'filler line\n'.repeat(20)}`);
    await git('add', '-A');
    await git('commit', '-qm', 'add keys');
    mkdirSync(join(repo.root, 'b'));
    await git('mv', 'a/keys.txt', 'b/ünï keys.txt');
    const token = githubToken();
    write('b/ünï keys.txt', `x\n${key}\n${'filler line\n'.repeat(19)}${token}\n`);
    await git('add', '-A');
    await git('commit', '-qm', 'move keys');
    expect(await findings(history(repo.root, { range: 'HEAD~1..HEAD' }))).toEqual([
      expect.objectContaining({ rule: github, file: 'b/ünï keys.txt', line: 22 }),
    ]);
  });

  it('reports a secret added while resolving a merge at the merge commit, and side-branch secrets once', async () => {
    const main = await git('symbolic-ref', '--short', 'HEAD');
    write('merge.txt', 'base\n');
    await git('add', '-A');
    await git('commit', '-qm', 'base');
    await git('checkout', '-qb', 'side');
    const sideKey = awsKeyId();
    write('merge.txt', `side\n${sideKey}\n`);
    await git('commit', '-qam', 'side');
    const sideCommit = await git('rev-parse', 'HEAD');
    await git('checkout', '-q', main);
    write('merge.txt', 'ours\n');
    await git('commit', '-qam', 'ours');
    await execa('git', ['merge', '-q', 'side'], { cwd: repo.root, env, extendEnv: false, reject: false });
    const evil = githubToken();
    write('merge.txt', `merged\n${sideKey}\n${evil}\n`);
    await git('commit', '-qam', 'merge side');
    const mergeCommit = await git('rev-parse', 'HEAD');
    const found = (await findings(history(repo.root))).filter((f) => f.file === 'merge.txt');
    expect(found.map(({ rule, line, commit }) => ({ rule, line, commit }))).toEqual([
      { rule: github, line: 3, commit: mergeCommit },
      { rule: aws, line: 2, commit: sideCommit },
    ]);
  });

  it('skips files over 1 MiB and does not follow a symlink out of the root', async () => {
    const key = awsKeyId();
    write('big.txt', `${key}\n${'a'.repeat(1024 * 1024)}`);
    symlinkSync('/etc', join(repo.root, 'etc-link'));
    const files = (await drain(workingTree(repo.root, true))).map((s) => s.path);
    expect(files).not.toContain('big.txt');
    expect(files.some((f) => f.startsWith('etc-link'))).toBe(false);
    await expect(drain(workingTree(repo.root, true, ['etc-link']))).rejects.toThrow(/outside the repository root/);
  });

  it('can be abandoned part-way through without an error', async () => {
    for await (const source of history(repo.root)) {
      expect(source.commit).toMatch(/^[0-9a-f]{40}$/);
      break;
    }
  });
});

describe('stdinText', () => {
  it('reads the whole stream as one source', async () => {
    const key = awsKeyId();
    const sources = await drain(stdinText(Readable.from([Buffer.from('first\n'), Buffer.from(`second ${key}\n`)])));
    expect(sources).toEqual([{ path: '<stdin>', text: `first\nsecond ${key}\n` }]);
    expect(await findings(stdinText(Readable.from([`x\n${key}`])))).toEqual([{ rule: aws, file: '<stdin>', line: 2 }]);
  });
});
