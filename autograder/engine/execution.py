"""Running a notebook's code cells in this process, with the outputs a Jupyter kernel gives.

The kit's batch grader executes each submission in a process forked from a warm worker
(``autograder.engine.pool``), not in a fresh kernel. For its scores to equal ``nbgrader
autograde``'s, every cell must leave the outputs ipykernel would send: ``stream`` outputs
for stdout and stderr (Python-level writes and writes to file descriptors 1 and 2, as
ipykernel captures both), an ``error`` output with ``ename``/``evalue``/``traceback`` (an
exception's ``_render_traceback_`` included), ``execute_result`` for a final expression and
``display_data`` for ``display()``. As in a kernel run by nbclient without stdin,
``input()`` raises ``StdinNotImplementedError``, and a cell that runs past its timeout is
interrupted and gets an error output, after which the next cell runs.

Limits that a kernel lacks: the outputs of a notebook are capped in size (past the cap the
text is dropped with a note saying so).

Where it differs from a kernel on purpose: the assignment's test cells do not go through
IPython at all (:func:`run_test_cell`), and before each one the tools the tests rely on are
put back as they were (:mod:`autograder.engine.guard`), so no hook or patch a student cell installs
decides a test; a student cell that failed without leaving an error output (its exception
swallowed by a handler it installed) gets one, as nbgrader adds one when a kernel reports a
failed cell.
"""

from __future__ import annotations

import ast
import builtins
import io
import json
import os
import signal
import sys
import time
import traceback
from dataclasses import dataclass, field
from pathlib import Path

from IPython.core.displayhook import DisplayHook
from IPython.core.displaypub import DisplayPublisher
from IPython.core.error import StdinNotImplementedError
from IPython.core.interactiveshell import InteractiveShell
from ipykernel.compiler import XCachingCompiler
from traitlets.config import Config

from autograder.engine.flag_words import flag_text
from autograder.language import Text, joined, say

NO_STDIN = "raw_input was called, but this frontend does not support input requests."
TOOLS_CHANGED = "GraderToolsChanged"
TOOLS_CHANGED_TEXT = Text("This test does not count: while it ran, code of the notebook changed the tools the "
                          "test relies on ({changes}). A homework never needs to.",
                          "이 테스트는 인정되지 않습니다: 테스트가 실행되는 동안 노트북의 코드가 테스트가 쓰는 도구를 "
                          "바꾸었습니다({changes}). 과제에서는 그럴 필요가 전혀 없습니다.")
TRUNCATED = "[output truncated"


class CellTimeoutError(KeyboardInterrupt):
    """Raised in a cell that runs past its timeout. A KeyboardInterrupt, as the kernel's
    interrupt is, so that ``except Exception`` in student code does not swallow it."""


@dataclass
class OutputSink:
    """The outputs of the cell being run, coalesced as nbclient does, within a size cap."""

    limit_bytes: int
    outputs: list[dict] = field(default_factory=list)
    written: int = 0
    truncated: bool = False

    def stream(self, name: str, text: str) -> None:
        if not text:
            return
        room = self.limit_bytes - self.written
        if room <= 0:
            self._truncate(name)
            return
        if len(text.encode()) > room:
            text = text.encode()[:room].decode(errors="ignore")
            self._append_stream(name, text)
            self.written = self.limit_bytes
            self._truncate(name)
            return
        self.written += len(text.encode())
        self._append_stream(name, text)

    def _append_stream(self, name: str, text: str) -> None:
        # Pieces are joined when the cell is done: adding to one growing string would take
        # time quadratic in the output's size.
        last = self.outputs[-1] if self.outputs else None
        if last and last["output_type"] == "stream" and last["name"] == name:
            last["pieces"].append(text)
        else:
            self.outputs.append({"output_type": "stream", "name": name, "pieces": [text]})

    def _truncate(self, name: str) -> None:
        if not self.truncated:
            self.truncated = True
            self._append_stream(name, f"\n{TRUNCATED}: this notebook printed more than "
                                      f"{self.limit_bytes // 1_000_000} MB]\n")

    def error(self, ename: str, evalue: str, traceback: list[str]) -> None:
        self.outputs.append({"output_type": "error", "ename": ename, "evalue": evalue, "traceback": traceback})

    def display(self, data: dict, metadata: dict) -> None:
        self.outputs.append({"output_type": "display_data", "data": data, "metadata": metadata})

    def execute_result(self, data: dict, metadata: dict, count: int) -> None:
        self.outputs.append({"output_type": "execute_result", "data": data, "metadata": metadata,
                             "execution_count": count})

    def take(self) -> list[dict]:
        taken, self.outputs = self.outputs, []
        for output in taken:
            if output["output_type"] == "stream":
                output["text"] = "".join(output.pop("pieces"))
        return taken


