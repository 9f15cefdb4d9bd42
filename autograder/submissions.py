"""Finding the submissions in a folder, and refusing, with a reason, what cannot be graded.

Every file and folder given becomes exactly one :class:`Submission`: either gradable, or
carrying a ``problem`` that the reports show instead of a score. Nothing is dropped.
"""

from __future__ import annotations

import hashlib
import json
import re
import shutil
import zipfile
from dataclasses import dataclass
from pathlib import Path

from autograder.language import Text

# Why a hand-in cannot be graded, and what was put right in one: the student reads these (their
# Gradescope results) in the assignment's language, the TA (the reports) in theirs.
NOT_A_NOTEBOOK = Text("not a notebook: the file must be the assignment's .ipynb (got '{suffix}').",
                      "노트북이 아닙니다. 과제의 .ipynb 파일을 제출해야 합니다(받은 파일 형식: '{suffix}').")
NOT_JSON = Text("not a readable notebook ({error}). Download it again from Jupyter or Colab "
                "with File > Download > .ipynb, and submit that file.",
                "읽을 수 있는 노트북이 아닙니다({error}). Jupyter나 Colab에서 File > Download > .ipynb로 다시 다운로드한 뒤, 그 파일을 제출하세요.")
NOT_JSON_DETAIL = Text("it is not valid JSON: cut short, or not saved as .ipynb",
                       "올바른 JSON이 아닙니다. 파일이 중간에 잘렸거나 .ipynb로 저장되지 않았습니다")
NO_ASSIGNMENT_CELLS = Text("holds none of the assignment's graded cells: it is not the {notebook} "
                           "notebook. Submit the notebook that was released, with your answers in it.",
                           "과제의 채점 셀이 하나도 없습니다. 즉, {notebook} 노트북이 아닙니다. 배포된 노트북에 답을 작성해 제출하세요.")
EMPTY_FOLDER = Text("the folder holds no .ipynb file.", "폴더에 .ipynb 파일이 없습니다.")
SEVERAL_NOTEBOOKS = Text("the folder holds several notebooks ({names}) and none is named {notebook}.ipynb.",
                         "폴더에 노트북이 여러 개 있는데({names}), 이름이 {notebook}.ipynb인 노트북이 없습니다.")
DUPLICATE_ID = Text("another submission already uses the student id '{student}' (from {other}).",
                    "학생 ID '{student}': 다른 제출물({other})에서 이미 사용 중인 ID입니다.")
MISSING_CELLS_NOTE = Text("{count} test cell(s) were missing and were put back before grading: {ids}.",
                          "테스트 셀 {count}개가 없어서 채점 전에 다시 넣었습니다: {ids}.")
TOO_LARGE = Text("the file is larger than {limit} MB once unpacked ({size} MB); a notebook is far smaller. It was "
                 "not unpacked: hand in the notebook itself, with its outputs cleared if they are huge.",
                 "압축을 풀면 파일 크기가 {limit} MB를 넘습니다({size} MB). 노트북은 이보다 훨씬 작습니다. 압축을 풀지 않았으니 노트북 파일 자체를 제출하세요. 출력이 매우 "
                 "크다면 출력을 지운 뒤 제출하세요.")
# What the TA reads when the input as a whole is wrong: the command stops with these.
BAD_ZIP = ("{name} is not a readable zip file ({error}). Download the submissions from the LMS again, "
           "or unpack them into a folder and grade the folder.")
ZIP_TOO_LARGE = ("{name} would unpack to {size} MB, more than the {limit} MB allowed for one batch. Unpack it "
                 "yourself and grade the folder, or grade it in parts.")
WHAT_A_BATCH_HOLDS = "one .ipynb file or one folder per student, named by student id"
GIVE_INSTEAD = f"Give the folder that holds the submitted notebooks ({WHAT_A_BATCH_HOLDS}), or the LMS's zip of them."
INPUT_MISSING = "{path} does not exist{where}. Check the path. " + GIVE_INSTEAD
NOT_FOLDER_OR_ZIP = "{path} is neither a folder nor a .zip file. " + GIVE_INSTEAD
NO_SUBMISSIONS = ("{path} holds no submissions: {what}. It should hold " + WHAT_A_BATCH_HOLDS + " (or be the LMS's "
                  "zip of them). Nothing was graded, and the reports of an earlier run were left as they were.")
NOTHING_IN_IT = "it is empty"
ONLY_OTHER_FILES = "it holds no .ipynb file and no folder, only {names}"
# What one hand-in and one whole LMS download may unpack to: a zip bomb stops here, before extraction.
ENTRY_LIMIT = 64 * 1024**2
ZIP_LIMIT = 8 * 1024**3
# Student ids name folders and files: longer ones are shortened, with a stable suffix that keeps them apart.
ID_LIMIT = 64


