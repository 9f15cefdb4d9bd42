"""The kit as a Gradescope autograder: the package a course uploads, and what it runs there.

Gradescope's layout (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the zip's
contents land in ``/autograder/source``; ``setup.sh`` runs once, as root, when Gradescope builds
the autograder's image; ``run_autograder`` runs for every submission, with the student's files
in ``/autograder/submission``, and must leave ``/autograder/results/results.json``.

    python -m autograder gradescope [--out autograder.zip]   # build the package (this module's build)
    python -m autograder.gradescope setup [--root DIR]        # setup.sh's last step: the course, once
    python -m autograder.gradescope run [--root DIR]          # run_autograder: grade one submission

The package holds the kit itself (its grader, the assignment's source with its hidden tests,
the course's ``nbgrader_config.py``), so the submission is graded exactly as ``grade`` grades
it: the same workers, sandbox, nbgrader rules and scores. ``KIT_GRADESCOPE_ROOT`` stands for
``/autograder`` (the test suite runs ``run_autograder`` in a scratch folder with it), and
``KIT_GRADESCOPE_PYTHON`` for the environment ``setup.sh`` builds.
"""

from __future__ import annotations

import json
import shutil
import sys
import tempfile
import time
import traceback
import zipfile
from pathlib import Path

from autograder.assignments import DEFAULT

ROOT = "/autograder"
SETTINGS = "gradescope.json"   # in the package: the assignment, and whether hidden messages are shown
# What of the kit goes into the package: the grader and the course's configuration; not its
# tests, examples, benchmarks or any course's grades.
PACKAGED = ("autograder", "nbgrader_config.py", "requirements.txt", "pyproject.toml", "Makefile")
LEFT_OUT = ("__pycache__", ".pyc", ".ipynb_checkpoints")

SETUP_SH = """#!/usr/bin/env bash
# Gradescope runs this once, as root, while it builds the autograder's image (Ubuntu).
# It installs Python 3.11 and the kit's pinned environment (PyTorch's CPU build), then
# generates the assignment's release and gradebook, so that each submission only runs.
set -euo pipefail
cd /autograder/source
apt-get update
apt-get install -y --no-install-recommends software-properties-common make
python3.11 --version 2>/dev/null || {
    add-apt-repository -y ppa:deadsnakes/ppa && apt-get update
    apt-get install -y --no-install-recommends python3.11 python3.11-venv
}
python3.11 -m venv .venv
# The CPU build first: from PyPI, torch would bring the CUDA libraries (gigabytes, unused).
.venv/bin/pip install --disable-pip-version-check --index-url https://download.pytorch.org/whl/cpu "$(grep '^torch==' requirements.txt)"
make setup PYTHON=python3.11
.venv/bin/python -m autograder.gradescope setup
"""

RUN_AUTOGRADER = """#!/usr/bin/env bash
# Gradescope runs this for every submission. It always leaves results/results.json: the
# grade, or a result of 0 that tells the student why nothing could be graded.
root="${KIT_GRADESCOPE_ROOT:-/autograder}"
python="${KIT_GRADESCOPE_PYTHON:-$root/source/.venv/bin/python}"
status=0
(cd "$root/source" && "$python" -m autograder.gradescope run --root "$root") || status=$?
if [ ! -s "$root/results/results.json" ]; then
    mkdir -p "$root/results"
    printf '{"score": 0, "output": "The autograder could not start (exit status %s), so nothing was graded. This is not caused by your notebook: tell your TA, who can read the autograder output."}\\n' "$status" > "$root/results/results.json"
fi
exit 0
"""

NO_NOTEBOOK = ("No notebook was found in your submission{found}. Upload the assignment's notebook, {notebook}, "
               "saved from Jupyter or Colab (File > Download > .ipynb).")
SEVERAL = ("Your submission holds several notebooks ({names}) and none is named {notebook}. Upload only the "
           "assignment's notebook, {notebook}.")
CRASHED = ("The autograder failed while grading your notebook ({error}), so nothing was graded. This is the "
           "autograder's fault, not yours: tell your TA, who can read the details in the autograder output.")


def kit_files(kit: Path) -> list[Path]:
    """The kit's files that go into the package, relative to ``kit``."""
    files = []
    for name in PACKAGED:
        path = kit / name
        candidates = [path] if path.is_file() else sorted(p for p in path.rglob("*") if p.is_file())
        files += [p.relative_to(kit) for p in candidates
                  if not any(part in LEFT_OUT or part.endswith(LEFT_OUT) for part in p.relative_to(kit).parts)]
    return files


