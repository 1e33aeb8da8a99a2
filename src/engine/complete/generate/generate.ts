/**
 * The generate stage: reads the engine's stream, keeps one buffer per candidate, and ends each
 * candidate at its block end (see stop-rules.ts). Once every candidate is complete the request is
 * cancelled, so the server stops spending tokens nobody will see.
 */
import type { CompletionRequest, Engine } from '../../types.js';
import { cutAtBlockEnd, type BlockEndRules } from './stop-rules.js';

export interface GeneratedCandidate {
  text: string;
  logprob?: number;
  finishReason?: string;
}

export interface GenerateHooks {
  /** Called once, when the first text of any candidate arrives. */
  onFirstText?: () => void;
}

export async function generate(
  engine: Engine,
  request: CompletionRequest,
  rules: BlockEndRules,
  signal: AbortSignal,
  hooks: GenerateHooks = {},
): Promise<GeneratedCandidate[]> {
  const wanted = request.n ?? 1;
  const raw: string[] = [];
  const logprobs: Array<number | undefined> = [];
  const finished: Array<GeneratedCandidate | undefined> = [];
  const stop = new AbortController();
  const onAbort = () => stop.abort(signal.reason);
  signal.addEventListener('abort', onAbort, { once: true });
  let sawText = false;
  try {
    for await (const delta of engine.complete(request, stop.signal)) {
      const choice = delta.choice;
      if (finished[choice]) continue;
      raw[choice] = (raw[choice] ?? '') + delta.text;
      if (delta.logprob !== undefined) logprobs[choice] = (logprobs[choice] ?? 0) + delta.logprob;
      if (!sawText && delta.text.length > 0) {
        sawText = true;
        hooks.onFirstText?.();
      }
      const cut = cutAtBlockEnd(raw[choice]!, rules, delta.finishReason !== undefined);
      if (cut.done) finished[choice] = candidate(cut.text, logprobs[choice], delta.finishReason ?? 'block-end');
      if (countDone(finished) >= wanted) break;
    }
  } finally {
    signal.removeEventListener('abort', onAbort);
    // Leaving the loop early (every candidate complete) returns the iterator, which ends the
    // stream; aborting as well covers engines that only watch their signal.
    stop.abort();
  }
  signal.throwIfAborted();
  const out: GeneratedCandidate[] = [];
  for (let choice = 0; choice < Math.max(raw.length, finished.length); choice++) {
    const done = finished[choice];
    if (done) out.push(done);
    else if (raw[choice] !== undefined) out.push(candidate(cutAtBlockEnd(raw[choice]!, rules, true).text, logprobs[choice], 'stream-end'));
  }
  return out;
}

function candidate(text: string, logprob: number | undefined, finishReason: string): GeneratedCandidate {
  return logprob === undefined ? { text, finishReason } : { text, logprob, finishReason };
}

function countDone(finished: Array<GeneratedCandidate | undefined>): number {
  let done = 0;
  for (const f of finished) if (f) done++;
  return done;
}
