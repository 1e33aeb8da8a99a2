import type { Node } from 'web-tree-sitter';
import { qualifierSegments, words, type Draft, type LanguageRules } from './rules.js';

const definitions = `
(method name: (_) @name) @definition.method
(singleton_method name: (_) @name) @definition.method
(class name: (_) @name) @definition.class
(module name: (_) @name) @definition.module
(program (assignment left: (constant) @name) @definition.constant)
(body_statement (assignment left: (constant) @name) @definition.constant.toplevel)
`;

const references = `[(identifier) (constant)] @ref`;

const declarations = `
(method name: (_) @def)
(singleton_method name: (_) @def)
(method_parameters (identifier) @def)
(lambda_parameters (identifier) @def)
(block_parameters (identifier) @def)
(optional_parameter name: (identifier) @def)
(keyword_parameter name: (identifier) @def)
(splat_parameter name: (identifier) @def)
(block_parameter name: (identifier) @def)
(assignment left: (identifier) @def)
(operator_assignment left: (identifier) @def)
(left_assignment_list (identifier) @def)
(for pattern: (identifier) @def)
(exception_variable (identifier) @def)
`;

const KEYWORDS =
  'alias and begin break case class def defined do else elsif end ensure false for if in module next nil not or redo rescue retry return self super then true undef unless until when while yield __method__ ' +
  'puts p print pp require require_relative load include extend prepend attr_reader attr_writer attr_accessor private protected public module_function raise loop lambda proc new freeze';

const REQUIRES = words('require require_relative load');

function isRequire(node: Node): boolean {
  if (node.type !== 'call' || node.childForFieldName('receiver')) return false;
  const method = node.childForFieldName('method');
  return !!method && REQUIRES.has(method.text);
}

/** `Point = Struct.new(:x, :y) do ... end` defines a class as surely as `class Point` does. */
function classFromBlock(draft: Draft): void {
  const value = draft.node.childForFieldName('right');
  if (value?.type !== 'call') return;
  const receiver = value.childForFieldName('receiver')?.text ?? '';
  const method = value.childForFieldName('method')?.text ?? '';
  const block = value.childForFieldName('block');
  if (!block || !/^(Struct|Class|Data|Module)$/.test(receiver) || !/^(new|define)$/.test(method)) return;
  draft.kind = receiver === 'Module' ? 'module' : 'class';
  draft.body = draft.bodyNode = block;
  draft.members = block.childForFieldName('body') ?? undefined;
}

export const ruby: LanguageRules = {
  definitions,
  references,
  declarations,
  comments: new Set(['comment']),
  decorators: new Set(),
  wrappers: new Set(),
  localScopes: new Set(['method', 'singleton_method', 'block', 'do_block', 'lambda']),
  // Methods in a module are still methods: modules are mixins and namespaces for them.
  methodContainers: new Set(['class', 'module']),
  constructorNames: new Set(['initialize']),
  ignoredNames: words(KEYWORDS),
  refine(draft) {
    // `class Billing::Invoice` declares Invoice inside Billing.
    const name = draft.captures['name'];
    if (name?.type === 'scope_resolution') {
      const inner = name.childForFieldName('name');
      if (inner) {
        draft.name = inner.text;
        draft.nameSpan = inner;
        draft.qualifier = qualifierSegments(name.text.slice(0, inner.startIndex - name.startIndex), '::');
      }
    }
    if (draft.kind === 'constant') classFromBlock(draft);
    if (!draft.body && /^(method|singleton_method|class|module)$/.test(draft.node.type)) {
      // `def helper; end`, `class Error < StandardError; end`: nothing of the empty body belongs in the signature.
      const last = ['parameters', 'superclass', 'name'].map((field) => draft.node.childForFieldName(field)).find((node) => node);
      if (last) draft.signatureEnd = last.endIndex;
    }
    return draft;
  },
  skeleton: {
    elision: 'ruby',
    keep: new Set(),
    keepIf: isRequire,
  },
};
