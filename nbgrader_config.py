"""nbgrader configuration: this repository's root is the course directory.

Loaded by every nbgrader command run from here, and once per batch by the kit
(``autograder.engine.config``), which hands it to its workers. nbgrader's settings only:
loading it changes nothing else (the grading environment comes with the kernel spec named
below, and from the code that starts the kit's processes).
"""

import os

import autograder.assignments

c = get_config()  # noqa: F821 - injected by traitlets

c.CourseDirectory.course_id = "lstm_gru_kit"
# One folder per assignment (autograder/assignments/<name>/): its source notebook beside the
# Python its hidden tests call. nbgrader releases the notebooks; the manifest, the checks,
# the data, the reference solution and the tutorial's code (for the similarity report) stay on
# the grader's side. Named by where the kit is
# installed, so any course directory holding this file grades the kit's assignments.
c.CourseDirectory.source_directory = os.path.dirname(autograder.assignments.__file__)
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.ignore = [".ipynb_checkpoints", "*.pyc", "__pycache__", "feedback",
                            "*.py", "*.toml", "*.json", "*.txt", "*.csv", "checks"]

# The stub students see in place of each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell limit. The slowest test cell trains a tagger for about 2 s on 2 cores; the
# limit leaves room for a slow machine without letting an infinite loop stall a batch.
c.Execute.timeout = 120
# The kit's kernel spec (`make` installs it: python -m autograder.engine.config install-kernel):
# this environment's Python with one thread and a fixed hash seed, so scores are the same on
# every run and machine, whichever "python3" a user has installed elsewhere.
c.Execute.kernel_name = "homework-kit"
# A cell writing to stderr scores 0, so drop the known, harmless warnings here.
c.IgnorePattern.pattern = r"Matplotlib is building the font cache|UserWarning: .*(?:Glyph|FigureCanvasAgg)"
# Formgrader's "Manage Assignments" page would try to show this configuration as JSON, which it is
# not (it names classes), and warn "Formgrader config is not serializable" on every visit.
c.FormgradeExtension.debug = False
# A deleted test cell comes back from the gradebook instead of silently costing nothing.
c.OverwriteCells.add_missing_cells = True
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, ClearOutput, DeduplicateIds,  # noqa: E402
                                    Execute, GetGrades, IgnorePattern, LimitOutput, OverwriteKernelspec, SaveAutoGrades)

from autograder.feedback_page import NotYetGraded  # noqa: E402
from autograder.hidden_feedback import WithholdHiddenMessages  # noqa: E402
from autograder.output_rules import KeepPassingWarnings, SafeOutputs  # noqa: E402
from autograder.sanitizing import RestoreTestCells  # noqa: E402

# nbgrader's own autograde steps, in its order, with two of the kit's (autograder/output_rules.py):
# Python warnings in a passing test cell do not cost its points (before the grades are saved),
# and nothing in a notebook can run in the browser of the TA or student who views it.
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, KeepPassingWarnings, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, SafeOutputs, AssignLatePenalties,
                                       CheckCellMetadata]
# nbgrader's sanitizing steps, in its order, with its OverwriteCells in the kit's words
# (autograder/sanitizing.py): test cells restored exactly as nbgrader restores them, warning only
# when a student changed one, not for every cell whose hidden tests come back.
c.Autograde.sanitize_preprocessors = [ClearOutput, DeduplicateIds, OverwriteKernelspec, RestoreTestCells, CheckCellMetadata]
# Feedback: an answer nobody has graded yet says so instead of showing a bare 0
# (autograder/feedback_page.py); what hidden tests said can be withheld (`python -m autograder
# grade --hidden-messages hidden` sets WithholdHiddenMessages.withhold); by default it shows
# everything, as nbgrader does.
c.GenerateFeedback.preprocessors = [GetGrades, NotYetGraded, WithholdHiddenMessages, SafeOutputs,
                                    CSSHTMLHeaderPreprocessor]
