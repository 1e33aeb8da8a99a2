/**
 * The scanner core: a keyword prefilter per rule, then the rule's regex, then entropy, allowlists
 * and structural checks. Generic rules give way to specific ones that found the same text.
 * Everything here is synchronous and allocation-light: it runs on every prompt and suggestion.
 */
import { createHash } from 'node:crypto';
import { KeywordAutomaton } from './keywords.js';
import { RULES } from './rules/index.js';
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

const matchers = new WeakMap<readonly SecretRule[], KeywordAutomaton>();

function matcherFor(rules: readonly SecretRule[]): KeywordAutomaton {
  let matcher = matchers.get(rules);
  if (!matcher) matchers.set(rules, (matcher = new KeywordAutomaton([...new Set(rules.flatMap((rule) => rule.keywords))])));
  return matcher;
}

/** Above this many hits of a keyword, windows stop paying off and the whole text is scanned. */
const WINDOW_CAP = 64;
const lineLocalCache = new WeakMap<SecretRule, boolean>();

/**
 * Whether every match of a rule lies on one line that also holds one of its keywords, so the
 * regex need only run on those lines. Decided conservatively from the pattern: anything that can
 * cross a line break (\n, \r, \s, [\s\S], a negated class without \s or \n, the s flag) and
 * any multi-line positive example keep the rule on the whole text.
 */
function isLineLocal(rule: SecretRule): boolean {
  if (rule.lineLocal !== undefined) return rule.lineLocal && rule.keywords.length > 0;
  let local = lineLocalCache.get(rule);
  if (local === undefined) {
    const source = rule.pattern.source;
    const negated = source.match(/\[\^(?:\\.|[^\]])*\]/g) ?? [];
    local =
      rule.keywords.length > 0 &&
      !rule.pattern.flags.includes('s') &&
      !/\\[nrs]|\\S/.test(source.replace(/\[\^(?:\\.|[^\]])*\]/g, '')) &&
      negated.every((cls) => /\\[sn]/.test(cls)) &&
      rule.examples.positive.every((example) => !example.includes('\n'));
    lineLocalCache.set(rule, local);
  }
  return local;
}

/** The lines holding any of `keywords`, as [start, end) ranges that include the line break. */
function keywordLines(text: string, keywords: readonly string[], hits: Map<string, number[] | undefined>): Array<[number, number]> | undefined {
  const starts = new Set<number>();
  for (const keyword of keywords) {
    if (!hits.has(keyword)) continue;
    const positions = hits.get(keyword);
    if (positions === undefined) return undefined;
    for (const position of positions) starts.add(text.lastIndexOf('\n', position) + 1);
  }
  return [...starts]
    .sort((a, b) => a - b)
    .map((start) => {
      const newline = text.indexOf('\n', start);
      return [start, newline === -1 ? text.length : newline + 1];
    });
}

type Candidate = LocatedFinding & { generic: boolean };

/** Findings with their offsets in `text`, in document order. */
export function scanLocated(text: string, options: ScanOptions = {}): LocatedFinding[] {
  const rules = options.rules ?? RULES;
  const file = options.path ?? '';
  const hits = matcherFor(rules).positions(text, WINDOW_CAP);
  const lines = new LineIndex(text);
  const allowedLines = new Map<number, boolean>();
  const lineAllowed = (line: number) => {
    let allowed = allowedLines.get(line);
    if (allowed === undefined) allowedLines.set(line, (allowed = INLINE_ALLOW.test(lines.lineText(line))));
    return allowed;
  };

  /** One regex match, at `base` in `text`, turned into a finding unless it is allowed. */
  const toFinding = (rule: SecretRule, match: RegExpExecArray, base: number): Candidate | undefined => {
    const located = secretOf(match);
    const secret = located.secret;
    const offset = located.offset + base;
    if (!accepted(rule, secret)) return undefined;
    const start = lines.position(offset);
    if (lineAllowed(start.line)) return undefined;
    const end = lines.position(offset + secret.length);
    const masked = match[0].replace(secret, maskSecret(secret));
    return {
      rule: rule.id,
      description: rule.description,
      file,
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      match: masked.length > 200 ? `${masked.slice(0, 197)}...` : masked,
      fingerprint: fingerprintOf(file, rule.id, secret),
      start: offset,
      end: offset + secret.length,
      generic: rule.generic === true,
    };
  };

  const found: Candidate[] = [];
  for (const rule of rules) {
    if (rule.keywords.length > 0 && !rule.keywords.some((keyword) => hits.has(keyword))) continue;
    if (file && rule.allowPaths?.some((p) => p.test(file))) continue;
    const windows = isLineLocal(rule) ? keywordLines(text, rule.keywords, hits) : undefined;
    for (const [windowStart, windowEnd] of windows ?? [[0, text.length] as [number, number]]) {
      const piece = windowStart === 0 && windowEnd === text.length ? text : text.slice(windowStart, windowEnd);
      rule.pattern.lastIndex = 0;
      for (let match = rule.pattern.exec(piece); match; match = rule.pattern.exec(piece)) {
        if (match[0].length === 0) {
          rule.pattern.lastIndex++;
          continue;
        }
        const finding = toFinding(rule, match, windowStart);
        if (finding) found.push(finding);
      }
    }
  }
  return dropShadowed(found).map(({ generic: _generic, ...finding }) => finding);
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
