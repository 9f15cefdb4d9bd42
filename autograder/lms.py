"""Gradebook files for the LMS a course already uses (Canvas, Moodle), from one roster.

    python -m autograder grade FOLDER --roster roster.csv

The roster is a CSV file, one row per student, whose header names the columns (any order, any
case). ``id`` is the hand-in's id, as the reports show it (the file or folder name); it is the
same file nbgrader's ``nbgrader db student import`` reads (``id,first_name,last_name,email``).
For Canvas, the columns of a Canvas gradebook export may be added as they are: ``Student``,
``ID``, ``SIS User ID``, ``SIS Login ID``, ``Section``. Canvas matches a row by its ID, SIS User ID
or SIS Login ID: a roster with none of those columns gives each student's ``id`` as the SIS Login
ID. Moodle matches a row by the email address.

The files hold two columns of points: the autograded tests, and the written answers once a TA
has graded them all in formgrader (blank until then, which both LMSs leave as it was). A roster
student with no hand-in gets blank cells and is listed; a hand-in whose id is not on the roster
cannot go into either file and is listed: in the terminal and on the summary page, never dropped.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from autograder.language import Text

if TYPE_CHECKING:  # the command line reads rosters before anything heavy is imported
    from autograder.results import SubmissionResult

CANVAS_FILE = "canvas_grades.csv"
MOODLE_FILE = "moodle_grades.csv"
# Canvas's own column names (its gradebook export and import), in its order.
CANVAS_IDENTITY = ("Student", "ID", "SIS User ID", "SIS Login ID", "Section")
MOODLE_IDENTITY = ("First name", "Last name", "Email address")


class RosterProblem(ValueError):
    """A roster the kit cannot read: the message names the file and the fix."""


@dataclass(frozen=True)
class RosterStudent:
    id: str
    first_name: str = ""
    last_name: str = ""
    email: str = ""
    canvas: dict = field(default_factory=dict)  # Canvas's identity columns the roster gave

    @property
    def sortable_name(self) -> str:
        """The name as Canvas writes it: "Last, First"."""
        return ", ".join(x for x in (self.last_name, self.first_name) if x) or self.id


def read_roster(path: Path) -> list[RosterStudent]:
    try:
        text = Path(path).read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise RosterProblem(f"{path}: the roster cannot be read ({error}). Give a CSV file saved as UTF-8.") from None
    rows = list(csv.reader(io.StringIO(text, newline="")))
    if not rows or not any(cell.strip() for cell in rows[0]):
        raise RosterProblem(f"{path}: the roster is empty. Give a CSV file whose first line names the columns, "
                            "e.g. id,first_name,last_name,email, and one line per student.")
    header = [cell.strip() for cell in rows[0]]

    def key(name: str) -> str:
        # "id" is the hand-in's id (nbgrader's roster), "ID" Canvas's own number: told apart by
        # case; every other column name is read whatever its case.
        return name if name in ("id", "ID") else name.lower()

    column = {key(name): i for i, name in enumerate(header)}
    if "id" not in column:
        raise RosterProblem(f"{path}: the roster has no 'id' column (its columns: {', '.join(header)}). Add a "
                            "column named id holding each student's hand-in id: the file or folder name the "
                            "reports show. (A Canvas export's 'ID' is Canvas's own number: keep it, and add id.)")
    canvas_columns = [name for name in CANVAS_IDENTITY if key(name) in column]

    def cell(row: list[str], name: str) -> str:
        i = column.get(key(name))
        return row[i].strip() if i is not None and i < len(row) else ""

    students, seen = [], set()
    for number, row in enumerate(rows[1:], start=2):
        if not any(c.strip() for c in row) or cell(row, "Student") == "Points Possible" or \
                (row and row[0].strip() == "Points Possible"):
            continue
        student_id = cell(row, "id")
        if not student_id:
            raise RosterProblem(f"{path}, line {number}: no id. Every student needs the id of their hand-in.")
        if student_id in seen:
            raise RosterProblem(f"{path}, line {number}: the id {student_id!r} is on the roster twice. Keep one line "
                                "per student.")
        seen.add(student_id)
        students.append(RosterStudent(student_id, cell(row, "first_name"), cell(row, "last_name"),
                                      cell(row, "email") or cell(row, "Email address"),
                                      {name: cell(row, name) for name in canvas_columns}))
    return students


ROSTER = Text("Roster: {count} student(s), {handed_in} with a hand-in.", "수강생 명단: {count}명, 제출한 학생 {handed_in}명.")
NO_HAND_IN = Text("No hand-in from {count} roster student(s) (blank in the LMS files): {ids}.",
                  "명단에 있지만 제출물이 없는 학생 {count}명(LMS 파일에는 빈칸): {ids}.")
NOT_ON_ROSTER = Text("{count} hand-in(s) whose id is not on the roster (not in the LMS files; add them to the roster "
                     "or rename the hand-in): {ids}.",
                     "ID가 명단에 없는 제출물 {count}개(LMS 파일에 들어가지 않습니다. 명단에 추가하거나 제출물 이름을 "
                     "바꾸세요): {ids}.")


@dataclass(frozen=True)
class Matching:
    """Each roster student with their result (None: no hand-in), and the hand-ins not on it."""
    rows: list[tuple[RosterStudent, SubmissionResult | None]]
    unknown: list[SubmissionResult]

    @property
    def missing(self) -> list[RosterStudent]:
        return [student for student, result in self.rows if result is None]

    def lines(self, language: str = "en") -> list[str]:
        """What the terminal and the summary page say about the roster, a line each, in the TA's ``language``."""
        said = [ROSTER.format(count=len(self.rows), handed_in=len(self.rows) - len(self.missing))]
        if self.missing:
            said.append(NO_HAND_IN.format(count=len(self.missing), ids=", ".join(s.id for s in self.missing)))
        if self.unknown:
            said.append(NOT_ON_ROSTER.format(count=len(self.unknown),
                                             ids=", ".join(r.student_id for r in self.unknown)))
        return [line.in_language(language) for line in said]


