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
from autograder.language import Text, say

WHERE = "Part 2"
NAME = "LSTMTagger"

# What the student reads; each names one mistake of the catalogue (autograder/mistakes.py).
PREPARE_SHAPE = Text("a 1-D tensor with one index per word", "단어마다 인덱스가 하나씩 있는 1차원 텐서")
PREPARE_DTYPE = Text("nn.Embedding and nn.NLLLoss need int64 (torch.long) indices",
                     "nn.Embedding 과 nn.NLLLoss 는 int64 (torch.long) 인덱스가 필요합니다")
PREPARE_CAUSE = Text("it calls your `prepare_sequence`, which fails its own test",
                     "자체 테스트를 통과하지 못하는 여러분의 `prepare_sequence` 를 호출합니다")
NO_STEP = Text("call `optimizer.step()` after `loss.backward()`", "`loss.backward()` 다음에 `optimizer.step()` 을 호출하세요")
ZERO_GRAD = Text("gradients add up from one step to the next", "gradient 가 한 스텝에서 다음 스텝으로 계속 누적됩니다")
TOO_FEW_EPOCHS = Text("returned after the first epoch", "첫 epoch 이 끝나자마자 반환했습니다")
NEVER_TRAINED = Text("was never trained", "한 번도 학습되지 않았습니다")
EVAL_PERCENT = Text("a percentage", "백분율")
EVAL_SENTENCE_MEAN = Text("the mean of the sentences' accuracies", "문장별 정확도의 평균")

TRAINING_HINT = Text("Each step needs `model.zero_grad()`, a forward pass, `loss.backward()` and "
                     "`optimizer.step()`, for 300 epochs.",
                     "300 epoch 동안 매 스텝마다 `model.zero_grad()`, 순전파(forward pass), `loss.backward()`, "
                     "`optimizer.step()` 이 모두 필요합니다.")
CORPUS_HINT = Text("Train it with your `train_tagger` on `corpus_train`, with the epochs and learning rate given "
                   "(`CORPUS_EPOCHS`, `CORPUS_LR`).",
                   "직접 작성한 `train_tagger` 로 `corpus_train` 에서 학습시키되, 주어진 epoch 수와 학습률 "
                   "(`CORPUS_EPOCHS`, `CORPUS_LR`) 을 사용하세요.")

# The Korean names of the splits that `_judge_evaluate` reports on.
_SPLIT_KO = {"dev": "dev 문장", "two dev": "dev 문장 두 개"}


def _tagger(ns):
    return need(ns, NAME, WHERE)


def check_prepare_sequence(ns) -> None:
    prepare_sequence = need(ns, "prepare_sequence", WHERE)
    to_ix = {"watch": 4, "the": 0, "girls": 7, "duck": 2}
    for seq in (["the", "girls", "watch", "the", "duck"], ["duck"], ["girls", "watch"]):
        what = f"`prepare_sequence({seq}, to_ix)`"
        result = assert_tensor(call_student(prepare_sequence, seq, to_ix, what=what), what,
                               hint=say("Return `torch.tensor(idxs, dtype=torch.long)`.",
                                        "`torch.tensor(idxs, dtype=torch.long)` 을 반환하세요."))
        if tuple(result.shape) != (len(seq),):
            fail(say(f"{what} has shape {tuple(result.shape)}, expected {(len(seq),)}: it should be "
                     f"{PREPARE_SHAPE}.",
                     f"{what} 의 shape 는 {(len(seq),)} 이어야 하는데 {tuple(result.shape)} 입니다: "
                     f"{PREPARE_SHAPE}여야 합니다."),
                 say("Return `torch.tensor(idxs, dtype=torch.long)` for the list "
                     "`idxs` itself, not `[idxs]`.",
                     "`[idxs]` 가 아니라 리스트 `idxs` 자체를 넣어 `torch.tensor(idxs, dtype=torch.long)` 을 "
                     "반환하세요."))
        if result.dtype != torch.long:
            fail(say(f"{what} has dtype {result.dtype}, expected torch.int64: {PREPARE_DTYPE}.",
                     f"{what} 의 dtype 은 torch.int64 이어야 하는데 {result.dtype} 입니다: {PREPARE_DTYPE}."),
                 say("Return `torch.tensor(idxs, dtype=torch.long)`.",
                     "`torch.tensor(idxs, dtype=torch.long)` 을 반환하세요."))
        expected = [to_ix[w] for w in seq]
        if result.tolist() != expected:
            fail(say(f"{what} gave {result.tolist()}, expected {expected}.",
                     f"{what} 의 결과가 {result.tolist()} 이지만, {expected} 이어야 합니다."),
                 say("Look each word up in `to_ix`, in order.", "각 단어를 순서대로 `to_ix` 에서 찾으세요."))


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
        raise CheckFailed(say(f"{what} works with a correct `prepare_sequence`, but {PREPARE_CAUSE}:\n{cause}",
                              f"{what} 은(는) 올바른 `prepare_sequence` 로는 동작하지만, {PREPARE_CAUSE}:\n{cause}"))


