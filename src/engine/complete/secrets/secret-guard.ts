/**
 * The secrets stage: a suggestion that would put a credential into the document is never shown.
 * The candidate is scanned together with the rest of its line on both sides, because a key is
 * often split across the cursor (`key = "AKIA` typed, the rest suggested). Allow comments are
 * not honoured here: they are for secrets a person committed on purpose, and a model could
 * write one after the key it invents.
 */
import { scanLocated } from '../../../secrets/scan.js';

const ALLOW_MARKERS = /inline:allow|gitleaks:allow|pragma: allowlist secret/g;
/** Lines of prefix scanned with the candidate: enough for a PEM header or a multi-line string. */
const PREFIX_LINES = 3;

export function containsSecret(candidate: string, prefix: string, suffix: string, path: string): boolean {
  if (candidate.trim().length === 0) return false;
  let start = prefix.length;
  for (let i = 0; i < PREFIX_LINES && start > 0; i++) start = Math.max(0, prefix.lastIndexOf('\n', start - 1));
  const before = prefix.slice(start);
  const lineEnd = suffix.indexOf('\n');
  const after = lineEnd === -1 ? suffix : suffix.slice(0, lineEnd);
  const text = (before + candidate + after).replace(ALLOW_MARKERS, (marker) => ' '.repeat(marker.length));
  const from = before.length;
  const to = from + candidate.length;
  return scanLocated(text, { path }).some((finding) => finding.start < to && finding.end > from);
}
