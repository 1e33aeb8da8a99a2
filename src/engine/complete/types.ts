/** The shapes that flow through the completion pipeline (DESIGN §6). */
import type { LanguageId } from '../../context/languages.js';

export type CompletionTrigger = 'automatic' | 'invoked';

export interface CompletionInput {
  /** Repository-relative POSIX path. */
  path: string;
  /** The whole document as the editor has it (possibly unsaved). */
  text: string;
  /** Cursor as a UTF-16 offset into `text`. */
  offset: number;
  /** Candidates wanted; the best is first. */
  n?: number;
  /** Identifies the document for cancellation and the unchanged-document check (a URI or the path). */
  documentKey?: string;
  /** Typing ('automatic') is filtered harder than an explicit request from the user ('invoked', the default). */
  trigger?: CompletionTrigger;
  signal?: AbortSignal;
}

/** Where a served suggestion came from: a fresh generation or one of the cache layers. */
export type CacheOutcome = 'miss' | 'memory' | 'disk' | 'type-through';

export interface CompletionItem {
  text: string;
  /** Offsets in the document that `text` replaces (start = end = cursor for a plain insertion). */
  range: { start: number; end: number };
  engine: string;
  cached: CacheOutcome;
  /** Sum of token log-probabilities, when the engine reported them. */
  logprob?: number;
}

export type StageName = 'prefilter' | 'cache' | 'prompt' | 'generate' | 'postprocess' | 'secrets' | 'rank';

export interface CompletionResult {
  /** Names this request in telemetry, so shown/accepted events can be joined to it. */
  id: string;
  items: CompletionItem[];
  /** Why no request was made (prefilter) — absent when the pipeline ran. */
  skipped?: string;
  /** Milliseconds spent per stage, plus `total`. */
  latency: Partial<Record<StageName, number>> & { total: number };
  cache: CacheOutcome;
  /** The engine that produced the items ('local' when it stood in for a failing backend). */
  engine: string;
  /** Set when the configured engine failed or missed its deadline and the local engine answered. */
  fallback?: { from: string; reason: string };
  /** Candidates dropped by post-processing, by the secret guard, or as duplicates. */
  dropped: { postprocess: number; secrets: number; duplicates: number };
  language?: LanguageId;
  multiline: boolean;
}
