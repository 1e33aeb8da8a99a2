/** LSP text synchronisation: full and incremental changes, UTF-16 positions, line endings, clamping, versions and limits. */
import { describe, expect, it } from 'vitest';
import { DocumentError, DocumentStore, offsetAt, positionAt, uriToPath, type ContentChange, type Position } from '../../src/watch/documents.js';

const URI = 'file:///repo/src/app.ts';

function range(startLine: number, startChar: number, endLine: number, endChar: number) {
  return { start: { line: startLine, character: startChar }, end: { line: endLine, character: endChar } };
}

function opened(text: string, store = new DocumentStore()): DocumentStore {
  store.open(URI, 'typescript', 1, text);
  return store;
}

function textOf(store: DocumentStore, uri = URI): string | undefined {
  return store.get(uri)?.text;
}

/** Written independently of the code under test: lines split on the three LSP line breaks. */
function referenceLines(text: string): { start: number; contentEnd: number }[] {
  const lines: { start: number; contentEnd: number }[] = [];
  const breaks = /\r\n|\r|\n/g;
  let start = 0;
  for (let match = breaks.exec(text); match; match = breaks.exec(text)) {
    lines.push({ start, contentEnd: match.index });
    start = match.index + match[0].length;
  }
  lines.push({ start, contentEnd: text.length });
  return lines;
}

function referenceOffset(text: string, { line, character }: Position): number {
  const lines = referenceLines(text);
  if (line >= lines.length) return text.length;
  return Math.min(lines[line]!.start + character, lines[line]!.contentEnd);
}

function referencePosition(text: string, offset: number): Position {
  const lines = referenceLines(text);
  let line = 0;
  while (line + 1 < lines.length && lines[line + 1]!.start <= offset) line++;
  return { line, character: offset - lines[line]!.start };
}

function expectDocumentError(run: () => unknown, reason: string, message?: RegExp): DocumentError {
  try {
    run();
  } catch (error) {
    expect(error).toBeInstanceOf(DocumentError);
    expect((error as DocumentError).reason).toBe(reason);
    if (message) expect((error as DocumentError).message).toMatch(message);
    return error as DocumentError;
  }
  throw new Error(`expected a DocumentError (${reason})`);
}

