/** SSE parsing throughput: every streamed token of every completion goes through it. */
import { SseParser } from '../src/engine/http/sse.js';
import { measure, printTable } from './harness.js';

function makeStream(events: number): string {
  let text = '';
  for (let i = 0; i < events; i++) {
    const chunk = { id: 'cmpl-1', object: 'text_completion', created: 1, model: 'qwen2.5-coder-7b', choices: [{ index: 0, text: `tok${i} `, logprobs: null, finish_reason: null }] };
    text += `data: ${JSON.stringify(chunk)}\n\n`;
  }
  return `${text}data: [DONE]\n\n`;
}

const stream = makeStream(10_000);
const megabytes = Buffer.byteLength(stream) / 1048576;

function parseInPieces(size: number): number {
  const parser = new SseParser();
  let events = 0;
  for (let at = 0; at < stream.length; at += size) events += parser.feed(stream.slice(at, at + size)).length;
  events += parser.end().length;
  if (events !== 10_001) throw new Error(`expected 10001 events, got ${events}`);
  return events;
}

const rows = [];
for (const size of [64, 1024, 16384]) {
  const row = await measure(`10k events, ${size} B pieces`, 20, () => parseInPieces(size));
  const median = [...row.samples].sort((a, b) => a - b)[Math.floor(row.samples.length / 2)]!;
  row.extra = { 'MB/s': (megabytes / (median / 1000)).toFixed(0), 'µs/event': ((median * 1000) / 10_001).toFixed(2) };
  rows.push(row);
}
printTable(`SSE parser (${megabytes.toFixed(1)} MB stream)`, rows);
