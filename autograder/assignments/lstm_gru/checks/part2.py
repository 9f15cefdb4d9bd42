"""Part 2: the LSTM part-of-speech tagger, its training and its held-out evaluation.

Checks of ``evaluate`` and ``train_tagger`` run the student's function with the kit's
``prepare_sequence`` first, so a mistake there is judged once, by its own test; only when the
function then fails with the student's own ``prepare_sequence`` (as it does in the notebook)
is that test lost too, with ``prepare_sequence`` named as the cause. A trained model that
falls short is diagnosed: the class, ``prepare_sequence``, the missing optimizer step, an
untrained model, then ``train_tagger``, and the first problem found is the message.
"""

from __future__ import annotations

import contextlib
import math

import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.assignments.lstm_gru import data
from autograder.assignments.lstm_gru.checks import judged
from autograder.assignments.lstm_gru.checks import taggers, training
from autograder.assignments.lstm_gru.checks import thresholds as T
from autograder.feedback import CheckFailed, assert_tensor, call_student, fail, need, problem_of, quiet

WHERE = "Part 2"
NAME = "LSTMTagger"

# What the student reads; each names one mistake of the catalogue (autograder/mistakes.py).
PREPARE_SHAPE = "a 1-D tensor with one index per word"
PREPARE_DTYPE = "nn.Embedding and nn.NLLLoss need int64 (torch.long) indices"
PREPARE_CAUSE = "it calls your `prepare_sequence`, which fails its own test"
NO_STEP = "call `optimizer.step()` after `loss.backward()`"
ZERO_GRAD = "gradients add up from one step to the next"
TOO_FEW_EPOCHS = "returned after the first epoch"
NEVER_TRAINED = "was never trained"
EVAL_PERCENT = "a percentage"
EVAL_SENTENCE_MEAN = "the mean of the sentences' accuracies"

TRAINING_HINT = ("Each step needs `model.zero_grad()`, a forward pass, `loss.backward()` and "
                 "`optimizer.step()`, for 300 epochs.")
CORPUS_HINT = ("Train it with your `train_tagger` on `corpus_train`, with the epochs and learning rate given "
               "(`CORPUS_EPOCHS`, `CORPUS_LR`).")


def _tagger(ns):
    return need(ns, NAME, WHERE)


def check_prepare_sequence(ns) -> None:
    prepare_sequence = need(ns, "prepare_sequence", WHERE)
    to_ix = {"watch": 4, "the": 0, "girls": 7, "duck": 2}
    for seq in (["the", "girls", "watch", "the", "duck"], ["duck"], ["girls", "watch"]):
        what = f"`prepare_sequence({seq}, to_ix)`"
        result = assert_tensor(call_student(prepare_sequence, seq, to_ix, what=what), what,
                               hint="Return `torch.tensor(idxs, dtype=torch.long)`.")
        if tuple(result.shape) != (len(seq),):
            fail(f"{what} has shape {tuple(result.shape)}, expected {(len(seq),)}: it should be "
                 f"{PREPARE_SHAPE}.", "Return `torch.tensor(idxs, dtype=torch.long)` for the list "
                 "`idxs` itself, not `[idxs]`.")
        if result.dtype != torch.long:
            fail(f"{what} has dtype {result.dtype}, expected torch.int64: {PREPARE_DTYPE}.",
                 "Return `torch.tensor(idxs, dtype=torch.long)`.")
        expected = [to_ix[w] for w in seq]
        if result.tolist() != expected:
            fail(f"{what} gave {result.tolist()}, expected {expected}.", "Look each word up in `to_ix`, in order.")


@contextlib.contextmanager
def kit_prepare_sequence(fn):
    """Run the student's ``fn`` with the kit's ``prepare_sequence`` in its globals."""
    namespace = getattr(fn, "__globals__", None)
    if namespace is None or "prepare_sequence" not in namespace:
        yield
        return
    saved = namespace["prepare_sequence"]
    namespace["prepare_sequence"] = training.indices
    try:
        yield
    finally:
        namespace["prepare_sequence"] = saved


def _judged_alone(ns, fn, judge, what: str) -> None:
    """``judge(fn)`` with the kit's ``prepare_sequence``, then with the student's own."""
    with kit_prepare_sequence(fn):
        judge(fn)
    cause = problem_of(check_prepare_sequence, ns) if "prepare_sequence" in ns else None
    # Only a prepare_sequence that fails its own test can make the function fail in the notebook.
    if cause and problem_of(judge, fn):
        raise CheckFailed(f"{what} works with a correct `prepare_sequence`, but {PREPARE_CAUSE}:\n{cause}")


