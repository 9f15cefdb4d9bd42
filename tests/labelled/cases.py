"""The labelled set: each submission is the solution with one change, and a label.

A wrong submission names the catalogued mistake it makes (``autograder.assignments.lstm_gru.mistakes``); the
catalogue says which tests that mistake must cost and which words the student's message
must hold. A correct variation is another correct way to write the assignment and must
earn every autograded point. ``build.py`` turns these into notebooks.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from tests.builders import edited

PART1 = ("p1_create", "p1_method1", "p1_method2")
PART2 = ("p2_prepare_sequence", "p2_lstm_tagger", "p2_training_loop", "p2_evaluate_train", "p2_corpus_training")


@dataclass(frozen=True)
class Labelled:
    name: str
    what: str                      # what the student did, in a sentence
    edits: dict[str, str] = field(default_factory=dict)  # solution cell grade id -> its source
    unsolved: tuple[str, ...] = ()  # solution cells left as released
    mistake: str | None = None     # catalogue key; None for a correct variation


def wrong(name, mistake, what, *edits, unsolved=()):
    return Labelled(name, what, _merge(edits), tuple(unsolved), mistake)


def right(name, what, *edits):
    return Labelled(name, what, _merge(edits))


def _merge(edits) -> dict[str, str]:
    merged: dict[str, str] = {}
    for edit in edits:
        overlap = set(merged) & set(edit)
        if overlap:
            raise ValueError(f"two edits of the same cell {sorted(overlap)}: write them as one `edited` call")
        merged.update(edit)
    return merged


_METHOD2 = "inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)\nout, (h_n, c_n) = lstm(inputs_seq, (h0, c0))"
_LSTM_LAYER = "self.lstm = nn.LSTM(embedding_dim, hidden_dim)"
_LSTM_CALL = "lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))"
_LOG_SOFTMAX = "tag_scores = F.log_softmax(tag_space, dim=1)"
_LOOP_STEP = "        loss.backward()\n        optimizer.step()\n"
_TRAIN_STEP = "            loss.backward()\n            optimizer.step()\n"
_GRU_LAYER = "self.gru = nn.GRU(embedding_dim, hidden_dim)"
_EVALUATE_BODY = """    correct = total = 0
    with torch.no_grad():
        for sentence, tags in data:
            predicted = model(prepare_sequence(sentence, word_to_ix)).argmax(dim=1)
            correct += (predicted == prepare_sequence(tags, tag_to_ix)).sum().item()
            total += len(tags)
    return correct / total
