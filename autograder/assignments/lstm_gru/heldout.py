"""The held-out test split, with its tags: on the grader's side only.

The corpus is generated from a fixed seed by the toy grammar below. The train and dev splits
are public (the notebook carries them as text, and :mod:`autograder.assignments.lstm_gru.data` holds them as
``corpus.json``); the test split's tags are what the held-out tests are measured against, so
this module is never imported where student code runs: the kit's workers ask
:mod:`autograder.engine.judge`, which reads it in a process of its own. ``python -m
autograder.assignments.lstm_gru.heldout`` rewrites ``corpus.json`` from the generator, and
``tests/test_data.py`` proves the two agree.
"""

from __future__ import annotations

import json
import random
from pathlib import Path

from autograder.assignments.lstm_gru.data import CORPUS_FILE, TAG_TO_IX, Sentence, most_frequent_tags

# Word classes of the toy grammar. AMBIGUOUS words are nouns after a determiner and verbs
# after a plural subject: the only way to tag them is to read the context.
SINGULAR_DETERMINERS = ["the", "a", "that", "this", "every"]
PLURAL_DETERMINERS = ["the", "these", "those", "some"]
PLURAL_NOUNS = ["girls", "boys", "children", "students", "dogs", "cats", "people", "friends"]
SINGULAR_SUBJECTS = ["dog", "bird", "girl", "boy", "teacher"]
OBJECT_NOUNS = ["apple", "table", "letter", "ball", "song", "cake", "dog"]
BASE_VERBS = ["eat", "like", "want", "need", "love", "see", "find"]
PAST_VERBS = ["ate", "saw", "read", "found", "liked", "wanted", "needed", "loved"]
AMBIGUOUS = ["watch", "fish", "book", "cook", "drink", "play"]

CORPUS_SEED = 2027
SPLIT_SIZES = {"train": 80, "dev": 20, "test": 40}


def _object(rng: random.Random) -> Sentence:
    noun = rng.choice(OBJECT_NOUNS + AMBIGUOUS)
    return [rng.choice(SINGULAR_DETERMINERS), noun], ["DET", "NN"]


def _sentence(rng: random.Random) -> Sentence:
    """One sentence from one of three templates."""
    template = rng.randrange(3)
    obj_words, obj_tags = _object(rng)
    verb = rng.choice(BASE_VERBS + AMBIGUOUS)
    if template == 0:  # the girls watch the duck
        words = [rng.choice(PLURAL_DETERMINERS), rng.choice(PLURAL_NOUNS), verb]
        tags = ["DET", "NN", "V"]
    elif template == 1:  # children book a table
        words, tags = [rng.choice(PLURAL_NOUNS), verb], ["NN", "V"]
    else:  # the cook ate the fish
        subject = rng.choice(SINGULAR_SUBJECTS + ["cook"])
        words = [rng.choice(SINGULAR_DETERMINERS), subject, rng.choice(PAST_VERBS)]
        tags = ["DET", "NN", "V"]
    return words + obj_words, tags + obj_tags


def _has_ambiguous_word(sentence: Sentence) -> bool:
    return any(word in AMBIGUOUS for word in sentence[0])


def generate_corpus(seed: int = CORPUS_SEED) -> dict[str, list[Sentence]]:
    """Train, dev and test splits with no sentence in two splits.

    Every word of dev and test occurs in train (the tagger has no unknown-word handling),
    and every dev and test sentence holds at least one ambiguous word, so that held-out
    accuracy measures the use of context.
    """
    rng = random.Random(seed)
    seen: set[tuple[str, ...]] = set()
    splits: dict[str, list[Sentence]] = {name: [] for name in SPLIT_SIZES}
    train_vocab: set[str] = set()
    for name, size in SPLIT_SIZES.items():
        while len(splits[name]) < size:
            sentence = _sentence(rng)
            key = tuple(sentence[0])
            if key in seen:
                continue
            if name != "train" and (
                not _has_ambiguous_word(sentence) or not set(sentence[0]) <= train_vocab
            ):
                continue
            seen.add(key)
            splits[name].append(sentence)
            if name == "train":
                train_vocab.update(sentence[0])
    return splits


def baseline_accuracy(train: list[Sentence], evaluate_on: list[Sentence]) -> float:
    """Token accuracy of the most-frequent-tag baseline trained on ``train``."""
    best = most_frequent_tags(train)
    pairs = [(best[w], t) for words, tags in evaluate_on for w, t in zip(words, tags)]
    return sum(p == t for p, t in pairs) / len(pairs)


def accuracy(predictions) -> float:
    """The share of the test words whose predicted tag index is the gold one.

    ``predictions`` holds one list of tag indices per test sentence, in order; anything
    missing, extra or malformed counts as wrong, never as an error.
    """
    total = sum(len(tags) for _, tags in TEST)
    if not isinstance(predictions, list):
        return 0.0
    correct = 0
    for (_, tags), predicted in zip(TEST, predictions):
        if isinstance(predicted, list) and len(predicted) == len(tags):
            correct += sum(p == TAG_TO_IX[t] for p, t in zip(predicted, tags) if type(p) is int)
    return correct / total


CORPUS = generate_corpus()
TRAIN, DEV, TEST = CORPUS["train"], CORPUS["dev"], CORPUS["test"]


def public_corpus() -> dict:
    """What :mod:`autograder.assignments.lstm_gru.data` may hold: train and dev, the test split's words without their
    tags, and the context-free baseline's test accuracy (quoted in a failing test's message)."""
    return {"train": TRAIN, "dev": DEV, "test_words": [words for words, _ in TEST],
            "baseline_test_accuracy": round(baseline_accuracy(TRAIN, TEST), 4)}


if __name__ == "__main__":
    Path(CORPUS_FILE).write_text(json.dumps(public_corpus(), indent=0) + "\n")
    print(f"wrote {CORPUS_FILE}")
