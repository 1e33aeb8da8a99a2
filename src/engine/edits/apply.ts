/**
 * Plans an answer's edits against the files on disk without writing anything (per-block
 * results, the before/after text of each file and a diff preview), then applies a plan
 * atomically. Blocks apply in answer order, each to the file as the previous blocks left it.
 */
import { existsSync, readFileSync } from 'node:fs';
import { unifiedDiff } from './diff.js';
import { EditError } from './errors.js';
import { describeFailure, nearestLines } from './feedback.js';
import { blockLines, dominantEnding, joinFileLines, splitFileLines, type FileLines } from './lines.js';
import { findMatch } from './match.js';
import { parseSearchReplace } from './parse/search-replace.js';
import { parseUdiff } from './parse/udiff.js';
import { parseWhole } from './parse/whole.js';
import { resolveEditPath } from './paths.js';
import type { BlockFailure, BlockResult, EditBlock, EditFormat, EditPlan, FileChange, ParsedEdits } from './types.js';
import { writeAllOrNothing, type WriteHooks } from './write.js';

export function parseEdits(answer: string, format: EditFormat): ParsedEdits {
  switch (format) {
    case 'search-replace':
      return parseSearchReplace(answer);
    case 'whole':
      return parseWhole(answer);
    case 'udiff':
      return parseUdiff(answer);
  }
}

export interface PlanOptions {
  /** Repository root; every path is resolved inside it. */
  root: string;
  format: EditFormat;
}

interface WorkingFile {
  path: string;
  absolutePath: string;
  before: string | undefined;
  file: FileLines;
  ending: '\n' | '\r\n';
}

function load(path: string, absolutePath: string, exists: boolean): WorkingFile {
  const before = exists ? readFileSync(absolutePath, 'utf8') : undefined;
  const file = splitFileLines(before ?? '');
  return { path, absolutePath, before, file, ending: dominantEnding(file) };
}

function linesWithEnding(lines: string[], ending: string): FileLines {
  return { lines, endings: lines.map(() => ending) };
}

function replaceLines(working: WorkingFile, start: number, end: number, replacement: string[]): void {
  const { lines, endings } = working.file;
  const endedWithoutNewline = end === lines.length && end > 0 && endings[end - 1] === '';
  const newEndings = replacement.map(() => working.ending as string);
  if (endedWithoutNewline && newEndings.length > 0) newEndings[newEndings.length - 1] = '';
  lines.splice(start, end - start, ...replacement);
  endings.splice(start, end - start, ...newEndings);
}

function applyBlock(working: WorkingFile, block: EditBlock): BlockResult {
  const search = blockLines(block.search);
  const replace = blockLines(block.replace);
  const created = working.before === undefined && working.file.lines.length === 0;
  if (block.kind === 'whole') {
    working.file = linesWithEnding(replace, working.ending);
    return { block, ok: true, level: working.before === undefined ? 'create' : 'whole', line: 1 };
  }
  if (search.length === 0) {
    const { lines, endings } = working.file;
    if (lines.length > 0 && endings[endings.length - 1] === '') endings[endings.length - 1] = working.ending;
    const line = lines.length + 1;
    lines.push(...replace);
    endings.push(...replace.map(() => working.ending as string));
    return { block, ok: true, level: created ? 'create' : 'append', line };
  }
  if (created) {
    const failure = describeFailure({ kind: 'missing-file', path: block.path, reason: `${block.path} does not exist` });
    return { block, ok: false, failure };
  }
  const outcome = findMatch(working.file.lines, search, replace);
  if (outcome.ok) {
    replaceLines(working, outcome.start, outcome.end, outcome.replacement);
    return { block, ok: true, level: outcome.level, line: outcome.start + 1 };
  }
  const nearest = nearestLines(working.file.lines, search);
  const withNearest = nearest ? { nearest } : {};
  let failure: BlockFailure;
  if (outcome.kind === 'ambiguous') {
    const matchLines = outcome.starts.map((start) => start + 1);
    failure = describeFailure({ kind: 'ambiguous', path: block.path, reason: `the SEARCH text matches ${matchLines.length} places`, matchLines, ...withNearest });
  } else if (outcome.kind === 'placeholder') {
    failure = describeFailure({ kind: 'placeholder', path: block.path, reason: `the edit elides code with "${outcome.line.trim()}"`, ...withNearest });
  } else {
    failure = describeFailure({ kind: 'not-found', path: block.path, reason: `the SEARCH text is not in ${block.path}`, ...withNearest });
  }
  return { block, ok: false, failure };
}

/** Works out what an answer would change; reads files, writes nothing. */
export function planEdits(answer: string | ParsedEdits, options: PlanOptions): EditPlan {
  const parsed = typeof answer === 'string' ? parseEdits(answer, options.format) : answer;
  const failures: BlockFailure[] = parsed.problems.map((problem) =>
    describeFailure({
      kind: 'malformed',
      path: problem.path ?? '(no file named)',
      reason: `${problem.message} at line ${problem.answerLine} of the answer; expected ${problem.expected}`,
    }),
  );
  const results: BlockResult[] = [];
  const working = new Map<string, WorkingFile>();
  for (const block of parsed.blocks) {
    const resolved = resolveEditPath(options.root, block.path);
    if (!resolved.ok) {
      const failure = describeFailure({ kind: 'refused-path', path: block.path, reason: `${block.path} may not be edited: ${resolved.reason}` });
      results.push({ block, ok: false, failure });
      failures.push(failure);
      continue;
    }
    let file = working.get(resolved.path);
    if (!file) {
      file = load(resolved.path, resolved.absolutePath, resolved.exists);
      working.set(resolved.path, file);
    }
    const result = applyBlock(file, { ...block, path: resolved.path });
    results.push(result);
    if (!result.ok) failures.push(result.failure);
  }
  const files: FileChange[] = [];
  for (const file of working.values()) {
    const after = joinFileLines(file.file);
    if (after === file.before) continue;
    if (file.before === undefined && after === '' && !results.some((r) => r.ok && r.block.path === file.path)) continue;
    files.push({ path: file.path, absolutePath: file.absolutePath, before: file.before, after, diff: unifiedDiff(file.path, file.before, after) });
  }
  return { root: options.root, format: options.format, files, results, failures };
}

export interface AppliedEdits {
  /** Repository-relative paths that were written. */
  changed: string[];
}

/**
 * Writes a plan's files atomically, all or none. Refuses if any file changed since it was
 * planned, because the plan's text would overwrite that change.
 */
export function applyPlan(plan: EditPlan, hooks: WriteHooks = {}): AppliedEdits {
  const stale = plan.files.filter((change) => {
    const exists = existsSync(change.absolutePath);
    if (change.before === undefined) return exists;
    return !exists || readFileSync(change.absolutePath, 'utf8') !== change.before;
  });
  if (stale.length > 0) {
    const paths = stale.map((change) => change.path);
    throw new EditError('stale-plan', `${paths.join(', ')} changed after the edit was planned; plan it again.`, paths);
  }
  try {
    writeAllOrNothing(plan.files, hooks);
  } catch (error) {
    const paths = plan.files.map((change) => change.path);
    throw new EditError('write-failed', `Could not write the edit (${(error as Error).message}); no file was changed.`, paths, { cause: error });
  }
  return { changed: plan.files.map((change) => change.path) };
}
