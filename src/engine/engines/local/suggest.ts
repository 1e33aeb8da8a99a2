/**
 * One completion request against the statistics: read the cursor, generate candidates from the
 * n-gram model and from repeated patterns in the document, then shape them for the caller
 * (stop sequences, length, no overlap with the text after the cursor, distinct, best first).
 */
import type { CompletionRequest } from '../../types.js';
import type { Corpus, FamilyStats } from './corpus.js';
import { decode, type Candidate, type DecodeThresholds, DEFAULT_THRESHOLDS } from './decoder.js';
import { DEFAULT_WINDOWS, readCursor, type CursorInput, type DocumentWindows } from './document.js';
import { lex } from './lexer.js';
import { repeatedPatterns } from './patterns.js';
import { DEFAULT_PREDICTOR_OPTIONS, Predictor, type PredictorOptions } from './predictor.js';
import { syntaxForPath, type FileSyntax } from './syntax.js';
import { TokenSpace } from './token-space.js';
import { encodeLines } from './tokens.js';
import { Vocabulary } from './vocabulary.js';

export interface SuggestTuning {
  predictor: PredictorOptions;
  thresholds: DecodeThresholds;
  /** Lines a suggestion may span when the request allows several. */
  maxLines: number;
  windows: DocumentWindows;
}

export const DEFAULT_TUNING: SuggestTuning = { predictor: DEFAULT_PREDICTOR_OPTIONS, thresholds: DEFAULT_THRESHOLDS, maxLines: 5, windows: DEFAULT_WINDOWS };

/** The engine's budget is in tokens; ours are about four characters. */
const CHARS_PER_REQUEST_TOKEN = 4;
/** How much of a prompt without a path is lexed to guess its language. */
const GUESS_WINDOW = 2_000;

export function suggest(corpus: Corpus, request: CompletionRequest, signal?: AbortSignal, tuning: SuggestTuning = DEFAULT_TUNING): Candidate[] {
  const cursor: CursorInput = request.cursor ?? { path: '', prefix: request.prompt, suffix: request.suffix ?? '' };
  const { fileSyntax, stats } = chooseFamily(corpus, cursor);
  const space = new TokenSpace(stats?.vocabulary ?? new Vocabulary());
  const document = readCursor(cursor, fileSyntax, space, tuning.windows);
  if (document.blocked) return [];
  const n = Math.max(1, request.n ?? 1);
  const maxChars = Math.max(1, request.maxTokens) * CHARS_PER_REQUEST_TOKEN;
  const singleLine = request.stop.some((stop) => stop === '\n' || stop === '\r\n');
  const predictor = new Predictor(stats, document, space, tuning.predictor);
  const generated = decode(document, predictor, space, { n, maxChars, maxLines: singleLine ? 1 : tuning.maxLines, signal }, tuning.thresholds);
  if (signal?.aborted) return [];
  const patterned = repeatedPatterns(document);
  const crlf = cursor.prefix.includes('\r\n');
  const shaped = shape([...patterned, ...generated], request, document.lineSuffix, maxChars).map((candidate) =>
    // Lines are lexed without their carriage returns; a CRLF document gets them back.
    crlf ? { ...candidate, text: candidate.text.replace(/\n/g, '\r\n') } : candidate,
  );
  // Alternatives only come with a candidate confident enough to lead them.
  const floor = Math.log(tuning.thresholds.minCandidateProbability);
  const leading = shaped.filter((candidate) => candidate.logprob >= floor);
  if (leading.length === 0) return [];
  return [...leading, ...shaped.filter((candidate) => candidate.logprob < floor)].slice(0, n);
}

/** The family named by the path; without a path, the one whose vocabulary knows the prompt best. */
function chooseFamily(corpus: Corpus, cursor: CursorInput): { fileSyntax: FileSyntax; stats?: FamilyStats } {
  if (cursor.path) {
    const fileSyntax = syntaxForPath(cursor.path, cursor.language);
    return { fileSyntax, stats: corpus.family(fileSyntax.family) };
  }
  const sample = cursor.prefix.slice(-GUESS_WINDOW);
  let best: FamilyStats | undefined;
  let bestKnown = 0;
  for (const stats of corpus.allFamilies()) {
    const tokens = encodeLines(lex(sample, stats.syntax.syntax).lines, { fileStart: false, unit: '    ' });
    const known = tokens.filter((token) => stats.vocabulary.count(stats.vocabulary.find(token) ?? -1) > 0).length;
    if (known > bestKnown) {
      best = stats;
      bestKnown = known;
    }
  }
  return best ? { fileSyntax: best.syntax, stats: best } : { fileSyntax: syntaxForPath('prompt.txt') };
}

/** Cuts at the first stop sequence and the length limit, drops text the line already has after the cursor. */
function shapeText(text: string, stops: readonly string[], lineSuffix: string, maxChars: number): string {
  let out = text;
  for (const stop of stops) {
    if (!stop) continue;
    const at = out.indexOf(stop);
    if (at !== -1) out = out.slice(0, at);
  }
  if (out.length > maxChars) out = out.slice(0, maxChars);
  const after = lineSuffix.trimStart();
  if (after.length > 0 && !out.includes('\n')) {
    for (let overlap = Math.min(out.length, after.length); overlap > 0; overlap--) {
      if (out.endsWith(after.slice(0, overlap))) {
        out = out.slice(0, out.length - overlap);
        break;
      }
    }
  }
  return out.trimEnd() === '' ? '' : out.replace(/[ \t]+$/, '');
}

function shape(candidates: Candidate[], request: CompletionRequest, lineSuffix: string, maxChars: number): Candidate[] {
  const best = new Map<string, Candidate>();
  for (const candidate of candidates) {
    const text = shapeText(candidate.text, request.stop, lineSuffix, maxChars);
    if (!text) continue;
    const known = best.get(text);
    if (!known || known.logprob < candidate.logprob) best.set(text, { ...candidate, text });
  }
  // A whole line the model is confident enough about beats a line it gave up on halfway.
  return [...best.values()].sort((a, b) => Number(b.complete) - Number(a.complete) || b.logprob - a.logprob);
}
