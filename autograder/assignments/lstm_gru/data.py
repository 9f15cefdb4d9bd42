"""The tagged corpora of the assignment, as student code may see them.

* ``TUTORIAL_TRAINING_DATA``: the PyTorch tutorial's two sentences, kept word for word.
* A small generated corpus for the held-out evaluation, with words that are a noun in one
  sentence and a verb in another ("the girls *watch* the duck" / "the cook found the
  *watch*"). A tagger that looks at one word at a time cannot get those right in both
  roles; an LSTM, which reads the words before, can.

The corpus is generated from a fixed seed by :mod:`autograder.assignments.lstm_gru.heldout`, on the grader's side.
This module holds only what is public: the train and dev splits (which the notebook carries
as literal text, so students in Colab need only the ``.ipynb``), and the test split's words
without their tags, for the checks to have a model tag them. ``tests/test_data.py`` proves
the notebook's copy, ``corpus.json`` and the generator agree.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

Sentence = tuple[list[str], list[str]]

TAG_TO_IX = {"DET": 0, "NN": 1, "V": 2}

TUTORIAL_TRAINING_DATA: list[Sentence] = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
]

CORPUS_FILE = Path(__file__).resolve().parent / "corpus.json"


def format_tagged(sentences: list[Sentence]) -> str:
    """``word/TAG`` text, one sentence a line: the form the notebook carries."""
    return "\n".join(
        " ".join(f"{word}/{tag}" for word, tag in zip(words, tags)) for words, tags in sentences
    )


def parse_tagged(text: str) -> list[Sentence]:
    """Inverse of :func:`format_tagged`; blank lines are skipped."""
    sentences = []
    for line in text.strip().splitlines():
        if not line.strip():
            continue
        pairs = [token.rsplit("/", 1) for token in line.split()]
        sentences.append(([w for w, _ in pairs], [t for _, t in pairs]))
    return sentences


def build_word_to_ix(sentences: list[Sentence]) -> dict[str, int]:
    """Index words in order of first appearance, as the tutorial does."""
    word_to_ix: dict[str, int] = {}
    for words, _ in sentences:
        for word in words:
            word_to_ix.setdefault(word, len(word_to_ix))
    return word_to_ix


def most_frequent_tags(sentences: list[Sentence]) -> dict[str, str]:
    """The context-free baseline: each word's most frequent tag in ``sentences``."""
    counts: dict[str, Counter] = {}
    for words, tags in sentences:
        for word, tag in zip(words, tags):
            counts.setdefault(word, Counter())[tag] += 1
    return {word: counter.most_common(1)[0][0] for word, counter in counts.items()}


_PUBLIC = json.loads(CORPUS_FILE.read_text())
TRAIN: list[Sentence] = [(list(w), list(t)) for w, t in _PUBLIC["train"]]
DEV: list[Sentence] = [(list(w), list(t)) for w, t in _PUBLIC["dev"]]
TEST_WORDS: list[list[str]] = [list(w) for w in _PUBLIC["test_words"]]
BASELINE_TEST_ACCURACY: float = _PUBLIC["baseline_test_accuracy"]
