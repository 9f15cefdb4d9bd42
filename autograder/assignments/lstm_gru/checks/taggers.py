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
from autograder.feedback import HINT, CheckFailed, assert_tensor, call_student, fail, problem_of, quiet
from autograder.language import Text, say

# What the student reads. Each constant names one mistake of the catalogue
# (autograder/mistakes.py), which checks that the labelled submissions' messages hold it.
TRANSPOSED = Text("the scores are transposed: one row per tag instead of one row per word",
                  "점수가 전치 (transpose) 되어 있습니다: 단어마다 한 행이 아니라 태그마다 한 행입니다")
HARD_CODED_LENGTH = Text("a fixed sentence length is written into the code",
                         "코드에 문장 길이가 고정된 숫자로 적혀 있습니다")
PROBABILITIES = Text("these are probabilities (softmax), not log-probabilities",
                     "로그 확률이 아니라 확률 (softmax) 입니다")
LOG_SOFTMAX_DIM = Text("log_softmax ran over dim=0 (the words) instead of dim=1 (the tags)",
                       "log_softmax 를 dim=1 (태그) 이 아니라 dim=0 (단어) 에 대해 적용했습니다")
RAW_SCORES = Text("these look like raw scores, not log-probabilities",
                  "로그 확률이 아니라 정규화되지 않은 점수로 보입니다")
STATE_CARRIED = Text("state is carried from one sentence to the next",
                     "한 문장의 상태가 다음 문장으로 넘어가고 있습니다")
IGNORES_CONTEXT = Text("it tags each word without reading the words before it",
                       "앞 단어들을 읽지 않고 단어마다 따로 태그를 붙이고 있습니다")
BATCH_FIRST = Text("has `batch_first=True`, but the sentence goes in shaped (len(sentence), 1, -1)",
                   "`batch_first=True` 가 설정되어 있지만, 문장은 (len(sentence), 1, -1) shape 로 들어갑니다")
SENTENCE_AS_BATCH = Text("goes in shaped (1, len(sentence), -1) without `batch_first=True`",
                         "`batch_first=True` 없이 (1, len(sentence), -1) shape 로 들어갑니다")
WORD_BY_WORD = Text("runs the recurrent layer on one word at a time",
                    "순환 레이어를 한 번에 한 단어씩 따로 실행합니다")
GRU_HC = Text("h_n is a single tensor, not an `(h, c)` tuple",
              "h_n 은 `(h, c)` 튜플이 아니라 텐서 하나입니다")

LOG_SOFTMAX_HINT = Text(
    "Return `F.log_softmax(tag_space, dim=1)`: one row per word, normalised over the tags.",
    "`F.log_softmax(tag_space, dim=1)` 을 반환하세요: 단어마다 한 행이고, 태그에 대해 정규화된 값입니다.")
SHAPE_HINT = Text(
    "Return one row per word and one column per tag: (len(sentence), tagset_size). "
    "Use `len(sentence)`, never a fixed number, and check `view`/`batch_first` agree.",
    "단어마다 한 행, 태그마다 한 열이 되도록 반환하세요: (len(sentence), tagset_size). "
    "고정된 숫자 대신 `len(sentence)` 를 쓰고, `view` 와 `batch_first` 가 서로 맞는지 확인하세요.")
LENGTH_HINT = Text("Use `len(sentence)` wherever the number of words is needed, never a fixed number.",
                   "단어 수가 필요한 곳에는 고정된 숫자 대신 항상 `len(sentence)` 를 쓰세요.")
STATE_HINT = Text(
    "Each sentence must start from a fresh (zero) hidden state: call the recurrent layer "
    "without a state, or reset `self.hidden = self.init_hidden()` before every sentence.",
    "문장마다 새로운 (0 으로 채운) hidden state (은닉 상태) 에서 시작해야 합니다: 상태를 넘기지 않고 "
    "순환 레이어를 호출하거나, 문장마다 먼저 `self.hidden = self.init_hidden()` 으로 상태를 초기화하세요.")
CONTEXT_HINT = Text("Feed the embeddings through the recurrent layer and compute tag scores from its output.",
                    "임베딩을 순환 레이어에 통과시키고, 그 출력으로 태그 점수를 계산하세요.")
