"""Collecting a folder of submissions: every entry becomes one row, with a reason if needed."""

from __future__ import annotations

import nbformat
import pytest

from tests.builders import submission
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
    found = {s.student_id: s for s in collect(tmp_path, TESTS, "lstm_gru")}
    assert set(found) == {"alice", "bob", "carol", "Alice.ipynb"}
    assert found["alice"].gradable and found["alice"].note is None
    assert found["bob"].gradable and found["bob"].note.en == (
        "1 test cell(s) were missing and were put back before grading: test_b.")
    assert found["carol"].problem == EMPTY_FOLDER


def test_same_student_twice_keeps_both_rows(tmp_path):
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "dan.ipynb"))
    (tmp_path / "dan").mkdir()
    nbformat.write(_notebook_with(TESTS), str(tmp_path / "dan" / "lstm_gru.ipynb"))
    found = collect(tmp_path, TESTS, "lstm_gru")
    assert len(found) == 2
    assert [s.problem for s in found].count(None) == 1
    assert "another submission already uses the student id 'dan'" in [s.problem for s in found if s.problem][0].en


def test_student_ids_are_safe_folder_names():
    assert student_id_for("Jane Doe (late).ipynb") == "Jane_Doe_late"
    assert student_id_for("../../etc.ipynb") == "etc"
    assert student_id_for("???.ipynb").startswith("unnamed-")


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
    folder, refused = unpack(archive, tmp_path / "unpacked")
    assert sorted(p.name for p in folder.iterdir()) == ["ada.ipynb", "ben"]
    assert not (tmp_path / "escape.ipynb").exists() and refused == {}


def test_a_broken_zip_names_the_file_and_the_fix(tmp_path):
    from autograder.submissions import NotSubmissions, unpack

    archive = tmp_path / "download.zip"
    archive.write_text("not a zip")
    with pytest.raises(NotSubmissions, match=r"download.zip is not a readable zip file .* unpack them into a folder"):
        unpack(archive, tmp_path / "unpacked")


def test_a_zip_bomb_is_refused_before_anything_is_unpacked(tmp_path):
    import zipfile

    from autograder.submissions import NotSubmissions, unpack

    archive = tmp_path / "bomb.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for i in range(3):
            zipped.writestr(f"s{i}.ipynb", b"\0" * (40 * 1024**2))
    assert archive.stat().st_size < 1024**2
    with pytest.raises(NotSubmissions, match=r"bomb.zip would unpack to 120 MB, more than the 100 MB allowed"):
        unpack(archive, tmp_path / "unpacked", zip_limit=100 * 1024**2)
    assert not any((tmp_path / "unpacked").iterdir())


def test_an_oversized_hand_in_gets_a_row_with_the_reason_and_the_rest_are_unpacked(tmp_path):
    import zipfile

    from autograder.submissions import collect, unpack

    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        zipped.writestr("big.ipynb", b"\0" * (3 * 1024**2))
        zipped.writestr("kim/lstm_gru.ipynb", b"\0" * (3 * 1024**2))
        zipped.writestr("ada.ipynb", "{}")
    folder, refused = unpack(archive, tmp_path / "unpacked", entry_limit=1024**2)
    assert sorted(p.name for p in folder.iterdir()) == ["ada.ipynb"]
    rows = {s.student_id: s for s in collect(folder, ["test_p1_setup"], "lstm_gru", refused)}
    assert sorted(rows) == ["ada", "big", "kim"]
    assert rows["big"].problem.en == rows["kim"].problem.en == (
        "the file is larger than 1 MB once unpacked (3 MB); a notebook is far smaller. It was not unpacked: hand in "
        "the notebook itself, with its outputs cleared if they are huge.")


def test_long_and_odd_names_become_short_stable_distinct_ids():
    from autograder.submissions import ID_LIMIT, student_id_for

    long_a, long_b = "a" * 250 + "x.ipynb", "a" * 250 + "y.ipynb"
    assert len(student_id_for(long_a)) <= ID_LIMIT
    assert student_id_for(long_a) == student_id_for(long_a) != student_id_for(long_b)
    assert student_id_for("홍길동.ipynb") == "홍길동"
    assert student_id_for("Kim, Min-ji (2024) final!.ipynb") == "Kim_Min-ji_2024_final"
    assert student_id_for("???.ipynb").startswith("unnamed-") and student_id_for("???.ipynb") != student_id_for("!!!.ipynb")
    assert student_id_for("../../etc.ipynb") == "etc"