class _Stream(io.TextIOBase):
    """``sys.stdout``/``sys.stderr`` while a cell runs."""

    def __init__(self, name: str, sink: OutputSink):
        self.name, self._sink = name, sink

    @property
    def encoding(self) -> str:
        return "utf-8"

    def writable(self) -> bool:
        return True

    def isatty(self) -> bool:
        return False

    def write(self, text: str) -> int:
        if not isinstance(text, str):
            raise TypeError(f"write() argument must be str, not {type(text).__name__}")
        self._sink.stream(self.name, text)
        return len(text)


class _DisplayHook(DisplayHook):
    def write_output_prompt(self):
        pass

    def write_format_data(self, format_dict, md_dict=None):
        self.shell.kit_sink.execute_result(format_dict, md_dict or {}, self.shell.execution_count)

    def finish_displayhook(self):
        pass


class _DisplayPublisher(DisplayPublisher):
    def publish(self, data, metadata=None, source=None, *, transient=None, update=False, **kwargs):
        self.shell.kit_sink.display(data, metadata or {})

    def clear_output(self, wait=False):
        self.shell.kit_sink.outputs.clear()


class GradingShell(InteractiveShell):
    displayhook_class = _DisplayHook
    display_pub_class = _DisplayPublisher

    def _showtraceback(self, etype, evalue, stb):
        # What ipykernel sends: the exception's name, its text, and the rendered traceback.
        self.kit_sink.error(str(etype.__name__), str(evalue), stb)

    def enable_gui(self, gui=None):
        pass


def _no_input(*args, **kwargs):
    raise StdinNotImplementedError(NO_STDIN)


class _FdCapture:
    """Writes to file descriptors 1 and 2 (C code, subprocesses) go to files, read after each cell."""

    def __init__(self, directory: Path):
        self._files = {}
        for fd, name in ((1, "stdout"), (2, "stderr")):
            path = directory / f".fd{fd}"
            target = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
            os.dup2(target, fd)
            os.close(target)
            self._files[name] = open(path, "rb")  # noqa: SIM115 - read as the cells run

    def drain(self, sink: OutputSink) -> None:
        for name, f in self._files.items():
            data = f.read()
            if data:
                sink.stream(name, data.decode(errors="replace"))


def new_shell(sink: OutputSink) -> GradingShell:
    config = Config()
    config.HistoryManager.enabled = False
    # As the kernel nbgrader runs (ipykernel): IPython's default colours, made for a light page,
    # and ipykernel's compiler, whose cell file names decide how a traceback's code lines are
    # highlighted. A traceback then reads exactly the same by either engine.
    shell = GradingShell.instance(config=config, compiler_class=XCachingCompiler)
    shell.kit_sink = sink
    builtins.input = _no_input
    shell.user_ns["input"] = _no_input
    return shell


def _on_timeout(signum, frame):
    raise CellTimeoutError()


@dataclass(frozen=True)
class CellRun:
    index: int            # position of the cell in the notebook
    execution_count: int
    outputs: list[dict]
    seconds: float


# The executor's own tools, taken when this module is imported (before any student code):
# a cell that replaces the shell's methods, hooks or these modules' functions cannot reach
# how test cells run.
_RUN_CELL = InteractiveShell.run_cell
_SETITIMER, _SIGNAL, _MONOTONIC = signal.setitimer, signal.signal, time.monotonic
_PARSE, _COMPILE, _EXEC, _EVAL = ast.parse, compile, exec, eval
_FORMAT_EXCEPTION = traceback.format_exception


def _error_output(sink: OutputSink, error: BaseException, count: int) -> None:
    """The error output a kernel sends for ``error``, built without the shell's (replaceable) hooks."""
    name = type(error).__name__
    try:
        text = str(error)
    except Exception:  # noqa: BLE001 - an exception whose text cannot be made still fails the cell
        text = ""
    try:
        render = getattr(type(error), "_render_traceback_", None)
        lines = list(render(error)) if render else [
            line.rstrip("\n") for line in _FORMAT_EXCEPTION(type(error), error, error.__traceback__)]
        lines = [str(line) for line in lines]
    except Exception:  # noqa: BLE001
        lines = [f"{name}: {text}"]
    sink.error(name, text, lines)