# The label before a diagnosed cause, where a message names one (with_cause).
LIKELY_CAUSE = Text("Likely cause", "예상 원인")
# Errors PyTorch raises for these mistakes, and what they mean in the student's terms.
KNOWN_ERRORS = {
    "not enough values to unpack (expected 2, got 1)": Text(
        f"nn.GRU returns `(output, h_n)`; {GRU_HC.en}: write `gru_out, _ = self.gru(...)`.",
        f"nn.GRU 는 `(output, h_n)` 을 반환하며, {GRU_HC.ko}. `gru_out, _ = self.gru(...)` 처럼 쓰세요."),
    "backward through the graph a second time": Text(
        f"The {STATE_CARRIED.en}: the state kept on `self` still belongs to the previous sentence's "
        "graph, so backward() runs through it again. " + STATE_HINT.en,
        f"{STATE_CARRIED.ko}: `self` 에 저장해 둔 상태가 아직 이전 문장의 계산 그래프에 속해 있어서, "
        "backward() 가 그 그래프를 한 번 더 거치게 됩니다. " + STATE_HINT.ko),
}

# Sizes other than the tutorial's (6, 6, 9 words, 3 tags), and sentence lengths other
# than the number of tags, so that a hard-coded size or a transposed output shows.
SHAPE_CASES = [((6, 6, 9, 3), (1, 2, 4, 5, 7)), ((5, 7, 12, 4), (2, 6, 11))]
SIZES = SHAPE_CASES[0][0]
# Behaviour checks below use five-word sentences, the length of the tutorial's first one, so
# a tagger that works for that length only loses the shape test, not these.
FIVE = 5


def explain(error: Exception) -> Text | str:
    text = str(error)
    return next((meaning for words, meaning in KNOWN_ERRORS.items() if words in text), "")


def build(cls, sizes, name: str) -> nn.Module:
    with quiet():
        return call_student(cls, *sizes, what=f"`{name}{sizes}`")


def run(model: nn.Module, sentence: torch.Tensor, name: str):
    with quiet():
        training.reset_state(model)
        words = f"{len(sentence)} word" + ("" if len(sentence) == 1 else "s")
        what = say(f"Calling a `{name}` on a sentence of {words}",
                   f"단어 {len(sentence)}개짜리 문장에 대한 `{name}` 호출")
        return call_student(model, sentence, what=what, hint=explain)


def sentence_of(length: int, vocab_size: int, seed: int) -> torch.Tensor:
    generator = torch.Generator().manual_seed(seed)
    return torch.randint(vocab_size, (length,), generator=generator)


def _words(lengths: list[int]) -> str:
    return ", ".join(str(n) for n in sorted(set(lengths)))


def shape_problem(scores, length: int, tagset_size: int, name: str) -> str | None:
    what = say(f"The tag scores of `{name}` for a sentence of {length} word(s)",
               f"단어 {length}개짜리 문장에 대한 `{name}` 의 태그 점수")
    if not isinstance(scores, torch.Tensor):
        return say(f"{what} should be a torch.Tensor, but it is a {type(scores).__name__}.",
                   f"{what}는 torch.Tensor 여야 하는데 {type(scores).__name__} 입니다.")
    shape, expected = tuple(scores.shape), (length, tagset_size)
    if shape == expected:
        return None
    if shape == expected[::-1]:
        return say(f"{what} have shape {shape}, expected {expected}: {TRANSPOSED.en}.\n"
                   f"{HINT.en}: Compute `tag_space` from `lstm_out.view(len(sentence), -1)` and return it "
                   "without transposing.",
                   f"{what} shape 는 {expected} 이어야 하는데 {shape} 입니다. {TRANSPOSED.ko}.\n"
                   f"{HINT.ko}: `lstm_out.view(len(sentence), -1)` 로 `tag_space` 를 계산하고, "
                   "전치하지 말고 그대로 반환하세요.")
    return say(f"{what} have shape {shape}, expected {expected}.\n{HINT.en}: {SHAPE_HINT.en}",
               f"{what} shape 는 {expected} 이어야 하는데 {shape} 입니다.\n{HINT.ko}: {SHAPE_HINT.ko}")


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
        fail(say(f"`{name}` works for sentences of {_words(working)} words but not of {_words(broken)} words: "
                 f"{HARD_CODED_LENGTH.en}.",
                 f"`{name}` 은(는) 단어 {_words(working)}개짜리 문장에서는 동작하지만, "
                 f"단어 {_words(broken)}개짜리 문장에서는 동작하지 않습니다: {HARD_CODED_LENGTH.ko}."),
             LENGTH_HINT)
    if first_problem:
        raise CheckFailed(first_problem)
    if not scores.is_floating_point():
        fail(say(f"The tag scores of `{name}` have dtype {scores.dtype}; expected floating point.",
                 f"`{name}` 의 태그 점수 dtype 이 {scores.dtype} 입니다. 부동소수점 (floating point) dtype 이어야 "
                 "합니다."))


