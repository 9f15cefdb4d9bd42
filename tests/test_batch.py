"""The batch grader's command line: an LMS zip in, every file in the table, and a second
run that keeps what the first one graded unless told to grade again."""

from __future__ import annotations

import contextlib
import io
import shutil
import zipfile

from autograder import cli
from autograder.course import scratch_course
from autograder.grading import EXAMPLES


def _grade(*args) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.main(["grade", *map(str, args)])
    return code, buffer.getvalue()


def test_a_zip_is_graded_and_a_second_run_resumes(tmp_path):
    course = scratch_course(tmp_path / "course")
    archive = tmp_path / "lms-download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        zipped.write(EXAMPLES / "ben.ipynb", "submissions/ben.ipynb")
        zipped.write(EXAMPLES / "ivy.txt", "submissions/ivy.txt")
    out = tmp_path / "out"
    common = ("--course-dir", course.root, "--out", out, "--workers", 1)

    code, first = _grade(archive, *common)
    assert code == 0, first
    assert "Grading 1 notebook(s) with 1 worker(s)" in first
    assert "ben      ben.ipynb  graded    0 / 33" in first and "ivy      ivy.txt    rejected" in first

    code, second = _grade(archive, *common)
    assert code == 0 and "1 notebook(s) already graded by an earlier run" in second
    assert "Grading 1 notebook(s)" not in second
    assert second.split("student", 1)[1] == first.split("student", 1)[1]  # the same table

    code, forced = _grade(archive, *common, "--force")
    assert code == 0 and "Grading 1 notebook(s) with 1 worker(s)" in forced


def test_a_bad_zip_is_refused_with_the_fix(tmp_path, capsys):
    course = scratch_course(tmp_path / "course")
    archive = tmp_path / "download.zip"
    archive.write_text("not a zip")
    assert cli.main(["grade", str(archive), "--course-dir", str(course.root), "--out", str(tmp_path / "out")]) == 1
    assert "download.zip is not a readable zip file" in capsys.readouterr().err
    shutil.rmtree(tmp_path / "out", ignore_errors=True)
