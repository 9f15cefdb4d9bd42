"""Any assignment folder is released, graded and validated with no change to the engine.

The second assignment (``tensor_basics``, a tensor warm-up) goes end to end through the
kit's grader and through real ``nbgrader autograde``; a probe assignment made here proves
that a resumed ``grade`` grades again when anything a grade depends on changes.
"""

from __future__ import annotations

import contextlib
import csv
import io
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import nbformat
import pytest
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook

from autograder import cli, grading
from autograder.assignments.tensor_basics.mistakes import CORRECT_STYLES, MISTAKES
from autograder.course import kit_root, scratch_course
from autograder.engine import config, manifest, nbgrader_changes
from tests.builders import submission

TB = "tensor_basics"
TESTS = ("test_column", "test_row_softmax", "test_train_line")


def _quiet(message: str) -> None:
    pass


@pytest.fixture(scope="module")
def class_of_tb(tmp_path_factory):
    """The warm-up's solution, its untouched release, every catalogued mistake and every other
    correct style, graded by the kit's grader; the first four also by plain nbgrader."""
    root = tmp_path_factory.mktemp("tensor_basics")
    course = scratch_course(root / "course", TB)
    course.generate_assignment()
    folder = root / "handins"
    folder.mkdir()
    nbformat.write(submission(course=course), str(folder / "solved.ipynb"))
    nbformat.write(submission(course=course, solved=False), str(folder / "untouched.ipynb"))
    for mistake in MISTAKES:
        nbformat.write(submission({mistake.grade_id: mistake.source}, course=course),
                       str(folder / f"{mistake.key}.ipynb"))
    for gid, styles in CORRECT_STYLES.items():
        for i, source in enumerate(styles):
            nbformat.write(submission({gid: source}, course=course), str(folder / f"style_{gid}_{i}.ipynb"))
    kit = {r.student_id: r for r in grading.grade_folder(folder, course.root, root / "kit", say=_quiet,
                                                          assignment=TB)}
    parity = root / "parity"
    parity.mkdir()
    for name in ("solved", "untouched", MISTAKES[0].key, MISTAKES[-1].key):
        (parity / f"{name}.ipynb").write_bytes((folder / f"{name}.ipynb").read_bytes())
    plain_course = scratch_course(root / "plain", TB)
    plain = {r.student_id: r for r in grading.grade_folder(parity, plain_course.root, root / "plain-out",
                                                            say=_quiet, engine="nbgrader", assignment=TB)}
    return kit, plain, root


def test_the_second_assignment_scores_its_solution_full_and_its_release_zero(class_of_tb):
    kit, _, _ = class_of_tb
    assert (kit["solved"].status, kit["solved"].score, kit["solved"].max_score) == ("graded", 5, 5)
    assert (kit["untouched"].status, kit["untouched"].score) == ("graded", 0)
    assert [t.grade_id for t in kit["untouched"].failed_tests] == list(TESTS)


@pytest.mark.parametrize("mistake", MISTAKES, ids=lambda m: m.key)
def test_each_mistake_of_the_second_assignment_loses_exactly_its_tests(class_of_tb, mistake):
    result = class_of_tb[0][mistake.key]
    assert tuple(t.grade_id for t in result.failed_tests) == mistake.lost
    for lost in mistake.lost:
        assert mistake.named_in(result.test(lost).message), result.test(lost).message


def test_other_correct_styles_of_the_second_assignment_pass(class_of_tb):
    styles = {sid: r for sid, r in class_of_tb[0].items() if sid.startswith("style_")}
    assert len(styles) == sum(len(s) for s in CORRECT_STYLES.values())
    assert {sid: r.score for sid, r in styles.items()} == {sid: 5 for sid in styles}


def test_the_kit_and_plain_nbgrader_grade_the_second_assignment_alike(class_of_tb):
    kit, plain, _ = class_of_tb
    assert set(plain) == {"solved", "untouched", MISTAKES[0].key, MISTAKES[-1].key}
    for student, result in plain.items():
        assert result.status == "graded"
        assert (kit[student].score, [t.grade_id for t in kit[student].failed_tests]) == \
            (result.score, [t.grade_id for t in result.failed_tests]), student


