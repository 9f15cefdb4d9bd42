"""A pool of warm grading workers (``python -m autograder.worker``), one per core by default.

The pool hands each idle worker the next job and collects how each ended. A worker that
dies (killed, or crashed outside a child) costs only the job it was running: that job's
outcome says so, a fresh worker takes its place, and the rest of the batch goes on.
"""

from __future__ import annotations

import json
import os
import selectors
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Iterable

READY_TIMEOUT = 180


@dataclass(frozen=True)
class Outcome:
    """How one submission's run ended, as the worker saw it."""

    id: str
    exit_code: int | None = None
    signal: int | None = None
    timed_out: bool = False
    seconds: float = 0.0
    peak_rss_mb: float = 0.0
    worker_lost: bool = False
    prepare_error: str | None = None


class WorkerFailed(RuntimeError):
    """A worker could not start at all (not one student's problem)."""


class _Worker:
    def __init__(self, env: dict, cwd: Path, log: Path):
        self.log = open(log, "ab")  # noqa: SIM115 - kept for the worker's lifetime
        self.process = subprocess.Popen([sys.executable, "-m", "autograder.worker"], stdin=subprocess.PIPE,
                                        stdout=subprocess.PIPE, stderr=self.log, env=env, cwd=cwd)
        self.job: str | None = None
        self.rss_mb = 0.0

    def wait_ready(self) -> None:
        selector = selectors.DefaultSelector()
        selector.register(self.process.stdout, selectors.EVENT_READ)
        if not selector.select(READY_TIMEOUT):
            self.process.kill()
            raise WorkerFailed(f"a grading worker did not start within {READY_TIMEOUT} s; see {self.log.name}")
        line = self.process.stdout.readline()
        if not line:
            raise WorkerFailed(f"a grading worker exited while starting; see {self.log.name}")
        self.rss_mb = json.loads(line).get("rss_mb", 0.0)

    def send(self, job: dict) -> None:
        self.job = job["id"]
        self.process.stdin.write((json.dumps(job) + "\n").encode())
        self.process.stdin.flush()

    def close(self) -> None:
        try:
            self.process.stdin.close()
        except OSError:
            pass
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
        self.log.close()


class WorkerPool:
    def __init__(self, size: int, env: dict, cwd: Path, log_dir: Path):
        self.size, self.env, self.cwd, self.log_dir = max(1, size), env, cwd, log_dir
        self.workers: list[_Worker] = []
        self.started = 0

    def _spawn(self) -> _Worker:
        self.started += 1
        worker = _Worker(self.env, self.cwd, self.log_dir / f"worker-{self.started}.log")
        worker.wait_ready()
        return worker

    def __enter__(self) -> "WorkerPool":
        self.log_dir.mkdir(parents=True, exist_ok=True)
        starting = [_Worker(self.env, self.cwd, self.log_dir / f"worker-{i + 1}.log") for i in range(self.size)]
        self.started = self.size
        for worker in starting:
            worker.wait_ready()
        self.workers = starting
        return self

    def __exit__(self, *exc) -> None:
        for worker in self.workers:
            worker.close()

    @property
    def worker_rss_mb(self) -> float:
        return max((w.rss_mb for w in self.workers), default=0.0)

    def run(self, jobs: Iterable[dict], on_done: Callable[[Outcome], None]) -> None:
        pending = list(jobs)
        pending.reverse()
        selector = selectors.DefaultSelector()
        busy: dict[int, _Worker] = {}

        def dispatch(worker: _Worker) -> None:
            job = pending.pop()
            worker.send(job)
            busy[worker.process.stdout.fileno()] = worker
            selector.register(worker.process.stdout, selectors.EVENT_READ, worker)

        for worker in self.workers:
            if pending:
                dispatch(worker)
        while busy:
            for key, _ in selector.select():
                worker: _Worker = key.data
                line = worker.process.stdout.readline()
                selector.unregister(worker.process.stdout)
                del busy[worker.process.stdout.fileno()]
                if line:
                    on_done(Outcome(**json.loads(line)))
                else:  # the worker itself is gone: report its job, replace it
                    on_done(Outcome(id=worker.job, worker_lost=True))
                    worker.close()
                    index = self.workers.index(worker)
                    worker = self.workers[index] = self._spawn()
                worker.job = None
                if pending:
                    dispatch(worker)


def default_size() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
