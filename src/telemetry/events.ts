/**
 * The local telemetry event log (DESIGN §11): append-only JSONL files in `<root>/.inline/telemetry/`,
 * rotated by size. Nothing here sends anything anywhere; `inline stats` reads these files.
 *
 * Several processes (the CLI and the daemon) may append to the same log at once. Each batch is one
 * O_APPEND write of whole lines, small enough that Linux keeps it in one piece, so lines never
 * interleave. Rotation is a rename to a unique name, which can never destroy data: when two
 * processes rotate at the same moment, the later one at worst rotates the earlier one's fresh
 * file, and a writer that opened the file just before a rename appends to the renamed file.
 */
import fsp from 'node:fs/promises';
import path from 'node:path';
import { ensureStateDir } from '../index/state-dir.js';

export interface TelemetryEvent {
  type: string;
  /** ISO time */
  at: string;
  [field: string]: unknown;
}

export interface TelemetryOptions {
  /** Size past which `events.jsonl` is rotated (default 5 MiB). */
  maxFileBytes?: number;
  /** Rotated files kept; older ones are deleted (default 10). */
  maxFiles?: number;
  /** Where INLINE_TELEMETRY is read from (default process.env). */
  env?: NodeJS.ProcessEnv;
  /** Receives the one warning a failing log gives (default: stderr). */
  warn?: (message: string) => void;
}

export interface ReadOptions {
  /** Only events at or after this time. */
  since?: Date;
  /** Only events of these types. */
  types?: string[];
}

const CURRENT_FILE = 'events.jsonl';
const ROTATED_FILE = /^events-.+\.jsonl$/;
const DEFAULT_MAX_FILE_BYTES = 5 * 1024 * 1024;
const DEFAULT_MAX_FILES = 10;
/** PIPE_BUF on Linux: the largest append that other writers can never split. */
const BATCH_BYTES = 4096;
/** Events carry figures, not source text; one this large is a caller's bug and is dropped. */
const MAX_EVENT_BYTES = 64 * 1024;
/** What a log that cannot write (read-only disk) may hold in memory before it drops new events. */
const MAX_PENDING_BYTES = 1024 * 1024;
/** Events recorded within this window share one append. */
const FLUSH_DELAY_MS = 200;
/** Re-listing attempts when a file is rotated away between listing the directory and opening it. */
const READ_ATTEMPTS = 3;

export function telemetryDir(root: string): string {
  return path.join(root, '.inline', 'telemetry');
}

/** INLINE_TELEMETRY=off (or 0, false, no) turns recording off entirely. */
export function telemetryDisabled(env: NodeJS.ProcessEnv): boolean {
  const value = env.INLINE_TELEMETRY?.trim().toLowerCase();
  return value === 'off' || value === '0' || value === 'false' || value === 'no';
}

export class TelemetryLog {
  private pending: string[] = [];
  private pendingBytes = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Appends run one after another so that this process's events stay in order. */
  private writing: Promise<void> = Promise.resolve();
  private dirReady = false;
  private warned = false;
  private rotations = 0;

  private constructor(
    private readonly root: string,
    readonly enabled: boolean,
    private readonly maxFileBytes: number,
    private readonly maxFiles: number,
    private readonly warnSink: (message: string) => void,
  ) {}

  static open(root: string, options: TelemetryOptions = {}): TelemetryLog {
    const maxFileBytes = options.maxFileBytes ?? DEFAULT_MAX_FILE_BYTES;
    const maxFiles = options.maxFiles ?? DEFAULT_MAX_FILES;
    if (!Number.isInteger(maxFileBytes) || maxFileBytes < 1) {
      throw new RangeError(`Telemetry maxFileBytes must be a whole number of bytes ≥ 1 (got ${maxFileBytes}).`);
    }
    if (!Number.isInteger(maxFiles) || maxFiles < 0) {
      throw new RangeError(`Telemetry maxFiles must be a whole number ≥ 0 (got ${maxFiles}).`);
    }
    const enabled = !telemetryDisabled(options.env ?? process.env);
    const warn = options.warn ?? ((message: string) => process.stderr.write(`${message}\n`));
    return new TelemetryLog(path.resolve(root), enabled, maxFileBytes, maxFiles, warn);
  }

  get directory(): string {
    return telemetryDir(this.root);
  }

  /** Queues one event; the append happens shortly after, off the caller's path. Never throws. */
  record(type: string, fields: Record<string, unknown> = {}): void {
    if (!this.enabled) return;
    try {
      const at = new Date().toISOString();
      // type and at lead every line, and a field of the same name cannot replace them.
      const line = `${JSON.stringify(Object.assign({ type: String(type), at }, fields, { type: String(type), at }))}\n`;
      const bytes = Buffer.byteLength(line);
      if (bytes > MAX_EVENT_BYTES) return this.warnOnce(`a "${type}" event of ${bytes} bytes was dropped (the limit is ${MAX_EVENT_BYTES})`);
      if (this.pendingBytes + bytes > MAX_PENDING_BYTES) return this.warnOnce('events arrive faster than they can be written; some were dropped');
      this.pending.push(line);
      this.pendingBytes += bytes;
      this.scheduleFlush();
    } catch (error) {
      this.warnOnce(`a "${String(type)}" event could not be recorded (${describe(error)})`);
    }
  }

  /** Writes everything recorded so far. Never rejects: failures end in the one warning. */
  flush(): Promise<void> {
    if (this.timer) {
      clearTimeout(this.timer);
      this.timer = undefined;
    }
    if (this.pending.length > 0) {
      const lines = this.pending;
      this.pending = [];
      this.pendingBytes = 0;
      this.writing = this.writing.then(() => this.write(lines));
    }
    return this.writing;
  }

