/**
 * BM25 over code tokens (k1 = 1.2, b = 0.75, Lucene's always-positive IDF).
 *
 * Layout, for fast loads and cheap incremental updates:
 * - Documents live in slots; an id maps to its slot. Removing a document only marks its slot
 *   dead, so a removal costs O(1). Document frequencies are counted from live postings while a
 *   query is scored (the postings are read anyway), which keeps N, avgdl and df exact without
 *   remembering each document's terms.
 * - Postings are a "base" (varint-encoded, per-term ranges of one byte array, as loaded from disk
 *   or written by the last compaction) plus per-term "tails" appended by `add`. Loading is a copy
 *   of the byte array and the term dictionary, with no per-posting work.
 * - When dead slots pass a quarter of the live ones the index re-encodes itself, dropping them.
 *
 * Binary format (little-endian), version 1:
 *   header (32 bytes): magic "INLBM25\0", u32 version, u32 docCount, u32 termCount,
 *                      u32 termBytes, u32 postingBytes, u32 crc32 of everything after the header
 *   f64 × docCount        chunk ids, by slot
 *   u32 × docCount        document lengths in tokens
 *   u32 × (termCount + 1) start of each term's postings in the posting bytes
 *   postingBytes          per term: varint count, then count × (varint slot gap, varint tf);
 *                         the first gap is slot + 1, so a zero gap marks corruption
 *   termBytes             UTF-8 terms in byte order, each followed by "\n" (tokens never
 *                         contain one); sorted so that loading needs no hash table
 */
import { endianness } from 'node:os';
import { crc32 } from 'node:zlib';
import { ByteWriter, corrupt, TermDictionary, TopK, VarintReader, type Hit } from './lexical-support.js';
import { codeTokens } from './tokenize.js';

const K1 = 1.2;
const B = 0.75;
const MAGIC = Buffer.from('INLBM25\0', 'latin1');
const VERSION = 1;
const HEADER_BYTES = 32;
/** Compaction rewrites everything, so it waits for a real backlog of dead slots. */
const MIN_DEAD_FOR_COMPACTION = 1024;

export type LexicalHit = Hit;

interface Parsed {
  ids: number[];
  lengths: number[];
  terms: TermDictionary;
  offsets: Uint32Array;
  postings: Uint8Array;
}

export class LexicalIndex {
  private terms = new TermDictionary();
  private baseOffsets: Uint32Array = new Uint32Array(1);
  private basePostings: Uint8Array = new Uint8Array(0);
  /** Interleaved [slot, tf, slot, tf, ...] added since the base was written. */
  private tails: Array<number[] | undefined> = [];
  private slotIds: number[] = [];
  private slotLengths: number[] = [];
  private alive: number[] = [];
  /** id → slot; built on first need, since a search-only load never uses it. */
  private slotMap: Map<number, number> | undefined = new Map();
  private live = 0;
  private dead = 0;
  private totalLength = 0;
  /** Score per slot, reused by every search and left all zeros after it. */
  private scores = new Float64Array(0);

  get size(): number {
    return this.live;
  }

  /** Indexes `text` under `id`; adding an id that is present replaces its text. */
  add(id: number, text: string): void {
    if (!Number.isSafeInteger(id) || id < 0) throw new TypeError(`LexicalIndex ids must be non-negative integers, got ${id}`);
    if (this.slotOf().has(id)) this.remove(id);
    const counts = new Map<string, number>();
    const tokens = codeTokens(text);
    for (const token of tokens) counts.set(token, (counts.get(token) ?? 0) + 1);
    const slot = this.slotIds.length;
    this.slotIds.push(id);
    this.slotLengths.push(tokens.length);
    this.alive.push(1);
    this.slotOf().set(id, slot);
    this.live++;
    this.totalLength += tokens.length;
    for (const [token, tf] of counts) {
      const term = this.terms.intern(token);
      const tail = this.tails[term];
      if (tail) tail.push(slot, tf);
      else this.tails[term] = [slot, tf];
    }
  }

  remove(id: number): void {
    const slot = this.slotOf().get(id);
    if (slot === undefined) return;
    this.slotOf().delete(id);
    this.alive[slot] = 0;
    this.live--;
    this.dead++;
    this.totalLength -= this.slotLengths[slot]!;
    if (this.dead >= MIN_DEAD_FOR_COMPACTION && this.dead * 4 > this.live) this.adopt(parse(this.encode()));
  }

