/**
 * Candidate generation: a small beam search over the predictor's distributions, from the cursor
 * to the end of the line, or over a few more lines while every token stays likely. A hypothesis
 * stops where the model grows unsure (what it had so far may still be offered), at the text the
 * line already has after the cursor, at a bracket that does not match, at the end of the block,
 * and at the length limit. A candidate's logprob is the sum of its tokens' log-probabilities.
 */
import type { CursorDocument } from './document.js';
import { MAX_MATCH } from './occurrences.js';
import type { IndexedPrediction, Predictor } from './predictor.js';
import type { TokenSpace } from './token-space.js';
import { bracketOf, isNewlineToken, isOpaqueToken, matchingOpen, renderToken } from './tokens.js';

export interface DecodeOptions {
  n: number;
  /** Longest completion, in characters. */
  maxChars: number;
  /** Lines a completion may span (1: the rest of the cursor's line only). */
  maxLines: number;
  signal?: AbortSignal;
}

export interface DecodeThresholds {
  /** A token less likely than this ends the hypothesis. */
  minTokenProbability: number;
  /** Every token of a line after the first, and the break before it, must be at least this likely. */
  minMultilineProbability: number;
  /** Log-probability charged once to a candidate cut short because the model grew unsure. */
  truncationPenalty: number;
  /** The best candidate must be at least this likely (penalty included), or nothing is offered. */
  minCandidateProbability: number;
  /** Further candidates, asked for with n > 1, must be at least this likely. */
  minAlternativeProbability: number;
  /** Hypotheses kept per step, at least (n + 1 when more candidates are asked for). */
  beamWidth: number;
  /** A candidate cut short must offer at least this many visible characters to be worth showing. */
  minTruncatedChars: number;
}

export const DEFAULT_THRESHOLDS: DecodeThresholds = {
  minTokenProbability: 0.3,
  minMultilineProbability: 0.6,
  truncationPenalty: Math.log(0.5),
  minCandidateProbability: 0.3,
  minAlternativeProbability: 0.1,
  beamWidth: 2,
  minTruncatedChars: 2,
};

export interface Candidate {
  text: string;
  logprob: number;
  /** It reached the end of a line (or the text after the cursor) rather than stopping unsure. */
  complete: boolean;
}

interface Hypothesis {
  /** The last tokens of the context, generated ones included. */
  tail: number[];
  text: string;
  indent: string;
  /** Indentation of the completion's first line: lines further out end the block. */
  baseIndent: string;
  brackets: string[];
  logprob: number;
  /** Line breaks inside `text`. */
  breaks: number;
  /** Lowest token probability on the current line. */
  lineMin: number;
  /** The current line went out of the block: only closing tokens may stand on it. */
  closingOnly: boolean;
  /** The hypothesis at each line end so far: what to fall back to when a further line fails. */
  committed: ReadonlyArray<{ text: string; logprob: number }>;
  /** The longest part of the current line that is likely enough to offer even if cut short there. */
  likely?: { text: string; logprob: number };
}

interface Option {
  id: number;
  p: number;
}

const MAX_STEPS = 160;
/** Hypotheses kept at most, however many candidates are asked for. */
const MAX_BEAM = 8;
const TAIL = MAX_MATCH + 2;
/** When the allowed first tokens cannot all be listed (any spaced token), mass kept for the rest. */
const UNLISTED_SHARE = 0.5;
const CLOSING_WORDS = new Set(['end', 'fi', 'esac', 'done', 'endif', 'endfor', 'endwhile']);

function isClosing(token: string): boolean {
  const bracket = bracketOf(token);
  if (bracket) return !bracket.open;
  const bare = token.trim();
  return CLOSING_WORDS.has(bare) || bare === ';' || bare === ',';
}

class Search {
  readonly finished: Candidate[] = [];
  private readonly lineSuffix: string;

