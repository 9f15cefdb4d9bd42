"""Part 1: ``nn.LSTM(3, 3)`` stepped one element at a time and run on the whole sequence."""

from __future__ import annotations

import torch
import torch.nn as nn

from autograder.feedback import (CheckFailed, assert_close, assert_tensor, call_student, close_report, fail, need,
                                 problem_of, quiet)
from autograder.language import Text, say
from autograder.assignments.lstm_gru.checks.training import lstm_by_equations

WHERE = "Part 1"

# What the student reads; each names one mistake of the catalogue (autograder/mistakes.py).
INPUT_SHAPE = Text("each element is one 3-feature vector, `torch.randn(1, 3)`",
                   "각 element 는 feature 가 3개인 벡터 하나, 즉 `torch.randn(1, 3)` 입니다")
OUT_ONE_STEP = Text("`out` holds one step only", "`out` 에 한 step 의 출력만 들어 있습니다")
SWAPPED = Text("`h_n` and `c_n` are swapped", "`h_n` 과 `c_n` 이 뒤바뀌었습니다")
FROM_ZEROS = Text("Method 2 started from zeros", "방법 2 가 0 에서 시작했습니다")
REDRAWN = Text("Method 2 did not start from Method 1's `(h0, c0)`",
               "방법 2 가 방법 1 의 `(h0, c0)` 에서 시작하지 않았습니다")
STATE_NOT_PASSED = Text("each step of Method 1 started again from `(h0, c0)`",
                        "방법 1 의 각 step 이 매번 `(h0, c0)` 에서 다시 시작했습니다")

SWAPPED_HINT = Text("`lstm(...)` returns `out, (h_n, c_n)`: the hidden state comes first, the cell state second.",
                    "`lstm(...)` 은 `out, (h_n, c_n)` 을 반환합니다. hidden state 가 먼저, cell state 가 그다음입니다.")
FROM_ZEROS_HINT = Text(f"{FROM_ZEROS.en}: `lstm(inputs_seq)` without a state starts from zeros. "
                       "Call `lstm(inputs_seq, (h0, c0))`.",
                       f"{FROM_ZEROS.ko}. `lstm(inputs_seq)` 처럼 상태를 주지 않으면 0 에서 시작합니다. "
                       "`lstm(inputs_seq, (h0, c0))` 처럼 호출하세요.")
REDRAWN_HINT = Text(f"{REDRAWN.en}: call `lstm(inputs_seq, (h0, c0))`. The tutorial draws a new random "
                    "`hidden` before Method 2, which is why its two methods disagree.",
                    f"{REDRAWN.ko}. `lstm(inputs_seq, (h0, c0))` 처럼 호출하세요. 튜토리얼에서는 방법 2 에 앞서 "
                    "`hidden` 을 새로 무작위로 생성하기 때문에 두 방법의 결과가 다릅니다.")
ONE_STEP_HINT = Text("Method 2 feeds the whole sequence in one call, shaped (seq_len, batch, features) = "
                     "(5, 1, 3), and `out` holds the hidden state of every step.",
                     "방법 2 는 전체 시퀀스를 한 번의 호출로 넣습니다. shape 는 (seq_len, batch, features) = "
                     "(5, 1, 3) 이고, `out` 에는 모든 step 의 hidden state 가 담깁니다.")
