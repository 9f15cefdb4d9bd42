"""``python -m autograder``: a thin command line over :mod:`autograder.grading`.

Arguments are parsed, and checked, before anything heavy is imported (nbgrader, the engine, the
plotting library): ``--help`` and a mistyped argument answer at once, and each command imports
what it needs only once it runs.
"""

from __future__ import annotations

import argparse
import math
import sys
from pathlib import Path

from autograder import lms
from autograder.assignments import DEFAULT
from autograder.course import Course, NbgraderFailed, kit_root
from autograder.engine import config
from autograder.engine.manifest import ManifestProblem
from autograder.engine.protocol import ClusterUnreachable, Settings
from autograder.language import DEFAULT as DEFAULT_LANGUAGE
from autograder.language import LANGUAGES, Text
from autograder.submissions import NotSubmissions, check_input, path_problem

PROG = "python -m autograder"
DESCRIPTION = "Grade the notebooks of the course's assignments with nbgrader, hidden tests included."
EPILOG = (f"Each command works on one assignment of the course (--assignment, default {DEFAULT}). "
          f"'{PROG} COMMAND --help' describes a command's arguments.")
NOT_A_COURSE = ("error: {path} is not a course directory of this kit: it has no {missing}. Give the kit's "
                "own folder (the default), or a folder that holds a copy of its nbgrader_config.py.")
# Argument errors: argparse puts "argument --workers: " in front of them.
NOT_A_NUMBER = "'{text}' is not {kind}"
NOT_POSITIVE = "must be greater than 0 (got {text})"
NOTEBOOK_MISSING = "{path} does not exist. Give the path of a notebook (.ipynb) to run against every test."
ONE_NOTEBOOK = ("{path} is one notebook, not a folder of them. To run it against every test, hidden ones included: "
                f"{PROG} validate {{path}}. To grade it, put it in a folder of its own and give the folder.")
STOPPED = "\nStopped. The notebooks graded so far are kept: run the same command again to grade the rest."
MB = 1024**2


def _positive(kind: type):
    """An argparse type: a ``kind`` number greater than 0, or an error that says why not."""
    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(NOT_A_NUMBER.format(
                text=text, kind="a whole number" if kind is int else "a number")) from None
        if not (value > 0 and math.isfinite(value)):
            raise argparse.ArgumentTypeError(NOT_POSITIVE.format(text=text))
        return value
    return parse


def _submissions(text: str) -> Path:
    """An argparse type: a folder or a .zip that exists (what is inside is checked by grading)."""
    path = Path(text)
    if path.is_file() and path.suffix == ".ipynb":
        raise argparse.ArgumentTypeError(ONE_NOTEBOOK.format(path=path))
    problem = path_problem(path)
    if problem:
        raise argparse.ArgumentTypeError(problem)
    return path


def _roster(text: str) -> Path:
    """An argparse type: a roster file that exists (its content is read before grading starts)."""
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(f"{path} is not a file. Give the roster: a CSV file with an id column "
                                         "holding each student's hand-in id.")
    return path


def _notebook(text: str) -> Path:
    path = Path(text)
    if not path.is_file():
        raise argparse.ArgumentTypeError(NOTEBOOK_MISSING.format(path=path))
    return path


def _course_problem(course_dir: Path, assignment: str) -> str | None:
    """Why ``course_dir`` cannot be graded in, or ``None``."""
    if not (course_dir / config.CONFIG_FILE).is_file():
        return NOT_A_COURSE.format(path=course_dir, missing=config.CONFIG_FILE)
    try:
        Course(course_dir.resolve(), assignment).assignment
    except ManifestProblem as error:
        return f"error: {error}"
    return None


class _Formatter(argparse.HelpFormatter):
    """argparse's help, with the commands listed once: under "commands", not also as a
    ``{release,grade,validate}`` line above them."""

    def _format_action(self, action):
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(choice) for choice in action._get_subactions())
        return super()._format_action(action)


