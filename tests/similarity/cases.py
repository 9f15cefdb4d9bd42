"""A class of hand-ins of the lstm_gru assignment, for the code/answer similarity report.

Nine students, every hand-in correct (33 of 33 autograded points), each cell written as that
student would write it: the report fingerprints the code of the solution cells and the two
written answers, and must tell the one copied pair from students who merely share the
tutorial's code ("Sequence Models and Long Short-Term Memory Networks": ``LSTMTagger`` with
``word_embeddings``/``lstm``/``hidden2tag``, ``prepare_sequence``, its training loop), which
is boilerplate, and the vocabulary every answer shares (GRU, 3 gates vs 4, overfitting, dev).

Built from the tutorial (the report must not flag them for it):

* ``jiwoo``: the tutorial pasted with Korean comments and leftover commented-out prints, as in
  the bootcamp notebooks; answers in Korean.
* ``minseo``: the tutorial pasted verbatim, its English comments and all, ``# YOUR CODE HERE``
  left in, 2-space loops as in Colab, per-word counting in ``evaluate``; answers mixing Korean
  and English.
* ``tom``: the older (2018) edition of the tutorial: ``init_hidden()`` and ``self.hidden``,
  reset before every sentence in every loop, the GRU done the same way; short English answers.

Their own way:

* ``hana``: ``batch_first=True`` with ``unsqueeze(0)``/``squeeze(0)``, ``nn.LogSoftmax`` as a
  module, ``torch.stack`` in Part 1, an ``encode`` helper shared by evaluate and training.
* ``lucas``: ``reshape`` everywhere, index loops (``for i in range(len(data))``), a loss tensor
  per epoch, ``torch.LongTensor``, keyword arguments, ``model.eval()``/``model.train()``.
* ``priya``: compact: one module-level ``tag_log_probs`` helper that both taggers' ``forward``
  call, ``x[None]`` for the batch axis, a nested comprehension in ``evaluate``, ``*sizes``.
* ``felix``: verbose: named constants in Part 1, docstrings, shape comments, an ``assert`` of
  his own, ``torch.as_tensor``, per-epoch progress prints.

The copied pair, ``COPIED_PAIR = ("daniel", "sora")``:

* ``daniel`` (the original) writes his own code nearly everywhere: ``list(torch.randn(5, 1, 3))``
  and ``tuple(torch.randn(2, 1, 1, 3))`` in Part 1, ``x.expand(1, 1, 3)`` with a ``state``
  variable, ``embed``/``rnn``/``out`` layers with ``torch.log_softmax``, ``evaluate`` through
  two flat lists, a ``_sentence_loss`` helper and an incremental running mean in
  ``train_tagger``, ``count_parameters`` with ``map``/``filter``; his own answers, with his
  parameter counts.
* ``sora`` copied daniel's cells and answers with light edits: names changed (``emb``,
  ``seq_layer``, ``proj``, ``loss_on``, ...), a few statements reordered where the code stays
  correct, comments changed or dropped, blank lines changed; in the answers sentences
  reordered and some words swapped for synonyms. No cell is a verbatim copy.

``write_all(into)`` writes ``<into>/<id>.ipynb`` for every student, to grade with the kit.
"""

from __future__ import annotations

from pathlib import Path

import nbformat

from tests.builders import submission

CELLS = ("p1_create", "p1_method1", "p1_method2", "p2_prepare_sequence", "p2_lstm_tagger", "p2_training_loop",
         "p2_evaluate_train", "p2_corpus_training", "p3_gru_tagger", "p3_gru_training",
         "q1_gru_vs_lstm", "q2_heldout_evaluation")

# The given lines after the solution region of a cell, which every student keeps.
_P1_CREATE_TAIL = 'print(lstm)\nprint("inputs:", [tuple(x.shape) for x in inputs])'
_P1_METHOD1_TAIL = 'for step, out_t in enumerate(step_outs):\n    print(f"step {step}: out = {out_t.detach().view(-1)}")'
_P1_METHOD2_TAIL = 'print("out:", tuple(out.shape), " h_n:", tuple(h_n.shape), " c_n:", tuple(c_n.shape))'
_CORPUS_TAIL = ('print(f"LSTM: train accuracy {evaluate(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix):.1%}, "\n'
                '      f"dev accuracy {evaluate(corpus_model, corpus_dev, corpus_word_to_ix, tag_to_ix):.1%}")')
_GRU_TAIL = 'print(f"GRU: dev accuracy {evaluate(gru_model, corpus_dev, corpus_word_to_ix, tag_to_ix):.1%}")'


def _handin(**cells: str) -> dict[str, str]:
    """A student's cells, each without the blank lines around it, the given tails filled in."""
    tails = {"p1_create": _P1_CREATE_TAIL, "p1_method1": _P1_METHOD1_TAIL, "p1_method2": _P1_METHOD2_TAIL,
             "p2_corpus_training": _CORPUS_TAIL, "p3_gru_training": _GRU_TAIL}
    if set(cells) != set(CELLS):
        raise ValueError(f"cells missing {sorted(set(CELLS) - set(cells))}, unknown {sorted(set(cells) - set(CELLS))}")
    return {gid: cells[gid].strip("\n").replace("<TAIL>", tails.get(gid, "")) for gid in CELLS}


