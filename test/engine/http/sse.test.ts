import { describe, expect, it } from 'vitest';
import { SseParser, type SseEvent } from '../../../src/engine/http/sse.js';

function parseInPieces(text: string, pieces: number[]): SseEvent[] {
  const parser = new SseParser();
  const events: SseEvent[] = [];
  let at = 0;
  for (const size of pieces) {
    events.push(...parser.feed(text.slice(at, at + size)));
    at += size;
  }
  events.push(...parser.feed(text.slice(at)));
  events.push(...parser.end());
  return events;
}

const STREAM = 'data: {"a":1}\n\n: keep-alive\n\nevent: ping\ndata: x\n\ndata: line one\ndata: line two\n\ndata: [DONE]\n\n';
const EXPECTED: SseEvent[] = [
  { event: 'message', data: '{"a":1}' },
  { event: 'ping', data: 'x' },
  { event: 'message', data: 'line one\nline two' },
  { event: 'message', data: '[DONE]' },
];

describe('SseParser', () => {
  it('parses events, comments, named events and multi-line data', () => {
    expect(parseInPieces(STREAM, [])).toEqual(EXPECTED);
  });

  it('gives the same events however the stream is split', () => {
    for (let cut = 1; cut < STREAM.length; cut++) {
      expect(parseInPieces(STREAM, [cut])).toEqual(EXPECTED);
    }
    expect(parseInPieces(STREAM, Array(STREAM.length).fill(1))).toEqual(EXPECTED);
  });

  it('accepts CRLF and lone CR line endings, including CRLF split across chunks', () => {
    const crlf = STREAM.replace(/\n/g, '\r\n');
    const cr = STREAM.replace(/\n/g, '\r');
    for (let cut = 1; cut < crlf.length; cut++) expect(parseInPieces(crlf, [cut])).toEqual(EXPECTED);
    expect(parseInPieces(cr, [])).toEqual(EXPECTED);
    expect(parseInPieces(crlf, Array(crlf.length).fill(1))).toEqual(EXPECTED);
  });

  it('keeps the value after the single space following the colon, and handles lines without a colon', () => {
    const events = parseInPieces('data:no-space\ndata:  two-spaces\ndata\n\n', []);
    expect(events).toEqual([{ event: 'message', data: 'no-space\n two-spaces\n' }]);
  });

  it('ignores events without data and unknown fields, and records ids', () => {
    const events = parseInPieces('event: lonely\n\nretry: 10\nfoo: bar\nid: 7\ndata: y\n\n', []);
    expect(events).toEqual([{ event: 'message', data: 'y', id: '7' }]);
  });

  it('strips a byte order mark at the start only', () => {
    expect(parseInPieces('\ufeffdata: z\n\n', [1])).toEqual([{ event: 'message', data: 'z' }]);
  });

  it('delivers a final event whose blank line never came', () => {
    expect(parseInPieces('data: {"last":true}\ndata: [DONE]', [])).toEqual([{ event: 'message', data: '{"last":true}\n[DONE]' }]);
    expect(parseInPieces('data: [DONE]\n', [])).toEqual([{ event: 'message', data: '[DONE]' }]);
  });
});
