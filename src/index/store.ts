/**
 * Crash-safe storage of the code index. Layout of the index directory (`<root>/.inline/index/`):
 *   CURRENT               names the live generation, e.g. `gen-7`
 *   gen-7/manifest.json   the manifest plus the size and sha256 of every blob
 *   gen-7/<blob>...       chunks, lexical index, vectors, embedder state
 *   gen-6/                the previous generation, kept until the next save (see prune)
 *   gen-8.tmp-<pid>/      a generation being written, never read
 *   lock                  held by the one process saving or clearing
 * A save fsyncs a whole generation under a temporary name, renames it to `gen-<n>`, and only then
 * swaps CURRENT by rename, so a crash at any point leaves CURRENT naming a complete generation.
 *
 * Writers take `lock` (O_EXCL, holding pid and host); one whose process is gone is taken over.
 * Readers take no lock. Writers are serialized rather than racing to CURRENT because of cleanup:
 * a writer pruning old generations could otherwise delete the one another has just published.
 */
import { createHash, randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

export const INDEX_FORMAT_VERSION = 1;

export interface IndexManifest {
  version: number;
  embedder: { id: string; dimensions: number };
  createdAt: string;
  updatedAt: string;
  nextChunkId: number;
  files: Record<string, { hash: string; size: number; mtimeMs: number; chunkIds: number[] }>;
  stats: Record<string, unknown>;
}

/** A blob is either its bytes or a writer that creates the file at the path it is given. */
export interface IndexBlobs {
  [name: string]: Buffer | ((path: string) => void);
}

/** Recorded in the manifest for every blob; load checks both. */
export type BlobRecord = { size: number; sha256: string };

export type LoadResult =
  | { status: 'ok'; manifest: IndexManifest; dir: string; blobs: Record<string, BlobRecord> }
  | { status: 'missing' }
  | { status: 'invalid'; reason: string };

export interface IndexStoreOptions {
  /** How long save and clear wait for another process's lock before giving up. */
  lockTimeoutMs?: number;
}

const CURRENT = 'CURRENT';
const CURRENT_TMP = 'CURRENT.tmp';
const MANIFEST = 'manifest.json';
const LOCK = 'lock';
const LOCK_BREAK = 'lock.break';
const GENERATION = /^gen-(\d+)$/;
const LEFTOVER = /^gen-(\d+)\.tmp-.+$/;
const BLOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DEFAULT_LOCK_TIMEOUT_MS = 60_000;
// A lock file is written right after it is created; one still empty after this long was abandoned.
const UNWRITTEN_LOCK_MS = 5_000;
// Breaking a stale lock takes microseconds; a breaker marker this old belongs to a dead process.
const STALE_BREAKER_MS = 10_000;

/** Why a stored index can't be used; load turns it into an `invalid` result. */
class Invalid extends Error {}

export class IndexStore {
  readonly directory: string;
  private readonly lockTimeoutMs: number;

  constructor(root: string, indexDir?: string, options: IndexStoreOptions = {}) {
    this.directory = indexDir ? path.resolve(root, indexDir) : path.join(root, '.inline', 'index');
    this.lockTimeoutMs = options.lockTimeoutMs ?? DEFAULT_LOCK_TIMEOUT_MS;
  }

  blobPath(dir: string, name: string): string {
    return path.join(dir, name);
  }

  load(): LoadResult {
    try {
      return this.read();
    } catch (err) {
      // A file that exists but can't be read (permissions, I/O) leaves the index as unusable as corruption does.
      if (!(err instanceof Invalid) && errorCode(err) === undefined) throw err;
      const reason = err instanceof Invalid ? err.message : `cannot read the index: ${message(err)}`;
      return { status: 'invalid', reason: reason.replace(/\s*\n\s*/g, ' ') };
    }
  }

  save(manifest: IndexManifest, blobs: IndexBlobs): void {
    const problem = manifestProblem({ ...manifest, version: INDEX_FORMAT_VERSION });
    if (problem) throw new Error(`cannot save index: ${problem}`);
    for (const name of Object.keys(blobs)) {
      if (!BLOB_NAME.test(name) || name === MANIFEST) throw new Error(`cannot save index: invalid blob name "${name}"`);
    }
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });

    this.withLock(() => {
      const previous = this.currentGeneration();
      const name = `gen-${this.nextGeneration()}`;
      const staging = path.join(this.directory, `${name}.tmp-${process.pid}`);
      fs.rmSync(staging, { recursive: true, force: true });
      fs.mkdirSync(staging, { mode: 0o700 });
      try {
        this.writeGeneration(staging, manifest, blobs);
      } catch (err) {
        fs.rmSync(staging, { recursive: true, force: true });
        throw err;
      }

      fs.renameSync(staging, path.join(this.directory, name));
      syncDirectory(this.directory);
      writeDurably(path.join(this.directory, CURRENT_TMP), Buffer.from(`${name}\n`));
      fs.renameSync(path.join(this.directory, CURRENT_TMP), path.join(this.directory, CURRENT));
      syncDirectory(this.directory);

      this.prune(new Set(previous ? [name, previous] : [name]));
    });
  }

  /** Removes the stored index (for --rebuild); the next load reports `missing`. */
  clear(): void {
    if (!fs.existsSync(this.directory)) return;
    this.withLock(() => {
      // CURRENT goes first: once it is gone no reader can be sent into a half-deleted generation.
      fs.rmSync(path.join(this.directory, CURRENT), { force: true });
      syncDirectory(this.directory);
      this.prune(new Set());
    });
  }

  private writeGeneration(staging: string, manifest: IndexManifest, blobs: IndexBlobs): void {
    const records: Record<string, BlobRecord> = {};
    for (const [name, blob] of Object.entries(blobs)) {
      const file = path.join(staging, name);
      if (Buffer.isBuffer(blob)) {
        writeDurably(file, blob);
        records[name] = { size: blob.length, sha256: createHash('sha256').update(blob).digest('hex') };
      } else {
        blob(file);
        if (!fs.existsSync(file)) throw new Error(`cannot save index: the writer for blob "${name}" created no file`);
        records[name] = digestFile(file, true);
      }
    }
    const stored = { ...manifest, version: INDEX_FORMAT_VERSION, blobs: records };
    writeDurably(path.join(staging, MANIFEST), Buffer.from(JSON.stringify(stored)));
    syncDirectory(staging);
  }

  private read(): LoadResult {
    const current = readOrUndefined(path.join(this.directory, CURRENT))?.trim();
    if (current === undefined) return { status: 'missing' };
    if (!GENERATION.test(current)) throw new Invalid(`${CURRENT} does not name a generation`);
    const dir = path.join(this.directory, current);
    const text = readOrUndefined(path.join(dir, MANIFEST));
    if (text === undefined) throw new Invalid(`${current} has no manifest`);
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch (err) {
      throw new Invalid(`corrupt manifest: ${message(err)}`);
    }
    const version = isRecord(parsed) ? parsed['version'] : undefined;
    if (typeof version !== 'number') throw new Invalid('corrupt manifest: no format version');
    if (version < INDEX_FORMAT_VERSION) throw new Invalid(`index format ${version} is older than ${INDEX_FORMAT_VERSION}`);
    if (version > INDEX_FORMAT_VERSION) throw new Invalid(`index format ${version} is newer than ${INDEX_FORMAT_VERSION}; upgrade inline`);
    const { blobs, ...manifest } = parsed as Record<string, unknown>;
    const problem = manifestProblem(manifest) ?? blobRecordsProblem(blobs);
    if (problem) throw new Invalid(`corrupt manifest: ${problem}`);
    const records = blobs as Record<string, BlobRecord>;
    for (const [name, record] of Object.entries(records)) this.checkBlob(path.join(dir, name), name, record);
    return { status: 'ok', manifest: manifest as unknown as IndexManifest, dir, blobs: records };
  }

  private checkBlob(file: string, name: string, record: BlobRecord): void {
    const size = fs.statSync(file, { throwIfNoEntry: false })?.size;
    if (size === undefined) throw new Invalid(`missing blob ${name}`);
    if (size !== record.size) throw new Invalid(`blob ${name} is ${size} bytes, expected ${record.size}`);
    // Hashing costs about 40 ms per 50 MB (SHA extensions) and catches what a size check can't:
    // torn pages and bit rot inside a blob that hnswlib would otherwise trust blindly.
    if (digestFile(file, false).sha256 !== record.sha256) throw new Invalid(`blob ${name} is corrupt (checksum mismatch)`);
  }

  private currentGeneration(): string | undefined {
    const name = readOrUndefined(path.join(this.directory, CURRENT))?.trim();
    return name && GENERATION.test(name) ? name : undefined;
  }

  /** One past every number in use, so an abandoned generation is never reused or overwritten. */
  private nextGeneration(): number {
    let highest = 0;
    for (const entry of fs.readdirSync(this.directory)) {
      const match = GENERATION.exec(entry) ?? LEFTOVER.exec(entry);
      if (match) highest = Math.max(highest, Number(match[1]));
    }
    return highest + 1;
  }

  /**
   * Deletes generations not in `keep` and whatever interrupted saves left. Save keeps the previous
   * generation too: a reader that followed CURRENT just before the swap may still be opening it.
   */
  private prune(keep: Set<string>): void {
    for (const entry of fs.readdirSync(this.directory)) {
      const removable = (GENERATION.test(entry) && !keep.has(entry)) || LEFTOVER.test(entry) || entry === CURRENT_TMP;
      if (!removable) continue;
      try {
        fs.rmSync(path.join(this.directory, entry), { recursive: true, force: true });
      } catch {
        // The new generation is already live; a leftover that can't be removed now will be next time.
      }
    }
  }

  private withLock(work: () => void): void {
    const file = path.join(this.directory, LOCK);
    const token = randomBytes(8).toString('hex');
    const deadline = Date.now() + this.lockTimeoutMs;
    for (;;) {
      if (tryCreate(file, JSON.stringify({ pid: process.pid, host: os.hostname(), token }))) {
        try {
          return work();
        } finally {
          releaseLock(file, token);
        }
      }
      const holder = readLock(file);
      if (holder?.stale) breakLock(path.join(this.directory, LOCK_BREAK), file, holder.raw);
      if (!holder || holder.stale) continue;
      if (Date.now() >= deadline) {
        const who = `process ${holder.pid ?? '?'}`;
        throw new Error(`the index in ${this.directory} is being written by ${who}; if no inline process is running, delete ${file}`);
      }
      sleep(50);
    }
  }
}

