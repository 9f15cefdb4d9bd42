"""Feedback HTML with the hidden tests' messages withheld, when a course chooses so.

nbgrader's ``generate_feedback`` renders the autograded notebook as it is: the hidden test
regions and their failure messages (with a traceback into the checks) are all shown. Some
courses release those only after the deadline. This preprocessor, which the course's
``nbgrader_config.py`` puts into ``GenerateFeedback``, does nothing unless
``WithholdHiddenMessages.withhold`` is set (``python -m autograder grade --hidden-messages
hidden`` sets it); then each hidden test region's code is replaced by one comment, and a
failed hidden check's message and traceback by :data:`HIDDEN_MESSAGE`. Public asserts and
their messages are always shown, and scores are never touched.
"""

from __future__ import annotations

from nbformat.v4 import new_output
from traitlets import Bool

from autograder.feedback_page import FeedbackStep, page_language
from autograder.language import Text

# What a student reads in place of a hidden test's message (feedback and results.json).
HIDDEN_MESSAGE = Text("A hidden test failed; your instructor has chosen not to show its message yet.",
                      "숨겨진 테스트가 실패했습니다. 담당 교수자가 이 메시지를 아직 공개하지 않기로 했습니다.")
HIDDEN_CODE = "# hidden tests (not shown)"
BEGIN, END = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"


def without_hidden_code(source: str) -> str:
    """``source`` with each hidden test region replaced by :data:`HIDDEN_CODE`."""
    kept, inside = [], False
    for line in source.splitlines():
        if line.strip() == BEGIN:
            inside = True
            kept.append(HIDDEN_CODE)
        elif line.strip() == END:
            inside = False
        elif not inside:
            kept.append(line)
    return "\n".join(kept)


def is_hidden_failure(output) -> bool:
    """An error raised by a hidden check (the checks raise ``CheckFailed``; public asserts do not)."""
    return output.get("output_type") == "error" and output.get("ename") == "CheckFailed"


class WithholdHiddenMessages(FeedbackStep):
    withhold = Bool(False, help="Replace hidden test code and messages in the feedback.").tag(config=True)

    def preprocess_cell(self, cell, resources, index):
        if not self.withhold or cell.cell_type != "code" or BEGIN not in cell.source:
            return cell, resources
        cell.source = without_hidden_code(cell.source)
        withheld = HIDDEN_MESSAGE.in_language(page_language(self.config, resources["nbgrader"]["assignment"]))
        cell.outputs = [new_output("stream", name="stdout", text=withheld + "\n") if is_hidden_failure(o) else o
                        for o in cell.outputs]
        return cell, resources
