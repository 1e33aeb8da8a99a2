"""Ground truth for the Python retrieval dev set.

Usage: python3 python_calls.py ROOT
Prints one JSON object per line for every call site in ROOT whose callee is a
top-level def/class of another .py file under ROOT, reached through an import:

  from X import name   ...  name(...)
  import X as mod      ...  mod.name(...)
  import X.Y           ...  X.Y.name(...)
  from pkg import sub  ...  sub.name(...)   (sub being a module file)

Module names are resolved with path logic against ROOT instead of
importlib.util.find_spec, because find_spec imports parent packages and this
must not execute the corpus. Positions are 0-based lines and columns counted in
code points (ast reports UTF-8 byte columns), so the TypeScript side can map
them to UTF-16 offsets. Only names bound exactly once in their scope are kept:
a name that is also assigned, defined or imported a second time (the usual
`try: from _c import f except ImportError: from ._py import f` fallback) has no
single right answer.
"""

import ast
import json
import os
import sys

SKIPPED_DIRS = {"test", "tests", "idlelib", "lib2to3", "site-packages", "__pycache__"}


def corpus_files(root):
    out = []
    for dirpath, dirnames, filenames in os.walk(root):
        dirnames[:] = sorted(d for d in dirnames if d not in SKIPPED_DIRS)
        for name in sorted(filenames):
            if name.endswith(".py"):
                out.append(os.path.relpath(os.path.join(dirpath, name), root).replace(os.sep, "/"))
    return out


def module_of(rel):
    parts = rel[:-3].split("/")
    is_package = parts[-1] == "__init__"
    if is_package:
        parts = parts[:-1]
    return ".".join(parts), is_package


class Corpus:
    def __init__(self, root):
        self.root = root
        self.files = corpus_files(root)
        self.by_module = {}
        for rel in self.files:
            self.by_module.setdefault(module_of(rel)[0], rel)
        self._trees = {}
        self._defs = {}

    def tree(self, rel):
        if rel not in self._trees:
            try:
                with open(os.path.join(self.root, rel), "rb") as handle:
                    source = handle.read()
                # Not splitlines(): it also breaks at form feeds, which ast (and the TypeScript side) do not.
                self._trees[rel] = (ast.parse(source, filename=rel), source.decode("utf-8", "replace").split("\n"))
            except (SyntaxError, ValueError, UnicodeDecodeError):
                self._trees[rel] = None
        return self._trees[rel]

    def defs(self, rel):
        """Module-level def/class names of a file, first definition wins.

        Conditional definitions (`if sys.platform == ...: def f`) bind at module
        level too, so if/try bodies at the top are searched as well."""
        if rel not in self._defs:
            found = {}
            parsed = self.tree(rel)
            if parsed is not None:
                pending = list(parsed[0].body)
                while pending:
                    node = pending.pop(0)
                    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                        found.setdefault(node.name, node.lineno - 1)
                    elif isinstance(node, (ast.If, ast.Try)):
                        branches = [node.body, node.orelse] + ([h.body for h in node.handlers] + [node.finalbody] if isinstance(node, ast.Try) else [])
                        pending[0:0] = [n for branch in branches for n in branch]
            self._defs[rel] = found
        return self._defs[rel]

    def resolve(self, current_rel, module, level):
        if level:
            package, is_package = module_of(current_rel)
            base = package.split(".") if package else []
            if not is_package:
                base = base[:-1]
            if level > 1:
                if level - 1 > len(base):
                    return None
                base = base[: len(base) - (level - 1)]
            module = ".".join(base + ([module] if module else []))
        return module or None


def dotted(node):
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = dotted(node.value)
        return head and head + "." + node.attr
    return None


