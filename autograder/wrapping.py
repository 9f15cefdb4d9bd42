"""Messages in lines a grading page can show: formgrader, the feedback page and a notebook show an
error in a box that does not wrap, where a one-line message runs off the right edge.

Here rather than in :mod:`autograder.feedback` so that the processes that import no PyTorch (nbgrader's
side of a batch) wrap their own messages the same way.
"""

from __future__ import annotations

# The widest line of a rendered message: a notebook's output box, formgrader's and the feedback
# page's all show this many monospace columns without scrolling.
WIDTH = 96


def wrap(text: str, width: int = WIDTH) -> list[str]:
    """``text`` as lines of at most ``width`` columns, broken only between words.

    Each line of ``text`` (a paragraph: the message, ``Hint: ...``, ``Likely cause: ...``)
    starts a new line, and its continuation lines keep its indentation. A word longer than
    ``width`` (a long path or tensor) is never split: it gets a line of its own. Written here
    rather than with ``textwrap`` so that a student cell cannot change how it works (the guard
    restores the kit's own modules before each test cell).
    """
    lines: list[str] = []
    for paragraph in text.split("\n"):
        body = paragraph.lstrip(" ")
        indent = paragraph[: len(paragraph) - len(body)]
        line = ""
        for word in body.split(" "):
            if line and len(indent) + len(line) + 1 + len(word) > width:
                lines.append(indent + line)
                line = word
            else:
                line = f"{line} {word}" if line else word
        lines.append((indent + line).rstrip())
    return lines