def _course_arguments(parser: argparse.ArgumentParser, course_dir: bool = True) -> None:
    if course_dir:
        parser.add_argument("--course-dir", type=Path, default=kit_root(), metavar="DIR",
                            help="the nbgrader course directory, which holds nbgrader_config.py "
                                 "(default: the kit's own folder)")
    parser.add_argument("--assignment", default=DEFAULT, metavar="NAME",
                        help=f"which of the course's assignments (default: {DEFAULT})")


def parser() -> argparse.ArgumentParser:
    """The whole command line; building it imports nothing heavy."""
    top = argparse.ArgumentParser(prog=PROG, description=DESCRIPTION, epilog=EPILOG, formatter_class=_Formatter)
    commands = top.add_subparsers(title="commands", metavar="COMMAND", dest="command", required=True)

    grade = commands.add_parser(
        "grade", formatter_class=_Formatter,
        help="grade a folder or LMS zip of submissions: a table here; grades, feedback pages and a class "
             "summary in the report folder",
        description="Grade every hand-in of a folder or LMS zip with nbgrader's rules, hidden tests included, "
                    "and write the reports (grades.csv, feedback/, gradescope/, summary.html, "
                    "similarity.html, nbgrader_export.csv). A second run keeps what an earlier one graded and "
                    "grades the rest.")
    grade.add_argument("folder", type=_submissions, metavar="FOLDER",
                       help="a folder (or the LMS's zip) holding one .ipynb file or one folder per student, named "
                            "by student id; examples/submissions holds the kit's examples")
    _course_arguments(grade)
    grade.add_argument("--out", type=Path, default=None, metavar="DIR",
                       help="the report folder, which each run rewrites with this batch's students only "
                            "(default: grading/ in the course directory)")
    grade.add_argument("--engine", choices=("workers", "nbgrader"), default="workers",
                       help="'workers': the kit's parallel, sandboxed workers (default); 'nbgrader': plain "
                            "'nbgrader autograde', one notebook at a time, no sandbox")
    grade.add_argument("--workers", type=_positive(int), default=None, metavar="N",
                       help="notebooks graded at once (default: one per core)")
    grade.add_argument("--scheduler", default=None, metavar="ADDRESS",
                       help="run the notebooks on the Dask cluster whose scheduler is at ADDRESS (e.g. "
                            "tcp://10.0.0.5:8786), one per thread of its workers; the gradebook, feedback and "
                            "reports are written here as without it")
    grade.add_argument("--hidden-messages", choices=("shown", "hidden"), default="shown",
                       help="whether the feedback pages and Gradescope's results.json show what failed hidden "
                            "tests said (default: shown; public tests' messages are always shown)")
    grade.add_argument("--roster", type=_roster, default=None, metavar="CSV",
                       help="the class list (id,first_name,last_name,email, plus a Canvas export's columns if "
                            "you use Canvas): also write canvas_grades.csv and moodle_grades.csv, and list who "
                            "handed in nothing and which hand-ins are not on it")
    grade.add_argument("--language", choices=LANGUAGES, default=DEFAULT_LANGUAGE,
                       help="the language of what you read: what this command prints, summary.html, the review "
                            "flags and grades.csv's reasons (default: en). Students read their feedback in the "
                            "assignment's language, or the course's c.Messages.language")
    grade.add_argument("--force", action="store_true",
                       help="grade again the notebooks an earlier run already graded (default: keep their grades)")
    limits = grade.add_argument_group("limits on each notebook's run (the kit's workers)")
    d = Settings(workers=1)
    limits.add_argument("--wall-timeout", type=_positive(float), metavar="SECONDS",
                        help=f"how long a whole notebook may run (default: {d.wall_timeout:g}); each cell has "
                             "the course's Execute.timeout as well")
    limits.add_argument("--memory-mb", type=_positive(int), metavar="MB",
                        help=f"memory a run may take (default: {d.memory_bytes // MB})")
    limits.add_argument("--file-mb", type=_positive(int), metavar="MB",
                        help=f"the largest file a run may write (default: {d.file_bytes // MB})")
    limits.add_argument("--disk-mb", type=_positive(int), metavar="MB",
                        help=f"all a run may write, in all its files (default: {d.disk_bytes // MB})")
    limits.add_argument("--processes", type=_positive(int), metavar="N",
                        help=f"processes and threads a run may have at once (default: {d.processes})")
    limits.add_argument("--output-mb", type=_positive(float), metavar="MB",
                        help=f"output a notebook's cells may print, in all (default: {d.output_limit / 1e6:g})")

    validate = commands.add_parser(
        "validate", formatter_class=_Formatter,
        help="run one notebook against every test, hidden ones included, and list each test's result",
        description="Run one notebook against every test of the assignment, hidden ones included, in a scratch "
                    "course directory, and list each test: PASS or FAIL, its points, and what a failed one said. "
                    "Exits 0 when every test passed, 1 otherwise.")
    validate.add_argument("notebook", type=_notebook, metavar="NOTEBOOK",
                          help="the notebook (.ipynb) to run, e.g. a student's hand-in or your own solution")
    _course_arguments(validate, course_dir=False)

    release = commands.add_parser(
        "release", formatter_class=_Formatter,
        help="regenerate an assignment's student release (assignments/) from its source with nbgrader",
        description="Regenerate the student release of an assignment (assignments/NAME/) from its source with "
                    "'nbgrader generate_assignment', which also records its hidden tests in the course's "
                    "gradebook.")
    _course_arguments(release)

    package = commands.add_parser(
        "gradescope", formatter_class=_Formatter,
        help="build autograder.zip, the package a Gradescope programming assignment takes",
        description="Build the Gradescope autograder package of an assignment: setup.sh, run_autograder and the "
                    "kit itself. Uploaded to a Gradescope programming assignment, it grades each student's "
                    "notebook as the grade command does, hidden tests included, and shows each test's result.")
    package.add_argument("--out", type=Path, default=Path("autograder.zip"), metavar="FILE",
                         help="where to write the package (default: autograder.zip here)")
    package.add_argument("--hidden-messages", choices=("shown", "hidden"), default="shown",
                         help="whether students see what failed hidden tests said (default: shown; public "
                              "tests' messages are always shown)")
    _course_arguments(package, course_dir=False)
    return top


