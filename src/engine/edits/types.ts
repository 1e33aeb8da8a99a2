/** Shared shapes of the edits machinery: what a model's answer parses into and what applying it yields. */

/** How the model was asked to write its edits (Aider's formats). */
export type EditFormat = 'search-replace' | 'whole' | 'udiff';

/**
 * One edit the model asked for. `search` and `replace` use LF line endings and end with a newline
 * unless empty. An empty `search` creates the file when it does not exist and appends `replace`
 * to it when it does (Aider's convention). `whole` blocks replace the entire file with `replace`.
 */
export interface EditBlock {
  path: string;
  search: string;
  replace: string;
  kind: 'replace' | 'whole';
  /** 1-based line of the answer where the block starts, for messages. */
  answerLine: number;
}

/** A block that could not be read; reported to the model rather than guessed at. */
export interface ParseProblem {
  answerLine: number;
  path?: string;
  message: string;
  /** What the parser was looking for when it gave up. */
  expected: string;
}

export interface ParsedEdits {
  blocks: EditBlock[];
  problems: ParseProblem[];
}

export type FailureKind = 'not-found' | 'ambiguous' | 'missing-file' | 'refused-path' | 'placeholder' | 'malformed';

/** Lines of the real file shown to the model so it can quote them exactly next time. */
export interface NearestLines {
  /** 1-based line number of `lines[0]` in the file. */
  startLine: number;
  lines: string[];
  /** 0..1, how much the window resembles the SEARCH text. */
  similarity: number;
}

export interface BlockFailure {
  kind: FailureKind;
  path: string;
  reason: string;
  /** 1-based first lines of every place the SEARCH text matched, for ambiguous blocks. */
  matchLines?: number[];
  nearest?: NearestLines;
  /** The whole message to send back to the model. */
  feedback: string;
}

export type MatchLevel = 'exact' | 'whitespace' | 'indentation' | 'create' | 'append' | 'whole';

export type BlockResult =
  | { block: EditBlock; ok: true; level: MatchLevel; /** 1-based line where the replacement starts. */ line: number }
  | { block: EditBlock; ok: false; failure: BlockFailure };

/** The planned change of one file: nothing is written until `applyPlan`. */
export interface FileChange {
  /** Repository-relative, forward slashes. */
  path: string;
  absolutePath: string;
  /** `undefined` when the file does not exist yet. */
  before: string | undefined;
  after: string;
  /** Unified diff of before → after, for a preview. */
  diff: string;
}

export interface EditPlan {
  root: string;
  format: EditFormat;
  files: FileChange[];
  results: BlockResult[];
  /** Failures that came from parsing or matching, each with feedback for the model. */
  failures: BlockFailure[];
}
