import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ensureStateDir, INDEX_FORMAT_VERSION, IndexStore, type IndexManifest, type LoadResult } from '../../src/index/store.js';

const CHILD = fileURLToPath(new URL('./fixtures/store-child.ts', import.meta.url));

function manifest(overrides: Partial<IndexManifest> = {}): IndexManifest {
  return {
    version: INDEX_FORMAT_VERSION,
    embedder: { id: 'hashing-256', dimensions: 256 },
    createdAt: '2024-01-01T00:00:00.000Z',
    updatedAt: '2024-01-02T00:00:00.000Z',
    nextChunkId: 3,
    files: { 'src/a.ts': { hash: 'abc', size: 10, mtimeMs: 1700000000000, chunkIds: [1, 2] } },
    stats: { chunks: 2 },
    ...overrides,
  };
}

function ok(result: LoadResult): Extract<LoadResult, { status: 'ok' }> {
  if (result.status !== 'ok') throw new Error(`expected ok, got ${JSON.stringify(result)}`);
  return result;
}

function entries(dir: string): string[] {
  return fs.readdirSync(dir).sort();
}

let root: string;
let indexDir: string;
beforeEach(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'inline-store-'));
  indexDir = path.join(root, '.inline', 'index');
});
afterEach(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('IndexStore', () => {
  it('reports a missing index', () => {
    expect(new IndexStore(root).load()).toEqual({ status: 'missing' });
  });

  it('round-trips the manifest and every blob, from buffers and from writers', () => {
    const store = new IndexStore(root);
    const saved = manifest();
    store.save(saved, {
      'chunks.json': Buffer.from('[1,2]'),
      'lexical.bin': Buffer.from([0, 1, 2, 255]),
      'vectors.hnsw': (file) => fs.writeFileSync(file, 'vectors'),
      'empty.bin': Buffer.alloc(0),
    });
    expect(saved).toEqual(manifest());

    const loaded = ok(new IndexStore(root).load());
    expect(loaded.manifest).toEqual(saved);
    expect(loaded.dir).toBe(path.join(indexDir, 'gen-1'));
    expect(fs.readFileSync(store.blobPath(loaded.dir, 'chunks.json'), 'utf8')).toBe('[1,2]');
    expect([...fs.readFileSync(store.blobPath(loaded.dir, 'lexical.bin'))]).toEqual([0, 1, 2, 255]);
    expect(fs.readFileSync(store.blobPath(loaded.dir, 'vectors.hnsw'), 'utf8')).toBe('vectors');
    expect(loaded.blobs['vectors.hnsw']).toEqual({ size: 7, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1']);
  });

  it('stamps the current format version whatever the caller passed', () => {
    const store = new IndexStore(root);
    store.save(manifest({ version: 0 }), {});
    expect(ok(store.load()).manifest.version).toBe(INDEX_FORMAT_VERSION);
  });

  it('keeps the live and the previous generation and deletes older ones', () => {
    const store = new IndexStore(root);
    for (let n = 1; n <= 4; n++) {
      store.save(manifest({ nextChunkId: n }), { 'n.txt': Buffer.from(String(n)) });
      const loaded = ok(store.load());
      expect(loaded.manifest.nextChunkId).toBe(n);
      expect(fs.readFileSync(store.blobPath(loaded.dir, 'n.txt'), 'utf8')).toBe(String(n));
    }
    expect(entries(indexDir)).toEqual(['CURRENT', 'gen-3', 'gen-4']);
  });

  it('honours an explicit index directory', () => {
    const store = new IndexStore(root, 'elsewhere/idx');
    store.save(manifest(), { 'a.bin': Buffer.from('a') });
    expect(store.directory).toBe(path.join(root, 'elsewhere', 'idx'));
    expect(ok(store.load()).dir).toBe(path.join(root, 'elsewhere', 'idx', 'gen-1'));
    expect(fs.existsSync(indexDir)).toBe(false);
  });

  it('clears the index', () => {
    const store = new IndexStore(root);
    store.save(manifest(), { 'a.bin': Buffer.from('a') });
    store.save(manifest(), { 'a.bin': Buffer.from('b') });
    store.clear();
    expect(store.load()).toEqual({ status: 'missing' });
    expect(entries(indexDir)).toEqual([]);
    store.save(manifest(), { 'a.bin': Buffer.from('c') });
    expect(ok(store.load()).dir).toBe(path.join(indexDir, 'gen-1'));
    new IndexStore(path.join(root, 'never-created')).clear();
  });

  it('rejects bad blob names and manifests before touching the disk', () => {
    const store = new IndexStore(root);
    expect(() => store.save(manifest(), { '../escape': Buffer.from('x') })).toThrow(/invalid blob name/);
    expect(() => store.save(manifest(), { 'manifest.json': Buffer.from('x') })).toThrow(/invalid blob name/);
    expect(() => store.save(manifest({ embedder: { id: 'x', dimensions: 0 } }), {})).toThrow(/bad embedder dimensions/);
    expect(fs.existsSync(indexDir)).toBe(false);
  });

  it('leaves the previous generation live when a blob writer fails', () => {
    const store = new IndexStore(root);
    store.save(manifest({ nextChunkId: 1 }), { 'a.bin': Buffer.from('old') });
    expect(() => store.save(manifest({ nextChunkId: 2 }), { 'a.bin': () => { throw new Error('disk full'); } })).toThrow('disk full');
    expect(() => store.save(manifest({ nextChunkId: 2 }), { 'a.bin': () => {} })).toThrow(/created no file/);
    expect(ok(store.load()).manifest.nextChunkId).toBe(1);
    expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1']);
  });

  describe('load reports an unusable index as invalid', () => {
    let dir: string;
    beforeEach(() => {
      new IndexStore(root).save(manifest(), { 'chunks.json': Buffer.from('0123456789'), 'vectors.hnsw': Buffer.alloc(1000, 7) });
      dir = path.join(indexDir, 'gen-1');
    });
    const reason = (): string => {
      const result = new IndexStore(root).load();
      if (result.status !== 'invalid') throw new Error(`expected invalid, got ${result.status}`);
      expect(result.reason).not.toContain('\n');
      return result.reason;
    };
    const rewriteManifest = (edit: (m: Record<string, unknown>) => void): void => {
      const file = path.join(dir, 'manifest.json');
      const parsed = JSON.parse(fs.readFileSync(file, 'utf8')) as Record<string, unknown>;
      edit(parsed);
      fs.writeFileSync(file, JSON.stringify(parsed));
    };

    it('a truncated blob', () => {
      fs.truncateSync(path.join(dir, 'vectors.hnsw'), 600);
      expect(reason()).toBe('blob vectors.hnsw is 600 bytes, expected 1000');
    });
    it('a missing blob', () => {
      fs.rmSync(path.join(dir, 'chunks.json'));
      expect(reason()).toBe('missing blob chunks.json');
    });
    it('a blob changed in place', () => {
      const file = path.join(dir, 'vectors.hnsw');
      const bytes = fs.readFileSync(file);
      bytes[500] = 8;
      fs.writeFileSync(file, bytes);
      expect(reason()).toBe('blob vectors.hnsw is corrupt (checksum mismatch)');
    });
    it('a corrupt manifest', () => {
      fs.writeFileSync(path.join(dir, 'manifest.json'), '{"version": 1, "embedder": ');
      expect(reason()).toMatch(/^corrupt manifest: /);
    });
    it('a manifest missing fields', () => {
      rewriteManifest((m) => delete m['files']);
      expect(reason()).toBe('corrupt manifest: no file table');
    });
    it('a manifest without its blob table', () => {
      rewriteManifest((m) => delete m['blobs']);
      expect(reason()).toBe('corrupt manifest: no blob table');
    });
    it('a missing manifest', () => {
      fs.rmSync(path.join(dir, 'manifest.json'));
      expect(reason()).toBe('gen-1 has no manifest');
    });
    it('an old format version', () => {
      rewriteManifest((m) => (m['version'] = 1));
      expect(reason()).toBe('index format 1 is older than 2');
    });
    it('a newer format version', () => {
      rewriteManifest((m) => (m['version'] = 3));
      expect(reason()).toMatch(/^index format 3 is newer than 2/);
    });
    it('a CURRENT that names nothing sensible', () => {
      fs.writeFileSync(path.join(indexDir, 'CURRENT'), '../../etc\n');
      expect(reason()).toBe('CURRENT does not name a generation');
    });
    it('a CURRENT naming a deleted generation', () => {
      fs.writeFileSync(path.join(indexDir, 'CURRENT'), 'gen-9\n');
      expect(reason()).toBe('gen-9 has no manifest');
    });
  });

  describe('locking', () => {
    it('takes over a lock left by a dead process', async () => {
      const dead = spawn(process.execPath, ['-e', '']);
      await new Promise((resolve) => dead.on('exit', resolve));
      fs.mkdirSync(indexDir, { recursive: true });
      fs.writeFileSync(path.join(indexDir, 'lock'), JSON.stringify({ pid: dead.pid, host: os.hostname(), token: 'x' }));
      new IndexStore(root, undefined, { lockTimeoutMs: 1000 }).save(manifest(), {});
      expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1']);
    });

    it('takes over a lock that was created but never written, once it is old', () => {
      fs.mkdirSync(indexDir, { recursive: true });
      const lock = path.join(indexDir, 'lock');
      fs.writeFileSync(lock, '');
      const store = new IndexStore(root, undefined, { lockTimeoutMs: 200 });
      expect(() => store.save(manifest(), {})).toThrow(/being written by process \?/);
      const past = new Date(Date.now() - 60_000);
      fs.utimesSync(lock, past, past);
      store.save(manifest(), {});
      expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1']);
    });

    it('waits for a live holder and then gives up with a clear error', () => {
      fs.mkdirSync(indexDir, { recursive: true });
      const lock = path.join(indexDir, 'lock');
      fs.writeFileSync(lock, JSON.stringify({ pid: process.pid, host: os.hostname(), token: 'x' }));
      const store = new IndexStore(root, undefined, { lockTimeoutMs: 200 });
      const started = Date.now();
      expect(() => store.save(manifest(), {})).toThrow(new RegExp(`being written by process ${process.pid}; .*delete .*lock`));
      expect(Date.now() - started).toBeGreaterThanOrEqual(200);
      expect(() => store.clear()).toThrow(/being written/);
      // A lock from another machine can't be checked, so it is never taken over.
      fs.writeFileSync(lock, JSON.stringify({ pid: 999_999_999, host: 'some-other-host', token: 'x' }));
      expect(() => store.save(manifest(), {})).toThrow(/being written by process 999999999/);
      fs.rmSync(lock);
      store.save(manifest(), {});
      expect(fs.existsSync(lock)).toBe(false);
    });

    it('keeps the index consistent with two processes saving at once', async () => {
      const a = runChild('loop', 'alpha');
      const b = runChild('loop', 'beta');
      await Promise.all([a.waitFor('ready'), b.waitFor('ready')]);
      fs.writeFileSync(path.join(root, 'go'), '');

      // Meanwhile a reader keeps loading: it must never see a broken index or blobs that don't
      // match the manifest it was given.
      let running = true;
      const both = Promise.all([a.exited, b.exited]).finally(() => (running = false));
      const seen = new Set<string>();
      const check = (): void => {
        const result = new IndexStore(root).load();
        if (result.status === 'missing') return;
        const loaded = ok(result);
        const tag = fs.readFileSync(path.join(loaded.dir, 'tag.txt'), 'utf8');
        expect(tag).toBe(`${String(loaded.manifest.stats['tag'])} ${String(loaded.manifest.stats['generation'])}`);
        expect(fs.readFileSync(path.join(loaded.dir, 'body.txt'), 'utf8').startsWith(`${tag} `)).toBe(true);
        seen.add(tag);
      };
      while (running) {
        check();
        await new Promise((resolve) => setTimeout(resolve, 2));
      }
      expect(await both).toEqual([0, 0]);
      check();
      expect(seen.size).toBeGreaterThan(1);
      expect(entries(indexDir).filter((e) => e.startsWith('gen-'))).toEqual(['gen-29', 'gen-30']);
      expect(entries(indexDir)).not.toContain('lock');
    }, 60_000);
  });

  describe('crash safety (a real child process killed with SIGKILL)', () => {
    it('keeps generation 1 when killed halfway through a blob of generation 2', async () => {
      const child = runChild('mid-blob');
      await child.waitFor('writing');
      await child.kill();

      const leftovers = entries(indexDir).filter((e) => e.includes('.tmp-'));
      expect(leftovers).toEqual([`gen-2.tmp-${child.pid}`]);
      const loaded = ok(new IndexStore(root).load());
      expect(loaded.dir).toBe(path.join(indexDir, 'gen-1'));
      expect(loaded.manifest.stats).toEqual({ generation: 1, tag: 'child' });
      expect(fs.readFileSync(path.join(loaded.dir, 'small.txt'), 'utf8')).toBe('one');
      expect(fs.readFileSync(path.join(loaded.dir, 'big.bin')).equals(Buffer.alloc(4 << 20, 'generation one '))).toBe(true);

      new IndexStore(root, undefined, { lockTimeoutMs: 1000 }).save(manifest(), { 'small.txt': Buffer.from('three') });
      expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1', 'gen-3']);
      expect(fs.readFileSync(path.join(ok(new IndexStore(root).load()).dir, 'small.txt'), 'utf8')).toBe('three');
    });

    it('keeps generation 1 when killed after writing generation 2 but before swapping CURRENT', async () => {
      const child = runChild('before-swap');
      await child.waitFor('swapping 2');
      await child.kill();

      expect(entries(indexDir)).toEqual(['CURRENT', 'CURRENT.tmp', 'gen-1', 'gen-2', 'lock']);
      const loaded = ok(new IndexStore(root).load());
      expect(loaded.dir).toBe(path.join(indexDir, 'gen-1'));
      expect(fs.readFileSync(path.join(loaded.dir, 'small.txt'), 'utf8')).toBe('one');

      new IndexStore(root, undefined, { lockTimeoutMs: 1000 }).save(manifest(), { 'small.txt': Buffer.from('three') });
      expect(entries(indexDir)).toEqual(['CURRENT', 'gen-1', 'gen-3']);
      expect(ok(new IndexStore(root).load()).dir).toBe(path.join(indexDir, 'gen-3'));
    });

    it('reports missing when the very first save is killed, and recovers', async () => {
      const child = runChild('first-blob');
      await child.waitFor('writing');
      await child.kill();
      expect(entries(indexDir)).toEqual([`gen-1.tmp-${child.pid}`, 'lock']);
      expect(new IndexStore(root).load()).toEqual({ status: 'missing' });
      new IndexStore(root, undefined, { lockTimeoutMs: 1000 }).save(manifest(), {});
      expect(entries(indexDir)).toEqual(['CURRENT', 'gen-2']);
    });
  });
});

describe('ensureStateDir', () => {
  const git = (cwd: string, ...args: string[]): string =>
    execFileSync('git', ['-c', 'user.name=t', '-c', 'user.email=t@example.com', '-c', 'commit.gpgsign=false', ...args], {
      cwd,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'pipe'],
    });
  const excludeLines = (file: string): string[] =>
    fs.readFileSync(file, 'utf8').split('\n').filter((line) => line.trim() === '.inline/');

  it('creates an owner-only .inline in a directory outside git', () => {
    const state = ensureStateDir(root);
    expect(state).toBe(path.join(root, '.inline'));
    if (process.platform !== 'win32') expect(fs.statSync(state).mode & 0o777).toBe(0o700);
    expect(fs.existsSync(path.join(root, '.git'))).toBe(false);
    expect(ensureStateDir(root)).toBe(state);
  });

  it('adds .inline/ to .git/info/exclude exactly once, keeping what was there', () => {
    git(root, 'init', '-q');
    const exclude = path.join(root, '.git', 'info', 'exclude');
    fs.writeFileSync(exclude, '# mine\n*.log');
    ensureStateDir(root);
    ensureStateDir(root);
    ensureStateDir(path.join(root, 'sub'));
    expect(fs.readFileSync(exclude, 'utf8')).toBe('# mine\n*.log\n.inline/\n');
    fs.writeFileSync(path.join(root, '.inline', 'x'), 'x');
    expect(git(root, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(fs.existsSync(path.join(root, '.gitignore'))).toBe(false);
  });

  it('uses the shared exclude file from a linked worktree', () => {
    const main = path.join(root, 'main');
    fs.mkdirSync(main);
    git(main, 'init', '-q');
    git(main, 'commit', '-q', '--allow-empty', '-m', 'init');
    const worktree = path.join(root, 'wt');
    git(main, 'worktree', 'add', '-q', worktree);
    expect(fs.statSync(path.join(worktree, '.git')).isFile()).toBe(true);

    ensureStateDir(worktree);
    ensureStateDir(worktree);
    expect(excludeLines(path.join(main, '.git', 'info', 'exclude'))).toHaveLength(1);
    fs.writeFileSync(path.join(worktree, '.inline', 'x'), 'x');
    expect(git(worktree, 'status', '--porcelain', '--untracked-files=all')).toBe('');
  });

  it('follows a .git file to a git dir without a commondir (submodule layout)', () => {
    const gitDir = path.join(root, 'modules', 'sub');
    fs.mkdirSync(gitDir, { recursive: true });
    const work = path.join(root, 'sub');
    fs.mkdirSync(work);
    fs.writeFileSync(path.join(work, '.git'), 'gitdir: ../modules/sub\n');
    ensureStateDir(work);
    expect(excludeLines(path.join(gitDir, 'info', 'exclude'))).toHaveLength(1);
  });
});

interface Child {
  pid: number;
  exited: Promise<number | null>;
  waitFor(line: string): Promise<void>;
  kill(): Promise<void>;
}

function runChild(mode: string, tag?: string): Child {
  const proc: ChildProcess = spawn(process.execPath, ['--import', 'tsx', CHILD, root, mode, ...(tag ? [tag] : [])], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stdout = '';
  let stderr = '';
  proc.stdout!.on('data', (d: Buffer) => (stdout += d.toString()));
  proc.stderr!.on('data', (d: Buffer) => (stderr += d.toString()));
  // The exit event is what reaps the child: until then its pid still looks alive to the lock.
  const exited = new Promise<number | null>((resolve) => proc.on('exit', (code) => resolve(code)));
  return {
    pid: proc.pid!,
    exited,
    waitFor: (line) =>
      new Promise((resolve, reject) => {
        const timer = setInterval(() => {
          if (stdout.split('\n').includes(line)) {
            clearInterval(timer);
            resolve();
          } else if (proc.exitCode !== null) {
            clearInterval(timer);
            reject(new Error(`child exited (${proc.exitCode}) before "${line}": ${stderr}`));
          }
        }, 10);
      }),
    kill: async () => {
      proc.kill('SIGKILL');
      await exited;
    },
  };
}
