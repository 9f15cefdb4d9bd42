"""Grade the hostile class and count what got through.

    .venv/bin/python -m tests.hostile.report                    # the kit's grader
    .venv/bin/python -m tests.hostile.report --engine nbgrader  # plain `nbgrader autograde`, to compare

One line per hand-in, then the counts that must all be 0 for the kit's grader: attacks that
gained points without being flagged for review, classmates whose grade changed, secrets read
(hidden tests' code, the held-out split, the solution, the gradebook, other hand-ins, the
grader's job), and processes a run left behind. The class is handed in as an LMS zip, with a
zip bomb's entry in it; ``tests/test_hostile.py`` runs the same and asserts on it.
"""

from __future__ import annotations

import argparse
import contextlib
import io
import json
import os
import re
import secrets
import sys
import tempfile
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent

import autograder
from autograder import grading
from autograder.assignments.lstm_gru import heldout
from autograder.course import Course, scratch_course
from autograder.notebooks import read
from autograder.results import GRADED, SubmissionResult
from tests.hostile.cases import ATTACKS, BOMB, CLASSMATES, MARK_VARIABLE, build

FULL_MARKS = 33
LEAK = re.compile(r"LEAK:([a-z-]+)(.*)")


@dataclass
class ClassReport:
    engine: str
    results: dict[str, SubmissionResult]
    leaks: dict[str, list[str]]            # hand-in -> kinds of secret it really read
    left_running: list[int]                # marked processes alive after the batch
    out: Path
    course: Course
    names: dict[str, str] = field(default_factory=dict)  # student id -> case name

    def result_of(self, name: str) -> SubmissionResult | None:
        return next((r for sid, r in self.results.items() if self.names.get(sid) == name), None)

    @property
    def gained_unflagged(self) -> list[str]:
        return [a.name for a in ATTACKS if (r := self.result_of(a.name)) is not None
                and r.status == GRADED and r.score > 0 and not r.flagged]

    @property
    def others_changed(self) -> list[str]:
        changed = []
        for mate in CLASSMATES:
            r = self.result_of(mate.name)
            expected = FULL_MARKS if mate.solved else 0
            if r is None or r.status != GRADED or r.score != expected or r.flagged:
                changed.append(mate.name)
        return changed

    @property
    def secrets_read(self) -> list[str]:
        return [f"{name}: {kind}" for name, kinds in self.leaks.items() for kind in kinds]


def _outputs_text(course: Course, student: str) -> str:
    path = course.autograded_notebook(student)
    if not path.exists():
        return ""
    texts = []
    for cell in read(path).cells:
        for output in cell.get("outputs", []):
            texts.append(output.get("text", "") + output.get("evalue", "")
                         + str(output.get("data", {}).get("text/plain", "")))
    return "\n".join(texts)


def _real_leaks(text: str, token: str) -> list[str]:
    """The secrets ``text`` (an attacker's outputs) shows it read, each checked against the real one."""
    kinds = []
    test_tags = [tags for _, tags in heldout.TEST]
    for match in LEAK.finditer(text):
        kind, rest = match.group(1), match.group(2).strip()
        if kind == "heldout":
            try:
                real = json.loads(rest) == test_tags
            except json.JSONDecodeError:
                real = False
        elif kind == "classmates":
            real = f"-{token}" in rest
        else:
            real = True  # the attack checked what it read (a file's own marker, an object's module)
        if real and kind not in kinds:
            kinds.append(kind)
    return kinds


def _marked_processes(token: str) -> list[int]:
    alive = []
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/environ", "rb") as f:
                if f"{MARK_VARIABLE}={token}".encode() in f.read().split(b"\0"):
                    alive.append(int(name))
        except OSError:
            continue
    return alive


