"""The writers as a TA reads them: the terminal's table at a terminal's width, and the class
summary page, at the size of a real class (300 generated results) and in a real browser."""

from __future__ import annotations

import random
import re
import shutil
import subprocess
import unicodedata

import pytest

from autograder import reports
from autograder.notebooks import autograded_tests, read
from autograder.results import NOT_GRADED, SubmissionResult
from autograder.results import TestResult as OneTest  # (not a test class for pytest)
from autograder.submissions import NOT_JSON, NOT_JSON_DETAIL
from tests.builders import kit_course

POINTS = autograded_tests(read(kit_course().source_notebook))
MAX = sum(POINTS.values())
UNREADABLE_TEXT = NOT_JSON.format(error=NOT_JSON_DETAIL)  # in both languages, as a reason is held
UNREADABLE = UNREADABLE_TEXT.en
FLAGS = ("cell 14, line 3: a tracer installed with sys.settrace",
         "cell 15, line 1: the checks replaced through sys.modules with names built from strings")
CLEO_LOST = ("test_p2_log_probabilities", "test_p2_evaluate", "test_p2_train_tagger", "test_p2_corpus_model",
             "test_p3_shapes", "test_p3_recurrent_layer", "test_p3_hidden_state", "test_p3_parameter_count",
             "test_p3_heldout_accuracy")


def graded(student: str, lost: tuple[str, ...] = (), **more) -> SubmissionResult:
    tests = tuple(OneTest(gid, points, 0.0 if gid in lost else points, "msg" if gid in lost else "")
                  for gid, points in POINTS.items())
    return SubmissionResult(student, f"{student}.ipynb", "graded", sum(t.score for t in tests), MAX, 6.0, tests,
                            **more)


def examples() -> list[SubmissionResult]:
    """Rows like the bundled examples': full marks, the untouched release, nine lost tests, an unreadable file."""
    return [graded("ada"), graded("ben", tuple(POINTS)), graded("cleo", CLEO_LOST),
            SubmissionResult("fay", "fay.ipynb", "rejected", reason=UNREADABLE_TEXT)]


def a_class(size: int = 300, seed: int = 0) -> list[SubmissionResult]:
    """A class of ``size`` results as a real batch gives them: mostly graded, scores spread by how far
    each student got, a few flagged, rejected or failed, run times around 10 s with a few slow ones."""
    rng = random.Random(seed)
    results = []
    for i in range(size):
        student = "홍길동" if i == 5 else f"s{2024_0000 + i}"
        if i % 50 == 7:
            results.append(SubmissionResult(student, f"{student}.ipynb", "rejected", reason=UNREADABLE_TEXT))
            continue
        if i % 75 == 11:
            results.append(SubmissionResult(student, f"{student}.ipynb", "failed", manual_max=6.0,
                                            reason=NOT_GRADED.format(detail=" (DeadKernelError: Kernel died)")))
            continue
        reached = rng.random()
        lost = tuple(gid for gid in POINTS if rng.random() > 0.3 + 0.7 * reached)
        flags = FLAGS if i % 40 == 3 else ()
        reason = "; ".join(x for x in (flags and "flagged for review: " + "; ".join(flags),
                                       "Stopped early: the notebook ran past its 600 s limit" if i % 97 == 13 else "")
                           if x)
        seconds = 600.0 if i % 97 == 13 else rng.lognormvariate(2.3, 0.35)
        results.append(graded(student, lost, reason=reason, seconds=seconds, flags=flags,
                              isolation=("no network", "own mount namespace")))
    return results


def _columns(line: str) -> int:
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)


# The terminal's table.

def test_the_table_fits_a_160_column_terminal_and_wraps_under_its_own_column():
    table = reports.score_table(examples(), width=160).splitlines()
    assert all(_columns(line) < 160 for line in table), table
    indent = table[0].index("failed tests / reason")
    fay = next(i for i, line in enumerate(table) if line.startswith("fay "))
    assert table[fay][indent:].startswith("not a readable notebook")
    continued = table[fay + 1]
    assert continued[:indent] == " " * indent and continued[indent] != " "
    assert " ".join(line[indent:] for line in table[fay:fay + 2]) == UNREADABLE


@pytest.mark.parametrize("width", [100, 80, 60, 40])
def test_narrower_terminals_wrap_and_cut_short_what_would_take_many_lines(width):
    gus = graded("gus", tuple(POINTS)[1::2], reason="flagged for review: " + "; ".join(FLAGS))
    table = reports.score_table(examples() + [gus], width=width).splitlines()
    assert all(_columns(line) < width for line in table), table
    rows = [i for i, line in enumerate(table) if re.match(r"(student|ada|ben|cleo|fay|gus) ", line)]
    assert len(rows) == 6
    ends = rows[1:] + [next(i for i, line in enumerate(table) if line.startswith(reports.CUT_SHORT.en[:12]))]
    for start, end in zip(rows, ends):
        assert end - start <= 1 + reports.MOST_LINES, table[start:end]
    gus_lines = table[rows[-1]:ends[-1]]
    assert gus_lines[-1].endswith(" …") and "11 of 23 tests failed:" in " ".join(gus_lines)