def check_shapes(ns) -> None:
    taggers.check_shapes(_tagger(ns), NAME)


def check_log_probabilities(ns) -> None:
    taggers.check_log_probabilities(_tagger(ns), NAME)


def check_recurrent_layer(ns) -> None:
    model = taggers.build(_tagger(ns), taggers.SIZES, NAME)
    kinds = [type(m) for m in model.modules()]
    if not any(issubclass(k, nn.LSTM) for k in kinds):
        fail("`LSTMTagger` contains no nn.LSTM layer.", "Create `nn.LSTM(embedding_dim, hidden_dim)` in `__init__`.")
    if not any(issubclass(k, nn.Embedding) for k in kinds):
        fail("`LSTMTagger` contains no nn.Embedding layer.", "Map word indices to vectors with `nn.Embedding(vocab_size, embedding_dim)`.")


def check_no_state_between_calls(ns) -> None:
    taggers.check_no_state_between_calls(_tagger(ns), NAME)


def check_uses_context(ns) -> None:
    taggers.check_uses_context(_tagger(ns), NAME)


def _accuracy(model, trained_on, tagged, what: str) -> float:
    """The model's token accuracy on ``tagged``, with the word indices of ``trained_on``."""
    word_to_ix = data.build_word_to_ix(trained_on)
    with quiet():
        return call_student(training.token_accuracy, model, tagged, word_to_ix, data.TAG_TO_IX,
                            what=what, hint=taggers.explain)


def step_was_skipped(model: nn.Module, sentences) -> bool:
    """True when the model's gradients are exactly those of the last training sentence at its
    current parameters: ``backward()`` ran, and nothing moved the parameters afterwards."""
    params = [p for p in model.parameters() if p.requires_grad]
    if not params or any(p.grad is None for p in params):
        return False
    words, tags = sentences[-1]
    word_to_ix = data.build_word_to_ix(sentences)
    with quiet():
        training.reset_state(model)
        scores = model(training.indices(words, word_to_ix))
        loss = F.nll_loss(scores, training.indices(tags, data.TAG_TO_IX))
        fresh = torch.autograd.grad(loss, params, allow_unused=True)
    return all(g is None or torch.allclose(g, p.grad, rtol=1e-4, atol=1e-7) for g, p in zip(fresh, params))


def _untrained_cause(ns, model, sentences) -> str | None:
    """Why a model trained in the notebook does not tag its training sentences."""
    if NAME in ns:
        cause = taggers.diagnosis(ns[NAME], NAME)
        if cause:
            return cause
    cause = problem_of(check_prepare_sequence, ns)
    if cause:
        return f"Training used your `prepare_sequence`, which fails its own test:\n{cause}"
    if step_was_skipped(model, sentences):
        return (f"`loss.backward()` ran but the parameters never changed after it: {NO_STEP} "
                "in every step.")
    return None


def check_trained_model(ns) -> None:
    model = need(ns, "model", WHERE)
    tutorial = data.TUTORIAL_TRAINING_DATA
    try:
        accuracy = _accuracy(model, tutorial, tutorial, "Tagging the training sentences with your model")
    except CheckFailed as failure:
        raise CheckFailed(_untrained_cause(ns, model, tutorial) or str(failure)) from None
    if accuracy < 1.0:
        raise CheckFailed(taggers.with_cause(
            f"After your training loop, `model` tags {accuracy:.0%} of the training words correctly; "
            "expected 100%.", _untrained_cause(ns, model, data.TUTORIAL_TRAINING_DATA), TRAINING_HINT))


