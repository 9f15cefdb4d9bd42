"""Writes the labelled submissions to tests/labelled/submissions/{wrong,correct}/<name>.ipynb.

Each is the released notebook as a student would hand it in (``autograder.notebooks
.submission``) with the change its label describes. ``tests/test_labelled.py`` checks the
committed files are what this script writes.

    .venv/bin/python tests/labelled/build.py
"""

from __future__ import annotations

import sys
from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from autograder.notebooks import submission  # noqa: E402
from labelled.cases import ALL, Labelled  # noqa: E402

SUBMISSIONS = HERE / "submissions"


def path_of(case: Labelled) -> Path:
    return SUBMISSIONS / ("correct" if case.mistake is None else "wrong") / f"{case.name}.ipynb"


def notebook(case: Labelled):
    return submission(case.edits, unsolved=case.unsolved)


def main() -> None:
    for case in ALL:
        path = path_of(case)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(case), str(path))
    print(f"wrote {len(ALL)} notebooks under {SUBMISSIONS}")


if __name__ == "__main__":
    main()
