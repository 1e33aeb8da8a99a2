/**
 * Import extraction and resolution, warm: this runs on every keystroke for the file being edited,
 * so the resolve half has to stay well under a millisecond once the resolver's indexes are built.
 */
import { readdirSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ImportResolver, extractImports } from '../src/context/imports.js';
import { languageForPath } from '../src/context/languages.js';
import { createRepoFiles } from '../src/context/repo-files.js';
import { measure, printTable, type Measurement } from './harness.js';

const fixtures = fileURLToPath(new URL('../fixtures/imports/', import.meta.url));

/** One representative importer per fixture repository: the file with the most import forms. */
const SUBJECTS: Record<string, string> = {
  python: 'src/shop/cli.py',
  typescript: 'src/app.tsx',
  'ts-workspace': 'apps/web/src/main.ts',
  go: 'main.go',
  rust: 'src/util/math.rs',
  java: 'src/main/java/com/acme/App.java',
  c: 'src/main.c',
  ruby: 'lib/my_gem.rb',
  csharp: 'src/Acme.App/Program.cs',
  php: 'src/Http/Controller.php',
  swift: 'Sources/App/main.swift',
};

function listFiles(root: string): string[] {
  return readdirSync(root, { recursive: true, withFileTypes: true })
    .filter((entry) => entry.isFile())
    .map((entry) => relative(root, join(entry.parentPath, entry.name)).split('\\').join('/'));
}

/**
 * Paths that exist only in the file list (reads return nothing), so that the per-call cost of
 * directory and basename lookups is measured against a repository of realistic size.
 */
function syntheticPaths(count: number): string[] {
  const extensions = ['.py', '.ts', '.go', '.rs', '.java', '.c', '.h', '.rb', '.cs', '.php', '.swift', '.md'];
  const out: string[] = [];
  for (let i = 0; i < count; i++) out.push(`vendor-like/d${i % 997}/sub${i % 13}/file${i}${extensions[i % extensions.length]}`);
  return out;
}

const SYNTHETIC = syntheticPaths(20_000);
const rows: Measurement[] = [];
for (const [fixture, subject] of Object.entries(SUBJECTS)) {
  const root = join(fixtures, fixture);
  const repo = createRepoFiles(root, listFiles(root));
  const resolver = new ImportResolver(repo);
  const language = languageForPath(subject)!;
  const text = repo.read(subject)!;
  const statements = await extractImports(language, text);

  const both = await measure(`${fixture}: extract+resolve`, 200, () => resolver.resolveFile(subject, text), 20);
  both.extra = { imports: String(statements.length) };
  rows.push(both);
  const resolveOnly = await measure(`${fixture}: resolve only`, 200, () => {
    for (const statement of statements) resolver.resolve(subject, statement, language);
  }, 20);
  resolveOnly.extra = { imports: String(statements.length) };
  rows.push(resolveOnly);

  const large = new ImportResolver(createRepoFiles(root, [...listFiles(root), ...SYNTHETIC]));
  const largeOnly = await measure(`${fixture}: resolve only, +20k files`, 200, () => {
    for (const statement of statements) large.resolve(subject, statement, language);
  }, 20);
  largeOnly.extra = { imports: String(statements.length) };
  rows.push(largeOnly);
}
printTable('Imports: one file per fixture language, warm', rows);
