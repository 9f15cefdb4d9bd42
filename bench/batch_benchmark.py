"""Batch grading: the kit's workers against `nbgrader autograde`, on the same notebooks, in one run.

    .venv/bin/python -m bench.batch_benchmark [--n 40] [--workers N]

N generated submissions (a mix of the labelled set's correct variations and mistakes, each
under its own student id) are graded twice in two scratch course directories: once with
plain `nbgrader autograde`, once with the kit's grader. Prints the time per submission,
the throughput of each, their ratio, the time (and CPU time) one notebook takes in a kit
worker, the peak memory of a worker's grading process, and whether every test's score
agrees. Both are timed from "notebooks in submitted/" to
"grades in the gradebook"; `generate_assignment`, done once per course, is not counted.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import nbformat

from autograder.course import scratch_course
from autograder.engine import batch, config
from autograder.results import read_result
from autograder.submissions import Submission
from tests.labelled.build import notebook
from tests.labelled.cases import CORRECT, WRONG


def generated(n: int, into: Path) -> list[Submission]:
    """``n`` submissions: correct variations and mistakes in turn, cycling through both."""
    into.mkdir(parents=True, exist_ok=True)
    cases = [c for pair in zip(CORRECT * 3, WRONG) for c in pair]
    submissions = []
    for i in range(n):
        case = cases[i % len(cases)]
        path = into / f"s{i + 1:03d}.ipynb"
        nbformat.write(notebook(case), str(path))
        submissions.append(Submission(path.stem, path))
    return submissions


def scores(course, submissions) -> dict[str, list[tuple[str, float]]]:
    return {s.student_id: [(t.grade_id, t.score) for t in read_result(course, s).tests] for s in submissions}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="number of submissions (default 40)")
    parser.add_argument("--workers", type=int, default=None, help="kit workers (default: one per core)")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="batch-bench-") as scratch:
        scratch = Path(scratch)
        submissions = generated(args.n, scratch / "submissions")
        print(f"{args.n} submissions; grading with nbgrader autograde ...", flush=True)
        plain = scratch_course(scratch / "nbgrader")
        plain.generate_assignment()
        for s in submissions:
            plain.submit(s.student_id, s.path)
        started = time.perf_counter()
        plain.autograde()
        nbgrader_seconds = time.perf_counter() - started

        print("grading with the kit's workers ...", flush=True)
        fast = scratch_course(scratch / "kit")
        fast.generate_assignment()
        for s in submissions:
            fast.submit(s.student_id, s.path)
        settings = config.settings(fast.config, workers=args.workers)
        started = time.perf_counter()
        records = batch.execute(fast, submissions, settings, scratch / "kit-work")
        kit_seconds = time.perf_counter() - started

        agree = scores(plain, submissions) == scores(fast, submissions)
        peak = max(r.peak_rss_mb for r in records.values())
        n = args.n
        in_worker = sorted(r.seconds for r in records.values())
        cpu = sum(r.cpu_seconds for r in records.values()) / n
        print()
        print(f"{'':<22}{'nbgrader autograde':>20}{'kit workers':>14}")
        print(f"{'seconds in all':<22}{nbgrader_seconds:>20.1f}{kit_seconds:>14.1f}")
        print(f"{'seconds / submission':<22}{nbgrader_seconds / n:>20.2f}{kit_seconds / n:>14.2f}")
        print(f"{'submissions / minute':<22}{60 * n / nbgrader_seconds:>20.1f}{60 * n / kit_seconds:>14.1f}")
        print(f"throughput ratio (kit / nbgrader): {nbgrader_seconds / kit_seconds:.2f} "
              f"with {settings.workers} worker(s)")
        print(f"kit, one notebook in a worker: {sum(in_worker) / n:.2f} s on average ({cpu:.2f} s of CPU), "
              f"{in_worker[n // 2]:.2f} s median, {in_worker[-1]:.2f} s slowest")
        print(f"peak memory of a worker's grading process: {peak:.0f} MB")
        print(f"identical scores for every test of every submission: {'yes' if agree else 'NO'}")
        return 0 if agree else 1


if __name__ == "__main__":
    sys.exit(main())
