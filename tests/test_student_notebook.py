"""What a student reads: the release's own messages, run as a student runs them, and its instructions.

A student has only the released notebook, in Jupyter or Colab, and sees the public asserts'
messages long before any hidden test runs. So the release is executed here in a fresh kernel,
as a student would run it (the solution with one catalogued mistake written in), and the tests
assert on the exact message the failing public test cell shows. The instructions must name
every variable a later cell or a test reads, and state the accuracy the hidden tests require.
A check's own message is rendered in lines a box that does not wrap can show whole; and the
bundled example hand-ins answer the written questions in their own words, not the rubric's.
"""

from __future__ import annotations

import ast
import builtins
import contextlib
import importlib
import io
import re
import warnings
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient
from nbconvert import HTMLExporter
from nbformat.v4 import new_code_cell, new_notebook

from autograder.assignments.lstm_gru import data
from autograder.assignments.lstm_gru.checks import judged, part2
from autograder.engine.manifest import available
from autograder.feedback import WIDTH, CheckFailed, problem_of, wrap
from autograder.notebooks import grade_id, is_autograded_test, is_solution, read, solved_source
from tests.builders import EXAMPLES, kit_course, page_text, submission
from tests.labelled.cases import WRONG

ASSIGNMENTS = available(kit_course().config.source_dir)
CASES = {case.name: case for case in WRONG}
ANSI = re.compile(r"\x1b\[[0-9;]*m")

# The exact messages a student reads under a failing public test, one per mistake below.
PUBLIC_MESSAGES = {
    "p2_log_softmax_dim0": ("test_p2_log_probabilities", (
        "The tag scores of `LSTMTagger` for a 5-word sentence:\n"
        "Each column, not each row, is normalised: log_softmax ran over dim=0 (the words)\n"
        "instead of dim=1 (the tags).\n"
        "Hint: Return `F.log_softmax(tag_space, dim=1)`: one row per word, normalised over the tags.")),
    "p1_hidden_redrawn": ("test_p1_methods_agree", (
        "Method 2's `out` differs from Method 1's outputs (`step_outs`):\n"
        "Method 2 did not start from Method 1's `(h0, c0)`.\n"
        "Hint: Call `lstm(inputs_seq, (h0, c0))`. The tutorial draws a new random `hidden`\n"
        "before Method 2, which is why its two methods disagree.")),
    "p3_gru_hc": ("test_p3_shapes", (
        "Calling a `GRUTagger` on a sentence of 5 words raised\n"
        "ValueError: not enough values to unpack (expected 2, got 1).\n"
        "nn.GRU returns `(output, h_n)`, and its h_n is one tensor, not a pair `(h, c)`:\n"
        "write `gru_out, _ = self.gru(...)`.")),
    "p2_evaluate_percent": ("test_p2_evaluate", (
        "`evaluate` returned 44.4444 for a model that tags every word NN;\n"
        "expected the token accuracy 4 / 9 = 0.4444: 4 of the 9 words of `training_data` are nouns.\n"
        "That is a percentage.\n"
        "Hint: Return the fraction of words tagged correctly, between 0 and 1.")),
}


def _words(text: str) -> list[str]:
    return text.split()


def _run_in_a_fresh_kernel(nb, workdir: Path):
    """``nb`` executed top to bottom in a new kernel of the student's kind, errors and all."""
    NotebookClient(nb, kernel_name=nb.metadata.kernelspec.name, timeout=300, allow_errors=True,
                   resources={"metadata": {"path": str(workdir)}}).execute()
    return nb


def _errors(nb) -> dict[str, dict]:
    """``grade_id -> error output`` of each cell that failed (the first error of each)."""
    return {grade_id(c): next(o for o in c.outputs if o.output_type == "error")
            for c in nb.cells if c.cell_type == "code" and any(o.output_type == "error" for o in c.outputs)}


def _stderr(nb) -> dict[str, str]:
    return {grade_id(c) or str(i): o.text for i, c in enumerate(nb.cells) if c.cell_type == "code"
            for o in c.outputs if o.output_type == "stream" and o.name == "stderr"}


# -------------------------------------------------------------------- every public assert speaks