# ----------------------------------------------------------------------------------------------
# jiwoo: the tutorial, Korean comments, leftover commented-out prints.
# ----------------------------------------------------------------------------------------------
JIWOO = _handin(
    p1_create="""
# input_size: 3, hidden_size: 3 으로 설정하여 LSTM cell 을 생성합니다.
lstm = nn.LSTM(3, 3)  # Input dim is 3, output dim is 3

# sequence length 가 5 인 input 생성 -> input_size 가 3 이므로 3 차원 벡터 5개
inputs = [torch.randn(1, 3) for _ in range(5)]  # make a sequence of length 5

# initialize the hidden state.
# lstm 의 hidden 은 hidden state h 와 cell state c 두 개로 구성됨
hidden = (torch.randn(1, 1, 3),  # 1개는 h
          torch.randn(1, 1, 3))  # 1개는 c
# print(inputs)
<TAIL>
""",
    p1_method1="""
step_outs = []
for idx, i in enumerate(inputs):
    # Step through the sequence one element at a time.
    # after each step, hidden contains the hidden state.
    out, hidden = lstm(i.view(1, 1, -1), hidden)
    step_outs.append(out)
    # print(f"Time step {idx}, out is : ", out)
    # print(f"Time step {idx}, hidden is : ", hidden)
<TAIL>
""",
    p1_method2="""
# 방법 2 를 적용하기 위해 input 을 list 가 아닌 하나의 tensor 로 concat 해줍니다.
# Add the extra 2nd dimension
inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)
# hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))  # clean out hidden state -> 방법 1 과 비교하려면 초기화 X
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))  # 방법 1 과 같은 (h0, c0) 에서 시작
# print(out)
# print("h_n is :", h_n)  # final time step 의 hidden state
# print("c_n is :", c_n)  # final time step 의 cell state
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)  # word to index 변환한 list
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)  # 단어 id -> embedding_dim 차원 벡터

        # The LSTM takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)  # LSTM 의 input
        # print("embeding_vec : ", embeds)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))  # h, (h_n, c_n)
        # print("lstm_out : ", lstm_out)
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))  # hidden state 를 tagset_size 로 linear transform
        tag_scores = F.log_softmax(tag_space, dim=1)  # log softmax 로 각 tag 의 점수
        return tag_scores
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        # Step 1. Remember that Pytorch accumulates gradients.
        # We need to clear them out before each instance
        model.zero_grad()  # gradient 초기화

        # Step 2. Get our inputs ready for the network, that is, turn them into
        # Tensors of word indices.
        sentence_in = prepare_sequence(sentence, word_to_ix)  # 입력 (X)
        targets = prepare_sequence(tags, tag_to_ix)  # 정답 (y)

        # Step 3. Run our forward pass.
        tag_scores = model(sentence_in)

        # Step 4. Compute the loss, gradients, and update the parameters by
        #  calling optimizer.step()
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
    # if epoch % 50 == 0:
    #     print(epoch, loss.item())
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    # 전체 단어 중에서 tag 를 맞춘 단어의 비율 (token accuracy)
    correct = 0
    total = 0
    with torch.no_grad():
        for sentence, tags in data:
            inputs = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(inputs)
            predicted = tag_scores.argmax(dim=1)  # 점수가 가장 높은 tag 가 예측값
            correct += (predicted == targets).sum().item()
            total += len(targets)
    return correct / total


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    losses = []  # epoch 별 평균 loss
    for epoch in range(epochs):
        epoch_loss = 0
        for sentence, tags in data:
            # Step 1. Remember that Pytorch accumulates gradients.
            # We need to clear them out before each instance
            model.zero_grad()

            # Step 2. Get our inputs ready for the network, that is, turn them into
            # Tensors of word indices.
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)

            # Step 3. Run our forward pass.
            tag_scores = model(sentence_in)

            # Step 4. Compute the loss, gradients, and update the parameters by
            #  calling optimizer.step()
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
            epoch_loss += loss.item()
        losses.append(epoch_loss / len(data))
        # print(f"epoch {epoch} loss : {losses[-1]:.4f}")
    return losses
""",
    p2_corpus_training="""
torch.manual_seed(1)
# corpus 용 LSTMTagger 를 만들고 train_tagger 로 학습
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
# print(lstm_losses)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # LSTM 대신 GRU 사용 (입력, 출력 크기는 LSTM 과 동일)
        self.gru = nn.GRU(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        gru_out, _ = self.gru(embeds.view(len(sentence), 1, -1))  # GRU 는 h_n 하나만 반환 (cell state 없음)
        tag_space = self.hidden2tag(gru_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
""",
    p3_gru_training="""
torch.manual_seed(1)
# LSTM 과 같은 설정으로 GRU 학습
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
Part 2 코드에서 `nn.LSTM` 을 `nn.GRU` 로 바꾸고, forward 에서 GRU 는 (h, c) 가 아니라 hidden state 하나만 반환하기
때문에 그 부분만 고치면 됩니다. 나머지 (prepare_sequence, loss, optimizer, train_tagger, evaluate) 는 그대로 사용했습니다.
파라미터 수는 GRU tagger 가 더 적은데, LSTM 은 gate 가 4개 (input, forget, cell, output) 이고 GRU 는 3개 (reset, update, new)
라서 recurrent layer 의 파라미터가 LSTM 의 3/4 이기 때문입니다 (2979 vs 2435). loss 곡선은 GRU 가 처음 몇 epoch 에서 조금 더
빨리 떨어졌지만 마지막에는 둘 다 0 근처였고, dev accuracy 는 둘 다 100% 였습니다. 데이터가 작아서 큰 차이는 없는 것 같습니다.
""",
    q2_heldout_evaluation="""
학습 데이터로만 학습하고 평가하면 모델이 데이터를 외워버려도 (overfitting) 정확도가 100% 가 나오기 때문에 실제 성능을 알 수
없습니다. 이 노트북에서는 데이터를 train / dev (그리고 grader 의 test) 로 나누어서 학습에 쓰지 않은 문장으로 평가합니다.
dev accuracy 가 baseline 보다 높게 나온 것을 보면 LSTM 이 앞 단어들 (context) 을 보고 watch 같은 단어가 명사인지 동사인지
구분한다는 것을 알 수 있습니다. training accuracy 만으로는 이것을 알 수 없습니다.
""",
)

