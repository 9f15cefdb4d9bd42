"""The kit's workers and `nbgrader autograde` give the same score to every test of every
notebook: the bundled examples and the whole labelled set, graded both ways."""

from __future__ import annotations

import pytest

from autograder.engine import batch, config
from autograder.course import scratch_course
from autograder import grading
from autograder.results import read_result
from autograder.submissions import Submission, collect
from tests.builders import EXAMPLES
from tests.labelled.build import write_all
from tests.labelled.cases import ALL


def _scores(result) -> list[tuple[str, float]]:
    return [(t.grade_id, t.score) for t in result.tests]


@pytest.fixture(scope="module")
def labelled_by_workers(tmp_path_factory):
    root = tmp_path_factory.mktemp("parity")
    paths = write_all(root / "submissions")
    course = scratch_course(root / "course")
    course.generate_assignment()
    submissions = [Submission(name, path) for name, path in paths.items()]
    for s in submissions:
        course.submit(s.student_id, s.path)
    batch.execute(course, submissions, config.settings(course.config), root / "work")
    return {s.student_id: read_result(course, s) for s in submissions}


@pytest.mark.parametrize("name", [case.name for case in ALL])
def test_labelled_scores_equal_nbgrader_autograde(verdicts, labelled_by_workers, name):
    by_nbgrader = verdicts[name].result
    by_workers = labelled_by_workers[name]
    assert by_workers.status == by_nbgrader.status == "graded"
    assert _scores(by_workers) == _scores(by_nbgrader)
    assert (by_workers.score, by_workers.max_score) == (by_nbgrader.score, by_nbgrader.max_score)


def test_example_scores_equal_nbgrader_autograde(graded_examples, tmp_path):
    course = scratch_course(tmp_path / "course")
    course.generate_assignment()
    submissions = [s for s in collect(EXAMPLES, grading.test_ids(course), course.assignment.notebook) if s.gradable]
    results, _ = grading.grade_submissions(course, submissions, say=lambda _: None)
    for by_nbgrader in results:
        by_workers = graded_examples.results[by_nbgrader.student_id]
        assert _scores(by_workers) == _scores(by_nbgrader), by_nbgrader.student_id
        assert [t.message for t in by_workers.tests] == [t.message for t in by_nbgrader.tests]
        # Every error a cell showed, traceback and colours included, as the kernel showed it.
        student = by_nbgrader.student_id
        assert _errors(graded_examples.course.autograded_notebook(student)) == \
            _errors(course.autograded_notebook(student)), student


def _errors(notebook) -> list[tuple[int, str, str, list[str]]]:
    import nbformat

    cells = nbformat.read(notebook, as_version=4).cells
    return [(index, out.ename, out.evalue, out.traceback) for index, cell in enumerate(cells)
            for out in cell.get("outputs", []) if out.output_type == "error"]


def test_a_cell_pasted_from_another_notebook_fails_alike_with_the_fix(tmp_path):
    """nbgrader cannot grade a notebook with another assignment's graded cell in it; both
    engines say so, in the same words, with what to do."""
    import nbformat

    from autograder.results import CELL_METADATA, FAILED

    nb = nbformat.read(str(EXAMPLES / "ada.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("answer = 42", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": "hw2_q3", "points": 2, "locked": False, "schema_version": 3}}))
    path = tmp_path / "pasted.ipynb"
    nbformat.write(nb, str(path))
    submission = Submission("pasted", path)
    plain = scratch_course(tmp_path / "plain")
    plain.generate_assignment()
    [by_nbgrader], _ = grading.grade_submissions(plain, [submission], say=lambda _: None)
    fast = scratch_course(tmp_path / "fast")
    fast.generate_assignment()
    fast.submit("pasted", path)
    batch.execute(fast, [submission], config.settings(fast.config, workers=1), tmp_path / "work")
    by_workers = read_result(fast, submission, (tmp_path / "work" / "nbgrader.log").read_text())
    assert by_nbgrader.status == by_workers.status == FAILED
    assert by_nbgrader.reason == by_workers.reason
    assert CELL_METADATA in by_workers.reason and "KeyError: 'grade_id'" in by_workers.reason
