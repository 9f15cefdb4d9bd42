"""Hostile and broken submissions in one batch of the kit's grader: every student gets a
result that says what happened, the honest submission next to them is graded as usual, and
student code cannot reach the network or read the hidden tests, the solution or the gradebook.
"""

from __future__ import annotations

import ast
import os
import signal
import time

import nbformat
import pytest

from autograder import grading
from autograder.engine import batch, config
from autograder.course import scratch_course
from autograder.notebooks import grade_id, read
from tests.builders import direct_job, pool_for, submission
from tests.isolation.cases import CASES

CELL_TIMEOUT, WALL_TIMEOUT = 5, 90
ROOT_ONLY = pytest.mark.skipif(os.geteuid() != 0, reason="namespaces and hiding files need root")


@pytest.fixture(scope="module")
def hostile(tmp_path_factory):
    root = tmp_path_factory.mktemp("isolation")
    course = scratch_course(root / "course")
    folder = root / "submissions"
    folder.mkdir()
    out = root / "out"  # outside the course directory, as `--out` allows
    places = {"COURSE": course.root, "BATCH_OUT": out, "SUBMISSIONS_DIR": folder}
    for case in CASES:
        edits = {cell: _placed(source, places) for cell, source in case.edits().items()}
        nbformat.write(submission(edits), str(folder / f"{case.name}.ipynb"))
    nbformat.write(submission(), str(folder / "honest.ipynb"))
    settings = config.settings(course.config, cell_timeout=CELL_TIMEOUT, wall_timeout=WALL_TIMEOUT)
    results = grading.grade_folder(folder, course.root, out, say=lambda _: None, settings=settings)
    return course, {r.student_id: r for r in results}


def _placed(source: str, places: dict) -> str:
    for word, path in places.items():
        source = source.replace(word, str(path))
    return source


def outputs(course, student, cell):
    nb = read(course.autograded_notebook(student))
    return next(c for c in nb.cells if grade_id(c) == cell).outputs


def text_of(course, student, cell) -> str:
    return "".join(o.get("text", "") + o.get("evalue", "") for o in outputs(course, student, cell))


def lost(result) -> set[str]:
    return {t.grade_id for t in result.failed_tests}


PART1 = {"test_p1_setup", "test_p1_method1", "test_p1_method2_shapes", "test_p1_last_output",
         "test_p1_methods_agree", "test_p1_equations"}


def test_every_submission_is_graded_and_the_honest_one_earns_full_marks(hostile):
    _, results = hostile
    assert set(results) == {case.name for case in CASES} | {"honest"}
    assert all(r.status == "graded" for r in results.values()), {k: r.reason for k, r in results.items()}
    assert results["honest"].score == results["honest"].max_score == 33


def test_an_endless_loop_is_interrupted_after_the_cell_timeout(hostile):
    course, results = hostile
    result = results["endless_loop"]
    assert f"cell 3 ran for more than {CELL_TIMEOUT} s and was interrupted" in result.reason.en
    assert lost(result) == PART1  # the rest of the notebook still ran
    assert [o.ename for o in outputs(course, "endless_loop", "p1_create") if o.output_type == "error"] == ["CellTimeoutError"]


def test_a_loop_that_swallows_the_interrupt_is_stopped_by_the_wall_limit(hostile):
    _, results = hostile
    result = results["endless_swallowed"]
    assert f"Stopped early: the notebook ran for more than {WALL_TIMEOUT} s in all and was stopped" in result.reason.en
    assert result.score == 0 and result.seconds < WALL_TIMEOUT + 15


def test_input_fails_at_once(hostile):
    course, results = hostile
    errors = [o for o in outputs(course, "asks_input", "p1_create") if o.output_type == "error"]
    assert [o.ename for o in errors] == ["StdinNotImplementedError"]
    assert "does not support input requests" in errors[0].evalue
    assert lost(results["asks_input"]) == PART1


def test_sys_exit_is_an_error_in_its_cell_only(hostile):
    course, results = hostile
    assert [o.ename for o in outputs(course, "sys_exit", "p1_create") if o.output_type == "error"] == ["SystemExit"]
    assert lost(results["sys_exit"]) == PART1


def test_os_exit_ends_the_notebook_and_says_so(hostile):
    course, results = hostile
    result = results["os_exit"]
    assert "Stopped early: the notebook's Python process exited (status 3) before the last cell" in result.reason.en
    assert not lost(result) & PART1 and "test_p3_heldout_accuracy" in lost(result)
    assert "NotRun" in [o.ename for o in outputs(course, "os_exit", "test_p3_heldout_accuracy")]


def test_a_segfault_ends_the_notebook_and_says_so(hostile):
    _, results = hostile
    result = results["segfault"]
    assert "Stopped early: the notebook's Python process ended by a segmentation fault" in result.reason.en
    assert not lost(result) & PART1


def test_a_20_gb_allocation_fails_in_its_cell(hostile):
    course, results = hostile
    assert "allocate" in text_of(course, "huge_allocation", "p2_training_loop")
    assert lost(results["huge_allocation"]) == {"test_p2_trained_model"}


