"""End to end through real nbgrader: `python -m autograder grade` on the bundled examples.

The batch is graded once per session (see conftest.py); scores and lost tests are checked
against the README's table, and every lost test's message must name the mistake.
"""

from __future__ import annotations

import csv
import re
import subprocess
import sys

import pytest

from autograder.notebooks import autograded_tests, read
from autograder.course import kit_root
from tests.builders import kit_course, page_text

POINTS = autograded_tests(read(kit_course().source_notebook))
ALL_TESTS = list(POINTS)
MAX = sum(POINTS.values())
NOT_IMPLEMENTED = "is not implemented yet"

# For each example: lost test -> words its message must contain.
EXPECTED_MESSAGES = {
    "cleo": {
        "test_p2_log_probabilities": "log_softmax ran over dim=0",
        "test_p2_evaluate": NOT_IMPLEMENTED,
        "test_p2_train_tagger": NOT_IMPLEMENTED,
        "test_p2_corpus_model": "`corpus_model` is not defined",
        "test_p3_shapes": NOT_IMPLEMENTED,
        "test_p3_recurrent_layer": NOT_IMPLEMENTED,
        "test_p3_hidden_state": NOT_IMPLEMENTED,
        "test_p3_parameter_count": NOT_IMPLEMENTED,
        "test_p3_heldout_accuracy": NOT_IMPLEMENTED,
    },
    "dev": {
        "test_p3_shapes": "not an `(h, c)` tuple",
        "test_p3_hidden_state": "not an `(h, c)` tuple",
        "test_p3_heldout_accuracy": "not an `(h, c)` tuple",
    },
    "eve": {
        "test_p1_methods_agree": "draws a new random `hidden` before Method 2",
        "test_p1_equations": "draws a new random `hidden` before Method 2",
        "test_p3_shapes": NOT_IMPLEMENTED,
        "test_p3_recurrent_layer": NOT_IMPLEMENTED,
        "test_p3_hidden_state": NOT_IMPLEMENTED,
        "test_p3_parameter_count": NOT_IMPLEMENTED,
        "test_p3_heldout_accuracy": NOT_IMPLEMENTED,
    },
}


def readme_table() -> dict[str, tuple[str, str]]:
    """``student -> (score cell, tests-lost cell)`` from the README's examples table."""
    rows = {}
    for line in (kit_root() / "README.md").read_text().splitlines():
        match = re.match(r"\| `(\w+)\.(?:ipynb|txt)` \|[^|]+\|([^|]+)\|([^|]*)\|$", line)
        if match:
            rows[match.group(1)] = (match.group(2).strip(), match.group(3).strip())
    return rows


def test_readme_lists_every_example(graded_examples):
    assert set(readme_table()) == set(graded_examples.results)


def test_the_solution_earns_every_autograded_point(graded_examples):
    ada = graded_examples.results["ada"]
    assert ada.status == "graded"
    assert (ada.score, ada.max_score) == (MAX, MAX)
    assert ada.failed_tests == []
    assert [t.grade_id for t in ada.tests] == ALL_TESTS


def test_the_untouched_release_earns_zero_and_is_graded_without_error(graded_examples):
    ben = graded_examples.results["ben"]
    assert ben.status == "graded" and ben.score == 0 and ben.max_score == MAX
    assert len(ben.failed_tests) == len(ALL_TESTS)
    assert "nbgrader could not grade" not in ben.reason.en


@pytest.mark.parametrize("student", ["ada", "ben", "cleo", "dev", "eve"])
def test_each_example_earns_the_score_the_readme_states(graded_examples, student):
    result = graded_examples.results[student]
    score_cell, lost_cell = readme_table()[student]
    assert score_cell == f"{result.score:g} / {result.max_score:g}"
    lost = [t.grade_id for t in result.failed_tests]
    expected_lost = {"none": [], "all": ALL_TESTS}.get(lost_cell, [t.strip() for t in lost_cell.split(",")])
    assert lost == expected_lost


@pytest.mark.parametrize("student", sorted(EXPECTED_MESSAGES))
def test_each_lost_test_message_names_the_mistake(graded_examples, student):
    result = graded_examples.results[student]
    assert {t.grade_id for t in result.failed_tests} == set(EXPECTED_MESSAGES[student])
    for gid, words in EXPECTED_MESSAGES[student].items():
        assert words in result.test(gid).message, (gid, result.test(gid).message)


