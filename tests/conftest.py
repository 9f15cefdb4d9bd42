"""Shared fixtures: an isolated Jupyter environment and one graded batch of the examples.

Grading through nbgrader costs seconds per notebook, so the bundled examples are graded
once per session (through the real CLI, in a scratch course directory) and the tests
read that batch's results.
"""

from __future__ import annotations

import contextlib
import io
import os
from dataclasses import dataclass
from pathlib import Path

import pytest

from autograder.course import Course, kit_root
from autograder.grading import test_ids
from tests.builders import EXAMPLES
from autograder.results import SubmissionResult, read_result, rejected
from autograder.submissions import collect


@pytest.fixture(scope="session", autouse=True)
def isolated_jupyter(tmp_path_factory):
    """Keep the user's Jupyter and matplotlib settings out, as nbgrader's own tests do."""
    home = tmp_path_factory.mktemp("home")
    saved = dict(os.environ)
    os.environ.update({
        "HOME": str(home),
        "JUPYTER_CONFIG_DIR": str(home / ".jupyter"),
        "JUPYTER_DATA_DIR": str(home / ".local" / "share" / "jupyter"),
        "MPLCONFIGDIR": str(home / ".matplotlib"),
        "IPYTHONDIR": str(home / ".ipython"),
    })
    yield
    os.environ.clear()
    os.environ.update(saved)


@dataclass
class GradedBatch:
    course: Course
    out: Path
    stdout: str
    exit_code: int
    results: dict[str, SubmissionResult]
    # The repository's own course directory before and after (course_work_state).
    repository_before: dict[str, tuple[int, int]]
    repository_after: dict[str, tuple[int, int]]


# What grading writes into a course directory (nbgrader's folders and gradebook, the kit's reports).
COURSE_WORK = ("submitted", "autograded", "feedback", "gradebook.db", "grades.csv", "grading", ".homework-kit",
               "assignments")


def course_work_state(root: Path) -> dict[str, tuple[int, int]]:
    """Every file grading may write under ``root``: path -> (size, modification time)."""
    state = {}
    for name in COURSE_WORK:
        top = root / name
        for path in ([top] if top.is_file() else sorted(top.rglob("*")) if top.is_dir() else []):
            if path.is_file():
                stat = path.stat()
                state[str(path.relative_to(root))] = (stat.st_size, stat.st_mtime_ns)
    return state


@pytest.fixture(scope="session")
def graded_examples(tmp_path_factory) -> GradedBatch:
    """The examples graded as ``make demo`` grades them (:mod:`autograder.demo`), in a scratch
    folder; the repository's own course directory is checked to be left as it was."""
    from autograder import demo

    root = tmp_path_factory.mktemp("examples")
    repository_before = course_work_state(kit_root())
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = demo.main([str(root / "course")])
    course = Course(root / "course")
    out = course.root / "grading"
    repository_after = course_work_state(kit_root())
    results = {}
    for submission in collect(EXAMPLES, test_ids(course), course.assignment.notebook):
        results[submission.student_id] = (
            read_result(course, submission) if submission.gradable else rejected(submission))
    return GradedBatch(course, out, buffer.getvalue(), code, results, repository_before, repository_after)


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory):
    """The labelled set graded once through real `nbgrader autograde`: name -> Verdict."""
    from tests.labelled import report

    graded = report.grade_labelled(tmp_path_factory.mktemp("labelled"))
    return {v.case.name: v for v in graded}
