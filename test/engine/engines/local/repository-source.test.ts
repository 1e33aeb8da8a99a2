import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { filesFromChunks, readRepository } from '../../../../src/engine/engines/local/repository-source.js';

describe('filesFromChunks', () => {
  it('rebuilds files from overlapping chunks, each line once', () => {
    const files = filesFromChunks([
      { path: 'b.py', startLine: 1, text: 'x = 1', language: 'python' },
      { path: 'a.py', startLine: 3, text: 'line3\nline4', language: 'python' },
      { path: 'a.py', startLine: 1, text: 'line1\nline2\nline3' },
    ]);
    expect(files).toEqual([
      { path: 'a.py', text: 'line1\nline2\nline3\nline4', language: 'python' },
      { path: 'b.py', text: 'x = 1', language: 'python' },
    ]);
  });

  it('leaves lines no chunk covers empty', () => {
    expect(filesFromChunks([{ path: 'a.py', startLine: 3, text: 'z' }])[0]!.text).toBe('\n\nz');
  });
});

describe('readRepository', () => {
  let root: string | undefined;
  afterEach(() => {
    if (root) rmSync(root, { recursive: true, force: true });
  });

  function repository(files: Record<string, string>): string {
    root = mkdtempSync(join(tmpdir(), 'inline-local-source-'));
    for (const [path, text] of Object.entries(files)) {
      mkdirSync(dirname(join(root, path)), { recursive: true });
      writeFileSync(join(root, path), text);
    }
    return root;
  }

  it('walks with the ignore rules, takes code first and stops at the byte cap', async () => {
    const dir = repository({
      '.gitignore': 'build/\n',
      'README.md': 'x'.repeat(400),
      'src/a.py': 'a = 1\n',
      'src/b.ts': 'let b = 2\n',
      'build/out.js': 'ignored()\n',
      '.env': 'SECRET=1\n',
    });
    const source = await readRepository({ root: dir, git: false, maxBytes: 100 });
    expect(source.origin).toBe('walk');
    expect(source.files.map((f) => f.path).sort()).toEqual(['.gitignore', 'src/a.py', 'src/b.ts']);
    expect(source.files.find((f) => f.path === 'src/a.py')).toEqual({ path: 'src/a.py', text: 'a = 1\n', language: 'python' });
  });

  it('uses the chunks of an index it is given', async () => {
    const dir = repository({ 'src/a.py': 'on disk\n' });
    const index = { chunks: new Map([[1, { id: 1, path: 'src/a.py', startLine: 1, endLine: 1, kind: 'window', hash: 'h', text: 'from the index' }]]) };
    const source = await readRepository({ root: dir, git: false, maxBytes: 1000, index: index as never });
    expect(source).toEqual({ origin: 'index', files: [{ path: 'src/a.py', text: 'from the index' }] });
  });
});
