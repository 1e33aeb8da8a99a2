/**
 * Reads a GGUF file's header, metadata and tensor table without loading the model, and checks that
 * the file is whole. llama.cpp's own failures on a wrong file are cryptic at best and abort the
 * process at worst, so every local-model path (engine, embedder, doctor) checks here first.
 *
 * Layout (GGUF v2/v3; v1 used 32-bit counts and lengths): magic "GGUF", version, tensor count,
 * metadata count, the metadata key/value pairs, one info record per tensor (name, dimensions,
 * type, offset), padding to the alignment, then the tensor data.
 */
import { open, stat, type FileHandle } from 'node:fs/promises';

export type GgufProblemKind = 'missing' | 'not-a-file' | 'unreadable' | 'not-gguf' | 'unsupported-version' | 'corrupt' | 'truncated';

/** Why a file cannot be used as a GGUF model; the message names the file and says what to do. */
export class GgufProblem extends Error {
  constructor(
    readonly kind: GgufProblemKind,
    readonly file: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = 'GgufProblem';
  }
}

export type GgufScalar = number | boolean | string;

export interface GgufSummary {
  version: number;
  sizeBytes: number;
  tensorCount: number;
  /** Scalar metadata values (64-bit integers as numbers). Arrays are left out; see `arrayLengths`. */
  metadata: ReadonlyMap<string, GgufScalar>;
  arrayLengths: ReadonlyMap<string, number>;
  /** Which of the requested `findTokens` occur in tokenizer.ggml.tokens. */
  foundTokens: ReadonlySet<string>;
  /** Where the last tensor's data ends; a whole file is at least this long. */
  requiredBytes: number;
}

export interface ReadGgufOptions {
  /** Token texts to look for in the vocabulary while it is being skipped over. */
  findTokens?: ReadonlySet<string>;
}

const MAGIC = 0x46554747; // "GGUF" read as a little-endian uint32
const DEFAULT_ALIGNMENT = 32;
const MAX_DIMS = 4;
const CHUNK = 1 << 20;

/** Metadata value types, as numbered by the format. */
const T = { u8: 0, i8: 1, u16: 2, i16: 3, u32: 4, i32: 5, f32: 6, bool: 7, string: 8, array: 9, u64: 10, i64: 11, f64: 12 } as const;
const FIXED_SIZE: Record<number, number> = { 0: 1, 1: 1, 2: 2, 3: 2, 4: 4, 5: 4, 6: 4, 7: 1, 10: 8, 11: 8, 12: 8 };

/**
 * [elements per block, bytes per block] for each ggml tensor type id. An id missing here (a type
 * newer than this table) only weakens the truncation check for that tensor; it is not an error.
 */
const TENSOR_TYPES: Record<number, readonly [number, number]> = {
  0: [1, 4], 1: [1, 2], 2: [32, 18], 3: [32, 20], 6: [32, 22], 7: [32, 24], 8: [32, 34], 9: [32, 36],
  10: [256, 84], 11: [256, 110], 12: [256, 144], 13: [256, 176], 14: [256, 210], 15: [256, 292],
  16: [256, 66], 17: [256, 74], 18: [256, 98], 19: [256, 50], 20: [32, 18], 21: [256, 110], 22: [256, 82],
  23: [256, 136], 24: [1, 1], 25: [1, 2], 26: [1, 4], 27: [1, 8], 28: [1, 8], 29: [256, 56], 30: [1, 2],
  34: [256, 54], 35: [256, 66], 39: [32, 17],
};

