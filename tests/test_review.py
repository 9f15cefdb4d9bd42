"""The review scan: which student lines reach for the grader instead of doing the homework."""

from pathlib import Path

import pytest

from autograder.engine import review
from autograder.engine.batch import trusted_sources
from autograder.course import Course
from autograder.notebooks import code_cells, read
from autograder.course import kit_root
from tests.builders import kit_course
from autograder.engine.review import flagged_lines


def _cells(*sources):
    return [{"index": i, "source": source} for i, source in enumerate(sources)]


def test_patches_of_torch_builtins_and_the_checks_are_flagged_with_cell_line_and_why():
    cells = _cells("x = 1\ntorch.allclose = lambda *a, **k: True",
                   "import builtins\nbuiltins.print = None",
                   "setattr(torch.testing, 'assert_close', lambda *a, **k: None)",
                   "import sys\nsys.modules['autograder.assignments.lstm_gru.checks.part1'] = object()",
                   "F.log_softmax = lambda x, dim: x",
                   "from autograder.assignments.lstm_gru.checks import part2\npart2.NO_STEP = ''")
    patch = f"({review.PATCH})"
    assert flagged_lines(cells) == [
        f"cell 0, line 2: `torch.allclose = lambda *a, **k: True` {patch}",
        f"cell 1, line 1: `import builtins` {patch}",
        f"cell 1, line 2: `builtins.print = None` {patch}",
        f"cell 2, line 1: `setattr(torch.testing, 'assert_close', lambda *a, **k: None)` {patch}",
        f"cell 3, line 2: `sys.modules['autograder.assignments.lstm_gru.checks.part1'] = object()` ({review.PATCH}; {review.INTROSPECTION})",
        f"cell 4, line 1: `F.log_softmax = lambda x, dim: x` {patch}",
        f"cell 5, line 1: `from autograder.assignments.lstm_gru.checks import part2` ({review.KIT_IMPORT})",
        f"cell 5, line 2: `part2.NO_STEP = ''` {patch}",
    ]


# One line each: what a determined student writes, and what the TA reads about it.
ATTACKS = [
    ("get_ipython().set_custom_exc((Exception,), lambda *a, **k: None)", review.SHELL),
    ("ip = get_ipython()\nip.showtraceback = lambda *a, **k: None", review.SHELL),
    ("get_ipython().input_transformers_post.append(lambda lines: [])", review.SHELL),
    ("get_ipython().ast_transformers.append(object())", review.SHELL),
    ("shell = get_ipython()\nshell.run_cell = lambda *a, **k: None", review.SHELL),
    ("import os\nos.write(7, b'{}')", review.RAW_IO),
    ("import os\nos._exit(0)", review.RAW_IO),
    ("fds = __import__('os').listdir('/proc/self/fd')", review.PROC),
    ("import autograder.assignments.lstm_gru.checks.part2 as p2", review.KIT_IMPORT),
    ("from autograder.assignments.lstm_gru.reference import LSTMTagger", review.KIT_IMPORT),
    ("import nbgrader", review.KIT_IMPORT),
    ("from IPython.core.interactiveshell import InteractiveShell", review.KIT_IMPORT),
    ("import base64\nexec(base64.b64decode('cHJpbnQoMSk=').decode())", review.DYNAMIC_CODE),
    ("eval(''.join(['1', '+', '1']))", review.DYNAMIC_CODE),
    ("code = compile('1', 'x', 'eval')", review.DYNAMIC_CODE),
    ("m = __import__('auto' + 'grader')", review.DYNAMIC_CODE),
    ("import importlib\nm = importlib.import_module('autograder.assignments.lstm_gru.checks.part1')", review.DYNAMIC_CODE),
    ("vars(m).update(check_shapes=lambda ns: None)", review.INTROSPECTION),
    ("import sys\nm = sys.modules['auto' + 'grader.checks.part1']", review.INTROSPECTION),
    ("m = getattr(__import__('sys'), 'mod' + 'ules')", review.DYNAMIC_CODE),
    ("exec('import gc\\ngc.get_objects()')", review.INTROSPECTION),
    ("import gc\nfound = [o for o in gc.get_objects() if isinstance(o, dict)]", review.INTROSPECTION),
    ("import ctypes", review.INTROSPECTION),
    ("import sys\nframe = sys._getframe(1)", review.INTROSPECTION),
    ("globals_of = check.__globals__", review.INTROSPECTION),
    ("check.__code__ = (lambda ns: None).__code__", review.INTROSPECTION),
    ("cells = [c.cell_contents for c in f.__closure__]", review.INTROSPECTION),
    ("torch.nn.modules.module.register_module_forward_hook(lambda *a: None)", review.GLOBAL_HOOKS),
    ("from torch.overrides import TorchFunctionMode", review.GLOBAL_HOOKS),
    ("class Fake(torch.Tensor):\n    pass", review.FAKE_VALUES),
    ("class Always:\n    def __eq__(self, other):\n        return True", review.FAKE_VALUES),
    ("class Always:\n    __eq__ = lambda self, other: True", review.FAKE_VALUES),
    ("b = __import__('builtins')\nb.isinstance = lambda *a: True", review.PATCH),
    ("import threading\nthreading.Thread(target=print).start()", review.RAW_IO),
    ("import signal\nsignal.signal(signal.SIGALRM, signal.SIG_IGN)", review.RAW_IO),
    ("open(5, 'w').write('{}')", review.RAW_IO),
    # Hidden in a method that runs only when a test calls it.
    ("class LSTMTagger(nn.Module):\n    def forward(self, sentence):\n        import gc\n        return sentence",
     review.INTROSPECTION),
    # After a magic line, which is not Python until the shell turns it into a call.
    ("%matplotlib inline\nimport gc", review.INTROSPECTION),
]