/**
 * Creates `<root>/.inline` (owner-only: it caches source text) and, when root is inside a git
 * repository, excludes it through .git/info/exclude so the user's .gitignore is never touched.
 */
export function ensureStateDir(root: string): string {
  const state = path.join(root, '.inline');
  fs.mkdirSync(state, { recursive: true, mode: 0o700 });
  try {
    const exclude = findExcludeFile(root);
    if (exclude) addExcludeLine(exclude);
  } catch {
    // An unreadable or unwritable .git only means `.inline/` shows up as untracked.
  }
  return state;
}

/** Where git reads exclude patterns for the repository containing `root`, if any. */
function findExcludeFile(root: string): string | undefined {
  for (let dir = path.resolve(root); ; dir = path.dirname(dir)) {
    const dotGit = path.join(dir, '.git');
    const stat = fs.statSync(dotGit, { throwIfNoEntry: false });
    if (stat?.isDirectory()) return path.join(dotGit, 'info', 'exclude');
    if (stat?.isFile()) {
      // Worktrees and submodules have a `.git` file naming their git dir. A worktree's git dir
      // names the shared one in `commondir`, and info/exclude is read from the shared one.
      const gitDir = /^gitdir:\s*(.+?)\s*$/m.exec(fs.readFileSync(dotGit, 'utf8'))?.[1];
      if (!gitDir) return undefined;
      const own = path.resolve(dir, gitDir);
      const common = readOrUndefined(path.join(own, 'commondir'))?.trim();
      return path.join(common ? path.resolve(own, common) : own, 'info', 'exclude');
    }
    if (path.dirname(dir) === dir) return undefined;
  }
}