def _parse(argv: list[str] | None) -> argparse.Namespace:
    """The arguments; an argument a command does not take is an error shown with that command's usage."""
    top = parser()
    args, unknown = top.parse_known_args(argv)
    if unknown:
        commands = next(a for a in top._actions if isinstance(a, argparse._SubParsersAction))
        commands.choices[args.command].error(f"unrecognized arguments: {' '.join(unknown)}")
    return args


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def _release(args) -> int:
    course = Course(args.course_dir.resolve(), args.assignment)
    course.generate_assignment()
    print(f"Regenerated {course.release_notebook} from {course.source_notebook}.")
    return 0


def _grade(args) -> int:
    import shutil
    import signal

    from autograder import grading, reports
    from autograder.timeline import Timeline

    # A TA's Ctrl-C or a scheduler's SIGTERM stops the batch through the same path, so
    # the workers are stopped and what was graded is kept for the next run.
    signal.signal(signal.SIGTERM, _interrupt)
    roster = lms.read_roster(args.roster) if args.roster else None  # a roster it cannot use: before any work
    timeline = Timeline()
    course = Course(args.course_dir.resolve(), args.assignment)
    settings = config.settings(
        course.config, workers=args.workers, wall_timeout=args.wall_timeout, processes=args.processes,
        memory_bytes=args.memory_mb and args.memory_mb * MB, file_bytes=args.file_mb and args.file_mb * MB,
        disk_bytes=args.disk_mb and args.disk_mb * MB,
        output_limit=args.output_mb and int(args.output_mb * 1e6))
    results = grading.grade_folder(args.folder, args.course_dir, args.out, engine=args.engine,
                                   settings=settings, progress=sys.stderr.isatty(), force=args.force,
                                   hidden_messages=args.hidden_messages, assignment=args.assignment,
                                   timeline=timeline, roster=roster, early=args.early, language=args.language,
                                   scheduler=args.scheduler)
    out = (args.out or args.course_dir / "grading")
    # The table wraps to the terminal's width; piped to a file, its lines are whole.
    width = shutil.get_terminal_size((0, 0)).columns or None
    print()
    print(reports.score_table(results, width=width, language=args.language))
    if roster is not None:  # who is missing, and which hand-ins the LMS files could not hold, under the table
        print()
        print("\n".join(lms.match(results, roster).lines(args.language)))
    wrote = WROTE.format(csv=out / "grades.csv", summary=out / "summary.html", similarity=out / "similarity.html",
                         feedback=out / "feedback", gradescope=out / "gradescope", export=out / "nbgrader_export.csv")
    lms_files = WROTE_LMS.format(canvas=out / lms.CANVAS_FILE, moodle=out / lms.MOODLE_FILE) if args.roster else ""
    print("\n" + wrote.in_language(args.language) + (lms_files and lms_files.in_language(args.language)) + ".")
    print(timeline.summary(args.language))
    return 0


