/**
 * File skeletons: the shape of a file for a prompt that cannot afford all of it. Imports,
 * top-level constants, type headers with their fields, and every signature with its doc stay;
 * function bodies become a placeholder that still parses (`...` in Python, `{ /* ... *\/ }` in
 * brace languages, `# ...` in Ruby), and top-level statements that define nothing go.
 *
 * The source is edited rather than regenerated, so whatever survives keeps its original text and
 * indentation.
 */
import type { Node } from 'web-tree-sitter';
import type { LanguageId } from './languages.js';
import { withTree } from './parse.js';
import { rulesFor } from './queries/index.js';
import { CONTAINER_KINDS, FUNCTION_KINDS, type ElisionStyle, type LanguageRules } from './queries/rules.js';
import { collectDefinitions, definitionsQuery, type Definition } from './symbols.js';

export interface Skeleton {
  text: string;
  lines: number;
  originalLines: number;
  /** Skeleton characters over original characters. */
  ratio: number;
}

interface Edit {
  start: number;
  end: number;
  text: string;
}

const BRACE_ELISION = '{ /* ... */ }';
/** Values up to this long, on one line, are kept whole. */
const MAX_VALUE = 80;
const PAIRS: Readonly<Record<string, string>> = { '{': '}', '[': ']', '(': ')' };
/** Template literals are left alone: cutting one can leave a `${` open. */
const QUOTES = new Set(['"', "'"]);

export async function skeleton(language: LanguageId, text: string): Promise<Skeleton> {
  const rules = rulesFor(language);
  const query = await definitionsQuery(language);
  const output = await withTree(language, text, (tree) => {
    const definitions = collectDefinitions(rules, query, tree.rootNode, text);
    return normalize(applyEdits(text, new Pruner(rules, text, definitions).edits(tree.rootNode)));
  });
  return { text: output, lines: countLines(output), originalLines: countLines(text), ratio: text.length ? output.length / text.length : 0 };
}

class Pruner {
  private readonly result: Edit[] = [];
  private readonly outers = new Set<number>();

  constructor(
    private readonly rules: LanguageRules,
    private readonly text: string,
    private readonly definitions: Definition[],
  ) {
    for (const definition of definitions) this.outers.add(definition.outer.id);
  }

  edits(root: Node): Edit[] {
    const style = this.rules.skeleton.elision;
    for (const definition of this.definitions) {
      if (FUNCTION_KINDS.has(definition.kind) && definition.draft.body) {
        const edit = this.elideBody(definition, style);
        if (edit) this.result.push(edit);
      } else if (definition.kind === 'constant' || definition.kind === 'variable') {
        const value = valueOf(definition);
        const shorter = value ? shortenValue(this.text.slice(value.startIndex, value.endIndex), style) : undefined;
        if (value && shorter !== undefined) this.result.push({ start: value.startIndex, end: value.endIndex, text: shorter });
      }
    }
    this.prune(root, 'top');
    for (const definition of this.definitions) {
      if (!CONTAINER_KINDS.has(definition.kind)) continue;
      const members = definition.draft.members ?? definition.draft.bodyNode;
      // Namespaces hold arbitrary top-level code; types hold only declarations, all worth keeping.
      if (members) this.prune(members, definition.kind === 'namespace' ? 'top' : 'members');
    }
    return this.result;
  }

  private elideBody(definition: Definition, style: ElisionStyle): Edit | undefined {
    const body = definition.draft.body!;
    const text = this.text;
    if (style === 'python') {
      const docstring = definition.docstring;
      if (!docstring) return { start: body.startIndex, end: body.endIndex, text: '...' };
      if (definition.draft.bodyNode?.namedChildCount === 1) return undefined;
      const lineStart = text.lastIndexOf('\n', docstring.startIndex - 1) + 1;
      const indent = text.slice(lineStart, docstring.startIndex);
      return { start: docstring.endIndex, end: body.endIndex, text: indent.trim() ? '; ...' : `\n${indent}...` };
    }
    if (style === 'ruby') {
      // An endless `def x = expr` is its own one-line summary.
      if (definition.draft.bodyNode?.type !== 'body_statement') return undefined;
      return { start: body.startIndex, end: body.endIndex, text: '# ...' };
    }
    const bodyText = text.slice(body.startIndex, body.endIndex);
    if (!bodyText.startsWith('{') && !bodyText.includes('\n')) return undefined;
    return { start: body.startIndex, end: body.endIndex, text: BRACE_ELISION };
  }

  /** Deletes what should not survive among `container`'s children. */
  private prune(container: Node, mode: 'top' | 'members'): void {
    const children: { node: Node; field: string | null }[] = [];
    container.children.forEach((child, index) => {
      if (child?.isNamed) children.push({ node: child, field: container.fieldNameForChild(index) });
    });
    const { comments, decorators, skeleton } = this.rules;
    const keep = children.map(({ node, field }): boolean | 'recurse' => {
      if (comments.has(node.type) || decorators.has(node.type)) return false;
      if (mode === 'members') return true;
      if (skeleton.keep.has(node.type) || skeleton.keepIf?.(node) || this.definesSomething(node)) return true;
      if (skeleton.transparent?.has(node.type)) return 'recurse';
      // The condition of an `#ifdef` and the like.
      return field !== null && !!skeleton.transparent?.has(container.type);
    });
    // Decorators and comments go with what they are attached to, so look at them after the rest.
    for (let i = children.length - 1; i >= 0; i--) {
      const node = children[i]!.node;
      if (decorators.has(node.type)) keep[i] = mode === 'members' || this.nextKept(children, keep, i);
      else if (comments.has(node.type)) keep[i] = this.keepComment(children, keep, i);
    }
    children.forEach(({ node }, i) => {
      if (keep[i] === 'recurse') this.prune(node, 'top');
      else if (!keep[i]) this.result.push(lineDeletion(node, this.text));
      else if (mode === 'members') {
        for (const body of skeleton.memberBodies?.(node) ?? []) {
          if (this.text[body.startIndex] === '{') this.result.push({ start: body.startIndex, end: body.endIndex, text: BRACE_ELISION });
        }
      }
    });
  }

