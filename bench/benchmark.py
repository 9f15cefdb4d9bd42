"""Benchmark the kit's run times on this machine: the solution notebook and nbgrader autograde.

It measures three things:

* the solution notebook (hidden tests included) run top to bottom in a fresh ``python3``
  kernel, ``--repeat`` times, against the target of under 60 s a run;
* one ``nbgrader autograde`` over ``--submissions`` copies of the solved release notebook in
  a scratch course, as seconds per submission and submissions per minute;
* the fixed cost every kernel pays before any cell runs: ``python -c "import torch"``.

This is a script, not a timed test: the machines the kit runs on are shared and noisy, so a
wall-clock assertion would fail at random and say nothing about the code. Run it by hand on
the machine you care about and read the figures. It exits 1 if a run fails or the notebook's
median misses the target. Everything it writes goes to a temporary folder.

Usage: ``python -m bench.benchmark [--repeat 3] [--submissions 4]``
"""

from __future__ import annotations

import argparse
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import time
from importlib.metadata import version
from pathlib import Path

import nbformat
from nbclient import NotebookClient

from autograder.course import kit_root, scratch_course
from autograder.engine import config
from autograder.notebooks import read
from tests.builders import kit_course, submission

TARGET_S = 60.0
WIDTH = 44


def row(label: str, value: str) -> None:
    print(f"  {label:<{WIDTH}}{value}", flush=True)


def grading_environment() -> None:
    """The environment the course's grading kernels get, for the kernels started here."""
    os.environ.update(config.grading_environment())


def time_notebook(repeat: int) -> list[float]:
    times = []
    for i in range(repeat):
        # Read afresh each run: the client writes outputs into the notebook it executes.
        nb = read(kit_course().source_notebook)
        with tempfile.TemporaryDirectory(prefix="bench-nb-") as cwd:
            client = NotebookClient(nb, kernel_name=config.load(kit_root()).kernel_name, timeout=600, resources={"metadata": {"path": cwd}})
            start = time.perf_counter()
            # Kernel start-up is included: a grader pays it too. Its stderr holds only a TCP
            # warning that would break up the report; cell errors still arrive and raise.
            client.execute(stderr=subprocess.DEVNULL)
            times.append(time.perf_counter() - start)
        row(f"run {i + 1}", f"{times[-1]:8.2f} s")
    return times


def time_import_torch(repeat: int = 3) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "import torch"], check=True)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def time_autograde(n: int) -> tuple[float, float, bool, str]:
    """(generate_assignment s, autograde s, success, log tail) for ``n`` solved submissions."""
    with tempfile.TemporaryDirectory(prefix="bench-course-") as tmp:
        course = scratch_course(Path(tmp) / "course")
        start = time.perf_counter()
        course.generate_assignment()
        generate_s = time.perf_counter() - start
        # Built from the scratch course's own release, so concurrent edits to the repository's
        # assignments/ folder cannot change what is graded mid-benchmark.
        notebook = Path(tmp) / "solved.ipynb"
        nbformat.write(submission(course=course), str(notebook))
        students = [f"student{i}" for i in range(n)]
        for student in students:
            course.submit(student, notebook)
        start = time.perf_counter()
        step = course.autograde()
        autograde_s = time.perf_counter() - start
        # Exit status 0 alone would not notice a submission that nbgrader silently skipped.
        ok = step.ok and all(course.autograded_notebook(s).exists() for s in students)
        return generate_s, autograde_s, ok, step.log[-3000:]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=3, help="runs of the solution notebook (default 3)")
    parser.add_argument("--submissions", type=int, default=4, help="submissions to autograde (default 4)")
    args = parser.parse_args()
    if args.repeat < 1 or args.submissions < 1:
        parser.error("--repeat and --submissions must be at least 1")
    grading_environment()

    cpu = platform.processor() or platform.machine()
    print(f"Benchmark on {platform.node()}: {os.cpu_count()} CPUs, {cpu}, {platform.system()} {platform.release()}")
    print(f"Python {platform.python_version()}, torch {version('torch')}, nbgrader {version('nbgrader')}, "
          f"OMP_NUM_THREADS={os.environ['OMP_NUM_THREADS']}")

    print(f"\nSolution notebook, fresh kernel ({kit_course().source_notebook.relative_to(kit_root())})")
    runs = time_notebook(args.repeat)
    median = statistics.median(runs)
    notebook_ok = median < TARGET_S
    row("median", f"{median:8.2f} s")
    row(f"target: under {TARGET_S:.0f} s", f"{'PASS' if notebook_ok else 'FAIL':>8}")

    print("\nFixed cost per kernel")
    row('python -c "import torch" (median of 3)', f"{time_import_torch():8.2f} s")

    print(f"\nnbgrader autograde, {args.submissions} solved submission(s), scratch course")
    generate_s, total, autograde_ok, log = time_autograde(args.submissions)
    row("generate_assignment (once per batch)", f"{generate_s:8.2f} s")
    row("autograde total", f"{total:8.2f} s")
    row("per submission", f"{total / args.submissions:8.2f} s")
    row("throughput", f"{60 * args.submissions / total:8.2f} submissions/min")
    row("autograde succeeded", f"{'yes' if autograde_ok else 'NO':>8}")
    if not autograde_ok:
        print(f"\nnbgrader log (tail):\n{log}", file=sys.stderr)
    return 0 if notebook_ok and autograde_ok else 1


if __name__ == "__main__":
    sys.exit(main())
