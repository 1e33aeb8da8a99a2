import { execFileSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, realpathSync, rmSync, statSync, symlinkSync, unlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, dirname, join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { classifyContent, isSecretPath, walkRepository, type WalkResult } from '../../src/index/walk.js';

// Running as root makes chmod 000 toothless, so every open and read the walker makes is recorded too.
const fsSpy = vi.hoisted(() => ({ touched: [] as string[], failOpen: new Set<string>() }));

vi.mock('node:fs', async (importOriginal) => {
  const actual = await importOriginal<typeof import('node:fs')>();
  const openSync = ((...args: Parameters<typeof actual.openSync>) => {
    const path = String(args[0]);
    fsSpy.touched.push(path);
    if (fsSpy.failOpen.has(path.slice(path.lastIndexOf('/') + 1))) throw Object.assign(new Error(`EACCES: open '${path}'`), { code: 'EACCES' });
    return actual.openSync(...args);
  }) as typeof actual.openSync;
  const readFileSync = ((...args: Parameters<typeof actual.readFileSync>) => {
    fsSpy.touched.push(String(args[0]));
    return actual.readFileSync(...args);
  }) as typeof actual.readFileSync;
  return { ...actual, openSync, readFileSync };
});

let base: string;

beforeEach(() => {
  base = realpathSync(mkdtempSync(join(tmpdir(), 'inline-walk-')));
  fsSpy.touched.length = 0;
  fsSpy.failOpen.clear();
});

afterEach(() => {
  rmSync(base, { recursive: true, force: true });
});

function git(root: string, ...args: string[]): string {
  return execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', ...args], { cwd: root, encoding: 'utf8' });
}

function makeRoot(name: string, options: { git: boolean }): string {
  const root = join(base, name);
  mkdirSync(root, { recursive: true });
  if (options.git) git(root, 'init', '-q');
  return root;
}

function write(root: string, files: Record<string, string | Buffer>): void {
  for (const [path, content] of Object.entries(files)) {
    mkdirSync(dirname(join(root, path)), { recursive: true });
    writeFileSync(join(root, path), content);
  }
}

const paths = (result: WalkResult) => result.files.map((f) => f.path);
const reasons = (result: WalkResult) => Object.fromEntries(result.skipped.map((s) => [s.path, s.reason]));

/** Rules of every kind, nested, so the git and non-git modes can be checked against each other. */
const IGNORE_FIXTURE: Record<string, string> = {
  '.gitignore': ['# build output', '*.log', '!keep.log', 'out/', '/root-only.txt', '**/cache/**', 'tmp[0-9].txt', '\\#hash.txt', 'docs/**/draft.md', ''].join('\n'),
  'a.log': 'x',
  'keep.log': 'x',
  'root-only.txt': 'x',
  'sub/root-only.txt': 'kept: the rule is anchored',
  'out/bundle.txt': 'x',
  'sub/out/bundle.txt': 'x',
  'out.txt': 'kept: out/ only matches directories',
  'x/cache/y/z.txt': 'x',
  'tmp1.txt': 'x',
  'tmpa.txt': 'kept',
  '#hash.txt': 'x',
  'docs/draft.md': 'x',
  'docs/a/b/draft.md': 'x',
  'docs/final.md': 'kept',
  'lib/.gitignore': '*.gen.ts\n!special.gen.ts\n/local/\n',
  'lib/x.gen.ts': 'x',
  'lib/special.gen.ts': 'export const a = 1;\n',
  'lib/local/a.ts': 'x',
  'lib/deep/local/a.ts': 'export const b = 2;\n',
  'lib/main.ts': 'export const c = 3;\n',
};

const IGNORE_FIXTURE_KEPT = [
  '.gitignore',
  'docs/final.md',
  'keep.log',
  'lib/.gitignore',
  'lib/deep/local/a.ts',
  'lib/main.ts',
  'lib/special.gen.ts',
  'out.txt',
  'sub/root-only.txt',
  'tmpa.txt',
];

describe('walkRepository inside git', () => {
  it('lists tracked and untracked files that are not ignored, and drops deleted ones', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, { 'src/a.ts': 'export const a = 1;\n', 'src/gone.ts': 'x', '.gitignore': 'ignored.txt\nforced.txt\n', 'forced.txt': 'tracked anyway' });
    git(root, 'add', '-A');
    git(root, 'add', '-f', 'forced.txt');
    write(root, { 'new.py': 'print(1)\n', 'ignored.txt': 'x' });
    unlinkSync(join(root, 'src/gone.ts'));
    const result = await walkRepository({ root, git: true });
    expect(paths(result)).toEqual(['.gitignore', 'forced.txt', 'new.py', 'src/a.ts']);
    expect(result.skipped).toEqual([]);
  });

  it('follows git for every kind of .gitignore rule', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, IGNORE_FIXTURE);
    expect(paths(await walkRepository({ root, git: true }))).toEqual(IGNORE_FIXTURE_KEPT);
  });

  it('never lists untracked node_modules or .inline, even without a .gitignore', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, { 'index.js': 'x\n', 'node_modules/dep/index.js': 'x\n', 'pkg/node_modules/d/i.js': 'x\n', '.inline/index.json': '{}' });
    expect(paths(await walkRepository({ root, git: true }))).toEqual(['index.js']);
  });

  it('applies .inlineignore files to tracked and untracked files and reports them', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, {
      '.inlineignore': 'fixtures/\n*.snap\n',
      'fixtures/big.json': '{}',
      'src/a.ts': 'x\n',
      'src/a.snap': 'x',
      'src/.inlineignore': '!keep.snap\nlocal.ts\n',
      'src/keep.snap': 'x',
      'src/local.ts': 'x',
      'other/local.ts': 'x',
    });
    git(root, 'add', 'fixtures', 'src/a.ts');
    const result = await walkRepository({ root, git: true });
    expect(paths(result)).toEqual(['.inlineignore', 'other/local.ts', 'src/.inlineignore', 'src/a.ts', 'src/keep.snap']);
    expect(reasons(result)).toEqual({ 'fixtures/big.json': 'ignored', 'src/a.snap': 'ignored', 'src/local.ts': 'ignored' });
  });

  it('honours an .inlineignore that git itself ignores', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, { '.gitignore': '.inlineignore\n', '.inlineignore': 'notes.md\n', 'notes.md': 'x', 'a.md': 'x' });
    const result = await walkRepository({ root, git: true });
    expect(paths(result)).toEqual(['.gitignore', 'a.md']);
    expect(reasons(result)).toEqual({ 'notes.md': 'ignored' });
  });

  it('skips submodules and nested repositories', async () => {
    const root = makeRoot('repo', { git: true });
    write(root, { 'a.ts': 'x\n', 'vendor/lib/x.ts': 'x\n' });
    const nested = makeRoot('repo/nested', { git: true });
    write(nested, { 'n.ts': 'x\n' });
    git(root, 'add', 'a.ts');
    // A gitlink entry is what `git submodule add` records; the working tree holds a directory.
    git(root, 'update-index', '--add', '--cacheinfo', `160000,${'1'.repeat(40)},vendor/lib`);
    const result = await walkRepository({ root, git: true });
    expect(paths(result)).toEqual(['a.ts']);
    expect(result.skipped).toEqual([]);
  });

  it('falls back to a plain walk when the root is not in a repository', async () => {
    const root = makeRoot('plain', { git: false });
    write(root, { '.gitignore': '*.tmp\n', 'a.ts': 'x\n', 'b.tmp': 'x' });
    expect(paths(await walkRepository({ root, git: true }))).toEqual(['.gitignore', 'a.ts']);
  });
});

