/** `inline scan` and `inline hook` through the real binary, with the real rules, in a planted git repository. */
import { existsSync, mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { execa } from 'execa';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BIN, runCli } from '../support/cli.js';
import { awsKeyId, makeSecretRepo, NOTES, realRuleIds, type SecretRepo } from '../secrets/fixture.js';

const ids = realRuleIds();

function rulesPresent(): { aws: string; github: string } {
  if (!ids) throw new Error('the real rules do not detect an AWS access key id and a GitHub token yet (src/secrets/rules)');
  return ids;
}

interface JsonFinding {
  rule: string;
  file: string;
  line: number;
  column: number;
  match: string;
  fingerprint: string;
  commit?: string;
  author?: string;
  date?: string;
}

describe('inline scan', () => {
  let repo: SecretRepo;
  let aws: string;
  let github: string;
  beforeAll(async () => {
    ({ aws, github } = rulesPresent());
    repo = await makeSecretRepo();
  });
  afterAll(() => repo?.cleanup());

  const scan = (args: string[], cwd = repo.root) => runCli(['scan', ...args], { cwd, env: repo.gitEnv });
  async function scanJson(args: string[], cwd?: string): Promise<{ exitCode: number; findings: JsonFinding[] }> {
    const result = await scan([...args, '--format', 'json'], cwd);
    expect(result.stderr).toBe('');
    return { exitCode: result.exitCode, findings: JSON.parse(result.stdout) as JsonFinding[] };
  }
  const where = (findings: JsonFinding[]) => findings.map(({ rule, file, line }) => ({ rule, file, line }));
  const withCommit = (findings: JsonFinding[]) => findings.map(({ rule, file, line, commit }) => ({ rule, file, line, commit }));

  it('scans the working tree: .env included, ignored files, binaries and allowed lines left out', async () => {
    const { exitCode, findings } = await scanJson([]);
    expect(exitCode).toBe(1);
    expect(where(findings)).toEqual([
      { rule: aws, file: '.env', line: 1 },
      { rule: aws, file: 'app.js', line: 3 },
      { rule: github, file: NOTES, line: 4 },
      { rule: github, file: 'staged.js', line: 2 },
    ]);
  });

  it('prints a plain text report without colour when not on a terminal', async () => {
    const result = await scan(['app.js']);
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('app.js:3:');
    expect(result.stdout).toContain(aws);
    expect(result.stdout).not.toContain(repo.secrets.unstaged);
    expect(result.stdout).not.toContain('\u001b[');
  });

  it('scans only the given paths, relative to the current directory', async () => {
    expect(where((await scanJson(['app.js', 'docs'])).findings)).toEqual([
      { rule: aws, file: 'app.js', line: 3 },
      { rule: github, file: NOTES, line: 4 },
    ]);
    expect(where((await scanJson(['.'], join(repo.root, 'docs'))).findings)).toEqual([{ rule: github, file: NOTES, line: 4 }]);
  });

  it('--staged: the lines the next commit adds', async () => {
    expect(where((await scanJson(['--staged'])).findings)).toEqual([{ rule: github, file: 'staged.js', line: 2 }]);
  });

  it('--diff: the unstaged edits', async () => {
    expect(where((await scanJson(['--diff'])).findings)).toEqual([{ rule: aws, file: 'app.js', line: 3 }]);
  });

  it('--git: secrets in history, even removed or in deleted files, with their commit', async () => {
    const { exitCode, findings } = await scanJson(['--git']);
    expect(exitCode).toBe(1);
    expect(withCommit(findings)).toEqual([
      { rule: github, file: NOTES, line: 4, commit: repo.commits.recent },
      { rule: aws, file: 'config.js', line: 3, commit: repo.commits.initial },
      { rule: github, file: 'deploy/creds.txt', line: 2, commit: repo.commits.initial },
    ]);
    expect(findings[1]).toMatchObject({ author: 'Ada Lovelace <ada@example.com>', date: '2024-01-01T10:00:00+00:00' });
  });

  it('--git --all: other branches too', async () => {
    const { findings } = await scanJson(['--git', '--all']);
    expect(withCommit(findings)).toContainEqual({ rule: aws, file: 'feature.txt', line: 2, commit: repo.commits.feature });
    expect(findings).toHaveLength(4);
  });

  it('--git <range>: only those commits', async () => {
    expect(withCommit((await scanJson(['--git', 'HEAD~1..HEAD'])).findings)).toEqual([
      { rule: github, file: NOTES, line: 4, commit: repo.commits.recent },
    ]);
    const clean = await scanJson(['--git', `${repo.commits.initial}..${repo.commits.removal}`]);
    expect(clean).toEqual({ exitCode: 0, findings: [] });
  });

  it('--stdin', async () => {
    const key = awsKeyId();
    const result = await execa(process.execPath, [BIN, 'scan', '--stdin', '--format', 'json'], {
      cwd: repo.root,
      env: repo.gitEnv,
      extendEnv: false,
      reject: false,
      input: `first line\nexport KEY=${key}\n`,
    });
    expect(result.exitCode).toBe(1);
    expect(where(JSON.parse(result.stdout))).toEqual([{ rule: aws, file: '<stdin>', line: 2 }]);
    const clean = await execa(process.execPath, [BIN, 'scan', '--stdin'], { cwd: repo.root, env: repo.gitEnv, extendEnv: false, reject: false, input: 'nothing here\n' });
    expect(clean.exitCode).toBe(0);
  });

  it('--format json: one object per finding, secret masked', async () => {
    const { findings } = await scanJson(['--git', 'HEAD~1..HEAD']);
    expect(Object.keys(findings[0]!)).toEqual(['rule', 'description', 'file', 'line', 'column', 'endLine', 'endColumn', 'match', 'fingerprint', 'commit', 'author', 'date']);
    expect(findings[0]!.match).not.toContain(repo.secrets.recent);
    expect(findings[0]!.fingerprint).toMatch(new RegExp(`^docs/café notes\\.md:${github}:[0-9a-f]{16}$`));
    const global = await runCli(['--json', 'scan', 'app.js'], { cwd: repo.root, env: repo.gitEnv });
    expect(where(JSON.parse(global.stdout))).toEqual([{ rule: aws, file: 'app.js', line: 3 }]);
  });

  it('--format sarif: a SARIF 2.1.0 log', async () => {
    const result = await scan(['--format', 'sarif']);
    expect(result.exitCode).toBe(1);
    const log = JSON.parse(result.stdout);
    expect(log.version).toBe('2.1.0');
    const results = log.runs[0].results as Array<{ ruleId: string; locations: Array<{ physicalLocation: { artifactLocation: { uri: string }; region: { startLine: number } } }> }>;
    expect(results.map((r) => [r.ruleId, r.locations[0]!.physicalLocation.region.startLine])).toEqual([[aws, 1], [aws, 3], [github, 4], [github, 2]]);
    expect(results[2]!.locations[0]!.physicalLocation.artifactLocation.uri).toBe('docs/caf%C3%A9%20notes.md');
  });

  it('--write-baseline records the findings; --baseline then hides them but not new ones', async () => {
    const written = await scan(['--write-baseline', 'baseline.json']);
    expect(written.exitCode).toBe(0);
    expect(written.stderr).toMatch(/wrote 4 fingerprints to baseline\.json/);
    expect(JSON.parse(readFileSync(join(repo.root, 'baseline.json'), 'utf8')).fingerprints).toHaveLength(4);
    const quiet = await scan(['--baseline', 'baseline.json']);
    expect(quiet).toMatchObject({ exitCode: 0, stdout: 'no secrets found' });
    repo.write('later.js', `const k = '${awsKeyId()}';\n`);
    const fresh = await scanJson(['--baseline', 'baseline.json']);
    expect(fresh.exitCode).toBe(1);
    expect(where(fresh.findings)).toEqual([{ rule: aws, file: 'later.js', line: 1 }]);
  });

  it.each([
    [['--staged', '--diff'], /--staged and --diff cannot be combined/],
    [['--git', '--stdin'], /cannot be combined/],
    [['--all', '--staged'], /--all goes with --git/],
    [['--staged', 'app.js'], /only apply to a working-tree scan/],
    [['--git', 'HEAD', '--all'], /cannot be combined with the range/],
    [['--git', 'no-such-rev'], /git log failed: .*bad revision 'no-such-rev'/],
    [['..'], /outside the repository root/],
    [['missing.txt'], /missing\.txt: no such file/],
    [['--baseline', 'missing.json'], /baseline .*missing\.json: cannot read/],
    [['--format', 'xml'], /argument 'xml' is invalid/],
  ])('exits 2 on a usage or I/O error: %j', async (args, message) => {
    const result = await scan(args);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(message);
    expect(result.stdout).toBe('');
  });

  it('exits 2 when a git mode is asked for outside a git repository', async () => {
    const outside = join(repo.home, 'plain');
    mkdirSync(outside, { recursive: true });
    const result = await scan(['--staged'], outside);
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/--staged needs a git repository/);
  });
});

