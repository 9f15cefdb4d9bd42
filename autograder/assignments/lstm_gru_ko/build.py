"""Write ``lstm_gru_ko.ipynb``, the Korean edition's nbgrader source, from the English source and
``translation.toml``.

Run ``python -m autograder.assignments.lstm_gru_ko.build``. The Korean notebook is generated,
never edited by hand: the English notebook (``autograder/assignments/lstm_gru/lstm_gru.ipynb``)
is the one source of the assignment's code, tests and cell metadata, and the translation gives

* each markdown cell whole, in Korean, with a fingerprint of the English cell it translates:
  when the English cell changes, the build stops and names the cell until its Korean is
  brought up to date (``--refingerprint CELL`` records the new fingerprint once it is);
* each code cell's comments and messages as exact replacements (``en`` -> ``ko``): each
  ``en`` must occur exactly once in its cell, so a changed English cell stops the build too.

Everything else (code, cell ids, nbgrader metadata, the hidden tests) is the English cell's, but
for one line the build writes into each hidden test region: :data:`SPEAK`, which has the checks
speak this edition's language (its manifest's ``language``), under the kit's grader and under
plain ``nbgrader autograde`` alike.
``tests/test_korean.py`` proves the two editions run the same code and that everything a
student reads in the Korean one is in Korean.
"""

from __future__ import annotations

import argparse
import copy
import hashlib
import sys
import tomllib
from pathlib import Path

import nbformat

from autograder.hidden_feedback import BEGIN
from autograder.engine.manifest import load

HERE = Path(__file__).parent
ENGLISH = HERE.parent / "lstm_gru" / "lstm_gru.ipynb"
TRANSLATION = HERE / "translation.toml"
NOTEBOOK = HERE / "lstm_gru_ko.ipynb"
GLOSSARY = HERE / "glossary.csv"


# Written right after each "### BEGIN HIDDEN TESTS": the hidden checks' messages in this language.
SPEAK = 'from autograder.language import speak; speak("{language}")'


def speaking(source: str, language: str) -> str:
    """``source`` with :data:`SPEAK` opening each of its hidden test regions."""
    line = SPEAK.format(language=language)
    return "\n".join(f"{text}\n{line}" if text.strip() == BEGIN else text for text in source.split("\n"))


def without_speaking(source: str) -> str:
    """``source`` without the lines :func:`speaking` wrote (any language)."""
    prefix = SPEAK.split("{")[0]
    return "\n".join(text for text in source.split("\n") if not text.startswith(prefix))


class TranslationOutOfDate(Exception):
    """The translation no longer fits the English source; the message names each cell and the fix."""


def fingerprint(text: str) -> str:
    """The English cell a Korean cell translates, in 12 hex digits."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:12]


def read_translation(path: Path = TRANSLATION) -> dict:
    with open(path, "rb") as f:
        return tomllib.load(f)


def build(english_path: Path = ENGLISH, translation: dict | None = None):
    """The Korean source notebook; raises :class:`TranslationOutOfDate` naming every cell that
    does not fit, rather than writing a notebook with English left in it."""
    translation = read_translation() if translation is None else translation
    english = nbformat.read(str(english_path), as_version=4)
    korean = copy.deepcopy(english)
    language = load(HERE).language
    markdown, code = translation.get("markdown", {}), translation.get("code", {})
    problems = []
    for cell in korean.cells:
        if cell.cell_type == "markdown":
            entry = markdown.get(cell.id)
            if entry is None:
                problems.append(f"markdown cell {cell.id} has no Korean text: add [markdown.{cell.id}]")
            elif entry.get("english") != fingerprint(cell.source):
                problems.append(f"markdown cell {cell.id} changed in English since it was translated: update its "
                                f"Korean, then run `python -m autograder.assignments.lstm_gru_ko.build "
                                f"--refingerprint {cell.id}`")
            else:
                cell.source = entry["korean"]
            continue
        source = cell.source
        for replacement in code.get(cell.id, []):
            found = source.count(replacement["en"])
            if found != 1:
                problems.append(f"code cell {cell.id}: {replacement['en'][:70]!r} occurs {found} times in the English "
                                "cell (it must occur once): update that replacement to the cell's current text")
            else:
                source = source.replace(replacement["en"], replacement["ko"])
        cell.source = speaking(source, language)
    ids = {cell.id for cell in english.cells}
    problems += [f"the translation names a cell the English notebook lacks: {name}"
                 for name in sorted((set(markdown) | set(code)) - ids)]
    if problems:
        raise TranslationOutOfDate(f"{TRANSLATION.name} does not fit {english_path.name}:\n  " + "\n  ".join(problems))
    return korean


def refingerprint(cell_ids: list[str], path: Path = TRANSLATION) -> None:
    """Record the English cells' current fingerprints for ``cell_ids`` (once their Korean is updated)."""
    english = {cell.id: cell for cell in nbformat.read(str(ENGLISH), as_version=4).cells}
    text = path.read_text(encoding="utf-8")
    markdown = read_translation(path).get("markdown", {})
    for cell_id in cell_ids:
        if cell_id not in markdown or cell_id not in english:
            raise SystemExit(f"no markdown cell {cell_id} in both {ENGLISH.name} and {path.name}")
        old = f'[markdown.{cell_id}]\nenglish = "{markdown[cell_id]["english"]}"'
        if old not in text:
            raise SystemExit(f"{path.name}: write [markdown.{cell_id}] with its `english` line right below it")
        text = text.replace(old, f'[markdown.{cell_id}]\nenglish = "{fingerprint(english[cell_id].source)}"')
    path.write_text(text, encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--refingerprint", nargs="+", metavar="CELL", help="markdown cells whose Korean is up to date")
    args = parser.parse_args(argv)
    if args.refingerprint:
        refingerprint(args.refingerprint)
    try:
        notebook = build()
    except TranslationOutOfDate as problem:
        print(problem, file=sys.stderr)
        return 1
    nbformat.write(notebook, str(NOTEBOOK))
    print(f"wrote {NOTEBOOK.relative_to(HERE.parent.parent.parent)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