def test_every_run_says_its_isolation_in_grades_csv_and_the_summary(class_of_tb):
    kit, _, root = class_of_tb
    rows = [row for row in csv.DictReader(open(root / "kit" / "grades.csv")) if row["status"] == "graded"]
    assert rows and all(kit[row["student_id"]].isolation for row in rows)  # the protections each run got
    for row in rows:
        result = kit[row["student_id"]]
        expected = "missing: " + "; ".join(result.isolation_missing) if result.isolation_missing else "all"
        assert row["isolation"] == expected
    summary = (root / "kit" / "summary.html").read_text()
    assert "<th>isolation</th>" in summary
    missing = {m for r in kit.values() for m in r.isolation_missing}
    said = "This machine could not give every run all of its protections; missing: "
    assert (said in summary) == bool(missing)
    if os.geteuid() == 0:  # as root: namespaces, hidden files and a user of its own, at least
        assert {"no network", "own mount namespace", "its own /proc"} <= set(kit["solved"].isolation)
    # plain nbgrader runs no sandbox, and says so
    plain_rows = list(csv.DictReader(open(root / "plain-out" / "grades.csv")))
    assert {row["isolation"] for row in plain_rows} == {"none"}


def test_a_missing_protection_is_said_once_in_the_terminal(tmp_path):
    from dataclasses import replace

    from autograder import reports
    from autograder.results import SubmissionResult

    runs = [SubmissionResult(name, f"{name}.ipynb", "graded", isolation=("no network",),
                             isolation_missing=("read-only file system",)) for name in ("a", "b", "c")]
    line = reports.missing_protections(runs)
    assert line.count("read-only file system") == 1 and line.startswith("This machine could not give every run")
    assert reports.missing_protections([replace(r, isolation_missing=()) for r in runs]) == ""


def test_validate_and_release_take_the_assignment(tmp_path):
    course = scratch_course(tmp_path / "course", TB)
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert cli.main(["release", "--course-dir", str(course.root), "--assignment", TB]) == 0
    assert (course.root / "assignments" / TB / f"{TB}.ipynb").is_file()
    solved = tmp_path / "mine.ipynb"
    nbformat.write(submission(course=course), str(solved))
    with contextlib.redirect_stdout(out):
        assert cli.main(["validate", str(solved), "--assignment", TB]) == 0
    assert "5 / 5" in out.getvalue() or "5/5" in out.getvalue()


def test_an_unknown_assignment_is_a_clear_error(tmp_path, capsys):
    (tmp_path / "in").mkdir()
    assert cli.main(["grade", str(tmp_path / "in"), "--assignment", "lstm"]) == 2
    err = capsys.readouterr().err
    assert "has no assignment 'lstm' (its assignments: lstm_gru, lstm_gru_ko, tensor_basics); give one of those" in err


def test_a_broken_manifest_names_its_file_and_the_fix(tmp_path):
    folder = tmp_path / "quiz"
    folder.mkdir()
    with pytest.raises(manifest.ManifestProblem, match=r"quiz is not an assignment: it has no assignment.toml"):
        manifest.load(folder)
    (folder / "assignment.toml").write_text('name = "quiz2"\n')
    with pytest.raises(manifest.ManifestProblem, match="name = 'quiz2' but the folder is 'quiz'"):
        manifest.load(folder)
    (folder / "assignment.toml").write_text('name = "quiz"\nwarmup = "x:y"\n')
    with pytest.raises(manifest.ManifestProblem, match=r"unknown key\(s\) \['warmup'\]"):
        manifest.load(folder)
    (folder / "assignment.toml").write_text('name = "quiz"\n')
    with pytest.raises(manifest.ManifestProblem, match="quiz.ipynb does not exist"):
        manifest.load(folder)


def test_the_engine_names_no_assignment():
    engine = kit_root() / "autograder" / "engine"
    for path in engine.glob("*.py"):
        text = path.read_text()
        for name in ("lstm_gru", "tensor_basics", "part1", "heldout", "corpus"):
            assert name not in text, f"{path.name} names {name!r}"


def test_an_nbgrader_the_changes_were_not_written_for_fails_loudly(monkeypatch):
    import importlib.metadata

    monkeypatch.setattr(importlib.metadata, "version", lambda name: "0.9.7" if name == "nbgrader" else "1")
    with pytest.raises(nbgrader_changes.UnsupportedNbgrader,
                       match=r"written for nbgrader 0\.9\.6 and nbgrader 0\.9\.7 is installed"):
        nbgrader_changes.reuse_gradebook_engines()
    with pytest.raises(nbgrader_changes.UnsupportedNbgrader):
        nbgrader_changes.replayed_steps([], object)


