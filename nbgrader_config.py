"""nbgrader configuration: this repository's root is the course directory.

Loaded by every nbgrader command run from here (the kit's CLI runs nbgrader from the
course directory too). Besides nbgrader's own settings it prepares the environment that
the grading kernels inherit, because nbgrader gives no other way to pass it to them.
"""

import os
import sys

c = get_config()  # noqa: F821 - injected by traitlets

c.CourseDirectory.course_id = "lstm_gru_kit"
c.CourseDirectory.source_directory = "solutions"
c.CourseDirectory.release_directory = "assignments"
c.CourseDirectory.db_assignments = [dict(name="lstm_gru")]

# The stub students see in place of each solution region.
c.ClearSolutions.code_stub = {"python": "# YOUR CODE HERE\nraise NotImplementedError()"}
c.ClearSolutions.text_stub = "YOUR ANSWER HERE"

# Per-cell limit. The slowest test cell trains a tagger for about 2 s on 2 cores; the
# limit leaves room for a slow machine without letting an infinite loop stall a batch.
c.Execute.timeout = 120
# A cell writing to stderr scores 0, so drop the known, harmless warnings here.
c.IgnorePattern.pattern = r"Matplotlib is building the font cache|UserWarning: .*(?:Glyph|FigureCanvasAgg)"
# A deleted test cell comes back from the gradebook instead of silently costing nothing.
c.OverwriteCells.add_missing_cells = True
# Feedback can withhold what hidden tests said (`python -m autograder grade --hidden-messages
# hidden` sets WithholdHiddenMessages.withhold); by default it shows everything, as nbgrader does.
from nbconvert.preprocessors import ClearMetadataPreprocessor, CSSHTMLHeaderPreprocessor  # noqa: E402
from nbgrader.preprocessors import (AssignLatePenalties, CheckCellMetadata, Execute, GetGrades,  # noqa: E402
                                    IgnorePattern, LimitOutput, SaveAutoGrades)

from autograder.hidden_feedback import WithholdHiddenMessages  # noqa: E402
from autograder.output_rules import KeepPassingWarnings, SafeOutputs  # noqa: E402

# nbgrader's own autograde steps, in its order, with two of the kit's (autograder/output_rules.py):
# Python warnings in a passing test cell do not cost its points (before the grades are saved),
# and nothing in a notebook can run in the browser of the TA or student who views it.
c.Autograde.autograde_preprocessors = [Execute, IgnorePattern, KeepPassingWarnings, ClearMetadataPreprocessor,
                                       LimitOutput, SaveAutoGrades, SafeOutputs, AssignLatePenalties,
                                       CheckCellMetadata]
c.GenerateFeedback.preprocessors = [GetGrades, WithholdHiddenMessages, SafeOutputs, CSSHTMLHeaderPreprocessor]

# The environment of the grading kernels, set for nbgrader and inherited by every kernel:
# - one thread and a fixed hash seed, so scores are the same on every run and machine;
# - this environment's bin/ on PATH, because creating a gradebook runs the `alembic`
#   found on PATH, which fails when nbgrader runs as `.venv/bin/python -m nbgrader`;
# - MPLBACKEND, so plots never try to open a window.
os.environ["OMP_NUM_THREADS"] = "1"
os.environ["MKL_NUM_THREADS"] = "1"
os.environ["PYTHONHASHSEED"] = "0"
os.environ.setdefault("MPLBACKEND", "Agg")
_bin = os.path.dirname(sys.executable)
if _bin not in os.environ.get("PATH", "").split(os.pathsep):
    os.environ["PATH"] = _bin + os.pathsep + os.environ.get("PATH", "")
# Kernels resolve "python3" through JUPYTER_PATH first: point it at the kernel spec that
# the set-up installs into this environment, so a user-wide "python3" spec for another
# interpreter (without torch) cannot be picked up instead.
_share = os.path.join(sys.prefix, "share", "jupyter")
if _share not in os.environ.get("JUPYTER_PATH", "").split(os.pathsep):
    os.environ["JUPYTER_PATH"] = os.pathsep.join(p for p in (_share, os.environ.get("JUPYTER_PATH")) if p)
