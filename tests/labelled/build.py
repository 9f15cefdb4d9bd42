"""Writes the labelled submissions to tests/labelled/submissions/{wrong,correct}/<name>.ipynb.

Each is the released notebook as a student would hand it in (``autograder.notebooks
.submission``) with the change its label describes. The files are written on demand (the
test suite and ``report.py`` write their own copies), so they always match the release;
this script writes them where a TA can open them.

    .venv/bin/python -m tests.labelled.build
"""

from __future__ import annotations

from pathlib import Path

import nbformat

HERE = Path(__file__).resolve().parent

from tests.builders import submission
from tests.labelled.cases import ALL, Labelled

SUBMISSIONS = HERE / "submissions"


def path_of(case: Labelled, into: Path = SUBMISSIONS) -> Path:
    return into / ("correct" if case.mistake is None else "wrong") / f"{case.name}.ipynb"


def notebook(case: Labelled):
    return submission(case.edits, unsolved=case.unsolved)


def write_all(into: Path = SUBMISSIONS, cases: list[Labelled] = ALL) -> dict[str, Path]:
    """Write each case's notebook under ``into``; ``name -> path``."""
    paths = {}
    for case in cases:
        path = paths[case.name] = path_of(case, into)
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(notebook(case), str(path))
    return paths


def main() -> None:
    write_all()
    print(f"wrote {len(ALL)} notebooks under {SUBMISSIONS}")


if __name__ == "__main__":
    main()
