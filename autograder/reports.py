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

from autograder.language import Text
from autograder.results import FAILED, GRADED, REJECTED, SubmissionResult, isolation_summary

CSV_COLUMNS = ["student_id", "file", "status", "autograded_score", "autograded_max",
               "manual_max", "failed_tests", "reason", "review", "isolation"]
REVIEW = "flagged"  # the review column of a flagged submission: its score stands until a TA looks

# The TA's reports (the terminal table, summary.html, grades.csv's reason column) speak the TA's
# language: English unless `grade --language` says otherwise. The CSV's columns and codes stay as
# they are, for the programs that read them.
TABLE_HEADER = (Text("student", "학생"), Text("file", "파일"), Text("status", "상태"),
                Text("points", "점수"), Text("failed tests / reason", "실패한 테스트 / 사유"))
STATUS = {GRADED: Text("graded", "채점됨"), REJECTED: Text("rejected", "반려"),
          FAILED: Text("failed", "채점 실패")}
ALL_FAILED = Text("all {count} tests failed", "테스트 {count}개 모두 실패")
SOME_FAILED = Text("{count} of {total} tests failed: {names}", "테스트 {total}개 중 {count}개 실패: {names}")
ONE_OF_ONE_FAILED = Text("{count} of {total} test failed: {names}", "테스트 {total}개 중 {count}개 실패: {names}")
TOTAL = Text("{count} submission(s): {graded} graded, {not_graded} not graded.",
             "제출물 {count}개: 채점 {graded}개, 미채점 {not_graded}개.")
BY_HAND = Text("Written answers ({points} points) are graded by hand in formgrader.",
               "서술형 답안({points}점)은 formgrader에서 직접 채점합니다.")
MISSING_PROTECTIONS = Text(
    "This machine could not give every run all of its protections; missing: {missing}. Grade as root on Linux for "
    "every protection (the isolation column says which runs lacked one).",
    "이 머신에서는 일부 실행에 보호 장치를 모두 적용하지 못했습니다. 빠진 항목: {missing}. 모든 보호 장치를 적용하려면 Linux에서 root로 채점하세요(어느 실행에 빠진 항목이 있는지는 격리 "
    "열에 나옵니다).")
NOT_GRADED_OUTPUT = Text("Not graded: {reason}", "채점되지 않음: {reason}")
# Narrower than this, the last column goes on lines of its own under its row.
NARROWEST_LAST_COLUMN = 24
MOST_LINES = 4  # of one row's last column in a terminal; the reports hold the whole text
CUT_SHORT = Text("(… cut short here: grades.csv and summary.html hold the whole text.)",
                 "(… 여기서 생략: 전체 내용은 grades.csv와 summary.html에 있습니다.)")
# The summary page: notes longer than NOTE_CHARS open on a click, and so do lists of more than
# SHOWN_TESTS lost tests; the time histogram has at most TIME_BINS bars, whatever the class size.
NOTE_CHARS = 90
SHOWN_TESTS = 3
TIME_BINS = 30


def _points(x: float) -> str:
    return f"{x:g}"


def failed_tests_line(result: SubmissionResult, language: str = "en") -> str:
    """The tests a graded submission failed, as the terminal says them (counts, never points)."""
    failed = result.failed_tests if result.status == GRADED else []
    total = len(result.tests)
    if not failed:
        return ""
    if len(failed) == total > 1:
        return ALL_FAILED.in_language(language).format(count=total)
    return (ONE_OF_ONE_FAILED if total == 1 else SOME_FAILED).in_language(language).format(
        count=len(failed), total=total, names=", ".join(t.grade_id for t in failed))


def status_word(result: SubmissionResult, language: str = "en") -> str:
    return STATUS[result.status].in_language(language) if result.status in STATUS else result.status


