"""The README's TA sections, run as written: each command of "For TAs: the nbgrader workflow" and
"Before a real class" in a fresh course directory, formgrader included (a real Jupyter server on
127.0.0.1, used over HTTP as a TA's browser would). Nothing printed may be a warning the kit's own
configuration causes, and everything the commands write is git-ignored."""

from __future__ import annotations

import contextlib
import json
import os
import re
import secrets
import shlex
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path

import nbformat
import pytest

from autograder.course import Course, kit_root, scratch_course
from tests.builders import EXAMPLES, page_text

README = kit_root() / "README.md"
ASSIGNMENT = "lstm_gru"
# The test cell a student edits in "mal"'s hand-in (ada's notebook otherwise).
EDITED_TEST = "test_p2_shapes"

# What nbgrader, ipykernel and SQLAlchemy print on their own in this workflow (the README lists
# them); a line that follows one of these and is indented is its source line.
NOT_THE_KITS = [
    re.compile(r"\[\w+App \| WARNING\] Removing existing (assignment|feedback)"),
    re.compile(r"\[IPKernelApp\] WARNING \| Kernel is running over TCP without encryption"),
    re.compile(r"SAWarning: Object of type <\w+> not in session, add operation along '[\w.]+' will not proceed"),
]
ATTENTION = re.compile(r"warn|error|traceback|not recognized|exception", re.IGNORECASE)
CHECKSUM_WARNING = re.compile(r"\[AutogradeApp \| WARNING\] Attribute 'checksum' for cell (\w+) has changed!")


def readme_commands(heading: str) -> list[str]:
    """The first ```bash block of the README section ``heading``, one command per line, comments dropped."""
    text = README.read_text()
    section = text.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    block = re.search(r"```bash\n(.*?)```", section, re.DOTALL).group(1)
    return [shlex.join(words) for words in (shlex.split(line, comments=True) for line in block.splitlines()) if words]


def not_the_kits_lines(output: str) -> list[str]:
    """Lines that ask for a TA's attention, less what the README says is nbgrader's own."""
    flagged, after_known = [], False
    for line in output.splitlines():
        if after_known and line.startswith((" ", "\t")):
            continue
        after_known = any(known.search(line) for known in NOT_THE_KITS)
        if not after_known and ATTENTION.search(line):
            flagged.append(line)
    return flagged


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Formgrader:
    """A TA's ``jupyter lab`` in the course directory, reached over HTTP with its token."""

    process: subprocess.Popen
    port: int
    token: str
    log: Path

    def request(self, path: str, method: str = "GET", body: dict | None = None) -> tuple[int, str]:
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(f"http://127.0.0.1:{self.port}{path}", data=data, method=method,
                                         headers={"Authorization": f"token {self.token}"})
        try:
            with urllib.request.urlopen(request, timeout=30) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    def json(self, path: str, method: str = "GET", body: dict | None = None):
        status, text = self.request(path, method, body)
        assert status == 200, (path, status, text[:500])
        return json.loads(text)


def start_jupyter_lab(command: str, course: Path, env: dict, log: Path) -> Formgrader:
    """``command`` as the README gives it, made to run without a browser on a free local port."""
    port, token = _free_port(), secrets.token_hex(16)
    args = shlex.split(command) + ["--no-browser", f"--port={port}", "--ip=127.0.0.1",
                                   f"--IdentityProvider.token={token}"]
    if os.geteuid() == 0:
        args.append("--allow-root")  # as the README says for root
    with log.open("w") as sink:
        process = subprocess.Popen(args, cwd=course, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                   start_new_session=True)
    server = Formgrader(process, port, token, log)
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        assert process.poll() is None, log.read_text()[-3000:]
        try:
            if server.request("/api/status")[0] == 200:
                return server
        except OSError:
            pass
        time.sleep(0.5)
    raise AssertionError(f"jupyter lab did not answer within 120 s:\n{log.read_text()[-3000:]}")


def stop(server: Formgrader) -> None:
    with contextlib.suppress(ProcessLookupError):
        os.killpg(server.process.pid, signal.SIGTERM)
    try:
        server.process.wait(timeout=30)
    except subprocess.TimeoutExpired:
        os.killpg(server.process.pid, signal.SIGKILL)
        server.process.wait()


def collect(course: Course) -> None:
    """The README's collect step: each hand-in at submitted/<student>/lstm_gru/lstm_gru.ipynb."""
    for student in ("ada", "cleo"):
        target = course.submitted_notebook(student)
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(EXAMPLES / f"{student}.ipynb", target)
    edited = nbformat.read(EXAMPLES / "ada.ipynb", as_version=4)
    for cell in edited.cells:
        if cell.metadata.get("nbgrader", {}).get("grade_id") == EDITED_TEST:
            cell.source = "pass  # no test here\n"
    target = course.submitted_notebook("mal")
    target.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(edited, target)


