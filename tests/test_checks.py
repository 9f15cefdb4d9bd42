"""The hidden-test checks on the reference solution and on broken variants, without nbgrader.

Each sad path asserts the message a student reads."""

from __future__ import annotations

import re

import pytest
import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.assignments.lstm_gru import data, reference
from autograder.assignments.lstm_gru.checks import part1, part2, part3, taggers
from autograder.feedback import CheckFailed


@pytest.fixture(scope="module")
def part1_ns():
    torch.manual_seed(1)
    lstm = nn.LSTM(3, 3)
    inputs = [torch.randn(1, 3) for _ in range(5)]
    hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
    h0, c0 = hidden
    step_outs = []
    for i in inputs:
        out, hidden = lstm(i.view(1, 1, -1), hidden)
        step_outs.append(out)
    inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)
    out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
    return dict(lstm=lstm, inputs=inputs, hidden=hidden, h0=h0, c0=c0, step_outs=step_outs,
                inputs_seq=inputs_seq, out=out, h_n=h_n, c_n=c_n)


PART1_CHECKS = [part1.check_setup, part1.check_method1, part1.check_method2_shapes,
                part1.check_last_output_is_h_n, part1.check_methods_agree, part1.check_matches_lstm_equations]


@pytest.mark.parametrize("check", PART1_CHECKS, ids=lambda c: c.__name__)
def test_part1_checks_pass_on_the_tutorial_code(part1_ns, check):
    check(dict(part1_ns, hidden=part1_ns["hidden"] if check is not part1.check_setup else (part1_ns["h0"], part1_ns["c0"])))


def test_part1_accepts_inputs_reassigned_to_the_concatenated_tensor(part1_ns):
    ns = dict(part1_ns, inputs=part1_ns["inputs_seq"])  # the tutorial's own `inputs = torch.cat(...)`
    part1.check_matches_lstm_equations(ns)
    part1.check_method1(ns)


def test_swapped_h_n_and_c_n_is_named(part1_ns):
    ns = dict(part1_ns, h_n=part1_ns["c_n"], c_n=part1_ns["h_n"])
    with pytest.raises(CheckFailed, match=r"`out\[-1\]` equals `c_n`, not `h_n`"):
        part1.check_last_output_is_h_n(ns)


def test_redrawn_hidden_before_method_2_is_named(part1_ns):
    torch.manual_seed(5)
    out, (h_n, c_n) = part1_ns["lstm"](part1_ns["inputs_seq"], (torch.randn(1, 1, 3), torch.randn(1, 1, 3)))
    ns = dict(part1_ns, out=out, h_n=h_n, c_n=c_n)
    with pytest.raises(CheckFailed) as error:
        part1.check_methods_agree(ns)
    assert "Method 2's `out` compared with Method 1's outputs are not close" in str(error.value)
    assert "Mismatched elements:" in str(error.value)
    assert "draws a new random `hidden` before Method 2" in str(error.value)


def test_wrong_input_shape_is_named(part1_ns):
    with pytest.raises(CheckFailed, match=r"inputs\[0\] has shape \(3,\), expected \(1, 3\)"):
        part1.check_setup(dict(part1_ns, inputs=[torch.randn(3) for _ in range(5)]))


def test_missing_name_says_which_cell_to_run():
    with pytest.raises(CheckFailed, match=r"`step_outs` is not defined.\nHint: Run the cell of Part 1"):
        part1.check_methods_agree({"out": torch.zeros(5, 1, 3)})


def reference_ns():
    ns = {name: getattr(reference, name) for name in ("prepare_sequence", "LSTMTagger", "GRUTagger", "evaluate", "train_tagger")}
    ns["count_parameters"] = lambda m: sum(p.numel() for p in m.parameters())
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    torch.manual_seed(1)
    model = reference.LSTMTagger(6, 6, len(word_to_ix), 3)
    reference.train_tagger(model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX, epochs=300)
    ns["model"] = model
    corpus_ix = data.build_word_to_ix(data.TRAIN)
    corpus_model = reference.LSTMTagger(16, 16, len(corpus_ix), 3)
    reference.train_tagger(corpus_model, data.TRAIN, corpus_ix, data.TAG_TO_IX, epochs=15)
    ns["corpus_model"] = corpus_model
    return ns