def _public_asserts(assignment: str):
    for cell in read(kit_course(assignment).release_notebook).cells:
        if is_autograded_test(cell):
            for node in ast.walk(ast.parse(cell.source)):
                if isinstance(node, ast.Assert):
                    yield grade_id(cell), node


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_public_assert_of_the_release_has_a_message_for_the_student(assignment):
    asserts = list(_public_asserts(assignment))
    assert asserts, "the release should have public asserts"
    bare = [(gid, ast.unparse(node)) for gid, node in asserts if node.msg is None]
    assert not bare, f"public asserts without a message (the student sees a bare AssertionError): {bare}"


# -------------------------------------------------------------------- the release, run by a student

@pytest.fixture(scope="module")
def solved_run(tmp_path_factory):
    return _run_in_a_fresh_kernel(submission(), tmp_path_factory.mktemp("solution"))


@pytest.fixture(scope="module", params=sorted(PUBLIC_MESSAGES))
def mistake_run(request, tmp_path_factory):
    case = CASES[request.param]
    nb = submission(case.edits, unsolved=case.unsolved)
    return request.param, _run_in_a_fresh_kernel(nb, tmp_path_factory.mktemp(request.param))


def test_the_solved_release_runs_in_a_fresh_kernel_without_an_error_or_a_warning(solved_run):
    assert _errors(solved_run) == {}
    assert _stderr(solved_run) == {}


def test_a_mistake_shows_the_student_its_message_under_the_public_test(mistake_run):
    name, nb = mistake_run
    gid, expected = PUBLIC_MESSAGES[name]
    failed_tests = {g for g, _ in _errors(nb).items() if g and g.startswith("test_")}
    assert failed_tests == {gid}, f"{name}: public tests failed: {sorted(failed_tests)}"
    error = _errors(nb)[gid]
    assert (error.ename, error.evalue) == ("AssertionError", expected)
    # What the notebook shows under the cell: the traceback ends in the message, line for line.
    shown = ANSI.sub("", "\n".join(error.traceback))
    assert shown.endswith(f"AssertionError: {expected}")
    assert all(len(line) <= WIDTH for line in f"AssertionError: {expected}".splitlines())


def test_the_public_message_for_log_softmax_over_the_words_is_the_hidden_tests_own():
    namespace: dict = {}
    exec("import torch\nimport torch.nn as nn\nimport torch.nn.functional as F\n"  # noqa: S102 - the case's code
         + CASES["p2_log_softmax_dim0"].edits["p2_lstm_tagger"], namespace)
    hidden = problem_of(part2.check_log_probabilities, namespace)
    public = PUBLIC_MESSAGES["p2_log_softmax_dim0"][1]
    assert hidden is not None and _words(public) == _words(hidden)


# -------------------------------------------------------------------- check messages fit the box

LONG = ("Trained with the kit's loop (4 epochs, SGD lr=0.5), your `LSTMTagger` tagged 88.7% of the hidden "
        "test words correctly; at least 95% is needed (a tagger that ignores context gets about 89%).\n"
        "Likely cause: `LSTMTagger` gave the last word the same scores whatever the first word was: it tags "
        "each word without reading the words before it. Its nn.LSTM has `batch_first=True`, but the sentence "
        "goes in shaped (len(sentence), 1, -1), so every word becomes a sequence of its own.\n"
        "Hint: Either drop `batch_first=True`, or feed `embeds.view(1, len(sentence), -1)`.")


def test_wrap_breaks_between_words_within_the_width_and_keeps_paragraphs():
    lines = wrap(LONG)
    assert all(len(line) <= WIDTH for line in lines)
    assert _words("\n".join(lines)) == _words(LONG)
    starts = [line.split(":")[0] for line in lines if line.startswith(("Likely cause:", "Hint:"))]
    assert starts == ["Likely cause", "Hint"]
    assert wrap("short\n\n  indented " + "word " * 30)[:2] == ["short", ""]
    assert all(line.startswith("  ") for line in wrap("  indented " + "word " * 30))
    unbreakable = "x" * (WIDTH + 10)
    assert wrap(f"a {unbreakable} b") == ["a", unbreakable, "b"]


def test_a_check_failed_renders_wrapped_but_its_text_keeps_one_line_per_paragraph():
    error = CheckFailed(LONG)
    assert str(error) == LONG
    rendered = error._render_traceback_()
    assert rendered[0].startswith("CheckFailed: Trained with the kit's loop")
    assert all(len(line) <= WIDTH for line in rendered)
    assert _words("\n".join(rendered)) == ["CheckFailed:", *_words(LONG)]


