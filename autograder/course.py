"""The nbgrader course directory, driven through nbgrader's own command line.

Each step is one ``python -m nbgrader`` run in the course directory, with the same
interpreter as the kit, so what the kit does is exactly what a TA's commands do. The
course's ``nbgrader_config.py`` sets the kernels' environment (threads, PATH, kernels).
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from autograder import ASSIGNMENT, NOTEBOOK


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


@dataclass(frozen=True)
class Course:
    root: Path

    def path(self, *parts: str) -> Path:
        return Path(self.root, *parts)

    def submitted_notebook(self, student: str) -> Path:
        return self.path("submitted", student, ASSIGNMENT, f"{NOTEBOOK}.ipynb")

    def autograded_notebook(self, student: str) -> Path:
        return self.path("autograded", student, ASSIGNMENT, f"{NOTEBOOK}.ipynb")

    def feedback_html(self, student: str) -> Path:
        return self.path("feedback", student, ASSIGNMENT, f"{NOTEBOOK}.html")

    @property
    def db_url(self) -> str:
        return f"sqlite:///{self.path('gradebook.db')}"

    def nbgrader(self, *args: str, timeout: float | None = None) -> StepResult:
        command = [sys.executable, "-m", "nbgrader", *args]
        env = dict(os.environ)
        # alembic (run when a gradebook is created) is looked up on PATH.
        env["PATH"] = os.path.dirname(sys.executable) + os.pathsep + env.get("PATH", "")
        done = subprocess.run(command, cwd=self.root, env=env, capture_output=True, text=True,
                              timeout=timeout, stdin=subprocess.DEVNULL)
        return StepResult(command, done.returncode, done.stdout + done.stderr)

    def _required(self, step: StepResult, what: str) -> StepResult:
        if not step.ok:
            raise NbgraderFailed(f"nbgrader {what} failed in {self.root}:\n{step.log[-3000:]}")
        return step

    def generate_assignment(self) -> StepResult:
        """Write the release from the source and record the source cells in the gradebook."""
        return self._required(self.nbgrader("generate_assignment", ASSIGNMENT, "--force"), "generate_assignment")

    def submit(self, student: str, notebook: Path) -> None:
        target = self.submitted_notebook(student)
        if target.parent.exists():
            shutil.rmtree(target.parent)
        target.parent.mkdir(parents=True)
        shutil.copyfile(notebook, target)

    def autograde(self) -> StepResult:
        """Grade every submission; exit status 1 only says some notebook failed."""
        return self.nbgrader("autograde", ASSIGNMENT, "--force")

    def generate_feedback(self, withhold_hidden: bool = False) -> StepResult:
        """Feedback HTML; ``withhold_hidden`` hides hidden test code and messages (see hidden_feedback)."""
        return self.nbgrader("generate_feedback", ASSIGNMENT, "--force",
                             f"--WithholdHiddenMessages.withhold={withhold_hidden}")

    def export(self, to: Path) -> StepResult:
        return self._required(self.nbgrader("export", f"--CsvExportPlugin.to={to}"), "export")


def scratch_course(into: Path, source: Path | None = None) -> Course:
    """A fresh course directory holding only the kit's configuration and source notebook."""
    from autograder.notebooks import repo_root

    source = Path(source or repo_root())
    into.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(source / "nbgrader_config.py", into / "nbgrader_config.py")
    shutil.copytree(source / "solutions", into / "solutions", dirs_exist_ok=True)
    return Course(into)
