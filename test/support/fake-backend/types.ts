export interface StreamReply {
  kind?: 'ok';
  chunks?: string[];
  finishReason?: string;
  usage?: { prompt_tokens: number; completion_tokens: number };
  chunkDelayMs?: number;
  crlf?: boolean;
  splitBytes?: number;
  comments?: boolean;
  multilineData?: boolean;
  n?: number;
}

export type ContextLengthStyle = 'openai' | 'vllm' | 'llamacpp' | 'tgi';

export type Fault =
  | { fault: 'reset-before-headers' }
  | { fault: 'reset-mid-stream'; afterChunks: number; chunks?: string[] }
  | { fault: 'status'; status: number; retryAfter?: string; body?: unknown; contentType?: string }
  | { fault: 'stall-before-headers'; ms: number; then?: StreamReply }
  | { fault: 'stall-mid-stream'; afterChunks: number; ms: number; chunks?: string[] }
  | { fault: 'malformed-sse'; afterChunks: number; line?: string }
  | { fault: 'non-json'; status?: number; body?: string; contentType?: string }
  | { fault: 'context-length'; style?: ContextLengthStyle }
  | { fault: 'error-event'; afterChunks: number; message: string };

export type Reply = StreamReply | Fault;

export interface RecordedRequest {
  method: string;
  path: string;
  headers: Record<string, string | string[] | undefined>;
  body: any;
  aborted: boolean;
  at: number;
}

export interface FakeModel {
  id: string;
  max_model_len?: number;
  owned_by?: string;
}

export type Flavor = 'vllm' | 'llamacpp' | 'ollama';

export interface FakeBackend {
  url: string;
  port: number;
  requests: RecordedRequest[];
  script(...replies: Reply[]): void;
  setDefault(reply: Reply): void;
  models: FakeModel[];
  waitForRequests(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

export interface FakeBackendOptions {
  models?: FakeModel[];
  flavor?: Flavor;
  embeddingDims?: number;
  replies?: Reply[];
}
