"""Student code that reaches for the grader instead of doing the homework, found by reading it.

The homework needs tensors, modules, loops and prints. It never needs the executing shell's
hooks, the garbage collector, ``ctypes``, frames and closures, raw file descriptors,
``/proc``, code built from text at run time, imports of the kit, nbgrader or IPython's
internals, or changes to the modules the tests use. A line that does any of these is not
graded differently (the run's own protections decide what it can do): it is flagged for a
TA to review, with its cell, its line and what it reaches for. Every student cell is read,
including code in functions that run only when a test calls them; IPython's own syntax
(``%magic``, ``!command``) is turned into Python first, as the shell would.
"""

from __future__ import annotations

import ast
import functools

# Names a notebook uses for the modules the tests rely on. The names the assignment's own test
# cells import (its checks) are added per assignment, see :func:`given_names`.
WATCHED = {"torch", "nn", "F", "optim", "np", "numpy", "math", "builtins", "__builtins__", "sys", "os",
           "autograder", "feedback", "json", "io", "warnings", "traceback", "functools", "random", "copy", "time",
           "signal", "gc"}
# Item assignment is only a patch on these (a student's own ``data[i] = ...`` is not).
WATCHED_ITEMS = {"sys.modules", "__builtins__", "builtins.__dict__"}

PATCH = "changes a module the tests use"
SHELL = "reaches into the executing shell (its hooks, transformers or internals)"
INTROSPECTION = "reaches into the interpreter's internals (frames, closures, code objects, the garbage collector)"
DYNAMIC_CODE = "runs code built from text at run time"
KIT_IMPORT = "imports the grader's own code (the kit, nbgrader, IPython's internals)"
RAW_IO = "works on raw file descriptors, processes or signals"
PROC = "reads the system's process table or descriptors (/proc, /dev/fd)"
FAKE_VALUES = "defines a value that can pass for a tensor or a check's answer (comparison or tensor-function hooks)"
GLOBAL_HOOKS = "installs a hook that changes every module or every torch call"

# Modules a homework never imports: the name, or its first part, decides.
MODULES = {
    "gc": INTROSPECTION, "ctypes": INTROSPECTION, "inspect": INTROSPECTION, "dis": INTROSPECTION,
    "marshal": DYNAMIC_CODE, "importlib": DYNAMIC_CODE, "imp": DYNAMIC_CODE, "code": DYNAMIC_CODE,
    "codeop": DYNAMIC_CODE, "runpy": DYNAMIC_CODE, "pickle": DYNAMIC_CODE, "dill": DYNAMIC_CODE,
    "cloudpickle": DYNAMIC_CODE, "types": INTROSPECTION, "builtins": PATCH, "atexit": RAW_IO, "signal": RAW_IO,
    "faulthandler": RAW_IO, "resource": RAW_IO, "mmap": RAW_IO, "pty": RAW_IO, "fcntl": RAW_IO, "psutil": RAW_IO,
    "multiprocessing": RAW_IO, "threading": RAW_IO, "_thread": RAW_IO, "socket": RAW_IO,
    "autograder": KIT_IMPORT, "nbgrader": KIT_IMPORT, "ipykernel": KIT_IMPORT, "jupyter_client": KIT_IMPORT,
    "nbclient": KIT_IMPORT, "nbformat": KIT_IMPORT, "traitlets": KIT_IMPORT, "IPython": KIT_IMPORT,
}
# Of those, what an honest notebook does import.
HONEST_IMPORTS = {"IPython.display"}
# ``module.function`` calls a homework never makes.
CALLS = {
    "sys._getframe": INTROSPECTION, "sys.settrace": INTROSPECTION, "sys.setprofile": INTROSPECTION,
    "sys.addaudithook": INTROSPECTION, "sys.exc_info": INTROSPECTION, "sys.exception": INTROSPECTION,
    "os.write": RAW_IO, "os.read": RAW_IO, "os.fdopen": RAW_IO, "os.dup": RAW_IO, "os.dup2": RAW_IO,
    "os.open": RAW_IO, "os.pipe": RAW_IO, "os.lseek": RAW_IO, "os.fork": RAW_IO, "os.forkpty": RAW_IO,
    "os.kill": RAW_IO, "os.killpg": RAW_IO, "os.setsid": RAW_IO, "os.setpgid": RAW_IO, "os._exit": RAW_IO,
    "os.abort": RAW_IO, "os.execv": RAW_IO, "os.execve": RAW_IO, "os.execvp": RAW_IO, "os.execl": RAW_IO,
    "os.execlp": RAW_IO, "os.posix_spawn": RAW_IO, "os.spawnv": RAW_IO, "os.spawnl": RAW_IO,
    "os.readlink": PROC, "os.chmod": RAW_IO, "os.chown": RAW_IO,
    "os.setuid": RAW_IO, "os.setgid": RAW_IO, "os.unshare": RAW_IO, "os.setns": RAW_IO, "os.pidfd_open": RAW_IO,
    "io.FileIO": RAW_IO, "os.system": RAW_IO, "os.popen": RAW_IO,
    "torch.overrides": GLOBAL_HOOKS, "torch._C": INTROSPECTION, "torch.library": GLOBAL_HOOKS,
}
GLOBAL_HOOK_NAMES = {"register_module_forward_hook", "register_module_forward_pre_hook",
                     "register_module_backward_hook", "register_module_full_backward_hook",
                     "register_module_full_backward_pre_hook", "register_module_buffer_registration_hook",
                     "register_module_parameter_registration_hook", "register_module_module_registration_hook",
                     "TorchFunctionMode", "TorchDispatchMode", "_set_torch_function_mode"}
