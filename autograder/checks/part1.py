"""Part 1: ``nn.LSTM(3, 3)`` stepped one element at a time and run on the whole sequence."""

from __future__ import annotations

import torch
import torch.nn as nn

from autograder.feedback import assert_close, assert_tensor, call_student, fail, need, quiet
from autograder.reference import lstm_by_equations

WHERE = "Part 1"
SAME_START_HINT = (
    "Method 2 must start from the same state as Method 1: call `lstm(inputs_seq, (h0, c0))`. "
    "The tutorial draws a new random `hidden` before Method 2, which is why its two methods disagree."
)
SWAPPED_HINT = "`lstm(...)` returns `out, (h_n, c_n)`: the hidden state comes first, the cell state second."


def _steps(inputs) -> list[torch.Tensor]:
    """The five input vectors, whether ``inputs`` is still the list or was concatenated."""
    if isinstance(inputs, torch.Tensor):
        return [row.reshape(1, -1) for row in inputs.reshape(inputs.shape[0], -1)]
    return list(inputs)


def _start_state(ns):
    return need(ns, "h0", WHERE), need(ns, "c0", WHERE)


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
        assert_tensor(x, f"inputs[{k}]", shape=(1, 3),
                      hint="Each element is one 3-feature vector: `torch.randn(1, 3)`.")
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail("`hidden` should be a tuple `(h, c)` of two tensors.",
             "An LSTM keeps two states: the hidden state h and the cell state c.")
    for name, t in zip(("h", "c"), hidden):
        assert_tensor(t, f"The {name} of `hidden`", shape=(1, 1, 3),
                      hint="States have shape (num_layers, batch, hidden_size) = (1, 1, 3).")


def check_method1(ns) -> None:
    lstm, inputs = need(ns, "lstm", WHERE), need(ns, "inputs", WHERE)
    h0, c0 = _start_state(ns)
    step_outs = need(ns, "step_outs", WHERE)
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail("`step_outs` should be a list with the output of each of the 5 steps.",
             "Append `out` to `step_outs` inside the loop.")
    seq = torch.cat(_steps(inputs)).view(5, 1, -1)
    with quiet():
        expected, (h_n, c_n) = lstm_by_equations(lstm, seq, h0, c0)
    for k, out in enumerate(step_outs):
        assert_close(out, expected[k:k + 1], f"The output of step {k} (`step_outs[{k}]`)",
                     hint="Feed each element as `i.view(1, 1, -1)` and pass the `hidden` of the "
                          "previous step back in, starting from `(h0, c0)`.")
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail("After the loop, `hidden` should be the final `(h, c)` tuple.")
    assert_close(hidden[0], h_n, "The final hidden state after Method 1 (`hidden[0]`)")
    assert_close(hidden[1], c_n, "The final cell state after Method 1 (`hidden[1]`)")


def check_method2_shapes(ns) -> None:
    out, h_n, c_n = (need(ns, n, WHERE) for n in ("out", "h_n", "c_n"))
    assert_tensor(out, "`out`", shape=(5, 1, 3),
                  hint="The whole sequence goes in as one (seq_len, batch, features) = (5, 1, 3) "
                       "tensor, and `out` holds the hidden state of every step.")
    assert_tensor(h_n, "`h_n`", shape=(1, 1, 3), hint=SWAPPED_HINT)
    assert_tensor(c_n, "`c_n`", shape=(1, 1, 3), hint=SWAPPED_HINT)
    lstm = need(ns, "lstm", WHERE)
    for length in (2, 7):  # lengths other than 5 and 3, so a hard-coded size shows
        with quiet():
            longer, (h, c) = call_student(lstm, torch.randn(length, 1, 3), what="`lstm(...)`")
        assert_tensor(longer, f"`lstm`'s output on a sequence of length {length}", shape=(length, 1, 3))


def check_last_output_is_h_n(ns) -> None:
    out, h_n, c_n = (need(ns, n, WHERE) for n in ("out", "h_n", "c_n"))
    assert_tensor(out, "`out`", shape=(5, 1, 3))
    if isinstance(c_n, torch.Tensor) and c_n.shape == out[-1:].shape and \
            torch.allclose(out[-1:], c_n) and not torch.allclose(out[-1:], h_n):
        fail("`out[-1]` equals `c_n`, not `h_n`.", SWAPPED_HINT)
    assert_close(h_n, out[-1:], "`h_n` compared with `out[-1]`",
                 hint="`out` holds the hidden state of every step, so its last row is `h_n`. "
                      "Use the `out` and `h_n` of the same call.")
    if torch.allclose(out[-1:], c_n):
        fail("`c_n` equals the last output; it should be the cell state, which `out` never shows.",
             SWAPPED_HINT)


def check_methods_agree(ns) -> None:
    step_outs, out = need(ns, "step_outs", WHERE), need(ns, "out", WHERE)
    assert_tensor(out, "`out`", shape=(5, 1, 3))
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail("`step_outs` should hold the 5 outputs of Method 1.")
    stepped = torch.cat([assert_tensor(s, "An element of `step_outs`", shape=(1, 1, 3)) for s in step_outs])
    assert_close(out, stepped, "Method 2's `out` compared with Method 1's outputs", hint=SAME_START_HINT)
    hidden = need(ns, "hidden", WHERE)
    assert_close(need(ns, "h_n", WHERE), hidden[0], "Method 2's `h_n` compared with Method 1's final h",
                 hint=SAME_START_HINT)
    assert_close(need(ns, "c_n", WHERE), hidden[1], "Method 2's `c_n` compared with Method 1's final c",
                 hint=SAME_START_HINT)


def check_matches_lstm_equations(ns) -> None:
    lstm, inputs, out = need(ns, "lstm", WHERE), need(ns, "inputs", WHERE), need(ns, "out", WHERE)
    h0, c0 = _start_state(ns)
    seq = torch.cat(_steps(inputs)).view(5, 1, -1)
    with quiet():
        expected, (h_n, c_n) = lstm_by_equations(lstm, seq, h0, c0)
    assert_close(out, expected, "`out` compared with the LSTM equations from (h0, c0)", hint=SAME_START_HINT)
    assert_close(need(ns, "c_n", WHERE), c_n, "`c_n` compared with the LSTM equations", hint=SWAPPED_HINT)
