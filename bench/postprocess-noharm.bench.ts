/**
 * Post-processing no-harm check and filter latency. The canonical middles of HumanEval-infilling
 * (SingleLine, MultiLine) and SAFIM (block, API) are fed through runPostprocess as if a model had
 * produced them; every set should come back ≥ 99% unchanged. The same middles with typical damage
 * added (the next line typed again, a run into a new function) show the filters repairing. Then
 * the latency of each filter
 * over those items, and of parse-worse on a 1,000-line file, warm (the document's tree kept, as
 * after context assembly) and cold (every parse from scratch).
 *
 * NOHARM_EXAMPLES=n prints n harmed items per set.
 */
import { clearTreeCache, withTree } from '../src/context/parse.js';
import { DEFAULT_FILTERS, runPostprocess } from '../src/engine/complete/postprocess/index.js';
import { parseWorse } from '../src/engine/complete/postprocess/parse-worse.js';
import type { PostprocessContext, PostprocessFilter } from '../src/engine/complete/postprocess/types.js';
import { checkNoHarm, contextFor, loadCases, NOHARM_SETS, type NoHarmCase } from '../test/engine/complete/postprocess/noharm.js';
import { EVAL_DATA } from '../test/support/eval-data.js';
import { measure, printTable, type Measurement } from './harness.js';

const GOAL = 0.99;
const examplesWanted = Number(process.env.NOHARM_EXAMPLES ?? 0);

/** Time per item across all filters; an item starts when the first filter runs. */
const perItem: number[] = [];

/** Wraps each filter so that its time per call is recorded under its name, and per item. */
function timed(filters: readonly PostprocessFilter[], samples: Map<string, number[]>): PostprocessFilter[] {
  return filters.map((filter, index) => ({
    name: filter.name,
    async apply(completion: string, context: PostprocessContext) {
      if (index === 0) perItem.push(0);
      const started = performance.now();
      const result = await filter.apply(completion, context);
      const elapsed = performance.now() - started;
      const list = samples.get(filter.name) ?? [];
      list.push(elapsed);
      samples.set(filter.name, list);
      perItem[perItem.length - 1]! += elapsed;
      return result;
    },
  }));
}

const samples = new Map<string, number[]>();
const filters = timed(DEFAULT_FILTERS, samples);
const rows: Array<Record<string, string>> = [];
let allCases: Array<NoHarmCase & { set: string }> = [];
let missing = 0;
for (const set of NOHARM_SETS) {
  const cases = loadCases(set);
  if (!cases) {
    missing++;
    console.log(`${set.name}: ${set.file} not found under ${EVAL_DATA}; skipped`);
    continue;
  }
  allCases = allCases.concat(cases.map((c) => ({ ...c, set: set.name })));
  const started = performance.now();
  const report = await checkNoHarm(cases, filters, examplesWanted);
  const seconds = (performance.now() - started) / 1000;
  const rate = report.unchanged / report.items;
  rows.push({
    set: set.name,
    items: String(report.items),
    unchanged: `${(rate * 100).toFixed(2)}%`,
    rejected: String(report.rejected),
    changed: String(report.changed),
    'by filter': [...report.byFilter].map(([name, count]) => `${name} ${count}`).join(', ') || '-',
    goal: rate >= GOAL ? 'met' : 'MISSED',
    seconds: seconds.toFixed(1),
  });
  for (const example of report.examples) {
    console.log(`\n--- ${set.name} ${example.id} (${example.changedBy.join(', ')})`);
    console.log(`middle: ${JSON.stringify(example.before)}`);
    console.log(`after:  ${JSON.stringify(example.after)}`);
  }
}
if (missing === NOHARM_SETS.length) process.exit(0);

printPlainTable('No-harm: canonical middles through runPostprocess (goal ≥ 99% unchanged per set)', rows);

// The other side: the same middles damaged the way models damage them, and how often the
// filters give the canonical middle back exactly.
const repairRows: Array<Record<string, string>> = [];
for (const set of NOHARM_SETS.filter((s) => s.name.includes('MultiLine') || s.name.includes('block'))) {
  const tally = new Map<string, { items: number; restored: number; rejected: number; untouched: number }>();
  for (const item of allCases.filter((c) => c.set === set.name)) {
    for (const damage of damaged(item)) {
      const entry = tally.get(damage.kind) ?? { items: 0, restored: 0, rejected: 0, untouched: 0 };
      const result = await runPostprocess(damage.completion, contextFor(item));
      entry.items++;
      // A blank line more or less after the code is not a difference in the code.
      if (result.text?.trimEnd() === item.middle.trimEnd()) entry.restored++;
      else if (result.text === undefined) entry.rejected++;
      else if (result.text === damage.completion) entry.untouched++;
      tally.set(damage.kind, entry);
    }
  }
  for (const [kind, entry] of tally) {
    repairRows.push({
      set: set.name,
      damage: kind,
      items: String(entry.items),
      restored: `${((entry.restored / entry.items) * 100).toFixed(1)}%`,
      rejected: String(entry.rejected),
      'left as is': String(entry.untouched),
    });
  }
}
printPlainTable('Repair: canonical middles with typical model damage added (restored = equal up to trailing whitespace)', repairRows);