# Attributes that lead from a value to the interpreter's or the shell's insides.
DUNDERS = {"__dict__", "__globals__", "__code__", "__closure__", "__builtins__", "__subclasses__", "__bases__",
           "__base__", "__mro__", "__func__", "__self__", "__defaults__", "__kwdefaults__", "__loader__", "__spec__",
           "__import__", "__getattribute__", "__wrapped__", "__reduce__", "__reduce_ex__", "__setattr__",
           "__delattr__", "__traceback__", "__frame__"}
FRAME_ATTRIBUTES = {"f_globals", "f_locals", "f_back", "f_builtins", "f_code", "f_trace", "tb_frame", "tb_next",
                    "gi_frame", "cr_frame", "ag_frame", "co_code", "co_consts", "cell_contents"}
# The shell's insides: flagged on any object (no homework value has them) ...
SHELL_ATTRIBUTES = {"set_custom_exc", "showtraceback", "_showtraceback", "showsyntaxerror", "input_transformers_post",
                    "input_transformers_cleanup", "input_transformer_manager", "ast_transformers", "run_cell",
                    "run_cell_async", "run_ast_nodes", "run_code", "display_pub", "InteractiveTB", "SyntaxTB",
                    "CustomTB", "custom_exceptions", "user_ns", "user_global_ns", "transform_cell", "kit_sink",
                    "register_magic_function", "prefilter_manager", "payload_manager", "history_manager"}
# ... and these only on the shell itself (other values have attributes of these names).
SHELL_ONLY_ATTRIBUTES = {"events", "displayhook", "kernel", "compile", "excepthook", "execution_count", "instance"}
# Modules whose attributes a cell must not assign, under whatever name they were imported.
WATCHED_MODULES = {"torch", "autograder", "builtins", "sys", "os", "numpy", "math", "json", "io", "warnings",
                   "traceback", "functools", "random", "copy", "time", "signal", "gc", "IPython", "nbgrader"}
# Methods whose definition lets a value pass for another in a comparison or a torch call.
FAKING_METHODS = {"__torch_function__", "__torch_dispatch__", "__instancecheck__", "__subclasscheck__", "__eq__",
                  "__ne__", "__lt__", "__le__", "__gt__", "__ge__", "__bool__", "__float__", "__int__", "__index__",
                  "__getattribute__", "__del__", "__init_subclass__", "__set_name__", "__reduce__", "__reduce_ex__",
                  "__class_getitem__"}
