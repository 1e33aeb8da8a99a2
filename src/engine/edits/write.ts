/**
 * Writes several files so that each is always either its old or its new content, even if the
 * process is killed: every new content first goes to a temporary file in the target's own
 * directory (same file system, so rename is atomic), is fsynced and given the old file's mode;
 * only then are the temporaries renamed over the targets. If a step fails, the files already
 * replaced are put back, so a failed apply changes nothing.
 */
import { chmodSync, closeSync, fsyncSync, mkdirSync, openSync, renameSync, rmSync, statSync, unlinkSync, writeSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { basename, dirname, join } from 'node:path';

export interface FileWrite {
  absolutePath: string;
  /** The content the file had when planned; `undefined` if it did not exist. */
  before: string | undefined;
  after: string;
}

/** Temporary files start with this, so a crash leaves them recognisable and never under a real name. */
export const TEMP_MARKER = '.inline-edit-';

function tempPathFor(target: string): string {
  return join(dirname(target), `${TEMP_MARKER}${basename(target)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`);
}

function writeDurably(path: string, content: string, mode: number | undefined): void {
  const fd = openSync(path, 'wx', mode ?? 0o666);
  try {
    const data = Buffer.from(content, 'utf8');
    let written = 0;
    while (written < data.length) written += writeSync(fd, data, written, data.length - written);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  // The umask may have narrowed the requested mode; the old file's mode wins.
  if (mode !== undefined) chmodSync(path, mode);
}

function syncDirectory(directory: string): void {
  try {
    const fd = openSync(directory, 'r');
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
  } catch {
    // Some file systems cannot fsync a directory; the rename itself is still atomic.
  }
}

function modeOf(path: string): number | undefined {
  try {
    return statSync(path).mode & 0o7777;
  } catch {
    return undefined;
  }
}

/** Puts one file back as it was before the edit. */
function restore(write: FileWrite, mode: number | undefined): void {
  if (write.before === undefined) {
    rmSync(write.absolutePath, { force: true });
    return;
  }
  const temp = tempPathFor(write.absolutePath);
  writeDurably(temp, write.before, mode);
  renameSync(temp, write.absolutePath);
}

export interface WriteHooks {
  /** Called after each file is replaced; used for progress. Throwing aborts and rolls back. */
  onReplaced?: (absolutePath: string) => void;
}

/** Writes all files or none. Throws the first error after undoing what was done. */
export function writeAllOrNothing(writes: FileWrite[], hooks: WriteHooks = {}): void {
  const staged: Array<{ write: FileWrite; temp: string; mode: number | undefined }> = [];
  const replaced: Array<{ write: FileWrite; mode: number | undefined }> = [];
  try {
    for (const write of writes) {
      mkdirSync(dirname(write.absolutePath), { recursive: true });
      const mode = modeOf(write.absolutePath);
      const temp = tempPathFor(write.absolutePath);
      staged.push({ write, temp, mode });
      writeDurably(temp, write.after, mode);
    }
    for (const entry of staged) {
      renameSync(entry.temp, entry.write.absolutePath);
      replaced.push(entry);
      hooks.onReplaced?.(entry.write.absolutePath);
    }
    for (const directory of new Set(writes.map((write) => dirname(write.absolutePath)))) syncDirectory(directory);
  } catch (error) {
    for (const entry of replaced.reverse()) {
      try {
        restore(entry.write, entry.mode);
      } catch {
        // Keep restoring the others; the original error is what the caller needs to see.
      }
    }
    for (const entry of staged) {
      try {
        unlinkSync(entry.temp);
      } catch {
        // Already renamed or never created.
      }
    }
    throw error;
  }
}