  /** Best `k` documents for `query`, highest score first (ties: lower id first). */
  search(query: string, k: number, accept?: (id: number) => boolean): LexicalHit[] {
    if (k <= 0 || this.live === 0) return [];
    const terms = new Set<number>();
    for (const token of codeTokens(query)) {
      const term = this.terms.lookup(token);
      if (term !== undefined) terms.add(term);
    }
    if (terms.size === 0) return [];
    if (this.scores.length < this.slotIds.length) this.scores = new Float64Array(Math.max(this.slotIds.length, this.scores.length * 2));
    const scores = this.scores;
    const touched: number[] = [];
    const n = this.live;
    const avgLength = this.totalLength / n;
    const lengths = this.slotLengths;
    const alive = this.alive;

    try {
      for (const term of terms) {
        const df = this.documentFrequency(term);
        if (df === 0) continue;
        const idf = Math.log(1 + (n - df + 0.5) / (df + 0.5));
        this.forEachPosting(term, (slot, tf) => {
          if (alive[slot] === 0) return;
          const norm = K1 * (1 - B + (B * lengths[slot]!) / avgLength);
          if (scores[slot] === 0) touched.push(slot);
          scores[slot] += (idf * tf * (K1 + 1)) / (tf + norm);
        });
      }
    } catch (error) {
      // The scratch must be all zeros for the next query.
      scores.fill(0);
      throw error;
    }

    const heap = new TopK(k);
    for (const slot of touched) {
      const score = scores[slot]!;
      scores[slot] = 0;
      const id = this.slotIds[slot]!;
      if (accept && !accept(id)) continue;
      heap.offer(id, score);
    }
    return heap.sorted();
  }

  serialize(): Buffer {
    return this.encode();
  }

  static deserialize(buffer: Buffer): LexicalIndex {
    const index = new LexicalIndex();
    index.adopt(parse(buffer));
    return index;
  }

  private slotOf(): Map<number, number> {
    if (!this.slotMap) {
      this.slotMap = new Map();
      for (let slot = 0; slot < this.slotIds.length; slot++) if (this.alive[slot] === 1) this.slotMap.set(this.slotIds[slot]!, slot);
    }
    return this.slotMap;
  }

  private documentFrequency(term: number): number {
    const tail = this.tails[term];
    if (this.dead === 0) return this.baseCount(term) + (tail ? tail.length / 2 : 0);
    let df = 0;
    this.forEachPosting(term, (slot) => {
      df += this.alive[slot]!;
    });
    return df;
  }

  private baseCount(term: number): number {
    if (term + 1 >= this.baseOffsets.length) return 0;
    const start = this.baseOffsets[term]!;
    if (start === this.baseOffsets[term + 1]) return 0;
    return new VarintReader(this.basePostings, start, this.baseOffsets[term + 1]!).next();
  }

  private forEachPosting(term: number, visit: (slot: number, tf: number) => void): void {
    if (term + 1 < this.baseOffsets.length) {
      const end = this.baseOffsets[term + 1]!;
      const reader = new VarintReader(this.basePostings, this.baseOffsets[term]!, end);
      const slots = this.slotIds.length;
      let slot = -1;
      for (let count = reader.pos < end ? reader.next() : 0; count > 0; count--) {
        const gap = reader.next();
        slot += gap;
        const tf = reader.next();
        if (gap === 0 || slot >= slots || tf === 0) throw corrupt(`a posting of "${this.terms.nameOf(term)}" is out of range`);
        visit(slot, tf);
      }
    }
    const tail = this.tails[term];
    if (tail) for (let i = 0; i < tail.length; i += 2) visit(tail[i]!, tail[i + 1]!);
  }

  /** Writes live documents only, renumbering slots densely in their current order. */
  private encode(): Buffer {
    const newSlot = new Int32Array(this.slotIds.length).fill(-1);
    const ids: number[] = [];
    const lengths: number[] = [];
    for (let slot = 0; slot < this.slotIds.length; slot++) {
      if (this.alive[slot] === 0) continue;
      newSlot[slot] = ids.length;
      ids.push(this.slotIds[slot]!);
      lengths.push(this.slotLengths[slot]!);
    }
    const postings = new ByteWriter();
    const terms = new ByteWriter();
    let termCount = 0;
    const offsets: number[] = [];
    const slots: number[] = [];
    const tfs: number[] = [];
    // Without dead slots the numbering is unchanged, so a term with no new postings keeps its bytes.
    const verbatim = this.dead === 0;
    for (const term of this.terms.sortedIds()) {
      const start = offsets.length;
      offsets.push(postings.length);
      if (verbatim && !this.tails[term] && term + 1 < this.baseOffsets.length) {
        postings.append(this.basePostings.subarray(this.baseOffsets[term]!, this.baseOffsets[term + 1]!));
      } else if (verbatim && term + 1 >= this.baseOffsets.length) {
        const tail = this.tails[term]!;
        postings.varint(tail.length / 2);
        for (let i = 0, previous = -1; i < tail.length; previous = tail[i]!, i += 2) {
          postings.varint(tail[i]! - previous);
          postings.varint(tail[i + 1]!);
        }
      } else {
        slots.length = 0;
        tfs.length = 0;
        // Base postings precede tail postings and both are in slot order, so the merge stays sorted.
        this.forEachPosting(term, (slot, tf) => {
          const renamed = newSlot[slot]!;
          if (renamed < 0) return;
          slots.push(renamed);
          tfs.push(tf);
        });
        if (slots.length === 0) {
          offsets.length = start;
          continue;
        }
        postings.varint(slots.length);
        let previous = -1;
        for (let i = 0; i < slots.length; i++) {
          postings.varint(slots[i]! - previous);
          postings.varint(tfs[i]!);
          previous = slots[i]!;
        }
      }
      this.terms.writeTo(term, terms);
      termCount++;
    }
    offsets.push(postings.length);
    const termBytes = terms.bytes();
    const body = postings.bytes();
    const out = Buffer.allocUnsafe(HEADER_BYTES + ids.length * 12 + offsets.length * 4 + body.length + termBytes.length);
    MAGIC.copy(out, 0);
    out.writeUInt32LE(VERSION, 8);
    out.writeUInt32LE(ids.length, 12);
    out.writeUInt32LE(termCount, 16);
    out.writeUInt32LE(termBytes.length, 20);
    out.writeUInt32LE(body.length, 24);
    let at = HEADER_BYTES;
    for (const id of ids) at = out.writeDoubleLE(id, at);
    for (const length of lengths) at = out.writeUInt32LE(length, at);
    for (const offset of offsets) at = out.writeUInt32LE(offset, at);
    out.set(body, at);
    at += body.length;
    out.set(termBytes, at);
    out.writeUInt32LE(crc32(out.subarray(HEADER_BYTES)), 28);
    return out;
  }

