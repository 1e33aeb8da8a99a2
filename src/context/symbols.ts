/**
 * Definitions and nearby references, found with tree-sitter queries. The passes here are the same
 * for every language; what differs (queries, comment syntax, what a constructor is called) comes
 * from `queries/<language>.ts`.
 */
import type { Node, Query } from 'web-tree-sitter';
import type { LanguageId } from './languages.js';
import { compileQuery, withTree } from './parse.js';
import { parsedExtent } from './parsed-extent.js';
import { rulesFor } from './queries/index.js';
import { CONTAINER_KINDS, type Draft, type DraftKind, type LanguageRules, type Span } from './queries/rules.js';
import type { Range, Reference, SymbolDef } from './types.js';

/** A symbol with the syntax nodes behind it, for passes (like skeletons) that rewrite the source. */
export interface Definition {
  /** Undefined for naming-only containers such as Rust `impl` blocks. */
  symbol?: SymbolDef;
  draft: Draft;
  kind: DraftKind;
  /** The definition with its wrappers (`export`, decorators, `template <...>`). */
  outer: Node;
  /** Comments above that make up the doc. */
  docNodes: Node[];
  /** The docstring statement at the top of the body (Python). */
  docstring?: Node;
}

const VALUE_KINDS: ReadonlySet<DraftKind> = new Set(['constant', 'variable', 'field', 'type', 'macro']);
/** Tokens that open a body and so do not belong to the signature (`def f():`, `def f(x) = x`). */
const BODY_OPENERS = new Set([':', '{', '=']);
const MAX_SIGNATURE_LINE = 160;

export function definitionsQuery(language: LanguageId): Promise<Query> {
  return compileQuery(language, 'definitions', rulesFor(language).definitions);
}

/**
 * Restricts a query to nodes intersecting these rows and columns. (Positions rather than
 * indices: web-tree-sitter's query indices count bytes, ours count UTF-16 units.)
 */
export interface PointRange {
  startPosition: { row: number; column: number };
  endPosition: { row: number; column: number };
}

/**
 * Definitions in `text`, in document order. With `within`, only definitions whose node overlaps
 * that range (for a one-character range: the definitions around it) are built, which is what
 * the cursor's scope needs and costs far less than the whole file on every keystroke.
 */
export async function extractSymbols(language: LanguageId, text: string, within?: PointRange): Promise<SymbolDef[]> {
  const rules = rulesFor(language);
  const query = await definitionsQuery(language);
  return withTree(language, text, (tree) => {
    const found: SymbolDef[] = [];
    for (const definition of collectDefinitions(rules, query, tree.rootNode, text, within)) if (definition.symbol) found.push(definition.symbol);
    return found;
  });
}

/** Every definition in document order (outer before inner), scopes included. */
export function collectDefinitions(rules: LanguageRules, query: Query, root: Node, text: string, within?: PointRange): Definition[] {
  const drafts = draftsFrom(rules, query, root, text, within);
  const byNode = new Map<number, Draft>();
  for (const draft of drafts) if (!byNode.has(draft.node.id)) byNode.set(draft.node.id, draft);

  const definitions: Definition[] = [];
  for (const draft of drafts) {
    const enclosing: Draft[] = [];
    for (let ancestor = draft.node.parent; ancestor; ancestor = ancestor.parent) {
      const found = byNode.get(ancestor.id);
      if (found) enclosing.push(found);
    }
    const segments = enclosing
      .filter((outerDraft) => CONTAINER_KINDS.has(outerDraft.kind))
      .reverse()
      .map((outerDraft) => [...(outerDraft.qualifier ?? []), outerDraft.name].join('.'));
    segments.push(...(draft.qualifier ?? []));
    draft.kind = resolveKind(draft, enclosing[0], segments.at(-1), rules);

    const outer = outerNode(draft.node, rules);
    const { doc, docNodes, docstring } = documentation(draft, outer, root, rules, text);
    const definition: Definition = { draft, kind: draft.kind, outer, docNodes, docstring };
    if (draft.kind !== 'scope') {
      definition.symbol = {
        name: draft.name,
        kind: draft.kind,
        range: toRange(outer),
        nameRange: toRange(draft.nameSpan),
        ...(draft.body ? { bodyRange: toRange(draft.body) } : {}),
        signature: signatureOf(draft, outer, rules, text),
        ...(doc ? { doc } : {}),
        ...(segments.length ? { container: segments.join('.') } : {}),
      };
    }
    definitions.push(definition);
  }
  return definitions;
}