  private scheduleFlush(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.flush();
    }, FLUSH_DELAY_MS);
    // A pending batch must not keep a finished command alive; the CLI awaits flush() before exiting.
    this.timer.unref();
  }

  private async write(lines: string[]): Promise<void> {
    try {
      for (const batch of batches(lines, Math.min(BATCH_BYTES, this.maxFileBytes))) await this.append(batch);
    } catch (error) {
      this.warnOnce(`could not write to ${this.directory} (${describe(error)})`);
    }
  }

  private async append(batch: string): Promise<void> {
    await this.prepareDir();
    const file = path.join(this.directory, CURRENT_FILE);
    await this.rotateIfFull(file, Buffer.byteLength(batch));
    try {
      await fsp.appendFile(file, batch, { mode: 0o600 });
    } catch (error) {
      if (errorCode(error) !== 'ENOENT') throw error;
      // The directory was removed under us (someone cleared .inline/): make it again, once.
      this.dirReady = false;
      await this.prepareDir();
      await fsp.appendFile(file, batch, { mode: 0o600 });
    }
  }

  private async prepareDir(): Promise<void> {
    if (this.dirReady) return;
    ensureStateDir(this.root);
    await fsp.mkdir(this.directory, { recursive: true, mode: 0o700 });
    this.dirReady = true;
  }

  private async rotateIfFull(file: string, incoming: number): Promise<void> {
    let size: number;
    try {
      size = (await fsp.stat(file)).size;
    } catch (error) {
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    if (size === 0 || size + incoming <= this.maxFileBytes) return;
    // Unique per process and rotation so that a rename never replaces an older rotated file.
    const stamp = new Date().toISOString().replace(/[-:.]/g, '');
    const rotated = `events-${stamp}-${process.pid}-${String(++this.rotations).padStart(6, '0')}.jsonl`;
    try {
      await fsp.rename(file, path.join(this.directory, rotated));
    } catch (error) {
      // Another process rotated it first; the append below starts the new file.
      if (errorCode(error) === 'ENOENT') return;
      throw error;
    }
    await this.prune();
  }

  private async prune(): Promise<void> {
    const rotated = (await fsp.readdir(this.directory)).filter((name) => ROTATED_FILE.test(name)).sort();
    for (const name of rotated.slice(0, Math.max(0, rotated.length - this.maxFiles))) {
      await fsp.rm(path.join(this.directory, name), { force: true });
    }
  }

  private warnOnce(message: string): void {
    if (this.warned) return;
    this.warned = true;
    try {
      this.warnSink(`inline: telemetry: ${message}. Completions are unaffected; set INLINE_TELEMETRY=off to stop recording.`);
    } catch {
      // A closed stderr is no reason to fail a completion.
    }
  }
}

/** Events across the rotated files and the current one, oldest first. Corrupt or partial lines are skipped. */
export async function* readEvents(root: string, options: ReadOptions = {}): AsyncIterable<TelemetryEvent> {
  const since = options.since?.getTime();
  if (since !== undefined && Number.isNaN(since)) throw new RangeError('readEvents: "since" is not a valid date.');
  const types = options.types ? new Set(options.types) : undefined;
  const handles = await openLogFiles(telemetryDir(root));
  try {
    for (const handle of handles) {
      for await (const line of handle.readLines({ autoClose: false })) {
        const event = parseEvent(line);
        if (!event) continue;
        if (types && !types.has(event.type)) continue;
        if (since !== undefined && !(Date.parse(event.at) >= since)) continue;
        yield event;
      }
    }
  } finally {
    await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
  }
}

/**
 * Opens every log file, oldest first, before reading any: a writer that rotates or prunes while we
 * read then only renames or unlinks names, and the open files keep their content.
 */
async function openLogFiles(dir: string): Promise<fsp.FileHandle[]> {
  for (let attempt = 1; ; attempt++) {
    let names: string[];
    try {
      names = await fsp.readdir(dir);
    } catch (error) {
      if (errorCode(error) === 'ENOENT' || errorCode(error) === 'ENOTDIR') return [];
      throw error;
    }
    const ordered = names.filter((name) => ROTATED_FILE.test(name)).sort();
    if (names.includes(CURRENT_FILE)) ordered.push(CURRENT_FILE);
    const handles: fsp.FileHandle[] = [];
    let vanished = false;
    for (const name of ordered) {
      try {
        handles.push(await fsp.open(path.join(dir, name), 'r'));
      } catch (error) {
        if (errorCode(error) !== 'ENOENT') {
          await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
          throw error;
        }
        vanished = true;
      }
    }
    // A file that vanished was rotated (its lines now live under a name we have not listed) or pruned.
    if (!vanished || attempt >= READ_ATTEMPTS) return handles;
    await Promise.all(handles.map((handle) => handle.close().catch(() => {})));
  }
}

function parseEvent(line: string): TelemetryEvent | undefined {
  if (line.trim() === '') return undefined;
  let value: unknown;
  try {
    value = JSON.parse(line);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return undefined;
  const event = value as Record<string, unknown>;
  if (typeof event.type !== 'string' || typeof event.at !== 'string' || Number.isNaN(Date.parse(event.at))) return undefined;
  return event as TelemetryEvent;
}

/** Groups whole lines into appends of at most `limit` bytes; a longer line goes alone. */
function* batches(lines: string[], limit: number): Generator<string> {
  let batch = '';
  let bytes = 0;
  for (const line of lines) {
    const size = Buffer.byteLength(line);
    if (bytes > 0 && bytes + size > limit) {
      yield batch;
      batch = '';
      bytes = 0;
    }
    batch += line;
    bytes += size;
  }
  if (bytes > 0) yield batch;
}

function errorCode(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