def _columns(text: str) -> int:
    """How many terminal columns ``text`` takes: East Asian wide characters (Hangul, say) take two."""
    return sum(0 if unicodedata.combining(c) else 2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def score_table(results: list[SubmissionResult], width: int | None = None, language: str = "en") -> str:
    """One line per submission: points, the tests it failed, or why it was not graded, in the
    TA's ``language``.

    With ``width`` (the terminal's columns), the last column wraps under itself so that no line is
    wider; without, each row is one line, whatever its length (for a file or a pipe).
    """
    rows = [tuple(h.in_language(language) for h in TABLE_HEADER)]
    for r in results:
        score = f"{_points(r.score)} / {_points(r.max_score)}" if r.status == GRADED else "-"
        detail = "; ".join(x for x in (failed_tests_line(r, language), r.reason.in_language(language)) if x)
        rows.append((r.student_id, r.file, status_word(r, language), score, detail))
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
        wrapped = _wrap(row[4], room)
        if len(wrapped) > MOST_LINES:
            cut, wrapped = True, wrapped[:MOST_LINES]
            words = wrapped[-1].split()
            while len(words) > 1 and _columns(" ".join(words) + " …") > room:
                words.pop()
            wrapped[-1] = " ".join(words) + " …"
        lines += [head + wrapped[0]] if beside else [head]
        lines += [margin + line for line in (wrapped[1:] if beside else wrapped)]
    lines.insert(1, "-" * min(usable or 120, max(_columns(line.rstrip()) for line in lines)))
    if cut:
        lines += _wrap(CUT_SHORT.in_language(language), usable)
    graded = [r for r in results if r.status == GRADED]
    manual = max((r.manual_max for r in results), default=0)
    by_hand = " " + BY_HAND.in_language(language).format(points=_points(manual)) if manual else ""
    total = TOTAL.in_language(language).format(count=len(results), graded=len(graded),
                                                not_graded=len(results) - len(graded)) + by_hand
    lines += ["", *(_wrap(total, usable) if usable else [total])]
    return "\n".join(line.rstrip() for line in lines)


def _wrap(text: str, columns: int) -> list[str]:
    """``text`` in lines of at most ``columns`` terminal columns (Hangul takes two each)."""
    lines, line = [], ""
    for word in text.split():
        candidate = f"{line} {word}" if line else word
        if line and _columns(candidate) > columns:
            lines.append(line)
            candidate = word
        while _columns(candidate) > columns:  # a word longer than a line: cut it where it must be
            cut = max(1, next(i for i in range(len(candidate), 0, -1) if _columns(candidate[:i]) <= columns))
            lines.append(candidate[:cut])
            candidate = candidate[cut:]
        line = candidate
    return lines + ([line] if line else [])


def missing_protections(results: list[SubmissionResult], language: str = "en") -> str:
    """One sentence naming the protections some runs lacked on this machine, or ``""``."""
    missing = sorted({m for r in results for m in r.isolation_missing})
    if not missing:
        return ""
    return MISSING_PROTECTIONS.in_language(language).format(missing="; ".join(missing))


def write_grades_csv(results: list[SubmissionResult], path: Path, language: str = "en") -> None:
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
                "reason": r.reason.in_language(language),
                "review": REVIEW if r.flagged else "",
                "isolation": isolation_summary(r),
            })