@pytest.fixture(scope="module")
def solved_ns():
    return reference_ns()


PART23_CHECKS = [getattr(part2, n) for n in dir(part2) if n.startswith("check_")] + \
                [getattr(part3, n) for n in dir(part3) if n.startswith("check_")]


@pytest.mark.parametrize("check", PART23_CHECKS, ids=lambda c: f"{c.__module__.rsplit('.', 1)[1]}.{c.__name__}")
def test_part2_and_part3_checks_pass_on_the_reference(solved_ns, check):
    check(solved_ns)


def test_checks_write_nothing_to_stderr(solved_ns, capfd):
    class Chatty(reference.LSTMTagger):
        def forward(self, sentence):
            import sys
            import warnings
            print("forward!", file=sys.stderr)
            warnings.warn("a warning from student code")
            return super().forward(sentence)
    part2.check_class_learns(dict(solved_ns, LSTMTagger=Chatty))
    captured = capfd.readouterr()
    assert captured.err == "" and captured.out == ""


def tagger_with(forward_tail):
    """An LSTMTagger whose last step is ``forward_tail(tag_space)``."""
    class Variant(reference.LSTMTagger):
        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
            return forward_tail(self.hidden2tag(lstm_out.view(len(sentence), -1)))
    return Variant


@pytest.mark.parametrize("tail, expected", [
    (lambda s: F.log_softmax(s, dim=0), "log_softmax ran over dim=0"),
    (lambda s: F.softmax(s, dim=1), "these are probabilities (softmax), not log-probabilities"),
    (lambda s: s, "these look like raw scores"),
], ids=["dim0", "probabilities", "raw-logits"])
def test_wrong_normalisation_is_named(solved_ns, tail, expected):
    with pytest.raises(CheckFailed, match=re.escape(expected)):
        part2.check_log_probabilities(dict(solved_ns, LSTMTagger=tagger_with(tail)))


def test_batch_first_with_sequence_view_is_caught(solved_ns):
    class BatchFirstWrong(reference.LSTMTagger):
        def __init__(self, e, h, v, t):
            super().__init__(e, h, v, t)
            self.lstm = nn.LSTM(e, h, batch_first=True)
    # (len, 1, E) read as batch_first: every word becomes its own sequence, so no context.
    with pytest.raises(CheckFailed, match="without reading the words before it"):
        part2.check_uses_context(dict(solved_ns, LSTMTagger=BatchFirstWrong))


def test_batch_first_used_correctly_passes(solved_ns):
    class BatchFirstRight(reference.LSTMTagger):
        def __init__(self, e, h, v, t):
            super().__init__(e, h, v, t)
            self.lstm = nn.LSTM(e, h, batch_first=True)

        def forward(self, sentence):
            out, _ = self.lstm(self.word_embeddings(sentence).unsqueeze(0))
            return F.log_softmax(self.hidden2tag(out.squeeze(0)), dim=1)
    ns = dict(solved_ns, LSTMTagger=BatchFirstRight)
    for check in (part2.check_shapes, part2.check_uses_context, part2.check_no_state_between_calls,
                  part2.check_log_probabilities):
        check(ns)


def test_state_carried_between_calls_is_named(solved_ns):
    class Stateful(reference.LSTMTagger):
        state = None

        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            out, self.state = self.lstm(embeds.view(len(sentence), 1, -1), self.state)
            self.state = tuple(s.detach() for s in self.state)
            return F.log_softmax(self.hidden2tag(out.view(len(sentence), -1)), dim=1)
    with pytest.raises(CheckFailed, match=taggers.STATE_CARRIED.en):
        part2.check_no_state_between_calls(dict(solved_ns, LSTMTagger=Stateful))


