/**
 * A repository-wide map from a name to the files that appear to define it, built by a cheap
 * per-language scan for definition keywords. It is a candidate filter, not the truth: the
 * candidates are parsed with tree-sitter before anything is reported. Scanning text is ~100×
 * cheaper than parsing it, which keeps a cold start on a few thousand files well under a second.
 */
import { detachedString } from '../util/detached-string.js';
import { languageForPath, type LanguageId } from './languages.js';
import type { RepoFiles } from './repo-files.js';
import type { SymbolDef } from './types.js';
import { lineStarts } from './window.js';

const IDENT = '([A-Za-z_$][\\w$]*)';

const PATTERNS: Record<LanguageId, RegExp> = {
  python: new RegExp(`^[ \\t]*(?:async[ \\t]+)?(?:def|class)[ \\t]+${IDENT}|^${IDENT}[ \\t]*(?::[^=\\n]*)?=(?!=)`, 'gm'),
  typescript: jsLike(),
  tsx: jsLike(),
  javascript: jsLike(),
  go: new RegExp(`\\bfunc[ \\t]+(?:\\([^)]*\\)[ \\t]*)?${IDENT}|^(?:type|var|const)[ \\t]+${IDENT}|^[ \\t]+${IDENT}[ \\t]+(?:struct|interface)\\b|^[ \\t]+${IDENT}(?:[ \\t]+[\\w.*\\[\\]]+)?[ \\t]*=`, 'gm'),
  rust: new RegExp(`\\b(?:fn|struct|enum|trait|type|mod|const|static|union)[ \\t]+${IDENT}|macro_rules![ \\t]*${IDENT}`, 'gm'),
  java: javaLike(),
  csharp: javaLike(),
  c: cLike(),
  cpp: cLike(),
  ruby: new RegExp(`\\bdef[ \\t]+(?:self\\.)?([A-Za-z_]\\w*[?!=]?)|\\b(?:class|module)[ \\t]+(?:[A-Z]\\w*::)*${IDENT}|^[ \\t]*([A-Z][A-Z0-9_]*)[ \\t]*=`, 'gm'),
  php: new RegExp(`\\bfunction[ \\t]+&?${IDENT}|\\b(?:class|interface|trait|enum)[ \\t]+${IDENT}|\\bconst[ \\t]+${IDENT}`, 'gm'),
  swift: new RegExp(`\\b(?:func|class|struct|protocol|enum|typealias|extension|actor)[ \\t]+${IDENT}|\\b(?:let|var)[ \\t]+${IDENT}[ \\t]*[:=]`, 'gm'),
};

function jsLike(): RegExp {
  return new RegExp(
    `\\b(?:function\\*?|class|interface|type|enum|namespace)[ \\t]+${IDENT}` +
      `|\\b(?:const|let|var)[ \\t]+${IDENT}[ \\t]*[:=]` +
      // Class members: an indented name followed by a parameter list and a body or a return type.
      `|^[ \\t]+(?:(?:public|private|protected|static|async|readonly|override|abstract|get|set)[ \\t]+)*\\*?${IDENT}[ \\t]*(?:<[^>\\n]*>)?\\([^\\n]*\\)[ \\t]*(?::[^\\n{]*)?\\{`,
    'gm',
  );
}

function javaLike(): RegExp {
  return new RegExp(
    `\\b(?:class|interface|enum|record|struct|namespace)[ \\t]+${IDENT}` +
      `|^[ \\t]*(?:(?:public|private|protected|internal|static|final|abstract|synchronized|override|virtual|async|sealed|partial|default)[ \\t]+)*[\\w<>\\[\\],.? \\t]+?[ \\t]${IDENT}[ \\t]*\\([^;\\n]*$`,
    'gm',
  );
}

function cLike(): RegExp {
  return new RegExp(
    `\\b(?:struct|class|union|enum|namespace)[ \\t]+${IDENT}[ \\t]*(?:[:{]|$)` +
      `|^#[ \\t]*define[ \\t]+${IDENT}` +
      `|^typedef\\b[^;]*?\\b${IDENT}[ \\t]*;` +
      // A function definition starts at column 0 and has no semicolon on its header line.
      `|^[A-Za-z_][\\w \\t*&<>,:]*?(?:::)?${IDENT}[ \\t]*\\([^;]*$`,
    'gm',
  );
}

/** What the matched keyword says about the definition, without parsing it. */
export type DefinitionHint = 'callable' | 'type' | 'value';

export interface IndexedDefinition {
  path: string;
  name: string;
  /** 0-based line of the match. */
  line: number;
  hint: DefinitionHint;
}

