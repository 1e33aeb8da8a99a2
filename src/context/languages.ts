/**
 * The grammar registry: which languages we parse, how files map to them, and lazy loading of
 * their tree-sitter grammars (web-tree-sitter + @repomix/tree-sitter-wasms). A grammar is
 * compiled at most once per process, on first use, so commands that never parse pay nothing.
 */
import { createRequire } from 'node:module';
import { dirname, extname, join } from 'node:path';
import type { Language } from 'web-tree-sitter';

export type LanguageId =
  | 'python'
  | 'typescript'
  | 'tsx'
  | 'javascript'
  | 'go'
  | 'rust'
  | 'java'
  | 'c'
  | 'cpp'
  | 'ruby'
  | 'csharp'
  | 'php'
  | 'swift';

export interface LanguageSpec {
  id: LanguageId;
  /** File in @repomix/tree-sitter-wasms/out. */
  wasm: string;
  extensions: readonly string[];
  /** Prefix of a line comment, used when we write comments into prompts (e.g. file paths). */
  lineComment: string;
}

export const LANGUAGES: Readonly<Record<LanguageId, LanguageSpec>> = {
  python: { id: 'python', wasm: 'tree-sitter-python.wasm', extensions: ['.py', '.pyi', '.pyw'], lineComment: '#' },
  typescript: { id: 'typescript', wasm: 'tree-sitter-typescript.wasm', extensions: ['.ts', '.mts', '.cts'], lineComment: '//' },
  tsx: { id: 'tsx', wasm: 'tree-sitter-tsx.wasm', extensions: ['.tsx'], lineComment: '//' },
  // The JavaScript grammar parses JSX too.
  javascript: { id: 'javascript', wasm: 'tree-sitter-javascript.wasm', extensions: ['.js', '.jsx', '.mjs', '.cjs'], lineComment: '//' },
  go: { id: 'go', wasm: 'tree-sitter-go.wasm', extensions: ['.go'], lineComment: '//' },
  rust: { id: 'rust', wasm: 'tree-sitter-rust.wasm', extensions: ['.rs'], lineComment: '//' },
  java: { id: 'java', wasm: 'tree-sitter-java.wasm', extensions: ['.java'], lineComment: '//' },
  c: { id: 'c', wasm: 'tree-sitter-c.wasm', extensions: ['.c', '.h'], lineComment: '//' },
  cpp: { id: 'cpp', wasm: 'tree-sitter-cpp.wasm', extensions: ['.cc', '.cpp', '.cxx', '.c++', '.hpp', '.hh', '.hxx', '.h++', '.ipp'], lineComment: '//' },
  ruby: { id: 'ruby', wasm: 'tree-sitter-ruby.wasm', extensions: ['.rb', '.rake', '.gemspec'], lineComment: '#' },
  csharp: { id: 'csharp', wasm: 'tree-sitter-c_sharp.wasm', extensions: ['.cs'], lineComment: '//' },
  php: { id: 'php', wasm: 'tree-sitter-php.wasm', extensions: ['.php'], lineComment: '//' },
  swift: { id: 'swift', wasm: 'tree-sitter-swift.wasm', extensions: ['.swift'], lineComment: '//' },
};

const BY_EXTENSION = new Map<string, LanguageId>();
for (const spec of Object.values(LANGUAGES)) for (const ext of spec.extensions) BY_EXTENSION.set(ext, spec.id);

const BY_FILENAME: Record<string, LanguageId> = { Rakefile: 'ruby', Gemfile: 'ruby' };

export function languageForPath(path: string): LanguageId | undefined {
  const base = path.slice(path.lastIndexOf('/') + 1);
  return BY_FILENAME[base] ?? BY_EXTENSION.get(extname(base).toLowerCase());
}

export function isLanguageId(value: string): value is LanguageId {
  return Object.hasOwn(LANGUAGES, value);
}

type TreeSitter = typeof import('web-tree-sitter');

let runtime: Promise<TreeSitter> | undefined;
const grammars = new Map<LanguageId, Promise<Language>>();

/** The web-tree-sitter module, initialised once. */
export function treeSitter(): Promise<TreeSitter> {
  runtime ??= import('web-tree-sitter').then(async (module) => {
    await module.Parser.init();
    return module;
  });
  return runtime;
}

function wasmDirectory(): string {
  const require = createRequire(import.meta.url);
  return join(dirname(require.resolve('@repomix/tree-sitter-wasms/package.json')), 'out');
}

export function loadLanguage(id: LanguageId): Promise<Language> {
  let pending = grammars.get(id);
  if (!pending) {
    pending = treeSitter().then((module) => module.Language.load(join(wasmDirectory(), LANGUAGES[id].wasm)));
    // A failed load (missing file) should be retried next time rather than cached forever.
    pending.catch(() => grammars.delete(id));
    grammars.set(id, pending);
  }
  return pending;
}