def test_hard_coded_length_is_named(solved_ns):
    with pytest.raises(CheckFailed, match=r"works for sentences of 5 words but not of 1, 2, 4, 6, 7, 11 words: "
                                          + re.escape(taggers.HARD_CODED_LENGTH.en)):
        part2.check_shapes(dict(solved_ns, LSTMTagger=tagger_with(lambda s: F.log_softmax(s.view(5, -1), dim=1))))


def test_float_prepare_sequence_is_named(solved_ns):
    def prepare_sequence(seq, to_ix):
        return torch.tensor([to_ix[w] for w in seq], dtype=torch.float)
    with pytest.raises(CheckFailed, match=r"has dtype torch.float32, expected torch.int64"):
        part2.check_prepare_sequence(dict(solved_ns, prepare_sequence=prepare_sequence))


def test_context_free_tagger_fails_heldout_with_the_baseline_named(solved_ns):
    class ContextFree(nn.Module):
        def __init__(self, e, h, v, t):
            super().__init__()
            self.emb, self.out = nn.Embedding(v, e), nn.Linear(e, t)

        def forward(self, sentence):
            return F.log_softmax(self.out(self.emb(sentence)), dim=1)
    ns = dict(solved_ns, LSTMTagger=ContextFree)
    with pytest.raises(CheckFailed, match="a tagger that ignores context gets about 89%"):
        part2.check_heldout_accuracy(ns)
    with pytest.raises(CheckFailed, match="contains no nn.LSTM layer"):
        part2.check_recurrent_layer(ns)


def test_training_loop_without_step_is_named(solved_ns):
    def train_tagger(model, data_, word_to_ix, tag_to_ix, epochs, lr=0.1):
        losses = []
        for _ in range(epochs):
            for sentence, tags in data_:
                model.zero_grad()
                loss = F.nll_loss(model(reference.prepare_sequence(sentence, word_to_ix)),
                                  reference.prepare_sequence(tags, tag_to_ix))
                loss.backward()
            losses.append(loss.item())
        return losses
    with pytest.raises(CheckFailed, match=re.escape(part2.NO_STEP.en)):
        part2.check_train_tagger(dict(solved_ns, train_tagger=train_tagger))


def test_untrained_model_is_named(solved_ns):
    torch.manual_seed(3)
    with pytest.raises(CheckFailed, match=r"After your training loop, `model` tags \d+% .* expected 100%"):
        part2.check_trained_model(dict(solved_ns, model=reference.LSTMTagger(6, 6, 9, 3)))


def test_wrong_accuracy_is_named(solved_ns):
    with pytest.raises(CheckFailed, match="`evaluate` on the dev sentences returned"):
        part2.check_evaluate(dict(solved_ns, evaluate=lambda *a: 1.0))


def test_gru_unpacking_h_c_is_named(solved_ns):
    class TupleGRU(reference.GRUTagger):
        def forward(self, sentence):
            gru_out, (h, c) = self.gru(self.word_embeddings(sentence).view(len(sentence), 1, -1))
            return F.log_softmax(self.hidden2tag(gru_out.view(len(sentence), -1)), dim=1)
    with pytest.raises(CheckFailed) as error:
        part3.check_hidden_state(dict(solved_ns, GRUTagger=TupleGRU))
    assert "raised ValueError: not enough values to unpack" in str(error.value)
    assert "h_n is a single tensor, not an `(h, c)` tuple" in str(error.value)


def test_gru_still_built_on_lstm_is_named(solved_ns):
    with pytest.raises(CheckFailed, match="`GRUTagger` still contains an nn.LSTM layer"):
        part3.check_recurrent_layer(dict(solved_ns, GRUTagger=reference.LSTMTagger))


def test_gru_under_the_attribute_name_lstm_passes(solved_ns):
    class RenamedGRU(reference.GRUTagger):
        def __init__(self, e, h, v, t):
            super().__init__(e, h, v, t)
            self.lstm = self.gru
            del self.gru

        def forward(self, sentence):
            out, _ = self.lstm(self.word_embeddings(sentence).view(len(sentence), 1, -1))
            return F.log_softmax(self.hidden2tag(out.view(len(sentence), -1)), dim=1)
    ns = dict(solved_ns, GRUTagger=RenamedGRU)
    for check in (part3.check_recurrent_layer, part3.check_hidden_state, part3.check_parameter_count, part3.check_shapes):
        check(ns)


