"""``python -m autograder``: a thin command line over :mod:`autograder.grading`.

    release             regenerate an assignment's release (assignments/) from its source with nbgrader
    grade DIR|ZIP       grade a folder or LMS zip of notebooks
    validate NOTEBOOK   run one notebook against every test, hidden ones included

Each works on one assignment of the course (--assignment, default lstm_gru).
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from autograder import grading, reports
from autograder.assignments import DEFAULT
from autograder.course import Course, NbgraderFailed, kit_root
from autograder.engine import config
from autograder.engine.manifest import ManifestProblem
from autograder.engine.protocol import Settings
from autograder.submissions import NotSubmissions
from autograder.timeline import Timeline

NOT_A_COURSE = ("error: {path} is not a course directory of this kit: it has no {missing}. Give the kit's "
                "own folder (the default), or a folder that holds a copy of its nbgrader_config.py.")
MB = 1024**2


def _course_problem(course_dir: Path, assignment: str) -> str | None:
    """Why ``course_dir`` cannot be graded in, or ``None``."""
    if not (course_dir / config.CONFIG_FILE).is_file():
        return NOT_A_COURSE.format(path=course_dir, missing=config.CONFIG_FILE)
    try:
        Course(course_dir.resolve(), assignment).assignment
    except ManifestProblem as error:
        return f"error: {error}"
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="regenerate an assignment's release from its source")
    release.add_argument("--course-dir", type=Path, default=kit_root())
    release.add_argument("--assignment", default=DEFAULT, help=f"which assignment (default: {DEFAULT})")
    grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    grade.add_argument("folder", type=Path,
                       help="a folder or an LMS zip: one .ipynb or one folder per student, named by student id "
                            "(examples/submissions holds the kit's examples)")
    grade.add_argument("--course-dir", type=Path, default=kit_root(), help="nbgrader course directory")
    grade.add_argument("--assignment", default=DEFAULT, help=f"which assignment (default: {DEFAULT})")
    grade.add_argument("--out", type=Path, default=None, help="report folder (default: COURSE_DIR/grading)")
    grade.add_argument("--engine", choices=("workers", "nbgrader"), default="workers",
                       help="the kit's parallel workers (default) or plain `nbgrader autograde`")
    grade.add_argument("--workers", type=int, default=None, help="parallel workers (default: one per core)")
    grade.add_argument("--hidden-messages", choices=("shown", "hidden"), default="shown",
                       help="whether the feedback HTML and Gradescope's results.json show the messages of failed "
                            "hidden tests (public tests' messages are always shown)")
    grade.add_argument("--force", action="store_true",
                       help="grade again the notebooks an earlier run already graded (default: keep them)")
    limits = grade.add_argument_group("limits on each notebook's run (the kit's engine)")
    d = Settings(workers=1)
    limits.add_argument("--wall-timeout", type=float, help=f"seconds a whole notebook may run (default {d.wall_timeout:g})")
    limits.add_argument("--memory-mb", type=int, help=f"memory a run may take (default {d.memory_bytes // MB})")
    limits.add_argument("--file-mb", type=int, help=f"the largest file a run may write (default {d.file_bytes // MB})")
    limits.add_argument("--disk-mb", type=int, help=f"all a run may write (default {d.disk_bytes // MB})")
    limits.add_argument("--processes", type=int,
                        help=f"processes and threads a run may have at once (default {d.processes})")
    limits.add_argument("--output-mb", type=float,
                        help=f"output a notebook's cells may print in all (default {d.output_limit / 1e6:g})")
    validate = sub.add_parser("validate", help="which tests a notebook passes, hidden tests included")
    validate.add_argument("notebook", type=Path)
    validate.add_argument("--assignment", default=DEFAULT, help=f"which assignment (default: {DEFAULT})")
    return parser


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = _course_problem(args.course_dir, args.assignment) if hasattr(args, "course_dir") else None
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        if args.command == "release":
            course = Course(args.course_dir.resolve(), args.assignment)
            course.generate_assignment()
            print(f"Regenerated {course.release_notebook} from {course.source_notebook}.")
            return 0
        if args.command == "grade":
            if not (args.folder.is_dir() or (args.folder.is_file() and args.folder.suffix == ".zip")):
                print(f"error: {args.folder} is neither a folder nor a .zip. Give the folder that holds the "
                      "submitted notebooks (one .ipynb or one folder per student), or the LMS's zip of them.",
                      file=sys.stderr)
                return 2
            # A TA's Ctrl-C or a scheduler's SIGTERM stops the batch through the same path, so
            # the workers are stopped and what was graded is kept for the next run.
            signal.signal(signal.SIGTERM, _interrupt)
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
                                           timeline=timeline)
            out = (args.out or args.course_dir / "grading")
            print()
            print(reports.score_table(results))
            print(f"\nWrote {out / 'grades.csv'}, {out / 'summary.html'}, feedback in {out / 'feedback'}, "
                  f"Gradescope results in {out / 'gradescope'}, nbgrader's export in {out / 'nbgrader_export.csv'}.")
            print(timeline.summary())
            return 0
        if args.command == "validate":
            if not args.notebook.is_file():
                print(f"error: {args.notebook} does not exist.", file=sys.stderr)
                return 2
            result = grading.validate_notebook(args.notebook, assignment=args.assignment)
            print(reports.validation_report(result))
            return 0 if result.status == "graded" and not result.failed_tests else 1
    except KeyboardInterrupt:
        print("\nStopped. The notebooks graded so far are kept: run the same command again to grade the rest.",
              file=sys.stderr)
        return 130
    except (NbgraderFailed, NotSubmissions, ManifestProblem) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2