function draftsFrom(rules: LanguageRules, query: Query, root: Node, text: string, within?: PointRange): Draft[] {
  const chosen = new Map<string, { draft: Draft; pattern: number }>();
  for (const match of query.matches(root, within)) {
    const captures: Record<string, Node> = {};
    let node: Node | undefined;
    let label = '';
    for (const capture of match.captures) {
      if (capture.name === 'scope' || capture.name.startsWith('definition.')) {
        node = capture.node;
        label = capture.name;
      } else captures[capture.name] = capture.node;
    }
    if (!node) continue;
    const [, kind, flag] = label === 'scope' ? ['', 'scope'] : label.split('.');
    const name = captures['name'];
    const body = captures['body'] ?? node.childForFieldName('body') ?? undefined;
    let draft: Draft | undefined = {
      kind: kind as DraftKind,
      node,
      name: name?.text ?? '',
      nameSpan: name ?? node,
      body,
      bodyNode: body,
      topLevelOnly: flag === 'toplevel',
      captures,
    };
    if (rules.refine) draft = rules.refine(draft, text);
    if (!draft?.name) continue;
    // Several patterns can claim one node (an arrow function is also a constant); the first pattern wins.
    const key = `${node.id}:${draft.nameSpan.startIndex}`;
    const previous = chosen.get(key);
    if (!previous || match.patternIndex < previous.pattern) chosen.set(key, { draft, pattern: match.patternIndex });
  }
  const drafts = [...chosen.values()].map((entry) => entry.draft).filter((draft) => !draft.topLevelOnly || !insideLocalScope(draft.node, rules));
  return drafts.sort((a, b) => a.node.startIndex - b.node.startIndex || b.node.endIndex - a.node.endIndex || a.nameSpan.startIndex - b.nameSpan.startIndex);
}

function insideLocalScope(node: Node, rules: LanguageRules): boolean {
  for (let ancestor = node.parent; ancestor; ancestor = ancestor.parent) if (rules.localScopes.has(ancestor.type)) return true;
  return false;
}

function resolveKind(draft: Draft, nearest: Draft | undefined, containerName: string | undefined, rules: LanguageRules): DraftKind {
  let kind = draft.kind;
  // Whether a function is a method depends on where it sits, which queries cannot always see.
  if (kind === 'function' || kind === 'method') {
    const inType = nearest !== undefined && rules.methodContainers.has(nearest.kind);
    kind = inType || draft.qualifier?.length ? 'method' : 'function';
  }
  if (kind === 'method' && (rules.constructorNames?.has(draft.name) || (rules.constructorIsClassName && draft.name === containerName))) kind = 'constructor';
  return kind;
}

/** Climbs through wrappers that hold only this definition, so `export`/decorators belong to it. */
function outerNode(node: Node, rules: LanguageRules): Node {
  let current = node;
  for (let parent = current.parent; parent; parent = current.parent) {
    const wraps = rules.wraps ? rules.wraps(parent, current) : rules.wrappers.has(parent.type) && soleOfItsType(parent, current);
    if (!wraps) break;
    current = parent;
  }
  return current;
}

function soleOfItsType(parent: Node, child: Node): boolean {
  let count = 0;
  for (const sibling of parent.namedChildren) if (sibling?.type === child.type) count++;
  return count === 1;
}

function signatureStart(node: Node, rules: LanguageRules): number | undefined {
  for (const child of node.children) {
    if (!child || rules.decorators.has(child.type) || rules.comments.has(child.type)) continue;
    // Java/Swift keep annotations inside a `modifiers` node: skip them there too.
    const first = child.firstChild;
    if (first && rules.decorators.has(first.type)) {
      const inner = signatureStart(child, rules);
      if (inner === undefined) continue;
      return inner;
    }
    return child.startIndex;
  }
  return undefined;
}

function signatureOf(draft: Draft, outer: Node, rules: LanguageRules, text: string): string {
  const start = signatureStart(outer, rules) ?? outer.startIndex;
  if (draft.body) {
    let end = draft.body.startIndex;
    if (draft.bodyNode && draft.bodyNode.startIndex === draft.body.startIndex) {
      let previous = draft.bodyNode.previousSibling;
      while (previous && rules.comments.has(previous.type)) previous = previous.previousSibling;
      if (previous && previous.startIndex >= start) end = BODY_OPENERS.has(previous.type) ? previous.startIndex : previous.endIndex;
    }
    return text.slice(start, Math.max(start, end)).trim();
  }
  const signature = text.slice(start, draft.signatureEnd ?? outer.endIndex).trim().replace(/[;,]$/, '').trimEnd();
  if (!VALUE_KINDS.has(draft.kind)) return signature;
  // A constant's value can be a page of data: its first line says what it is.
  const line = signature.split('\n', 1)[0]!.trimEnd();
  return line.length > MAX_SIGNATURE_LINE ? `${line.slice(0, MAX_SIGNATURE_LINE)}…` : line;
}

