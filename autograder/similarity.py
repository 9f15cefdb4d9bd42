"""Which hand-ins are unusually alike: their own code, or their written answers.

Each hand-in gives two documents: its own code (the code cells that differ from the release's)
and its written answers (the markdown cells that differ from the release's). copydetect
fingerprints them the way MOSS does: code is tokenised with names, strings and comments
replaced, so renaming variables or rewording comments hides nothing; answers are compared as
lower-cased words, so punctuation and layout hide nothing either. What every student may
have without copying from a classmate is taken out before any pair is compared:

* the release's own cells, and the code the assignment names as given (``[similarity] given``
  in its manifest: the tutorial students paste);
* passages that many hand-ins share (MOSS's rule): what the instructions dictate, written the
  obvious way, is common ground, not a copy.

What is left of each document is compared with every other hand-in's; a pair is flagged when
one side's own material is mostly shared with the other. The report flags for a human to
read; it never changes a score.
"""

from __future__ import annotations

import functools
import io
import math
import re
from dataclasses import dataclass, field

from typing import TYPE_CHECKING

from pygments import token
from pygments.lexers import PythonLexer

from autograder.notebooks import grade_id, is_solution

if TYPE_CHECKING:  # copydetect imports matplotlib's pyplot: it is imported when a batch is compared
    from copydetect import CodeFingerprint

CODE, ANSWERS = "code", "answers"
# Matches shorter than this many characters of tokenised code (a name is one character: a statement
# is some 10 to 20) or of normalised words (three or four words) are noise. Measured on the test class
# (tests/similarity): from 15 to 20 the copied pair keeps 90% of its code found and the independent
# pairs stay under 30%; copydetect's default of 25 lets the seams between pasted tutorial code and a
# student's own lines count for more (42%). Longer runs of words miss a copy whose synonyms fall closer.
CODE_K, TEXT_K = 18, 20
# Every k-gram is kept (copydetect's default when its two thresholds are equal). That also keeps
# the report the same from run to run: which k-grams match does not depend on Python's hash seed.
WINDOW = 1
# A passage in at least this share of the hand-ins (and in at least COMMON_LEAST of them) is common
# ground, as MOSS's -m rule has it: the instructions dictate it, or the tutorial does.
COMMON_SHARE = 0.1
COMMON_LEAST = 3
# A pair is flagged when, on one side, at least FLAG_SHARE of what is that student's own is shared
# with the other, and the shared part is at least LEAST_SHARED characters long (a student whose own
# part is two lines could otherwise share "all" of it by chance).
FLAG_SHARE = 0.5
LEAST_SHARED = {CODE: 120, ANSWERS: 150}
# Unflagged pairs the report still lists, highest first, so that a TA sees where the flagged ones stand.
SHOWN_UNFLAGGED = 10
SHAPE_LEAST = 12

_WORD = re.compile(r"\w+")


@dataclass(frozen=True)
class Part:
    """One cell of a hand-in's document, as the report shows it."""
    label: str
    start: int   # where its text starts in the document
    text: str


# Put between a document's cells, so that no fingerprint spans two cells (the end of one and the start
# of the next, which would match in every hand-in that leaves those two cells alike): each is longer
# than a fingerprint once tokenised or normalised, and is given, so it matches nothing by itself.
SEPARATORS = {CODE: "\n" + ";".join(["pass"] * 8) + "\n", ANSWERS: "\n" + " ".join(["cellbreak"] * 5) + "\n"}


@dataclass
class Document:
    """A hand-in's own code or own written answers, as one text made of its cells."""
    kind: str
    parts: list[Part] = field(default_factory=list)
    text: str = ""

    def add(self, label: str, text: str) -> None:
        if self.parts:
            self.text += SEPARATORS[self.kind]
        self.parts.append(Part(label, len(self.text), text))
        self.text += text


@dataclass(frozen=True)
class Match:
    """What two documents of one kind share: each side's share of its own material, and where."""
    kind: str
    shares: tuple[float, float]
    shared: int                              # characters (tokenised code, or normalised words)
    spans: tuple[list[tuple[int, int]], list[tuple[int, int]]]   # (start, end) in each document's text

    @property
    def score(self) -> float:
        return max(self.shares)

    @property
    def flagged(self) -> bool:
        return self.score >= FLAG_SHARE and self.shared >= LEAST_SHARED[self.kind]


@dataclass(frozen=True)
class Pair:
    students: tuple[str, str]
    matches: dict[str, Match]                # kind -> what they share; kinds that share nothing left out

    @property
    def score(self) -> float:
        return max((m.score for m in self.matches.values()), default=0.0)

    @property
    def flagged(self) -> bool:
        return any(m.flagged for m in self.matches.values())


