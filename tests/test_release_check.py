"""`grade` skips `nbgrader generate_assignment` only when it would change nothing.

The release check (autograder/release_check.py) stamps what a release depends on and what it
writes; every kind of change to either makes the next run regenerate. Proven on a copy of the
small second assignment, whose source the tests may edit.
"""

from __future__ import annotations

import shutil
import sqlite3

import nbformat
import pytest

from autograder import grading, release_check
from autograder.course import kit_root, scratch_course
from autograder.notebooks import grade_id
from tests.builders import submission

TB = "tensor_basics"
GENERATED = "nbgrader generate_assignment:"
SKIPPED = "unchanged since the last run (nbgrader generate_assignment skipped)"


@pytest.fixture
def course(tmp_path):
    sources = tmp_path / "sources"
    shutil.copytree(kit_root() / "autograder" / "assignments" / TB, sources / TB,
                    ignore=shutil.ignore_patterns("__pycache__"))
    return scratch_course(tmp_path / "course", TB, source_dir=sources)


def _set_points(course, test: str, points: int) -> None:
    nb = nbformat.read(str(course.source_notebook), as_version=4)
    for cell in nb.cells:
        if grade_id(cell) == test:
            cell.metadata["nbgrader"]["points"] = points
    nbformat.write(nb, str(course.source_notebook))


def _handins(course, tmp_path):
    course.generate_assignment()
    handins = tmp_path / "handins"
    handins.mkdir()
    nbformat.write(submission(course=course), str(handins / "kim.ipynb"))
    return handins


def _grade(course, handins, out, force=False):
    said: list[str] = []
    result, = grading.grade_folder(handins, course.root, out, say=said.append, assignment=TB, force=force)
    return result, said


def test_an_unchanged_release_is_not_generated_again(course, tmp_path):
    handins = _handins(course, tmp_path)
    first, said = _grade(course, handins, tmp_path / "out")
    assert any(s.startswith(GENERATED) for s in said)  # a release the kit did not stamp is regenerated
    released = course.release_notebook.stat().st_mtime_ns
    again, said = _grade(course, handins, tmp_path / "out", force=True)
    assert any(SKIPPED in s for s in said) and not any(s.startswith(GENERATED) for s in said)
    assert course.release_notebook.stat().st_mtime_ns == released
    assert (again.score, again.max_score) == (first.score, first.max_score) == (5, 5)
    assert [(t.grade_id, t.score) for t in again.tests] == [(t.grade_id, t.score) for t in first.tests]


def test_a_changed_source_is_released_and_graded_by_the_next_run(course, tmp_path):
    handins = _handins(course, tmp_path)
    first, _ = _grade(course, handins, tmp_path / "out")
    _set_points(course, "test_row_softmax", 4)
    again, said = _grade(course, handins, tmp_path / "out", force=True)
    assert any(s.startswith(GENERATED) for s in said)
    assert (first.max_score, again.max_score) == (5, 7)
    assert again.test("test_row_softmax").points == 4


def _edit_source(course):
    _set_points(course, "test_column", 2)


def _delete_gradebook(course):
    course.path("gradebook.db").unlink()


def _change_gradebook_record(course):
    with sqlite3.connect(course.path("gradebook.db")) as db:
        db.execute("UPDATE source_cell SET source = source || '\n# changed' WHERE name = 'test_column'")


def _remove_assignment_from_gradebook(course):
    assert course.nbgrader("db", "assignment", "remove", TB, "--force").ok


def _edit_release(course):
    release = course.release_notebook
    release.write_text(release.read_text().replace("YOUR CODE HERE", "YOUR CODE THERE", 1))


def _delete_release(course):
    shutil.rmtree(course.release_notebook.parent)


def _edit_configuration(course):
    with open(course.path("nbgrader_config.py"), "a") as f:
        f.write('\nc.ClearSolutions.text_stub = "WRITE YOUR ANSWER HERE"\n')


def _add_a_file_to_the_assignment(course):
    (course.assignment.folder / "extra.csv").write_text("a,b\n1,2\n")


CHANGES = {
    "the source notebook": _edit_source,
    "a file beside it": _add_a_file_to_the_assignment,
    "the course configuration": _edit_configuration,
    "the release, edited": _edit_release,
    "the release, deleted": _delete_release,
    "the gradebook, deleted": _delete_gradebook,
    "the gradebook's record of a cell": _change_gradebook_record,
    "the assignment, removed from the gradebook": _remove_assignment_from_gradebook,
}


@pytest.mark.parametrize("change", CHANGES)
def test_any_change_to_what_a_release_reads_or_writes_regenerates_it(course, change):
    course.generate_assignment()
    release_check.record(course)
    assert release_check.is_current(course)
    CHANGES[change](course)
    assert not release_check.is_current(course)


def test_a_release_that_never_finished_is_not_taken_as_current(course):
    course.generate_assignment()
    release_check.record(course)
    release_check.forget(course)  # what a run does before it regenerates
    assert not release_check.is_current(course)


def test_a_release_nbgrader_refuses_stops_the_run_with_nbgraders_reason(course, tmp_path, capsys):
    from autograder import cli

    kit_release = kit_root() / "assignments" / TB
    handins = tmp_path / "handins"
    handins.mkdir()
    shutil.copyfile(kit_release / f"{TB}.ipynb", handins / "kim.ipynb")
    nb = nbformat.read(str(course.source_notebook), as_version=4)
    solution = next(c for c in nb.cells if "### END SOLUTION" in c.source)
    solution.source = solution.source.replace("### END SOLUTION", "")
    nbformat.write(nb, str(course.source_notebook))
    code = cli.main(["grade", str(handins), "--course-dir", str(course.root), "--assignment", TB,
                     "--out", str(tmp_path / "out")])
    err = capsys.readouterr().err
    assert code == 1
    assert f"error: nbgrader generate_assignment failed in {course.root}:" in err
    assert "no end solution statement found" in err
    assert not release_check.is_current(course)