WROTE = Text("Wrote {csv}, {summary}, {similarity}, feedback in {feedback}, Gradescope results in {gradescope}, "
             "nbgrader's export in {export}",
             "작성한 파일: {csv}, {summary}, {similarity}, 피드백 {feedback}, Gradescope 결과 {gradescope}, "
             "nbgrader export {export}")
WROTE_LMS = Text(", Canvas and Moodle gradebook files {canvas} and {moodle}", ", Canvas·Moodle 성적 파일 {canvas}, {moodle}")


def _validate(args) -> int:
    from autograder import grading, reports

    result = grading.validate_notebook(args.notebook, assignment=args.assignment)
    # The tests speak the assignment's language; the kit's notes around them speak it too.
    print(reports.validation_report(result, Course(kit_root(), args.assignment).student_language))
    return 0 if result.status == "graded" and not result.failed_tests else 1


def _gradescope(args) -> int:
    from autograder import gradescope

    out = gradescope.build(args.out.resolve(), kit_root(), args.assignment, args.hidden_messages)
    print(f"Wrote {out}. In Gradescope: create a Programming Assignment, then Configure Autograder > "
          "Zip file upload, and upload it; Gradescope builds the image with setup.sh (several minutes).")
    return 0


COMMANDS = {"release": _release, "grade": _grade, "validate": _validate, "gradescope": _gradescope}


def _start_workers_early(args):
    """For ``grade`` with the kit's workers: their warm process, started before anything else, so
    that it imports torch while this process loads the course's configuration (which imports
    nbgrader). The batch takes it; a command that stops before grading stops it."""
    if args.command != "grade" or args.engine != "workers" or args.scheduler \
            or not (args.course_dir / config.CONFIG_FILE).is_file():
        return None
    try:
        check_input(args.folder)  # a batch of nothing stops with its own message, before any process
    except NotSubmissions:
        return None
    from autograder.engine.pool import WORKERS_LOG, Prestarted
    from autograder.engine.protocol import WorkFolder, default_workers

    course_dir = args.course_dir.resolve()
    out = (args.out or course_dir / "grading").resolve()
    return Prestarted(args.workers or default_workers(), config.grading_environment(), course_dir,
                      WorkFolder(out / "work").worker_logs / WORKERS_LOG)


def main(argv: list[str] | None = None) -> int:
    args = _parse(argv)
    args.early = _start_workers_early(args)
    try:
        problem = _course_problem(args.course_dir, args.assignment) if hasattr(args, "course_dir") else None
        if problem:
            print(problem, file=sys.stderr)
            return 2
        return COMMANDS[args.command](args)
    except KeyboardInterrupt:
        print(STOPPED, file=sys.stderr)
        return 130
    except (NbgraderFailed, NotSubmissions, ManifestProblem, lms.RosterProblem, ClusterUnreachable) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        if args.early is not None:
            args.early.discard()
