"""A warm grading worker: imports torch once, then runs each submission in processes forked from it.

    python -m autograder.engine.worker                 (one worker: its start and jobs on stdin, answers on stdout)
    python -m autograder.engine.worker --fork JOBS,ANSWERS ...   (the start on stdin; warm up once, fork one
                                                      worker per pair of inherited pipe descriptors)

Both are started by :class:`autograder.engine.pool.WorkerPool`, and speak the types of
:mod:`autograder.engine.protocol`: a :class:`WorkerStart` first (the assignment and the
language), then one :class:`Job` line per submission (its code cells, prepared by nbgrader's
side of the batch), each answered by one :class:`Outcome` line. Interpreter start,
``import torch`` and PyTorch's first-call set-up are paid once: by the process that forks a
whole pool's workers, or by a worker started on its own (a replacement for one that died).
Nothing secret is loaded here (not the reference solution, not the test split's tags, not
the gradebook): every run is forked from this memory.

Per submission: the worker forks the run's *keeper*, which moves into namespaces of its own and forks their *init*,
which seals the file systems and forks the *notebook's process* (``autograder.engine.sandbox``).
That process runs the code cells (``autograder.engine.execution``) and sends each one's outputs on
the run's channel as it finishes, so a crash loses only the cell that crashed; the worker
reads the channel while it waits (``autograder.engine.channel``), answers held-out checks
(``autograder.engine.judge``), kills the run past its wall-clock limit, and says how it ended:
normally, by a signal (a segfault, a kill), or by running out of time.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import resource
import signal
import sys
import time
from pathlib import Path

from autograder.engine.protocol import Job, Outcome, Ready, WorkerStart
from autograder.language import OVERRIDE, speak

# The worker's environment (one thread, a fixed hash seed) is set by the pool before Python
# starts (autograder.engine.config.grading_environment), as for nbgrader's kernels.


class _Grading:
    """What every job of this worker shares: the assignment's names, the judge of its held-out checks."""

    def __init__(self, assignment):
        self.assignment = assignment
        self.judge = None
        if self.assignment.judge:
            from autograder.engine.judge import Judge

            self.judge = Judge(self.assignment.judge)