function documentation(draft: Draft, outer: Node, root: Node, rules: LanguageRules, text: string): { doc?: string; docNodes: Node[]; docstring?: Node } {
  if (rules.docstring && draft.bodyNode) {
    const docstring = rules.docstring(draft.bodyNode);
    if (docstring) return { doc: rules.docstringText?.(docstring) || undefined, docNodes: [], docstring };
  }
  const docNodes = commentsAbove(root, outer.startIndex, rules, text);
  if (!docNodes.length) return { docNodes };
  let doc = cleanComments(docNodes.map((node) => node.text));
  if (rules.polishDoc) doc = rules.polishDoc(doc);
  return { doc: doc || undefined, docNodes };
}

/**
 * Comments directly above `start`, skipping decorators in between. Works on text positions rather
 * than siblings because grammars put such comments in odd places (inside the previous block).
 */
function commentsAbove(root: Node, start: number, rules: LanguageRules, text: string): Node[] {
  const found: Node[] = [];
  let cursor = start;
  for (;;) {
    let index = cursor - 1;
    while (index >= 0 && /\s/.test(text[index]!)) index--;
    if (index < 0 || newlinesBetween(text, index + 1, cursor) > 1) break;
    let hit: Node | undefined;
    for (let node: Node | null = root.descendantForIndex(index); node && node.endIndex <= cursor; node = node.parent) {
      if (rules.comments.has(node.type) || rules.decorators.has(node.type)) {
        hit = node;
        break;
      }
    }
    if (!hit) break;
    if (!rules.comments.has(hit.type)) {
      cursor = hit.startIndex;
      continue;
    }
    // A comment after code on its line annotates that code.
    const lineStart = text.lastIndexOf('\n', hit.startIndex - 1) + 1;
    if (text.slice(lineStart, hit.startIndex).trim()) break;
    found.unshift(hit);
    cursor = hit.startIndex;
  }
  return found;
}

function newlinesBetween(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

/** Comment texts without their markers (`//`, `///`, `#`, `/** * *\/`) and common indentation. */
function cleanComments(texts: string[]): string {
  const lines: string[] = [];
  for (const raw of texts) {
    const text = raw.trimEnd();
    if (text.startsWith('/*')) {
      const inner = text.replace(/^\/\*+!?/, '').replace(/\*+\/$/, '');
      for (const line of inner.split('\n')) lines.push(line.replace(/^\s*\*(?!\/) ?/, ''));
    } else {
      for (const line of text.split('\n')) lines.push(line.replace(/^\s*(\/\/[/!]?|#)/, ''));
    }
  }
  const indents = lines.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length);
  const common = indents.length ? Math.min(...indents) : 0;
  return lines
    .map((line) => line.slice(common).trimEnd())
    .join('\n')
    .trim();
}

function toRange(span: Span): Range {
  return {
    startLine: span.startPosition.row,
    startColumn: span.startPosition.column,
    endLine: span.endPosition.row,
    endColumn: span.endPosition.column,
    startIndex: span.startIndex,
    endIndex: span.endIndex,
  };
}

/**
 * Identifiers near `offset` worth looking up elsewhere: within `radiusLines` lines before it and a
 * quarter of that after (code being written leans on what came before), minus keywords and names
 * declared in that window (locals, parameters, the definitions themselves). One entry per name,
 * at its occurrence nearest the offset, nearest first. Only the window is queried; the parse is
 * incremental from the previous keystroke's tree (see parse.ts), so long files stay cheap.
 */
export async function referencesNear(language: LanguageId, text: string, offset: number, radiusLines = 20): Promise<Reference[]> {
  const rules = rulesFor(language);
  const [references, declarations] = await Promise.all([
    compileQuery(language, 'references', rules.references),
    compileQuery(language, 'declarations', rules.declarations),
  ]);
  const at = Math.max(0, Math.min(offset, text.length));
  const row = newlinesBetween(text, 0, at);
  const first = Math.max(0, row - radiusLines);
  const last = row + Math.ceil(radiusLines / 4);
  const window = { startPosition: { row: first, column: 0 }, endPosition: { row: last + 1, column: 0 } };

  // The window ends a few lines after the cursor: the document's parsed extent holds it.
  return withTree(language, parsedExtent(text, offset), (tree) => {
    const declared = new Set<string>();
    for (const { node } of declarations.captures(tree.rootNode, window)) declared.add(node.text);
    const nearest = new Map<string, { reference: Reference; distance: number }>();
    for (const { node } of references.captures(tree.rootNode, window)) {
      const line = node.startPosition.row;
      if (line < first || line > last || node.isMissing) continue;
      const name = node.text;
      if (!name || declared.has(name) || rules.ignoredNames.has(name) || rules.skipReference?.(node)) continue;
      const index = node.startIndex;
      const distance = index >= at ? index - at : Math.max(0, at - node.endIndex);
      const seen = nearest.get(name);
      if (seen && seen.distance <= distance) continue;
      nearest.set(name, { reference: { name, line, column: node.startPosition.column, index }, distance });
    }
    return [...nearest.values()].sort((a, b) => a.distance - b.distance || a.reference.index - b.reference.index).map((entry) => entry.reference);
  }, { document: true });
}

