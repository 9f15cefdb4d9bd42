"""Grades the labelled submissions through real `nbgrader autograde` and prints how the hidden tests did.

    .venv/bin/python -m tests.labelled.report

One line per submission, then three counts over the labelled set: correct variations with
full marks, wrong submissions that lost exactly the tests their mistake must cost, and wrong
submissions whose every lost test's message names the mistake. The exit status is 0 only
when all three are complete. The notebooks are graded in two scratch course directories at
once (one nbgrader process per core), each with its own gradebook.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent

from autograder.course import scratch_course
from autograder.grading import grade_submissions
from autograder.assignments.lstm_gru.mistakes import BY_KEY
from autograder.results import SubmissionResult
from autograder.submissions import Submission
from tests.labelled.build import write_all
from tests.labelled.cases import ALL, Labelled

SHARDS = 2


@dataclass(frozen=True)
class Verdict:
    case: Labelled
    result: SubmissionResult
    language: str = "en"   # what the messages were written in (the Korean edition's: "ko")

    @property
    def correct(self) -> bool:
        return self.case.mistake is None

    @property
    def lost(self) -> list[str]:
        return [t.grade_id for t in self.result.failed_tests]

    @property
    def expected(self) -> list[str]:
        return [] if self.correct else list(BY_KEY[self.case.mistake].tests)

    @property
    def full_marks(self) -> bool:
        r = self.result
        return r.status == "graded" and r.max_score > 0 and r.score == r.max_score

    @property
    def exact(self) -> bool:
        return self.result.status == "graded" and self.lost == self.expected

    @property
    def unnamed(self) -> list[str]:
        """Lost tests whose message does not name the mistake."""
        if self.correct:
            return []
        mistake = BY_KEY[self.case.mistake]
        return [gid for gid in self.lost if not mistake.named_in(self.result.test(gid).message, self.language)]

    @property
    def named(self) -> bool:
        return bool(self.lost) and not self.unnamed

    @property
    def ok(self) -> bool:
        return self.full_marks if self.correct else self.exact and self.named


def grade_labelled(workdir: Path, cases: list[Labelled] = ALL, shards: int = SHARDS) -> list[Verdict]:
    """Write and autograde every case; one verdict per case, in the given order."""
    paths = write_all(workdir / "submissions", cases)
    groups = [cases[i::shards] for i in range(shards)]

    def grade(index: int, group: list[Labelled]) -> list[SubmissionResult]:
        course = scratch_course(workdir / f"course{index}")
        course.generate_assignment()
        submissions = [Submission(case.name, paths[case.name]) for case in group]
        results, _ = grade_submissions(course, submissions, say=lambda _: None)
        return results

    with ThreadPoolExecutor(shards) as pool:
        results = {r.student_id: r for batch in pool.map(grade, range(shards), groups) for r in batch}
    return [Verdict(case, results[case.name]) for case in cases]


def case_lines(verdicts: list[Verdict]) -> list[str]:
    width = max(len(v.case.name) for v in verdicts)
    lines = []
    for v in verdicts:
        label = "correct" if v.correct else v.case.mistake
        score = f"{v.result.score:g}/{v.result.max_score:g}" if v.result.status == "graded" else v.result.status
        line = f"{'ok  ' if v.ok else 'FAIL'} {v.case.name:<{width}}  {score:>7}  {label}"
        if not v.correct and not v.exact:
            line += f"\n       lost {v.lost}\n       expected {v.expected}"
        for gid in v.unnamed:
            line += f"\n       {gid} does not name the mistake: {v.result.test(gid).message[:200]!r}"
        if v.correct and not v.full_marks:
            line += f"\n       lost {v.lost}"
        lines.append(line)
    return lines


def summary_lines(verdicts: list[Verdict]) -> list[str]:
    correct = [v for v in verdicts if v.correct]
    wrong = [v for v in verdicts if not v.correct]
    return [
        f"correct variations with full marks:                 {sum(v.full_marks for v in correct)} / {len(correct)}",
        f"wrong submissions that lost exactly their tests:    {sum(v.exact for v in wrong)} / {len(wrong)}",
        f"wrong submissions whose messages name the mistake:  {sum(v.named for v in wrong)} / {len(wrong)}",
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--keep", type=Path, help="grade in this folder and keep it (default: a temporary one)")
    args = parser.parse_args(argv)
    print(f"Grading {len(ALL)} labelled submissions with nbgrader autograde ({SHARDS} at a time) ...", flush=True)
    if args.keep:
        args.keep.mkdir(parents=True, exist_ok=True)
        verdicts = grade_labelled(args.keep.resolve())
    else:
        with tempfile.TemporaryDirectory(prefix="labelled-") as scratch:
            verdicts = grade_labelled(Path(scratch))
    print("\n".join(case_lines(verdicts)))
    print()
    print("\n".join(summary_lines(verdicts)))
    return 0 if all(v.ok for v in verdicts) else 1


if __name__ == "__main__":
    sys.exit(main())