class ScopeBindings(ast.NodeVisitor):
    """What one scope binds: imports (name -> target) and every other binding,
    without descending into nested functions, classes or comprehensions."""

    def __init__(self, corpus, rel):
        self.corpus = corpus
        self.rel = rel
        self.imports = {}
        self.targets = {}

    def bind(self, name, target=None):
        # Repeating the same import (`import os` twice) is harmless; anything else makes the name ambiguous.
        self.targets.setdefault(name, set()).add(target)
        if target is not None:
            self.imports[name] = target

    def visit_Import(self, node):
        for alias in node.names:
            if alias.asname:
                self.bind(alias.asname, ("module", alias.name))
            else:
                # `import a.b` binds `a`, and `a.b.f()` is matched on the full dotted text.
                self.bind(alias.name.split(".")[0], ("module", alias.name.split(".")[0]))
                parts = alias.name.split(".")
                for i in range(2, len(parts) + 1):
                    self.imports[".".join(parts[:i])] = ("module", ".".join(parts[:i]))

    def visit_ImportFrom(self, node):
        module = self.corpus.resolve(self.rel, node.module, node.level)
        for alias in node.names:
            if alias.name == "*":
                continue
            local = alias.asname or alias.name
            if module is None:
                self.bind(local)
            elif module + "." + alias.name in self.corpus.by_module:
                self.bind(local, ("module", module + "." + alias.name))
            else:
                self.bind(local, ("name", module, alias.name))

    def visit_Name(self, node):
        if isinstance(node.ctx, (ast.Store, ast.Del)):
            self.bind(node.id)

    def visit_arg(self, node):
        self.bind(node.arg)

    def visit_Global(self, node):
        for name in node.names:
            self.bind(name)

    visit_Nonlocal = visit_Global

    def _definition(self, node):
        self.bind(node.name)
        for child in node.decorator_list:
            self.visit(child)

    visit_FunctionDef = visit_AsyncFunctionDef = visit_ClassDef = _definition

    def visit_Lambda(self, node):
        pass

    def visit_ListComp(self, node):
        pass

    visit_SetComp = visit_DictComp = visit_GeneratorExp = visit_ListComp


class CallFinder:
    def __init__(self, corpus, rel):
        self.corpus = corpus
        self.rel = rel
        self.lines = corpus.tree(rel)[1]
        self.out = []

    def scope_env(self, body_nodes, outer, args=None):
        bindings = ScopeBindings(self.corpus, self.rel)
        if args is not None:
            bindings.visit(args)
        for node in body_nodes:
            bindings.visit(node)
        env = dict(outer)
        for name in bindings.targets:
            env.pop(name, None)
        for name, target in bindings.imports.items():
            head = bindings.targets.get(name.split(".")[0], set())
            if None not in head and len(head) == 1:
                env[name] = target
        return env

    def target_of(self, env, func):
        if isinstance(func, ast.Name):
            bound = env.get(func.id)
            if bound and bound[0] == "name":
                return bound[1], bound[2], func.lineno, func.col_offset
            return None
        if isinstance(func, ast.Attribute):
            head = dotted(func.value)
            bound = env.get(head) if head else None
            if bound and bound[0] == "module" and func.end_lineno == func.lineno:
                return bound[1], func.attr, func.end_lineno, func.end_col_offset - len(func.attr.encode("utf-8"))
        return None

    def emit(self, module, name, lineno, byte_col):
        target = self.corpus.by_module.get(module)
        if target is None or target == self.rel:
            return
        def_line = self.corpus.defs(target).get(name)
        if def_line is None:
            return
        text = self.lines[lineno - 1]
        column = len(text.encode("utf-8")[:byte_col].decode("utf-8", "replace"))
        if text[column : column + len(name)] != name:
            return
        self.out.append({"file": self.rel, "line": lineno - 1, "column": column, "callee": name,
                         "target": {"path": target, "name": name, "line": def_line}})

    def walk(self, node, env):
        if isinstance(node, ast.Call):
            found = self.target_of(env, node.func)
            if found:
                self.emit(*found)
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.Lambda)):
            for child in getattr(node, "decorator_list", []) + node.args.defaults + [d for d in node.args.kw_defaults if d]:
                self.walk(child, env)
            body = node.body if isinstance(node.body, list) else [node.body]
            inner = self.scope_env(body, env, node.args)
            for child in body:
                self.walk(child, inner)
            return
        if isinstance(node, ast.ClassDef):
            for child in node.decorator_list + node.bases + [k.value for k in node.keywords]:
                self.walk(child, env)
            # Class bodies see the enclosing scope but methods do not see the class scope.
            inner = self.scope_env(node.body, env)
            for child in node.body:
                self.walk(child, env if isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) else inner)
            return
        for child in ast.iter_child_nodes(node):
            self.walk(child, env)


def main():
    root = os.path.abspath(sys.argv[1])
    corpus = Corpus(root)
    for rel in corpus.files:
        parsed = corpus.tree(rel)
        if parsed is None:
            continue
        finder = CallFinder(corpus, rel)
        module_env = finder.scope_env(parsed[0].body, {})
        for node in parsed[0].body:
            finder.walk(node, module_env)
        for row in finder.out:
            sys.stdout.write(json.dumps(row, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