  constructor(
    private readonly document: CursorDocument,
    private readonly predictor: Predictor,
    private readonly space: TokenSpace,
    private readonly options: DecodeOptions,
    private readonly thresholds: DecodeThresholds,
  ) {
    this.lineSuffix = document.lineSuffix.trim();
  }

  run(): Candidate[] {
    const width = Math.min(MAX_BEAM, Math.max(this.thresholds.beamWidth, this.options.n));
    const { document } = this;
    let beam: Hypothesis[] = [
      {
        tail: document.context.slice(-TAIL),
        text: '',
        indent: document.indent.indent,
        baseIndent: document.indent.indent,
        brackets: [...document.brackets],
        logprob: 0,
        breaks: 0,
        lineMin: 1,
        closingOnly: false,
        committed: [],
      },
    ];
    for (let step = 0; step < MAX_STEPS && beam.length > 0; step++) {
      if (this.options.signal?.aborted) return [];
      const next: Hypothesis[] = [];
      for (const hypothesis of beam) {
        const prediction = this.predictor.predict(hypothesis.tail);
        const options = step === 0 ? this.firstTokens(prediction) : this.laterTokens(prediction, width);
        const recorded = this.finished.length;
        let extended = false;
        for (const { id, p } of options.slice(0, width)) {
          if (p < this.thresholds.minTokenProbability) break;
          const outcome = step === 0 ? this.first(hypothesis, id, p) : this.extend(hypothesis, id, p);
          if (outcome) {
            next.push(outcome);
            extended = true;
          }
        }
        if (!extended && step > 0 && this.finished.length === recorded) this.finish(hypothesis, false);
      }
      next.sort((x, y) => y.logprob - x.logprob);
      beam = next.slice(0, width);
      // Nothing still open can beat the candidates already complete.
      if (this.finished.length >= width) {
        const worst = Math.min(...this.finished.map((c) => c.logprob));
        if (beam.every((h) => h.logprob < worst)) break;
      }
    }
    for (const hypothesis of beam) this.finish(hypothesis, false);
    return this.finished;
  }

  /**
   * Records a candidate. One that stopped unsure after its first line falls back to its last
   * complete line; one too unlikely as a whole falls back to its longest likely enough part.
   */
  private finish(hypothesis: Hypothesis, complete: boolean, logprob = hypothesis.logprob): void {
    const floor = Math.log(Math.min(this.thresholds.minCandidateProbability, this.thresholds.minAlternativeProbability));
    const penalty = this.thresholds.truncationPenalty;
    const options: Candidate[] = hypothesis.committed.map((line) => ({ ...line, complete: true }));
    if (options.length === 0 && hypothesis.likely) options.push({ text: hypothesis.likely.text, logprob: hypothesis.likely.logprob + penalty, complete: false });
    if (complete || options.length === 0) options.push({ text: hypothesis.text, logprob: complete ? logprob : logprob + penalty, complete });
    for (let i = options.length - 1; i >= 0; i--) {
      if (!options[i]!.complete && options[i]!.text.trim().length < this.thresholds.minTruncatedChars) continue;
      if (options[i]!.logprob >= floor) {
        this.finished.push(options[i]!);
        return;
      }
    }
  }

  /** Remembers the hypothesis as a fallback while it is likely enough to offer when cut short. */
  private withLikely(hypothesis: Hypothesis): Hypothesis {
    if (hypothesis.breaks > 0 || hypothesis.logprob + this.thresholds.truncationPenalty < Math.log(this.thresholds.minCandidateProbability)) return hypothesis;
    return { ...hypothesis, likely: { text: hypothesis.text, logprob: hypothesis.logprob } };
  }

