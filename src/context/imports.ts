/**
 * Import extraction (tree-sitter) and resolution to repository files, for every language in the
 * grammar registry. The per-language rules and the conventions each uses for `ImportStatement`
 * live in src/context/imports/<language>.ts; this module only dispatches.
 *
 * Resolution is synchronous and cheap after warm-up: whole-repository indexes (directory listings,
 * basenames, go.mod/Cargo.toml/tsconfig/composer data, C# namespaces) are built on first need and
 * cached on the resolver, and file summaries used to follow re-exports are cached per file. The
 * resolver assumes the file set does not change under it; make a new one when it does.
 */
import { languageForPath, type LanguageId } from './languages.js';
import type { RepoFiles } from './repo-files.js';
import type { ImportStatement, ResolvedImport } from './types.js';
import { c } from './imports/c.js';
import { csharp } from './imports/csharp.js';
import { go, goSamePackage } from './imports/go.js';
import { java, javaSamePackage } from './imports/java.js';
import { javascript } from './imports/javascript.js';
import { php } from './imports/php.js';
import { python } from './imports/python.js';
import { ruby } from './imports/ruby.js';
import { rust } from './imports/rust.js';
import { RepoIndex, type ImportLanguage } from './imports/shared.js';
import { swift } from './imports/swift.js';

export { isSystemInclude } from './imports/c.js';

const HANDLERS: Readonly<Record<LanguageId, ImportLanguage>> = {
  python,
  typescript: javascript,
  tsx: javascript,
  javascript,
  go,
  rust,
  java,
  c,
  cpp: c,
  ruby,
  csharp,
  php,
  swift,
};

/** The import statements of `text`, in source order, with 0-based lines. */
export function extractImports(language: LanguageId, text: string): Promise<ImportStatement[]> {
  return HANDLERS[language].extract(language, text);
}

export class ImportResolver {
  private readonly index: RepoIndex;

  constructor(readonly repo: RepoFiles) {
    this.index = new RepoIndex(repo);
  }

  /** Files changed on disk: manifests and file listings are read again when next needed. */
  filesChanged(): void {
    this.index.invalidate();
  }

  /** Repository-relative files that `statement` (written in `fromPath`) refers to, best first; [] when outside the repository. */
  resolve(fromPath: string, statement: ImportStatement, language: LanguageId): string[] {
    try {
      return HANDLERS[language].resolve(this.index, fromPath, statement, language);
    } catch {
      // A malformed manifest or an odd path must not break completion; unresolved is the safe answer.
      return [];
    }
  }

  /** Extracts and resolves every import of `text`, the current contents of `fromPath`. */
  async resolveFile(fromPath: string, text: string): Promise<ResolvedImport[]> {
    const language = languageForPath(fromPath);
    if (!language) return [];
    const statements = await extractImports(language, text);
    return statements.map((statement) => ({ statement, files: this.resolve(fromPath, statement, language) }));
  }

  /**
   * Files that share the importer's namespace without importing each other: the other .go files
   * of a Go package (tests only when asking from a test) and the other .java files of a Java
   * package directory. Other languages have no such implicit scope: [].
   */
  samePackageFiles(fromPath: string): string[] {
    const language = languageForPath(fromPath);
    if (language === 'go') return goSamePackage(this.index, fromPath);
    if (language === 'java') return javaSamePackage(this.index, fromPath);
    return [];
  }
}
