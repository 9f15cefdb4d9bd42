"""The grading pipeline: a folder of submissions in, results and report files out.

Stages: regenerate the release unless it is current (which also records the source's cells,
hidden tests included, in the gradebook; see :mod:`autograder.release_check`), collect and
vet the submissions, put the gradable ones into ``submitted/``, autograde them with each
student's feedback page, ``export``, then write the kit's own reports. With the kit's workers
these overlap (:class:`autograder.engine.batch.Batch`); with ``--engine nbgrader`` they are
nbgrader's commands, one after another. A notebook nbgrader cannot grade is reported as
failed; it never stops the rest of the batch.
"""

from __future__ import annotations

import contextlib
import dataclasses
import hashlib
import json
import shutil
import sys
import tempfile
from pathlib import Path
from typing import Callable

from tqdm import tqdm

from autograder import lms, release_check, reports, similarity, similarity_page
from autograder.assignments import DEFAULT
from autograder.course import Course, kit_root, scratch_course
from autograder.engine import batch, config
from autograder.engine.pool import Prestarted
from autograder.engine.protocol import AUTOGRADE, FEEDBACK, Settings, WorkFolder
from autograder.language import Text
from autograder.notebooks import autograded_tests, is_solution, read, solved_source
from autograder.results import REJECTED, SubmissionResult, points_possible, rejected, results_in_order, with_run
from autograder.submissions import Submission, check_input, check_notebook, collect, student_id_for, unpack
from autograder.timeline import Timeline


def _say(message: str) -> None:
    print(message, flush=True)


# What the command says while it works, in the TA's language (``grade --language``).
RELEASE_UNCHANGED = Text("The release of {name} is unchanged since the last run (nbgrader generate_assignment "
                         "skipped).",
                         "{name} 배포본은 지난 실행 이후 바뀌지 않았습니다(nbgrader generate_assignment 생략).")
KEPT = Text("{count} notebook(s) already graded by an earlier run (use --force to grade them again).",
            "노트북 {count}개는 이전 실행에서 이미 채점되었습니다(다시 채점하려면 --force를 쓰세요).")
GRADING = Text("Grading {count} notebook(s) with {workers} worker(s); each feedback page is written as soon as its "
               "notebook is graded ...",
               "노트북 {count}개를 워커 {workers}개로 채점합니다. 피드백 페이지는 노트북이 채점되는 대로 바로 작성됩니다 ...")
GRADING_CLUSTER = Text("Grading {count} notebook(s) on the Dask cluster at {address}; each feedback page is written "
                       "here as soon as its notebook is graded ...",
                       "노트북 {count}개를 {address}의 Dask 클러스터에서 채점합니다. 피드백 페이지는 노트북이 채점되는 대로 "
                       "여기에 바로 작성됩니다 ...")
BAR_LABEL, BAR_UNIT = Text("graded", "채점"), Text("notebook", "노트북")
REPORTS_STATUS = Text("reports: grades.csv, feedback/, gradescope/, summary.html",
                      "보고서: grades.csv, feedback/, gradescope/, summary.html")
ALIKE = Text("{count} pair(s) of hand-ins are unusually alike: read {path} (it never changes a score).",
             "유난히 비슷한 제출물이 {count}쌍 있습니다. 확인할 파일: {path} (점수에는 영향을 주지 않습니다).")


def test_ids(course: Course) -> list[str]:
    return list(autograded_tests(read(course.source_notebook)))


def grade_submissions(course: Course, submissions: list[Submission], say: Callable[[str], None] = _say):
    """Autograde the gradable submissions; one result per submission, in the given order."""
    gradable = [s for s in submissions if s.gradable]
    log = ""
    if gradable:
        for s in gradable:
            course.submit(s.student_id, s.path)
        say(f"nbgrader autograde: {len(gradable)} notebook(s) ...")
        log = course.autograde().log
    return results_in_order(course, submissions, log), log


