"""The Korean edition (``lstm_gru_ko``) is the English assignment in Korean: generated from the one
English source, the same code cell for cell, and Korean wherever a student reads.

The release's own drift and leak tests (tests/test_release.py) run on it as on every assignment.
"""

from __future__ import annotations

import csv
import re

import nbformat
import pytest

from autograder.assignments.lstm_gru_ko import build
from autograder.translation import HANGUL, english_prose, prose_only, same_code, student_texts

ENGLISH = nbformat.read(str(build.ENGLISH), as_version=4)
KOREAN = nbformat.read(str(build.NOTEBOOK), as_version=4)
PAIRS = list(zip(ENGLISH.cells, KOREAN.cells))


def test_the_korean_source_is_what_the_build_writes_from_the_english_one():
    assert build.build() == KOREAN, (
        "lstm_gru_ko.ipynb differs from what build.py writes: run "
        "`python -m autograder.assignments.lstm_gru_ko.build`, then `make release` and commit.")


def test_both_editions_have_the_same_cells_with_the_same_grading_metadata():
    assert [(c.id, c.cell_type) for c in KOREAN.cells] == [(c.id, c.cell_type) for c in ENGLISH.cells]
    for english, korean in PAIRS:
        assert korean.metadata == english.metadata, english.id
    assert KOREAN.metadata == ENGLISH.metadata


@pytest.mark.parametrize("cell_id", [c.id for c in ENGLISH.cells if c.cell_type == "code"])
def test_every_code_cell_is_the_same_code_comments_and_messages_aside(cell_id):
    english, korean = next((e, k) for e, k in PAIRS if e.id == cell_id)
    assert same_code(english.source, build.without_speaking(korean.source))


def test_every_hidden_test_region_of_the_korean_edition_and_only_those_speak_korean():
    """The one line the build adds to the code: the hidden checks' messages in Korean, under plain
    nbgrader too. A student's release never holds it (nbgrader removes hidden regions)."""
    line = build.SPEAK.format(language="ko")
    for english, korean in PAIRS:
        if english.cell_type != "code":
            continue
        lines = korean.source.split("\n")
        regions = [i for i, text in enumerate(lines) if text.strip() == "### BEGIN HIDDEN TESTS"]
        assert [i for i, text in enumerate(lines) if text == line] == [i + 1 for i in regions], english.id
        assert line not in english.source
    assert sum(build.SPEAK.split("{")[0] in cell.source for cell in KOREAN.cells) >= 20


@pytest.mark.parametrize("cell_id", [c.id for c in ENGLISH.cells if c.cell_type == "markdown"])
def test_every_markdown_cell_is_in_korean(cell_id):
    korean = next(k for e, k in PAIRS if e.id == cell_id)
    assert HANGUL.search(korean.source), f"{cell_id} has no Korean"
    assert english_prose(korean.source) == [], f"{cell_id} still has English prose"


@pytest.mark.parametrize("cell_id", [c.id for c in ENGLISH.cells if c.cell_type == "code"])
def test_every_comment_and_message_a_student_reads_is_in_korean(cell_id):
    korean = next(k for e, k in PAIRS if e.id == cell_id)
    left = [text for text in student_texts(korean) if english_prose(text)]
    assert left == [], f"{cell_id}: English prose left"


def test_every_cell_with_english_prose_is_changed_in_the_korean_edition():
    """Translated, not copied: the checks above cannot pass by leaving a cell as it was."""
    with_prose = [(english, korean) for english, korean in PAIRS
                  if any(english_prose(text) for text in student_texts(english))]
    assert len(with_prose) > 40
    assert [english.id for english, korean in with_prose if korean.source == english.source] == []


# What same_code must catch: a translation may change texts, never what the code does.
SAME = [
    ('assert x == 5, f"`x` is {x}; it should be 5."', 'assert x == 5, f"`x` 는 {x} 입니다. 5여야 합니다."'),
    ('raise AssertionError(f"{a} of {b}")', 'raise AssertionError(f"{b}의 {a}")'),  # placeholders reordered
    ('_why = ("one" if ok else "two")', '_why = ("하나" if ok else "둘")'),
    ('def f():\n    """Sum."""\n    return 1  # one', 'def f():\n    """합."""\n    return 1  # 하나'),
]
DIFFERENT = [
    ('if "not enough values" in str(e): pass', 'if "값이 부족" in str(e): pass'),  # a string the code compares
    ('assert x == 5, "x is wrong"', 'assert x == 6, "x 가 틀렸습니다"'),
    ('assert ok, f"{len(a)} items"', 'assert ok, f"{len(b)}개"'),  # what the message shows is code
    ('d = {"loss": 1}', 'd = {"손실": 1}'),
    ('_why = ("one" if ok else "two")', '_why = ("하나" if not ok else "둘")'),
]


