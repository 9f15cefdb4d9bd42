"""Finding the submissions in a folder, and refusing, with a reason, what cannot be graded.

Every file and folder given becomes exactly one :class:`Submission`: either gradable, or
carrying a ``problem`` that the reports show instead of a score. Nothing is dropped.
"""

from __future__ import annotations

import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

import nbformat

from autograder import NOTEBOOK
from autograder.notebooks import grade_id, is_grade

NOT_A_NOTEBOOK = "not a notebook: the file must be the assignment's .ipynb (got '{suffix}')."
NOT_JSON = ("not a readable notebook ({error}). Download it again from Jupyter or Colab "
            "with File > Download > .ipynb, and submit that file.")
NO_ASSIGNMENT_CELLS = ("holds none of the assignment's graded cells: it is not the {notebook} "
                       "notebook. Submit the notebook that was released, with your answers in it.")
EMPTY_FOLDER = "the folder holds no .ipynb file."
SEVERAL_NOTEBOOKS = "the folder holds several notebooks ({names}) and none is named {notebook}.ipynb."
DUPLICATE_ID = "another submission already uses the student id '{student}' (from {other})."
MISSING_CELLS_NOTE = "{count} test cell(s) were missing and were put back before grading: {ids}."
BAD_ZIP = ("{name} is not a readable zip file ({error}). Download the submissions from the LMS again, "
           "or unpack them into a folder and grade the folder.")


class NotSubmissions(ValueError):
    """The input is neither a folder of submissions nor a readable zip of them."""


def unpack(archive: Path, into: Path) -> Path:
    """An LMS download (a zip of one notebook or one folder per student) as a folder.

    Entries that would land outside ``into`` and the archivers' own folders (``__MACOSX``) are
    skipped; a zip that wraps everything in one top folder is looked into.
    """
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    try:
        with zipfile.ZipFile(archive) as zipped:
            for member in zipped.infolist():
                parts = Path(member.filename).parts
                if not parts or member.filename.startswith("/") or ".." in parts or parts[0] == "__MACOSX":
                    continue
                zipped.extract(member, into)
    except (zipfile.BadZipFile, OSError) as error:
        raise NotSubmissions(BAD_ZIP.format(name=archive.name, error=error)) from error
    entries = [p for p in into.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and len(list(entries[0].iterdir())) > 1:
        return entries[0]  # one folder around all the submissions
    return into


@dataclass(frozen=True)
class Submission:
    student_id: str
    path: Path
    problem: str | None = None
    note: str | None = None

    @property
    def gradable(self) -> bool:
        return self.problem is None


def student_id_for(name: str) -> str:
    """A student id from a file or folder name: letters, digits, '.', '_' and '-' only."""
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else Path(name).stem or name
    cleaned = re.sub(r"[^A-Za-z0-9._-]+", "_", stem).strip("._-")
    return cleaned or "unnamed"


def _notebook_in(folder: Path) -> tuple[Path | None, str | None]:
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        return None, EMPTY_FOLDER
    if len(notebooks) == 1:
        return notebooks[0], None
    named = [p for p in notebooks if p.name == f"{NOTEBOOK}.ipynb"]
    if len(named) == 1:
        return named[0], None
    return None, SEVERAL_NOTEBOOKS.format(names=", ".join(p.name for p in notebooks), notebook=NOTEBOOK)


def check_notebook(path: Path, test_ids: list[str]) -> tuple[str | None, str | None]:
    """``(problem, note)`` for one notebook file against the assignment's test cell ids."""
    if path.suffix != ".ipynb":
        return NOT_A_NOTEBOOK.format(suffix=path.suffix or path.name), None
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, nbformat.reader.NotJSONError):
        return NOT_JSON.format(error="it is not valid JSON: cut short, or not saved as .ipynb"), None
    except Exception as error:  # noqa: BLE001 - any unreadable file is that student's problem
        return NOT_JSON.format(error=f"{type(error).__name__}: {str(error)[:200]}"), None
    present = {grade_id(c) for c in nb.cells if is_grade(c)}
    if not present & set(test_ids):
        return NO_ASSIGNMENT_CELLS.format(notebook=NOTEBOOK), None
    missing = [t for t in test_ids if t not in present]
    note = MISSING_CELLS_NOTE.format(count=len(missing), ids=", ".join(missing)) if missing else None
    return None, note


def collect(folder: Path, test_ids: list[str]) -> list[Submission]:
    """One submission per entry of ``folder``: a notebook file, or a student's folder."""
    found: list[Submission] = []
    taken: dict[str, Path] = {}
    for entry in sorted(Path(folder).iterdir()):
        if entry.name.startswith("."):
            continue
        student = student_id_for(entry.name)
        path, problem = (_notebook_in(entry) if entry.is_dir() else (entry, None))
        note = None
        if problem is None:
            problem, note = check_notebook(path, test_ids)
        if student in taken:
            problem = DUPLICATE_ID.format(student=student, other=taken[student].name)
        else:
            taken[student] = entry
        found.append(Submission(student, path or entry, problem, note))
    return found
