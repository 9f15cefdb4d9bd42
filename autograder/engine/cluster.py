"""The batch's notebooks run on a Dask cluster (``grade --scheduler ADDRESS``), everything else as on one machine.

Dask's distributed scheduler hands out the work, retries what a lost machine was running and
reaches Slurm or PBS (dask-jobqueue) and Kubernetes (dask-kubernetes) with no code of the kit's.
What runs where:

* each Dask worker hosts the kit's own warm pool (:class:`KitPool`, a worker plugin the batch
  registers): one process imports torch once and forks a sandboxed run per notebook, exactly
  as on one machine, one kit worker per thread of the Dask worker. It needs nothing of the
  course: the jobs bring their prepared code cells (nbgrader's side prepared them on the TA's
  machine, where the gradebook is);
* a task (:func:`run_job`) is one notebook: its run's files (cells' outputs, verdicts, how it
  ended) come back with its :class:`~autograder.engine.protocol.Outcome`;
* the TA's machine (:class:`ClusterPool`, in the batch's place of the local
  :class:`~autograder.engine.pool.WorkerPool`) sends the jobs a few at a time (at most
  :data:`IN_FLIGHT_PER_THREAD` per thread of the cluster), writes each run's files where the
  local pool would have, and the batch goes on as on one machine: nbgrader's gradebook, the
  feedback pages and the reports are written there.

A Dask worker that dies costs only the notebooks it was running: the scheduler runs them again
on another worker (Dask's own retry, up to its ``allowed-failures``). A notebook still lost
after that is recorded as a lost worker, as on one machine.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import asdict, replace
from pathlib import Path
from typing import Callable, Iterable

from distributed.diagnostics.plugin import WorkerPlugin

from autograder.engine.config import grading_environment
from autograder.engine.pool import WorkerPool
from autograder.engine.protocol import ClusterUnreachable, Job, Outcome, RunFolder, WorkerStart, outermost

PLUGIN = "homework-kit-pool"
CLUSTER_START_TIMEOUT = 120
IN_FLIGHT_PER_THREAD = 2  # jobs sent ahead per thread of the cluster: none waits, few are held
CONNECT_TIMEOUT = 30


class KitPool(WorkerPlugin):
    """On each Dask worker: the kit's warm pool for one batch's assignment, one kit worker per
    thread of the Dask worker, its runs in a folder of its own that student code cannot see."""

    name = PLUGIN

    def __init__(self, start: WorkerStart):
        self.start_line = start.to_line()
        self.pool: WorkerPool | None = None
        self.root: Path | None = None
        self.dask_folder: Path | None = None

    def setup(self, worker) -> None:
        start = WorkerStart.from_line(self.start_line)
        self.dask_folder = Path(worker.local_directory)
        self.root = Path(tempfile.mkdtemp(prefix="kit-dask-"))
        self.root.chmod(0o711)
        (self.root / "runs").mkdir()
        # Warming up (import torch, the assignment's checks) starts here; the first job waits for it.
        self.pool = WorkerPool(worker.state.nthreads, start, grading_environment(language=start.language),
                               self.root / "logs", self.root).begin()

    def teardown(self, worker) -> None:
        if self.pool is not None:
            self.pool.__exit__()
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)

    def hidden_here(self) -> list[Path]:
        """What no run on this machine may see besides what the job names: the kit's package as
        installed here, this pool's own folder (its logs, the other runs) and the Dask worker's."""
        import autograder

        return [Path(autograder.__file__).resolve().parent, self.root, self.dask_folder]

    def run(self, job: Job) -> dict:
        # A folder of its own on this machine: the same notebook may be run again elsewhere, or here.
        folder = self.root / "runs" / f"{uuid.uuid4().hex}"
        folder.mkdir()
        hidden = outermost([*(Path(p) for p in job.hidden if Path(p).exists()), *self.hidden_here()]) \
            if job.isolate else list(job.hidden)
        try:
            outcome = self.pool.run_one(replace(job, workdir=str(folder), hidden=tuple(hidden)))
            return {"outcome": asdict(outcome), "files": RunFolder(folder).written()}
        finally:
            shutil.rmtree(folder, ignore_errors=True)


def run_job(job_line: str) -> dict:
    """A Dask task: one notebook on this worker's kit pool; its outcome and its run's files."""
    from distributed import get_worker

    return get_worker().plugins[PLUGIN].run(Job.from_line(job_line))


class ClusterPool:
    """The batch's notebooks on the Dask cluster at ``address``: the face of
    :class:`~autograder.engine.pool.WorkerPool` the batch uses (:meth:`begin`, :meth:`run`,
    :meth:`__exit__`)."""

    def __init__(self, address: str, start: WorkerStart):
        self.address, self.start = address, start
        self.client = None

    def begin(self) -> "ClusterPool":
        from distributed import Client

        try:
            self.client = Client(self.address, timeout=CONNECT_TIMEOUT, set_as_default=False)
        except (OSError, ValueError, TypeError) as error:  # refused, timed out, or not an address at all
            raise ClusterUnreachable(
                f"no Dask scheduler answered at {self.address} within {CONNECT_TIMEOUT} s ({error}). Start one "
                f"(`dask scheduler`, with workers: see the README's \"On a Dask cluster\") and give its address, "
                f"e.g. tcp://10.0.0.5:8786, or grade without --scheduler.") from None
        # Each worker, those that join later included, starts its warm pool now.
        self.client.register_plugin(KitPool(self.start), name=PLUGIN)
        return self

    def threads(self) -> int:
        return max(1, sum(self.client.nthreads().values()))

    def run(self, jobs: Iterable[Job], on_done: Callable[[Outcome], None]) -> None:
        from distributed import as_completed

        pending = iter(jobs)
        sent: dict[str, Job] = {}
        done = as_completed(loop=self.client.loop)

        def send_next() -> bool:
            job = next(pending, None)
            if job is None:
                return False
            future = self.client.submit(run_job, job.to_line(), key=f"kit-{job.id}-{uuid.uuid4().hex}", pure=False)
            sent[future.key] = job
            done.add(future)
            return True

        for _ in range(self.threads() * IN_FLIGHT_PER_THREAD):
            if not send_next():
                break
        for future in done:
            job = sent.pop(future.key)
            run = RunFolder(Path(job.workdir))
            try:
                answer = future.result()
            except Exception as error:  # noqa: BLE001 - lost on every worker Dask tried (KilledWorker), or failed
                # there: the batch's log says which (the run's error file goes to nbgrader.log).
                run.write({run.error.name: f"on the Dask cluster: {type(error).__name__}: {error}\n"})
                outcome = Outcome(id=job.id, worker_lost=True)
            else:
                run.write(answer["files"])
                outcome = Outcome(**answer["outcome"])
            future.release()
            send_next()
            on_done(outcome)

    def __exit__(self, *exc) -> None:
        if self.client is None:
            return
        with contextlib.suppress(Exception):  # the workers stop their pools (a gone cluster has none to stop)
            self.client.unregister_worker_plugin(PLUGIN)
        with contextlib.suppress(Exception):
            self.client.close()
        self.client = None


class LocalCluster:
    """A Dask scheduler and ``workers`` workers on this machine (one thread each, no nanny: a
    killed one stays dead), each a process of its own on 127.0.0.1, their logs in ``folder``:
    the cluster path tried on one machine (the tests, ``bench.end_to_end --cluster``)."""

    def __init__(self, folder: Path, workers: int = 2):
        self.folder = folder
        folder.mkdir(parents=True, exist_ok=True)
        self.file = folder / "scheduler.json"
        self.processes: list[subprocess.Popen] = []
        self.scheduler = self._start("scheduler", "--host", "127.0.0.1", "--port", "0", "--no-dashboard",
                                     "--scheduler-file", str(self.file))
        deadline = time.monotonic() + CLUSTER_START_TIMEOUT
        while not (self.file.exists() and self.file.read_text().strip()):
            if time.monotonic() > deadline or self.scheduler.poll() is not None:
                self.stop()
                raise RuntimeError(f"the Dask scheduler did not start:\n{self.log('scheduler')}")
            time.sleep(0.2)
        self.address = json.loads(self.file.read_text())["address"]
        self.workers = [self._start(f"worker-{i}", "--scheduler-file", str(self.file), "--nthreads", "1",
                                    "--no-nanny", "--host", "127.0.0.1", "--no-dashboard", "--memory-limit", "0",
                                    "--local-directory", str(folder / f"worker-{i}"))
                        for i in range(workers)]
        from distributed import Client

        try:
            with Client(self.address, timeout=CLUSTER_START_TIMEOUT) as client:
                client.wait_for_workers(workers, timeout=CLUSTER_START_TIMEOUT)
        except BaseException:
            self.stop()
            raise

    def _start(self, name: str, *args: str) -> subprocess.Popen:
        command = "scheduler" if name == "scheduler" else "worker"
        with open(self.folder / f"{name}.log", "ab") as log:
            process = subprocess.Popen([str(Path(sys.executable).with_name("dask")), command, *args], stdout=log, stderr=log,
                                       stdin=subprocess.DEVNULL, start_new_session=True)
        self.processes.append(process)
        return process

    def log(self, name: str) -> str:
        path = self.folder / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def stop(self) -> None:
        for process in reversed(self.processes):
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGTERM)
        for process in self.processes:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                with contextlib.suppress(ProcessLookupError):
                    os.killpg(process.pid, signal.SIGKILL)
                process.wait()