@pytest.mark.parametrize("english, translated", SAME)
def test_texts_may_be_translated(english, translated):
    assert same_code(english, translated)


@pytest.mark.parametrize("english, translated", DIFFERENT)
def test_a_translation_that_changes_the_code_is_caught(english, translated):
    assert not same_code(english, translated)


def test_english_prose_is_found_outside_code_and_placeholders():
    assert english_prose("Run the cell before you submit it.") == ["Run the cell before you submit it"]
    assert english_prose("`lstm(inputs_seq, (h0, c0))` 를 호출하세요. hidden state 와 cell state") == []
    assert english_prose("f-string: {len(step_outs)} outputs; https://pytorch.org/tutorials/beginner/nlp") == []
    assert english_prose("```python\nfor word in sentence: print(word)\n```\n코드입니다.") == []


def test_a_changed_english_cell_stops_the_build_naming_the_cell(tmp_path):
    english = nbformat.read(str(build.ENGLISH), as_version=4)
    next(c for c in english.cells if c.id == "md-01").source += "\nOne more sentence."
    test_cell = next(c for c in english.cells if c.id == "test_p1_setup")
    test_cell.source = test_cell.source.replace("# test: the LSTM", "# test: an LSTM")
    changed = tmp_path / "lstm_gru.ipynb"
    nbformat.write(english, str(changed))
    with pytest.raises(build.TranslationOutOfDate) as stopped:
        build.build(changed)
    message = str(stopped.value)
    assert "markdown cell md-01 changed in English since it was translated" in message
    assert "--refingerprint md-01" in message
    assert "code cell test_p1_setup: '# test: the LSTM" in message and "occurs 0 times" in message


def test_a_cell_without_korean_stops_the_build():
    translation = build.read_translation()
    del translation["markdown"]["md-02"]
    with pytest.raises(build.TranslationOutOfDate, match=r"markdown cell md-02 has no Korean text"):
        build.build(translation=translation)