# ----------------------------------------------------------------------------------------------
# minseo: the tutorial verbatim, `# YOUR CODE HERE` left in, Colab's 2-space loops.
# ----------------------------------------------------------------------------------------------
MINSEO = _handin(
    p1_create="""
# YOUR CODE HERE
lstm = nn.LSTM(3, 3) # Input dim is 3, output dim is 3
inputs = [torch.randn(1, 3) for _ in range(5)] # make a sequence of length 5
# print(inputs) # (1, 3) 사이즈를 가진 tensor가 5개 생김

# initialize the hidden state.
hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
<TAIL>
""",
    p1_method1="""
step_outs = []
# YOUR CODE HERE
for i in inputs:
  # Step through the sequence one element at a time.
  # after each step, hidden contains the hidden state.
  out, hidden = lstm(i.view(1, 1, -1), hidden)
  step_outs.append(out)
<TAIL>
""",
    p1_method2="""
# YOUR CODE HERE
# alternatively, we can do the entire sequence all at once.
# the first value returned by LSTM is all of the hidden states throughout
# the sequence. the second is just the most recent hidden state
# (compare the last slice of "out" with "hidden" below, they are the same)
# The reason for this is that:
# "out" will give you access to all hidden states in the sequence
# "hidden" will allow you to continue the sequence and backpropagate,
# by passing it as an argument  to the lstm at a later time
# Add the extra 2nd dimension
inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1) # 5개의 텐서에서 하나의 텐서로 바뀜
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0)) # no "clean out hidden state" here: start from (h0, c0)
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    # YOUR CODE HERE
    # turn seq into tensors of word indices
    idxs = [to_ix[w] for w in seq]
    # print("idxs: ", idxs) # e.g., "idxs: [5, 6, 7, 8]"
    return torch.tensor(idxs, dtype=torch.long)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        # YOUR CODE HERE
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The LSTM takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        # YOUR CODE HERE
        embeds = self.word_embeddings(sentence)
        lstm_out, _ = self.lstm(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        # YOUR CODE HERE
        # Step 1. Remember that Pytorch accumulates gradients.
        # We need to clear them out before each instance
        model.zero_grad()

        # Step 2. Get our inputs ready for the network, that is, turn them into
        # Tensors of word indices.
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)

        # Step 3. Run our forward pass.
        tag_scores = model(sentence_in)

        # Step 4. Compute the loss, gradients, and update the parameters by
        #  calling optimizer.step()
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    # YOUR CODE HERE
    num_correct = 0
    num_words = 0
    # Here we don't need to train, so the code is wrapped in torch.no_grad()
    with torch.no_grad():
        for sentence, tags in data:
            inputs = prepare_sequence(sentence, word_to_ix)
            tag_scores = model(inputs)
            # The predicted tag is the maximum scoring tag.
            _, predicted = torch.max(tag_scores, 1)
            targets = prepare_sequence(tags, tag_to_ix)
            for p, t in zip(predicted, targets):
                if p == t:
                    num_correct += 1
                num_words += 1
    return num_correct / num_words


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    # YOUR CODE HERE
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    epoch_losses = []
    for epoch in range(epochs):
        running_loss = 0.0
        for sentence, tags in data:
            # Step 1. Remember that Pytorch accumulates gradients.
            # We need to clear them out before each instance
            model.zero_grad()

            # Step 2. Get our inputs ready for the network, that is, turn them into
            # Tensors of word indices.
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)

            # Step 3. Run our forward pass.
            tag_scores = model(sentence_in)

            # Step 4. Compute the loss, gradients, and update the parameters by
            #  calling optimizer.step()
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
            running_loss += loss.item()
        epoch_losses.append(running_loss / len(data))
    return epoch_losses
""",
    p2_corpus_training="""
torch.manual_seed(1)
# YOUR CODE HERE
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        # YOUR CODE HERE
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The GRU takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.gru = nn.GRU(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        # YOUR CODE HERE
        embeds = self.word_embeddings(sentence)
        gru_out, _ = self.gru(embeds.view(len(sentence), 1, -1))
        tag_space = self.hidden2tag(gru_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def count_parameters(model):
    # YOUR CODE HERE
    total = 0
    for p in model.parameters():
        if p.requires_grad:
            total += p.numel()
    return total
""",
    p3_gru_training="""
torch.manual_seed(1)
# YOUR CODE HERE
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
GRU로 바꾸려면 LSTMTagger 에서 `nn.LSTM` 을 `nn.GRU` 로 바꾸고 `lstm_out, _` 를 `gru_out, _` 로 바꾸면 됨.
GRU는 cell state 가 없어서 hidden state 하나만 return 한다 (h_n only, (h, c) tuple X).
Parameter 수는 LSTM tagger 가 더 많음 -> LSTM 은 gate 가 4개, GRU 는 3개 (reset gate, update gate, candidate) 이기 때문.
Loss curve 는 GRU 가 처음에 조금 더 빨리 내려갔고, dev accuracy 는 둘 다 100% 였다.
""",
    q2_heldout_evaluation="""
Tutorial 은 training data 로 평가하기 때문에 overfitting 을 확인할 수 없다 -> test 과정이 빠져있으므로 모델의 실제 성능
(generalization) 을 측정하기 어렵다. 이 노트북은 corpus 를 train / dev 로 나누고, test split 은 grader 가 따로 가지고 있다.
training accuracy 는 거의 100% 였지만, dev accuracy 를 baseline 과 비교해봐야 LSTM 이 context 를 보고 watch, cook 같은
단어를 구분한다는 걸 알 수 있었다.
""",
)

# ----------------------------------------------------------------------------------------------
# tom: the 2018 edition of the tutorial: init_hidden() and self.hidden, reset before every sentence.
# ----------------------------------------------------------------------------------------------
TOM = _handin(
    p1_create="""
lstm = nn.LSTM(3, 3)  # Input dim is 3, output dim is 3
inputs = [torch.randn(1, 3) for _ in range(5)]  # make a sequence of length 5

# initialize the hidden state.
hidden = (torch.randn(1, 1, 3),
          torch.randn(1, 1, 3))
<TAIL>
""",
    p1_method1="""
step_outs = []
for i in inputs:
    # Step through the sequence one element at a time.
    # after each step, hidden contains the hidden state.
    out, hidden = lstm(i.view(1, 1, -1), hidden)
    step_outs.append(out)
<TAIL>
""",
    p1_method2="""
# alternatively, we can do the entire sequence all at once.
inputs_seq = torch.cat(inputs).view(len(inputs), 1, -1)  # Add the extra 2nd dimension
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    idxs = [to_ix[w] for w in seq]
    return torch.tensor(idxs, dtype=torch.long)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The LSTM takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)
        self.hidden = self.init_hidden()

    def init_hidden(self):
        # Before we've done anything, we dont have any hidden state.
        # Refer to the Pytorch documentation to see exactly
        # why they have this dimensionality.
        # The axes semantics are (num_layers, minibatch_size, hidden_dim)
        return (torch.zeros(1, 1, self.hidden_dim),
                torch.zeros(1, 1, self.hidden_dim))

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        lstm_out, self.hidden = self.lstm(
            embeds.view(len(sentence), 1, -1), self.hidden)
        tag_space = self.hidden2tag(lstm_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        # Step 1. Remember that Pytorch accumulates gradients.
        # We need to clear them out before each instance
        model.zero_grad()

        # Also, we need to clear out the hidden state of the LSTM,
        # detaching it from its history on the last instance.
        model.hidden = model.init_hidden()

        # Step 2. Get our inputs ready for the network, that is, turn them into
        # Tensors of word indices.
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)

        # Step 3. Run our forward pass.
        tag_scores = model(sentence_in)

        # Step 4. Compute the loss, gradients, and update the parameters by
        #  calling optimizer.step()
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    n_correct, n_total = 0, 0
    with torch.no_grad():
        for sentence, tags in data:
            model.hidden = model.init_hidden()  # fresh state for every sentence, as in training
            tag_scores = model(prepare_sequence(sentence, word_to_ix))
            predicted = torch.argmax(tag_scores, dim=1).tolist()
            gold = [tag_to_ix[t] for t in tags]
            n_correct += sum(1 for p, g in zip(predicted, gold) if p == g)
            n_total += len(gold)
    return n_correct / n_total


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    mean_losses = []
    for epoch in range(epochs):
        total_loss = 0.0
        for sentence, tags in data:
            model.zero_grad()
            model.hidden = model.init_hidden()
            sentence_in = prepare_sequence(sentence, word_to_ix)
            targets = prepare_sequence(tags, tag_to_ix)
            tag_scores = model(sentence_in)
            loss = loss_function(tag_scores, targets)
            loss.backward()
            optimizer.step()
            total_loss += loss.item()
        mean_losses.append(total_loss / len(data))
    return mean_losses
""",
    p2_corpus_training="""
torch.manual_seed(1)
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix,
                           epochs=CORPUS_EPOCHS, lr=CORPUS_LR)
# print("losses:", lstm_losses)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.hidden_dim = hidden_dim

        self.word_embeddings = nn.Embedding(vocab_size, embedding_dim)

        # The GRU takes word embeddings as inputs, and outputs hidden states
        # with dimensionality hidden_dim.
        self.gru = nn.GRU(embedding_dim, hidden_dim)

        # The linear layer that maps from hidden state space to tag space
        self.hidden2tag = nn.Linear(hidden_dim, tagset_size)
        self.hidden = self.init_hidden()

    def init_hidden(self):
        # A GRU has no cell state: only h, (num_layers, minibatch_size, hidden_dim)
        return torch.zeros(1, 1, self.hidden_dim)

    def forward(self, sentence):
        embeds = self.word_embeddings(sentence)
        gru_out, self.hidden = self.gru(
            embeds.view(len(sentence), 1, -1), self.hidden)
        tag_space = self.hidden2tag(gru_out.view(len(sentence), -1))
        tag_scores = F.log_softmax(tag_space, dim=1)
        return tag_scores


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix,
                          epochs=CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
I replaced nn.LSTM with nn.GRU and changed init_hidden to return a single tensor instead of the (h, c) pair,
since a GRU has no cell state. The GRU tagger has fewer parameters because it has 3 gates where the LSTM
has 4, so its recurrent weights are 3/4 the size. The GRU's loss went down a bit faster, but both models
got 100% on the dev sentences.
""",
    q2_heldout_evaluation="""
Testing on the training sentences only shows that the model memorised them (overfitting), not that it works
on new sentences. The notebook keeps a dev set (and a hidden test set) for evaluation; the LSTM scored
higher than the baseline on dev, so it really uses the context of the previous words.
""",
)