def test_part3_does_not_need_part2(solved_ns):
    """An empty Part 2 stub costs nothing in Part 3: only GRUTagger and count_parameters are read."""
    def stub(*args, **kwargs):
        raise NotImplementedError()
    ns = {"GRUTagger": reference.GRUTagger, "count_parameters": solved_ns["count_parameters"],
          "LSTMTagger": stub, "prepare_sequence": stub, "train_tagger": stub, "evaluate": stub}
    for name in dir(part3):
        if name.startswith("check_"):
            getattr(part3, name)(ns)


def test_stub_reports_not_implemented(solved_ns):
    class Stub(nn.Module):
        def __init__(self, *args):
            super().__init__()
            raise NotImplementedError()
    with pytest.raises(CheckFailed, match=r"`LSTMTagger\(6, 6, 9, 3\)` is not implemented yet"):
        part2.check_shapes(dict(solved_ns, LSTMTagger=Stub))


@pytest.mark.parametrize("layer", [nn.LSTM(5, 7), nn.GRU(5, 7), nn.GRU(4, 6, num_layers=2, bidirectional=True),
                                   nn.LSTM(3, 3, bias=False)], ids=repr)
def test_recurrent_parameter_formula_matches_pytorch(layer):
    assert part3.recurrent_parameter_count(layer) == sum(p.numel() for p in layer.parameters())


# Diagnosis: the cause behind a failure, named in the student's terms.

def test_transposed_scores_are_named(solved_ns):
    with pytest.raises(CheckFailed, match=re.escape(taggers.TRANSPOSED.en)):
        part2.check_shapes(dict(solved_ns, LSTMTagger=tagger_with(lambda s: F.log_softmax(s, dim=1).t())))


def test_an_untrained_accuracy_failure_names_the_tagger_problem(solved_ns):
    with pytest.raises(CheckFailed) as error:
        part2.check_class_learns(dict(solved_ns, LSTMTagger=tagger_with(lambda s: s)))
    assert "Likely cause:" in str(error.value) and taggers.RAW_SCORES.en in str(error.value)


def test_the_older_tutorial_style_with_init_hidden_passes(solved_ns):
    class OlderStyle(reference.LSTMTagger):
        def __init__(self, *sizes):
            super().__init__(*sizes)
            self.hidden = self.init_hidden()

        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            lstm_out, self.hidden = self.lstm(embeds.view(len(sentence), 1, -1), self.hidden)
            return F.log_softmax(self.hidden2tag(lstm_out.view(len(sentence), -1)), dim=1)
    ns = dict(solved_ns, LSTMTagger=OlderStyle)
    for check in (part2.check_shapes, part2.check_no_state_between_calls, part2.check_uses_context,
                  part2.check_class_learns):
        check(ns)


def test_word_by_word_and_sentence_as_batch_are_told_apart(solved_ns):
    class WordByWord(reference.LSTMTagger):
        def forward(self, sentence):
            embeds = self.word_embeddings(sentence)
            out = torch.cat([self.lstm(e.view(1, 1, -1))[0] for e in embeds])
            return F.log_softmax(self.hidden2tag(out.view(len(sentence), -1)), dim=1)

    class AsBatch(reference.LSTMTagger):
        def forward(self, sentence):
            out, _ = self.lstm(self.word_embeddings(sentence).view(1, len(sentence), -1))
            return F.log_softmax(self.hidden2tag(out.view(len(sentence), -1)), dim=1)
    for cls, words in ((WordByWord, taggers.WORD_BY_WORD.en), (AsBatch, taggers.SENTENCE_AS_BATCH.en)):
        with pytest.raises(CheckFailed) as error:
            part2.check_uses_context(dict(solved_ns, LSTMTagger=cls))
        assert taggers.IGNORES_CONTEXT.en in str(error.value) and words in str(error.value)


