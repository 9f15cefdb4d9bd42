"""What language the kit's words to a student speak, and who decides it: the assignment (its
manifest, and the line its hidden tests open with), overridden by the course for all its
assignments (``c.Messages.language``, carried to every grading process in the environment).
"""

from __future__ import annotations

import ast
import inspect
import os
import re
from pathlib import Path

import nbformat
import pytest
from traitlets.config import Config

from autograder import language
from autograder.assignments import __file__ as _assignments
from autograder.assignments.lstm_gru.checks import part1, part2, part3, taggers
from autograder.assignments.lstm_gru.mistakes import CATALOGUE
from autograder.engine import config as course_config
from autograder.engine.manifest import ManifestProblem, load
from autograder.feedback import CheckFailed
from autograder.feedback_page import page_language
from autograder.language import OVERRIDE, Text, for_students, say, speak
from autograder.translation import HANGUL

SOURCE = Path(_assignments).parent  # the kit's assignments, as its course config names them


@pytest.fixture
def spoken():
    """The language said by hidden code, put back after the test; no override in the environment."""
    saved, override = language.current(), os.environ.pop(OVERRIDE, None)
    yield
    speak(saved)
    if override is not None:
        os.environ[OVERRIDE] = override


def test_a_text_is_rendered_in_the_language_spoken_and_the_course_overrides_it(spoken, monkeypatch):
    hint = Text("Call `optimizer.step()`.", "`optimizer.step()` 를 호출하세요.")
    speak("ko")
    assert f"{hint}" == hint.ko and say("Hint", "힌트") == "힌트"
    monkeypatch.setenv(OVERRIDE, "en")
    assert str(hint) == hint.en and say("Hint", "힌트") == "Hint"
    monkeypatch.setenv(OVERRIDE, "fr")  # not a language the kit speaks: the assignment's stands
    assert str(hint) == hint.ko


def test_a_text_holds_plain_strings_only():
    with pytest.raises(TypeError, match="two plain strings"):
        Text(Text("a", "가"), "나")
    with pytest.raises(AttributeError, match="cannot be changed"):
        part1.SWAPPED.ko = ""
    with pytest.raises(AttributeError):  # not even past its own __setattr__
        object.__setattr__(part1.SWAPPED, "ko", "")
    assert Text("a", "가") != ("a", "가") and Text("a", "가") == Text("a", "가")


def test_a_text_is_filled_in_and_joined_in_both_languages_at_once():
    from autograder.language import EMPTY, as_text, joined

    reason = Text("cell {index}: {why}", "{index}번 셀: {why}").format(index=3, why=Text("it stopped", "멈췄습니다"))
    assert reason == Text("cell 3: it stopped", "3번 셀: 멈췄습니다")
    assert joined("; ", [reason, "", None, EMPTY, "nbgrader: KeyError"]) == Text(
        "cell 3: it stopped; nbgrader: KeyError", "3번 셀: 멈췄습니다; nbgrader: KeyError")
    assert as_text("KeyError") == Text("KeyError", "KeyError") and as_text(None) == EMPTY and not EMPTY


def test_a_broken_language_state_falls_back_to_the_default(spoken, monkeypatch):
    """What a notebook can do to the holder (tests/hostile attacks it through the grader too)."""
    monkeypatch.setitem(language._spoken, "language", "xx")
    assert language.current() == "en" and str(part1.SWAPPED) == part1.SWAPPED.en
    language._spoken.clear()
    assert language.current() == "en"
    speak("ko")
    assert language.current() == "ko"


def test_an_unknown_language_is_refused_with_the_languages_the_kit_speaks():
    with pytest.raises(language.UnknownLanguage, match="the kit speaks en, ko"):
        speak("fr")


def test_the_course_setting_outranks_the_assignment_and_the_environment_outranks_both(spoken, monkeypatch):
    assert for_students(None, "ko") == "ko"
    assert for_students("en", "ko") == "en"
    monkeypatch.setenv(OVERRIDE, "ko")
    assert for_students("en", "en") == "ko"


def test_a_failed_check_speaks_the_language_its_hidden_code_said(spoken):
    namespace = {"lstm": object()}
    for chosen, hint in (("en", "Hint: Use `nn.LSTM(3, 3)`."), ("ko", "힌트: ")):
        speak(chosen)
        with pytest.raises(CheckFailed) as failure:
            part1.check_setup(namespace)
        assert hint in str(failure.value)
        assert bool(HANGUL.search(str(failure.value))) == (chosen == "ko")


# --------------------------------------------------------------------- every text has both languages

