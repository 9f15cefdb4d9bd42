"""Every place the kit changes how nbgrader works, each with why, and the version it was written for.

The kit grades by nbgrader's own rules; where it reaches into nbgrader (rather than only
configuring it), it is here, and each change first checks the installed nbgrader with
:func:`require_supported_nbgrader`, so a different nbgrader fails loudly instead of grading
differently. None of them changes what nbgrader decides:

* ``jsonschema`` (imported by nbformat and nbgrader) builds grammars for the optional
  ``rfc3987_syntax`` package when it is installed: about 3 s of CPU per process, for the
  "iri" string format, which neither nbformat's nor nbgrader's schemas use
  (:func:`skip_unused_imports`, undone in a student's process by :func:`restore_imports`).
* nbgrader's ``CheckCellMetadata`` calls ``jsonschema.validate`` once per cell, which checks
  the (unchanging) metadata schema itself every time before checking the cell: most of
  that step's cost. The schema is checked once, and each cell exactly as before
  (:func:`check_metadata_schema_once`).
* nbgrader opens its gradebook about ten times per notebook it grades, and each time builds
  a new SQLAlchemy engine and checks every table of the schema. A process that grades a
  whole batch keeps one engine per gradebook and sets the schema up once; the queries and
  what they write are unchanged (:func:`reuse_gradebook_engines`).
* Saving a notebook's grades, reading them back and the feedback page's note look up each
  graded cell with a query of its own (six tables joined, about 110 a notebook). The replay
  loads a submitted notebook's grades and comments once per gradebook and answers the same
  rows from them (:func:`lookups_by_submission`). Preparing a notebook likewise looks up each
  of the assignment's cells alone; while the replay prepares one it loads the notebook's cells
  of each kind once (:func:`cell_lookups_by_notebook`).
* The replay (:mod:`autograder.engine.replay`) runs nbgrader's ``Autograde`` converter with two
  of its parts given their work instead of doing it: its sanitizing pass's output, written
  earlier by that same pass (the worker ran that notebook's code cells), and the outputs the
  worker recorded in place of ``Execute`` (:func:`sanitized_earlier`, :func:`replayed_steps`).
* nbgrader's ``SaveAutoGrades`` commits the gradebook after every cell's grade and comment;
  the replay's commits once per notebook, the same rows with the same values
  (:func:`grades_saved_in_one_commit`).
* The replay makes autograde's sanitizing pass with nbgrader's exporter and steps outside the
  converter, giving them the resources the converter would (:mod:`autograder.engine.prepare`),
  so that a worker is sent the cells to run before nbgrader grades them.
* nbconvert copies every notebook it converts twice before its steps run, to keep the
  caller's notebook as it was; a notebook it has just read from its file has no caller, and
  is copied once (:func:`notebooks_read_copied_once`).
* nbgrader's converters build a new exporter on every ``start``, and with it a new template
  environment that compiles the feedback page's templates again (about a third of a page's
  time). The batch's feedback converter builds its exporter and writer on its first start
  and keeps them for the next students; the pages are the same (:func:`keeping_exporter`).
* Most code cells of a class's feedback pages are the same in every page (the given code,
  the tests); nbconvert highlights each again with pygments on every page. The batch's
  feedback remembers each highlighted cell by everything the highlighting depends on
  (:func:`remember_highlighting`).
* Likewise the markdown cells, the same in every page but a student's written answers, which
  nbconvert renders again on every page (:func:`remember_markdown`).
* nbconvert's HTML exporter ends every page by parsing it whole with BeautifulSoup, changing
  a few attributes and writing it out again: most of a page's time, spent on the thousands of
  ``<span>``s inside its code and output blocks, which those changes never touch. The batch's
  pages are parsed without those blocks, which are put back as BeautifulSoup writes them;
  the page is the same, byte for byte (:func:`quicker_page_markup`,
  :mod:`autograder.engine.page_markup`).
* A new gradebook is stamped with the newest revision of nbgrader's database schema, which
  nbgrader learns by running ``alembic heads`` in a new Python process (about 2 s of CPU,
  nearly all of it importing nbgrader again). The batch asks alembic in its own process,
  which has nbgrader loaded already; the revision is the same (:func:`schema_revision_in_process`).
"""

