"""Part 1: ``nn.LSTM(3, 3)`` stepped one element at a time and run on the whole sequence."""

from __future__ import annotations

import torch
import torch.nn as nn

from autograder.feedback import (CheckFailed, assert_close, assert_tensor, call_student, close_report, fail, need,
                                 problem_of, quiet)
from autograder.assignments.lstm_gru.checks.training import lstm_by_equations

WHERE = "Part 1"

# What the student reads; each names one mistake of the catalogue (autograder/mistakes.py).
INPUT_SHAPE = "each element is one 3-feature vector, `torch.randn(1, 3)`"
OUT_ONE_STEP = "`out` holds one step only"
SWAPPED = "`h_n` and `c_n` are swapped"
FROM_ZEROS = "Method 2 started from zeros"
REDRAWN = "Method 2 did not start from Method 1's `(h0, c0)`"
STATE_NOT_PASSED = "each step of Method 1 started again from `(h0, c0)`"

SWAPPED_HINT = "`lstm(...)` returns `out, (h_n, c_n)`: the hidden state comes first, the cell state second."
FROM_ZEROS_HINT = (f"{FROM_ZEROS}: `lstm(inputs_seq)` without a state starts from zeros. "
                   "Call `lstm(inputs_seq, (h0, c0))`.")
REDRAWN_HINT = (f"{REDRAWN}: call `lstm(inputs_seq, (h0, c0))`. The tutorial draws a new random "
                "`hidden` before Method 2, which is why its two methods disagree.")
ONE_STEP_HINT = ("Method 2 feeds the whole sequence in one call, shaped (seq_len, batch, features) = "
                 "(5, 1, 3), and `out` holds the hidden state of every step.")
METHOD1_HINT = ("Feed each element as `i.view(1, 1, -1)` and pass the `hidden` of the previous step "
                "back in: `out, hidden = lstm(i.view(1, 1, -1), hidden)`, starting from `(h0, c0)`.")


def _steps(inputs) -> list[torch.Tensor]:
    """The five input vectors, whether ``inputs`` is still the list or was concatenated."""
    if isinstance(inputs, torch.Tensor):
        return [row.reshape(1, -1) for row in inputs.reshape(inputs.shape[0], -1)]
    return list(inputs)


def _start_state(ns):
    return need(ns, "h0", WHERE), need(ns, "c0", WHERE)


def _equations(ns, h: torch.Tensor, c: torch.Tensor):
    """What ``lstm`` gives on the student's inputs from state ``(h, c)``, by the gate equations."""
    seq = torch.cat(_steps(need(ns, "inputs", WHERE))).view(5, 1, -1)
    with quiet():
        return lstm_by_equations(need(ns, "lstm", WHERE), seq, h, c)


def _close(a, b) -> bool:
    return isinstance(a, torch.Tensor) and a.shape == b.shape and close_report(a, b) is None


def _whole_out(ns) -> torch.Tensor:
    out = need(ns, "out", WHERE)
    if isinstance(out, torch.Tensor) and tuple(out.shape) in ((1, 1, 3), (1, 3)):
        fail(f"`out` has shape {tuple(out.shape)}, expected (5, 1, 3): {OUT_ONE_STEP}.", ONE_STEP_HINT)
    return assert_tensor(out, "`out`", shape=(5, 1, 3), hint=ONE_STEP_HINT)


def _start_hint(ns) -> str:
    """Why Method 2's ``out`` is not what ``(h0, c0)`` gives: it started from zeros, or elsewhere."""
    out = need(ns, "out", WHERE)
    zeros = torch.zeros(1, 1, 3)
    from_zeros, _ = _equations(ns, zeros, zeros)
    return FROM_ZEROS_HINT if _close(out, from_zeros) else REDRAWN_HINT


def check_setup(ns) -> None:
    lstm = need(ns, "lstm", WHERE)
    if not isinstance(lstm, nn.LSTM):
        fail(f"`lstm` should be an nn.LSTM, but it is a {type(lstm).__name__}.", "Use `nn.LSTM(3, 3)`.")
    if (lstm.input_size, lstm.hidden_size) != (3, 3):
        fail(f"`lstm` has input_size={lstm.input_size}, hidden_size={lstm.hidden_size}; expected 3 and 3.")
    inputs = need(ns, "inputs", WHERE)
    steps = _steps(inputs)
    if len(steps) != 5:
        fail(f"`inputs` holds {len(steps)} elements; the sequence should have 5.")
    for k, x in enumerate(steps):
        if not isinstance(x, torch.Tensor) or tuple(x.shape) != (1, 3):
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            fail(f"inputs[{k}] has shape {shape}, expected (1, 3): {INPUT_SHAPE}.",
                 "Build the sequence as `[torch.randn(1, 3) for _ in range(5)]`.")
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail("`hidden` should be a tuple `(h, c)` of two tensors.",
             "An LSTM keeps two states: the hidden state h and the cell state c.")
    for name, t in zip(("h", "c"), hidden):
        assert_tensor(t, f"The {name} of `hidden`", shape=(1, 1, 3),
                      hint="States have shape (num_layers, batch, hidden_size) = (1, 1, 3).")


