/**
 * Chunk texts kept on disk. The texts are most of an index's size (18 MB for 2,000 files) while a
 * completion reads a handful of them, so a loaded index holds each chunk's place in one blob and
 * reads the text when it is asked for. The blob's file stays open: a newer generation may prune
 * it from the directory, and an open descriptor still reads it.
 */
import { closeSync, openSync, readSync, writeSync } from 'node:fs';
import type { Chunk } from './types.js';

/** A chunk as stored in `chunks.json`: everything but the text, plus the text's length in the blob. */
export type StoredChunkRecord = Omit<Chunk, 'text'> & { bytes: number };

export class ChunkTextFile {
  private fd: number | undefined;

  constructor(readonly path: string) {
    this.fd = openSync(path, 'r');
  }

  read(offset: number, length: number): string {
    if (this.fd === undefined) throw new Error(`the index's chunk texts (${this.path}) were closed`);
    const buffer = Buffer.allocUnsafe(length);
    for (let done = 0; done < length; ) {
      const read = readSync(this.fd, buffer, done, length - done, offset + done);
      if (read === 0) throw new Error(`the index's chunk texts (${this.path}) end early`);
      done += read;
    }
    return buffer.toString('utf8');
  }

  close(): void {
    if (this.fd !== undefined) closeSync(this.fd);
    this.fd = undefined;
  }
}

/**
 * A chunk loaded from the index; its text is read from the blob on each use. Its fields are the
 * record's own properties; the blob's place is held in private fields, so spreading or
 * serialising the chunk gives the metadata without the text.
 */
interface StoredChunk extends Omit<Chunk, 'text'> {}
class StoredChunk implements Chunk {
  readonly #file: ChunkTextFile;
  readonly #offset: number;
  readonly #bytes: number;

  constructor(record: Omit<Chunk, 'text'>, file: ChunkTextFile, offset: number, bytes: number) {
    Object.assign(this, record);
    this.#file = file;
    this.#offset = offset;
    this.#bytes = bytes;
  }

  get text(): string {
    return this.#file.read(this.#offset, this.#bytes);
  }
}

/**
 * Chunks over a text blob, in blob order. Paths repeat across a file's chunks; one string per path
 * keeps 20,000 chunks from holding 20,000 copies.
 */
export function chunksOverFile(records: StoredChunkRecord[], file: ChunkTextFile, blobSize: number): Chunk[] {
  const paths = new Map<string, string>();
  const chunks: Chunk[] = [];
  let offset = 0;
  for (const record of records) {
    if (!Number.isInteger(record.bytes) || record.bytes < 0 || offset + record.bytes > blobSize) throw new Error(`chunk ${record.id} points past the end of the chunk texts`);
    const { bytes, ...metadata } = record;
    const path = paths.get(record.path) ?? record.path;
    paths.set(path, path);
    chunks.push(new StoredChunk({ ...metadata, path }, file, offset, bytes));
    offset += record.bytes;
  }
  if (offset !== blobSize) throw new Error(`the chunk texts hold ${blobSize} bytes, the chunks ${offset}`);
  return chunks;
}

/** Writes the texts of `chunks` to `path` in order and returns the records that describe them. */
export function writeChunkTexts(path: string, chunks: Iterable<Chunk>): StoredChunkRecord[] {
  const records: StoredChunkRecord[] = [];
  const fd = openSync(path, 'w', 0o600);
  try {
    for (const chunk of chunks) {
      const bytes = Buffer.from(chunk.text, 'utf8');
      for (let done = 0; done < bytes.length; ) done += writeSync(fd, bytes, done, bytes.length - done);
      const { id, path: file, startLine, endLine, symbol, kind, language, hash } = chunk;
      records.push({ id, path: file, startLine, endLine, ...(symbol !== undefined ? { symbol } : {}), kind, ...(language !== undefined ? { language } : {}), hash, bytes: bytes.length });
    }
  } finally {
    closeSync(fd);
  }
  return records;
}
