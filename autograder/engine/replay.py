"""nbgrader's side of a batch: the release, each student's autograde and feedback, and the export,
all by nbgrader's own apps and converters, in one process for the whole batch.

    python -m autograder.engine.replay ASSIGNMENT WORK_DIR [--withhold-hidden]

It reads one :class:`~autograder.engine.protocol.NbgraderStep` line per step on stdin and
answers one :class:`~autograder.engine.protocol.StepDone` line per step on stdout, so the
batch asks for a student's grades and feedback as soon as a worker has run the notebook,
while the workers go on with the next ones. Each step is what nbgrader's command does:

* ``release``: ``GenerateAssignmentApp`` (``nbgrader generate_assignment ASSIGNMENT --force``);
* ``prepare``: the first of the two passes ``nbgrader autograde`` makes over a notebook, its
  sanitizing pass (:mod:`autograder.engine.prepare`), whose output is kept as
  ``WORK_DIR/records/STUDENT.ipynb``, where the student's code cannot reach it; the answer
  carries its code cells, which a worker then runs. The batch asks for every student's at
  once, so they are ready while the workers warm up;
* ``autograde``: nbgrader's ``Autograde`` converter with the course's configuration, so every
  rule is nbgrader's: test cells (hidden tests included) restored from the gradebook, deleted
  test cells put back, solution cells kept, known stderr ignored, outputs limited, grades
  saved to the gradebook with late penalties. Two steps differ, and only in where their work
  comes from:

  - sanitizing: the ``prepare`` step already made this pass, with nbgrader's exporter and
    the course's steps; what it kept is written as the pass's output, in place of making the
    pass a second time (:func:`~autograder.engine.nbgrader_changes.sanitized_earlier`). Where
    the notebook could not be prepared, nbgrader's own pass runs and fails it exactly as
    ``nbgrader autograde`` would;
  - execution: ``ReplayExecution`` puts the outputs the worker recorded
    (``WORK_DIR/records/STUDENT.json``) into the cells, in place of ``Execute``.

  Then, when asked, the student's feedback page: nbgrader's ``GenerateFeedback`` converter, as
  ``nbgrader generate_feedback`` runs it (``--withhold-hidden`` sets
  ``WithholdHiddenMessages.withhold``), its exporter kept from one student to the next;
* ``feedback``: only the feedback page (a student an earlier run graded);
* ``export``: ``ExportApp`` (``nbgrader export --CsvExportPlugin.to=FILE``).

nbgrader's log goes to stderr (the batch keeps it in ``WORK_DIR/nbgrader.log``).
"""

from __future__ import annotations

import gc
import json
import logging
import os
import sys
from pathlib import Path

from autograder.engine import nbgrader_changes

nbgrader_changes.skip_unused_imports()

import nbformat  # noqa: E402
from nbformat import reader  # noqa: E402 - nbformat.read's parsing, without validating what nbgrader just wrote
from nbgrader.apps.autogradeapp import AutogradeApp  # noqa: E402
from nbgrader.apps.exportapp import ExportApp  # noqa: E402
from nbgrader.apps.generateassignmentapp import GenerateAssignmentApp  # noqa: E402
from nbgrader.apps.generatefeedbackapp import GenerateFeedbackApp  # noqa: E402
from nbgrader.converters import Autograde, GenerateFeedback  # noqa: E402
from nbgrader.converters.base import NbGraderException  # noqa: E402
from nbgrader.preprocessors import NbGraderPreprocessor  # noqa: E402
from traitlets import Unicode  # noqa: E402
from traitlets.config import Config  # noqa: E402

from autograder.engine import prepare  # noqa: E402
from autograder.engine.protocol import (AUTOGRADE, EXPORT, FEEDBACK, PREPARE, RELEASE, NbgraderStep,  # noqa: E402
                                        StepDone, WorkFolder)
from autograder.notebooks import code_cells  # noqa: E402
from autograder.wrapping import wrap  # noqa: E402


class ReplayMismatch(RuntimeError):
    """The notebook being graded differs from the one the worker ran."""


def not_run_output(why: str) -> dict:
    return {"output_type": "error", "ename": "NotRun", "evalue": why, "traceback": wrap(f"NotRun: {why}")}


class FromRecords(NbGraderPreprocessor):
    work_dir = Unicode("", help="The batch's work folder: where the kit's workers left what they did for each "
                       "student (see autograder.engine.protocol.WorkFolder).").tag(config=True)

    def work(self) -> WorkFolder:
        return WorkFolder(Path(self.work_dir))


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


# nbconvert's own option: the notebook is validated once, after the converter's last step, rather
# than after each of its steps (some 17 per notebook and page, each validating the whole notebook
# against nbformat's schema). A step that made the notebook invalid still fails the conversion.
VALIDATE_ONCE = "--Exporter.optimistic_validation=True"


def _app(assignment: str, work_dir: str) -> AutogradeApp:
    app = AutogradeApp()
    app.initialize([assignment, "--force", VALIDATE_ONCE])
    app.coursedir.assignment_id = assignment
    steps = list(Autograde(coursedir=app.coursedir, parent=app).autograde_preprocessors)
    config = Config()
    config.Autograde.autograde_preprocessors = nbgrader_changes.replayed_steps(steps, ReplayExecution)
    config.FromRecords.work_dir = work_dir
    app.update_config(config)
    return app


def _ran(app_class, argv: list[str]) -> bool:
    """Run one of nbgrader's apps as its command would; whether it succeeded (an app that fails
    logs why and exits 1)."""
    app = app_class()
    try:
        app.initialize(argv)
        app.start()
    except SystemExit as stop:
        return stop.code in (0, None)
    except NbGraderException:
        return False
    return True


