"""The kit's fast batch grader: nbgrader's rules, executed by warm parallel workers.

Stages: nbgrader's side prepares each notebook with nbgrader's own sanitizing steps, as
``nbgrader autograde`` would before executing it (``autograder.engine.prepare``); a worker runs
its code cells in a forked process; the cells' outputs, with how each run ended, are written
as one record per student; nbgrader's side grades the records into its gradebook and
``autograded/`` (``autograder.engine.replay``). The scores are therefore nbgrader's own,
and formgrader, ``generate_feedback`` and ``nbgrader export`` work afterwards exactly as
after ``nbgrader autograde``.
"""

from __future__ import annotations

import contextlib
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Callable

from autograder.course import Course, NbgraderFailed
from autograder.engine import channel, judge, review
from autograder.engine.config import grading_environment
from autograder.engine.execution import TRUNCATED, read_cell_runs
from autograder.engine.pool import Prestarted, WorkerPool
from autograder.engine.protocol import (AUTOGRADE, EXPORT, FEEDBACK, PREPARE, RELEASE, Job, NbgraderStep, Outcome,
                                        RunFolder, Settings, StepDone, WorkerStart, WorkFolder, outermost)
from autograder.language import Text, as_text
from autograder.notebooks import code_cells, grade_id, is_autograded_test, read, read_written
from autograder.submissions import Submission

# Inside the hidden course directory, what student code still sees: the Python environment
# (the release is kept too, see kept_paths).
ENVIRONMENT_FOLDER = ".venv"
REPLAY = "autograder.engine.replay"  # nbgrader's side: python -m autograder.engine.replay


def hidden_paths(course: Course, also: tuple[Path, ...] = ()) -> list[str]:
    """What student code must not see: the course directory (all of it, what the batch creates
    in it later included, but its release and environment, see :func:`kept_paths`), the kit's
    package, and ``also`` (the input, the reports, the batch's own records and the submitted
    files, which may lie outside the course directory)."""
    import autograder

    return outermost([course.root, Path(autograder.__file__).resolve().parent, *(p for p in also if p.exists())])


def kept_paths(course: Course) -> list[str]:
    """What stays in sight inside the hidden course directory: the release and the environment."""
    kept = (course.root / ENVIRONMENT_FOLDER, course.config.release_dir)
    return sorted(str(p.resolve()) for p in kept if p.exists())


@dataclass(frozen=True)
class RunRecord:
    """What happened to one submission in a worker, beyond its cells' outputs."""

    student_id: str
    seconds: float
    peak_rss_mb: float
    stopped: Text | None       # why the notebook stopped before its last cell, if it did
    isolation: dict
    notes: tuple[Text, ...] = ()  # what else a TA (and the student) should know: cells interrupted, output cut
    cpu_seconds: float = 0.0     # CPU time of the notebook's process (its own work and the tests)
    flags: tuple[str, ...] = ()  # why a TA should review it: code that reaches for the grader's tools

    def saved(self) -> dict:
        """The record as JSON values (a :class:`Text` as its ``[en, ko]``), for :meth:`from_saved`."""
        return {f.name: getattr(self, f.name) for f in fields(self)}

    @classmethod
    def from_saved(cls, saved: dict) -> RunRecord:
        def text(value):  # a record saved before the kit spoke two languages holds plain strings
            return Text(*value) if isinstance(value, list) else as_text(value)
        return cls(**{**saved, "stopped": saved["stopped"] and text(saved["stopped"]),
                      "notes": tuple(map(text, saved["notes"])), "flags": tuple(saved.get("flags", ()))})


# Why a run stopped early and what else happened to it: the student reads these in their results,
# the TA in the reports, each in their own language.
SIGNALS = {signal.SIGSEGV: Text("a segmentation fault", "segmentation fault"),
           signal.SIGKILL: Text("a kill (SIGKILL)", "강제 종료(SIGKILL)"),
           signal.SIGABRT: Text("an abort", "abort"),
           signal.SIGBUS: Text("a bus error", "bus error"),
           signal.SIGFPE: Text("a floating-point fault", "부동소수점 오류")}
SIGNAL_OTHER = Text("signal {number}", "시그널 {number}")
WORKER_LOST = Text("the grading worker running this notebook was killed; the notebook was not finished",
                   "이 노트북을 실행하던 채점 워커가 강제 종료되어, 노트북이 끝까지 실행되지 않았습니다")
WALL_TIMEOUT = Text("the notebook ran for more than {seconds:g} s in all and was stopped (the limit per submission)",
                    "노트북의 전체 실행 시간이 {seconds:g}초를 넘어 중단되었습니다(제출물당 제한 시간)")
