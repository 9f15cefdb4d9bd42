"""The worker pool pays the warm-up (interpreter start, ``import torch``) once: its workers are
forks of one warm process, and each runs its jobs in children forked from itself."""

from __future__ import annotations

from pathlib import Path

from autograder.course import scratch_course
from autograder.engine.protocol import Settings
from tests.builders import direct_job, pool_for


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