def test_without_a_terminal_each_row_is_one_line():
    table = reports.score_table(examples(), width=None)
    assert re.search(r"^fay\s+fay\.ipynb\s+rejected\s+-\s+" + re.escape(UNREADABLE) + "$", table, re.MULTILINE)
    assert len(table.splitlines()) == 2 + 4 + 2


def test_failed_tests_are_counted_apart_from_points():
    table = reports.score_table(examples())
    assert table.splitlines()[0].split() == ["student", "file", "status", "points", "failed", "tests", "/", "reason"]
    assert re.search(r"^ben\s+ben\.ipynb\s+graded\s+0 / 33\s+all 23 tests failed$", table, re.MULTILINE)
    assert re.search(r"^cleo\s+cleo\.ipynb\s+graded\s+20 / 33\s+9 of 23 tests failed: test_p2_log_probabilities, "
                     r"test_p2_evaluate, .*, test_p3_heldout_accuracy$", table, re.MULTILINE)
    assert re.search(r"^ada\s+ada\.ipynb\s+graded\s+33 / 33$", table, re.MULTILINE)


def test_wide_characters_keep_the_columns_aligned():
    table = reports.score_table([graded("ada"), graded("홍길동")]).splitlines()
    ada, hong = (next(line for line in table if line.startswith(s)) for s in ("ada", "홍길동"))
    assert _columns(hong[:hong.index("graded")]) == _columns(ada[:ada.index("graded")])


# The summary page.

def test_count_axes_have_whole_number_ticks():
    import matplotlib.pyplot as plt

    figures = reports.summary_figures([graded("ada", seconds=9.0), graded("ben", tuple(POINTS), seconds=11.0),
                                       graded("cleo", CLEO_LOST, seconds=12.5)])
    try:
        scores, _, times = (fig.axes[0] for _, fig in figures)
        for axis in (scores.yaxis, scores.xaxis, times.yaxis):
            ticks = [t for t in axis.get_ticklocs() if axis.get_view_interval()[0] <= t <= axis.get_view_interval()[1]]
            assert ticks and all(t == int(t) for t in ticks), ticks
    finally:
        for _, fig in figures:
            plt.close(fig)


def test_time_per_submission_is_a_distribution_not_a_bar_per_student():
    import matplotlib.pyplot as plt

    figures = reports.summary_figures([r for r in a_class(300) if r.status == "graded"])
    try:
        assert len(figures) == 3
        times = figures[2][1].axes[0]
        assert len(times.patches) <= reports.TIME_BINS
        assert not times.get_xticklabels() or not any(re.match(r"s2024", t.get_text()) for t in times.get_xticklabels())
    finally:
        for _, fig in figures:
            plt.close(fig)


def _summary(tmp_path, results) -> str:
    pages = {r.student_id: f"feedback/{r.student_id}.html" for r in results if r.status == "graded"}
    path = tmp_path / "summary.html"
    reports.write_summary(results, path, "LSTM & GRU", feedback_pages=pages)
    return path.read_text()


def test_the_summary_of_300_students_stays_small(tmp_path):
    page = _summary(tmp_path, a_class(300))
    assert len(page.encode()) < 400_000
    assert page.count("<img") == 3 and page.count("<tr") == 301
    assert len(re.findall(r"<[a-z]", page)) < 300 * 16


def test_the_charts_are_written_in_parallel_as_they_would_be_one_after_another(tmp_path):
    """The summary's pictures come from forked processes: the same pictures, in order; a picture
    whose process fails is drawn here instead."""
    import os

    graded = [r for r in a_class(60) if r.status == "graded"]
    one_by_one = [reports._figure_html(fig, alt) for alt, fig in reports.summary_figures(graded)]
    assert reports._charts(graded, "en") == one_by_one and len(one_by_one) == 3
    here = os.getpid()
    texts = reports.in_parallel([lambda: "a" * 300_000, lambda: "b" if os.getpid() == here else 1 / 0,
                                 lambda: str(os.getpid())])
    assert texts == ["a" * 300_000, "b", str(here)]  # more than a pipe holds; a failed child; the last here


def test_the_isolation_column_speaks_the_tas_language_and_names_protections_as_given():
    from dataclasses import replace

    from autograder.results import isolation_summary

    full = graded("ada", isolation=("no network",))
    lacking = replace(full, isolation_missing=("read-only file system", "no network"))
    assert [isolation_summary(r) for r in (full, lacking, graded("ben"))] == [
        "all", "missing: read-only file system; no network", "none"]
    assert [isolation_summary(r, "ko") for r in (full, lacking, graded("ben"))] == [
        "전체", "빠진 항목: read-only file system; no network", "없음"]
    assert isolation_summary(SubmissionResult("fay", "fay.ipynb", "rejected"), "ko") == ""


