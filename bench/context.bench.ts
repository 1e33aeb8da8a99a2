/**
 * Context assembly latency on a repository of 2,000+ files (the Python standard library plus pip), warm:
 * grammars loaded and the definition index built, then assembly at points the process has not
 * seen before. Goal: p95 ≤ 10 ms.
 */
import { estimateCounter } from '../src/context/budget.js';
import { ContextAssembler } from '../src/context/assemble.js';
import { DefinitionFinder } from '../src/context/definitions.js';
import { fimTemplateFor } from '../src/context/fim.js';
import { pythonStdlibRepo, seededRandom } from './corpus/python-stdlib.js';
import { printTable, type Measurement } from './harness.js';

const repo = pythonStdlibRepo(true);
if (!repo) {
  console.log('context bench: python3 standard library not found; skipped');
  process.exit(0);
}
const files = [...repo.files].filter((f) => !f.startsWith('test/'));
const random = seededRandom(7);
const template = fimTemplateFor('Qwen/Qwen2.5-Coder-7B');
const counter = estimateCounter();

let started = performance.now();
const finder = DefinitionFinder.forRepo(repo);
const indexMs = performance.now() - started;
const assembler = new ContextAssembler(finder);

function randomPoint(): { path: string; text: string; offset: number } {
  for (;;) {
    const path = files[Math.floor(random() * files.length)]!;
    const text = repo!.read(path);
    if (!text || text.length < 200) continue;
    return { path, text, offset: Math.floor(random() * text.length) };
  }
}

async function timeAssemble(point: { path: string; text: string; offset: number }): Promise<number> {
  const t = performance.now();
  await assembler.assemble({ ...point, budgetTokens: 2048, template, counter, repoName: 'cpython' });
  return performance.now() - t;
}

// Warm-up: grammar compilation and JIT, on points we will not measure.
started = performance.now();
for (let i = 0; i < 40; i++) await timeAssemble(randomPoint());
const warmupMs = performance.now() - started;

// Each point is a file the process has not seen; then three keystrokes there, as a user types.
const fresh: number[] = [];
const keystrokes: number[] = [];
const points = Array.from({ length: 300 }, randomPoint);
for (const point of points) {
  fresh.push(await timeAssemble(point));
  for (let typed = 1; typed <= 3; typed++) {
    const text = point.text.slice(0, point.offset) + 'x'.repeat(typed) + point.text.slice(point.offset);
    keystrokes.push(await timeAssemble({ path: point.path, text, offset: point.offset + typed }));
  }
}

const rows: Measurement[] = [
  { name: 'assemble, unseen file and point', samples: fresh },
  { name: 'assemble, next keystroke', samples: keystrokes },
];
printTable(`context assembly (${repo.files.size} files, index ${indexMs.toFixed(0)} ms, warm-up ${warmupMs.toFixed(0)} ms; goal p95 ≤ 10 ms)`, rows);
