"""nbgrader's own autograde, with the execution done by the kit's workers.

    python -m autograder.nbgrader_pass RECORDS_DIR STUDENT...   (or "-": ids on stdin, as they finish)

Runs nbgrader's ``Autograde`` converter with the course's configuration, so every rule is
nbgrader's: test cells (hidden tests included) restored from the gradebook, deleted test
cells put back, solution cells kept, known stderr ignored, outputs limited, grades saved to
the gradebook with late penalties. Two steps differ, and only in where their work comes from:

* sanitizing: a worker already ran the course's sanitizing steps on the submission and
  kept the result, ``RECORDS_DIR/STUDENT.ipynb`` (``autograder.prepare``), in a place the
  student's code cannot reach; ``UsePrepared`` takes that notebook instead of running
  those steps a second time. ``CheckCellMetadata`` still runs here, as nbgrader runs it.
  Where the worker could not prepare the notebook, nbgrader's own steps run and fail it
  exactly as ``nbgrader autograde`` would;
* execution: ``ReplayExecution`` puts the outputs the worker recorded
  (``RECORDS_DIR/STUDENT.json``) into the cells, in place of ``Execute``.

One JSON line per student on stdout says whether nbgrader processed it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder import lean_start

lean_start.skip_unused_imports()

import nbformat  # noqa: E402
from nbgrader.apps.autogradeapp import AutogradeApp  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.converters.base import NbGraderException  # noqa: E402
from nbgrader.preprocessors import CheckCellMetadata, Execute, NbGraderPreprocessor  # noqa: E402
from traitlets import Unicode  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder import ASSIGNMENT  # noqa: E402


class ReplayMismatch(RuntimeError):
    """The notebook being graded differs from the one the worker ran."""


def not_run_output(why: str) -> dict:
    return {"output_type": "error", "ename": "NotRun", "evalue": why, "traceback": [f"NotRun: {why}"]}


class FromRecords(NbGraderPreprocessor):
    records_dir = Unicode("", help="Where the kit's workers left what they did for each student.").tag(config=True)

    def record_path(self, resources, suffix: str) -> Path:
        return Path(self.records_dir) / f"{resources['nbgrader']['student']}{suffix}"


class UsePrepared(FromRecords):
    """The notebook as the worker prepared it with the course's sanitizing steps."""

    def preprocess(self, nb, resources):
        return nbformat.read(str(self.record_path(resources, ".ipynb")), as_version=4), resources


class ReplayExecution(FromRecords):
    """Put the outputs a worker recorded into the cells, in place of executing them."""

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        record = json.loads(self.record_path(resources, ".json").read_text())
        runs = {int(index): run for index, run in record["cells"].items()}
        stopped = record.get("stopped")
        for index, cell in enumerate(nb.cells):
            if cell.cell_type != "code" or not cell.source.strip():
                continue
            run = runs.get(index)
            if run is None:
                cell.outputs = [nbformat.from_dict(not_run_output(stopped or "this cell was not run"))]
                cell.execution_count = None
                continue
            if run["source"] != cell.source:
                raise ReplayMismatch(f"cell {index} of {student}'s notebook is not the cell that was run")
            cell.outputs = [nbformat.from_dict(output) for output in run["outputs"]]
            cell.execution_count = run["execution_count"]
        return nb, resources


def _app(records_dir: str) -> AutogradeApp:
    app = AutogradeApp()
    app.initialize([ASSIGNMENT, "--force"])
    app.coursedir.assignment_id = ASSIGNMENT
    # nbgrader's autograde steps, as configured, with the kit's replay in place of Execute.
    steps = list(Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors)
    config = Config()
    config.Autograde.autograde_preprocessors = [
        ReplayExecution if isinstance(step, type) and issubclass(step, Execute) else step for step in steps]
    config.FromRecords.records_dir = records_dir
    app.update_config(config)
    return app


def _sanitizing_from(prepared: Path, course_steps: list) -> list:
    """The prepared notebook and the steps that only check it, where the worker prepared one."""
    if not prepared.exists():
        return course_steps
    return [UsePrepared, *(step for step in course_steps if step is CheckCellMetadata)]


def run(records_dir: str, students) -> int:
    lean_start.check_metadata_schema_once()
    lean_start.reuse_gradebook_engines()
    app = _app(records_dir)
    failed = 0
    for student in students:
        app.coursedir.student_id = student
        converter = Autograde(coursedir=app.coursedir, parent=app)
        converter.sanitize_preprocessors = _sanitizing_from(Path(records_dir) / f"{student}.ipynb",
                                                            list(converter.sanitize_preprocessors))
        converter.force = True
        try:
            converter.start()
            ok = True
        except NbGraderException:
            ok, failed = False, failed + 1
        print(json.dumps({"student": student, "ok": ok}), flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) < 2:
        print(__doc__, file=sys.stderr)
        return 2
    records_dir, students = argv[0], argv[1:]
    if students == ["-"]:
        students = (line.strip() for line in sys.stdin if line.strip())
    return run(records_dir, students)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
