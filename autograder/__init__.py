"""The LSTM & GRU homework kit: hidden-test checks, data and the grading pipeline.

Hidden test cells in the assignment call the checks in :mod:`autograder.assignments.lstm_gru.checks`; the rest
of the package drives nbgrader over a course directory (see :mod:`autograder.cli`).
"""

ASSIGNMENT = "lstm_gru"
NOTEBOOK = "lstm_gru"
