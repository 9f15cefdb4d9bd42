"""The batch grader's command line: an LMS zip in, every file in the table, and a second
run that keeps what the first one graded unless told to grade again."""

from __future__ import annotations

import contextlib
import io
import re
import shutil
import zipfile

from autograder import cli
from autograder.course import scratch_course
from tests.builders import EXAMPLES


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
    def table(output: str) -> str:
        return output[output.index("\nstudent "):output.index("\nDone in")]

    assert table(second) == table(first)

    code, forced = _grade(archive, *common, "--force")
    assert code == 0 and "Grading 1 notebook(s) with 1 worker(s)" in forced


def test_a_bad_zip_is_refused_with_the_fix(tmp_path, capsys):
    course = scratch_course(tmp_path / "course")
    archive = tmp_path / "download.zip"
    archive.write_text("not a zip")
    assert cli.main(["grade", str(archive), "--course-dir", str(course.root), "--out", str(tmp_path / "out")]) == 1
    assert "download.zip is not a readable zip file" in capsys.readouterr().err
    shutil.rmtree(tmp_path / "out", ignore_errors=True)


def test_a_batch_killed_half_way_resumes_with_the_same_scores(tmp_path):
    """SIGKILL mid-batch: nothing graded is lost or corrupted, the next run grades the rest."""
    import os
    import signal
    import subprocess
    import sys
    import tempfile
    import time
    from pathlib import Path

    course = scratch_course(tmp_path / "course")
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("ada", "ben", "cleo", "dev"):
        shutil.copyfile(EXAMPLES / f"{name}.ipynb", folder / f"{name}.ipynb")
    out = tmp_path / "out"
    common = ("--course-dir", course.root, "--out", out, "--workers", 1)
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(folder), *map(str, common)],
                             stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    done = out / "work" / "done"
    deadline = time.monotonic() + 300
    while not (done.exists() and any(done.glob("*.json"))) and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)
    assert batch.poll() is None, "the batch ended before it could be killed half-way"
    os.kill(batch.pid, signal.SIGKILL)
    batch.wait()
    kept = len(list(done.glob("*.json")))
    assert 1 <= kept < 4

    code, resumed = _grade(folder, *common)
    assert code == 0, resumed
    assert f"{kept} notebook(s) already graded by an earlier run" in resumed
    assert f"Grading {4 - kept} notebook(s)" in resumed
    for name, score in (("ada", 33), ("ben", 0), ("cleo", 20), ("dev", 28)):
        assert re.search(rf"^{name}\s+{name}.ipynb\s+graded\s+{score} / 33\b", resumed, re.M), resumed
    # The killed batch's run folder (student outputs) is cleared by the next run.
    assert not list(Path(tempfile.gettempdir()).glob(f"kit-runs-{batch.pid}-*"))
    # The gradebook is whole: nbgrader's export has every student's score.
    exported = (out / "nbgrader_export.csv").read_text()
    assert all(f",{name}," in exported for name in ("ada", "ben", "cleo", "dev"))


def test_a_new_hand_in_is_never_graded_from_an_earlier_runs_notebook(tmp_path):
    """A student re-submits a notebook nbgrader cannot grade: the row says why, instead of the
    grades of the notebook that the earlier run prepared under the same id."""
    import nbformat

    from autograder.results import CELL_METADATA

    course = scratch_course(tmp_path / "course")
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copyfile(EXAMPLES / "ada.ipynb", folder / "kim.ipynb")
    common = ("--course-dir", course.root, "--out", tmp_path / "out", "--workers", 1)
    code, first = _grade(folder, *common)
    assert code == 0 and re.search(r"^kim\s+kim.ipynb\s+graded\s+33 / 33\b", first, re.M), first

    nb = nbformat.read(str(folder / "kim.ipynb"), as_version=4)
    nb.cells.append(nbformat.v4.new_code_cell("answer = 42", metadata={"nbgrader": {
        "grade": True, "solution": True, "grade_id": "hw2_q3", "points": 2, "locked": False, "schema_version": 3}}))
    nbformat.write(nb, str(folder / "kim.ipynb"))
    code, second = _grade(folder, *common)
    assert "already graded by an earlier run" not in second
    row = next(line for line in second.splitlines() if line.startswith("kim "))
    assert " failed " in row and CELL_METADATA.en[:40] in row, second


