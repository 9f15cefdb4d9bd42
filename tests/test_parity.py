"""The kit's workers and `nbgrader autograde` give the same score to every test of every
notebook: the bundled examples and the whole labelled set, graded both ways."""

from __future__ import annotations

import pytest

from autograder import batch
from autograder.course import scratch_course
from autograder import grading
from autograder.results import read_result
from autograder.submissions import Submission, collect
from labelled.build import write_all
from labelled.cases import ALL


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
    batch.execute(course, submissions, batch.course_settings(course), root / "work")
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
    submissions = [s for s in collect(grading.EXAMPLES, grading.test_ids(course)) if s.gradable]
    results, _ = grading.grade_submissions(course, submissions, say=lambda _: None)
    for by_nbgrader in results:
        by_workers = graded_examples.results[by_nbgrader.student_id]
        assert _scores(by_workers) == _scores(by_nbgrader), by_nbgrader.student_id
        assert [t.message for t in by_workers.tests] == [t.message for t in by_nbgrader.tests]