def log_prob_problem(scores: torch.Tensor) -> str | None:
    """What is wrong with rows that should be log-probabilities, or ``None``."""
    scores = scores.detach().double()
    rows, columns = scores.shape

    def normalised(logsumexp, n):
        return torch.allclose(logsumexp, torch.zeros(n, dtype=scores.dtype), atol=1e-4)

    if normalised(scores.logsumexp(dim=1), rows):
        return None
    if (scores >= 0).all() and torch.allclose(scores.sum(dim=1), torch.ones(rows, dtype=scores.dtype), atol=1e-4):
        return say(f"Each row sums to 1: {PROBABILITIES.en}. nn.NLLLoss expects log-probabilities.",
                   f"각 행의 합이 1 입니다: {PROBABILITIES.ko}. nn.NLLLoss 는 로그 확률을 입력으로 받습니다.")
    if normalised(scores.logsumexp(dim=0), columns):
        return say(f"Each column, not each row, is normalised: {LOG_SOFTMAX_DIM.en}.",
                   f"각 행이 아니라 각 열이 정규화되어 있습니다: {LOG_SOFTMAX_DIM.ko}.")
    return say(f"The rows' logsumexp is not 0: {RAW_SCORES.en}. Apply log_softmax over the tags.",
               f"각 행의 logsumexp 가 0 이 아닙니다: {RAW_SCORES.ko}. 태그 차원에 대해 log_softmax 를 적용하세요.")


def check_log_probabilities(cls, name: str) -> None:
    model = build(cls, SIZES, name)
    scores = run(model, sentence_of(FIVE, SIZES[2], 15), name)
    problem = shape_problem(scores, FIVE, SIZES[3], name)
    if problem:
        raise CheckFailed(problem)
    problem = log_prob_problem(scores)
    if problem:
        fail(say(f"The tag scores of `{name}` for a {FIVE}-word sentence: {problem}",
                 f"단어 {FIVE}개짜리 문장에 대한 `{name}` 의 태그 점수: {problem}"), LOG_SOFTMAX_HINT)


