"""Write ``tensor_basics.ipynb``, the nbgrader source notebook of the tensor warm-up, next to this file.

Run ``python -m autograder.assignments.tensor_basics.build``. The notebook is generated, never
edited by hand: cell ids are fixed, so running this again gives a byte-identical file.
Solution code sits between ``### BEGIN SOLUTION`` / ``### END SOLUTION``; each test cell runs
the hidden check of :mod:`autograder.assignments.tensor_basics.checks` first (stripped from the
release, so the released notebook needs nothing but PyTorch), then public asserts that students
see.
"""

from __future__ import annotations

from pathlib import Path

import nbformat
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

NOTEBOOK = Path(__file__).with_name("tensor_basics.ipynb")

# (exercise, points); each gives a solution cell `exercise` and a test cell `test_<exercise>`.
POINTS = {"column": 1, "row_softmax": 2, "train_line": 2}

INTRO = """\
# Tensor basics: a PyTorch warm-up

Welcome! Before the bigger assignments, this short notebook gets your hands on the three things
you will use all the time in PyTorch:

1. **building tensors** with the right shape and dtype,
2. **operating along a dimension** (a softmax, written by you),
3. **autograd**: letting PyTorch compute gradients and fitting a line with gradient descent.

Each exercise asks you to fill in one function: replace `raise NotImplementedError()` with your
code, run the cell, then run the test cell below it. The tests you see give quick feedback; when
your notebook is graded, more tests run on other inputs, so make your functions work for any
input, not just the examples. There are 5 points in all, and it should take about 20 minutes."""

SETUP = "import torch"

MD_COLUMN = """\
## Exercise 1: a column of numbers (1 point)

Write `column(n)`, which returns a **float32** tensor of **shape `(n, 1)`** holding the numbers
`0, 1, ..., n-1`, one per row. For example, `column(3)` is

```
tensor([[0.],
        [1.],
        [2.]])
```

*Hints:* `torch.arange` counts for you (look at its `dtype` argument), and `.reshape` or
`.unsqueeze` turns a flat tensor into a column. Check your result with `.shape` and `.dtype`."""

SOL_COLUMN = '''\
def column(n):
    """A float32 tensor of shape (n, 1) holding 0, 1, ..., n-1."""
    ### BEGIN SOLUTION
    return torch.arange(n, dtype=torch.float32).reshape(n, 1)
    ### END SOLUTION'''

TEST_COLUMN = '''\
# test: column(n) is a float32 column holding 0, 1, ..., n-1
### BEGIN HIDDEN TESTS
from autograder.assignments.tensor_basics import checks
checks.check_column(column)
### END HIDDEN TESTS
c = column(3)
assert c.shape == (3, 1), f"column(3) should have shape (3, 1), not {tuple(c.shape)}"
assert c.dtype == torch.float32, f"column(3) should have dtype torch.float32, not {c.dtype}"
assert c.flatten().tolist() == [0.0, 1.0, 2.0], "column(3) should hold 0, 1, 2"'''

MD_SOFTMAX = """\
## Exercise 2: softmax, row by row (2 points)

The softmax turns a row of scores into probabilities: every entry becomes positive and the row
sums to 1. For a 2-D tensor `x`, row `i` becomes

$$\\text{softmax}(x)_{ij} = \\frac{e^{x_{ij}}}{\\sum_k e^{x_{ik}}}$$

Write `row_softmax(x)`, which applies it to **each row** of `x` (so it works over the last
dimension, `dim=1`) and returns a tensor of the same shape as `x`. Try it with tensor
operations: `.exp()`, and `.sum(dim=..., keepdim=True)` so that the row sums keep a shape that
divides each row. Any correct way is accepted, `torch.softmax` included, but writing it yourself
is the point of the exercise.

*Going further:* subtracting each row's maximum before `.exp()` gives the same result and never
overflows, even for large scores."""

SOL_SOFTMAX = '''\
def row_softmax(x):
    """The softmax of each row of the 2-D tensor x: same shape as x, every row sums to 1."""
    ### BEGIN SOLUTION
    exps = (x - x.max(dim=1, keepdim=True).values).exp()
    return exps / exps.sum(dim=1, keepdim=True)
    ### END SOLUTION'''