  /** The first token completes what is typed under the cursor. */
  private first(hypothesis: Hypothesis, id: number, p: number): Hypothesis | undefined {
    const token = this.space.text(id);
    const brackets = this.afterBracket(hypothesis.brackets, token);
    if (!brackets) return undefined;
    const state = { indent: hypothesis.indent, unit: this.document.indent.unit };
    const text = renderToken(token, state).slice(this.document.partial.length);
    return this.withLikely({ ...hypothesis, tail: pushTail(hypothesis.tail, id), text, indent: state.indent, baseIndent: state.indent, brackets, logprob: Math.log(p), lineMin: p });
  }

  /** The hypothesis after `id`; undefined when that ended it (then it is recorded) or is invalid. */
  private extend(hypothesis: Hypothesis, id: number, p: number): Hypothesis | undefined {
    const token = this.space.text(id);
    const logprob = hypothesis.logprob + Math.log(p);
    if (isOpaqueToken(token)) {
      this.finish(hypothesis, false);
      return undefined;
    }
    if (isNewlineToken(token)) return this.lineBreak(hypothesis, id, token, p, logprob);
    if (hypothesis.closingOnly && !isClosing(token)) {
      this.finish(hypothesis, false);
      return undefined;
    }
    if (this.reachesLineSuffix(hypothesis, token)) {
      this.finish(hypothesis, true, logprob);
      return undefined;
    }
    const brackets = this.afterBracket(hypothesis.brackets, token);
    if (!brackets) return undefined;
    const state = { indent: hypothesis.indent, unit: this.document.indent.unit };
    const text = hypothesis.text + renderToken(token, state);
    if (text.length > this.options.maxChars) {
      this.finish(hypothesis, false);
      return undefined;
    }
    return this.withLikely({ ...hypothesis, tail: pushTail(hypothesis.tail, id), text, brackets, logprob, lineMin: Math.min(hypothesis.lineMin, p) });
  }

  private lineBreak(hypothesis: Hypothesis, id: number, token: string, p: number, logprob: number): Hypothesis | undefined {
    const { thresholds } = this;
    const continuing = hypothesis.breaks > 0;
    // A further line is kept only when all of it was likely and it is not already there below.
    if (continuing && (hypothesis.lineMin < thresholds.minMultilineProbability || this.repeatsBelow(hypothesis))) {
      this.finish(hypothesis, false);
      return undefined;
    }
    const state = { indent: hypothesis.indent, unit: this.document.indent.unit };
    const rendered = renderToken(token, state);
    const mayContinue =
      hypothesis.breaks + 1 < this.options.maxLines &&
      !closesBlock(hypothesis.text) &&
      this.lineSuffix.length === 0 &&
      !hypothesis.closingOnly &&
      hypothesis.text.trim().length > 0 &&
      p >= thresholds.minMultilineProbability &&
      hypothesis.text.length + rendered.length <= this.options.maxChars &&
      !(continuing && state.indent.length < hypothesis.baseIndent.length);
    if (!mayContinue) {
      this.finish(hypothesis, true, logprob);
      return undefined;
    }
    return {
      ...hypothesis,
      tail: pushTail(hypothesis.tail, id),
      text: hypothesis.text + rendered,
      indent: state.indent,
      logprob,
      breaks: hypothesis.breaks + 1,
      lineMin: p,
      closingOnly: state.indent.length < hypothesis.baseIndent.length,
      committed: [...hypothesis.committed, { text: hypothesis.text, logprob }],
    };
  }

  /** The token is the one the line already has after the cursor: the completion ends before it. */
  private reachesLineSuffix(hypothesis: Hypothesis, token: string): boolean {
    const head = this.document.lineSuffixHead;
    if (!head || hypothesis.breaks > 0 || token.trim() !== head) return false;
    const bracket = bracketOf(token);
    // A closing bracket ends the completion only when it closes one opened before the cursor.
    return !bracket || bracket.open || hypothesis.brackets.length <= this.document.cursorDepth;
  }

