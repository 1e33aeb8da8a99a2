import { describe, expect, it } from 'vitest';
import { ImportResolver } from '../../../src/context/imports.js';
import { fixture, memoryRepo } from './helpers.js';

describe('ImportResolver', () => {
  it('resolveFile picks the language from the path, and knows nothing of other files', async () => {
    const { resolver } = fixture('python');
    expect(await resolver.resolveFile('notes.txt', 'import x')).toEqual([]);
    expect(await resolver.resolveFile('README', 'import x')).toEqual([]);
    // The text given wins over what is on disk.
    expect(await resolver.resolveFile('src/shop/cli.py', 'from .pricing import total\n')).toEqual([
      { statement: { source: '.pricing', names: ['total'], line: 0 }, files: ['src/shop/pricing.py'] },
    ]);
  });

  it('samePackageFiles is empty for languages without package scope', () => {
    const { resolver } = fixture('python');
    expect(resolver.samePackageFiles('src/shop/cli.py')).toEqual([]);
  });

  it('reads each manifest and re-exporting file once, however often it resolves', () => {
    const repo = memoryRepo({
      'tsconfig.json': '{ "compilerOptions": { "baseUrl": ".", "paths": { "~/*": ["src/*"] } } }',
      'src/index.ts': "export * from './a';\n",
      'src/a.ts': 'export const a = 1;\n',
      'src/main.ts': "import { a } from '~/index';\n",
    });
    const resolver = new ImportResolver(repo);
    const statement = { source: '~/index', names: ['a'], line: 0 };
    expect(resolver.resolve('src/main.ts', statement, 'typescript')).toEqual(['src/a.ts', 'src/index.ts']);
    const firstReads = [...repo.reads].sort();
    expect(firstReads).toEqual(['src/a.ts', 'src/index.ts', 'tsconfig.json']);
    for (let i = 0; i < 5; i++) expect(resolver.resolve('src/main.ts', statement, 'typescript')).toEqual(['src/a.ts', 'src/index.ts']);
    expect(repo.reads.length).toBe(firstReads.length);
  });

  it('answers [] instead of throwing on broken manifests', () => {
    const repo = memoryRepo({
      'tsconfig.json': '{ "compilerOptions": { "paths": ',
      'package.json': 'not json',
      'composer.json': '{',
      'go.mod': '',
      'Cargo.toml': '[package',
      'src/main.ts': '',
      'src/main.go': '',
      'src/lib.rs': '',
      'src/x.php': '',
    });
    const resolver = new ImportResolver(repo);
    expect(resolver.resolve('src/main.ts', { source: '@app/x', names: [], line: 0 }, 'typescript')).toEqual([]);
    expect(resolver.resolve('src/main.go', { source: 'example.com/x', names: [], line: 0 }, 'go')).toEqual([]);
    expect(resolver.resolve('src/lib.rs', { source: 'crate', names: ['X'], line: 0 }, 'rust')).toEqual(['src/lib.rs']);
    expect(resolver.resolve('src/x.php', { source: 'App\\Y', names: [], line: 0 }, 'php')).toEqual([]);
  });
});
