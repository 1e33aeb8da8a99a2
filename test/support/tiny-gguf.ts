/**
 * Writes a tiny random-weight GGUF that llama.cpp loads and runs: GGUF v3, 'llama' architecture,
 * two layers of width 64, F32 tensors, and a SentencePiece-style vocabulary (byte fallback tokens,
 * printable ASCII, a few code words) with optional fill-in-the-middle tokens. No weights can be
 * downloaded in CI, so the engine and embedder tests generate this instead.
 *
 * The output matrix has zero rows for every token that is not plain text (control, byte, FIM,
 * end-of-sequence), and large random rows elsewhere. Greedy decoding therefore never ends early
 * and yields ASCII text deterministically, which lets tests assert `finishReason: 'length'` and
 * cut the output at a known stop string.
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { seededRandom } from './random.js';

export interface TinyGgufOptions {
  /** Add <PRE>/<SUF>/<MID>/<EOT> and their metadata ids (default true). */
  fim?: boolean;
  /** The context the model claims it was trained with (default 512). */
  contextLength?: number;
  /** Seed for the weights; the same seed gives the same file (default 1). */
  seed?: number;
  /** A Jinja chat template to embed as tokenizer.chat_template. */
  chatTemplate?: string;
  /**
   * Overrides general.architecture only (the hyperparameter keys stay 'llama.*'): a well-formed
   * file that llama.cpp refuses to load, for testing load failures.
   */
  architecture?: string;
}

export const TINY_DIMENSIONS = { embedding: 64, layers: 2, heads: 4, kvHeads: 2, feedForward: 128 } as const;

/** Token types as llama.cpp numbers them (llama_token_type). */
const NORMAL = 1;
const UNKNOWN = 2;
const CONTROL = 3;
const BYTE = 6;

const CODE_WORDS = [
  'return', 'const', 'let', 'function', 'if', 'else', 'for', 'while', 'class', 'import', 'export', 'from',
  'def', 'self', 'value', 'name', 'x', 'y', 'i', 'n', '=', '==', '=>', '+', '(', ')', '{', '}', 'true', 'false',
];

export interface TinyVocabulary {
  tokens: string[];
  types: number[];
  scores: number[];
  fim?: { pre: number; suf: number; mid: number; eot: number };
}

export function tinyVocabulary(fim: boolean): TinyVocabulary {
  const tokens: string[] = [];
  const types: number[] = [];
  const scores: number[] = [];
  const add = (text: string, type: number, score = 0): number => {
    tokens.push(text);
    types.push(type);
    scores.push(score);
    return tokens.length - 1;
  };
  add('<unk>', UNKNOWN);
  add('<s>', CONTROL);
  add('</s>', CONTROL);
  for (let byte = 0; byte < 256; byte++) add(`<0x${byte.toString(16).toUpperCase().padStart(2, '0')}>`, BYTE);
  const fimIds = fim ? { pre: add('<PRE>', CONTROL), suf: add('<SUF>', CONTROL), mid: add('<MID>', CONTROL), eot: add('<EOT>', CONTROL) } : undefined;
  // SentencePiece writes a space as '▁'; a single-character piece for every printable character
  // means ordinary text never needs the byte fallback.
  add('▁', NORMAL, -1);
  for (let code = 0x21; code <= 0x7e; code++) add(String.fromCharCode(code), NORMAL, -1);
  // Longer pieces score higher, so the tokenizer prefers whole words.
  for (const word of CODE_WORDS) add(`▁${word}`, NORMAL, word.length);
  return { tokens, types, scores, fim: fimIds };
}

/** GGUF metadata value types. */
const enum ValueType {
  Uint32 = 4,
  Int32 = 5,
  Float32 = 6,
  Bool = 7,
  String = 8,
  Array = 9,
}

type MetadataValue =
  | { type: ValueType.Uint32 | ValueType.Int32 | ValueType.Float32; value: number }
  | { type: ValueType.Bool; value: boolean }
  | { type: ValueType.String; value: string }
  | { type: ValueType.Array; items: ValueType.String; value: string[] }
  | { type: ValueType.Array; items: ValueType.Float32 | ValueType.Int32; value: number[] };