def validation_report(result: SubmissionResult, language: str = "en") -> str:
    """Every test with PASS/FAIL, points and, for a failure, its message; the kit's notes in ``language``."""
    reason = result.reason.in_language(language)
    if result.status != GRADED:
        return f"{result.file}: {result.status}: {reason}"
    lines = [f"{result.file}: {_points(result.score)} / {_points(result.max_score)} autograded points"]
    if reason:
        lines.append(f"note: {reason}")
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
        return {"score": 0, "output": NOT_GRADED_OUTPUT.format(reason=r.reason).in_language(language), "tests": []}
    return {
        "score": r.score,
        "execution_time": round(r.seconds or 0.0, 2),
        "output": r.reason.in_language(language),
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


CHART = {
    "scores_x": Text("autograded points (of {top:g})", "자동 채점 점수 (만점 {top:g})"),
    "submissions": Text("submissions", "제출물 수"),
    "scores_title": Text("Scores: median {median:g} of {top:g}", "점수: 중앙값 {median:g} / {top:g}"),
    "scores_alt": Text("Histogram of the autograded scores", "자동 채점 점수 히스토그램"),
    "pass_x": Text("share of the {count} graded submissions that pass", "통과 비율 (채점된 제출물 {count}개 중)"),
    "pass_title": Text("Pass rate per test", "테스트별 통과율"),
    "pass_alt": Text("Pass rate of each test", "각 테스트의 통과율"),
    "over": Text("{count} over {cap:.0f} s", "{cap:.0f}초 초과 {count}개"),
    "time_x": Text("seconds a notebook ran", "노트북 실행 시간 (초)"),
    "time_title": Text("Time per submission: median {median:.0f} s (dashed), slowest {slowest:.0f} s",
                       "제출물별 실행 시간: 중앙값 {median:.0f}초 (점선), 최장 {slowest:.0f}초"),
    "time_alt": Text("Histogram of the time each submission ran", "제출물별 실행 시간 히스토그램"),
}
# Fonts that draw Hangul, looked for when the charts speak Korean; without one, they stay in English
# (matplotlib's own font has no Hangul: the words would be boxes).
HANGUL_FONTS = ("NanumGothic", "Noto Sans CJK KR", "Noto Sans KR", "Noto Sans CJK JP", "Malgun Gothic",
                "AppleGothic", "UnDotum", "Baekmuk Gulim")


def hangul_font() -> str | None:
    """The name of an installed font that draws Hangul, or ``None``."""
    from matplotlib import font_manager

    def known() -> str | None:
        installed = {font.name for font in font_manager.fontManager.ttflist}
        return next((name for name in HANGUL_FONTS if name in installed), None)

    if known() is None:  # installed after matplotlib cached its list of fonts: look on disk
        files = {name.replace(" ", "").lower() for name in HANGUL_FONTS}
        for path in font_manager.findSystemFonts():
            if Path(path).stem.lower() in files:
                font_manager.fontManager.addfont(path)
    return known()


def summary_figures(graded: list[SubmissionResult], language: str = "en") -> list[tuple[str, object]]:
    """The summary page's charts as ``(description, matplotlib figure)``: the score histogram,
    the pass rate per test and the distribution of the time per submission; three pictures,
    whatever the size of the class, labelled in ``language`` (English where no installed font
    draws its script). The caller closes the figures."""
    import matplotlib
    matplotlib.use("Agg")

    font = hangul_font() if language == "ko" else None
    drawn = language if language == "en" or font else "en"
    with matplotlib.rc_context({"font.family": [font, "DejaVu Sans"]} if font else {}):
        return _figures(graded, lambda key, **values: CHART[key].in_language(drawn).format(**values),
                        lambda key, **values: CHART[key].in_language(language).format(**values))


def _figures(graded: list[SubmissionResult], label, alt) -> list[tuple[str, object]]:
    """The charts, their words from ``label`` (drawn) and ``alt`` (the page's description)."""
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
    ax.set_xlabel(label("scores_x", top=top))
    ax.set_ylabel(label("submissions"))
    ax.set_title(label("scores_title", median=statistics.median(scores), top=top))
    figures.append((alt("scores_alt"), fig))

    names = [t.grade_id for t in graded[0].tests]
    rates = [sum(r.test(n).passed for r in graded) / len(graded) for n in names]
    fig, ax = plt.subplots(figsize=(7, 0.26 * len(names) + 1))
    bars = ax.barh(names[::-1], rates[::-1], color="#55a868")
    ax.bar_label(bars, labels=[f"{rate:.0%}" for rate in rates[::-1]], padding=3, fontsize=8)
    ax.set_xlim(0, 1.12)
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1])
    ax.xaxis.set_major_formatter(PercentFormatter(1.0))
    ax.set_xlabel(label("pass_x", count=len(graded)))
    ax.set_title(label("pass_title"))
    figures.append((alt("pass_alt"), fig))

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
            ax.annotate(label("over", count=len(over), cap=cap), (edges[-1], len(over)), xytext=(0, 3),
                        textcoords="offset points", ha="right", va="bottom", fontsize=8)
        median = statistics.median(seconds)
        ax.axvline(median, color="#333333", linestyle="--", linewidth=1)
        count_axis(ax.yaxis)
        ax.set_xlabel(label("time_x"))
        ax.set_ylabel(label("submissions"))
        ax.set_title(label("time_title", median=median, slowest=max(seconds)))
        figures.append((alt("time_alt"), fig))
    return figures


