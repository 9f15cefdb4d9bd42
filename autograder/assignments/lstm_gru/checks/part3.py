"""Part 3: the GRU swap. Only ``GRUTagger`` and ``count_parameters`` come from the student;
data, training loop and evaluation are the kit's, so Part 2's stubs cannot cost these points."""

from __future__ import annotations

import torch
import torch.nn as nn

from autograder.assignments.lstm_gru.checks import taggers
from autograder.feedback import assert_tensor, call_student, fail, need, quiet
from autograder.language import Text, say

WHERE = "Part 3"
NAME = "GRUTagger"
SIZES = (5, 7, 11, 3)

# What the student reads; each names one mistake of the catalogue (autograder/mistakes.py).
STILL_LSTM = Text("`GRUTagger` still contains an nn.LSTM layer", "`GRUTagger` 에 아직 nn.LSTM 레이어가 있습니다")
COUNT_TENSORS = Text("counted the parameter tensors, not the numbers in them",
                     "파라미터 안의 값이 아니라 파라미터 텐서의 개수를 셌습니다")
STILL_LSTM_HINT = Text("Replace `nn.LSTM(...)` with `nn.GRU(...)`; the attribute name does not matter.",
                       "`nn.LSTM(...)` 을 `nn.GRU(...)` 로 바꾸세요. 속성 이름은 상관없습니다.")


def _tagger(ns):
    return need(ns, NAME, WHERE)


def _layers(model, kind):
    return [m for m in model.modules() if isinstance(m, kind)]


def recurrent_parameter_count(layer: nn.RNNBase) -> int:
    """Parameters of an nn.LSTM or nn.GRU from its own attributes: G gate blocks of
    H·(I + H + 2) per layer and direction (two bias vectors), G = 4 for LSTM, 3 for GRU."""
    gates = {"LSTM": 4, "GRU": 3}[layer.mode]
    directions = 2 if layer.bidirectional else 1
    hidden, total = layer.hidden_size, 0
    for index in range(layer.num_layers):
        size_in = layer.input_size if index == 0 else hidden * directions
        per_direction = gates * hidden * (size_in + hidden + (2 if layer.bias else 0))
        total += per_direction * directions
    return total


def check_shapes(ns) -> None:
    cls = _tagger(ns)
    taggers.check_shapes(cls, NAME)
    taggers.check_log_probabilities(cls, NAME)


def _gru_layer(model) -> nn.GRU:
    """The model's nn.GRU; a failure that names an nn.LSTM left in its place."""
    if _layers(model, nn.LSTM):
        fail(f"{STILL_LSTM}.", STILL_LSTM_HINT)
    grus = _layers(model, nn.GRU)
    if not grus:
        fail(say("`GRUTagger` contains no nn.GRU layer.", "`GRUTagger` 에 nn.GRU 레이어가 없습니다."),
             say("Create `nn.GRU(embedding_dim, hidden_dim)` in `__init__`.",
                 "`__init__` 에서 `nn.GRU(embedding_dim, hidden_dim)` 을 만드세요."))
    return grus[0]


def check_recurrent_layer(ns) -> None:
    _gru_layer(taggers.build(_tagger(ns), SIZES, NAME))


def check_hidden_state(ns) -> None:
    model = taggers.build(_tagger(ns), SIZES, NAME)
    gru = _gru_layer(model)
    length = 6
    x = torch.randn(1, length, gru.input_size) if gru.batch_first else torch.randn(length, 1, gru.input_size)
    with quiet():
        _, h_n = call_student(gru, x, what=say("The nn.GRU layer of `GRUTagger`", "`GRUTagger` 의 nn.GRU 레이어"))
    directions = 2 if gru.bidirectional else 1
    assert_tensor(h_n, say("The GRU's final hidden state", "GRU 의 마지막 hidden state"),
                  shape=(gru.num_layers * directions, 1, gru.hidden_size),
                  hint=say(f"nn.GRU returns `(output, h_n)`; {taggers.GRU_HC}.",
                           f"nn.GRU 는 `(output, h_n)` 을 반환합니다. {taggers.GRU_HC}."))
    taggers.run(model, torch.arange(length) % SIZES[2], NAME)  # a forward that unpacks (h, c) fails here


def check_parameter_count(ns) -> None:
    count_parameters = need(ns, "count_parameters", WHERE)
    model = taggers.build(_tagger(ns), SIZES, NAME)
    expected_total = sum(p.numel() for p in model.parameters())
    got = call_student(count_parameters, model, what="`count_parameters(model)`")
    if got != expected_total:
        said = say(f"`count_parameters` returned {got!r} for a `GRUTagger{SIZES}`; "
                   f"its parameters hold {expected_total} numbers",
                   f"`GRUTagger{SIZES}` 에 대한 `count_parameters` 의 반환값이 {got!r} 입니다. "
                   f"이 모델의 파라미터에 든 값은 {expected_total} 개입니다")
        if got == len(list(model.parameters())):
            fail(say(f"{said}: you {COUNT_TENSORS}.", f"{said}. {COUNT_TENSORS}."),
                 say("Sum `p.numel()` over `model.parameters()`.",
                     "`model.parameters()` 전체에 대해 `p.numel()` 을 더하세요."))
        fail(f"{said}.", say("Sum `p.numel()` over `model.parameters()`.",
                             "`model.parameters()` 전체에 대해 `p.numel()` 을 더하세요."))
    gru = _gru_layer(model)
    embedding_dim, hidden_dim = SIZES[0], SIZES[1]
    if (gru.input_size, gru.hidden_size) != (embedding_dim, hidden_dim):
        fail(say(f"In `GRUTagger{SIZES}` the GRU has input_size={gru.input_size} and hidden_size="
                 f"{gru.hidden_size}; expected embedding_dim={embedding_dim} and hidden_dim={hidden_dim}.",
                 f"`GRUTagger{SIZES}` 의 GRU 는 input_size={gru.input_size}, hidden_size={gru.hidden_size} "
                 f"입니다. 각각 embedding_dim={embedding_dim}, hidden_dim={hidden_dim} 이어야 합니다."))
    counted = sum(p.numel() for p in gru.parameters())
    if counted != recurrent_parameter_count(gru):
        fail(say(f"The GRU layer holds {counted} parameters; 3·H·(I+H+2) = {recurrent_parameter_count(gru)} expected.",
                 f"GRU 레이어의 파라미터 수는 3·H·(I+H+2) = {recurrent_parameter_count(gru)} 개여야 하는데 "
                 f"{counted} 개입니다."))


def check_heldout_accuracy(ns) -> None:
    taggers.check_heldout_accuracy(_tagger(ns), NAME, "p3_heldout")
