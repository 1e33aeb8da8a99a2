import type { Node } from 'web-tree-sitter';
import { words, type LanguageRules } from './rules.js';

const definitions = `
(function_definition name: (identifier) @name) @definition.function
(class_definition name: (identifier) @name) @definition.class
(module (expression_statement (assignment left: (identifier) @name right: (_)) @definition.variable))
(module (type_alias_statement left: (type (identifier) @name)) @definition.type)
`;

const references = `(identifier) @ref`;

const declarations = `
(function_definition name: (identifier) @def)
(class_definition name: (identifier) @def)
(parameters (identifier) @def)
(lambda_parameters (identifier) @def)
(typed_parameter (identifier) @def)
(default_parameter name: (identifier) @def)
(typed_default_parameter name: (identifier) @def)
(list_splat_pattern (identifier) @def)
(dictionary_splat_pattern (identifier) @def)
(assignment left: (identifier) @def)
(augmented_assignment left: (identifier) @def)
(pattern_list (identifier) @def)
(tuple_pattern (identifier) @def)
(for_statement left: (identifier) @def)
(for_in_clause left: (identifier) @def)
(as_pattern_target (identifier) @def)
(named_expression name: (identifier) @def)
`;

function docstringNode(body: Node): Node | undefined {
  const first = body.namedChildren[0];
  if (first?.type !== 'expression_statement' || first.namedChildCount !== 1) return undefined;
  const value = first.namedChildren[0];
  return value?.type === 'string' ? first : undefined;
}

/** Like `inspect.cleandoc`: the first line is stripped, the rest lose their common indentation. */
function docstringText(statement: Node): string {
  const match = /^[rRuUbBfF]*("""|'''|"|')([\s\S]*)\1$/.exec(statement.text.trim());
  const raw = match ? match[2]! : statement.text;
  const lines = raw.split('\n');
  const rest = lines.slice(1);
  const indents = rest.filter((line) => line.trim()).map((line) => line.length - line.trimStart().length);
  const common = indents.length ? Math.min(...indents) : 0;
  return [lines[0]!.trim(), ...rest.map((line) => line.slice(common).trimEnd())].join('\n').trim();
}

function isModuleDocstring(node: Node): boolean {
  return node.parent?.type === 'module' && !node.previousNamedSibling && docstringNode(node.parent)?.id === node.id;
}

const KEYWORDS =
  'False None True and as assert async await break class continue def del elif else except finally for from global if import in is lambda nonlocal not or pass raise return try while with yield match case type _ self cls ' +
  'int str float bool bytes list dict set tuple object len print range isinstance super Exception';

export const python: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment']),
  decorators: new Set(['decorator']),
  wrappers: new Set(['decorated_definition', 'expression_statement']),
  localScopes: new Set(['function_definition', 'lambda']),
  methodContainers: new Set(['class']),
  constructorNames: new Set(['__init__']),
  ignoredNames: words(KEYWORDS),
  refine(draft) {
    // PEP 8 spells constants in capitals; everything else assigned at module level is a variable.
    if (draft.kind === 'variable' && /^_*[A-Z][A-Z0-9_]*$/.test(draft.name)) draft.kind = 'constant';
    return draft;
  },
  docstring: docstringNode,
  docstringText,
  skeleton: {
    elision: 'python',
    keep: new Set(['import_statement', 'import_from_statement', 'future_import_statement']),
    keepIf: isModuleDocstring,
  },
};
