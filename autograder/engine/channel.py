"""The one channel from a run's notebook process to its worker, and what the worker accepts on it.

The notebook's process sends one JSON line per message: ``{"isolation": ...}`` once, then
``{"cell": ...}`` as each code cell finishes, ``{"integrity": [...]}`` when the kit's tools
were found changed, ``{"judge": ...}`` when a held-out check asks for its accuracy (answered
on the run's replies pipe, see :mod:`autograder.engine.judge`), ``{"end": true}`` after the last
cell, or ``{"error": ...}`` when the kit's own code failed. A run that sent every cell must then send its end and exit at once,
normally: anything else means the records came from somewhere other than the executor. Student code runs
in that same process and can write to the channel too, so the worker trusts nothing on it
blindly: a line that is not one of these messages, a cell that is not in the notebook or
comes out of order, or more bytes than the output cap allows is dropped and noted, and the
notes flag the submission for review. What the worker keeps goes to files in the run's
folder on the worker's side, which the notebook's process cannot see.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

from autograder.engine.protocol import RunFolder

OUTPUT_TYPES = {"stream", "error", "display_data", "execute_result"}
# Room for the JSON around the outputs, on top of the run's output cap.
OVERHEAD_BYTES = 2_000_000

NOT_A_RECORD = "the notebook's process wrote to the grader's channel something that is not the grader's record"
OUT_OF_ORDER = "the grader's channel got a record of cell {index} out of order or twice"
TOO_MUCH = "the notebook's process sent more than its output cap over the grader's channel; the rest was dropped"
AFTER_END = "the grader's channel got records after the run's end"
NO_END = ("every cell was reported, but the run did not end as the grader ends it ({how}): the records may not "
          "come from the grader")


def _valid_output(output) -> bool:
    if not isinstance(output, dict) or output.get("output_type") not in OUTPUT_TYPES:
        return False
    kind = output["output_type"]
    if kind == "stream":
        return output.get("name") in ("stdout", "stderr") and isinstance(output.get("text"), str)
    if kind == "error":
        return (isinstance(output.get("ename"), str) and isinstance(output.get("evalue"), str)
                and isinstance(output.get("traceback"), list))
    return isinstance(output.get("data"), dict) and isinstance(output.get("metadata", {}), dict)


def _valid_cell(record) -> bool:
    return (isinstance(record, dict) and isinstance(record.get("index"), int)
            and isinstance(record.get("execution_count"), (int, type(None)))
            and isinstance(record.get("outputs"), list) and all(_valid_output(o) for o in record["outputs"])
            and isinstance(record.get("seconds", 0), (int, float)))


class ChannelReader:
    """The worker's end: bytes in, checked records out to the run folder's files. ``judge`` (an
    :class:`autograder.engine.judge.Judge`) answers held-out checks on ``replies_fd``."""

    def __init__(self, workdir: Path, cell_indices: list[int], output_limit: int, replies_fd: int | None = None,
                 judge=None):
        self.folder = RunFolder(workdir)
        self.replies_fd = replies_fd
        self.judge = judge
        self.verdicts: list[dict] = []
        self.expected = list(cell_indices)
        self.byte_limit = output_limit + OVERHEAD_BYTES
        self.received = 0
        self.pending = b""
        self.problems: list[str] = []
        self.last_index = -1
        self.ended = False
        self.cells = open(self.folder.cells, "w")  # noqa: SIM115 - closed in close()

    def _problem(self, text: str) -> None:
        if text not in self.problems:
            self.problems.append(text)

    def feed(self, data: bytes) -> None:
        if self.received >= self.byte_limit:
            return
        self.received += len(data)
        if self.received > self.byte_limit:
            data = data[: len(data) - (self.received - self.byte_limit)]
            self._problem(TOO_MUCH)
        self.pending += data
        *lines, self.pending = self.pending.split(b"\n")
        for line in lines:
            self._line(line)

    def _line(self, line: bytes) -> None:
        if not line.strip():
            return
        try:
            message = json.loads(line)
        except (json.JSONDecodeError, UnicodeDecodeError):
            message = None
        if not isinstance(message, dict) or len(message) != 1:
            self._problem(NOT_A_RECORD)
            return
        (kind, body), = message.items()
        if self.ended:
            self._problem(AFTER_END)
        elif kind == "end" and body is True:
            self.ended = True
        elif kind == "cell" and _valid_cell(body):
            index = body["index"]
            if index not in self.expected or index <= self.last_index:
                self._problem(OUT_OF_ORDER.format(index=index))
                return
            self.last_index = index
            self.cells.write(json.dumps(body) + "\n")
            self.cells.flush()
        elif kind == "judge" and isinstance(body, dict) and self.replies_fd is not None and self.judge is not None:
            self._judge(body)
        elif kind == "isolation" and isinstance(body, dict):
            self.folder.isolation.write_text(json.dumps(body))
        elif kind == "integrity" and isinstance(body, list) and all(isinstance(x, str) for x in body):
            for change in body:
                self._problem(change)
        elif kind == "error" and isinstance(body, str):
            with open(self.folder.error, "a") as f:
                f.write(body)
        else:
            self._problem(NOT_A_RECORD)

    def _judge(self, request: dict) -> None:
        verdict = self.judge.verdict(request)
        if verdict is None:
            self._problem(NOT_A_RECORD)
            return
        self.verdicts.append(verdict)
        try:
            os.write(self.replies_fd, (json.dumps({"accuracy": verdict["accuracy"]}) + "\n").encode())
        except OSError:
            pass  # the run is gone; its verdict is kept all the same

    def close(self) -> None:
        self.folder.verdicts.write_text(json.dumps(self.verdicts))
        # A last line without its end was cut short by a crash or a kill: not a record, not a forgery.
        self.cells.close()
        self.folder.problems.write_text(json.dumps({"problems": self.problems, "ended": self.ended,
                                                         "all_cells": self.last_index == max(self.expected, default=-1)}))


def ending_problem(seen: dict, exit_code: int | None, signal: int | None, timed_out: bool) -> str | None:
    """Why a run that reported every cell did not end as the executor ends one, or ``None``."""
    if not seen.get("all_cells") or timed_out:
        return None
    if not seen.get("ended"):
        how = f"signal {signal}" if signal else f"exit status {exit_code}"
        return NO_END.format(how=f"no end record, {how}")
    if signal or exit_code != 0:
        return NO_END.format(how=f"signal {signal}" if signal else f"exit status {exit_code}")
    return None


def send(channel, kind: str, body) -> None:
    """The notebook process's end: one message."""
    channel.write(json.dumps({kind: body}) + "\n")
    channel.flush()
