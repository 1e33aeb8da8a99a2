/**
 * What the symbol, reference and skeleton passes need to know about one grammar. The passes are
 * generic; everything that differs between languages lives in a `LanguageRules` value.
 */
import type { Node } from 'web-tree-sitter';
import type { SymbolKind } from '../types.js';

export interface Point {
  row: number;
  column: number;
}

/** A stretch of source: a node, or a range we computed (e.g. from an opening brace to the end). */
export interface Span {
  startIndex: number;
  endIndex: number;
  startPosition: Point;
  endPosition: Point;
}

/** Not a symbol of its own, but names the methods inside it (Rust `impl`, Swift `extension`). */
export type DraftKind = SymbolKind | 'scope';

/** A definition as the query found it, before containers, signatures and docs are worked out. */
export interface Draft {
  kind: DraftKind;
  /** The node the query captured as the definition. */
  node: Node;
  name: string;
  nameSpan: Span;
  body?: Span;
  /** Set when the body is a real node: the signature ends at the token before it, docstrings and members are read from it. */
  bodyNode?: Node;
  /** The node whose children are the members, when it is not `bodyNode` (Go's `interface_type`). */
  members?: Node;
  /** Container segments written into the definition itself (`func (s *Server)`, `void Foo::bar()`). */
  qualifier?: string[];
  /** Where the signature ends when there is no body to end it (Ruby's empty `def x; end`). */
  signatureEnd?: number;
  /** Only kept when no enclosing node opens a local scope (module-level constants, not locals). */
  topLevelOnly: boolean;
  /** Every capture of the match, for refinements that need more than name and body. */
  captures: Readonly<Record<string, Node>>;
}

export type ElisionStyle = 'python' | 'brace' | 'ruby';

export interface SkeletonRules {
  elision: ElisionStyle;
  /** Top-level node types kept verbatim: imports, includes, package clauses. */
  keep: ReadonlySet<string>;
  /** For imports that are ordinary calls (`require 'json'`) or re-exports. */
  keepIf?: (node: Node) => boolean;
  /** Nodes whose children are judged as if they were top level (include guards, `extern "C"`). */
  transparent?: ReadonlySet<string>;
  /** Bodies inside a type member that are code in all but name (computed properties, accessors). */
  memberBodies?: (member: Node) => Node[];
}

export interface LanguageRules {
  /**
   * Definitions query. Each pattern captures the definition as `@definition.<kind>` (suffix
   * `.toplevel` to drop it inside functions) or a naming container as `@scope`, usually its name
   * as `@name`, and its body as `@body` when that is not the node's `body` field.
   */
  definitions: string;
  /** Identifier-like leaves, captured as `@ref`. */
  references: string;
  /** Names introduced by declarations and parameters, captured as `@def`: local, so not worth looking up. */
  declarations: string;
  comments: ReadonlySet<string>;
  /** Decorators, annotations, attributes: not part of a signature, and may sit between a doc and its definition. */
  decorators: ReadonlySet<string>;
  /** Parents that wrap a definition without changing it (`export`, decorators, `template <...>`). */
  wrappers: ReadonlySet<string>;
  /** Node types whose insides are local: `.toplevel` definitions there are dropped. */
  localScopes: ReadonlySet<string>;
  /** Kinds whose functions are methods. */
  methodContainers: ReadonlySet<DraftKind>;
  constructorNames?: ReadonlySet<string>;
  /** C++: a method named like its class is a constructor. */
  constructorIsClassName?: boolean;
  /** Keywords and names that never lead anywhere (`self`, builtins). */
  ignoredNames: ReadonlySet<string>;
  /** Fixes a draft up, or drops it by returning undefined. */
  refine?: (draft: Draft, text: string) => Draft | undefined;
  /** Whether `parent` wraps `child` (default: parent is a wrapper and child is its only named child of that type). */
  wraps?: (parent: Node, child: Node) => boolean;
  /** A docstring inside the body, preferred to comments above. Returns the node holding it. */
  docstring?: (body: Node) => Node | undefined;
  /** Turns a docstring node into text. */
  docstringText?: (node: Node) => string;
  /** Last touches on a cleaned doc comment (e.g. dropping C# `<summary>` tags). */
  polishDoc?: (doc: string) => string;
  /** Identifiers that are syntax rather than names (lowercase JSX tags). */
  skipReference?: (node: Node) => boolean;
  skeleton: SkeletonRules;
}

/** Kinds whose names qualify what is defined inside them. */
export const CONTAINER_KINDS: ReadonlySet<DraftKind> = new Set(['class', 'interface', 'struct', 'trait', 'enum', 'scope', 'module', 'namespace']);
export const FUNCTION_KINDS: ReadonlySet<DraftKind> = new Set(['function', 'method', 'constructor']);

export function words(list: string): ReadonlySet<string> {
  return new Set(list.split(/\s+/).filter(Boolean));
}

/** From the first child of type `open` (e.g. `{`) to the end of `node`. */
export function spanFrom(node: Node, open: ReadonlySet<string>): Span | undefined {
  for (const child of node.children) {
    if (child && open.has(child.type)) {
      return { startIndex: child.startIndex, startPosition: child.startPosition, endIndex: node.endIndex, endPosition: node.endPosition };
    }
  }
  return undefined;
}

/** The plain type name inside `*Server`, `Point<T>`, `&'a mut Foo`, `a::b::C`. */
export function baseTypeName(node: Node | null | undefined): Node | undefined {
  let current = node ?? undefined;
  for (let guard = 0; current && guard < 16; guard++) {
    if (/^(type_identifier|identifier|constant|simple_identifier|name)$/.test(current.type)) return current;
    const next =
      current.childForFieldName('type') ??
      current.childForFieldName('name') ??
      current.namedChildren.find((child) => child && /identifier|type/.test(child.type));
    current = next ?? undefined;
  }
  return current;
}

/** `Foo` in `Foo::bar` style qualified names, split into segments. */
export function qualifierSegments(text: string, separator: string): string[] {
  return text
    .split(separator)
    .map((part) => part.replace(/<.*$/s, '').trim())
    .filter(Boolean);
}
