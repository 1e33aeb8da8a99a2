import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportResolver, extractImports } from '../../../src/context/imports.js';
import type { LanguageId } from '../../../src/context/languages.js';
import { createRepoFiles, type RepoFiles } from '../../../src/context/repo-files.js';
import type { ImportStatement } from '../../../src/context/types.js';

const FIXTURES = fileURLToPath(new URL('../../../fixtures/imports/', import.meta.url));

export function fixtureFiles(name: string): string[] {
  const root = join(FIXTURES, name);
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'))
    .sort();
}

export interface Fixture {
  repo: RepoFiles;
  resolver: ImportResolver;
  /** Every import of a fixture file as `{ source, names, alias?, files }`, in source order. */
  imports(path: string): Promise<Array<{ source: string; names: string[]; alias?: string; files: string[] }>>;
  /** Resolves one hand-written statement. */
  resolve(from: string, source: string, names: string[], language: LanguageId): string[];
}

export function fixture(name: string): Fixture {
  const root = join(FIXTURES, name);
  const repo = createRepoFiles(root, fixtureFiles(name));
  const resolver = new ImportResolver(repo);
  return {
    repo,
    resolver,
    async imports(path) {
      const text = repo.read(path);
      if (text === undefined) throw new Error(`no fixture file ${name}/${path}`);
      const resolved = await resolver.resolveFile(path, text);
      return resolved.map(({ statement, files }) => ({
        source: statement.source,
        names: statement.names,
        ...(statement.alias !== undefined ? { alias: statement.alias } : {}),
        files,
      }));
    },
    resolve: (from, source, names, language) => resolver.resolve(from, { source, names, line: 0 }, language),
  };
}

/** Extraction without line numbers, for compact expectations. */
export async function extract(language: LanguageId, text: string): Promise<Array<Omit<ImportStatement, 'line'>>> {
  return (await extractImports(language, text)).map(({ line: _line, ...rest }) => rest);
}

/** Source → line, to check that lines are 0-based rows of the statements. */
export async function lines(language: LanguageId, text: string): Promise<Array<[string, number]>> {
  return (await extractImports(language, text)).map((statement) => [statement.source, statement.line]);
}

/** A repository in memory that records its reads, to see what the resolver caches. */
export function memoryRepo(files: Record<string, string>): RepoFiles & { reads: string[] } {
  const reads: string[] = [];
  return {
    root: '/memory',
    files: new Set(Object.keys(files)),
    reads,
    read(path) {
      reads.push(path);
      return files[path];
    },
  };
}
