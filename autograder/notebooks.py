"""Notebook-level facts: cell roles, and submissions made from the solution.

Cell roles follow nbgrader's metadata (``utils.is_grade`` / ``is_solution`` there); they are
re-stated here as tiny pure functions so the kit can read notebooks without a gradebook.
"""

from __future__ import annotations

import copy
import re
from pathlib import Path

import nbformat

from autograder import ASSIGNMENT, NOTEBOOK

_SOLUTION_REGION = re.compile(r"^[ \t]*### (BEGIN|END) SOLUTION[ \t]*\n?", re.MULTILINE)


def repo_root() -> Path:
    return Path(__file__).resolve().parent.parent


def source_path(course_dir: Path | None = None) -> Path:
    return Path(course_dir or repo_root()) / "solutions" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"


def release_path(course_dir: Path | None = None) -> Path:
    return Path(course_dir or repo_root()) / "assignments" / ASSIGNMENT / f"{NOTEBOOK}.ipynb"


def nbgrader_meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {}) or {}


def grade_id(cell) -> str | None:
    return nbgrader_meta(cell).get("grade_id")


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


def code_cells(nb) -> list[dict]:
    """``[{"index", "source", "test"}]`` of the code cells that run, in notebook order."""
    return [{"index": i, "source": c.source, "test": is_autograded_test(c)} for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip()]


def solved_source(cell) -> str:
    """A solution cell's source as a student who solved it would leave it: markers removed."""
    return _SOLUTION_REGION.sub("", cell.source)


def solution_sources(course_dir: Path | None = None) -> dict[str, str]:
    """``grade_id -> solved source`` of every solution cell of the source notebook."""
    return {grade_id(c): solved_source(c) for c in read(source_path(course_dir)).cells if is_solution(c)}


def edited(gid: str, *changes: tuple[str, str], course_dir: Path | None = None) -> dict[str, str]:
    """``{gid: source}``: the solved source of cell ``gid`` with each ``(old, new)`` applied.

    Each ``old`` must occur exactly once, so an edit that no longer fits the solution fails
    loudly instead of silently writing the solution unchanged.
    """
    source = solution_sources(course_dir)[gid]
    for old, new in changes:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"{old!r} occurs {count} times in the solution of {gid}; expected once")
        source = source.replace(old, new)
    return {gid: source}


def submission(replacements: dict[str, str] | None = None, *, solved: bool = True,
               unsolved: tuple[str, ...] = (), course_dir: Path | None = None):
    """The release notebook as a student would submit it.

    Each solution cell holds the solution's code (``solved=True``) or is left as released;
    cells named in ``unsolved`` keep their stub; ``replacements`` maps a solution cell's
    grade id to the source the student wrote there.
    """
    replacements = dict(replacements or {})
    solutions = {grade_id(c): c for c in read(source_path(course_dir)).cells if is_solution(c)}
    nb = copy.deepcopy(read(release_path(course_dir)))
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in replacements:
            cell.source = replacements.pop(gid)
        elif solved and gid in solutions and gid not in unsolved:
            cell.source = solved_source(solutions[gid])
    if replacements:
        raise KeyError(f"no solution cell with grade id {sorted(replacements)} in the release")
    return nb