METHOD1_HINT = Text("Feed each element as `i.view(1, 1, -1)` and pass the `hidden` of the previous step "
                    "back in: `out, hidden = lstm(i.view(1, 1, -1), hidden)`, starting from `(h0, c0)`.",
                    "`(h0, c0)` 에서 시작해, 각 element 를 `i.view(1, 1, -1)` 로 바꿔 이전 step 의 `hidden` 과 "
                    "함께 넣으세요: `out, hidden = lstm(i.view(1, 1, -1), hidden)`.")


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
        fail(say(f"`out` has shape {tuple(out.shape)}, expected (5, 1, 3): {OUT_ONE_STEP}.",
                 f"`out` 의 shape 는 (5, 1, 3) 이어야 하는데 {tuple(out.shape)} 입니다. {OUT_ONE_STEP}."),
             ONE_STEP_HINT)
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
        fail(say(f"`lstm` should be an nn.LSTM, but it is a {type(lstm).__name__}.",
                 f"`lstm` 은 nn.LSTM 이어야 하는데 {type(lstm).__name__} 입니다."),
             say("Use `nn.LSTM(3, 3)`.", "`nn.LSTM(3, 3)` 을 사용하세요."))
    if (lstm.input_size, lstm.hidden_size) != (3, 3):
        fail(say(f"`lstm` has input_size={lstm.input_size}, hidden_size={lstm.hidden_size}; expected 3 and 3.",
                 f"`lstm` 의 input_size 와 hidden_size 는 모두 3 이어야 하는데 "
                 f"input_size={lstm.input_size}, hidden_size={lstm.hidden_size} 입니다."))
    inputs = need(ns, "inputs", WHERE)
    steps = _steps(inputs)
    if len(steps) != 5:
        fail(say(f"`inputs` holds {len(steps)} elements; the sequence should have 5.",
                 f"`inputs` 에 element (원소) 가 {len(steps)}개 있습니다. 시퀀스의 element 는 5개여야 합니다."))
    for k, x in enumerate(steps):
        if not isinstance(x, torch.Tensor) or tuple(x.shape) != (1, 3):
            shape = tuple(x.shape) if isinstance(x, torch.Tensor) else type(x).__name__
            fail(say(f"inputs[{k}] has shape {shape}, expected (1, 3): {INPUT_SHAPE}.",
                     f"inputs[{k}] 의 shape 는 (1, 3) 이어야 하는데 {shape} 입니다. {INPUT_SHAPE}."),
                 say("Build the sequence as `[torch.randn(1, 3) for _ in range(5)]`.",
                     "시퀀스를 `[torch.randn(1, 3) for _ in range(5)]` 처럼 만드세요."))
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail(say("`hidden` should be a tuple `(h, c)` of two tensors.",
                 "`hidden` 은 텐서 두 개로 이루어진 튜플 `(h, c)` 여야 합니다."),
             say("An LSTM keeps two states: the hidden state h and the cell state c.",
                 "LSTM 은 hidden state (은닉 상태) h 와 cell state (셀 상태) c, 두 가지 상태를 유지합니다."))
    for name, t in zip(("h", "c"), hidden):
        assert_tensor(t, say(f"The {name} of `hidden`", f"`hidden` 의 {name}"), shape=(1, 1, 3),
                      hint=say("States have shape (num_layers, batch, hidden_size) = (1, 1, 3).",
                               "상태의 shape 는 (num_layers, batch, hidden_size) = (1, 1, 3) 입니다."))


def check_method1(ns) -> None:
    h0, c0 = _start_state(ns)
    step_outs = need(ns, "step_outs", WHERE)
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail(say("`step_outs` should be a list with the output of each of the 5 steps.",
                 "`step_outs` 는 5개 step 각각의 출력을 담은 리스트여야 합니다."),
             say("Append `out` to `step_outs` inside the loop.", "루프 안에서 `out` 을 `step_outs` 에 추가하세요."))
    expected, (h_n, c_n) = _equations(ns, h0, c0)
    steps = _steps(need(ns, "inputs", WHERE))
    for k, out in enumerate(step_outs):
        assert_tensor(out, say(f"The output of step {k} (`step_outs[{k}]`)", f"step {k} 의 출력(`step_outs[{k}]`)"),
                      shape=(1, 1, 3), hint=METHOD1_HINT)
        if _close(out, expected[k:k + 1]):
            continue
        alone, _ = _equations_of_one(ns, steps[k], h0, c0)
        if k > 0 and _close(out, alone):
            fail(say(f"The output of step {k} (`step_outs[{k}]`) is what step {k} gives from `(h0, c0)`: "
                     f"{STATE_NOT_PASSED}.",
                     f"step {k} 의 출력(`step_outs[{k}]`)이 `(h0, c0)` 에서 시작해 step {k} 하나만 계산한 값과 "
                     f"같습니다. {STATE_NOT_PASSED}."), METHOD1_HINT)
        assert_close(out, expected[k:k + 1],
                     say(f"The output of step {k} (`step_outs[{k}]`)", f"step {k} 의 출력(`step_outs[{k}]`)"),
                     hint=METHOD1_HINT)
    hidden = need(ns, "hidden", WHERE)
    if not isinstance(hidden, tuple) or len(hidden) != 2:
        fail(say("After the loop, `hidden` should be the final `(h, c)` tuple.",
                 "루프가 끝나면 `hidden` 은 마지막 `(h, c)` 튜플이어야 합니다."), METHOD1_HINT)
    assert_close(hidden[0], h_n, say("The final hidden state after Method 1 (`hidden[0]`)",
                                     "방법 1 을 마친 뒤의 마지막 hidden state (`hidden[0]`)"), hint=METHOD1_HINT)
    assert_close(hidden[1], c_n, say("The final cell state after Method 1 (`hidden[1]`)",
                                     "방법 1 을 마친 뒤의 마지막 cell state (`hidden[1]`)"), hint=METHOD1_HINT)


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
        assert_tensor(longer, say(f"`lstm`'s output on a sequence of length {length}",
                                  f"길이가 {length} 인 시퀀스에 대한 `lstm` 의 출력"), shape=(length, 1, 3))


