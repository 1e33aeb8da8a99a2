import { baseTypeName, words, type LanguageRules } from './rules.js';

const definitions = `
(class_declaration declaration_kind: "class" name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "actor" name: (type_identifier) @name) @definition.class
(class_declaration declaration_kind: "struct" name: (type_identifier) @name) @definition.struct
(class_declaration declaration_kind: "enum" name: (type_identifier) @name) @definition.enum
(class_declaration declaration_kind: "extension" name: (_) @name) @scope
(protocol_declaration name: (type_identifier) @name) @definition.interface
(function_declaration name: (simple_identifier) @name) @definition.function
(protocol_function_declaration name: (simple_identifier) @name) @definition.method
(init_declaration "init" @name) @definition.constructor
(typealias_declaration name: (type_identifier) @name) @definition.type
(source_file (property_declaration name: (pattern bound_identifier: (simple_identifier) @name)) @definition.variable)
`;

const references = `[(simple_identifier) (type_identifier)] @ref`;

const declarations = `
(function_declaration name: (simple_identifier) @def)
(parameter name: (simple_identifier) @def)
(parameter external_name: (simple_identifier) @def)
(property_declaration name: (pattern bound_identifier: (simple_identifier) @def))
(class_declaration name: (type_identifier) @def)
(protocol_declaration name: (type_identifier) @def)
(lambda_parameter name: (simple_identifier) @def)
(for_statement item: (pattern bound_identifier: (simple_identifier) @def))
(type_parameter (type_identifier) @def)
`;

const KEYWORDS =
  'associatedtype class deinit enum extension fileprivate func import init inout internal let open operator private precedencegroup protocol public rethrows static struct subscript typealias var break case catch continue default defer do else fallthrough for guard if in repeat return throw switch where while as false is nil self Self super throws true try async await actor some any ' +
  'Int Double Float String Bool Character Array Dictionary Set Optional Void print';

export const swift: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment', 'multiline_comment']),
  decorators: new Set(['attribute']),
  wrappers: new Set(),
  localScopes: new Set(['function_declaration', 'lambda_literal', 'init_declaration']),
  methodContainers: new Set(['class', 'struct', 'enum', 'interface', 'scope']),
  ignoredNames: words(KEYWORDS),
  // `$0` closure arguments and `label:` argument labels name nothing that is defined elsewhere.
  skipReference: (node) => node.text.startsWith('$') || node.parent?.type === 'value_argument_label',
  refine(draft) {
    if (draft.kind === 'scope') {
      // `extension Array where Element: Equatable` names `Array`.
      const type = baseTypeName(draft.captures['name']);
      if (type) {
        draft.name = type.text;
        draft.nameSpan = type;
      }
    }
    if (draft.kind === 'variable') {
      const binding = draft.node.namedChildren.find((child) => child?.type === 'value_binding_pattern');
      if (binding?.text === 'let') draft.kind = 'constant';
    }
    return draft;
  },
  skeleton: {
    elision: 'brace',
    keep: new Set(['import_declaration']),
    memberBodies: (member) => {
      const computed = member.type === 'property_declaration' ? member.childForFieldName('computed_value') : null;
      return computed ? [computed] : [];
    },
  },
};