describe('DocumentStore text synchronisation', () => {
  it('opens, replaces the whole text on a full change, and closes', () => {
    const store = opened('let a = 1;\n');
    expect(store.get(URI)).toEqual({ uri: URI, languageId: 'typescript', version: 1, text: 'let a = 1;\n' });
    store.change(URI, 2, [{ text: 'const b = 2;\n' }]);
    expect(store.get(URI)).toMatchObject({ version: 2, text: 'const b = 2;\n' });
    expect(store.close(URI)).toBe(true);
    expect(store.get(URI)).toBeUndefined();
    expect(store.close(URI)).toBe(false);
    expect(store.size).toBe(0);
    expect(store.totalBytes).toBe(0);
  });

  it('applies incremental inserts, deletions and multi-line replacements', () => {
    const store = opened('function f() {\n  return 1;\n}\n');
    store.change(URI, 2, [{ range: range(1, 9, 1, 10), text: '42' }]);
    expect(textOf(store)).toBe('function f() {\n  return 42;\n}\n');
    store.change(URI, 3, [{ range: range(0, 14, 2, 0), text: '\n  const x = 1;\n  return x;\n' }]);
    expect(textOf(store)).toBe('function f() {\n  const x = 1;\n  return x;\n}\n');
    store.change(URI, 4, [{ range: range(1, 0, 2, 0), text: '' }]);
    expect(textOf(store)).toBe('function f() {\n  return x;\n}\n');
    expect(store.offsetAt(URI, { line: 2, character: 0 })).toBe('function f() {\n  return x;\n'.length);
  });

  it('applies several changes in order, each against the text the previous one left', () => {
    const store = opened('ab\ncd');
    store.change(URI, 2, [
      { range: range(0, 2, 0, 2), text: '\nXY' },
      { range: range(1, 2, 2, 1), text: '' },
      { text: 'full' },
      { range: range(0, 4, 0, 4), text: '!' },
    ]);
    expect(textOf(store)).toBe('full!');
    expect(store.get(URI)!.version).toBe(2);
  });

  it('counts UTF-16 code units, an emoji being two, and applies a position between its halves literally', () => {
    const store = opened('a😀b\nc');
    expect(store.offsetAt(URI, { line: 0, character: 3 })).toBe(3);
    expect(store.positionAt(URI, 4)).toEqual({ line: 0, character: 4 });
    store.change(URI, 2, [{ range: range(0, 3, 0, 3), text: '!' }]);
    expect(textOf(store)).toBe('a😀!b\nc');
    // The client splits the pair and then rejoins it: the copy must follow it exactly.
    store.change(URI, 3, [{ range: range(0, 2, 0, 2), text: 'x' }]);
    expect(textOf(store)).toBe('a\ud83dx\ude00!b\nc');
    expect(store.positionAt(URI, 2)).toEqual({ line: 0, character: 2 });
    store.change(URI, 4, [{ range: range(0, 2, 0, 3), text: '' }]);
    expect(textOf(store)).toBe('a😀!b\nc');
    store.change(URI, 5, [{ range: range(0, 1, 0, 3), text: '' }]);
    expect(textOf(store)).toBe('a!b\nc');
    expect(store.totalBytes).toBe(Buffer.byteLength('a!b\nc'));
  });

  it('handles CRLF documents: positions never fall inside a line break, and breaks join and split correctly', () => {
    const store = opened('one\r\ntwo\r\nthree');
    expect(store.offsetAt(URI, { line: 1, character: 0 })).toBe(5);
    expect(store.offsetAt(URI, { line: 0, character: 99 })).toBe(3);
    expect(store.offsetAt(URI, { line: 2, character: 5 })).toBe(15);
    store.change(URI, 2, [{ range: range(0, 3, 1, 0), text: ' ' }]);
    expect(textOf(store)).toBe('one two\r\nthree');
    expect(store.offsetAt(URI, { line: 1, character: 0 })).toBe(9);
    // A lone \r is a line break; a \n typed after it makes one \r\n break, not two.
    const cr = opened('a\rb');
    expect(cr.offsetAt(URI, { line: 1, character: 0 })).toBe(2);
    cr.change(URI, 2, [{ range: range(1, 0, 1, 0), text: '\n' }]);
    expect(textOf(cr)).toBe('a\r\nb');
    expect(cr.positionAt(URI, 3)).toEqual({ line: 1, character: 0 });
    expect(cr.offsetAt(URI, { line: 2, character: 0 })).toBe(4);
    // And a \r typed before a \n joins them.
    const lf = opened('a\nb');
    lf.change(URI, 2, [{ range: range(0, 1, 0, 1), text: '\r' }]);
    expect(lf.offsetAt(URI, { line: 1, character: 0 })).toBe(3);
    expect(lf.offsetAt(URI, { line: 0, character: 5 })).toBe(1);
  });

  it('clamps a character past the end of its line to that end, and a line past the end to the end of the document', () => {
    const store = opened('ab\ncdef\n');
    expect(store.offsetAt(URI, { line: 0, character: 10 })).toBe(2);
    expect(store.offsetAt(URI, { line: 2, character: 0 })).toBe(8);
    expect(store.offsetAt(URI, { line: 9, character: 3 })).toBe(8);
    expect(store.positionAt(URI, 1000)).toEqual({ line: 2, character: 0 });
    store.change(URI, 2, [{ range: range(0, 10, 7, 7), text: '!' }]);
    expect(textOf(store)).toBe('ab!');
    // A reversed range covers the same span.
    store.change(URI, 3, [{ range: range(0, 3, 0, 1), text: '' }]);
    expect(textOf(store)).toBe('a');
  });

  it('answers offsetAt and positionAt for a text as well as a uri, agreeing with each other', () => {
    const text = 'x\r\ny😀\rz\n';
    const store = opened(text);
    for (let offset = 0; offset <= text.length; offset++) {
      const position = positionAt(text, offset);
      expect(store.positionAt(text, offset)).toEqual(position);
      expect(store.positionAt(URI, offset)).toEqual(position);
      expect(position).toEqual(referencePosition(text, offset));
    }
    expect(offsetAt(text, { line: 1, character: 3 })).toBe(6);
    expect(store.offsetAt('an unrelated\ntext', { line: 1, character: 2 })).toBe(15);
    expect(() => offsetAt(text, { line: -1, character: 0 })).toThrow(/whole numbers/);
  });

  it('keeps text and line offsets identical to a reference over thousands of random edits', () => {
    let seed = 7;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const pieces = ['a', 'bc', '\n', '\r\n', '\r', '😀', 'é', '  ', 'xyz\n', '\r\n\r\n', ''];
    let text = 'start\r\nof\ra\ndocument 😀\n';
    const store = opened(text);
    for (let version = 2; version < 3000; version++) {
      const lines = referenceLines(text);
      const pick = (): Position => ({ line: random(lines.length + 1), character: random(12) });
      const [a, b] = [pick(), pick()];
      const inserted = Array.from({ length: random(4) }, () => pieces[random(pieces.length)]).join('');
      store.change(URI, version, [{ range: { start: a, end: b }, text: inserted }]);
      const [from, to] = [referenceOffset(text, a), referenceOffset(text, b)].sort((x, y) => x - y);
      text = text.slice(0, from) + inserted + text.slice(to);
      expect(textOf(store)).toBe(text);
      const probe = pick();
      expect(store.offsetAt(URI, probe)).toBe(referenceOffset(text, probe));
      const offset = random(text.length + 1);
      expect(store.positionAt(URI, offset)).toEqual(referencePosition(text, offset));
    }
    expect(store.totalBytes).toBe(Buffer.byteLength(text));
  });

  it('stays identical on a large document edited many times between reads, with edits across its pieces', () => {
    let seed = 11;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed % n;
    };
    const line = (i: number) => `${'x'.repeat(i % 50)}${['\n', '\r\n', '\r'][i % 3]}`;
    let text = Array.from({ length: 4000 }, (_, i) => line(i)).join('');
    const store = opened(text);
    for (let version = 2; version < 400; version++) {
      const changes: ContentChange[] = [];
      for (let k = random(4) + 1; k > 0; k--) {
        const from = random(text.length + 1);
        const to = Math.min(text.length, from + [0, 1, 30, 5000, 40_000][random(5)]!);
        const inserted = ['', 'a', '\r', '\n', 'é😀', 'long\r\n'.repeat(random(2) === 0 ? 1 : 8000)][random(6)]!;
        const [start, end] = [referencePosition(text, from), referencePosition(text, to)];
        changes.push({ range: { start, end }, text: inserted });
        text = text.slice(0, referenceOffset(text, start)) + inserted + text.slice(referenceOffset(text, end));
      }
      store.change(URI, version, changes);
      const offset = random(text.length + 1);
      expect(store.positionAt(URI, offset)).toEqual(referencePosition(text, offset));
      const probe = { line: random(referenceLines(text).length + 2), character: random(60) };
      expect(store.offsetAt(URI, probe)).toBe(referenceOffset(text, probe));
      if (version % 25 === 0) expect(textOf(store)).toBe(text);
    }
    expect(textOf(store)).toBe(text);
    expect(store.totalBytes).toBe(Buffer.byteLength(text));
  });
});

