/**
 * One editor connection's state: its open documents, the pending push per document, and the
 * in-flight completion per document. Pushes go out only for the version they were computed for;
 * an edit cancels the computation for the older version (down to the engine, through the
 * scheduler's per-document supersession and the request's own signal).
 */
import type { CompletionPipeline } from '../engine/complete/pipeline.js';
import type { CompletionResult, CompletionTrigger } from '../engine/complete/types.js';
import { changedRegion } from '../context/parse.js';
import { isRequestCancelled } from '../engine/errors.js';
import type { FeedbackTracker } from './feedback.js';
import { ACCEPT_COMMAND, type InlineCompletionItem, type Position, type SuggestionPush } from './protocol.js';
import { Debouncer } from './debounce.js';
import { DocumentStore, uriToPath, type ContentChange } from './documents.js';

export interface ClientSessionOptions {
  root: string;
  pipeline: CompletionPipeline;
  feedback: FeedbackTracker;
  push: (params: SuggestionPush) => void;
  log: (message: string) => void;
}

export class ClientSession {
  readonly documents = new DocumentStore();
  private readonly debouncer = new Debouncer();
  private readonly inFlight = new Map<string, AbortController>();
  /** Where the cursor is after the latest edit, per document (edits carry no cursor). */
  private readonly cursors = new Map<string, number>();

  constructor(private readonly options: ClientSessionOptions) {}

  didOpen(uri: string, languageId: string, version: number, text: string): void {
    this.documents.open(uri, languageId, version, text);
  }

  didChange(uri: string, version: number, changes: ContentChange[]): void {
    const last = changes.at(-1);
    const range = last && 'range' in last ? last.range : undefined;
    // Edits carry no cursor: it is after the text the last change inserted. Joining a large
    // document's text costs a millisecond, so only a full-text change is compared with the old text.
    const before = range ? undefined : this.documents.get(uri)?.text;
    this.documents.change(uri, version, changes);
    const cursor = range ? this.documents.offsetAt(uri, range.start) + last!.text.length : changedRegion(before ?? '', this.documents.get(uri)!.text).newEndIndex;
    this.cursors.set(uri, cursor);
    this.inFlight.get(uri)?.abort();
    this.debouncer.schedule(uri, () => void this.pushFor(uri, version));
  }

  didClose(uri: string): void {
    this.debouncer.cancel(uri);
    this.inFlight.get(uri)?.abort();
    this.cursors.delete(uri);
    this.documents.close(uri);
  }

  /** `textDocument/inlineCompletion`: the editor asks at a position. */
  async inlineCompletion(uri: string, position: Position, trigger: CompletionTrigger, signal: AbortSignal): Promise<{ items: InlineCompletionItem[] }> {
    const document = this.documents.get(uri);
    if (!document) return { items: [] };
    const offset = this.documents.offsetAt(document.text, position);
    // An explicit request for this document replaces a push being computed for it.
    this.debouncer.cancel(uri);
    const result = await this.complete(uri, document.text, offset, trigger, signal);
    return { items: result ? this.items(result, document.text) : [] };
  }

  dispose(): void {
    this.debouncer.dispose();
    for (const controller of this.inFlight.values()) controller.abort();
    this.inFlight.clear();
  }

  private async pushFor(uri: string, version: number): Promise<void> {
    const document = this.documents.get(uri);
    const offset = this.cursors.get(uri);
    if (!document || document.version !== version || offset === undefined) return;
    const controller = new AbortController();
    const result = await this.complete(uri, document.text, offset, 'automatic', controller.signal);
    const now = this.documents.get(uri);
    // Never a suggestion for a stale version: the user has typed on since.
    if (!result || result.items.length === 0 || !now || now.version !== version) return;
    this.options.push({ uri, version, position: this.documents.positionAt(document.text, offset), items: this.items(result, document.text) });
  }

  private async complete(uri: string, text: string, offset: number, trigger: CompletionTrigger, signal: AbortSignal): Promise<CompletionResult | undefined> {
    const path = uriToPath(uri, this.options.root);
    if (path === undefined) return undefined;
    this.inFlight.get(uri)?.abort();
    const controller = new AbortController();
    const forward = () => controller.abort(signal.reason);
    signal.addEventListener('abort', forward, { once: true });
    this.inFlight.set(uri, controller);
    try {
      const result = await this.options.pipeline.complete({ path, text, offset, trigger, documentKey: uri, signal: controller.signal });
      this.options.feedback.register(result.id, { engine: result.engine, ...(result.language ? { language: result.language } : {}) });
      return result;
    } catch (error) {
      if (controller.signal.aborted || isRequestCancelled(error)) return undefined;
      this.options.log(`completion for ${path} failed: ${(error as Error).message}`);
      return undefined;
    } finally {
      signal.removeEventListener('abort', forward);
      if (this.inFlight.get(uri) === controller) this.inFlight.delete(uri);
    }
  }

  private items(result: CompletionResult, text: string): InlineCompletionItem[] {
    return result.items.map((item, index) => ({
      insertText: item.text,
      range: { start: this.documents.positionAt(text, item.range.start), end: this.documents.positionAt(text, item.range.end) },
      command: { title: 'inline: suggestion accepted', command: ACCEPT_COMMAND, arguments: [{ id: result.id, index }] },
    }));
  }
}