def _engine_version() -> str:
    """The grading engine's own code, as a digest: a change to how notebooks run or are
    recorded is a change to every grade."""
    digest = hashlib.sha256()
    for path in sorted((Path(__file__).resolve().parent / "engine").glob("*.py")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def grading_inputs(course: Course, settings: Settings) -> str:
    """A digest of everything a grade depends on besides the submission: the whole assignment
    folder (notebook, checks, data, reference, thresholds, manifest), the kit's code the checks
    share, the engine's version, the course's configuration and the engine's settings."""
    digest = hashlib.sha256()
    digest.update(course.assignment.fingerprint().encode())
    digest.update(_engine_version().encode())
    for shared in ("feedback.py", "output_rules.py", "hidden_feedback.py"):
        digest.update((Path(__file__).resolve().parent / shared).read_bytes())
    digest.update((course.root / config.CONFIG_FILE).read_bytes())
    digest.update(repr(dataclasses.replace(settings, workers=0)).encode())
    return digest.hexdigest()


def _fingerprint(submission: Path, inputs: str) -> str:
    return hashlib.sha256(Path(submission).read_bytes() + inputs.encode()).hexdigest()


def _resumable(course: Course, gradable: list[Submission], work: WorkFolder, inputs: str) -> dict:
    """``student -> RunRecord`` for the submissions an earlier run graded from the same file and
    inputs, whose grades are still in the course."""
    kept = {}
    for s in gradable:
        marker = work.marker(s.student_id)
        if marker.exists() and course.autograded_notebook(s.student_id).exists():
            saved = json.loads(marker.read_text())
            if saved.get("sha256") == _fingerprint(s.path, inputs):
                kept[s.student_id] = batch.RunRecord.from_saved(saved["record"])
    return kept


def _grade_with_workers(course: Course, folder: Path, out: Path, settings: Settings | None,
                        say: Callable[[str], None], progress: bool, force: bool, hidden_messages: str,
                        alike: _Alike, timeline: Timeline, early: Prestarted | None = None,
                        language: str = "en", scheduler: str | None = None) -> list[SubmissionResult]:
    """Grade with the kit's warm workers; results in the order of the submissions found.

    The workers and nbgrader's side start first, so their start-up overlaps the release check
    and the collecting of the hand-ins; each student's grades and feedback page are written as
    soon as the student's notebook has run; nbgrader's export is written once, at the end.
    A submission graded by an earlier run (same file, grades in the gradebook) is kept as it
    was unless ``force``: a batch stopped half-way resumes where it stopped.
    """
    work = WorkFolder(out / "work")
    work.done.mkdir(parents=True, exist_ok=True)
    settings = settings or config.settings(course.config)
    inputs = grading_inputs(course, settings)
    with batch.Batch(course, settings, work.path, feedback=True,
                     withhold_hidden=hidden_messages == "hidden", early=early, scheduler=scheduler) as run:
        timeline.mark("release check")
        current = release_check.is_current(course)
        if current:
            say(RELEASE_UNCHANGED.in_language(language).format(name=course.assignment.name))
        else:
            say(f"nbgrader generate_assignment: {course.root}")
            release_check.forget(course)
            run.release()
        submissions = _collect(folder, course, work)
        run.release_ready()
        if not current:
            release_check.record(course)
        timeline.mark("release check")

        gradable = [s for s in submissions if s.gradable]
        kept = {} if force else _resumable(course, gradable, work, inputs)
        todo = [s for s in gradable if s.student_id not in kept]
        records: dict = dict(kept)
        # The bar counts students whose grades and feedback page are written, not notebooks run:
        # it ends when the batch's last page is written.
        bar = None
        ran: list[str] = []

        def step_done(done) -> None:
            if done.feedback or done.step == FEEDBACK:
                timeline.mark("feedback")
            if done.step == AUTOGRADE and bar is not None:
                bar.update(1)
        run.on_step = step_done
        if kept:
            say(KEPT.in_language(language).format(count=len(kept)))
            run.feedback(list(kept))
        if todo:
            for s in todo:
                work.marker(s.student_id).unlink(missing_ok=True)
                course.submit(s.student_id, s.path)
            paths = {s.student_id: s.path for s in todo}

            def graded(record) -> None:
                work.marker(record.student_id).write_text(json.dumps(
                    {"sha256": _fingerprint(paths[record.student_id], inputs), "record": record.saved()}))

            say((GRADING_CLUSTER.in_language(language).format(count=len(todo), address=scheduler) if scheduler
                 else GRADING.in_language(language).format(count=len(todo), workers=settings.workers)))
            bar = tqdm(total=len(todo), unit=BAR_UNIT.in_language(language), desc=BAR_LABEL.in_language(language),
                       disable=not progress, file=sys.stderr)
            # This process mostly waits while the workers grade: the similarity report is written then.
            alike.start(course, submissions, out)
            with timeline.phase("grading"):
                records.update(run.grade(todo, on_graded=graded, also_hidden=(folder.resolve(), out),
                                         on_done=lambda r: (ran.append(r.student_id), bar.set_postfix_str(
                                             f"notebooks run: {len(ran)}, last: {r.student_id}"))))
            bar.close()
        if gradable:
            with timeline.phase("export", "nbgrader export"):
                run.export(out / "nbgrader_export.csv")
    log = work.log.read_text() if work.log.exists() else ""
    results = [with_run(r, records[s.student_id]) if s.gradable and s.student_id in records else r
               for s, r in zip(submissions, results_in_order(course, submissions, log))]
    (out / "nbgrader.log").write_text(log)
    return results


def _collect(folder: Path, course: Course, work: WorkFolder) -> list[Submission]:
    """Every entry of the folder (or LMS zip) as a submission, gradable or refused with a reason."""
    refused = {}
    if folder.is_file() and folder.suffix == ".zip":
        folder, refused = unpack(folder, work.unpacked)
    return collect(folder, test_ids(course), course.assignment.notebook, refused)


def _grade_with_nbgrader(course: Course, folder: Path, out: Path, say: Callable[[str], None],
                         hidden_messages: str, timeline: Timeline) -> list[SubmissionResult]:
    """Plain nbgrader, one command after another: generate_assignment, autograde (one kernel per
    notebook), generate_feedback, export."""
    with timeline.phase("release check"):
        say(f"nbgrader generate_assignment: {course.root}")
        logs = [course.generate_assignment().log]
    submissions = _collect(folder, course, WorkFolder(out / "work"))
    with timeline.phase("grading"):
        results, autograde_log = grade_submissions(course, submissions, say)
    logs.append(autograde_log)
    if any(r.status == "graded" for r in results):
        say("nbgrader generate_feedback and export ...")
        with timeline.phase("feedback", "nbgrader generate_feedback"):
            logs.append(course.generate_feedback(withhold_hidden=hidden_messages == "hidden").log)
        with timeline.phase("export", "nbgrader export"):
            logs.append(course.export(out / "nbgrader_export.csv").log)
    (out / "nbgrader.log").write_text("\n".join(logs))
    return results


def _feedback_pages(course: Course, results: list[SubmissionResult], folder: Path) -> dict[str, str]:
    """Copy the batch's feedback pages into ``folder`` and remove every other page there (a student
    an earlier run graded who is not in this batch, or whose hand-in is no longer gradable), so that
    no page outlives its row in the reports. ``student id -> page``, relative to the report folder."""
    folder.mkdir(exist_ok=True)
    pages = {}
    for r in results:
        page = course.feedback_html(r.student_id)
        if r.status == "graded" and page.exists():
            shutil.copyfile(page, folder / f"{r.student_id}.html")
            pages[r.student_id] = f"{folder.name}/{r.student_id}.html"
    kept = {f"{student}.html" for student in pages}
    for old in folder.glob("*.html"):
        if old.name not in kept:
            old.unlink()
    return pages


def given_code(course: Course) -> list[str]:
    """The code no pair of hand-ins is flagged for sharing, besides the release's own cells: the files
    the manifest names (the tutorial students paste) and the model solution's code cells. The
    solution is how the instructions are followed to the letter (the names and calls they dictate, the
    tutorial's lines), so two students who both wrote it that way have shown nothing; what they wrote
    beyond it is compared."""
    solution = read(course.source_notebook).cells
    return course.assignment.given_code_texts() + [
        solved_source(c) for c in solution if c.cell_type == "code" and is_solution(c)]


def compare_hand_ins(course: Course, students: list[str]) -> similarity.Similarity:
    """The hand-ins of ``students`` compared with each other (:mod:`autograder.similarity`), as nbgrader
    keeps them in ``submitted/``; one that cannot be read there is listed with why."""
    handins, not_compared = {}, []
    for student in students:
        notebook = course.submitted_notebook(student)
        try:
            handins[student] = read(notebook)
        except Exception as error:  # noqa: BLE001 - whatever the file holds, the report names it and goes on
            not_compared.append((student, f"{notebook} could not be read as a notebook ({error})."))
    return similarity.compare(handins, read(course.release_notebook), given_code(course), not_compared)


class _Alike:
    """The batch's similarity report (``similarity.html``), worked out and written in a thread while
    the workers grade (this process mostly waits then) or, when nothing started it, at the end."""

    def __init__(self, language: str = "en"):
        self._future = None
        self.language = language  # the TA's: why a hand-in was not compared is said in it

    def start(self, course: Course, submissions: list[Submission], out: Path) -> None:
        """Compare the batch's gradable hand-ins, the very ones its results will not have
        rejected, and list the others with the reason their results will give."""
        from concurrent.futures import ThreadPoolExecutor

        pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="similarity")
        refused = [(s.student_id, rejected(s).reason.in_language(self.language)) for s in submissions
                   if not s.gradable]
        self._future = pool.submit(self._written, course, [s.student_id for s in submissions if s.gradable],
                                   refused, out, True)
        pool.shutdown(wait=False)  # the one comparison still runs; :meth:`result` waits for it

    @staticmethod
    def _written(course: Course, students: list[str], refused: list[tuple[str, str]], out: Path,
                 warm_charts: bool = False) -> similarity.Similarity:
        if warm_charts:  # in this thread, before its own chart: pyplot is used by one thread at a
            reports.warm_charts()  # time (the summary's charts wait for this thread's result)
        alike = compare_hand_ins(course, students)
        alike.not_compared += refused
        similarity_page.write_similarity(alike, out / similarity_page.FILE, course.assignment.title)
        return alike

    def result(self, course: Course, results: list[SubmissionResult], out: Path) -> similarity.Similarity:
        """Every hand-in of ``results``: compared, or listed with why it was not (the reason it was
        not graded); its report written."""
        if self._future is not None:
            return self._future.result()
        return self._written(course, [r.student_id for r in results if r.status != REJECTED],
                             [(r.student_id, r.reason.in_language(self.language)) for r in results
                              if r.status == REJECTED], out)