const u32 = (value: number): MetadataValue => ({ type: ValueType.Uint32, value });
const f32 = (value: number): MetadataValue => ({ type: ValueType.Float32, value });
const str = (value: string): MetadataValue => ({ type: ValueType.String, value });

interface Tensor {
  name: string;
  /** ggml order: the first dimension is the innermost (row length). */
  dims: number[];
  data: Float32Array;
}

const ALIGNMENT = 32;

/** Builds the file in memory (a few hundred KiB). */
export function tinyGgufBytes(options: TinyGgufOptions = {}): Buffer {
  const vocab = tinyVocabulary(options.fim ?? true);
  const { embedding, layers, heads, kvHeads, feedForward } = TINY_DIMENSIONS;
  const headSize = embedding / heads;
  const random = seededRandom(options.seed ?? 1);
  const uniform = (count: number, scale: number) => Float32Array.from({ length: count }, () => (random() * 2 - 1) * scale);
  const ones = (count: number) => new Float32Array(count).fill(1);

  const output = uniform(embedding * vocab.tokens.length, 1);
  vocab.types.forEach((type, token) => {
    if (type !== NORMAL) output.fill(0, token * embedding, (token + 1) * embedding);
  });

  const tensors: Tensor[] = [
    { name: 'token_embd.weight', dims: [embedding, vocab.tokens.length], data: uniform(embedding * vocab.tokens.length, 1) },
    { name: 'output_norm.weight', dims: [embedding], data: ones(embedding) },
    { name: 'output.weight', dims: [embedding, vocab.tokens.length], data: output },
  ];
  for (let layer = 0; layer < layers; layer++) {
    const blk = `blk.${layer}`;
    tensors.push(
      { name: `${blk}.attn_norm.weight`, dims: [embedding], data: ones(embedding) },
      { name: `${blk}.attn_q.weight`, dims: [embedding, embedding], data: uniform(embedding * embedding, 0.2) },
      { name: `${blk}.attn_k.weight`, dims: [embedding, kvHeads * headSize], data: uniform(embedding * kvHeads * headSize, 0.2) },
      { name: `${blk}.attn_v.weight`, dims: [embedding, kvHeads * headSize], data: uniform(embedding * kvHeads * headSize, 0.2) },
      { name: `${blk}.attn_output.weight`, dims: [embedding, embedding], data: uniform(embedding * embedding, 0.2) },
      { name: `${blk}.ffn_norm.weight`, dims: [embedding], data: ones(embedding) },
      { name: `${blk}.ffn_gate.weight`, dims: [embedding, feedForward], data: uniform(embedding * feedForward, 0.2) },
      { name: `${blk}.ffn_up.weight`, dims: [embedding, feedForward], data: uniform(embedding * feedForward, 0.2) },
      { name: `${blk}.ffn_down.weight`, dims: [feedForward, embedding], data: uniform(feedForward * embedding, 0.2) },
    );
  }

  const metadata: Array<[string, MetadataValue]> = [
    ['general.architecture', str(options.architecture ?? 'llama')],
    ['general.name', str('inline-tiny-test')],
    ['general.alignment', u32(ALIGNMENT)],
    ['llama.context_length', u32(options.contextLength ?? 512)],
    ['llama.embedding_length', u32(embedding)],
    ['llama.block_count', u32(layers)],
    ['llama.feed_forward_length', u32(feedForward)],
    ['llama.attention.head_count', u32(heads)],
    ['llama.attention.head_count_kv', u32(kvHeads)],
    ['llama.attention.layer_norm_rms_epsilon', f32(1e-5)],
    ['llama.rope.dimension_count', u32(headSize)],
    ['llama.rope.freq_base', f32(10000)],
    ['llama.vocab_size', u32(vocab.tokens.length)],
    ['tokenizer.ggml.model', str('llama')],
    ['tokenizer.ggml.tokens', { type: ValueType.Array, items: ValueType.String, value: vocab.tokens }],
    ['tokenizer.ggml.scores', { type: ValueType.Array, items: ValueType.Float32, value: vocab.scores }],
    ['tokenizer.ggml.token_type', { type: ValueType.Array, items: ValueType.Int32, value: vocab.types }],
    ['tokenizer.ggml.unknown_token_id', u32(0)],
    ['tokenizer.ggml.bos_token_id', u32(1)],
    ['tokenizer.ggml.eos_token_id', u32(2)],
    ['tokenizer.ggml.add_bos_token', { type: ValueType.Bool, value: true }],
  ];
  if (vocab.fim) {
    metadata.push(
      ['tokenizer.ggml.fim_pre_token_id', u32(vocab.fim.pre)],
      ['tokenizer.ggml.fim_suf_token_id', u32(vocab.fim.suf)],
      ['tokenizer.ggml.fim_mid_token_id', u32(vocab.fim.mid)],
      ['tokenizer.ggml.eot_token_id', u32(vocab.fim.eot)],
    );
  }
  if (options.chatTemplate !== undefined) metadata.push(['tokenizer.chat_template', str(options.chatTemplate)]);

  return encodeGguf(metadata, tensors);
}

