"""What a TA waits for: the whole ``grade`` command against the plain nbgrader workflow, on the same notebooks.

    .venv/bin/python -m bench.end_to_end [--n 40] [--workers N] [--runs 3]
    .venv/bin/python -m bench.end_to_end --scale 50,100,200     # the kit alone, growing classes
    .venv/bin/python -m bench.end_to_end --cluster [--runs 3]   # on a local Dask cluster against the local engine

N generated submissions (the labelled set's correct variations and mistakes in turn, each
under its own student id) are graded, in each run, in two fresh course directories:

* the plain nbgrader workflow, as the README's TA section runs it, one command after another:
  ``nbgrader generate_assignment``, ``autograde``, ``generate_feedback``, ``export`` (the
  hand-ins copied into ``submitted/`` beforehand, as ``nbgrader collect`` or a TA would);
* the kit's whole command, ``python -m autograder grade FOLDER`` (release check, grading with
  each feedback page written as its notebook finishes, export, reports), in a process of its
  own, timed from start to exit.

It prints each engine's phases (the kit's from its ``work/phases.json``; they overlap), the
wall time and CPU time of each, the end-to-end ratio, and the compute floor: the notebooks'
own CPU time in the kit's workers (their training and the hidden tests'), summed, over the
cores, the time no grader on this machine can beat; and the kit's time as a multiple of it.
With several runs, the engines take turns and the medians are printed too. It also checks
that both engines gave every test of every submission the same score.

``--scale`` grades growing classes with the kit alone and prints, for each, the time, the time
per notebook and the peak memory of the whole process tree (proportional set size, so pages
the forked workers share count once): growth should be linear.

``--cluster`` grades the same notebooks with ``grade --scheduler`` on a Dask cluster started on
this machine (a scheduler and 1, then 2, workers of one thread each, started before the command
as a course's cluster would be) and with the local engine with as many workers, the two taking
turns, and prints each one's throughput and the cluster's as a share of the local engine's: the
cost of distribution.

A script, not a timed test: the machines are shared and noisy; run it when you care.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from autograder.course import Course, scratch_course
from autograder.engine import config
from autograder.engine.protocol import default_workers
from autograder.results import read_results
from autograder.submissions import Submission
from autograder.timeline import PHASES
from tests.labelled.build import notebook
from tests.labelled.cases import CORRECT, WRONG


def generated(n: int, into: Path) -> list[Submission]:
    """``n`` submissions: correct variations and mistakes in turn, cycling through both."""
    into.mkdir(parents=True, exist_ok=True)
    cases = [c for pair in zip(CORRECT * 3, WRONG) for c in pair]
    submissions = []
    for i in range(n):
        case = cases[i % len(cases)]
        path = into / f"s{i + 1:04d}.ipynb"
        nbformat.write(notebook(case), str(path))
        submissions.append(Submission(path.stem, path))
    return submissions


@dataclass
class Run:
    wall: float
    cpu: float
    phases: dict[str, float] = field(default_factory=dict)
    floor_cpu: float = 0.0      # the notebooks' own CPU time, summed (the kit's runs only)
    peak_mb: float = 0.0


class TreeMemory:
    """The peak of a process tree's summed proportional set size, sampled once a second (reading
    a process's PSS walks its page tables: sampled more often, the sampler itself slows the run)."""

    def __init__(self, pid: int):
        self.pid, self.peak_kb, self.stopped = pid, 0, threading.Event()
        self.thread = threading.Thread(target=self._sample, daemon=True)
        self.thread.start()

    def _tree(self) -> list[int]:
        children: dict[int, list[int]] = {}
        for entry in os.listdir("/proc"):
            if entry.isdigit():
                try:
                    with open(f"/proc/{entry}/stat") as f:
                        parent = int(f.read().rsplit(")", 1)[1].split()[1])
                except (OSError, IndexError, ValueError):
                    continue
                children.setdefault(parent, []).append(int(entry))
        tree, todo = [], [self.pid]
        while todo:
            pid = todo.pop()
            tree.append(pid)
            todo.extend(children.get(pid, []))
        return tree

    def _sample(self) -> None:
        while not self.stopped.wait(1.0):
            total = 0
            for pid in self._tree():
                try:
                    with open(f"/proc/{pid}/smaps_rollup") as f:
                        total += next(int(line.split()[1]) for line in f if line.startswith("Pss:"))
                except (OSError, StopIteration, ValueError):
                    continue
            self.peak_kb = max(self.peak_kb, total)

    def stop(self) -> float:
        self.stopped.set()
        self.thread.join()
        return self.peak_kb / 1024


