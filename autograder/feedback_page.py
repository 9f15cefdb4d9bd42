"""What the course's feedback page adds to nbgrader's, set in ``nbgrader_config.py`` (so a TA's own
``nbgrader generate_feedback`` and the kit's ``grade`` write the same page).

:class:`NotYetGraded`: nbgrader counts an answer nobody has graded yet as 0, and its page says
"Score: 0.0 / 3.0" beside a written answer the TA has not read, which a student reads as a zero.
The kit writes feedback as soon as a notebook is autograded, before any hand-grading, so each
such answer says it is not graded yet, and a note at the top says the total does not count it.
Once a TA grades it in formgrader, the page is nbgrader's own again.

:class:`FeedbackStep`: the base of the kit's steps that run in ``GenerateFeedback``.
"""

from __future__ import annotations

import functools
from pathlib import Path

from nbformat.v4 import new_markdown_cell
from traitlets import List

from nbgrader.api import Gradebook
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_task

from autograder.language import DEFAULT, Text, for_students

MARKDOWN_NOTE = Text(
    '<div class="alert alert-info">Not graded yet: your TA grades this answer by hand. Until then '
    'nbgrader shows 0 points for it; that is a placeholder, not your mark.</div>\n\n',
    '<div class="alert alert-info">아직 채점 전입니다: 이 답은 TA가 직접 채점합니다. 그때까지 nbgrader는 '
    '0점으로 표시하지만, 이는 자리를 채우는 값일 뿐 여러분의 점수가 아닙니다.</div>\n\n')
CODE_NOTE = Text("# Not graded yet: your TA grades this cell by hand; the 0 shown until then is not your mark.\n",
                 "# 아직 채점 전입니다: 이 셀은 TA가 직접 채점합니다. 그때까지 보이는 0점은 여러분의 점수가 아닙니다.\n")
PAGE_NOTE = Text("**Not graded yet: {answers}, worth {points:g} points, {verb} graded by hand.** The score above "
                 "counts your autograded tests only; each answer still to grade is marked below.",
                 "**아직 채점 전: {answers}({points:g}점)은 TA가 직접 채점합니다.** 위의 점수는 자동 채점된 "
                 "테스트만 합친 것입니다. 아직 채점할 답은 아래에 각각 표시되어 있습니다.")
PAGE_NOTE_ID = "not-yet-graded"


def page_language(config, assignment: str) -> str:
    """What a student of ``assignment`` reads the kit's words in: the course's language where it sets
    one (``c.Messages.language``, or the kit's environment), else the assignment manifest's."""
    from nbgrader.coursedir import CourseDirectory

    course = CourseDirectory(config=config)
    folder = str(Path(course.root, course.source_directory, assignment))
    return for_students(config.get("Messages", {}).get("language"), _manifest_language(folder))


@functools.lru_cache(maxsize=16)
def _manifest_language(folder: str) -> str:
    from autograder.engine.manifest import ManifestProblem, load

    try:
        return load(Path(folder)).language
    except ManifestProblem:
        return DEFAULT


class FeedbackStep(NbGraderPreprocessor):
    """A step of the course's ``GenerateFeedback``. nbconvert's HTML exporter configures each step
    with its ``display_data_priority``; nbgrader's base class has that setting but not as
    configurable, so every feedback command warned that the kit's steps do not recognise it.
    Declared as nbgrader's own ``GetGrades`` declares it."""

    display_data_priority = List(GetGrades.display_data_priority.default_value, config=True)


def _answers(count: int, language: str) -> str:
    if language == "ko":
        return f"답 {count}개"
    return "1 answer" if count == 1 else f"{count} answers"


class NotYetGraded(FeedbackStep):
    """Marks each graded cell that no one has scored yet (a written answer before hand-grading)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
        language = page_language(self.config, info["assignment"])
        pending = []
        with Gradebook(info["db_url"]) as gradebook:
            for cell in nb.cells:
                if not (is_grade(cell) or is_task(cell)):
                    continue
                grade = gradebook.find_grade(cell.metadata["nbgrader"]["grade_id"], info["notebook"],
                                             info["assignment"], info["student"])
                if grade.auto_score is None and grade.manual_score is None:
                    pending.append((cell, grade.max_score))
        for cell, _ in pending:
            note = MARKDOWN_NOTE if cell.cell_type == "markdown" else CODE_NOTE
            cell.source = note.in_language(language) + cell.source
        if pending:
            points = sum(max_score for _, max_score in pending)
            note = new_markdown_cell(PAGE_NOTE.in_language(language).format(
                answers=_answers(len(pending), language), points=points, verb="is" if len(pending) == 1 else "are"))
            if "id" in nb.cells[0]:
                note.id = PAGE_NOTE_ID  # fixed: a page is the same each time it is written
            else:
                note.pop("id", None)
            nb.cells.insert(0, note)
        return nb, resources
