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
}

export interface Engine {
  complete(req: CompletionRequest, signal: AbortSignal): AsyncIterable<Delta>;
  chat(req: ChatRequest, signal: AbortSignal): AsyncIterable<Delta>;
  embed?(texts: string[], signal: AbortSignal): Promise<Float32Array[]>;
  info(): EngineInfo;
}
