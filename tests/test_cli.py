"""The command line as a TA first meets it: its help, its argument errors, and the sad paths of
``grade`` (a missing folder, an empty one, an impossible limit), with the exact words shown."""

from __future__ import annotations

import contextlib
import io
import re
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from autograder import cli
from autograder.course import kit_root, scratch_course
from tests.builders import EXAMPLES

COMMANDS = ("grade", "validate", "release")
# What the command line must not import before its arguments are checked: each costs seconds.
HEAVY = ("torch", "nbgrader", "nbformat", "matplotlib", "jsonschema", "autograder.engine.batch",
         "autograder.grading", "autograder.reports")


def _run(*args: str) -> subprocess.CompletedProcess:
    """``python -m autograder ARGS`` as a TA runs it, with the modules it imported (``-X importtime``)."""
    return subprocess.run([sys.executable, "-X", "importtime", "-m", "autograder", *args], cwd=kit_root(),
                          capture_output=True, text=True, timeout=120)


def _imported(done: subprocess.CompletedProcess) -> set[str]:
    return set(re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s+(\S+)$", done.stderr, re.MULTILINE))


def _said(done: subprocess.CompletedProcess) -> str:
    """stderr without the import times."""
    return "".join(line for line in done.stderr.splitlines(keepends=True) if not line.startswith("import time:"))


def _error(argv: list[str], capsys) -> tuple[int, str]:
    """Exit status and stderr of an argument error, run in this process."""
    with pytest.raises(SystemExit) as stopped:
        cli.main(argv)
    return stopped.value.code, capsys.readouterr().err


def test_help_lists_each_command_once_in_plain_words():
    done = _run("--help")
    assert done.returncode == 0
    text = done.stdout
    for command in COMMANDS:
        assert len(re.findall(rf"^  {command}\s", text, re.MULTILINE)) == 1, text
    assert "{release,grade,validate}" not in text and "{grade,validate,release}" not in text
    assert "``" not in text and ":mod:" not in text and "autograder.grading" not in text
    assert "python -m autograder COMMAND --help" in " ".join(text.split())


@pytest.mark.parametrize("command", COMMANDS)
def test_every_argument_of_every_command_is_described(command, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main([command, "--help"])
    assert stopped.value.code == 0
    text = capsys.readouterr().out
    sub = next(a for a in cli.parser()._actions if a.dest == "command").choices[command]
    assert sub.description, command
    flat = " ".join(text.split())
    for action in sub._actions:
        assert action.help, (command, action.dest)
        name = action.option_strings[-1] if action.option_strings else action.metavar
        assert f"{name} " in flat and " ".join(action.help.split()) in flat, (command, name)
    assert "``" not in text


def test_grade_help_says_what_the_folder_holds_and_each_limit():
    done = _run("grade", "--help")
    assert done.returncode == 0
    text = " ".join(done.stdout.split())
    assert "FOLDER a folder (or the LMS's zip) holding one .ipynb file or one folder per student" in text
    for option in ("--workers N", "--wall-timeout SECONDS", "--memory-mb MB", "--file-mb MB", "--disk-mb MB",
                   "--processes N", "--output-mb MB", "--out DIR", "--course-dir DIR", "--assignment NAME"):
        assert option in text, option


@pytest.mark.parametrize("args", [("--help",), ("grade", "--help"), ("grade", "examples/submissions", "--unknown"),
                                  ("grade", "no/such/folder"), ("grade", "examples/submissions", "--workers", "0")])
def test_help_and_argument_errors_import_nothing_heavy(args):
    done = _run(*args)
    assert done.returncode in (0, 2), _said(done)
    assert not {m for m in _imported(done) if m.split(".")[0] in HEAVY or m in HEAVY}


def test_an_unknown_option_shows_the_usage_of_its_command():
    done = _run("grade", "examples/submissions", "--unknown")
    assert done.returncode == 2
    said = _said(done)
    assert said.startswith("usage: python -m autograder grade [-h]")
    assert said.endswith("python -m autograder grade: error: unrecognized arguments: --unknown\n")


def test_an_unknown_option_of_validate_shows_validates_usage(capsys):
    code, said = _error(["validate", str(EXAMPLES / "ada.ipynb"), "--workers", "2"], capsys)
    assert code == 2 and said.startswith("usage: python -m autograder validate [-h]")
    assert said.endswith("python -m autograder validate: error: unrecognized arguments: --workers 2\n")


def test_a_missing_folder_is_said_not_to_exist_with_the_fix(capsys):
    code, said = _error(["grade", "no/such/folder"], capsys)
    assert code == 2 and said.startswith("usage: python -m autograder grade [-h]")
    assert said.splitlines()[-1] == (
        f"python -m autograder grade: error: argument FOLDER: no/such/folder does not exist (looked for in "
        f"{Path.cwd()}). Check the path. Give the folder that holds the submitted notebooks (one .ipynb "
        "file or one folder per student, named by student id), or the LMS's zip of them.")


def test_one_notebook_given_to_grade_points_to_validate(capsys):
    code, said = _error(["grade", str(EXAMPLES / "ada.ipynb")], capsys)
    assert code == 2
    assert said.splitlines()[-1] == (
        f"python -m autograder grade: error: argument FOLDER: {EXAMPLES / 'ada.ipynb'} is one notebook, not a "
        f"folder of them. To run it against every test, hidden ones included: python -m autograder validate "
        f"{EXAMPLES / 'ada.ipynb'}. To grade it, put it in a folder of its own and give the folder.")


@pytest.mark.parametrize("option, value", [
    ("--workers", "0"), ("--workers", "-2"), ("--wall-timeout", "0"), ("--wall-timeout", "-1.5"),
    ("--memory-mb", "0"), ("--file-mb", "-1"), ("--disk-mb", "0"), ("--processes", "0"), ("--output-mb", "0"),
    ("--wall-timeout", "nan")])
def test_numeric_limits_refuse_zero_and_negative_values_naming_the_option(option, value, capsys):
    code, said = _error(["grade", str(EXAMPLES), f"{option}={value}"], capsys)
    assert code == 2
    assert said.splitlines()[-1] == f"python -m autograder grade: error: argument {option}: must be greater than 0 " \
                                    f"(got {value})"


def test_workers_0_is_refused_in_the_words_a_ta_sees(capsys):
    code, said = _error(["grade", str(EXAMPLES), "--workers", "0"], capsys)
    assert code == 2
    assert said.splitlines()[-1] == "python -m autograder grade: error: argument --workers: must be greater than 0 (got 0)"


def test_a_word_where_a_number_belongs_is_refused(capsys):
    code, said = _error(["grade", str(EXAMPLES), "--workers", "two"], capsys)
    assert code == 2
    assert said.splitlines()[-1] == "python -m autograder grade: error: argument --workers: 'two' is not a whole number"


def _earlier_reports(out) -> dict[str, bytes]:
    """Reports an earlier run left in ``out``."""
    (out / "feedback").mkdir(parents=True)
    (out / "gradescope" / "ada").mkdir(parents=True)
    files = {"grades.csv": b"student_id,status\nada,graded\n", "summary.html": b"<p>earlier</p>",
             "feedback/ada.html": b"<p>ada</p>", "gradescope/ada/results.json": b"{}",
             "nbgrader_export.csv": b"student_id\nada\n"}
    for name, content in files.items():
        (out / name).write_bytes(content)
    return files


def _batch_of_nothing(kind: str, tmp_path):
    """An input with no hand-in in it, and what ``grade`` says of it."""
    folder = tmp_path / "handins"
    folder.mkdir()
    if kind == "empty folder":
        (folder / ".DS_Store").write_text("")  # hidden files do not count
        return folder, f"{folder} holds no submissions: it is empty."
    if kind == "folder of other files":
        for name in ("notes.txt", "roster.csv"):
            (folder / name).write_text("x")
        return folder, f"{folder} holds no submissions: it holds no .ipynb file and no folder, only notes.txt, roster.csv."
    archive = tmp_path / "download.zip"
    with zipfile.ZipFile(archive, "w") as zipped:
        if kind == "zip of other files":
            zipped.writestr("download/readme.txt", "x")
            zipped.writestr("download/grades.pdf", "x")
            zipped.writestr("__MACOSX/download/._ada.ipynb", "x")
    if kind == "empty zip":
        return archive, f"{archive} holds no submissions: it is empty."
    return archive, f"{archive} holds no submissions: it holds no .ipynb file and no folder, only grades.pdf, readme.txt."


@pytest.mark.parametrize("kind", ["empty folder", "folder of other files", "empty zip", "zip of other files"])
def test_a_batch_of_nothing_is_an_error_that_leaves_the_earlier_reports(kind, tmp_path, capsys):
    course = scratch_course(tmp_path / "course")
    out = tmp_path / "out"
    earlier = _earlier_reports(out)
    given, start = _batch_of_nothing(kind, tmp_path)
    assert cli.main(["grade", str(given), "--course-dir", str(course.root), "--out", str(out)]) == 1
    said = capsys.readouterr()
    assert said.err == (f"error: {start} It should hold one .ipynb file or one folder per student, named by student "
                        "id (or be the LMS's zip of them). Nothing was graded, and the reports of an earlier run were "
                        "left as they were.\n")
    assert "submission(s)" not in said.out
    assert {str(p.relative_to(out)): p.read_bytes() for p in out.rglob("*") if p.is_file()} == earlier
    assert not (course.root / "submitted").exists()


def test_the_examples_folder_passes_the_input_check():
    from autograder.submissions import check_input

    check_input(EXAMPLES)
    buffer = io.StringIO()
    with contextlib.redirect_stderr(buffer):
        assert cli.parser().parse_args(["grade", str(EXAMPLES)]).folder == EXAMPLES
    assert buffer.getvalue() == ""


def test_a_run_that_loads_nbgrader_still_skips_what_its_schemas_never_use(tmp_path):
    """``__main__`` marks the unused grammar package before anything imports jsonschema: a command
    that goes as far as loading nbgrader's configuration and steps never loads it."""
    from autograder.engine.nbgrader_changes import UNUSED

    course = scratch_course(tmp_path / "course")
    (tmp_path / "empty").mkdir()
    done = _run("grade", str(tmp_path / "empty"), "--course-dir", str(course.root), "--out", str(tmp_path / "out"))
    assert done.returncode == 1 and "holds no submissions: it is empty" in _said(done)
    imported = _imported(done)
    assert "nbgrader" in imported and "jsonschema" in imported
    # jsonschema asks for it and finds it marked absent: none of its grammar modules is loaded.
    assert not [m for m in imported if m.startswith(f"{UNUSED}.")]