def check_class_learns(ns) -> None:
    cls = _tagger(ns)
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    try:
        with quiet():
            torch.manual_seed(T.GRADING_SEED)
            model = call_student(cls, 6, 6, len(word_to_ix), len(data.TAG_TO_IX), what="`LSTMTagger(6, 6, 9, 3)`")
            call_student(training.train, model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX,
                         T.CLASS_EPOCHS, T.CLASS_LR, what="Training a fresh `LSTMTagger` with the tutorial's loop",
                         hint=taggers.explain)
    except CheckFailed as failure:
        raise CheckFailed(taggers.diagnosis(cls, NAME) or str(failure)) from None
    tutorial = data.TUTORIAL_TRAINING_DATA
    accuracy = _accuracy(model, tutorial, tutorial, "Tagging the training sentences")
    if accuracy < 1.0:
        raise CheckFailed(taggers.with_cause(
            f"A fresh `LSTMTagger(6, 6, 9, 3)` trained with the tutorial's loop ({T.CLASS_EPOCHS} epochs, "
            f"SGD lr={T.CLASS_LR}) "
            f"tags {accuracy:.0%} of the training words correctly; expected 100%.",
            taggers.diagnosis(cls, NAME),
            "Make sure every layer is created in `__init__` (so its parameters train) and that "
            "`forward` returns log-probabilities for nn.NLLLoss."))


def _fixed_model():
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = training.WordTagger(4, len(word_to_ix), len(data.TAG_TO_IX))
        training.train(model, data.TRAIN[:10], word_to_ix, data.TAG_TO_IX, epochs=3, lr=0.1)
    return model, word_to_ix


def _sentence_mean(model, split, word_to_ix) -> float:
    accuracies = [training.token_accuracy(model, [sentence], word_to_ix, data.TAG_TO_IX) for sentence in split]
    return sum(accuracies) / len(accuracies)


def _judge_evaluate(evaluate) -> None:
    model, word_to_ix = _fixed_model()
    for split_name, split in (("dev", data.DEV), ("two dev", data.DEV[:2])):
        expected = training.token_accuracy(model, split, word_to_ix, data.TAG_TO_IX)
        with quiet():
            got = call_student(evaluate, model, split, word_to_ix, data.TAG_TO_IX,
                               what="`evaluate(model, data, word_to_ix, tag_to_ix)`")
        if isinstance(got, torch.Tensor) and got.numel() == 1:
            got = got.item()
        if isinstance(got, (int, float)) and math.isclose(got, expected, abs_tol=1e-6):
            continue
        said = (f"`evaluate` on the {split_name} sentences returned {got!r}; expected the token "
                f"accuracy {expected:.4f}.")
        if isinstance(got, (int, float)) and math.isclose(got, 100 * expected, abs_tol=1e-4):
            fail(f"{said} That is {EVAL_PERCENT}.", "Return the fraction of words tagged correctly, between 0 and 1.")
        if isinstance(got, (int, float)) and math.isclose(got, _sentence_mean(model, split, word_to_ix), abs_tol=1e-6):
            fail(f"{said} That is {EVAL_SENTENCE_MEAN}, which counts the words of a short sentence more.",
                 "Count correct words over all sentences and divide by the total number of words.")
        fail(said, "Count the words whose highest-scoring tag (`argmax` over dim 1) equals the gold "
                   "tag, over all words of all sentences, and divide by the number of words.")


def check_evaluate(ns) -> None:
    _judged_alone(ns, need(ns, "evaluate", WHERE), _judge_evaluate, "`evaluate`")


@contextlib.contextmanager
def watching_training(model: nn.Module):
    """Count forward passes, and backward passes that added onto gradients left from before."""
    seen = {"forward": 0, "piled": 0}
    params = [p for p in model.parameters() if p.requires_grad]

    def forward_hook(module, args, output):
        seen["forward"] += 1

    def gradient_hook(grad, p):
        # Called with the incoming gradient before it is added to p.grad.
        if p is params[0] and p.grad is not None and bool(p.grad.abs().sum() > 0):
            seen["piled"] += 1
        return grad

    handles = [model.register_forward_hook(forward_hook)]
    handles += [p.register_hook(lambda grad, p=p: gradient_hook(grad, p)) for p in params]
    try:
        yield seen
    finally:
        for handle in handles:
            handle.remove()


