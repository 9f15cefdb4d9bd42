"""Part 2: the LSTM part-of-speech tagger and its held-out evaluation."""

from __future__ import annotations

import math

import torch
import torch.nn as nn

from autograder import data, reference
from autograder.checks import taggers
from autograder.checks import thresholds as T
from autograder.feedback import assert_tensor, call_student, fail, need, quiet

WHERE = "Part 2"
NAME = "LSTMTagger"


def _tagger(ns):
    return need(ns, NAME, WHERE)


def check_prepare_sequence(ns) -> None:
    prepare_sequence = need(ns, "prepare_sequence", WHERE)
    to_ix = {"watch": 4, "the": 0, "girls": 7, "duck": 2}
    for seq in (["the", "girls", "watch", "the", "duck"], ["duck"], ["girls", "watch"]):
        result = call_student(prepare_sequence, seq, to_ix, what=f"`prepare_sequence({seq}, to_ix)`")
        assert_tensor(result, f"`prepare_sequence({seq}, to_ix)`", shape=(len(seq),), dtype=torch.long,
                      hint="Return `torch.tensor(idxs, dtype=torch.long)`: a 1-D tensor of indices "
                           "(nn.Embedding and nn.NLLLoss both need int64).")
        expected = [to_ix[w] for w in seq]
        if result.tolist() != expected:
            fail(f"`prepare_sequence({seq}, to_ix)` gave {result.tolist()}, expected {expected}.",
                 "Look each word up in `to_ix`, in order.")


def check_shapes(ns) -> None:
    taggers.check_shapes(_tagger(ns), NAME)


def check_log_probabilities(ns) -> None:
    taggers.check_log_probabilities(_tagger(ns), NAME)


def check_recurrent_layer(ns) -> None:
    model = taggers.build(_tagger(ns), (6, 6, 9, 3), NAME)
    kinds = [type(m) for m in model.modules()]
    if not any(issubclass(k, nn.LSTM) for k in kinds):
        fail("`LSTMTagger` contains no nn.LSTM layer.", "Create `nn.LSTM(embedding_dim, hidden_dim)` in `__init__`.")
    if not any(issubclass(k, nn.Embedding) for k in kinds):
        fail("`LSTMTagger` contains no nn.Embedding layer.", "Map word indices to vectors with `nn.Embedding(vocab_size, embedding_dim)`.")


def check_no_state_between_calls(ns) -> None:
    taggers.check_no_state_between_calls(_tagger(ns), NAME)


def check_uses_context(ns) -> None:
    taggers.check_uses_context(_tagger(ns), NAME)


def _training_accuracy(model) -> float:
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    with quiet():
        return call_student(reference.evaluate, model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX,
                            what="Tagging the training sentences with your model")


def check_trained_model(ns) -> None:
    model = need(ns, "model", WHERE)
    accuracy = _training_accuracy(model)
    if accuracy < 1.0:
        fail(f"After your training loop, `model` tags {accuracy:.0%} of the training words correctly; "
             "expected 100%.",
             "Each step needs `model.zero_grad()`, a forward pass, `loss.backward()` and "
             "`optimizer.step()`, for 300 epochs.")


def check_class_learns(ns) -> None:
    cls = _tagger(ns)
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = call_student(cls, 6, 6, len(word_to_ix), len(data.TAG_TO_IX), what="`LSTMTagger(6, 6, 9, 3)`")
        call_student(reference.train_tagger, model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX,
                     300, 0.1, what="Training a fresh `LSTMTagger` with the tutorial's loop")
    accuracy = _training_accuracy(model)
    if accuracy < 1.0:
        fail(f"A fresh `LSTMTagger(6, 6, 9, 3)` trained with the tutorial's loop (300 epochs, SGD lr=0.1) "
             f"tags {accuracy:.0%} of the training words correctly; expected 100%.",
             "Make sure every layer is created in `__init__` (so its parameters train) and that "
             "`forward` returns log-probabilities for nn.NLLLoss.")


