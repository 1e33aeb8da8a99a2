/**
 * Text synchronisation cost per keystroke on a 1 MB document (the daemon applies one didChange
 * per key). Incremental changes patch the line offsets and one piece of the text; reading the
 * whole text joins it into one string (V8 copies the megabyte), which the server needs only when
 * it computes a suggestion. The full-text row shows what rebuilding per keystroke would cost.
 */
import fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import { DocumentStore, type ContentChange, type Position } from '../src/watch/documents.js';
import { measure, printTable, type Measurement } from './harness.js';

const SIZE = 1024 * 1024;
const KEYSTROKES = 3000;
const URI = 'file:///bench/big.ts';

const source = fs.readFileSync(fileURLToPath(new URL('../node_modules/typescript/lib/typescript.js', import.meta.url)), 'utf8').slice(0, SIZE);
const crlfSource = source.replace(/\n/g, '\r\n').slice(0, SIZE);

/**
 * Typing at a cursor: letters, a line break every 30 keys, a backspace every 7. Returns the
 * change the editor would send, moving the cursor as the editor would.
 */
function typist(start: Position): () => ContentChange {
  const cursor = { ...start };
  let key = 0;
  return () => {
    key++;
    if (key % 30 === 0) {
      const change = { range: { start: { ...cursor }, end: { ...cursor } }, text: '\n' };
      cursor.line++;
      cursor.character = 0;
      return change;
    }
    if (key % 7 === 0 && cursor.character > 0) {
      const change = { range: { start: { line: cursor.line, character: cursor.character - 1 }, end: { ...cursor } }, text: '' };
      cursor.character--;
      return change;
    }
    const change = { range: { start: { ...cursor }, end: { ...cursor } }, text: String.fromCharCode(97 + (key % 26)) };
    cursor.character++;
    return change;
  };
}

function session(text: string): { store: DocumentStore; next: () => number } {
  const store = new DocumentStore();
  store.open(URI, 'typescript', 1, text);
  let version = 1;
  return { store, next: () => ++version };
}

function lineCount(text: string): number {
  return text.split(/\r\n|\r|\n/).length;
}

const middle = Math.floor(lineCount(source) / 2);
const rows: Measurement[] = [];

{
  const { store, next } = session(source);
  const key = typist({ line: middle, character: 0 });
  rows.push(await measure('incremental keystroke, middle of the document', KEYSTROKES, () => store.change(URI, next(), [key()])));
}
{
  const { store, next } = session(source);
  const key = typist({ line: 2, character: 0 });
  rows.push(await measure('incremental keystroke, top (every offset shifts)', KEYSTROKES, () => store.change(URI, next(), [key()])));
}
{
  const { store, next } = session(crlfSource);
  const key = typist({ line: middle, character: 0 });
  rows.push(await measure('incremental keystroke, CRLF document', KEYSTROKES, () => store.change(URI, next(), [key()])));
}
{
  const { store, next } = session(source);
  const key = typist({ line: middle, character: 0 });
  rows.push(
    await measure('incremental keystroke + offsetAt/positionAt by uri', KEYSTROKES, () => {
      const change = key() as { range: { start: Position }; text: string };
      store.change(URI, next(), [change]);
      store.positionAt(URI, store.offsetAt(URI, change.range.start) + change.text.length);
    }),
  );
}
{
  // Reading the whole text after every key: apply, get, map the cursor both ways, and read a
  // prompt window around the cursor.
  const { store, next } = session(source);
  const key = typist({ line: middle, character: 0 });
  let sink = 0;
  rows.push(
    await measure('keystroke + get().text (joins 1 MB) + 8 KB prefix read', KEYSTROKES, () => {
      const change = key() as { range: { start: Position }; text: string };
      store.change(URI, next(), [change]);
      const { text } = store.get(URI)!;
      const offset = store.offsetAt(text, change.range.start) + change.text.length;
      sink += store.positionAt(text, offset).line + text.slice(Math.max(0, offset - 8192), offset).length;
    }),
  );
  if (sink < 0) console.log(sink);
}
{
  const { store, next } = session(source);
  let key = 0;
  rows.push(await measure('full-text change (rebuilds the line offsets)', 200, () => store.change(URI, next(), [{ text: `${source}${String.fromCharCode(97 + (key++ % 26))}` }])));
}

printTable(`Document sync on a ${(SIZE / 1024 / 1024).toFixed(0)} MB document (${lineCount(source)} lines), per keystroke`, rows);
