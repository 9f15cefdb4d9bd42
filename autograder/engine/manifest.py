"""An assignment as the engine sees it: what its ``assignment.toml`` says, nothing more.

The engine names no assignment. Everything it needs to know about one comes from the
manifest in the assignment's folder::

    name = "week3_rnn"             # nbgrader's assignment id: the folder's own name
    notebook = "rnn_homework"      # the notebook, without .ipynb
    title = "Week 3: RNNs"         # how reports name it
    language = "en"                # optional: what the kit's messages to students speak (en, ko)
    [grader]
    modules = [...]                # imported by the workers before any run (the hidden checks)
    warm_up = "module:function"    # optional: called once per worker pool, before runs are forked
    judge = "module"               # optional: held-out checks judged on the grader's side
                                   # (a module with JUDGED = {check: (grade_id, bound)} and score())
    [similarity]
    given = ["tutorial.txt"]       # optional: files of code students may paste (a tutorial's), which
                                   # the similarity report treats as given, like the release's cells
"""

from __future__ import annotations

import hashlib
import importlib
import tomllib
from dataclasses import dataclass
from pathlib import Path

from autograder.language import DEFAULT as DEFAULT_LANGUAGE, LANGUAGES

MANIFEST = "assignment.toml"


class ManifestProblem(ValueError):
    """An assignment folder the engine cannot use; the message names the file and the fix."""


@dataclass(frozen=True)
class Assignment:
    folder: Path
    name: str
    notebook: str
    title: str
    modules: tuple[str, ...] = ()
    warm_up: str | None = None
    judge: str | None = None
    given_code: tuple[str, ...] = ()  # file names in the folder: code every student may paste
    language: str = DEFAULT_LANGUAGE  # what the kit says to students (autograder/language.py)

    @property
    def source(self) -> Path:
        """The source notebook: solutions, public and hidden tests."""
        return self.folder / f"{self.notebook}.ipynb"

    @property
    def notebook_file(self) -> str:
        return f"{self.notebook}.ipynb"

    def given_code_texts(self) -> list[str]:
        """The texts of the files of code that students are given or may paste (``[similarity] given``)."""
        return [(self.folder / name).read_text(encoding="utf-8") for name in self.given_code]

    def judge_module(self):
        """The module that judges this assignment's held-out checks, or ``None``."""
        return importlib.import_module(self.judge) if self.judge else None

    def run_warm_up(self) -> None:
        for module in self.modules:
            importlib.import_module(module)
        if self.warm_up:
            module, _, function = self.warm_up.partition(":")
            getattr(importlib.import_module(module), function)()

    def fingerprint(self) -> str:
        """A digest of every file of the folder: the notebook, checks, data, reference, manifest."""
        return folder_digest(self.folder)

    def as_json(self) -> dict:
        return {"folder": str(self.folder), "name": self.name, "notebook": self.notebook, "title": self.title,
                "modules": list(self.modules), "warm_up": self.warm_up, "judge": self.judge,
                "given_code": list(self.given_code), "language": self.language}

    @classmethod
    def from_json(cls, data: dict) -> "Assignment":
        return cls(**{**data, "folder": Path(data["folder"]), "modules": tuple(data["modules"]),
                      "given_code": tuple(data.get("given_code", ()))})


def load(folder: Path) -> Assignment:
    """The assignment in ``folder``, from its manifest."""
    folder = Path(folder)
    manifest = folder / MANIFEST
    if not manifest.is_file():
        raise ManifestProblem(f"{folder} is not an assignment: it has no {MANIFEST}. Add one (see the README's "
                              "\"Adding an assignment\").")
    try:
        data = tomllib.loads(manifest.read_text())
    except tomllib.TOMLDecodeError as error:
        raise ManifestProblem(f"{manifest} is not valid TOML ({error}); fix that line.") from None
    unknown = (set(data) - {"name", "notebook", "title", "language", "grader", "similarity"}
               or set(data.get("grader", {})) - {"modules", "warm_up", "judge"}
               or set(data.get("similarity", {})) - {"given"})
    if unknown:
        raise ManifestProblem(f"{manifest}: unknown key(s) {sorted(unknown)}; the keys are name, notebook, title, "
                              "language, [grader] modules, warm_up, judge and [similarity] given.")
    language = data.get("language", DEFAULT_LANGUAGE)
    if language not in LANGUAGES:
        raise ManifestProblem(f"{manifest}: language = {language!r}; the kit speaks {', '.join(LANGUAGES)}: "
                              "name one of those.")
    name = data.get("name", folder.name)
    if name != folder.name:
        raise ManifestProblem(f"{manifest}: name = {name!r} but the folder is {folder.name!r}; nbgrader knows an "
                              "assignment by its folder, so make them the same.")
    grader = data.get("grader", {})
    assignment = Assignment(folder=folder, name=name, notebook=data.get("notebook", name),
                            title=data.get("title", name), modules=tuple(grader.get("modules", ())),
                            warm_up=grader.get("warm_up"), judge=grader.get("judge"),
                            given_code=tuple(data.get("similarity", {}).get("given", ())), language=language)
    if not assignment.source.is_file():
        raise ManifestProblem(f"{manifest}: notebook = {assignment.notebook!r} but {assignment.source} does not "
                              "exist; name the source notebook without .ipynb.")
    for name in assignment.given_code:
        if not (folder / name).is_file():
            raise ManifestProblem(f"{manifest}: [similarity] given names {name!r}, which is not a file in {folder}; "
                                  "name the file of given code by its name in that folder.")
    return assignment


def available(source_dir: Path) -> list[str]:
    """The assignments in a course's source directory: the folders with a manifest."""
    return sorted(p.parent.name for p in Path(source_dir).glob(f"*/{MANIFEST}"))


def folder_digest(folder: Path) -> str:
    """A digest of every file in ``folder`` (names and contents; compiled Python aside)."""
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts:
            digest.update(str(path.relative_to(folder)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()
