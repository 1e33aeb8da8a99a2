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
    const a = source.files.find((f) => f.path === 'src/a.py')!;
    expect({ path: a.path, language: a.language, chars: a.chars, text: a.read() }).toEqual({ path: 'src/a.py', language: 'python', chars: 6, text: 'a = 1\n' });
    // Read when the build gets there: a file deleted in between is skipped, not an error.
    rmSync(join(dir, 'src/a.py'));
    expect(a.read()).toBeUndefined();
  });

  it('uses the chunks of an index it is given', async () => {
    const dir = repository({ 'src/a.py': 'on disk\n' });
    const index = { chunks: new Map([[1, { id: 1, path: 'src/a.py', startLine: 1, endLine: 1, kind: 'window', hash: 'h', text: 'from the index' }]]) };
    const source = await readRepository({ root: dir, git: false, maxBytes: 1000, index: index as never });
    expect(source.origin).toBe('index');
    expect(source.files.map((f) => [f.path, f.read()])).toEqual([['src/a.py', 'from the index']]);
  });
});
