/**
 * The completion pipeline's own cost, on a repository of 2,000+ files (the Python standard library
 * plus pip, read in place): with an instant engine, everything measured is pipeline overhead —
 * prefilter, cache, prompt assembly, post-processing, the secret guard and ranking. Goals: p95 ≤ 10 ms
 * on a miss, ≤ 1 ms on a cache hit. Then the same typing session end to end with the local engine.
 */
import { ContextSession } from '../src/context/session.js';
import { CompletionPipeline } from '../src/engine/complete/pipeline.js';
import type { CompletionInput, CompletionResult } from '../src/engine/complete/types.js';
import { LocalEngine } from '../src/engine/engines/local.js';
import type { Engine } from '../src/engine/types.js';
import { pythonStdlibRepo, seededRandom } from './corpus/python-stdlib.js';
import { printTable, type Measurement } from './harness.js';

const repo = pythonStdlibRepo(true);
if (!repo) {
  console.log('complete bench: python3 standard library not found; skipped');
  process.exit(0);
}

/** Answers at once with a plausible line, so the pipeline's stages are all that is measured. */
const instant: Engine = {
  info: () => ({ name: 'instant', fim: true, contextTokens: 8192, chat: false }),
  chat: () => {
    throw new Error('no chat');
  },
  async *complete() {
    yield { text: 'result = compute(value, options)', choice: 0, finishReason: 'stop' };
  },
};

let started = performance.now();
const session = await ContextSession.open({ root: repo.root, git: false, model: 'qwen2.5-coder-7b', files: repo });
const openMs = performance.now() - started;
const files = [...session.repo.files].filter((f) => !f.startsWith('test/'));
const random = seededRandom(11);

function randomPoint(): CompletionInput {
  for (;;) {
    const path = files[Math.floor(random() * files.length)]!;
    const text = session.repo.read(path);
    if (!text || text.length < 400) continue;
    // Cursor at the end of a line: where suggestions are asked for while typing.
    const lineEnd = text.indexOf('\n', Math.floor(random() * (text.length - 1)));
    if (lineEnd <= 0) continue;
    return { path, text, offset: lineEnd, trigger: 'invoked' };
  }
}

function typed(point: CompletionInput, chars: string): CompletionInput {
  return { ...point, text: point.text.slice(0, point.offset) + chars + point.text.slice(point.offset), offset: point.offset + chars.length };
}

async function timed(pipeline: CompletionPipeline, input: CompletionInput, samples: number[]): Promise<CompletionResult> {
  const t = performance.now();
  const result = await pipeline.complete(input);
  samples.push(performance.now() - t);
  return result;
}

/**
 * At each point: the file is opened (one request there, as an editor does on focus, measured
 * separately), then three keystrokes, a repeat (memory hit) and typing into a suggestion.
 */
async function typingSession(pipeline: CompletionPipeline, points: CompletionInput[]) {
  const opened: number[] = [];
  const miss: number[] = [];
  const hit: number[] = [];
  const through: number[] = [];
  const stages = new Map<string, number[]>();
  let served = 0;
  for (const point of points) {
    await timed(pipeline, point, opened);
    for (const chars of ['\n', '\n    r', '\n    re']) {
      const result = await timed(pipeline, typed(point, chars), miss);
      if (result.items.length > 0) served++;
      for (const [stage, ms] of Object.entries(result.latency)) (stages.get(stage) ?? stages.set(stage, []).get(stage)!).push(ms);
    }
    await timed(pipeline, typed(point, '\n    re'), hit);
    const first = await pipeline.complete(typed(point, '\n    '));
    const next = first.items[0]?.text.slice(0, 2);
    if (next && first.items[0]!.text.length > 2) await timed(pipeline, typed(point, `\n    ${next}`), through);
  }
  return { opened, miss, hit, through, stages, served };
}

// Warm-up: grammars, definition index, JIT.
const warm = new CompletionPipeline({ engine: instant, context: async () => session, modelId: 'warm', deadlineMs: 1000 });
for (let i = 0; i < 40; i++) await warm.complete(randomPoint());

const points = Array.from({ length: 150 }, randomPoint);
const overhead = await typingSession(new CompletionPipeline({ engine: instant, context: async () => session, modelId: 'instant', deadlineMs: 1000 }), points);
printTable(`pipeline overhead with an instant engine (${session.repo.files.size} files, context session ${openMs.toFixed(0)} ms; goals: miss p95 ≤ 10 ms, hit ≤ 1 ms)`, [
  { name: 'first request in a file just opened', samples: overhead.opened },
  { name: 'miss: full pipeline per keystroke', samples: overhead.miss },
  { name: 'cache hit (memory)', samples: overhead.hit },
  { name: 'type-through', samples: overhead.through },
  ...[...overhead.stages].map(([stage, samples]): Measurement => ({ name: `  stage ${stage}`, samples })),
]);

started = performance.now();
const local = LocalEngine.fromFiles(files.map((path) => ({ path, text: session.repo.read(path) ?? '' })));
await local.ready?.();
const buildMs = performance.now() - started;
const localRun = await typingSession(new CompletionPipeline({ engine: local, context: async () => session, modelId: 'local', deadlineMs: 1000 }), points);
printTable(`end to end with the local engine (built from ${files.length} files (tests left out) in ${buildMs.toFixed(0)} ms; ${localRun.served}/${localRun.miss.length} keystrokes got a suggestion)`, [
  { name: 'first request in a file just opened', samples: localRun.opened },
  { name: 'miss: pipeline + local engine', samples: localRun.miss },
  { name: 'cache hit (memory)', samples: localRun.hit },
  ...[...localRun.stages].map(([stage, samples]): Measurement => ({ name: `  stage ${stage}`, samples })),
]);