def check_last_output_is_h_n(ns) -> None:
    out, h_n, c_n = (need(ns, n, WHERE) for n in ("out", "h_n", "c_n"))
    # Any number of steps will do here: this test is about which state `out` shows.
    if not isinstance(out, torch.Tensor) or out.dim() != 3 or tuple(out.shape[1:]) != (1, 3):
        it = tuple(getattr(out, 'shape', ())) or type(out).__name__
        fail(say(f"`out` should be a (seq_len, 1, 3) tensor; it is {it}.",
                 f"`out` 은 shape 가 (seq_len, 1, 3) 인 텐서여야 하는데 {it} 입니다."),
             ONE_STEP_HINT)
    last = out[-1:]
    if _close(c_n, last) and not _close(h_n, last):
        fail(say(f"`out[-1]` equals `c_n`, not `h_n`: {SWAPPED}.",
                 f"`out[-1]` 이 `h_n` 이 아니라 `c_n` 과 같습니다. {SWAPPED}."), SWAPPED_HINT)
    assert_close(h_n, last, say("`h_n` compared with `out[-1]`", "`out[-1]` 과 비교한 `h_n`"),
                 hint=say("`out` holds the hidden state of every step, so its last row is `h_n`. "
                          "Use the `out` and `h_n` of the same call.",
                          "`out` 에는 모든 step 의 hidden state 가 담기므로, 마지막 행이 `h_n` 입니다. "
                          "같은 호출에서 나온 `out` 과 `h_n` 을 사용하세요."))
    if _close(c_n, last):
        fail(say("`c_n` equals the last output; it should be the cell state, which `out` never shows.",
                 "`c_n` 이 마지막 출력과 같습니다. 이 값은 `out` 에 나타나지 않는 cell state 여야 합니다."),
             SWAPPED_HINT)


def check_methods_agree(ns) -> None:
    out = _whole_out(ns)
    step_outs = need(ns, "step_outs", WHERE)
    if not isinstance(step_outs, (list, tuple)) or len(step_outs) != 5:
        fail(say("`step_outs` should hold the 5 outputs of Method 1.",
                 "`step_outs` 에는 방법 1 의 출력 5개가 담겨 있어야 합니다."))
    stepped = torch.cat([assert_tensor(s, say("An element of `step_outs`", "`step_outs` 의 element"), shape=(1, 1, 3))
                         for s in step_outs])
    h0, c0 = _start_state(ns)
    expected, (h_ref, c_ref) = _equations(ns, h0, c0)
    method1 = problem_of(check_method1, ns)
    if method1 and _close(out, expected):
        raise CheckFailed(say(f"Method 2 is right, but Method 1 is not, so they disagree.\n{method1}",
                              f"방법 2 는 맞지만 방법 1 이 틀려서 두 방법의 결과가 다릅니다.\n{method1}"))
    assert_close(out, stepped, say("Method 2's `out` compared with Method 1's outputs",
                                   "방법 1 의 출력과 비교한 방법 2 의 `out`"), hint=_start_hint(ns))
    h_n, c_n, hidden = need(ns, "h_n", WHERE), need(ns, "c_n", WHERE), need(ns, "hidden", WHERE)
    if _close(h_n, c_ref) and _close(c_n, h_ref):
        fail(say(f"Method 2's `h_n` equals Method 1's final c, and `c_n` its final h: {SWAPPED}.",
                 f"방법 2 의 `h_n` 이 방법 1 의 마지막 c 와, `c_n` 이 마지막 h 와 같습니다. {SWAPPED}."),
             SWAPPED_HINT)
    assert_close(h_n, hidden[0], say("Method 2's `h_n` compared with Method 1's final h",
                                     "방법 1 의 마지막 h 와 비교한 방법 2 의 `h_n`"), hint=_start_hint(ns))
    assert_close(c_n, hidden[1], say("Method 2's `c_n` compared with Method 1's final c",
                                     "방법 1 의 마지막 c 와 비교한 방법 2 의 `c_n`"), hint=_start_hint(ns))


def check_matches_lstm_equations(ns) -> None:
    out = _whole_out(ns)
    h0, c0 = _start_state(ns)
    expected, (h_ref, c_ref) = _equations(ns, h0, c0)
    assert_close(out, expected, say("`out` compared with the LSTM equations from (h0, c0)",
                                    "(h0, c0) 에서 시작한 LSTM 수식의 결과와 비교한 `out`"), hint=_start_hint(ns))
    h_n, c_n = need(ns, "h_n", WHERE), need(ns, "c_n", WHERE)
    if _close(h_n, c_ref) and _close(c_n, h_ref):
        fail(say(f"`h_n` is the cell state the equations give, and `c_n` the hidden state: {SWAPPED}.",
                 f"`h_n` 이 수식으로 구한 cell state 와, `c_n` 이 hidden state 와 같습니다. {SWAPPED}."),
             SWAPPED_HINT)
    assert_close(c_n, c_ref, say("`c_n` compared with the LSTM equations", "LSTM 수식의 결과와 비교한 `c_n`"),
                 hint=SWAPPED_HINT)
