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

from autograder import cli
from autograder.course import Course, scratch_course
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


@pytest.fixture(scope="session")
def graded_examples(tmp_path_factory) -> GradedBatch:
    root = tmp_path_factory.mktemp("examples")
    course = scratch_course(root / "course")
    out = root / "out"
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.main(["grade", str(EXAMPLES), "--course-dir", str(course.root), "--out", str(out)])
    results = {}
    for submission in collect(EXAMPLES, test_ids(course), course.assignment.notebook):
        results[submission.student_id] = (
            read_result(course, submission) if submission.gradable else rejected(submission))
    return GradedBatch(course, out, buffer.getvalue(), code, results)


@pytest.fixture(scope="session")
def verdicts(tmp_path_factory):
    """The labelled set graded once through real `nbgrader autograde`: name -> Verdict."""
    from tests.labelled import report

    graded = report.grade_labelled(tmp_path_factory.mktemp("labelled"))
    return {v.case.name: v for v in graded}