def check_shapes(ns) -> None:
    taggers.check_shapes(_tagger(ns), NAME)


def check_log_probabilities(ns) -> None:
    taggers.check_log_probabilities(_tagger(ns), NAME)


def check_recurrent_layer(ns) -> None:
    model = taggers.build(_tagger(ns), taggers.SIZES, NAME)
    kinds = [type(m) for m in model.modules()]
    if not any(issubclass(k, nn.LSTM) for k in kinds):
        fail(say("`LSTMTagger` contains no nn.LSTM layer.", "`LSTMTagger` 에 nn.LSTM 레이어가 없습니다."),
             say("Create `nn.LSTM(embedding_dim, hidden_dim)` in `__init__`.",
                 "`__init__` 에서 `nn.LSTM(embedding_dim, hidden_dim)` 을 만드세요."))
    if not any(issubclass(k, nn.Embedding) for k in kinds):
        fail(say("`LSTMTagger` contains no nn.Embedding layer.", "`LSTMTagger` 에 nn.Embedding 레이어가 없습니다."),
             say("Map word indices to vectors with `nn.Embedding(vocab_size, embedding_dim)`.",
                 "`nn.Embedding(vocab_size, embedding_dim)` 으로 단어 인덱스를 벡터로 바꾸세요."))


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
        return say(f"Training used your `prepare_sequence`, which fails its own test:\n{cause}",
                   f"학습에 쓰인 여러분의 `prepare_sequence` 가 자체 테스트를 통과하지 못합니다:\n{cause}")
    if step_was_skipped(model, sentences):
        return say(f"`loss.backward()` ran but the parameters never changed after it: {NO_STEP} "
                   "in every step.",
                   f"`loss.backward()` 는 실행되었지만 그 뒤로 파라미터가 전혀 바뀌지 않았습니다: 매 스텝마다 {NO_STEP}.")
    return None


def check_trained_model(ns) -> None:
    model = need(ns, "model", WHERE)
    tutorial = data.TUTORIAL_TRAINING_DATA
    try:
        accuracy = _accuracy(model, tutorial, tutorial, say("Tagging the training sentences with your model",
                                                            "여러분의 모델로 학습 문장에 태그를 붙이는 과정"))
    except CheckFailed as failure:
        raise CheckFailed(_untrained_cause(ns, model, tutorial) or str(failure)) from None
    if accuracy < 1.0:
        raise CheckFailed(taggers.with_cause(
            say(f"After your training loop, `model` tags {accuracy:.0%} of the training words correctly; "
                "expected 100%.",
                f"학습 루프를 실행한 뒤 `model` 이 학습 문장의 단어 중 {accuracy:.0%} 의 태그를 맞힙니다. "
                "100% 를 맞혀야 합니다."),
            _untrained_cause(ns, model, data.TUTORIAL_TRAINING_DATA), TRAINING_HINT))


