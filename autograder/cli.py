"""``python -m autograder``: a thin command line over :mod:`autograder.grading`.

    release             regenerate assignments/ from solutions/ with nbgrader
    grade [DIR|ZIP]     grade a folder or LMS zip of notebooks (default: the bundled examples)
    validate NOTEBOOK   run one notebook against every test, hidden ones included
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from autograder import batch, grading, reports
from autograder.course import Course, NbgraderFailed
from autograder.notebooks import repo_root, source_path
from autograder.submissions import NotSubmissions

NOT_A_COURSE = ("error: {path} is not a course directory of this kit: it has no {missing}. Give the kit's "
                "own folder (the default), or a folder that holds a copy of its nbgrader_config.py and solutions/.")


def _course_problem(course_dir: Path) -> str | None:
    """Why ``course_dir`` cannot be graded in, or ``None``."""
    for needed in (course_dir / "nbgrader_config.py", source_path(course_dir)):
        if not needed.is_file():
            return NOT_A_COURSE.format(path=course_dir, missing=needed.relative_to(course_dir))
    return None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="python -m autograder", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = parser.add_subparsers(dest="command", required=True)
    release = sub.add_parser("release", help="regenerate assignments/ from solutions/")
    release.add_argument("--course-dir", type=Path, default=repo_root())
    grade = sub.add_parser("grade", help="grade a folder of submitted notebooks")
    grade.add_argument("folder", nargs="?", type=Path, default=grading.EXAMPLES,
                       help="a folder or an LMS zip: one .ipynb or one folder per student, named by student id "
                            "(default: the bundled examples)")
    grade.add_argument("--course-dir", type=Path, default=repo_root(), help="nbgrader course directory")
    grade.add_argument("--out", type=Path, default=None, help="report folder (default: COURSE_DIR/grading)")
    grade.add_argument("--engine", choices=("workers", "nbgrader"), default="workers",
                       help="the kit's parallel workers (default) or plain `nbgrader autograde`")
    grade.add_argument("--workers", type=int, default=None, help="parallel workers (default: one per core)")
    grade.add_argument("--hidden-messages", choices=("shown", "hidden"), default="shown",
                       help="whether the feedback HTML and Gradescope's results.json show the messages of failed "
                            "hidden tests (public tests' messages are always shown)")
    grade.add_argument("--force", action="store_true",
                       help="grade again the notebooks an earlier run already graded (default: keep them)")
    validate = sub.add_parser("validate", help="which tests a notebook passes, hidden tests included")
    validate.add_argument("notebook", type=Path)
    return parser


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    problem = _course_problem(args.course_dir) if hasattr(args, "course_dir") else None
    if problem:
        print(problem, file=sys.stderr)
        return 2
    try:
        if args.command == "release":
            Course(args.course_dir.resolve()).generate_assignment()
            print(f"Regenerated {args.course_dir / 'assignments'} from solutions/.")
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
            settings = None
            if args.workers:
                settings = batch.course_settings(Course(args.course_dir.resolve()), workers=args.workers)
            results = grading.grade_folder(args.folder, args.course_dir, args.out, engine=args.engine,
                                           settings=settings, progress=sys.stderr.isatty(), force=args.force,
                                           hidden_messages=args.hidden_messages)
            out = (args.out or args.course_dir / "grading")
            print()
            print(reports.score_table(results))
            print(f"\nWrote {out / 'grades.csv'}, {out / 'summary.html'}, feedback in {out / 'feedback'}, "
                  f"Gradescope results in {out / 'gradescope'}, nbgrader's export in {out / 'nbgrader_export.csv'}.")
            return 0
        if args.command == "validate":
            if not args.notebook.is_file():
                print(f"error: {args.notebook} does not exist.", file=sys.stderr)
                return 2
            result = grading.validate_notebook(args.notebook)
            print(reports.validation_report(result))
            return 0 if result.status == "graded" and not result.failed_tests else 1
    except KeyboardInterrupt:
        print("\nStopped. The notebooks graded so far are kept: run the same command again to grade the rest.",
              file=sys.stderr)
        return 130
    except (NbgraderFailed, NotSubmissions) as error:
        print(f"error: {error}", file=sys.stderr)
        return 1
    return 2
