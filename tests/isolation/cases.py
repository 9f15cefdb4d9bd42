"""Hostile and broken submissions: the solution with one cell that misbehaves.

Each case puts its code at the start of one solution cell; ``tests/test_isolation.py``
grades them all in one batch (with short time limits) next to an untouched solution, and
checks what each student's result says and that the batch completes.
"""

from __future__ import annotations

from dataclasses import dataclass

from tests.builders import solution_sources


@dataclass(frozen=True)
class Hostile:
    name: str
    cell: str        # the solution cell that starts with the code
    code: str

    def edits(self) -> dict[str, str]:
        return {self.cell: self.code.strip("\n") + "\n" + solution_sources()[self.cell]}


READ_HIDDEN = '''
import pathlib
import autograder.assignments.lstm_gru.checks.part1 as _checks
_kit = pathlib.Path(_checks.__file__).resolve().parent.parent
_found = {}
for _path in [_kit / "checks" / "part1.py", _kit / "reference.py",
              pathlib.Path("COURSE") / "solutions" / "lstm_gru" / "lstm_gru.ipynb",
              pathlib.Path("COURSE") / "gradebook.db", pathlib.Path("COURSE") / "submitted",
              pathlib.Path("BATCH_OUT") / "work" / "records", pathlib.Path("SUBMISSIONS_DIR") / "honest.ipynb"]:
    try:
        _found[str(_path)] = len(list(_path.iterdir())) if _path.is_dir() else len(_path.read_bytes())
    except Exception as _error:
        _found[str(_path)] = type(_error).__name__
print("HIDDEN-READ", _found)
print("OTHER-RUNS", sorted(p.name for p in pathlib.Path.cwd().parent.iterdir()))
'''

CASES = [
    Hostile("endless_loop", "p1_create", "while True:\n    pass"),
    Hostile("endless_swallowed", "p1_create",
            "while True:\n    try:\n        while True:\n            pass\n    except BaseException:\n        pass"),
    Hostile("asks_input", "p1_create", "name = input('Your name? ')"),
    Hostile("sys_exit", "p1_create", "import sys\nsys.exit(1)"),
    Hostile("os_exit", "p2_training_loop", "import os\nos._exit(3)"),
    Hostile("segfault", "p2_training_loop", "import ctypes\nctypes.string_at(0)"),
    Hostile("huge_allocation", "p2_training_loop", "_big = torch.empty(20 * 1024**3, dtype=torch.uint8)\n_big.fill_(1)"),
    Hostile("huge_output", "p1_create", "for _ in range(200_000):\n    print('x' * 1000)"),
    Hostile("network", "p1_create",
            "import socket\ntry:\n    socket.create_connection(('1.1.1.1', 80), timeout=3)\n    print('NETWORK-OPEN')\n"
            "except OSError as _error:\n    print('NETWORK-CLOSED', type(_error).__name__)\n"
            "get_ipython().system('pip download --no-deps --dest . tqdm')"),
    Hostile("reads_hidden_files", "p1_create", READ_HIDDEN),
    Hostile("monkeypatch", "p1_create", "torch.allclose = lambda *args, **kwargs: True"),
]
