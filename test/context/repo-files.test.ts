import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { DefinitionFinder } from '../../src/context/definitions.js';
import { createRepoFiles } from '../../src/context/repo-files.js';

const dirs: string[] = [];
function tempRepo(files: Record<string, string>): string {
  const dir = mkdtempSync(join(tmpdir(), 'inline-repo-files-'));
  dirs.push(dir);
  for (const [path, text] of Object.entries(files)) writeFileSync(join(dir, path), text);
  return dir;
}
afterEach(() => {
  for (const dir of dirs.splice(0)) rmSync(dir, { recursive: true, force: true });
});

describe('repository files seen by the context engine', () => {
  it('reads a file again after it changed on disk, and follows files created and deleted', () => {
    const root = tempRepo({ 'a.py': 'x = 1\n' });
    const repo = createRepoFiles(root, ['a.py']);
    expect(repo.read('a.py')).toBe('x = 1\n');
    writeFileSync(join(root, 'a.py'), 'x = 2\n');
    expect(repo.read('a.py')).toBe('x = 1\n'); // cached until told
    repo.fileChanged!('a.py', true);
    expect(repo.read('a.py')).toBe('x = 2\n');
    writeFileSync(join(root, 'b.py'), 'y = 1\n');
    repo.fileChanged!('b.py', true);
    expect(repo.files.has('b.py')).toBe(true);
    repo.fileChanged!('a.py', false);
    expect(repo.files.has('a.py')).toBe(false);
  });

  it('finds a definition saved after the index of definitions was built, and drops a deleted one', async () => {
    const root = tempRepo({ 'main.py': 'from helpers import *\n\nresult = shiny_new_helper(3)\n', 'helpers.py': 'def old_helper(x):\n    return x\n' });
    const repo = createRepoFiles(root, ['main.py', 'helpers.py']);
    const finder = DefinitionFinder.forRepo(repo);
    const text = repo.read('main.py')!;
    const query = { path: 'main.py', text, offset: text.length - 2 };
    expect((await finder.find(query)).map((hit) => hit.name)).not.toContain('shiny_new_helper');

    writeFileSync(join(root, 'helpers.py'), 'def shiny_new_helper(x):\n    return x * 2\n');
    finder.fileChanged('helpers.py', true);
    const found = await finder.find(query);
    expect(found.map((hit) => [hit.name, hit.path])).toContainEqual(['shiny_new_helper', 'helpers.py']);

    rmSync(join(root, 'helpers.py'));
    finder.fileChanged('helpers.py', false);
    expect((await finder.find(query)).map((hit) => hit.name)).not.toContain('shiny_new_helper');
  });
});