  private adopt(parsed: Parsed): void {
    this.terms = parsed.terms;
    this.baseOffsets = parsed.offsets;
    this.basePostings = parsed.postings;
    this.tails = [];
    this.slotIds = parsed.ids;
    this.slotLengths = parsed.lengths;
    this.alive = new Array<number>(parsed.ids.length).fill(1);
    this.slotMap = undefined;
    this.totalLength = 0;
    for (let slot = 0; slot < parsed.ids.length; slot++) this.totalLength += parsed.lengths[slot]!;
    this.live = parsed.ids.length;
    this.dead = 0;
    this.scores = new Float64Array(0);
  }
}

function parse(buffer: Buffer): Parsed {
  if (!Buffer.isBuffer(buffer)) throw corrupt('not a Buffer');
  if (buffer.length < HEADER_BYTES) throw corrupt(`${buffer.length} bytes is shorter than the ${HEADER_BYTES}-byte header`);
  if (!buffer.subarray(0, MAGIC.length).equals(MAGIC)) throw corrupt('missing the INLBM25 magic header');
  const version = buffer.readUInt32LE(8);
  if (version !== VERSION) throw corrupt(`format version ${version}, this build reads version ${VERSION}`);
  const docs = buffer.readUInt32LE(12);
  const termCount = buffer.readUInt32LE(16);
  const termBytes = buffer.readUInt32LE(20);
  const postingBytes = buffer.readUInt32LE(24);
  const expected = HEADER_BYTES + docs * 12 + (termCount + 1) * 4 + postingBytes + termBytes;
  if (buffer.length !== expected) throw corrupt(`expected ${expected} bytes from the header, found ${buffer.length}`);
  if (crc32(buffer.subarray(HEADER_BYTES)) !== buffer.readUInt32LE(28)) throw corrupt('checksum mismatch');

  let at = HEADER_BYTES;
  const ids = Array.from(readFloat64s(buffer, at, docs));
  at += docs * 8;
  for (const id of ids) if (!Number.isSafeInteger(id) || id < 0) throw corrupt(`bad document id ${id}`);
  const lengths = Array.from(readUint32s(buffer, at, docs));
  at += docs * 4;
  const offsets = readUint32s(buffer, at, termCount + 1);
  at += (termCount + 1) * 4;
  for (let term = 1; term <= termCount; term++) {
    if (offsets[term]! <= offsets[term - 1]!) throw corrupt('posting offsets are not increasing');
  }
  if (offsets[0] !== 0 || offsets[termCount] !== postingBytes) throw corrupt('posting offsets do not cover the postings');
  const postings = new Uint8Array(buffer.subarray(at, at + postingBytes));
  at += postingBytes;
  const terms = new TermDictionary(new Uint8Array(buffer.subarray(at, at + termBytes)), termCount);
  return { ids, lengths, terms, offsets, postings };
}

/** One copy into fresh (aligned) memory, then a typed view; byte by byte only on big-endian hosts. */
function readUint32s(buffer: Buffer, at: number, count: number): Uint32Array {
  if (LITTLE_ENDIAN) return new Uint32Array(new Uint8Array(buffer.subarray(at, at + count * 4)).buffer);
  const out = new Uint32Array(count);
  for (let i = 0; i < count; i++) out[i] = buffer.readUInt32LE(at + i * 4);
  return out;
}

function readFloat64s(buffer: Buffer, at: number, count: number): Float64Array {
  if (LITTLE_ENDIAN) return new Float64Array(new Uint8Array(buffer.subarray(at, at + count * 8)).buffer);
  const out = new Float64Array(count);
  for (let i = 0; i < count; i++) out[i] = buffer.readDoubleLE(at + i * 8);
  return out;
}

const LITTLE_ENDIAN = endianness() === 'LE';