def build(out: Path, kit: Path, assignment: str = DEFAULT, hidden_messages: str = "shown") -> Path:
    """Write the autograder package to ``out``: the scripts at the zip's root, beside the kit."""
    from autograder.course import Course

    Course(kit, assignment).assignment  # an unknown assignment fails here, not on Gradescope
    out.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in (("setup.sh", SETUP_SH), ("run_autograder", RUN_AUTOGRADER)):
            entry = zipfile.ZipInfo(name, date_time=(2020, 1, 1, 0, 0, 0))
            entry.external_attr = 0o100755 << 16  # executable, as Gradescope runs them
            entry.compress_type = zipfile.ZIP_DEFLATED
            package.writestr(entry, text)
        package.writestr(SETTINGS, json.dumps({"assignment": assignment, "hidden_messages": hidden_messages},
                                              indent=2) + "\n")
        for path in kit_files(kit):
            package.write(kit / path, path.as_posix())
    return out


def _settings(source: Path) -> dict:
    return json.loads((source / SETTINGS).read_text())


def setup(root: Path) -> None:
    """The course in the package, made ready once: the release generated, its hidden tests in the
    gradebook, and the stamp that lets each submission's run skip regenerating it."""
    from autograder import release_check
    from autograder.course import Course

    course = Course(root / "source", _settings(root / "source")["assignment"])
    course.generate_assignment()
    release_check.record(course)
    print(f"Ready to grade {course.assignment.name}: {course.release_notebook}")


def _failed(output: str) -> dict:
    return {"score": 0, "output": output, "tests": []}


def _notebook(submission: Path, expected: str) -> tuple[Path | None, str]:
    """The submitted notebook, or why there is none to grade."""
    files = sorted(p for p in submission.rglob("*") if p.is_file() and ".ipynb_checkpoints" not in p.parts) \
        if submission.is_dir() else []
    notebooks = [p for p in files if p.suffix == ".ipynb"]
    if len(notebooks) == 1:
        return notebooks[0], ""
    if not notebooks:
        found = f" (it holds {', '.join(p.name for p in files[:5])}{', ...' if len(files) > 5 else ''})" \
            if files else " (it is empty)"
        return None, NO_NOTEBOOK.format(found=found, notebook=expected)
    named = [p for p in notebooks if p.name == expected]
    if len(named) == 1:
        return named[0], ""
    return None, SEVERAL.format(names=", ".join(p.name for p in notebooks), notebook=expected)


def grade(root: Path) -> dict:
    """``results.json`` for the submission in ``root/submission``, graded as ``grade`` grades it."""
    from autograder import grading, reports
    from autograder.course import Course

    source = root / "source"
    settings = _settings(source)
    course = Course(source, settings["assignment"])
    notebook, problem = _notebook(root / "submission", course.assignment.notebook_file)
    if notebook is None:
        return _failed(problem)
    with tempfile.TemporaryDirectory(prefix="gradescope-") as scratch:
        handins = Path(scratch, "handins")
        handins.mkdir()
        # One hand-in under a fixed id: the uploaded file's own name is the student's business.
        shutil.copyfile(notebook, handins / "student.ipynb")
        results = grading.grade_folder(handins, course_dir=source, out_dir=Path(scratch, "reports"),
                                       hidden_messages=settings["hidden_messages"],
                                       assignment=settings["assignment"], force=True)
    return reports.gradescope_result(results[0], settings["hidden_messages"], course.student_language)


def run(root: Path) -> int:
    """Grade the submission and write ``root/results/results.json``, whatever happens."""
    started = time.monotonic()
    try:
        result = grade(root)
    except Exception as error:  # noqa: BLE001 - the student gets a result that says so, never nothing
        traceback.print_exc(file=sys.stdout)  # Gradescope shows the autograder's output to instructors
        result = _failed(CRASHED.format(error=type(error).__name__))
    result.setdefault("execution_time", round(time.monotonic() - started, 2))
    results = root / "results"
    results.mkdir(parents=True, exist_ok=True)
    (results / "results.json").write_text(json.dumps(result, indent=2) + "\n")
    print(f"Score: {result['score']}" + (f" ({result['output']})" if not result.get("tests") else ""))
    return 0


def main(argv: list[str] | None = None) -> int:
    import argparse
    import os

    parser = argparse.ArgumentParser(prog="python -m autograder.gradescope",
                                     description="The kit's steps on Gradescope (run by setup.sh and run_autograder).")
    parser.add_argument("step", choices=("setup", "run"))
    parser.add_argument("--root", type=Path, default=Path(os.environ.get("KIT_GRADESCOPE_ROOT", ROOT)),
                        help="Gradescope's /autograder folder (default: $KIT_GRADESCOPE_ROOT, else /autograder)")
    args = parser.parse_args(argv)
    if args.step == "setup":
        setup(args.root)
        return 0
    return run(args.root)


if __name__ == "__main__":
    from autograder.engine import nbgrader_changes

    nbgrader_changes.skip_unused_imports()  # this process runs no student code
    sys.exit(main())