def _timed(command: list[str], cwd: Path, env: dict | None = None, memory: bool = False) -> tuple[Run, str]:
    started = time.perf_counter()
    process = subprocess.Popen(command, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
                               stdin=subprocess.DEVNULL, text=True)
    sampler = TreeMemory(process.pid) if memory else None
    output = process.stdout.read()
    _, status, usage = os.wait4(process.pid, 0)
    process.returncode = os.waitstatus_to_exitcode(status)
    run = Run(time.perf_counter() - started, usage.ru_utime + usage.ru_stime)
    if sampler:
        run.peak_mb = sampler.stop()
    if process.returncode not in (0, 1):
        raise RuntimeError(f"{' '.join(command)} failed ({process.returncode}):\n{output[-3000:]}")
    return run, output


def plain_workflow(submissions: list[Submission], course: Course) -> Run:
    """The README's TA workflow with plain nbgrader, each command timed."""
    for s in submissions:
        course.submit(s.student_id, s.path)
    env = config.grading_environment()
    name = course.assignment.name
    commands = {
        "release check": ["generate_assignment", name, "--force"],
        "grading": ["autograde", name, "--force"],
        "feedback": ["generate_feedback", name, "--force"],
        "export": ["export", f"--CsvExportPlugin.to={course.path('grades.csv')}"],
    }
    total = Run(0.0, 0.0)
    for phase, args in commands.items():
        run, _ = _timed([sys.executable, "-m", "nbgrader", *args], course.root, env)
        total.wall += run.wall
        total.cpu += run.cpu
        total.phases[phase] = run.wall
    return total


def kit_command(folder: Path, course: Course, workers: int | None, memory: bool = False,
                scheduler: str | None = None) -> Run:
    """``python -m autograder grade FOLDER`` in a process of its own (on the Dask cluster at ``scheduler``)."""
    command = [sys.executable, "-m", "autograder", "grade", str(folder), "--course-dir", str(course.root)]
    if workers:
        command += ["--workers", str(workers)]
    if scheduler:
        command += ["--scheduler", scheduler]
    run, output = _timed(command, course.root, memory=memory)
    work = course.path("grading", "work")
    phases = json.loads((work / "phases.json").read_text())["phases"]
    run.phases = {name: end - start for name, (start, end) in phases.items()}
    run.floor_cpu = sum(json.loads(marker.read_text())["record"]["cpu_seconds"]
                        for marker in (work / "done").glob("*.json"))
    return run


def scores(course: Course, submissions: list[Submission]) -> dict:
    return {r.student_id: [(t.grade_id, t.score) for t in r.tests] for r in read_results(course, submissions)}


def _row(label: str, *values: str) -> None:
    print(f"  {label:<34}" + "".join(f"{v:>16}" for v in values), flush=True)


def compare(n: int, workers: int | None, runs: int, kit_only: bool = False) -> int:
    cores = workers or default_workers()
    kit_runs, plain_runs, agree = [], [], True
    with tempfile.TemporaryDirectory(prefix="e2e-bench-") as scratch:
        scratch = Path(scratch)
        submissions = generated(n, scratch / "submissions")
        for i in range(runs):
            if not kit_only:
                print(f"run {i + 1} of {runs}: plain nbgrader workflow on {n} notebooks ...", flush=True)
                plain = scratch_course(scratch / f"nbgrader-{i}")
                plain_runs.append(plain_workflow(submissions, plain))
            print(f"run {i + 1} of {runs}: python -m autograder grade ...", flush=True)
            kit = scratch_course(scratch / f"kit-{i}")
            kit_runs.append(kit_command(scratch / "submissions", kit, workers))
            if kit_only:
                plain_runs.append(Run(float("nan"), float("nan")))
            else:
                agree = agree and scores(plain, submissions) == scores(kit, submissions)
            _report(n, cores, [plain_runs[-1]], [kit_runs[-1]], f"run {i + 1}")
        if runs > 1:
            _report(n, cores, plain_runs, kit_runs, f"medians of {runs} runs")
    if not kit_only:
        print(f"identical scores for every test of every submission: {'yes' if agree else 'NO'}")
    return 0 if agree else 1