describe('DocumentStore versions and errors', () => {
  it('refuses a change for a document that is not open', () => {
    const error = expectDocumentError(() => new DocumentStore().change(URI, 2, [{ text: 'x' }]), 'unknown-document', /is not open/);
    expect(error.rpcCode).toBe(-32602);
  });

  it('refuses an older or repeated version and keeps the document as it was', () => {
    const store = opened('abc');
    store.change(URI, 5, [{ text: 'new' }]);
    expectDocumentError(() => store.change(URI, 4, [{ text: 'old' }]), 'stale-version', /version 4.*already at version 5/);
    expectDocumentError(() => store.change(URI, 5, [{ text: 'same' }]), 'stale-version');
    expect(store.get(URI)).toMatchObject({ version: 5, text: 'new' });
  });

  it('rejects malformed changes clearly, and then serves nothing until the document is replaced', () => {
    const store = opened('abc');
    expectDocumentError(() => store.change(URI, 2, 'nope' as unknown as ContentChange[]), 'invalid-params', /contentChanges as an array/);
    expect(store.get(URI)).toBeUndefined();
    expectDocumentError(() => store.offsetAt(URI, { line: 0, character: 0 }), 'out-of-sync');
    expectDocumentError(() => store.change(URI, 3, [{ range: range(0, 0, 0, 0), text: 'x' }]), 'out-of-sync', /reopened or fully replaced/);
    store.change(URI, 4, [{ text: 'back' }]);
    expect(store.get(URI)).toMatchObject({ version: 4, text: 'back' });
    const bad = [{ range: { start: { line: -1, character: 0 }, end: { line: 0, character: 0 } }, text: 'x' }];
    expectDocumentError(() => store.change(URI, 5, bad), 'invalid-params', /range\.start/);
    expectDocumentError(() => store.change(URI, 6, [{ text: 42 } as unknown as ContentChange]), 'invalid-params', /text string/);
    expectDocumentError(() => store.open('', 'ts', 1, 'x'), 'invalid-params');
    expectDocumentError(() => store.open(URI, 'ts', 1.5, 'x'), 'invalid-params');
  });
});