def test_a_long_check_message_fits_the_box_in_a_kernel_and_on_the_feedback_page(tmp_path):
    raising = new_code_cell(f"from autograder.feedback import CheckFailed\nraise CheckFailed({LONG!r})")
    nb = new_notebook(cells=[raising], metadata={"kernelspec": {"name": "python3", "display_name": "Python 3"}})
    nb = _run_in_a_fresh_kernel(nb, tmp_path)
    error = nb.cells[0].outputs[0]
    assert (error.ename, error.evalue) == ("CheckFailed", LONG)
    assert len(error.traceback) > 3 and all(len(ANSI.sub("", line)) <= WIDTH for line in error.traceback)
    # nbgrader's feedback page and formgrader render notebooks with nbconvert's classic template.
    page, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    box = re.search(r'output_error">\s*<pre>(.*?)</pre>', page, re.S).group(1)
    shown = page_text(box).strip("\n").splitlines()
    assert shown == [ANSI.sub("", line) for line in error.traceback]
    assert max(len(line) for line in shown) <= WIDTH


# -------------------------------------------------------------------- instructions name what is read

def _stores(tree: ast.AST) -> set[str]:
    names = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, (ast.Store, ast.Del))}
    names |= {n.name for n in ast.walk(tree) if isinstance(n, (ast.FunctionDef, ast.ClassDef))}
    names |= {n.arg for n in ast.walk(tree) if isinstance(n, ast.arg)}
    names |= {(a.asname or a.name).split(".")[0] for n in ast.walk(tree)
              if isinstance(n, (ast.Import, ast.ImportFrom)) for a in n.names}
    return names


def _needed_by_checks(assignment: str) -> set[str]:
    """The names the hidden checks read from the notebook: ``need(ns, NAME, ...)`` calls."""
    package = f"autograder.assignments.{assignment}"
    folder = Path(importlib.import_module(package).__file__).parent
    names = set()
    for path in sorted(folder.glob("**/*.py")):
        if "need(" not in path.read_text():
            continue
        module = importlib.import_module(f"{package}." + ".".join(path.relative_to(folder).with_suffix("").parts))
        tree = ast.parse(path.read_text())
        # need(ns, n, ...) for n in ("out", "h_n"): the names a comprehension's variable takes
        looped = {gen.target.id: [e.value for e in gen.iter.elts] for gen in ast.walk(tree)
                  if isinstance(gen, ast.comprehension) and isinstance(gen.target, ast.Name)
                  and isinstance(gen.iter, (ast.Tuple, ast.List))}
        for call in ast.walk(tree):
            if isinstance(call, ast.Call) and getattr(call.func, "id", None) == "need" and len(call.args) > 1:
                arg = call.args[1]
                if isinstance(arg, ast.Constant):
                    names.add(arg.value)
                elif arg.id in looped:
                    names.update(looped[arg.id])
                else:
                    names.add(getattr(module, arg.id))
    return names


def _mentions(markdown: str, name: str) -> bool:
    return re.search(r"`" + re.escape(name) + r"\b", markdown) is not None


@pytest.mark.parametrize("assignment", ASSIGNMENTS)
def test_every_name_a_later_cell_or_test_reads_is_named_where_the_student_defines_it(assignment):
    cells = read(kit_course(assignment).source_notebook).cells
    first_bound_by: dict[str, int] = {}
    read_names = _needed_by_checks(assignment)
    for index, cell in enumerate(cells):
        if cell.cell_type != "code":
            continue
        tree = ast.parse(solved_source(cell) if is_solution(cell) else cell.source)
        for name in _stores(tree):
            first_bound_by.setdefault(name, index)
        if not is_solution(cell):
            loads = {n.id for n in ast.walk(tree) if isinstance(n, ast.Name) and isinstance(n.ctx, ast.Load)}
            read_names |= loads - _stores(tree) - set(dir(builtins))
    students = {name for name in read_names if name in first_bound_by and is_solution(cells[first_bound_by[name]])}
    if assignment == "lstm_gru":  # the reading above finds what it should
        assert {"lstm", "step_outs", "LSTMTagger", "corpus_model", "lstm_losses", "gru_losses"} <= students
    unnamed = []
    for name in sorted(students):
        binders = [i for i, c in enumerate(cells) if c.cell_type == "code" and is_solution(c)
                   and name in _stores(ast.parse(solved_source(c)))]
        instructions = []
        for i in binders:  # the markdown since the previous solution cell
            j = i - 1
            while j >= 0 and not (cells[j].cell_type == "code" and is_solution(cells[j])):
                if cells[j].cell_type == "markdown":
                    instructions.append(cells[j].source)
                j -= 1
        if not any(_mentions(text, name) for text in instructions):
            unnamed.append((name, [grade_id(cells[i]) for i in binders]))
    assert not unnamed, f"names the notebook reads but never tells the student to define: {unnamed}"


