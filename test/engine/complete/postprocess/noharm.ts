/**
 * The no-harm check: canonical middles of public fill-in-the-middle benchmarks are correct
 * completions, so post-processing should hand them back unchanged. Shared by the vitest guard
 * (a sample) and bench/postprocess-noharm.bench.ts (every record).
 */
import { existsSync, readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import type { LanguageId } from '../../../../src/context/languages.js';
import { runPostprocess, DEFAULT_FILTERS } from '../../../../src/engine/complete/postprocess/index.js';
import type { PostprocessContext, PostprocessFilter } from '../../../../src/engine/complete/postprocess/types.js';
import { evalDataFile } from '../../../support/eval-data.js';

export interface NoHarmSet {
  name: string;
  file: string;
  read: (record: Record<string, unknown>) => NoHarmCase | undefined;
}

export interface NoHarmCase {
  id: string;
  path: string;
  language: LanguageId;
  prefix: string;
  suffix: string;
  middle: string;
}

/** HumanEval-infilling: prompt is the prefix, canonical_solution the middle. */
function humanEval(record: Record<string, unknown>): NoHarmCase {
  return {
    id: String(record.task_id),
    path: 'solution.py',
    language: 'python',
    prefix: String(record.prompt),
    suffix: String(record.suffix),
    middle: String(record.canonical_solution),
  };
}

const SAFIM_LANGUAGES: Record<string, { language: LanguageId; path: string }> = {
  python: { language: 'python', path: 'main.py' },
  java: { language: 'java', path: 'Main.java' },
  cpp: { language: 'cpp', path: 'main.cpp' },
  csharp: { language: 'csharp', path: 'Program.cs' },
};

/** SAFIM: eval_prompt is the whole program with `{{completion}}` where ground_truth goes. */
function safim(record: Record<string, unknown>): NoHarmCase | undefined {
  const lang = SAFIM_LANGUAGES[String(record.lang)];
  const program = String(record.eval_prompt);
  const at = program.indexOf('{{completion}}');
  if (!lang || at === -1) return undefined;
  return {
    id: String(record.task_id),
    ...lang,
    prefix: program.slice(0, at),
    suffix: program.slice(at + '{{completion}}'.length),
    middle: String(record.ground_truth),
  };
}

export const NOHARM_SETS: readonly NoHarmSet[] = [
  { name: 'HumanEval SingleLine', file: 'humaneval-infilling/HumanEval-SingleLineInfilling.jsonl.gz', read: humanEval },
  { name: 'HumanEval MultiLine', file: 'humaneval-infilling/HumanEval-MultiLineInfilling.jsonl.gz', read: humanEval },
  { name: 'SAFIM block', file: 'safim/block_completion.jsonl.gz', read: safim },
  { name: 'SAFIM API', file: 'safim/api_completion.jsonl.gz', read: safim },
];

/** The set's cases, every `stride`-th record from the first; undefined when the data is absent. */
export function loadCases(set: NoHarmSet, stride = 1): NoHarmCase[] | undefined {
  const file = evalDataFile(set.file);
  if (!existsSync(file)) return undefined;
  const lines = gunzipSync(readFileSync(file)).toString('utf8').split('\n').filter((line) => line.trim() !== '');
  const cases: NoHarmCase[] = [];
  for (let i = 0; i < lines.length; i += stride) {
    const found = set.read(JSON.parse(lines[i]!) as Record<string, unknown>);
    if (found) cases.push(found);
  }
  return cases;
}

/**
 * The context a completion request at the middle would carry: multi-line when the middle spans
 * lines, that is, holds a line break (a whole line inserted at a line start ends with one).
 */
export function contextFor(item: NoHarmCase): PostprocessContext {
  const multiline = item.middle.includes('\n');
  return { path: item.path, language: item.language, prefix: item.prefix, suffix: item.suffix, multiline };
}

export interface NoHarmReport {
  items: number;
  unchanged: number;
  rejected: number;
  changed: number;
  /** Items each filter changed or rejected. */
  byFilter: Map<string, number>;
  /** A few harmed items, to show what went wrong. */
  examples: Array<{ id: string; changedBy: string[]; before: string; after: string | undefined }>;
}

export async function checkNoHarm(cases: readonly NoHarmCase[], filters: readonly PostprocessFilter[] = DEFAULT_FILTERS, maxExamples = 5): Promise<NoHarmReport> {
  const report: NoHarmReport = { items: 0, unchanged: 0, rejected: 0, changed: 0, byFilter: new Map(), examples: [] };
  for (const item of cases) {
    const result = await runPostprocess(item.middle, contextFor(item), filters);
    report.items++;
    if (result.text === item.middle) {
      report.unchanged++;
      continue;
    }
    if (result.text === undefined) report.rejected++;
    else report.changed++;
    for (const name of result.changedBy) report.byFilter.set(name, (report.byFilter.get(name) ?? 0) + 1);
    if (report.examples.length < maxExamples) report.examples.push({ id: item.id, changedBy: result.changedBy, before: item.middle, after: result.text });
  }
  return report;
}