@pytest.mark.parametrize("source, reason", ATTACKS, ids=[f"attack{i}" for i in range(len(ATTACKS))])
def test_what_a_homework_never_needs_is_flagged(source, reason):
    found = flagged_lines(_cells(source))
    assert found and any(f"{reason}" in line for line in found), found
    assert all(line.startswith("cell 0, line ") for line in found)


def test_ordinary_student_code_is_not_flagged():
    cells = _cells("torch.manual_seed(1)\nmodel = nn.LSTM(3, 3)\nself_like = model",
                   "data = [1, 2]\ndata[0] = 3\nmodel.hidden = None\nword_to_ix['the'] = 0",
                   "class T(nn.Module):\n    def __init__(self):\n        super().__init__()\n        self.lstm = nn.LSTM(3, 3)",
                   "def broken(:\n    pass",
                   "import os\nos.environ['X'] = '1'\nimport matplotlib.pyplot as plt\nplt.rcParams['figure.dpi'] = 90",
                   "%matplotlib inline\n!pip install tqdm\nfrom IPython.display import display, clear_output",
                   "h = getattr(model, 'init_hidden', None)\nfor name in ('a', 'b'):\n    setattr(self, name, 1)",
                   "import torch.nn.functional as F\nimport torch.optim as optim\nopt = optim.SGD(model.parameters(), lr=0.1)",
                   "class Data:\n    def __len__(self):\n        return 3\n    def __getitem__(self, i):\n        return i")
    assert flagged_lines(cells) == []


def test_the_assignments_own_test_cells_are_not_read_as_the_students():
    course = Course(kit_root())
    trusted = trusted_sources(course)
    test_cell = next(iter(trusted))
    assert flagged_lines(_cells(test_cell), trusted) == []
    # The same code in a cell of the student's own is read.
    assert flagged_lines(_cells(test_cell + "\nimport gc"), trusted)


def test_no_example_solution_or_labelled_submission_is_flagged(tmp_path):
    from tests.labelled.build import write_all

    trusted = trusted_sources(Course(kit_root()))
    notebooks = [kit_course().source_notebook,
                 *sorted((kit_root() / "examples" / "submissions").glob("*.ipynb")),
                 *write_all(tmp_path).values()]
    read_any = 0
    for path in notebooks:
        try:
            cells = code_cells(read(Path(path)))
        except Exception:  # noqa: BLE001 - the examples hold unreadable hand-ins on purpose
            continue
        read_any += 1
        assert flagged_lines(cells, trusted) == [], path
    assert read_any >= 45


def test_a_cell_that_patches_a_module_the_test_cells_import_is_flagged():
    """The assignment's checks are watched by the names its own test cells import, whatever the
    assignment: here `part1`, imported by a (trusted) test cell, patched by the student's cell."""
    test_cell = "from autograder.assignments.lstm_gru.checks import part1\npart1.check_setup(globals())"
    student = "part1.check_setup = lambda ns: None"
    assert review.given_names(frozenset({test_cell})) >= {"part1"}
    flagged = flagged_lines(_cells(test_cell, student), {test_cell})
    assert flagged == [f"cell 1, line 1: `{student}` ({review.PATCH})"]
    # Without the test cell's import, the name means nothing to the review.
    assert flagged_lines(_cells(student)) == []
