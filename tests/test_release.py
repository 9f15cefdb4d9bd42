"""Each committed student release is exactly nbgrader's output and leaks nothing."""

from __future__ import annotations

import re

import pytest

from autograder.course import kit_root, scratch_course
from autograder.engine.manifest import available
from autograder.notebooks import grade_id, is_solution, read, solved_source
from tests.builders import kit_course

ASSIGNMENTS = available(kit_course().config.source_dir)


def test_the_kit_has_its_assignments_and_the_korean_edition():
    assert {"lstm_gru", "lstm_gru_ko", "tensor_basics"} <= set(ASSIGNMENTS)


@pytest.fixture(scope="module", params=ASSIGNMENTS)
def course(request):
    return kit_course(request.param)


def test_regenerating_the_release_gives_the_committed_files(tmp_path, course):
    scratch = scratch_course(tmp_path / "course", course.assignment.name)
    scratch.generate_assignment()
    assert scratch.release_notebook.read_text() == course.release_notebook.read_text(), (
        f"{course.release_notebook.relative_to(kit_root())} differs from what nbgrader generates from "
        f"{course.source_notebook.relative_to(kit_root())}: run `make release` and commit.")
    # Only the notebook is released: the manifest, checks, data and reference stay on the grader's side.
    released = sorted(p.name for p in scratch.release_notebook.parent.rglob("*"))
    assert released == [course.assignment.notebook_file]


@pytest.mark.parametrize("marker", ["BEGIN SOLUTION", "END SOLUTION", "BEGIN HIDDEN TESTS", "HIDDEN TESTS",
                                    "autograder", "Rubric", "Model answer", "채점 기준", "모범 답안"])
def test_release_holds_no_marker_hidden_test_or_rubric(course, marker):
    assert marker not in course.release_notebook.read_text()


def _solution_lines(course):
    for cell in read(course.source_notebook).cells:
        if is_solution(cell):
            for region in re.findall(r"### BEGIN SOLUTION\n(.*?)### END SOLUTION", cell.source, re.S):
                for line in region.splitlines():
                    if len(line.strip()) > 25 and not line.strip().startswith("#"):
                        yield grade_id(cell), line.strip()


def test_release_holds_no_line_of_solution_code(course):
    nb = read(course.release_notebook)
    release_code = "\n".join(c.source for c in nb.cells)
    # A line the source also gives students outside its solution regions is no leak.
    given = "\n".join(re.sub(r"### BEGIN SOLUTION\n.*?### END SOLUTION", "", c.source, flags=re.S)
                      for c in read(course.source_notebook).cells)
    leaked = [(gid, line) for gid, line in _solution_lines(course) if line in release_code and line not in given]
    assert list(_solution_lines(course)), "the source notebook should have solution regions"
    assert not leaked


def test_every_solution_cell_becomes_a_stub(course):
    released = {grade_id(c): c.source for c in read(course.release_notebook).cells if is_solution(c)}
    for cell in read(course.source_notebook).cells:
        if is_solution(cell):
            stub = "raise NotImplementedError()" if cell.cell_type == "code" else "YOUR ANSWER HERE"
            assert stub in released[grade_id(cell)]
            assert solved_source(cell) != released[grade_id(cell)]
