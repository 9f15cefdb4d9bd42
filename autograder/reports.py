"""Writers: render :class:`autograder.results.SubmissionResult` values as text, CSV, Gradescope
``results.json`` and a summary page with plots."""

from __future__ import annotations

import base64
import csv
import html
import io
import json
import warnings
from pathlib import Path

from autograder.hidden_feedback import HIDDEN_MESSAGE
from autograder.results import GRADED, SubmissionResult, isolation_summary

CSV_COLUMNS = ["student_id", "file", "status", "autograded_score", "autograded_max",
               "manual_max", "failed_tests", "reason", "review", "isolation"]
REVIEW = "flagged"  # the review column of a flagged submission: its score stands until a TA looks


def _points(x: float) -> str:
    return f"{x:g}"


def score_table(results: list[SubmissionResult]) -> str:
    """One line per submission: score, the tests it lost, or why it was not graded."""
    rows = [("student", "file", "status", "autograded", "lost tests / reason")]
    for r in results:
        score = f"{_points(r.score)} / {_points(r.max_score)}" if r.status == GRADED else "-"
        failed = r.failed_tests if r.status == GRADED else []
        lost = f"all {len(failed)} tests" if failed and len(failed) == len(r.tests) else ", ".join(t.grade_id for t in failed)
        detail = "; ".join(x for x in (lost, r.reason) if x)
        rows.append((r.student_id, r.file, r.status, score, detail))
    widths = [max(len(row[i]) for row in rows) for i in range(4)]
    lines = ["  ".join(cell.ljust(w) for cell, w in zip(row[:4], widths)) + "  " + row[4] for row in rows]
    lines.insert(1, "-" * min(120, max(len(line) for line in lines)))
    graded = [r for r in results if r.status == GRADED]
    manual = max((r.manual_max for r in results), default=0)
    by_hand = f" Written answers ({_points(manual)} points) are graded by hand in formgrader." if manual else ""
    lines.append(f"\n{len(results)} submission(s): {len(graded)} graded, {len(results) - len(graded)} not graded."
                 + by_hand)
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


def _shown(test, hidden_messages: str) -> str:
    return HIDDEN_MESSAGE if test.from_hidden and hidden_messages == "hidden" else test.message


def write_gradescope(results: list[SubmissionResult], folder: Path, hidden_messages: str = "shown") -> None:
    """One Gradescope ``results.json`` per submission, in ``folder/<student_id>/``."""
    for r in results:
        target = folder / r.student_id
        target.mkdir(parents=True, exist_ok=True)
        if r.status == GRADED:
            content = {
                "score": r.score,
                "execution_time": round(r.seconds or 0.0, 2),
                "output": r.reason,
                "extra_data": {"flagged_for_review": r.flagged},
                "tests": [{"name": t.grade_id, "score": t.score, "max_score": t.points,
                           "status": "passed" if t.passed else "failed",
                           "output": _shown(t, hidden_messages), "visibility": "visible"} for t in r.tests],
            }
        else:
            content = {"score": 0, "output": f"Not graded: {r.reason}", "tests": []}
        (target / "results.json").write_text(json.dumps(content, indent=2))


def _figure_html(fig) -> str:
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        # A student id in a script the plot's font lacks (Hangul, say) shows as boxes; not worth a warning.
        warnings.filterwarnings("ignore", message="Glyph .* missing from font")
        fig.savefig(buffer, format="png", dpi=90, bbox_inches="tight")
    return f'<img alt="" src="data:image/png;base64,{base64.b64encode(buffer.getvalue()).decode()}">'


def write_summary(results: list[SubmissionResult], path: Path, title: str = "") -> None:
    """A page a TA opens in a browser: score histogram, pass rate per test, time per submission."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    graded = [r for r in results if r.status == GRADED]
    figures = []
    if graded:
        fig, ax = plt.subplots(figsize=(6, 3))
        top = max(r.max_score for r in graded)
        ax.hist([r.score for r in graded], bins=range(0, int(top) + 2), color="#4c72b0", edgecolor="white")
        ax.set_xlabel(f"autograded score (of {top:g})")
        ax.set_ylabel("submissions")
        ax.set_title("Scores")
        figures.append(_figure_html(fig))
        plt.close(fig)
        names = [t.grade_id for t in graded[0].tests]
        rates = [sum(r.test(n).passed for r in graded) / len(graded) for n in names]
        fig, ax = plt.subplots(figsize=(6, 0.25 * len(names) + 1))
        ax.barh(names[::-1], rates[::-1], color="#55a868")
        ax.set_xlim(0, 1)
        ax.set_xlabel("share of graded submissions passing")
        ax.set_title("Pass rate per test")
        figures.append(_figure_html(fig))
        plt.close(fig)
        timed = [r for r in graded if r.seconds is not None]
        if timed:
            fig, ax = plt.subplots(figsize=(6, 3))
            ax.bar(range(len(timed)), [r.seconds for r in timed], color="#c44e52")
            ax.set_xticks(range(len(timed)), [r.student_id for r in timed], rotation=90, fontsize=7)
            ax.set_ylabel("seconds")
            ax.set_title("Time per submission")
            figures.append(_figure_html(fig))
            plt.close(fig)
    # Flagged submissions first: their scores stand until a TA has looked.
    ordered = sorted(results, key=lambda r: not r.flagged)
    rows = "".join(
        f"<tr{' class=flagged' if r.flagged else ''}><td>{html.escape(r.student_id)}</td><td>{html.escape(r.file)}</td>"
        f"<td>{r.status}{' · <b>review</b>' if r.flagged else ''}</td>"
        f"<td>{_points(r.score) + ' / ' + _points(r.max_score) if r.status == GRADED else '-'}</td>"
        f"<td>{html.escape(', '.join(t.grade_id for t in r.failed_tests))}</td>"
        f"<td>{html.escape(r.reason)}</td><td>{html.escape(isolation_summary(r))}</td></tr>" for r in ordered)
    flagged = [r for r in results if r.flagged]
    review = (f"<h2>Flagged for review ({len(flagged)})</h2><p>Their code reaches for the grader's own tools; "
              "each keeps the score it computed until you have looked. Why, with cell and line:</p><ul>"
              + "".join(f"<li><b>{html.escape(r.student_id)}</b>: {html.escape('; '.join(r.flags))}</li>"
                        for r in flagged) + "</ul>") if flagged else ""
    heading = f": {html.escape(title)}" if title else ""
    missing = missing_protections(results)
    isolation = f"<p class=warn>{html.escape(missing)}</p>" if missing else ""
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Class summary{heading}</title>"
        "<style>body{font-family:sans-serif;margin:2em}td,th{border-bottom:1px solid #ddd;padding:4px 8px;"
        "text-align:left;vertical-align:top}table{border-collapse:collapse}tr.flagged{background:#fff3cd}"
        ".warn{color:#8a4b00}</style></head><body>"
        f"<h1>Class summary{heading}</h1><p>{len(results)} submission(s): {len(graded)} graded, "
        f"{len(results) - len(graded)} not graded{f', {len(flagged)} flagged for review' if flagged else ''}.</p>"
        f"{isolation}{review}{''.join(figures)}"
        "<h2>Every submission</h2><table><tr><th>student</th><th>file</th><th>status</th><th>autograded</th>"
        f"<th>tests lost</th><th>notes</th><th>isolation</th></tr>{rows}</table>"
        "<p>isolation: the protections a run got under the kit's grader (<i>all</i>, or what this machine "
        "could not give it); <i>none</i> under plain nbgrader.</p></body></html>")
