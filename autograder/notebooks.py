"""Notebook-level facts: cell roles and the code cells that run.

Cell roles follow nbgrader's metadata (``utils.is_grade`` / ``is_solution`` there); they are
re-stated here as tiny pure functions so the kit can read notebooks without a gradebook.
"""

from __future__ import annotations

import re
from pathlib import Path

import nbformat

_SOLUTION_REGION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def nbgrader_meta(cell) -> dict:
    """The cell's nbgrader metadata; ``{}`` where it is missing or not a mapping (a notebook
    edited by hand: nbgrader's own steps then fail it, and the kit reports why, never crashes)."""
    metadata = cell.get("metadata")
    meta = metadata.get("nbgrader") if isinstance(metadata, dict) else None
    return meta if isinstance(meta, dict) else {}


def grade_id(cell) -> str | None:
    """The cell's grade id, where it has one that is a string (as nbgrader writes it)."""
    found = nbgrader_meta(cell).get("grade_id")
    return found if isinstance(found, str) else None


def is_grade(cell) -> bool:
    return bool(nbgrader_meta(cell).get("grade"))


def is_solution(cell) -> bool:
    return bool(nbgrader_meta(cell).get("solution"))


def is_autograded_test(cell) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


def autograded_tests(nb) -> dict[str, float]:
    """``grade_id -> points`` of every autograded test cell, in notebook order."""
    return {grade_id(c): float(nbgrader_meta(c).get("points", 0)) for c in nb.cells if is_autograded_test(c)}


def read(path: Path):
    return nbformat.read(str(path), as_version=4)


def read_written(path: Path):
    """A version 4 notebook that nbgrader or the kit wrote (the prepared and the autograded
    ones), read without checking it against nbformat's schema once more: a fifth of the time
    of :func:`read`, paid for every student while the TA waits. Any other is read by :func:`read`."""
    from nbformat import reader  # nbformat.read's own parsing (lines joined), without its validation

    nb = reader.reads(Path(path).read_text(encoding="utf-8"))
    return nb if nb.get("nbformat") == 4 else read(path)


def code_cells(nb) -> list[dict]:
    """``[{"index", "source", "test"}]`` of the code cells that run, in notebook order."""
    return [{"index": i, "source": c.source, "test": is_autograded_test(c)} for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip()]


def solved_source(cell) -> str:
    """A solution cell's source as a student who solved it would leave it: markers removed."""
    return _SOLUTION_REGION.sub("", cell.source)
