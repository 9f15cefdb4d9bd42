"""Student code that changes the tools the tests rely on, found by reading it.

A cell that assigns to an attribute of ``torch``, of ``builtins`` or of the kit's own
modules (``torch.allclose = lambda *a, **k: True``), calls ``setattr`` on one of them, or
replaces an entry of ``sys.modules`` can make a hidden test pass without the work being
right. Such lines are not graded differently: they are flagged for a TA to review, with the
cell and the line.
"""

from __future__ import annotations

import ast

# Names a notebook uses for the modules the tests rely on.
WATCHED = {"torch", "nn", "F", "optim", "np", "numpy", "math", "builtins", "__builtins__", "sys",
           "autograder", "checks", "part1", "part2", "part3", "taggers", "feedback", "reference"}
# Item assignment is only a patch on these (a student's own ``data[i] = ...`` is not).
WATCHED_ITEMS = {"sys.modules", "__builtins__", "builtins.__dict__"}


def _root(node: ast.AST) -> str | None:
    while isinstance(node, (ast.Attribute, ast.Subscript)):
        node = node.value
    return node.id if isinstance(node, ast.Name) else None


def _patches(tree: ast.AST):
    for node in ast.walk(tree):
        targets = []
        if isinstance(node, ast.Assign):
            targets = node.targets
        elif isinstance(node, (ast.AugAssign, ast.AnnAssign)):
            targets = [node.target]
        for target in targets:
            if isinstance(target, ast.Attribute) and _root(target) in WATCHED:
                yield node.lineno
            elif isinstance(target, ast.Subscript) and ast.unparse(target.value) in WATCHED_ITEMS:
                yield node.lineno
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in ("setattr", "delattr") \
                and node.args and _root(node.args[0]) in WATCHED:
            yield node.lineno


def flagged_lines(cells: list[dict]) -> list[str]:
    """``cell N, line L: <code>`` for each line of a student cell that patches a watched module."""
    found = []
    for cell in cells:
        if cell.get("test"):
            continue
        try:
            tree = ast.parse(cell["source"])
        except SyntaxError:
            continue
        lines = cell["source"].splitlines()
        for lineno in sorted(set(_patches(tree))):
            found.append(f"cell {cell['index']}, line {lineno}: {lines[lineno - 1].strip()[:120]}")
    return found
