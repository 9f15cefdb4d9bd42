"""The kit's assignments, one folder each (the folder's name is nbgrader's assignment id).

A folder holds everything one homework is: its source notebook (solutions, public and hidden
tests, as nbgrader reads it), an ``assignment.toml`` manifest the grading engine reads, and
the Python its hidden tests call (checks, data, reference solution, mistake catalogue). The
course's ``nbgrader_config.py`` makes this folder nbgrader's source directory; nbgrader
releases the notebooks only (the rest stays on the grader's side, see ``CourseDirectory.ignore``
there). The README's "Adding an assignment" says how a course adds its own.
"""

# The homework `grade`, `release` and `validate` work on when no --assignment is given.
DEFAULT = "lstm_gru"
