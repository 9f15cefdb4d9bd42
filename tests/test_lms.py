"""Canvas and Moodle gradebook files from a roster; a roster that does not match the hand-ins."""

from __future__ import annotations

import csv
import shutil

import pytest

from autograder import cli, lms
from autograder.course import Course, scratch_course
from autograder import grading
from autograder.results import read_results
from autograder.submissions import collect
from tests.builders import EXAMPLES, page_text

# Two with Canvas's own columns (as a Canvas gradebook export has them), the rest nbgrader's;
# zoe handed in nothing, and ivy (who handed in a .txt) is not on the roster.
ROSTER = """id,first_name,last_name,email,ID,SIS User ID,SIS Login ID,Section
ada,Ada,Lovelace,ada@example.edu,1001,S1001,ada,Lab 1
ben,Ben,Kim,ben@example.edu,1002,S1002,ben,Lab 1
cleo,Cleo,Park,cleo@example.edu,,,,
dev,Dev,Lee,dev@example.edu,,,,
eve,Eve,Choi,eve@example.edu,,,,
fay,Fay,Jung,fay@example.edu,,,,
gus,Gus,Han,gus@example.edu,,,,
zoe,Zoe,Yoon,zoe@example.edu,,,,
"""


def _rows(path):
    with open(path, newline="", encoding="utf-8") as f:
        return list(csv.reader(f))


def test_canvas_and_moodle_files_hold_every_roster_student_in_each_lms_format(graded_examples, tmp_path):
    roster = tmp_path / "roster.csv"
    roster.write_text(ROSTER)
    matching = lms.match(list(graded_examples.results.values()), lms.read_roster(roster))
    lms.write_canvas(matching, tmp_path / "canvas.csv", "lstm_gru", 33, 6)
    lms.write_moodle(matching, tmp_path / "moodle.csv", "lstm_gru")
    score = {s: f"{r.score:g}" for s, r in graded_examples.results.items() if r.status == "graded"}

    canvas = _rows(tmp_path / "canvas.csv")
    # Canvas's gradebook columns, in its order, then its "Points Possible" row.
    assert canvas[0] == ["Student", "ID", "SIS User ID", "SIS Login ID", "Section",
                         "lstm_gru autograded", "lstm_gru written answers"]
    assert canvas[1] == ["Points Possible", "", "", "", "", "33", "6"]
    assert canvas[2] == ["Lovelace, Ada", "1001", "S1001", "ada", "Lab 1", "33", ""]
    # No Canvas identity on the roster: the hand-in id is the SIS Login ID.
    assert canvas[4] == ["Park, Cleo", "", "", "cleo", "", score["cleo"], ""]
    assert canvas[7] == ["Jung, Fay", "", "", "fay", "", "0", ""]   # handed in an unreadable file: 0
    assert canvas[9] == ["Yoon, Zoe", "", "", "zoe", "", "", ""]     # nothing handed in: left as it was
    assert [row[3] for row in canvas[2:]] == ["ada", "ben", "cleo", "dev", "eve", "fay", "gus", "zoe"]

    moodle = _rows(tmp_path / "moodle.csv")
    assert moodle[0] == ["First name", "Last name", "Email address", "lstm_gru autograded",
                         "lstm_gru written answers"]
    # ben left both answers as the release's stubs: nbgrader scores those 0 itself, no TA needed.
    assert moodle[1:] == [[first, last, f"{sid}@example.edu", score.get(sid, "0" if sid != "zoe" else ""),
                           "0" if sid == "ben" else ""]
                          for sid, first, last in [("ada", "Ada", "Lovelace"), ("ben", "Ben", "Kim"),
                                                   ("cleo", "Cleo", "Park"), ("dev", "Dev", "Lee"),
                                                   ("eve", "Eve", "Choi"), ("fay", "Fay", "Jung"),
                                                   ("gus", "Gus", "Han"), ("zoe", "Zoe", "Yoon")]]
    assert matching.lines() == [
        "Roster: 8 student(s), 7 with a hand-in.",
        "No hand-in from 1 roster student(s) (blank in the LMS files): zoe.",
        "1 hand-in(s) whose id is not on the roster (not in the LMS files; add them to the roster or rename "
        "the hand-in): ivy."]
    assert matching.lines("ko") == [  # grade --language ko: the TA's language
        "수강생 명단: 8명, 제출한 학생 7명.",
        "명단에 있지만 제출물이 없는 학생 1명(LMS 파일에는 빈칸): zoe.",
        "ID가 명단에 없는 제출물 1개(LMS 파일에 들어가지 않습니다. 명단에 추가하거나 제출물 이름을 바꾸세요): ivy."]


