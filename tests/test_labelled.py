"""The labelled submissions, graded through real `nbgrader autograde`.

Every wrong submission must lose exactly the tests its catalogued mistake costs, with a
message naming the mistake in each; every correct variation must earn every autograded
point. The set is graded once per session (the ``verdicts`` fixture in conftest.py) by the
same code as tests/labelled/report.py.
"""

from __future__ import annotations

import pytest

from autograder.assignments.lstm_gru import mistakes
from autograder.notebooks import autograded_tests, read
from autograder.course import kit_root
from tests.builders import kit_course
from tests.labelled import report
from tests.labelled.cases import ALL, CORRECT, WRONG


def _name(case) -> str:
    return case.name


def test_the_set_is_large_enough_and_covers_the_whole_catalogue():
    assert len(WRONG) >= 25 and len(CORRECT) >= 10
    assert len({case.name for case in ALL}) == len(ALL)
    assert {case.mistake for case in WRONG} == set(mistakes.BY_KEY)


def test_each_mistake_costs_tests_of_one_part_only():
    tests = list(autograded_tests(read(kit_course().source_notebook)))
    for mistake in mistakes.CATALOGUE:
        assert mistake.tests and set(mistake.tests) <= set(tests), mistake.key
        assert sorted(mistake.tests, key=tests.index) == list(mistake.tests), mistake.key
        assert len({t.split("_")[1] for t in mistake.tests}) == 1, mistake.key


@pytest.mark.parametrize("case", CORRECT, ids=_name)
def test_a_correct_variation_earns_every_autograded_point(verdicts, case):
    verdict = verdicts[case.name]
    assert verdict.full_marks, (case.what, verdict.lost, [verdict.result.test(g).message for g in verdict.lost])


@pytest.mark.parametrize("case", WRONG, ids=_name)
def test_a_mistake_costs_exactly_its_tests(verdicts, case):
    verdict = verdicts[case.name]
    assert verdict.result.status == "graded", verdict.result.reason
    assert verdict.lost == verdict.expected, case.what


@pytest.mark.parametrize("case", WRONG, ids=_name)
def test_every_lost_test_names_the_mistake(verdicts, case):
    verdict = verdicts[case.name]
    assert verdict.lost and verdict.unnamed == [], {g: verdict.result.test(g).message for g in verdict.unnamed}


def test_the_report_counts_every_submission(verdicts):
    lines = report.summary_lines(list(verdicts.values()))
    assert lines == [
        f"correct variations with full marks:                 {len(CORRECT)} / {len(CORRECT)}",
        f"wrong submissions that lost exactly their tests:    {len(WRONG)} / {len(WRONG)}",
        f"wrong submissions whose messages name the mistake:  {len(WRONG)} / {len(WRONG)}",
    ]
    assert all(line.startswith("ok ") for line in report.case_lines(list(verdicts.values())))


def test_the_readme_lists_the_catalogue():
    readme = (kit_root() / "README.md").read_text()
    assert mistakes.markdown_table() in readme, (
        "README.md's table of mistakes differs from autograder/mistakes.py: paste "
        "`python -c 'from autograder.assignments.lstm_gru.mistakes import markdown_table; print(markdown_table())'`.")
    assert f"each of {len(mistakes.CATALOGUE)} catalogued mistakes" in readme
    assert f"`cases.py` defines {len(WRONG)} wrong submissions" in readme
    assert f"and {len(CORRECT)} correct variations" in readme
    for line in report.summary_lines([]):
        label = line.split(":")[0]
        total = len(CORRECT) if label.startswith("correct") else len(WRONG)
        assert f"# {label}:" in readme and f"{total} / {total}" in readme
