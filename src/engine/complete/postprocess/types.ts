/**
 * Post-processing filters (DESIGN §6): one filter per file, each a pure function of the
 * candidate completion and the document around the cursor. A filter returns the completion
 * (changed or not), or undefined to reject it outright.
 */
import type { LanguageId } from '../../../context/languages.js';

export interface PostprocessContext {
  /** Repository-relative POSIX path. */
  path: string;
  language?: LanguageId;
  /** The whole document before the cursor. */
  prefix: string;
  /** The whole document after the cursor. */
  suffix: string;
  /**
   * Whether the request asked for more than the rest of the current line. Filters that trim to
   * the end of a block use it; single-line requests are cut at the first newline before filtering.
   */
  multiline: boolean;
}

export interface PostprocessFilter {
  /** Short kebab-case name, reported in telemetry and debug output. */
  readonly name: string;
  apply(completion: string, context: PostprocessContext): string | undefined | Promise<string | undefined>;
}