@pytest.mark.parametrize("student, reason", [
    ("fay", "not a readable notebook (it is not valid JSON: cut short, or not saved as .ipynb). "
            "Download it again from Jupyter or Colab with File > Download > .ipynb, and submit that file."),
    ("gus", "holds none of the assignment's graded cells: it is not the lstm_gru notebook. "
            "Submit the notebook that was released, with your answers in it."),
    ("ivy", "not a notebook: the file must be the assignment's .ipynb (got '.txt')."),
])
def test_unreadable_files_get_a_row_with_the_reason(graded_examples, student, reason):
    result = graded_examples.results[student]
    assert result.status == "rejected" and result.reason.en == reason
    assert readme_table()[student][0] == "not graded"
    assert f"{student}  " in graded_examples.stdout and reason[:40] in graded_examples.stdout


def test_grades_csv_has_one_row_per_input_file(graded_examples):
    with open(graded_examples.out / "grades.csv") as f:
        rows = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(rows) == {"ada", "ben", "cleo", "dev", "eve", "fay", "gus", "ivy"}
    assert rows["ada"]["autograded_score"] == f"{MAX:g}" and rows["ada"]["status"] == "graded"
    assert rows["ivy"]["status"] == "rejected" and rows["ivy"]["autograded_score"] == ""
    assert rows["dev"]["failed_tests"].split() == ["test_p3_shapes", "test_p3_hidden_state", "test_p3_heldout_accuracy"]


def test_cli_prints_the_score_table(graded_examples):
    assert graded_examples.exit_code == 0
    lines = graded_examples.stdout.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("student"))
    assert re.match(r"ada\s+ada\.ipynb\s+graded\s+33 / 33$", lines[header + 2])
    assert "8 submission(s): 5 graded, 3 not graded." in graded_examples.stdout


def test_feedback_and_nbgrader_export_are_written(graded_examples):
    for student in ("ada", "ben", "cleo", "dev", "eve"):
        html = (graded_examples.out / "feedback" / f"{student}.html").read_text()
        assert "lstm_gru" in html
    assert "not an `(h, c)` tuple" in (graded_examples.out / "feedback" / "dev.html").read_text().replace("&#96;", "`")
    with open(graded_examples.out / "nbgrader_export.csv") as f:
        exported = {row["student_id"]: row for row in csv.DictReader(f)}
    assert set(exported) == {"ada", "ben", "cleo", "dev", "eve"}
    assert float(exported["ada"]["raw_score"]) == MAX


def test_grading_the_solution_twice_gives_identical_scores(graded_examples):
    from autograder.results import read_result
    from autograder.submissions import Submission

    course = graded_examples.course
    first = graded_examples.results["ada"]
    step = course.nbgrader("autograde", "lstm_gru", "--force", "--student", "ada")
    assert step.ok, step.log[-2000:]
    again = read_result(course, Submission("ada", course.submitted_notebook("ada")))
    assert [(t.grade_id, t.score) for t in again.tests] == [(t.grade_id, t.score) for t in first.tests]


def test_validate_lists_each_test_with_its_message():
    notebook = kit_root() / "examples" / "submissions" / "dev.ipynb"
    done = subprocess.run([sys.executable, "-m", "autograder", "validate", str(notebook)],
                          capture_output=True, text=True, timeout=600)
    assert done.returncode == 1, done.stdout + done.stderr
    assert "dev.ipynb: 28 / 33 autograded points" in done.stdout
    assert re.search(r"PASS  test_p1_setup\s+1/1", done.stdout)
    assert re.search(r"FAIL  test_p3_hidden_state\s+0/1", done.stdout)
    assert "not an `(h, c)` tuple" in done.stdout


def test_gradescope_results_and_the_class_summary_are_written(graded_examples):
    import json

    out = graded_examples.out
    ada = json.loads((out / "gradescope" / "ada" / "results.json").read_text())
    assert ada["score"] == MAX and len(ada["tests"]) == len(ALL_TESTS)
    assert all(t["status"] == "passed" and t["score"] == t["max_score"] for t in ada["tests"])
    dev = json.loads((out / "gradescope" / "dev" / "results.json").read_text())
    shapes = next(t for t in dev["tests"] if t["name"] == "test_p3_shapes")
    assert shapes["score"] == 0 and "not an `(h, c)` tuple" in shapes["output"]
    ivy = json.loads((out / "gradescope" / "ivy" / "results.json").read_text())
    assert ivy["score"] == 0 and ivy["output"].startswith("Not graded: not a notebook")
    summary = (out / "summary.html").read_text()
    assert summary.count("<img") == 3  # score histogram, pass rate per test, time per submission
    assert all(f"<td>{name}</td>" in summary for name in ("ada", "ben", "cleo", "dev", "eve", "fay", "gus", "ivy"))


