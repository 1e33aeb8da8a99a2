/**
 * Chat inside the worker through node-llama-cpp's LlamaChat, which renders the conversation with
 * the chat wrapper that fits the model (from its Jinja template or its family) and shortens the
 * history when it outgrows the context.
 */
import { LlamaChat, type ChatHistoryItem, type LlamaContextSequence } from 'node-llama-cpp';
import type { Message } from '../../types.js';
import type { Emit } from './generate.js';
import type { ChatJob } from './protocol.js';

export async function runChat(sequence: LlamaContextSequence, job: ChatJob, signal: AbortSignal, emit: Emit): Promise<void> {
  const chat = new LlamaChat({ contextSequence: sequence, autoDisposeSequence: false });
  try {
    const history = toHistory(job.messages);
    const promptTokens = chat.chatWrapper.generateContextState({ chatHistory: history }).contextText.tokenize(sequence.model.tokenizer).length;
    let completionTokens = 0;
    const result = await chat.generateResponse(history, {
      maxTokens: job.maxTokens,
      temperature: job.temperature,
      signal,
      onTextChunk: (text) => {
        if (text.length > 0) emit({ text, choice: 0 });
      },
      onToken: (tokens) => {
        completionTokens += tokens.length;
      },
    });
    signal.throwIfAborted();
    emit({ text: '', choice: 0, finishReason: result.metadata.stopReason === 'maxTokens' ? 'length' : 'stop' });
    emit({ text: '', choice: 0, usage: { promptTokens, completionTokens } });
  } finally {
    chat.dispose({ disposeSequence: false });
  }
}

/** The reply slot at the end is what LlamaChat fills; a trailing assistant message is continued. */
function toHistory(messages: Message[]): ChatHistoryItem[] {
  const history: ChatHistoryItem[] = messages.map((message) => {
    if (message.role === 'system') return { type: 'system', text: message.content };
    if (message.role === 'user') return { type: 'user', text: message.content };
    return { type: 'model', response: [message.content] };
  });
  if (history.at(-1)?.type !== 'model') history.push({ type: 'model', response: [] });
  return history;
}
