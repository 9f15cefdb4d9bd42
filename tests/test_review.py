"""The review scan: which student lines change a module the hidden tests rely on."""

from autograder.review import flagged_lines


def _cells(*sources, test=False):
    return [{"index": i, "source": source, "test": test} for i, source in enumerate(sources)]


def test_patches_of_torch_builtins_and_the_checks_are_flagged_with_cell_and_line():
    cells = _cells("x = 1\ntorch.allclose = lambda *a, **k: True",
                   "import builtins\nbuiltins.print = None",
                   "setattr(torch.testing, 'assert_close', lambda *a, **k: None)",
                   "import sys\nsys.modules['autograder.checks.part1'] = object()",
                   "F.log_softmax = lambda x, dim: x",
                   "from autograder.checks import part2\npart2.NO_STEP = ''")
    assert flagged_lines(cells) == [
        "cell 0, line 2: torch.allclose = lambda *a, **k: True",
        "cell 1, line 2: builtins.print = None",
        "cell 2, line 1: setattr(torch.testing, 'assert_close', lambda *a, **k: None)",
        "cell 3, line 2: sys.modules['autograder.checks.part1'] = object()",
        "cell 4, line 1: F.log_softmax = lambda x, dim: x",
        "cell 5, line 2: part2.NO_STEP = ''",
    ]


def test_ordinary_student_code_is_not_flagged():
    cells = _cells("torch.manual_seed(1)\nmodel = nn.LSTM(3, 3)\nself_like = model",
                   "data = [1, 2]\ndata[0] = 3\nmodel.hidden = None\nword_to_ix['the'] = 0",
                   "class T(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lstm = nn.LSTM(3, 3)",
                   "def broken(:\n    pass")
    assert flagged_lines(cells) == []


def test_test_cells_are_not_reviewed():
    assert flagged_lines(_cells("torch.allclose = torch.allclose", test=True)) == []