def test_hidden_test_messages_can_be_withheld_from_gradescope(tmp_path):
    import json

    from autograder import hidden_feedback, reports
    from autograder.results import SubmissionResult, TestResult

    result = SubmissionResult("zoe", "zoe.ipynb", "graded", 1.0, 3.0, 0.0, (
        TestResult("test_a", 1, 1),
        TestResult("test_b", 1, 0, "CheckFailed message", from_hidden=True),
        TestResult("test_c", 1, 0, "A public assert failed (AssertionError with no message).")))
    reports.write_gradescope([result], tmp_path, hidden_messages="hidden")
    tests = json.loads((tmp_path / "zoe" / "results.json").read_text())["tests"]
    assert [t["output"] for t in tests] == ["", hidden_feedback.HIDDEN_MESSAGE.en,
                                           "A public assert failed (AssertionError with no message)."]
    # The Korean edition's students read the kit's words in Korean; their own messages stay as they were.
    reports.write_gradescope([result], tmp_path, hidden_messages="hidden", language="ko")
    tests = json.loads((tmp_path / "zoe" / "results.json").read_text())["tests"]
    assert [t["output"] for t in tests][1:] == [hidden_feedback.HIDDEN_MESSAGE.ko,
                                               "A public assert failed (AssertionError with no message)."]


def test_feedback_html_can_withhold_hidden_test_code_and_messages(graded_examples, tmp_path):
    import shutil

    from autograder.course import Course
    from autograder.hidden_feedback import HIDDEN_MESSAGE

    def text(page: str) -> str:
        return page_text(page)

    shown = text((graded_examples.out / "feedback" / "dev.html").read_text())
    assert "not an `(h, c)` tuple" in shown and "part3.check_hidden_state" in shown
    course = Course(tmp_path / "course")
    shutil.copytree(graded_examples.course.root, course.root)
    assert course.generate_feedback(withhold_hidden=True).ok
    withheld = text(course.feedback_html("dev").read_text())
    assert "not an `(h, c)` tuple" not in withheld and "part3.check_" not in withheld
    assert HIDDEN_MESSAGE.en in withheld and "# hidden tests (not shown)" in withheld
    # Public asserts stay, and so do the scores nbgrader computed.
    assert "assert isinstance(lstm, nn.LSTM)" in withheld
    assert withheld.count("Score:") == shown.count("Score:") and re.findall(r"Score: [\d.]+ / [\d.]+", withheld) \
        == re.findall(r"Score: [\d.]+ / [\d.]+", shown)


@pytest.mark.parametrize("hidden_messages", ["shown", "hidden"])
def test_feedback_pages_and_the_export_are_exactly_nbgraders(tmp_path, hidden_messages):
    """The kit writes each feedback page as its notebook finishes, and the export once at the end,
    with nbgrader's own apps in one process; nbgrader's commands, run by hand on the same
    course afterwards, write the very same files."""
    import shutil

    from autograder import grading
    from autograder.course import scratch_course
    from tests.builders import EXAMPLES

    handins = tmp_path / "handins"
    handins.mkdir()
    for student in ("cleo", "dev"):
        shutil.copyfile(EXAMPLES / f"{student}.ipynb", handins / f"{student}.ipynb")
    course = scratch_course(tmp_path / "course")
    out = tmp_path / "out"
    grading.grade_folder(handins, course.root, out, say=lambda _: None, hidden_messages=hidden_messages)
    for student in ("cleo", "dev"):
        course.feedback_html(student).unlink()
    assert course.generate_feedback(withhold_hidden=hidden_messages == "hidden").ok
    for student in ("cleo", "dev"):
        by_nbgrader = course.feedback_html(student).read_text()
        assert by_nbgrader == (out / "feedback" / f"{student}.html").read_text(), student
        text = page_text(by_nbgrader)
        assert ("part3.check_hidden_state" in text) == (hidden_messages == "shown")
    course.export(tmp_path / "export.csv")
    assert (tmp_path / "export.csv").read_text() == (out / "nbgrader_export.csv").read_text()


def test_the_command_says_where_its_time_went(graded_examples):
    import json

    assert re.search(r"^Done in \d+ s \(release check [\d.]+ s, grading [\d.]+ s, feedback [\d.]+ s, "
                     r"export [\d.]+ s, reports [\d.]+ s\)\.$", graded_examples.stdout, re.MULTILINE)
    phases = json.loads((graded_examples.out / "work" / "phases.json").read_text())["phases"]
    assert set(phases) == {"release check", "grading", "feedback", "export", "reports"}
    # Feedback pages are written while the workers grade, not in a pass after them.
    assert phases["feedback"][0] < phases["grading"][1]
    assert phases["release check"][1] <= phases["grading"][0] <= phases["export"][0] <= phases["reports"][0]