def _judge_train_tagger(train_tagger) -> None:
    sentences, epochs = data.TRAIN[:20], 8
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    with quiet():
        torch.manual_seed(T.GRADING_SEED)
        model = training.WordTagger(8, len(word_to_ix), len(data.TAG_TO_IX))
        start = [p.detach().clone() for p in model.parameters()]
        before = training.token_accuracy(model, sentences, word_to_ix, data.TAG_TO_IX)
        with watching_training(model) as seen:
            losses = call_student(train_tagger, model, sentences, word_to_ix, data.TAG_TO_IX, epochs, 0.1,
                                  what=f"`train_tagger(model, data, word_to_ix, tag_to_ix, epochs={epochs}, lr=0.1)`")
        after = training.token_accuracy(model, sentences, word_to_ix, data.TAG_TO_IX)
    if not isinstance(losses, (list, tuple)):
        fail(f"`train_tagger(..., epochs={epochs})` returned {type(losses).__name__}; expected a list of "
             f"{epochs} losses.", "Append the mean loss of each epoch to a list and return it.")
    if len(losses) == 1 and seen["forward"] <= len(sentences):
        fail(f"`train_tagger(..., epochs={epochs})` {TOO_FEW_EPOCHS}: it trained one epoch and returned one loss.",
             "`return losses` belongs after the epoch loop, not inside it.")
    if len(losses) != epochs:
        fail(f"`train_tagger(..., epochs={epochs})` returned {len(losses)} losses; expected one per epoch.",
             "Append the mean loss of each epoch to a list and return it.")
    if all(torch.equal(a, b.detach()) for a, b in zip(start, model.parameters())):
        fail(f"`train_tagger` left every parameter of the model as it was: {NO_STEP} in every step.")
    values = [float(v) for v in losses]
    if seen["piled"]:
        fail(f"`train_tagger` never clears the gradients, so {ZERO_GRAD} and training goes astray "
             f"(losses: first {values[0]:.4f}, last {values[-1]:.4f}).",
             "Call `model.zero_grad()` (or `optimizer.zero_grad()`) before each `loss.backward()`.")
    if not all(math.isfinite(v) for v in values):
        fail(f"`train_tagger` returned losses that are not finite: {values}.", TRAINING_HINT)
    if not values[-1] < values[0]:
        fail(f"The losses returned by `train_tagger` did not go down: first {values[0]:.4f}, last {values[-1]:.4f}.",
             TRAINING_HINT)
    if not after > before:
        fail(f"`train_tagger` did not improve the model: training accuracy {before:.0%} before, {after:.0%} after.",
             TRAINING_HINT)


def check_train_tagger(ns) -> None:
    _judged_alone(ns, need(ns, "train_tagger", WHERE), _judge_train_tagger, "`train_tagger`")


def check_heldout_accuracy(ns) -> None:
    taggers.check_heldout_accuracy(_tagger(ns), NAME, "p2_heldout")


def _as_initialised(ns, model) -> bool:
    """``corpus_model`` holds exactly the weights ``LSTMTagger`` gets after the cell's ``torch.manual_seed(1)``."""
    try:
        with quiet():
            torch.manual_seed(1)
            fresh = ns[NAME](T.CORPUS_EMBEDDING_DIM, T.CORPUS_HIDDEN_DIM,
                             len(data.build_word_to_ix(data.TRAIN)), len(data.TAG_TO_IX))
    except Exception:  # noqa: BLE001 - a class that cannot be built cannot be compared
        return False
    mine, theirs = list(model.state_dict().values()), list(fresh.state_dict().values())
    return len(mine) == len(theirs) and all(a.shape == b.shape and torch.equal(a.cpu(), b) for a, b in zip(mine, theirs))


def _corpus_model_cause(ns, model) -> str | None:
    cause = _untrained_cause(ns, model, data.TRAIN)
    if cause:
        return cause
    if NAME in ns and _as_initialised(ns, model):
        return (f"`corpus_model` {NEVER_TRAINED}: its parameters are exactly as `{NAME}(...)` created them. "
                "Pass `corpus_model` itself to `train_tagger`.")
    if "train_tagger" in ns:
        cause = problem_of(check_train_tagger, ns)
        if cause:
            return f"Your `train_tagger` fails its own test:\n{cause}"
    return None


def check_corpus_model(ns) -> None:
    model = need(ns, "corpus_model", WHERE)
    try:
        predictions = taggers.test_predictions(model, "Tagging the hidden test sentences with `corpus_model`")
        accuracy = judged.heldout_accuracy("p2_corpus_model", predictions)
    except CheckFailed as failure:
        raise CheckFailed(_corpus_model_cause(ns, model) or str(failure)) from None
    bound = judged.bound("p2_corpus_model")
    if accuracy < bound:
        raise CheckFailed(taggers.with_cause(
            f"Your trained `corpus_model` tags {accuracy:.1%} of the hidden test words correctly; "
            f"at least {bound:.0%} is needed.", _corpus_model_cause(ns, model), CORPUS_HINT))
