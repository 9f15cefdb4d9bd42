"""The tools the tests rely on, kept as they were before any student code ran.

The hidden tests run in the process that ran the student's cells, so a cell can replace a
function of ``torch``, of ``builtins`` or of the kit's checks, swap a module in
``sys.modules``, install a tracer, a global module hook or a ``__torch_function__`` mode, and
a test would then judge with the student's tool instead of the real one. Before the first
cell, :class:`Guard` takes a snapshot of those tools; before each test cell it puts back
everything that was changed and notes what it was, and the notes flag the submission for
review. Nothing here changes what an honest notebook computes: new submodules that an import
adds are not changes, and a notebook that changed nothing gets no note.
"""

from __future__ import annotations

import builtins
import gc
import operator
import sys
import threading
import types

# Modules whose names and functions the tests rely on (with their submodules for the prefixes).
EXACT = ("builtins", "math", "json", "os", "sys", "random", "copy", "contextlib", "io", "warnings", "traceback",
         "linecache", "ast", "re", "numpy", "torch", "torch._tensor", "torch.functional", "torch._VF")
PREFIXES = ("torch.nn", "torch.optim", "torch.autograd", "torch.testing", "autograder")
# What the guard notes besides a replaced, deleted or added name (autograder/engine/flag_words.py reads them).
TRACER = "a tracer or profiler (`sys.settrace`/`sys.setprofile`) was installed"
GC_CALLBACK = "a garbage-collector callback (`gc.callbacks`) was installed"
IMPORT_SYSTEM = "the import system (`sys.meta_path`/`sys.path_hooks`) was changed"
FUNCTION_MODE = "a `__torch_function__` mode was left on"
THREAD = "a thread started by the notebook was still running during the tests"
# Attributes of ``sys`` that the executor itself sets for each cell, or that change as it runs.
# Plain values outside the kit change as libraries run (counters, flags); the kit's own (its
# thresholds) must not.
SCALARS = (int, float, str, bytes, bool, type(None))
SYS_OWN = {"stdout", "stderr", "displayhook", "excepthook", "last_type", "last_value", "last_traceback",
           "last_exc", "ps1", "ps2"}


def _watched_modules() -> dict[str, types.ModuleType]:
    return {name: module for name, module in list(sys.modules.items())
            if isinstance(module, types.ModuleType)
            and (name in EXACT or name.startswith(PREFIXES))}


def _classes(modules: dict[str, types.ModuleType]) -> list[type]:
    import torch
    import torch.nn as nn
    import torch.optim as optim

    found = {torch.Tensor, torch._C.TensorBase, nn.Module, nn.RNNBase, nn.LSTM, nn.GRU, nn.Embedding, nn.Linear,
             nn.NLLLoss, nn.CrossEntropyLoss, optim.Optimizer, optim.SGD, optim.Adam, nn.Parameter}
    for name, module in modules.items():
        if name.startswith("autograder"):
            found |= {v for v in vars(module).values() if isinstance(v, type) and v.__module__ == name}
    return sorted(found, key=lambda c: f"{c.__module__}.{c.__qualname__}")


def _functions(namespace: dict) -> dict[str, tuple]:
    return {key: (value.__code__, value.__defaults__, value.__kwdefaults__)
            for key, value in namespace.items() if isinstance(value, types.FunctionType)}