@dataclass
class Workflow:
    course: Course
    outputs: dict[str, str] = field(default_factory=dict)   # command -> what it printed
    formgrader_pages: dict[str, tuple[int, str]] = field(default_factory=dict)
    formgrader_log: str = ""
    graded_by_hand: list[dict] = field(default_factory=list)


def _env() -> dict:
    """What ``source .venv/bin/activate`` gives the commands."""
    venv = Path(sys.executable).parent.parent
    return {**os.environ, "VIRTUAL_ENV": str(venv), "PATH": f"{venv / 'bin'}{os.pathsep}{os.environ['PATH']}"}


def run_commands(commands: list[str], course: Course, workflow: Workflow, on_formgrader=None) -> None:
    env = _env()
    for command in commands:
        if command.startswith("source "):
            continue  # _env() is what it does
        if command.split()[:2] == ["jupyter", "lab"]:
            server = start_jupyter_lab(command, course.root, env, course.root.parent / "jupyter.log")
            try:
                on_formgrader(server)
            finally:
                stop(server)
            workflow.formgrader_log = server.log.read_text()
            continue
        done = subprocess.run(["bash", "-c", command], cwd=course.root, env=env, capture_output=True, text=True,
                              timeout=600)
        workflow.outputs[command] = done.stdout + done.stderr
        assert done.returncode == 0, f"{command} failed:\n{workflow.outputs[command][-3000:]}"


def grade_by_hand(server: Formgrader, workflow: Workflow) -> None:
    """What a TA does in formgrader: look at the assignment and the hand-ins, grade ada's written answers."""
    for page in ("/formgrader", f"/formgrader/manage_submissions/{ASSIGNMENT}",
                 f"/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"):
        workflow.formgrader_pages[page] = server.request(page)
    notebooks = server.json(f"/formgrader/api/submitted_notebooks/{ASSIGNMENT}/{ASSIGNMENT}")
    by_student = {nb["student"]: nb for nb in notebooks}
    workflow.formgrader_pages["students"] = (200, json.dumps(sorted(by_student)))
    for student in ("ada", "cleo"):
        page = f"/formgrader/submissions/{by_student[student]['id']}/"
        workflow.formgrader_pages[page] = server.request(page)
        workflow.formgrader_pages[student] = workflow.formgrader_pages[page]
    grades = server.json(f"/formgrader/api/grades?submission_id={by_student['ada']['id']}")
    for grade in grades:
        if grade["needs_manual_grade"]:
            workflow.graded_by_hand.append(
                server.json(f"/formgrader/api/grade/{grade['id']}", "PUT", {"manual_score": grade["max_score"] - 0.5}))


@pytest.fixture(scope="module")
def workflow(tmp_path_factory) -> Workflow:
    course = scratch_course(tmp_path_factory.mktemp("ta") / "course")
    done = Workflow(course)
    commands = readme_commands("For TAs: the nbgrader workflow")
    assert commands[1].startswith("nbgrader generate_assignment")
    # The collect step is a comment in the README (the TA copies files): done here, after the release.
    run_commands(commands[:2], course, done)
    collect(course)
    run_commands(commands[2:], course, done, on_formgrader=lambda server: grade_by_hand(server, done))
    return done