from __future__ import annotations

import contextlib
import json
import os
import sys

# The nbgrader these changes were written for and tested with (requirements.txt pins it).
WRITTEN_FOR = "0.9.6"
UNUSED = "rfc3987_syntax"


class UnsupportedNbgrader(RuntimeError):
    """The installed nbgrader is not the one the kit's changes to it were written for."""


def require_supported_nbgrader() -> None:
    """Fail, naming both versions, unless the installed nbgrader is :data:`WRITTEN_FOR`."""
    from importlib.metadata import version

    installed = version("nbgrader")
    if installed != WRITTEN_FOR:
        raise UnsupportedNbgrader(
            f"the kit's grader was written for nbgrader {WRITTEN_FOR} and nbgrader {installed} is installed: its "
            f"replay, preparation and speed-ups reach into nbgrader's internals, which may differ. Install "
            f"nbgrader=={WRITTEN_FOR} (requirements.txt), or grade with --engine nbgrader.")


def skip_unused_imports() -> None:
    """Call before anything imports jsonschema."""
    sys.modules.setdefault(UNUSED, None)


def restore_imports() -> None:
    """Undo :func:`skip_unused_imports` (in a student's process: it may import what it likes)."""
    if UNUSED in sys.modules and sys.modules[UNUSED] is None:
        del sys.modules[UNUSED]


_validators: dict[str, object] = {}
# The schema object last asked about, with its validator: nbgrader asks about one notebook's
# cells in a row with the same object, which is then not written out again for each cell.
_last: list = [None, None]


def validate(instance, schema, cls=None, *args, **kwargs) -> None:
    """``jsonschema.validate`` with the schema's own check done once per schema."""
    from jsonschema import exceptions, validators

    if cls is not None or args or kwargs:
        return validators.validate(instance, schema, cls, *args, **kwargs)
    if _last[0] is schema:
        validator = _last[1]
    else:
        key = json.dumps(schema, sort_keys=True)
        validator = _validators.get(key)
        if validator is None:
            cls = validators.validator_for(schema)
            cls.check_schema(schema)
            validator = _validators[key] = cls(schema)
        _last[:] = [schema, validator]
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    return None


def check_metadata_schema_once() -> None:
    """Make nbgrader's metadata validation use :func:`validate`."""
    require_supported_nbgrader()
    import types

    import jsonschema
    from nbgrader.nbgraderformat import common

    common.jsonschema = types.SimpleNamespace(**{**vars(jsonschema), "validate": validate})


def reuse_gradebook_engines() -> None:
    """One engine per gradebook, and its tables created once, for every ``Gradebook`` of this process.

    Only for a process that forks no student code: a kept engine holds its database open,
    and a forked child would inherit that file.
    """
    require_supported_nbgrader()
    from nbgrader import api

    engines: dict[tuple, object] = {}
    set_up: set[int] = set()
    create_engine, create_all = api.create_engine, api.Base.metadata.create_all

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    def create_all_once(bind=None, **options):
        if id(bind) not in set_up:
            create_all(bind=bind, **options)
            set_up.add(id(bind))

    api.create_engine = shared_engine
    api.Base.metadata.create_all = create_all_once


_KEPT = "_kit_kept"


def _kept(gradebook) -> dict:
    """What this process's lookup changes loaded for one open gradebook (:func:`lookups_by_submission`,
    :func:`cell_lookups_by_notebook`): dropped when the gradebook closes, by :func:`_dropped_on_close`."""
    return gradebook.__dict__.setdefault(_KEPT, {})


def _dropped_on_close(api) -> None:
    """``Gradebook.close`` dropping what :func:`_kept` holds, wrapped once whichever change asks first."""
    close = api.Gradebook.close
    if getattr(close, "drops_kept", False):
        return

    def closing(self):
        self.__dict__.pop(_KEPT, None)
        return close(self)

    closing.drops_kept = True
    api.Gradebook.close = closing


