"""A warm grading worker: imports torch once, then forks a fresh process per submission.

    python -m autograder.worker                      (one worker: jobs on stdin, answers on stdout)
    python -m autograder.worker --fork JOBS,ANSWERS ...   (warm up once, fork one worker per pair
                                                           of inherited pipe descriptors)

Both are started by ``autograder.workers.WorkerPool``. A worker reads one JSON job per line
and answers one JSON line. Interpreter start, ``import torch`` and PyTorch's first-call
set-up are paid once: by the process that forks a whole pool's workers, or by a worker
started on its own (a replacement for one that died). Each submission then runs in a child
forked from this state, so it starts clean (its own memory, nothing left from the previous
student) without paying them again. The child applies the sandbox (``autograder.sandbox``),
runs the notebook's code cells (``autograder.execution``) and reports each cell as it
finishes, so a crash loses only the cell that crashed. The worker waits for the child under
a wall-clock limit and says how it ended: normally, by a signal (a segfault, a kill), or by
running out of time.
"""

from __future__ import annotations

import contextlib
import gc
import io
import json
import os
import signal
import sys
import time
from pathlib import Path

# The code cells a child runs, written by the worker into the child's folder.
TO_RUN = "to_run.json"
# Kernels in this course run with one thread and a fixed hash seed (nbgrader_config.py);
# the worker's environment is set the same way by the pool before Python starts.


def warm_up() -> list:
    """Import and exercise what every submission uses, so forked processes start warm; the
    course's sanitizing steps, ready for use."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import torch
    import torch.testing  # noqa: F401 - imported by the checks on first use

    import autograder.checks.part1  # noqa: F401 - the hidden tests, loaded before files are hidden
    import autograder.checks.part2  # noqa: F401
    import autograder.checks.part3  # noqa: F401
    from autograder import data, execution, prepare, reference, sandbox  # noqa: F401

    torch.set_num_threads(1)
    with contextlib.redirect_stdout(io.StringIO()):
        words = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
        for cls in (reference.LSTMTagger, reference.GRUTagger):
            model = cls(6, 6, len(words), len(data.TAG_TO_IX))
            reference.train_tagger(model, data.TUTORIAL_TRAINING_DATA, words, data.TAG_TO_IX, epochs=2)
            print(model(reference.prepare_sequence(data.TUTORIAL_TRAINING_DATA[0][0], words)))
        plt.figure()
        plt.plot([0, 1])
        plt.close("all")
    steps = prepare.sanitize_steps(prepare.course_config(Path.cwd()))
    # What was built here (torch, the checks, nbgrader) is the same in every forked process:
    # frozen, their garbage collections skip it instead of walking (and so copying) those
    # pages on each collection.
    gc.freeze()
    return steps


def run_child(job: dict, protocol_fds: tuple[int, ...]) -> None:
    """In the forked child: sandbox, then run the notebook's code cells. Never returns."""
    from autograder import execution, sandbox

    code = 0
    try:
        # The worker's pipes are not the child's: closed here, a dead worker reads as EOF at
        # once, and the child dies with its worker instead of running on as an orphan.
        for fd in protocol_fds:
            os.close(fd)
        sandbox.die_with_parent()
        from autograder import lean_start

        lean_start.restore_imports()
        workdir = Path(job["workdir"])
        results = open(workdir / "cells.jsonl", "w")  # noqa: SIM115 - opened before dropping privileges
        isolation = sandbox.Isolation()
        limits = sandbox.Limits(memory_bytes=job["memory_bytes"])
        sandbox.own_folder(workdir)
        sandbox.apply_limits(limits, isolation)
        if job.get("isolate", True):
            sandbox.isolate([Path(p) for p in job["hidden"]], workdir, limits, isolation)
        (workdir / "isolation.json").write_text(json.dumps(isolation.__dict__))
        os.chdir(workdir)
        cells = [(c["index"], c["source"]) for c in json.loads((workdir / TO_RUN).read_text())]
        execution.run_cells(cells, timeout=job["cell_timeout"], output_limit=job["output_limit"],
                            workdir=workdir, on_cell=lambda run: execution.write_cell_run(results, run))
    except BaseException:  # noqa: BLE001 - the child must never return into the worker's loop
        code = 70
        with contextlib.suppress(Exception):
            import traceback
            (Path(job["workdir"]) / "child-error.txt").write_text(traceback.format_exc())
    finally:
        os._exit(code)


