/**
 * Completions kept on disk under `.inline/cache/completions/`, one small JSON file per key in 256
 * shards, so a one-shot `inline complete` or a restarted daemon still hits what an earlier process
 * generated. Writes go to a temp file and are renamed into place; a file that fails to parse is a
 * miss. The directory is pruned to its newest entries every so often.
 */
import { mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ensureStateDir } from '../../../index/state-dir.js';

export interface DiskCacheOptions {
  /** Entries kept after a prune. */
  maxEntries: number;
  /** Writes between prunes. */
  pruneEvery: number;
}

const DEFAULTS: DiskCacheOptions = { maxEntries: 5000, pruneEvery: 200 };

export class DiskCache<V> {
  private readonly options: DiskCacheOptions;
  private writes = 0;
  private dir: string | undefined;

  constructor(
    private readonly root: string,
    options: Partial<DiskCacheOptions> = {},
  ) {
    this.options = { ...DEFAULTS, ...options };
  }

  get(key: string): V | undefined {
    try {
      return JSON.parse(readFileSync(this.fileFor(key), 'utf8')) as V;
    } catch {
      return undefined;
    }
  }

  /** Best effort: a cache that cannot be written is only slower. */
  set(key: string, value: V): void {
    try {
      const file = this.fileFor(key);
      mkdirSync(join(file, '..'), { recursive: true });
      const temp = `${file}.${process.pid}.tmp`;
      writeFileSync(temp, JSON.stringify(value));
      renameSync(temp, file);
      if (++this.writes % this.options.pruneEvery === 0) this.prune();
    } catch {
      // Read-only checkout, full disk: the in-memory layer still works.
    }
  }

  private base(): string {
    this.dir ??= join(ensureStateDir(this.root), 'cache', 'completions');
    return this.dir;
  }

  private fileFor(key: string): string {
    return join(this.base(), key.slice(0, 2), `${key}.json`);
  }

  private prune(): void {
    const files: Array<{ path: string; mtime: number }> = [];
    for (const shard of readdirSync(this.base())) {
      const dir = join(this.base(), shard);
      for (const name of readdirSync(dir)) {
        const path = join(dir, name);
        files.push({ path, mtime: statSync(path).mtimeMs });
      }
    }
    if (files.length <= this.options.maxEntries) return;
    files.sort((a, b) => b.mtime - a.mtime);
    for (const { path } of files.slice(this.options.maxEntries)) rmSync(path, { force: true });
  }
}