# ----------------------------------------------------------------------------------------------
# hana: batch_first=True, unsqueeze/squeeze, nn.LogSoftmax, torch.stack, an `encode` helper.
# ----------------------------------------------------------------------------------------------
HANA = _handin(
    p1_create="""
lstm = nn.LSTM(input_size=3, hidden_size=3)
inputs = [torch.randn(1, 3) for _ in range(5)]
h, c = torch.randn(1, 1, 3), torch.randn(1, 1, 3)
hidden = (h, c)
<TAIL>
""",
    p1_method1="""
step_outs = []
for x in inputs:
    x = x.unsqueeze(0)  # (1, 3) -> (1, 1, 3)
    out, hidden = lstm(x, hidden)
    step_outs.append(out)
<TAIL>
""",
    p1_method2="""
inputs_seq = torch.stack(inputs)  # five (1, 3) -> (5, 1, 3); stack adds the time axis
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    return torch.tensor([to_ix[word] for word in seq], dtype=torch.long)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, tagset_size)
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, sentence):
        x = self.embedding(sentence).unsqueeze(0)  # (1, seq_len, embedding_dim), batch first
        out, _ = self.lstm(x)  # (1, seq_len, hidden_dim)
        return self.log_softmax(self.fc(out.squeeze(0)))
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        optimizer.zero_grad()
        x = prepare_sequence(sentence, word_to_ix)
        y = prepare_sequence(tags, tag_to_ix)
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    hits = []
    with torch.no_grad():
        for pair in data:
            x, y = encode(pair, word_to_ix, tag_to_ix)
            hits.append(model(x).argmax(dim=1) == y)
    return torch.cat(hits).float().mean().item()


def encode(pair, word_to_ix, tag_to_ix):
    \"\"\"(words, tags) -> (word indices, tag indices)\"\"\"
    words, tags = pair
    return prepare_sequence(words, word_to_ix), prepare_sequence(tags, tag_to_ix)


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    criterion = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    history = []
    for _ in range(epochs):
        batch_losses = []
        for pair in data:
            x, y = encode(pair, word_to_ix, tag_to_ix)
            optimizer.zero_grad()
            loss = criterion(model(x), y)
            loss.backward()
            optimizer.step()
            batch_losses.append(loss.item())
        history.append(sum(batch_losses) / len(batch_losses))
    return history
""",
    p2_corpus_training="""
torch.manual_seed(1)
n_words, n_tags = len(corpus_word_to_ix), len(tag_to_ix)
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, n_words, n_tags)
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim, batch_first=True)
        self.fc = nn.Linear(hidden_dim, tagset_size)
        self.log_softmax = nn.LogSoftmax(dim=1)

    def forward(self, sentence):
        x = self.embedding(sentence).unsqueeze(0)
        out, _ = self.gru(x)  # h_n is a single tensor for a GRU
        return self.log_softmax(self.fc(out.squeeze(0)))


def count_parameters(model):
    return sum(param.numel() for param in model.parameters())
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, n_words, n_tags)
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
Only the recurrent layer changes: `nn.GRU` takes the same arguments, and because I call it without a state and
ignore the second return value, the forward pass did not change at all; the difference is that the GRU's
second value is just h_n, with no cell state. It has three weight blocks (reset, update, candidate) where the
LSTM has four, so the recurrent part shrinks to 3/4 and the whole GRU tagger is smaller. In my run the GRU's loss
fell a little faster in the first epochs, but both ended near zero and both reached 100% on dev.
""",
    q2_heldout_evaluation="""
A model evaluated on the data it was trained on can just memorise it, so a perfect training score says nothing
about new sentences. Holding out a dev split fixes this, with a separate test split for the final score. The
dev accuracy being above the most-frequent-tag baseline showed me the LSTM actually uses context, which the
training accuracy can't show.
""",
)