function addExcludeLine(file: string): void {
  const text = readOrUndefined(file) ?? '';
  const present = text.split(/\r?\n/).some((line) => ['.inline', '.inline/', '/.inline', '/.inline/'].includes(line.trim()));
  if (present) return;
  const separator = text.length > 0 && !text.endsWith('\n') ? '\n' : '';
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.tmp-${process.pid}-${randomBytes(4).toString('hex')}`;
  try {
    writeDurably(temp, Buffer.from(`${text}${separator}.inline/\n`), 0o644);
    fs.renameSync(temp, file);
  } catch (err) {
    fs.rmSync(temp, { force: true });
    throw err;
  }
}

function readLock(file: string): { raw: string; pid?: number; stale: boolean } | undefined {
  const raw = readOrUndefined(file);
  if (raw === undefined) return undefined;
  let holder: unknown;
  try {
    holder = JSON.parse(raw);
  } catch {
    holder = undefined;
  }
  if (!isRecord(holder)) return { raw, stale: ageMs(file) > UNWRITTEN_LOCK_MS };
  const pid = typeof holder['pid'] === 'number' ? holder['pid'] : undefined;
  // A pid means nothing on another machine sharing the directory, so such a lock is never broken.
  const local = holder['host'] === os.hostname();
  return { raw, pid, stale: local && pid !== undefined && !processAlive(pid) };
}

/**
 * Deletes a stale lock, but only while holding a breaker marker and only if the lock still has
 * the content judged stale: two processes breaking the same lock would otherwise let the slower
 * one delete the lock the faster one has just taken.
 */
function breakLock(breaker: string, file: string, staleContent: string): void {
  if (!tryCreate(breaker, '')) {
    if (ageMs(breaker) > STALE_BREAKER_MS) fs.rmSync(breaker, { force: true });
    sleep(10);
    return;
  }
  try {
    if (readOrUndefined(file) === staleContent) fs.rmSync(file, { force: true });
  } finally {
    fs.rmSync(breaker, { force: true });
  }
}

/** Creates `file` with O_EXCL; false if it already exists. */
function tryCreate(file: string, content: string): boolean {
  try {
    fs.writeFileSync(file, content, { flag: 'wx', mode: 0o600 });
    return true;
  } catch (err) {
    if (errorCode(err) === 'EEXIST') return false;
    throw err;
  }
}

function releaseLock(file: string, token: string): void {
  // Only our own lock: after a takeover the file may belong to someone else.
  if (readOrUndefined(file)?.includes(`"token":"${token}"`)) fs.rmSync(file, { force: true });
}

function processAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists but belongs to someone else.
    return errorCode(err) === 'EPERM';
  }
}

function writeDurably(file: string, data: Buffer, mode = 0o600): void {
  const fd = fs.openSync(file, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Size and sha256 of a file, read in pieces so a large blob never needs one large buffer. */
function digestFile(file: string, sync: boolean): BlobRecord {
  const fd = fs.openSync(file, sync ? 'r+' : 'r');
  try {
    if (sync) fs.fsyncSync(fd);
    const hash = createHash('sha256');
    const buffer = Buffer.allocUnsafe(1 << 20);
    let size = 0;
    for (;;) {
      const read = fs.readSync(fd, buffer, 0, buffer.length, null);
      if (read === 0) break;
      hash.update(buffer.subarray(0, read));
      size += read;
    }
    return { size, sha256: hash.digest('hex') };
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename or a new entry durable. Some platforms (Windows) can't open a directory; skip there. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // Not supported here; the rename itself is still atomic.
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The file's text, or undefined if it doesn't exist. */
function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

function ageMs(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : 0;
}

function manifestProblem(value: Record<string, unknown>): string | undefined {
  const embedder = value['embedder'];
  if (!isRecord(embedder) || typeof embedder['id'] !== 'string') return 'no embedder';
  if (!isCount(embedder['dimensions']) || embedder['dimensions'] === 0) return 'bad embedder dimensions';
  if (typeof value['createdAt'] !== 'string' || typeof value['updatedAt'] !== 'string') return 'no timestamps';
  if (!isCount(value['nextChunkId'])) return 'bad nextChunkId';
  const files = value['files'];
  if (!isRecord(files)) return 'no file table';
  for (const [file, entry] of Object.entries(files)) {
    if (!isRecord(entry) || typeof entry['hash'] !== 'string' || !Array.isArray(entry['chunkIds'])) return `bad entry for ${file}`;
  }
  if (!isRecord(value['stats'])) return 'no stats';
  return undefined;
}

function blobRecordsProblem(value: unknown): string | undefined {
  if (!isRecord(value)) return 'no blob table';
  for (const [name, record] of Object.entries(value)) {
    if (!BLOB_NAME.test(name) || name === MANIFEST) return `bad blob name ${JSON.stringify(name)}`;
    if (!isRecord(record) || !isCount(record['size']) || typeof record['sha256'] !== 'string') return `bad record for blob ${name}`;
  }
  return undefined;
}

const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);
