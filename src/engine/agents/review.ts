/**
 * `inline review`: comments on a diff from two sources. The secret scanner reads the added lines
 * (each finding is an error at its line, with the secret masked); the model reads the diff, with
 * secrets redacted, and answers one comment per line. Model comments that point outside the
 * diff are dropped: a review is about what changed.
 */
import { redact, scanText } from '../../secrets/scan.js';
import type { Message } from '../types.js';
import type { DiffFile, ReviewDiff } from './review-diff.js';
import { diffShows } from './review-diff.js';
import { parseReviewReply, severityRank, type Severity } from './review-output.js';

export interface ReviewComment {
  file: string;
  line: number;
  severity: Severity;
  message: string;
  source: 'secrets' | 'model';
}

export const REVIEW_SYSTEM_PROMPT = `You are inline, a careful code reviewer. Review the diff the user sends for bugs, security problems and risky changes.
Comment only on real problems in the changed code; say nothing about style or about code the diff does not show.
Answer with one comment per line, and nothing else, in exactly this form:
path/to/file.ext:LINE: SEVERITY: message
where LINE is the line number in the new version of the file, and SEVERITY is error (a bug or vulnerability), warning (risky or likely wrong) or info (worth a look).
If there is nothing to report, answer exactly: NO ISSUES`;

/** Each secret in an added line, as an error at its line in the new file; the secret is masked. */
export function secretComments(files: readonly DiffFile[]): ReviewComment[] {
  const comments: ReviewComment[] = [];
  for (const file of files) {
    if (file.added.length === 0) continue;
    const text = file.added.map((added) => added.text).join('\n');
    for (const finding of scanText(text, { path: file.path })) {
      const line = file.added[finding.line - 1]?.line ?? file.added[file.added.length - 1]!.line;
      comments.push({ file: file.path, line, severity: 'error', message: `possible secret, ${finding.description} (${finding.rule}): ${finding.match}`, source: 'secrets' });
    }
  }
  return comments;
}

/**
 * The review request. The diff goes out redacted, cut at `maxChars` on a file boundary when it is
 * too long for the window (the returned `omitted` lists the files left out).
 */
export function buildReviewMessages(diff: ReviewDiff, maxChars: number): { messages: Message[]; omitted: string[] } {
  const parts = redact(diff.text).split(/^(?=diff --git )/m);
  let kept = '';
  const omitted: string[] = [];
  for (const part of parts) {
    if (kept.length + part.length <= maxChars) kept += part;
    else omitted.push(/^diff --git a\/(\S+)/.exec(part)?.[1] ?? '(part of the diff)');
  }
  const note = omitted.length > 0 ? `\n(The diff of ${omitted.length} more file(s) was left out for length.)` : '';
  return {
    messages: [
      { role: 'system', content: REVIEW_SYSTEM_PROMPT },
      { role: 'user', content: `Review this diff:\n\n\`\`\`\`diff\n${kept.trimEnd()}\n\`\`\`\`${note}` },
    ],
    omitted,
  };
}

/** The model's comments that point at a line the diff shows; how many others were dropped. */
export function modelComments(reply: string, diff: ReviewDiff): { comments: ReviewComment[]; dropped: number } {
  const comments: ReviewComment[] = [];
  let dropped = 0;
  for (const parsed of parseReviewReply(reply)) {
    if (diffShows(diff.files, parsed.file, parsed.line)) comments.push({ ...parsed, source: 'model' });
    else dropped++;
  }
  return { comments, dropped };
}

/** All comments by file and line, most severe first on a line, without exact repeats. */
export function mergeComments(...groups: ReviewComment[][]): ReviewComment[] {
  const seen = new Set<string>();
  return groups
    .flat()
    .filter((c) => {
      const key = `${c.file}\u0000${c.line}\u0000${c.severity}\u0000${c.message}`;
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => a.file.localeCompare(b.file) || a.line - b.line || severityRank(b.severity) - severityRank(a.severity));
}

export function reachesThreshold(comments: readonly ReviewComment[], threshold: Severity): boolean {
  return comments.some((c) => severityRank(c.severity) >= severityRank(threshold));
}