/** Writes the tiny model to `dir/name` and returns its path. */
export function writeTinyGguf(dir: string, name = 'tiny.gguf', options: TinyGgufOptions = {}): string {
  const file = path.join(dir, name);
  writeFileSync(file, tinyGgufBytes(options));
  return file;
}

function encodeGguf(metadata: Array<[string, MetadataValue]>, tensors: Tensor[]): Buffer {
  const out = new ByteWriter();
  out.raw(Buffer.from('GGUF', 'latin1'));
  out.u32(3);
  out.u64(tensors.length);
  out.u64(metadata.length);
  for (const [key, value] of metadata) {
    out.string(key);
    out.u32(value.type);
    writeValue(out, value);
  }
  let offset = 0;
  const offsets: number[] = [];
  for (const tensor of tensors) {
    out.string(tensor.name);
    out.u32(tensor.dims.length);
    for (const dim of tensor.dims) out.u64(dim);
    out.u32(0); // GGML_TYPE_F32
    out.u64(offset);
    offsets.push(offset);
    offset = alignUp(offset + tensor.data.byteLength, ALIGNMENT);
  }
  out.padTo(ALIGNMENT);
  const dataStart = out.length;
  tensors.forEach((tensor, index) => {
    out.padTo(ALIGNMENT);
    if (out.length !== dataStart + offsets[index]!) throw new Error(`tensor ${tensor.name} is misplaced`);
    out.raw(Buffer.from(tensor.data.buffer, tensor.data.byteOffset, tensor.data.byteLength));
  });
  return out.toBuffer();
}

function writeValue(out: ByteWriter, value: MetadataValue): void {
  switch (value.type) {
    case ValueType.Uint32:
      return out.u32(value.value);
    case ValueType.Int32:
      return out.i32(value.value);
    case ValueType.Float32:
      return out.f32(value.value);
    case ValueType.Bool:
      return out.u8(value.value ? 1 : 0);
    case ValueType.String:
      return out.string(value.value);
    case ValueType.Array:
      out.u32(value.items);
      out.u64(value.value.length);
      for (const item of value.value) {
        if (value.items === ValueType.String) out.string(item as string);
        else if (value.items === ValueType.Float32) out.f32(item as number);
        else out.i32(item as number);
      }
  }
}

class ByteWriter {
  private chunks: Buffer[] = [];
  length = 0;

  raw(bytes: Buffer): void {
    this.chunks.push(bytes);
    this.length += bytes.length;
  }
  u8(value: number): void {
    this.raw(Buffer.from([value]));
  }
  u32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeUInt32LE(value);
    this.raw(b);
  }
  i32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeInt32LE(value);
    this.raw(b);
  }
  f32(value: number): void {
    const b = Buffer.alloc(4);
    b.writeFloatLE(value);
    this.raw(b);
  }
  u64(value: number): void {
    const b = Buffer.alloc(8);
    b.writeBigUInt64LE(BigInt(value));
    this.raw(b);
  }
  string(value: string): void {
    const bytes = Buffer.from(value, 'utf8');
    this.u64(bytes.length);
    this.raw(bytes);
  }
  padTo(alignment: number): void {
    const pad = alignUp(this.length, alignment) - this.length;
    if (pad > 0) this.raw(Buffer.alloc(pad));
  }
  toBuffer(): Buffer {
    return Buffer.concat(this.chunks);
  }
}

function alignUp(value: number, alignment: number): number {
  return Math.ceil(value / alignment) * alignment;
}

