"""Held-out accuracy, computed where the test split's tags are, never where student code runs.

A held-out check trains the student's tagger and has it tag the test sentences (their words
are public); the tags they are scored against stay on the grader's side. Under the kit's
workers, :func:`heldout_accuracy` sends the predictions over the run's channel and waits for
the worker's answer: the worker has them scored by a process of its own (:func:`answer`), so
the tags are in no process a notebook is forked from, and it keeps every
verdict, which the batch then holds the notebook's record to (:func:`enforce`): a test cell
whose hidden check the grader failed cannot come back passed, and one that never asked is
not trusted. Under plain ``nbgrader autograde`` (no worker) the kernel reads the tags itself,
as everything is readable there.
"""

from __future__ import annotations

import json
import os
from types import MappingProxyType

from autograder.checks import thresholds as T

# check -> the test cell it decides, and the bound it must reach. Read-only: a notebook's process
# cannot lower a bound in place (replacing the tables is something the guard puts back).
CHECKS = MappingProxyType({"p2_heldout": "test_p2_heldout_accuracy", "p2_corpus_model": "test_p2_corpus_model",
                           "p3_heldout": "test_p3_heldout_accuracy"})
BOUNDS = MappingProxyType({"p2_heldout": T.LSTM_HELDOUT_THRESHOLD, "p2_corpus_model": T.LSTM_HELDOUT_THRESHOLD,
                           "p3_heldout": T.GRU_HELDOUT_THRESHOLD})
OVERRULED = ("CheckFailed", "The grader's own evaluation of the hidden test sentences ({accuracy:.1%}, at least "
             "{threshold:.0%} needed) does not match what this notebook reported for this test.")
NEVER_ASKED = ("CheckFailed", "This test's hidden check never reached the grader's evaluation of the hidden test "
               "sentences, so its result cannot be trusted.")

_connection: dict = {}


def connect(channel, replies_fd: int) -> None:
    """In a run's notebook process, before any student code: where to ask."""
    _connection.update(channel=channel, replies=os.fdopen(replies_fd, "r"))


def heldout_accuracy(check: str, predictions: list[list[int]]) -> float:
    """The share of the hidden test words that ``predictions`` tag right."""
    if not _connection:  # a plain kernel (nbgrader autograde, validate): the tags are here
        return _score(predictions)
    from autograder.channel import send

    send(_connection["channel"], "judge", {"check": check, "predictions": predictions})
    reply = _connection["replies"].readline()
    return float(json.loads(reply)["accuracy"])


_scorer: dict = {}


def answer(request) -> float:
    """In the worker: the accuracy for one request, computed by a scoring process of the
    worker's own (started at the first request), so the worker, which forks the notebooks'
    runs, never holds the tags; the runs close their copies of its pipes."""
    predictions = request.get("predictions") if isinstance(request, dict) else None
    if not _scorer or os.waitpid(_scorer["pid"], os.WNOHANG)[0] != 0:  # none yet, or it died
        _start_scorer()
    try:
        _scorer["to"].write(json.dumps(predictions) + "\n")
        _scorer["to"].flush()
        return float(json.loads(_scorer["from"].readline()))
    except (OSError, ValueError):
        _scorer.clear()
        return 0.0


def _start_scorer() -> None:
    requests_read, requests_write = os.pipe()
    answers_read, answers_write = os.pipe()
    pid = os.fork()
    if pid == 0:
        code = 0
        try:
            os.close(requests_write)
            os.close(answers_read)
            from autograder import sandbox

            sandbox.die_with_parent()
            with os.fdopen(requests_read) as requests, os.fdopen(answers_write, "w") as answers:
                for line in requests:
                    answers.write(json.dumps(_score(json.loads(line))) + "\n")
                    answers.flush()
        except BaseException:  # noqa: BLE001 - a forked helper never returns into the worker
            code = 1
        finally:
            os._exit(code)
    os.close(requests_read)
    os.close(answers_write)
    _scorer.update(pid=pid, to=os.fdopen(requests_write, "w"), **{"from": os.fdopen(answers_read)})


def _score(predictions) -> float:
    from autograder import heldout

    return heldout.accuracy(predictions)


def enforce(cells: dict, grade_ids: dict[int, str], verdicts: list[dict]) -> list[str]:
    """Hold a run's recorded test cells to the grader's verdicts; what had to be overruled.

    ``cells`` maps a cell index (as text) to its record; ``grade_ids`` maps indices to the
    test cells' grade ids. A judged test cell that recorded no error although the grader's
    accuracy is below the bound, or whose check never asked, gets the error nbgrader scores.
    """
    decided: dict[str, dict] = {}
    for verdict in verdicts:  # the last verdict of a check is the one its cell acted on
        decided[CHECKS.get(verdict.get("check"), "")] = verdict
    overruled = []
    for index, gid in grade_ids.items():
        record = cells.get(str(index))
        if gid not in CHECKS.values() or record is None:
            continue
        if any(o.get("output_type") == "error" for o in record["outputs"]):
            continue
        verdict = decided.get(gid)
        if verdict is not None and verdict["accuracy"] >= verdict["threshold"]:
            continue
        ename, text = OVERRULED if verdict else NEVER_ASKED
        evalue = text.format(**verdict) if verdict else text
        record["outputs"].append({"output_type": "error", "ename": ename, "evalue": evalue,
                                  "traceback": [f"{ename}: {evalue}"]})
        overruled.append(f"{gid}: {evalue}")
    return overruled
