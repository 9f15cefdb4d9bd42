"""Submissions made from an assignment's solution, for the tests, the examples and the benchmarks.

``course`` is any :class:`autograder.course.Course`; by default the kit's own folder and its
default assignment.
"""

from __future__ import annotations

import copy
from pathlib import Path

from autograder.course import Course, kit_root
from autograder.engine import batch
from autograder.engine.config import grading_environment
from autograder.engine.pool import WorkerPool
from autograder.engine.protocol import Job, Settings
from autograder.notebooks import grade_id, is_solution, read, solved_source


def kit_course(assignment: str | None = None) -> Course:
    return Course(kit_root(), assignment) if assignment else Course(kit_root())


def solution_sources(course: Course | None = None) -> dict[str, str]:
    """``grade_id -> solved source`` of every solution cell of the source notebook."""
    course = course or kit_course()
    return {grade_id(c): solved_source(c) for c in read(course.source_notebook).cells if is_solution(c)}


def edited(gid: str, *changes: tuple[str, str], course: Course | None = None) -> dict[str, str]:
    """``{gid: source}``: the solved source of cell ``gid`` with each ``(old, new)`` applied.

    Each ``old`` must occur exactly once, so an edit that no longer fits the solution fails
    loudly instead of silently writing the solution unchanged.
    """
    source = solution_sources(course)[gid]
    for old, new in changes:
        count = source.count(old)
        if count != 1:
            raise ValueError(f"{old!r} occurs {count} times in the solution of {gid}; expected once")
        source = source.replace(old, new)
    return {gid: source}


def submission(replacements: dict[str, str] | None = None, *, solved: bool = True,
               unsolved: tuple[str, ...] = (), course: Course | None = None):
    """The release notebook as a student would submit it.

    Each solution cell holds the solution's code (``solved=True``) or is left as released;
    cells named in ``unsolved`` keep their stub; ``replacements`` maps a solution cell's
    grade id to the source the student wrote there.
    """
    course = course or kit_course()
    replacements = dict(replacements or {})
    solutions = {grade_id(c): c for c in read(course.source_notebook).cells if is_solution(c)}
    nb = copy.deepcopy(read(course.release_notebook))
    for cell in nb.cells:
        gid = grade_id(cell)
        if gid in replacements:
            cell.source = replacements.pop(gid)
        elif solved and gid in solutions and gid not in unsolved:
            cell.source = solved_source(solutions[gid])
    if replacements:
        raise KeyError(f"no solution cell with grade id {sorted(replacements)} in the release")
    return nb


# The kit's bundled example hand-ins (make demo grades them).
EXAMPLES = kit_root() / "examples" / "submissions"


def direct_job(name: str, source: str, runs: Path, settings: Settings, isolate: bool = False) -> Job:
    """A job of one code cell, written here rather than prepared from a notebook, for the engine's own tests."""
    workdir = runs / name
    workdir.mkdir(parents=True)
    return Job(id=name, cells=({"index": 0, "source": source, "test": False},), workdir=str(workdir), hidden=(),
               kept=(), cell_timeout=settings.cell_timeout, wall_timeout=settings.wall_timeout,
               output_limit=settings.output_limit, limits=settings.limits, isolate=isolate)


def pool_for(course: Course, size: int, logs: Path) -> WorkerPool:
    """The batch's own worker pool for ``course``."""
    return WorkerPool(size, batch.worker_start(course), grading_environment(), logs, course.root)


def page_text(page: str) -> str:
    """What a reader sees of an HTML page: its text, tags dropped and entities read."""
    import html
    import re

    return html.unescape(re.sub(r"<[^>]+>", "", page))