def lookups_by_submission() -> None:
    """nbgrader's ``Gradebook.find_grade`` and ``find_comment`` answered from one query per
    submitted notebook, for every ``Gradebook`` of this process.

    Saving a notebook's grades, reading them back for its feedback page, and the page's own
    note each look up every graded cell alone: a query joining six tables per cell, some 110
    a notebook, most of the replay's time in SQLAlchemy. Here a gradebook's first lookup in a
    submitted notebook loads that notebook's grades and comments with their cells, and later
    lookups take theirs from what was loaded: the same rows, in the same session. A name the
    load did not find once (a missing or duplicated cell) is asked as nbgrader asks it, so it
    is found, or fails, as it would. What was loaded is dropped when the gradebook closes.
    """
    require_supported_nbgrader()
    from nbgrader import api
    from sqlalchemy.orm import joinedload

    find_grade, find_comment = api.Gradebook.find_grade, api.Gradebook.find_comment
    # The cell types nbgrader's own lookups try, in its order: the first that has the name wins.
    kinds = {api.Grade: ("GradeCell", "TaskCell"), api.Comment: ("SolutionCell", "TaskCell")}

    def loaded(gradebook, model, notebook: str, assignment: str, student: str) -> dict | None:
        kept = _kept(gradebook)
        key = ("submitted", model, notebook, assignment, student)
        if key not in kept:
            try:
                submitted = gradebook.find_submission_notebook(notebook, assignment, student)
            except api.MissingEntry:
                return None  # not kept: a later lookup may come after it is created
            rows = gradebook.db.query(model).options(joinedload(model.cell)).filter(
                model.notebook_id == submitted.id).all()
            named: dict[str, list] = {}
            for row in rows:
                named.setdefault(row.cell.name, []).append(row)
            by_name = {}
            for name, found in named.items():
                for kind in kinds[model]:
                    of_kind = [row for row in found if row.cell.type == kind]
                    if of_kind:
                        if len(of_kind) == 1:  # nbgrader's .one(); more is its error, asked its way
                            by_name[name] = of_kind[0]
                        break
            kept[key] = by_name
        return kept[key]

    def grade(self, grade_cell, notebook, assignment, student):
        found = (loaded(self, api.Grade, notebook, assignment, student) or {}).get(grade_cell)
        return found if found is not None else find_grade(self, grade_cell, notebook, assignment, student)

    def comment(self, solution_cell, notebook, assignment, student):
        found = (loaded(self, api.Comment, notebook, assignment, student) or {}).get(solution_cell)
        return found if found is not None else find_comment(self, solution_cell, notebook, assignment, student)

    api.Gradebook.find_grade, api.Gradebook.find_comment = grade, comment
    _dropped_on_close(api)


