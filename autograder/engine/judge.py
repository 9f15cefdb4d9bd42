"""Held-out checks decided where the held-out answers are, never where student code runs.

An assignment may have checks whose answers must stay secret (a tagger's
test split's tags). Its manifest names a *judged* module (``[grader] judge``) holding

* ``JUDGED``: a read-only table ``check -> (grade id of the test cell it decides, bound)``;
* ``score(check, payload) -> float``: the measure, which may load the secret answers.

In a run of the kit's workers, a check calls :func:`ask`, which sends its payload over the
run's channel and waits for the worker's answer: the worker has it scored by a process of
its own (:class:`Judge`), so the answers are in no process a notebook is forked from, and
keeps every verdict, which the batch then holds the notebook's record to (:func:`enforce`):
a test cell whose check the grader failed cannot come back passed, and one that never asked
is not trusted. Under plain ``nbgrader autograde`` (no worker) ``ask`` scores in the kernel,
as everything is readable there.
"""

from __future__ import annotations

import importlib
import json
import os
from typing import Callable

from autograder.language import Text
from autograder.wrapping import wrap

OVERRULED = ("CheckFailed", Text(
    "The grader's own evaluation of the hidden test sentences ({accuracy:.1%}, at least {threshold:.0%} needed) "
    "does not match what this notebook reported for this test.",
    "숨겨진 테스트 문장에 대한 채점기 자체의 평가({accuracy:.1%}, 최소 {threshold:.0%} 필요)가 이 노트북이 "
    "이 테스트에 대해 보고한 결과와 맞지 않습니다."))
NEVER_ASKED = ("CheckFailed", Text(
    "This test's hidden check never reached the grader's evaluation of the hidden test sentences, so its result "
    "cannot be trusted.",
    "이 테스트의 숨겨진 check가 숨겨진 테스트 문장에 대한 채점기의 평가까지 가지 못했으므로, 그 결과를 믿을 수 "
    "없습니다."))

_connection: dict = {}


def connect(channel, replies_fd: int) -> None:
    """In a run's notebook process, before any student code: where to ask."""
    _connection.update(channel=channel, replies=os.fdopen(replies_fd, "r"))


def ask(check: str, payload, local: Callable[[str, object], float]) -> float:
    """The grader's measure of ``payload`` for ``check``; ``local`` scores it where there is
    no worker to ask (a plain kernel)."""
    if not _connection:
        return local(check, payload)
    from autograder.engine.channel import send

    send(_connection["channel"], "judge", {"check": check, "payload": payload})
    reply = _connection["replies"].readline()
    return float(json.loads(reply)["accuracy"])


class Judge:
    """In the worker: the verdicts of one assignment's judged checks, scored by a process of the
    worker's own (started at the first request), so the worker, which forks the notebooks'
    runs, never holds the answers; the runs close their copies of its pipes."""

    def __init__(self, module: str):
        self.module = module
        self.table = importlib.import_module(module).JUDGED
        self._scorer: dict = {}

    def verdict(self, request: dict) -> dict | None:
        """``{"check", "accuracy", "threshold"}`` for a request, or ``None`` for a check it does not judge."""
        check = request.get("check")
        if not isinstance(check, str) or check not in self.table:
            return None
        return {"check": check, "accuracy": self._score(check, request.get("payload")),
                "threshold": self.table[check][1]}

    def _score(self, check: str, payload) -> float:
        if not self._scorer or os.waitpid(self._scorer["pid"], os.WNOHANG)[0] != 0:  # none yet, or it died
            self._start_scorer()
        try:
            self._scorer["to"].write(json.dumps([check, payload]) + "\n")
            self._scorer["to"].flush()
            return float(json.loads(self._scorer["from"].readline()))
        except (OSError, ValueError):
            self._scorer.clear()
            return 0.0

    def _start_scorer(self) -> None:
        requests_read, requests_write = os.pipe()
        answers_read, answers_write = os.pipe()
        pid = os.fork()
        if pid == 0:
            code = 0
            try:
                os.close(requests_write)
                os.close(answers_read)
                from autograder.engine import sandbox

                sandbox.die_with_parent()
                score = importlib.import_module(self.module).score
                with os.fdopen(requests_read) as requests, os.fdopen(answers_write, "w") as answers:
                    for line in requests:
                        try:
                            value = float(score(*json.loads(line)))
                        except Exception:  # noqa: BLE001 - a payload it cannot score scores nothing
                            value = 0.0
                        answers.write(json.dumps(value) + "\n")
                        answers.flush()
            except BaseException:  # noqa: BLE001 - a forked helper never returns into the worker
                code = 1
            finally:
                os._exit(code)
        os.close(requests_read)
        os.close(answers_write)
        self._scorer.update(pid=pid, to=os.fdopen(requests_write, "w"), **{"from": os.fdopen(answers_read)})


def enforce(cells: dict, grade_ids: dict[int, str], verdicts: list[dict], judged: dict,
            language: str = "en") -> list[str]:
    """Hold a run's recorded test cells to the grader's verdicts; what had to be overruled.

    ``cells`` maps a cell index (as text) to its record; ``grade_ids`` maps indices to the
    test cells' grade ids; ``judged`` is the assignment's ``JUDGED`` table. A judged test cell
    that recorded no error although the grader's measure is below the bound, or whose check
    never asked, gets the error nbgrader scores, in the student's ``language``; what was
    overruled is said in English, like the other review flags.
    """
    decides = {check: gid for check, (gid, _) in judged.items()}
    decided: dict[str, dict] = {}
    for verdict in verdicts:  # the last verdict of a check is the one its cell acted on
        decided[decides.get(verdict.get("check"), "")] = verdict
    overruled = []
    for index, gid in grade_ids.items():
        record = cells.get(str(index))
        if gid not in decides.values() or record is None:
            continue
        if any(o.get("output_type") == "error" for o in record["outputs"]):
            continue
        verdict = decided.get(gid)
        if verdict is not None and verdict["accuracy"] >= verdict["threshold"]:
            continue
        ename, text = OVERRULED if verdict else NEVER_ASKED
        text = text.format(**verdict) if verdict else text
        evalue = text.in_language(language)
        record["outputs"].append({"output_type": "error", "ename": ename, "evalue": evalue,
                                  "traceback": wrap(f"{ename}: {evalue}")})
        overruled.append(f"{gid}: {text.en}")  # a review flag: in English, as every other flag
    return overruled