printTable(
  'Filter latency per call over all no-harm items',
  [...samples].map(([name, list]): Measurement => ({ name, samples: list })),
);
printTable('All filters per item', [{ name: 'runPostprocess filters', samples: perItem }]);

// parse-worse on a 1,000-line document: the longest programs of the SAFIM block set, repeated to size.
const longest = [...allCases].filter((c) => c.language === 'cpp').sort((a, b) => b.prefix.length + b.suffix.length - (a.prefix.length + a.suffix.length))[0];
if (longest) {
  const lines = (longest.prefix + longest.suffix).split('\n').length;
  const copies = Math.max(1, Math.ceil(1000 / lines));
  const head = `${longest.prefix}${longest.middle}${longest.suffix}\n`.repeat(Math.floor(copies / 2));
  const tail = `\n${longest.prefix}${longest.middle}${longest.suffix}`.repeat(copies - Math.floor(copies / 2) - 1);
  const context: PostprocessContext = { path: 'main.cpp', language: 'cpp', prefix: head + longest.prefix, suffix: longest.suffix + tail, multiline: true };
  const document = context.prefix + context.suffix;
  const size = document.split('\n').length;
  const broken = `${longest.middle} {{{`;
  // Warm: the document's own tree is kept, as after context assembly; only the filter is timed.
  const timedWarm = async (name: string, completion: string): Promise<Measurement> => {
    const warmSamples: number[] = [];
    for (let i = 0; i < 203; i++) {
      await withTree('cpp', document, () => undefined);
      const started = performance.now();
      await parseWorse.apply(completion, context);
      if (i >= 3) warmSamples.push(performance.now() - started);
    }
    return { name, samples: warmSamples };
  };
  const warm = await timedWarm('warm: document tree kept', longest.middle);
  const rejecting = await timedWarm('warm, completion rejected', broken);
  const cold = await measure('cold: every parse from scratch', 40, async () => {
    clearTreeCache();
    await parseWorse.apply(longest.middle, context);
  });
  console.log(`\nparse-worse rejects the broken completion: ${(await parseWorse.apply(broken, context)) === undefined}`);
  printTable(`parse-worse on a ${size}-line C++ file (${(document.length / 1024).toFixed(0)} KiB)`, [warm, rejecting, cold]);
}

/**
 * The middle with damage appended: the line after the cursor typed again, and (in Python, or
 * where the code after the cursor is the `}` closing the block) a run into a new function.
 */
function damaged(item: NoHarmCase): Array<{ kind: string; completion: string }> {
  const eol = item.prefix.includes('\r\n') ? '\r\n' : '\n';
  const suffixLines = item.suffix.split('\n').map((line) => line.replace(/\r$/, ''));
  const wholeLines = item.middle.endsWith('\n');
  if (!wholeLines && suffixLines[0]!.trim() !== '') return [];
  const next = (wholeLines ? suffixLines : suffixLines.slice(1)).find((line) => line.trim() !== '');
  const out: Array<{ kind: string; completion: string }> = [];
  if (next !== undefined) out.push({ kind: 'next line typed again', completion: wholeLines ? `${item.middle}${next}${eol}` : `${item.middle}${eol}${next}` });
  const lead = wholeLines ? '' : eol;
  if (item.language === 'python') {
    out.push({ kind: 'ran into a new function', completion: `${item.middle}${lead}${eol}${eol}def unrelated(x):${eol}    return x${eol}` });
  } else if (next?.trim() === '}') {
    out.push({ kind: 'ran into a new function', completion: `${item.middle}${lead}${next}${eol}${eol}int unrelated() {${eol}  return 0;${eol}}` });
  }
  return out;
}

function printPlainTable(title: string, table: Array<Record<string, string>>): void {
  const columns = Object.keys(table[0] ?? {});
  const widths = columns.map((c) => Math.max(c.length, ...table.map((row) => (row[c] ?? '').length)));
  const line = (cells: string[]) => cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i]!) : cell.padStart(widths[i]!))).join('  ');
  console.log(`\n${title}`);
  console.log(line(columns));
  console.log(line(widths.map((w) => '-'.repeat(w))));
  for (const row of table) console.log(line(columns.map((c) => row[c] ?? '')));
}

