import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { createBaseline, identifiersAbove } from '../../bench/devset/baseline.js';
import { applyMode, corpusFiles, loadDevSet, relocate, score, type DevCase, type Retriever } from '../../bench/devset/score.js';

const temps: string[] = [];
function tempDir(): string {
  const dir = mkdtempSync(join(tmpdir(), 'inline-devset-'));
  temps.push(dir);
  return dir;
}
afterEach(() => {
  for (const dir of temps.splice(0)) rmSync(dir, { recursive: true, force: true });
});

function write(root: string, files: Record<string, string>): void {
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(root, path, '..'), { recursive: true });
    writeFileSync(join(root, path), text);
  }
}

function caseAt(root: string, file: string, text: string, callee: string, target: DevCase['target'], occurrence = 0): DevCase {
  let offset = -1;
  for (let i = 0; i <= occurrence; i++) offset = text.indexOf(`${callee}(`, offset + 1);
  const before = text.slice(0, offset);
  const line = before.split('\n').length - 1;
  const column = offset - (before.lastIndexOf('\n') + 1);
  const corpus = file.endsWith('.py') ? 'python-stdlib' : 'typescript';
  return { id: `${corpus}:${file}:${line + 1}:${column + 1}:${callee}`, corpus, root, file, offset, line, column, callee, target };
}

const MAIN = 'from pkg.header import parse_header\n\ndef run(data):\n    result = parse_header(data)\n    return result\n';

describe('applyMode', () => {
  const c = caseAt('/r', 'main.py', MAIN, 'parse_header', { path: 'pkg/header.py', name: 'parse_header', line: 0 });

  it('keeps the text in visible mode and puts the cursor after the callee', () => {
    const { text, offset } = applyMode(MAIN, c, 'visible');
    expect(text).toBe(MAIN);
    expect(text.slice(0, offset).endsWith('result = parse_header')).toBe(true);
    expect(text[offset]).toBe('(');
  });

  it('removes the callee and the rest of its line in hidden mode, cursor unchanged', () => {
    const { text, offset } = applyMode(MAIN, c, 'hidden');
    expect(offset).toBe(c.offset);
    expect(text).toBe('from pkg.header import parse_header\n\ndef run(data):\n    result = \n    return result\n');
    expect(text.slice(0, offset).endsWith('    result = ')).toBe(true);
    expect(text.slice(offset)).toBe('\n    return result\n');
  });

  it('handles a call on the last line without a newline', () => {
    const text = 'x = f(1)';
    const last: DevCase = { ...c, offset: 4, line: 0, column: 4, callee: 'f' };
    expect(applyMode(text, last, 'hidden')).toEqual({ text: 'x = ', offset: 4 });
  });
});

describe('score', () => {
  it('computes recall@1 and recall@5 and skips stale cases', async () => {
    const root = tempDir();
    const files: Record<string, string> = {};
    const cases: DevCase[] = [];
    for (let i = 0; i < 4; i++) {
      files[`m${i}.py`] = `x = target${i}(1)\n`;
      files[`t${i}.py`] = `def target${i}(n):\n    return n\n`;
      cases.push(caseAt(root, `m${i}.py`, files[`m${i}.py`]!, `target${i}`, { path: `t${i}.py`, name: `target${i}`, line: 0 }));
    }
    write(root, files);
    cases.push({ ...cases[0]!, id: 'moved call', offset: 2 });
    cases.push({ ...cases[1]!, id: 'renamed target', target: { ...cases[1]!.target, name: 'gone' } });
    // Case i: the right answer at rank i*2 (0, 2, 4, 6), so ranks 0 → @1, 0,2,4 → @5.
    const retrieve: Retriever = async (query) => {
      const i = Number(/m(\d)/.exec(query.file)![1]);
      const filler = Array.from({ length: 8 }, (_, k) => ({ path: `other${k}.py`, name: `n${k}` }));
      filler.splice(i * 2, 0, { path: `t${i}.py`, name: `target${i}` });
      return filler;
    };
    const result = await score(cases, 'visible', retrieve);
    expect(result.cases).toBe(4);
    expect(result.stale).toBe(2);
    expect(result.recallAt1).toBe(0.25);
    expect(result.recallAt5).toBe(0.75);
    expect(result.medianMs).toBeGreaterThanOrEqual(0);
  });

  it('ignores the target line but not the name', async () => {
    const root = tempDir();
    write(root, { 'a.py': 'f(1)\n', 'b.py': 'def f(x):\n    pass\n' });
    const c = caseAt(root, 'a.py', 'f(1)\n', 'f', { path: 'b.py', name: 'f', line: 10 });
    expect((await score([c], 'hidden', async () => [{ path: 'b.py', name: 'f' }])).recallAt1).toBe(1);
    expect((await score([c], 'hidden', async () => [{ path: 'b.py', name: 'g' }])).recallAt5).toBe(0);
  });
});

