import { describe, expect, it } from 'vitest';
import { encodeFrame, FrameReader, MAX_BODY_BYTES, MAX_HEADER_BYTES, type FramingError } from '../../src/watch/framing.js';

function collect(limits?: { maxHeaderBytes?: number; maxBodyBytes?: number }) {
  const messages: string[] = [];
  const errors: FramingError[] = [];
  const reader = new FrameReader({ message: (body) => messages.push(body), error: (error) => errors.push(error) }, limits);
  return { reader, messages, errors, push: (data: string | Buffer) => reader.push(typeof data === 'string' ? Buffer.from(data, 'utf8') : data) };
}

const frame = (body: string): string => `Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`;

describe('FrameReader', () => {
  it('reads a frame split at every possible position, with a multi-byte body', () => {
    const body = '{"text":"héllo wörld 🚀 — ünïcode"}';
    const bytes = encodeFrame(body);
    for (let cut = 0; cut <= bytes.length; cut++) {
      const { push, messages, errors } = collect();
      push(bytes.subarray(0, cut));
      push(bytes.subarray(cut));
      expect(errors).toEqual([]);
      expect(messages).toEqual([body]);
    }
  });

  it('reads frames delivered one byte at a time and many frames in one chunk', () => {
    const bodies = ['{"a":1}', '"ü"', '{}', '[1,2,3]'];
    const stream = Buffer.concat(bodies.map((body) => encodeFrame(body)));
    const bytewise = collect();
    for (const byte of stream) bytewise.push(Buffer.from([byte]));
    expect(bytewise.messages).toEqual(bodies);
    const whole = collect();
    whole.push(Buffer.concat([stream, stream]));
    expect(whole.messages).toEqual([...bodies, ...bodies]);
  });

  it('counts Content-Length in bytes of UTF-8, not characters', () => {
    const body = '"日本語"';
    expect(encodeFrame(body).toString('latin1')).toMatch(/^Content-Length: 11\r\n\r\n/);
    const { push, messages } = collect();
    // A character count (5) would cut the body short and leave the rest as garbage.
    push(`Content-Length: 11\r\n\r\n${body}`);
    expect(messages).toEqual([body]);
  });

  it('accepts Content-Type with utf-8 and header names in any case', () => {
    const { push, messages, errors } = collect();
    push('content-type: application/vscode-jsonrpc; charset=utf-8\r\nCONTENT-LENGTH: 2\r\n\r\n{}');
    push('Content-Length: 2\r\nContent-Type: application/vscode-jsonrpc; charset="UTF8"\r\n\r\n[]');
    expect(errors).toEqual([]);
    expect(messages).toEqual(['{}', '[]']);
  });

  it.each([
    ['no Content-Length', 'Content-Type: application/json\r\n\r\n', /no Content-Length/],
    ['a non-decimal length', 'Content-Length: 12abc\r\n\r\n', /not a decimal byte count/],
    ['a negative length', 'Content-Length: -5\r\n\r\n', /not a decimal byte count/],
    ['a length beyond safe integers', 'Content-Length: 99999999999999999999\r\n\r\n', /not a decimal byte count/],
    ['a line without a colon', 'Content-Length 5\r\n\r\n', /is not "Name: value"/],
    ['conflicting lengths', 'Content-Length: 2\r\nContent-Length: 3\r\n\r\n', /conflicting/],
  ])('reports a header section with %s once and serves the next frame', (_name, bad, message) => {
    const { push, messages, errors } = collect();
    push(bad + frame('{"next":true}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]).toMatchObject({ kind: 'malformed-header', message: expect.stringMatching(message) });
    expect(messages).toEqual(['{"next":true}']);
  });

  it('resynchronises past the body of a malformed frame', () => {
    const { push, messages, errors } = collect();
    push('X-Broken\r\n\r\n{"method":"lost","params":{"weird":"\\r\\n\\r\\n"}}' + frame('{"ok":1}'));
    expect(errors).toHaveLength(1);
    expect(messages).toEqual(['{"ok":1}']);
  });

  it('recovers a good frame glued to garbage, even when the needle is split across chunks', () => {
    const glued = collect();
    glued.push(Buffer.concat([Buffer.from([0, 255, 7, 13]), Buffer.from('garbage' + frame('{"a":1}'))]));
    expect(glued.errors).toHaveLength(1);
    expect(glued.messages).toEqual(['{"a":1}']);

    const garbageLine = collect();
    garbageLine.push('Garbage line\r\n' + frame('{"b":2}'));
    expect(garbageLine.errors).toHaveLength(1);
    expect(garbageLine.messages).toEqual(['{"b":2}']);

    const split = collect();
    split.push('Bogus\r\n\r\nnoise noise Content-Le');
    split.push('ngth: 2\r\n\r\n{}');
    expect(split.errors).toHaveLength(1);
    expect(split.messages).toEqual(['{}']);
  });

  it('ignores stray line breaks between frames', () => {
    const { push, messages, errors } = collect();
    push(`\r\n${frame('1')}\n\r\n${frame('2')}`);
    expect(errors).toEqual([]);
    expect(messages).toEqual(['1', '2']);
  });

  it('refuses a header section over the limit without holding more than the limit', () => {
    const { reader, push, messages, errors } = collect();
    const header = `X-Padding: ${'p'.repeat(1000)}\r\n`;
    for (let i = 0; i < 20; i++) {
      push(header);
      expect(reader.bufferedBytes).toBeLessThanOrEqual(MAX_HEADER_BYTES + header.length);
    }
    push('\r\n' + frame('{"after":1}'));
    expect(errors).toHaveLength(1);
    expect(errors[0]!.message).toMatch(/exceeds 8192 bytes/);
    expect(messages).toEqual(['{"after":1}']);
  });

  it('skips a body over the limit as it streams past, without buffering it', () => {
    const { reader, push, messages, errors } = collect();
    const size = MAX_BODY_BYTES + 1024;
    push(`Content-Length: ${size}\r\n\r\n`);
    expect(errors).toEqual([{ kind: 'body-too-large', message: `message body of ${size} bytes exceeds the limit of ${MAX_BODY_BYTES} bytes` }]);
    const piece = Buffer.alloc(64 * 1024, 'x');
    for (let sent = 0; sent < size; sent += piece.length) {
      push(piece.subarray(0, Math.min(piece.length, size - sent)));
      expect(reader.bufferedBytes).toBe(0);
    }
    push(frame('{"still":"usable"}'));
    expect(messages).toEqual(['{"still":"usable"}']);
  });

  it('accepts a body of exactly the limit', () => {
    const { push, messages, errors } = collect({ maxBodyBytes: 10 });
    push(frame('"12345678"') + frame('"123456789"'));
    expect(messages).toEqual(['"12345678"']);
    expect(errors.map((error) => error.kind)).toEqual(['body-too-large']);
  });

  it('skips the body of a frame in another charset', () => {
    const { push, messages, errors } = collect();
    push('Content-Length: 4\r\nContent-Type: application/json; charset=utf-16\r\n\r\n\u0000{\u0000}' + frame('{}'));
    expect(errors).toEqual([{ kind: 'unsupported-encoding', message: 'unsupported charset "utf-16": only utf-8 is accepted' }]);
    expect(messages).toEqual(['{}']);
  });

  it('reports a body that is not valid UTF-8 and carries on', () => {
    const { push, messages, errors } = collect();
    push(Buffer.concat([Buffer.from('Content-Length: 3\r\n\r\n'), Buffer.from([0x22, 0xc3, 0x22]), encodeFrame('{}')]));
    expect(errors.map((error) => error.kind)).toEqual(['invalid-utf8']);
    expect(messages).toEqual(['{}']);
  });

  it('handles an empty body', () => {
    const { push, messages } = collect();
    push('Content-Length: 0\r\n\r\n' + frame('1'));
    expect(messages).toEqual(['', '1']);
  });
});