  /** The bracket stack after `token`, or undefined when it closes a bracket that is not open. */
  private afterBracket(stack: string[], token: string): string[] | undefined {
    const bracket = bracketOf(token);
    if (!bracket) return stack;
    if (bracket.open) return [...stack, bracket.char];
    if (stack.at(-1) !== matchingOpen(bracket.char)) return undefined;
    return stack.slice(0, -1);
  }

  private repeatsBelow(hypothesis: Hypothesis): boolean {
    const lastLine = hypothesis.text.slice(hypothesis.text.lastIndexOf('\n') + 1).trim();
    return lastLine.length > 0 && this.document.nextLines[0] === lastLine;
  }

  private laterTokens(prediction: IndexedPrediction, limit: number): Option[] {
    const out: Option[] = [];
    for (let i = 0; i < prediction.ids.length && out.length < limit; i++) {
      const id = prediction.ids[i]!;
      out.push({ id, p: this.predictor.probability(prediction, id) });
    }
    return out;
  }

  /**
   * Tokens that can come first: those extending what is typed of the token under the cursor, with
   * probabilities renormalised over that set (the user has already ruled the rest out).
   */
  private firstTokens(prediction: IndexedPrediction): Option[] {
    const { partial } = this.document;
    const state = { indent: this.document.indent.indent, unit: this.document.indent.unit };
    const indentationTyped = isNewlineToken(partial) && !partial.endsWith('\n');
    const probabilities = new Map<number, number>();
    const offer = (id: number, p: number) => probabilities.set(id, Math.max(p, probabilities.get(id) ?? 0));
    for (const id of prediction.ids) offer(id, this.predictor.probability(prediction, id));
    const listed = partial.trim().length >= 2;
    if (listed) {
      // A name is the same name with or without a space before it: `(path` and ` path` both
      // vouch for ` pat` becoming ` path`, priced by the evidence for the spacing typed when there
      // is some, else by how common the name is.
      const spaced = partial.startsWith(' ');
      const bare = spaced ? partial.slice(1) : partial;
      for (const id of [...this.predictor.tokensWithPrefix(bare), ...this.predictor.tokensWithPrefix(` ${bare}`)]) {
        const text = this.space.text(id);
        const sameSpacing = text.startsWith(' ') === spaced;
        const target = sameSpacing ? id : this.space.id(spaced ? ` ${text}` : text.slice(1));
        offer(target, Math.max(this.predictor.probability(prediction, target), prediction.escape * this.predictor.unigram(id)));
      }
    }
    const out: Option[] = [];
    let total = 0;
    for (const [id, p] of probabilities) {
      const token = this.space.text(id);
      if (isOpaqueToken(token)) continue;
      const rendered = renderToken(token, { ...state });
      if (!rendered.startsWith(partial) || rendered.includes('\n', partial.length)) continue;
      // Typed indentation is the indentation the user wants; none typed leaves it to the model.
      if (indentationTyped && rendered !== partial) continue;
      out.push({ id, p });
      total += p;
    }
    if (!listed && !isNewlineToken(partial)) total += prediction.escape * UNLISTED_SHARE;
    if (total <= 0) return [];
    for (const option of out) option.p /= total;
    return out.sort((x, y) => y.p - x.p);
  }
}

/** The last line of `text` starts by closing something: a natural end for a suggestion. */
function closesBlock(text: string): boolean {
  const line = text.slice(text.lastIndexOf('\n') + 1).trimStart();
  return /^[)\]}]/.test(line) || /^(?:end|fi|esac|done)\b/.test(line);
}

function pushTail(tail: readonly number[], id: number): number[] {
  const out = tail.length >= TAIL ? tail.slice(tail.length - TAIL + 1) : tail.slice();
  out.push(id);
  return out;
}

export function decode(document: CursorDocument, predictor: Predictor, space: TokenSpace, options: DecodeOptions, thresholds: DecodeThresholds = DEFAULT_THRESHOLDS): Candidate[] {
  return new Search(document, predictor, space, options, thresholds).run();
}
