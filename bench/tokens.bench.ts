/**
 * Token counting and FIM prompt building: both run on every keystroke of a completion, so the
 * estimate must stay far below a millisecond for 8 KB and the real tokenizers' cost must be known.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { estimateCounter, exactTokenizerFor, fitToTokens, tokenCounterFor } from '../src/context/budget.js';
import { fimTemplateFor, type FimInput } from '../src/context/fim.js';
import { measure, printTable, type Measurement } from './harness.js';

const modules = fileURLToPath(new URL('../node_modules/', import.meta.url));
const read = (file: string): string => fs.readFileSync(`${modules}${file}`, 'utf8');

const code = read('commander/lib/command.js').slice(0, 8192);
const large = read('typescript/lib/typescript.js').slice(0, 32_768);

function timed<T>(run: () => Promise<T>): Promise<[T, number]> {
  const started = performance.now();
  return run().then((value) => [value, performance.now() - started]);
}

const [, qwenLoad] = await timed(() => exactTokenizerFor('qwen2.5-coder:7b'));
const [, llamaLoad] = await timed(() => exactTokenizerFor('codellama/CodeLlama-7b-hf'));
const qwen = await tokenCounterFor('qwen2.5-coder:7b');
const llama = await tokenCounterFor('codellama/CodeLlama-7b-hf');

let keystroke = 0;
const typed = (): string => `${code}${String.fromCharCode(97 + (keystroke++ % 26)).repeat(1 + (keystroke % 7))}`;

function throughput(row: Measurement, size: number): Measurement {
  const median = [...row.samples].sort((a, b) => a - b)[Math.floor(row.samples.length / 2)]!;
  row.extra = { 'MB/s': (size / 1e6 / (median / 1000)).toFixed(1) };
  return row;
}

const counting: Measurement[] = [
  throughput(await measure('estimate:code, 8 KB', 2000, () => estimateCounter('code').count(code)), code.length),
  throughput(await measure('estimate:code-32k, 8 KB', 2000, () => estimateCounter('code-32k').count(code)), code.length),
  throughput(await measure('qwen2.5 exact, 8 KB, new text per keystroke', 50, () => qwen.count(typed())), code.length),
  throughput(await measure('qwen2.5 exact, 8 KB, same text (memo hit)', 2000, () => qwen.count(code)), code.length),
  throughput(await measure('codellama exact, 8 KB, new text per keystroke', 30, () => llama.count(typed())), code.length),
  throughput(await measure('fitToTokens 32 KB to 2048 tokens, estimate', 300, () => fitToTokens(large, 2048, estimateCounter(), 'end')), large.length),
  throughput(await measure('fitToTokens 32 KB to 2048 tokens, qwen2.5 exact', 10, () => fitToTokens(`${typed()}${large}`, 2048, qwen, 'end')), large.length),
];
printTable(`Token counting (tokenizer load: qwen ${qwenLoad.toFixed(0)} ms, codellama ${llamaLoad.toFixed(0)} ms)`, counting);

const files = ['execa/lib/methods/main-async.js', 'ink/build/components/App.js', 'undici/lib/web/fetch/index.js', 'commander/lib/option.js'];
const input: FimInput = {
  prefix: code,
  suffix: read('commander/lib/help.js').slice(0, 2048),
  path: 'lib/command.js',
  repoName: 'commander',
  extraFiles: files.map((file) => ({ path: file, content: read(file).slice(0, 6144) })),
};
const bytes = input.prefix.length + input.suffix.length + input.extraFiles!.reduce((n, f) => n + f.content.length, 0);
printTable(
  `FIM build (${(bytes / 1024).toFixed(0)} KB of input: 8 KB prefix, 2 KB suffix, 4 extra files)`,
  await (async () => {
    const rows: Measurement[] = [];
    for (const model of ['Qwen/Qwen2.5-Coder-7B', 'bigcode/starcoder2-3b', 'deepseek-coder-6.7b-base', 'codellama/CodeLlama-7b-hf', 'codestral-latest', 'google/codegemma-2b']) {
      const template = fimTemplateFor(model);
      rows.push(await measure(template.id, 500, () => template.build(input)));
    }
    return rows;
  })(),
);
