"""The grading pipeline: a folder of submissions in, results and report files out.

Stages, in order: regenerate the release (which also records the source's cells, hidden
tests included, in the gradebook), collect and vet the submissions, put the gradable ones
into ``submitted/``, ``nbgrader autograde``, read the results, ``generate_feedback``,
``export``, then write the kit's own reports. A notebook nbgrader cannot grade is reported
as failed; it never stops the rest of the batch.
"""

from __future__ import annotations

import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from autograder import batch, reports
from autograder.course import Course, scratch_course
from autograder.notebooks import autograded_tests, read, repo_root, source_path
from autograder.results import SubmissionResult, read_result, rejected, with_run
from autograder.submissions import Submission, check_notebook, collect, student_id_for

EXAMPLES = repo_root() / "examples" / "submissions"


def _say(message: str) -> None:
    print(message, flush=True)


def test_ids(course: Course) -> list[str]:
    return list(autograded_tests(read(source_path(course.root))))


def grade_submissions(course: Course, submissions: list[Submission], say: Callable[[str], None] = _say):
    """Autograde the gradable submissions; one result per submission, in the given order."""
    gradable = [s for s in submissions if s.gradable]
    log = ""
    if gradable:
        for s in gradable:
            course.submit(s.student_id, s.path)
        say(f"nbgrader autograde: {len(gradable)} notebook(s) ...")
        log = course.autograde().log
    results = [read_result(course, s, log) if s.gradable else rejected(s) for s in submissions]
    return results, log


def _grade_with_workers(course: Course, submissions: list[Submission], out: Path, settings: batch.Settings | None,
                        say: Callable[[str], None], progress: bool):
    """Autograde the gradable submissions with the kit's warm workers; results in the given order."""
    gradable = [s for s in submissions if s.gradable]
    records: dict = {}
    if gradable:
        for s in gradable:
            course.submit(s.student_id, s.path)
        settings = settings or batch.course_settings(course)
        say(f"Grading {len(gradable)} notebook(s) with {settings.workers} worker(s) ...")
        bar = tqdm(total=len(gradable), unit="notebook", disable=not progress, file=sys.stderr)
        records = batch.execute(course, gradable, settings, out / "work",
                                on_done=lambda record: (bar.update(1), bar.set_postfix_str(record.student_id)))
        bar.close()
    results = []
    for s in submissions:
        if not s.gradable:
            results.append(rejected(s))
            continue
        result = read_result(course, s, (out / "work" / "nbgrader.log").read_text())
        record = records.get(s.student_id)
        if record is not None:
            result = with_run(result, record)
        results.append(result)
    return results


def grade_folder(folder: Path = EXAMPLES, course_dir: Path | None = None, out_dir: Path | None = None,
                 say: Callable[[str], None] = _say, engine: str = "workers", settings: batch.Settings | None = None,
                 progress: bool = False) -> list[SubmissionResult]:
    """Grade every entry of ``folder``; write grades.csv, feedback/ and nbgrader's export to ``out_dir``.

    ``engine`` is ``"workers"`` (the kit's parallel workers, nbgrader's rules and gradebook) or
    ``"nbgrader"`` (plain ``nbgrader autograde``, one notebook at a time).
    """
    course = Course(Path(course_dir or repo_root()).resolve())
    out = Path(out_dir or course.path("grading")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    say(f"nbgrader generate_assignment: {course.root}")
    logs = [course.generate_assignment().log]
    submissions = collect(Path(folder), test_ids(course))
    if engine == "nbgrader":
        results, autograde_log = grade_submissions(course, submissions, say)
        logs.append(autograde_log)
    else:
        results = _grade_with_workers(course, submissions, out, settings, say, progress)
    if any(r.status == "graded" for r in results):
        say("nbgrader generate_feedback and export ...")
        logs.append(course.generate_feedback().log)
        logs.append(course.export(out / "nbgrader_export.csv").log)
        feedback_dir = out / "feedback"
        feedback_dir.mkdir(exist_ok=True)
        for r in results:
            html = course.feedback_html(r.student_id)
            if r.status == "graded" and html.exists():
                shutil.copyfile(html, feedback_dir / f"{r.student_id}.html")
    (out / "nbgrader.log").write_text("\n".join(logs))
    reports.write_grades_csv(results, out / "grades.csv")
    return results


def validate_notebook(notebook: Path, say: Callable[[str], None] = _say) -> SubmissionResult:
    """Grade one notebook, hidden tests included, in a scratch course directory."""
    notebook = Path(notebook)
    with tempfile.TemporaryDirectory(prefix="validate-") as scratch:
        course = scratch_course(Path(scratch) / "course")
        course.generate_assignment()
        student = student_id_for(notebook.name)
        problem, note = check_notebook(notebook, test_ids(course))
        submission = Submission(student, notebook, problem, note)
        say(f"Grading {notebook} with its hidden tests ...")
        results, _ = grade_submissions(course, [submission], say)
        return results[0]
