/**
 * One chat request for the read-only agents (explain, review): the reply is handed out as it
 * streams, and collected with its token usage. Nothing is kept in a chat session, because these
 * commands answer once and leave no conversation behind.
 */
import type { Engine, Message, Usage } from '../types.js';

export interface StreamedReply {
  text: string;
  usage: Usage;
}

export interface StreamRequest {
  engine: Engine;
  messages: Message[];
  signal: AbortSignal;
  /** Called with each piece of text as it arrives. */
  onText?: (text: string) => void;
  /** Used to share the server's prompt cache between runs of the same command. */
  routeKey: string;
}

const REPLY_SHARE = 0.25;
const MAX_REPLY_TOKENS = 4096;

/** Tokens a reply may use in this engine's window: what the prompt budget must leave free. */
export function replyTokensFor(engine: Engine): number {
  return Math.min(MAX_REPLY_TOKENS, Math.floor(engine.info().contextTokens * REPLY_SHARE));
}

/** Streams one reply; engine errors (the server died, timed out, refused) propagate unchanged. */
export async function streamReply(request: StreamRequest): Promise<StreamedReply> {
  const usage: Usage = { promptTokens: 0, completionTokens: 0 };
  let text = '';
  const chat = { messages: request.messages, maxTokens: replyTokensFor(request.engine), temperature: 0, routeKey: request.routeKey };
  for await (const delta of request.engine.chat(chat, request.signal)) {
    if (delta.usage) {
      usage.promptTokens += delta.usage.promptTokens;
      usage.completionTokens += delta.usage.completionTokens;
    }
    if (delta.text) {
      text += delta.text;
      request.onText?.(delta.text);
    }
  }
  return { text, usage };
}