describe('DocumentStore limits', () => {
  it('refuses a document over 8 MiB by default, and one over a configured size counted in UTF-8 bytes', () => {
    const big = 'a'.repeat(8 * 1024 * 1024 + 1);
    const error = expectDocumentError(() => new DocumentStore().open(URI, 'plaintext', 1, big), 'document-too-large', /over the 8\.0 MiB limit/);
    expect(error.rpcCode).toBe(-32803);
    const store = new DocumentStore({ maxDocumentBytes: 100 });
    store.open(URI, 'plaintext', 1, 'é'.repeat(50));
    expect(store.totalBytes).toBe(100);
    expectDocumentError(() => store.open('file:///repo/b.txt', 'plaintext', 1, 'é'.repeat(51)), 'document-too-large');
    expect(store.size).toBe(1);
  });

  it('refuses new opens past the document count without dropping the open ones', () => {
    const store = new DocumentStore({ maxDocuments: 2 });
    store.open('file:///repo/a.ts', 'typescript', 1, 'a');
    store.open('file:///repo/b.ts', 'typescript', 1, 'b');
    expectDocumentError(() => store.open('file:///repo/c.ts', 'typescript', 1, 'c'), 'too-many-documents', /2 documents are already open/);
    expect([textOf(store, 'file:///repo/a.ts'), textOf(store, 'file:///repo/b.ts')]).toEqual(['a', 'b']);
    // Reopening an open document is a replacement, not a new one.
    store.open('file:///repo/b.ts', 'typescript', 2, 'B');
    expect(textOf(store, 'file:///repo/b.ts')).toBe('B');
    store.close('file:///repo/a.ts');
    store.open('file:///repo/c.ts', 'typescript', 1, 'c');
    expect(store.size).toBe(2);
  });

  it('refuses opens past the total byte cap, and a change that would break a cap leaves the document out of sync', () => {
    const store = new DocumentStore({ maxTotalBytes: 10, maxDocumentBytes: 8 });
    store.open('file:///repo/a.ts', 'typescript', 1, '123456');
    expectDocumentError(() => store.open('file:///repo/b.ts', 'typescript', 1, '12345'), 'store-full', /already hold/);
    store.open('file:///repo/b.ts', 'typescript', 1, '1234');
    expect(store.totalBytes).toBe(10);
    expectDocumentError(() => store.change('file:///repo/b.ts', 2, [{ range: range(0, 4, 0, 4), text: 'x' }]), 'store-full');
    expect(store.get('file:///repo/b.ts')).toBeUndefined();
    expect(store.size).toBe(2);
    expect(store.totalBytes).toBe(6);
    expectDocumentError(() => store.change('file:///repo/a.ts', 2, [{ range: range(0, 6, 0, 6), text: 'abc' }]), 'document-too-large', /over the/);
    expect(store.totalBytes).toBe(0);
    store.change('file:///repo/a.ts', 3, [{ text: 'fresh' }]);
    expect(store.totalBytes).toBe(5);
  });
});

describe('uriToPath', () => {
  const root = '/home/me/repo';

  it('maps file URIs inside the root to repository-relative POSIX paths, decoding escapes', () => {
    expect(uriToPath('file:///home/me/repo/src/app.ts', root)).toBe('src/app.ts');
    expect(uriToPath('file:///home/me/repo/my%20dir/caf%C3%A9.py', root)).toBe('my dir/café.py');
    expect(uriToPath('file://localhost/home/me/repo/a.go', root)).toBe('a.go');
    expect(uriToPath('file:///home/me/repo/sub/../b.rs', `${root}/`)).toBe('b.rs');
  });

  it('answers undefined outside the root, for the root itself, other schemes and malformed URIs', () => {
    expect(uriToPath('file:///home/me/repo-other/a.ts', root)).toBeUndefined();
    expect(uriToPath('file:///home/me/repo/../secret.txt', root)).toBeUndefined();
    expect(uriToPath('file:///home/me/repo/%2e%2e/secret.txt', root)).toBeUndefined();
    expect(uriToPath('file:///home/me/repo', root)).toBeUndefined();
    expect(uriToPath('untitled:Untitled-1', root)).toBeUndefined();
    expect(uriToPath('https://example.com/home/me/repo/a.ts', root)).toBeUndefined();
    expect(uriToPath('file:///home/me/repo/a%2Fb.ts', root)).toBeUndefined();
    expect(uriToPath('file:///home/me/repo/a%00.ts', root)).toBeUndefined();
    expect(uriToPath('file://other-host/home/me/repo/a.ts', root)).toBeUndefined();
  });
});
