"""Hidden-test checks, one module per part of the notebook.

Each check takes the notebook's namespace (``globals()`` in the test cell), reads the
student's names from it, and raises :class:`autograder.feedback.CheckFailed` with a
message for the student, or returns quietly. Checks write nothing to stderr: any stderr
output would zero the test cell in nbgrader.
"""
