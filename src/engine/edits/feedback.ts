/**
 * Turns a failed block into the message the model needs to retry: which file, why, and the
 * lines of the file that look most like what it searched for, quoted verbatim so it can copy
 * them. Similarity is per line (character bigrams) averaged over a window as tall as the SEARCH.
 */
import type { BlockFailure, FailureKind, NearestLines } from './types.js';
import { MARKERS } from './parse/search-replace.js';

function bigrams(text: string): Map<string, number> {
  const grams = new Map<string, number>();
  const compact = text.trim().replace(/\s+/g, ' ');
  for (let i = 0; i + 1 < compact.length; i++) {
    const gram = compact.slice(i, i + 2);
    grams.set(gram, (grams.get(gram) ?? 0) + 1);
  }
  return grams;
}

function dice(a: Map<string, number>, b: Map<string, number>, aText: string, bText: string): number {
  if (a.size === 0 || b.size === 0) return aText.trim() === bText.trim() ? 1 : 0;
  let shared = 0;
  let total = 0;
  for (const [gram, count] of a) {
    shared += Math.min(count, b.get(gram) ?? 0);
    total += count;
  }
  for (const count of b.values()) total += count;
  return (2 * shared) / total;
}

/** The window of `fileLines` most similar to `searchLines`, or undefined for an empty file or search. */
export function nearestLines(fileLines: string[], searchLines: string[]): NearestLines | undefined {
  if (fileLines.length === 0 || searchLines.length === 0) return undefined;
  const height = Math.min(searchLines.length, fileLines.length);
  const fileGrams = fileLines.map(bigrams);
  const searchGrams = searchLines.map(bigrams);
  let best = { start: 0, score: -1 };
  for (let start = 0; start + height <= fileLines.length; start++) {
    let score = 0;
    for (let i = 0; i < height; i++) score += dice(searchGrams[i]!, fileGrams[start + i]!, searchLines[i]!, fileLines[start + i]!);
    if (score > best.score) best = { start, score };
  }
  return { startLine: best.start + 1, lines: fileLines.slice(best.start, best.start + height), similarity: best.score / searchLines.length };
}

function quote(nearest: NearestLines, path: string): string {
  const last = nearest.startLine + nearest.lines.length - 1;
  return `The lines of ${path} most like your SEARCH text are lines ${nearest.startLine}-${last}:\n\`\`\`\n${nearest.lines.join('\n')}\n\`\`\``;
}

export interface FailureDetails {
  kind: FailureKind;
  path: string;
  reason: string;
  matchLines?: number[];
  nearest?: NearestLines;
  /** What the model should do differently. */
  advice?: string;
}

const DEFAULT_ADVICE: Record<FailureKind, string> = {
  'not-found': 'Copy the SEARCH lines exactly from the file, including comments, blank lines and indentation.',
  ambiguous: 'Include more of the surrounding lines in SEARCH so it matches exactly one place.',
  'missing-file': 'Use the path of an existing file, or an empty SEARCH section to create a new file.',
  'refused-path': 'Only edit files inside the repository; .git/, secret files and paths through symlinks that leave the repository are off limits.',
  placeholder: 'Do not elide code with "..." or "existing code" comments: SEARCH must quote every line it replaces and REPLACE must contain every line to keep. Use several small blocks instead.',
  malformed: `Write each edit as the path on its own line, an opening fence, ${MARKERS.search}, the lines to find, ${MARKERS.divider}, the new lines, ${MARKERS.replace}, and a closing fence.`,
};

export function describeFailure(details: FailureDetails): BlockFailure {
  const parts = [`The edit of ${details.path} failed: ${details.reason}.`];
  if (details.matchLines && details.matchLines.length > 1) parts.push(`The SEARCH text matches at lines ${details.matchLines.join(', ')} of ${details.path}.`);
  if (details.nearest) parts.push(quote(details.nearest, details.path));
  parts.push(details.advice ?? DEFAULT_ADVICE[details.kind]);
  return {
    kind: details.kind,
    path: details.path,
    reason: details.reason,
    ...(details.matchLines ? { matchLines: details.matchLines } : {}),
    ...(details.nearest ? { nearest: details.nearest } : {}),
    feedback: parts.join('\n'),
  };
}

/** One message for all failures of an answer, to send back to the model as the next user turn. */
export function feedbackMessage(failures: BlockFailure[], appliedCount: number): string {
  if (failures.length === 0) return '';
  const header = `${failures.length} edit block${failures.length === 1 ? '' : 's'} failed${appliedCount > 0 ? `; the other ${appliedCount} applied and must not be sent again` : ''}.`;
  return [header, ...failures.map((failure, i) => `## Failure ${i + 1}: ${failure.path}\n${failure.feedback}`)].join('\n\n');
}
