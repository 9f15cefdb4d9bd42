"""The language a student reads the kit's messages in: English, or Korean for the Korean edition.

An assignment declares its language in its manifest (``language = "ko"``). Its hidden test code
says so to the checks (:func:`speak`, a line the edition's build writes into every hidden test
region), so a notebook graded by plain ``nbgrader autograde`` speaks it too. A course can
override it for all its assignments: ``c.Messages.language`` in ``nbgrader_config.py``, which the
kit hands to every grading process as :data:`OVERRIDE` in the environment (a TA running nbgrader
by hand sets that variable instead).

A message built on the spot is :func:`say`'s choice of its two texts, written side by side. A
named piece of a message that tests and the mistake catalogue look for (a mistake's words, a
hint used in several places) is a :class:`Text`: it holds both texts and is rendered in the
current language wherever it is formatted, so a message built from pieces speaks one language.
"""

from __future__ import annotations

import os

LANGUAGES = ("en", "ko")
DEFAULT = "en"
# The course's override, in the environment of every grading process (see module docstring).
OVERRIDE = "HOMEWORK_KIT_LANGUAGE"

# What the assignment's hidden code said. A holder rather than a module-level string: the guard
# (autograder/engine/guard.py) puts back every plain value of the kit's modules before each test
# cell and flags the notebook when one changed; the language is the notebook's own state, set
# again by every hidden test region, not one of the tests' tools.
_spoken = {"language": DEFAULT}


class UnknownLanguage(ValueError):
    pass


def checked(language: str, where: str = "") -> str:
    if language not in LANGUAGES:
        raise UnknownLanguage(f"{where}{' ' if where else ''}names the language {language!r}; "
                              f"the kit speaks {', '.join(LANGUAGES)}.")
    return language


def speak(language: str) -> None:
    """Messages from here on in ``language`` (unless the course overrides it)."""
    _spoken["language"] = checked(language)


def for_students(course_language: str | None, assignment_language: str) -> str:
    """What the kit's own words to a student (page notes, reasons) speak, outside a notebook: the
    environment's override, else the course's setting, else the assignment's language."""
    for chosen in (os.environ.get(OVERRIDE, ""), course_language):
        if chosen in LANGUAGES:
            return chosen
    return checked(assignment_language)


def current() -> str:
    """The course's override if it names a known language, else what the assignment said."""
    override = os.environ.get(OVERRIDE, "")
    return override if override in LANGUAGES else _spoken["language"]


class Text:
    """One message in every language; ``str()`` and f-strings give the current language's."""

    __slots__ = ("en", "ko")

    def __init__(self, en: str, ko: str):
        # Plain strings only: a Text formatted into another would be frozen in one language.
        if not (isinstance(en, str) and isinstance(ko, str)):
            raise TypeError("Text(en, ko) takes two plain strings; format a Text's .en and .ko into them")
        object.__setattr__(self, "en", en)
        object.__setattr__(self, "ko", ko)

    def __setattr__(self, name, value):
        # As constant as the strings it replaced: a notebook cannot rewrite the kit's words in place.
        raise AttributeError("a Text cannot be changed")

    def in_language(self, language: str) -> str:
        return getattr(self, checked(language))

    def __str__(self) -> str:
        return getattr(self, current())

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Text(en={self.en!r}, ko={self.ko!r})"

    def __eq__(self, other) -> bool:
        return isinstance(other, Text) and (self.en, self.ko) == (other.en, other.ko)

    def __hash__(self) -> int:
        return hash((self.en, self.ko))


def say(en: str, ko: str) -> str:
    """The current language's text of a message built on the spot."""
    return ko if current() == "ko" else en