@contextlib.contextmanager
def cell_lookups_by_notebook():
    """nbgrader's ``Gradebook.find_source_cell``, ``find_grade_cell``, ``find_solution_cell``,
    ``find_task_cell`` and ``find_graded_cell`` answered from one query per notebook and kind of
    cell, for every ``Gradebook`` of this process, inside the ``with`` block.

    Preparing a notebook (``OverwriteCells``, and the course's step that restores test cells)
    looks up each of its cells alone, some 110 queries a notebook, most of the preparing's
    time. Here a gradebook's first lookup of a kind of cell in a notebook loads all the
    notebook's cells of that kind, and later lookups take theirs from what was loaded: the same
    rows, in the same session. A name the load did not find once (missing, or duplicated) is
    asked as nbgrader asks it, so it is found, or fails, as it would. What was loaded is
    dropped when the gradebook closes.

    Only around steps that read the assignment's cells without changing them (the preparing of
    a submission): a gradebook that removes a notebook's cells and writes them again (the
    release) would be answered with the cells it had removed. Outside the block nbgrader's own
    lookups answer.
    """
    require_supported_nbgrader()
    from nbgrader import api

    models = {"find_source_cell": api.SourceCell, "find_grade_cell": api.GradeCell,
              "find_solution_cell": api.SolutionCell, "find_task_cell": api.TaskCell}
    by_nbgrader = {name: getattr(api.Gradebook, name) for name in (*models, "find_graded_cell")}

    def loaded(gradebook, model, notebook: str, assignment: str) -> tuple[dict, set]:
        """The notebook's cells of one kind with a name of their own, and every name seen."""
        kept = _kept(gradebook)
        key = ("assignment", model, notebook, assignment)
        if key not in kept:
            rows = gradebook.db.query(model) \
                .join(api.Notebook, api.Notebook.id == model.notebook_id) \
                .join(api.Assignment, api.Assignment.id == api.Notebook.assignment_id) \
                .filter(api.Notebook.name == notebook, api.Assignment.name == assignment).all()
            named: dict[str, list] = {}
            for row in rows:
                named.setdefault(row.name, []).append(row)
            # nbgrader's .one(): more than one is its error, asked its way.
            kept[key] = ({name: found[0] for name, found in named.items() if len(found) == 1}, set(named))
        return kept[key]

    def finder(method: str):
        model = models[method]

        def find(self, name, notebook, assignment):
            found = loaded(self, model, notebook, assignment)[0].get(name)
            return found if found is not None else by_nbgrader[method](self, name, notebook, assignment)
        find.__name__ = method
        return find

    def find_graded_cell(self, name, notebook, assignment):
        # nbgrader's order: a grade cell of that name, else a task cell.
        grade_cells, grade_names = loaded(self, api.GradeCell, notebook, assignment)
        found = grade_cells.get(name)
        if found is None and name not in grade_names:
            found = loaded(self, api.TaskCell, notebook, assignment)[0].get(name)
        return found if found is not None else by_nbgrader["find_graded_cell"](self, name, notebook, assignment)

    for method in models:
        setattr(api.Gradebook, method, finder(method))
    api.Gradebook.find_graded_cell = find_graded_cell
    _dropped_on_close(api)
    try:
        yield
    finally:
        for method, nbgraders in by_nbgrader.items():
            setattr(api.Gradebook, method, nbgraders)


def notebooks_read_copied_once() -> None:
    """nbconvert's ``Exporter.from_file`` (what every converter of nbgrader's converts a notebook
    file with) without the two copies its conversion makes of a notebook it has just read.

    ``from_notebook_node`` copies the notebook it is given, so that its steps leave the caller's
    notebook as it was, and ``_preprocess`` copies that copy again; nbformat's normalising then
    makes a third. A notebook ``from_file`` has just read belongs to no caller: for it the first
    two copies are skipped (the third is kept, and so is every copy of the resources). A
    notebook given to ``from_notebook_node`` directly is copied as before. Three conversions a
    student (the sanitizing pass, the autograde, the feedback page), each of a whole notebook.
    """
    require_supported_nbgrader()
    import copy as copying

    import nbformat
    from nbconvert.exporters import exporter as module

    if getattr(module.Exporter.from_file, "copies_once", False):
        return
    just_read: set[int] = set()  # the notebooks from_file is converting: no caller holds them

    class Copying:
        """The ``copy`` module as nbconvert's exporter module sees it."""

        def __getattr__(self, name):
            return getattr(copying, name)

        @staticmethod
        def deepcopy(value, memo=None):
            return value if id(value) in just_read else copying.deepcopy(value, memo)

    def from_file(self, file_stream, resources=None, **kw):
        nb = nbformat.read(file_stream, as_version=4)
        just_read.add(id(nb))
        try:
            return self.from_notebook_node(nb, resources=resources, **kw)
        finally:
            just_read.discard(id(nb))

    from_file.copies_once = True
    module.copy = Copying()
    module.Exporter.from_file = from_file


def replayed_steps(autograde_steps: list, replay_step) -> list:
    """nbgrader's autograde steps, as the course configures them, with ``replay_step`` in place
    of ``Execute``: every other step (ignoring known stderr, limiting output, saving grades,
    late penalties, checking metadata) runs as nbgrader runs it."""
    require_supported_nbgrader()
    from nbgrader.preprocessors import Execute, SaveAutoGrades

    saving = grades_saved_in_one_commit()

    def replayed(step):
        if isinstance(step, type) and issubclass(step, Execute):
            return replay_step
        if step is SaveAutoGrades:
            return saving
        return step

    return [replayed(step) for step in autograde_steps]


