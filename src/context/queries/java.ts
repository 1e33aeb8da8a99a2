import { words, type LanguageRules } from './rules.js';

const definitions = `
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(interface_declaration name: (identifier) @name) @definition.interface
(annotation_type_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(compact_constructor_declaration name: (identifier) @name) @definition.constructor
`;

const references = `[(identifier) (type_identifier)] @ref`;

const declarations = `
(class_declaration name: (identifier) @def)
(record_declaration name: (identifier) @def)
(interface_declaration name: (identifier) @def)
(enum_declaration name: (identifier) @def)
(method_declaration name: (identifier) @def)
(constructor_declaration name: (identifier) @def)
(formal_parameter name: (identifier) @def)
(spread_parameter (variable_declarator name: (identifier) @def))
(variable_declarator name: (identifier) @def)
(catch_formal_parameter name: (identifier) @def)
(enhanced_for_statement name: (identifier) @def)
(lambda_expression parameters: (identifier) @def)
(inferred_parameters (identifier) @def)
(type_parameter (type_identifier) @def)
`;

const KEYWORDS =
  'abstract assert boolean break byte case catch char class const continue default do double else enum extends final finally float for goto if implements import instanceof int interface long native new package private protected public return short static strictfp super switch synchronized this throw throws transient try void volatile while var record yield sealed permits ' +
  'String Object Integer Long Boolean Double System Override';

export const java: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['line_comment', 'block_comment']),
  decorators: new Set(['annotation', 'marker_annotation']),
  wrappers: new Set(),
  localScopes: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression']),
  methodContainers: new Set(['class', 'interface', 'enum']),
  ignoredNames: words(KEYWORDS),
  skeleton: {
    elision: 'brace',
    keep: new Set(['package_declaration', 'import_declaration']),
  },
};