def check_class_learns(ns) -> None:
    cls = _tagger(ns)
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    try:
        with quiet():
            torch.manual_seed(T.GRADING_SEED)
            model = call_student(cls, 6, 6, len(word_to_ix), len(data.TAG_TO_IX), what="`LSTMTagger(6, 6, 9, 3)`")
            call_student(training.train, model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX,
                         T.CLASS_EPOCHS, T.CLASS_LR,
                         what=say("Training a fresh `LSTMTagger` with the tutorial's loop",
                                  "튜토리얼의 학습 루프로 새 `LSTMTagger` 를 학습시키는 과정"),
                         hint=taggers.explain)
    except CheckFailed as failure:
        raise CheckFailed(taggers.diagnosis(cls, NAME) or str(failure)) from None
    tutorial = data.TUTORIAL_TRAINING_DATA
    accuracy = _accuracy(model, tutorial, tutorial, say("Tagging the training sentences",
                                                        "학습 문장에 태그를 붙이는 과정"))
    if accuracy < 1.0:
        raise CheckFailed(taggers.with_cause(
            say(f"A fresh `LSTMTagger(6, 6, 9, 3)` trained with the tutorial's loop ({T.CLASS_EPOCHS} epochs, "
                f"SGD lr={T.CLASS_LR}) "
                f"tags {accuracy:.0%} of the training words correctly; expected 100%.",
                f"튜토리얼의 학습 루프 ({T.CLASS_EPOCHS} epoch, SGD lr={T.CLASS_LR}) 로 학습시킨 "
                f"새 `LSTMTagger(6, 6, 9, 3)` 이 학습 문장의 단어 중 {accuracy:.0%} 의 태그를 맞힙니다. "
                "100% 를 맞혀야 합니다."),
            taggers.diagnosis(cls, NAME),
            say("Make sure every layer is created in `__init__` (so its parameters train) and that "
                "`forward` returns log-probabilities for nn.NLLLoss.",
                "모든 레이어를 `__init__` 에서 만들었는지 (그래야 파라미터가 학습됩니다), 그리고 `forward` 가 "
                "nn.NLLLoss 에 맞게 로그 확률을 반환하는지 확인하세요.")))


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
        said = say(f"`evaluate` on the {split_name} sentences returned {got!r}; expected the token "
                   f"accuracy {expected:.4f}.",
                   f"{_SPLIT_KO[split_name]}에 대한 `evaluate` 의 반환값이 {got!r} 이지만, 토큰 정확도 "
                   f"{expected:.4f} 이어야 합니다.")
        if isinstance(got, (int, float)) and math.isclose(got, 100 * expected, abs_tol=1e-4):
            fail(say(f"{said} That is {EVAL_PERCENT}.", f"{said} 이 값은 {EVAL_PERCENT}입니다."),
                 say("Return the fraction of words tagged correctly, between 0 and 1.",
                     "태그를 맞힌 단어의 비율을 0 과 1 사이 값으로 반환하세요."))
        if isinstance(got, (int, float)) and math.isclose(got, _sentence_mean(model, split, word_to_ix), abs_tol=1e-6):
            fail(say(f"{said} That is {EVAL_SENTENCE_MEAN}, which counts the words of a short sentence more.",
                     f"{said} 이 값은 {EVAL_SENTENCE_MEAN}이라, 짧은 문장의 단어가 더 크게 반영됩니다."),
                 say("Count correct words over all sentences and divide by the total number of words.",
                     "모든 문장에서 맞힌 단어 수를 세어 전체 단어 수로 나누세요."))
        fail(said, say("Count the words whose highest-scoring tag (`argmax` over dim 1) equals the gold "
                       "tag, over all words of all sentences, and divide by the number of words.",
                       "점수가 가장 높은 태그 (dim 1 에 대한 `argmax`) 가 정답 태그와 같은 단어를 모든 문장의 "
                       "모든 단어에 대해 세고, 전체 단어 수로 나누세요."))


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
        fail(say(f"`train_tagger(..., epochs={epochs})` returned {type(losses).__name__}; expected a list of "
                 f"{epochs} losses.",
                 f"`train_tagger(..., epochs={epochs})` 가 {type(losses).__name__} 을(를) 반환했습니다. "
                 f"손실 {epochs}개를 담은 리스트를 반환해야 합니다."),
             say("Append the mean loss of each epoch to a list and return it.",
                 "epoch 마다 평균 손실을 리스트에 추가하고, 그 리스트를 반환하세요."))
    if len(losses) == 1 and seen["forward"] <= len(sentences):
        fail(say(f"`train_tagger(..., epochs={epochs})` {TOO_FEW_EPOCHS}: it trained one epoch and returned one loss.",
                 f"`train_tagger(..., epochs={epochs})` 가 {TOO_FEW_EPOCHS}: "
                 "epoch 하나만 학습하고 손실 하나를 반환했습니다."),
             say("`return losses` belongs after the epoch loop, not inside it.",
                 "`return losses` 는 epoch 루프 안이 아니라, 루프가 끝난 뒤에 있어야 합니다."))
    if len(losses) != epochs:
        fail(say(f"`train_tagger(..., epochs={epochs})` returned {len(losses)} losses; expected one per epoch.",
                 f"`train_tagger(..., epochs={epochs})` 가 손실을 {len(losses)}개 반환했습니다. "
                 "epoch 마다 하나씩 있어야 합니다."),
             say("Append the mean loss of each epoch to a list and return it.",
                 "epoch 마다 평균 손실을 리스트에 추가하고, 그 리스트를 반환하세요."))
    if all(torch.equal(a, b.detach()) for a, b in zip(start, model.parameters())):
        fail(say(f"`train_tagger` left every parameter of the model as it was: {NO_STEP} in every step.",
                 f"`train_tagger` 가 모델의 파라미터를 하나도 바꾸지 않았습니다: 매 스텝마다 {NO_STEP}."))
    values = [float(v) for v in losses]
    if seen["piled"]:
        fail(say(f"`train_tagger` never clears the gradients, so {ZERO_GRAD} and training goes astray "
                 f"(losses: first {values[0]:.4f}, last {values[-1]:.4f}).",
                 f"`train_tagger` 가 gradient 를 초기화하지 않아, {ZERO_GRAD}. 그래서 학습이 엉뚱한 방향으로 "
                 f"흘러갑니다 (손실: 처음 {values[0]:.4f}, 마지막 {values[-1]:.4f})."),
             say("Call `model.zero_grad()` (or `optimizer.zero_grad()`) before each `loss.backward()`.",
                 "매번 `loss.backward()` 전에 `model.zero_grad()` (또는 `optimizer.zero_grad()`) 를 호출하세요."))
    if not all(math.isfinite(v) for v in values):
        fail(say(f"`train_tagger` returned losses that are not finite: {values}.",
                 f"`train_tagger` 가 반환한 손실에 유한하지 않은 값이 있습니다: {values}."), TRAINING_HINT)
    if not values[-1] < values[0]:
        fail(say(f"The losses returned by `train_tagger` did not go down: first {values[0]:.4f}, "
                 f"last {values[-1]:.4f}.",
                 f"`train_tagger` 가 반환한 손실이 줄어들지 않았습니다: 처음 {values[0]:.4f}, "
                 f"마지막 {values[-1]:.4f}."),
             TRAINING_HINT)
    if not after > before:
        fail(say(f"`train_tagger` did not improve the model: training accuracy {before:.0%} before, "
                 f"{after:.0%} after.",
                 f"`train_tagger` 가 모델을 개선하지 못했습니다: 학습 데이터 정확도가 학습 전 {before:.0%}, "
                 f"학습 후 {after:.0%} 입니다."),
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
        return say(f"`corpus_model` {NEVER_TRAINED}: its parameters are exactly as `{NAME}(...)` created them. "
                   "Pass `corpus_model` itself to `train_tagger`.",
                   f"`corpus_model` 은 {NEVER_TRAINED}: 파라미터가 `{NAME}(...)` 로 만든 직후와 똑같습니다. "
                   "`train_tagger` 에 `corpus_model` 자체를 넘기세요.")
    if "train_tagger" in ns:
        cause = problem_of(check_train_tagger, ns)
        if cause:
            return say(f"Your `train_tagger` fails its own test:\n{cause}",
                       f"여러분의 `train_tagger` 가 자체 테스트를 통과하지 못합니다:\n{cause}")
    return None


def check_corpus_model(ns) -> None:
    model = need(ns, "corpus_model", WHERE)
    try:
        predictions = taggers.test_predictions(model, say("Tagging the hidden test sentences with `corpus_model`",
                                                          "`corpus_model` 로 held-out 테스트 문장에 태그를 붙이는 과정"))
        accuracy = judged.heldout_accuracy("p2_corpus_model", predictions)
    except CheckFailed as failure:
        raise CheckFailed(_corpus_model_cause(ns, model) or str(failure)) from None
    bound = judged.bound("p2_corpus_model")
    if accuracy < bound:
        raise CheckFailed(taggers.with_cause(
            say(f"Your trained `corpus_model` tags {accuracy:.1%} of the hidden test words correctly; "
                f"at least {bound:.0%} is needed.",
                f"여러분이 학습시킨 `corpus_model` 이 held-out 테스트 문장의 단어 중 {accuracy:.1%} 의 태그를 "
                f"맞힙니다. {bound:.0%} 이상 맞혀야 합니다."),
            _corpus_model_cause(ns, model), CORPUS_HINT))
