"""Hidden-test checks of the tensor warm-up: ``column``, ``row_softmax`` and ``train_line``.

Each check takes the student's function, calls it on the kit's own inputs (never trusting a
value computed once in the notebook), and raises :class:`autograder.feedback.CheckFailed`
with a message for the student, or returns ``None``. Student code runs inside
:func:`autograder.feedback.quiet`: one thread, its prints swallowed, the global RNG left as
it was, so every check is deterministic and writes nothing to stderr.
"""

from __future__ import annotations

import math
from typing import Any, Callable

import torch

from autograder.feedback import CheckFailed, assert_close, assert_tensor, call_student, fail, quiet

__all__ = ["CheckFailed", "check_column", "check_row_softmax", "check_train_line", "warm_up"]

# What the student reads; each constant names one mistake of the catalogue (mistakes.py).
FLAT = "that is a flat 1-D tensor, not a column"
ROW = "that is a row, not a column"
INTEGERS = "`torch.arange(n)` counts in integers when `n` is an int"
FROM_ONE = "the numbers start at 1 instead of 0"
COLUMNS = "each column sums to 1 instead of each row: the softmax ran over dim=0 instead of the last dimension"
WHOLE = "the whole tensor sums to 1 instead of each row"
NO_KEEPDIM = "the row sums lost their dimension"
NO_EXP = "the rows sum to 1, but the entries were never exponentiated"
REQUIRES_GRAD = "a tensor that still requires grad"
NOT_FLOAT = "not a Python float"
DIVERGED = "training diverged"
NOT_CONVERGED = "the line did not converge"
NEVER_MOVED = "`a` and `b` never moved from 0"
IGNORES_STEPS = "one more step changes nothing"
SWINGS = "`a` and `b` still swing from one step to the next"
TOO_SLOW = "`a` and `b` are still creeping toward the answer"
SAME_LINE = "the same line for different data"

# ------------------------------------------------------------------------------------------------
# Exercise 1: column(n)

COLUMN_SIZES = (4, 1, 7)
COLUMN_HINT = "Return `torch.arange(n, dtype=torch.float32).reshape(n, 1)`."


def check_column(column: Callable[[int], Any]) -> None:
    """``column(n)`` is a float32 tensor of shape (n, 1) holding 0, 1, ..., n-1."""
    for n in COLUMN_SIZES:
        what = f"`column({n})`"
        with quiet():
            got = call_student(column, n, what=what)
        assert_tensor(got, what, hint="`torch.arange(n)` already gives a tensor; build the column from it.")
        shape = tuple(got.shape)
        expected_shape = (n, 1)
        if shape != expected_shape:
            if shape == (n,):
                fail(f"{what} has shape {shape}, expected {expected_shape}: {FLAT}.",
                     "Turn it into a column with `.reshape(n, 1)` or `.unsqueeze(1)`.")
            if shape == (1, n):
                fail(f"{what} has shape {shape}, expected {expected_shape}: {ROW}.",
                     "A column has n rows and 1 column: use `.reshape(n, 1)`, not `.reshape(1, n)`.")
            fail(f"{what} has shape {shape}, expected {expected_shape}: one row per number, one column.",
                 COLUMN_HINT)
        if got.dtype != torch.float32:
            if not got.is_floating_point():
                fail(f"{what} has dtype {got.dtype}, expected torch.float32: {INTEGERS}.",
                     "Ask for floats: `torch.arange(n, dtype=torch.float32)`, or add `.float()`.")
            fail(f"{what} has dtype {got.dtype}, expected torch.float32, PyTorch's default float type.",
                 "Use `dtype=torch.float32` (or `.float()`), not float64.")
        values = got.detach().flatten().tolist()
        expected = [float(i) for i in range(n)]
        if values != expected:
            if values == [float(i) for i in range(1, n + 1)]:
                fail(f"{what} holds {values}, expected {expected}: {FROM_ONE}.",
                     "`torch.arange(n)` already starts at 0 and stops just before n; do not add 1.")
            fail(f"{what} holds {values}, expected {expected}.", COLUMN_HINT)


# ------------------------------------------------------------------------------------------------
# Exercise 2: row_softmax(x)

# Non-square, so a softmax over the wrong dimension or a sum without keepdim cannot hide behind
# broadcasting; moderate values, so a softmax without max subtraction cannot overflow.
SOFTMAX_INPUTS = (
    torch.tensor([[0.5, -1.0, 2.0, 0.0, 1.5],
                  [3.0, 1.0, -2.0, 0.5, 0.0],
                  [-0.5, -0.5, 1.0, 2.5, -3.0]]),
    torch.tensor([[1.0, 2.0, 3.0, 4.0],
                  [-4.0, 0.0, 0.0, 4.0]]),
)
SOFTMAX_HINT = ("Divide `x.exp()` by its row sums, `x.exp().sum(dim=1, keepdim=True)`, "
                "or call `torch.softmax(x, dim=-1)`.")