def check_no_state_between_calls(cls, name: str) -> None:
    model = build(cls, SIZES, name)
    a, b = sentence_of(FIVE, SIZES[2], 21), sentence_of(FIVE, SIZES[2], 22)
    first = run(model, a, name)
    run(model, b, name)
    again = run(model, a, name)
    if not torch.allclose(first, again, atol=1e-6):
        fail(say(f"`{name}` gave different scores for the same sentence before and after another "
                 f"sentence: {STATE_CARRIED.en}.",
                 f"`{name}` 이(가) 같은 문장에 대해, 다른 문장을 처리하기 전과 후에 서로 다른 점수를 냈습니다: "
                 f"{STATE_CARRIED.ko}."), STATE_HINT)


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
    said = say(f"`{name}` gave the last word the same scores whatever the first word was: {IGNORES_CONTEXT.en}.",
               f"`{name}` 이(가) 첫 단어가 무엇이든 마지막 단어에 같은 점수를 냈습니다: {IGNORES_CONTEXT.ko}.")
    if not calls:
        return f"{said}\n{HINT}: {CONTEXT_HINT}"
    layer, shape = calls[0]
    kind = f"nn.{layer.mode}" if layer.mode in ("LSTM", "GRU") else say("recurrent layer", "순환 레이어")
    if len(calls) >= length:
        return say(f"{said} It {WORD_BY_WORD.en}, each from a fresh state.\n"
                   f"{HINT.en}: Run the {kind} once on the whole sentence: `embeds.view(len(sentence), 1, -1)`.",
                   f"{said} {WORD_BY_WORD.ko}. 단어마다 매번 새로운 상태에서 시작합니다.\n"
                   f"{HINT.ko}: {kind} 에 문장 전체를 한 번에 넣어 실행하세요: "
                   "`embeds.view(len(sentence), 1, -1)`.")
    if layer.batch_first and shape[:2] == (length, 1):
        return say(f"{said} Its {kind} {BATCH_FIRST.en}, so every word becomes a sequence of its own.\n"
                   f"{HINT.en}: Either drop `batch_first=True`, or feed `embeds.view(1, len(sentence), -1)`.",
                   f"{said} {kind} 에 {BATCH_FIRST.ko}. 그래서 단어 하나하나가 각각 별개의 시퀀스가 됩니다.\n"
                   f"{HINT.ko}: `batch_first=True` 를 빼거나, `embeds.view(1, len(sentence), -1)` 을 입력하세요.")
    if not layer.batch_first and shape[:2] == (1, length):
        return say(f"{said} The sentence {SENTENCE_AS_BATCH.en}, so the {kind} sees a batch of one-word "
                   f"sequences.\n{HINT.en}: Feed `embeds.view(len(sentence), 1, -1)` (sequence first), or "
                   "create the layer with `batch_first=True`.",
                   f"{said} 문장이 {SENTENCE_AS_BATCH.ko}. 그래서 {kind} 에는 문장이 단어 하나짜리 "
                   f"시퀀스들의 배치로 보입니다.\n{HINT.ko}: `embeds.view(len(sentence), 1, -1)` 처럼 "
                   "시퀀스 차원을 앞에 두어 입력하거나, 레이어를 `batch_first=True` 로 만드세요.")
    return f"{said}\n{HINT}: {CONTEXT_HINT}"


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


def with_cause(summary: str, cause: str | None, hint: str | Text) -> str:
    """A shortfall, followed by its diagnosed cause or, lacking one, a general hint."""
    return f"{summary}\n{LIKELY_CAUSE}: {cause}" if cause else f"{summary}\n{HINT}: {hint}"


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
                     T.CORPUS_EPOCHS, T.CORPUS_LR, hint=explain,
                     what=say(f"Training a `{name}` on the corpus", f"코퍼스로 `{name}` 을(를) 학습시키는 과정"))
    tagging = say(f"Tagging the hidden test sentences with a `{name}`",
                  f"`{name}` 이(가) held-out 테스트 문장에 태그를 붙이는 과정")
    return judged.heldout_accuracy(check, test_predictions(model, tagging))


def check_heldout_accuracy(cls, name: str, check: str) -> None:
    threshold = judged.bound(check)
    try:
        accuracy = heldout_accuracy(cls, name, check)
    except CheckFailed as failure:
        raise CheckFailed(diagnosis(cls, name) or str(failure)) from None
    if accuracy < threshold:
        baseline = data.BASELINE_TEST_ACCURACY
        raise CheckFailed(with_cause(
            say(f"Trained with the kit's loop ({T.CORPUS_EPOCHS} epochs, SGD lr={T.CORPUS_LR}), your "
                f"`{name}` tagged {accuracy:.1%} of the hidden test words correctly; at least "
                f"{threshold:.0%} is needed (a tagger that ignores context gets about {baseline:.0%}).",
                f"채점기의 자체 학습 루프 ({T.CORPUS_EPOCHS} epoch, SGD lr={T.CORPUS_LR}) 로 학습시킨 `{name}` 은(는) "
                f"held-out 테스트 문장의 단어 중 {accuracy:.1%} 의 태그를 맞혔습니다. {threshold:.0%} 이상을 "
                f"맞혀야 합니다 (문맥을 보지 않는 태거도 약 {baseline:.0%} 를 맞힙니다)."),
            diagnosis(cls, name),
            say("Check that the tag scores come from the recurrent layer's output for every word, "
                "and that they are log-probabilities.",
                "모든 단어의 태그 점수가 순환 레이어의 출력으로 계산되는지, 그리고 그 값이 로그 확률인지 "
                "확인하세요.")))