def grades_saved_in_one_commit():
    """nbgrader's ``SaveAutoGrades`` writing a notebook's grades and comments in one transaction.

    nbgrader's commits after each cell's grade and comment: some 80 commits a notebook, each
    ending SQLAlchemy's transaction and expiring every object it loaded, so that the next
    cell's lookup loads them again (about half the step's time). Here each cell's changes are
    flushed in the notebook's transaction, which is committed once at the end: the same rows
    with the same values; a notebook that fails half-way saves nothing instead of some cells.
    """
    require_supported_nbgrader()
    from nbgrader.api import Gradebook
    from nbgrader.preprocessors import NbGraderPreprocessor, SaveAutoGrades

    class SaveAutoGradesOnce(SaveAutoGrades):
        def preprocess(self, nb, resources):
            # As nbgrader 0.9.6's SaveAutoGrades.preprocess, with the commits gathered.
            self.notebook_id = resources["nbgrader"]["notebook"]
            self.assignment_id = resources["nbgrader"]["assignment"]
            self.student_id = resources["nbgrader"]["student"]
            self.db_url = resources["nbgrader"]["db_url"]
            self.gradebook = Gradebook(self.db_url)
            with self.gradebook:
                session = self.gradebook.db
                session.commit = session.flush  # the cells' own commits
                try:
                    nb, resources = NbGraderPreprocessor.preprocess(self, nb, resources)
                finally:
                    del session.commit
                session.commit()
            return nb, resources

    SaveAutoGradesOnce.__name__ = SaveAutoGradesOnce.__qualname__ = "SaveAutoGrades"
    return SaveAutoGradesOnce


def sanitized_earlier(autograde_class, kept_for):
    """nbgrader's ``Autograde`` converter taking its sanitizing pass's output from where it was
    kept (``kept_for(student)``, written by :mod:`autograder.engine.prepare` with nbgrader's
    exporter and the course's steps, ``CheckCellMetadata`` included) instead of making that pass
    again. The text is written by nbgrader's own writer where the pass writes it, and the second
    pass (execution, grades) runs as nbgrader runs it. Where nothing was kept (the notebook
    could not be prepared), nbgrader's own first pass runs and fails it exactly as
    ``nbgrader autograde`` would."""
    require_supported_nbgrader()
    from nbgrader import utils
    from nbgrader.converters.base import BaseConverter

    class AutogradeSanitizedEarlier(autograde_class):
        def convert_single_notebook(self, notebook_filename: str) -> None:
            resources = self.init_single_notebook_resources(notebook_filename)
            kept = kept_for(resources["nbgrader"]["student"])
            if not kept.exists():
                return super().convert_single_notebook(notebook_filename)
            # As nbgrader 0.9.6's Autograde.convert_single_notebook, its first pass's output
            # taken from what was kept.
            self.log.info("Sanitizing %s", notebook_filename)
            resources["output_extension"] = self.exporter.file_extension
            self.write_single_notebook(kept.read_text(encoding="utf-8"), resources)
            notebook_filename = os.path.join(self.writer.build_directory, os.path.basename(notebook_filename))
            self.log.info("Autograding %s", notebook_filename)
            self._sanitizing = False
            self._init_preprocessors()
            try:
                with utils.setenv(NBGRADER_EXECUTION="autograde"):
                    BaseConverter.convert_single_notebook(self, notebook_filename)
            finally:
                self._sanitizing = True
            return None

    AutogradeSanitizedEarlier.__name__ = AutogradeSanitizedEarlier.__qualname__ = autograde_class.__name__
    return AutogradeSanitizedEarlier


