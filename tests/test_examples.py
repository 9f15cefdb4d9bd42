"""The committed example submissions are what examples/build_examples.py writes."""

from __future__ import annotations

import importlib.util

import nbformat

from autograder.course import kit_root

EXAMPLES = kit_root() / "examples"


def _builder():
    spec = importlib.util.spec_from_file_location("build_examples", EXAMPLES / "build_examples.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_committed_examples_match_the_builder():
    for name, nb in _builder().notebooks().items():
        committed = nbformat.read(str(EXAMPLES / "submissions" / f"{name}.ipynb"), as_version=4)
        assert [c.source for c in committed.cells] == [c.source for c in nb.cells], (
            f"{name}.ipynb is stale: run `.venv/bin/python examples/build_examples.py` and commit.")
