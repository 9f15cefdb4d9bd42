"""Realistic mistakes of the tensor warm-up, and correct solutions in other styles.

``MISTAKES``: each entry is a complete, wrong but plausible solution cell for one grade id
(``def ...`` included, no solution markers), the test cells it must lose (exactly those),
and words of the message that must name it, taken from the checks' own constants.
``CORRECT_STYLES``: per solution grade id, alternative correct cells that must pass.
Sources expect the notebook's setup cell (``import torch``) to have run.
"""

from __future__ import annotations

from dataclasses import dataclass

from autograder.assignments.tensor_basics import checks


@dataclass(frozen=True)
class Mistake:
    key: str
    grade_id: str              # the solution cell the source replaces
    source: str                # the whole wrong cell
    lost: tuple[str, ...]      # the test cells it must lose
    says: tuple[str, ...] = () # the failure message holds one of these

    def named_in(self, message: str) -> bool:
        return any(words in message for words in self.says)


_SGD_LOOP = '''\
    a = torch.zeros(1, requires_grad=True)
    b = torch.zeros(1, requires_grad=True)
    optimizer = torch.optim.SGD([a, b], lr={lr})
    for _ in range({steps}):
        optimizer.zero_grad()
        loss = ((a * xs + b - ys) ** 2).mean()
        loss.backward()
        optimizer.step()
'''


def _train_line(lr: str = "0.1", steps: str = "steps", ret: str = "a.item(), b.item()") -> str:
    return ("def train_line(xs, ys, steps):\n"
            + _SGD_LOOP.format(lr=lr, steps=steps)
            + f"    return {ret}")


MISTAKES = [
    # column(n)
    Mistake("column_int64", "column",
            "def column(n):\n    return torch.arange(n).reshape(n, 1)",
            ("test_column",), (checks.INTEGERS,)),
    Mistake("column_flat", "column",
            "def column(n):\n    return torch.arange(n, dtype=torch.float32)",
            ("test_column",), (checks.FLAT,)),
    Mistake("column_row", "column",
            "def column(n):\n    return torch.arange(n, dtype=torch.float32).reshape(1, n)",
            ("test_column",), (checks.ROW,)),
    Mistake("column_from_one", "column",
            "def column(n):\n    return torch.arange(1, n + 1, dtype=torch.float32).reshape(n, 1)",
            ("test_column",), (checks.FROM_ONE,)),
    # row_softmax(x)
    Mistake("softmax_dim0", "row_softmax",
            "def row_softmax(x):\n    return x.exp() / x.exp().sum(dim=0, keepdim=True)",
            ("test_row_softmax",), (checks.COLUMNS,)),
    Mistake("softmax_torch_dim0", "row_softmax",
            "def row_softmax(x):\n    return torch.softmax(x, dim=0)",
            ("test_row_softmax",), (checks.COLUMNS,)),
    Mistake("softmax_no_keepdim", "row_softmax",
            "def row_softmax(x):\n    return x.exp() / x.exp().sum(dim=1)",
            ("test_row_softmax",), (checks.NO_KEEPDIM,)),
    Mistake("softmax_whole_sum", "row_softmax",
            "def row_softmax(x):\n    return x.exp() / x.exp().sum()",
            ("test_row_softmax",), (checks.WHOLE,)),
    Mistake("softmax_no_exp", "row_softmax",
            "def row_softmax(x):\n    return x / x.sum(dim=1, keepdim=True)",
            ("test_row_softmax",), (checks.NO_EXP,)),
    # train_line(xs, ys, steps)
    Mistake("line_returns_tensors", "train_line", _train_line(ret="a, b"),
            ("test_train_line",), (checks.REQUIRES_GRAD,)),
    Mistake("line_returns_detached", "train_line", _train_line(ret="a.detach(), b.detach()"),
            ("test_train_line",), (checks.NOT_FLOAT,)),
    Mistake("line_lr_zero", "train_line", _train_line(lr="0.0"),
            ("test_train_line",), (checks.NEVER_MOVED,)),
    Mistake("line_too_few_steps", "train_line", _train_line(steps="5"),
            ("test_train_line",), (checks.IGNORES_STEPS,)),
    Mistake("line_lr_too_small", "train_line", _train_line(lr="0.001"),
            ("test_train_line",), (checks.TOO_SLOW,)),
    Mistake("line_no_zero_grad", "train_line", _train_line().replace("        optimizer.zero_grad()\n", ""),
            ("test_train_line",), (checks.SWINGS,)),
    Mistake("line_lr_too_large", "train_line", _train_line(lr="1.0"),
            ("test_train_line",), (checks.DIVERGED,)),
    Mistake("line_hard_coded", "train_line",
            "def train_line(xs, ys, steps):\n    return 2.0, -1.0",
            ("test_train_line",), (checks.SAME_LINE,)),
]

CORRECT_STYLES = {
    "column": [
        "def column(n):\n    return torch.arange(n).float().unsqueeze(1)",
        "def column(n):\n    return torch.arange(n, dtype=torch.float32).view(-1, 1)",
        "def column(n):\n    return torch.tensor([[float(i)] for i in range(n)])",
    ],
    "row_softmax": [
        "def row_softmax(x):\n    return torch.softmax(x, dim=-1)",
        "def row_softmax(x):\n    return x.exp() / x.exp().sum(dim=1, keepdim=True)",
        ("def row_softmax(x):\n"
         "    shifted = x - x.max(dim=-1, keepdim=True).values\n"
         "    e = torch.exp(shifted)\n"
         "    return e / torch.sum(e, dim=-1, keepdim=True)"),
    ],
    "train_line": [
        ("def train_line(xs, ys, steps):\n"
         "    model = torch.nn.Linear(1, 1)\n"
         "    optimizer = torch.optim.SGD(model.parameters(), lr=0.05)\n"
         "    loss_fn = torch.nn.MSELoss()\n"
         "    for step in range(steps):\n"
         "        optimizer.zero_grad()\n"
         "        loss = loss_fn(model(xs.unsqueeze(1)), ys.unsqueeze(1))\n"
         "        loss.backward()\n"
         "        optimizer.step()\n"
         "    return model.weight.item(), model.bias.item()"),
        ("def train_line(xs, ys, steps):\n"
         "    a = torch.randn((), requires_grad=True)\n"
         "    b = torch.randn((), requires_grad=True)\n"
         "    lr = 0.1\n"
         "    for _ in range(steps):\n"
         "        loss = ((a * xs + b - ys) ** 2).mean()\n"
         "        loss.backward()\n"
         "        with torch.no_grad():\n"
         "            a -= lr * a.grad\n"
         "            b -= lr * b.grad\n"
         "        a.grad.zero_()\n"
         "        b.grad.zero_()\n"
         "    return float(a), float(b)"),
        ("def train_line(xs, ys, steps):\n"
         "    params = torch.zeros(2, requires_grad=True)\n"
         "    optimizer = torch.optim.SGD([params], lr=0.2)\n"
         "    for _ in range(steps):\n"
         "        optimizer.zero_grad()\n"
         "        a, b = params\n"
         "        loss = torch.nn.functional.mse_loss(a * xs + b, ys)\n"
         "        loss.backward()\n"
         "        optimizer.step()\n"
         "    return params[0].item(), params[1].item()"),
    ],
}