def keeping_exporter(converter_class):
    """``converter_class`` whose ``start`` builds its writer and exporter (with the exporter's
    preprocessors and compiled templates) once, and on later starts converts what its course
    directory now names with them, as nbgrader 0.9.6's ``BaseConverter.start`` does otherwise."""
    require_supported_nbgrader()

    class KeepingExporter(converter_class):
        kept = False

        def start(self) -> None:
            if not self.kept:
                super().start()
                self.kept = True
                return
            self.init_notebooks()
            here = os.getcwd()
            os.chdir(self.coursedir.root)
            try:
                self.convert_notebooks()
            finally:
                os.chdir(here)

    KeepingExporter.__name__ = KeepingExporter.__qualname__ = converter_class.__name__
    return KeepingExporter


def _remembered(size: int):
    """A memory of at most ``size`` results: ``recall(key, compute)`` gives ``compute()``'s result,
    computed once per key (the memory is emptied when full)."""
    remembered: dict[tuple, str] = {}

    def recall(key: tuple, compute):
        if key not in remembered:
            if len(remembered) >= size:
                remembered.clear()
            remembered[key] = compute()
        return remembered[key]

    return recall


def remember_highlighting(size: int = 4096) -> None:
    """nbconvert's ``Highlight2HTML`` (code cells in feedback pages), remembering its result for
    the same source, language, cell metadata and formatter settings; the HTML is unchanged."""
    require_supported_nbgrader()
    from nbconvert.filters.highlight import Highlight2HTML

    original = Highlight2HTML.__call__
    recall = _remembered(size)

    def highlighted(self, source, language=None, metadata=None):
        try:
            key = (source, language, self.pygments_lexer, json.dumps(metadata, sort_keys=True),
                   json.dumps(self.extra_formatter_options, sort_keys=True))
        except TypeError:  # metadata that is not JSON: not remembered
            return original(self, source, language, metadata)
        return recall(key, lambda: original(self, source, language, metadata))

    Highlight2HTML.__call__ = highlighted


def remember_markdown(size: int = 4096) -> None:
    """nbconvert's HTML exporter's ``markdown2html`` (markdown cells in feedback pages),
    remembering its result for the same source, cell attachments and exporter settings; not
    when images are embedded, the one case where the notebook's folder (a different one for
    each student) and the files in it change the HTML. The HTML is unchanged."""
    require_supported_nbgrader()
    from jinja2 import pass_context
    from nbconvert.exporters.html import HTMLExporter

    original = HTMLExporter.markdown2html
    recall = _remembered(size)

    @pass_context
    def markdown2html(self, context, source):
        if self.embed_images:
            return original(self, context, source)
        try:
            key = (source, json.dumps(context.get("cell", {}).get("attachments", {}), sort_keys=True),
                   self.anchor_link_text, self.exclude_anchor_links, json.dumps(self.lexer_options, sort_keys=True))
        except TypeError:  # attachments or options that are not JSON: not remembered
            return original(self, context, source)
        return recall(key, lambda: original(self, context, source))

    HTMLExporter.markdown2html = markdown2html


def quicker_page_markup() -> bool:
    """nbconvert's HTML exporter parsing its pages with :func:`~autograder.engine.page_markup.page_soup`,
    when the installed BeautifulSoup writes the check's sample as it does; whether it does."""
    require_supported_nbgrader()
    from nbconvert.exporters import html

    from autograder.engine import page_markup

    if not page_markup.works_here():
        return False
    html.BeautifulSoup = page_markup.page_soup
    return True


def schema_revision_in_process() -> None:
    """nbgrader's ``get_alembic_version`` (the revision a new gradebook is stamped with) answered
    by alembic in this process rather than by an ``alembic heads`` command."""
    require_supported_nbgrader()
    from alembic.script import ScriptDirectory
    from nbgrader import api
    from nbgrader.dbutil import ALEMBIC_DIR

    by_command = api.get_alembic_version

    def newest_revision() -> str:
        heads = ScriptDirectory(ALEMBIC_DIR).get_heads()
        # With one head, "alembic heads" prints it first; anything else, ask as nbgrader does.
        return heads[0] if len(heads) == 1 else by_command()

    api.get_alembic_version = newest_revision
