/**
 * Baselines: the fingerprints of findings a team has accepted (old, revoked or false), so that a
 * scan reports only new ones. Our own file is `{ "version": 1, "fingerprints": [...] }`; a JSON
 * findings report (ours with `fingerprint`, or gitleaks' with `Fingerprint`) is accepted too, so a
 * saved report can serve as a baseline without conversion.
 */
import { randomBytes } from 'node:crypto';
import { closeSync, fsyncSync, mkdirSync, openSync, readFileSync, renameSync, rmSync, writeSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import type { Finding } from './types.js';

export const BASELINE_VERSION = 1;

export interface BaselineFile {
  version: typeof BASELINE_VERSION;
  fingerprints: string[];
}

function fail(path: string, problem: string, cause?: unknown): never {
  throw new Error(`baseline ${path}: ${problem}`, cause === undefined ? undefined : { cause });
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

function fromFindings(path: string, entries: unknown[]): Set<string> {
  const out = new Set<string>();
  entries.forEach((entry, index) => {
    const fingerprint = isRecord(entry) ? (entry.fingerprint ?? entry.Fingerprint) : undefined;
    if (typeof fingerprint !== 'string' || fingerprint === '') {
      fail(path, `finding ${index} has no "fingerprint" (or gitleaks "Fingerprint") string`);
    }
    out.add(fingerprint);
  });
  return out;
}

function fromBaselineObject(path: string, data: Record<string, unknown>): Set<string> {
  if (data.version !== BASELINE_VERSION) {
    fail(path, `unsupported version ${JSON.stringify(data.version)} (expected ${BASELINE_VERSION})`);
  }
  if (!Array.isArray(data.fingerprints)) fail(path, '"fingerprints" must be an array of strings');
  const out = new Set<string>();
  data.fingerprints.forEach((fingerprint: unknown, index: number) => {
    if (typeof fingerprint !== 'string' || fingerprint === '') fail(path, `fingerprints[${index}] is not a non-empty string`);
    out.add(fingerprint);
  });
  return out;
}

/** Throws an Error naming the file when it cannot be read, is not JSON, or has another shape. */
export function readBaseline(path: string): Set<string> {
  let text: string;
  try {
    text = readFileSync(path, 'utf8');
  } catch (error) {
    fail(path, `cannot read: ${(error as Error).message}`, error);
  }
  let data: unknown;
  try {
    // Editors on Windows like to save JSON with a byte-order mark, which JSON.parse rejects.
    data = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (error) {
    fail(path, `not valid JSON: ${(error as Error).message}`, error);
  }
  if (Array.isArray(data)) return fromFindings(path, data);
  if (isRecord(data) && ('fingerprints' in data || 'version' in data)) return fromBaselineObject(path, data);
  return fail(
    path,
    'expected { "version": 1, "fingerprints": [...] } or a JSON array of findings with "fingerprint" or "Fingerprint"',
  );
}

export function baselineOf(findings: readonly Finding[]): BaselineFile {
  const fingerprints = [...new Set(findings.map((f) => f.fingerprint))].sort();
  return { version: BASELINE_VERSION, fingerprints };
}

/**
 * Written to a temporary file beside the target and renamed over it: a crash or a full disk
 * mid-write leaves the old baseline intact instead of a truncated one that would fail every scan.
 */
export function writeBaseline(path: string, findings: Finding[]): void {
  const dir = dirname(path);
  mkdirSync(dir, { recursive: true });
  const temp = join(dir, `.${basename(path)}.${process.pid}.${randomBytes(6).toString('hex')}.tmp`);
  const body = `${JSON.stringify(baselineOf(findings), null, 2)}\n`;
  let fd: number | undefined;
  try {
    fd = openSync(temp, 'wx', 0o644);
    writeSync(fd, body);
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, path);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    rmSync(temp, { force: true });
    throw new Error(`baseline ${path}: cannot write: ${(error as Error).message}`, { cause: error });
  }
}

/** The findings whose fingerprints are not in the baseline, in their original order. */
export function applyBaseline(findings: Finding[], baseline: ReadonlySet<string>): Finding[] {
  if (baseline.size === 0) return findings;
  return findings.filter((finding) => !baseline.has(finding.fingerprint));
}
