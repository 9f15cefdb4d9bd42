"""A submission made ready to run, by nbgrader's own sanitizing steps.

``nbgrader autograde`` first sanitizes a notebook (outputs cleared, duplicate cells dropped,
test cells, hidden tests included, restored from the gradebook, deleted ones put back) and
then executes it. The kit's workers run those same steps, from the course's configuration,
on the submitted notebook, then execute the result. The replay pass later sanitizes again
inside nbgrader's converter and checks each cell is the one that ran, so a difference
cannot go unnoticed.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbgrader.converters import Autograde
from nbgrader.coursedir import CourseDirectory
from nbgrader.preprocessors import CheckCellMetadata
from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder import ASSIGNMENT, NOTEBOOK
from autograder.notebooks import is_autograded_test


def course_config(course_root: Path) -> Config:
    return PyFileConfigLoader("nbgrader_config.py", path=str(course_root)).load_config()


def sanitize_steps(config: Config) -> list:
    """The course's ``Autograde.sanitize_preprocessors``, instantiated with its configuration.

    ``CheckCellMetadata`` only validates (it changes nothing); it is left to nbgrader's own
    pass, which fails an invalid notebook exactly as ``nbgrader autograde`` does.
    """
    converter = Autograde(coursedir=CourseDirectory(config=config), config=config)
    return [step(config=config) for step in converter.sanitize_preprocessors if step is not CheckCellMetadata]


def prepared_cells(submitted: Path, student: str, db_url: str, steps: list) -> list[dict]:
    """``[{"index", "source", "test"}]`` of the code cells nbgrader would execute, in order."""
    nb = nbformat.read(str(submitted), as_version=nbformat.NO_CONVERT)
    nb = nbformat.convert(nb, 4)
    resources = {"nbgrader": {"db_url": db_url, "assignment": ASSIGNMENT, "notebook": NOTEBOOK, "student": student}}
    for step in steps:
        nb, resources = step.preprocess(nb, resources)
    return [{"index": i, "source": c.source, "test": is_autograded_test(c)} for i, c in enumerate(nb.cells)
            if c.cell_type == "code" and c.source.strip()]
