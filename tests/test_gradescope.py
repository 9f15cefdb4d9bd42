"""The Gradescope package: Gradescope's layout, and its run_autograder, run end to end in a scratch
``/autograder``, grading every example exactly as ``grade`` does."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import jsonschema
import pytest

from autograder import cli, gradescope
from autograder.hidden_feedback import HIDDEN_MESSAGE
from tests.builders import EXAMPLES

# Gradescope's results.json (https://gradescope-autograders.readthedocs.io/en/latest/specs/), as a
# JSON schema: the fields the specification lists, with the values it allows, and nothing else.
VISIBILITY = {"enum": ["hidden", "after_due_date", "after_published", "visible"]}
FORMAT = {"enum": ["text", "html", "simple_format", "md", "ansi"]}
RESULTS_SCHEMA = {
    "type": "object",
    "required": ["score"],
    "additionalProperties": False,
    "properties": {
        "score": {"type": "number", "minimum": 0},
        "execution_time": {"type": "number", "minimum": 0},
        "output": {"type": "string"},
        "output_format": FORMAT,
        "test_output_format": FORMAT,
        "test_name_format": FORMAT,
        "visibility": VISIBILITY,
        "stdout_visibility": VISIBILITY,
        "extra_data": {"type": "object"},
        "tests": {"type": "array", "items": {
            "type": "object",
            "required": ["name", "score", "max_score"],
            "additionalProperties": False,
            "properties": {
                "score": {"type": "number", "minimum": 0}, "max_score": {"type": "number", "minimum": 0},
                "status": {"enum": ["passed", "failed"]}, "name": {"type": "string", "minLength": 1},
                "name_format": FORMAT, "number": {"type": "string"}, "output": {"type": "string"},
                "output_format": FORMAT, "tags": {"type": "array", "items": {"type": "string"}},
                "visibility": VISIBILITY, "extra_data": {"type": "object"},
            },
        }},
        "leaderboard": {"type": "array"},
    },
}


@pytest.fixture(scope="module")
def package(tmp_path_factory) -> Path:
    out = tmp_path_factory.mktemp("package") / "autograder.zip"
    assert cli.main(["gradescope", "--out", str(out)]) == 0
    return out


def _autograder_root(package: Path, into: Path) -> Path:
    """A scratch ``/autograder``: the package unpacked in ``source/`` and setup.sh's last step run
    (its first steps install the environment the test suite runs in)."""
    with zipfile.ZipFile(package) as archive:
        for entry in archive.infolist():  # unzip keeps the scripts' modes; ZipFile.extract does not
            path = Path(archive.extract(entry, into / "source"))
            if entry.external_attr >> 16:
                path.chmod(entry.external_attr >> 16 & 0o777)
    # Gradescope copies the script to /autograder/run_autograder and runs it from /autograder.
    shutil.copy2(into / "source" / "run_autograder", into / "run_autograder")
    subprocess.run([sys.executable, "-m", "autograder.gradescope", "setup", "--root", str(into)],
                   cwd=into / "source", check=True, capture_output=True, text=True, timeout=600)
    return into


@pytest.fixture(scope="module")
def autograder_root(package, tmp_path_factory) -> Path:
    return _autograder_root(package, tmp_path_factory.mktemp("autograder"))


def run_autograder(root: Path, files: dict[str, Path | bytes], python: str = sys.executable) -> dict:
    """Gradescope's run: the submission's files in ``root/submission``, then ``run_autograder``."""
    for folder in ("submission", "results"):
        shutil.rmtree(root / folder, ignore_errors=True)
    (root / "submission").mkdir()
    for name, content in files.items():
        target = root / "submission" / name
        target.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            target.write_bytes(content)
        else:
            shutil.copyfile(content, target)
    env = {**os.environ, "KIT_GRADESCOPE_ROOT": str(root), "KIT_GRADESCOPE_PYTHON": python}
    done = subprocess.run([str(root / "run_autograder")], cwd=root, env=env, capture_output=True, text=True,
                          timeout=900)
    assert done.returncode == 0, done.stdout + done.stderr
    result = json.loads((root / "results" / "results.json").read_text())
    jsonschema.validate(result, RESULTS_SCHEMA)
    return result


def test_the_package_is_in_gradescopes_layout_and_holds_the_grader_not_the_class(package):
    with zipfile.ZipFile(package) as archive:
        entries = {entry.filename: entry for entry in archive.infolist()}
        settings = json.loads(archive.read(gradescope.SETTINGS))
    # The two scripts at the root of the archive (not in a folder), executable.
    for script in ("setup.sh", "run_autograder"):
        assert entries[script].external_attr >> 16 & 0o111, script
        with zipfile.ZipFile(package) as archive:
            text = archive.read(script).decode()
        assert text.startswith("#!/usr/bin/env bash\n")
        syntax = subprocess.run(["bash", "-n"], input=text, capture_output=True, text=True)
        assert syntax.returncode == 0, (script, syntax.stderr)
    assert settings == {"assignment": "lstm_gru", "hidden_messages": "shown"}
    names = set(entries)
    assert {"nbgrader_config.py", "requirements.txt", "autograder/gradescope.py",
            "autograder/assignments/lstm_gru/lstm_gru.ipynb"} <= names
    assert not [n for n in names if n.split("/")[0] in ("tests", "examples", "bench", "demo", ".venv", "grading")
                or "__pycache__" in n or n.endswith((".pyc", ".db"))]


def test_the_setup_installs_the_pinned_cpu_environment_then_prepares_the_course_once(package):
    with zipfile.ZipFile(package) as archive:
        setup = archive.read("setup.sh").decode()
    lines = [line for line in setup.splitlines() if line and not line.startswith("#")]
    assert lines[0] == "set -euo pipefail"
    assert any("download.pytorch.org/whl/cpu" in line and "grep '^torch==' requirements.txt" in line
               for line in lines)
    assert lines[-2:] == ["make setup PYTHON=python3.11", ".venv/bin/python -m autograder.gradescope setup"]


def test_run_autograder_grades_every_example_as_the_grade_command_does(autograder_root, graded_examples):
    examples = sorted(p for p in EXAMPLES.iterdir() if p.is_file())
    assert len(examples) == 8
    for path in examples:
        result = run_autograder(autograder_root, {path.name: path})
        student = path.stem
        expected = graded_examples.results[student]
        if path.suffix != ".ipynb":  # ivy.txt: nothing to grade at all
            assert result["score"] == 0 and result["tests"] == []
            assert result["output"] == gradescope.NO_NOTEBOOK.format(found=f" (it holds {path.name})",
                                                                     notebook="lstm_gru.ipynb")
        elif expected.status != "graded":  # fay (not JSON), gus (another notebook): grade's own reason
            assert result["score"] == 0 and result["tests"] == [], student
            assert result["output"] == f"Not graded: {expected.reason.en}", student
        else:
            assert result["score"] == expected.score, student
            assert [(t["name"], t["score"], t["max_score"], t["status"]) for t in result["tests"]] == \
                [(t.grade_id, t.score, t.points, "passed" if t.passed else "failed") for t in expected.tests]
            # What a failed test said, as in grade's own results.json for the student.
            by_grade = json.loads((graded_examples.out / "gradescope" / student / "results.json").read_text())
            assert [t["output"] for t in result["tests"]] == [t["output"] for t in by_grade["tests"]]
            assert result["execution_time"] > 0


def test_a_submission_without_one_clear_notebook_gets_a_result_that_says_what_to_upload(autograder_root):
    assert run_autograder(autograder_root, {})["output"] == gradescope.NO_NOTEBOOK.format(
        found=" (it is empty)", notebook="lstm_gru.ipynb")
    two = run_autograder(autograder_root, {"a.ipynb": b"{}", "b.ipynb": b"{}"})
    assert two["score"] == 0 and two["output"] == gradescope.SEVERAL.format(
        names="a.ipynb, b.ipynb", notebook="lstm_gru.ipynb")
    # With several, the one named as the assignment is graded; an unreadable one is the student's to fix.
    named = run_autograder(autograder_root, {"notes.ipynb": b"{}", "lstm_gru.ipynb": b"not json"})
    assert named["score"] == 0 and named["output"].startswith("Not graded: not a readable notebook")


def test_an_autograder_that_fails_still_leaves_a_result_for_the_student(autograder_root, tmp_path):
    # Its environment gone (a broken image): run_autograder's own fallback.
    failed = run_autograder(autograder_root, {"lstm_gru.ipynb": EXAMPLES / "ada.ipynb"}, python="/bin/false")
    assert failed["score"] == 0 and failed["output"].startswith("The autograder could not start (exit status 1)")
    gone = tmp_path / "no-source"
    gone.mkdir()
    shutil.copy2(autograder_root / "run_autograder", gone / "run_autograder")
    assert run_autograder(gone, {"lstm_gru.ipynb": EXAMPLES / "ada.ipynb"})["output"].startswith(
        "The autograder could not start (exit status 1)")
    # The grader failing inside (here, a package naming an assignment it does not hold).
    broken = tmp_path / "autograder"
    shutil.copytree(autograder_root / "source", broken / "source")
    shutil.copy2(autograder_root / "run_autograder", broken / "run_autograder")
    (broken / "source" / gradescope.SETTINGS).write_text(json.dumps({"assignment": "nope", "hidden_messages": "shown"}))
    crashed = run_autograder(broken, {"lstm_gru.ipynb": EXAMPLES / "ada.ipynb"})
    assert crashed["score"] == 0 and crashed["output"] == gradescope.CRASHED.format(error="UnknownAssignment")


def test_hidden_messages_are_withheld_when_the_package_says_so(package, tmp_path):
    hidden = tmp_path / "hidden.zip"
    assert cli.main(["gradescope", "--out", str(hidden), "--hidden-messages", "hidden"]) == 0
    root = _autograder_root(hidden, tmp_path / "autograder")
    result = run_autograder(root, {"lstm_gru.ipynb": EXAMPLES / "cleo.ipynb"})
    failed = [t for t in result["tests"] if t["status"] == "failed"]
    assert HIDDEN_MESSAGE.en in [t["output"] for t in failed]
    assert not any("part3.check_" in t["output"] for t in result["tests"])