"""

WRONG = [
    # Part 1
    wrong("p1_inputs_1d", "p1_inputs_shape", "built each input as `torch.randn(3)`",
          edited("p1_create", ("torch.randn(1, 3) for _", "torch.randn(3) for _"))),
    wrong("p1_method2_loop", "p1_out_one_step", "wrote Method 2 as another loop and kept the last step's `out`",
          edited("p1_method2", (_METHOD2, "state = (h0, c0)\nfor i in inputs:\n"
                                           "    out, state = lstm(i.view(1, 1, -1), state)\nh_n, c_n = state"))),
    wrong("p1_swapped_state", "p1_swapped_state", "unpacked `out, (c_n, h_n)`",
          edited("p1_method2", ("out, (h_n, c_n) = lstm(", "out, (c_n, h_n) = lstm("))),
    wrong("p1_hidden_redrawn", "p1_hidden_redrawn", "drew a new random `hidden` before Method 2, as the tutorial does",
          edited("p1_method2", ("out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))",
                                "hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))  # clean out hidden state\n"
                                "out, (h_n, c_n) = lstm(inputs_seq, hidden)"))),
    wrong("p1_method2_no_state", "p1_method2_from_zeros", "called `lstm(inputs_seq)` without `(h0, c0)`",
          edited("p1_method2", ("lstm(inputs_seq, (h0, c0))", "lstm(inputs_seq)"))),
    wrong("p1_state_not_passed", "p1_state_not_passed", "did not pass each step's state on in Method 1",
          edited("p1_method1", ("out, hidden = lstm(i.view(1, 1, -1), hidden)", "out, _ = lstm(i.view(1, 1, -1), hidden)"))),
    wrong("p1_not_attempted", "p1_not_attempted", "left every cell of Part 1 as released", unsolved=PART1),
    # Part 2: prepare_sequence
    wrong("p2_prepare_float", "p2_prepare_dtype", "returned a float tensor from `prepare_sequence`",
          edited("p2_prepare_sequence", ("dtype=torch.long", "dtype=torch.float"))),
    wrong("p2_prepare_nested", "p2_prepare_shape", "returned `torch.tensor([idxs])`, a (1, n) tensor",
          edited("p2_prepare_sequence", ("torch.tensor(idxs,", "torch.tensor([idxs],"))),
    # Part 2: the tagger
    wrong("p2_batch_first", "batch_first_mismatch", "set `batch_first=True` but kept `view(len(sentence), 1, -1)`",
          edited("p2_lstm_tagger", (_LSTM_LAYER, "self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)"))),
    wrong("p2_sentence_as_batch", "ignores_context", "shaped the sentence `view(1, len(sentence), -1)` without `batch_first`",
          edited("p2_lstm_tagger", (_LSTM_CALL, "lstm_out, _ = self.lstm(embeds.view(1, len(sentence), -1))"))),
    wrong("p2_word_by_word", "ignores_context", "ran the LSTM on each word separately, from a fresh state",
          edited("p2_lstm_tagger", (_LSTM_CALL, "lstm_out = torch.cat([self.lstm(e.view(1, 1, -1))[0] for e in embeds])"))),
    wrong("p2_log_softmax_dim0", "log_softmax_dim", "`F.log_softmax(tag_space, dim=0)`",
          edited("p2_lstm_tagger", (_LOG_SOFTMAX, "tag_scores = F.log_softmax(tag_space, dim=0)"))),
    wrong("p2_softmax", "probabilities", "returned `F.softmax(tag_space, dim=1)`",
          edited("p2_lstm_tagger", (_LOG_SOFTMAX, "tag_scores = F.softmax(tag_space, dim=1)"))),
    wrong("p2_raw_scores", "raw_scores", "returned `tag_space` without log_softmax",
          edited("p2_lstm_tagger", (_LOG_SOFTMAX, "tag_scores = tag_space"))),
    wrong("p2_transposed", "transposed_scores", "returned the scores transposed, one row per tag",
          edited("p2_lstm_tagger", ("        return tag_scores", "        return tag_scores.t()"))),
    wrong("p2_fixed_length", "hard_coded_length", "wrote the tutorial's sentence length 5 into `view`",
          edited("p2_lstm_tagger", ("embeds.view(len(sentence), 1, -1)", "embeds.view(5, 1, -1)"),
                 ("lstm_out.view(len(sentence), -1)", "lstm_out.view(5, -1)"))),
    wrong("p2_state_carried", "state_carried", "kept the LSTM state on `self.hidden` from one sentence to the next",
          edited("p2_lstm_tagger",
                 ("self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n",
                  "self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n"
                  "        self.hidden = (torch.zeros(1, 1, hidden_dim), torch.zeros(1, 1, hidden_dim))\n"),
                 (_LSTM_CALL, "lstm_out, self.hidden = self.lstm(embeds.view(len(sentence), 1, -1), self.hidden)\n"
                              "        self.hidden = (self.hidden[0].detach(), self.hidden[1].detach())"))),
    wrong("p2_state_carried_graph", "state_carried_graph", "kept the state on `self.hidden` without detaching it",
          edited("p2_lstm_tagger",
                 ("self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n",
                  "self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n"
                  "        self.hidden = (torch.zeros(1, 1, hidden_dim), torch.zeros(1, 1, hidden_dim))\n"),
                 (_LSTM_CALL, "lstm_out, self.hidden = self.lstm(embeds.view(len(sentence), 1, -1), self.hidden)"))),
    # Part 2: training
    wrong("p2_loop_no_step", "loop_no_step", "left out `optimizer.step()` in the 2.3 training loop",
          edited("p2_training_loop", (_LOOP_STEP, "        loss.backward()\n"))),
    wrong("p2_train_no_step", "train_no_step", "left out `optimizer.step()` in `train_tagger`",
          edited("p2_evaluate_train", (_TRAIN_STEP, "            loss.backward()\n"))),
    wrong("p2_train_no_zero_grad", "train_no_zero_grad", "left out `model.zero_grad()` in `train_tagger`",
          edited("p2_evaluate_train", ("            model.zero_grad()\n", ""))),
    wrong("p2_train_returns_early", "train_returns_early", "indented `return losses` into the epoch loop",
          edited("p2_evaluate_train", ("        losses.append(total / len(data))\n    return losses",
                                       "        losses.append(total / len(data))\n        return losses"))),
    wrong("p2_corpus_untrained", "corpus_never_trained", "trained a new `LSTMTagger` instead of `corpus_model`",
          edited("p2_corpus_training", ("train_tagger(corpus_model,", "train_tagger(LSTMTagger(CORPUS_EMBEDDING_DIM, "
                                        "CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix)),"))),
    # Part 2: evaluation
    wrong("p2_evaluate_sentence_mean", "evaluate_sentence_mean", "averaged the accuracy of each sentence",
          edited("p2_evaluate_train", (_EVALUATE_BODY, """    accuracies = []
    with torch.no_grad():
        for sentence, tags in data:
            predicted = model(prepare_sequence(sentence, word_to_ix)).argmax(dim=1)
            accuracies.append((predicted == prepare_sequence(tags, tag_to_ix)).float().mean().item())
    return sum(accuracies) / len(accuracies)
