"""How a failed check speaks to a student.

A check raises :class:`CheckFailed`, an ``AssertionError`` whose message is written for the
student. In a notebook, IPython shows only that message instead of a traceback through
the kit's internals (``_render_traceback_``), so nbgrader's feedback reads as a sentence.
The message is rendered in lines of at most :data:`WIDTH` columns, broken between words:
formgrader and the feedback page show an error in a box that does not wrap, where a
one-line message would run off its right edge. ``str(error)`` keeps one line per paragraph
(for reports, CSV files and tests that look for words in it).

Tensor comparisons follow ``torch.testing``'s anatomy: what was compared, shape and dtype
first, then how many elements differ and the worst difference with its index and the
tolerance, then the likely cause in plain words.
"""

from __future__ import annotations

import contextlib
import io
import warnings
from typing import Any, Callable

import torch

from autograder.language import Text, say
from autograder.wrapping import WIDTH, wrap  # noqa: F401 - WIDTH: part of what this module offers

# The words that name an unwritten answer, in every message that reports one (mistakes.py).
NOT_IMPLEMENTED = Text("not implemented yet", "아직 구현되지 않았습니다")
NOT_DEFINED = Text("is not defined", "정의되어 있지 않습니다")
HINT = Text("Hint", "힌트")

class CheckFailed(AssertionError):
    """A failed check; ``str(error)`` is the whole message the student sees, one line per paragraph."""

    def _render_traceback_(self) -> list[str]:
        return wrap(f"CheckFailed: {self}")


def fail(message: str | Text, hint: str | Text = "") -> None:
    """Fail with ``message`` and, where given, a hint, in the current language."""
    raise CheckFailed(f"{message}\n{HINT}: {hint}" if str(hint) else str(message))


def problem_of(check: Callable, *args) -> str | None:
    """The message ``check(*args)`` fails with, or ``None`` when it passes.

    Diagnosis reuses the checks: when a model falls short, the first check it fails names
    the likely cause far better than an accuracy figure can.
    """
    try:
        check(*args)
    except CheckFailed as failure:
        return str(failure)
    return None


def need(ns: dict[str, Any], name: str, where: str) -> Any:
    """The student's ``name`` from the notebook namespace, or a failure saying where to define it."""
    if name not in ns:
        fail(
            say(f"`{name}` {NOT_DEFINED.en}.", f"`{name}` 이(가) {NOT_DEFINED.ko}."),
            say(f"Run the cell of {where} that defines `{name}`, with your code in place of "
                "`raise NotImplementedError()`, before this test.",
                f"이 테스트보다 먼저, {where}에서 `{name}` 을(를) 정의하는 셀을 "
                "`raise NotImplementedError()` 대신 여러분의 코드를 넣어 실행하세요."),
        )
    return ns[name]


@contextlib.contextmanager
def quiet():
    """Run student code without letting it write to stderr or change global RNG state.

    Any stderr output zeroes an nbgrader test cell, and prints inside a student's
    ``forward`` would flood the notebook when a check trains the model, so both streams
    go to a buffer. One thread and forked RNG state keep results identical run to run.
    """
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        with torch.random.fork_rng(devices=[]), warnings.catch_warnings(), \
                contextlib.redirect_stdout(io.StringIO()), contextlib.redirect_stderr(io.StringIO()):
            warnings.simplefilter("ignore")
            yield
    finally:
        torch.set_num_threads(threads)


def call_student(fn: Callable, *args, what: str, hint: str | Callable[[Exception], str] = "") -> Any:
    """Call student code; an exception becomes a failure naming the call that raised it.

    ``hint`` may be a function of the exception, for errors whose cause can be read from them.
    """
    try:
        return fn(*args)
    except CheckFailed:
        raise
    except NotImplementedError:
        fail(say(f"{what} is {NOT_IMPLEMENTED.en}: it raised NotImplementedError.",
                 f"{what}: {NOT_IMPLEMENTED.ko}. NotImplementedError가 발생했습니다."),
             say("Replace `raise NotImplementedError()` with your code.",
                 "`raise NotImplementedError()` 를 여러분의 코드로 바꾸세요."))
    except Exception as error:  # noqa: BLE001 - any crash in student code is that test's zero
        fail(say(f"{what} raised {type(error).__name__}: {error}",
                 f"{what}: {type(error).__name__} 이(가) 발생했습니다: {error}"),
             hint(error) if callable(hint) else hint)


def _shape(t: torch.Tensor) -> tuple[int, ...]:
    return tuple(t.shape)


def assert_tensor(actual: Any, what: str, *, shape: tuple[int, ...] | None = None,
                  dtype: torch.dtype | None = None, hint: str = "") -> torch.Tensor:
    """``actual`` is a tensor, of ``shape`` and ``dtype`` where given."""
    if not isinstance(actual, torch.Tensor):
        fail(say(f"{what} should be a torch.Tensor, but it is a {type(actual).__name__}.",
                 f"{what}: torch.Tensor 여야 하는데 {type(actual).__name__} 입니다."), hint)
    if shape is not None and _shape(actual) != tuple(shape):
        fail(say(f"{what} has shape {_shape(actual)}, expected {tuple(shape)}.",
                 f"{what}: shape 는 {tuple(shape)} 이어야 하는데 {_shape(actual)} 입니다."), hint)
    if dtype is not None and actual.dtype != dtype:
        fail(say(f"{what} has dtype {actual.dtype}, expected {dtype}.",
                 f"{what}: dtype 은 {dtype} 이어야 하는데 {actual.dtype} 입니다."), hint)
    return actual


def close_report(actual: torch.Tensor, expected: torch.Tensor, *, atol: float = 1e-5,
                 rtol: float = 1.3e-6) -> str | None:
    """``None`` when close; otherwise torch.testing's mismatch lines for two same-shaped tensors."""
    actual = actual.detach().double()
    expected = expected.detach().double()
    diff = (actual - expected).abs()
    bad = ~(diff <= atol + rtol * expected.abs())  # also catches NaN
    if not bad.any():
        return None
    count, total = int(bad.sum()), bad.numel()
    worst = torch.where(torch.isnan(diff), torch.full_like(diff, float("inf")), diff)
    flat = int(worst.argmax())
    index = tuple(int(i) for i in torch.unravel_index(torch.tensor(flat), diff.shape))
    share, greatest = f"{count} / {total} ({100.0 * count / total:.1f}%)", f"{worst.flatten()[flat]:.4g}"
    return say(
        f"Mismatched elements: {share}\n"
        f"Greatest absolute difference: {greatest} at index {index} (up to {atol:g} allowed)",
        f"값이 다른 element: {share}\n"
        f"가장 큰 절대 오차: index {index} 에서 {greatest} (허용 오차 {atol:g})",
    )


def assert_close(actual: Any, expected: torch.Tensor, what: str, *, hint: str = "",
                 atol: float = 1e-5, rtol: float = 1.3e-6) -> None:
    """Shape and dtype first, then values, at float32 tolerance by default."""
    assert_tensor(actual, what, shape=_shape(expected), dtype=expected.dtype, hint=hint)
    report = close_report(actual, expected, atol=atol, rtol=rtol)
    if report:
        fail(say(f"{what} are not close to the expected values!\n{report}",
                 f"{what}: 기대한 값과 충분히 가깝지 않습니다!\n{report}"), hint)