def wait_for(pid: int, wall_seconds: float) -> dict:
    """Wait for the child; kill its process group past the wall-clock limit."""
    started = time.monotonic()
    deadline = started + wall_seconds
    timed_out = False
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
        time.sleep(0.02)
    return {
        "exit_code": os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
        "signal": os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
        "timed_out": timed_out,
        "seconds": round(time.monotonic() - started, 3),
        "cpu_seconds": round(usage.ru_utime + usage.ru_stime, 3),
        "peak_rss_mb": round(usage.ru_maxrss / 1024, 1),
    }


def prepare_job(job: dict, steps: list) -> str | None:
    """Prepare the notebook as nbgrader would execute it; why not, if it cannot.

    The prepared notebook goes to ``job["prepared"]``, outside the child's own folder: nbgrader's
    replay grades that file, so the student's code must not be able to change it. The child
    gets only its code cells, in its own folder.
    """
    import nbformat

    from autograder import prepare
    from autograder.notebooks import code_cells

    try:
        if "cells" in job:  # given directly (the pool's own tests): nothing to prepare
            cells = job["cells"]
        else:
            nb = prepare.prepared_notebook(Path(job["submitted"]), job["id"], job["db_url"], steps)
            nbformat.write(nb, job["prepared"])
            cells = code_cells(nb)
    except Exception as error:  # noqa: BLE001 - nbgrader's own pass will report it the same way
        return f"nbgrader could not prepare the notebook: {type(error).__name__}: {str(error)[:300]}"
    (Path(job["workdir"]) / TO_RUN).write_text(json.dumps(cells))
    return None


def serve(stdin=sys.stdin, stdout=sys.stdout) -> None:
    """Warm up, then answer jobs until ``stdin`` closes."""
    serve_jobs(stdin, stdout, warm_up())


def fork_workers(slots: list[tuple[int, int]]) -> None:
    """Warm up once, fork one worker per ``(jobs, answers)`` pair of descriptors, and wait for them.

    The pool created the pipes; each worker keeps only its own pair, so that when one dies
    the pool reads the end of its answers at once.
    """
    steps = warm_up()
    every_fd = {fd for slot in slots for fd in slot}
    workers = []
    for jobs_fd, answers_fd in slots:
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                for fd in every_fd - {jobs_fd, answers_fd}:
                    os.close(fd)
                serve_jobs(os.fdopen(jobs_fd, "r"), os.fdopen(answers_fd, "w"), steps)
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


def serve_jobs(stdin, stdout, steps: list) -> None:
    """Say ready, then prepare and run each job in a forked child and answer how it ended."""
    stdout.write(json.dumps({"ready": True, "pid": os.getpid(), "rss_mb": _rss_mb()}) + "\n")
    stdout.flush()
    for line in stdin:
        job = json.loads(line)
        problem = prepare_job(job, steps)
        if problem:
            stdout.write(json.dumps({"id": job["id"], "exit_code": None, "prepare_error": problem}) + "\n")
            stdout.flush()
            continue
        pid = os.fork()
        if pid == 0:
            run_child(job, (stdin.fileno(), stdout.fileno()))
        outcome = wait_for(pid, job["wall_timeout"])
        # Kill whatever the student's code left running in its process group.
        with contextlib.suppress(ProcessLookupError, PermissionError):
            os.killpg(pid, signal.SIGKILL)
        stdout.write(json.dumps({"id": job["id"], **outcome}) + "\n")
        stdout.flush()


def _rss_mb() -> float:
    with open("/proc/self/statm") as f:
        return round(int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1024**2, 1)


if __name__ == "__main__":
    from autograder import lean_start

    lean_start.skip_unused_imports()
    if sys.argv[1:2] == ["--fork"]:
        os.dup2(2, 1)  # anything printed goes to the log
        fork_workers([tuple(int(fd) for fd in pair.split(",")) for pair in sys.argv[2:]])
    else:
        # Protocol lines go to the original stdout; anything else printed goes to stderr.
        protocol = os.fdopen(os.dup(1), "w")
        os.dup2(2, 1)
        serve(sys.stdin, protocol)