def import_ahead():
    """What every run uses, whatever the course: imported before the course is known (a pool
    started early does this while the command loads the course's configuration)."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch

    from autograder.engine import channel, execution, guard, judge, sandbox  # noqa: F401 - warm in every run
    return plt, torch


def warm_up(start: WorkerStart) -> _Grading:
    """Import and exercise what every submission uses, so forked processes start warm: the
    notebook's usual libraries, the kit's run machinery, and what the assignment's manifest
    names (its hidden checks, its own warm-up). Nothing secret is loaded here: what is loaded
    here is in every notebook's process.
    """
    plt, torch = import_ahead()
    from autograder.engine.manifest import Assignment

    torch.set_num_threads(1)
    if start.language:  # the course's language: a pool started early did not know it yet
        os.environ[OVERRIDE] = start.language
    assignment = Assignment.from_json(start.assignment)
    speak(assignment.language)  # from the first cell on: a timeout in a student cell speaks it too
    with contextlib.redirect_stdout(io.StringIO()):
        assignment.run_warm_up()
        # An optimizer class wraps its own `step` the first time one is made: done here, before
        # the guard's snapshot, so a notebook's first Adam is not taken for tampering.
        for name in torch.optim.__all__:
            kind = getattr(torch.optim, name)
            if isinstance(kind, type) and issubclass(kind, torch.optim.Optimizer):
                with contextlib.suppress(Exception):
                    kind([torch.nn.Parameter(torch.zeros(1))])
        plt.figure()
        plt.plot([0, 1])
        plt.close("all")
    grading = _Grading(assignment)
    # What was built here (torch, the checks) is the same in every forked process:
    # frozen, their garbage collections skip it instead of walking (and so copying) those
    # pages on each collection. The warm-up's own garbage goes first.
    gc.collect()
    gc.freeze()
    return grading


def run_keeper(job: Job, cells: list[dict], run_fds: tuple[int, int]) -> None:
    """In the process the worker forked for one submission: the run's keeper. Never returns.

    It moves into new namespaces and forks their init (see :mod:`autograder.engine.sandbox`), then
    ends the way the notebook's process ended, so the worker sees one process per run.
    Without a process namespace (not root), it runs the notebook itself.
    """
    from autograder.engine import sandbox

    code = 0
    channel_fd = run_fds[0]
    try:
        # Every descriptor the worker had open but the run's own two and the standard ones
        # (which the notebook's process replaces): the worker's pipes (so a dead worker reads
        # as EOF at once), its log, the other ends of the run's pipes. What stays open would
        # reach past every hidden path.
        _close_all_but(set(run_fds))
        sandbox.die_with_parent()
        os.setpgid(0, 0)
        resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
        from autograder.engine import nbgrader_changes

        nbgrader_changes.restore_imports()
        isolation = sandbox.Isolation()
        keeper = os.getpid()
        if not (job.isolate and sandbox.enter_namespaces(isolation)):
            _run_init(job, cells, run_fds, None, isolation, keeper)
        status_read, status_write = os.pipe()
        init = os.fork()
        if init == 0:
            os.close(status_read)
            _run_init(job, cells, run_fds, status_write, isolation, keeper)
        os.close(status_write)
        for fd in run_fds:
            os.close(fd)
        status = b""
        while chunk := os.read(status_read, 4096):
            status += chunk
        os.waitpid(init, 0)
        ended = json.loads(status) if status else {"signal": int(signal.SIGKILL)}
        if ended.get("signal"):
            signal.signal(ended["signal"], signal.SIG_DFL)
            os.kill(os.getpid(), ended["signal"])
        code = ended.get("exit", 70)
    except BaseException:  # noqa: BLE001 - the keeper must never return into the worker's loop
        code = 70
        _report_failure(channel_fd)
    finally:
        os._exit(code)


def _close_all_but(keep: set[int]) -> None:
    for fd in [int(name) for name in os.listdir("/proc/self/fd")]:
        if fd > 2 and fd not in keep:
            with contextlib.suppress(OSError):  # the listing's own descriptor is gone already
                os.close(fd)


def _run_init(job: Job, cells: list[dict], run_fds: tuple[int, int], status_fd: int | None, isolation,
              keeper: int) -> None:
    """The first process of the run's namespaces: seal the file systems, fork the notebook's
    process, reap whatever is left, and say how the notebook's process ended. Never returns.

    With ``status_fd`` None (no process namespace) this process runs the notebook itself.
    """
    from autograder.engine import sandbox

    code = 0
    channel_fd = run_fds[0]
    try:
        sandbox.die_with_parent()
        run_uid = None  # a user of its own only with file systems sealed for it
        if job.isolate and "own mount namespace" in isolation.applied:
            run_uid = sandbox.seal_file_systems([Path(p) for p in job.hidden], [Path(p) for p in job.kept],
                                                Path(job.workdir), job.limits, sandbox.run_uid_for(keeper), isolation)
        if status_fd is None:
            _run_notebook(job, cells, run_fds, run_uid, isolation)
        notebook = os.fork()
        if notebook == 0:
            os.close(status_fd)
            _run_notebook(job, cells, run_fds, run_uid, isolation)
        for fd in run_fds:
            os.close(fd)
        while True:  # as init, it also reaps whatever the notebook left behind
            pid, status = os.waitpid(-1, 0)
            if pid == notebook:
                break
        ended = ({"signal": os.WTERMSIG(status)} if os.WIFSIGNALED(status)
                 else {"exit": os.WEXITSTATUS(status)})
        os.write(status_fd, json.dumps(ended).encode())
    except BaseException:  # noqa: BLE001
        code = 70
        _report_failure(channel_fd)
    finally:
        # Leaving ends the namespace: the kernel kills every process still in it.
        os._exit(code)


def _run_notebook(job: Job, cells: list[dict], run_fds: tuple[int, int], run_uid: int | None, isolation) -> None:
    """The notebook's process: limits and its own user, then the code cells. Never returns."""
    from autograder.engine import execution, judge, sandbox

    code = 0
    channel_fd, replies_fd = run_fds
    try:
        workdir, limits = Path(job.workdir), job.limits
        timeout, output_limit = job.cell_timeout, job.output_limit
        channel = os.fdopen(channel_fd, "w")
        sandbox.become_run_user(limits, run_uid, isolation)
        sandbox.own_environment(workdir)
        os.chdir(workdir)
        channel.write(json.dumps({"isolation": isolation.__dict__}) + "\n")
        channel.flush()
        judge.connect(channel, replies_fd)
        # Nothing of the batch's own (paths, the course, other students) stays in reach: the
        # job is emptied in place, so no frame up the stack still holds its fields.
        vars(job).clear()
        execution.run_cells(cells, timeout=timeout, output_limit=output_limit, workdir=workdir,
                            channel=channel)
    except BaseException:  # noqa: BLE001 - the run must never return into the worker's loop
        code = 70
        _report_failure(channel_fd)
    finally:
        os._exit(code)


def _report_failure(channel_fd: int) -> None:
    with contextlib.suppress(Exception):
        import traceback
        os.write(channel_fd, (json.dumps({"error": traceback.format_exc()}) + "\n").encode())