def warm_charts() -> None:
    """Import matplotlib and draw a tiny chart (its fonts loaded), while the workers grade: the
    summary's charts, drawn when the last notebook is done, then cost only their own drawing."""
    import matplotlib.pyplot as plt

    fig = plt.figure(figsize=(1, 1))
    _figure_html(fig, "")
    plt.close(fig)


def _charts(graded: list[SubmissionResult], language: str) -> list[str]:
    import matplotlib.pyplot as plt

    figures = summary_figures(graded, language)
    try:
        # Writing a picture is most of a chart's time, and the last thing the TA waits for: each
        # one is written in a process of its own.
        return in_parallel([lambda alt=alt, fig=fig: _figure_html(fig, alt) for alt, fig in figures])
    finally:
        for _, fig in figures:
            plt.close(fig)


def in_parallel(tasks: list) -> list[str]:
    """Each task's text, every task but the last computed in a forked process (the last here);
    one whose process fails is computed here instead. In order."""
    import os

    forked = []
    for task in tasks[:-1]:
        try:
            read_end, write_end = os.pipe()
            pid = os.fork()
        except OSError:
            forked.append(None)
            continue
        if pid == 0:  # pragma: no cover - the forked side; its text comes back through the pipe
            code = 1
            try:
                os.close(read_end)
                with os.fdopen(write_end, "wb") as out:
                    out.write(task().encode())
                code = 0
            finally:
                os._exit(code)
        os.close(write_end)
        forked.append((pid, read_end))
    last = [tasks[-1]()] if tasks else []
    texts = []
    for task, child in zip(tasks, forked):
        if child is None:
            texts.append(task())
            continue
        pid, read_end = child
        with os.fdopen(read_end, "rb") as answer:
            text = answer.read().decode()
        _, status = os.waitpid(pid, 0)
        texts.append(text if os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0 else task())
    return texts + last