"""))),
    wrong("p2_evaluate_percent", "evaluate_percent", "returned the accuracy as a percentage",
          edited("p2_evaluate_train", ("    return correct / total\n", "    return 100 * correct / total\n"))),
    wrong("p2_not_attempted", "p2_not_attempted", "left every cell of Part 2 as released", unsolved=PART2),
    # Part 3
    wrong("p3_gru_hc", "gru_hc_unpacked", "kept the LSTM's `gru_out, (h, c) = self.gru(...)`",
          edited("p3_gru_tagger", ("gru_out, _ = self.gru(", "gru_out, (h, c) = self.gru("))),
    wrong("p3_still_lstm", "gru_still_lstm", "renamed the layer `self.gru` but kept `nn.LSTM`",
          edited("p3_gru_tagger", (_GRU_LAYER, "self.gru = nn.LSTM(embedding_dim, hidden_dim)"))),
    wrong("p3_count_tensors", "count_tensors", "counted the parameter tensors instead of their elements",
          edited("p3_gru_tagger", ("return sum(p.numel() for p in model.parameters() if p.requires_grad)",
                                   "return len(list(model.parameters()))"))),
    wrong("p3_raw_scores", "gru_raw_scores", "returned the GRU tagger's `tag_space` without log_softmax",
          edited("p3_gru_tagger", ("return F.log_softmax(tag_space, dim=1)", "return tag_space"))),
    wrong("p3_batch_first", "gru_batch_first", "set `batch_first=True` on the GRU but kept `view(len(sentence), 1, -1)`",
          edited("p3_gru_tagger", (_GRU_LAYER, "self.gru = nn.GRU(embedding_dim, hidden_dim, batch_first=True)"))),
]

_INIT_HIDDEN = """
    def init_hidden(self):
        # The older tutorial: a fresh (h, c) for every sentence.
        return (torch.zeros(1, 1, self.hidden_dim), torch.zeros(1, 1, self.hidden_dim))