class Guard:
    def __init__(self):
        self.modules = _watched_modules()
        self.namespaces = {name: dict(vars(module)) for name, module in self.modules.items()}
        self.classes = {cls: dict(vars(cls)) for cls in _classes(self.modules)}
        self.functions = {}
        for owner, namespace in [*self.namespaces.items(), *((c, d) for c, d in self.classes.items())]:
            for key, code in _functions(namespace).items():
                self.functions[(_name(owner), key)] = (namespace[key], code)
        self.function_list = [function for function, _ in self.functions.values()]
        self.function_codes = [code for _, code in self.functions.values()]
        self.meta_path = list(sys.meta_path)
        self.path_hooks = list(sys.path_hooks)
        self.threads = set(threading.enumerate())  # the threads seen so far
        self.changes: list[str] = []  # every change seen in this run, once each
        self.found: list[str] = []    # the changes the last restore() put back

    def _note(self, text: str) -> None:
        if text not in self.changes:
            self.changes.append(text)
        if text not in self.found:
            self.found.append(text)

    def restore(self) -> list[str]:
        """Put every watched tool back as it was; what was changed since the last restore. A
        change made again is said again: a test during which a tool was changed does not count,
        whether or not a student cell had made the same change before."""
        self.found = []
        for name, module in self.modules.items():
            if sys.modules.get(name) is not module:
                self._note(f"`sys.modules[{name!r}]` was replaced")
                sys.modules[name] = module
            current = vars(module)
            if not _untouched(current, self.namespaces[name]):
                self._restore_namespace(name, current, self.namespaces[name],
                                        lambda k, v, m=module: setattr(m, k, v), lambda k, m=module: delattr(m, k),
                                        skip=SYS_OWN if name == "sys" else ())
        for cls, saved in self.classes.items():
            current = dict(vars(cls))
            if not _untouched(current, saved):
                self._restore_namespace(_name(cls), current, saved, lambda k, v, c=cls: setattr(c, k, v),
                                        lambda k, c=cls: delattr(c, k))
        if list(map(_CODE, self.function_list)) != self.function_codes:
            for (owner, key), (function, (code, defaults, kwdefaults)) in self.functions.items():
                if _CODE(function) != (code, defaults, kwdefaults):
                    self._note(f"the code of `{owner}.{key}` was changed")
                    function.__code__, function.__defaults__, function.__kwdefaults__ = code, defaults, kwdefaults
        self._restore_hooks()
        return self.found

    def _restore_namespace(self, owner: str, current: dict, saved: dict, put, remove, skip=()) -> None:
        kit = owner.startswith("autograder")
        for key, value in saved.items():
            if key in skip:
                continue
            if key not in current:
                self._note(f"`{owner}.{key}` was deleted")
                _quietly(put, key, value)
            elif current[key] is not value and not (not kit and isinstance(value, SCALARS)) \
                    and not (kit and isinstance(value, SCALARS) and current[key] == value):
                self._note(f"`{owner}.{key}` was replaced")
                _quietly(put, key, value)
        for key, value in current.items():
            if key not in saved and key not in skip and not isinstance(value, types.ModuleType) \
                    and not key.startswith("__"):
                self._note(f"`{owner}.{key}` was added")
                _quietly(remove, key)

    def _restore_hooks(self) -> None:
        import torch
        from torch.nn.modules import module as nn_module

        if sys.gettrace() is not None or sys.getprofile() is not None:
            self._note(TRACER)
            sys.settrace(None)
            sys.setprofile(None)
        if gc.callbacks:
            self._note(GC_CALLBACK)
            gc.callbacks.clear()
        if sys.meta_path != self.meta_path or sys.path_hooks != self.path_hooks:
            self._note(IMPORT_SYSTEM)
            sys.meta_path[:] = self.meta_path
            sys.path_hooks[:] = self.path_hooks
        for hooks in ("_global_forward_hooks", "_global_forward_pre_hooks", "_global_backward_hooks",
                      "_global_backward_pre_hooks", "_global_module_registration_hooks",
                      "_global_parameter_registration_hooks", "_global_buffer_registration_hooks"):
            registered = getattr(nn_module, hooks, None)
            if registered:
                self._note(f"a global module hook (`{hooks}`) was registered")
                registered.clear()
        while torch._C._len_torch_function_stack() > 0:
            self._note(FUNCTION_MODE)
            torch._C._pop_torch_function_stack()
        running = set(threading.enumerate())
        if running - self.threads:  # a thread is noted once, when first seen: it cannot be put back
            self._note(THREAD)
            self.threads |= running
        if builtins.__dict__.get("__import__") is not self.namespaces["builtins"]["__import__"]:
            builtins.__import__ = self.namespaces["builtins"]["__import__"]


_CODE = operator.attrgetter("__code__", "__defaults__", "__kwdefaults__")


def _untouched(current: dict, saved: dict) -> bool:
    """The same keys, in the same order, each bound to the very same object as in ``saved``: the
    common case, checked without a Python-level loop (the full check runs otherwise)."""
    return (len(current) == len(saved) and all(map(operator.is_, current, saved))
            and all(map(operator.is_, current.values(), saved.values())))


def _name(owner) -> str:
    return owner if isinstance(owner, str) else f"{owner.__module__}.{owner.__qualname__}"


def _quietly(action, *args) -> None:
    try:
        action(*args)
    except (AttributeError, TypeError):
        pass  # a C type's attribute that cannot be set back: the note still flags it