def _sums_to_one(sums: torch.Tensor) -> bool:
    return bool(torch.isfinite(sums).all()) and bool(((sums - 1).abs() <= 1e-4).all())


def _softmax_error_hint(error: Exception) -> str:
    if "must match the size of tensor" in str(error):
        return (f"{NO_KEEPDIM}: `.sum(dim=1)` gives a 1-D tensor of row sums, which cannot divide the rows. "
                "Keep the summed dimension: `.sum(dim=1, keepdim=True)`.")
    return SOFTMAX_HINT


def check_row_softmax(row_softmax: Callable[[torch.Tensor], Any]) -> None:
    """``row_softmax(x)`` equals ``torch.softmax(x, dim=-1)`` for 2-D ``x``."""
    for x in SOFTMAX_INPUTS:
        rows, cols = x.shape
        what = f"`row_softmax(x)` for a {rows}x{cols} `x`"
        with quiet():
            got = call_student(row_softmax, x.clone(), what=what, hint=_softmax_error_hint)
        assert_tensor(got, what, hint=SOFTMAX_HINT)
        if tuple(got.shape) in ((rows,), (rows, 1)):
            fail(f"{what} has shape {tuple(got.shape)}, expected {(rows, cols)}: it holds one value per row.",
                 "Return every entry divided by its row's sum, not the sums themselves.")
        assert_tensor(got, what, shape=(rows, cols), dtype=torch.float32,
                      hint="The result has the shape and dtype of `x`: one probability per entry.")
        got = got.detach()
        expected = torch.softmax(x, dim=-1)
        if not _sums_to_one(got.sum(dim=-1)):
            row_sums = [round(s, 4) for s in got.sum(dim=-1).tolist()]
            if _sums_to_one(got.sum(dim=0)):
                fail(f"{what}: {COLUMNS}.",
                     "Sum over each row: `x.exp().sum(dim=1, keepdim=True)`, or `torch.softmax(x, dim=-1)`.")
            if _sums_to_one(got.sum().reshape(1)):
                fail(f"{what}: {WHOLE}.",
                     "Divide by each row's own sum, `.sum(dim=1, keepdim=True)`, not by `.sum()` of everything.")
            fail(f"{what}: each row should sum to 1, but the rows sum to {row_sums}.", SOFTMAX_HINT)
        if torch.allclose(got, x / x.sum(dim=-1, keepdim=True), atol=1e-5):
            fail(f"{what}: {NO_EXP}, so negative inputs give negative 'probabilities'.",
                 "Take `x.exp()` first, then divide it by its row sums.")
        assert_close(got, expected, f"The entries of {what}", hint=SOFTMAX_HINT)


# ------------------------------------------------------------------------------------------------
# Exercise 3: train_line(xs, ys, steps)

LINE_XS = torch.linspace(-2.0, 2.0, 21)
LINES = ((2.0, -1.0), (-0.5, 0.75))  # (a, b); no noise, so the best fit is exact
LINE_STEPS = 500
LINE_TOLERANCE = 0.1
SEED = 0
TRAIN_HINT = ("Each of the `steps` steps should: zero the gradients (`optimizer.zero_grad()`), compute the "
              "mean squared error of `a * xs + b` against `ys`, call `loss.backward()`, then "
              "`optimizer.step()`. A learning rate of 0.1 works here.")
FLOAT_HINT = "Return plain Python floats: `return a.item(), b.item()`."


def _number(value: Any, name: str, what: str) -> float:
    """``value`` as a float, or a failure saying why it is not one."""
    if isinstance(value, torch.Tensor):
        kind = REQUIRES_GRAD if value.requires_grad else "a tensor"
        fail(f"{what} returned `{name}` as {kind} (shape {tuple(value.shape)}), {NOT_FLOAT}.", FLOAT_HINT)
    if isinstance(value, bool) or not isinstance(value, float):
        fail(f"{what} returned `{name}` as a {type(value).__name__}, {NOT_FLOAT}.", FLOAT_HINT)
    return float(value)


