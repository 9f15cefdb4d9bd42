"""Measure the spread of held-out test accuracy that backs the grading thresholds.

The hidden tests grade a student's LSTM and GRU taggers on the held-out test split by
checking that accuracy clears a bound (``autograder/checks/thresholds.py``), never by
comparing against one exact trained value: the result of training depends on the seed,
the thread count and the PyTorch build, so an exact value would fail correct work. A bound
is only fair if it holds for every seed a correct model might see and is out of reach of a
model that ignores context. This script measures both sides over many seeds:

* the reference ``LSTMTagger`` and ``GRUTagger`` (the lower side: their worst seed);
* a context-free tagger, embedding -> linear, trained the same way (the upper side: its
  best seed), along with the most-frequent-tag baseline for comparison.

It also measures the class test (a fresh reference ``LSTMTagger(6, 6, 9, 3)`` trained on the
tutorial's two sentences with the checks' loop must tag them all right): for each seed, the
fewest epochs after which it does, so the margin under ``CLASS_EPOCHS`` is seen.

It exits with status 1 if a threshold does not lie strictly between the context-free
maximum and the model minimum, or a seed's class run misses 100%, so it can be rerun
whenever the corpus, the training set-up or the thresholds change. ``--corpus-epochs`` and
``--class-epochs`` try other settings than the thresholds file's before they are written there.

Usage: ``python -m bench.measure_thresholds [--seeds 50] [--threads 1] [--corpus-epochs N] [--class-epochs N]``
"""

from __future__ import annotations

import argparse
import statistics
import sys

import torch
import torch.nn as nn
import torch.nn.functional as F
from tqdm import tqdm

from autograder.assignments.lstm_gru import data, heldout, reference
from autograder.assignments.lstm_gru.checks import thresholds, training


class ContextFreeTagger(nn.Module):
    """Sees one word at a time, so it cannot tell an ambiguous word's two roles apart.

    Its best seed is the most a context-ignoring submission could be expected to reach,
    which a threshold must stay above.
    """

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        # hidden_dim is accepted only so all three models share one constructor signature.
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.hidden2tag = nn.Linear(embedding_dim, tagset_size)

    def forward(self, sentence):
        return F.log_softmax(self.hidden2tag(self.word_embeddings(sentence)), dim=1)


MODELS = {
    "LSTM": reference.LSTMTagger,
    "GRU": reference.GRUTagger,
    "context-free": ContextFreeTagger,
}


def measure(seeds: int, epochs: int) -> dict[str, list[float]]:
    word_to_ix = data.build_word_to_ix(data.TRAIN)
    sizes = (
        thresholds.CORPUS_EMBEDDING_DIM,
        thresholds.CORPUS_HIDDEN_DIM,
        len(word_to_ix),
        len(data.TAG_TO_IX),
    )
    accuracies: dict[str, list[float]] = {name: [] for name in MODELS}
    with tqdm(total=seeds * len(MODELS), file=sys.stderr, unit="model") as progress:
        for seed in range(seeds):
            for name, model_class in MODELS.items():
                # Reseed before each model, as heldout_accuracy in checks/taggers.py does
                # with GRADING_SEED, so seed 0 here is exactly the graded run and no model's
                # initial weights depend on which models were built before it.
                torch.manual_seed(seed)
                model = model_class(*sizes)
                reference.train_tagger(
                    model,
                    data.TRAIN,
                    word_to_ix,
                    data.TAG_TO_IX,
                    epochs,
                    thresholds.CORPUS_LR,
                )
                accuracies[name].append(
                    reference.evaluate(model, heldout.TEST, word_to_ix, data.TAG_TO_IX)
                )
                progress.set_postfix(seed=seed, model=name)
                progress.update()
    return accuracies