ENDED_BY_SIGNAL = Text("the notebook's Python process ended by {name}", "노트북의 Python 프로세스가 다음 이유로 종료되었습니다: {name}")
EXITED = Text("the notebook's Python process exited (status {code}) before the last cell: `sys.exit()` is caught, "
              "but `os._exit()` or a crash ends the process",
              "노트북의 Python 프로세스가 마지막 셀 전에 종료되었습니다(종료 코드 {code}). `sys.exit()`는 채점기가 잡아내지만, `os._exit()`를 호출하거나 크래시가 나면 "
              "프로세스 자체가 끝납니다")
# nbgrader's side ended without answering (its own reason, when it gives one, is nbgrader's words).
PREPARE_FAILED = "nbgrader could not prepare the notebook: nbgrader's process ended; see nbgrader.log"
NOT_RUN = Text("this cell was not run", "이 셀은 실행되지 않았습니다")
CELL_TIMEOUT_NOTE = Text("cell {index} ran for more than {seconds:g} s and was interrupted",
                         "{index}번 셀이 {seconds:g}초 넘게 실행되어 중단되었습니다")
OUTPUT_CUT_NOTE = Text("cell {index} printed more than {megabytes} MB; the rest of its output was dropped",
                       "{index}번 셀의 출력이 {megabytes} MB를 넘어, 나머지 출력은 버려졌습니다")


def stop_reason(outcome: Outcome, ran_all: bool, settings: Settings) -> Text | None:
    if outcome.prepare_error:
        return as_text(outcome.prepare_error)  # nbgrader's own words, as it gave them
    if outcome.worker_lost:
        return WORKER_LOST
    if outcome.timed_out:
        return WALL_TIMEOUT.format(seconds=settings.wall_timeout)
    if outcome.signal:
        name = SIGNALS.get(outcome.signal, SIGNAL_OTHER.format(number=outcome.signal))
        return ENDED_BY_SIGNAL.format(name=name)
    if not ran_all:
        return EXITED.format(code=outcome.exit_code)
    return None


class _NbgraderSide:
    """nbgrader's side of the batch (:mod:`autograder.engine.replay`), one process for all of it.

    Steps are sent as they come; its answers are read by a thread of their own, which calls
    ``on_done(StepDone)`` for each: a student's grades are in the gradebook (and a batch
    stopped half-way keeps them) as soon as nbgrader has them.
    """

    def __init__(self, course: Course, work: WorkFolder, withhold_hidden: bool, on_done: Callable[[StepDone], None]):
        self.log = open(work.log, "a")  # noqa: SIM115 - open for the process's lifetime
        self.process = subprocess.Popen(
            [sys.executable, "-m", REPLAY, course.assignment.name, str(work.path),
             *(["--withhold-hidden"] if withhold_hidden else [])],
            cwd=course.root, stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=self.log, text=True,
            env=grading_environment(language=course.config.language))
        self.done: dict[tuple[str, str], StepDone] = {}
        self.outstanding = 0  # steps asked and not answered yet
        self.changed = threading.Condition()
        self.reader = threading.Thread(target=self._read, args=(on_done,), daemon=True)
        self.reader.start()

    def _read(self, on_done: Callable[[StepDone], None]) -> None:
        for line in self.process.stdout:
            done = StepDone.from_line(line)
            with self.changed:
                self.done[(done.step, done.student)] = done
                self.outstanding -= 1
                self.changed.notify_all()
            on_done(done)
        with self.changed:
            self.changed.notify_all()

    def ask(self, step: NbgraderStep) -> None:
        with self.changed:
            self.outstanding += 1
        self.process.stdin.write(step.to_line())
        self.process.stdin.flush()

    def wait(self, step: str, student: str = "") -> StepDone:
        """The answer to a step asked earlier (not ok if the process ended without one)."""
        with self.changed:
            while (step, student) not in self.done and self.reader.is_alive():
                self.changed.wait(1)
            return self.done.get((step, student), StepDone(step, student, ok=False))

    def take(self, step: str, student: str) -> StepDone:
        """As :meth:`wait`, and forget the answer (a prepared notebook's cells are not kept)."""
        done = self.wait(step, student)
        with self.changed:
            self.done.pop((step, student), None)
        return done

    def finish(self) -> None:
        with contextlib.suppress(OSError):
            self.process.stdin.close()
        self.process.wait()
        self.reader.join()
        self.log.close()