def _texts_of(module) -> list[tuple[str, Text]]:
    found = [(name, value) for name, value in vars(module).items() if isinstance(value, Text)]
    for name, value in vars(module).items():
        if isinstance(value, dict):
            found += [(f"{name}[{key!r}]", v) for key, v in value.items() if isinstance(v, Text)]
    return found


@pytest.mark.parametrize("module", [part1, part2, part3, taggers], ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_every_named_message_of_the_checks_is_in_english_and_in_korean(module):
    texts = _texts_of(module)
    assert len(texts) >= 3
    assert [name for name, text in texts if HANGUL.search(text.en) or not HANGUL.search(text.ko)] == []


def _literal_words(node) -> str:
    """The letters a string literal (or an f-string's literal parts) holds; "" for anything else."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return node.value
    if isinstance(node, ast.JoinedStr):
        return "".join(_literal_words(part) for part in node.values)
    if isinstance(node, ast.BinOp):
        return _literal_words(node.left) + _literal_words(node.right)
    return ""


@pytest.mark.parametrize("module", [part1, part2, part3, taggers], ids=lambda m: m.__name__.rsplit(".", 1)[1])
def test_no_check_fails_with_an_english_only_sentence(module):
    """Every text a check fails with goes through say() or a Text: words written straight into
    fail() or CheckFailed() would reach a Korean student in English."""
    calls = [node for node in ast.walk(ast.parse(inspect.getsource(module))) if isinstance(node, ast.Call)
             and getattr(node.func, "id", None) in ("fail", "CheckFailed")]
    assert len(calls) >= 3
    worded = [ast.unparse(node) for node in calls for argument in node.args
              if re.search("[A-Za-z]{2}", _literal_words(argument))]
    assert worded == []


def test_every_mistake_is_named_by_words_in_both_languages():
    for mistake in CATALOGUE:
        assert mistake.says, mistake.key
        for words in mistake.says:
            assert isinstance(words, Text) and HANGUL.search(words.ko), (mistake.key, words)


# ------------------------------------------------------------------------- who decides the language

def test_the_manifest_names_the_assignment_language():
    assert load(SOURCE / "lstm_gru").language == "en"
    assert load(SOURCE / "lstm_gru_ko").language == "ko"


def test_a_manifest_naming_an_unknown_language_is_refused_naming_the_file(tmp_path):
    folder = tmp_path / "week1"
    folder.mkdir()
    (folder / "week1.ipynb").write_text(nbformat.writes(nbformat.v4.new_notebook()))
    (folder / "assignment.toml").write_text('language = "kr"\n')
    with pytest.raises(ManifestProblem, match=r"assignment.toml: language = 'kr'; the kit speaks en, ko"):
        load(folder)


def test_a_course_language_is_read_from_its_config_and_refused_when_unknown(tmp_path):
    (tmp_path / course_config.CONFIG_FILE).write_text('c = get_config()\nc.Messages.language = "en"\n')
    assert course_config.load(tmp_path).language == "en"
    assert course_config.grading_environment({}, language="en")[OVERRIDE] == "en"
    assert OVERRIDE not in course_config.grading_environment({}, language=None)
    other = tmp_path / "other"
    other.mkdir()
    (other / course_config.CONFIG_FILE).write_text('c = get_config()\nc.Messages.language = "Korean"\n')
    with pytest.raises(ManifestProblem, match=r"nbgrader_config.py sets c.Messages.language = 'Korean'"):
        course_config.load(other).language


def test_the_cell_timeout_is_the_courses_or_else_nbgraders_default(tmp_path):
    from nbgrader.preprocessors import Execute

    (tmp_path / course_config.CONFIG_FILE).write_text("c = get_config()\nc.Execute.timeout = 45\n")
    assert course_config.load(tmp_path).cell_timeout == 45.0
    other = tmp_path / "other"
    other.mkdir()
    (other / course_config.CONFIG_FILE).write_text("c = get_config()\n")
    assert course_config.load(other).cell_timeout == float(Execute.class_traits()["timeout"].default()) == 30.0


def test_a_feedback_page_speaks_the_assignment_language_unless_the_course_says_otherwise(spoken, monkeypatch):
    config = Config()
    config.CourseDirectory.source_directory = str(SOURCE)
    assert page_language(config, "lstm_gru_ko") == "ko"
    assert page_language(config, "lstm_gru") == "en"
    assert page_language(config, "no_such_assignment") == "en"
    config.Messages.language = "en"
    assert page_language(config, "lstm_gru_ko") == "en"
    monkeypatch.setenv(OVERRIDE, "ko")
    assert page_language(config, "lstm_gru") == "ko"