def test_the_readme_starts_formgrader_in_a_way_that_exists():
    commands = readme_commands("For TAs: the nbgrader workflow")
    assert not any(c.startswith("nbgrader formgrader") for c in commands)
    assert any(c.split()[:2] == ["jupyter", "lab"] for c in commands)
    # ... because `nbgrader formgrader` is no command: nbgrader lists its subcommands, starts
    # nothing, and exits 0, as if it had run.
    done = subprocess.run(["nbgrader", "formgrader"], env=_env(), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and "No command given" in done.stdout + done.stderr
    assert "formgrader" not in re.findall(r"^    (\w+)$", done.stdout, re.MULTILINE)


def test_every_command_of_the_ta_workflow_succeeds(workflow):
    ran = list(workflow.outputs)
    assert [c.split()[1] for c in ran] == ["generate_assignment", "autograde", "generate_feedback", "export"]
    assert (workflow.course.root / "grades.csv").is_file()
    for student in ("ada", "cleo", "mal"):
        assert workflow.course.feedback_html(student).is_file(), student


def test_no_command_prints_a_warning_caused_by_the_kit(workflow):
    for command, output in workflow.outputs.items():
        flagged = [line for line in not_the_kits_lines(output) if not CHECKSUM_WARNING.search(line)]
        assert not flagged, f"{command} printed:\n" + "\n".join(flagged)
    server_lines = [line for line in workflow.formgrader_log.splitlines()
                    if re.match(r"\[[WE] ", line) or "not serializable" in line or "not recognized" in line]
    assert not server_lines, "\n".join(server_lines)


def test_hidden_tests_coming_back_are_not_reported_but_an_edited_test_cell_is(workflow):
    output = workflow.outputs["nbgrader autograde lstm_gru"]
    assert CHECKSUM_WARNING.findall(output) == [EDITED_TEST]  # mal's, once; none for ada or cleo
    scores = {row["student_id"]: row for row in _export_rows(workflow.course)}
    # mal is ada with one test cell gutted: nbgrader ran the instructor's test, and it passed.
    # (ada's written answers were graded by hand in formgrader, mal's were not.)
    assert float(scores["mal"]["raw_score"]) == 33.0
    assert float(scores["ada"]["raw_score"]) == 33.0 + 2 * 2.5


def _export_rows(course: Course) -> list[dict]:
    import csv

    with (course.root / "grades.csv").open() as f:
        return list(csv.DictReader(f))


def test_formgrader_serves_the_class_over_http(workflow):
    pages = workflow.formgrader_pages
    for page in ("/formgrader", f"/formgrader/manage_submissions/{ASSIGNMENT}",
                 f"/formgrader/gradebook/{ASSIGNMENT}/{ASSIGNMENT}"):
        assert pages[page][0] == 200, (page, pages[page][1][:300])
    assert json.loads(pages["students"][1]) == ["ada", "cleo", "mal"]
    status, cleo = pages["cleo"]
    assert status == 200 and "log_softmax" in cleo and "CheckFailed" in cleo
    assert len(workflow.graded_by_hand) == 2 and all(g["manual_score"] == 2.5 for g in workflow.graded_by_hand)


def test_feedback_marks_written_answers_not_graded_yet_until_a_ta_grades_them(workflow):
    def text(student):
        page = workflow.course.feedback_html(student).read_text()
        return page, page_text(page)

    page, cleo = text("cleo")  # not graded by hand
    note = cleo.index("Not graded yet: 2 answers, worth 6 points, are graded by hand.")
    assert note < cleo.index("LSTM & GRU")  # above the notebook, under the total it explains
    assert cleo.count("Not graded yet: your TA grades this answer by hand.") == 2
    page, ada = text("ada")  # graded in formgrader before generate_feedback
    assert "Not graded yet" not in ada
    assert "Score: 2.5 / 3.0" in ada


def test_everything_the_workflow_writes_is_git_ignored(workflow):
    if not (kit_root() / ".git").exists() or shutil.which("git") is None:
        pytest.skip("not a git checkout")
    course = workflow.course.root
    written = [p.relative_to(course).as_posix() for p in course.rglob("*") if p.is_file()]
    tracked = set(subprocess.run(["git", "ls-files"], cwd=kit_root(), capture_output=True, text=True,
                                 check=True).stdout.splitlines())
    untracked = [p for p in written if p not in tracked]
    done = subprocess.run(["git", "check-ignore", "--no-index", "--verbose", "--non-matching", "--stdin"],
                          cwd=kit_root(), input="\n".join(untracked), capture_output=True, text=True)
    not_ignored = [line.split("\t", 1)[1] for line in done.stdout.splitlines() if line.startswith("::")]
    assert "grades.csv" in untracked and not not_ignored, not_ignored


def test_before_a_real_class_clears_earlier_grades_and_loads_roster_and_deadline(tmp_path):
    from nbgrader.api import Gradebook

    course = scratch_course(tmp_path / "course")
    for leftover in ("submitted/ada/lstm_gru", "autograded/ada/lstm_gru", "feedback/ada/lstm_gru", "grading",
                     ".homework-kit", "demo"):
        (course.root / leftover).mkdir(parents=True)
    (course.root / "grades.csv").write_text("left over\n")
    (course.root / "roster.csv").write_text("id,first_name,last_name,email\n"
                                            "kim01,Minji,Kim,minji@example.edu\nlee02,Jun,Lee,jun@example.edu\n")
    done = Workflow(course)
    run_commands(readme_commands("Before a real class"), course, done)
    for leftover in ("submitted", "autograded", "feedback", "grades.csv", "grading", ".homework-kit", "demo"):
        assert not (course.root / leftover).exists(), leftover
    assert course.release_notebook.is_file()
    with Gradebook(course.db_url) as gradebook:
        assert sorted(s.id for s in gradebook.students) == ["kim01", "lee02"]
        assert str(gradebook.find_assignment(ASSIGNMENT).duedate) == "2026-12-14 14:59:00"  # 23:59 in Seoul, UTC
    listed = done.outputs["nbgrader db student list"]
    assert "kim01 (Kim, Minji)" in listed and "lee02 (Lee, Jun)" in listed
    for command, output in done.outputs.items():
        assert not not_the_kits_lines(output), (command, not_the_kits_lines(output))


def test_make_demo_grades_in_a_course_of_its_own_and_leaves_the_repository_as_it_was(graded_examples):
    makefile = (kit_root() / "Makefile").read_text()
    assert re.search(r"^demo: .*\n\t\$\(PY\) -m autograder\.demo$", makefile, re.MULTILINE)
    assert graded_examples.exit_code == 0
    assert graded_examples.course.submitted_notebook("ada").is_file()  # graded in the demo's course
    assert graded_examples.repository_after == graded_examples.repository_before
