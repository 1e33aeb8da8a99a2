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
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { errorCode, isRecord, readOrUndefined, withLock, writeDurably } from './store-lock.js';

export { ensureStateDir } from './state-dir.js';

/** 2: chunk texts moved out of chunks.json into texts.bin. */
export const INDEX_FORMAT_VERSION = 2;

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
const GENERATION = /^gen-(\d+)$/;
const LEFTOVER = /^gen-(\d+)\.tmp-.+$/;
const BLOB_NAME = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const DEFAULT_LOCK_TIMEOUT_MS = 60_000;

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

  /** Writes a new generation and makes it current; returns its directory. */
  save(manifest: IndexManifest, blobs: IndexBlobs): string {
    const problem = manifestProblem({ ...manifest, version: INDEX_FORMAT_VERSION });
    if (problem) throw new Error(`cannot save index: ${problem}`);
    for (const name of Object.keys(blobs)) {
      if (!BLOB_NAME.test(name) || name === MANIFEST) throw new Error(`cannot save index: invalid blob name "${name}"`);
    }
    fs.mkdirSync(this.directory, { recursive: true, mode: 0o700 });

    return withLock(this.directory, this.lockTimeoutMs, () => {
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
      return path.join(this.directory, name);
    });
  }

  /** Removes the stored index (for --rebuild); the next load reports `missing`. */
  clear(): void {
    if (!fs.existsSync(this.directory)) return;
    withLock(this.directory, this.lockTimeoutMs, () => {
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

const isCount = (value: unknown): value is number => typeof value === 'number' && Number.isInteger(value) && value >= 0;
const message = (err: unknown): string => (err instanceof Error ? err.message : String(err));