def watch(pid: int, channel_fd: int, reader, wall_seconds: float) -> dict:
    """Read the run's channel while waiting for its keeper; kill the run past the wall-clock limit."""
    import select

    started = time.monotonic()
    deadline = started + wall_seconds
    timed_out = False
    open_channel = True

    def read_some() -> bool:
        """Feed what the channel holds to the reader; whether it is still open."""
        data = os.read(channel_fd, 1 << 16)
        reader.feed(data)
        return bool(data)

    while True:
        done, status, usage = os.wait4(pid, os.WNOHANG)
        if done:
            break
        if time.monotonic() > deadline and not timed_out:
            timed_out = True
            with contextlib.suppress(ProcessLookupError):
                os.killpg(pid, signal.SIGKILL)
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGKILL)
        if open_channel and select.select([channel_fd], [], [], 0.02)[0]:
            open_channel = read_some()
        elif not open_channel:
            time.sleep(0.02)
    seconds = round(time.monotonic() - started, 3)
    # What the run sent before it ended; a process it left behind cannot hold this open for long.
    drain_until = time.monotonic() + 5
    while open_channel and time.monotonic() < drain_until and select.select([channel_fd], [], [], 0.1)[0]:
        open_channel = read_some()
    os.close(channel_fd)
    reader.close()
    return {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "seconds": seconds,
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def serve(stdin=sys.stdin, stdout=sys.stdout) -> None:
    """Read the start, warm up, then answer jobs until ``stdin`` closes."""
    serve_jobs(stdin, stdout, warm_up(WorkerStart.from_line(stdin.readline())))


def fork_workers(slots: list[tuple[int, int]], start: WorkerStart) -> None:
    """Warm up once, fork one worker per ``(jobs, answers)`` pair of descriptors, and wait for them.

    The pool created the pipes; each worker keeps only its own pair, so that when one dies
    the pool reads the end of its answers at once.
    """
    grading = warm_up(start)
    every_fd = {fd for slot in slots for fd in slot}
    workers = []
    for jobs_fd, answers_fd in slots:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for fd in every_fd - {jobs_fd, answers_fd}:
                    os.close(fd)
                serve_jobs(os.fdopen(jobs_fd, "r"), os.fdopen(answers_fd, "w"), grading)
            except BaseException:  # noqa: BLE001 - a forked worker never returns into this loop
                code = 1
                with contextlib.suppress(Exception):
                    import traceback
                    traceback.print_exc()
            finally:
                os._exit(code)
        workers.append(pid)
    for fd in every_fd:
        os.close(fd)
    for pid in workers:
        with contextlib.suppress(ChildProcessError):
            os.waitpid(pid, 0)


def serve_jobs(stdin, stdout, grading: _Grading) -> None:
    """Say ready, then run each job in a forked keeper and answer how it ended."""
    from autograder.engine.channel import ChannelReader

    stdout.write(Ready(os.getpid(), _rss_mb()).to_line())
    stdout.flush()
    for line in stdin:
        job = Job.from_line(line)
        del line  # the run gets the job it needs, not the text it came in
        cells = list(job.cells)
        channel_read, channel_write = os.pipe()
        replies_read, replies_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            run_keeper(job, cells, (channel_write, replies_read))
        os.close(channel_write)
        os.close(replies_read)
        # Opened only now: a file the worker holds open when it forks would be the run's too.
        reader = ChannelReader(Path(job.workdir), [c["index"] for c in cells], job.output_limit, replies_write,
                               grading.judge)
        outcome = watch(pid, channel_read, reader, job.wall_timeout)
        os.close(replies_write)
        # Without a process namespace, kill what the student's code left in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        stdout.write(Outcome(job.id, **outcome).to_line())
        stdout.flush()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2, 1)


if __name__ == "__main__":
    from autograder.engine import nbgrader_changes

    nbgrader_changes.skip_unused_imports()
    if sys.argv[1:2] == ["--fork"]:
        import_ahead()
        line = sys.stdin.readline()
        if not line:  # started early by a command that stopped before it had a course to grade
            sys.exit(0)
        start = WorkerStart.from_line(line)
        os.dup2(2, 1)  # anything printed goes to the log
        fork_workers([tuple(int(fd) for fd in pair.split(",")) for pair in sys.argv[2:]], start)
        # Its workers have ended: nothing is left to write, and the batch waits for this
        # process, which ends without the interpreter tearing down torch and the rest.
        sys.stdout.flush()
        sys.stderr.flush()
        os._exit(0)
    else:
        # Protocol lines go to the original stdout; anything else printed goes to stderr.
        protocol = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        serve(sys.stdin, protocol)
