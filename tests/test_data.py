"""The corpus: the notebook's copy agrees with the grader's, and the held-out bounds hold."""

from __future__ import annotations

import json

from autograder.assignments.lstm_gru import data, heldout
from autograder.assignments.lstm_gru.checks import thresholds
from autograder.notebooks import read
from tests.builders import kit_course


def _source_cell(gid):
    return next(c for c in read(kit_course().source_notebook).cells if c.get("id") == gid)


def test_splits_share_no_sentence_and_dev_test_words_occur_in_train():
    train, dev, test = ({tuple(w) for w, _ in split} for split in (data.TRAIN, data.DEV, heldout.TEST))
    assert not train & dev and not train & test and not dev & test
    vocab = set(data.build_word_to_ix(data.TRAIN))
    assert all(set(words) <= vocab for words, _ in data.DEV + heldout.TEST)


def test_the_public_corpus_is_the_generators_without_the_test_tags():
    assert json.loads(data.CORPUS_FILE.read_text()) == json.loads(json.dumps(heldout.public_corpus()))
    assert (data.TRAIN, data.DEV) == (heldout.TRAIN, heldout.DEV)
    assert data.TEST_WORDS == [words for words, _ in heldout.TEST]
    assert "test" not in json.loads(data.CORPUS_FILE.read_text())  # words only, never the tags


def test_every_ambiguous_word_is_both_noun_and_verb_in_train():
    roles = {}
    for words, tags in data.TRAIN:
        for word, tag in zip(words, tags):
            roles.setdefault(word, set()).add(tag)
    assert all(roles[w] == {"NN", "V"} for w in heldout.AMBIGUOUS)


def test_context_free_baseline_falls_below_both_thresholds():
    baseline = heldout.baseline_accuracy(data.TRAIN, heldout.TEST)
    assert baseline == round(data.BASELINE_TEST_ACCURACY, 4) or abs(baseline - data.BASELINE_TEST_ACCURACY) < 1e-4
    assert baseline < thresholds.LSTM_HELDOUT_THRESHOLD - 0.03
    assert baseline < thresholds.GRU_HELDOUT_THRESHOLD - 0.03


def test_tagged_text_round_trips():
    assert data.parse_tagged(data.format_tagged(data.TRAIN)) == data.TRAIN


def test_notebook_carries_train_and_dev_but_not_test():
    source = _source_cell("p2_corpus").source
    assert data.format_tagged(data.TRAIN) in source
    assert data.format_tagged(data.DEV) in source
    assert not any(data.format_tagged([s]) in source for s in heldout.TEST)


def test_notebook_training_settings_are_the_graders():
    source = _source_cell("p2_corpus_settings").source
    assert f"CORPUS_EMBEDDING_DIM = {thresholds.CORPUS_EMBEDDING_DIM}" in source
    assert f"CORPUS_HIDDEN_DIM = {thresholds.CORPUS_HIDDEN_DIM}" in source
    assert f"CORPUS_EPOCHS = {thresholds.CORPUS_EPOCHS}" in source