class NotSubmissions(ValueError):
    """The input is neither a folder of submissions nor a readable zip of them."""


def path_problem(path: Path) -> str | None:
    """Why ``path`` cannot be a batch of submissions at all (it is missing, or neither a folder
    nor a .zip), or ``None``; :func:`check_input` looks inside."""
    path = Path(path)
    if not path.exists():
        where = "" if path.is_absolute() else f" (looked for in {Path.cwd()})"
        return INPUT_MISSING.format(path=path, where=where)
    if not (path.is_dir() or (path.is_file() and path.suffix == ".zip")):
        return NOT_FOLDER_OR_ZIP.format(path=path)
    return None


def check_input(path: Path) -> None:
    """Raise :class:`NotSubmissions`, saying what to give instead, unless ``path`` is a folder or
    an LMS zip holding at least one hand-in: a ``.ipynb`` file or a folder (hidden files and the
    archivers' own folders do not count). Cheap: a zip's listing is read, nothing unpacked."""
    path = Path(path)
    problem = path_problem(path)
    if problem:
        raise NotSubmissions(problem)
    if path.is_file():
        try:
            with zipfile.ZipFile(path) as zipped:
                entries = _top_entries([m for m in zipped.infolist() if _inside(m.filename)])
        except (zipfile.BadZipFile, OSError) as error:
            raise NotSubmissions(BAD_ZIP.format(name=path.name, error=error)) from error
    else:
        entries = {p.name: p.is_dir() for p in path.iterdir() if not p.name.startswith(".")}
    if not any(is_dir or name.endswith(".ipynb") for name, is_dir in entries.items()):
        others = sorted(entries)
        listed = ", ".join(others[:5]) + (f" and {len(others) - 5} more" if len(others) > 5 else "")
        what = ONLY_OTHER_FILES.format(names=listed) if others else NOTHING_IN_IT
        raise NotSubmissions(NO_SUBMISSIONS.format(path=path, what=what))


def _top_entries(members: list[zipfile.ZipInfo]) -> dict[str, bool]:
    """``name -> whether it is a folder``: the entries :func:`unpack` would give, from a zip's listing."""
    paths = [(Path(m.filename).parts, m.is_dir()) for m in members]
    paths = [(parts, is_dir) for parts, is_dir in paths if parts and not any(p.startswith(".") for p in parts)]
    if len({parts[0] for parts, _ in paths}) == 1 and len({parts[1] for parts, _ in paths if len(parts) > 1}) > 1:
        paths = [(parts[1:], is_dir) for parts, is_dir in paths if len(parts) > 1]  # one folder around it all
    entries: dict[str, bool] = {}
    for parts, is_dir in paths:
        entries[parts[0]] = entries.get(parts[0], False) or is_dir or len(parts) > 1
    return entries


