"""What the checks train and measure a student's model with: the tutorial's loop, prediction,
token accuracy, the LSTM equations, and a small model of the checks' own.

Hidden tests of a later part use these for whatever an earlier part provides, so that an
empty stub in Part 2 costs only Part 2's points. They live here, not in
:mod:`autograder.assignments.lstm_gru.reference` (the kit's solution), because the checks run in the process of
the student's code: nothing loaded there is a solution of a tagger. The checks' own model,
:class:`WordTagger`, scores each word alone (no recurrent layer): enough to test a student's
``evaluate`` and ``train_tagger``, and no answer to ``LSTMTagger`` or ``GRUTagger``.
"""

from __future__ import annotations

import torch
import torch.nn as nn
import torch.nn.functional as F
import torch.optim as optim

from autograder.assignments.lstm_gru.data import Sentence


def reset_state(model: nn.Module) -> None:
    """Start a sentence from a fresh state in the older tutorial's style, where a model keeps
    ``self.hidden`` and offers ``init_hidden()``; a model without one is left alone."""
    init_hidden = getattr(model, "init_hidden", None)
    if callable(init_hidden):
        model.hidden = init_hidden()


def indices(seq: list[str], to_ix: dict[str, int]) -> torch.Tensor:
    return torch.tensor([to_ix[w] for w in seq], dtype=torch.long)


class WordTagger(nn.Module):
    """Tag scores from each word alone: the checks' own model for testing training and evaluation."""

    def __init__(self, embedding_dim: int, vocab_size: int, tagset_size: int):
        super().__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.scores = nn.Linear(embedding_dim, tagset_size)

    def init_hidden(self):
        """For a student's loop in the older tutorial's style, which resets every model's state."""
        return None

    def forward(self, sentence):
        return F.log_softmax(self.scores(self.embedding(sentence)), dim=1)


def train(model, sentences: list[Sentence], word_to_ix, tag_to_ix, epochs: int, lr: float) -> list[float]:
    """The tutorial's loop (NLLLoss, SGD, one sentence a step); mean loss per epoch."""
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for _ in range(epochs):
        total = 0.0
        for words, tags in sentences:
            model.zero_grad()
            reset_state(model)
            loss = loss_function(model(indices(words, word_to_ix)), indices(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            total += loss.item()
        losses.append(total / len(sentences))
    return losses


def predict(model, words: list[str], word_to_ix) -> list[int]:
    with torch.no_grad():
        reset_state(model)
        return model(indices(words, word_to_ix)).argmax(dim=1).tolist()


def token_accuracy(model, sentences: list[Sentence], word_to_ix, tag_to_ix) -> float:
    """Fraction of tokens whose highest-scoring tag is the gold tag."""
    correct = total = 0
    for words, tags in sentences:
        gold = [tag_to_ix[t] for t in tags]
        correct += sum(p == g for p, g in zip(predict(model, words, word_to_ix), gold))
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


def warm_up() -> None:
    """PyTorch's first calls of what every notebook of this assignment runs (recurrent layers,
    embeddings, the loss, backward, SGD, a tagger's training), made once by the grader's
    workers before any run is forked. The pieces are used one by one, so no tagger the
    student is asked to write is left in memory."""
    import torch
    import torch.testing  # noqa: F401 - imported by the checks on first use

    from autograder.assignments.lstm_gru import data

    nn = torch.nn
    tutorial = data.TUTORIAL_TRAINING_DATA
    words = data.build_word_to_ix(tutorial)
    embedding, scores = nn.Embedding(len(words), 6), nn.Linear(6, len(data.TAG_TO_IX))
    for layer in (nn.LSTM(6, 6), nn.GRU(6, 6)):
        optimizer = torch.optim.SGD([*embedding.parameters(), *layer.parameters(), *scores.parameters()], lr=0.1)
        for sentence, tags in tutorial:
            optimizer.zero_grad()
            out, _ = layer(embedding(indices(sentence, words)).view(len(sentence), 1, -1))
            log_probs = torch.nn.functional.log_softmax(scores(out.view(len(sentence), -1)), dim=1)
            torch.nn.functional.nll_loss(log_probs, indices(tags, data.TAG_TO_IX)).backward()
            optimizer.step()
    model = WordTagger(6, len(words), len(data.TAG_TO_IX))
    train(model, tutorial, words, data.TAG_TO_IX, epochs=2, lr=0.1)
    predict(model, tutorial[0][0], words)