def _remove_other_students(gradescope: Path, students: set[str]) -> None:
    """Remove the ``results.json`` of students not in this batch (and their emptied folders)."""
    for old in gradescope.glob("*/results.json"):
        if old.parent.name not in students:
            old.unlink()
            with contextlib.suppress(OSError):
                old.parent.rmdir()


def grade_folder(folder: Path, course_dir: Path | None = None, out_dir: Path | None = None,
                 say: Callable[[str], None] = _say, engine: str = "workers", settings: Settings | None = None,
                 progress: bool = False, force: bool = False, hidden_messages: str = "shown",
                 assignment: str = DEFAULT, timeline: Timeline | None = None,
                 roster: list[lms.RosterStudent] | None = None, early: Prestarted | None = None,
                 language: str = "en", scheduler: str | None = None) -> list[SubmissionResult]:
    """Grade every entry of ``folder``; write grades.csv, feedback/ and nbgrader's export to ``out_dir``.

    ``engine`` is ``"workers"`` (the kit's parallel workers, nbgrader's rules and gradebook) or
    ``"nbgrader"`` (plain ``nbgrader autograde``, one notebook at a time). ``hidden_messages``
    is ``"shown"`` or ``"hidden"``: whether feedback HTML and results.json show what failed
    hidden tests said (public tests' messages are always shown). Where the time went is
    written to ``out_dir/work/phases.json`` (``timeline``); with ``progress``, a bar and status
    lines on stderr say what is being done.

    With a ``roster`` (:func:`autograder.lms.read_roster`), Canvas and Moodle gradebook files are written too,
    and roster students with no hand-in and hand-ins not on the roster are listed on the
    summary page (the command line prints them under its table).

    With a ``scheduler`` (a Dask scheduler's address) the kit's workers run on that cluster
    (:mod:`autograder.engine.cluster`); everything else is done here, as without it.

    ``language`` is the TA's: grades.csv's reasons and the summary page speak it. What a student
    reads (feedback pages, Gradescope results) speaks the student's (:attr:`Course.student_language`).

    The reports in ``out_dir`` are this batch's only: feedback pages and Gradescope results of
    students not in it are removed. A ``folder`` with no hand-in in it raises
    :class:`autograder.submissions.NotSubmissions` before anything is written.
    """
    folder = Path(folder)
    check_input(folder)  # before anything is written: a batch of nothing leaves the earlier reports as they were
    timeline = timeline or Timeline()
    if progress:
        timeline.status = sys.stderr
    course = Course(Path(course_dir or kit_root()).resolve(), assignment)
    out = Path(out_dir or course.path("grading")).resolve()
    out.mkdir(parents=True, exist_ok=True)
    later = _Alike(language)
    if engine == "nbgrader":
        results = _grade_with_nbgrader(course, folder, out, say, hidden_messages, timeline)
    else:
        results = _grade_with_workers(course, folder, out, settings, say, progress, force, hidden_messages,
                                      later, timeline, early, language, scheduler)
    missing = reports.missing_protections(results, language)
    if missing:
        say(missing)
    with timeline.phase("reports", REPORTS_STATUS.in_language(language)):
        pages = _feedback_pages(course, results, out / "feedback")
        reports.write_grades_csv(results, out / "grades.csv", language)
        reports.write_gradescope(results, out / "gradescope", hidden_messages, course.student_language)
        _remove_other_students(out / "gradescope", {r.student_id for r in results})
        roster_lines = []
        if roster is not None:
            matching = lms.match(results, roster)
            lms.write_canvas(matching, out / lms.CANVAS_FILE, course.assignment.name, *points_possible(course))
            lms.write_moodle(matching, out / lms.MOODLE_FILE, course.assignment.name)
            roster_lines = matching.lines(language)
        else:  # no roster this run: no LMS file of an earlier run's is left to look like this one's
            for name in (lms.CANVAS_FILE, lms.MOODLE_FILE):
                (out / name).unlink(missing_ok=True)
        alike = later.result(course, results, out)
        if alike.flagged:
            say(ALIKE.in_language(language).format(count=len(alike.flagged), path=out / similarity_page.FILE))
        reports.write_summary(results, out / "summary.html", course.assignment.title, feedback_pages=pages,
                              notes=roster_lines, similar=len(alike.flagged), language=language)
    (out / "work").mkdir(exist_ok=True)
    timeline.write(out / "work" / "phases.json")
    return results


def validate_notebook(notebook: Path, say: Callable[[str], None] = _say, assignment: str = DEFAULT) -> SubmissionResult:
    """Grade one notebook, hidden tests included, in a scratch course directory."""
    notebook = Path(notebook)
    with tempfile.TemporaryDirectory(prefix="validate-") as scratch:
        course = scratch_course(Path(scratch) / "course", assignment)
        course.generate_assignment()
        student = student_id_for(notebook.name)
        problem, note = check_notebook(notebook, test_ids(course), course.assignment.notebook)
        submission = Submission(student, notebook, problem, note)
        say(f"Grading {notebook} with its hidden tests ...")
        results, _ = grade_submissions(course, [submission], say)
        return results[0]
