"""Behaviour checks shared by the LSTM tagger (Part 2) and the GRU tagger (Part 3).

Every check builds fresh models from the student's class and feeds them the kit's own
tensors, so a tagger is judged by what it does, never by attribute names or by the
student's data-preparation code. A model in the older tutorial's style (``self.hidden``
with ``init_hidden()``) is reset before every sentence, as that tutorial's loop does.

When a trained tagger falls short, :func:`diagnosis` runs the behaviour checks in order and
the first one it fails is given as the likely cause, so an accuracy figure always comes with
the mistake behind it.
"""

from __future__ import annotations

import contextlib

import torch
import torch.nn as nn

from autograder.assignments.lstm_gru import data
from autograder.assignments.lstm_gru.checks import judged
from autograder.assignments.lstm_gru.checks import thresholds as T
from autograder.assignments.lstm_gru.checks import training
from autograder.feedback import CheckFailed, assert_tensor, call_student, fail, problem_of, quiet

# What the student reads. Each constant names one mistake of the catalogue
# (autograder/mistakes.py), which checks that the labelled submissions' messages hold it.
TRANSPOSED = "the scores are transposed: one row per tag instead of one row per word"
HARD_CODED_LENGTH = "a fixed sentence length is written into the code"
PROBABILITIES = "these are probabilities (softmax), not log-probabilities"
LOG_SOFTMAX_DIM = "log_softmax ran over dim=0 (the words) instead of dim=1 (the tags)"
RAW_SCORES = "these look like raw scores, not log-probabilities"
STATE_CARRIED = "state is carried from one sentence to the next"
IGNORES_CONTEXT = "it tags each word without reading the words before it"
BATCH_FIRST = "has `batch_first=True`, but the sentence goes in shaped (len(sentence), 1, -1)"
SENTENCE_AS_BATCH = "goes in shaped (1, len(sentence), -1) without `batch_first=True`"
WORD_BY_WORD = "runs the recurrent layer on one word at a time"
GRU_HC = "h_n is a single tensor, not an `(h, c)` tuple"

LOG_SOFTMAX_HINT = "Return `F.log_softmax(tag_space, dim=1)`: one row per word, normalised over the tags."
SHAPE_HINT = ("Return one row per word and one column per tag: (len(sentence), tagset_size). "
              "Use `len(sentence)`, never a fixed number, and check `view`/`batch_first` agree.")
LENGTH_HINT = "Use `len(sentence)` wherever the number of words is needed, never a fixed number."
STATE_HINT = ("Each sentence must start from a fresh (zero) hidden state: call the recurrent layer "
              "without a state, or reset `self.hidden = self.init_hidden()` before every sentence.")
CONTEXT_HINT = "Feed the embeddings through the recurrent layer and compute tag scores from its output."
# Errors PyTorch raises for these mistakes, and what they mean in the student's terms.
KNOWN_ERRORS = {
    "not enough values to unpack (expected 2, got 1)":
        f"nn.GRU returns `(output, h_n)`; {GRU_HC}: write `gru_out, _ = self.gru(...)`.",
    "backward through the graph a second time":
        f"The {STATE_CARRIED}: the state kept on `self` still belongs to the previous sentence's "
        "graph, so backward() runs through it again. " + STATE_HINT,
}

# Sizes other than the tutorial's (6, 6, 9 words, 3 tags), and sentence lengths other
# than the number of tags, so that a hard-coded size or a transposed output shows.
SHAPE_CASES = [((6, 6, 9, 3), (1, 2, 4, 5, 7)), ((5, 7, 12, 4), (2, 6, 11))]
SIZES = SHAPE_CASES[0][0]
# Behaviour checks below use five-word sentences, the length of the tutorial's first one, so
# a tagger that works for that length only loses the shape test, not these.
FIVE = 5


def explain(error: Exception) -> str:
    text = str(error)
    return next((meaning for words, meaning in KNOWN_ERRORS.items() if words in text), "")


def build(cls, sizes, name: str) -> nn.Module:
    with quiet():
        return call_student(cls, *sizes, what=f"`{name}{sizes}`")


def run(model: nn.Module, sentence: torch.Tensor, name: str):
    with quiet():
        training.reset_state(model)
        words = f"{len(sentence)} word" + ("" if len(sentence) == 1 else "s")
        return call_student(model, sentence, what=f"Calling a `{name}` on a sentence of {words}", hint=explain)


