/** A scriptable ChatController for the TUI tests and bench: no engine, no network. */
import type { ChatController, ChatEvent, StatusInfo } from '../../src/tui/controller.js';

export type Reply = (text: string, controller: FakeController, signal: AbortSignal) => AsyncIterable<ChatEvent>;

export interface FakeControllerOptions {
  status?: Partial<StatusInfo>;
  reply?: Reply;
  completions?: (partial: string) => string[];
}

const sleep = (ms: number, signal?: AbortSignal): Promise<void> =>
  new Promise((resolve) => {
    if (signal?.aborted === true) return resolve();
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve();
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });

/** Streams `tokens` as deltas, `perTick` at a time every `intervalMs` (0: no timer, only microtasks). */
export async function* streamTokens(tokens: string[], signal: AbortSignal, intervalMs = 0, perTick = 1): AsyncGenerator<ChatEvent> {
  for (let i = 0; i < tokens.length; i += perTick) {
    if (signal.aborted) return;
    if (intervalMs > 0) await sleep(intervalMs, signal);
    if (signal.aborted) return;
    yield { type: 'delta', text: tokens.slice(i, i + perTick).join('') };
  }
  yield { type: 'done', usage: { promptTokens: 10, completionTokens: tokens.length } };
}

/** `count` word-like tokens forming Markdown paragraphs, with a code block now and then. */
export function sampleTokens(count: number): string[] {
  const words = ['the', 'streaming', 'answer', 'explains', '`code`', 'and', '**bold**', 'words', 'wrap', 'nicely'];
  const tokens: string[] = [];
  for (let i = 0; i < count; i++) {
    if (i % 97 === 96) tokens.push('\n\n```ts\nconst value = 42; // note\n```\n\n');
    else tokens.push(`${words[i % words.length]}${i % 23 === 22 ? '.\n\n' : ' '}`);
  }
  return tokens;
}

export class FakeController implements ChatController {
  status: StatusInfo;
  readonly submissions: string[] = [];
  readonly editAnswers: boolean[] = [];
  cancels = 0;
  private readonly reply: Reply;
  private readonly completions?: (partial: string) => string[];
  private abort = new AbortController();
  private editWaiters: Array<(accepted: boolean) => void> = [];

  constructor(options: FakeControllerOptions = {}) {
    this.status = {
      model: 'qwen2.5-coder-7b',
      engine: 'openai-http',
      contextTokens: 1200,
      windowTokens: 32_768,
      files: ['src/app.ts'],
      busy: false,
      chatAvailable: true,
      ...options.status,
    };
    this.reply = options.reply ?? ((text) => streamTokens([`You said: ${text}`], new AbortController().signal));
    this.completions = options.completions;
    if (this.completions !== undefined) this.complete = (partial) => this.completions!(partial);
  }

  info(): StatusInfo {
    return this.status;
  }

  submit(text: string): AsyncIterable<ChatEvent> {
    this.submissions.push(text);
    this.abort = new AbortController();
    return this.reply(text, this, this.abort.signal);
  }

  cancel(): void {
    this.cancels += 1;
    this.abort.abort();
  }

  complete?: (partial: string) => string[];

  confirmEdit(accepted: boolean): void {
    this.editAnswers.push(accepted);
    const waiters = this.editWaiters;
    this.editWaiters = [];
    for (const waiter of waiters) waiter(accepted);
  }

  /** For replies: resolves with the user's answer to an edit preview. */
  waitForEditAnswer(): Promise<boolean> {
    return new Promise((resolve) => this.editWaiters.push(resolve));
  }
}