def check_method1(ns) -> None:
    h0, c0 = _start_state(ns)
    step_outs = need(ns, "step_outs", WHERE)
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail("`step_outs` should be a list with the output of each of the 5 steps.",
             "Append `out` to `step_outs` inside the loop.")
    expected, (h_n, c_n) = _equations(ns, h0, c0)
    steps = _steps(need(ns, "inputs", WHERE))
    for k, out in enumerate(step_outs):
        assert_tensor(out, f"The output of step {k} (`step_outs[{k}]`)", shape=(1, 1, 3), hint=METHOD1_HINT)
        if _close(out, expected[k:k + 1]):
            continue
        alone, _ = _equations_of_one(ns, steps[k], h0, c0)
        if k > 0 and _close(out, alone):
            fail(f"The output of step {k} (`step_outs[{k}]`) is what step {k} gives from `(h0, c0)`: "
                 f"{STATE_NOT_PASSED}.", METHOD1_HINT)
        assert_close(out, expected[k:k + 1], f"The output of step {k} (`step_outs[{k}]`)", hint=METHOD1_HINT)
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail("After the loop, `hidden` should be the final `(h, c)` tuple.", METHOD1_HINT)
    assert_close(hidden[0], h_n, "The final hidden state after Method 1 (`hidden[0]`)", hint=METHOD1_HINT)
    assert_close(hidden[1], c_n, "The final cell state after Method 1 (`hidden[1]`)", hint=METHOD1_HINT)


def _equations_of_one(ns, x: torch.Tensor, h: torch.Tensor, c: torch.Tensor):
    with quiet():
        return lstm_by_equations(need(ns, "lstm", WHERE), x.reshape(1, 1, -1), h, c)


def check_method2_shapes(ns) -> None:
    _whole_out(ns)
    h_n, c_n = need(ns, "h_n", WHERE), need(ns, "c_n", WHERE)
    assert_tensor(h_n, "`h_n`", shape=(1, 1, 3), hint=SWAPPED_HINT)
    assert_tensor(c_n, "`c_n`", shape=(1, 1, 3), hint=SWAPPED_HINT)
    lstm = need(ns, "lstm", WHERE)
    for length in (2, 7):  # lengths other than 5 and 3, so a hard-coded size shows
        with quiet():
            longer, _ = call_student(lstm, torch.randn(length, 1, 3), what="`lstm(...)`")
        assert_tensor(longer, f"`lstm`'s output on a sequence of length {length}", shape=(length, 1, 3))


def check_last_output_is_h_n(ns) -> None:
    out, h_n, c_n = (need(ns, n, WHERE) for n in ("out", "h_n", "c_n"))
    # Any number of steps will do here: this test is about which state `out` shows.
    if not isinstance(out, torch.Tensor) or out.dim() != 3 or tuple(out.shape[1:]) != (1, 3):
        fail(f"`out` should be a (seq_len, 1, 3) tensor; it is {tuple(getattr(out, 'shape', ())) or type(out).__name__}.",
             ONE_STEP_HINT)
    last = out[-1:]
    if _close(c_n, last) and not _close(h_n, last):
        fail(f"`out[-1]` equals `c_n`, not `h_n`: {SWAPPED}.", SWAPPED_HINT)
    assert_close(h_n, last, "`h_n` compared with `out[-1]`",
                 hint="`out` holds the hidden state of every step, so its last row is `h_n`. "
                      "Use the `out` and `h_n` of the same call.")
    if _close(c_n, last):
        fail("`c_n` equals the last output; it should be the cell state, which `out` never shows.", SWAPPED_HINT)


def check_methods_agree(ns) -> None:
    out = _whole_out(ns)
    step_outs = need(ns, "step_outs", WHERE)
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail("`step_outs` should hold the 5 outputs of Method 1.")
    stepped = torch.cat([assert_tensor(s, "An element of `step_outs`", shape=(1, 1, 3)) for s in step_outs])
    h0, c0 = _start_state(ns)
    expected, (h_ref, c_ref) = _equations(ns, h0, c0)
    method1 = problem_of(check_method1, ns)
    if method1 and _close(out, expected):
        raise CheckFailed(f"Method 2 is right, but Method 1 is not, so they disagree.\n{method1}")
    assert_close(out, stepped, "Method 2's `out` compared with Method 1's outputs", hint=_start_hint(ns))
    h_n, c_n, hidden = need(ns, "h_n", WHERE), need(ns, "c_n", WHERE), need(ns, "hidden", WHERE)
    if _close(h_n, c_ref) and _close(c_n, h_ref):
        fail(f"Method 2's `h_n` equals Method 1's final c, and `c_n` its final h: {SWAPPED}.", SWAPPED_HINT)
    assert_close(h_n, hidden[0], "Method 2's `h_n` compared with Method 1's final h", hint=_start_hint(ns))
    assert_close(c_n, hidden[1], "Method 2's `c_n` compared with Method 1's final c", hint=_start_hint(ns))


def check_matches_lstm_equations(ns) -> None:
    out = _whole_out(ns)
    h0, c0 = _start_state(ns)
    expected, (h_ref, c_ref) = _equations(ns, h0, c0)
    assert_close(out, expected, "`out` compared with the LSTM equations from (h0, c0)", hint=_start_hint(ns))
    h_n, c_n = need(ns, "h_n", WHERE), need(ns, "c_n", WHERE)
    if _close(h_n, c_ref) and _close(c_n, h_ref):
        fail(f"`h_n` is the cell state the equations give, and `c_n` the hidden state: {SWAPPED}.", SWAPPED_HINT)
    assert_close(c_n, c_ref, "`c_n` compared with the LSTM equations", hint=SWAPPED_HINT)
