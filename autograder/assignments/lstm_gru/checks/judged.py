"""The held-out checks of this assignment, decided on the grader's side (:mod:`autograder.engine.judge`).

Each check trains the student's tagger and has it tag the test sentences (their words are
public); the tags they are scored against (:mod:`autograder.assignments.lstm_gru.heldout`)
are loaded only by :func:`score`, which the kit's workers run in a process of their own.
"""

from __future__ import annotations

from types import MappingProxyType

from autograder.assignments.lstm_gru.checks import thresholds as T
from autograder.engine import judge

# check -> (the test cell it decides, the accuracy it must reach). Read-only: a notebook's
# process cannot lower a bound in place (replacing the table is something the guard puts back).
JUDGED = MappingProxyType({
    "p2_heldout": ("test_p2_heldout_accuracy", T.LSTM_HELDOUT_THRESHOLD),
    "p2_corpus_model": ("test_p2_corpus_model", T.LSTM_HELDOUT_THRESHOLD),
    "p3_heldout": ("test_p3_heldout_accuracy", T.GRU_HELDOUT_THRESHOLD),
})


def bound(check: str) -> float:
    return JUDGED[check][1]


def score(check: str, predictions) -> float:
    """The share of the hidden test words that ``predictions`` tag right (grader's side only)."""
    from autograder.assignments.lstm_gru import heldout

    return heldout.accuracy(predictions)


def heldout_accuracy(check: str, predictions: list[list[int]]) -> float:
    """What the grader measures for ``check``'s predictions (asked, under the kit's workers)."""
    return judge.ask(check, predictions, score)