def _section(cells, start: str, end: str) -> str:
    text, inside = [], False
    for cell in cells:
        if cell.cell_type == "markdown" and cell.source.startswith(start):
            inside = True
        elif cell.cell_type == "markdown" and cell.source.startswith(end):
            inside = False
        if inside:
            text.append(cell.source)
    assert text, f"no section {start!r}"
    return "\n".join(text)


def _percent(bound: float) -> int:
    return round(100 * bound)


def test_the_held_out_accuracy_the_notebook_asks_for_is_the_one_the_hidden_tests_require():
    cells = read(kit_course().release_notebook).cells
    part2 = _section(cells, "## Part 2", "## Part 3")
    part3 = _section(cells, "## Part 3", "## Questions")
    at_least = r"at least\W*(\d+)%"
    assert {int(p) for p in re.findall(at_least, part2)} == {_percent(judged.bound("p2_heldout")),
                                                             _percent(judged.bound("p2_corpus_model"))}
    assert {int(p) for p in re.findall(at_least, part3)} == {_percent(judged.bound("p3_heldout"))}
    assert {int(p) for p in re.findall(r"about (\d+)%", part2)} == {_percent(data.BASELINE_TEST_ACCURACY)}
    # The public test of `corpus_model` tells the student the same bound.
    corpus_test = next(c.source for c in cells if grade_id(c) == "test_p2_corpus_model")
    assert {int(p) for p in re.findall(at_least, corpus_test)} == {_percent(judged.bound("p2_corpus_model"))}


def test_the_loss_plot_counts_whole_epochs():
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt
    import torch

    namespace: dict = {"__name__": "__main__"}
    plt.close("all")
    try:
        with contextlib.redirect_stdout(io.StringIO()), warnings.catch_warnings(), torch.random.fork_rng(devices=[]):
            warnings.simplefilter("ignore")
            for cell in submission().cells:
                if cell.cell_type == "code":
                    exec(cell.source, namespace)  # noqa: S102 - the solved release, as a student runs it
                    if grade_id(cell) == "p3_compare":
                        break
        axes = plt.gcf().axes[0]
        low, high = axes.get_xlim()
        ticks = [t for t in axes.get_xticks() if low <= t <= high]
        assert len(ticks) >= 2 and all(float(t).is_integer() for t in ticks), ticks
    finally:
        plt.close("all")


# -------------------------------------------------------------------- examples write their own answers

QUESTIONS = ("q1_gru_vs_lstm", "q2_heldout_evaluation")


def _shingles(text: str, n: int = 8) -> set[tuple[str, ...]]:
    words = re.findall(r"[a-z0-9]+", text.lower())
    return {tuple(words[i:i + n]) for i in range(len(words) - n + 1)}


def test_no_example_answers_a_written_question_with_the_model_answer_or_the_rubric():
    rubric = {grade_id(c): solved_source(c) for c in read(kit_course().source_notebook).cells
              if grade_id(c) in QUESTIONS}
    answers: dict[str, list[str]] = {q: [] for q in QUESTIONS}
    for student in ("ada", "ben", "cleo", "dev", "eve"):
        nb = nbformat.read(str(EXAMPLES / f"{student}.ipynb"), as_version=4)
        for cell in nb.cells:
            if grade_id(cell) in QUESTIONS:
                text = cell.source
                assert "Rubric" not in text and "Model answer" not in text, f"{student}: {grade_id(cell)}"
                copied = _shingles(text) & _shingles(rubric[grade_id(cell)])
                assert not copied, f"{student} copies the solution in {grade_id(cell)}: {sorted(copied)[:2]}"
                if "YOUR ANSWER HERE" not in text:
                    answers[grade_id(cell)].append(text)
    for question, written in answers.items():
        assert len(written) == 4 and len(set(written)) == 4, question  # ben left both as released