describe('walkRepository outside git', () => {
  it('applies .gitignore files like git does', async () => {
    const root = makeRoot('plain', { git: false });
    write(root, IGNORE_FIXTURE);
    const result = await walkRepository({ root, git: false });
    expect(paths(result)).toEqual(IGNORE_FIXTURE_KEPT);
    // Outside git, ignored files are simply not listed.
    expect(result.skipped).toEqual([]);
  });

  it('always skips .git, node_modules and .inline', async () => {
    const root = makeRoot('plain', { git: false });
    write(root, { 'a.ts': 'x\n', '.git/config': 'x', 'node_modules/d/i.js': 'x', 'sub/node_modules/d/i.js': 'x', '.inline/config.json': '{}', 'sub/b.ts': 'x\n' });
    expect(paths(await walkRepository({ root, git: false }))).toEqual(['a.ts', 'sub/b.ts']);
  });

  it('applies .inlineignore files, which win over .gitignore in the same directory', async () => {
    const root = makeRoot('plain', { git: false });
    write(root, {
      '.gitignore': '*.out\n',
      '.inlineignore': 'data/\n!wanted.out\n',
      'data/x.csv': 'x',
      'wanted.out': 'x',
      'other.out': 'x',
      'src/.inlineignore': '*.txt\n',
      'src/notes.txt': 'x',
      'notes.txt': 'x',
    });
    const result = await walkRepository({ root, git: false });
    expect(paths(result)).toEqual(['.gitignore', '.inlineignore', 'notes.txt', 'src/.inlineignore', 'wanted.out']);
    expect(result.skipped).toEqual([]);
  });
});

