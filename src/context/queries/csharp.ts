import { words, type LanguageRules } from './rules.js';

const definitions = `
(namespace_declaration name: (_) @name) @definition.namespace
(file_scoped_namespace_declaration name: (_) @name) @definition.namespace
(class_declaration name: (identifier) @name) @definition.class
(record_declaration name: (identifier) @name) @definition.class
(struct_declaration name: (identifier) @name) @definition.struct
(interface_declaration name: (identifier) @name) @definition.interface
(enum_declaration name: (identifier) @name) @definition.enum
(delegate_declaration name: (identifier) @name) @definition.type
(method_declaration name: (identifier) @name) @definition.method
(constructor_declaration name: (identifier) @name) @definition.constructor
(property_declaration name: (identifier) @name) @definition.field
`;

const references = `(identifier) @ref`;

const declarations = `
(class_declaration name: (identifier) @def)
(struct_declaration name: (identifier) @def)
(interface_declaration name: (identifier) @def)
(enum_declaration name: (identifier) @def)
(method_declaration name: (identifier) @def)
(constructor_declaration name: (identifier) @def)
(property_declaration name: (identifier) @def)
(parameter name: (identifier) @def)
(variable_declarator name: (identifier) @def)
(foreach_statement left: (identifier) @def)
(catch_declaration name: (identifier) @def)
(type_parameter name: (identifier) @def)
`;

const KEYWORDS =
  'abstract as base bool break byte case catch char checked class const continue decimal default delegate do double else enum event explicit extern false finally fixed float for foreach goto if implicit in int interface internal is lock long namespace new null object operator out override params private protected public readonly ref return sbyte sealed short sizeof stackalloc static string struct switch this throw true try typeof uint ulong unchecked unsafe ushort using virtual void volatile while ' +
  'var dynamic async await get set init value record nameof when where yield global partial required String Console Task List';

export const csharp: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment']),
  decorators: new Set(['attribute_list']),
  wrappers: new Set(),
  localScopes: new Set(['method_declaration', 'constructor_declaration', 'lambda_expression', 'local_function_statement']),
  methodContainers: new Set(['class', 'struct', 'interface', 'enum']),
  ignoredNames: words(KEYWORDS),
  // XML doc comments wrap the summary in tags that say nothing to a reader.
  polishDoc: (doc) =>
    doc
      .split('\n')
      .filter((line) => !/^\s*<\/?summary>\s*$/.test(line))
      .join('\n')
      .replace(/<\/?summary>/g, '')
      .replace(/<(param|typeparam) name="([^"]*)">/g, '$2: ')
      .replace(/<\/(param|typeparam)>/g, '')
      .replace(/<returns>/g, 'Returns: ')
      .replace(/<\/returns>/g, '')
      .replace(/<(see|seealso) cref="([^"]*)"\s*\/>/g, '$2')
      .replace(/<(paramref|typeparamref) name="([^"]*)"\s*\/>/g, '$2')
      .trim(),
  skeleton: {
    elision: 'brace',
    keep: new Set(['using_directive', 'extern_alias_directive']),
    // `get { ... }` and `set { ... }` bodies go like method bodies; `{ get; set; }` has none.
    memberBodies: (member) =>
      member.type === 'property_declaration'
        ? (member.childForFieldName('accessors')?.namedChildren ?? []).flatMap((accessor) => accessor?.childForFieldName('body') ?? [])
        : [],
  },
};