def _fit(train_line: Callable, a: float, b: float, steps: int = LINE_STEPS) -> tuple[float, float]:
    """What ``train_line`` returns for ``steps`` steps on the kit's points of y = a x + b, seed 0."""
    xs = LINE_XS.clone()
    ys = a * xs + b
    what = f"`train_line(xs, ys, {steps})`"
    with quiet():
        torch.manual_seed(SEED)
        result = call_student(train_line, xs, ys, steps, what=what, hint=TRAIN_HINT)
    if not isinstance(result, (tuple, list)) or len(result) != 2:
        fail(f"{what} returned a {type(result).__name__}; it should return the pair `(a, b)`.",
             "End with `return a.item(), b.item()`.")
    return _number(result[0], "a", what), _number(result[1], "b", what)


def _line(a: float, b: float) -> str:
    return f"y = {a:g}x {'-' if b < 0 else '+'} {abs(b):g}"


def _why_not_converged(train_line: Callable, true_a: float, true_b: float, a: float, b: float) -> str:
    """Why training stopped away from the line, told by what one more step does."""
    a1, b1 = _fit(train_line, true_a, true_b, LINE_STEPS + 1)
    if (a1, b1) == (a, b):
        if a == 0 and b == 0:
            return (f"{NEVER_MOVED}: check that the optimizer is given `[a, b]`, that its learning rate is "
                    "not 0, and that `optimizer.step()` runs at every step.")
        return (f"With {LINE_STEPS + 1} steps instead of {LINE_STEPS}, {IGNORES_STEPS}: loop "
                "`for _ in range(steps)`, use a learning rate above 0 (0.1 works), and update `a` and `b` "
                "at every step.")
    if abs(a1 - a) + abs(b1 - b) > 1e-2:
        return (f"{SWINGS}: the gradients pile up because they are never zeroed (call "
                "`optimizer.zero_grad()` at every step), or the learning rate is too large (0.1 works).")
    return (f"{TOO_SLOW}: the learning rate is too small (0.1 works here), or the loop runs fewer than "
            "`steps` steps.")


def check_train_line(train_line: Callable[[torch.Tensor, torch.Tensor, int], Any]) -> None:
    """``train_line`` recovers two noiseless lines to within ``LINE_TOLERANCE``, seed 0."""
    first = None
    for true_a, true_b in LINES:
        a, b = _fit(train_line, true_a, true_b)
        data = f"on points of {_line(true_a, true_b)} (x from -2 to 2, {LINE_STEPS} steps)"
        if not (math.isfinite(a) and math.isfinite(b)) or max(abs(a), abs(b)) > 1e3:
            fail(f"`train_line` {data} returned a = {a:.4g}, b = {b:.4g}: {DIVERGED}.",
                 "The learning rate is too large (0.1 works), the gradients are never zeroed and pile up "
                 "(call `optimizer.zero_grad()` at every step), or the loss is a sum instead of a mean.")
        if abs(a - true_a) > LINE_TOLERANCE or abs(b - true_b) > LINE_TOLERANCE:
            if first is not None and abs(a - first[0]) < 1e-6 and abs(b - first[1]) < 1e-6:
                fail(f"`train_line` {data} returned a = {a:.4f}, b = {b:.4f}, {SAME_LINE}.",
                     "Fit the `xs` and `ys` you are given; do not write the answer into the code.")
            fail(f"`train_line` {data} returned a = {a:.4f}, b = {b:.4f}; expected a = {true_a:g} and "
                 f"b = {true_b:g}, each within {LINE_TOLERANCE:g}: {NOT_CONVERGED}.",
                 _why_not_converged(train_line, true_a, true_b, a, b))
        first = (a, b)


# ------------------------------------------------------------------------------------------------

def warm_up() -> None:
    """Run, once and silently, what the checks use, so that the first graded run pays no start-up."""
    with quiet():
        torch.manual_seed(SEED)
        column = torch.arange(4, dtype=torch.float32).reshape(4, 1)
        x = SOFTMAX_INPUTS[0].clone()
        exps = (x - x.max(dim=1, keepdim=True).values).exp()
        probs = exps / exps.sum(dim=1, keepdim=True)
        assert_close(probs, torch.softmax(x, dim=-1), "warm-up softmax")
        torch.nn.functional.softmax(x, dim=1).sum(dim=0)
        xs = LINE_XS.clone()
        ys = 2.0 * xs - 1.0
        a = torch.zeros(1, requires_grad=True)
        b = torch.randn(1, requires_grad=True)
        layer = torch.nn.Linear(1, 1)
        optimizer = torch.optim.SGD([a, b, *layer.parameters()], lr=0.1)
        optimizer.zero_grad()
        loss = ((a * xs + b - ys) ** 2).mean() + torch.nn.functional.mse_loss(layer(xs.unsqueeze(1)), ys.unsqueeze(1))
        loss.backward()
        optimizer.step()
        with torch.no_grad():
            a -= 0.1 * a.grad
        a.grad.zero_()
        float(a.item()), float(b.item()), column.tolist()
