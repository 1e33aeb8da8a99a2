/** TypeScript, TSX and JavaScript (with JSX): one grammar family, the TypeScript half adds types. */
import type { Node } from 'web-tree-sitter';
import { words, type LanguageRules } from './rules.js';

const FUNCTION_VALUES = `[(arrow_function body: (_) @body) (function_expression body: (_) @body) (generator_function body: (_) @body)]`;

const shared = `
(function_declaration name: (identifier) @name) @definition.function
(generator_function_declaration name: (identifier) @name) @definition.function
(class_body (method_definition name: (_) @name) @definition.method)
(lexical_declaration (variable_declarator name: (identifier) @name value: ${FUNCTION_VALUES}) @definition.function.toplevel)
(variable_declaration (variable_declarator name: (identifier) @name value: ${FUNCTION_VALUES}) @definition.function.toplevel)
(lexical_declaration (variable_declarator name: (identifier) @name value: (_)) @definition.constant.toplevel)
(variable_declaration (variable_declarator name: (identifier) @name value: (_)) @definition.variable.toplevel)
`;

const javascriptDefinitions = `
${shared}
(class_declaration name: (identifier) @name) @definition.class
(field_definition property: (property_identifier) @name value: ${FUNCTION_VALUES}) @definition.method
`;

const typescriptDefinitions = `
${shared}
(class_declaration name: (type_identifier) @name) @definition.class
(abstract_class_declaration name: (type_identifier) @name) @definition.class
(public_field_definition name: (property_identifier) @name value: ${FUNCTION_VALUES}) @definition.method
(function_signature name: (identifier) @name) @definition.function
(abstract_method_signature name: (_) @name) @definition.method
(interface_body (method_signature name: (_) @name) @definition.method)
(class_body (method_signature name: (_) @name) @definition.method)
(interface_declaration name: (type_identifier) @name) @definition.interface
(type_alias_declaration name: (type_identifier) @name) @definition.type
(enum_declaration name: (identifier) @name) @definition.enum
(internal_module name: (_) @name) @definition.namespace
(module name: (_) @name) @definition.module
`;

const javascriptReferences = `[(identifier) (property_identifier) (shorthand_property_identifier)] @ref`;
const typescriptReferences = `[(identifier) (property_identifier) (shorthand_property_identifier) (type_identifier)] @ref`;

const sharedDeclarations = `
(function_declaration name: (identifier) @def)
(generator_function_declaration name: (identifier) @def)
(function_expression name: (identifier) @def)
(class_declaration name: (_) @def)
(method_definition name: (_) @def)
(variable_declarator name: (identifier) @def)
(arrow_function parameter: (identifier) @def)
(assignment_pattern left: (identifier) @def)
(shorthand_property_identifier_pattern) @def
(array_pattern (identifier) @def)
(pair_pattern value: (identifier) @def)
(rest_pattern (identifier) @def)
(catch_clause parameter: (identifier) @def)
(for_in_statement left: (identifier) @def)
`;

const javascriptDeclarations = `
${sharedDeclarations}
(formal_parameters (identifier) @def)
(field_definition property: (property_identifier) @def)
`;

const typescriptDeclarations = `
${sharedDeclarations}
(required_parameter pattern: (identifier) @def)
(optional_parameter pattern: (identifier) @def)
(public_field_definition name: (property_identifier) @def)
(interface_declaration name: (type_identifier) @def)
(type_alias_declaration name: (type_identifier) @def)
(enum_declaration name: (identifier) @def)
(type_parameter name: (type_identifier) @def)
`;

const KEYWORDS =
  'break case catch class const continue debugger default delete do else export extends finally for function if import in instanceof new return super switch this throw try typeof var void while with yield let static async await of get set ' +
  'undefined NaN Infinity arguments _ ' +
  'type interface enum implements private protected public readonly declare namespace module abstract any unknown never keyof infer is asserts satisfies';

/** Lowercase JSX tags are HTML elements and JSX attribute names are props: neither has a definition to find. */
function skipJsx(node: Node): boolean {
  const parent = node.parent;
  if (!parent) return false;
  if (/^jsx_(opening|closing|self_closing)_element$/.test(parent.type)) return /^[a-z]/.test(node.text);
  return parent.type === 'jsx_attribute';
}

function refine(draft: Parameters<NonNullable<LanguageRules['refine']>>[0]) {
  if (draft.kind === 'constant' && draft.node.parent?.type === 'lexical_declaration') {
    // `let` declarations share the pattern; only `const` bindings are constants.
    if (draft.node.parent.firstChild?.type !== 'const') draft.kind = 'variable';
  }
  if (draft.node.type === 'module' && /^['"`]/.test(draft.name)) draft.name = draft.name.slice(1, -1);
  return draft;
}

function keepReexport(node: Node): boolean {
  return node.type === 'export_statement' && !node.childForFieldName('declaration') && !node.text.includes('\n');
}

function rules(typed: boolean): LanguageRules {
  return {
    definitions: typed ? typescriptDefinitions : javascriptDefinitions,
    references: typed ? typescriptReferences : javascriptReferences,
    declarations: typed ? typescriptDeclarations : javascriptDeclarations,
    comments: new Set(['comment', 'html_comment']),
    decorators: new Set(['decorator']),
    wrappers: new Set(['export_statement', 'ambient_declaration', 'lexical_declaration', 'variable_declaration', 'expression_statement']),
    localScopes: new Set([
      'function_declaration',
      'generator_function_declaration',
      'function_expression',
      'generator_function',
      'arrow_function',
      'method_definition',
      'class_static_block',
    ]),
    methodContainers: new Set(['class', 'interface']),
    constructorNames: new Set(['constructor']),
    ignoredNames: words(KEYWORDS),
    refine,
    skipReference: skipJsx,
    skeleton: {
      elision: 'brace',
      keep: new Set(['import_statement']),
      keepIf: keepReexport,
    },
  };
}

export const typescript = rules(true);
export const tsx = rules(true);
export const javascript = rules(false);
