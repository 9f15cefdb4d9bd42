"""``make demo``: the bundled example submissions graded in a course directory of their own.

The repository root is the course directory a TA uses (its formgrader, its ``nbgrader export``),
so the demo does not grade there: it keeps a course of its own in ``demo/`` (git-ignored), whose
``nbgrader_config.py`` is the kit's, written afresh on every run, and whose reports land in
``demo/grading/``. Deleting ``demo/`` removes every trace of it.
"""

from __future__ import annotations

import sys
from pathlib import Path

from autograder.engine import nbgrader_changes

nbgrader_changes.skip_unused_imports()  # as `python -m autograder` does, before anything imports jsonschema

from autograder.course import kit_root, scratch_course  # noqa: E402

EXAMPLES = Path("examples") / "submissions"


def main(argv: list[str] | None = None) -> int:
    """Grade the examples in the course directory ``argv[0]`` (default ``demo/``)."""
    from autograder import cli

    args = sys.argv[1:] if argv is None else argv
    into = Path(args[0]) if args else kit_root() / "demo"
    course = scratch_course(into)
    print(f"Grading the example submissions in the demo's own course directory, {into}/ "
          "(the repository's course directory is left as it was).")
    return cli.main(["grade", str(kit_root() / EXAMPLES), "--course-dir", str(course.root)])


if __name__ == "__main__":
    sys.exit(main())