def _train_tagger_without(step: bool = True, zero_grad: bool = True):
    def train_tagger(model, data_, word_to_ix, tag_to_ix, epochs, lr=0.1):
        optimizer = torch.optim.SGD(model.parameters(), lr=lr)
        losses = []
        for _ in range(epochs):
            total = 0.0
            for sentence, tags in data_:
                if zero_grad:
                    model.zero_grad()
                loss = F.nll_loss(model(prepare_sequence(sentence, word_to_ix)), prepare_sequence(tags, tag_to_ix))
                loss.backward()
                if step:
                    optimizer.step()
                total += loss.item()
            losses.append(total / len(data_))
        return losses
    prepare_sequence = reference.prepare_sequence
    return train_tagger


def test_gradients_piling_up_are_named(solved_ns):
    with pytest.raises(CheckFailed, match=re.escape(part2.ZERO_GRAD.en)):
        part2.check_train_tagger(dict(solved_ns, train_tagger=_train_tagger_without(zero_grad=False)))


def test_a_model_whose_step_was_skipped_is_recognised():
    word_to_ix = data.build_word_to_ix(data.TUTORIAL_TRAINING_DATA)
    torch.manual_seed(0)
    model = reference.LSTMTagger(6, 6, len(word_to_ix), 3)
    _train_tagger_without(step=False)(model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX, 3)
    assert part2.step_was_skipped(model, data.TUTORIAL_TRAINING_DATA)
    _train_tagger_without()(model, data.TUTORIAL_TRAINING_DATA, word_to_ix, data.TAG_TO_IX, 3)
    assert not part2.step_was_skipped(model, data.TUTORIAL_TRAINING_DATA)


def test_a_float_prepare_sequence_is_named_where_train_tagger_calls_it(solved_ns):
    def prepare_sequence(seq, to_ix):
        return torch.tensor([to_ix[w] for w in seq], dtype=torch.float)
    ns = dict(solved_ns, prepare_sequence=prepare_sequence)
    # Defined as in a notebook, so that it reads prepare_sequence from its namespace.
    namespace = {"prepare_sequence": prepare_sequence, "torch": torch, "F": F}
    exec(compile(
        "def train_tagger(model, data_, word_to_ix, tag_to_ix, epochs, lr=0.1):\n"
        "    optimizer = torch.optim.SGD(model.parameters(), lr=lr)\n"
        "    losses = []\n"
        "    for _ in range(epochs):\n"
        "        for sentence, tags in data_:\n"
        "            model.zero_grad()\n"
        "            loss = F.nll_loss(model(prepare_sequence(sentence, word_to_ix)), prepare_sequence(tags, tag_to_ix).long())\n"
        "            loss.backward()\n"
        "            optimizer.step()\n"
        "        losses.append(loss.item())\n"
        "    return losses\n", "<notebook>", "exec"), namespace)
    ns["train_tagger"] = namespace["train_tagger"]
    with pytest.raises(CheckFailed) as error:
        part2.check_train_tagger(ns)
    assert part2.PREPARE_CAUSE.en in str(error.value) and part2.PREPARE_DTYPE.en in str(error.value)
    assert namespace["prepare_sequence"] is prepare_sequence  # the student's function is put back


def test_a_percentage_from_evaluate_is_named(solved_ns):
    def evaluate(model, data_, word_to_ix, tag_to_ix):
        return 100 * reference.evaluate(model, data_, word_to_ix, tag_to_ix)
    with pytest.raises(CheckFailed, match=re.escape(part2.EVAL_PERCENT.en)):
        part2.check_evaluate(dict(solved_ns, evaluate=evaluate))


def test_tensor_comparison_checks_dtype_before_values():
    from autograder.feedback import assert_close
    with pytest.raises(CheckFailed, match=r"`x` has dtype torch.float64, expected torch.float32"):
        assert_close(torch.zeros(2, dtype=torch.float64), torch.zeros(2), "`x`")