"""

CORRECT = [
    right("ok_batch_first", "`batch_first=True` with `view(1, len(sentence), -1)`",
          edited("p2_lstm_tagger", (_LSTM_LAYER, "self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)"),
                 (_LSTM_CALL, "lstm_out, _ = self.lstm(embeds.view(1, len(sentence), -1))"))),
    right("ok_init_hidden", "the older tutorial's `init_hidden()`, reset before every sentence",
          edited("p2_lstm_tagger",
                 ("self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n",
                  "self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n        self.hidden = self.init_hidden()\n"),
                 ("    def forward(self, sentence):\n", _INIT_HIDDEN.lstrip("\n") + "\n    def forward(self, sentence):\n"),
                 (_LSTM_CALL, "lstm_out, self.hidden = self.lstm(embeds.view(len(sentence), 1, -1), self.hidden)")),
          edited("p2_training_loop", ("        model.zero_grad()\n",
                                      "        model.zero_grad()\n        model.hidden = model.init_hidden()\n")),
          edited("p2_evaluate_train",
                 ("            predicted = model(", "            model.hidden = model.init_hidden()\n            predicted = model("),
                 ("            model.zero_grad()\n", "            model.zero_grad()\n            model.hidden = model.init_hidden()\n"))),
    right("ok_prints_in_forward", "prints inside `forward` and in the training loop",
          edited("p2_lstm_tagger", ("        embeds = self.word_embeddings(sentence)\n",
                                    "        embeds = self.word_embeddings(sentence)\n        print('embeds', embeds.shape)\n")),
          edited("p2_training_loop", ("        optimizer.step()\n", "        optimizer.step()\n        print(epoch, loss.item())\n"))),
    right("ok_gru_named_lstm", "the GRU kept under the attribute name `self.lstm`",
          edited("p3_gru_tagger", (_GRU_LAYER, "self.lstm = nn.GRU(embedding_dim, hidden_dim)"),
                 ("gru_out, _ = self.gru(", "gru_out, _ = self.lstm("))),
    right("ok_cross_entropy", "`nn.CrossEntropyLoss()` after log_softmax",
          edited("p2_evaluate_train", ("loss_function = nn.NLLLoss()", "loss_function = nn.CrossEntropyLoss()"))),
    right("ok_optimizer_zero_grad", "`optimizer.zero_grad()` instead of `model.zero_grad()`",
          edited("p2_training_loop", ("model.zero_grad()", "optimizer.zero_grad()")),
          edited("p2_evaluate_train", ("model.zero_grad()", "optimizer.zero_grad()"))),
    right("ok_adam", "Adam instead of SGD",
          edited("p2_evaluate_train", ("optimizer = optim.SGD(model.parameters(), lr=lr)",
                                       "optimizer = optim.Adam(model.parameters(), lr=lr / 10)"))),
    right("ok_more_epochs", "twice the epochs on the corpus",
          edited("p2_corpus_training", ("tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)", "tag_to_ix, 2 * CORPUS_EPOCHS, lr=CORPUS_LR)")),
          edited("p3_gru_training", ("tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)", "tag_to_ix, 2 * CORPUS_EPOCHS, lr=CORPUS_LR)"))),
    right("ok_other_sizes", "other embedding and hidden sizes for the corpus models",
          edited("p2_corpus_training", ("LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM,", "LSTMTagger(32, 24,")),
          edited("p3_gru_training", ("GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM,", "GRUTagger(24, 32,"))),
    right("ok_to_device", "models moved with `.to(device)`",
          edited("p2_lstm_tagger", ("        embeds = self.word_embeddings(sentence)\n",
                                    "        sentence = sentence.to(self.hidden2tag.weight.device)\n"
                                    "        embeds = self.word_embeddings(sentence)\n")),
          edited("p2_corpus_training", ("len(tag_to_ix))\n", "len(tag_to_ix))\n"
                                        "device = torch.device('cuda' if torch.cuda.is_available() else 'cpu')\n"
                                        "corpus_model = corpus_model.to(device)\n"))),
    right("ok_inputs_tensor", "Part 1's inputs as one (5, 1, 3) tensor, fed to Method 2 directly",
          edited("p1_create", ("inputs = [torch.randn(1, 3) for _ in range(5)]", "inputs = torch.randn(5, 1, 3)")),
          edited("p1_method2", ("inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)\n", "inputs_seq = inputs\n"))),
    right("ok_stack_and_modules", "`torch.stack` in Part 1, `nn.LogSoftmax(dim=-1)` and `torch.LongTensor`",
          edited("p1_method2", ("torch.cat(inputs).view(len(inputs), 1, -1)", "torch.stack(inputs)")),
          edited("p2_prepare_sequence", ("return torch.tensor(idxs, dtype=torch.long)", "return torch.LongTensor(idxs)")),
          edited("p2_lstm_tagger", ("self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n",
                                    "self.hidden2tag = nn.Linear(hidden_dim, tagset_size)\n"
                                    "        self.log_softmax = nn.LogSoftmax(dim=-1)\n"),
                 (_LOG_SOFTMAX, "tag_scores = self.log_softmax(tag_space)"))),
]

# Whole answers as students copy them from older editions of the tutorial and from blog posts:
# correct, still running on today's PyTorch, and worth every point.
TUTORIAL_2017 = {
    "p1_create": """import torch.autograd as autograd
lstm = nn.LSTM(3, 3)  # Input dim is 3, output dim is 3
inputs = [autograd.Variable(torch.randn((1, 3))) for _ in range(5)]  # make a sequence of length 5
hidden = (autograd.Variable(torch.randn(1, 1, 3)),
          autograd.Variable(torch.randn((1, 1, 3))))""",
    "p1_method1": """step_outs = []
