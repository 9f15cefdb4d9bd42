"""The kit's changes to nbgrader and nbconvert that remember work (``autograder.engine.nbgrader_changes``)
give what the unchanged functions give, case by case, including the cases they must not remember."""

from __future__ import annotations

import copy

import jsonschema
import pytest
from nbconvert.exporters import HTMLExporter

from autograder.engine import nbgrader_changes

SCHEMA = {"type": "object", "properties": {"points": {"type": "number", "minimum": 0}}, "required": ["points"]}
OTHER = {"type": "object", "properties": {"grade_id": {"type": "string"}}, "required": ["grade_id"]}


def _error(function, instance, schema):
    try:
        function(instance, schema)
    except jsonschema.ValidationError as error:
        return error.message
    return None


def test_metadata_is_validated_as_jsonschema_validates_it_whichever_schema_comes_next():
    """The same schema object cell after cell, then another, then an equal copy of the first:
    each answer is jsonschema's own."""
    instances = [{"points": 1}, {"points": -1}, {}, {"grade_id": "a"}, {"grade_id": 3}, {"points": "2"}]
    for schema in (SCHEMA, SCHEMA, OTHER, copy.deepcopy(SCHEMA), OTHER):
        for instance in instances:
            assert _error(nbgrader_changes.validate, instance, schema) == _error(jsonschema.validate, instance, schema)
    assert _error(nbgrader_changes.validate, {"points": -1}, SCHEMA) == "-1 is less than the minimum of 0"
    assert _error(nbgrader_changes.validate, {"grade_id": 3}, OTHER) == "3 is not of type 'string'"


def _page_markdown(exporter: HTMLExporter, source: str, attachments: dict, path: str = "") -> str:
    """What the exporter's ``markdown2html`` filter writes for one markdown cell."""
    template = exporter.environment.from_string("{{ cell.source | markdown2html }}")
    return template.render(cell={"source": source, "attachments": attachments}, resources={"metadata": {"path": path}})


PIXEL = "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg=="


@pytest.fixture
def remembering(monkeypatch):
    monkeypatch.setattr(HTMLExporter, "markdown2html", HTMLExporter.markdown2html)  # put back after the test
    unchanged = {case: _page_markdown(HTMLExporter(**options), *arguments) for case, (options, arguments) in CASES.items()}
    nbgrader_changes.remember_markdown()
    return unchanged


CASES = {
    "plain": ({}, ("# Part 1\n\nFeed `inputs` to **`lstm`**.", {})),
    "attachment": ({}, ("![curve](attachment:a.png)", {"a.png": {"image/png": PIXEL}})),
    "another attachment": ({}, ("![curve](attachment:a.png)", {"a.png": {"image/jpeg": PIXEL}})),
    "anchors": ({"anchor_link_text": "#"}, ("# Part 1", {})),
}


def test_markdown_cells_are_written_as_nbconvert_writes_them_when_remembered(remembering):
    for case, (options, arguments) in CASES.items():
        exporter = HTMLExporter(**options)
        assert _page_markdown(exporter, *arguments) == _page_markdown(exporter, *arguments) == remembering[case], case
    # The same source with other attachments, or other exporter settings, is not the same page.
    assert remembering["attachment"] != remembering["another attachment"]
    assert "data:image/jpeg" in remembering["another attachment"]
    assert remembering["anchors"] != _page_markdown(HTMLExporter(), "# Part 1", {})


def test_an_embedded_image_is_read_from_each_students_folder_every_time(remembering, tmp_path):
    """With images embedded, the same cell shows each folder's own file: nothing is remembered."""
    pages = []
    for student, colour in (("ada", b"first"), ("ben", b"second")):
        folder = tmp_path / student
        folder.mkdir()
        (folder / "curve.png").write_bytes(colour)
        pages.append(_page_markdown(HTMLExporter(embed_images=True), "![curve](curve.png)", {}, str(folder)))
    assert "Zmlyc3Q=" in pages[0] and "c2Vjb25k" in pages[1]  # base64 of each folder's own bytes


def test_a_notebook_the_kit_wrote_is_read_as_nbformat_reads_it(tmp_path):
    """The prepared and autograded notebooks are read without validating them again: the same
    cells; a notebook of another version is still converted as nbformat converts it."""
    import nbformat
    from nbformat.v3 import new_code_cell as v3_code_cell, new_notebook as v3_notebook, new_worksheet

    from autograder.notebooks import read, read_written
    from tests.builders import EXAMPLES

    read_ones = 0
    for path in sorted(EXAMPLES.glob("*.ipynb")):
        try:
            expected = read(path)
        except nbformat.reader.NotJSONError:  # an example that is not a notebook: not one either way
            with pytest.raises(nbformat.reader.NotJSONError):
                read_written(path)
            continue
        assert read_written(path) == expected, path.name
        read_ones += 1
    assert read_ones >= 5
    old = tmp_path / "old.ipynb"
    old.write_text(nbformat.writes(v3_notebook(worksheets=[new_worksheet(cells=[v3_code_cell(input="x = 1")])]),
                                   version=3))
    converted = read_written(old)  # converted as read converts it (new cells get random ids)
    assert (converted.nbformat, converted.nbformat_minor) == (read(old).nbformat, read(old).nbformat_minor) == (4, 5)
    assert [(c.cell_type, c.source) for c in converted.cells] == [("code", "x = 1")]


def test_a_notebook_read_from_its_file_is_converted_as_before_and_a_given_one_is_still_copied(tmp_path, monkeypatch):
    """A step that changes the notebook it is given: a file converted with the change gives what
    it gave before, and a notebook handed to ``from_notebook_node`` is still left as it was."""
    import nbformat
    from nbconvert.exporters import NotebookExporter
    from nbconvert.exporters import exporter as module
    from nbconvert.preprocessors import Preprocessor

    monkeypatch.setattr(module, "copy", module.copy)  # put back after the test
    monkeypatch.setattr(module.Exporter, "from_file", module.Exporter.from_file)

    class Stamp(Preprocessor):
        def preprocess(self, nb, resources):
            for cell in nb.cells:
                cell.source += "\n# stamped"
            nb.metadata["stamped"] = True
            return nb, resources

    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell("x = 1"), nbformat.v4.new_markdown_cell("*hi*")])
    path = tmp_path / "given.ipynb"
    nbformat.write(nb, str(path))

    def converted() -> tuple[str, str, dict]:
        exporter = NotebookExporter()
        exporter.register_preprocessor(Stamp, enabled=True)
        given = nbformat.read(str(path), as_version=4)
        from_node, _ = exporter.from_notebook_node(given)
        from_file, _ = exporter.from_filename(str(path))
        return from_file, from_node, given

    before = converted()
    nbgrader_changes.notebooks_read_copied_once()
    assert module.Exporter.from_file.copies_once
    after = converted()
    assert after == before and "# stamped" in after[0]
    assert after[2] == nbformat.read(str(path), as_version=4)  # the caller's notebook is as it was
