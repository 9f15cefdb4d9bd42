"""The tagged corpora of the assignment.

Two data sets live here:

* ``TUTORIAL_TRAINING_DATA``: the PyTorch tutorial's two sentences, kept word for word.
* A small generated corpus for the held-out evaluation, with words that are a noun in one
  sentence and a verb in another ("the girls *watch* the duck" / "the cook found the
  *watch*"). A tagger that looks at one word at a time cannot get those right in both
  roles; an LSTM, which reads the words before, can.

The corpus is generated from a fixed seed, so the notebook can carry its train and dev
splits as literal text (students in Colab have only the ``.ipynb``), while the test split
exists only here, on the grader's side. ``tests/test_data.py`` proves the notebook's copy
and this module agree.
"""

from __future__ import annotations

import random
from collections import Counter

Sentence = tuple[list[str], list[str]]

TAG_TO_IX = {"DET": 0, "NN": 1, "V": 2}

TUTORIAL_TRAINING_DATA: list[Sentence] = [
    ("The dog ate the apple".split(), ["DET", "NN", "V", "DET", "NN"]),
    ("Everybody read that book".split(), ["NN", "V", "DET", "NN"]),
]

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


def baseline_accuracy(train: list[Sentence], evaluate_on: list[Sentence]) -> float:
    """Token accuracy of the most-frequent-tag baseline trained on ``train``."""
    best = most_frequent_tags(train)
    pairs = [(best[w], t) for words, tags in evaluate_on for w, t in zip(words, tags)]
    return sum(p == t for p, t in pairs) / len(pairs)


CORPUS = generate_corpus()
TRAIN, DEV, TEST = CORPUS["train"], CORPUS["dev"], CORPUS["test"]
