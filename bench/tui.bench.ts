/**
 * Chat TUI rendering while a model streams 1,000 tokens/s: frames rendered per second, time per
 * frame, bytes written to the terminal per second, CPU used, and a check that no frame clears the
 * whole screen. Renders the real app into a fake terminal of a fixed size.
 */
import { printTable, type Measurement } from './harness.js';
import { renderChat } from '../src/tui/render.js';
import type { ChatEvent } from '../src/tui/controller.js';
import { FakeController, sampleTokens } from '../test/tui/fake-controller.js';
import { asStreams, FakeTerminalInput, FakeTerminalOutput } from '../test/tui/fake-terminal.js';
import { FULL_SCREEN_CLEARS } from '../test/tui/support.js';

const TOKENS_PER_SECOND = 1000;
const SECONDS = 3;
const TICK_MS = 5;

const sleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/** Emits tokens on a wall-clock schedule, so the rate holds even when timers fire late. */
async function* paced(tokens: string[], signal: AbortSignal): AsyncGenerator<ChatEvent> {
  const started = performance.now();
  let sent = 0;
  while (sent < tokens.length && !signal.aborted) {
    await sleep(TICK_MS);
    const due = Math.min(tokens.length, Math.floor(((performance.now() - started) / 1000) * TOKENS_PER_SECOND));
    if (due > sent) yield { type: 'delta', text: tokens.slice(sent, due).join('') };
    sent = due;
  }
  yield { type: 'done', usage: { promptTokens: 100, completionTokens: tokens.length } };
}

async function waitUntil(condition: () => boolean): Promise<void> {
  while (!condition()) await sleep(5);
}

async function scenario(columns: number, rows: number): Promise<Measurement> {
  const tokens = sampleTokens(TOKENS_PER_SECOND * SECONDS);
  let streaming = false;
  let finished = false;
  const renderTimes: number[] = [];
  const controller = new FakeController({
    reply: async function* (_text, _fake, signal) {
      streaming = true;
      yield* paced(tokens, signal);
      finished = true;
    },
  });
  const output = new FakeTerminalOutput(columns, rows);
  const input = new FakeTerminalInput();
  const exitCode = renderChat(controller, {
    ...asStreams(output, input),
    color: true,
    onRender: ({ renderTime }) => {
      if (streaming && !finished) renderTimes.push(renderTime);
    },
  });
  await sleep(50);
  input.type('stream please');
  await sleep(20);
  const bytesBefore = output.bytes;
  const cpuBefore = process.cpuUsage();
  const started = performance.now();
  input.type('\r');
  await waitUntil(() => finished);
  const elapsedSeconds = (performance.now() - started) / 1000;
  const cpu = process.cpuUsage(cpuBefore);
  const bytes = output.bytes - bytesBefore;
  await sleep(50);
  input.type('\u0003');
  await exitCode;

  const clears = FULL_SCREEN_CLEARS.filter((sequence) => output.output.includes(sequence));
  const mean = renderTimes.reduce((sum, t) => sum + t, 0) / Math.max(1, renderTimes.length);
  return {
    name: `${columns}x${rows}`,
    samples: renderTimes,
    extra: {
      'renders/s': (renderTimes.length / elapsedSeconds).toFixed(1),
      'mean ms': mean.toFixed(3),
      'KB written/s': (bytes / 1024 / elapsedSeconds).toFixed(1),
      'cpu ms/s': ((cpu.user + cpu.system) / 1000 / elapsedSeconds).toFixed(0),
      'full clears': clears.length === 0 ? 'none' : clears.map((c) => JSON.stringify(c)).join(' '),
    },
  };
}

const rows: Measurement[] = [];
for (const [columns, height] of [
  [80, 24],
  [200, 50],
] as const) {
  rows.push(await scenario(columns, height));
}
printTable(`tui: streaming ${TOKENS_PER_SECOND} tokens/s for ${SECONDS}s (per rendered frame)`, rows);
if (rows.some((row) => row.extra?.['full clears'] !== 'none')) {
  console.error('a full-screen clear sequence was written');
  process.exitCode = 1;
}
