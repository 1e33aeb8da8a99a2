/**
 * Human-readable secret report, one block per finding in the style of gitleaks:
 *
 *   src/config.ts:12:17  aws-access-key  AWS access key ID
 *       const key = 'AKIA************';
 *       commit 3f2a9c1…  Jane Doe <jane@example.com>  2024-05-01T10:00:00Z
 *
 * followed by a one-line summary. Findings keep the order they were given in (a history scan
 * lists them commit by commit, which re-sorting by file would scramble).
 */
import type { Style } from '../../cli/style.js';
import type { Finding } from '../types.js';

const INDENT = '    ';

/**
 * Matched text and paths come from the scanned files, which an attacker may control: a raw ESC
 * or CR would let a file rewrite the reviewer's terminal, so every control character is shown
 * as an escape instead.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u0008\u000a-\u001f\u007f-\u009f\u2028\u2029]/g, (char) => {
    if (char === '\n') return '\\n';
    if (char === '\r') return '\\r';
    return `\\u${char.charCodeAt(0).toString(16).padStart(4, '0')}`;
  });
}

function location(finding: Finding): string {
  const file = finding.file === '' ? '<input>' : printable(finding.file);
  return `${file}:${finding.line}:${finding.column}`;
}

function provenance(finding: Finding): string | undefined {
  const parts: string[] = [];
  if (finding.commit) parts.push(`commit ${printable(finding.commit)}`);
  if (finding.author) parts.push(printable(finding.author));
  if (finding.date) parts.push(printable(finding.date));
  return parts.length > 0 ? parts.join('  ') : undefined;
}

function renderFinding(finding: Finding, style: Style): string {
  const lines = [
    `${style.bold(location(finding))}  ${style.yellow(printable(finding.rule))}  ${printable(finding.description)}`,
  ];
  // A private key's match spans lines; indenting each keeps the block readable as one unit.
  for (const part of finding.match.split(/\r?\n/)) lines.push(`${INDENT}${style.red(printable(part))}`);
  const from = provenance(finding);
  if (from) lines.push(`${INDENT}${style.dim(from)}`);
  return lines.join('\n');
}

export function summarize(findings: readonly Finding[]): string {
  if (findings.length === 0) return 'no secrets found';
  const files = new Set(findings.map((f) => f.file)).size;
  const secrets = findings.length === 1 ? '1 secret' : `${findings.length} secrets`;
  return `${secrets} found in ${files === 1 ? '1 file' : `${files} files`}`;
}

/** The report without a trailing newline, so callers can print it with console.log. */
export function renderText(findings: Finding[], style: Style): string {
  const summary = summarize(findings);
  if (findings.length === 0) return style.green(summary);
  const blocks = findings.map((finding) => renderFinding(finding, style));
  return `${blocks.join('\n\n')}\n\n${style.bold(style.red(summary))}`;
}
