/**
 * Reads OpenAI-style streamed completions: SSE events whose data is a JSON chunk, ending in
 * `[DONE]`. Also accepts a plain JSON body from servers that ignore `stream: true`.
 */
import type { Delta, Usage } from '../types.js';
import type { EngineError } from '../errors.js';
import { badResponse, errorFromStreamEvent, readServerError } from './classify.js';
import type { OpenResponse } from './transport.js';
import { SseParser } from './sse.js';

export type Route = 'completions' | 'chat';

function readUsage(value: unknown): Usage | undefined {
  if (!value || typeof value !== 'object') return undefined;
  const u = value as Record<string, unknown>;
  if (typeof u.prompt_tokens !== 'number' && typeof u.completion_tokens !== 'number') return undefined;
  return { promptTokens: Number(u.prompt_tokens ?? 0), completionTokens: Number(u.completion_tokens ?? 0) };
}

function choiceText(route: Route, choice: Record<string, unknown>): string {
  if (route === 'completions') return typeof choice.text === 'string' ? choice.text : '';
  // Streams carry `delta`; whole (non-streamed) replies carry `message`.
  const part = (choice.delta ?? choice.message) as Record<string, unknown> | undefined;
  return part && typeof part.content === 'string' ? part.content : '';
}

/** Deltas from one JSON chunk; undefined when it has neither choices nor usage. */
export function deltasFromChunk(route: Route, chunk: Record<string, unknown>): Delta[] | undefined {
  const choices = chunk.choices;
  const usage = readUsage(chunk.usage);
  if (!Array.isArray(choices)) return usage ? [{ text: '', choice: 0, usage }] : undefined;
  const out: Delta[] = [];
  for (const raw of choices) {
    if (!raw || typeof raw !== 'object') continue;
    const choice = raw as Record<string, unknown>;
    const delta: Delta = { text: choiceText(route, choice), choice: typeof choice.index === 'number' ? choice.index : 0 };
    if (typeof choice.finish_reason === 'string') delta.finishReason = choice.finish_reason;
    const logprob = tokenLogprobSum(choice.logprobs);
    if (logprob !== undefined) delta.logprob = logprob;
    if (delta.text.length > 0 || delta.finishReason) out.push(delta);
  }
  if (usage) out.push({ text: '', choice: 0, usage });
  return out;
}

/** Tracks the stream so that an early end is reported rather than passed off as a short answer. */
class StreamState {
  chunks = 0;
  done = false;
  delivered = false;
  readonly finished = new Set<number>();
}

export async function* readCompletionStream(response: OpenResponse, route: Route): AsyncGenerator<Delta> {
  const endpoint = response.endpoint;
  const type = response.contentType;
  if (type.includes('application/json')) {
    yield* readWholeReply(response, route);
    return;
  }
  if (!type.includes('text/event-stream')) {
    const body = await response.readAll(4096);
    throw badResponse(endpoint, `"${type || 'no content type'}" where an event stream was expected`, body);
  }

  const state = new StreamState();
  const parser = new SseParser();
  const handle = function* (data: string): Generator<Delta> {
    if (state.done) return;
    if (data.trim() === '[DONE]') {
      state.done = true;
      return;
    }
    let chunk: unknown;
    try {
      chunk = JSON.parse(data);
    } catch {
      throw badResponse(endpoint, 'a stream event that is not JSON', data);
    }
    if (!chunk || typeof chunk !== 'object') throw badResponse(endpoint, 'a stream event that is not an object', data);
    const error = (chunk as Record<string, unknown>).error;
    if (error !== undefined) {
      throw streamError(endpoint, data, state.delivered);
    }
    const deltas = deltasFromChunk(route, chunk as Record<string, unknown>);
    if (deltas === undefined) return;
    state.chunks++;
    for (const delta of deltas) {
      if (delta.finishReason) state.finished.add(delta.choice);
      if (delta.text.length > 0) state.delivered = true;
      yield delta;
    }
  };

  for await (const text of response.text(() => state.delivered)) {
    for (const event of parser.feed(text)) yield* handle(event.data);
    if (state.done) {
      response.close();
      return;
    }
  }
  for (const event of parser.end()) yield* handle(event.data);
  if (state.done) return;
  if (state.chunks === 0) throw badResponse(endpoint, 'an event stream with no completion in it');
  if (state.finished.size === 0) {
    throw streamError(endpoint, '{"error":{"message":"the stream ended before the reply was finished"}}', state.delivered);
  }
}

function streamError(endpoint: string, data: string, partial: boolean): EngineError {
  const server = readServerError(data) ?? { message: data };
  return errorFromStreamEvent(endpoint, server, partial);
}

async function* readWholeReply(response: OpenResponse, route: Route): AsyncGenerator<Delta> {
  const text = await response.readAll(16 * 1024 * 1024);
  let body: unknown;
  try {
    body = JSON.parse(text);
  } catch {
    throw badResponse(response.endpoint, 'a reply that claims to be JSON but is not', text);
  }
  if (body && typeof body === 'object' && 'error' in body) throw streamError(response.endpoint, text, false);
  const deltas = body && typeof body === 'object' ? deltasFromChunk(route, body as Record<string, unknown>) : undefined;
  if (!deltas) throw badResponse(response.endpoint, 'JSON without "choices"', text);
  for (const delta of deltas) {
    if (delta.text.length > 0 && !delta.finishReason) delta.finishReason = 'stop';
    yield delta;
  }
}

/**
 * The summed log-probability of a chunk's tokens, when the server sent them: the legacy
 * completions shape (`token_logprobs`) or the chat shape (`content[].logprob`). Ranking uses it.
 */
function tokenLogprobSum(logprobs: unknown): number | undefined {
  if (!logprobs || typeof logprobs !== 'object') return undefined;
  const { token_logprobs: legacy, content } = logprobs as { token_logprobs?: unknown; content?: unknown };
  const values = Array.isArray(legacy) ? legacy : Array.isArray(content) ? content.map((c) => (c as { logprob?: unknown })?.logprob) : [];
  let sum = 0;
  let seen = false;
  for (const value of values) {
    if (typeof value === 'number' && Number.isFinite(value)) {
      sum += value;
      seen = true;
    }
  }
  return seen ? sum : undefined;
}