TEST_SOFTMAX = '''\
# test: row_softmax(x) normalises each row of x
### BEGIN HIDDEN TESTS
from autograder.assignments.tensor_basics import checks
checks.check_row_softmax(row_softmax)
### END HIDDEN TESTS
p = row_softmax(torch.tensor([[1.0, 2.0, 3.0], [0.0, 0.0, 0.0]]))
assert p.shape == (2, 3), f"row_softmax should keep the shape of x, (2, 3), not {tuple(p.shape)}"
assert torch.allclose(p.sum(dim=1), torch.ones(2)), "each row of row_softmax(x) should sum to 1"
assert torch.allclose(p[1], torch.full((3,), 1 / 3)), "a row of equal scores should become equal probabilities"'''

MD_LINE = """\
## Exercise 3: fit a line with autograd (2 points)

Given points `(xs[i], ys[i])` (two 1-D tensors of the same length), find `a` and `b` such that
`a * xs + b` is as close as possible to `ys`, by **gradient descent**:

1. create `a` and `b` as tensors with `requires_grad=True` (starting from zeros is fine);
2. make an optimizer, `torch.optim.SGD([a, b], lr=0.1)`;
3. repeat `steps` times: zero the gradients, compute the mean squared error
   `((a * xs + b - ys) ** 2).mean()`, call `.backward()` on it, and take an optimizer step;
4. return `a` and `b` as plain Python floats, with `.item()`.

The tests call `train_line` with a few hundred steps on `x` values between -2 and 2, where
`lr=0.1` converges quickly."""

SOL_LINE = '''\
def train_line(xs, ys, steps):
    """Fit ys ~ a * xs + b by gradient descent for `steps` steps; return (a, b) as Python floats."""
    ### BEGIN SOLUTION
    a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([a, b], lr=0.1)
    for _ in range(steps):
        optimizer.zero_grad()
        loss = ((a * xs + b - ys) ** 2).mean()
        loss.backward()
        optimizer.step()
    return a.item(), b.item()
    ### END SOLUTION'''

TEST_LINE = '''\
# test: train_line(xs, ys, steps) recovers a line
### BEGIN HIDDEN TESTS
from autograder.assignments.tensor_basics import checks
checks.check_train_line(train_line)
### END HIDDEN TESTS
xs_demo = torch.linspace(-2, 2, 21)
a, b = train_line(xs_demo, 3 * xs_demo + 0.5, 300)
assert isinstance(a, float) and isinstance(b, float), "return a and b as Python floats, e.g. a.item()"
assert abs(a - 3) < 0.1 and abs(b - 0.5) < 0.1, f"expected a = 3 and b = 0.5, got a = {a:.3f}, b = {b:.3f}"'''

OUTRO = """\
## Done!

Before you hand in, restart the kernel and run all cells (*Kernel → Restart & Run All*) to make
sure every test passes from a fresh start."""


def _meta(grade_id: str, *, solution: bool = False, points: int | None = None) -> dict:
    nbgrader = {"grade": points is not None, "grade_id": grade_id, "locked": not solution,
                "schema_version": 3, "solution": solution}
    if points is not None:
        nbgrader["points"] = points
    return {"nbgrader": nbgrader}


def build() -> nbformat.NotebookNode:
    """The source notebook: intro, setup, then per exercise instructions, solution and test."""
    cells = [new_markdown_cell(INTRO, id="intro"),
             new_code_cell(SETUP, id="setup", metadata=_meta("setup"))]
    exercises = [("column", MD_COLUMN, SOL_COLUMN, TEST_COLUMN),
                 ("row_softmax", MD_SOFTMAX, SOL_SOFTMAX, TEST_SOFTMAX),
                 ("train_line", MD_LINE, SOL_LINE, TEST_LINE)]
    for name, instructions, solution, test in exercises:
        cells += [new_markdown_cell(instructions, id=f"md-{name}"),
                  new_code_cell(solution, id=name, metadata=_meta(name, solution=True)),
                  new_code_cell(test, id=f"test_{name}", metadata=_meta(f"test_{name}", points=POINTS[name]))]
    cells.append(new_markdown_cell(OUTRO, id="outro"))
    nb = new_notebook(cells=cells, metadata={
        "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
        "language_info": {"name": "python"},
    })
    nbformat.validate(nb)
    return nb


def main() -> None:
    nbformat.write(build(), NOTEBOOK)
    print(f"wrote {NOTEBOOK}")


if __name__ == "__main__":
    main()
