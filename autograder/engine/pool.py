"""A pool of warm grading workers (``python -m autograder.engine.worker``), one per core by default.

The pool hands each idle worker the next job and collects how each ended. A worker that
dies (killed, or crashed outside a child) costs only the job it was running: that job's
outcome says so, a fresh worker takes its place, and the rest of the batch goes on.
"""

from __future__ import annotations

import contextlib
import os
import queue
import selectors
import signal
import subprocess
import sys
import threading
from pathlib import Path
from typing import Callable, Iterable

from autograder.engine.protocol import Job, Outcome, Ready, WorkerStart

WORKER = "autograder.engine.worker"  # the child side: python -m autograder.engine.worker

READY_TIMEOUT = 180
WORKERS_LOG = "workers.log"  # the warm process's and its workers' log, in the pool's log folder


class WorkerFailed(RuntimeError):
    """A worker could not start at all (not one student's problem)."""


class _Worker:
    """One worker process, spoken to over a pipe each way."""

    def __init__(self, pid: int, jobs, answers, log_name: str, process: subprocess.Popen | None = None):
        self.pid, self.jobs, self.answers, self.log_name = pid, jobs, answers, log_name
        self.process = process  # set when the pool started it (and so can wait for it)
        self.job: str | None = None
        self.rss_mb = 0.0

    @classmethod
    def start(cls, start: WorkerStart, env: dict, cwd: Path, log: Path) -> "_Worker":
        """A worker on its own: pays its own warm-up (used to replace one that died)."""
        with open(log, "ab") as log_file:
            process = subprocess.Popen([sys.executable, "-m", WORKER], stdin=subprocess.PIPE,
                                       stdout=subprocess.PIPE, stderr=log_file, env=env, cwd=cwd)
        process.stdin.write(start.to_line().encode())
        process.stdin.flush()
        return cls(process.pid, process.stdin, process.stdout, str(log), process)

    def wait_ready(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.answers, selectors.EVENT_READ)
        if not selector.select(READY_TIMEOUT):
            self.kill()
            raise WorkerFailed(f"a grading worker did not start within {READY_TIMEOUT} s; see {self.log_name}")
        line = self.answers.readline()
        if not line:
            raise WorkerFailed(f"a grading worker exited while starting; see {self.log_name}")
        ready = Ready.from_line(line)
        self.pid, self.rss_mb = ready.pid, ready.rss_mb

    def send(self, job: Job) -> None:
        self.job = job.id
        self.jobs.write(job.to_line().encode())
        self.jobs.flush()

    def kill(self) -> None:
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.kill(self.pid, signal.SIGKILL)

    def close(self) -> None:
        """Close its jobs pipe (it then exits) and wait a little for it to go."""
        with contextlib.suppress(OSError):
            self.jobs.close()
        if self.process is not None:
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
        else:  # forked by the pool's warm process, which reaps it: its answers end when it exits
            selector = selectors.DefaultSelector()
            selector.register(self.answers, selectors.EVENT_READ)
            if not selector.select(10) or self.answers.read1(1 << 16):
                self.kill()
        with contextlib.suppress(OSError):
            self.answers.close()


class Prestarted:
    """The pool's warm process, started before the batch knows its course: it imports torch and the
    rest of what every run uses meanwhile, then waits on its stdin for the :class:`WorkerStart`.

    ``grade`` starts it first thing, so the warm-up no longer waits for the command to load the
    course's configuration (which imports nbgrader). A pool whose size, environment or course
    folder differ from what it was started with starts its own; :meth:`discard` stops one that
    no pool took.
    """

    def __init__(self, size: int, env: dict, cwd: Path, log: Path):
        self.size, self.env, self.cwd, self.log = max(1, size), dict(env), Path(cwd), Path(log)
        self.taken = False
        slots, self.ours = [], []
        for _ in range(self.size):
            jobs_read, jobs_write = os.pipe()
            answers_read, answers_write = os.pipe()
            slots.append((jobs_read, answers_write))
            self.ours.append((jobs_write, answers_read))
        # What it creates for its log, so that a command that stops before grading leaves none of it.
        self.created = [folder for folder in (self.log.parent, *self.log.parent.parents) if not folder.exists()]
        self.created_log = not self.log.exists()
        try:
            self.log.parent.mkdir(parents=True, exist_ok=True)
            with open(self.log, "ab") as log_file:
                self.warm = subprocess.Popen(
                    [sys.executable, "-m", WORKER, "--fork", *(f"{a},{b}" for a, b in slots)],
                    stdin=subprocess.PIPE, stdout=log_file, stderr=log_file, env=self.env, cwd=self.cwd,
                    pass_fds=[fd for slot in slots for fd in slot])
        except BaseException:
            for fd in (fd for pair in self.ours for fd in pair):
                os.close(fd)
            raise
        finally:
            for fd in (fd for slot in slots for fd in slot):
                os.close(fd)  # the workers' ends: held by them alone, so a dead worker reads as EOF here

    def fits(self, size: int, env: dict, cwd: Path, log: Path) -> bool:
        return (not self.taken and self.size == max(1, size) and self.env == env
                and self.cwd.resolve() == Path(cwd).resolve() and self.log.resolve() == Path(log).resolve())

    def take(self, start: WorkerStart) -> tuple[subprocess.Popen, list[_Worker]]:
        self.taken = True
        with contextlib.suppress(OSError):  # a warm process that died is reported by wait_ready
            self.warm.stdin.write(start.to_line().encode())
            self.warm.stdin.close()
        return self.warm, [_Worker(self.warm.pid, os.fdopen(jobs, "wb"), os.fdopen(answers, "rb"), str(self.log))
                           for jobs, answers in self.ours]

    def discard(self) -> None:
        """Stop the warm process unless a pool took it (the command stopped before grading)."""
        if self.taken:
            return
        self.taken = True
        with contextlib.suppress(OSError):
            self.warm.stdin.close()  # it reads the end of its stdin as "no course": it exits
        try:
            self.warm.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.warm.kill()
            self.warm.wait()
        for fd in (fd for pair in self.ours for fd in pair):
            with contextlib.suppress(OSError):
                os.close(fd)
        with contextlib.suppress(OSError):
            if self.created_log and self.log.stat().st_size == 0:  # it had nothing to say
                self.log.unlink()
                for folder in self.created:  # deepest first; a folder something else wrote in stays
                    folder.rmdir()