function hintOf(matched: string): DefinitionHint {
  if (/\b(interface|type|typealias|protocol|trait|namespace|module|mod|enum)\b/.test(matched) && !/\b(class|struct|fn|func|def|function)\b/.test(matched)) {
    return 'type';
  }
  if (/\b(const|let|var|static)\b|=\s*$|[:=]$/.test(matched) && !/\(/.test(matched)) return 'value';
  return 'callable';
}

/**
 * A definition's extent guessed from indentation alone, for when parsing its file now would cost
 * too much: the header line, then every line indented deeper (or blank), then a closing
 * bracket line at the header's own indentation.
 */
export function approximateDefinition(text: string, entry: IndexedDefinition): SymbolDef {
  // Line starts rather than split lines: the file is long (short ones are parsed instead), and
  // the same few files come back on every keystroke, whose starts are kept.
  const starts = lineStarts(text);
  const lineAt = (row: number) => (row < starts.length ? text.slice(starts[row]!, row + 1 < starts.length ? starts[row + 1]! - 1 : text.length) : '');
  const header = lineAt(entry.line);
  const indent = /^[ \t]*/.exec(header)![0].length;
  let last = entry.line;
  for (let row = entry.line + 1; row < starts.length; row++) {
    const line = lineAt(row);
    if (line.trim() === '') continue;
    const depth = /^[ \t]*/.exec(line)![0].length;
    if (depth > indent) {
      last = row;
      continue;
    }
    if (/^[ \t]*[)}\]]/.test(line) || /^[ \t]*end\b/.test(line)) last = row;
    break;
  }
  const startIndex = starts[entry.line]!;
  const endIndex = starts[last]! + lineAt(last).length;
  const column = header.indexOf(entry.name);
  const range = { startLine: entry.line, startColumn: indent, endLine: last, endColumn: lineAt(last).length, startIndex: startIndex + indent, endIndex };
  return {
    name: entry.name,
    kind: entry.hint === 'type' ? 'type' : entry.hint === 'value' ? 'variable' : 'function',
    range,
    nameRange: { ...range, endLine: entry.line, startColumn: column, endColumn: column + entry.name.length, startIndex: startIndex + column, endIndex: startIndex + column + entry.name.length },
    signature: header.trim().replace(/[{:]\s*$/, '').trim(),
  };
}

export class DefinitionIndex {
  private readonly byName = new Map<string, IndexedDefinition[]>();
  private readonly names = new Map<string, string>();
  private readonly byFile = new Map<string, IndexedDefinition[]>();

  constructor(private readonly repo: RepoFiles) {}

  /** Scans every file of a known language once. */
  build(): this {
    for (const path of this.repo.files) this.add(path);
    return this;
  }

  /** Definitions of `name` anywhere, in repository order. */
  lookup(name: string): readonly IndexedDefinition[] {
    return this.byName.get(name) ?? [];
  }

  /** Definitions in one file, in file order (indexing the file now if it was not yet). */
  inFile(path: string): readonly IndexedDefinition[] {
    if (!this.byFile.has(path)) this.add(path);
    return this.byFile.get(path) ?? [];
  }

  /** Scans a file again after it changed on disk (or forgets it, once deleted). */
  refresh(path: string): void {
    const old = this.byFile.get(path);
    this.byFile.delete(path);
    for (const entry of old ?? []) {
      const named = this.byName.get(entry.name);
      if (!named) continue;
      const kept = named.filter((other) => other.path !== path);
      if (kept.length > 0) this.byName.set(entry.name, kept);
      else this.byName.delete(entry.name);
    }
    if (this.repo.files.has(path)) this.add(path);
  }

  get fileCount(): number {
    return this.byFile.size;
  }

  /** One detached copy of each name: regex groups are slices that would keep every scanned file alive. */
  private intern(name: string): string {
    let copy = this.names.get(name);
    if (copy === undefined) {
      copy = detachedString(name);
      this.names.set(copy, copy);
    }
    return copy;
  }

  private add(path: string): void {
    if (this.byFile.has(path)) return;
    const language = languageForPath(path);
    const text = language ? this.repo.read(path) : undefined;
    const entries: IndexedDefinition[] = [];
    this.byFile.set(path, entries);
    if (!language || text === undefined) return;
    const pattern = PATTERNS[language];
    pattern.lastIndex = 0;
    let line = 0;
    let counted = 0;
    for (let match = pattern.exec(text); match; match = pattern.exec(text)) {
      if (match[0].length === 0) pattern.lastIndex++;
      const name = match.slice(1).find((group) => group !== undefined);
      if (!name) continue;
      for (let i = text.indexOf('\n', counted); i !== -1 && i < match.index; i = text.indexOf('\n', i + 1)) {
        line++;
        counted = i + 1;
      }
      const entry: IndexedDefinition = { path, name: this.intern(name), line, hint: hintOf(match[0]) };
      entries.push(entry);
      const named = this.byName.get(entry.name);
      if (named) named.push(entry);
      else this.byName.set(entry.name, [entry]);
    }
  }
}
