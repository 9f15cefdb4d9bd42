"""What a student reads in a feedback page: tracebacks legible on the page's white background."""

from __future__ import annotations

import re

import pytest
from tests.builders import page_text

# WCAG's contrast ratio for large text; code in a traceback below it is hard to read on white.
LEGIBLE = 3.0
WHITE = (255, 255, 255)


def _luminance(rgb: tuple[int, int, int]) -> float:
    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def contrast(a: tuple[int, int, int], b: tuple[int, int, int]) -> float:
    light, dark = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (light + 0.05) / (dark + 0.05)


def _hex(value: str) -> tuple[int, int, int]:
    value = value.lstrip("#")
    if len(value) == 3:
        value = "".join(c * 2 for c in value)
    return tuple(int(value[i:i + 2], 16) for i in (0, 2, 4))


def text_colours(page: str) -> dict[str, tuple[int, int, int]]:
    """Each colour a traceback's text is given, by where it comes from: the 256-colour codes
    nbconvert writes inline, and the 16-colour classes the page's own CSS defines."""
    colours = {f"rgb({m})": tuple(int(x) for x in m.split(","))
               for m in re.findall(r'style="color: ?rgb\(([\d, ]+)\)', page)}
    for name in set(re.findall(r'class="[^"]*\b(ansi-[a-z-]+-fg)\b', page)):
        rule = re.search(r"\." + name + r"\s*\{[^}]*?color:\s*(#[0-9a-fA-F]{3,6})", page)
        if rule:
            colours[name] = _hex(rule.group(1))
    return colours


def test_the_contrast_measure_tells_the_dark_terminal_colours_from_legible_ones():
    assert contrast((238, 238, 238), WHITE) < LEGIBLE      # near-white code text of a dark theme
    assert contrast((175, 215, 0), WHITE) < LEGIBLE
    assert contrast((0, 135, 0), WHITE) >= LEGIBLE
    assert contrast((0, 0, 0), WHITE) == pytest.approx(21)


@pytest.mark.parametrize("student", ["ben", "cleo", "dev", "eve"])
def test_tracebacks_in_feedback_are_legible_on_the_white_page(graded_examples, student):
    page = (graded_examples.out / "feedback" / f"{student}.html").read_text()
    colours = text_colours(page)
    if student == "ben":  # the untouched release: every code cell ends in a highlighted traceback
        assert len(re.findall(r"NotImplementedError", page)) > 10 and colours
    illegible = {where: rgb for where, rgb in colours.items() if contrast(rgb, WHITE) < LEGIBLE}
    assert not illegible, f"{student}: text colours too light for a white page: {illegible}"


def test_written_answers_nobody_graded_yet_say_so_in_the_kits_feedback(graded_examples):
    def text(student):
        page = (graded_examples.out / "feedback" / f"{student}.html").read_text()
        return page_text(page)

    ada = text("ada")
    assert "Not graded yet: 2 answers, worth 6 points, are graded by hand." in ada
    assert ada.count("Not graded yet: your TA grades this answer by hand.") == 2
    # ben left "YOUR ANSWER HERE": nbgrader scores an unanswered question 0 itself, no TA needed.
    assert "Not graded yet" not in text("ben")


def test_the_kits_own_error_lines_fit_the_box(tmp_path):
    """Errors the engine writes itself (a notebook that never reached the grader's evaluation, a
    run that stopped) are wrapped like a check's message, not one line off the edge of the box."""
    from autograder.engine import judge, replay
    from autograder.wrapping import WIDTH

    long_reason = "the notebook's process ended before this cell ran: " + "it was stopped by the kit " * 6
    for output in (replay.not_run_output(long_reason),):
        assert len(output["traceback"]) > 1 and max(map(len, output["traceback"])) <= WIDTH
        assert " ".join(output["traceback"]) == f"NotRun: {long_reason}".strip()
    # A judged test cell whose check never asked the grader: the engine writes the error itself.
    cells = {"7": {"outputs": []}}
    overruled = judge.enforce(cells, {7: "test_p2_heldout_accuracy"}, [],
                              {"heldout": ("test_p2_heldout_accuracy", None)})
    traceback = cells["7"]["outputs"][0]["traceback"]
    assert overruled and len(traceback) > 1 and max(map(len, traceback)) <= WIDTH
    assert " ".join(traceback) == "{}: {}".format(judge.NEVER_ASKED[0], judge.NEVER_ASKED[1].en)
