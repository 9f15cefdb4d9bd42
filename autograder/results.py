"""Grading results as values: what each test scored and what its message said.

Scores come from nbgrader's gradebook (the numbers formgrader and ``nbgrader export``
use); messages come from the outputs of the test cells in the autograded notebook.
Writers in :mod:`autograder.reports` render these values; nothing here formats output.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

from autograder.course import Course
from autograder.engine.flag_words import flag_text
from autograder.language import EMPTY, Text, as_text, joined
from autograder.notebooks import grade_id, is_autograded_test, read_written
from autograder.submissions import Submission

if TYPE_CHECKING:  # nbgrader (and its preprocessors) is imported where a gradebook is read: the
    from nbgrader.api import Gradebook  # command starts its workers first, and they import torch meanwhile

_ANSI = re.compile(r"\x1b\[[0-9;]*m")

GRADED, REJECTED, FAILED = "graded", "rejected", "failed"
NOT_GRADED = Text("nbgrader could not grade this notebook{detail}. It is kept in submitted/; "
                  "see nbgrader.log in the output folder.",
                  "nbgrader가 이 노트북을 채점하지 못했습니다{detail}. 노트북은 submitted/에 보관되어 있습니다. 출력 폴더의 nbgrader.log를 확인하세요.")
# A test cell's message when the kit, not the cell, has to say what went wrong: in the student's language.
STDERR_MESSAGE = Text("The cell wrote to stderr, which scores 0 in nbgrader: {text}",
                      "셀이 stderr에 출력했습니다. nbgrader에서는 이 경우 0점 처리됩니다: {text}")
BARE_ASSERT = Text("A public assert failed (AssertionError with no message).",
                   "공개 assert가 실패했습니다(메시지 없는 AssertionError).")


@dataclass(frozen=True)
class TestResult:
    grade_id: str
    points: float
    score: float
    message: str = ""
    from_hidden: bool = False   # the message came from a hidden check (CheckFailed)

    @property
    def passed(self) -> bool:
        return self.score >= self.points


@dataclass(frozen=True)
class SubmissionResult:
    student_id: str
    file: str
    status: str
    score: float = 0.0
    max_score: float = 0.0
    manual_max: float = 0.0
    tests: tuple[TestResult, ...] = field(default_factory=tuple)
    # Why it was not graded, or what else to know, in every language: a student's results speak
    # the student's, the reports the TA's. A plain string given here reads the same in both.
    reason: Text = EMPTY
    seconds: float | None = None        # time the notebook ran in a worker
    peak_rss_mb: float | None = None
    flags: tuple[str, ...] = ()         # why a TA should review it (the score stands as computed)
    isolation: tuple[str, ...] = ()          # protections its run got (the kit's engine only)
    isolation_missing: tuple[str, ...] = ()  # protections its run did not get
    written_score: float | None = None  # the written answers' points, once a TA has graded them all

    def __post_init__(self):
        object.__setattr__(self, "reason", as_text(self.reason))

    def test(self, gid: str) -> TestResult:
        return next(t for t in self.tests if t.grade_id == gid)

    @property
    def failed_tests(self) -> list[TestResult]:
        return [t for t in self.tests if not t.passed]

    @property
    def flagged(self) -> bool:
        return bool(self.flags)


def cell_message(cell, language: str = "en") -> str:
    """What a test cell told the student: its error, or its stderr output (the kit's words around
    it in the student's ``language``)."""
    for output in cell.get("outputs", []):
        if output.output_type == "error":
            if output.ename == "CheckFailed":
                return output.evalue
            if output.ename == "AssertionError" and not output.evalue:
                return BARE_ASSERT.in_language(language)
            return _ANSI.sub("", f"{output.ename}: {output.evalue}")
    for output in cell.get("outputs", []):
        if output.output_type == "stream" and output.name == "stderr":
            return STDERR_MESSAGE.in_language(language).format(text=output.text.strip()[:300])
    return ""


def _from_hidden(cell) -> bool:
    from autograder.hidden_feedback import is_hidden_failure

    return any(is_hidden_failure(o) for o in cell.get("outputs", []))


def _messages(course: Course, student: str) -> dict[str, tuple[str, bool]]:
    path = course.autograded_notebook(student)
    if not path.exists():
        return {}
    language = course.student_language
    return {grade_id(c): (cell_message(c, language), _from_hidden(c)) for c in read_written(path).cells
            if is_autograded_test(c)}


_EXCEPTION = re.compile(r"^(?:[A-Za-z_][\w.]*\.)?[A-Z]\w*(?:Error|Exception|Exit|Interrupt|Mismatch)\b.*")
CELL_METADATA = Text("a cell's nbgrader metadata is broken or not the assignment's (often a cell pasted from another "
                     "notebook); copy the answers into a fresh copy of the released notebook",
                     "셀의 nbgrader 메타데이터가 손상되었거나 이 과제의 것이 아닙니다(다른 노트북에서 붙여 넣은 셀인 경우가 많습니다). 배포된 노트북의 새 사본에 답을 옮겨 적으세요")


def _log_error_for(log: str, student: str) -> Text:
    """`` (the exception nbgrader raised for ``student``)``, found in the autograde log."""
    lines = [_ANSI.sub("", ln) for ln in log.splitlines()]
    for i, line in enumerate(lines):
        if "error processing assignment" in line and f"/{student}/" in line:
            block = []
            for following in lines[i + 1:]:
                if following.startswith("[") and "Traceback" not in following:
                    break
                block.append(following.strip())
            exceptions = [b for b in block if _EXCEPTION.match(b)]
            if exceptions:
                detail = exceptions[-1][:200]
                trace = "".join(block)
                # nbgrader's utils read the cells' nbgrader metadata: an error there is a malformed cell's.
                if "nbgrader/utils.py" in trace or "nbgrader" in trace and any(
                        k in detail for k in ("grade_id", "ValidationError", "metadata", "schema")):
                    return Text(" ({}: {})", " ({}: {})").format(detail, CELL_METADATA)
                return as_text(f" ({detail})")
    errors = [ln for ln in lines if "ERROR" in ln or "Error" in ln]
    mine = [ln for ln in errors if f"/{student}/" in ln] or errors
    return as_text(f" ({mine[-1].strip()[:200]})" if mine else "")


def rejected(submission: Submission) -> SubmissionResult:
    return SubmissionResult(submission.student_id, submission.path.name, REJECTED, reason=submission.problem or EMPTY)


def read_result(course: Course, submission: Submission, autograde_log: str = "") -> SubmissionResult:
    """The result of one submission that went through ``nbgrader autograde``."""
    return read_results(course, [submission], autograde_log)[0]


def _maximum(grade_cells, cell_type: str) -> float:
    return float(sum(c.max_score for c in grade_cells if c.cell_type == cell_type))


def points_possible(course: Course) -> tuple[float, float]:
    """The assignment's autograded points and its hand-graded (written answers) points."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gb:
        cells = gb.find_notebook(course.assignment.notebook, course.assignment.name).grade_cells
        return _maximum(cells, "code"), _maximum(cells, "markdown")


def read_results(course: Course, submissions: list[Submission], autograde_log: str = "") -> list[SubmissionResult]:
    """The results of submissions that went through ``nbgrader autograde``, read in one session
    of the gradebook (a batch's worth in well under a second)."""
    from nbgrader.api import Gradebook

    names = (course.assignment.notebook, course.assignment.name)
    with Gradebook(course.db_url) as gb:
        notebook = gb.find_notebook(*names)
        manual_max = _maximum(notebook.grade_cells, "markdown")
        code_cells = [c for c in notebook.grade_cells if c.cell_type == "code"]
        return [_result(gb, course, s, names, manual_max, code_cells, autograde_log) for s in submissions]


def results_in_order(course: Course, submissions: list[Submission], autograde_log: str = "") -> list[SubmissionResult]:
    """One result per submission, in order: read from the gradebook for the gradable ones, the
    refusal for the others."""
    gradable = [s for s in submissions if s.gradable]
    read = iter(read_results(course, gradable, autograde_log) if gradable else ())
    return [next(read) if s.gradable else rejected(s) for s in submissions]


def _result(gb: Gradebook, course: Course, submission: Submission, names: tuple[str, str], manual_max: float,
            code_cells: list, autograde_log: str) -> SubmissionResult:
    from nbgrader.api import MissingEntry

    student = submission.student_id
    try:
        graded = gb.find_submission_notebook(*names, student)
    except MissingEntry:
        graded = None
    if graded is None or not course.autograded_notebook(student).exists():
        return SubmissionResult(student, submission.path.name, FAILED, manual_max=manual_max,
                                reason=NOT_GRADED.format(detail=_log_error_for(autograde_log, student)))
    messages = _messages(course, student)
    scores = {grade.name: grade.score for grade in graded.grades}
    tests = []
    for cell in code_cells:
        message, hidden = messages.get(cell.name, ("", False))
        tests.append(TestResult(cell.name, float(cell.max_score), float(scores[cell.name]), message, hidden))
    order = {gid: i for i, gid in enumerate(messages)}
    tests.sort(key=lambda t: order.get(t.grade_id, len(order)))
    written = [grade for grade in graded.grades if grade.cell_type == "markdown"]
    written_score = float(sum(grade.score for grade in written)) \
        if written and not any(grade.needs_manual_grade for grade in written) else None
    return SubmissionResult(student, submission.path.name, GRADED, float(graded.code_score),
                            float(graded.max_code_score), float(manual_max), tuple(tests),
                            reason=submission.note or EMPTY, written_score=written_score)


FLAGGED = Text("flagged for review: {flags}", "검토 대상으로 표시됨: {flags}")
STOPPED_EARLY = Text("Stopped early: {why}", "중간에 중단됨: {why}")


def with_run(result: SubmissionResult, record) -> SubmissionResult:
    """The result with what the worker saw: time, memory, why a notebook stopped early, and
    what flags it for review (its score stands; a TA decides)."""
    stopped = record.stopped and STOPPED_EARLY.format(why=record.stopped)
    flags = tuple(record.flags)
    flagged = flags and FLAGGED.format(flags=joined("; ", map(flag_text, flags)))
    reason = joined("; ", (flagged, result.reason, stopped, *record.notes))
    got = record.isolation if isinstance(record.isolation, dict) else {}
    return replace(result, seconds=record.seconds, peak_rss_mb=record.peak_rss_mb, reason=reason, flags=flags,
                   isolation=tuple(got.get("applied", ())), isolation_missing=tuple(got.get("missing", ())))


ISOLATION_ALL, ISOLATION_NONE = Text("all", "전체"), Text("none", "없음")
ISOLATION_MISSING = Text("missing: {missing}", "빠진 항목: {missing}")


def isolation_summary(result: SubmissionResult, language: str = "en") -> str:
    """The isolation a submission's run had, in a few words of ``language``: ``all`` protections,
    what was missing (the protections' own names as the sandbox gives them), or ``none`` (a plain
    nbgrader kernel, or a run that never started)."""
    if result.status != GRADED:
        return ""
    if result.isolation_missing:
        return ISOLATION_MISSING.in_language(language).format(missing="; ".join(result.isolation_missing))
    return (ISOLATION_ALL if result.isolation else ISOLATION_NONE).in_language(language)