def run_test_cell(source: str, namespace: dict, sink: OutputSink, count: int, filename: str) -> None:
    """Run one test cell (the kit's own code) straight in the notebook's namespace.

    Not through IPython: no input transformer, AST transformer, custom exception handler,
    ``showtraceback`` or ``run_cell`` that a student cell installed can touch it. An exception
    always leaves its error output; a last expression leaves its value, as a kernel's would
    (nbgrader reads partial credit from it).
    """
    try:
        tree = _PARSE(source, filename)
        last = None
        if tree.body and isinstance(tree.body[-1], ast.Expr) and not source.rstrip().endswith(";"):
            last = ast.Expression(tree.body.pop().value)
        _EXEC(_COMPILE(tree, filename, "exec", dont_inherit=True), namespace)
        if last is not None:
            value = _EVAL(_COMPILE(last, filename, "eval", dont_inherit=True), namespace)
            if value is not None:
                sink.execute_result({"text/plain": repr(value)}, {}, count)
    except CellTimeoutError:
        raise
    except BaseException as error:  # noqa: BLE001 - SystemExit and the rest fail the test cell too
        _error_output(sink, error, count)


def run_cells(cells: list[dict], *, timeout: float, output_limit: int, workdir: Path, channel) -> None:
    """Run the notebook's code cells in order in a new shell, sending each one's run on ``channel``.

    ``cells`` are ``{"index", "source", "test"}``; test cells run on the kit's own path
    (:func:`run_test_cell`), after :class:`autograder.engine.guard.Guard` has put back any tool of
    the tests that a student cell changed. Meant for a freshly forked process: it takes over
    stdout, stderr and their descriptors.
    """
    from autograder.engine.channel import send
    from autograder.engine.guard import Guard

    sink = OutputSink(limit_bytes=output_limit)
    fds = _FdCapture(workdir)
    shell = new_shell(sink)
    namespace = shell.user_ns
    streams = _Stream("stdout", sink), _Stream("stderr", sink)
    guard = Guard()

    def restored() -> list[str]:
        """Put the tests' tools back; report what had been changed."""
        changes = guard.restore()
        if changes:
            send(channel, "integrity", changes)
        return changes

    for cell in cells:
        index, source = cell["index"], cell["source"]
        count = shell.execution_count if type(shell.execution_count) is int else None
        started = _MONOTONIC()
        sys.stdout, sys.stderr = streams
        _SIGNAL(signal.SIGALRM, _on_timeout)
        if cell.get("test"):
            restored()
            shell.execution_count = (count or 0) + 1
        _SETITIMER(signal.ITIMER_REAL, timeout)
        timed_out = False
        try:
            if cell.get("test"):
                run_test_cell(source, namespace, sink, count, f"<test cell {index}>")
            else:
                result = _RUN_CELL(shell, source, store_history=True)
                timed_out = isinstance(result.error_in_exec, CellTimeoutError)
                failed = result.error_before_exec or result.error_in_exec
                if failed and not timed_out and not any(o["output_type"] == "error" for o in sink.outputs):
                    # The cell failed but left no error output (a handler swallowed it): a
                    # kernel reports the failure all the same, and nbgrader counts it.
                    _error_output(sink, failed, count)
        except CellTimeoutError:  # raised outside the cell's own code
            timed_out = True
        finally:
            _SETITIMER(signal.ITIMER_REAL, 0)
        if timed_out:
            _replace_timeout_error(sink, timeout)
        if cell.get("test"):
            # Student code the test called may have changed a tool on the way: put it back
            # before the test's outcome is sent, and do not let the test pass on it.
            changes = restored()
            if changes:
                said = TOOLS_CHANGED_TEXT.format(changes=joined("; ", map(flag_text, changes)))
                sink.error(TOOLS_CHANGED, str(said), [])
        fds.drain(sink)
        run = CellRun(index, count, sink.take(), _MONOTONIC() - started)
        send(channel, "cell", {"index": run.index, "execution_count": run.execution_count,
                               "outputs": run.outputs, "seconds": round(run.seconds, 4)})
    restored()
    send(channel, "end", True)


def _replace_timeout_error(sink: OutputSink, timeout: float) -> None:
    """Name a timeout as nbgrader does (``CellTimeoutError``), with the limit in words."""
    if not any(o["output_type"] == "error" and o["ename"] == "CellTimeoutError" for o in sink.outputs):
        sink.error("CellTimeoutError", "", [])
    for output in sink.outputs:
        if output["output_type"] == "error" and output["ename"] == "CellTimeoutError":
            output["traceback"] = [say(f"CellTimeoutError: the cell ran for more than {timeout:g} s and was "
                                       "interrupted (is there an endless loop?)",
                                       f"CellTimeoutError: 셀이 {timeout:g}초 넘게 실행되어 중단되었습니다 "
                                       "(끝나지 않는 루프가 있나요?)")]


def read_cell_runs(path: Path) -> list[CellRun]:
    """The cells a run reported, in order; a line cut short by a crash is ignored."""
    runs = []
    if not path.exists():
        return runs
    for line in path.read_text(errors="replace").splitlines():
        try:
            record = json.loads(line)
            runs.append(CellRun(record["index"], record["execution_count"], record["outputs"], record["seconds"]))
        except (json.JSONDecodeError, KeyError, TypeError):
            break
    return runs