def match(results: list[SubmissionResult], roster: list[RosterStudent]) -> Matching:
    by_id = {r.student_id: r for r in results}
    on_roster = {s.id for s in roster}
    return Matching([(s, by_id.get(s.id)) for s in roster], [r for r in results if r.student_id not in on_roster])


def _points(x: float | None) -> str:
    return "" if x is None else f"{x:g}"


def _scores(result: SubmissionResult | None) -> tuple[str, str]:
    """Autograded and written points; a hand-in that could not be graded scores 0 autograded."""
    from autograder.results import GRADED

    if result is None:
        return "", ""
    if result.status != GRADED:
        return "0", ""
    return _points(result.score), _points(result.written_score)


def columns(assignment: str) -> tuple[str, str]:
    return f"{assignment} autograded", f"{assignment} written answers"


def write_canvas(matching: Matching, path: Path, assignment: str, autograded_max: float, written_max: float) -> None:
    """Canvas's gradebook import file: its identity columns, a "Points Possible" row, then one row
    per roster student, as Canvas's own gradebook export writes them."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*CANVAS_IDENTITY, *columns(assignment)])
        out.writerow(["Points Possible", "", "", "", "", _points(autograded_max), _points(written_max)])
        for student, result in matching.rows:
            given = student.canvas
            login = given.get("SIS Login ID", "")
            if not any(given.get(name) for name in ("ID", "SIS User ID", "SIS Login ID")):
                login = student.id  # no Canvas identity on the roster: the hand-in id as the login
            out.writerow([given.get("Student") or student.sortable_name, given.get("ID", ""),
                          given.get("SIS User ID", ""), login, given.get("Section", ""), *_scores(result)])


def write_moodle(matching: Matching, path: Path, assignment: str) -> None:
    """Moodle's grade import file ("Import grades: CSV file"): users identified by email address."""
    with open(path, "w", newline="", encoding="utf-8") as f:
        out = csv.writer(f)
        out.writerow([*MOODLE_IDENTITY, *columns(assignment)])
        for student, result in matching.rows:
            out.writerow([student.first_name, student.last_name, student.email, *_scores(result)])