def test_the_glossary_names_each_term_once_with_its_korean():
    with open(build.GLOSSARY, encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert rows and list(rows[0]) == ["term", "korean", "note"]
    terms = [row["term"] for row in rows]
    assert len(terms) == len(set(terms))
    assert all(row["korean"].strip() for row in rows)


@pytest.mark.parametrize("term, korean", [
    ("accuracy", "정확도"), ("hidden state", "hidden state"), ("cell state", "cell state"),
    ("epoch", "epoch"), ("log-probabilities", "로그 확률"), ("tagger", "태거"), ("Method 1", "방법 1"),
    ("learning rate", "학습률"), ("forward pass", "순전파"), ("token accuracy", "토큰 정확도"),
    ("context-free baseline", "문맥을 보지 않는 baseline"),
])
def test_glossary_terms_are_rendered_as_the_glossary_says(term, korean):
    """Where an English cell's prose (markdown, comments, messages) uses a glossary term, the
    Korean cell uses the glossary's Korean."""
    with open(build.GLOSSARY, encoding="utf-8", newline="") as f:
        glossary = {row["term"]: row["korean"] for row in csv.DictReader(f)}
    assert any(key.startswith(term) and korean in value for key, value in glossary.items()), term
    word = re.compile(rf"(?<![\w-]){re.escape(term)}(?![\w-])", re.IGNORECASE)
    using = [(e.id, _text(k)) for e, k in PAIRS if word.search(_text(e))]
    assert using, f"no English cell uses {term!r}"
    assert [cell_id for cell_id, text in using if korean not in text] == []


def _text(cell) -> str:
    """A cell's prose: a markdown cell's, or a code cell's comments and messages."""
    return "\n".join(prose_only(text) for text in student_texts(cell))


# ------------------------------------------------------------- the labelled set, in the Korean edition

@pytest.fixture(scope="module")
def korean_verdicts(tmp_path_factory):
    """The labelled submissions made from the Korean release (each case's code in its cells),
    graded by the kit's engine in a course of the Korean edition: name -> Verdict."""
    from autograder.course import scratch_course
    from autograder.engine import batch, config
    from autograder.results import read_result, with_run
    from autograder.submissions import Submission
    from tests.builders import kit_course, submission
    from tests.labelled.build import path_of
    from tests.labelled.cases import ALL
    from tests.labelled.report import Verdict

    root = tmp_path_factory.mktemp("korean")
    course = scratch_course(root / "course", "lstm_gru_ko")
    course.generate_assignment()
    release = kit_course("lstm_gru_ko")
    submissions = []
    for case in ALL:
        path = path_of(case, root / "submissions")
        path.parent.mkdir(parents=True, exist_ok=True)
        nbformat.write(submission(case.edits, unsolved=case.unsolved, course=release), str(path))
        submissions.append(Submission(case.name, path))
        course.submit(case.name, path)
    records = batch.execute(course, submissions, config.settings(course.config), root / "work")
    return {case.name: Verdict(case, with_run(read_result(course, s), records[case.name]), "ko")
            for case, s in zip(ALL, submissions)}


def _labelled():
    from tests.labelled.cases import ALL

    return ALL


@pytest.mark.parametrize("case", _labelled(), ids=lambda case: case.name)
def test_the_labelled_set_loses_the_same_tests_in_the_korean_edition(korean_verdicts, case):
    verdict = korean_verdicts[case.name]
    assert verdict.result.status == "graded", verdict.result.reason
    assert verdict.lost == verdict.expected, case.what
    # The Korean checks set the language the kit speaks in the notebook's own process: an honest
    # notebook is never flagged for it (nor for anything else).
    assert verdict.result.flags == (), verdict.result.flags
    if verdict.correct:
        assert verdict.full_marks
    else:  # every lost test says why in Korean, in the mistake catalogue's Korean words
        messages = {gid: verdict.result.test(gid).message for gid in verdict.lost}
        assert [gid for gid, message in messages.items() if not HANGUL.search(message)] == [], messages
        assert verdict.unnamed == [], {gid: messages[gid] for gid in verdict.unnamed}


def test_every_public_assert_of_the_korean_release_speaks_korean():
    """What a student sees when a public test fails on their machine: the release's asserts."""
    import ast

    from tests.builders import kit_course

    release = nbformat.read(str(kit_course("lstm_gru_ko").release_notebook), as_version=4)
    messages = [(cell.id, ast.unparse(node.msg)) for cell in release.cells if cell.cell_type == "code"
                for node in ast.walk(ast.parse(cell.source)) if isinstance(node, ast.Assert) and node.msg]
    assert len(messages) > 30
    assert [(cell_id, text) for cell_id, text in messages if not HANGUL.search(text)] == []


def test_refingerprinting_records_the_english_cells_current_fingerprint(tmp_path):
    """Once a changed cell's Korean is updated, --refingerprint records the English cell it now
    translates; the rest of the file is left as it was."""
    text = build.TRANSLATION.read_text(encoding="utf-8")
    current = build.read_translation()["markdown"]["md-03"]["english"]
    stale = tmp_path / "translation.toml"
    stale.write_text(text.replace(f'[markdown.md-03]\nenglish = "{current}"', '[markdown.md-03]\nenglish = "0123456789ab"'),
                     encoding="utf-8")
    with pytest.raises(build.TranslationOutOfDate, match="markdown cell md-03 changed in English"):
        build.build(translation=build.read_translation(stale))
    build.refingerprint(["md-03"], stale)
    assert stale.read_text(encoding="utf-8") == text
    with pytest.raises(SystemExit, match="no markdown cell md-99"):
        build.refingerprint(["md-99"], stale)


@pytest.mark.parametrize("engine", ["workers", "nbgrader"])
def test_a_course_that_sets_english_gets_the_korean_edition_hidden_messages_in_english(tmp_path, engine):
    """``c.Messages.language`` overrides the edition's language for the kit's words: through the
    kit's warm workers (started before the course's configuration is read), and through the
    environment of plain nbgrader's kernels."""
    from autograder.course import scratch_course
    from autograder.grading import grade_folder
    from tests.builders import kit_course, submission
    from tests.labelled.cases import ALL

    case = next(case for case in ALL if case.name == "p1_inputs_1d")
    course = scratch_course(tmp_path / "course", "lstm_gru_ko")
    with open(course.path("nbgrader_config.py"), "a") as config:
        config.write('\nc.Messages.language = "en"\n')
    (tmp_path / "in").mkdir()
    nbformat.write(submission(case.edits, unsolved=case.unsolved, course=kit_course("lstm_gru_ko")),
                   str(tmp_path / "in" / "kim.ipynb"))
    [result] = grade_folder(tmp_path / "in", course_dir=course.root, out_dir=tmp_path / "out",
                            assignment="lstm_gru_ko", say=lambda _: None, engine=engine)
    message = result.test("test_p1_setup").message
    assert message.startswith("inputs[0] has shape (3,), expected (1, 3)") and not HANGUL.search(message)


# ------------------------------------------------------------- who reads which language

@pytest.mark.parametrize("assignment, ta_language", [("lstm_gru_ko", "en"), ("lstm_gru", "ko")])
def test_hand_ins_that_cannot_be_graded_are_explained_to_the_student_and_the_ta_each_in_their_language(
        tmp_path, assignment, ta_language):
    """The command as a TA runs it: each refused hand-in's reason reaches the student (Gradescope's
    results.json) in the assignment's language, and the TA (the table, grades.csv, summary.html,
    similarity.html) in the language of ``grade --language``."""
    import html
    import json
    import os
    import subprocess
    import sys

    from autograder import reports
    from autograder.course import scratch_course
    from autograder.submissions import EMPTY_FOLDER, NOT_A_NOTEBOOK, NOT_JSON, NOT_JSON_DETAIL

    student_language = "ko" if assignment == "lstm_gru_ko" else "en"
    course = scratch_course(tmp_path / "course", assignment)
    hand_ins, out = tmp_path / "in", tmp_path / "out"
    hand_ins.mkdir()
    (hand_ins / "lee.txt").write_text("my answers")
    (hand_ins / "park.ipynb").write_text('{"cells": [')
    (hand_ins / "choi").mkdir()
    expected = {"lee": NOT_A_NOTEBOOK.format(suffix=".txt"), "park": NOT_JSON.format(error=NOT_JSON_DETAIL),
                "choi": EMPTY_FOLDER}
    run = subprocess.run([sys.executable, "-m", "autograder", "grade", str(hand_ins), "--course-dir", str(course.root),
                          "--assignment", assignment, "--out", str(out), "--language", ta_language],
                         capture_output=True, text=True, timeout=600,
                         env={**os.environ, "COLUMNS": "300"})  # a wide terminal: one line per row
    assert run.returncode == 0, run.stderr

    for student, reason in expected.items():
        said = json.loads((out / "gradescope" / student / "results.json").read_text())["output"]
        assert said == reports.NOT_GRADED_OUTPUT.format(reason=reason).in_language(student_language)
        assert bool(HANGUL.search(said)) == (student_language == "ko")
    table = run.stdout.splitlines()
    assert table[table.index("") + 1].split()[:2] == [h.in_language(ta_language) for h in reports.TABLE_HEADER[:2]]
    rejected = reports.STATUS["rejected"].in_language(ta_language)
    for student, reason in expected.items():
        row = next(line for line in table if line.startswith(f"{student} "))
        assert f" {rejected} " in row and row.endswith(reason.in_language(ta_language)), row
    assert reports.TOTAL.in_language(ta_language).format(count=3, graded=0, not_graded=3) in run.stdout
    closing = {"en": ("Wrote ", "Done in "), "ko": ("작성한 파일: ", "완료: ")}  # the command's last lines
    other = "en" if ta_language == "ko" else "ko"
    assert [word for word in closing[ta_language] if not any(line.startswith(word) for line in table)] == []
    assert [line for line in table if line.startswith(closing[other])] == []
    with open(out / "grades.csv", newline="") as f:
        assert {row["student_id"]: row["reason"] for row in csv.DictReader(f)} == {
            student: reason.in_language(ta_language) for student, reason in expected.items()}
    summary, similar = (out / "summary.html").read_text(), (out / "similarity.html").read_text()
    assert f"<h1>{reports.PAGE['title'].in_language(ta_language)}" in summary
    for reason in expected.values():
        assert html.escape(reason.in_language(ta_language)) in summary
        assert html.escape(reason.in_language(ta_language)) in similar
        assert html.escape(reason.in_language("en" if ta_language == "ko" else "ko")) not in summary
