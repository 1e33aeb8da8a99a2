import { baseTypeName, spanFrom, words, type LanguageRules } from './rules.js';

const definitions = `
(function_item name: (identifier) @name) @definition.function
(function_signature_item name: (identifier) @name) @definition.function
(struct_item name: (type_identifier) @name) @definition.struct
(union_item name: (type_identifier) @name) @definition.struct
(enum_item name: (type_identifier) @name) @definition.enum
(trait_item name: (type_identifier) @name) @definition.trait
(type_item name: (type_identifier) @name) @definition.type
(mod_item name: (identifier) @name) @definition.module
(macro_definition name: (identifier) @name) @definition.macro
(const_item name: (identifier) @name) @definition.constant.toplevel
(static_item name: (identifier) @name) @definition.constant.toplevel
(impl_item type: (_) @name) @scope
`;

const references = `[(identifier) (type_identifier) (field_identifier)] @ref`;

const declarations = `
(function_item name: (identifier) @def)
(function_signature_item name: (identifier) @def)
(parameter pattern: (identifier) @def)
(closure_parameters (identifier) @def)
(let_declaration pattern: (identifier) @def)
(tuple_pattern (identifier) @def)
(struct_pattern (field_pattern name: (shorthand_field_identifier) @def))
(tuple_struct_pattern (identifier) @def)
(for_expression pattern: (identifier) @def)
(struct_item name: (type_identifier) @def)
(enum_item name: (type_identifier) @def)
(trait_item name: (type_identifier) @def)
(type_item name: (type_identifier) @def)
(type_parameter name: (type_identifier) @def)
(const_item name: (identifier) @def)
(static_item name: (identifier) @def)
(field_declaration name: (field_identifier) @def)
`;

const KEYWORDS =
  'as async await break const continue crate dyn else enum extern false fn for if impl in let loop match mod move mut pub ref return self Self static struct super trait true type unsafe use where while _ ' +
  'Some None Ok Err Option Result Box Vec String println print eprintln format vec assert assert_eq panic';

const DELIMITERS = new Set(['{', '(', '[']);

export const rust: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['line_comment', 'block_comment']),
  decorators: new Set(['attribute_item']),
  wrappers: new Set(),
  localScopes: new Set(['function_item', 'closure_expression']),
  methodContainers: new Set(['trait', 'scope']),
  ignoredNames: words(KEYWORDS),
  // `#[derive(Debug, Clone)]` lists traits the compiler implements: nothing to look up.
  skipReference(node) {
    for (let ancestor = node.parent, depth = 0; ancestor && depth < 4; ancestor = ancestor.parent, depth++) {
      if (ancestor.type === 'attribute_item' || ancestor.type === 'inner_attribute_item') return true;
    }
    return false;
  },
  refine(draft) {
    if (draft.kind === 'scope') {
      // `impl<T> Display for Wrapper<T>` names `Wrapper`.
      const type = baseTypeName(draft.node.childForFieldName('type'));
      if (!type) return undefined;
      draft.name = type.text;
      draft.nameSpan = type;
    }
    if (draft.node.type === 'static_item' && draft.node.children.some((child) => child?.type === 'mutable_specifier')) draft.kind = 'variable';
    if (draft.kind === 'macro') draft.body = spanFrom(draft.node, DELIMITERS);
    return draft;
  },
  skeleton: {
    elision: 'brace',
    keep: new Set(['use_declaration', 'extern_crate_declaration']),
  },
};