  private definesSomething(node: Node): boolean {
    if (this.outers.has(node.id)) return true;
    return this.definitions.some(({ outer }) => outer.startIndex >= node.startIndex && outer.endIndex <= node.endIndex);
  }

  private nextKept(children: { node: Node }[], keep: (boolean | 'recurse')[], index: number): boolean {
    for (let j = index + 1; j < children.length; j++) {
      const type = children[j]!.node.type;
      if (this.rules.comments.has(type) || this.rules.decorators.has(type)) continue;
      return keep[j] === true;
    }
    return false;
  }

  /** Kept when it trails kept code on its line, or sits directly above something kept. */
  private keepComment(children: { node: Node }[], keep: (boolean | 'recurse')[], index: number): boolean {
    const node = children[index]!.node;
    const text = this.text;
    const lineStart = text.lastIndexOf('\n', node.startIndex - 1) + 1;
    if (text.slice(lineStart, node.startIndex).trim()) return index > 0 && keep[index - 1] === true;
    let previous = node;
    for (let j = index + 1; j < children.length; j++) {
      const next = children[j]!.node;
      if (newlines(text, previous.endIndex, next.startIndex) > 1) return false;
      if (!this.rules.comments.has(next.type)) return keep[j] === true;
      previous = next;
    }
    return false;
  }
}

function valueOf(definition: Definition): Node | undefined {
  const { node, captures } = definition.draft;
  return node.childForFieldName('value') ?? node.childForFieldName('right') ?? captures['declarator']?.childForFieldName('value') ?? undefined;
}

/** A shorter stand-in for a long constant value, or undefined to keep it. */
export function shortenValue(value: string, style: ElisionStyle): string | undefined {
  const multiline = value.includes('\n');
  if (!multiline && value.length <= MAX_VALUE) return undefined;
  const filler = style === 'brace' ? ' /* ... */ ' : '...';
  const first = value[0]!;
  const last = value[value.length - 1]!;
  // `( /* ... */ )` is not an expression in brace languages; `(...)` is one in Python.
  if (PAIRS[first] === last && !(style === 'brace' && first === '(')) return `${first}${filler}${last}`;
  const lines = value.split('\n');
  const head = lines[0]!.trimEnd();
  const tail = lines[lines.length - 1]!.trim();
  const opener = head[head.length - 1]!;
  const bareParenthesis = opener === '(' && !/[\w$)\]>]$/.test(head.slice(0, -1).trimEnd());
  const closes = PAIRS[opener] !== undefined && tail.startsWith(PAIRS[opener]!) && /^[)\]}]+$/.test(tail);
  if (multiline && closes && !(style === 'brace' && bareParenthesis)) return `${head}${filler}${tail}`;
  if (!multiline && QUOTES.has(first) && last === first && !/^("""|''')/.test(value)) {
    let cut = value.slice(0, MAX_VALUE - 20);
    while (cut.endsWith('\\')) cut = cut.slice(0, -1);
    return `${cut}...${first}`;
  }
  return undefined;
}

/** Removes a node, and its whole line when nothing else is on it. */
function lineDeletion(node: Node, text: string): Edit {
  let start = node.startIndex;
  let end = node.endIndex;
  const lineStart = text.lastIndexOf('\n', start - 1) + 1;
  // Some grammars (Rust line comments) end a node after its newline.
  const endsLine = text[end - 1] === '\n';
  const lineEnd = endsLine ? end - 1 : text.indexOf('\n', end) === -1 ? text.length : text.indexOf('\n', end);
  if (!text.slice(lineStart, start).trim() && (endsLine || !text.slice(end, lineEnd).trim())) {
    start = lineStart;
    end = endsLine ? end : Math.min(text.length, lineEnd + 1);
  }
  return { start, end, text: '' };
}

function applyEdits(text: string, edits: Edit[]): string {
  edits.sort((a, b) => a.start - b.start || b.end - a.end);
  let output = '';
  let position = 0;
  for (const edit of edits) {
    // Inside something already deleted or elided.
    if (edit.start < position) continue;
    output += text.slice(position, edit.start) + edit.text;
    position = edit.end;
  }
  return output + text.slice(position);
}

/** Trailing spaces go and runs of blank lines shrink to one, so deletions leave no holes. */
function normalize(text: string): string {
  const lines: string[] = [];
  for (const raw of text.split('\n')) {
    const line = raw.trimEnd();
    if (!line && (lines.length === 0 || lines[lines.length - 1] === '')) continue;
    lines.push(line);
  }
  while (lines.length && lines[lines.length - 1] === '') lines.pop();
  return lines.length ? `${lines.join('\n')}\n` : '';
}

function newlines(text: string, from: number, to: number): number {
  let count = 0;
  for (let i = from; i < to; i++) if (text.charCodeAt(i) === 10) count++;
  return count;
}

function countLines(text: string): number {
  if (!text) return 0;
  return text.split('\n').length - (text.endsWith('\n') ? 1 : 0);
}
