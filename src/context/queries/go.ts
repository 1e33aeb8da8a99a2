import type { Node } from 'web-tree-sitter';
import { baseTypeName, spanFrom, words, type LanguageRules } from './rules.js';

const definitions = `
(function_declaration name: (identifier) @name) @definition.function
(method_declaration name: (field_identifier) @name) @definition.method
(type_spec name: (type_identifier) @name type: (struct_type (field_declaration_list) @body)) @definition.struct
(type_spec name: (type_identifier) @name type: (interface_type)) @definition.interface
(type_spec name: (type_identifier) @name) @definition.type
(type_alias name: (type_identifier) @name) @definition.type
(method_elem name: (field_identifier) @name) @definition.method
(const_spec name: (identifier) @name) @definition.constant.toplevel
(var_spec name: (identifier) @name) @definition.variable.toplevel
`;

const references = `[(identifier) (type_identifier) (field_identifier) (package_identifier)] @ref`;

const declarations = `
(function_declaration name: (identifier) @def)
(method_declaration name: (field_identifier) @def)
(parameter_declaration name: (identifier) @def)
(variadic_parameter_declaration name: (identifier) @def)
(type_parameter_declaration name: (identifier) @def)
(short_var_declaration left: (expression_list (identifier) @def))
(var_spec name: (identifier) @def)
(const_spec name: (identifier) @def)
(type_spec name: (type_identifier) @def)
(range_clause left: (expression_list (identifier) @def))
(field_declaration name: (field_identifier) @def)
(labeled_statement label: (label_name) @def)
(package_clause (package_identifier) @def)
`;

const KEYWORDS =
  'break case chan const continue default defer else fallthrough for func go goto if import interface map package range return select struct switch type var _ iota ' +
  'bool byte rune string int int8 int16 int32 int64 uint uint8 uint16 uint32 uint64 uintptr float32 float64 complex64 complex128 error any comparable ' +
  'append cap clear close copy delete len make max min new panic print println recover';

/** `func (s *Server) Handle()`: the receiver's type is the method's container. */
function receiverType(method: Node): string | undefined {
  const receiver = method.childForFieldName('receiver');
  const parameter = receiver?.namedChildren.find((child) => child?.type === 'parameter_declaration');
  return baseTypeName(parameter?.childForFieldName('type'))?.text;
}

export const go: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment']),
  decorators: new Set(),
  wrappers: new Set(['type_declaration', 'const_declaration', 'var_declaration']),
  // A parenthesised group is a list of specs, not a wrapper around one.
  wraps: (parent, child) =>
    go.wrappers.has(parent.type) && !parent.children.some((token) => token?.type === '(') && parent.namedChildren.filter((c) => c?.type === child.type).length === 1,
  localScopes: new Set(['function_declaration', 'method_declaration', 'func_literal']),
  methodContainers: new Set(['interface', 'struct']),
  ignoredNames: words(KEYWORDS),
  refine(draft) {
    if (draft.node.type === 'method_declaration') {
      const owner = receiverType(draft.node);
      if (owner) draft.qualifier = [owner];
    }
    if (draft.kind === 'interface') {
      const type = draft.node.childForFieldName('type');
      const body = type ? spanFrom(type, new Set(['{'])) : undefined;
      if (type && body) {
        draft.body = body;
        draft.bodyNode = undefined;
        draft.members = type;
      }
    }
    return draft;
  },
  skeleton: {
    elision: 'brace',
    keep: new Set(['package_clause', 'import_declaration']),
  },
};