@dataclass
class Similarity:
    """The class's pairs, most alike first, and the hand-ins that could not be compared."""
    documents: dict[str, dict[str, Document]]          # student -> kind -> document
    pairs: list[Pair]
    not_compared: list[tuple[str, str]]                # (student, why)

    @property
    def flagged(self) -> list[Pair]:
        return [p for p in self.pairs if p.flagged]


def documents_of(notebook, release) -> dict[str, Document]:
    """A hand-in's own code and own written answers: its cells that the release does not hold as they are."""
    given = {(c.cell_type, c.source.strip()) for c in release.cells}
    code, answers = Document(CODE), Document(ANSWERS)
    for number, cell in enumerate(notebook.cells, start=1):
        source = cell.get("source", "")
        if cell.get("cell_type") not in ("code", "markdown") or not source.strip():
            continue
        if (cell.cell_type, source.strip()) in given:
            continue
        gid = grade_id(cell)
        # A hand-in's metadata is the student's: a grade id that is not a name labels nothing.
        label = gid if isinstance(gid, str) and gid else f"cell {number}"
        if cell.cell_type == "code":
            code.add(label, source)
        elif is_solution(cell) or gid is None:  # an answer, or a note of the student's own
            answers.add(label, source)
    return {CODE: code, ANSWERS: answers}


# Both are asked of every line of every hand-in, most of which many hand-ins hold alike.
@functools.lru_cache(maxsize=1 << 16)
def _line_key(line: str, lexer=PythonLexer()) -> str:
    """A line of code as its tokens, comments and spaces left out: how a pasted line is recognised."""
    return "".join(value for kind, value in lexer.get_tokens(line)
                   if kind not in token.Comment and not (kind in token.Text and not value.strip()))


@functools.lru_cache(maxsize=1 << 16)
def _line_shape(line: str) -> str:
    """A line of code as copydetect compares it: every name one letter, strings and comments gone."""
    from copydetect.utils import filter_code

    return filter_code(line, "line.py", "python")[0]


def _given_lines(texts: list[str]) -> set[str]:
    keys = {key for text in texts for line in text.splitlines() if (key := _line_key(line))}
    shapes = {"shape:" + shape for text in texts for line in text.splitlines()
              if len(shape := _line_shape(line)) >= SHAPE_LEAST}
    return keys | shapes


def _own_lines(text: str, given: set[str]) -> tuple[str, list[int]]:
    """``text`` without the lines that are given code as they stand (names and all), and where each
    character of what is left was written.

    The given k-grams alone would leave the seams: where a pasted tutorial line meets a given
    ``def`` line or a blank cell edge, the k-grams that span both are in no given text, and two
    students who pasted the same lines into the same cells would share them.
    """
    out, origin, at = [], [], 0
    for line in text.splitlines(keepends=True):
        key = _line_key(line)
        if key and key not in given and "shape:" + _line_shape(line) not in given:
            out.append(line)
            origin.extend(range(at, at + len(line)))
        at += len(line)
    return "".join(out), origin


def _words(text: str) -> tuple[str, list[int]]:
    """``text`` as lower-case words with one space between, and where each character came from."""
    out, origin = [], []
    for m in _WORD.finditer(text):
        if out:
            out.append(" ")
            origin.append(m.start())
        word = m.group().lower()
        if len(word) != len(m.group()):  # a letter whose lower case is longer: keep it as written
            word = m.group()
        out.append(word)
        origin.extend(range(m.start(), m.end()))
    return "".join(out), origin