def test_each_score_links_to_the_students_feedback_page(tmp_path):
    page = _summary(tmp_path, examples() + [graded("홍길동")])
    assert '<td><a href="feedback/ada.html">33 / 33</a></td>' in page
    assert '<td><a href="feedback/cleo.html">20 / 33</a></td>' in page
    assert '<a href="feedback/%ED%99%8D%EA%B8%B8%EB%8F%99.html">33 / 33</a>' in page
    fay = page[page.index("<td>fay</td>"):]
    assert "<a href" not in fay[:fay.index("</tr>")]


def test_long_notes_and_long_lists_of_tests_fold_with_the_whole_text_a_click_away(tmp_path):
    page = _summary(tmp_path, examples())
    fay = page[page.index("<td>fay</td>"):]
    fay = fay[:fay.index("</tr>")]
    shown = re.search(r"<summary title=\"([^\"]+)\"><span>([^<]+)</span></summary>([^<]+)</details>", fay)
    assert shown, fay
    assert shown.group(1) == shown.group(3) == UNREADABLE.replace("'", "&#x27;").replace(">", "&gt;")
    assert len(shown.group(2)) <= reports.NOTE_CHARS and shown.group(2).endswith(" …")
    cleo = page[page.index("<td>cleo</td>"):]
    assert ("<summary><span>test_p2_log_probabilities, test_p2_evaluate, test_p2_train_tagger and 6 more</span>"
            "</summary>" + ", ".join(CLEO_LOST) + "</details>") in cleo
    assert "<td>all 23</td>" in page


@pytest.mark.skipif(not shutil.which("chromium"), reason="needs headless chromium")
def test_the_summary_of_300_students_opens_in_a_browser(tmp_path):
    """Loads and renders in headless chromium: every row in the page's DOM, and a screenshot taken.
    How fast it opens is measured by ``bench/summary_page.py`` (machines here are shared)."""
    _summary(tmp_path, a_class(300))
    browser = ["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={tmp_path / 'profile'}"]
    page = (tmp_path / "summary.html").as_uri()
    dom = subprocess.run([*browser, "--dump-dom", page], capture_output=True, text=True, timeout=120).stdout
    assert dom.count("<tr") == 301 and dom.count("<img") == 3
    shot = tmp_path / "summary.png"
    subprocess.run([*browser, f"--screenshot={shot}", "--window-size=1400,3000", page], capture_output=True,
                   timeout=120)
    assert shot.stat().st_size > 50_000


# The report folder after a real batch.

def test_the_report_folder_holds_this_batch_only_and_the_phases_after_grading_say_themselves(tmp_path, capsys):
    """A student an earlier run graded who is not in this batch, and one whose hand-in is no longer
    a notebook, keep no feedback page or Gradescope result; with progress on, the bar counts the
    written pages and the export and the reports each say themselves."""
    from autograder import grading
    from autograder.course import scratch_course
    from autograder.engine import config
    from tests.builders import EXAMPLES

    course = scratch_course(tmp_path / "course")
    out = tmp_path / "out"
    for student in ("zed", "ivy"):  # what an earlier run left
        (out / "gradescope" / student).mkdir(parents=True)
        (out / "gradescope" / student / "results.json").write_text("{}")
    (out / "feedback").mkdir()
    (out / "feedback" / "zed.html").write_text("zed's page")
    (out / "feedback" / "ivy.html").write_text("ivy's page, when it was a notebook")
    (out / "feedback" / "notes.txt").write_text("not a page of the kit's")
    handins = tmp_path / "handins"
    handins.mkdir()
    shutil.copyfile(EXAMPLES / "ben.ipynb", handins / "ben.ipynb")
    shutil.copyfile(EXAMPLES / "ivy.txt", handins / "ivy.txt")

    results = grading.grade_folder(handins, course.root, out, say=lambda _: None, progress=True,
                                   settings=config.settings(course.config, workers=1))
    assert [(r.student_id, r.status) for r in results] == [("ben", "graded"), ("ivy", "rejected")]
    assert sorted(p.name for p in (out / "feedback").iterdir()) == ["ben.html", "notes.txt"]
    assert sorted(p.name for p in (out / "gradescope").iterdir()) == ["ben", "ivy"]
    assert '<a href="feedback/ben.html">0 / 33</a>' in (out / "summary.html").read_text()
    said = capsys.readouterr().err
    assert re.search(r"graded: 100%.*1/1", said), said
    assert re.search(r"^nbgrader export \.\.\. \d+\.\d s$", said, re.MULTILINE), said
    assert re.search(r"^reports: grades\.csv, feedback/, gradescope/, summary\.html \.\.\. \d+\.\d s$", said,
                     re.MULTILINE), said


def test_the_readmes_sample_table_is_what_a_100_column_terminal_shows():
    from autograder.course import kit_root

    readme = (kit_root() / "README.md").read_text()
    sample = readme[readme.index("```\nstudent  file") + 4:]
    sample = sample[:sample.index("```")].splitlines()
    table = reports.score_table(examples(), width=100).splitlines()
    assert [line for line in sample if line != "..."] == table[:len(sample) - 1]
