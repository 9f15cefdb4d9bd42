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


def _gradebook_rows(course) -> tuple[list, list]:
    """Every autograded grade and comment the course's gradebook holds, as plain values."""
    from nbgrader.api import Comment, Grade, Gradebook

    with Gradebook(course.db_url) as gradebook:
        grades = sorted((g.student.id, g.notebook.name, g.cell.name, g.auto_score, g.manual_score,
                         g.needs_manual_grade, g.score) for g in gradebook.db.query(Grade))
        comments = sorted((c.student.id, c.notebook.name, c.cell.name, c.auto_comment, c.manual_comment)
                          for c in gradebook.db.query(Comment))
    return grades, comments


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
    # The gradebook holds the very rows nbgrader's own autograde writes: the kit's replay saves a
    # notebook's grades in one commit and looks its cells up from one query.
    grades, comments = _gradebook_rows(graded_examples.course)
    assert len(grades) == 5 * 25 and len(comments) == 5 * 12
    assert (grades, comments) == _gradebook_rows(course)


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
    assert CELL_METADATA.en in by_workers.reason.en and "KeyError: 'grade_id'" in by_workers.reason.en


def _asked(db_url: str, questions: list[tuple]) -> list:
    """Each ``(method, *arguments)`` asked of one gradebook: ``(kind, id)`` of what it found, or
    ``"missing: ..."`` with nbgrader's message."""
    from nbgrader import api

    answers = []
    with api.Gradebook(db_url) as gradebook:
        for method, *arguments in questions:
            try:
                found = getattr(gradebook, method)(*arguments)
                answers.append((type(found).__name__, found.id))
            except api.MissingEntry as missing:
                answers.append(f"missing: {missing}")
    return answers


def test_the_replays_lookups_find_the_rows_nbgraders_own_lookups_find(graded_examples, monkeypatch):
    """Each graded cell's grade and comment, a name no cell has, a student nobody graded: the
    replay's lookups (one query per submitted notebook) answer or fail as nbgrader's do."""
    from nbgrader import api

    from autograder.engine import nbgrader_changes

    original = {name: getattr(api.Gradebook, name) for name in ("find_grade", "find_comment", "close")}
    for name, method in original.items():
        monkeypatch.setattr(api.Gradebook, name, method)  # put back after the test

    course = graded_examples.course
    with api.Gradebook(course.db_url) as gradebook:
        notebook = gradebook.find_notebook(course.assignment.notebook, course.assignment.name)
        grade_cells = [cell.name for cell in notebook.grade_cells]
        comment_cells = [cell.name for cell in notebook.solution_cells] + \
            [cell.name for cell in notebook.task_cells]
    where = (course.assignment.notebook, course.assignment.name)
    questions = []
    for student in ("ada", "ben", "nobody"):
        questions += [("find_grade", name, *where, student) for name in grade_cells + ["no_such_cell"]]
        questions += [("find_comment", name, *where, student) for name in comment_cells + ["no_such_cell"]]
    by_nbgrader = _asked(course.db_url, questions)
    nbgrader_changes.lookups_by_submission()
    by_the_replay = _asked(course.db_url, questions)
    assert by_the_replay == by_nbgrader
    assert (len(grade_cells), len(comment_cells)) == (25, 12)
    assert len({answer for answer in by_nbgrader if not isinstance(answer, str)}) == 2 * (25 + 12)
    # ada's and ben's unknown names, and every question about nobody.
    assert sum(isinstance(answer, str) and answer.startswith("missing") for answer in by_nbgrader) == \
        2 * 2 + (25 + 1) + (12 + 1)


def test_the_preparings_cell_lookups_find_the_cells_nbgraders_own_lookups_find(graded_examples, monkeypatch):
    """Every cell of every kind, asked by each finder (a cell of another kind and a name no cell
    has included), in the assignment's notebook and in one that does not exist: the replay's
    preparing lookups (one query per notebook and kind of cell) answer or fail as nbgrader's do."""
    from nbgrader import api

    from autograder.engine import nbgrader_changes

    finders = ("find_source_cell", "find_grade_cell", "find_solution_cell", "find_task_cell", "find_graded_cell")
    for name in (*finders, "close"):
        monkeypatch.setattr(api.Gradebook, name, getattr(api.Gradebook, name))  # put back after the test

    course = graded_examples.course
    with api.Gradebook(course.db_url) as gradebook:
        notebook = gradebook.find_notebook(course.assignment.notebook, course.assignment.name)
        names = sorted({cell.name for cell in notebook.source_cells}) + ["no_such_cell"]
    questions = [(method, name, notebook_name, course.assignment.name)
                 for notebook_name in (course.assignment.notebook, "no_such_notebook")
                 for method in finders for name in names]
    by_nbgrader = _asked(course.db_url, questions)
    by_nbgrader_finder = api.Gradebook.find_grade_cell
    with nbgrader_changes.cell_lookups_by_notebook():
        assert _asked(course.db_url, questions) == by_nbgrader
        assert api.Gradebook.find_grade_cell is not by_nbgrader_finder
    assert api.Gradebook.find_grade_cell is by_nbgrader_finder  # nbgrader's own, after the block
    found = [answer for answer in by_nbgrader if not isinstance(answer, str)]
    # Each cell is found by the finders of its kinds: 43 source cells, 25 grade cells (the
    # graded finder too), 12 solution cells; the rest, and every name elsewhere, fail.
    assert len(names) - 1 == 43 and len(found) == 43 + 25 * 2 + 12
    assert {kind for kind, _ in found} == {"SourceCell", "GradeCell", "SolutionCell"}