def _fixed_model():
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = reference.LSTMTagger(4, 4, len(word_to_ix), len(data.TAG_TO_IX))
        reference.train_tagger(model, data.TRAIN[:10], word_to_ix, data.TAG_TO_IX, epochs=3)
    return model, word_to_ix


def check_evaluate(ns) -> None:
    evaluate = need(ns, "evaluate", WHERE)
    model, word_to_ix = _fixed_model()
    for split_name, split in (("dev", data.DEV), ("two dev", data.DEV[:2])):
        expected = reference.evaluate(model, split, word_to_ix, data.TAG_TO_IX)
        with quiet():
            got = call_student(evaluate, model, split, word_to_ix, data.TAG_TO_IX,
                               what="`evaluate(model, data, word_to_ix, tag_to_ix)`")
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if not isinstance(got, (int, float)) or not math.isclose(got, expected, abs_tol=1e-6):
            fail(f"`evaluate` on the {split_name} sentences returned {got!r}; expected the token "
                 f"accuracy {expected:.4f}.",
                 "Count the words whose highest-scoring tag (`argmax` over dim 1) equals the gold "
                 "tag, over all words of all sentences, and divide by the number of words.")


def check_train_tagger(ns) -> None:
    train_tagger = need(ns, "train_tagger", WHERE)
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = reference.LSTMTagger(8, 8, len(word_to_ix), len(data.TAG_TO_IX))
        before = reference.evaluate(model, data.TRAIN[:20], word_to_ix, data.TAG_TO_IX)
        losses = call_student(train_tagger, model, data.TRAIN[:20], word_to_ix, data.TAG_TO_IX, 8, 0.1,
                              what="`train_tagger(model, data, word_to_ix, tag_to_ix, epochs=8, lr=0.1)`")
        after = reference.evaluate(model, data.TRAIN[:20], word_to_ix, data.TAG_TO_IX)
    if not isinstance(losses, (list, tuple)) or len(losses) != 8:
        fail(f"`train_tagger(..., epochs=8)` returned {type(losses).__name__} "
             f"{'of length ' + str(len(losses)) if hasattr(losses, '__len__') else ''}; expected a list of 8 losses.",
             "Append the mean loss of each epoch to a list and return it.")
    values = [float(v) for v in losses]
    if not all(math.isfinite(v) for v in values):
        fail(f"`train_tagger` returned losses that are not finite: {values}.",
             "Call `model.zero_grad()` before each backward pass, or gradients pile up and training diverges.")
    if not values[-1] < values[0]:
        fail(f"The losses returned by `train_tagger` did not go down: first {values[0]:.4f}, last {values[-1]:.4f}.",
             "Each step needs `model.zero_grad()`, `loss.backward()` and `optimizer.step()`.")
    if not after > before:
        fail(f"`train_tagger` did not improve the model: training accuracy {before:.0%} before, {after:.0%} after.",
             "Update the parameters with `optimizer.step()` after `loss.backward()`.")


def check_heldout_accuracy(ns) -> None:
    taggers.check_heldout_accuracy(_tagger(ns), NAME, T.LSTM_HELDOUT_THRESHOLD)


def check_corpus_model(ns) -> None:
    model = need(ns, "corpus_model", WHERE)
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        accuracy = call_student(reference.evaluate, model, data.TEST, word_to_ix, data.TAG_TO_IX,
                                what="Tagging the hidden test sentences with `corpus_model`")
    if accuracy < T.LSTM_HELDOUT_THRESHOLD:
        fail(f"Your trained `corpus_model` tags {accuracy:.1%} of the hidden test words correctly; "
             f"at least {T.LSTM_HELDOUT_THRESHOLD:.0%} is needed.",
             "Train it with your `train_tagger` on `corpus_train`, with the epochs and learning rate given.")
