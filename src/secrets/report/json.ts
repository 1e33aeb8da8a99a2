/** Machine-readable secret report: a pretty-printed JSON array, one object per finding. */
import type { Finding } from '../types.js';

/** The public shape is exactly a Finding: internal fields (offsets) never get this far. */
export type JsonFinding = Finding;

/**
 * Copies the fields one by one rather than spreading the finding: the key order stays fixed for
 * diff-friendly output, and internal fields (a LocatedFinding's offsets) never leak into reports.
 */
export function toJsonFinding(finding: Finding): JsonFinding {
  const out: JsonFinding = {
    rule: finding.rule,
    description: finding.description,
    file: finding.file,
    line: finding.line,
    column: finding.column,
    endLine: finding.endLine,
    endColumn: finding.endColumn,
    match: finding.match,
    fingerprint: finding.fingerprint,
  };
  if (finding.commit !== undefined) out.commit = finding.commit;
  if (finding.author !== undefined) out.author = finding.author;
  if (finding.date !== undefined) out.date = finding.date;
  return out;
}

/** The report without a trailing newline, so callers can print it with console.log. */
export function renderJson(findings: Finding[]): string {
  return JSON.stringify(findings.map(toJsonFinding), null, 2);
}
