"""What crosses the engine's process boundaries, and where its files lie: every name in one place.

Three boundaries, each one way of speaking:

* batch -> worker pool -> worker (``python -m autograder.engine.worker``): a :class:`WorkerStart`
  once (what to warm up), then one :class:`Job` line per submission, its code cells already
  prepared by nbgrader's side; the worker answers :class:`Ready` once and one :class:`Outcome`
  line per job. A worker needs nothing of the course but these lines: not its gradebook, not
  its configuration, not its files;
* worker -> a run's processes: the job, in memory across ``fork`` (nothing is serialised);
  the notebook's process speaks back on the run's channel (:mod:`autograder.engine.channel`),
  whose reader writes the files of :class:`RunFolder`;
* batch -> nbgrader's side (``python -m autograder.engine.replay``): one :class:`NbgraderStep`
  line per step asked (the release, a student's notebook prepared, a student's autograde and
  feedback, the export), one :class:`StepDone` line per step done; the records it grades are
  in :class:`WorkFolder`.

The sandbox's caps are built from :class:`Settings`, the only place they are written.
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path


class ClusterUnreachable(RuntimeError):
    """No Dask scheduler answered at ``grade --scheduler``'s address (the batch's problem, said
    before any work; raised by :mod:`autograder.engine.cluster`)."""


def outermost(paths) -> list[str]:
    """``paths`` resolved, without those inside another one (a folder covered covers them)."""
    resolved = sorted({Path(p).resolve() for p in paths})
    return [str(p) for p in resolved if not any(other in p.parents for other in resolved)]


def default_workers() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


@dataclass(frozen=True)
class Limits:
    """Caps on one submission's run, as the sandbox applies them (built by :meth:`Settings.limits`)."""

    memory_bytes: int   # address space on top of what the warm worker already maps
    file_bytes: int     # the largest file it may write
    disk_bytes: int     # all it may write, in all its files together
    processes: int      # processes and threads alive at once


@dataclass(frozen=True)
class Settings:
    """How submissions run. Every default is documented in the README ("Limits"); ``grade``'s
    options set each one. ``cell_timeout`` is the course's own (nbgrader's ``Execute.timeout``,
    written only in ``nbgrader_config.py``): :func:`autograder.engine.config.settings` fills it in,
    and a batch given none takes the course's."""

    cell_timeout: float | None = None    # seconds one cell may run; None: the course's Execute.timeout
    wall_timeout: float = 600.0          # seconds a whole notebook may run
    memory_bytes: int = 3 * 1024**3      # memory a run may take beyond the warm worker's
    file_bytes: int = 256 * 1024**2      # the largest file a run may write
    disk_bytes: int = 512 * 1024**2      # all a run may write
    processes: int = 64                  # processes and threads a run may have at once
    output_limit: int = 5_000_000        # bytes of output a run's cells may print in all
    workers: int = field(default_factory=default_workers)
    isolate: bool = True                 # namespaces, hidden files, own user (where the OS allows)

    @property
    def limits(self) -> Limits:
        return Limits(self.memory_bytes, self.file_bytes, self.disk_bytes, self.processes)


def _decode(cls, data: dict):
    known = {f.name for f in fields(cls)}
    unknown = set(data) - known
    if unknown:
        raise ValueError(f"{cls.__name__} has no field(s) {sorted(unknown)}")
    return cls(**data)


class _Line:
    """A protocol line: the dataclass as one JSON object, and back (unknown fields refused)."""

    def to_line(self) -> str:
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def from_line(cls, line: str):
        return _decode(cls, json.loads(line))


@dataclass(frozen=True)
class Job:
    """One submission for a worker: its code cells, as nbgrader's sanitizing steps prepared them
    (the test cells, hidden ones included, restored from the gradebook), where its run writes,
    and the caps its run gets."""

    id: str
    cells: tuple[dict, ...]   # autograder.notebooks.code_cells of the prepared notebook
    workdir: str              # the run's own folder, outside the course (see RunFolder)
    hidden: tuple[str, ...]   # paths the run must not see
    kept: tuple[str, ...]     # paths inside hidden ones it still sees (the release, the environment)
    cell_timeout: float
    wall_timeout: float
    output_limit: int
    limits: Limits
    isolate: bool = True

    def to_line(self) -> str:
        return json.dumps(asdict(self)) + "\n"

    @classmethod
    def from_line(cls, line: str) -> "Job":
        data = json.loads(line)
        data["limits"] = _decode(Limits, data["limits"])
        data["hidden"], data["kept"], data["cells"] = tuple(data["hidden"]), tuple(data["kept"]), tuple(data["cells"])
        return _decode(cls, data)


