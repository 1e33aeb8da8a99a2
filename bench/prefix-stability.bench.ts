/**
 * Prefix stability: replay typing a 40-line function character by character and measure, for
 * each keystroke, the share of the prompt that is a prefix of the next one (what a server's KV
 * prefix cache can reuse). Goal: ≥ 90% on average.
 */
import { estimateCounter } from '../src/context/budget.js';
import { ContextAssembler } from '../src/context/assemble.js';
import { DefinitionFinder } from '../src/context/definitions.js';
import { fimTemplateFor } from '../src/context/fim.js';
import { lineStarts } from '../src/context/window.js';
import { pythonStdlibRepo } from './corpus/python-stdlib.js';

const repo = pythonStdlibRepo();
if (!repo) {
  console.log('prefix stability bench: python3 standard library not found; skipped');
  process.exit(0);
}

/** Finds a top-level function of about 40 lines in a file with imports from its own package. */
function pickFunction(path: string): { before: string; body: string; after: string } {
  const text = repo!.read(path)!;
  const starts = lineStarts(text);
  const defs = [...text.matchAll(/^def \w+\(/gm)].map((m) => m.index!);
  for (const start of defs) {
    const startLine = starts.findIndex((s) => s === start);
    const endLine = startLine + 40;
    if (endLine >= starts.length) continue;
    return { before: text.slice(0, start), body: text.slice(start, starts[endLine]!), after: text.slice(starts[endLine]!) };
  }
  throw new Error(`no 40-line function in ${path}`);
}

function sharedPrefix(a: string, b: string): number {
  const n = Math.min(a.length, b.length);
  let i = 0;
  while (i < n && a.charCodeAt(i) === b.charCodeAt(i)) i++;
  return i;
}

const cases = ['email/_header_value_parser.py', 'json/decoder.py', 'urllib/request.py'];
for (const [name, templateModel] of [['qwen-coder', 'Qwen/Qwen2.5-Coder-7B'], ['starcoder', 'bigcode/starcoder2-7b'], ['codestral', 'codestral-latest']] as const) {
  const template = fimTemplateFor(templateModel);
  const counter = estimateCounter();
  const rows: string[] = [];
  let total = 0;
  let count = 0;
  for (const path of cases) {
    if (!repo.files.has(path)) continue;
    const assembler = new ContextAssembler(DefinitionFinder.forRepo(repo));
    const { before, body, after } = pickFunction(path);
    let previous: string | undefined;
    let sum = 0;
    let steps = 0;
    for (let i = 0; i <= body.length; i++) {
      const text = before + body.slice(0, i) + after;
      const { prompt } = await assembler.assemble({ path, text, offset: before.length + i, budgetTokens: 2048, template, counter, repoName: 'cpython' });
      if (previous !== undefined) {
        sum += sharedPrefix(previous, prompt) / previous.length;
        steps++;
      }
      previous = prompt;
    }
    rows.push(`  ${path.padEnd(32)} ${String(steps).padStart(5)} keystrokes  ${((sum / steps) * 100).toFixed(1).padStart(5)}% shared`);
    total += sum;
    count += steps;
  }
  console.log(`\nprefix stability, template ${name} (goal ≥ 90%): ${((total / count) * 100).toFixed(1)}% average over ${count} keystrokes`);
  for (const row of rows) console.log(row);
}
