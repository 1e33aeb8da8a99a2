import { createHash } from 'node:crypto';
import type { ContextLengthStyle, FakeModel, Flavor } from './types.js';

export type GenerationEndpoint = 'completions' | 'chat';

/** The per-request facts that every response shape for one generation depends on. */
export interface Turn {
  endpoint: GenerationEndpoint;
  id: string;
  created: number;
  model: string;
  n: number;
  includeUsage: boolean;
}

export interface Usage {
  prompt_tokens: number;
  completion_tokens: number;
}

const withTotal = (u: Usage) => ({ ...u, total_tokens: u.prompt_tokens + u.completion_tokens });

function chunkEnvelope(t: Turn, choices: object[], extra: object = {}) {
  const object = t.endpoint === 'chat' ? 'chat.completion.chunk' : 'text_completion';
  return { id: t.id, object, created: t.created, model: t.model, choices, ...extra };
}

// `text === null` marks the closing event, which carries no content but does carry finish_reason.
function streamChoice(t: Turn, index: number, text: string | null, finish: string | null) {
  if (t.endpoint === 'chat') {
    return { index, delta: text === null ? {} : { content: text }, logprobs: null, finish_reason: finish };
  }
  return { index, text: text ?? '', logprobs: null, finish_reason: finish };
}

/**
 * The stream body as groups of SSE `data:` payloads. Group 0 is the preamble (chat's role
 * announcement; empty for completions) and group k holds chunk k's event for every choice,
 * so "after k chunks" is always `groups.slice(0, k + 1)`. Real servers (vLLM, OpenAI) emit
 * one event per choice rather than batching choices, so clients must demultiplex by index.
 */
export function streamGroups(t: Turn, chunks: string[], finish: string, usage: Usage): string[][] {
  const perChoice = (make: (i: number) => object) =>
    Array.from({ length: t.n }, (_, i) => JSON.stringify(chunkEnvelope(t, [make(i)])));
  const groups: string[][] = [];
  groups.push(
    t.endpoint === 'chat'
      ? perChoice((i) => ({ index: i, delta: { role: 'assistant', content: '' }, logprobs: null, finish_reason: null }))
      : [],
  );
  for (const chunk of chunks) groups.push(perChoice((i) => streamChoice(t, i, chunk, null)));
  groups.push(perChoice((i) => streamChoice(t, i, null, finish)));
  if (t.includeUsage) groups.push([JSON.stringify(chunkEnvelope(t, [], { usage: withTotal(usage) }))]);
  groups.push(['[DONE]']);
  return groups;
}

export function fullBody(t: Turn, chunks: string[], finish: string, usage: Usage) {
  const text = chunks.join('');
  const choices = Array.from({ length: t.n }, (_, index) =>
    t.endpoint === 'chat'
      ? { index, message: { role: 'assistant', content: text }, logprobs: null, finish_reason: finish }
      : { index, text, logprobs: null, finish_reason: finish },
  );
  const object = t.endpoint === 'chat' ? 'chat.completion' : 'text_completion';
  return { id: t.id, object, created: t.created, model: t.model, choices, usage: withTotal(usage) };
}

/** Character count of whatever the client sent as its prompt, for the default usage estimate. */
export function promptLength(endpoint: GenerationEndpoint, body: Record<string, any>): number {
  const measure = (v: unknown): number => {
    if (typeof v === 'string') return v.length;
    if (Array.isArray(v)) return v.reduce((sum: number, item) => sum + measure(item), 0);
    if (v && typeof v === 'object' && 'text' in v) return measure((v as { text: unknown }).text);
    return 0;
  };
  if (endpoint === 'chat') {
    const messages: unknown[] = Array.isArray(body.messages) ? body.messages : [];
    return messages.reduce((sum: number, m) => sum + measure((m as { content?: unknown } | null)?.content), 0);
  }
  return measure(body.prompt);
}

/**
 * Deterministic unit vector per text: tests can assert that identical inputs embed
 * identically (cache hits) and different inputs differ, without a real model.
 */
export function embeddingVector(text: string, dims: number): number[] {
  const raw: number[] = [];
  for (let block = 0; raw.length < dims; block++) {
    const digest = createHash('sha256').update(`${block}\0${text}`).digest();
    for (let i = 0; i + 1 < digest.length && raw.length < dims; i += 2) raw.push(digest.readUInt16BE(i) / 32767.5 - 1);
  }
  const norm = Math.sqrt(raw.reduce((s, v) => s + v * v, 0)) || 1;
  return raw.map((v) => v / norm);
}

export function embeddingsBody(input: unknown, model: string, dims: number) {
  const texts = (Array.isArray(input) ? input : [input]).map((v) => (typeof v === 'string' ? v : JSON.stringify(v ?? '')));
  const data = texts.map((text, index) => ({ object: 'embedding', index, embedding: embeddingVector(text, dims) }));
  const tokens = texts.reduce((s, t) => s + Math.ceil(t.length / 4), 0);
  return { object: 'list', data, model, usage: { prompt_tokens: tokens, total_tokens: tokens } };
}

// Verbatim shapes captured from each server, because clients sniff these to decide to shrink the prompt.
const CONTEXT_LENGTH: Record<ContextLengthStyle, { status: number; body: unknown }> = {
  openai: {
    status: 400,
    body: {
      error: {
        message:
          "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens (4900 in the messages, 100 in the completion). Please reduce the length of the messages or completion.",
        type: 'invalid_request_error',
        param: 'messages',
        code: 'context_length_exceeded',
      },
    },
  },
  vllm: {
    status: 400,
    body: {
      object: 'error',
      message:
        "This model's maximum context length is 4096 tokens. However, you requested 5000 tokens in the messages, Please reduce the length of the messages.",
      type: 'BadRequestError',
      param: null,
      code: 400,
    },
  },
  llamacpp: {
    status: 400,
    body: {
      error: {
        code: 400,
        message: 'the request exceeds the available context size, try increasing it',
        type: 'exceed_context_size_error',
        n_prompt_tokens: 5000,
        n_ctx: 4096,
      },
    },
  },
  tgi: {
    status: 422,
    body: {
      error:
        'Input validation error: `inputs` tokens + `max_new_tokens` must be <= 4096. Given: 4900 `inputs` tokens and 100 `max_new_tokens`',
      error_type: 'validation',
    },
  },
};

export function contextLengthError(style: ContextLengthStyle) {
  return CONTEXT_LENGTH[style];
}

const OWNER: Record<Flavor, string> = { vllm: 'vllm', llamacpp: 'llamacpp', ollama: 'library' };

export function modelsList(models: FakeModel[], flavor: Flavor, created: number) {
  const data = models.map((m) => {
    const entry: Record<string, unknown> = { id: m.id, object: 'model', created, owned_by: m.owned_by ?? OWNER[flavor] };
    if (flavor === 'vllm') {
      Object.assign(entry, { root: m.id, parent: null });
      if (m.max_model_len !== undefined) entry.max_model_len = m.max_model_len;
    }
    if (flavor === 'llamacpp') entry.meta = m.max_model_len !== undefined ? { n_ctx_train: m.max_model_len } : {};
    return entry;
  });
  return { object: 'list', data };
}
