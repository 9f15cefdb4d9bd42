"""similarity.html: :class:`autograder.similarity.Similarity` rendered for a TA.

The pairs most alike first; each flagged pair with what its two hand-ins share highlighted side
by side, cell by cell; a chart of every pair's score against the line where a pair is flagged.
"""

from __future__ import annotations

import html
from pathlib import Path

from autograder import similarity
from autograder.reports import STYLE, _figure_html
from autograder.similarity import ANSWERS, CODE, Document, Match, Pair, Similarity

FILE = "similarity.html"
KIND_NAMES = {CODE: "own code", ANSWERS: "written answers"}
PAGE_STYLE = STYLE + (
    ".side{display:grid;grid-template-columns:1fr 1fr;gap:1em}.side>div{min-width:0}"
    "pre{white-space:pre-wrap;word-break:break-word;background:#f7f7f7;padding:6px;margin:0 0 .5em}"
    "mark{background:#ffd54f}.cell{color:#555;font-size:90%;margin:.6em 0 .2em}.quiet{color:#777}"
    "tr.flagged a{font-weight:bold}")
NOTE = ("It lists pairs of hand-ins for a person to read; it never changes a score. A high share can have an "
        "innocent reason (two students who worked out the code together as allowed, a hint given in class): "
        "read the highlighted passages before you ask anyone about them.")


def _share(match: Match | None, pair: Pair) -> str:
    if match is None:
        return "<span class=quiet>nothing</span>"
    a, b = pair.students
    return (f"{match.shares[0]:.0%} of {html.escape(a)}'s, {match.shares[1]:.0%} of {html.escape(b)}'s "
            f"<span class=quiet>({match.shared} characters)</span>")


def _size(doc: Document) -> str:
    if not doc.parts:
        return "<span class=quiet>none (as released)</span>"
    return f"{len(doc.parts)} cell(s), {sum(len(p.text) for p in doc.parts)} characters"


def _highlighted(doc: Document, spans: list[tuple[int, int]]) -> str:
    """The document's cells that share something, with the shared passages marked; the others counted."""
    shown, quiet = [], 0
    for part in doc.parts:
        end = part.start + len(part.text)
        inside = sorted((max(s, part.start) - part.start, min(e, end) - part.start)
                        for s, e in spans if s < end and e > part.start)
        if not inside:
            quiet += 1
            continue
        pieces, at = [], 0
        for start, stop in inside:
            start = max(start, at)
            if stop <= start:
                continue
            pieces.append(html.escape(part.text[at:start]) + "<mark>" + html.escape(part.text[start:stop]) + "</mark>")
            at = stop
        pieces.append(html.escape(part.text[at:]))
        shown.append(f"<div class=cell>{html.escape(part.label)}</div><pre>{''.join(pieces)}</pre>")
    if quiet:
        shown.append(f"<p class=quiet>{quiet} other cell(s) of theirs share nothing with the other hand-in.</p>")
    return "".join(shown)


def _pair_section(number: int, pair: Pair, sim: Similarity) -> str:
    a, b = pair.students
    parts = [f"<h3 id=pair-{number}>{number}. {html.escape(a)} and {html.escape(b)}</h3>"]
    for kind in (CODE, ANSWERS):
        match = pair.matches.get(kind)
        if match is None:
            continue
        parts.append(f"<h4>{KIND_NAMES[kind].capitalize()}: {_share(match, pair)}"
                     f"{' · flagged' if match.flagged else ''}</h4><div class=side>")
        for student, spans in zip(pair.students, match.spans):
            parts.append(f"<div><b>{html.escape(student)}</b>"
                         f"{_highlighted(sim.documents[student][kind], spans)}</div>")
        parts.append("</div>")
    return "".join(parts)


def _chart(sim: Similarity) -> str:
    """Every pair's two scores against the flag line: where the flagged pairs stand in the class."""
    import matplotlib
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    students = sorted(sim.documents)
    every = len(students) * (len(students) - 1) // 2
    scores = {kind: [p.matches[kind].score for p in sim.pairs if kind in p.matches] for kind in (CODE, ANSWERS)}
    fig, ax = plt.subplots(figsize=(7, 3))
    bins = [i / 20 for i in range(21)]
    for kind, colour in ((CODE, "#4c72b0"), (ANSWERS, "#dd8452")):
        values = scores[kind] + [0.0] * (every - len(scores[kind]))  # pairs that share nothing at all
        ax.hist(values, bins=bins, alpha=0.7, color=colour, label=KIND_NAMES[kind], edgecolor="white")
    ax.axvline(similarity.FLAG_SHARE, color="#c44e52", linestyle="--", linewidth=1)
    ax.annotate("flagged from here", (similarity.FLAG_SHARE, 1), xycoords=("data", "axes fraction"),
                xytext=(4, -12), textcoords="offset points", color="#c44e52", fontsize=8)
    ax.set_yscale("log")
    ax.set_xlim(0, 1)
    ax.xaxis.set_major_formatter(matplotlib.ticker.PercentFormatter(1.0))
    ax.set_xlabel("the larger side's share of its own material found in the other hand-in")
    ax.set_ylabel("pairs of hand-ins")
    ax.set_title(f"All {every} pairs of the {len(students)} hand-ins compared")
    ax.legend(fontsize=8)
    picture = _figure_html(fig, "Histogram of every pair's similarity, code and written answers")
    plt.close(fig)
    return picture


