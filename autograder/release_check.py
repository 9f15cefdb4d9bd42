"""Whether a course's release must be regenerated before a batch is graded.

``nbgrader generate_assignment`` writes the release and records the source's cells, hidden
tests included, in the gradebook; grading reads both. It is skipped when nothing it depends on
or writes has changed since the last release the kit made: the assignment's folder (its source
notebook and everything beside it), the course's ``nbgrader_config.py``, the installed
nbgrader, the release folder, and the gradebook's record of the assignment (its notebooks,
graded cells and source cells). A stamp of those, taken right after a release, is kept
beside the gradebook; anything that differs from it, or a missing stamp, regenerates.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from importlib.metadata import version
from pathlib import Path

from autograder.course import Course
from autograder.engine import config
from autograder.engine.manifest import folder_digest

STAMPS = ".homework-kit"  # in the course directory: the stamps of its releases


def _stamp(course: Course) -> Path:
    return course.path(STAMPS, f"release-{course.assignment.name}.json")


# The gradebook's record of one assignment, as generate_assignment writes it.
_ASSIGNMENT = "SELECT id, name, duedate, course_id FROM assignment WHERE name = ?"
_NOTEBOOKS = "SELECT id, name, kernelspec FROM notebook WHERE assignment_id = ? ORDER BY name"
_CELLS = """SELECT b.id, b.name, b.type, g.max_score, g.cell_type, t.max_score, t.cell_type, s.id
            FROM base_cell b LEFT JOIN grade_cells g ON g.id = b.id LEFT JOIN task_cells t ON t.id = b.id
            LEFT JOIN solution_cells s ON s.id = b.id WHERE b.notebook_id = ? ORDER BY b.name, b.type"""
_SOURCES = "SELECT id, name, cell_type, locked, source, checksum FROM source_cell WHERE notebook_id = ? ORDER BY name"


def _gradebook_digest(course: Course) -> str:
    """A digest of the gradebook's rows for the assignment; "" without a gradebook or the assignment."""
    path = course.path("gradebook.db")
    if not path.is_file():
        return ""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            assignment = db.execute(_ASSIGNMENT, (course.assignment.name,)).fetchall()
            if not assignment:
                return ""
            rows: list = [assignment]
            for notebook in db.execute(_NOTEBOOKS, (assignment[0][0],)).fetchall():
                rows += [notebook, db.execute(_CELLS, (notebook[0],)).fetchall(),
                         db.execute(_SOURCES, (notebook[0],)).fetchall()]
    except sqlite3.Error:
        return ""
    return hashlib.sha256(json.dumps(rows, default=str).encode()).hexdigest()


def current_state(course: Course) -> dict[str, str]:
    release = course.config.release_dir / course.assignment.name
    return {
        "source": f"{course.assignment.folder.resolve()}:{course.assignment.fingerprint()}",
        "configuration": hashlib.sha256((course.root / config.CONFIG_FILE).read_bytes()).hexdigest(),
        "nbgrader": version("nbgrader"),
        "release": folder_digest(release) if release.is_dir() else "",
        "gradebook": _gradebook_digest(course),
    }


def is_current(course: Course) -> bool:
    """Whether the release and the gradebook are as the last release left them, from the same inputs."""
    stamp = _stamp(course)
    if not stamp.is_file():
        return False
    try:
        saved = json.loads(stamp.read_text())
    except ValueError:
        return False
    state = current_state(course)
    return saved == state and bool(state["release"]) and bool(state["gradebook"])


def record(course: Course) -> None:
    """Take the stamp, right after a release."""
    stamp = _stamp(course)
    stamp.parent.mkdir(exist_ok=True)
    stamp.write_text(json.dumps(current_state(course), indent=1))


def forget(course: Course) -> None:
    """Drop the stamp (before a release, so a release that fails half-way is never taken as current)."""
    _stamp(course).unlink(missing_ok=True)
