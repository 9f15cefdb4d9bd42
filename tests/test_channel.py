"""What the worker accepts on a run's channel, the guard's snapshot of the tests' tools, and
the judge's hold over held-out test cells: the pieces a forging notebook runs into."""

from __future__ import annotations

import json

import torch

from autograder.assignments.lstm_gru.checks.judged import JUDGED
from autograder.engine import channel, judge
from autograder.engine.guard import Guard
from autograder.engine.protocol import RunFolder


def _reader(tmp_path, cells=(3, 5, 8)):
    return channel.ChannelReader(tmp_path, list(cells), output_limit=10_000)


def _cell(index):
    return {"cell": {"index": index, "execution_count": 1, "outputs": [], "seconds": 0.1}}


def _feed(reader, *messages):
    reader.feed(b"".join(json.dumps(m).encode() + b"\n" for m in messages))
    reader.close()
    return json.loads(RunFolder(reader.folder.path).problems.read_text())


def test_an_honest_run_is_recorded_without_a_problem(tmp_path):
    seen = _feed(_reader(tmp_path), {"isolation": {"applied": ["x"], "missing": []}}, _cell(3), _cell(5), _cell(8),
                 {"end": True})
    assert seen == {"problems": [], "ended": True, "all_cells": True}
    assert [json.loads(line)["index"] for line in RunFolder(tmp_path).cells.read_text().splitlines()] == [3, 5, 8]
    assert channel.ending_problem(seen, 0, None, False) is None


def test_records_out_of_order_twice_unknown_or_after_the_end_are_dropped_and_noted(tmp_path):
    seen = _feed(_reader(tmp_path), _cell(5), _cell(3), _cell(5), _cell(99), {"end": True}, _cell(8))
    assert seen["problems"] == [channel.OUT_OF_ORDER.format(index=3), channel.OUT_OF_ORDER.format(index=5),
                                channel.OUT_OF_ORDER.format(index=99), channel.AFTER_END]
    assert [json.loads(line)["index"] for line in RunFolder(tmp_path).cells.read_text().splitlines()] == [5]


def test_anything_but_the_graders_messages_is_noted(tmp_path):
    reader = _reader(tmp_path)
    reader.feed(b'{"index": 3, "outputs": []}\nnot json\n{"cell": {"index": 3, "outputs": "x"}}\n')
    reader.close()
    assert json.loads(RunFolder(tmp_path).problems.read_text())["problems"] == [channel.NOT_A_RECORD]
    assert RunFolder(tmp_path).cells.read_text() == ""


def test_a_run_that_reported_every_cell_must_end_as_the_executor_ends_one(tmp_path):
    complete = {"problems": [], "ended": False, "all_cells": True}
    assert "no end record, exit status 0" in channel.ending_problem(complete, 0, None, False)
    assert "signal 9" in channel.ending_problem({**complete, "ended": True}, None, 9, False)
    assert channel.ending_problem({**complete, "all_cells": False}, 3, None, False) is None  # os._exit mid-way
    assert channel.ending_problem(complete, None, 9, True) is None  # stopped at the wall limit


def test_more_than_the_output_cap_is_cut_and_noted(tmp_path):
    reader = channel.ChannelReader(tmp_path, [1], output_limit=0)
    reader.feed(b"x" * (channel.OVERHEAD_BYTES + 10))
    reader.close()
    assert json.loads(RunFolder(tmp_path).problems.read_text())["problems"] == [channel.TOO_MUCH]


def test_the_guard_puts_back_a_replaced_tool_and_says_which():
    guard = Guard()
    real = torch.allclose
    try:
        torch.allclose = lambda *a, **k: True
        assert guard.restore() == ["`torch.allclose` was replaced"]
        assert torch.allclose is real
        assert guard.restore() == []  # nothing changed since
        torch.allclose = lambda *a, **k: True  # the same change again (a test cell that calls
        assert guard.restore() == ["`torch.allclose` was replaced"]  # code doing it is not spared)
        assert torch.allclose is real and guard.changes == ["`torch.allclose` was replaced"]
    finally:
        torch.allclose = real


def test_the_guard_takes_an_import_for_what_it_is():
    guard = Guard()
    import torch.nn.utils.rnn  # noqa: F401 - adds a submodule attribute: not a change of a tool

    assert guard.restore() == []


def test_the_guard_puts_back_changed_code_and_the_kits_thresholds():
    from autograder.assignments.lstm_gru.checks import part2, thresholds

    guard = Guard()
    code, bound = part2.check_shapes.__code__, thresholds.LSTM_HELDOUT_THRESHOLD
    try:
        part2.check_shapes.__code__ = (lambda ns: None).__code__
        thresholds.LSTM_HELDOUT_THRESHOLD = 0.0
        notes = guard.restore()
        assert "the code of `autograder.assignments.lstm_gru.checks.part2.check_shapes` was changed" in notes
        assert "`autograder.assignments.lstm_gru.checks.thresholds.LSTM_HELDOUT_THRESHOLD` was replaced" in notes
        assert part2.check_shapes.__code__ is code and thresholds.LSTM_HELDOUT_THRESHOLD == bound
    finally:
        part2.check_shapes.__code__, thresholds.LSTM_HELDOUT_THRESHOLD = code, bound


def _recorded(*outputs):
    return {"10": {"source": "", "outputs": list(outputs), "execution_count": 1}}


def test_a_held_out_test_recorded_as_passed_is_held_to_the_graders_verdict():
    ids = {10: "test_p2_heldout_accuracy"}
    below = [{"check": "p2_heldout", "accuracy": 0.5, "threshold": 0.95}]
    cells = _recorded()
    assert judge.enforce(cells, ids, below, JUDGED)
    assert cells["10"]["outputs"][-1]["ename"] == "CheckFailed" and "50.0%" in cells["10"]["outputs"][-1]["evalue"]
    never_asked = _recorded()
    assert judge.enforce(never_asked, ids, [], JUDGED) and "never reached" in never_asked["10"]["outputs"][-1]["evalue"]
    passed = _recorded()
    assert judge.enforce(passed, ids, [{"check": "p2_heldout", "accuracy": 0.99, "threshold": 0.95}], JUDGED) == []
    assert passed["10"]["outputs"] == []
    failed_already = _recorded({"output_type": "error", "ename": "CheckFailed", "evalue": "x", "traceback": []})
    assert judge.enforce(failed_already, ids, below, JUDGED) == []


def test_a_thread_left_running_is_noted_once_and_a_new_one_again():
    """A running thread cannot be put back: it is said when first seen, so one a student cell left
    running (a progress bar's monitor, say) does not void every later test; one started anew is."""
    import threading

    from autograder.engine.guard import THREAD

    guard, stop = Guard(), threading.Event()
    first = threading.Thread(target=stop.wait, daemon=True)
    first.start()
    try:
        assert guard.restore() == [THREAD]
        assert guard.restore() == []
        second = threading.Thread(target=stop.wait, daemon=True)
        second.start()
        assert guard.restore() == [THREAD]
    finally:
        stop.set()
