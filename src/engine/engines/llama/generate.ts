/**
 * Completion and infill inside the worker, token by token on the context sequence, so that each
 * token's probability is known (Delta.logprob) and stop strings end generation exactly where they
 * begin. The input is fitted to the context up front, so generation never needs a context shift.
 */
import type { LlamaContextSequence, LlamaModel, Token } from 'node-llama-cpp';
import type { Delta } from '../../types.js';
import type { CompletionJob } from './protocol.js';
import { StopScanner } from './stop-scanner.js';

export type Emit = (delta: Delta) => void;

/** Tokens of context handed to the detokenizer so a piece decodes as it would mid-text. */
const DECODE_CONTEXT = 8;

interface Fitted {
  tokens: Token[];
  /** Tokens the reply may use without overflowing the context. */
  maxTokens: number;
}

export async function runCompletion(sequence: LlamaContextSequence, job: CompletionJob, signal: AbortSignal, emit: Emit): Promise<void> {
  const input = fitCompletionInput(sequence, job);
  const baseSeed = Math.floor(Math.random() * 0x7fffffff);
  let completionTokens = 0;
  for (let choice = 0; choice < job.n; choice++) {
    const outcome = await generateChoice(sequence, input, job, baseSeed + choice, signal, (text, logprob) => emit({ text, choice, logprob }));
    completionTokens += outcome.tokens;
    emit({ text: outcome.rest, choice, finishReason: outcome.finishReason, ...(outcome.restLogprob === 0 ? {} : { logprob: outcome.restLogprob }) });
  }
  emit({ text: '', choice: 0, usage: { promptTokens: input.tokens.length, completionTokens } });
}

/**
 * Builds the input tokens: the infill layout (prefix, suffix, middle markers around the cursor's
 * code) when the model has FIM tokens and the job has a cursor, otherwise the prompt itself.
 * When too long, the prefix loses its beginning and the suffix its end: the code nearest the
 * cursor matters most.
 */
export function fitCompletionInput(sequence: LlamaContextSequence, job: CompletionJob): Fitted {
  const model = sequence.model;
  const contextSize = sequence.contextSize;
  const room = contextSize - Math.min(job.maxTokens, Math.floor(contextSize / 2));
  const bos = model.tokens.shouldPrependBosToken ? model.tokens.bos : null;
  const tokens: Token[] = bos == null ? [] : [bos];
  const { prefix: pre, suffix: suf, middle: mid } = model.tokens.infill;
  if (job.cursor && pre != null && suf != null) {
    // The cursor's code is raw text: special-token spellings in it stay plain text.
    const prefix = model.tokenize(job.cursor.prefix, false, 'trimLeadingSpace');
    const suffix = model.tokenize(job.cursor.suffix, false, 'trimLeadingSpace');
    const space = Math.max(0, room - tokens.length - (mid == null ? 2 : 3));
    const [prefixKept, suffixKept] = shareRoom(prefix.length, suffix.length, space);
    const prefixPart = prefix.slice(prefix.length - prefixKept);
    const suffixPart = suffix.slice(0, suffixKept);
    // Models without a middle token use the suffix-prefix-middle order.
    if (mid != null) tokens.push(pre, ...prefixPart, suf, ...suffixPart, mid);
    else tokens.push(suf, ...suffixPart, pre, ...prefixPart);
  } else {
    // Prompts built for a model carry its special tokens as text, as llama.cpp's server accepts them.
    const prompt = model.tokenize(job.prompt, true);
    const keep = Math.max(1, room - tokens.length);
    tokens.push(...prompt.slice(Math.max(0, prompt.length - keep)));
    if (tokens.length === 0) tokens.push(...model.tokenize('\n', false));
  }
  return { tokens, maxTokens: Math.max(1, Math.min(job.maxTokens, contextSize - tokens.length)) };
}

/** The suffix gets up to a quarter of the room; the prefix takes the rest and gives back what it cannot use. */
function shareRoom(prefixLength: number, suffixLength: number, space: number): [number, number] {
  let suffixKept = Math.min(suffixLength, Math.floor(space / 4));
  const prefixKept = Math.min(prefixLength, space - suffixKept);
  suffixKept = Math.min(suffixLength, space - prefixKept);
  return [prefixKept, suffixKept];
}

interface ChoiceOutcome {
  tokens: number;
  finishReason: 'stop' | 'length';
  /** Held-back text released at the end, and the log-probability of the tokens behind it. */
  rest: string;
  restLogprob: number;
}

async function generateChoice(
  sequence: LlamaContextSequence,
  input: Fitted,
  job: CompletionJob,
  seed: number,
  signal: AbortSignal,
  onText: (text: string, logprob: number) => void,
): Promise<ChoiceOutcome> {
  signal.throwIfAborted();
  // Keep the evaluated prefix this input shares with the previous one (the previous keystroke's
  // prompt, usually); at least one token is left to evaluate, as generation needs its logits.
  await sequence.adaptStateToTokens(input.tokens.slice(0, -1), false);
  const pending = input.tokens.slice(sequence.nextTokenIndex);
  const decoder = new IncrementalDecoder(sequence.model, input.tokens.slice(-DECODE_CONTEXT));
  const scanner = new StopScanner(job.stop);
  let logprob = 0;
  let count = 0;
  let finishReason: 'stop' | 'length' = 'stop';
  let stopped = false;
  const tokens = sequence.evaluateWithMetadata(pending, { confidence: true }, { temperature: job.temperature, seed });
  for await (const { token, confidence } of tokens) {
    if (signal.aborted) break;
    count++;
    // A probability of 0 (or none reported) would make the sum -Infinity, which JSON cannot carry.
    logprob += Math.log(Number.isFinite(confidence) && confidence > 0 ? confidence : Number.MIN_VALUE);
    const shown = scanner.push(decoder.push(token));
    if (shown.text.length > 0) {
      onText(shown.text, logprob);
      logprob = 0;
    }
    if (shown.stopped) {
      stopped = true;
      break;
    }
    if (count >= input.maxTokens) {
      finishReason = 'length';
      break;
    }
  }
  signal.throwIfAborted();
  return { tokens: count, finishReason, rest: stopped ? '' : scanner.finish(decoder.text), restLogprob: logprob };
}

/**
 * Decodes generated tokens as they arrive, redecoding only the tokens after the last point where
 * the text was complete (not ending inside a multi-byte character).
 */
class IncrementalDecoder {
  private settled = '';
  private tail: Token[] = [];
  private context: Token[];
  text = '';

  constructor(
    private readonly model: LlamaModel,
    inputTail: Token[],
  ) {
    this.context = inputTail;
  }

  push(token: Token): string {
    this.tail.push(token);
    const piece = this.model.detokenize(this.tail, false, this.context);
    this.text = this.settled + piece;
    if (!piece.endsWith('\uFFFD')) {
      this.settled = this.text;
      this.context = [...this.context, ...this.tail].slice(-DECODE_CONTEXT);
      this.tail = [];
    }
    return this.text;
  }
}