for i in inputs:
    # Step through the sequence one element at a time.
    # after each step, hidden contains the hidden state.
    out, hidden = lstm(i.view(1, 1, -1), hidden)
    step_outs.append(out)""",
    "p1_method2": """inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))""",
    "p2_prepare_sequence": """def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    tensor = torch.LongTensor(idxs)
    return autograd.Variable(tensor)""",
    "p2_lstm_tagger": """class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)
        self.hidden = self.init_hidden()

    def init_hidden(self):
        # The axes semantics are (num_layers, minibatch_size, hidden_dim)
        return (autograd.Variable(torch.zeros(1, 1, self.hidden_dim)),
                autograd.Variable(torch.zeros(1, 1, self.hidden_dim)))

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, self.hidden = self.lstm(embeds.view(len(sentence), 1, -1), self.hidden)
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space)
        return tag_scores""",
    "p2_training_loop": """for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        # Also, we need to clear out the hidden state of the LSTM,
        # detaching it from its history on the last instance.
        model.hidden = model.init_hidden()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)
        tag_scores = model(sentence_in)
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()""",
    "p2_evaluate_train": """def evaluate(model, data, word_to_ix, tag_to_ix):
    correct = total = 0
    for sentence, tags in data:
        model.hidden = model.init_hidden()
        tag_scores = model(prepare_sequence(sentence, word_to_ix))
        _, predicted = torch.max(tag_scores.data, 1)
        correct += (predicted == prepare_sequence(tags, tag_to_ix).data).sum()
        total += len(tags)
    return float(correct) / total


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []
    for epoch in range(epochs):
        total_loss = 0
        for sentence, tags in data:
            model.zero_grad()
            model.hidden = model.init_hidden()
            tag_scores = model(prepare_sequence(sentence, word_to_ix))
            loss = loss_function(tag_scores, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            total_loss += float(loss.data)
        losses.append(total_loss / len(data))
    return losses""",
    "p3_gru_tagger": """class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.hidden_dim = hidden_dim
        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim)
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)
        self.hidden = self.init_hidden()

    def init_hidden(self):
        return autograd.Variable(torch.zeros(1, 1, self.hidden_dim))

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        gru_out, self.hidden = self.gru(embeds.view(len(sentence), 1, -1), self.hidden)
        tag_space = self.hidden2tag(gru_out.view(len(sentence), -1))
        return F.log_softmax(tag_space)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)""",
}

BLOG_STYLE = {
    "p2_lstm_tagger": """class LSTMTagger(nn.Module):
    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super().__init__()
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.fc = nn.Linear(hidden_dim, tagset_size)

    def init_hidden(self):
        return (torch.zeros(1, 1, self.hidden_dim), torch.zeros(1, 1, self.hidden_dim))

    def forward(self, sentence):
        self.hidden = self.init_hidden()  # a fresh state for every sentence
        x = self.embedding(sentence).view(len(sentence), 1, -1)
        x, self.hidden = self.lstm(x, self.hidden)
        x = self.fc(x.view(len(sentence), -1))
        return F.log_softmax(x, dim=1)""",
    "p2_evaluate_train": """import numpy as np


@torch.no_grad()
def evaluate(model, data, word_to_ix, tag_to_ix):
    model.eval()
    hits, n = 0, 0
    for sentence, tags in data:
        preds = torch.max(model(prepare_sequence(sentence, word_to_ix)), 1)[1]
        hits += int((preds == prepare_sequence(tags, tag_to_ix)).sum())
        n += len(tags)
    model.train()
    return hits / n


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    criterion = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    history = []
    for epoch in range(epochs):
        model.train()
        epoch_losses = []
        for sentence, tags in data:
            optimizer.zero_grad()
            output = model(prepare_sequence(sentence, word_to_ix))
            loss = criterion(output, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            epoch_losses.append(loss.item())
        history.append(np.mean(epoch_losses))
    return history""",
}

CORRECT += [
    right("ok_tutorial_2017", "the whole of the 2017 tutorial's style: `autograd.Variable`, `init_hidden()` and "
          "`F.log_softmax(tag_space)` without `dim` (PyTorch warns, and the warnings cost nothing)", TUTORIAL_2017),
    right("ok_blog_style", "a blog post's style: `self.init_hidden()` inside `forward`, `torch.max(..., 1)[1]`, "
          "`@torch.no_grad()`, `model.eval()`/`model.train()`, `np.mean` of the losses", BLOG_STYLE),
]

ALL = WRONG + CORRECT
