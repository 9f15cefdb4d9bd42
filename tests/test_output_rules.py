"""The course's two output rules (autograder/output_rules.py), on notebooks built with nbformat:
Python warnings never cost a passing test, other stderr still does and says so, and nothing a
notebook holds can run in the browser that shows it."""

from __future__ import annotations

from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.output_rules import STDERR_LOST, WARNINGS_KEPT, KeepPassingWarnings, SafeOutputs

WARNING = ("/tmp/ipykernel_7000/1924310221.py:20: UserWarning: Implicit dimension choice for log_softmax has been "
           "deprecated. Change the call to include dim=X as an argument.\n  tag_scores = F.log_softmax(tag_space)\n")


def _test_cell(*outputs):
    cell = new_code_cell("assert True", metadata={"nbgrader": {"grade": True, "solution": False, "grade_id": "t",
                                                               "points": 1}})
    cell.outputs = list(outputs)
    return cell


def _run(step, *cells):
    nb = new_notebook(cells=list(cells))
    nb, _ = step().preprocess(nb, {})
    return nb.cells


def test_warnings_in_a_passing_test_move_to_stdout_and_cost_nothing():
    cell, = _run(KeepPassingWarnings, _test_cell(new_output("stream", name="stderr", text=WARNING)))
    assert [o.name for o in cell.outputs] == ["stdout"]
    assert cell.outputs[0].text == WARNINGS_KEPT + WARNING


def test_other_stderr_still_fails_the_test_and_the_cell_says_why():
    text = WARNING + "progress 10%|##        |\n"
    cell, = _run(KeepPassingWarnings, _test_cell(new_output("stream", name="stderr", text=text)))
    assert [(o.name, o.text) for o in cell.outputs] == [
        ("stderr", "progress 10%|##        |\n"), ("stdout", WARNINGS_KEPT + WARNING), ("stdout", STDERR_LOST)]


def test_a_failing_test_and_student_cells_are_left_as_they_are():
    error = new_output("error", ename="AssertionError", evalue="", traceback=[])
    failing = _test_cell(new_output("stream", name="stderr", text=WARNING), error)
    student = new_code_cell("x = 1", outputs=[new_output("stream", name="stderr", text=WARNING)])
    after_failing, after_student = _run(KeepPassingWarnings, failing, student)
    assert [o.output_type for o in after_failing.outputs] == ["stream", "error"]
    assert after_failing.outputs[0].name == "stderr" and after_student.outputs[0].name == "stderr"


def test_outputs_that_run_code_are_cleaned_and_plain_values_kept():
    cell = new_code_cell("display(...)")
    cell.outputs = [
        new_output("display_data", data={"text/html": '<b>ok</b><script>alert(1)</script><img src=x onerror="alert(2)">',
                                          "text/plain": "ok"}),
        new_output("display_data", data={"application/javascript": "alert(3)"}),
        new_output("execute_result", data={"text/plain": "0.5", "image/svg+xml": "<svg onload=alert(4)>"},
                   execution_count=1),
    ]
    cell, = _run(SafeOutputs, cell)
    html, javascript, value = (o.data for o in cell.outputs)
    assert html["text/html"].startswith("<b>ok</b>") and "<script" not in html["text/html"]
    assert "onerror" not in html["text/html"] and "<img" not in html["text/html"]
    assert "application/javascript" not in javascript and javascript["text/plain"].startswith("[an output that runs")
    assert value == {"text/plain": "0.5"}  # partial credit is read from here: unchanged


def test_a_written_answer_keeps_its_words_but_not_its_scripts():
    honest = "A GRU has **3** gates, an LSTM 4; see <b>Cho et al.</b> and [the paper](https://arxiv.org)."
    hostile = 'Fine. <script>alert(1)</script> <img src=x onerror=alert(2)> [x](javascript:alert(3))'
    kept, cleaned = _run(SafeOutputs, new_markdown_cell(honest), new_markdown_cell(hostile))
    assert kept.source == honest
    assert "Fine." in cleaned.source and "<script" not in cleaned.source and "<img" not in cleaned.source
    assert "javascript:" not in cleaned.source.lower()


def test_the_course_config_runs_both_rules_in_nbgrader_autograde_and_feedback():
    from traitlets.config.loader import PyFileConfigLoader

    from autograder.course import kit_root

    config = PyFileConfigLoader("nbgrader_config.py", path=str(kit_root())).load_config()
    steps = config.Autograde.autograde_preprocessors
    assert steps.index(KeepPassingWarnings) < [s.__name__ for s in steps].index("SaveAutoGrades") < steps.index(SafeOutputs)
    assert SafeOutputs in config.GenerateFeedback.preprocessors