export async function readGguf(file: string, options: ReadGgufOptions = {}): Promise<GgufSummary> {
  let size: number;
  try {
    const info = await stat(file);
    if (!info.isFile()) throw new GgufProblem('not-a-file', file, `${file} is not a file.`);
    size = Number(info.size);
  } catch (error) {
    if (error instanceof GgufProblem) throw error;
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') throw new GgufProblem('missing', file, `${file} does not exist.`);
    throw new GgufProblem('unreadable', file, `${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    throw new GgufProblem('unreadable', file, `${file} cannot be read: ${(error as Error).message}`, { cause: error });
  }
  try {
    return await parse(new FileCursor(handle, size, file), options);
  } catch (error) {
    if (error instanceof GgufProblem) throw error;
    throw new GgufProblem('unreadable', file, `${file} cannot be read: ${(error as Error).message}`, { cause: error });
  } finally {
    await handle.close();
  }
}

async function parse(c: FileCursor, options: ReadGgufOptions): Promise<GgufSummary> {
  const { file, size } = c;
  if (size < 8) throw notGguf(file);
  await c.need(8);
  if (c.u32() !== MAGIC) throw notGguf(file);
  const version = c.u32();
  if (version < 1 || version > 3) {
    throw new GgufProblem('unsupported-version', file, `${file} is GGUF version ${version}; this build reads versions 1 to 3. The file may be corrupt or from a newer format.`);
  }
  // Version 1 wrote counts and string lengths as 32 bits, later versions as 64.
  const wide = version >= 2;
  const count = async () => {
    await c.need(wide ? 8 : 4);
    return wide ? c.u64() : c.u32();
  };
  // Absurd counts need no check of their own: every record consumes bytes, so reading stops at
  // the end of the file with a clear error.
  const tensorCount = await count();
  const kvCount = await count();

  const metadata = new Map<string, GgufScalar>();
  const arrayLengths = new Map<string, number>();
  const foundTokens = new Set<string>();
  const wanted = options.findTokens ?? new Set<string>();
  const longestWanted = Math.max(0, ...[...wanted].map((t) => Buffer.byteLength(t)));

  const readString = async (): Promise<string> => {
    const length = await count();
    c.ensureWithin(length, 'a string');
    await c.need(length);
    return c.text(length);
  };
  // Vocabularies hold 100k+ strings: awaiting only when the read-ahead buffer runs out keeps
  // skipping them to a fraction of the cost.
  const lengthBytes = wide ? 8 : 4;
  const skipStrings = async (items: number, match: boolean): Promise<void> => {
    for (let i = 0; i < items; i++) {
      if (!c.has(lengthBytes)) await c.need(lengthBytes);
      const length = wide ? c.u64() : c.u32();
      c.ensureWithin(length, 'a string');
      if (match && length <= longestWanted) {
        if (!c.has(length)) await c.need(length);
        const text = c.text(length);
        if (wanted.has(text)) foundTokens.add(text);
      } else {
        c.skip(length);
      }
    }
  };
  const readScalar = async (type: number): Promise<GgufScalar> => {
    if (type === T.string) return readString();
    const width = FIXED_SIZE[type];
    if (width === undefined) throw corrupt(file, `metadata value type ${type} is unknown`);
    await c.need(width);
    return c.scalar(type);
  };
  const skipArray = async (key: string): Promise<void> => {
    await c.need(4);
    const itemType = c.u32();
    const length = await count();
    arrayLengths.set(key, length);
    if (itemType === T.string) {
      await skipStrings(length, key === 'tokenizer.ggml.tokens' && wanted.size > 0);
    } else if (itemType === T.array) {
      for (let i = 0; i < length; i++) await skipArray(`${key}[${i}]`);
    } else {
      const width = FIXED_SIZE[itemType];
      if (width === undefined) throw corrupt(file, `the array ${key} has unknown item type ${itemType}`);
      c.ensureWithin(length * width, `the array ${key}`);
      c.skip(length * width);
    }
  };

  for (let i = 0; i < kvCount; i++) {
    const key = await readString();
    await c.need(4);
    const type = c.u32();
    if (type === T.array) await skipArray(key);
    else metadata.set(key, await readScalar(type));
  }

  const alignment = metadata.get('general.alignment') ?? DEFAULT_ALIGNMENT;
  if (typeof alignment !== 'number' || alignment <= 0 || (alignment & (alignment - 1)) !== 0) {
    throw corrupt(file, `general.alignment is ${String(alignment)}, not a power of two`);
  }
  let dataEnd = 0;
  for (let i = 0; i < tensorCount; i++) {
    const name = await readString();
    await c.need(4);
    const dims = c.u32();
    if (dims < 1 || dims > MAX_DIMS) throw corrupt(file, `tensor ${name} has ${dims} dimensions`);
    let elements = 1;
    const shape: number[] = [];
    for (let d = 0; d < dims; d++) {
      const extent = await count();
      shape.push(extent);
      elements *= extent;
    }
    await c.need(12);
    const type = c.u32();
    const offset = c.u64();
    dataEnd = Math.max(dataEnd, offset + tensorBytes(type, shape[0]!, elements));
  }
  const dataStart = Math.ceil(c.position / alignment) * alignment;
  const requiredBytes = tensorCount === 0 ? c.position : dataStart + dataEnd;
  if (size < requiredBytes) {
    throw new GgufProblem(
      'truncated',
      file,
      `${file} is truncated: it has ${size} bytes but its tensors need ${requiredBytes}. The download probably stopped early; download the model again.`,
    );
  }
  return { version, sizeBytes: size, tensorCount, metadata, arrayLengths, foundTokens, requiredBytes };
}

function tensorBytes(type: number, rowLength: number, elements: number): number {
  const layout = TENSOR_TYPES[type];
  if (!layout) return 0;
  const [blockElements, blockBytes] = layout;
  const rows = rowLength === 0 ? 0 : elements / rowLength;
  return Math.ceil(rowLength / blockElements) * blockBytes * rows;
}

function notGguf(file: string): GgufProblem {
  return new GgufProblem('not-gguf', file, `${file} is not a GGUF model file (it does not start with "GGUF"). Download the model in GGUF format.`);
}

function corrupt(file: string, detail: string): GgufProblem {
  return new GgufProblem('corrupt', file, `${file} is a corrupt GGUF file (${detail}). Download the model again.`);
}

/** Sequential reads through a read-ahead buffer, so a 150k-entry vocabulary is not 300k syscalls. */
class FileCursor {
  position = 0;
  private buffer = Buffer.alloc(0);
  private bufferStart = 0;

  constructor(
    private readonly handle: FileHandle,
    readonly size: number,
    readonly file: string,
  ) {}

  /** Fails the parse when `length` more bytes would run past the end of the file. */
  ensureWithin(length: number, what: string): void {
    if (this.position + length > this.size) {
      throw new GgufProblem(
        'truncated',
        this.file,
        `${this.file} is truncated or corrupt: ${what} at byte ${this.position} runs past the end of the file (${this.size} bytes). Download the model again.`,
      );
    }
  }

  /** Makes the next `length` bytes available to the synchronous readers. */
  async need(length: number): Promise<void> {
    this.ensureWithin(length, 'the metadata');
    if (this.has(length)) return;
    const want = Math.min(Math.max(length, CHUNK), this.size - this.position);
    const next = Buffer.alloc(want);
    const { bytesRead } = await this.handle.read(next, 0, want, this.position);
    if (bytesRead < length) this.ensureWithin(Number.POSITIVE_INFINITY, 'the metadata');
    this.buffer = next.subarray(0, bytesRead);
    this.bufferStart = this.position;
  }

  /** Whether the next `length` bytes are already buffered. */
  has(length: number): boolean {
    return this.position >= this.bufferStart && this.position + length <= this.bufferStart + this.buffer.length;
  }

  skip(length: number): void {
    this.ensureWithin(length, 'a value');
    this.position += length;
  }

  u32(): number {
    return this.buffer.readUInt32LE(this.at(4));
  }

  u64(): number {
    return Number(this.buffer.readBigUInt64LE(this.at(8)));
  }

  text(length: number): string {
    const start = this.at(length);
    return this.buffer.toString('utf8', start, start + length);
  }

  scalar(type: number): GgufScalar {
    switch (type) {
      case T.u8: return this.buffer.readUInt8(this.at(1));
      case T.i8: return this.buffer.readInt8(this.at(1));
      case T.u16: return this.buffer.readUInt16LE(this.at(2));
      case T.i16: return this.buffer.readInt16LE(this.at(2));
      case T.u32: return this.buffer.readUInt32LE(this.at(4));
      case T.i32: return this.buffer.readInt32LE(this.at(4));
      case T.f32: return this.buffer.readFloatLE(this.at(4));
      case T.bool: return this.buffer.readUInt8(this.at(1)) !== 0;
      case T.u64: return Number(this.buffer.readBigUInt64LE(this.at(8)));
      case T.i64: return Number(this.buffer.readBigInt64LE(this.at(8)));
      default: return this.buffer.readDoubleLE(this.at(8));
    }
  }

  /** Buffer index of the current position, then advances past `length` bytes. */
  private at(length: number): number {
    const index = this.position - this.bufferStart;
    this.position += length;
    return index;
  }
}
