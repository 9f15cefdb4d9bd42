"""Writers: render :class:`autograder.results.SubmissionResult` values as text and CSV."""

from __future__ import annotations

import csv
from pathlib import Path

from autograder.results import GRADED, SubmissionResult

CSV_COLUMNS = ["student_id", "file", "status", "autograded_score", "autograded_max",
               "manual_max", "failed_tests", "reason"]


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
    lines.append(f"\n{len(results)} submission(s): {len(graded)} graded, {len(results) - len(graded)} not graded. "
                 f"Written answers ({_points(manual)} points) are graded by hand in formgrader.")
    return "\n".join(line.rstrip() for line in lines)


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
