"""A class graded on a real Dask cluster (``grade --scheduler``): a ``dask scheduler`` and two ``dask
worker`` processes on 127.0.0.1, started and stopped by these tests. The scores are the local
engine's, a worker killed mid-batch costs no hand-in, and the sandbox holds on every worker."""

from __future__ import annotations

import contextlib
import io
import os
import re
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from autograder import cli
from autograder.course import scratch_course
from autograder.engine.cluster import LocalCluster
from tests.builders import EXAMPLES

ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and users of its own need root")
START_TIMEOUT = 120


@pytest.fixture(scope="module")
def cluster(tmp_path_factory):
    running = LocalCluster(tmp_path_factory.mktemp("cluster"))
    try:
        yield running
    finally:
        running.stop()


def _grade(*args) -> tuple[int, str]:
    buffer = io.StringIO()
    with contextlib.redirect_stdout(buffer):
        code = cli.main(["grade", *map(str, args)])
    return code, buffer.getvalue()


def _generations_below(pid: int) -> int:
    """How many generations of processes live below ``pid`` (its children are one)."""
    parents = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                parents[int(entry.name)] = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue

    def depth(child: int) -> int:
        steps = 0
        while child in parents and child != pid:
            child, steps = parents[child], steps + 1
        return steps if child == pid else 0
    return max((depth(child) for child in parents), default=0)


def _rows(csv_file: Path) -> dict[str, tuple]:
    import csv

    with open(csv_file, newline="") as f:
        return {row["student_id"]: (row["status"], row["autograded_score"], row["failed_tests"], row["reason"]) for row in csv.DictReader(f)}


def test_the_examples_graded_on_the_cluster_score_as_on_one_machine(cluster, graded_examples, tmp_path):
    course = scratch_course(tmp_path / "course")
    code, said = _grade(EXAMPLES, "--course-dir", course.root, "--scheduler", cluster.address)
    assert code == 0, said + cluster.log("worker-0")
    assert f"on the Dask cluster at {cluster.address}" in said
    here = _rows(course.path("grading", "grades.csv"))
    alone = _rows(graded_examples.out / "grades.csv")
    assert here == alone and len(here) == 8  # every hand-in, the unreadable one included
    # Each test's score, as nbgrader's gradebook holds it, is the local engine's.
    from nbgrader.api import Grade, Gradebook

    def grades(db_url):
        with Gradebook(db_url) as gb:
            return sorted((g.student.id, g.cell.name, g.score) for g in gb.db.query(Grade))
    assert grades(course.db_url) == grades(graded_examples.course.db_url)
    # The feedback pages are written on the TA's machine, one per graded student.
    assert sorted(p.stem for p in course.path("grading", "feedback").glob("*.html")) == \
        sorted(s for s, (status, *_) in alone.items() if status == "graded")
    # A second run resumes: what the first graded is kept, nothing is sent to the cluster again.
    code, again = _grade(EXAMPLES, "--course-dir", course.root, "--scheduler", cluster.address)
    assert code == 0 and "5 notebook(s) already graded by an earlier run" in again, again
    assert "on the Dask cluster" not in again
    assert _rows(course.path("grading", "grades.csv")) == alone


def test_a_worker_killed_mid_batch_costs_no_hand_in(tmp_path, graded_examples):
    running = LocalCluster(tmp_path / "cluster")
    try:
        course = scratch_course(tmp_path / "course")
        out = tmp_path / "out"
        grading = subprocess.Popen([sys.executable, "-m", "autograder", "grade", str(EXAMPLES), "--course-dir",
                                    str(course.root), "--out", str(out), "--scheduler", running.address],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        # Once a notebook runs on the first worker (its warm pool, a kit worker, the run's keeper
        # and its init: four generations below the Dask worker), kill that Dask worker; the batch
        # still grades every hand-in, as one machine does.
        deadline = time.monotonic() + START_TIMEOUT
        while _generations_below(running.workers[0].pid) < 4:
            assert time.monotonic() < deadline and grading.poll() is None, grading.stdout.read()
            time.sleep(0.05)
        os.killpg(running.workers[0].pid, signal.SIGKILL)
        said, _ = grading.communicate(timeout=600)
        assert grading.returncode == 0, said + running.log("scheduler")
        assert running.workers[0].wait(timeout=30) == -signal.SIGKILL
        assert _rows(out / "grades.csv") == _rows(graded_examples.out / "grades.csv"), said
        from autograder.engine.batch import WORKER_LOST

        assert WORKER_LOST.en not in said
        assert re.search(r"Removing worker|remove worker|Lost", running.log("scheduler"), re.I), \
            running.log("scheduler")
    finally:
        running.stop()


@ROOT_ONLY
def test_hidden_files_stay_unreadable_on_every_worker(cluster, tmp_path):
    """Attacks on the grader's files and memory, sent through the cluster: each run is sealed as
    on one machine, and what the Dask worker holds (its folder of runs, the kit's package) is
    out of reach too."""
    from tests.hostile.report import grade_class

    attacks = {"hidden_files", "gradebook_handles", "job_from_memory", "amara"}
    report = grade_class(tmp_path / "hostile", scheduler=cluster.address, only=attacks)
    assert report.secrets_read == []
    assert report.result_of("amara").score == report.result_of("amara").max_score
    assert report.left_running == []


def test_an_address_where_no_scheduler_answers_is_refused_with_the_fix(tmp_path, monkeypatch, capsys):
    from autograder.engine import cluster

    monkeypatch.setattr(cluster, "CONNECT_TIMEOUT", 2)
    course = scratch_course(tmp_path / "course")
    assert cli.main(["grade", str(EXAMPLES), "--course-dir", str(course.root), "--scheduler",
                     "tcp://127.0.0.1:9"]) == 1
    said = capsys.readouterr().err
    assert "error: no Dask scheduler answered at tcp://127.0.0.1:9 within 2 s" in said, said
    assert "Start one (`dask scheduler`" in said and "or grade without --scheduler" in said
    assert "Traceback" not in said
    assert not course.path("grading", "grades.csv").exists()  # no report of a batch that did not run
