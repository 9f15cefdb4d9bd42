"""Collecting a folder of submissions: every entry becomes one row, with a reason if needed."""

from __future__ import annotations

import nbformat
import pytest

from autograder.notebooks import submission
from autograder.submissions import EMPTY_FOLDER, collect, student_id_for

TESTS = ["test_a", "test_b"]


def _notebook_with(tests):
    nb = nbformat.v4.new_notebook()
    for gid in tests:
        cell = nbformat.v4.new_code_cell("pass")
        cell.metadata["nbgrader"] = {"grade": True, "solution": False, "grade_id": gid, "points": 1}
        nb.cells.append(cell)
    return nb


def test_folders_files_duplicates_and_missing_cells(tmp_path):
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "alice.ipynb"))
    (tmp_path / "bob").mkdir()
    nbformat.write(_notebook_with(["test_a"]), str(tmp_path / "bob" / "lstm_gru.ipynb"))
    (tmp_path / "carol").mkdir()
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "Alice.ipynb.ipynb"))
    (tmp_path / ".DS_Store").write_text("")
    found = {s.student_id: s for s in collect(tmp_path, TESTS)}
    assert set(found) == {"alice", "bob", "carol", "Alice.ipynb"}
    assert found["alice"].gradable and found["alice"].note is None
    assert found["bob"].gradable and found["bob"].note == (
        "1 test cell(s) were missing and were put back before grading: test_b.")
    assert found["carol"].problem == EMPTY_FOLDER


def test_same_student_twice_keeps_both_rows(tmp_path):
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "dan.ipynb"))
    (tmp_path / "dan").mkdir()
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "dan" / "lstm_gru.ipynb"))
    found = collect(tmp_path, TESTS)
    assert len(found) == 2
    assert [s.problem for s in found].count(None) == 1
    assert "another submission already uses the student id 'dan'" in [s.problem for s in found if s.problem][0]


def test_student_ids_are_safe_folder_names():
    assert student_id_for("Jane Doe (late).ipynb") == "Jane_Doe_late"
    assert student_id_for("../../etc.ipynb") == "etc"
    assert student_id_for("???.ipynb") == "unnamed"


def test_submission_builder_refuses_unknown_cells():
    import pytest
    with pytest.raises(KeyError):
        submission({"no_such_cell": "pass"})


def test_an_lms_zip_is_unpacked_into_one_entry_per_student(tmp_path):
    import zipfile

    from autograder.submissions import unpack

    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.writestr("download/ada.ipynb", "{}")
        zipped.writestr("download/ben/lstm_gru.ipynb", "{}")
        zipped.writestr("__MACOSX/download/._ada.ipynb", "junk")
        zipped.writestr("../escape.ipynb", "{}")
    folder = unpack(archive, tmp_path / "unpacked")
    assert sorted(p.name for p in folder.iterdir()) == ["ada.ipynb", "ben"]
    assert not (tmp_path / "escape.ipynb").exists()


def test_a_broken_zip_names_the_file_and_the_fix(tmp_path):
    from autograder.submissions import NotSubmissions, unpack

    archive = tmp_path / "download.zip"
    archive.write_text("not a zip")
    with pytest.raises(NotSubmissions, match=r"download.zip is not a readable zip file .* unpack them into a folder"):
        unpack(archive, tmp_path / "unpacked")
