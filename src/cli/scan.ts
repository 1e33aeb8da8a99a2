/**
 * `inline scan`: find secrets in the working tree, the staged or unstaged changes, git history
 * or standard input. Exit status 0 when clean, 1 with findings, 2 on a usage or I/O error.
 *
 * `--staged` runs in the pre-commit hook on every commit, so this module imports only the scanner
 * and git sources up front; report formats, baselines and the file walker load when used.
 */
import { resolve } from 'node:path';
import { history, stagedChanges, stdinText, unstagedChanges, workingTree, type ScanSource } from '../secrets/git.js';
import { scanText } from '../secrets/scan.js';
import type { Finding } from '../secrets/types.js';
import type { CommandContext } from './command-context.js';
import { UsageError } from './usage-error.js';

export type ScanFormat = 'text' | 'json' | 'sarif';

export type ScanMode =
  | { kind: 'tree'; paths: string[] }
  | { kind: 'staged' }
  | { kind: 'diff' }
  | { kind: 'git'; range?: string; all: boolean }
  | { kind: 'stdin' };

export interface ScanRequest {
  mode: ScanMode;
  format: ScanFormat;
  baseline?: string;
  writeBaseline?: string;
  /** Print nothing when clean: a pre-commit hook should not chatter on every commit. */
  quietWhenClean?: boolean;
}

interface ScanCommandOptions {
  staged?: boolean;
  diff?: boolean;
  git?: boolean | string;
  all?: boolean;
  stdin?: boolean;
  format?: string;
  baseline?: string;
  writeBaseline?: string;
}

const FORMATS: readonly ScanFormat[] = ['text', 'json', 'sarif'];

/** Turns the parsed flags into one request, rejecting combinations that would silently ignore a flag. */
export function parseScanRequest(args: readonly string[], options: Record<string, unknown>, json = false): ScanRequest {
  const opts = options as ScanCommandOptions;
  const chosen = [
    opts.staged ? '--staged' : undefined,
    opts.diff ? '--diff' : undefined,
    opts.git !== undefined && opts.git !== false ? '--git' : undefined,
    opts.stdin ? '--stdin' : undefined,
  ].filter((flag): flag is string => flag !== undefined);
  if (chosen.length > 1) throw new UsageError(`${chosen.join(' and ')} cannot be combined: choose one thing to scan`);
  if (opts.all && (opts.staged || opts.diff || opts.stdin)) throw new UsageError(`--all goes with --git, not ${chosen[0]}`);
  if (chosen.length > 0 && args.length > 0) {
    throw new UsageError(`paths (${args.join(' ')}) only apply to a working-tree scan, not ${chosen[0]}`);
  }
  const format = (opts.format ?? (json ? 'json' : 'text')) as ScanFormat;
  if (!FORMATS.includes(format)) throw new UsageError(`--format must be one of ${FORMATS.join(', ')}, got "${opts.format}"`);
  if (opts.baseline !== undefined && opts.baseline.trim() === '') throw new UsageError('--baseline needs a file');
  if (opts.writeBaseline !== undefined && opts.writeBaseline.trim() === '') throw new UsageError('--write-baseline needs a file');

  let mode: ScanMode;
  if (opts.staged) mode = { kind: 'staged' };
  else if (opts.diff) mode = { kind: 'diff' };
  else if (opts.stdin) mode = { kind: 'stdin' };
  else if ((opts.git !== undefined && opts.git !== false) || opts.all) {
    const range = typeof opts.git === 'string' ? opts.git : undefined;
    if (range !== undefined && opts.all) throw new UsageError(`--all scans every ref; it cannot be combined with the range "${range}"`);
    mode = { kind: 'git', range, all: opts.all === true };
  } else mode = { kind: 'tree', paths: [...args] };
  return { mode, format, baseline: opts.baseline, writeBaseline: opts.writeBaseline };
}

function sourcesFor(context: CommandContext, mode: ScanMode): AsyncIterable<ScanSource> {
  if (mode.kind === 'stdin') return stdinText();
  const { root, git } = context.root();
  if (mode.kind === 'tree') return workingTree(root, git, mode.paths.map((path) => resolve(context.cwd, path)));
  const flag = mode.kind === 'git' ? '--git' : `--${mode.kind}`;
  if (!git) throw new UsageError(`${flag} needs a git repository, and ${root} is not one (use --root to point at one)`);
  if (mode.kind === 'staged') return stagedChanges(root);
  if (mode.kind === 'diff') return unstagedChanges(root);
  return history(root, { range: mode.range, all: mode.all });
}

/** A finding from scanned text, placed at its real line and tagged with its commit. */
function place(finding: Finding, source: ScanSource): Finding {
  const placed: Finding = { ...finding };
  if (source.lineOffset) {
    placed.line = source.lineOffset(finding.line);
    placed.endLine = source.lineOffset(finding.endLine);
  }
  if (source.commit !== undefined) placed.commit = source.commit;
  if (source.author !== undefined) placed.author = source.author;
  if (source.date !== undefined) placed.date = source.date;
  return placed;
}

export async function collectFindings(sources: AsyncIterable<ScanSource>): Promise<Finding[]> {
  const findings: Finding[] = [];
  for await (const source of sources) {
    for (const finding of scanText(source.text, { path: source.path })) findings.push(place(finding, source));
  }
  return findings;
}

async function render(context: CommandContext, findings: Finding[], format: ScanFormat): Promise<string> {
  if (format === 'json') return (await import('../secrets/report/json.js')).renderJson(findings);
  if (format === 'sarif') {
    const [{ renderSarif }, { RULES }, { readVersion }] = await Promise.all([
      import('../secrets/report/sarif.js'),
      import('../secrets/rules/index.js'),
      import('./version.js'),
    ]);
    const srcRoot = context.root().root;
    return renderSarif(findings, RULES, readVersion(), { srcRoot });
  }
  return (await import('../secrets/report/text.js')).renderText(findings, context.output.style);
}

/** Runs a scan and prints its report; returns the exit code. */
export async function executeScan(context: CommandContext, request: ScanRequest): Promise<{ exitCode: number; findings: Finding[] }> {
  const findings = await collectFindings(sourcesFor(context, request.mode));
  if (request.writeBaseline !== undefined) {
    const file = resolve(context.cwd, request.writeBaseline);
    const { writeBaseline } = await import('../secrets/baseline.js');
    try {
      writeBaseline(file, findings);
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    const count = new Set(findings.map((f) => f.fingerprint)).size;
    context.output.err(`wrote ${count} fingerprint${count === 1 ? '' : 's'} to ${request.writeBaseline}`);
    return { exitCode: 0, findings };
  }
  let reported = findings;
  if (request.baseline !== undefined) {
    const { applyBaseline, readBaseline } = await import('../secrets/baseline.js');
    let known: Set<string>;
    try {
      known = readBaseline(resolve(context.cwd, request.baseline));
    } catch (err) {
      throw new UsageError((err as Error).message);
    }
    reported = applyBaseline(findings, known);
  }
  if (reported.length > 0 || !request.quietWhenClean) context.output.out(await render(context, reported, request.format));
  return { exitCode: reported.length > 0 ? 1 : 0, findings: reported };
}

export async function run(context: CommandContext, args: string[], options: Record<string, unknown>): Promise<number> {
  const request = parseScanRequest(args, options, context.options.json === true);
  return (await executeScan(context, request)).exitCode;
}
