"""A submission made ready to run, by nbgrader's own sanitizing steps.

``nbgrader autograde`` first sanitizes a notebook (outputs cleared, duplicate cells dropped,
test cells, hidden tests included, restored from the gradebook, deleted ones put back) and
then executes it. nbgrader's side of a batch (:mod:`autograder.engine.replay`) runs those same
steps, from the course's configuration, on the submitted notebook before a worker runs it,
and keeps the result where student code cannot reach it; a worker is sent only its code
cells, and the replay later grades that same notebook instead of sanitizing it a second time.
So a worker never opens the gradebook, and needs nothing of the course's files.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from traitlets.config import Config

from autograder.engine import nbgrader_changes


def sanitize_steps(config: Config) -> list:
    """The course's ``Autograde.sanitize_preprocessors``, instantiated with its configuration.

    ``CheckCellMetadata`` only validates (it changes nothing); it is left to nbgrader's own
    pass, which fails an invalid notebook exactly as ``nbgrader autograde`` does.
    """
    nbgrader_changes.require_supported_nbgrader()
    from nbgrader.converters import Autograde
    from nbgrader.coursedir import CourseDirectory
    from nbgrader.preprocessors import CheckCellMetadata

    converter = Autograde(coursedir=CourseDirectory(config=config), config=config)
    return [step(config=config) for step in converter.sanitize_preprocessors if step is not CheckCellMetadata]


def prepared_notebook(submitted: Path, student: str, db_url: str, steps: list, assignment: str, notebook: str):
    """The submitted notebook after the course's sanitizing steps: what nbgrader would execute."""
    nb = nbformat.read(str(submitted), as_version=nbformat.NO_CONVERT)
    nb = nbformat.convert(nb, 4)
    # The resources nbgrader's converter gives its steps (nbgrader.converters.base.init_single_notebook_resources).
    resources = {"nbgrader": {"db_url": db_url, "assignment": assignment, "notebook": notebook, "student": student}}
    for step in steps:
        nb, resources = step.preprocess(nb, resources)
    return nb