PAGE = {
    "title": Text("Class summary", "수강생 전체 요약"),
    "counts": Text("{count} submission(s): {graded} graded, {not_graded} not graded",
                   "제출물 {count}개: 채점 {graded}개, 미채점 {not_graded}개"),
    "counts_flagged": Text(", {flagged} flagged for review", ", 검토 대상 {flagged}개"),
    "review_heading": Text("Flagged for review ({count})", "검토 대상 ({count})"),
    "review_intro": Text("Their code reaches for the grader's own tools; each keeps the score it computed until you "
                         "have looked. Why, with cell and line:",
                         "아래 제출물의 코드는 채점기 자체의 도구에 손을 댑니다. 직접 확인하기 전까지는 계산된 점수가 그대로 유지됩니다. 셀과 줄 번호별 사유:"),
    "review_mark": Text("review", "검토"),
    "similarity_link": Text("Similarity between hand-ins", "제출물 간 유사도"),
    "similarity_pairs": Text("{count} pair(s) to read", "확인할 쌍 {count}개"),
    "similarity_none": Text("no pair flagged", "표시된 쌍 없음"),
    "similarity_never": Text("(it never changes a score)", "(점수에는 영향을 주지 않습니다)"),
    "roster_heading": Text("Roster", "수강생 명단"),
    "slowest": Text("Slowest: {list}.", "실행 시간이 가장 긴 제출물: {list}."),
    "every_heading": Text("Every submission", "전체 제출물"),
    "every_intro": Text("A score opens the student's feedback page; a note or a list of tests cut short opens on a "
                        "click.", "점수를 클릭하면 학생의 피드백 페이지가 열립니다. 잘려 보이는 비고나 테스트 목록은 클릭하면 전체가 펼쳐집니다."),
    "columns": (Text("student", "학생"), Text("file", "파일"), Text("status", "상태"),
                Text("autograded", "자동 채점"), Text("tests lost", "실패한 테스트"),
                Text("notes", "비고"), Text("isolation", "격리")),
    "isolation_note": Text("isolation: the protections a run got under the kit's grader (<i>all</i>, or what this "
                           "machine could not give it); <i>none</i> under plain nbgrader.",
                           "격리: 이 키트의 채점기로 실행했을 때 적용된 보호 장치입니다(<i>전체</i>, 또는 이 머신에서 적용하지 못한 항목). 일반 nbgrader로 채점하면 "
                           "<i>없음</i>으로 표시됩니다."),
    "lost_all": Text("all {count}", "{count}개 전부"),
    "lost_more": Text("{shown} and {more} more", "{shown} 외 {more}개"),
}


def _slowest(graded: list[SubmissionResult], language: str, count: int = 5) -> str:
    timed = sorted((r for r in graded if r.seconds is not None), key=lambda r: -r.seconds)[:count]
    if not timed:
        return ""
    listed = ", ".join(f"{html.escape(r.student_id)} ({r.seconds:.0f} s)" for r in timed)
    return f"<p>{PAGE['slowest'].in_language(language).format(list=listed)}</p>"


def _flags(r: SubmissionResult, language: str) -> str:
    from autograder.engine.flag_words import flag_text

    return "; ".join(flag_text(flag).in_language(language) for flag in r.flags)


def _shortened(text: str, limit: int) -> str:
    """``text`` as a table cell: whole when short; else its start, which opens on a click to the
    whole text (also its tooltip)."""
    if len(text) <= limit:
        return html.escape(text)
    start = textwrap.shorten(text, limit, placeholder=" …")
    return (f'<details><summary title="{html.escape(text)}"><span>{html.escape(start)}</span></summary>'
            f"{html.escape(text)}</details>")


def _tests_lost(r: SubmissionResult, language: str) -> str:
    failed = [t.grade_id for t in r.failed_tests] if r.status == GRADED else []
    if len(failed) == len(r.tests) > 1:
        return PAGE["lost_all"].in_language(language).format(count=len(failed))
    if len(failed) <= SHOWN_TESTS:
        return html.escape(", ".join(failed))
    start = PAGE["lost_more"].in_language(language).format(shown=", ".join(failed[:SHOWN_TESTS]),
                                                            more=len(failed) - SHOWN_TESTS)
    return f"<details><summary><span>{html.escape(start)}</span></summary>{html.escape(', '.join(failed))}</details>"


def _score_cell(r: SubmissionResult, feedback_pages: dict[str, str]) -> str:
    if r.status != GRADED:
        return "-"
    score = f"{_points(r.score)} / {_points(r.max_score)}"
    page = feedback_pages.get(r.student_id)
    return f'<a href="{html.escape(quote(page))}">{score}</a>' if page else score


# keep-all: Korean words wrap at spaces, as English ones do, not between any two syllables.
STYLE = ("body{font-family:sans-serif;margin:2em;word-break:keep-all}td,th{border-bottom:1px solid #ddd;"
         "padding:4px 8px;text-align:left;vertical-align:top}table{border-collapse:collapse}th{position:sticky;"
         "top:0;background:#fff;white-space:nowrap}tr.flagged{background:#fff3cd}.warn{color:#8a4b00}"
         "td.notes{max-width:36em}summary{cursor:pointer}details[open]>summary>span{display:none}"
         ".charts{display:flex;flex-wrap:wrap;gap:1em;align-items:flex-start}")


