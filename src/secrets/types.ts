/** Shapes of the secret scanner: rules and findings. */

export interface SecretRule {
  /** Stable id used in reports, baselines and redaction labels, e.g. 'aws-access-key'. */
  id: string;
  description: string;
  /**
   * Lower-case strings of which at least one must occur (case-insensitively) in the text before
   * the regex runs at all: the prefilter that keeps a scan fast. Empty means always run.
   */
  keywords: readonly string[];
  /** Must have the global flag. The secret is the named group `secret`, else group 1, else the whole match. */
  pattern: RegExp;
  /** Minimum Shannon entropy (bits per character) of the secret. */
  entropy?: number;
  /** Secret values that are known not to be secrets for this rule (documented examples, placeholders). */
  allow?: readonly RegExp[];
  /** Paths where this rule does not apply. */
  allowPaths?: readonly RegExp[];
  /** A structural check beyond the regex (a checksum, a decodable JWT header). */
  validate?: (secret: string) => boolean;
  /** Generic rules yield to a specific rule that finds the same text. */
  generic?: boolean;
  /**
   * Every match lies on one line that holds one of the keywords, so only those lines need the
   * regex. Detected from the pattern when absent; set it where the detection is too cautious
   * (a \s that only appears in a zero-width lookahead, say).
   */
  lineLocal?: boolean;
  /**
   * For rules too costly to run over every line holding a keyword: every match contains an
   * occurrence of one of the keywords that starts at most `before` characters into the match,
   * and `after` (if given) matches right after that occurrence. The regex is then tried only at
   * those positions. Rules whose pattern opens with a keyword get `before: 0` without saying so.
   */
  anchor?: { before: number; after?: RegExp };
  /** Run by the rule tests: each positive must give exactly this rule's finding, each negative none. */
  examples: { positive: readonly string[]; negative: readonly string[] };
}

export interface Finding {
  rule: string;
  description: string;
  file: string;
  /** 1-based. */
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The matched text with the secret masked: never the secret itself. */
  match: string;
  /** Stable across line moves: file, rule and a hash of the secret. Used by baselines. */
  fingerprint: string;
  commit?: string;
  author?: string;
  date?: string;
}

/** A finding plus where the secret sits in the scanned text, for redaction (never serialized). */
export interface LocatedFinding extends Finding {
  start: number;
  end: number;
}
