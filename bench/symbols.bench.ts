/**
 * Symbol extraction, skeletons and nearby references on the largest fixture of each language.
 * referencesNear runs on every keystroke, so its p95 is the figure to watch (goal: a few ms).
 */
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { languageForPath } from '../src/context/languages.js';
import { skeleton } from '../src/context/skeleton.js';
import { extractSymbols, referencesNear } from '../src/context/symbols.js';
import { measure, printTable, type Measurement } from './harness.js';

const root = fileURLToPath(new URL('../fixtures/languages/', import.meta.url));
const runs = Number(process.env.BENCH_RUNS ?? 50);

const rows: Measurement[] = [];
for (const directory of readdirSync(root).sort()) {
  const files = readdirSync(`${root}${directory}`).map((name) => `${root}${directory}/${name}`);
  const largest = files.sort((a, b) => statSync(b).size - statSync(a).size)[0]!;
  const language = languageForPath(largest)!;
  const text = readFileSync(largest, 'utf8');
  // A cursor two thirds of the way down, where a completion would usually be asked for.
  const offset = text.split('\n').slice(0, Math.floor((text.split('\n').length * 2) / 3)).join('\n').length;
  const label = `${language} (${text.split('\n').length} lines)`;
  const symbols = await measure(`${label} extractSymbols`, runs, () => extractSymbols(language, text));
  symbols.extra = { symbols: String((await extractSymbols(language, text)).length) };
  rows.push(symbols);
  const shape = await measure(`${label} skeleton`, runs, () => skeleton(language, text));
  shape.extra = { ratio: (await skeleton(language, text)).ratio.toFixed(2) };
  rows.push(shape);
  const references = await measure(`${label} referencesNear`, runs, () => referencesNear(language, text, offset));
  references.extra = { refs: String((await referencesNear(language, text, offset)).length) };
  rows.push(references);
}
printTable(`symbols (largest fixture per language, ${runs} runs each)`, rows);

// Past 1,000 lines referencesNear parses only around its window; the whole-file passes do not.
const python = readFileSync(`${root}python/inventory.py`, 'utf8');
const long = python.repeat(Math.ceil(3_000 / python.split('\n').length));
const cursor = Math.floor(long.length * 0.66);
const longLabel = `python (${long.split('\n').length - 1} lines)`;
printTable(`symbols on a long file (${runs} runs each)`, [
  await measure(`${longLabel} referencesNear`, runs, () => referencesNear('python', long, cursor)),
  await measure(`${longLabel} extractSymbols`, Math.ceil(runs / 5), () => extractSymbols('python', long)),
  await measure(`${longLabel} skeleton`, Math.ceil(runs / 5), () => skeleton('python', long)),
]);
