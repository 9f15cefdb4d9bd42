"""The hostile class (tests/hostile/) through the kit's grader: no attack gains a point without
being flagged, no classmate's grade moves, no secret is read, nothing a run starts outlives it,
and every hand-in, a zip bomb's entry and odd names included, has its row in every report."""

from __future__ import annotations

import csv
import json
import re

import pytest

from autograder import reports
from autograder.engine.protocol import Settings
from autograder.notebooks import read
from autograder.results import GRADED
from autograder.submissions import ID_LIMIT
from tests.hostile.cases import ATTACKS, CLASSMATES
from tests.hostile.report import grade_class, render

ROOT_ONLY = pytest.mark.skipif(__import__("os").geteuid() != 0, reason="namespaces and users of its own need root")


@pytest.fixture(scope="module")
def graded(tmp_path_factory):
    return grade_class(tmp_path_factory.mktemp("hostile"))


def test_the_class_has_at_least_25_distinct_attacks():
    assert len(ATTACKS) >= 25 and len({a.kind for a in ATTACKS}) == len(ATTACKS)


@ROOT_ONLY
def test_no_attack_gains_unflagged_no_classmate_moves_no_secret_is_read_nothing_is_left(graded):
    assert graded.gained_unflagged == []
    assert graded.others_changed == []
    assert graded.secrets_read == []
    assert graded.left_running == []
    text = render(graded)
    assert "attacks that gained points unflagged:   0" in text and "secrets read:                           0" in text


@ROOT_ONLY
def test_hooks_into_the_shell_and_replaced_checks_earn_nothing(graded):
    """Prevented, not only flagged: the test cells run on the kit's own path with its own tools."""
    for name in ("hook_custom_exc", "hook_showtraceback", "hook_input_transformer", "hook_ast_transformer",
                 "hook_run_cell", "hook_compiler", "checks_by_alias", "checks_by_exec", "checks_by_importlib", "checks_by_sys_modules",
                 "checks_by_pickle", "thresholds_lowered", "torch_patched", "builtins_patched", "torch_function_mode",
                 "reference_import", "reference_by_gc", "patching_thread"):
        result = graded.result_of(name)
        assert result.status == GRADED and result.score == 0, (name, result.score, result.reason)
        assert result.flagged, name


def test_a_replaced_compiler_empties_no_test_cell(graded):
    """Test cells are compiled with the kit's own tools, not the shell's (replaceable) compiler:
    with it replaced, the student's own cells compile to nothing, and every test still runs on
    the untouched release and fails."""
    from autograder.notebooks import is_solution

    result = graded.result_of("hook_compiler")
    cells = read(graded.course.autograded_notebook(result.student_id)).cells
    stubs = [c for c in cells if c.cell_type == "code" and is_solution(c)]
    assert stubs and not any(o.output_type == "error" for c in stubs for o in c.outputs)  # it took hold
    assert result.status == GRADED and result.score == 0 and len(result.failed_tests) == len(result.tests)


def test_the_language_state_thrown_into_nonsense_changes_no_score_and_no_message(graded):
    """The untouched release with the language of the kit's messages broken is graded exactly as
    the untouched release: every test lost, each with the same English message."""
    from autograder.translation import HANGUL

    attacked, untouched = graded.result_of("language_state"), graded.result_of("untouched")
    assert attacked.status == untouched.status == GRADED and attacked.score == untouched.score == 0
    assert [(t.grade_id, t.message) for t in attacked.tests] == [(t.grade_id, t.message) for t in untouched.tests]
    assert all(t.message and not HANGUL.search(t.message) for t in attacked.tests)


def test_breaking_what_words_the_tool_tampering_error_neither_stops_the_run_nor_lets_a_test_count(graded):
    """The error is worded with the kit's own words, put back before they are used: each test that
    ran the model scores 0 and says what changed, and every cell after it still ran."""
    result = graded.result_of("wording_broken")
    assert result.status == GRADED and result.flagged
    assert "Stopped early" not in result.reason.en, result.reason.en
    worded = [t for t in result.tests if t.message.startswith("GraderToolsChanged: ")]
    assert worded and all(t.score == 0 for t in worded), [(t.grade_id, t.score) for t in worded]
    assert all("`torch.allclose` was replaced" in t.message and "`autograder.engine.flag_words.korean` was replaced"
               in t.message for t in worded), [t.message for t in worded]


def test_every_flag_the_class_raised_reads_in_korean_for_a_korean_ta(graded):
    """grade --language ko: the review flags of a whole hostile class, every kind the engine
    raises, are read by tests/test_flag_words.py's rules; none is left in English."""
    from autograder.engine.flag_words import korean

    flags = [flag for r in graded.results.values() if r.status == GRADED for flag in r.flags]
    assert len(flags) >= 25
    assert [flag for flag in flags if korean(flag) is None] == [], [flag for flag in flags if korean(flag) is None]


@ROOT_ONLY
def test_forged_records_are_flagged_with_what_gave_them_away(graded):
    for name in ("forged_records", "forged_records_decoded"):
        result = graded.result_of(name)
        assert result.flagged
        assert "(works on raw file descriptors, processes or signals)" in result.reason.en \
            or "(runs code built from text at run time)" in result.reason.en


