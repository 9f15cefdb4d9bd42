"""nbgrader's own autograde, with the execution done by the kit's workers.

    python -m autograder.engine.replay ASSIGNMENT WORK_DIR STUDENT...   (or "-": ids on stdin, as they finish)

Runs nbgrader's ``Autograde`` converter with the course's configuration, so every rule is
nbgrader's: test cells (hidden tests included) restored from the gradebook, deleted test
cells put back, solution cells kept, known stderr ignored, outputs limited, grades saved to
the gradebook with late penalties. Two steps differ, and only in where their work comes from:

* sanitizing: a worker already ran the course's sanitizing steps on the submission and
  kept the result, ``WORK_DIR/records/STUDENT.ipynb`` (``autograder.engine.prepare``), in a place the
  student's code cannot reach; ``UsePrepared`` takes that notebook instead of running
  those steps a second time. ``CheckCellMetadata`` still runs here, as nbgrader runs it.
  Where the worker could not prepare the notebook, nbgrader's own steps run and fail it
  exactly as ``nbgrader autograde`` would;
* execution: ``ReplayExecution`` puts the outputs the worker recorded
  (``WORK_DIR/records/STUDENT.json``) into the cells, in place of ``Execute``.

One JSON line per student on stdout says whether nbgrader processed it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from autograder.engine import nbgrader_changes

nbgrader_changes.skip_unused_imports()

import nbformat  # noqa: E402
from nbgrader.apps.autogradeapp import AutogradeApp  # noqa: E402
from nbgrader.converters import Autograde  # noqa: E402
from nbgrader.converters.base import NbGraderException  # noqa: E402
from nbgrader.preprocessors import NbGraderPreprocessor  # noqa: E402
from traitlets import Unicode  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder.engine.protocol import WorkFolder  # noqa: E402


class ReplayMismatch(RuntimeError):
    """The notebook being graded differs from the one the worker ran."""


def not_run_output(why: str) -> dict:
    return {"output_type": "error", "ename": "NotRun", "evalue": why, "traceback": [f"NotRun: {why}"]}


class FromRecords(NbGraderPreprocessor):
    work_dir = Unicode("", help="The batch's work folder: where the kit's workers left what they did for each "
                       "student (see autograder.engine.protocol.WorkFolder).").tag(config=True)

    def work(self) -> WorkFolder:
        return WorkFolder(Path(self.work_dir))


class UsePrepared(FromRecords):
    """The notebook as the worker prepared it with the course's sanitizing steps."""

    def preprocess(self, nb, resources):
        return nbformat.read(str(self.work().prepared(resources["nbgrader"]["student"])), as_version=4), resources


class ReplayExecution(FromRecords):
    """Put the outputs a worker recorded into the cells, in place of executing them."""

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        record = json.loads(self.work().record(student).read_text())
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


def _app(assignment: str, work_dir: str) -> AutogradeApp:
    app = AutogradeApp()
    app.initialize([assignment, "--force"])
    app.coursedir.assignment_id = assignment
    steps = list(Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors)
    config = Config()
    config.Autograde.autograde_preprocessors = nbgrader_changes.replayed_steps(steps, ReplayExecution)
    config.FromRecords.work_dir = work_dir
    app.update_config(config)
    return app


def run(assignment: str, work_dir: str, students) -> int:
    nbgrader_changes.check_metadata_schema_once()
    nbgrader_changes.reuse_gradebook_engines()
    app = _app(assignment, work_dir)
    work = WorkFolder(Path(work_dir))
    failed = 0
    for student in students:
        app.coursedir.student_id = student
        converter = Autograde(coursedir=app.coursedir, parent=app)
        converter.sanitize_preprocessors = nbgrader_changes.sanitizing_from(
            work.prepared(student).exists(), list(converter.sanitize_preprocessors), UsePrepared)
        converter.force = True
        try:
            converter.start()
            ok = True
        except NbGraderException:
            ok, failed = False, failed + 1
        print(json.dumps({"student": student, "ok": ok}), flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    if len(argv) < 3:
        print(__doc__, file=sys.stderr)
        return 2
    assignment, work_dir, students = argv[0], argv[1], argv[2:]
    if students == ["-"]:
        students = (line.strip() for line in sys.stdin if line.strip())
    return run(assignment, work_dir, students)


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