def write_summary(results: list[SubmissionResult], path: Path, title: str = "",
                  feedback_pages: dict[str, str] | None = None, notes: list[str] = (),
                  similar: int | None = None, language: str = "en") -> None:
    """A page a TA opens in a browser: score histogram, pass rate per test, time per submission,
    and one row per submission, whose score links to the student's feedback page
    (``feedback_pages``: student id -> the page's path relative to ``path``). With ``similar`` (the
    number of pairs the similarity report flags), a line links to similarity.html beside it. The
    page's words, the notes and the review flags are in the TA's ``language``."""
    def word(key: str, **values) -> str:
        return PAGE[key].in_language(language).format(**values)

    feedback_pages = feedback_pages or {}
    graded = [r for r in results if r.status == GRADED]
    figures = _charts(graded, language) if graded else []
    # Flagged submissions first: their scores stand until a TA has looked.
    ordered = sorted(results, key=lambda r: not r.flagged)
    mark = f" · <b>{word('review_mark')}</b>"
    rows = "".join(
        f"<tr{' class=flagged' if r.flagged else ''}><td>{html.escape(r.student_id)}</td><td>{html.escape(r.file)}</td>"
        f"<td>{html.escape(status_word(r, language))}{mark if r.flagged else ''}</td>"
        f"<td>{_score_cell(r, feedback_pages)}</td><td>{_tests_lost(r, language)}</td>"
        f"<td class=notes>{_shortened(r.reason.in_language(language), NOTE_CHARS)}</td>"
        f"<td>{html.escape(isolation_summary(r, language))}</td></tr>" for r in ordered)
    flagged = [r for r in results if r.flagged]
    review = (f"<h2>{word('review_heading', count=len(flagged))}</h2><p>{word('review_intro')}</p><ul>"
              + "".join(f"<li><b>{html.escape(r.student_id)}</b>: {html.escape(_flags(r, language))}</li>"
                        for r in flagged) + "</ul>") if flagged else ""
    heading = f": {html.escape(title)}" if title else ""
    missing = missing_protections(results, language)
    isolation = f"<p class=warn>{html.escape(missing)}</p>" if missing else ""
    # What the roster said (autograder.lms): students with no hand-in, hand-ins not on it.
    roster = (f"<h2>{word('roster_heading')}</h2><ul>" + "".join(f"<li>{html.escape(line)}</li>" for line in notes)
              + "</ul>") if notes else ""
    pairs = f"<b>{word('similarity_pairs', count=similar)}</b>" if similar else word("similarity_none")
    alike = "" if similar is None else (
        f"<p><a href='similarity.html'>{word('similarity_link')}</a>: {pairs} {word('similarity_never')}.</p>")
    counts = word("counts", count=len(results), graded=len(graded), not_graded=len(results) - len(graded)) \
        + (word("counts_flagged", flagged=len(flagged)) if flagged else "")
    columns = "".join(f"<th>{c.in_language(language)}</th>" for c in PAGE["columns"])
    path.write_text(
        f"<!doctype html><html lang='{language}'><head><meta charset='utf-8'><title>{word('title')}{heading}</title>"
        f"<style>{STYLE}</style></head><body>"
        f"<h1>{word('title')}{heading}</h1><p>{counts}.</p>"
        f"{isolation}{roster}{review}{alike}<div class=charts>{''.join(figures)}</div>{_slowest(graded, language)}"
        f"<h2>{word('every_heading')}</h2><p>{word('every_intro')}</p><table><tr>{columns}</tr>{rows}</table>"
        f"<p>{word('isolation_note')}</p></body></html>")
