"""Behaviour checks shared by the LSTM tagger (Part 2) and the GRU tagger (Part 3).

Every check builds fresh models from the student's class and feeds them the kit's own
tensors, so a tagger is judged by what it does, never by attribute names or by the
student's data-preparation code.
"""

from __future__ import annotations

import torch
import torch.nn as nn

from autograder import data, reference
from autograder.checks import thresholds as T
from autograder.feedback import assert_tensor, call_student, fail, quiet

LOG_SOFTMAX_HINT = "Return `F.log_softmax(tag_space, dim=1)`: one row per word, normalised over the tags."
# Sizes other than the tutorial's (6, 6, 9 words, 3 tags), and sentence lengths other
# than the number of tags, so that a hard-coded size or a transposed output shows.
SHAPE_CASES = [((6, 6, 9, 3), (1, 2, 4, 5, 7)), ((5, 7, 12, 4), (2, 6, 11))]


def build(cls, sizes, name: str) -> nn.Module:
    with quiet():
        return call_student(cls, *sizes, what=f"`{name}{sizes}`")


def run(model: nn.Module, sentence: torch.Tensor, name: str) -> torch.Tensor:
    with quiet():
        words = f"{len(sentence)} word" + ("" if len(sentence) == 1 else "s")
        return call_student(model, sentence, what=f"Calling a `{name}` on a sentence of {words}",
                            hint=FORWARD_HINTS.get(name, ""))


FORWARD_HINTS = {
    "GRUTagger": "nn.GRU returns `(output, h_n)`; h_n is a single tensor, not an `(h, c)` tuple: "
                 "write `gru_out, _ = self.gru(...)`.",
}


def sentence_of(length: int, vocab_size: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(vocab_size, (length,), generator=generator)


def check_shapes(cls, name: str) -> None:
    for sizes, lengths in SHAPE_CASES:
        model = build(cls, sizes, name)
        for length in lengths:
            scores = run(model, sentence_of(length, sizes[2], length), name)
            assert_tensor(
                scores, f"The tag scores of `{name}{sizes}` for a sentence of {length} word(s)",
                shape=(length, sizes[3]),
                hint="Return one row per word and one column per tag: (len(sentence), tagset_size). "
                     "Use `len(sentence)`, never a fixed number, and check `view`/`batch_first` agree.",
            )
            if not scores.is_floating_point():
                fail(f"The tag scores of `{name}` have dtype {scores.dtype}; expected floating point.")


def log_prob_problem(scores: torch.Tensor) -> str | None:
    """What is wrong with rows that should be log-probabilities, or ``None``."""
    scores = scores.detach().double()
    if torch.allclose(scores.logsumexp(dim=1), torch.zeros(scores.shape[0], dtype=scores.dtype), atol=1e-4):
        return None
    if (scores >= 0).all() and torch.allclose(scores.sum(dim=1), torch.ones(scores.shape[0], dtype=scores.dtype), atol=1e-4):
        return ("Each row sums to 1: these are probabilities (softmax), not log-probabilities. "
                "nn.NLLLoss expects log-probabilities.")
    if torch.allclose(scores.logsumexp(dim=0), torch.zeros(scores.shape[1], dtype=scores.dtype), atol=1e-4):
        return ("Each column, not each row, is normalised: log_softmax ran over dim=0 (the words) "
                "instead of dim=1 (the tags).")
    return ("The rows are not log-probabilities (their logsumexp is not 0): these look like raw "
            "scores. Apply log_softmax over the tags.")


def check_log_probabilities(cls, name: str) -> None:
    sizes = SHAPE_CASES[0][0]
    model = build(cls, sizes, name)
    for length in (4, 5):
        scores = run(model, sentence_of(length, sizes[2], 10 + length), name)
        assert_tensor(scores, f"The tag scores of `{name}`", shape=(length, sizes[3]))
        problem = log_prob_problem(scores)
        if problem:
            fail(f"The tag scores of `{name}` for a {length}-word sentence: {problem}", LOG_SOFTMAX_HINT)


def check_no_state_between_calls(cls, name: str) -> None:
    sizes = SHAPE_CASES[0][0]
    model = build(cls, sizes, name)
    a, b = sentence_of(4, sizes[2], 21), sentence_of(6, sizes[2], 22)
    first = run(model, a, name)
    run(model, b, name)
    again = run(model, a, name)
    if not torch.allclose(first, again, atol=1e-6):
        fail(f"`{name}` gave different scores for the same sentence before and after another "
             "sentence: state is carried from one call to the next.",
             "Each sentence must start from a fresh (zero) hidden state. Don't keep the state on "
             "`self` between calls, or reset it for every sentence.")


def check_uses_context(cls, name: str) -> None:
    sizes = SHAPE_CASES[0][0]
    model = build(cls, sizes, name)
    tail = [3, 4, 5]
    one = run(model, torch.tensor([1] + tail), name)
    other = run(model, torch.tensor([2] + tail), name)
    if torch.allclose(one[-1], other[-1], atol=1e-7, rtol=0):
        fail(f"`{name}` gave the last word the same scores whatever the first word was: "
             "it tags each word without reading the words before it.",
             "Feed the embeddings through the recurrent layer and compute tag scores from its output.")


def heldout_accuracy(cls, name: str) -> float:
    """Train a fresh student model with the kit's loop and settings; accuracy on the test split."""
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    sizes = (T.CORPUS_EMBEDDING_DIM, T.CORPUS_HIDDEN_DIM, len(word_to_ix), len(data.TAG_TO_IX))
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = call_student(cls, *sizes, what=f"`{name}{sizes}`")
        call_student(reference.train_tagger, model, data.TRAIN, word_to_ix, data.TAG_TO_IX,
                     T.CORPUS_EPOCHS, T.CORPUS_LR, what=f"Training a `{name}` on the corpus",
                     hint=FORWARD_HINTS.get(name, ""))
        return reference.evaluate(model, data.TEST, word_to_ix, data.TAG_TO_IX)


def check_heldout_accuracy(cls, name: str, threshold: float) -> None:
    accuracy = heldout_accuracy(cls, name)
    if accuracy < threshold:
        baseline = data.baseline_accuracy(data.TRAIN, data.TEST)
        fail(f"Trained with the kit's loop ({T.CORPUS_EPOCHS} epochs, SGD lr={T.CORPUS_LR}), your "
             f"`{name}` tagged {accuracy:.1%} of the hidden test words correctly; at least "
             f"{threshold:.0%} is needed (a tagger that ignores context gets about {baseline:.0%}).",
             "Check that the tag scores come from the recurrent layer's output for every word, "
             "and that they are log-probabilities.")
