"""The kit's reference solution pieces.

Hidden tests of a later part use these for whatever an earlier part provides, so that an
empty stub in Part 2 costs only Part 2's points. They are also what the solution notebook
implements, in the tutorial's own words.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from autograder.data import Sentence


def reset_state(model: nn.Module) -> None:
    """Start a sentence from a fresh state in the older tutorial's style, where a model keeps
    ``self.hidden`` and offers ``init_hidden()``; a model without one is left alone."""
    init_hidden = getattr(model, "init_hidden", None)
    if callable(init_hidden):
        model.hidden = init_hidden()


def prepare_sequence(seq: list[str], to_ix: dict[str, int]) -> torch.Tensor:
    return torch.tensor([to_ix[w] for w in seq], dtype=torch.long)


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
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for sentence, tags in data:
            model.zero_grad()
            reset_state(model)
            tag_scores = model(prepare_sequence(sentence, word_to_ix))
            loss = loss_function(tag_scores, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(data))
    return losses


def predict(model, words: list[str], word_to_ix) -> list[int]:
    with torch.no_grad():
        reset_state(model)
        return model(prepare_sequence(words, word_to_ix)).argmax(dim=1).tolist()


def evaluate(model, data: list[Sentence], word_to_ix, tag_to_ix) -> float:
    """Fraction of tokens whose highest-scoring tag is the gold tag."""
    correct = total = 0
    for words, tags in data:
        predicted = predict(model, words, word_to_ix)
        gold = [tag_to_ix[t] for t in tags]
        correct += sum(p == g for p, g in zip(predicted, gold))
        total += len(gold)
    return correct / total


def lstm_by_equations(lstm: nn.LSTM, inputs: torch.Tensor, h0: torch.Tensor, c0: torch.Tensor):
    """One-layer LSTM written out gate by gate (PyTorch's i, f, g, o order).

    Returns ``out`` of shape (seq_len, 1, H) and ``(h_n, c_n)``, each (1, 1, H): what
    ``nn.LSTM`` must give with the same weights, computed without calling it.
    """
    w_ih, w_hh = lstm.weight_ih_l0.detach(), lstm.weight_hh_l0.detach()
    b = (lstm.bias_ih_l0 + lstm.bias_hh_l0).detach() if lstm.bias else 0.0
    h, c = h0.detach().reshape(1, -1), c0.detach().reshape(1, -1)
    outs = []
    for x in inputs.detach().reshape(inputs.shape[0], -1):
        gates = x.reshape(1, -1) @ w_ih.T + h @ w_hh.T + b
        i, f, g, o = gates.chunk(4, dim=1)
        c = torch.sigmoid(f) * c + torch.sigmoid(i) * torch.tanh(g)
        h = torch.sigmoid(o) * torch.tanh(c)
        outs.append(h)
    out = torch.stack(outs)  # (seq_len, 1, H)
    return out, (h.unsqueeze(0), c.unsqueeze(0))
