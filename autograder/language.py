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
    """The course's override if it names a known language, else what the assignment said (a
    holder emptied or filled with nonsense by a notebook gives the default)."""
    override = os.environ.get(OVERRIDE, "")
    if override in LANGUAGES:
        return override
    spoken = _spoken.get("language")
    return spoken if spoken in LANGUAGES else DEFAULT


class Text(tuple):
    """One message in every language; ``str()`` and f-strings give the current language's.

    A pair of strings, as constant as the strings it replaced: a notebook cannot rewrite the kit's
    words in place, not even with ``object.__setattr__``.
    """

    __slots__ = ()

    def __new__(cls, en: str, ko: str):
        # Plain strings only: a Text formatted into another would be frozen in one language.
        if not (isinstance(en, str) and isinstance(ko, str)):
            raise TypeError("Text(en, ko) takes two plain strings; format a Text's .en and .ko into them")
        return super().__new__(cls, (en, ko))

    def __getnewargs__(self):
        return tuple(self)

    def __setattr__(self, name, value):
        raise AttributeError("a Text cannot be changed")

    @property
    def en(self) -> str:
        return self[0]

    @property
    def ko(self) -> str:
        return self[1]

    def in_language(self, language: str) -> str:
        return getattr(self, checked(language))

    def __str__(self) -> str:
        return getattr(self, current())

    def __format__(self, spec: str) -> str:
        return format(str(self), spec)

    def __repr__(self) -> str:
        return f"Text(en={self.en!r}, ko={self.ko!r})"

    def __bool__(self) -> bool:
        return bool(self.en or self.ko)

    def format(self, *args, **kwargs) -> Text:
        """Both texts filled in, each with the same language's texts of any :class:`Text` given:
        a message built from pieces before anyone knows who will read it (a student or a TA)."""
        def filled(language: str) -> str:
            def part(value):
                return value.in_language(language) if isinstance(value, Text) else value
            return getattr(self, language).format(*map(part, args), **{k: part(v) for k, v in kwargs.items()})
        return Text(filled("en"), filled("ko"))

    def __eq__(self, other) -> bool:  # a Text equals a Text, never a plain tuple of its strings
        return isinstance(other, Text) and tuple.__eq__(self, other)

    def __ne__(self, other) -> bool:
        return not self == other

    def __hash__(self) -> int:
        return tuple.__hash__(self)


EMPTY = Text("", "")


def as_text(value: Text | str | None) -> Text:
    """``value`` as a :class:`Text`: a plain string (a file name, nbgrader's own error) reads the
    same in every language."""
    if isinstance(value, Text):
        return value
    return Text(value, value) if value else EMPTY


def joined(separator: str, parts) -> Text:
    """The non-empty ``parts`` (texts or plain strings) joined, in every language."""
    texts = [as_text(p) for p in parts if p]
    return Text(separator.join(t.en for t in texts), separator.join(t.ko for t in texts))


def say(en: str, ko: str) -> str:
    """The current language's text of a message built on the spot."""
    return ko if current() == "ko" else en