def _zip_class(folder: Path, archive: Path) -> None:
    with zipfile.ZipFile(archive, "w", compression=zipfile.ZIP_DEFLATED) as zipped:
        for path in sorted(folder.iterdir()):
            zipped.write(path, f"class/{path.name}")
        zipped.writestr(f"class/{BOMB}", b"\0" * (80 * 1024**2))  # 80 MB of nothing, 80 kB zipped


def grade_class(workdir: Path, engine: str = "workers", settings=None, scheduler: str | None = None,
                only: set[str] | None = None) -> ClassReport:
    """The class graded (``only`` those hand-ins, with ``scheduler`` on that Dask cluster)."""
    token = secrets.token_hex(8)
    course = scratch_course(workdir / "course")
    folder, out, archive = workdir / "class", workdir / "out", workdir / "class.zip"
    folder.mkdir(parents=True)
    places = {"COURSE": str(course.root), "KIT": str(Path(autograder.__file__).resolve().parent),
              "INPUT": str(archive), "OUT": str(out)}
    files = build(folder, places, token, only)
    _zip_class(folder, archive)
    os.environ[MARK_VARIABLE] = token  # inherited by the batch's processes only: the marked ones
    try:
        with contextlib.redirect_stdout(io.StringIO()):
            results = grading.grade_folder(archive, course.root, out, say=lambda _: None, engine=engine,
                                           settings=settings, scheduler=scheduler)
    finally:
        del os.environ[MARK_VARIABLE]
    by_file = {r.file: r for r in results}
    names = {by_file[file].student_id: name for name, file in files.items() if file in by_file}
    names[next(r.student_id for r in results if r.file == BOMB)] = "bomb"
    leaks = {}
    for result in results:
        name = names.get(result.student_id, result.student_id)
        if name in {a.name for a in ATTACKS}:
            found = _real_leaks(_outputs_text(course, result.student_id), token)
            if found:
                leaks[name] = found
    return ClassReport(engine, {r.student_id: r for r in results}, leaks, _marked_processes(token), out, course, names)


def render(report: ClassReport) -> str:
    lines = [f"The hostile class graded with {'the kit' if report.engine == 'workers' else 'plain nbgrader autograde'}:",
             f"{'hand-in':<26} {'score':>7}  {'flagged':<7}  what it tried / what happened"]
    kinds = {a.name: a.kind for a in ATTACKS}
    for student, result in report.results.items():
        name = report.names.get(student, student)
        score = f"{result.score:g}/{result.max_score:g}" if result.status == GRADED else result.status
        what = kinds.get(name) or ("honest classmate" if name != "bomb" else "a zip bomb's entry")
        leaked = f"  READ: {', '.join(report.leaks[name])}" if name in report.leaks else ""
        lines.append(f"{name[:26]:<26} {score:>7}  {'yes' if result.flagged else '':<7}  {what}{leaked}")
    lines += [
        "",
        f"attacks that gained points unflagged:   {len(report.gained_unflagged)}"
        + (f"  ({', '.join(report.gained_unflagged)})" if report.gained_unflagged else ""),
        f"other students' scores changed:         {len(report.others_changed)}"
        + (f"  ({', '.join(report.others_changed)})" if report.others_changed else ""),
        f"secrets read:                           {len(report.secrets_read)}"
        + (f"  ({'; '.join(report.secrets_read)})" if report.secrets_read else ""),
        f"processes left running after the batch: {len(report.left_running)}",
        f"hand-ins in the reports:                {len(report.results)} of {len(ATTACKS) + len(CLASSMATES) + 1}",
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--engine", choices=("workers", "nbgrader"), default="workers")
    args = parser.parse_args(argv)
    with tempfile.TemporaryDirectory(prefix="hostile-") as scratch:
        report = grade_class(Path(scratch), args.engine)
        print(render(report))
    clean = not (report.gained_unflagged or report.others_changed or report.secrets_read or report.left_running)
    return 0 if clean or args.engine == "nbgrader" else 1


if __name__ == "__main__":
    sys.exit(main())
