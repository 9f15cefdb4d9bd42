"""The LSTM & GRU homework kit: its assignments, the grading engine, and the course around them.

* :mod:`autograder.assignments`: one folder per homework (source notebook, manifest, the
  hidden checks its test cells call, data, reference solution);
* :mod:`autograder.engine`: the fast, sandboxed grader, which names no assignment;
* the course and its reports: :mod:`autograder.course` (nbgrader's commands),
  :mod:`autograder.grading` (a folder in, reports out), :mod:`autograder.cli`.
"""
