"""A submission made ready to run, by nbgrader's own sanitizing pass.

``nbgrader autograde`` converts a notebook twice: a sanitizing pass (outputs cleared, duplicate
cells dropped, test cells, hidden tests included, restored from the gradebook, deleted ones put
back, the cells' nbgrader metadata checked) writes the notebook it then executes and grades in
a second pass. nbgrader's side of a batch (:mod:`autograder.engine.replay`) runs that first pass
here, with nbgrader's exporter and the course's steps, before a worker runs the notebook, and
keeps what it writes where student code cannot reach it; a worker is sent only its code cells,
and the replay's autograde later takes that same text as its first pass's output instead of
sanitizing the notebook a second time. So a worker never opens the gradebook, and needs
nothing of the course's files.
"""

from __future__ import annotations

from pathlib import Path

from autograder.engine import nbgrader_changes


def sanitizing_exporter(app):
    """nbgrader's exporter with the steps of autograde's sanitizing pass, as the course configures
    them (``Autograde.sanitize_preprocessors``, ``CheckCellMetadata`` included), made the way
    nbgrader's ``Autograde`` converter makes them for ``app`` (an nbgrader app of the course)."""
    nbgrader_changes.require_supported_nbgrader()
    from nbgrader.converters import Autograde

    converter = Autograde(coursedir=app.coursedir, parent=app)
    converter.exporter = converter.exporter_class(parent=converter, config=converter.config)  # as its start() does
    converter._sanitizing = True  # noqa: SLF001 - nbgrader 0.9.6's switch between its two passes
    converter._init_preprocessors()  # noqa: SLF001
    return converter.exporter


def sanitized(exporter, submitted: Path, student: str, db_url: str, assignment: str) -> str:
    """The submitted notebook as autograde's sanitizing pass writes it: what nbgrader would execute."""
    # The resources nbgrader's converter gives its steps (nbgrader.converters.base.init_single_notebook_resources).
    resources = {"nbgrader": {"student": student, "assignment": assignment, "notebook": Path(submitted).stem,
                              "db_url": db_url}}
    output, _ = exporter.from_filename(str(submitted), resources=resources)
    return output