@dataclass(frozen=True)
class Ready:
    """A worker's first line: warmed up, ready for jobs."""

    pid: int
    rss_mb: float

    def to_line(self) -> str:
        return json.dumps({"ready": True, **asdict(self)}) + "\n"

    @classmethod
    def from_line(cls, line: str) -> "Ready":
        data = json.loads(line)
        data.pop("ready", None)
        return _decode(cls, data)


@dataclass(frozen=True)
class Outcome(_Line):
    """How one submission's run ended, as the worker saw it."""

    id: str
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    cpu_seconds: float = 0.0   # the run's CPU time: the notebook's own work and the tests
    peak_rss_mb: float = 0.0
    worker_lost: bool = False
    prepare_error: str | None = None


@dataclass(frozen=True)
class WorkerStart(_Line):
    """What a worker is told before it warms up: the assignment it grades (its manifest names
    the checks and the warm-up) and the language its messages speak."""

    assignment: dict          # autograder.engine.manifest.Assignment.as_json()
    language: str | None = None  # the course's language for every notebook's messages, if it sets one


# The steps nbgrader's side of a batch takes, each as nbgrader's own command would.
RELEASE, PREPARE, AUTOGRADE, FEEDBACK, EXPORT = "release", "prepare", "autograde", "feedback", "export"


@dataclass(frozen=True)
class NbgraderStep(_Line):
    """A step asked of nbgrader's side: ``release`` (generate_assignment), ``prepare`` (the
    student's notebook ``submitted`` through the course's sanitizing steps, kept for the
    autograde, its code cells answered for a worker to run), ``autograde`` (a student's record,
    then, with ``feedback``, the student's feedback page), ``feedback`` (only the page, for a
    student graded by an earlier run), ``export`` (the gradebook to the CSV file ``to``)."""

    step: str
    student: str = ""
    feedback: bool = False
    to: str = ""
    submitted: str = ""


@dataclass(frozen=True)
class StepDone(_Line):
    """How a step ended: ``ok`` (nbgrader did it); for ``autograde`` whether the feedback page was
    written too; for ``prepare`` the notebook's code cells, or why it could not be prepared."""

    step: str
    student: str = ""
    ok: bool = True
    feedback: bool = False
    cells: list | None = None
    problem: str = ""


class RunFolder:
    """The files of one run's own folder, written by the worker's channel reader."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def cells(self) -> Path:
        """One record per cell, in the order they ran."""
        return self.path / "cells.jsonl"

    @property
    def isolation(self) -> Path:
        """The protections the run got."""
        return self.path / "isolation.json"

    @property
    def error(self) -> Path:
        """The grader's own failure in the run, if any."""
        return self.path / "child-error.txt"

    @property
    def problems(self) -> Path:
        """What was wrong with the channel's records, and how the run said it ended."""
        return self.path / "channel-problems.json"

    @property
    def verdicts(self) -> Path:
        """The grader's verdicts on held-out checks."""
        return self.path / "judge.json"

    def written(self) -> dict[str, str]:
        """What the channel's reader wrote here, by file name (a run on another machine sends it
        back with its outcome: :mod:`autograder.engine.cluster`)."""
        files = (self.cells, self.isolation, self.error, self.problems, self.verdicts)
        return {f.name: f.read_text(encoding="utf-8") for f in files if f.exists()}

    def write(self, written: dict[str, str]) -> None:
        """Put back what :meth:`written` gave (only the files a run writes)."""
        names = {f.name for f in (self.cells, self.isolation, self.error, self.problems, self.verdicts)}
        self.path.mkdir(parents=True, exist_ok=True)
        for name, text in written.items():
            if name in names:
                (self.path / name).write_text(text, encoding="utf-8")


class WorkFolder:
    """The batch's own folder (``<out>/work``): records for nbgrader's replay, resume markers, logs."""

    def __init__(self, path: Path):
        self.path = Path(path)

    @property
    def records(self) -> Path:
        return self.path / "records"

    def record(self, student: str) -> Path:
        """The cells' outputs as the worker ran them (what the replay puts into the notebook)."""
        return self.records / f"{student}.json"

    def prepared(self, student: str) -> Path:
        """The notebook as nbgrader's sanitizing steps left it (what the replay grades)."""
        return self.records / f"{student}.ipynb"

    @property
    def done(self) -> Path:
        return self.path / "done"

    def marker(self, student: str) -> Path:
        """What an earlier run graded for a student, and from which inputs (for resuming)."""
        return self.done / f"{student}.json"

    @property
    def log(self) -> Path:
        return self.path / "nbgrader.log"

    @property
    def worker_logs(self) -> Path:
        return self.path / "workers"

    @property
    def unpacked(self) -> Path:
        return self.path / "unpacked"