@dataclass(frozen=True)
class _Runs:
    """What every job of a batch shares: what its runs must not see, their caps."""

    hidden: tuple[str, ...]
    kept: tuple[str, ...]
    settings: Settings

    def job(self, student: str, cells: list[dict], workdir: Path) -> Job:
        settings = self.settings
        return Job(id=student, cells=tuple(cells), workdir=str(workdir), hidden=self.hidden, kept=self.kept,
                   cell_timeout=settings.cell_timeout, wall_timeout=settings.wall_timeout,
                   output_limit=settings.output_limit, limits=settings.limits, isolate=settings.isolate)


def _runs(course: Course, submissions: list[Submission], work: WorkFolder, settings: Settings,
          also_hidden: tuple[Path, ...]) -> _Runs:
    also = (work.path, *also_hidden, *(s.path for s in submissions))
    hidden = tuple(hidden_paths(course, also)) if settings.isolate else ()
    kept = tuple(kept_paths(course)) if settings.isolate else ()
    return _Runs(hidden, kept, settings)


def trusted_sources(course: Course) -> frozenset[str]:
    """The assignment's own test cells (hidden tests included), as the gradebook restores them:
    the kit's code, which the review does not read as the student's."""
    return frozenset(c.source for c in read(course.source_notebook).cells if is_autograded_test(c))


def _record(student: str, workdir: Path, prepared_file: Path, outcome: Outcome, settings: Settings,
            trusted: set[str], judged: dict, log: Path, language: str = "en") -> tuple[dict, RunRecord]:
    run = RunFolder(workdir)
    runs = {r.index: r for r in read_cell_runs(run.cells)}
    # The cells as nbgrader's side prepared them, from the copy the student's code could not touch.
    prepared_nb = read_written(prepared_file) if prepared_file.exists() else None
    prepared = code_cells(prepared_nb) if prepared_nb else []
    grade_ids = {i: grade_id(c) for i, c in enumerate(prepared_nb.cells) if is_autograded_test(c)} if prepared_nb else {}
    sources = {c["index"]: c["source"] for c in prepared}
    ran_all = all(index in runs for index in sources)
    if run.error.exists():
        with open(log, "a") as log_file:
            log_file.write(f"{student}: the grading process failed before the notebook ran:\n"
                           + run.error.read_text())
    stopped = stop_reason(outcome, ran_all, settings)
    cells = {str(i): {"source": sources[i], "outputs": r.outputs, "execution_count": r.execution_count}
             for i, r in runs.items() if i in sources}
    verdicts = json.loads(run.verdicts.read_text()) if run.verdicts.exists() else []
    overruled = judge.enforce(cells, grade_ids, verdicts, judged, language)
    isolation = json.loads(run.isolation.read_text()) if run.isolation.exists() else {}
    seen = json.loads(run.problems.read_text()) if run.problems.exists() else {}
    problems = list(seen.get("problems", []))
    ending = channel.ending_problem(seen, outcome.exit_code, outcome.signal, outcome.timed_out)
    if ending:
        problems.append(ending)
    problems.extend(f"the grader overruled a test the notebook reported as passed: {text}" for text in overruled)
    flags = tuple(review.flagged_lines(prepared, trusted)) + tuple(f"while it ran: {change}"
                                                                  for change in _grouped(problems))
    # The replay writes the reason into the cells that did not run: the student reads it there.
    return ({"cells": cells, "stopped": (stopped or NOT_RUN).in_language(language)},
            RunRecord(student, outcome.seconds, outcome.peak_rss_mb, stopped, isolation,
                      _notes(runs, settings), outcome.cpu_seconds, flags))


_REPLACED = re.compile(r"^`(?P<owner>[\w.]+)\.(?P<name>\w+)` was (?P<how>replaced|deleted|added)$")


def _grouped(changes: list[str]) -> list[str]:
    """The guard's notes with one line per module, not one per function."""
    by_owner: dict[tuple[str, str], list[str]] = {}
    other = []
    for change in changes:
        match = _REPLACED.match(change)
        if match:
            by_owner.setdefault((match["owner"], match["how"]), []).append(match["name"])
        else:
            other.append(change)
    grouped = []
    for (owner, how), names in by_owner.items():
        shown = ", ".join(names[:4]) + (f" and {len(names) - 4} more" if len(names) > 4 else "")
        grouped.append(f"`{owner}`: {shown} {how}")
    return grouped + other