def sentence_of(length: int, vocab_size: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(vocab_size, (length,), generator=generator)


def _words(lengths: list[int]) -> str:
    return ", ".join(str(n) for n in sorted(set(lengths)))


def shape_problem(scores, length: int, tagset_size: int, name: str) -> str | None:
    what = f"The tag scores of `{name}` for a sentence of {length} word(s)"
    if not isinstance(scores, torch.Tensor):
        return f"{what} should be a torch.Tensor, but it is a {type(scores).__name__}."
    shape, expected = tuple(scores.shape), (length, tagset_size)
    if shape == expected:
        return None
    if shape == expected[::-1]:
        return (f"{what} have shape {shape}, expected {expected}: {TRANSPOSED}.\n"
                "Hint: Compute `tag_space` from `lstm_out.view(len(sentence), -1)` and return it "
                "without transposing.")
    return f"{what} have shape {shape}, expected {expected}.\nHint: {SHAPE_HINT}"


def check_shapes(cls, name: str) -> None:
    working, broken, first_problem = [], [], None
    for sizes, lengths in SHAPE_CASES:
        model = build(cls, sizes, name)
        for length in lengths:
            try:
                scores = run(model, sentence_of(length, sizes[2], length), name)
            except CheckFailed as failure:
                problem = str(failure)
            else:
                problem = shape_problem(scores, length, sizes[3], name)
            if problem:
                broken.append(length)
                first_problem = first_problem or problem
            else:
                working.append(length)
    if working and broken:
        fail(f"`{name}` works for sentences of {_words(working)} words but not of {_words(broken)} words: "
             f"{HARD_CODED_LENGTH}.", LENGTH_HINT)
    if first_problem:
        raise CheckFailed(first_problem)
    if not scores.is_floating_point():
        fail(f"The tag scores of `{name}` have dtype {scores.dtype}; expected floating point.")


def log_prob_problem(scores: torch.Tensor) -> str | None:
    """What is wrong with rows that should be log-probabilities, or ``None``."""
    scores = scores.detach().double()
    rows, columns = scores.shape

    def normalised(logsumexp, n):
        return torch.allclose(logsumexp, torch.zeros(n, dtype=scores.dtype), atol=1e-4)

    if normalised(scores.logsumexp(dim=1), rows):
        return None
    if (scores >= 0).all() and torch.allclose(scores.sum(dim=1), torch.ones(rows, dtype=scores.dtype), atol=1e-4):
        return f"Each row sums to 1: {PROBABILITIES}. nn.NLLLoss expects log-probabilities."
    if normalised(scores.logsumexp(dim=0), columns):
        return f"Each column, not each row, is normalised: {LOG_SOFTMAX_DIM}."
    return f"The rows' logsumexp is not 0: {RAW_SCORES}. Apply log_softmax over the tags."


def check_log_probabilities(cls, name: str) -> None:
    model = build(cls, SIZES, name)
    scores = run(model, sentence_of(FIVE, SIZES[2], 15), name)
    problem = shape_problem(scores, FIVE, SIZES[3], name)
    if problem:
        raise CheckFailed(problem)
    problem = log_prob_problem(scores)
    if problem:
        fail(f"The tag scores of `{name}` for a {FIVE}-word sentence: {problem}", LOG_SOFTMAX_HINT)


def check_no_state_between_calls(cls, name: str) -> None:
    model = build(cls, SIZES, name)
    a, b = sentence_of(FIVE, SIZES[2], 21), sentence_of(FIVE, SIZES[2], 22)
    first = run(model, a, name)
    run(model, b, name)
    again = run(model, a, name)
    if not torch.allclose(first, again, atol=1e-6):
        fail(f"`{name}` gave different scores for the same sentence before and after another "
             f"sentence: {STATE_CARRIED}.", STATE_HINT)


@contextlib.contextmanager
def recurrent_inputs(model: nn.Module):
    """Record ``(layer, input shape)`` for every call of the model's recurrent layers."""
    calls: list[tuple[nn.RNNBase, tuple[int, ...]]] = []

    def record(layer, args):
        if args and isinstance(args[0], torch.Tensor):
            calls.append((layer, tuple(args[0].shape)))

    handles = [m.register_forward_pre_hook(record) for m in model.modules() if isinstance(m, nn.RNNBase)]
    try:
        yield calls
    finally:
        for handle in handles:
            handle.remove()


def context_problem(calls, length: int, name: str) -> str:
    """Why a tagger ignores context, read from how its recurrent layer was called."""
    said = f"`{name}` gave the last word the same scores whatever the first word was: {IGNORES_CONTEXT}."
    if not calls:
        return f"{said}\nHint: {CONTEXT_HINT}"
    layer, shape = calls[0]
    kind = f"nn.{layer.mode}" if layer.mode in ("LSTM", "GRU") else "recurrent layer"
    if len(calls) >= length:
        return (f"{said} It {WORD_BY_WORD}, each from a fresh state.\n"
                f"Hint: Run the {kind} once on the whole sentence: `embeds.view(len(sentence), 1, -1)`.")
    if layer.batch_first and shape[:2] == (length, 1):
        return (f"{said} Its {kind} {BATCH_FIRST}, so every word becomes a sequence of its own.\n"
                "Hint: Either drop `batch_first=True`, or feed `embeds.view(1, len(sentence), -1)`.")
    if not layer.batch_first and shape[:2] == (1, length):
        return (f"{said} The sentence {SENTENCE_AS_BATCH}, so the {kind} sees a batch of one-word "
                "sequences.\nHint: Feed `embeds.view(len(sentence), 1, -1)` (sequence first), or "
                "create the layer with `batch_first=True`.")
    return f"{said}\nHint: {CONTEXT_HINT}"


def check_uses_context(cls, name: str) -> None:
    model = build(cls, SIZES, name)
    tail = [3, 4, 5, 6]
    with recurrent_inputs(model) as calls:
        one = run(model, torch.tensor([1] + tail), name)
    other = run(model, torch.tensor([2] + tail), name)
    if torch.allclose(one[-1], other[-1], atol=1e-7, rtol=0):
        raise CheckFailed(context_problem(calls, FIVE, name))


BEHAVIOUR_CHECKS = (check_shapes, check_log_probabilities, check_no_state_between_calls, check_uses_context)


def diagnosis(cls, name: str) -> str | None:
    """The first behaviour check the class fails, as the student would read it; ``None`` if none."""
    for check in BEHAVIOUR_CHECKS:
        problem = problem_of(check, cls, name)
        if problem:
            return problem
    return None


def with_cause(summary: str, cause: str | None, hint: str) -> str:
    """A shortfall, followed by its diagnosed cause or, lacking one, a general hint."""
    return f"{summary}\nLikely cause: {cause}" if cause else f"{summary}\nHint: {hint}"


def test_predictions(model, what: str) -> list[list[int]]:
    """The model's tag indices for each hidden test sentence (their words are public)."""
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        return [call_student(training.predict, model, words, word_to_ix, what=what, hint=explain)
                for words in data.TEST_WORDS]


def heldout_accuracy(cls, name: str, check: str) -> float:
    """Train a fresh student model with the kit's loop and settings; its accuracy on the test
    split, as the grader's side measures it (:mod:`autograder.engine.judge`)."""
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    sizes = (T.CORPUS_EMBEDDING_DIM, T.CORPUS_HIDDEN_DIM, len(word_to_ix), len(data.TAG_TO_IX))
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = call_student(cls, *sizes, what=f"`{name}{sizes}`")
        call_student(training.train, model, data.TRAIN, word_to_ix, data.TAG_TO_IX,
                     T.CORPUS_EPOCHS, T.CORPUS_LR, what=f"Training a `{name}` on the corpus", hint=explain)
    return judged.heldout_accuracy(check, test_predictions(model, f"Tagging the hidden test sentences with a `{name}`"))


def check_heldout_accuracy(cls, name: str, check: str) -> None:
    threshold = judged.bound(check)
    try:
        accuracy = heldout_accuracy(cls, name, check)
    except CheckFailed as failure:
        raise CheckFailed(diagnosis(cls, name) or str(failure)) from None
    if accuracy < threshold:
        baseline = data.BASELINE_TEST_ACCURACY
        raise CheckFailed(with_cause(
            f"Trained with the kit's loop ({T.CORPUS_EPOCHS} epochs, SGD lr={T.CORPUS_LR}), your "
            f"`{name}` tagged {accuracy:.1%} of the hidden test words correctly; at least "
            f"{threshold:.0%} is needed (a tagger that ignores context gets about {baseline:.0%}).",
            diagnosis(cls, name),
            "Check that the tag scores come from the recurrent layer's output for every word, "
            "and that they are log-probabilities."))