def class_epochs_needed(seeds: int, most: int) -> list[int | None]:
    """Per seed: the fewest epochs (up to ``most``) after which the class test's fresh reference
    tagger, trained as the check trains it, tags both tutorial sentences right; None if never."""
    tutorial = data.TUTORIAL_TRAINING_DATA
    word_to_ix = data.build_word_to_ix(tutorial)
    needed = []
    for seed in tqdm(range(seeds), file=sys.stderr, unit="seed"):
        torch.manual_seed(seed)
        model = reference.LSTMTagger(6, 6, len(word_to_ix), len(data.TAG_TO_IX))
        first = None
        for epoch in range(1, most + 1):
            training.train(model, tutorial, word_to_ix, data.TAG_TO_IX, 1, thresholds.CLASS_LR)
            if training.token_accuracy(model, tutorial, word_to_ix, data.TAG_TO_IX) == 1.0:
                first = first or epoch
            else:
                first = None  # it must stay right until the last epoch
        needed.append(first)
    return needed


def report_bounds(accuracies: dict[str, list[float]], seeds: int, threads: int, epochs: int) -> bool:
    """Print the spread and whether each threshold lies strictly between the sides."""
    print(f"Test accuracy over {seeds} seeds ({threads} thread(s), {epochs} epochs at lr {thresholds.CORPUS_LR}):")
    for name, values in accuracies.items():
        print(f"  {name:<13} min {min(values):.3f}  mean {statistics.mean(values):.3f}  max {max(values):.3f}")
    print(f"  most-frequent-tag baseline: {heldout.baseline_accuracy(data.TRAIN, heldout.TEST):.3f}")
    print("Thresholds:")
    print(f"  LSTM_HELDOUT_THRESHOLD = {thresholds.LSTM_HELDOUT_THRESHOLD}")
    print(f"  GRU_HELDOUT_THRESHOLD = {thresholds.GRU_HELDOUT_THRESHOLD}")
    context_free_max = max(accuracies["context-free"])
    all_separate = True
    for name, threshold in (
        ("LSTM", thresholds.LSTM_HELDOUT_THRESHOLD),
        ("GRU", thresholds.GRU_HELDOUT_THRESHOLD),
    ):
        model_min = min(accuracies[name])
        # Strict on both sides: a tie would let a context-free model pass, or fail a
        # correct one, depending on the comparison operator the check uses.
        separates = context_free_max < threshold < model_min
        all_separate &= separates
        print(
            f"  {name}: context-free max {context_free_max:.3f} < {threshold} < "
            f"{name} min {model_min:.3f}: {'yes' if separates else 'NO'} "
            f"(margin below {threshold - context_free_max:+.3f}, "
            f"margin above {model_min - threshold:+.3f})"
        )
    return all_separate


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--seeds", type=int, default=50, help="seeds 0..N-1 (default 50)")
    parser.add_argument("--corpus-epochs", type=int, nargs="+", default=[thresholds.CORPUS_EPOCHS],
                        help=f"epochs of training on the corpus to measure, one or more "
                             f"(default {thresholds.CORPUS_EPOCHS})")
    parser.add_argument("--class-epochs", type=int, default=thresholds.CLASS_EPOCHS,
                        help=f"epochs of the class test's training (default {thresholds.CLASS_EPOCHS})")
    parser.add_argument(
        "--threads",
        type=int,
        default=1,
        help="torch threads (default 1, as the grader runs; results can shift with it)",
    )
    args = parser.parse_args()
    torch.set_num_threads(args.threads)

    all_separate = True
    for epochs in args.corpus_epochs:
        all_separate &= report_bounds(measure(args.seeds, epochs), args.seeds, args.threads, epochs)

    needed = class_epochs_needed(args.seeds, args.class_epochs)
    reached = [n for n in needed if n is not None]
    print(f"Class test ({args.class_epochs} epochs at lr {thresholds.CLASS_LR}, {args.seeds} seeds): "
          f"{len(reached)} of {args.seeds} seeds tag both sentences right from epoch "
          f"{max(reached) if reached else '-'} at the latest (median {statistics.median(reached) if reached else '-'})")
    all_separate &= len(reached) == args.seeds
    return 0 if all_separate else 1


if __name__ == "__main__":
    sys.exit(main())