describe('inline hook', () => {
  let repo: SecretRepo;
  beforeAll(async () => {
    rulesPresent();
    repo = await makeSecretRepo();
  });
  afterAll(() => repo?.cleanup());

  const hook = (...args: string[]) => runCli(['hook', ...args], { cwd: repo.root, env: repo.gitEnv });
  const commit = (message: string) => execa('git', ['commit', '-m', message], { cwd: repo.root, env: repo.gitEnv, extendEnv: false, reject: false });
  const hookPath = () => join(repo.root, '.git', 'hooks', 'pre-commit');

  it('installs a pre-commit hook that blocks a staged secret and lets a clean commit through', async () => {
    const installed = await hook('install');
    expect(installed.exitCode).toBe(0);
    expect(statSync(hookPath()).mode & 0o111).toBe(0o111);
    expect(readFileSync(hookPath(), 'utf8')).toContain(BIN);

    const blocked = await commit('add token');
    expect(blocked.exitCode).not.toBe(0);
    const shown = `${blocked.stdout}\n${blocked.stderr}`;
    expect(shown).toContain('staged.js:2:');
    expect(shown).toContain('commit blocked');
    expect(await repo.git('rev-parse', 'HEAD')).toBe(repo.commits.recent);

    await repo.git('rm', '-q', '--cached', 'staged.js');
    repo.write('clean.js', 'export const answer = 42;\n');
    await repo.git('add', 'clean.js');
    const allowed = await commit('clean');
    expect(allowed).toMatchObject({ exitCode: 0, stderr: '' });
    expect(await repo.git('log', '-1', '--format=%s')).toBe('clean');

    // `commit -a` stages into a temporary index (GIT_INDEX_FILE), which the hook must read.
    repo.write('clean.js', `export const answer = 42;\nexport const key = '${awsKeyId()}';\n`);
    const all = await execa('git', ['commit', '-qam', 'sneaky'], { cwd: repo.root, env: repo.gitEnv, extendEnv: false, reject: false });
    expect(all.exitCode).not.toBe(0);
    expect(`${all.stdout}\n${all.stderr}`).toContain('clean.js:2:');
    await repo.git('checkout', '--', 'clean.js');
  });

  it('hook run is the staged scan', async () => {
    await repo.git('add', 'staged.js');
    const result = await hook('run');
    expect(result.exitCode).toBe(1);
    expect(result.stdout).toContain('staged.js:2:');
    await repo.git('rm', '-q', '--cached', 'staged.js');
    expect(await hook('run')).toEqual({ exitCode: 0, stdout: '', stderr: '' });
  });

  it('reinstalling updates our own hook; uninstall removes it', async () => {
    expect((await hook('install')).stdout).toMatch(/^updated pre-commit hook/);
    const removed = await hook('uninstall');
    expect(removed.exitCode).toBe(0);
    expect(existsSync(hookPath())).toBe(false);
    expect((await hook('uninstall')).stdout).toMatch(/nothing to remove/);
  });

  it('leaves a foreign hook alone unless --force, and restores it on uninstall', async () => {
    const foreign = '#!/bin/sh\necho "someone else\'s hook"\n';
    writeFileSync(hookPath(), foreign, { mode: 0o755 });
    const refused = await hook('install');
    expect(refused.exitCode).toBe(2);
    expect(refused.stderr).toMatch(/not installed by inline.*--force/);
    expect(readFileSync(hookPath(), 'utf8')).toBe(foreign);
    expect((await hook('uninstall')).exitCode).toBe(2);
    expect(readFileSync(hookPath(), 'utf8')).toBe(foreign);

    expect((await hook('install', '--force')).exitCode).toBe(0);
    expect(readFileSync(`${hookPath()}.inline-backup`, 'utf8')).toBe(foreign);
    expect(readFileSync(hookPath(), 'utf8')).toContain('inline-secret-scan-hook');
    expect((await hook('uninstall')).exitCode).toBe(0);
    expect(readFileSync(hookPath(), 'utf8')).toBe(foreign);
  });

  it('installs where core.hooksPath points', async () => {
    await repo.git('config', 'core.hooksPath', '.githooks');
    try {
      expect((await hook('install')).exitCode).toBe(0);
      expect(existsSync(join(repo.root, '.githooks', 'pre-commit'))).toBe(true);
      await repo.git('add', 'staged.js');
      expect((await commit('via hooksPath')).exitCode).not.toBe(0);
      expect((await hook('uninstall')).exitCode).toBe(0);
      expect(existsSync(join(repo.root, '.githooks', 'pre-commit'))).toBe(false);
    } finally {
      await repo.git('config', '--unset', 'core.hooksPath');
    }
  });

  it('rejects an unknown action', async () => {
    const result = await hook('frob');
    expect(result.exitCode).toBe(2);
    expect(result.stderr).toMatch(/hook needs one of install, uninstall, run/);
  });
});
