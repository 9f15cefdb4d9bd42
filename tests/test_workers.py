"""The worker pool pays the warm-up (interpreter start, ``import torch``) once: its workers are
forks of one warm process, and each runs its jobs in children forked from itself."""

from __future__ import annotations

import os
from pathlib import Path

from autograder import cli
from autograder.course import scratch_course
from autograder.engine import batch
from autograder.engine.config import grading_environment
from autograder.engine.pool import WORKERS_LOG, Prestarted, WorkerPool
from autograder.engine.protocol import Settings
from tests.builders import EXAMPLES, direct_job, pool_for


def _parent_of(pid: int) -> int:
    # /proc/PID/stat: "pid (comm) state ppid ..."; comm may hold spaces, so split after it.
    return int(Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[1])


def test_the_pool_warms_up_once_and_forks_every_worker_from_it(tmp_path):
    course = scratch_course(tmp_path / "course")
    settings = Settings(cell_timeout=30, wall_timeout=60, output_limit=100_000)
    jobs = [direct_job(name, "import os\nprint(os.getpid())", tmp_path / "runs", settings)
            for name in ("first", "second", "third")]
    outcomes = []
    with pool_for(course, 2, tmp_path / "logs") as pool:
        workers = [w.pid for w in pool.workers]
        parents = [_parent_of(pid) for pid in workers]
        warm = pool.warm.pid
        pool.run(jobs, outcomes.append)
    assert len(set(workers)) == 2 and warm not in workers
    assert parents == [warm, warm]
    assert sorted(o.id for o in outcomes) == ["first", "second", "third"]
    assert all(o.exit_code == 0 and not o.worker_lost and o.cpu_seconds > 0 for o in outcomes)
    # Each job ran in a child of its own, not in the worker itself.
    ran_in = {(tmp_path / "runs" / o.id / "cells.jsonl").read_text().split('"text": "', 1)[1].split("\\n")[0]
              for o in outcomes}
    assert len(ran_in) == 3 and not ran_in & {str(pid) for pid in workers}


def _children_running(module: str) -> list[int]:
    """This process's children whose command line runs ``python -m module``."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if _parent_of(int(entry.name)) == os.getpid() and module in (entry / "cmdline").read_text():
                    found.append(int(entry.name))
            except OSError:  # gone meanwhile
                continue
    return found


def test_a_warm_process_started_early_is_the_one_the_pool_forks_its_workers_from(tmp_path):
    course = scratch_course(tmp_path / "course")
    settings = Settings(cell_timeout=30, wall_timeout=60, output_limit=100_000)
    early = Prestarted(2, grading_environment(), course.root, tmp_path / "logs" / WORKERS_LOG)
    outcomes = []
    start = batch.worker_start(course)
    with WorkerPool(2, start, grading_environment(), tmp_path / "logs", course.root, early) as pool:
        assert pool.warm.pid == early.warm.pid
        assert [_parent_of(w.pid) for w in pool.workers] == [early.warm.pid] * 2
        pool.run([direct_job("only", "print(6 * 7)", tmp_path / "runs", settings)], outcomes.append)
    assert [(o.id, o.exit_code) for o in outcomes] == [("only", 0)]
    early.discard()  # taken: nothing to stop
    assert early.warm.poll() is not None  # the pool closed it with its workers


def test_a_pool_of_another_size_starts_its_own_and_stops_the_early_one(tmp_path):
    course = scratch_course(tmp_path / "course")
    early = Prestarted(1, grading_environment(), course.root, tmp_path / "logs" / WORKERS_LOG)
    start = batch.worker_start(course)
    with WorkerPool(2, start, grading_environment(), tmp_path / "logs", course.root, early) as pool:
        assert pool.warm.pid != early.warm.pid and len(pool.workers) == 2
        assert early.warm.wait(timeout=30) == 0


def test_a_grade_command_that_stops_before_grading_leaves_no_warm_process(tmp_path, capsys):
    course = scratch_course(tmp_path / "course")
    empty = tmp_path / "nothing"
    empty.mkdir()
    assert cli.main(["grade", str(empty), "--course-dir", str(course.root)]) == 1
    assert "error:" in capsys.readouterr().err
    assert _children_running("autograder.engine.worker") == []
    # A course directory that is not one, an assignment it does not have: the same, and the warm
    # process started for the second leaves nothing behind in the report folder.
    assert cli.main(["grade", str(EXAMPLES), "--course-dir", str(tmp_path)]) == 2
    assert cli.main(["grade", str(EXAMPLES), "--course-dir", str(course.root), "--assignment", "nope",
                     "--out", str(tmp_path / "out")]) == 2
    assert "has no assignment 'nope'" in capsys.readouterr().err
    assert _children_running("autograder.engine.worker") == []
    assert not (tmp_path / "out").exists()


def test_a_worker_holds_nothing_of_the_course_nor_of_nbgrader(tmp_path):
    """A job brings its prepared cells (nbgrader's side of the batch prepared them): the memory
    every run is forked from has no nbgrader, no SQLAlchemy, no gradebook, and the worker was
    told only the assignment's manifest. A run started elsewhere (another machine) needs no more."""
    import json

    from autograder.engine.protocol import Job

    course = scratch_course(tmp_path / "course")
    start = batch.worker_start(course)
    assert set(json.loads(start.to_line())) == {"assignment", "language"}
    assert not {"submitted", "db_url", "prepared"} & set(Job.__dataclass_fields__)
    settings = Settings(cell_timeout=30, wall_timeout=60, output_limit=100_000)
    probe = ("import sys\nprint(sorted({m.split('.')[0] for m in sys.modules} & {'nbgrader', 'sqlalchemy', 'sqlite3', "
             "'nbconvert', 'nbformat'}))")
    outcomes = []
    with pool_for(course, 1, tmp_path / "logs") as pool:
        pool.run([direct_job("probe", probe, tmp_path / "runs", settings)], outcomes.append)
    assert [o.exit_code for o in outcomes] == [0]
    printed = json.loads((tmp_path / "runs" / "probe" / "cells.jsonl").read_text().splitlines()[0])
    assert printed["outputs"][0]["text"] == "[]\n", printed