def unpack(archive: Path, into: Path, entry_limit: int = ENTRY_LIMIT,
           zip_limit: int = ZIP_LIMIT) -> tuple[Path, dict[str, Text]]:
    """An LMS download (a zip of one notebook or one folder per student) as a folder, and the
    hand-ins it did not unpack (``name -> why``), which the reports list like any other.

    Entries that would land outside ``into`` and the archivers' own folders (``__MACOSX``) are
    skipped; a zip that wraps everything in one top folder is looked into. Sizes are checked
    against the budget before anything is written, and each entry is copied with its size
    capped, whatever its header claims.
    """
    if into.exists():
        shutil.rmtree(into)
    into.mkdir(parents=True)
    refused: dict[str, Text] = {}
    try:
        with zipfile.ZipFile(archive) as zipped:
            members = [m for m in zipped.infolist() if _inside(m.filename)]
            total = sum(m.file_size for m in members)
            if total > zip_limit:
                raise NotSubmissions(ZIP_TOO_LARGE.format(name=archive.name, size=total // 1024**2,
                                                          limit=zip_limit // 1024**2))
            for member in members:
                target = into / member.filename
                if member.is_dir():
                    target.mkdir(parents=True, exist_ok=True)
                    continue
                if member.file_size > entry_limit:
                    refused[member.filename] = TOO_LARGE.format(limit=entry_limit // 1024**2,
                                                                size=member.file_size // 1024**2)
                    continue
                target.parent.mkdir(parents=True, exist_ok=True)
                with zipped.open(member) as source, open(target, "wb") as copy:
                    copy.write(source.read(entry_limit + 1)[:entry_limit])
    except (zipfile.BadZipFile, OSError, RuntimeError) as error:
        raise NotSubmissions(BAD_ZIP.format(name=archive.name, error=error)) from error
    entries = [p for p in into.iterdir() if not p.name.startswith(".")]
    if len(entries) == 1 and entries[0].is_dir() and len(list(entries[0].iterdir())) > 1:
        top = entries[0].name + "/"
        return entries[0], {name[len(top):]: why for name, why in refused.items() if name.startswith(top)}
    return into, refused


def _inside(name: str) -> bool:
    parts = Path(name).parts
    return bool(parts) and not name.startswith("/") and ".." not in parts and parts[0] != "__MACOSX"


@dataclass(frozen=True)
class Submission:
    student_id: str
    path: Path
    problem: Text | None = None  # why it cannot be graded
    note: Text | None = None     # what was put right before grading

    @property
    def gradable(self) -> bool:
        return self.problem is None


def student_id_for(name: str) -> str:
    """A student id from a file or folder name: letters (any script), digits, '.', '_' and '-'.

    At most :data:`ID_LIMIT` characters: a longer name is cut, and a short hash of the whole
    name keeps two long names that start alike apart (the same name always gives the same id).
    """
    stem = name[: -len(".ipynb")] if name.endswith(".ipynb") else Path(name).stem or name
    cleaned = re.sub(r"[^\w.-]+", "_", stem).strip("._-")
    suffix = hashlib.sha256(name.encode(errors="replace")).hexdigest()[:8]
    if not cleaned:
        return f"unnamed-{suffix}"
    if len(cleaned) > ID_LIMIT:
        return f"{cleaned[:ID_LIMIT - 9].rstrip('._-')}-{suffix}"
    return cleaned


def _notebook_in(folder: Path, notebook: str) -> tuple[Path | None, Text | None]:
    notebooks = sorted(p for p in folder.rglob("*.ipynb") if ".ipynb_checkpoints" not in p.parts)
    if not notebooks:
        return None, EMPTY_FOLDER
    if len(notebooks) == 1:
        return notebooks[0], None
    named = [p for p in notebooks if p.name == f"{notebook}.ipynb"]
    if len(named) == 1:
        return named[0], None
    return None, SEVERAL_NOTEBOOKS.format(names=", ".join(p.name for p in notebooks), notebook=notebook)


def check_notebook(path: Path, test_ids: list[str], notebook: str) -> tuple[Text | None, Text | None]:
    """``(problem, note)`` for one notebook file against the assignment's test cell ids."""
    # Imported here: the command line checks its arguments with this module before it loads nbformat.
    import nbformat

    from autograder.notebooks import grade_id, is_grade

    if path.suffix != ".ipynb":
        return NOT_A_NOTEBOOK.format(suffix=path.suffix or path.name), None
    try:
        nb = nbformat.read(str(path), as_version=4)
    except (json.JSONDecodeError, UnicodeDecodeError, nbformat.reader.NotJSONError):
        return NOT_JSON.format(error=NOT_JSON_DETAIL), None
    except Exception as error:  # noqa: BLE001 - any unreadable file is that student's problem
        return NOT_JSON.format(error=f"{type(error).__name__}: {str(error)[:200]}"), None
    present = {grade_id(c) for c in nb.cells if is_grade(c)}
    if not present & set(test_ids):
        return NO_ASSIGNMENT_CELLS.format(notebook=notebook), None
    missing = [t for t in test_ids if t not in present]
    note = MISSING_CELLS_NOTE.format(count=len(missing), ids=", ".join(missing)) if missing else None
    return None, note


def collect(folder: Path, test_ids: list[str], notebook: str,
            refused: dict[str, Text] | None = None) -> list[Submission]:
    """One submission per entry of ``folder`` (a notebook file, or a student's folder), and one
    for each hand-in that ``refused`` says was not unpacked. ``test_ids`` and ``notebook`` (its
    name, without .ipynb) say what the assignment's notebook is."""
    found: list[Submission] = []
    taken: dict[str, Path] = {}
    refused = dict(refused or {})
    entries = {Path(folder) / Path(name).parts[0] for name in refused} | set(Path(folder).iterdir())
    for entry in sorted(entries):
        if entry.name.startswith("."):
            continue
        student = student_id_for(entry.name)
        why = next((w for name, w in refused.items() if Path(name).parts[0] == entry.name), None)
        if why:
            found.append(Submission(student, entry, why if student not in taken else
                                    DUPLICATE_ID.format(student=student, other=taken[student].name)))
            taken.setdefault(student, entry)
            continue
        path, problem = (_notebook_in(entry, notebook) if entry.is_dir() else (entry, None))
        note = None
        if problem is None:
            problem, note = check_notebook(path, test_ids, notebook)
        if student in taken:
            problem = DUPLICATE_ID.format(student=student, other=taken[student].name)
        else:
            taken[student] = entry
        found.append(Submission(student, path or entry, problem, note))
    return found