# ----------------------------------------------------------------------------------------------
# lucas: reshape, index loops, a loss tensor per epoch, LongTensor, keyword arguments.
# ----------------------------------------------------------------------------------------------
LUCAS = _handin(
    p1_create="""
lstm = nn.LSTM(3, 3)

inputs = []
for _ in range(5):
    inputs.append(torch.randn(1, 3))

h_init = torch.randn(1, 1, 3)
c_init = torch.randn(1, 1, 3)
hidden = (h_init, c_init)
<TAIL>
""",
    p1_method1="""
step_outs = []
for t, x_t in enumerate(inputs):
    out, hidden = lstm(x_t.reshape(1, 1, 3), hidden)
    step_outs.append(out)
    # print(t, out)
<TAIL>
""",
    p1_method2="""
inputs_seq = torch.cat(inputs, dim=0).reshape(-1, 1, 3)
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    idxs = []
    for token in seq:
        idxs.append(to_ix[token])
    return torch.LongTensor(idxs)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.linear = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        n = sentence.shape[0]
        e = self.embeddings(sentence).reshape(n, 1, -1)
        h, _ = self.lstm(e)
        scores = self.linear(h.reshape(n, -1))
        return F.log_softmax(scores, dim=-1)
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        inp = prepare_sequence(sentence, word_to_ix)
        target = prepare_sequence(tags, tag_to_ix)
        output = model(inp)
        loss = loss_function(output, target)
        loss.backward()
        optimizer.step()
    # if epoch % 50 == 0:
    #     print(epoch, loss.item())
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    model.eval()
    right, count = 0, 0
    with torch.no_grad():
        for i in range(len(data)):
            words, tags = data[i]
            pred = torch.argmax(model(prepare_sequence(words, word_to_ix)), dim=-1)
            gold = prepare_sequence(tags, tag_to_ix)
            for j in range(len(gold)):
                right += int(pred[j] == gold[j])
            count += len(gold)
    model.train()
    return right / count


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    loss_fn = nn.NLLLoss()
    opt = optim.SGD(model.parameters(), lr=lr)
    mean_losses = []
    for ep in range(epochs):
        losses_this_epoch = torch.zeros(len(data))
        for k, (words, tags) in enumerate(data):
            opt.zero_grad()
            loss = loss_fn(model(prepare_sequence(words, word_to_ix)), prepare_sequence(tags, tag_to_ix))
            loss.backward()
            opt.step()
            losses_this_epoch[k] = loss.item()
        mean_losses.append(losses_this_epoch.mean().item())
    return mean_losses
""",
    p2_corpus_training="""
torch.manual_seed(1)
corpus_model = LSTMTagger(embedding_dim=CORPUS_EMBEDDING_DIM, hidden_dim=CORPUS_HIDDEN_DIM,
                          vocab_size=len(corpus_word_to_ix), tagset_size=len(tag_to_ix))
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix,
                           epochs=CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.embeddings = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim)
        self.linear = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        n = sentence.shape[0]
        e = self.embeddings(sentence).reshape(n, 1, -1)
        h, h_last = self.gru(e)
        scores = self.linear(h.reshape(n, -1))
        return F.log_softmax(scores, dim=-1)


def count_parameters(model):
    return sum(torch.numel(w) for w in model.parameters() if w.requires_grad)
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(embedding_dim=CORPUS_EMBEDDING_DIM, hidden_dim=CORPUS_HIDDEN_DIM,
                      vocab_size=len(corpus_word_to_ix), tagset_size=len(tag_to_ix))
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix,
                          epochs=CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
To use a GRU I copied my LSTMTagger and changed nn.LSTM to nn.GRU. That was the only real change, because my
forward already threw away the second output; if it had unpacked `(h, c)` it would have crashed, since the GRU
returns one hidden state tensor and has no separate cell state. The parameter count printed 2979 for the LSTM
tagger and 2435 for the GRU tagger. The difference is all in the recurrent layer: the LSTM has four sets of
weights (input gate, forget gate, output gate and the candidate cell) and the GRU three (reset, update and the
candidate), so the GRU layer is 3/4 of the LSTM layer. The GRU's loss curve was lower after the first and second
epoch, but by epoch 4 both were close to zero, and both models tagged the dev set at 100%, so here the GRU gets
the same result with fewer parameters and a bit faster.
""",
    q2_heldout_evaluation="""
The problem is that a model can score 100% on its training sentences just by overfitting them, so this number
does not tell you how it does on sentences it has never seen. The notebook fixes it by training on corpus_train
and measuring on corpus_dev, while the test sentences stay hidden until grading. On dev the baseline that
always picks a word's most common tag is already high, but the LSTM did better than it, which means it learned
to use the words before (e.g. "watch" after "the" is a noun). The training accuracy could not show this,
because on the training set the baseline and the LSTM would both look almost perfect.
""",
)

# ----------------------------------------------------------------------------------------------
# priya: compact, one helper shared by both taggers, x[None], comprehensions, *sizes.
# ----------------------------------------------------------------------------------------------
PRIYA = _handin(
    p1_create="""
lstm = nn.LSTM(3, 3)
inputs = [torch.randn(1, 3) for _ in range(5)]
hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))
<TAIL>
""",
    p1_method1="""
step_outs = []
for x in inputs:
    out, hidden = lstm(x[None], hidden)  # x[None]: (1, 3) -> (1, 1, 3)
    step_outs.append(out)
<TAIL>
""",
    p1_method2="""
inputs_seq = torch.cat([x[None] for x in inputs])
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    return torch.tensor(list(map(to_ix.get, seq)), dtype=torch.long)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.word_emb = nn.Embedding(vocab_size, embedding_dim)
        self.recurrent = nn.LSTM(embedding_dim, hidden_dim)
        self.classifier = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        return tag_log_probs(self, sentence)


def tag_log_probs(tagger, sentence):
    \"\"\"Embed, run the recurrent layer from a zero state, score the tags. Shared with GRUTagger.\"\"\"
    seq = tagger.word_emb(sentence).view(len(sentence), 1, -1)
    states = tagger.recurrent(seq)[0]  # [0]: every step's output; [1] would be the final state
    return F.log_softmax(tagger.classifier(states.squeeze(1)), dim=1)
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        loss = loss_function(model(prepare_sequence(sentence, word_to_ix)), prepare_sequence(tags, tag_to_ix))
        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    with torch.no_grad():
        hits = [int(p == g)
                for words, tags in data
                for p, g in zip(model(prepare_sequence(words, word_to_ix)).argmax(1).tolist(),
                                [tag_to_ix[t] for t in tags])]
    return sum(hits) / len(hits)


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    nll = nn.NLLLoss()
    opt = optim.SGD(model.parameters(), lr=lr)
    per_epoch = []
    for _ in range(epochs):
        total = 0.0
        for words, tags in data:
            opt.zero_grad()
            loss = nll(model(prepare_sequence(words, word_to_ix)), prepare_sequence(tags, tag_to_ix))
            loss.backward()
            opt.step()
            total += loss.item()
        per_epoch.append(total / len(data))
    return per_epoch
""",
    p2_corpus_training="""
torch.manual_seed(1)
sizes = (CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, len(corpus_word_to_ix), len(tag_to_ix))
corpus_model = LSTMTagger(*sizes)
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.word_emb = nn.Embedding(vocab_size, embedding_dim)
        self.recurrent = nn.GRU(embedding_dim, hidden_dim)  # same attribute names, so tag_log_probs works as is
        self.classifier = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        return tag_log_probs(self, sentence)


def count_parameters(model):
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(*sizes)
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
- Code: `nn.LSTM` → `nn.GRU` in `__init__`, nothing else (my forward only uses output [0], so the missing cell
  state doesn't matter; unpacking `(h, c)` would fail because a GRU's h_n is one tensor).
- Parameters: GRU has 3 gate blocks instead of 4, so 3·H·(I+H+2) instead of 4·H·(I+H+2) in the recurrent layer;
  the embedding and the linear layer are the same.
- Loss/accuracy: the GRU's loss drops faster in epochs 1–2, both end near 0; dev accuracy 100% for both, so
  the GRU is just cheaper here.
""",
    q2_heldout_evaluation="""
Training accuracy only measures memorisation; an overfitted model gets 100% and can still fail on new sentences.
Evaluating on held-out sentences (dev here, test for the grader) fixes it, and the dev result vs the baseline
shows the LSTM uses context to tag ambiguous words like "watch".
""",
)

