"""The nbgrader course directory, driven through nbgrader's own command line.

Each step is one ``python -m nbgrader`` run in the course directory, with the same
interpreter as the kit, so what the kit does is exactly what a TA's commands do. A
:class:`Course` works on one of the course's assignments (its folder in the source
directory, see :mod:`autograder.assignments`).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path

from autograder.assignments import DEFAULT
from autograder.engine import config as course_config
from autograder.engine.manifest import Assignment, ManifestProblem, available, load
from autograder.language import for_students


@dataclass(frozen=True)
class StepResult:
    command: list[str]
    returncode: int
    log: str

    @property
    def ok(self) -> bool:
        return self.returncode == 0


class NbgraderFailed(RuntimeError):
    """A course-wide nbgrader step failed (not one student's notebook)."""


class UnknownAssignment(ManifestProblem):
    """The course has no assignment of that name."""


@dataclass(frozen=True)
class Course:
    root: Path
    assignment_name: str = DEFAULT

    def path(self, *parts: str) -> Path:
        return Path(self.root, *parts)

    @cached_property
    def config(self) -> course_config.CourseConfig:
        """The course's nbgrader_config.py, loaded once for this course."""
        return course_config.load(self.root)

    @property
    def student_language(self) -> str:
        """What the kit's own words to this assignment's students speak (autograder/language.py)."""
        return for_students(self.config.language, self.assignment.language)

    @cached_property
    def assignment(self) -> Assignment:
        folder = self.config.source_dir / self.assignment_name
        if not folder.is_dir():
            names = ", ".join(available(self.config.source_dir)) or "none"
            raise UnknownAssignment(f"{self.root} has no assignment {self.assignment_name!r} (its assignments: "
                                    f"{names}); give one of those with --assignment.")
        return load(folder)

    @property
    def source_notebook(self) -> Path:
        return self.assignment.source

    @property
    def release_notebook(self) -> Path:
        return self.config.release_dir / self.assignment.name / self.assignment.notebook_file

    def _step_notebook(self, step: str, student: str, suffix: str = ".ipynb") -> Path:
        return self.path(step, student, self.assignment.name, self.assignment.notebook + suffix)

    def submitted_notebook(self, student: str) -> Path:
        return self._step_notebook("submitted", student)

    def autograded_notebook(self, student: str) -> Path:
        return self._step_notebook("autograded", student)

    def feedback_html(self, student: str) -> Path:
        return self._step_notebook("feedback", student, ".html")

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path('gradebook.db')}"

    def nbgrader(self, *args: str, timeout: float | None = None) -> StepResult:
        command = [sys.executable, "-m", "nbgrader", *args]
        env = course_config.grading_environment(language=self.config.language)
        done = subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
        return StepResult(command, done.returncode, done.stdout + done.stderr)

    def _required(self, step: StepResult, what: str) -> StepResult:
        if not step.ok:
            raise NbgraderFailed(f"nbgrader {what} failed in {self.root}:\n{step.log[-3000:]}")
        return step

    def generate_assignment(self) -> StepResult:
        """Write the release from the source and record the source cells in the gradebook."""
        return self._required(self.nbgrader("generate_assignment", self.assignment.name, "--force"),
                              "generate_assignment")

    def submit(self, student: str, notebook: Path) -> None:
        target = self.submitted_notebook(student)
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.parent.mkdir(parents=True)
        shutil.copyfile(notebook, target)

    def autograde(self) -> StepResult:
        """Grade every submission; exit status 1 only says some notebook failed."""
        return self.nbgrader("autograde", self.assignment.name, "--force")

    def generate_feedback(self, withhold_hidden: bool = False) -> StepResult:
        """Feedback HTML; ``withhold_hidden`` hides hidden test code and messages (see hidden_feedback)."""
        return self.nbgrader("generate_feedback", self.assignment.name, "--force",
                             f"--WithholdHiddenMessages.withhold={withhold_hidden}")

    def export(self, to: Path) -> StepResult:
        return self._required(self.nbgrader("export", f"--CsvExportPlugin.to={to}"), "export")


def kit_root() -> Path:
    """The kit's own folder: the default course directory."""
    return Path(__file__).resolve().parent.parent


def scratch_course(into: Path, assignment: str = DEFAULT, source_dir: Path | None = None) -> Course:
    """A fresh course directory holding only the kit's configuration; its assignments are the
    kit's own, or those in ``source_dir`` (a folder of assignment folders)."""
    into.mkdir(parents=True, exist_ok=True)
    config = (kit_root() / course_config.CONFIG_FILE).read_text()
    if source_dir is not None:
        config += f"\nc.CourseDirectory.source_directory = {str(Path(source_dir).resolve())!r}\n"
    (into / course_config.CONFIG_FILE).write_text(config)
    return Course(into, assignment)
