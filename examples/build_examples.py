"""Writes the bundled example submissions in examples/submissions/.

Each example is the released notebook as a student would hand it in, made from the
solution (see ``tests.builders.submission``), with realistic mistakes written in, and with
the student's own answers to the written questions (never the solution's model answer or
rubric, which a TA would otherwise read in formgrader as if a student had written it).
``tests/test_examples.py`` checks the committed files are what this script writes, and
the README's table of expected scores is checked against real grading.

    .venv/bin/python -m examples.build_examples
"""

from __future__ import annotations

import json
from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from tests.builders import edited, submission

OUT = Path(__file__).resolve().parent / "submissions"
Q1, Q2 = "q1_gru_vs_lstm", "q2_heldout_evaluation"

# What each student wrote for Q1 and Q2, in their own words: some answers good, some weak, as
# a TA grading them in formgrader would find (the numbers are those their notebooks print).
ANSWERS = {
    "ada": {
        Q1: "Only the model class changed. `nn.LSTM` became `nn.GRU` (same arguments) and in `forward` "
            "I get back `gru_out, h_n` where `h_n` is just one tensor: a GRU has no cell state, so there "
            "is no `(h, c)` pair to unpack. The data, the loss and my `train_tagger` stayed exactly as they "
            "were.\n\n"
            "My GRU tagger has 2435 parameters against 2979 for the LSTM tagger. The whole difference is in "
            "the recurrent layer (1632 vs 2176): the GRU computes three blocks of weights (reset gate, update "
            "gate and the candidate state) where the LSTM computes four (input, forget and output gates plus "
            "the candidate cell), so it is exactly 3/4 of the size. In my plot both losses fall steeply in "
            "the first two epochs and end close together, and both taggers got 100% on dev, so on this small "
            "corpus the GRU is just as good while being cheaper.",
        Q2: "If you only measure on the two sentences you trained on, you measure how well the model "
            "remembers them. 100% there can simply be memorisation (overfitting) and tells you nothing about "
            "a sentence it has never seen.\n\n"
            "The notebook trains on `corpus_train` and measures on `corpus_dev`, sentences the model never "
            "saw, and the grader keeps a third split for the final number so that nobody can tune their "
            "settings on it. My LSTM got 100% on dev while the most-frequent-tag baseline got 92.6%. The "
            "baseline has to get words like *watch*, *book* or *fish* wrong whenever they are used the other "
            "way, and the LSTM gets them right from the words before them. The training accuracy was 100% "
            "for both kinds of model, so it could never have shown that difference.",
    },
    "cleo": {
        Q1: "I did not get to Part 3, sorry. From the lecture I think a GRU is a simplified LSTM with less "
            "gates, so it should train faster.",
        Q2: "If we test on the sentences we trained on, the model has already seen the answers, so the "
            "accuracy looks better than it really is. We should test on other sentences instead.",
    },
    "dev": {
        Q1: "I changed `nn.LSTM` to `nn.GRU` in `GRUTagger` and kept the rest of `forward` like in my LSTM "
            "tagger. A GRU has 3 gates and an LSTM 4, so the GRU should have about 3/4 of the recurrent "
            "parameters. I could not compare the loss curves because training the GRU gave me a ValueError "
            "(not enough values to unpack) and I ran out of time to fix it.",
        Q2: "Evaluating on the training data is like handing out the exam questions before the exam: the "
            "tagger can just remember which tag each word had in those two sentences. On the dev sentences "
            "my LSTM beat the baseline (92.6%, always the most common tag of each word), so it really uses "
            "the context, for example to tell *watch* the verb from *watch* the noun.",
    },
    "eve": {
        Q1: "Not finished yet. I think you just replace LSTM with GRU and it is faster?",
        Q2: "100% on the training sentences doesn't prove much because the model learned exactly those. "
            "The dev split fixes that. My LSTM had a higher dev accuracy than the baseline, so it works.",
    },
}


def written(student: str) -> dict[str, str]:
    """``student``'s answers to the written questions, by grade id (none: left as released)."""
    return dict(ANSWERS.get(student, {}))


def notebooks() -> dict[str, object]:
    return {
        # Everything right.
        "ada": submission(written("ada")),
        # The release handed in untouched.
        "ben": submission(solved=False),
        # log_softmax over the words instead of the tags; stopped before 2.4.
        "cleo": submission(
            edited("p2_lstm_tagger", ("F.log_softmax(tag_space, dim=1)", "F.log_softmax(tag_space, dim=0)"))
            | written("cleo"),
            unsolved=("p2_evaluate_train", "p2_corpus_training", "p3_gru_tagger", "p3_gru_training"),
        ),
        # The GRU swap kept the LSTM's `(h, c)` unpacking.
        "dev": submission(edited("p3_gru_tagger", ("gru_out, _ = self.gru(", "gru_out, (h, c) = self.gru("))
                          | written("dev")),
        # The tutorial's re-drawn `hidden` before Method 2; Part 3 not started.
        "eve": submission(
            edited("p1_method2", ("out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))",
                                  "hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))  # clean out hidden state\n"
                                  "out, (h_n, c_n) = lstm(inputs_seq, hidden)"))
            | written("eve"),
            unsolved=("p3_gru_tagger", "p3_gru_training"),
        ),
    }


def other_course_notebook():
    # Fixed cell ids, so that the file is the same every time it is written.
    return new_notebook(cells=[new_markdown_cell("# Homework 3: linear regression", id="2684bf36"),
                               new_code_cell("import numpy as np\nX = np.random.randn(10, 2)", id="e295ab82")])


def main() -> None:
    OUT.mkdir(parents=True, exist_ok=True)
    for name, nb in notebooks().items():
        nbformat.write(nb, str(OUT / f"{name}.ipynb"))
    # A download cut short: the first half of a valid notebook.
    text = json.dumps(nbformat.v4.writes(notebooks()["ada"]))
    (OUT / "fay.ipynb").write_text(json.loads(text)[: 4000])
    # Another course's notebook, submitted by mistake.
    nbformat.write(other_course_notebook(), str(OUT / "gus.ipynb"))
    # Not a notebook at all.
    (OUT / "ivy.txt").write_text("I could not upload my notebook, so here is my code:\n\nlstm = nn.LSTM(3, 3)\n")
    print(f"wrote {len(list(OUT.iterdir()))} files to {OUT}")


if __name__ == "__main__":
    main()
