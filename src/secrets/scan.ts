/**
 * The scanner core: a keyword prefilter per rule and the rule's regex (search.ts), then entropy,
 * allowlists and structural checks. Generic rules give way to specific ones that found the same
 * text.
 * Everything here is synchronous and allocation-light: it runs on every prompt and suggestion.
 */
import { createHash } from 'node:crypto';
import { RULES } from './rules/index.js';
import { forEachMatch, type MatchSink } from './search.js';
import type { Finding, LocatedFinding, SecretRule } from './types.js';

export interface ScanOptions {
  /** Repository-relative path, for reports and path allowlists. */
  path?: string;
  rules?: readonly SecretRule[];
}

/** Comments that suppress findings on their line. */
const INLINE_ALLOW = /inline:allow|gitleaks:allow|pragma: allowlist secret/;

/** Values no rule should report: placeholders, templates and environment reads. */
const PLACEHOLDERS: readonly RegExp[] = [
  /^(?:x+|\*+|\.+|-+|_+|0+|#+)$/i,
  /^<[^<>]*>$/,
  /\$\{[^}]*\}|\$\([^)]*\)|\{\{[^}]*\}\}|%\([^)]*\)s|%[sd]$/,
  /^(?:your|my|the|some|insert|enter|replace|put|add)[_-]?(?:own[_-]?)?\w*(?:key|token|secret|password|here)\w*$/i,
  /(?:^|[_-])(?:example|sample|dummy|placeholder|changeme|change_me|redacted|fake|test[_-]?key)(?:$|[_-])/i,
  /^(?:process\.env|os\.environ|env\[|getenv|System\.getenv|ENV\[)/,
  /x{8,}/i,
];

export function shannonEntropy(text: string): number {
  if (text.length === 0) return 0;
  const counts = new Map<string, number>();
  for (const char of text) counts.set(char, (counts.get(char) ?? 0) + 1);
  let entropy = 0;
  for (const count of counts.values()) {
    const p = count / text.length;
    entropy -= p * Math.log2(p);
  }
  return entropy;
}

export function maskSecret(secret: string): string {
  const kept = Math.min(4, Math.floor(secret.length / 4));
  return `${secret.slice(0, kept)}${'*'.repeat(Math.min(12, Math.max(4, secret.length - kept)))}`;
}

export function fingerprintOf(file: string, rule: string, secret: string): string {
  return `${file}:${rule}:${createHash('sha256').update(`${rule}\u0000${secret}`).digest('hex').slice(0, 16)}`;
}

function secretOf(match: RegExpExecArray): { secret: string; offset: number } {
  const named = match.groups?.secret;
  const secret = named ?? match[1] ?? match[0];
  const inMatch = match[0].indexOf(secret);
  return { secret, offset: match.index + Math.max(0, inMatch) };
}

class LineIndex {
  private starts: number[] | undefined;
  constructor(private readonly text: string) {}

  position(offset: number): { line: number; column: number } {
    this.starts ??= computeStarts(this.text);
    let lo = 0;
    let hi = this.starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (this.starts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return { line: lo + 1, column: offset - this.starts[lo]! + 1 };
  }

  lineText(line: number): string {
    this.starts ??= computeStarts(this.text);
    const start = this.starts[line - 1]!;
    const end = line < this.starts.length ? this.starts[line]! - 1 : this.text.length;
    return this.text.slice(start, end);
  }
}

function computeStarts(text: string): number[] {
  const starts = [0];
  for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
  return starts;
}

function accepted(rule: SecretRule, secret: string): boolean {
  if (rule.entropy !== undefined && shannonEntropy(secret) < rule.entropy) return false;
  if (PLACEHOLDERS.some((p) => p.test(secret))) return false;
  if (rule.allow?.some((p) => p.test(secret))) return false;
  return rule.validate ? rule.validate(secret) : true;
}

type Candidate = LocatedFinding & { generic: boolean };

/**
 * Turns one text's regex matches into findings. A class rather than closures made per scan:
 * a scan of a small file is a few microseconds, and closures cost a noticeable share of that.
 */
class Findings implements MatchSink {
  readonly found: Candidate[] = [];
  private readonly lines: LineIndex;
  private allowedLines: Map<number, boolean> | undefined;

  constructor(
    text: string,
    private readonly file: string,
  ) {
    this.lines = new LineIndex(text);
  }

  /** One regex match, at `base` in the text, kept as a finding unless it is allowed. */
  add(rule: SecretRule, match: RegExpExecArray, base: number): void {
    const located = secretOf(match);
    const secret = located.secret;
    const offset = located.offset + base;
    if (!accepted(rule, secret)) return;
    const start = this.lines.position(offset);
    if (this.lineAllowed(start.line)) return;
    const end = this.lines.position(offset + secret.length);
    const masked = match[0].replace(secret, maskSecret(secret));
    this.found.push({
      rule: rule.id,
      description: rule.description,
      file: this.file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      match: masked.length > 200 ? `${masked.slice(0, 197)}...` : masked,
      fingerprint: fingerprintOf(this.file, rule.id, secret),
      start: offset,
      end: offset + secret.length,
      generic: rule.generic === true,
    });
  }

  private lineAllowed(line: number): boolean {
    this.allowedLines ??= new Map();
    let allowed = this.allowedLines.get(line);
    if (allowed === undefined) this.allowedLines.set(line, (allowed = INLINE_ALLOW.test(this.lines.lineText(line))));
    return allowed;
  }
}

/** Findings with their offsets in `text`, in document order. */
export function scanLocated(text: string, options: ScanOptions = {}): LocatedFinding[] {
  const findings = new Findings(text, options.path ?? '');
  forEachMatch(text, options.rules ?? RULES, options.path ?? '', findings);
  if (findings.found.length === 0) return [];
  return dropShadowed(findings.found).map(({ generic: _generic, ...finding }) => finding);
}

/**
 * Removes duplicates (same rule, same start) and generic findings that overlap a specific one,
 * in O(n log n): a long minified line can hold thousands of matches.
 */
function dropShadowed<T extends Candidate>(found: T[]): T[] {
  found.sort((a, b) => a.start - b.start || a.rule.localeCompare(b.rule));
  const seen = new Set<string>();
  const unique = found.filter((f) => {
    const key = `${f.rule}\u0000${f.start}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  const specific = unique.filter((f) => !f.generic);
  // Specific findings sorted by start; a running maximum of their ends answers "does any
  // specific finding starting before x end after y" with one binary search.
  const maxEnd: number[] = [];
  for (const [i, f] of specific.entries()) maxEnd.push(Math.max(f.end, i > 0 ? maxEnd[i - 1]! : 0));
  const overlapsSpecific = (f: T) => {
    let lo = 0;
    let hi = specific.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (specific[mid]!.start < f.end) lo = mid + 1;
      else hi = mid;
    }
    return lo > 0 && maxEnd[lo - 1]! > f.start;
  };
  return unique.filter((f) => !f.generic || !overlapsSpecific(f));
}

export function scanText(text: string, options: ScanOptions = {}): Finding[] {
  return scanLocated(text, options).map(({ start: _start, end: _end, ...finding }) => finding);
}

/** The text with each secret replaced by `[REDACTED:<rule>]`, and what was replaced. */
export function redactWithFindings(text: string, options: ScanOptions = {}): { text: string; findings: Finding[] } {
  const located = scanLocated(text, options);
  if (located.length === 0) return { text, findings: [] };
  let out = '';
  let at = 0;
  for (const finding of located) {
    if (finding.start < at) continue;
    out += text.slice(at, finding.start) + `[REDACTED:${finding.rule}]`;
    at = finding.end;
  }
  out += text.slice(at);
  return { text: out, findings: located.map(({ start: _s, end: _e, ...finding }) => finding) };
}

export function redact(text: string, options: ScanOptions = {}): string {
  return redactWithFindings(text, options).text;
}
