"""The course's step that puts test cells back as the instructor wrote them, set in
``nbgrader_config.py`` in place of nbgrader's ``OverwriteCells`` (both engines, and a TA's own
``nbgrader autograde``).

nbgrader's ``OverwriteCells`` restores every locked cell from the gradebook and warns
"Attribute 'checksum' for cell ... has changed!" whenever the submitted cell differs. A test cell
with hidden tests always differs: the release leaves the hidden tests out and the gradebook holds
them. So every notebook printed one warning per such cell (23 for this assignment), and a TA could
not tell those from a student who edited a test. :class:`RestoreTestCells` restores exactly as
nbgrader does, and stays quiet only when the submitted cell is the released one, i.e. the
gradebook's cell with its hidden tests removed; any other change is still reported.
"""

from __future__ import annotations

from nbformat import NotebookNode
from nbgrader.api import MissingEntry
from nbgrader.preprocessors import ClearHiddenTests, OverwriteCells


class RestoreTestCells(OverwriteCells):
    """nbgrader's ``OverwriteCells``, without the warning for a test cell handed in as released."""

    def preprocess_cell(self, cell, resources, cell_index):
        self._as_released = self._is_as_released(cell)
        return super().preprocess_cell(cell, resources, cell_index)

    def _is_as_released(self, cell) -> bool:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id")
        if grade_id is None:
            return False
        try:
            source = self.gradebook.find_source_cell(grade_id, self.notebook_id, self.assignment_id)
        except MissingEntry:
            return False
        released = NotebookNode(source=source.source)
        try:  # the course's own delimiters, as generate_assignment removed them
            self._hidden_tests()._remove_hidden_test_region(released)
        except RuntimeError:
            return False
        return released.source == cell.source and cell.cell_type == source.cell_type

    def _hidden_tests(self) -> ClearHiddenTests:
        if getattr(self, "_hider", None) is None:
            self._hider = ClearHiddenTests(config=self.config)
        return self._hider

    def report_change(self, name, attr, old, new) -> None:
        if attr == "checksum" and getattr(self, "_as_released", False):
            self.log.debug("Cell %s: hidden tests restored from the gradebook", name)
            return
        super().report_change(name, attr, old, new)