class _Fingerprints:
    """Each document's copydetect fingerprint, with the given and the common passages taken out."""

    def __init__(self, kind: str, documents: dict[str, Document], given: list[str]):
        self.kind = kind
        self.k = CODE_K if kind == CODE else TEXT_K
        self.given_lines = _given_lines(given) if kind == CODE else set()
        self.prints, self.origins = {}, {}
        self.texts = {student: doc.text for student, doc in documents.items()}
        for student, doc in documents.items():
            self.prints[student], self.origins[student] = self._fingerprint(doc.text)
        given_hashes = set().union(*(self._fingerprint(text, own=False)[0].hashes for text in given))
        counts: dict[int, int] = {}
        for fingerprint in self.prints.values():
            for h in fingerprint.hashes:
                counts[h] = counts.get(h, 0) + 1
        least = max(COMMON_LEAST, math.ceil(COMMON_SHARE * len(self.prints)))
        common = {h for h, n in counts.items() if n >= least}
        for fingerprint in self.prints.values():
            _take_out(fingerprint, given_hashes | common)

    def _fingerprint(self, text: str, own: bool = True) -> tuple[CodeFingerprint, list[int] | None]:
        """The text's fingerprint and where each character of the text fingerprinted was written."""
        from copydetect import CodeFingerprint

        if self.kind == CODE:  # copydetect's own tokeniser, which maps its tokens back to the text it read
            text, origin = _own_lines(text, self.given_lines) if own else (text, None)
            return CodeFingerprint("code.py", self.k, WINDOW, fp=io.StringIO(text), language="python"), origin
        words, origin = _words(text)
        return CodeFingerprint("answers", self.k, WINDOW, filter=False, fp=io.StringIO(words)), origin

    def compare(self, a: str, b: str) -> Match | None:
        first, second = self.prints[a], self.prints[b]
        if not first.hashes & second.hashes:
            return None
        from copydetect import compare_files

        shared, shares, slices = compare_files(first, second)
        spans = tuple(self._spans(student, s) for student, s in ((a, slices[0]), (b, slices[1])))
        return Match(self.kind, (float(shares[0]), float(shares[1])), int(shared), spans)

    def _spans(self, student: str, slices) -> list[tuple[int, int]]:
        """copydetect's slices as (start, end) in the document's own text: a slice over lines left out
        (given code) is cut there; one over spaces and punctuation left out stays whole."""
        origin, text = self.origins[student], self.texts[student]
        spans = []
        for start, end in zip(*(list(map(int, row)) for row in slices)):
            start, end = max(int(start), 0), min(int(end), len(origin))
            if end <= start:
                continue
            piece = [origin[start], origin[start] + 1]
            for i in range(start + 1, end):
                if origin[i] != piece[1] and re.search(r"\w", text[piece[1]:origin[i]]):
                    spans.append(tuple(piece))
                    piece = [origin[i], origin[i] + 1]
                else:
                    piece[1] = origin[i] + 1
            spans.append(tuple(piece))
        return spans


def _take_out(fingerprint: CodeFingerprint, hashes: set[int]) -> None:
    """Drop ``hashes`` from a fingerprint, with its coverage recounted.

    Done here rather than through copydetect's ``boilerplate`` argument: with every k-gram kept,
    the hash list holds repeats, and its boilerplate step (``np.intersect1d`` told the values are
    unique) then also drops a passage written twice in one document.
    """
    fingerprint.hashes = fingerprint.hashes - hashes
    fingerprint.hash_idx = {h: i for h, i in fingerprint.hash_idx.items() if h not in hashes}
    from copydetect.utils import get_token_coverage

    fingerprint.token_coverage = get_token_coverage(fingerprint.hash_idx, fingerprint.k,
                                                    len(fingerprint.filtered_code))


def compare(handins: dict[str, object], release, given_code: list[str],
            not_compared: list[tuple[str, str]] | None = None) -> Similarity:
    """Compare every pair of ``handins`` (student -> notebook) against the ``release`` notebook.

    ``given_code`` holds texts of code students may paste (the tutorial's); ``not_compared`` lists
    the hand-ins that could not be read, with why, so the report names them too.
    """
    documents, not_compared = {}, list(not_compared or [])
    for student, notebook in handins.items():
        try:
            documents[student] = documents_of(notebook, release)
        except Exception as error:  # noqa: BLE001 - a hand-in's odd cells cost its own comparison, not the batch's
            not_compared.append((student, f"its cells could not be read for comparison ({error!r})."))
    # Each given text between two separators, as a cell stands in a document: a cell that starts or
    # ends as given (a released ``def`` line, say) then adds nothing of the student's own at its edges.
    code = [c.source for c in release.cells if c.cell_type == "code"] + list(given_code)
    text = [c.source for c in release.cells if c.cell_type == "markdown"]
    prints = {
        kind: _Fingerprints(kind, {s: d[kind] for s, d in documents.items()},
                            [SEPARATORS[kind] + t + SEPARATORS[kind] for t in texts])
        for kind, texts in ((CODE, code), (ANSWERS, text))}
    students = sorted(documents)
    pairs = []
    for i, a in enumerate(students):
        for b in students[i + 1:]:
            matches = {kind: m for kind, fp in prints.items() if (m := fp.compare(a, b)) is not None}
            if matches:
                pairs.append(Pair((a, b), matches))
    pairs.sort(key=lambda p: (not p.flagged, -p.score, p.students))
    return Similarity(documents, pairs, not_compared)
