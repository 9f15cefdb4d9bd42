"""Writers: render :class:`autograder.results.SubmissionResult` values as text, CSV, Gradescope
``results.json`` and a summary page with plots."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import statistics
import textwrap
import unicodedata
import warnings
from pathlib import Path
from urllib.parse import quote

from autograder.results import GRADED, SubmissionResult, isolation_summary

CSV_COLUMNS = ["student_id", "file", "status", "autograded_score", "autograded_max",
               "manual_max", "failed_tests", "reason", "review", "isolation"]
REVIEW = "flagged"  # the review column of a flagged submission: its score stands until a TA looks

TABLE_HEADER = ("student", "file", "status", "points", "failed tests / reason")
ALL_FAILED = "all {count} tests failed"
SOME_FAILED = "{count} of {total} {tests} failed: {names}"
# Narrower than this, the last column goes on lines of its own under its row.
NARROWEST_LAST_COLUMN = 24
MOST_LINES = 4  # of one row's last column in a terminal; the reports hold the whole text
CUT_SHORT = "(… cut short here: grades.csv and summary.html hold the whole text.)"
# The summary page: notes longer than NOTE_CHARS open on a click, and so do lists of more than
# SHOWN_TESTS lost tests; the time histogram has at most TIME_BINS bars, whatever the class size.
NOTE_CHARS = 90
SHOWN_TESTS = 3
TIME_BINS = 30


def _points(x: float) -> str:
    return f"{x:g}"


def failed_tests_line(result: SubmissionResult) -> str:
    """The tests a graded submission failed, as the terminal says them (counts, never points)."""
    failed = result.failed_tests if result.status == GRADED else []
    total = len(result.tests)
    if not failed:
        return ""
    if len(failed) == total > 1:
        return ALL_FAILED.format(count=total)
    return SOME_FAILED.format(count=len(failed), total=total, tests="test" if total == 1 else "tests",
                              names=", ".join(t.grade_id for t in failed))


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide characters (Hangul, say) take two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def score_table(results: list[SubmissionResult], width: int | None = None) -> str:
    """One line per submission: points, the tests it failed, or why it was not graded.

    With ``width`` (the terminal's columns), the last column wraps under itself so that no line is
    wider; without, each row is one line, whatever its length (for a file or a pipe).
    """
    rows = [TABLE_HEADER]
    for r in results:
        score = f"{_points(r.score)} / {_points(r.max_score)}" if r.status == GRADED else "-"
        detail = "; ".join(x for x in (failed_tests_line(r), r.reason) if x)
        rows.append((r.student_id, r.file, r.status, score, detail))
    widths = [max(_columns(row[i]) for row in rows) for i in range(4)]
    indent = sum(widths) + 2 * len(widths)
    usable = width - 1 if width else None  # the last column of a terminal is left free: no wrap there
    lines, cut = [], False
    for row in rows:
        head = "".join(cell + " " * (w - _columns(cell) + 2) for cell, w in zip(row[:4], widths))
        if usable is None or _columns(head + row[4]) <= usable:
            lines.append(head + row[4])
            continue
        beside = usable - indent >= NARROWEST_LAST_COLUMN
        room, margin = (usable - indent, " " * indent) if beside else (usable - 4, " " * 4)
        wrapped = textwrap.wrap(row[4], room, break_on_hyphens=False)
        if len(wrapped) > MOST_LINES:
            cut, wrapped = True, wrapped[:MOST_LINES]
            wrapped[-1] = textwrap.shorten(wrapped[-1], room - 2, placeholder="") + " …"
        lines += [head + wrapped[0]] if beside else [head]
        lines += [margin + line for line in (wrapped[1:] if beside else wrapped)]
    lines.insert(1, "-" * min(usable or 120, max(_columns(line.rstrip()) for line in lines)))
    if cut:
        lines += textwrap.wrap(CUT_SHORT, usable)
    graded = [r for r in results if r.status == GRADED]
    manual = max((r.manual_max for r in results), default=0)
    by_hand = f" Written answers ({_points(manual)} points) are graded by hand in formgrader." if manual else ""
    total = (f"{len(results)} submission(s): {len(graded)} graded, {len(results) - len(graded)} not graded."
             + by_hand)
    lines += ["", *(textwrap.wrap(total, usable) if usable else [total])]
    return "\n".join(line.rstrip() for line in lines)


def missing_protections(results: list[SubmissionResult]) -> str:
    """One sentence naming the protections some runs lacked on this machine, or ``""``."""
    missing = sorted({m for r in results for m in r.isolation_missing})
    if not missing:
        return ""
    return (f"This machine could not give every run all of its protections; missing: {'; '.join(missing)}. "
            "Grade as root on Linux for every protection (the isolation column says which runs lacked one).")


def write_grades_csv(results: list[SubmissionResult], path: Path) -> None:
    with open(path, "w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        for r in results:
            writer.writerow({
                "student_id": r.student_id, "file": r.file, "status": r.status,
                "autograded_score": _points(r.score) if r.status == GRADED else "",
                "autograded_max": _points(r.max_score) if r.status == GRADED else "",
                "manual_max": _points(r.manual_max) if r.status == GRADED else "",
                "failed_tests": " ".join(t.grade_id for t in r.failed_tests),
                "reason": r.reason,
                "review": REVIEW if r.flagged else "",
                "isolation": isolation_summary(r),
            })


def validation_report(result: SubmissionResult) -> str:
    """Every test with PASS/FAIL, points and, for a failure, its message."""
    if result.status != GRADED:
        return f"{result.file}: {result.status}: {result.reason}"
    lines = [f"{result.file}: {_points(result.score)} / {_points(result.max_score)} autograded points"]
    if result.reason:
        lines.append(f"note: {result.reason}")
    for t in result.tests:
        mark = "PASS" if t.passed else "FAIL"
        lines.append(f"  {mark}  {t.grade_id:<28} {_points(t.score)}/{_points(t.points)}")
        if not t.passed and t.message:
            lines.extend(f"        {line}" for line in t.message.splitlines())
    return "\n".join(lines)


def _shown(test, hidden_messages: str, language: str) -> str:
    from autograder.hidden_feedback import HIDDEN_MESSAGE  # with nbgrader's preprocessors: only when needed

    return HIDDEN_MESSAGE.in_language(language) if test.from_hidden and hidden_messages == "hidden" else test.message


def gradescope_result(r: SubmissionResult, hidden_messages: str = "shown", language: str = "en") -> dict:
    """One submission as Gradescope's ``results.json``
    (https://gradescope-autograders.readthedocs.io/en/latest/specs/): the autograded score, each
    test with its points and what it said (a failed hidden test's words withheld when
    ``hidden_messages`` is "hidden"), or, for a hand-in that could not be graded, why; the kit's
    own words in the student's ``language``."""
    if r.status != GRADED:
        return {"score": 0, "output": f"Not graded: {r.reason}", "tests": []}
    return {
        "score": r.score,
        "execution_time": round(r.seconds or 0.0, 2),
        "output": r.reason,
        "extra_data": {"flagged_for_review": r.flagged},
        "tests": [{"name": t.grade_id, "score": t.score, "max_score": t.points,
                   "status": "passed" if t.passed else "failed",
                   "output": _shown(t, hidden_messages, language), "visibility": "visible"} for t in r.tests],
    }


def write_gradescope(results: list[SubmissionResult], folder: Path, hidden_messages: str = "shown",
                     language: str = "en") -> None:
    """One Gradescope ``results.json`` per submission, in ``folder/<student_id>/``."""
    for r in results:
        target = folder / r.student_id
        target.mkdir(parents=True, exist_ok=True)
        (target / "results.json").write_text(json.dumps(gradescope_result(r, hidden_messages, language), indent=2))


def _figure_html(fig, alt: str) -> str:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A student id in a script the plot's font lacks (Hangul, say) shows as boxes; not worth a warning.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return f'<img alt="{html.escape(alt)}" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def summary_figures(graded: list[SubmissionResult]) -> list[tuple[str, object]]:
    """The summary page's charts as ``(description, matplotlib figure)``: the score histogram,
    the pass rate per test and the distribution of the time per submission; three pictures,
    whatever the size of the class. The caller closes the figures."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.ticker import MaxNLocator, PercentFormatter

    def count_axis(axis) -> None:  # counts of submissions and points: whole numbers only
        axis.set_major_locator(MaxNLocator(integer=True))

    figures = []
    top = max(r.max_score for r in graded)
    scores = [r.score for r in graded]
    fig, ax = plt.subplots(figsize=(7, 3))
    ax.hist(scores, bins=[x - 0.5 for x in range(int(top) + 2)], color="#4c72b0", edgecolor="white")
    ax.set_xlim(-0.5, top + 0.5)
    count_axis(ax.xaxis)
    count_axis(ax.yaxis)
    ax.set_xlabel(f"autograded points (of {top:g})")
    ax.set_ylabel("submissions")
    ax.set_title(f"Scores: median {statistics.median(scores):g} of {top:g}")
    figures.append(("Histogram of the autograded scores", fig))

    names = [t.grade_id for t in graded[0].tests]
    rates = [sum(r.test(n).passed for r in graded) / len(graded) for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.26 * len(names) + 1))
    bars = ax.barh(names[::-1], rates[::-1], color="#55a868")
    ax.bar_label(bars, labels=[f"{rate:.0%}" for rate in rates[::-1]], padding=3, fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(f"share of the {len(graded)} graded submissions that pass")
    ax.set_title("Pass rate per test")
    figures.append(("Pass rate of each test", fig))

    seconds = [r.seconds for r in graded if r.seconds is not None]
    if seconds:
        # A few runs stopped at the wall limit would squeeze everyone else into one bar: the
        # runs far slower than most share one dark bar at the right.
        ordered = sorted(seconds)
        cap = max(2 * ordered[int(0.9 * (len(ordered) - 1))], 1.0)
        over = [s for s in seconds if s > cap]
        bins = max(5, min(TIME_BINS - 1, len(seconds) // 5))
        step = (cap if over else max(max(seconds), 1.0)) / bins
        edges = [i * step for i in range(bins + 1 + bool(over))]
        fig, ax = plt.subplots(figsize=(7, 3))
        _, _, patches = ax.hist([min(s, cap + step / 2) for s in seconds], bins=edges, color="#c44e52",
                                edgecolor="white")
        if over:
            patches[-1].set_facecolor("#6b1d1f")
            ax.annotate(f"{len(over)} over {cap:.0f} s", (edges[-1], len(over)), xytext=(0, 3),
                        textcoords="offset points", ha="right", va="bottom", fontsize=8)
        median = statistics.median(seconds)
        ax.axvline(median, color="#333333", linestyle="--", linewidth=1)
        count_axis(ax.yaxis)
        ax.set_xlabel("seconds a notebook ran")
        ax.set_ylabel("submissions")
        ax.set_title(f"Time per submission: median {median:.0f} s (dashed), slowest {max(seconds):.0f} s")
        figures.append(("Histogram of the time each submission ran", fig))
    return figures


def warm_charts() -> None:
    """Import matplotlib and draw a tiny chart (its fonts loaded), while the workers grade: the
    summary's charts, drawn when the last notebook is done, then cost only their own drawing."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    _figure_html(fig, "")
    plt.close(fig)


def _charts(graded: list[SubmissionResult]) -> list[str]:
    import matplotlib.pyplot as plt

    pictures = []
    for alt, fig in summary_figures(graded):
        pictures.append(_figure_html(fig, alt))
        plt.close(fig)
    return pictures


def _slowest(graded: list[SubmissionResult], count: int = 5) -> str:
    timed = sorted((r for r in graded if r.seconds is not None), key=lambda r: -r.seconds)[:count]
    if not timed:
        return ""
    return ("<p>Slowest: " + ", ".join(f"{html.escape(r.student_id)} ({r.seconds:.0f} s)" for r in timed)
            + ".</p>")


def _shortened(text: str, limit: int) -> str:
    """``text`` as a table cell: whole when short; else its start, which opens on a click to the
    whole text (also its tooltip)."""
    if len(text) <= limit:
        return html.escape(text)
    start = textwrap.shorten(text, limit, placeholder=" …")
    return (f'<details><summary title="{html.escape(text)}"><span>{html.escape(start)}</span></summary>'
            f"{html.escape(text)}</details>")


def _tests_lost(r: SubmissionResult) -> str:
    failed = [t.grade_id for t in r.failed_tests] if r.status == GRADED else []
    if len(failed) == len(r.tests) > 1:
        return f"all {len(failed)}"
    if len(failed) <= SHOWN_TESTS:
        return html.escape(", ".join(failed))
    start = ", ".join(failed[:SHOWN_TESTS]) + f" and {len(failed) - SHOWN_TESTS} more"
    return f"<details><summary><span>{html.escape(start)}</span></summary>{html.escape(', '.join(failed))}</details>"


def _score_cell(r: SubmissionResult, feedback_pages: dict[str, str]) -> str:
    if r.status != GRADED:
        return "-"
    score = f"{_points(r.score)} / {_points(r.max_score)}"
    page = feedback_pages.get(r.student_id)
    return f'<a href="{html.escape(quote(page))}">{score}</a>' if page else score


STYLE = ("body{font-family:sans-serif;margin:2em}td,th{border-bottom:1px solid #ddd;padding:4px 8px;"
         "text-align:left;vertical-align:top}table{border-collapse:collapse}th{position:sticky;top:0;"
         "background:#fff}tr.flagged{background:#fff3cd}.warn{color:#8a4b00}td.notes{max-width:36em}"
         "summary{cursor:pointer}details[open]>summary>span{display:none}"
         ".charts{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}")


def write_summary(results: list[SubmissionResult], path: Path, title: str = "",
                  feedback_pages: dict[str, str] | None = None, notes: list[str] = (),
                  similar: int | None = None) -> None:
    """A page a TA opens in a browser: score histogram, pass rate per test, time per submission,
    and one row per submission, whose score links to the student's feedback page
    (``feedback_pages``: student id -> the page's path relative to ``path``). With ``similar`` (the
    number of pairs the similarity report flags), a line links to similarity.html beside it."""
    feedback_pages = feedback_pages or {}
    graded = [r for r in results if r.status == GRADED]
    figures = _charts(graded) if graded else []
    # Flagged submissions first: their scores stand until a TA has looked.
    ordered = sorted(results, key=lambda r: not r.flagged)
    rows = "".join(
        f"<tr{' class=flagged' if r.flagged else ''}><td>{html.escape(r.student_id)}</td><td>{html.escape(r.file)}</td>"
        f"<td>{r.status}{' · <b>review</b>' if r.flagged else ''}</td><td>{_score_cell(r, feedback_pages)}</td>"
        f"<td>{_tests_lost(r)}</td><td class=notes>{_shortened(r.reason, NOTE_CHARS)}</td>"
        f"<td>{html.escape(isolation_summary(r))}</td></tr>" for r in ordered)
    flagged = [r for r in results if r.flagged]
    review = (f"<h2>Flagged for review ({len(flagged)})</h2><p>Their code reaches for the grader's own tools; "
              "each keeps the score it computed until you have looked. Why, with cell and line:</p><ul>"
              + "".join(f"<li><b>{html.escape(r.student_id)}</b>: {html.escape('; '.join(r.flags))}</li>"
                        for r in flagged) + "</ul>") if flagged else ""
    heading = f": {html.escape(title)}" if title else ""
    missing = missing_protections(results)
    isolation = f"<p class=warn>{html.escape(missing)}</p>" if missing else ""
    # What the roster said (autograder.lms): students with no hand-in, hand-ins not on it.
    roster = ("<h2>Roster</h2><ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in notes) + "</ul>") \
        if notes else ""
    alike = "" if similar is None else (
        f"<p><a href='similarity.html'>Similarity between hand-ins</a>: "
        f"{f'<b>{similar} pair(s) to read</b>' if similar else 'no pair flagged'} (it never changes a score).</p>")
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Class summary{heading}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>Class summary{heading}</h1><p>{len(results)} submission(s): {len(graded)} graded, "
        f"{len(results) - len(graded)} not graded{f', {len(flagged)} flagged for review' if flagged else ''}.</p>"
        f"{isolation}{roster}{review}{alike}<div class=charts>{''.join(figures)}</div>{_slowest(graded)}"
        "<h2>Every submission</h2><p>A score opens the student's feedback page; a note or a list of tests "
        "cut short opens on a click.</p><table><tr><th>student</th><th>file</th><th>status</th><th>autograded</th>"
        f"<th>tests lost</th><th>notes</th><th>isolation</th></tr>{rows}</table>"
        "<p>isolation: the protections a run got under the kit's grader (<i>all</i>, or what this machine "
        "could not give it); <i>none</i> under plain nbgrader.</p></body></html>")
