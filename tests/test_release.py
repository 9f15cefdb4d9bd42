"""The committed student release is exactly nbgrader's output and leaks nothing."""

from __future__ import annotations

import re

import pytest

from autograder.course import scratch_course
from autograder.notebooks import grade_id, is_solution, read, release_path, solved_source, source_path


@pytest.fixture(scope="module")
def release_text():
    return release_path().read_text()


def test_regenerating_the_release_gives_the_committed_file(tmp_path):
    course = scratch_course(tmp_path / "course")
    course.generate_assignment()
    regenerated = release_path(course.root).read_text()
    assert regenerated == release_path().read_text(), (
        "assignments/ differs from what nbgrader generates from solutions/: run `make release` and commit.")


@pytest.mark.parametrize("marker", ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS",
                                    "autograder", "Rubric", "Model answer"])
def test_release_holds_no_marker_hidden_test_or_rubric(release_text, marker):
    assert marker not in release_text


def _solution_lines():
    for cell in read(source_path()).cells:
        if is_solution(cell):
            for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
                for line in region.splitlines():
                    if len(line.strip()) > 25 and not line.strip().startswith("#"):
                        yield grade_id(cell), line.strip()


def test_release_holds_no_line_of_solution_code(release_text):
    nb = read(release_path())
    release_code = "\n".join(c.source for c in nb.cells)
    # A line the source also gives students outside its solution regions is no leak.
    given = "\n".join(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", c.source, flags=re.S)
                      for c in read(source_path()).cells)
    leaked = [(gid, line) for gid, line in _solution_lines() if line in release_code and line not in given]
    assert list(_solution_lines()), "the source notebook should have solution regions"
    assert not leaked


def test_every_solution_cell_becomes_a_stub():
    released = {grade_id(c): c.source for c in read(release_path()).cells if is_solution(c)}
    for cell in read(source_path()).cells:
        if is_solution(cell):
            stub = "raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in released[grade_id(cell)]
            assert solved_source(cell) != released[grade_id(cell)]
