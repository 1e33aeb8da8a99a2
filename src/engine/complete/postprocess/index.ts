/**
 * The post-processing stage (DESIGN §6): each candidate runs through the filters in order, and
 * the first rejection ends it. The order is deliberate:
 * 1. single-line and trim-whitespace shape the raw text cheaply and reject empty answers;
 * 2. repetition drops degenerate loops before anything reasons about their structure;
 * 3. indentation fixes the indentation style and levels, which block-end then relies on to
 *    find where the cursor's block ends;
 * 4. suffix-overlap removes what the document already has after the cursor, so that
 *    bracket-balance only sees closers the model really added;
 * 5. parse-worse, the one that parses, judges the final text last.
 */
import { blockEnd } from './block-end.js';
import { bracketBalance } from './bracket-balance.js';
import { indentation } from './indentation.js';
import { parseWorse } from './parse-worse.js';
import { repetition } from './repetition.js';
import { singleLine } from './single-line.js';
import { suffixOverlap } from './suffix-overlap.js';
import { trimWhitespace } from './trim-whitespace.js';
import type { PostprocessContext, PostprocessFilter } from './types.js';

export const DEFAULT_FILTERS: readonly PostprocessFilter[] = [
  singleLine,
  trimWhitespace,
  repetition,
  indentation,
  blockEnd,
  suffixOverlap,
  bracketBalance,
  parseWorse,
];

export interface PostprocessResult {
  /** The completion to show, or undefined when a filter rejected it. */
  text: string | undefined;
  /** Filters that changed or rejected the text, in order. */
  changedBy: string[];
  /** The filter that rejected the completion, if one did. */
  rejectedBy?: string;
  /** Filters that threw; they are skipped, so a bug in one cannot lose every completion. */
  failed?: Array<{ filter: string; message: string }>;
}

export async function runPostprocess(
  completion: string,
  context: PostprocessContext,
  filters: readonly PostprocessFilter[] = DEFAULT_FILTERS,
): Promise<PostprocessResult> {
  const changedBy: string[] = [];
  const failed: Array<{ filter: string; message: string }> = [];
  let text = completion;
  for (const filter of filters) {
    let next: string | undefined;
    try {
      next = await filter.apply(text, context);
    } catch (error) {
      failed.push({ filter: filter.name, message: error instanceof Error ? error.message : String(error) });
      continue;
    }
    if (next === text) continue;
    changedBy.push(filter.name);
    if (next === undefined) return { text: undefined, changedBy, rejectedBy: filter.name, ...(failed.length > 0 ? { failed } : {}) };
    text = next;
  }
  return { text, changedBy, ...(failed.length > 0 ? { failed } : {}) };
}

export type { PostprocessContext, PostprocessFilter } from './types.js';
