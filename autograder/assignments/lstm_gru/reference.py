"""The kit's reference solution: what the solution notebook implements, in the tutorial's own words.

Used on the grader's side only (the benchmark, the bound measurements, the kit's tests); it is
never loaded where student code runs, so no notebook can import it. The checks train and
measure with :mod:`autograder.assignments.lstm_gru.checks.training`, which holds no tagger.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F

from autograder.assignments.lstm_gru.checks import training
from autograder.assignments.lstm_gru.checks.training import lstm_by_equations, reset_state  # noqa: F401 - the kit's API
from autograder.assignments.lstm_gru.data import Sentence


prepare_sequence = training.indices


class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def init_hidden(self):
        """The older tutorial's API. This model starts every sentence from zeros anyway; the
        method is there so that a student's loop calling ``model.init_hidden()`` works with it."""
        return (torch.zeros(1, 1, self.hidden_dim), torch.zeros(1, 1, self.hidden_dim))

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        return F.log_softmax(tag_space, dim=1)


class GRUTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def init_hidden(self):
        return torch.zeros(1, 1, self.hidden_dim)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        gru_out, _ = self.gru(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(gru_out.view(len(sentence), -1))
        return F.log_softmax(tag_space, dim=1)


def train_tagger(model, data: list[Sentence], word_to_ix, tag_to_ix, epochs=30, lr=0.1):
    """The tutorial's loop (NLLLoss, SGD, one sentence a step); mean loss per epoch."""
    return training.train(model, data, word_to_ix, tag_to_ix, epochs, lr)


predict = training.predict
evaluate = training.token_accuracy