def _report(n: int, cores: int, plain_runs: list[Run], kit_runs: list[Run], title: str) -> None:
    def median(runs: list[Run], get) -> float:
        return statistics.median(get(r) for r in runs)

    print(f"\n{title}: {n} notebooks, {cores} worker(s)")
    _row("", "plain nbgrader", "kit grade")
    for phase in PHASES:
        _row(f"{phase} (s)", f"{median(plain_runs, lambda r: r.phases.get(phase, 0.0)):.1f}",
             f"{median(kit_runs, lambda r: r.phases.get(phase, 0.0)):.1f}")
    plain_wall, kit_wall = median(plain_runs, lambda r: r.wall), median(kit_runs, lambda r: r.wall)
    _row("whole command(s), wall (s)", f"{plain_wall:.1f}", f"{kit_wall:.1f}")
    _row("CPU time (s)", f"{median(plain_runs, lambda r: r.cpu):.1f}", f"{median(kit_runs, lambda r: r.cpu):.1f}")
    _row("seconds / notebook", f"{plain_wall / n:.2f}", f"{kit_wall / n:.2f}")
    floor = median(kit_runs, lambda r: r.floor_cpu) / cores
    print(f"  end-to-end ratio (plain nbgrader / kit): {plain_wall / kit_wall:.2f}")
    print(f"  compute floor: the notebooks' own CPU {floor * cores:.1f} s / {cores} cores = {floor:.1f} s; "
          f"the kit takes {kit_wall / floor:.2f}x the floor", flush=True)


def scale(sizes: list[int], workers: int | None) -> int:
    print(f"{'notebooks':>10}{'wall (s)':>12}{'s / notebook':>15}{'floor (s)':>12}{'x floor':>9}{'peak MB':>10}")
    cores = workers or default_workers()
    with tempfile.TemporaryDirectory(prefix="e2e-scale-") as scratch:
        scratch = Path(scratch)
        for size in sizes:
            generated(size, scratch / f"submissions-{size}")
            run = kit_command(scratch / f"submissions-{size}", scratch_course(scratch / f"kit-{size}"), workers,
                              memory=True)
            floor = run.floor_cpu / cores
            print(f"{size:>10}{run.wall:>12.1f}{run.wall / size:>15.2f}{floor:>12.1f}{run.wall / floor:>9.2f}"
                  f"{run.peak_mb:>10.0f}", flush=True)
    return 0


def cluster(n: int, runs: int) -> int:
    """The cluster path against the local engine at the same number of workers."""
    from autograder.engine.cluster import LocalCluster

    print(f"{'workers':>8}{'local (s)':>12}{'cluster (s)':>13}{'local nb/min':>14}{'cluster nb/min':>16}"
          f"{'cluster / local':>17}")
    with tempfile.TemporaryDirectory(prefix="e2e-cluster-") as scratch:
        scratch = Path(scratch)
        generated(n, scratch / "submissions")
        for workers in (1, 2):
            local, distributed = [], []
            running = LocalCluster(scratch / f"cluster-{workers}", workers)
            try:
                for i in range(runs):
                    local.append(kit_command(scratch / "submissions", scratch_course(scratch / f"local-{workers}-{i}"),
                                             workers).wall)
                    distributed.append(kit_command(scratch / "submissions",
                                                   scratch_course(scratch / f"cluster-{workers}-{i}"), workers,
                                                   scheduler=running.address).wall)
            finally:
                running.stop()
            here, there = statistics.median(local), statistics.median(distributed)
            print(f"{workers:>8}{here:>12.1f}{there:>13.1f}{n / here * 60:>14.1f}{n / there * 60:>16.1f}"
                  f"{here / there:>17.2f}", flush=True)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=40, help="submissions per run (default 40)")
    parser.add_argument("--workers", type=int, default=None, help="kit workers (default: one per core)")
    parser.add_argument("--runs", type=int, default=1, help="runs, the engines taking turns (default 1)")
    parser.add_argument("--kit-only", action="store_true", help="time the kit's command alone (no nbgrader workflow)")
    parser.add_argument("--scale", default=None, help="comma-separated class sizes for the kit alone, e.g. 50,100,200")
    parser.add_argument("--cluster", action="store_true",
                        help="the cluster path (grade --scheduler) on a local Dask cluster against the local engine")
    args = parser.parse_args(argv)
    if args.cluster:
        return cluster(args.n, args.runs)
    if args.scale:
        return scale([int(size) for size in args.scale.split(",")], args.workers)
    return compare(args.n, args.workers, args.runs, args.kit_only)


if __name__ == "__main__":
    sys.exit(main())