def _notes(runs: dict, settings: Settings) -> tuple[Text, ...]:
    notes = []
    for index, run in sorted(runs.items()):
        for output in run.outputs:
            if output["output_type"] == "error" and output["ename"] == "CellTimeoutError":
                notes.append(CELL_TIMEOUT_NOTE.format(index=index, seconds=settings.cell_timeout))
            if output["output_type"] == "stream" and TRUNCATED in output["text"]:
                notes.append(OUTPUT_CUT_NOTE.format(index=index, megabytes=settings.output_limit // 1_000_000))
    return tuple(notes)


SCRATCH_PREFIX = "kit-runs-"


def _remove_stale_scratch() -> None:
    """Delete the run folders of batches that were killed (their process is gone)."""
    for folder in Path(tempfile.gettempdir()).glob(f"{SCRATCH_PREFIX}*-*"):
        pid = folder.name[len(SCRATCH_PREFIX):].split("-")[0]
        if not pid.isdigit():
            continue
        try:
            os.kill(int(pid), 0)
        except ProcessLookupError:
            shutil.rmtree(folder, ignore_errors=True)
        except PermissionError:
            pass  # another user's live batch


def worker_start(course: Course) -> WorkerStart:
    """What the pool's workers are told before they warm up: the assignment they grade, and the
    course's language."""
    return WorkerStart(assignment=course.assignment.as_json(), language=course.config.language)


# One nbgrader process grades and writes the feedback of a notebook in about 0.3 s of CPU, a
# worker runs one in about 2 s: one keeps up with about six workers, so a batch on more cores
# starts one more for every six workers (the gradebook takes their short writes in turn).
WORKERS_PER_NBGRADER = 6


def nbgrader_processes(workers: int) -> int:
    return max(1, -(-workers // WORKERS_PER_NBGRADER))


class Batch:
    """One batch: the worker pool and nbgrader's side, started together as soon as it is made, so
    their start-up (``import torch``, the warm-up, nbgrader's imports) overlaps the release check
    and the collecting of the submissions. nbgrader's side is one process up to six workers and
    one more for each six more (:data:`WORKERS_PER_NBGRADER`); the release and the export are the
    first one's, each student's grades and page go to the least busy.

    In order: :meth:`release` (when the release must be regenerated), :meth:`release_ready`,
    then :meth:`feedback` and :meth:`grade` as needed, :meth:`export`, :meth:`close` (or use it
    as a context manager). :meth:`grade` first asks nbgrader's side to prepare every notebook,
    which it does while the workers are still warming up, and hands each worker the next
    prepared one. With ``feedback``, each student's feedback page is written by nbgrader's side
    right after the student's grades, while the workers run the next notebooks: nothing is
    left for a pass after the batch.
    """

    def __init__(self, course: Course, settings: Settings, work: Path, feedback: bool = False,
                 withhold_hidden: bool = False, early: Prestarted | None = None, scheduler: str | None = None):
        if settings.cell_timeout is None:
            settings = replace(settings, cell_timeout=course.config.cell_timeout)
        self.course, self.settings, self.feedback_pages = course, settings, feedback
        self.folder = WorkFolder(work)
        self.folder.records.mkdir(parents=True, exist_ok=True)
        self.records: dict[str, RunRecord] = {}
        self.releasing = False
        self.on_graded: Callable[[RunRecord], None] = lambda r: None
        self.on_step: Callable[[StepDone], None] = lambda d: None
        self.sides = [_NbgraderSide(course, self.folder, withhold_hidden, self._step_done)
                      for _ in range(nbgrader_processes(settings.workers))]
        self.nbgrader = self.sides[0]
        self.side_of: dict[str, _NbgraderSide] = {}
        if scheduler:  # the notebooks run on a Dask cluster; all the rest is done here
            from autograder.engine.cluster import ClusterPool

            try:
                self.pool = ClusterPool(scheduler, worker_start(course)).begin()
            except BaseException:
                for side in self.sides:
                    side.finish()
                raise
        else:
            self.pool = WorkerPool(settings.workers, worker_start(course),
                                   grading_environment(language=course.config.language), self.folder.worker_logs,
                                   course.root, early).begin()

    def _step_done(self, done: StepDone) -> None:
        if done.step == AUTOGRADE and done.ok:
            self.on_graded(self.records[done.student])
        self.on_step(done)

    def release(self) -> None:
        """Ask nbgrader's side to regenerate the release (generate_assignment), which also records
        the source's cells, hidden tests included, in the gradebook; :meth:`release_ready` waits
        for it, so the batch may collect the hand-ins meanwhile."""
        self.releasing = True
        self.nbgrader.ask(NbgraderStep(RELEASE))

    def release_ready(self) -> None:
        """Wait until the release is current (regenerated, if :meth:`release` asked for it): the
        notebooks are prepared from the gradebook it writes."""
        if self.releasing:
            self.releasing = False
            if not self.nbgrader.wait(RELEASE).ok:
                raise NbgraderFailed(f"nbgrader generate_assignment failed in {self.course.root}:\n{self._log_tail()}")

    def feedback(self, students: list[str]) -> None:
        """Feedback pages for students graded by an earlier run (their grades are in the gradebook)."""
        if self.feedback_pages:
            for student in students:
                self._least_busy().ask(NbgraderStep(FEEDBACK, student))

    def _least_busy(self) -> _NbgraderSide:
        return min(self.sides, key=lambda side: side.outstanding)

    def grade(self, submissions: list[Submission], on_done: Callable[[RunRecord], None] = lambda r: None,
              on_graded: Callable[[RunRecord], None] = lambda r: None,
              also_hidden: tuple[Path, ...] = ()) -> dict[str, RunRecord]:
        """Autograde ``submissions`` (already in ``submitted/``, the release current): nbgrader's
        side prepares each notebook, the workers run them in parallel, and nbgrader's side grades
        each record as soon as it is written. ``on_graded`` is called once a student's grades are
        in the gradebook."""
        settings, folder = self.settings, self.folder
        self.on_graded = on_graded
        _remove_stale_scratch()
        scratch = Path(tempfile.mkdtemp(prefix=f"{SCRATCH_PREFIX}{os.getpid()}-"))
        os.chmod(scratch, 0o711)
        trusted = trusted_sources(self.course)
        judge_module = self.course.assignment.judge_module()
        judged = dict(judge_module.JUDGED) if judge_module else {}
        language = self.course.student_language
        runs = _runs(self.course, submissions, folder, settings, also_hidden)
        students = [s.student_id for s in submissions]
        try:
            # Every notebook is asked for at once: nbgrader's side prepares them in turn while the
            # workers warm up, and a worker that comes free takes the next one prepared.
            preparing = {}
            for student in students:
                (scratch / student).mkdir()
                folder.prepared(student).unlink(missing_ok=True)  # an earlier run's: never graded in place of this one
                side = preparing[student] = self._least_busy()
                side.ask(NbgraderStep(PREPARE, student, submitted=str(self.course.submitted_notebook(student))))

            def finished(outcome: Outcome) -> None:
                student = outcome.id
                cells, record = _record(student, scratch / student, folder.prepared(student), outcome, settings,
                                        trusted, judged, folder.log, language)
                folder.record(student).write_text(json.dumps(cells))
                self.records[student] = record
                side = self.side_of[student] = self._least_busy()
                side.ask(NbgraderStep(AUTOGRADE, student, feedback=self.feedback_pages))
                on_done(record)

            def prepared():
                """Each prepared notebook as a job; one that could not be prepared is recorded
                with nbgrader's reason, without a run."""
                for student in students:
                    done = preparing.pop(student).take(PREPARE, student)
                    if done.ok:
                        yield runs.job(student, done.cells, scratch / student)
                    else:
                        finished(Outcome(student, prepare_error=done.problem or PREPARE_FAILED))
            self.pool.run(prepared(), finished)
            for student in students:
                self.side_of[student].wait(AUTOGRADE, student)
        finally:
            shutil.rmtree(scratch, ignore_errors=True)
        return {student: self.records[student] for student in students}

    def export(self, to: Path) -> None:
        """The whole gradebook as nbgrader export's CSV, once, after the last grades."""
        self.nbgrader.ask(NbgraderStep(EXPORT, to=str(to)))
        if not self.nbgrader.wait(EXPORT).ok:
            raise NbgraderFailed(f"nbgrader export failed in {self.course.root}:\n{self._log_tail()}")

    def _log_tail(self) -> str:
        for side in self.sides:
            side.log.flush()
        return self.folder.log.read_text()[-3000:] if self.folder.log.exists() else ""

    def close(self) -> None:
        try:
            self.pool.__exit__()
        finally:
            for side in self.sides:
                side.finish()

    def __enter__(self) -> "Batch":
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def execute(course: Course, submissions: list[Submission], settings: Settings, work: Path,
            on_done: Callable[[RunRecord], None] = lambda r: None,
            on_graded: Callable[[RunRecord], None] = lambda r: None,
            also_hidden: tuple[Path, ...] = ()) -> dict[str, RunRecord]:
    """Autograde ``submissions`` (already in ``submitted/``, the release current) with a batch of
    its own: grades in the gradebook and ``autograded/``, as after ``nbgrader autograde``."""
    with Batch(course, settings, work) as run:
        run.release_ready()
        return run.grade(submissions, on_done, on_graded, also_hidden)