describe.each([true, false])('walkRepository with git=%s', (useGit) => {
  it('reports every skip reason for real files', async () => {
    const root = makeRoot('repo', { git: useGit });
    const longLine = `var a=${'1+'.repeat(1500)}1;\n`;
    write(root, {
      'src/ok.ts': 'export const ok = true;\n',
      'img/logo.png': 'not really a png',
      'data/blob.txt': Buffer.from([0x68, 0x69, 0x00, 0x01, 0x02]),
      'late-nul.txt': Buffer.concat([Buffer.alloc(9000, 0x61), Buffer.from([0])]),
      'big.txt': 'x'.repeat(20_000),
      'package-lock.json': '{}',
      'go.sum': 'x',
      'api/types.pb.go': 'package api\n',
      'gen/client.ts': '// Code generated by openapi-gen. DO NOT EDIT.\nexport {};\n',
      'gen/late-marker.ts': `${'// filler\n'.repeat(120)}// DO NOT EDIT\n`,
      'web/vendor.min.js': 'x',
      'web/bundle.js': longLine,
      'web/wide.css': `${'a{color:red}'.repeat(40)}\n`.repeat(3),
      'docs/wide.md': longLine,
      '.env': 'TOKEN=secret',
      '.env.local': 'TOKEN=secret',
      '.env.example': 'TOKEN=\n',
      'deploy/server.pem': 'x',
      'id_rsa': 'x',
      'id_rsa.pub': 'ssh-rsa AAAA\n',
    });
    const result = await walkRepository({ root, git: useGit, maxFileBytes: 10_000 });
    expect(reasons(result)).toEqual({
      '.env': 'secret',
      '.env.local': 'secret',
      'api/types.pb.go': 'generated',
      'big.txt': 'too-large',
      'data/blob.txt': 'binary',
      'deploy/server.pem': 'secret',
      'gen/client.ts': 'generated',
      'go.sum': 'lockfile',
      'id_rsa': 'secret',
      'img/logo.png': 'binary',
      'package-lock.json': 'lockfile',
      'web/bundle.js': 'minified',
      'web/vendor.min.js': 'minified',
      'web/wide.css': 'minified',
    });
    expect(paths(result)).toEqual(['.env.example', 'docs/wide.md', 'gen/late-marker.ts', 'id_rsa.pub', 'late-nul.txt', 'src/ok.ts']);
  });

  it('never opens secret files, even unreadable ones', async () => {
    const root = makeRoot('repo', { git: useGit });
    write(root, { '.env': 'TOKEN=secret', 'config/.env.production': 'TOKEN=secret', '.env.example': 'TOKEN=\n', 'a.ts': 'x\n' });
    chmodSync(join(root, '.env'), 0o000);
    chmodSync(join(root, 'config/.env.production'), 0o000);
    const result = await walkRepository({ root, git: useGit });
    expect(paths(result)).toEqual(['.env.example', 'a.ts']);
    expect(reasons(result)).toEqual({ '.env': 'secret', 'config/.env.production': 'secret' });
    expect(fsSpy.touched.some((p) => basename(p).startsWith('.env') && !p.endsWith('.env.example'))).toBe(false);
    expect(fsSpy.touched.some((p) => p.endsWith('/a.ts'))).toBe(true);
  });

  it('reports files it cannot open as unreadable', async () => {
    const root = makeRoot('repo', { git: useGit });
    write(root, { 'locked.ts': 'x\n', 'a.ts': 'x\n' });
    fsSpy.failOpen.add('locked.ts');
    const result = await walkRepository({ root, git: useGit });
    expect(paths(result)).toEqual(['a.ts']);
    expect(reasons(result)).toEqual({ 'locked.ts': 'unreadable' });
  });

  it('does not follow or list symlinks', async () => {
    const root = makeRoot('repo', { git: useGit });
    const outside = join(base, 'outside');
    write(outside, { 'secret-ish.ts': 'x\n' });
    write(root, { 'real.ts': 'x\n' });
    symlinkSync('real.ts', join(root, 'link.ts'));
    symlinkSync(outside, join(root, 'linked-dir'));
    symlinkSync('missing.ts', join(root, 'dangling.ts'));
    if (useGit) git(root, 'add', '-A');
    const result = await walkRepository({ root, git: useGit });
    expect(paths(result)).toEqual(['real.ts']);
    expect(result.skipped).toEqual([]);
  });

  it('returns sorted paths with sizes, mtimes and languages', async () => {
    const root = makeRoot('repo', { git: useGit });
    const files = { 'z.py': 'print(1)\n', 'B.go': 'package b\n', 'a/b/c.rs': 'fn main() {}\n', 'a/Gemfile': "gem 'x'\n", 'a.b/x.tsx': 'x\n', 'README.md': '# r\n', 'a-b.ts': 'x\n' };
    write(root, files);
    const first = await walkRepository({ root, git: useGit });
    const second = await walkRepository({ root, git: useGit });
    expect(second).toEqual(first);
    expect(paths(first)).toEqual(['B.go', 'README.md', 'a-b.ts', 'a.b/x.tsx', 'a/Gemfile', 'a/b/c.rs', 'z.py']);
    const byPath = Object.fromEntries(first.files.map((f) => [f.path, f]));
    expect(byPath['z.py']).toEqual({ path: 'z.py', size: 9, mtimeMs: statSync(join(root, 'z.py')).mtimeMs, language: 'python' });
    expect(byPath['a/b/c.rs']?.language).toBe('rust');
    expect(byPath['a/Gemfile']?.language).toBe('ruby');
    expect(byPath['a.b/x.tsx']?.language).toBe('tsx');
    expect(byPath['README.md']).not.toHaveProperty('language');
  });

  it('keeps files up to the size limit and skips larger ones', async () => {
    const root = makeRoot('repo', { git: useGit });
    write(root, { 'at.txt': 'x'.repeat(100), 'over.txt': 'x'.repeat(101) });
    const result = await walkRepository({ root, git: useGit, maxFileBytes: 100 });
    expect(paths(result)).toEqual(['at.txt']);
    expect(reasons(result)).toEqual({ 'over.txt': 'too-large' });
  });
});