describe('dev set files', () => {
  it('round-trips JSONL and relocates moved roots', () => {
    const root = tempDir();
    write(root, { 'src/a.ts': 'a()\n', 'node_modules/pkg/src/b.ts': 'b()\n' });
    const path = join(root, 'set.jsonl');
    const gone: DevCase = { id: '1', corpus: 'typescript', root: '/elsewhere/repo', file: 'src/a.ts', offset: 0, line: 0, column: 0, callee: 'a', target: { path: 'src/x.ts', name: 'a', line: 0 } };
    const pkg: DevCase = { ...gone, id: '2', root: '/elsewhere/repo/node_modules/pkg', file: 'src/b.ts', callee: 'b' };
    writeFileSync(path, `${JSON.stringify(gone)}\n${JSON.stringify(pkg)}\n`);
    const loaded = loadDevSet(path);
    expect(loaded).toEqual([gone, pkg]);
    expect(relocate(loaded, root).map((c) => c.root)).toEqual([root, join(root, 'node_modules/pkg')]);
  });
});

describe('baseline', () => {
  const header = 'import os\n\ndef parse_header(data):\n    return data\n\nclass Header:\n    pass\n';
  const other = 'def parse_header(x):\n    pass\n\ndef helper():\n    pass\n';
  const main = 'from pkg.header import parse_header, Header\nfrom pkg import other\n\ndef run(data):\n    h = Header()\n    other.helper()\n    result = parse_header(data)\n';

  it('looks up the name before the cursor, files in path order', async () => {
    const root = tempDir();
    write(root, { 'pkg/header.py': header, 'pkg/other.py': other, 'main.py': main, 'test/skipped.py': 'def parse_header(): pass\n' });
    expect(corpusFiles(root, 'python-stdlib')).toEqual(['main.py', 'pkg/header.py', 'pkg/other.py']);
    const c = caseAt(root, 'main.py', main, 'parse_header', { path: 'pkg/header.py', name: 'parse_header', line: 2 });
    const retrieve = createBaseline();
    const visible = applyMode(main, c, 'visible');
    expect(await retrieve({ root, file: 'main.py', mode: 'visible', ...visible })).toEqual([
      { path: 'pkg/header.py', name: 'parse_header' },
      { path: 'pkg/other.py', name: 'parse_header' },
    ]);
    const result = await score([c], 'visible', retrieve);
    expect([result.recallAt1, result.recallAt5]).toEqual([1, 1]);
  });

  // The import of parse_header is six lines up, outside the window: the baseline cannot see it.
  it('ranks by the identifiers of the five lines above the cursor in hidden mode, nearest first', async () => {
    const root = tempDir();
    write(root, { 'pkg/header.py': header, 'pkg/other.py': other, 'main.py': main });
    const c = caseAt(root, 'main.py', main, 'parse_header', { path: 'pkg/header.py', name: 'parse_header', line: 2 });
    const hidden = applyMode(main, c, 'hidden');
    expect(identifiersAbove(hidden.text, hidden.offset).slice(0, 4)).toEqual(['result', 'helper', 'other', 'Header']);
    const got = await createBaseline()({ root, file: 'main.py', mode: 'hidden', ...hidden });
    expect(got).toEqual([
      { path: 'pkg/other.py', name: 'helper' },
      { path: 'pkg/header.py', name: 'Header' },
      { path: 'main.py', name: 'run' },
    ]);
  });
});