def test_the_written_answers_go_in_once_a_ta_has_graded_them_all(graded_examples, tmp_path):
    from nbgrader.api import Gradebook

    shutil.copytree(graded_examples.course.root, tmp_path / "course")
    course = Course(tmp_path / "course")
    ada = [s for s in collect(EXAMPLES, grading.test_ids(course), course.assignment.notebook) if s.student_id == "ada"]
    assert read_results(course, ada)[0].written_score is None  # nobody has graded them yet
    with Gradebook(course.db_url) as gb:
        answers = [g for g in gb.find_submission_notebook(course.assignment.notebook, course.assignment.name,
                                                          "ada").grades if g.cell_type == "markdown"]
        assert len(answers) == 2
        # What formgrader's grade API stores when a TA grades an answer.
        answers[0].manual_score, answers[0].needs_manual_grade = 2.5, False
        gb.db.commit()
    assert read_results(course, ada)[0].written_score is None  # one of two: not yet
    with Gradebook(course.db_url) as gb:
        answers = [g for g in gb.find_submission_notebook(course.assignment.notebook, course.assignment.name,
                                                          "ada").grades if g.cell_type == "markdown"]
        answers[1].manual_score, answers[1].needs_manual_grade = 3, False
        gb.db.commit()
    assert read_results(course, ada)[0].written_score == 5.5


def test_grade_with_a_roster_that_does_not_match_lists_both_sides_and_loses_no_one(tmp_path, capsys):
    handins = tmp_path / "handins"
    handins.mkdir()
    for name in ("fay.ipynb", "gus.ipynb", "ivy.txt"):  # none gradable: the check is about the roster
        shutil.copyfile(EXAMPLES / name, handins / name)
    roster = tmp_path / "roster.csv"
    roster.write_text("id,first_name,last_name,email\nfay,Fay,Jung,fay@example.edu\nzoe,Zoe,Yoon,zoe@example.edu\n")
    course = scratch_course(tmp_path / "course")
    out = tmp_path / "out"
    code = cli.main(["grade", str(handins), "--course-dir", str(course.root), "--out", str(out),
                     "--roster", str(roster)])
    printed = capsys.readouterr().out
    assert code == 0
    expected = ["Roster: 2 student(s), 1 with a hand-in.",
                "No hand-in from 1 roster student(s) (blank in the LMS files): zoe.",
                "2 hand-in(s) whose id is not on the roster (not in the LMS files; add them to the roster or "
                "rename the hand-in): gus, ivy."]
    lines = printed.splitlines()
    # Under the score table, where the TA reads on.
    assert lines.index(expected[0]) > max(i for i, line in enumerate(lines) if line.startswith("ivy "))
    for line in expected:
        assert line in lines
        assert line in page_text((out / "summary.html").read_text())
    assert f"Canvas and Moodle gradebook files {out / 'canvas_grades.csv'} and {out / 'moodle_grades.csv'}" in printed
    assert _rows(out / "canvas_grades.csv")[1:] == [["Points Possible", "", "", "", "", "33", "6"],
                                                    ["Jung, Fay", "", "", "fay", "", "0", ""],
                                                    ["Yoon, Zoe", "", "", "zoe", "", "", ""]]
    # The next run without a roster leaves no LMS file behind to pass for its own.
    assert cli.main(["grade", str(handins), "--course-dir", str(course.root), "--out", str(out)]) == 0
    assert not (out / "canvas_grades.csv").exists() and not (out / "moodle_grades.csv").exists()


@pytest.mark.parametrize("text, message", [
    ("", "{path}: the roster is empty. Give a CSV file whose first line names the columns, e.g. "
         "id,first_name,last_name,email, and one line per student."),
    ("Student,ID,SIS Login ID\n\"Kim, Ben\",1002,ben\n",
     "{path}: the roster has no 'id' column (its columns: Student, ID, SIS Login ID). Add a column named id holding "
     "each student's hand-in id: the file or folder name the reports show. (A Canvas export's 'ID' is Canvas's "
     "own number: keep it, and add id.)"),
    ("id,email\nben,b@x\nben,c@x\n",
     "{path}, line 3: the id 'ben' is on the roster twice. Keep one line per student."),
    ("id,email\n,b@x\n", "{path}, line 2: no id. Every student needs the id of their hand-in."),
])
def test_a_roster_the_kit_cannot_use_is_refused_before_grading_with_the_fix(tmp_path, capsys, text, message):
    roster = tmp_path / "roster.csv"
    roster.write_text(text)
    with pytest.raises(lms.RosterProblem) as refused:
        lms.read_roster(roster)
    assert str(refused.value) == message.format(path=roster)
    # Through the command: exit 1 and the same words, before any notebook is touched.
    handins = tmp_path / "handins"
    handins.mkdir()
    shutil.copyfile(EXAMPLES / "fay.ipynb", handins / "fay.ipynb")
    assert cli.main(["grade", str(handins), "--out", str(tmp_path / "out"), "--roster", str(roster)]) == 1
    assert capsys.readouterr().err.strip() == f"error: {message.format(path=roster)}"
    assert not (tmp_path / "out").exists()


def test_a_roster_that_is_not_there_is_an_argument_error(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:
        cli.main(["grade", str(EXAMPLES), "--roster", str(tmp_path / "nope.csv")])
    assert stopped.value.code == 2
    assert f"argument --roster: {tmp_path / 'nope.csv'} is not a file." in capsys.readouterr().err
