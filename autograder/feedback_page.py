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

from nbformat.v4 import new_markdown_cell
from traitlets import List

from nbgrader.api import Gradebook
from nbgrader.preprocessors import GetGrades, NbGraderPreprocessor
from nbgrader.utils import is_grade, is_task

MARKDOWN_NOTE = ('<div class="alert alert-info">Not graded yet: your TA grades this answer by hand. Until then '
             'nbgrader shows 0 points for it; that is a placeholder, not your mark.</div>\n\n')
CODE_NOTE = "# Not graded yet: your TA grades this cell by hand; the 0 shown until then is not your mark.\n"
PAGE_NOTE = ("**Not graded yet: {answers}, worth {points:g} points, {verb} graded by hand.** The score above "
             "counts your autograded tests only; each answer still to grade is marked below.")
PAGE_NOTE_ID = "not-yet-graded"


class FeedbackStep(NbGraderPreprocessor):
    """A step of the course's ``GenerateFeedback``. nbconvert's HTML exporter configures each step
    with its ``display_data_priority``; nbgrader's base class has that setting but not as
    configurable, so every feedback command warned that the kit's steps do not recognise it.
    Declared as nbgrader's own ``GetGrades`` declares it."""

    display_data_priority = List(GetGrades.display_data_priority.default_value, config=True)


def _answers(count: int) -> str:
    return "1 answer" if count == 1 else f"{count} answers"


class NotYetGraded(FeedbackStep):
    """Marks each graded cell that no one has scored yet (a written answer before hand-grading)."""

    def preprocess(self, nb, resources):
        info = resources["nbgrader"]
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
            cell.source = (MARKDOWN_NOTE if cell.cell_type == "markdown" else CODE_NOTE) + cell.source
        if pending:
            points = sum(max_score for _, max_score in pending)
            note = new_markdown_cell(PAGE_NOTE.format(answers=_answers(len(pending)), points=points,
                                                      verb="is" if len(pending) == 1 else "are"))
            if "id" in nb.cells[0]:
                note.id = PAGE_NOTE_ID  # fixed: a page is the same each time it is written
            else:
                note.pop("id", None)
            nb.cells.insert(0, note)
        return nb, resources