describe('classifyContent', () => {
  const text = (s: string) => Buffer.from(s);

  it('detects binary content by a NUL byte in the head, and binary names without one', () => {
    expect(classifyContent('a.txt', Buffer.from([1, 0, 2]), 3)).toBe('binary');
    expect(classifyContent('a.WASM', text('plain'), 5)).toBe('binary');
    expect(classifyContent('a.txt', text('plain'), 5)).toBeUndefined();
  });

  it('detects generated markers only in the first KiB', () => {
    expect(classifyContent('a.py', text('# @generated by tool\n'), 20)).toBe('generated');
    expect(classifyContent('a.cs', text('// <auto-generated>\n'), 20)).toBe('generated');
    expect(classifyContent('a.c', text('/* Autogenerated file */\n'), 25)).toBe('generated');
    expect(classifyContent('x_pb2.py', text(''), 0)).toBe('generated');
    expect(classifyContent('Form1.Designer.cs', text(''), 0)).toBe('generated');
    expect(classifyContent('lib/x.g.dart', text(''), 0)).toBe('generated');
    const late = `${' '.repeat(1100)}DO NOT EDIT\n`;
    expect(classifyContent('a.py', text(late), late.length)).toBeUndefined();
    expect(classifyContent('a.py', text('# do not edit lightly\n'), 22)).toBeUndefined();
    expect(classifyContent('v.py', text('__version__ = "1"  # DO NOT EDIT THIS LINE MANUALLY\n'), 50)).toBeUndefined();
  });

  it('detects minified JS and CSS by line lengths', () => {
    const average = `${'a'.repeat(310)}\n`.repeat(5);
    expect(classifyContent('a.js', text(average), average.length)).toBe('minified');
    expect(classifyContent('a.mjs', text(average), average.length)).toBe('minified');
    expect(classifyContent('a.ts', text(average), average.length)).toBeUndefined();
    const normal = `${'a'.repeat(290)}\n`.repeat(5);
    expect(classifyContent('a.js', text(normal), normal.length)).toBeUndefined();
    const oneLong = `short\n${'b'.repeat(2001)}\n${'short\n'.repeat(20)}`;
    expect(classifyContent('a.css', text(oneLong), oneLong.length)).toBe('minified');
    expect(classifyContent('x.min.js', text('a\n'), 2)).toBe('minified');
  });

  it('does not average in a line cut off by the end of the head', () => {
    const head = `${'x = 1;\n'.repeat(100)}${'y'.repeat(1500)}`;
    expect(classifyContent('a.js', text(head), head.length + 10_000)).toBeUndefined();
    expect(classifyContent('a.js', text(head), head.length)).toBeUndefined();
    const short = `a\n${'y'.repeat(1500)}`;
    expect(classifyContent('a.js', text(short), short.length)).toBe('minified');
    expect(classifyContent('a.js', text(short), short.length + 10_000)).toBeUndefined();
  });
});

describe('isSecretPath', () => {
  it.each([
    '.env',
    'app/.env',
    '.env.local',
    '.env.production',
    'certs/server.pem',
    'tls.key',
    'store.p12',
    'store.pfx',
    'keys.jks',
    'release.keystore',
    'home/.ssh/id_rsa',
    'id_dsa',
    'id_ecdsa',
    'id_ed25519',
    '.npmrc',
    '.pypirc',
    '.netrc',
    '.htpasswd',
    '.aws/credentials',
    'vault.kdbx',
    '.git-credentials',
    'config/secrets.yml',
    'secrets.yaml',
    'infra/terraform.tfstate',
    'infra/terraform.tfstate.backup',
    'APP/.ENV',
  ])('treats %s as secret', (path) => {
    expect(isSecretPath(path)).toBe(true);
  });

  it.each(['.env.example', 'app/.env.sample', '.env.template', 'id_rsa.pub', 'environment.ts', 'src/env.ts', 'keys.ts', 'credentials.md', 'secrets.py', 'monkey.py'])(
    'keeps %s',
    (path) => {
      expect(isSecretPath(path)).toBe(false);
    },
  );
});