@ROOT_ONLY
def test_the_reference_solution_cannot_be_imported(graded):
    from tests.hostile.report import _outputs_text

    student = next(s for s, n in graded.names.items() if n == "reference_import")
    assert "no reference: ModuleNotFoundError" in _outputs_text(graded.course, student)


@ROOT_ONLY
def test_a_run_cannot_fork_without_bound_or_fill_the_disk(graded):
    from tests.hostile.report import _outputs_text

    fork = _outputs_text(graded.course, next(s for s, n in graded.names.items() if n == "fork_bomb"))
    assert "fork stopped: [Errno 11] Resource temporarily unavailable" in fork
    disk = _outputs_text(graded.course, next(s for s, n in graded.names.items() if n == "disk_fill"))
    written = int(re.search(r"MB written (\d+)", disk).group(1))
    assert "disk stopped: [Errno 28] No space left on device" in disk
    assert written * 1_000_000 <= Settings().disk_bytes + 1_000_000  # 512 MiB in all, of the 1000 MB tried


@ROOT_ONLY
def test_a_run_cannot_reach_nbgraders_process_nor_forge_the_release_or_its_stamp(graded):
    """nbgrader's process takes the batch's steps on stdin: a run never sees it, and the release
    and the release check's stamp stay as the batch left them, so the next batch decides alike."""
    from autograder import release_check
    from tests.hostile.report import _outputs_text

    said = _outputs_text(graded.course, next(s for s, n in graded.names.items() if n == "nbgrader_side"))
    assert "NBGRADER-SIDE reached 0 wrote 0 stolen False" in said
    assert "refused: " in said
    assert "forged" not in graded.course.release_notebook.read_text()
    assert release_check.is_current(graded.course)


def test_every_hand_in_has_its_row_and_odd_names_become_short_ids(graded):
    assert len(graded.results) == len(ATTACKS) + len(CLASSMATES) + 1
    rows = list(csv.DictReader(open(graded.out / "grades.csv")))
    assert len(rows) == len(graded.results)
    long_id = next(s for s, n in graded.names.items() if n == "long")
    assert len(long_id) <= ID_LIMIT and graded.results[long_id].score == 33
    assert graded.results["홍길동"].score == 33
    bomb = graded.result_of("bomb")
    assert bomb.status == "rejected" and "larger than 64 MB once unpacked (80 MB)" in bomb.reason.en


def test_flagged_hand_ins_are_marked_in_every_report_and_listed_first(graded):
    rows = {r["student_id"]: r for r in csv.DictReader(open(graded.out / "grades.csv"))}
    flagged = [s for s, r in graded.results.items() if r.flagged]
    assert flagged and all(rows[s]["review"] == reports.REVIEW for s in flagged)
    assert all(rows[s]["review"] == "" for s, r in graded.results.items() if not r.flagged)
    results_json = json.loads((graded.out / "gradescope" / flagged[0] / "results.json").read_text())
    assert results_json["extra_data"]["flagged_for_review"] is True
    page = (graded.out / "summary.html").read_text()
    table = page.split("<h2>Every submission</h2>", 1)[1]
    first_unflagged = min(table.find(f"<td>{s}</td>") for s, r in graded.results.items() if not r.flagged)
    assert all(table.find(f"<td>{s}</td>") < first_unflagged for s in flagged)
    assert f"Flagged for review ({len(flagged)})" in page


def test_no_script_of_a_student_runs_in_the_feedback_or_in_formgrader(graded):
    student = next(s for s, n in graded.names.items() if n == "browser_script")
    feedback = (graded.out / "feedback" / f"{student}.html").read_text()
    # The feedback page: no script or handler of the student's (their code is shown, escaped).
    assert not re.search(r"<script[^>]*>[^<]*PWNED", feedback)
    assert not re.search(r"<img[^>]*onerror", feedback) and 'href="javascript:' not in feedback
    assert "A GRU has 3 gates." in feedback  # the answer itself is still there to grade
    # The autograded notebook, which formgrader shows the TA: outputs and answers made safe.
    nb = read(graded.course.autograded_notebook(student))
    data = [o.get("data", {}) for c in nb.cells for o in c.get("outputs", [])]
    assert not any("application/javascript" in d for d in data)
    assert all("<script" not in d.get("text/html", "") and "onerror" not in d.get("text/html", "") for d in data)
    answer = next(c for c in nb.cells if c.get("id") == "q1_gru_vs_lstm").source
    assert "<script" not in answer and "javascript:" not in answer and "A GRU has 3 gates." in answer


def test_every_feedback_page_of_the_class_is_the_one_nbgrader_writes(graded):
    """The kit's feedback pages, written with its quick parse of each page, against nbgrader's own
    generate_feedback on the same gradebook: byte for byte, the page aimed at that parse included."""
    student = next(s for s, n in graded.names.items() if n == "markup_blocks")
    pages = {page.stem: page.read_text() for page in (graded.out / "feedback").glob("*.html")}
    assert student in pages and len(pages) >= len(ATTACKS)
    assert not re.search(r"<script[^>]*>[^<]*PWNED", pages[student]) and "A GRU has 3 gates." in pages[student]
    assert graded.course.generate_feedback().ok
    for name, page in pages.items():
        assert graded.course.feedback_html(name).read_text() == page, name
