"""Two rules nbgrader applies to every autograded notebook of this course (both engines, and a
TA's own ``nbgrader autograde``), set in the course's ``nbgrader_config.py``.

:class:`KeepPassingWarnings`: nbgrader scores a test cell that writes anything to stderr as
failed, so code in the style of an older tutorial (``F.log_softmax(x)`` without ``dim``,
which PyTorch still runs and warns about) would lose a test it passes. In a test cell with
no error, Python's warnings move from stderr to stdout, where the student still reads them
and they cost nothing. Anything else on stderr still fails the test, as nbgrader rules, and
the cell then says so in words.

:class:`SafeOutputs`: a cell's output or a written answer can carry a ``<script>``, an
``onerror=`` or a ``javascript:`` link, which the feedback HTML and formgrader would run in
a student's or a TA's browser (formgrader on the Jupyter server's own origin). HTML outputs
are cleaned to plain formatting, script-like outputs dropped, and a written answer that
holds markup able to run is escaped. Scores never change: errors, streams and the plain-text
values partial credit is read from are kept as they are.
"""

from __future__ import annotations

import re

import bleach
from nbformat.v4 import new_output
from nbgrader.preprocessors import NbGraderPreprocessor

from autograder.feedback_page import FeedbackStep
from nbgrader.utils import is_grade, is_solution

# A warning as Python's ``warnings`` module prints it: "file:line: SomeWarning: message",
# then the source line, indented.
WARNING = re.compile(r"^[^\n]*:\d+: (?:[A-Za-z_][\w.]*\.)?[A-Z]\w*Warning: [^\n]*\n?(?:[ \t]+[^\n]*\n?)*", re.MULTILINE)
WARNINGS_KEPT = "(Python warnings from this test; they do not cost points)\n"
STDERR_LOST = ("This test lost its points because the cell wrote to stderr (above): nbgrader scores a test "
               "cell that writes to stderr as failed. Warnings alone do not count; find what printed the rest.\n")

SAFE_TAGS = {"a", "abbr", "b", "blockquote", "br", "code", "div", "em", "h1", "h2", "h3", "h4", "h5", "h6", "hr",
             "i", "li", "ol", "p", "pre", "span", "strong", "sub", "sup", "table", "tbody", "td", "th", "thead",
             "tr", "ul", "caption", "small", "tt", "u", "dl", "dt", "dd"}
SAFE_ATTRIBUTES = {"a": ["href", "title"], "td": ["colspan", "rowspan", "align"], "th": ["colspan", "rowspan", "align"],
                   "*": ["class"]}
SAFE_PROTOCOLS = {"http", "https", "mailto"}
UNSAFE_MIME = ("application/javascript", "text/javascript", "image/svg+xml", "application/x-javascript",
               "text/markdown", "application/vnd.jupyter.widget-view+json")
# Markup in a written answer that could run in a browser.
RUNNABLE = re.compile(r"<\s*/?\s*(?:script|iframe|object|embed|style|link|meta|base|form|svg|math|img|video|audio|"
                      r"source|input|button|textarea|frame|frameset|applet)\b|\bon\w+\s*=|(?:java|vb)script\s*:|"
                      r"data\s*:\s*text/html", re.IGNORECASE)


def _is_test(cell) -> bool:
    return cell.cell_type == "code" and is_grade(cell) and not is_solution(cell)


class KeepPassingWarnings(NbGraderPreprocessor):
    """Python warnings in a passing test cell move to stdout; a test lost to stderr says so."""

    def preprocess_cell(self, cell, resources, index):
        if not _is_test(cell) or any(o.output_type == "error" for o in cell.outputs):
            return cell, resources
        outputs, warned, other = [], [], False
        for output in cell.outputs:
            if output.output_type == "stream" and output.name == "stderr":
                warned.extend(m.group(0) for m in WARNING.finditer(output.text))
                rest = WARNING.sub("", output.text)
                if rest.strip():
                    other = True
                    outputs.append(new_output("stream", name="stderr", text=rest))
            else:
                outputs.append(output)
        if warned:
            outputs.append(new_output("stream", name="stdout", text=WARNINGS_KEPT + "".join(warned)))
        if other:
            outputs.append(new_output("stream", name="stdout", text=STDERR_LOST))
        cell.outputs = outputs
        return cell, resources


def clean_html(text: str) -> str:
    return bleach.clean(text, tags=SAFE_TAGS, attributes=SAFE_ATTRIBUTES, protocols=SAFE_PROTOCOLS, strip=True)


def safe_answer(text: str) -> str:
    """A written answer as it may be shown: unchanged unless it holds markup that could run."""
    if not RUNNABLE.search(text):
        return text
    cleaned = bleach.clean(text, tags=SAFE_TAGS - {"a"}, attributes={}, protocols=SAFE_PROTOCOLS, strip=False)
    return re.sub(r"(?i)(java|vb)script\s*:|data\s*:\s*text/html", "blocked:", cleaned)


class SafeOutputs(FeedbackStep):
    """Nothing a student's notebook holds can run in the browser that shows it."""

    def preprocess_cell(self, cell, resources, index):
        if cell.cell_type == "markdown":
            cell.source = safe_answer(cell.source)
            return cell, resources
        if cell.cell_type != "code":
            return cell, resources
        for output in cell.get("outputs", []):
            if output.output_type not in ("display_data", "execute_result"):
                continue
            data = output.get("data", {})
            for mime in UNSAFE_MIME:
                data.pop(mime, None)
            if "text/html" in data:
                data["text/html"] = clean_html("".join(data["text/html"]) if isinstance(data["text/html"], list)
                                               else data["text/html"])
            if not data:
                data["text/plain"] = "[an output that runs code in the browser was removed]"
        return cell, resources
