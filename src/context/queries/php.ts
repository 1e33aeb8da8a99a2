import { words, type LanguageRules } from './rules.js';

const definitions = `
(function_definition name: (name) @name) @definition.function
(class_declaration name: (name) @name) @definition.class
(interface_declaration name: (name) @name) @definition.interface
(trait_declaration name: (name) @name) @definition.trait
(enum_declaration name: (name) @name) @definition.enum
(method_declaration name: (name) @name) @definition.method
(namespace_definition name: (namespace_name) @name) @definition.namespace
(program (const_declaration (const_element (name) @name)) @definition.constant)
`;

const references = `(name) @ref`;

const declarations = `
(function_definition name: (name) @def)
(method_declaration name: (name) @def)
(class_declaration name: (name) @def)
(simple_parameter name: (variable_name (name) @def))
(property_promotion_parameter name: (variable_name (name) @def))
(variadic_parameter name: (variable_name (name) @def))
(assignment_expression left: (variable_name (name) @def))
(foreach_statement (pair (variable_name (name) @def)))
(foreach_statement (variable_name (name) @def))
(catch_clause name: (variable_name (name) @def))
`;

const KEYWORDS =
  'abstract and array as break callable case catch class clone const continue declare default do echo else elseif empty enddeclare endfor endforeach endif endswitch endwhile enum extends final finally fn for foreach function global goto if implements include include_once instanceof insteadof interface isset list match namespace new or print private protected public readonly require require_once return static switch throw trait try unset use var while xor yield ' +
  'this self parent true false null int float string bool void mixed never iterable object';

export const php: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment']),
  decorators: new Set(['attribute_list']),
  wrappers: new Set(),
  localScopes: new Set(['function_definition', 'method_declaration', 'anonymous_function', 'arrow_function']),
  methodContainers: new Set(['class', 'interface', 'trait', 'enum']),
  constructorNames: new Set(['__construct']),
  ignoredNames: words(KEYWORDS),
  skeleton: {
    elision: 'brace',
    keep: new Set(['php_tag', 'declare_statement', 'namespace_use_declaration', 'include_expression', 'require_once_expression']),
  },
};