DYNAMIC_BUILTINS = {"exec", "eval", "compile"}
REFLECTIVE_BUILTINS = {"getattr", "setattr", "delattr", "hasattr"}
PROC_TEXT = ("/proc", "/dev/fd", "/dev/mem", "/sys/fs/cgroup")


def _dotted(node: ast.AST) -> str | None:
    """``a.b.c``; a call in the chain is written ``f()``, and ``__import__("m")`` as ``m``."""
    parts = []
    while isinstance(node, ast.Attribute):
        parts.append(node.attr)
        node = node.value
    if isinstance(node, ast.Name):
        parts.append(node.id)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id == "__import__" \
            and node.args and _literal(node.args[0]) and isinstance(node.args[0].value, str):
        parts.append(node.args[0].value)
        return ".".join(reversed(parts))
    if isinstance(node, ast.Call):
        inner = _dotted(node.func)
        if inner:
            parts.append(inner + "()")
            return ".".join(reversed(parts))
    return None


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript, ast.Call)):
        node = node.func if isinstance(node, ast.Call) else node.value
    return node.id if isinstance(node, ast.Name) else None


def _literal(node: ast.AST) -> bool:
    return isinstance(node, ast.Constant) and isinstance(node.value, (str, bytes))


def _module_reason(name: str) -> str | None:
    if name in HONEST_IMPORTS or any(name.startswith(h + ".") for h in HONEST_IMPORTS):
        return None
    return MODULES.get(name) or MODULES.get(name.split(".")[0])


