/**
 * The writer lock of an index directory: a `lock` file created with O_EXCL, holding pid, host and
 * a token. A lock whose process is gone is taken over.
 *
 * The small file helpers at the end are shared with store.ts and state-dir.ts; they live in this
 * leaf module so that neither of those has to import the other.
 */
import { randomBytes } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';

const LOCK = 'lock';
const LOCK_BREAK = 'lock.break';
// A lock file is written right after it is created; one still empty after this long was abandoned.
const UNWRITTEN_LOCK_MS = 5_000;
// Breaking a stale lock takes microseconds; a breaker marker this old belongs to a dead process.
const STALE_BREAKER_MS = 10_000;

/** Runs `work` holding the lock of `directory`, waiting up to `timeoutMs` for another holder. */
export function withLock<T>(directory: string, timeoutMs: number, work: () => T): T {
  const file = path.join(directory, LOCK);
  const token = randomBytes(8).toString('hex');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (tryCreate(file, JSON.stringify({ pid: process.pid, host: os.hostname(), token }))) {
      try {
        return work();
      } finally {
        releaseLock(file, token);
      }
    }
    const holder = readLock(file);
    if (holder?.stale) breakLock(path.join(directory, LOCK_BREAK), file, holder.raw);
    if (!holder || holder.stale) continue;
    if (Date.now() >= deadline) {
      const who = `process ${holder.pid ?? '?'}`;
      throw new Error(`the index in ${directory} is being written by ${who}; if no inline process is running, delete ${file}`);
    }
    sleep(50);
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

function ageMs(file: string): number {
  const stat = fs.statSync(file, { throwIfNoEntry: false });
  return stat ? Date.now() - stat.mtimeMs : 0;
}

const sleep = (ms: number): void => void Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

export function writeDurably(file: string, data: Buffer, mode = 0o600): void {
  const fd = fs.openSync(file, 'w', mode);
  try {
    fs.writeFileSync(fd, data);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** The file's text, or undefined if it doesn't exist. */
export function readOrUndefined(file: string): string | undefined {
  try {
    return fs.readFileSync(file, 'utf8');
  } catch (err) {
    if (errorCode(err) === 'ENOENT') return undefined;
    throw err;
  }
}

export const isRecord = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
export const errorCode = (err: unknown): string | undefined => (err as NodeJS.ErrnoException | undefined)?.code;
