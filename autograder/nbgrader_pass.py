"""nbgrader's own autograde, with the execution done by the kit's workers.

    python -m autograder.nbgrader_pass sanitize STUDENT...            (run in the course directory)
    python -m autograder.nbgrader_pass replay RESULTS_DIR STUDENT...   (or "-": ids on stdin)

Both passes run nbgrader's ``Autograde`` converter with the course's configuration, so every
rule is nbgrader's: test cells (hidden tests included) restored from the gradebook, deleted
test cells put back, solution cells kept, known stderr ignored, outputs limited, grades
saved to the gradebook with late penalties. The only change is the execution step:

* ``sanitize`` runs the converter without execution: ``autograded/`` then holds each
  notebook exactly as nbgrader would execute it, for the workers to run;
* ``replay`` runs the converter again with ``ReplayExecution`` in place of ``Execute``: the
  outputs the workers recorded are put into the cells, and nbgrader grades them.

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
from nbgrader.preprocessors import Execute, NbGraderPreprocessor  # noqa: E402
from traitlets import Unicode  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder import ASSIGNMENT  # noqa: E402


class ReplayMismatch(RuntimeError):
    """The notebook nbgrader prepared differs from the one the worker ran."""


def not_run_output(why: str) -> dict:
    return {"output_type": "error", "ename": "NotRun", "evalue": why, "traceback": [f"NotRun: {why}"]}


class ReplayExecution(NbGraderPreprocessor):
    """Put the outputs a worker recorded into the cells, in place of executing them."""

    results_dir = Unicode("", help="Where the kit's workers left one record per student.").tag(config=True)

    def preprocess(self, nb, resources):
        student = resources["nbgrader"]["student"]
        record = json.loads((Path(self.results_dir) / f"{student}.json").read_text())
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


def _app(extra: Config) -> AutogradeApp:
    app = AutogradeApp()
    app.initialize([ASSIGNMENT, "--force"])
    app.update_config(extra)
    app.coursedir.assignment_id = ASSIGNMENT
    return app


def _with_replay(app: AutogradeApp) -> list:
    """nbgrader's autograde steps, as configured, with the kit's replay in place of Execute."""
    steps = list(Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors)
    return [ReplayExecution if step is Execute or (isinstance(step, type) and issubclass(step, Execute))
            else step for step in steps]


def run(mode: str, students: list[str], results_dir: str = "") -> int:
    lean_start.check_metadata_schema_once()
    config = Config()
    if mode == "sanitize":
        config.Autograde.autograde_preprocessors = []
    app = _app(config)
    if mode == "replay":
        replay = Config()
        replay.Autograde.autograde_preprocessors = _with_replay(app)
        replay.ReplayExecution.results_dir = results_dir
        app.update_config(replay)
    failed = 0
    if students == ["-"]:  # one student id per line, as the workers finish them
        students = (line.strip() for line in sys.stdin if line.strip())
    for student in students:
        app.coursedir.student_id = student
        converter = Autograde(coursedir=app.coursedir, parent=app)
        converter.force = True
        try:
            converter.start()
            ok = True
        except NbGraderException:
            ok, failed = False, failed + 1
        print(json.dumps({"student": student, "ok": ok}), flush=True)
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    mode, rest = argv[0], argv[1:]
    if mode == "sanitize":
        return run(mode, rest)
    if mode == "replay":
        return run(mode, rest[1:], rest[0])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