class _Reader(ast.NodeVisitor):
    def __init__(self, watched: frozenset[str] = frozenset()):
        self.watched = WATCHED | watched
        self.found: list[tuple[int, str]] = []
        self.aliases: dict[str, str] = {}  # local name -> the module (or module.name) it stands for
        self.shells: set[str] = set()      # local names bound to the shell (``ip = get_ipython()``)

    def flag(self, node: ast.AST, reason: str) -> None:
        self.found.append((node.lineno, reason))

    def _full(self, node: ast.AST) -> str | None:
        """``node`` as a dotted name, with import aliases resolved (``nn.LSTM`` -> ``torch.nn.LSTM``)."""
        dotted = _dotted(node)
        if dotted is None:
            return None
        head, _, rest = dotted.partition(".")
        module = self.aliases.get(head, head)
        return f"{module}.{rest}" if rest else module

    def _watched(self, name: str | None) -> bool:
        return name in self.watched or self.aliases.get(name, "").split(".")[0] in WATCHED_MODULES

    def visit_Import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname:
                self.aliases[alias.asname] = alias.name
            else:
                top = alias.name.split(".")[0]
                self.aliases[top] = top
            reason = _module_reason(alias.name)
            if reason:
                self.flag(node, reason)

    def visit_ImportFrom(self, node: ast.ImportFrom) -> None:
        module = node.module or ""
        for alias in node.names:
            self.aliases[alias.asname or alias.name] = f"{module}.{alias.name}"
            reason = _module_reason(module) or _module_reason(f"{module}.{alias.name}")
            if module == "sys" and alias.name in ("modules", "_getframe", "settrace", "setprofile", "meta_path"):
                reason = INTROSPECTION
            if alias.name in GLOBAL_HOOK_NAMES:
                reason = GLOBAL_HOOKS
            if reason:
                self.flag(node, reason)
        self.generic_visit(node)

    def visit_Assign(self, node: ast.Assign) -> None:
        names = {t.id for t in node.targets if isinstance(t, ast.Name)}
        if isinstance(node.value, ast.Call) and _dotted(node.value.func) == "get_ipython":
            self.shells |= names
        module = self._imported_by(node.value)
        if module:
            self.aliases.update(dict.fromkeys(names, module))
        self._targets(node, node.targets)

    def _imported_by(self, value: ast.AST) -> str | None:
        """The module ``value`` imports, for ``__import__("m")`` and ``importlib.import_module("m")``."""
        if isinstance(value, ast.Call) and value.args and _literal(value.args[0]) \
                and self._full(value.func) in ("__import__", "importlib.import_module"):
            return str(value.args[0].value)
        return None

    def visit_AugAssign(self, node) -> None:
        self._targets(node, [node.target])

    def visit_AnnAssign(self, node) -> None:
        self._targets(node, [node.target])

    def visit_Delete(self, node: ast.Delete) -> None:
        self._targets(node, node.targets)

    def _targets(self, node, targets) -> None:
        # An attribute of a module assigned (``torch.allclose = ...``), or an entry of the module
        # table; not an item of a module's value (``os.environ["X"] = ...``, ``plt.rcParams[...]``).
        for target in targets:
            if isinstance(target, (ast.Tuple, ast.List)):
                self._targets(node, target.elts)
            elif isinstance(target, ast.Starred):
                self._targets(node, [target.value])
            elif isinstance(target, ast.Attribute) and self._watched(_root(target)):
                self.flag(node, PATCH)
            elif isinstance(target, ast.Subscript) and (ast.unparse(target.value) in WATCHED_ITEMS
                                                        or self._full(target.value) in WATCHED_ITEMS):
                self.flag(node, PATCH)
        self.generic_visit(node)

    def _attribute(self, node: ast.AST, obj: ast.AST, attr: str) -> None:
        full = self._full(obj)
        full = f"{full}.{attr}" if full else None
        on_shell = full is not None and (full.startswith("get_ipython()") or full.split(".")[0] in self.shells)
        if attr in DUNDERS or attr in FRAME_ATTRIBUTES:
            self.flag(node, INTROSPECTION)
        elif attr in GLOBAL_HOOK_NAMES:
            self.flag(node, GLOBAL_HOOKS)
        elif attr in SHELL_ATTRIBUTES or (on_shell and attr in SHELL_ONLY_ATTRIBUTES):
            self.flag(node, SHELL)
        elif full in ("sys.modules", "sys.meta_path", "sys.path_hooks", "sys.excepthook", "sys.displayhook"):
            self.flag(node, INTROSPECTION)
        elif full in CALLS:
            self.flag(node, CALLS[full])
        elif full and full.split(".")[0] == "torch" and any(part in ("overrides", "_C", "library")
                                                             for part in full.split(".")[1:2]):
            self.flag(node, GLOBAL_HOOKS)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        self._attribute(node, node.value, node.attr)
        self.generic_visit(node)

    def visit_Name(self, node: ast.Name) -> None:
        if node.id in ("__builtins__", "__loader__", "__spec__"):
            self.flag(node, INTROSPECTION)
        self.generic_visit(node)

    def visit_Call(self, node: ast.Call) -> None:
        name = node.func.id if isinstance(node.func, ast.Name) else None
        first = node.args[0] if node.args else None
        if name in DYNAMIC_BUILTINS:
            if first is not None and _literal(first) and isinstance(first.value, str) and name != "compile":
                # Literal code is read as the rest of the cell is, and reported on this line.
                for _, reason in reasons(first.value):
                    self.flag(node, reason)
            else:
                self.flag(node, DYNAMIC_CODE)
        elif name == "__import__":
            if first is not None and _literal(first) and isinstance(first.value, str):
                reason = _module_reason(first.value)
                if reason:
                    self.flag(node, reason)
            else:
                self.flag(node, DYNAMIC_CODE)
        elif name in REFLECTIVE_BUILTINS and first is not None:
            target = _root(first)
            on_module = self._watched(target) or isinstance(first, ast.Call)
            attribute = node.args[1] if len(node.args) > 1 else None
            if name in ("setattr", "delattr") and on_module:
                self.flag(node, PATCH)
            elif attribute is not None and _literal(attribute) and isinstance(attribute.value, str):
                self._attribute(node, first, attribute.value)
            elif attribute is not None and on_module:
                self.flag(node, DYNAMIC_CODE)
        elif name == "vars" and node.args:
            self.flag(node, INTROSPECTION)
        elif name == "type" and len(node.args) == 3:
            self.flag(node, FAKE_VALUES)
        elif name == "open" and isinstance(first, ast.Constant) and isinstance(first.value, int):
            self.flag(node, RAW_IO)
        self.generic_visit(node)

    def visit_FunctionDef(self, node) -> None:
        if node.name in FAKING_METHODS:
            self.flag(node, FAKE_VALUES)
        self.generic_visit(node)

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        for base in node.bases:
            if self._full(base) in ("torch.Tensor", "type", "torch._C.TensorBase", "builtins.type"):
                self.flag(node, FAKE_VALUES)
        if any(keyword.arg == "metaclass" for keyword in node.keywords):
            self.flag(node, FAKE_VALUES)
        for statement in node.body:  # ``__eq__ = lambda self, other: True``
            if isinstance(statement, ast.Assign) and any(isinstance(t, ast.Name) and t.id in FAKING_METHODS
                                                         for t in statement.targets):
                self.flag(statement, FAKE_VALUES)
        self.generic_visit(node)

    def visit_Constant(self, node: ast.Constant) -> None:
        if isinstance(node.value, str) and any(node.value.startswith(p) or f" {p}" in node.value for p in PROC_TEXT):
            self.flag(node, PROC)


