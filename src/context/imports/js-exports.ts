/**
 * Following TS/JS re-exports (barrel files) to the module that defines a name. This is a regex
 * summary, not a parse: `ImportResolver.resolve` is synchronous and runs per keystroke, and the
 * export forms that matter are few and regular.
 */
import type { RepoIndex } from './shared.js';

interface Origin {
  source: string;
  /** The name in `source`; '*' when the binding is the whole module namespace. */
  original: string;
}

interface ExportSummary {
  /** Names exported from this file's own declarations ('default' included). */
  defines: Set<string>;
  /** Exported name → where it really comes from. */
  named: Map<string, Origin>;
  /** Modules re-exported wholesale with `export * from`. */
  stars: string[];
}

type Specifier = { original: string; local: string };

function specifiers(list: string): Specifier[] {
  const out: Specifier[] = [];
  for (const raw of list.split(',')) {
    const item = raw.trim().replace(/^type\s+/, '');
    if (!item) continue;
    const [original, local] = item.split(/\s+as\s+/);
    out.push({ original: original!.trim(), local: (local ?? original!).trim() });
  }
  return out;
}

const STAR = /export\s+(?:type\s+)?\*\s+from\s*(['"])([^'"]+)\1/g;
const STAR_AS = /export\s+(?:type\s+)?\*\s+as\s+([\w$]+)\s+from\s*(['"])([^'"]+)\2/g;
const NAMED_FROM = /export\s+(?:type\s+)?\{([^}]*)\}\s*from\s*(['"])([^'"]+)\2/g;
const LOCAL_LIST = /export\s+(?:type\s+)?\{([^}]*)\}(?!\s*from\b)/g;
const IMPORT = /import\s+(?:type\s+)?([\w$]+\s*,?\s*)?(\{[^}]*\}|\*\s*as\s+[\w$]+)?\s*from\s*(['"])([^'"]+)\3/g;
const DECLARATION = /export\s+(?:declare\s+)?(default\s+)?(?:abstract\s+)?(?:async\s+)?(?:function\s*\*?|class|const|let|var|interface|type|enum|namespace|module)\s+([\w$]+)/g;
const DEFAULT = /export\s+default\b/;

function summarize(index: RepoIndex, path: string): ExportSummary {
  return index.memo(`js:exports:${path}`, () => {
    const text = index.read(path) ?? '';
    const summary: ExportSummary = { defines: new Set(), named: new Map(), stars: [] };
    if (DEFAULT.test(text)) summary.defines.add('default');
    for (const match of text.matchAll(DECLARATION)) summary.defines.add(match[1] ? 'default' : match[2]!);
    for (const match of text.matchAll(STAR)) summary.stars.push(match[2]!);
    for (const match of text.matchAll(STAR_AS)) summary.named.set(match[1]!, { source: match[3]!, original: '*' });
    for (const match of text.matchAll(NAMED_FROM)) {
      for (const { original, local } of specifiers(match[1]!)) summary.named.set(local, { source: match[3]!, original });
    }
    // `import {a} from './a'; export {a};` is a re-export in two steps.
    const imported = new Map<string, Origin>();
    for (const match of text.matchAll(IMPORT)) {
      const source = match[4]!;
      const defaultName = match[1]?.replace(/[\s,]/g, '');
      if (defaultName) imported.set(defaultName, { source, original: 'default' });
      const clause = match[2];
      if (clause?.startsWith('{')) for (const { original, local } of specifiers(clause.slice(1, -1))) imported.set(local, { source, original });
      else if (clause) imported.set(clause.replace(/^\*\s*as\s+/, '').trim(), { source, original: '*' });
    }
    for (const match of text.matchAll(LOCAL_LIST)) {
      for (const { original, local } of specifiers(match[1]!)) {
        const origin = imported.get(original);
        if (origin) summary.named.set(local, origin);
        else summary.defines.add(local);
      }
    }
    return summary;
  });
}

export type ResolveSpecifier = (fromPath: string, specifier: string) => string | undefined;

/** The file that defines `name` as exported by `file`, following re-exports; undefined when not found. */
export function definingFile(index: RepoIndex, file: string, name: string, resolveSpecifier: ResolveSpecifier, depth = 0): string | undefined {
  if (depth > 10) return undefined;
  const summary = summarize(index, file);
  if (summary.defines.has(name)) return file;
  const origin = summary.named.get(name);
  if (origin) {
    const target = resolveSpecifier(file, origin.source);
    if (!target) return undefined;
    if (origin.original === '*') return target;
    return definingFile(index, target, origin.original, resolveSpecifier, depth + 1) ?? target;
  }
  // `export *` never forwards the default export.
  if (name === 'default') return undefined;
  for (const source of summary.stars) {
    const target = resolveSpecifier(file, source);
    if (!target || target === file) continue;
    const found = definingFile(index, target, name, resolveSpecifier, depth + 1);
    if (found) return found;
  }
  return undefined;
}
