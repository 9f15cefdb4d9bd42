"""How fast the class summary page is written and opens in a browser, for a class of N students.

    .venv/bin/python -m bench.summary_page [--n 300] [--runs 5] [--screenshot summary.png]

N generated results (``tests/test_reports.py``'s ``a_class``: scores spread by how far each
student got, a few flagged, rejected or failed, a few runs stopped at the wall limit) are
written as ``summary.html``; headless chromium then opens a copy of the page that records, from
the start of navigation, when the load event fired and when the next frame was painted. The
medians of ``--runs`` openings are printed; the page should open in well under 2 s.

A script, not a timed test: the machines are shared and noisy; run it when you care.
"""

from __future__ import annotations

import argparse
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from autograder import reports
from tests.test_reports import a_class

# Appended to a copy of the page: when it loaded and when the frame after that was painted.
TIMING = ("<script>addEventListener('load', () => {document.body.dataset.loaded = performance.now();"
          "requestAnimationFrame(() => {document.body.dataset.painted = performance.now()})})</script>")


def open_in_chromium(page: Path, profile: Path) -> tuple[float, float, float]:
    """``(load event ms, painted ms, wall s)`` of one opening of ``page`` in headless chromium."""
    begun = time.perf_counter()
    dom = subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu", f"--user-data-dir={profile}",
                          "--dump-dom", page.as_uri()], capture_output=True, text=True, timeout=120).stdout
    wall = time.perf_counter() - begun
    loaded = re.search(r'data-loaded="([\d.]+)"', dom)
    painted = re.search(r'data-painted="([\d.]+)"', dom)
    if not loaded:
        raise RuntimeError(f"chromium did not load {page}")
    return float(loaded.group(1)), float(painted.group(1)) if painted else float("nan"), wall


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.summary_page", description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=300, help="students in the generated class (default: 300)")
    parser.add_argument("--runs", type=int, default=5, help="openings in the browser (default: 5)")
    parser.add_argument("--screenshot", type=Path, help="also save a 1400x3000 screenshot of the page here")
    args = parser.parse_args(argv)
    if not shutil.which("chromium"):
        print("needs chromium on PATH", file=sys.stderr)
        return 2
    results = a_class(args.n)
    pages = {r.student_id: f"feedback/{r.student_id}.html" for r in results if r.status == "graded"}
    with tempfile.TemporaryDirectory(prefix="summary-page-") as scratch:
        folder = Path(scratch)
        summary = folder / "summary.html"
        begun = time.perf_counter()
        reports.write_summary(results, summary, "LSTM & GRU", feedback_pages=pages)
        written = time.perf_counter() - begun
        html = summary.read_text()
        timed = folder / "timed.html"
        timed.write_text(html.replace("</body>", TIMING + "</body>"))
        openings = [open_in_chromium(timed, folder / "profile") for _ in range(args.runs)]
        if args.screenshot:
            subprocess.run(["chromium", "--headless", "--no-sandbox", "--disable-gpu",
                            f"--user-data-dir={folder / 'profile'}", f"--screenshot={args.screenshot.resolve()}",
                            "--window-size=1400,3000", summary.as_uri()], capture_output=True, timeout=120)
    print(f"class of {args.n}: summary.html {len(html.encode()) / 1000:.0f} kB, {html.count('<tr')} table rows, "
          f"{html.count('<img')} charts, written in {written:.2f} s")
    painted = [o[1] for o in openings if o[1] == o[1]]  # a frame painted before the DOM was taken
    print(f"opened in headless chromium, median of {args.runs}: load event {statistics.median(o[0] for o in openings):.0f} "
          f"ms, {f'painted {statistics.median(painted):.0f} ms' if painted else 'painted after the load event'} "
          f"(the browser's whole run, start to exit: {statistics.median(o[2] for o in openings):.2f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