# ----------------------------------------------------------------------------------------------
# felix: verbose: named constants, docstrings, shape comments, an assert, progress prints.
# ----------------------------------------------------------------------------------------------
FELIX = _handin(
    p1_create="""
INPUT_SIZE = HIDDEN_SIZE = 3
SEQ_LEN = 5

lstm = nn.LSTM(INPUT_SIZE, HIDDEN_SIZE)
inputs = [torch.randn(1, INPUT_SIZE) for _ in range(SEQ_LEN)]
hidden = (torch.randn(1, 1, HIDDEN_SIZE),   # h: (num_layers, batch, hidden_size)
          torch.randn(1, 1, HIDDEN_SIZE))   # c: same shape
<TAIL>
""",
    p1_method1="""
step_outs = []
for x in inputs:
    out, hidden = lstm(x.view(1, 1, INPUT_SIZE), hidden)  # one time step, batch of 1
    step_outs.append(out)
<TAIL>
""",
    p1_method2="""
# (seq_len, batch, features): concatenate the rows, then insert the batch axis in the middle
inputs_seq = torch.cat(inputs).unsqueeze(1)
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
assert torch.allclose(out[-1], h_n[0])  # the last output is the final hidden state
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    \"\"\"Map each token of `seq` to its index in `to_ix`: a 1-D LongTensor.\"\"\"
    indices = [to_ix[token] for token in seq]
    return torch.as_tensor(indices, dtype=torch.long)
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.lstm = nn.LSTM(embedding_dim, hidden_dim)
        self.hidden_to_tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        seq_len = len(sentence)
        embeds = self.embedding(sentence)                                 # (seq_len, embedding_dim)
        lstm_out, (h_n, c_n) = self.lstm(embeds.view(seq_len, 1, -1))     # (seq_len, 1, hidden_dim)
        tag_space = self.hidden_to_tag(lstm_out.view(seq_len, self.hidden_dim))  # (seq_len, tagset_size)
        return F.log_softmax(tag_space, dim=1)
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        sentence_in = prepare_sequence(sentence, word_to_ix)
        targets = prepare_sequence(tags, tag_to_ix)
        tag_scores = model(sentence_in)
        loss = loss_function(tag_scores, targets)
        loss.backward()
        optimizer.step()
    if epoch % 100 == 99:
        print(f"epoch {epoch + 1}: last loss {loss.item():.4f}")
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    \"\"\"Token accuracy: correctly tagged words / all words, over every sentence of `data`.\"\"\"
    was_training = model.training
    model.eval()
    n_correct = n_words = 0
    with torch.no_grad():
        for words, tags in data:
            scores = model(prepare_sequence(words, word_to_ix))  # (len(words), n_tags)
            gold = prepare_sequence(tags, tag_to_ix)
            n_correct += int((scores.argmax(dim=1) == gold).sum())
            n_words += gold.numel()
    model.train(was_training)
    return n_correct / n_words


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    \"\"\"SGD on the NLL loss, one sentence per step; returns the mean training loss of every epoch.\"\"\"
    loss_function = nn.NLLLoss()
    optimizer = optim.SGD(model.parameters(), lr=lr)
    model.train()
    epoch_means = []
    for epoch in range(1, epochs + 1):
        summed = 0.0
        for words, tags in data:
            optimizer.zero_grad()
            scores = model(prepare_sequence(words, word_to_ix))
            loss = loss_function(scores, prepare_sequence(tags, tag_to_ix))
            loss.backward()
            optimizer.step()
            summed += float(loss)
        epoch_means.append(summed / len(data))
        print(f"epoch {epoch}/{epochs}: mean loss {epoch_means[-1]:.4f}")
    return epoch_means
""",
    p2_corpus_training="""
torch.manual_seed(1)
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM,
                          vocab_size=len(corpus_word_to_ix), tagset_size=len(tag_to_ix))
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.embedding_dim = embedding_dim
        self.hidden_dim = hidden_dim
        self.embedding = nn.Embedding(vocab_size, embedding_dim)
        self.gru = nn.GRU(embedding_dim, hidden_dim)
        self.hidden_to_tag = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        seq_len = len(sentence)
        embeds = self.embedding(sentence)                          # (seq_len, embedding_dim)
        gru_out, h_n = self.gru(embeds.view(seq_len, 1, -1))       # h_n: one tensor, no cell state
        tag_space = self.hidden_to_tag(gru_out.view(seq_len, self.hidden_dim))
        return F.log_softmax(tag_space, dim=1)


def count_parameters(model):
    \"\"\"Number of trainable scalars in `model`.\"\"\"
    return sum(p.numel() for p in model.parameters() if p.requires_grad)
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM,
                      vocab_size=len(corpus_word_to_ix), tagset_size=len(tag_to_ix))
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, lr=CORPUS_LR)
<TAIL>
""",
    q1_gru_vs_lstm="""
**Code changes.** In the model class only: `nn.LSTM` is replaced by `nn.GRU`, and the return value of the
recurrent layer is unpacked as `gru_out, h_n` instead of `lstm_out, (h_n, c_n)`, because a GRU carries a single
hidden state and no cell state. Data preparation, loss, optimiser, training and evaluation are reused unchanged.

**Parameters.** An LSTM layer computes four gate blocks (input, forget, cell candidate, output), a GRU three
(reset, update, new), each block of size H·(I + H + 2). With I = H = 16 that is 2176 vs 1632 numbers in the
recurrent layer; embedding and output layer are identical, so the GRU tagger is 544 parameters smaller.

**Behaviour.** The GRU's loss falls faster (0.08 against 0.36 after two epochs, same seed and learning rate),
then both flatten close to zero, and both taggers reach 100% on the dev split. On such a small and regular corpus
the extra gate of the LSTM has nothing to add; I would expect a difference only on longer sentences with
long-range dependencies.
""",
    q2_heldout_evaluation="""
Evaluating on the training sentences measures how well the model fits data it has already seen, which an
overfitted model does perfectly: it says nothing about generalisation. The notebook therefore splits the
corpus: the model is trained on `corpus_train`, compared and tuned on `corpus_dev`, and the final score comes
from a test split that is never looked at before. The dev accuracy beating the context-free baseline (about 93%
on dev) is the evidence that the LSTM uses the preceding words, which is exactly what the ambiguous words
(watch, cook, play, ...) require; training accuracy alone cannot separate this from memorising word–tag pairs.
""",
)

