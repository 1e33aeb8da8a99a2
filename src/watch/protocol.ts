/**
 * The editor protocol of `inline watch` (DESIGN §9): LSP base framing, JSON-RPC 2.0, LSP 3.18
 * methods plus a few `inline/` extensions. Every method, its direction and its payload:
 *
 * Lifecycle (client → server)
 *   initialize            request   InitializeParams; over TCP `initializationOptions.token` must hold the
 *                                   token from the discovery file. → { capabilities, serverInfo }
 *   initialized           notify    —
 *   shutdown              request   → null; afterwards only `exit` is accepted
 *   exit                  notify    closes the connection (a stdio daemon exits: 0 after shutdown, else 1)
 *
 * Text synchronisation (client → server), positions in UTF-16 code units
 *   textDocument/didOpen    notify  { textDocument: { uri, languageId, version, text } }
 *   textDocument/didChange  notify  { textDocument: { uri, version }, contentChanges: (full | { range, text })[] }
 *                                   Each change that settles (adaptive debounce, 75–300 ms) triggers a push.
 *   textDocument/didClose   notify  { textDocument: { uri } }
 *   textDocument/didSave    notify  { textDocument: { uri } }  (the file watcher re-indexes the saved file)
 *
 * Completions
 *   textDocument/inlineCompletion  request (client → server)  InlineCompletionParams
 *       → { items: [{ insertText, range, command: { command: 'inline.didAccept', arguments: [AcceptArgs] } }] }
 *       Honours `$/cancelRequest`; a newer request or edit for the same document supersedes it.
 *   inline/suggestion              notify (server → client)  SuggestionPush — sent after a change settles,
 *       only for the document's current version; a stale result is dropped, never sent.
 *
 * AI comments: a saved `AI?` comment is answered by notify (server → client) inline/answer { uri, line (0-based), question, answer }.
 *
 * Feedback (client → server), for telemetry kept on this machine
 *   workspace/executeCommand  request  { command: 'inline.didAccept', arguments: [AcceptArgs] } → null
 *   inline/didShowCompletion           notify  { id }      counted as shown once visible for 750 ms
 *   inline/didPartiallyAcceptCompletion notify { id, acceptedLength }
 *   inline/didRejectCompletion         notify  { id }
 *
 * Errors: malformed frames or JSON, bodies over 8 MiB, unknown methods and requests before
 * `initialize` get JSON-RPC errors (-32700, -32600, -32601, -32002); the connection stays up.
 */

import type { Position, Range } from './line-index.js';

export type { Position, Range };

export const ACCEPT_COMMAND = 'inline.didAccept';

/** Identifies one suggestion: the completion request's id and the item's index in it. */
export interface AcceptArgs {
  id: string;
  index: number;
}

export interface InlineCompletionItem {
  insertText: string;
  range: Range;
  command: { title: string; command: typeof ACCEPT_COMMAND; arguments: [AcceptArgs] };
}

export interface SuggestionPush {
  uri: string;
  version: number;
  position: Position;
  items: InlineCompletionItem[];
}

export const INLINE_COMPLETION_TRIGGER = { invoked: 1, automatic: 2 } as const;

export interface FeedbackParams {
  id: string;
  index?: number;
  acceptedLength?: number;
}