def write_similarity(sim: Similarity, path: Path, title: str = "") -> None:
    heading = f": {html.escape(title)}" if title else ""
    compared = len(sim.documents)
    flagged = sim.flagged
    listed = flagged + [p for p in sim.pairs if not p.flagged][:similarity.SHOWN_UNFLAGGED]
    rows = "".join(
        f"<tr{' class=flagged' if p.flagged else ''}><td>{n}</td><td>"
        + (f"<a href='#pair-{n}'>{html.escape(p.students[0])} and {html.escape(p.students[1])}</a>" if p.flagged
           else f"{html.escape(p.students[0])} and {html.escape(p.students[1])}")
        + f"</td><td>{_share(p.matches.get(CODE), p)}</td><td>{_share(p.matches.get(ANSWERS), p)}</td>"
        f"<td>{'<b>read it</b>' if p.flagged else ''}</td></tr>" for n, p in enumerate(listed, start=1))
    if compared < 2:
        body = "<p>Fewer than two hand-ins could be read: there is nothing to compare.</p>"
    else:
        verdict = (f"<p><b>{len(flagged)} pair(s) flagged</b> for you to read, below the table.</p>" if flagged
                   else "<p><b>No pair is flagged.</b> The table shows the pairs that share the most.</p>")
        body = (f"{verdict}<div class=charts>{_chart(sim)}</div>"
                + (f"<table><tr><th>#</th><th>pair</th><th>own code shared</th><th>written answers shared</th>"
                   f"<th></th></tr>{rows}</table>" if listed else "<p>No two hand-ins share anything of their own.</p>")
                + "".join(_pair_section(n, p, sim) for n, p in enumerate(flagged, start=1)))
    # Every hand-in is named, pairs or not: how much of its own each brought to the comparison.
    everyone = "".join(
        f"<tr><td>{html.escape(student)}</td><td>{_size(docs[CODE])}</td><td>{_size(docs[ANSWERS])}</td></tr>"
        for student, docs in sorted(sim.documents.items()))
    compared_list = (f"<details><summary>The {compared} hand-in(s) compared, with how much of their own each "
                     "holds</summary><table><tr><th>student</th><th>own code</th><th>written answers</th></tr>"
                     f"{everyone}</table></details>") if compared else ""
    not_compared = ("<h2>Not compared</h2><ul>" + "".join(
        f"<li><b>{html.escape(student)}</b>: {html.escape(why)}</li>" for student, why in sim.not_compared)
        + "</ul>") if sim.not_compared else ""
    method = (
        "<h2>How pairs are found</h2><p>Each hand-in's own code (its code cells that differ from the release) and "
        "its written answers are fingerprinted with copydetect, which implements MOSS's winnowing: code is compared "
        "as tokens with every name, string and comment replaced, so renamed variables and new comments hide "
        "nothing; answers are compared as lower-case words, in any order of sentences. Before any pair is "
        "compared, what everyone may share is taken out: the release's cells, the tutorial's code, and passages "
        f"found in at least {similarity.COMMON_LEAST} hand-ins and {similarity.COMMON_SHARE:.0%} of the class. "
        f"A pair is flagged when {similarity.FLAG_SHARE:.0%} or more of one hand-in's own code or own answers is "
        f"found in the other, at least {similarity.LEAST_SHARED[CODE]} characters of code or "
        f"{similarity.LEAST_SHARED[ANSWERS]} of answers.</p>")
    path.write_text(
        f"<!doctype html><html><head><meta charset='utf-8'><title>Similarity{heading}</title>"
        f"<style>{PAGE_STYLE}</style></head><body><h1>Similarity between hand-ins{heading}</h1>"
        f"<p>{compared} hand-in(s) compared, {len(sim.not_compared)} could not be. {html.escape(NOTE)}</p>"
        f"{body}{compared_list}{not_compared}{method}</body></html>", encoding="utf-8")
