"""The catalogue of realistic mistakes: what each one costs and what the student reads.

Every entry names the autograded tests the mistake must cost (exactly those: a mistake
never costs the tests of another behaviour) and the words of the message that name it,
taken from the checks' own constants, each in English and in Korean (the Korean edition's
messages name the mistake in Korean words). ``tests/labelled/`` holds at least one submission
per entry and proves both through real ``nbgrader autograde``; the README's table of
mistakes is :func:`markdown_table`.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.language import Text

from autograder.assignments.lstm_gru.checks import part1, part2, part3, taggers
from autograder.feedback import NOT_DEFINED, NOT_IMPLEMENTED


@dataclass(frozen=True)
class Mistake:
    key: str
    what: str                # what the student did
    tests: tuple[str, ...]   # the autograded tests it costs, in notebook order
    says: tuple[Text, ...]   # a message names the mistake when it holds one of these

    def named_in(self, message: str, language: str = "en") -> bool:
        """Whether ``message`` (written in ``language``) holds the words that name this mistake."""
        return any(words.in_language(language) in message for words in self.says)


def _p(*names: str) -> tuple[str, ...]:
    return tuple(f"test_{name}" for name in names)


PART1_TESTS = _p("p1_setup", "p1_method1", "p1_method2_shapes", "p1_last_output", "p1_methods_agree", "p1_equations")
PART2_TESTS = _p("p2_prepare_sequence", "p2_shapes", "p2_log_probabilities", "p2_recurrent_layer", "p2_no_state",
                 "p2_uses_context", "p2_trained_model", "p2_class_learns", "p2_evaluate", "p2_train_tagger",
                 "p2_heldout_accuracy", "p2_corpus_model")
# A broken forward pass costs the tests that train or run the tagger, besides its own.
TRAINED = _p("p2_trained_model", "p2_class_learns", "p2_heldout_accuracy", "p2_corpus_model")
# prepare_sequence is called by every later function of Part 2; each test that runs it in
# the notebook names it as the cause.
USES_PREPARE = _p("p2_prepare_sequence", "p2_trained_model", "p2_evaluate", "p2_train_tagger", "p2_corpus_model")
NOT_WRITTEN = (NOT_IMPLEMENTED, NOT_DEFINED)

CATALOGUE = [
    # Part 1
    Mistake("p1_inputs_shape", "`inputs` built with the wrong shape, e.g. `torch.randn(3)`",
            _p("p1_setup"), (part1.INPUT_SHAPE,)),
    Mistake("p1_out_one_step", "`out` taken from one step only (Method 2 written as another loop)",
            _p("p1_method2_shapes", "p1_methods_agree", "p1_equations"), (part1.OUT_ONE_STEP,)),
    Mistake("p1_swapped_state", "`h_n` and `c_n` swapped: `out, (c_n, h_n) = lstm(...)`",
            _p("p1_last_output", "p1_methods_agree", "p1_equations"), (part1.SWAPPED,)),
    Mistake("p1_hidden_redrawn", "`hidden` re-drawn between Method 1 and Method 2, as the tutorial does",
            _p("p1_methods_agree", "p1_equations"), (part1.REDRAWN,)),
    Mistake("p1_method2_from_zeros", "Method 2 called without a state: `lstm(inputs_seq)`",
            _p("p1_methods_agree", "p1_equations"), (part1.FROM_ZEROS,)),
    Mistake("p1_state_not_passed", "Method 1 does not pass each step's state on to the next",
            _p("p1_method1", "p1_methods_agree"), (part1.STATE_NOT_PASSED,)),
    Mistake("p1_not_attempted", "Part 1 left as released", PART1_TESTS, NOT_WRITTEN),
    # Part 2: prepare_sequence
    Mistake("p2_prepare_dtype", "`prepare_sequence` returns a float tensor", USES_PREPARE, (part2.PREPARE_DTYPE,)),
    Mistake("p2_prepare_shape", "`prepare_sequence` returns a (1, n) tensor: `torch.tensor([idxs])`",
            USES_PREPARE, (part2.PREPARE_SHAPE,)),
    # Part 2: the tagger
    Mistake("batch_first_mismatch", "`batch_first=True` combined with `view(len(sentence), 1, -1)`",
            _p("p2_uses_context", "p2_heldout_accuracy", "p2_corpus_model"), (taggers.BATCH_FIRST,)),
    Mistake("ignores_context", "a tagger that ignores context: the sentence fed as a batch of one-word "
            "sequences, or word by word from a fresh state",
            _p("p2_uses_context", "p2_heldout_accuracy", "p2_corpus_model"), (taggers.IGNORES_CONTEXT,)),
    Mistake("log_softmax_dim", "`log_softmax` over the wrong dimension (`dim=0`)",
            _p("p2_log_probabilities"), (taggers.LOG_SOFTMAX_DIM,)),
    # A softmax tagger still learns two sentences (maximising probabilities works too), so the
    # class test passes; the model trained in the notebook and the held-out ones do not.
    Mistake("probabilities", "probabilities (`F.softmax`) returned instead of log-probabilities",
            _p("p2_log_probabilities", "p2_trained_model", "p2_heldout_accuracy", "p2_corpus_model"),
            (taggers.PROBABILITIES,)),
    Mistake("raw_scores", "raw scores (`tag_space`) returned instead of log-probabilities",
            _p("p2_log_probabilities") + TRAINED, (taggers.RAW_SCORES,)),
    Mistake("transposed_scores", "the scores returned transposed, one row per tag",
            _p("p2_shapes", "p2_log_probabilities") + TRAINED, (taggers.TRANSPOSED,)),
    Mistake("hard_coded_length", "a hard-coded sentence length: `embeds.view(5, 1, -1)`",
            _p("p2_shapes") + TRAINED, (taggers.HARD_CODED_LENGTH,)),
    Mistake("state_carried", "`self.hidden` carried from one call to the next (detached)",
            _p("p2_no_state"), (taggers.STATE_CARRIED,)),
    Mistake("state_carried_graph", "`self.hidden` carried from one call to the next, not detached: "
            "'backward through the graph a second time'", _p("p2_no_state") + TRAINED, (taggers.STATE_CARRIED,)),
    # Part 2: training
    Mistake("loop_no_step", "no `optimizer.step()` in the 2.3 training loop", _p("p2_trained_model"), (part2.NO_STEP,)),
    Mistake("train_no_step", "no `optimizer.step()` in `train_tagger`",
            _p("p2_train_tagger", "p2_corpus_model"), (part2.NO_STEP,)),
    Mistake("train_no_zero_grad", "no `zero_grad()` in `train_tagger`: gradients pile up and training diverges",
            _p("p2_train_tagger", "p2_corpus_model"), (part2.ZERO_GRAD,)),
    Mistake("train_returns_early", "`return losses` inside the epoch loop: one epoch only",
            _p("p2_train_tagger", "p2_corpus_model"), (part2.TOO_FEW_EPOCHS,)),
    Mistake("corpus_never_trained", "`corpus_model` never trained (zero epochs: another model was trained)",
            _p("p2_corpus_model"), (part2.NEVER_TRAINED,)),
    Mistake("evaluate_sentence_mean", "`evaluate` averages the sentences' accuracies instead of counting words",
            _p("p2_evaluate"), (part2.EVAL_SENTENCE_MEAN,)),
    Mistake("evaluate_percent", "`evaluate` returns a percentage", _p("p2_evaluate"), (part2.EVAL_PERCENT,)),
    Mistake("p2_not_attempted", "Part 2 left as released", PART2_TESTS, NOT_WRITTEN),
    # Part 3
    Mistake("gru_hc_unpacked", "`(h, c)` unpacked from a GRU: `gru_out, (h, c) = self.gru(...)`",
            _p("p3_shapes", "p3_hidden_state", "p3_heldout_accuracy"), (taggers.GRU_HC,)),
    Mistake("gru_still_lstm", "the GRU part still built on `nn.LSTM`",
            _p("p3_recurrent_layer", "p3_hidden_state", "p3_parameter_count"), (part3.STILL_LSTM,)),
    Mistake("count_tensors", "`count_parameters` counts tensors: `len(list(model.parameters()))`",
            _p("p3_parameter_count"), (part3.COUNT_TENSORS,)),
    Mistake("gru_raw_scores", "the GRU tagger returns raw scores", _p("p3_shapes", "p3_heldout_accuracy"),
            (taggers.RAW_SCORES,)),
    Mistake("gru_batch_first", "`batch_first=True` on the GRU with `view(len(sentence), 1, -1)`",
            _p("p3_heldout_accuracy"), (taggers.BATCH_FIRST,)),
]
BY_KEY = {mistake.key: mistake for mistake in CATALOGUE}


def markdown_table() -> str:
    """The README's table: each mistake, the tests it costs, and the words the student reads."""
    rows = ["| mistake | tests that catch it | the message says |", "|---|---|---|"]
    for mistake in CATALOGUE:
        tests = {PART1_TESTS: "all of Part 1", PART2_TESTS: "all of Part 2"}.get(
            mistake.tests, ", ".join(t.removeprefix("test_") for t in mistake.tests))
        says = " / ".join(f"“{words.en}”" for words in mistake.says)
        rows.append(f"| {mistake.what} | {tests} | {says} |")
    return "\n".join(rows)