# ----------------------------------------------------------------------------------------------
# daniel: the original of the copied pair, his own code in nearly every cell.
# ----------------------------------------------------------------------------------------------
DANIEL = _handin(
    p1_create="""
lstm = nn.LSTM(3, 3)
inputs = list(torch.randn(5, 1, 3))      # unbinds into five (1, 3) rows
hidden = tuple(torch.randn(2, 1, 1, 3))  # (h, c), each (1, 1, 3)
<TAIL>
""",
    p1_method1="""
step_outs = []
state = hidden
for x in inputs:
    y, state = lstm(x.expand(1, 1, 3), state)  # expand adds the seq and batch axes
    step_outs.append(y)
hidden = state
<TAIL>
""",
    p1_method2="""
inputs_seq = torch.stack(inputs)  # (5, 1, 3)
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
print("max |out - step outs| =", (out - torch.cat(step_outs)).abs().max().item())
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    return torch.tensor([to_ix[tok] for tok in seq]).long()
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.embed = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = nn.LSTM(embedding_dim, hidden_dim)
        self.out = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        x = self.embed(sentence).unsqueeze(1)  # (T, 1, E)
        h, _ = self.rnn(x)                     # (T, 1, H), starts from zeros every call
        return torch.log_softmax(self.out(h.squeeze(1)), dim=-1)
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        x, y = prepare_sequence(sentence, word_to_ix), prepare_sequence(tags, tag_to_ix)
        loss = loss_function(model(x), y)
        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    preds, gold = [], []
    with torch.no_grad():
        for words, tags in data:
            preds.extend(model(prepare_sequence(words, word_to_ix)).argmax(-1).tolist())
            gold.extend(tag_to_ix[t] for t in tags)
    return sum(p == g for p, g in zip(preds, gold)) / len(gold)


def _sentence_loss(model, words, tags, word_to_ix, tag_to_ix, criterion):
    scores = model(prepare_sequence(words, word_to_ix))
    return criterion(scores, prepare_sequence(tags, tag_to_ix))


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    criterion = nn.NLLLoss()
    sgd = optim.SGD(model.parameters(), lr=lr)
    curve = []
    for _ in range(epochs):
        running = 0.0
        for n, (words, tags) in enumerate(data, start=1):
            model.zero_grad()
            loss = _sentence_loss(model, words, tags, word_to_ix, tag_to_ix, criterion)
            loss.backward()
            sgd.step()
            running += (loss.item() - running) / n  # running mean over the epoch
        curve.append(running)
    return curve
""",
    p2_corpus_training="""
torch.manual_seed(1)
V, K = len(corpus_word_to_ix), len(tag_to_ix)
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, V, K)
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
print("loss per epoch:", [round(v, 3) for v in lstm_losses])
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.embed = nn.Embedding(vocab_size, embedding_dim)
        self.rnn = nn.GRU(embedding_dim, hidden_dim)
        self.out = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        x = self.embed(sentence).unsqueeze(1)
        h, h_last = self.rnn(x)  # a GRU has no cell state: h_last is one tensor
        return torch.log_softmax(self.out(h.squeeze(1)), dim=-1)


def count_parameters(model):
    return sum(map(torch.numel, filter(lambda p: p.requires_grad, model.parameters())))
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, V, K)
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
print("loss per epoch:", [round(v, 3) for v in gru_losses])
<TAIL>
""",
    q1_gru_vs_lstm="""
Swapping in a GRU only touched the model class: `nn.LSTM` became `nn.GRU`, and since a GRU keeps a single hidden
state there is no `(h, c)` tuple to unpack, so `h, _ = self.rnn(x)` works unchanged. The recurrent layer is
smaller: a GRU computes 3 blocks (reset gate, update gate, candidate state) where the LSTM computes 4 (input,
forget and output gate plus the cell candidate), so with E = H = 16 it has 3·16·(16+16+2) = 1632 weights against
2176. Everything else in the model (embedding, output layer) is identical, so the whole tagger differs by exactly
544 parameters (2979 vs 2435). Both loss curves drop steeply after the first epoch and end close together (the
GRU's a little earlier), and both taggers got every dev word right, so on a corpus this small the extra gate of
the LSTM buys nothing.
""",
    q2_heldout_evaluation="""
If you score a model on the sentences it was trained on, you only learn how well it memorised them: after 300
epochs the tutorial's tagger gets 100% on its two sentences, which a model that overfits completely would also
get. The fix is to keep sentences aside that the model never sees while training. This notebook splits the corpus
into train and dev, and the grader holds a test split back. The dev accuracy is the number that matters: the
LSTM beats the word-by-word baseline (92.6% on dev), which means it uses the previous words to decide whether
e.g. "watch" or "cook" is a noun or a verb; the training accuracy could never show that.
""",
)

