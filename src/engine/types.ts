/** The contract every engine implements (DESIGN §5). Streaming first: callers render as deltas arrive. */

export interface Message {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

export interface Usage {
  promptTokens: number;
  completionTokens: number;
}

/** One piece of generated text. With n > 1 candidates, `choice` says which one it extends. */
export interface Delta {
  text: string;
  choice: number;
  /** Set on the last delta of a choice: 'stop', 'length', ... as the server reported it. */
  finishReason?: string;
  /** Reported once, usually on a final delta with empty text. */
  usage?: Usage;
  /** Sum of the natural-log probabilities of this delta's tokens, when the engine reports them. */
  logprob?: number;
}

/**
 * The raw text around the cursor. Engines that read code rather than a formatted prompt (the
 * local statistical engine, llama.cpp's infill API) use it; prompt-based engines ignore it.
 */
export interface CursorText {
  /** Repository-relative POSIX path of the document. */
  path: string;
  /** Language id from context/languages.ts, when known. */
  language?: string;
  /** Document text before the cursor (may be cut to a window). */
  prefix: string;
  /** Document text after the cursor (may be cut to a window). */
  suffix: string;
}

export interface CompletionRequest {
  prompt: string;
  suffix?: string;
  stop: string[];
  maxTokens: number;
  temperature: number;
  n?: number;
  /** Requests with the same key go to the same endpoint so its KV prefix cache is reused (usually the file path). */
  routeKey?: string;
  /** The raw cursor window the prompt was built from. */
  cursor?: CursorText;
}

export interface ChatRequest {
  messages: Message[];
  maxTokens: number;
  temperature: number;
  routeKey?: string;
}

export interface EngineInfo {
  name: string;
  fim: boolean;
  contextTokens: number;
  chat: boolean;
  /**
   * False for engines that read only `CompletionRequest.cursor` (the local statistical engine):
   * the pipeline then skips building a prompt for them.
   */
  readsPrompt?: boolean;
}

export interface Engine {
  complete(req: CompletionRequest, signal: AbortSignal): AsyncIterable<Delta>;
  chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<Delta>;
  embed?(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
  /**
   * Loads what the engine needs before it can answer at all (a model file). Completion deadlines
   * start after it: they are for a slow answer, not for a one-time load.
   */
  warmUp?(signal: AbortSignal): Promise<void>;
  info(): EngineInfo;
}
