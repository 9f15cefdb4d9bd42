"""Writes the bundled example submissions in examples/submissions/.

Each example is the released notebook as a student would hand it in, made from the
solution (see ``tests.builders.submission``), with realistic mistakes written in.
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


def notebooks() -> dict[str, object]:
    return {
        # Everything right.
        "ada": submission(),
        # The release handed in untouched.
        "ben": submission(solved=False),
        # log_softmax over the words instead of the tags; stopped before 2.4.
        "cleo": submission(
            edited("p2_lstm_tagger", ("F.log_softmax(tag_space, dim=1)", "F.log_softmax(tag_space, dim=0)")),
            unsolved=("p2_evaluate_train", "p2_corpus_training", "p3_gru_tagger", "p3_gru_training"),
        ),
        # The GRU swap kept the LSTM's `(h, c)` unpacking.
        "dev": submission(edited("p3_gru_tagger", ("gru_out, _ = self.gru(", "gru_out, (h, c) = self.gru("))),
        # The tutorial's re-drawn `hidden` before Method 2; Part 3 not started.
        "eve": submission(
            edited("p1_method2", ("out, (h_n, c_n) = lstm(inputs_seq, (h0, c0))",
                                  "hidden = (torch.randn(1, 1, 3), torch.randn(1, 1, 3))  # clean out hidden state\n"
                                  "out, (h_n, c_n) = lstm(inputs_seq, hidden)")),
            unsolved=("p3_gru_tagger", "p3_gru_training"),
        ),
    }


def other_course_notebook():
    return new_notebook(cells=[new_markdown_cell("# Homework 3: linear regression"),
                               new_code_cell("import numpy as np\nX = np.random.randn(10, 2)")])


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