def test_gigabytes_of_output_are_cut(hostile):
    course, results = hostile
    assert "output truncated" in text_of(course, "huge_output", "p1_create").lower()
    assert course.autograded_notebook("huge_output").stat().st_size < 10_000_000
    assert "cell 3 printed more than 5 MB" in results["huge_output"].reason.en
    assert results["huge_output"].score == 33


@ROOT_ONLY
def test_student_code_has_no_network(hostile):
    course, _ = hostile
    text = text_of(course, "network", "p1_create")
    assert "NETWORK-CLOSED" in text and "NETWORK-OPEN" not in text
    assert "Successfully downloaded" not in text


@ROOT_ONLY
def test_student_code_cannot_read_hidden_tests_solution_or_gradebook(hostile):
    course, results = hostile
    line = next(ln for ln in text_of(course, "reads_hidden_files", "p1_create").splitlines() if "HIDDEN-READ" in ln)
    found = ast.literal_eval(line.split("HIDDEN-READ ", 1)[1])
    # The kit's checks and reference, the solution, the gradebook, the submitted notebooks, the
    # batch's records of other students' runs, and the files handed in (outside the course).
    assert len(found) == 7
    assert all(value in (0, "FileNotFoundError", "PermissionError") for value in found.values()), found
    other_runs = next(ln for ln in text_of(course, "reads_hidden_files", "p1_create").splitlines() if "OTHER-RUNS" in ln)
    assert other_runs == "OTHER-RUNS ['reads_hidden_files']"  # the batch's other runs are out of sight
    assert results["reads_hidden_files"].score == 33


def test_a_killed_worker_costs_only_its_job(tmp_path):
    """Kill a worker while it runs a job: that job says so, a new worker runs the next one."""
    course = scratch_course(tmp_path / "course")
    settings = config.settings(course.config, workers=1, isolate=False, wall_timeout=120)
    jobs = [direct_job(name, source, tmp_path / "runs", settings)
            for name, source in (("victim", "import time\ntime.sleep(60)"), ("next", "print('fine')"))]
    outcomes = []
    with pool_for(course, 1, tmp_path / "logs") as pool:
        victim = pool.workers[0]

        def done(outcome):
            outcomes.append(outcome)

        import threading
        killer = threading.Timer(3.0, lambda: os.kill(victim.pid, signal.SIGKILL))
        killer.start()
        started = time.monotonic()
        pool.run(jobs, done)
        killer.cancel()
    assert [o.id for o in outcomes] == ["victim", "next"]
    assert outcomes[0].worker_lost and not outcomes[1].worker_lost and outcomes[1].exit_code == 0
    assert time.monotonic() - started < 60
    assert batch.stop_reason(outcomes[0], False, settings).en.startswith("the grading worker running this notebook was killed")


def test_monkeypatching_a_module_the_tests_use_is_flagged_with_its_line(hostile):
    _, results = hostile
    assert results["monkeypatch"].reason.en.startswith(
        "flagged for review: cell 3, line 1: `torch.allclose = lambda *args, **kwargs: True` "
        "(changes a module the tests use)")
    assert results["monkeypatch"].flagged
    assert "flagged for review" not in results["honest"].reason.en


WRITER = '''
import errno, os
for target in {targets!r}:
    try:
        with open(target, "w") as f:
            f.write("planted")
        print("WROTE", target)
    except OSError as error:
        print("REFUSED", target, errno.errorcode.get(error.errno, error.errno))
with open("own.txt", "w") as f:
    f.write("mine")
print("OWN", open("own.txt").read())
'''


@pytest.mark.skipif(os.geteuid() != 0, reason="sealing a run's file systems needs root")
def test_a_run_writes_only_to_its_own_folder(tmp_path):
    """Everything outside the run's own folder is read-only or covered: the release it may read,
    the Python environment, the kit, the shared temporary folders, the home folder."""
    import json
    import sys
    from dataclasses import replace
    from pathlib import Path

    import autograder

    course = scratch_course(tmp_path / "course")
    course.generate_assignment()
    settings = config.settings(course.config, workers=1)
    targets = [str(course.release_notebook.parent / "planted.txt"), str(Path(sys.prefix) / "planted.txt"),
               str(Path(autograder.__file__).parent / "planted.txt"), "/tmp/planted.txt", "/var/tmp/planted.txt",
               "/dev/shm/planted.txt", "/root/planted.txt", "/etc/planted.txt"]
    job = replace(direct_job("writer", WRITER.format(targets=targets), tmp_path / "runs", settings, isolate=True),
                  hidden=tuple(batch.hidden_paths(course)), kept=tuple(batch.kept_paths(course)))
    outcomes = []
    with pool_for(course, 1, tmp_path / "logs") as pool:
        pool.run([job], outcomes.append)
    record = json.loads((tmp_path / "runs" / "writer" / "cells.jsonl").read_text().splitlines()[0])
    printed = "".join(o.get("text", "") for o in record["outputs"]).splitlines()
    assert outcomes[0].exit_code == 0, printed
    assert printed[-1] == "OWN mine"
    assert [line.split()[1] for line in printed[:-1]] == targets
    assert all(line.startswith("REFUSED") for line in printed[:-1]), printed
    assert not any(Path(t).exists() for t in targets)
    isolation = json.loads((tmp_path / "runs" / "writer" / "isolation.json").read_text())
    assert "read-only file system outside its own folder" in isolation["applied"], isolation
