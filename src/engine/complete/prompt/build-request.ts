/**
 * The prompt stage: turns the document and cursor into an engine request. Engines that read a
 * prompt get one assembled by the context engine under a token budget (DESIGN §7); engines that
 * read raw text (the local engine) get the cursor window only, and no assembly cost.
 */
import type { AssembledPrompt } from '../../../context/assemble.js';
import type { LanguageId } from '../../../context/languages.js';
import type { ContextSession } from '../../../context/session.js';
import type { CompletionRequest, EngineInfo } from '../../types.js';

export interface PromptOptions {
  /** Upper bound on prompt tokens, below the model's own window. */
  budgetTokens: number;
  singleLineMaxTokens: number;
  multilineMaxTokens: number;
}

export const DEFAULT_PROMPT_OPTIONS: PromptOptions = { budgetTokens: 2048, singleLineMaxTokens: 64, multilineMaxTokens: 192 };

export interface PromptInput {
  path: string;
  text: string;
  offset: number;
  language?: LanguageId;
  multiline: boolean;
  n: number;
  routeKey: string;
}

export interface BuiltPrompt {
  request: CompletionRequest;
  assembled?: AssembledPrompt;
}

export async function buildRequest(
  input: PromptInput,
  engine: EngineInfo,
  session: () => Promise<ContextSession>,
  options: PromptOptions = DEFAULT_PROMPT_OPTIONS,
): Promise<BuiltPrompt> {
  const maxTokens = input.multiline ? options.multilineMaxTokens : options.singleLineMaxTokens;
  const cursor = {
    path: input.path,
    ...(input.language ? { language: input.language } : {}),
    prefix: input.text.slice(0, input.offset),
    suffix: input.text.slice(input.offset),
  };
  const base = {
    maxTokens,
    // Several candidates only differ when sampled; one is the most likely text.
    temperature: input.n > 1 ? 0.6 : 0.1,
    n: input.n,
    routeKey: input.routeKey,
    cursor,
  };
  if (engine.readsPrompt === false) return { request: { ...base, prompt: cursor.prefix, suffix: cursor.suffix, stop: [] } };
  const budget = Math.max(256, Math.min(options.budgetTokens, engine.contextTokens - maxTokens));
  const assembled = await (await session()).assemble(input.path, input.text, input.offset, budget);
  // Engines that format their own FIM prompt (llama.cpp infill) get the same window the prompt holds.
  const windowed = { ...cursor, prefix: assembled.prefix, suffix: assembled.suffix };
  return { request: { ...base, cursor: windowed, prompt: assembled.prompt, stop: assembled.stop }, assembled };
}