# ----------------------------------------------------------------------------------------------
# sora: daniel's hand-in, lightly edited (renamed, reordered, comments and blank lines changed).
# ----------------------------------------------------------------------------------------------
SORA = _handin(
    p1_create="""
lstm = nn.LSTM(3, 3)
hidden = tuple(torch.randn(2, 1, 1, 3))  # h and c

inputs = list(torch.randn(5, 1, 3))
<TAIL>
""",
    p1_method1="""
step_outs = []
hc = hidden
for elem in inputs:
    o, hc = lstm(elem.expand(1, 1, 3), hc)
    step_outs.append(o)

hidden = hc
<TAIL>
""",
    p1_method2="""
inputs_seq = torch.stack(inputs)
out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))
print("largest difference:", (torch.cat(step_outs) - out).abs().max().item())
<TAIL>
""",
    p2_prepare_sequence="""
def prepare_sequence(seq, to_ix):
    return torch.tensor([to_ix[w] for w in seq]).long()
""",
    p2_lstm_tagger="""
class LSTMTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(LSTMTagger, self).__init__()
        self.emb = nn.Embedding(vocab_size, embedding_dim)
        self.seq_layer = nn.LSTM(embedding_dim, hidden_dim)
        self.proj = nn.Linear(hidden_dim, tagset_size)

    def forward(self, sentence):
        e = self.emb(sentence).unsqueeze(1)
        out, _ = self.seq_layer(e)
        return torch.log_softmax(self.proj(out.squeeze(1)), dim=-1)
""",
    p2_training_loop="""
for epoch in range(300):  # again, normally you would NOT do 300 epochs, it is toy data
    for sentence, tags in training_data:
        model.zero_grad()
        inp, target = prepare_sequence(sentence, word_to_ix), prepare_sequence(tags, tag_to_ix)
        loss = loss_function(model(inp), target)

        loss.backward()
        optimizer.step()
""",
    p2_evaluate_train="""
def evaluate(model, data, word_to_ix, tag_to_ix):
    expected, predicted = [], []
    with torch.no_grad():
        for words, tags in data:
            expected.extend(tag_to_ix[t] for t in tags)
            predicted.extend(model(prepare_sequence(words, word_to_ix)).argmax(-1).tolist())
    return sum(a == b for a, b in zip(predicted, expected)) / len(expected)


def train_tagger(model, data, word_to_ix, tag_to_ix, epochs, lr=0.1):
    optimizer = optim.SGD(model.parameters(), lr=lr)
    nll = nn.NLLLoss()
    history = []
    for _ in range(epochs):
        avg = 0.0
        for i, (words, tags) in enumerate(data, start=1):
            model.zero_grad()
            loss = loss_on(model, words, tags, word_to_ix, tag_to_ix, nll)
            loss.backward()
            optimizer.step()
            avg += (loss.item() - avg) / i
        history.append(avg)
    return history


def loss_on(model, words, tags, word_to_ix, tag_to_ix, nll):
    # loss of one sentence
    scores = model(prepare_sequence(words, word_to_ix))
    return nll(scores, prepare_sequence(tags, tag_to_ix))
""",
    p2_corpus_training="""
torch.manual_seed(1)
n_vocab, n_tags = len(corpus_word_to_ix), len(tag_to_ix)
corpus_model = LSTMTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, n_vocab, n_tags)
lstm_losses = train_tagger(corpus_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
print("losses:", [round(x, 3) for x in lstm_losses])
<TAIL>
""",
    p3_gru_tagger="""
class GRUTagger(nn.Module):

    def __init__(self, embedding_dim, hidden_dim, vocab_size, tagset_size):
        super(GRUTagger, self).__init__()
        self.emb = nn.Embedding(vocab_size, embedding_dim)
        self.proj = nn.Linear(hidden_dim, tagset_size)
        self.seq_layer = nn.GRU(embedding_dim, hidden_dim)

    def forward(self, sentence):
        e = self.emb(sentence).unsqueeze(1)
        out, last = self.seq_layer(e)  # only one hidden state (no c)
        return torch.log_softmax(self.proj(out.squeeze(1)), dim=-1)


def count_parameters(model):
    return sum(map(torch.numel, filter(lambda w: w.requires_grad, model.parameters())))
""",
    p3_gru_training="""
torch.manual_seed(1)
gru_model = GRUTagger(CORPUS_EMBEDDING_DIM, CORPUS_HIDDEN_DIM, n_vocab, n_tags)
gru_losses = train_tagger(gru_model, corpus_train, corpus_word_to_ix, tag_to_ix, CORPUS_EPOCHS, CORPUS_LR)
print("losses:", [round(x, 3) for x in gru_losses])
<TAIL>
""",
    q1_gru_vs_lstm="""
Replacing the LSTM with a GRU only changed the model class: `nn.LSTM` was replaced by `nn.GRU`, and because a GRU
keeps just one hidden state there is no `(h, c)` tuple to unpack, so `out, _ = self.seq_layer(e)` still works.
Both loss curves fall sharply after the first epoch and finish close together (the GRU's slightly sooner), and
both taggers tagged every dev word correctly, so on such a small corpus the LSTM's extra gate gains nothing. The recurrent layer is
smaller: a GRU computes 3 blocks (reset gate, update gate, candidate state) while the LSTM computes 4 (input,
forget and output gate plus the cell candidate), so with E = H = 16 it has 3·16·(16+16+2) = 1632 weights versus
2176. The rest of the model (embedding, output layer) is the same, so the two taggers differ by exactly 544
parameters (2979 vs 2435).
""",
    q2_heldout_evaluation="""
The solution is to set aside sentences that the model never sees during training. If you evaluate a model on the
sentences it was trained on, you only find out how well it memorised them: after 300 epochs the tutorial's tagger
scores 100% on its two sentences, which a model that overfits completely would also score. In this notebook the
corpus is split into train and dev, and the grader keeps a test split back. The dev accuracy is the number that
counts: the LSTM beats the word-by-word baseline (92.6% on dev), meaning it uses the preceding words to decide
whether e.g. "watch" or "cook" is a noun or a verb; the training accuracy could never reveal that.
""",
)

HANDINS: dict[str, dict[str, str]] = {
    "jiwoo": JIWOO,
    "minseo": MINSEO,
    "tom": TOM,
    "hana": HANA,
    "lucas": LUCAS,
    "priya": PRIYA,
    "felix": FELIX,
    "daniel": DANIEL,
    "sora": SORA,
}

COPIED_PAIR: tuple[str, str] = ("daniel", "sora")  # (original, copy)
INDEPENDENT: tuple[str, ...] = tuple(s for s in HANDINS if s not in COPIED_PAIR)
# The students whose taggers and training loops are the tutorial's code, pasted.
FROM_TUTORIAL: tuple[str, ...] = ("jiwoo", "minseo", "tom")


def notebook(student_id: str):
    """The student's notebook as handed in: the release with their twelve cells."""
    return submission(HANDINS[student_id])


def write_all(into: Path) -> dict[str, Path]:
    """Write ``<into>/<id>.ipynb`` for every student; ``id -> path``."""
    into.mkdir(parents=True, exist_ok=True)
    paths = {}
    for student in HANDINS:
        path = paths[student] = into / f"{student}.ipynb"
        nbformat.write(notebook(student), str(path))
    return paths