def _python(source: str) -> str:
    """The cell as the shell runs it: ``%magic`` and ``!command`` lines become Python calls."""
    from IPython.core.inputtransformer2 import TransformerManager

    try:
        return TransformerManager().transform_cell(source)
    except Exception:  # noqa: BLE001 - read as it is; what does not parse is reported below
        return source


def reasons(source: str) -> list[tuple[int, str]]:
    """``(line, reason)`` for each line of ``source`` that reaches for the grader, in order, once each."""
    return _reasons_in(_python(source))


def _reasons_in(python: str, watched: frozenset[str] = frozenset()) -> list[tuple[int, str]]:
    try:
        tree = ast.parse(python)
    except SyntaxError:
        return []  # the shell cannot run it either: it fails in its cell
    reader = _Reader(watched)
    reader.visit(tree)
    return sorted(set(reader.found))


@functools.lru_cache(maxsize=4)
def given_names(trusted: frozenset[str]) -> frozenset[str]:
    """The names the assignment's own test cells bind by importing (its checks modules, e.g.
    ``checks``): a student cell that assigns their attributes patches the tests. The same for
    every submission of a batch: read once."""
    names = set()
    for source in trusted:
        try:
            tree = ast.parse(_python(source))
        except SyntaxError:
            continue
        for node in ast.walk(tree):
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                names.update((a.asname or a.name).split(".")[0] for a in node.names)
    return frozenset(names)


def flagged_lines(cells: list[dict], trusted: set[str] = frozenset()) -> list[str]:
    """``cell N, line L: <code> (<why>)`` for each line of a student cell that reaches for the grader.

    A cell whose source is one of ``trusted`` (the assignment's own test cells, restored from
    the gradebook) is the kit's code, not the student's; every other cell is read.
    """
    watched = given_names(frozenset(trusted))
    return [f"cell {cell['index']}, line {lineno}: `{code}` ({why})"
            for cell in cells if cell["source"] not in trusted
            for lineno, code, why in (_flags_in if len(cell["source"]) <= REMEMBERED_CELL_SIZE
                                      else _flags_in.__wrapped__)(cell["source"], watched)]


REMEMBERED_CELL_SIZE = 1 << 16  # larger cells are read each time, not kept


@functools.lru_cache(maxsize=8192)
def _flags_in(source: str, watched: frozenset[str]) -> tuple[tuple[int, str, str], ...]:
    """``(line, code, why)`` for each flagged line of one cell. Most cells of a class's hand-ins
    are the same (the given code, unchanged answers): each is read once per batch."""
    python = _python(source)
    lines = python.splitlines()
    by_line: dict[int, list[str]] = {}
    for lineno, reason in _reasons_in(python, watched):
        by_line.setdefault(lineno, []).append(reason)
    return tuple((lineno, lines[lineno - 1].strip()[:120] if lineno <= len(lines) else "", "; ".join(why))
                 for lineno, why in by_line.items())