def _forked_workers(size: int, start: WorkerStart, env: dict, cwd: Path,
                    log: Path, early: Prestarted | None = None) -> tuple[subprocess.Popen, list[_Worker]]:
    """Start one process that warms up once and forks ``size`` workers, each on its own pipes
    (or take ``early``, started before, when it fits)."""
    if early is not None and early.fits(size, env, cwd, log):
        return early.take(start)
    if early is not None:
        early.discard()
    prestarted = Prestarted(size, env, cwd, log)
    return prestarted.take(start)


class WorkerPool:
    """``size`` workers for one assignment (``start``), in ``env`` and the folder ``cwd``, logging to ``log_dir``.

    :meth:`begin` starts them warming up and returns at once; :meth:`run` waits until they
    are ready. As a context manager, both at once. The workers need nothing of the course
    but the assignment's manifest: each job brings its prepared cells.
    """

    def __init__(self, size: int, start: WorkerStart, env: dict, log_dir: Path, cwd: Path,
                 early: Prestarted | None = None):
        self.size, self.start, self.env, self.log_dir = max(1, size), start, env, log_dir
        self.early = early
        self.cwd = Path(cwd)
        self.workers: list[_Worker] = []
        self.warm: subprocess.Popen | None = None
        self.waiting: list[_Worker] = []
        self.replaced = 0
        self.idle: queue.SimpleQueue[_Worker] = queue.SimpleQueue()  # for run_one
        self.starting = threading.Lock()

    def _spawn(self) -> _Worker:
        self.replaced += 1
        worker = _Worker.start(self.start, self.env, self.cwd, self.log_dir / f"worker-replacement-{self.replaced}.log")
        worker.wait_ready()
        return worker

    def begin(self) -> "WorkerPool":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        self.warm, self.workers = _forked_workers(self.size, self.start, self.env, self.cwd,
                                                  self.log_dir / WORKERS_LOG, self.early)
        self.waiting = list(self.workers)
        for worker in self.workers:
            self.idle.put(worker)
        return self

    def wait_ready(self) -> None:
        try:
            while self.waiting:
                self.waiting.pop(0).wait_ready()
        except WorkerFailed:
            self.__exit__()
            raise

    def __enter__(self) -> "WorkerPool":
        self.begin()
        self.wait_ready()
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.close()
        if self.warm is not None:
            try:
                self.warm.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.warm.kill()
                self.warm.wait()

    @property
    def worker_rss_mb(self) -> float:
        return max((w.rss_mb for w in self.workers), default=0.0)

    def run_one(self, job: Job) -> Outcome:
        """``job`` on the next idle worker, waiting for one; how it ended. Safe from several
        threads at once (a Dask worker's, :mod:`autograder.engine.cluster`), each call taking a
        worker of its own; a worker that dies is replaced as in :meth:`run`. Not to be mixed
        with :meth:`run` on the same pool."""
        with self.starting:
            self.wait_ready()
        worker = self.idle.get()
        try:
            worker.send(job)
            line = worker.answers.readline()
            if line:
                return Outcome.from_line(line.decode())
            worker.close()
            with self.starting:
                index = self.workers.index(worker)
                worker = self.workers[index] = self._spawn()
            return Outcome(id=job.id, worker_lost=True)
        finally:
            worker.job = None
            self.idle.put(worker)

    def run(self, jobs: Iterable[Job], on_done: Callable[[Outcome], None]) -> None:
        """Each job to the next idle worker, ``on_done`` called with each outcome. ``jobs`` is
        drawn as workers come free: it may still be producing them (the batch's preparing)."""
        self.wait_ready()
        pending = iter(jobs)
        selector = selectors.DefaultSelector()
        busy: dict[int, _Worker] = {}

        def dispatch(worker: _Worker) -> bool:
            job = next(pending, None)
            if job is None:
                return False
            worker.send(job)
            busy[worker.answers.fileno()] = worker
            selector.register(worker.answers, selectors.EVENT_READ, worker)
            return True

        for worker in self.workers:
            if not dispatch(worker):
                break
        while busy:
            for key, _ in selector.select():
                worker: _Worker = key.data
                line = worker.answers.readline()
                selector.unregister(worker.answers)
                del busy[worker.answers.fileno()]
                if line:
                    outcome = Outcome.from_line(line.decode())
                else:  # the worker itself is gone: report its job, replace it
                    outcome = Outcome(id=worker.job, worker_lost=True)
                    worker.close()
                    index = self.workers.index(worker)
                    worker = self.workers[index] = self._spawn()
                worker.job = None
                # The next job first: the worker need not wait while its last one is recorded.
                dispatch(worker)
                on_done(outcome)
