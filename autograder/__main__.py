import sys

from autograder.engine import nbgrader_changes

# This process runs no student code: it skips what nbformat's schema checks never use.
nbgrader_changes.skip_unused_imports()

from autograder.cli import main  # noqa: E402

sys.exit(main())