def test_a_cell_whose_nbgrader_metadata_is_not_a_mapping_fails_that_notebook_alone(tmp_path):
    """A cell's nbgrader metadata edited by hand into a string, a list, a number: nbgrader cannot
    prepare the notebook, so it is not run; its row says why and what to do, and the rest of
    the batch is graded (before, reading it crashed the whole command)."""
    import json

    import nbformat

    from autograder.results import CELL_METADATA

    course = scratch_course(tmp_path / "course")
    folder = tmp_path / "submissions"
    folder.mkdir()
    shutil.copyfile(EXAMPLES / "ada.ipynb", folder / "ada.ipynb")
    for name, broken in (("kim", "oops"), ("lee", ["grade", True]), ("max", 3)):
        nb = nbformat.read(str(EXAMPLES / "ada.ipynb"), as_version=4)
        next(c for c in nb.cells if c.metadata.get("nbgrader", {}).get("solution")).metadata["nbgrader"] = broken
        (folder / f"{name}.ipynb").write_text(json.dumps(nb))
    code, said = _grade(folder, "--course-dir", course.root, "--out", tmp_path / "out", "--workers", 1)
    assert code == 0 and re.search(r"^ada\s+ada.ipynb\s+graded\s+33 / 33\b", said, re.M), said
    for name in ("kim", "lee", "max"):
        row = next(line for line in said.splitlines() if line.startswith(f"{name} "))
        assert " failed " in row and "nbgrader could not prepare the notebook" in row, said
        assert CELL_METADATA.en[:40] in row, said
    csv = (tmp_path / "out" / "grades.csv").read_text()
    assert all(f"{name},{name}.ipynb," in csv for name in ("ada", "kim", "lee", "max"))


def test_a_folder_that_is_not_a_course_is_refused_with_the_fix(tmp_path, capsys):
    assert cli.main(["grade", str(EXAMPLES), "--course-dir", str(tmp_path / "nowhere")]) == 2
    said = capsys.readouterr().err
    assert f"{tmp_path / 'nowhere'} is not a course directory of this kit: it has no nbgrader_config.py" in said
    assert "Give the kit's own folder (the default)" in said


def _grading_processes(course_root) -> list[int]:
    """Processes of the kit's workers (the warm one, the workers, their children) in ``course_root``."""
    import os
    from pathlib import Path

    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            command = (entry / "cmdline").read_bytes().replace(b"\0", b" ")
            if b"autograder.engine.worker" in command and os.readlink(entry / "cwd") == str(course_root):
                found.append(int(entry.name))
        except OSError:
            continue  # gone meanwhile, or not ours to read
    return found


def test_sigterm_stops_the_batch_and_its_workers_and_says_how_to_resume(tmp_path):
    import signal
    import subprocess
    import sys
    import time

    course = scratch_course(tmp_path / "course")
    folder = tmp_path / "submissions"
    folder.mkdir()
    for name in ("ada", "cleo", "dev"):
        shutil.copyfile(EXAMPLES / f"{name}.ipynb", folder / f"{name}.ipynb")
    batch = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(folder), "--course-dir",
                              str(course.root), "--out", str(tmp_path / "out"), "--workers", "2"],
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 300
    while len(_grading_processes(course.root)) < 3 and batch.poll() is None and time.monotonic() < deadline:
        time.sleep(0.2)  # the warm process and its two workers are up
    assert batch.poll() is None, "the batch ended before it could be stopped"
    batch.send_signal(signal.SIGTERM)
    _, err = batch.communicate(timeout=60)
    assert batch.returncode == 130
    assert "Stopped. The notebooks graded so far are kept: run the same command again to grade the rest." in err
    deadline = time.monotonic() + 15
    while _grading_processes(course.root) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert _grading_processes(course.root) == []


def test_a_batch_on_many_cores_shares_nbgraders_work_between_processes(graded_examples, tmp_path):
    """Past six workers one nbgrader process would fall behind: a batch starts one per six
    workers, and the grades and feedback pages are those of a batch with one."""
    from autograder import grading
    from autograder.engine import config
    from autograder.engine.batch import nbgrader_processes

    assert [nbgrader_processes(n) for n in (1, 2, 6, 7, 12, 16)] == [1, 1, 1, 2, 2, 3]
    course = scratch_course(tmp_path / "course")
    out = tmp_path / "out"
    results = grading.grade_folder(EXAMPLES, course.root, out, say=lambda _: None,
                                   settings=config.settings(course.config, workers=7))
    graded = [r for r in results if r.status == "graded"]
    assert len(graded) == 5
    for result in graded:
        expected = graded_examples.results[result.student_id]
        assert [(t.grade_id, t.score) for t in result.tests] == [(t.grade_id, t.score) for t in expected.tests]
        assert (out / "feedback" / f"{result.student_id}.html").is_file()