class NbgraderSide:
    """The batch's nbgrader steps, for one assignment, in this process."""

    def __init__(self, assignment: str, work_dir: str, withhold_hidden: bool = False):
        nbgrader_changes.check_metadata_schema_once()
        nbgrader_changes.reuse_gradebook_engines()
        nbgrader_changes.lookups_by_submission()
        nbgrader_changes.remember_highlighting()
        nbgrader_changes.remember_markdown()
        nbgrader_changes.quicker_page_markup()
        nbgrader_changes.schema_revision_in_process()
        nbgrader_changes.notebooks_read_copied_once()
        self.assignment, self.withhold_hidden = assignment, withhold_hidden
        self.work = WorkFolder(Path(work_dir))
        self.app = _app(assignment, work_dir)
        self.autograde = nbgrader_changes.sanitized_earlier(Autograde, self.work.prepared)
        self.feedback_app: GenerateFeedbackApp | None = None
        self.feedback_converter = None
        self.sanitizing = None  # nbgrader's exporter for the sanitizing pass, made on the first prepare
        self.frozen = False

    def release(self) -> bool:
        return _ran(GenerateAssignmentApp, [self.assignment, "--force"])

    def prepare(self, student: str, submitted: str) -> StepDone:
        """The student's notebook through autograde's sanitizing pass, kept for :meth:`grade`; its
        code cells, or why nbgrader could not prepare it (its own pass in :meth:`grade` then fails
        the notebook the same way). Asked only once the release is current: the cells are looked
        up once per notebook (:func:`~autograder.engine.nbgrader_changes.cell_lookups_by_notebook`)."""
        kept = self.work.prepared(student)
        kept.unlink(missing_ok=True)  # an earlier run's: never graded in place of this one
        try:
            if self.sanitizing is None:
                self.sanitizing = prepare.sanitizing_exporter(self.app)
            with nbgrader_changes.cell_lookups_by_notebook():
                text = prepare.sanitized(self.sanitizing, Path(submitted), student, self.app.coursedir.db_url,
                                         self.assignment)
            kept.write_text(text, encoding="utf-8")
            return StepDone(PREPARE, student, cells=code_cells(reader.reads(text)))
        except Exception as error:  # noqa: BLE001 - nbgrader's own pass will report it the same way
            kept.unlink(missing_ok=True)
            return StepDone(PREPARE, student, ok=False, problem=f"nbgrader could not prepare the notebook: "
                            f"{type(error).__name__}: {str(error)[:300]}")

    def grade(self, student: str) -> bool:
        self.app.coursedir.student_id = student
        converter = self.autograde(coursedir=self.app.coursedir, parent=self.app)
        converter.force = True
        try:
            converter.start()
        except NbGraderException:
            return False
        return True

    def feedback(self, student: str) -> bool:
        if self.feedback_app is None:
            self.feedback_app = GenerateFeedbackApp()
            self.feedback_app.initialize([self.assignment, "--force", VALIDATE_ONCE,
                                          f"--WithholdHiddenMessages.withhold={self.withhold_hidden}"])
            self.feedback_app.coursedir.assignment_id = self.assignment
            self.feedback_converter = nbgrader_changes.keeping_exporter(GenerateFeedback)(
                coursedir=self.feedback_app.coursedir, parent=self.feedback_app)
        self.feedback_app.coursedir.student_id = student
        try:
            self.feedback_converter.start()
        except NbGraderException:
            return False
        finally:
            self._freeze_once()
        return True

    def export(self, to: str) -> bool:
        return _ran(ExportApp, [f"--CsvExportPlugin.to={to}"])

    def _freeze_once(self) -> None:
        """After the first feedback page (nbgrader, its templates and the gradebook's engine all
        loaded), keep what is loaded out of the garbage collector's full passes: each page
        builds a large HTML tree, and a full pass over everything loaded doubled its time."""
        if not self.frozen:
            gc.collect()
            gc.freeze()
            self.frozen = True

    def take(self, step: NbgraderStep) -> StepDone:
        if step.step == RELEASE:
            return StepDone(RELEASE, ok=self.release())
        if step.step == PREPARE:
            return self.prepare(step.student, step.submitted)
        if step.step == AUTOGRADE:
            ok = self.grade(step.student)
            return StepDone(AUTOGRADE, step.student, ok, feedback=ok and step.feedback and self.feedback(step.student))
        if step.step == FEEDBACK:
            return StepDone(FEEDBACK, step.student, self.feedback(step.student))
        if step.step == EXPORT:
            return StepDone(EXPORT, ok=self.export(step.to))
        raise ValueError(f"unknown step {step.step!r}")


def serve(assignment: str, work_dir: str, withhold_hidden: bool, steps, answers) -> None:
    side = NbgraderSide(assignment, work_dir, withhold_hidden)
    for line in steps:
        if line.strip():
            answers.write(side.take(NbgraderStep.from_line(line)).to_line())
            answers.flush()


def main(argv: list[str]) -> int:
    if len(argv) not in (2, 3) or argv[2:] not in ([], ["--withhold-hidden"]):
        print(__doc__, file=sys.stderr)
        return 2
    # nbgrader's apps log to stdout and stderr: the steps' answers get a descriptor of their own.
    answers = open(os.dup(1), "w")  # noqa: SIM115 - for the process's lifetime
    os.dup2(2, 1)
    serve(argv[0], argv[1], argv[2:] == ["--withhold-hidden"], sys.stdin, answers)
    return 0


if __name__ == "__main__":
    code = main(sys.argv[1:])
    # Every step is answered and its grades committed: the process ends without the interpreter
    # tearing down nbgrader, SQLAlchemy and the page machinery object by object, a few tenths
    # of a second the TA would wait for at the end of the batch.
    logging.shutdown()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)
