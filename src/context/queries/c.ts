/** C and C++. C++ adds classes, namespaces, methods declared in classes and `Foo::bar` definitions. */
import type { Node } from 'web-tree-sitter';
import { qualifierSegments, words, type Draft, type LanguageRules } from './rules.js';

const shared = `
(function_definition declarator: (_) @declarator) @definition.function
(declaration declarator: (_) @declarator) @definition.function.toplevel
(type_definition declarator: (_) @declarator) @definition.type
(struct_specifier name: (_) @name body: (field_declaration_list)) @definition.struct
(union_specifier name: (_) @name body: (field_declaration_list)) @definition.struct
(enum_specifier name: (_) @name body: (enumerator_list)) @definition.enum
(preproc_function_def name: (identifier) @name) @definition.macro
(preproc_def name: (identifier) @name value: (_)) @definition.constant
`;

const cDefinitions = shared;

const cppDefinitions = `
${shared}
(class_specifier name: (_) @name body: (field_declaration_list)) @definition.class
(namespace_definition name: (_) @name) @definition.namespace
(field_declaration declarator: (_) @declarator) @definition.method
(alias_declaration name: (type_identifier) @name) @definition.type
`;

const cReferences = `[(identifier) (type_identifier) (field_identifier)] @ref`;
const cppReferences = `[(identifier) (type_identifier) (field_identifier) (namespace_identifier)] @ref`;

const sharedDeclarations = `
(function_declarator declarator: (identifier) @def)
(function_declarator declarator: (field_identifier) @def)
(parameter_declaration declarator: (identifier) @def)
(parameter_declaration declarator: (pointer_declarator declarator: (identifier) @def))
(init_declarator declarator: (identifier) @def)
(init_declarator declarator: (pointer_declarator declarator: (identifier) @def))
(declaration declarator: (identifier) @def)
(field_declaration declarator: (field_identifier) @def)
(type_definition declarator: (type_identifier) @def)
(preproc_params (identifier) @def)
`;

const cppDeclarations = `
${sharedDeclarations}
(parameter_declaration declarator: (reference_declarator (identifier) @def))
(for_range_loop declarator: (identifier) @def)
(class_specifier name: (type_identifier) @def)
`;

const KEYWORDS =
  'auto break case char const continue default do double else enum extern float for goto if inline int long register restrict return short signed sizeof static struct switch typedef union unsigned void volatile while ' +
  'size_t NULL bool true false uint8_t uint16_t uint32_t uint64_t int8_t int16_t int32_t int64_t printf malloc free memcpy memset ' +
  'class namespace template typename public private protected virtual override final this new delete operator using std nullptr constexpr noexcept explicit friend mutable ' +
  'static_cast const_cast dynamic_cast reinterpret_cast string vector size_t';

const NAME_TYPES = new Set(['identifier', 'field_identifier', 'type_identifier', 'qualified_identifier', 'destructor_name', 'operator_name']);

/** Follows `declarator` fields (pointers, references, arrays) down to the declared name. */
function declaredName(declarator: Node): { name: Node; isFunction: boolean; hasValue: boolean } | undefined {
  let current: Node | null = declarator;
  let hasValue = false;
  let parent: Node | undefined;
  for (let guard = 0; current && guard < 12; guard++) {
    if (NAME_TYPES.has(current.type)) return { name: current, isFunction: parent?.type === 'function_declarator', hasValue };
    if (current.type === 'init_declarator') hasValue = true;
    parent = current;
    current =
      current.childForFieldName('declarator') ??
      current.namedChildren.find((child) => child && NAME_TYPES.has(child.type)) ??
      current.namedChildren.find((child) => child && child.type.endsWith('declarator')) ??
      null;
  }
  return undefined;
}

/** `a::B::method` → name `method`, qualifier [a, B]. */
function splitQualified(name: Node): { name: Node; qualifier: string[] } {
  if (name.type !== 'qualified_identifier') return { name, qualifier: [] };
  let inner = name;
  while (inner.type === 'qualified_identifier') {
    const next = inner.childForFieldName('name');
    if (!next) break;
    inner = next;
  }
  const scopeText = name.text.slice(0, inner.startIndex - name.startIndex).replace(/::\s*$/, '');
  return { name: inner, qualifier: qualifierSegments(scopeText, '::') };
}

function isConst(declaration: Node): boolean {
  return declaration.children.some((child) => child?.type === 'type_qualifier' && /const/.test(child.text));
}

function refine(draft: Draft): Draft | undefined {
  const node = draft.node;
  // `typedef struct x {...} x_t;` is reported once, as the typedef, which is the name code uses.
  if (/^(struct|union|enum)_specifier$/.test(node.type) && node.parent?.type === 'type_definition') return undefined;
  if (node.type === 'preproc_function_def') draft.body = draft.bodyNode = node.childForFieldName('value') ?? undefined;
  // Several declarators can share a node; the capture says which one this match is about.
  const declarator = draft.captures['declarator'];
  if (!declarator) return draft;
  const found = declaredName(declarator);
  if (!found) return undefined;
  const { name, qualifier } = splitQualified(found.name);
  draft.name = name.text;
  draft.nameSpan = name;
  if (qualifier.length) draft.qualifier = qualifier;
  if (node.type === 'type_definition') {
    const type = node.childForFieldName('type');
    const body = type?.childForFieldName('body');
    if (type && body) {
      draft.kind = type.type === 'enum_specifier' ? 'enum' : 'struct';
      draft.body = draft.bodyNode = body;
    }
    return draft;
  }
  if (node.type === 'declaration' || node.type === 'field_declaration') {
    if (found.isFunction) return draft;
    if (node.type === 'field_declaration' || !found.hasValue) return undefined;
    draft.kind = isConst(node) ? 'constant' : 'variable';
    return draft;
  }
  return found.isFunction ? draft : undefined;
}

function rules(cpp: boolean): LanguageRules {
  return {
    definitions: cpp ? cppDefinitions : cDefinitions,
    references: cpp ? cppReferences : cReferences,
    declarations: cpp ? cppDeclarations : sharedDeclarations,
    comments: new Set(['comment']),
    decorators: new Set(['attribute_declaration']),
    wrappers: new Set(cpp ? ['template_declaration'] : []),
    localScopes: new Set(['function_definition', 'lambda_expression']),
    methodContainers: new Set(['class', 'struct']),
    constructorIsClassName: cpp,
    ignoredNames: words(KEYWORDS),
    refine,
    skeleton: {
      elision: 'brace',
      keep: new Set(['declaration', 'preproc_include', 'preproc_def', 'preproc_function_def', 'preproc_call', 'using_declaration', 'alias_declaration', 'namespace_alias_definition']),
      transparent: new Set(['preproc_ifdef', 'preproc_if', 'preproc_else', 'preproc_elif', 'linkage_specification', 'declaration_list']),
    },
  };
}

export const c = rules(false);
export const cpp = rules(true);