def test_loading_the_course_configuration_changes_no_environment():
    probe = textwrap.dedent(f"""
        import os
        before = dict(os.environ)
        from autograder.engine import config
        loaded = config.load({str(kit_root())!r})
        assert dict(os.environ) == before, set(os.environ.items()) ^ set(before.items())
        print(loaded.cell_timeout, loaded.kernel_name)
    """)
    env = {k: v for k, v in os.environ.items() if k not in config.ENVIRONMENT}
    done = subprocess.run([sys.executable, "-c", probe], env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["120.0", "homework-kit"]


def test_the_grading_kernel_spec_carries_the_grading_environment():
    from jupyter_client.kernelspec import KernelSpecManager

    course_config = config.load(kit_root())
    spec = KernelSpecManager().get_kernel_spec(course_config.kernel_name)
    assert spec.env == config.ENVIRONMENT
    assert Path(spec.argv[0]).resolve() == Path(sys.executable).resolve()


# A probe assignment whose check reads a data module: a change to that module (not a checks
# file) must make a resumed `grade` grade again. Before the fingerprint covered the whole
# assignment folder, the resumed run kept the stale grade.
PROBE_CHECKS = """
from autograder.feedback import CheckFailed
from stale_probe import data


def check(answer):
    if answer != data.EXPECTED:
        raise CheckFailed(f"expected {data.EXPECTED}, got {answer}")
"""


def _probe_assignment(sources: Path) -> Path:
    folder = sources / "stale_probe"
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "checks.py").write_text(PROBE_CHECKS)
    (folder / "data.py").write_text("EXPECTED = 3\n")
    (folder / "assignment.toml").write_text('name = "stale_probe"\nnotebook = "stale_probe"\n'
                                            '[grader]\nmodules = ["stale_probe.checks"]\n')
    meta = {"nbgrader": {"grade": False, "solution": True, "locked": False, "grade_id": "answer",
                         "schema_version": 3}}
    test = {"nbgrader": {"grade": True, "solution": False, "locked": True, "grade_id": "test_answer",
                         "points": 1, "schema_version": 3}}
    nb = new_notebook(cells=[new_markdown_cell("Answer three.", id="intro"),
                             new_code_cell("### BEGIN SOLUTION\nanswer = 3\n### END SOLUTION", id="answer",
                                           metadata=meta),
                             new_code_cell("from stale_probe import checks\nchecks.check(answer)", id="test_answer",
                                           metadata=test)],
                      metadata={"kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}})
    nbformat.write(nb, str(folder / "stale_probe.ipynb"))
    return folder


def test_a_resumed_run_grades_again_when_a_file_the_checks_import_changes(tmp_path, monkeypatch):
    sources = tmp_path / "sources"
    folder = _probe_assignment(sources)
    monkeypatch.setenv("PYTHONPATH", str(sources))  # the workers import the probe's checks
    course = scratch_course(tmp_path / "course", "stale_probe", source_dir=sources)
    course.generate_assignment()
    handins = tmp_path / "handins"
    handins.mkdir()
    nbformat.write(submission(course=course), str(handins / "kim.ipynb"))

    def grade() -> tuple[float, list[str]]:
        said: list[str] = []
        result, = grading.grade_folder(handins, course.root, tmp_path / "out", say=said.append,
                                       assignment="stale_probe")
        return result.score, said

    score, said = grade()
    assert score == 1 and not any("already graded" in s for s in said)
    score, said = grade()
    assert score == 1 and any("1 notebook(s) already graded" in s for s in said)
    (folder / "data.py").write_text("EXPECTED = 30  # the answer changed\n")
    score, said = grade()
    assert not any("already graded" in s for s in said)
    assert score == 0


@pytest.mark.skipif(os.geteuid() != 0, reason="the sandbox's caps are applied as root")
def test_the_limits_set_on_the_command_line_are_the_ones_a_run_gets(tmp_path):
    import json

    course = scratch_course(tmp_path / "course", TB)
    course.generate_assignment()
    handins = tmp_path / "handins"
    handins.mkdir()
    nbformat.write(submission(course=course), str(handins / "lee.ipynb"))
    with contextlib.redirect_stdout(io.StringIO()):
        code = cli.main(["grade", str(handins), "--course-dir", str(course.root), "--out", str(tmp_path / "out"),
                         "--assignment", TB, "--processes", "9", "--disk-mb", "100", "--memory-mb", "2000",
                         "--file-mb", "5", "--wall-timeout", "90", "--output-mb", "1"])
    assert code == 0
    record = json.loads((tmp_path / "out" / "work" / "done" / "lee.json").read_text())["record"]
    applied = record["isolation"]["applied"]
    assert "a user of its own, no privileges, at most 9 processes" in applied
    assert "writes only to its own folder, 100 MB in all" in applied
    assert "memory cap 2000 MB" in applied
    assert "files of at most 5 MB" in applied


def test_the_second_assignments_notebook_is_what_its_build_script_writes(tmp_path):
    from autograder.assignments.tensor_basics import build

    nbformat.write(build.build(), str(tmp_path / "built.ipynb"))
    committed = kit_root() / "autograder" / "assignments" / TB / f"{TB}.ipynb"
    assert (tmp_path / "built.ipynb").read_text() == committed.read_text(), (
        "tensor_basics.ipynb differs from what build.py writes: run "
        "`python -m autograder.assignments.tensor_basics.build`, then `make release` and commit.")
