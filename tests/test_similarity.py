"""similarity.html: a copied pair found among independent hand-ins built from the same tutorial."""

from __future__ import annotations

import copy
import html
import json
import os
import subprocess
import sys

import nbformat
import pytest

from autograder import similarity, similarity_page
from autograder.course import kit_root
from autograder.engine import manifest
from autograder.grading import given_code
from autograder.notebooks import grade_id, read
from tests.builders import kit_course, solution_sources, submission
from tests.labelled import build as labelled
from tests.labelled.cases import ALL as LABELLED
from tests.similarity import cases

COURSE = kit_course()
RELEASE = read(COURSE.release_notebook)
GIVEN = given_code(COURSE)


@pytest.fixture(scope="module")
def the_class():
    return similarity.compare({s: cases.notebook(s) for s in cases.HANDINS}, RELEASE, GIVEN)


def _names(pairs):
    return [set(p.students) for p in pairs]


def test_the_copied_pair_ranks_first_and_is_flagged_for_its_code_and_its_answers(the_class):
    first = the_class.pairs[0]
    assert set(first.students) == set(cases.COPIED_PAIR)
    assert first.matches[similarity.CODE].flagged
    assert first.matches[similarity.ANSWERS].flagged
    # Renamed variables, moved statements and reordered sentences hide little: most of the copy is found.
    assert first.matches[similarity.CODE].score >= 0.7
    assert first.matches[similarity.ANSWERS].score >= 0.6


def test_no_independent_pair_is_flagged_though_several_pasted_the_tutorial(the_class):
    assert _names(the_class.flagged) == [set(cases.COPIED_PAIR)]
    independent = [p for p in the_class.pairs if set(p.students) != set(cases.COPIED_PAIR)]
    # With a margin: the most alike independent pair stays well under the line.
    assert max(p.score for p in independent) < similarity.FLAG_SHARE - 0.15, [
        (p.students, {k: m.shares for k, m in p.matches.items()}) for p in independent[:3]]


def test_the_tutorial_s_code_and_the_model_solution_s_are_given_code():
    # tom pasted the older edition of the tutorial (init_hidden, reset before every sentence); so did
    # ok_init_hidden, in the labelled set, around the model solution. Two hand-ins: no passage is
    # common ground by the class-share rule, so only the given code keeps the tutorial's lines out.
    older = {"tom": cases.notebook("tom"),
             "ok_init_hidden": labelled.notebook(next(c for c in LABELLED if c.name == "ok_init_hidden"))}
    assert similarity.compare(older, RELEASE, GIVEN).pairs == []
    without_tutorial = similarity.compare(older, RELEASE, list(solution_sources().values()))
    assert without_tutorial.pairs[0].matches[similarity.CODE].score >= 0.8
    # Two students who both pasted the tutorial where it fits, and followed the instructions to the
    # letter, share nothing of their own once the solution's code is given too.
    pasted = {s: cases.notebook(s) for s in ("jiwoo", "minseo")}
    assert similarity.compare(pasted, RELEASE, GIVEN).flagged == []
    assert _names(similarity.compare(pasted, RELEASE, COURSE.assignment.given_code_texts()).flagged) == [
        set(pasted)]


def test_a_hand_in_left_as_released_has_nothing_of_its_own_and_a_solved_one_is_cut_into_its_cells():
    docs = similarity.documents_of(copy.deepcopy(RELEASE), RELEASE)
    assert docs[similarity.CODE].parts == [] and docs[similarity.ANSWERS].parts == []
    solved = similarity.documents_of(submission(), RELEASE)
    solution_cells = [grade_id(c) for c in RELEASE.cells if c.cell_type == "code" and
                      c.get("metadata", {}).get("nbgrader", {}).get("solution")]
    assert [p.label for p in solved[similarity.CODE].parts] == solution_cells
    assert [p.label for p in solved[similarity.ANSWERS].parts] == ["q1_gru_vs_lstm", "q2_heldout_evaluation"]
    text = solved[similarity.CODE].text
    for part in solved[similarity.CODE].parts:
        assert text[part.start:part.start + len(part.text)] == part.text


def test_a_student_s_own_cells_and_notes_count_under_their_cell_number():
    nb = submission({"q1_gru_vs_lstm": "A GRU has three gate blocks, so fewer parameters."},
                    unsolved=("q2_heldout_evaluation",))
    nb.cells.append(nbformat.v4.new_code_cell("print('my own check')"))
    nb.cells.append(nbformat.v4.new_markdown_cell("My notes: the GRU trained faster here."))
    docs = similarity.documents_of(nb, RELEASE)
    assert docs[similarity.CODE].parts[-1].label == f"cell {len(nb.cells) - 1}"
    assert [p.label for p in docs[similarity.ANSWERS].parts] == ["q1_gru_vs_lstm", f"cell {len(nb.cells)}"]


def test_a_hand_in_s_own_metadata_and_markup_neither_break_the_page_nor_run_in_it(tmp_path):
    odd = submission()
    note = nbformat.v4.new_markdown_cell("<script>alert('PWNED')</script> my notes on the GRU " * 10)
    note.metadata["nbgrader"] = {"grade_id": 123, "solution": True}
    listed = nbformat.v4.new_code_cell("total = 0\nfor k in range(10):\n    total += k * k\n" * 4)
    listed.metadata["nbgrader"] = {"grade_id": ["p2_lstm_tagger"], "solution": True}
    odd.cells += [note, listed]
    twin = copy.deepcopy(odd)
    alike = similarity.compare({"odd": odd, "twin": twin, "plain": submission()}, RELEASE, GIVEN)
    assert _names(alike.flagged) == [{"odd", "twin"}]
    labels = [p.label for p in alike.documents["odd"][similarity.CODE].parts]
    assert labels[-1] == f"cell {len(odd.cells)}"  # not the list the metadata holds
    page = tmp_path / similarity_page.FILE
    similarity_page.write_similarity(alike, page)
    text = page.read_text()
    assert "<script>alert" not in text and "&lt;script&gt;alert(&#x27;PWNED&#x27;)&lt;/script&gt;" in text
    # Cells no notebook reader would write (a source that is not text): that hand-in is listed as not
    # compared, and the others are compared all the same.
    broken = submission()
    broken.cells.append(nbformat.from_dict({"cell_type": "code", "source": {"not": "text"}, "metadata": {},
                                            "outputs": [], "execution_count": None}))
    alike = similarity.compare({"odd": odd, "twin": twin, "broken": broken}, RELEASE, GIVEN)
    assert _names(alike.flagged) == [{"odd", "twin"}]
    assert [student for student, _ in alike.not_compared] == ["broken"]


def test_the_report_is_the_same_whatever_python_s_hash_seed():
    script = (
        "import json; from autograder import similarity; from autograder.grading import given_code; "
        "from tests.builders import kit_course; from tests.similarity import cases; "
        "from autograder.notebooks import read; c = kit_course(); "
        "s = similarity.compare({n: cases.notebook(n) for n in cases.HANDINS}, read(c.release_notebook), "
        "given_code(c)); "
        "print(json.dumps([[p.students, {k: [m.shares, m.shared, m.spans] for k, m in p.matches.items()}] "
        "for p in s.pairs]))")
    runs = []
    for seed in ("1", "2"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        done = subprocess.run([sys.executable, "-c", script], cwd=kit_root(), env=env, capture_output=True,
                              text=True, timeout=300, check=True)
        runs.append(json.loads(done.stdout))
    assert runs[0] == runs[1]
    assert runs[0]  # it compared something


def test_the_page_shows_the_copied_pair_side_by_side_with_the_shared_passages_marked(the_class, tmp_path):
    the_class.not_compared.append(("zed", "not a notebook: the file must be the assignment's .ipynb (got '.txt')."))
    page = tmp_path / similarity_page.FILE
    similarity_page.write_similarity(the_class, page, "LSTM & GRU")
    text = page.read_text()
    a, b = the_class.pairs[0].students
    assert "1 pair(s) flagged" in text
    assert f"<a href='#pair-1'>{a} and {b}</a>" in text
    section = text[text.index("id=pair-1"):text.index("<h2>Not compared")]
    assert section.count("<div><b>") == 4                 # both sides, for code and for answers
    assert section.count("<mark>") >= 8
    assert "p2_evaluate_train" in section or "p3_gru_tagger" in section   # cells named by their grade id
    assert "it never changes a score" in text
    assert "<li><b>zed</b>: not a notebook" in text
    assert "data:image/png;base64," in text               # the chart of every pair's score
    for student in cases.HANDINS:                          # every hand-in named, pair or not
        code = the_class.documents[student][similarity.CODE].parts
        assert f"<tr><td>{student}</td><td>{len(code)} cell(s), {sum(len(p.text) for p in code)} characters" in text


def test_a_class_of_one_has_nothing_to_compare(tmp_path):
    alone = similarity.compare({"ada": submission()}, RELEASE, GIVEN)
    assert alone.pairs == []
    similarity_page.write_similarity(alone, tmp_path / "s.html")
    assert "Fewer than two hand-ins could be read: there is nothing to compare." in (tmp_path / "s.html").read_text()


def test_grade_writes_the_report_and_the_summary_links_it(graded_examples):
    page = (graded_examples.out / similarity_page.FILE).read_text()
    # The examples are the model solution with a mistake or two each: given code, so no pair is flagged.
    assert "5 hand-in(s) compared, 3 could not be." in page
    assert "<b>No pair is flagged.</b>" in page
    for rejected in ("fay", "gus", "ivy"):
        reason = graded_examples.results[rejected].reason.en
        assert f"<li><b>{rejected}</b>: {html.escape(reason)}</li>" in page
    summary = (graded_examples.out / "summary.html").read_text()
    assert "<a href='similarity.html'>Similarity between hand-ins</a>: no pair flagged" in summary
    assert "similarity.html" in graded_examples.stdout and "unusually alike" not in graded_examples.stdout


def test_grade_says_which_pairs_to_read_under_its_table(tmp_path, capsys):
    from autograder import cli
    from autograder.course import scratch_course

    folder = tmp_path / "class"
    cases.write_all(folder)
    for student in ("felix", "hana", "lucas", "priya", "tom"):  # a smaller class grades faster
        (folder / f"{student}.ipynb").unlink()
    course = scratch_course(tmp_path / "course")
    assert cli.main(["grade", str(folder), "--course-dir", str(course.root)]) == 0
    printed = capsys.readouterr().out
    out = course.root / "grading"
    assert f"1 pair(s) of hand-ins are unusually alike: read {out / similarity_page.FILE}" in printed
    page = (out / similarity_page.FILE).read_text()
    a, b = sorted(cases.COPIED_PAIR)
    assert f"<a href='#pair-1'>{a} and {b}</a>" in page
    # It never changes a score: every hand-in of the class, the copies too, keeps its full marks.
    assert printed.count("33 / 33") == 4
    # Worked out while the workers grade, or at the end when nothing is graded (all kept from the
    # run before): the same report.
    (out / similarity_page.FILE).unlink()
    assert cli.main(["grade", str(folder), "--course-dir", str(course.root)]) == 0
    again = capsys.readouterr().out
    assert "4 notebook(s) already graded by an earlier run" in again
    assert f"1 pair(s) of hand-ins are unusually alike: read {out / similarity_page.FILE}" in again
    assert (out / similarity_page.FILE).read_text() == page


def test_an_assignment_naming_a_missing_file_of_given_code_is_refused(tmp_path):
    folder = tmp_path / "week9"
    folder.mkdir()
    (folder / "week9.ipynb").write_text((kit_root() / "autograder/assignments/lstm_gru/lstm_gru.ipynb").read_text())
    (folder / "assignment.toml").write_text('name = "week9"\n[similarity]\ngiven = ["tutorial.txt"]\n')
    with pytest.raises(manifest.ManifestProblem, match=r"\[similarity\] given names 'tutorial.txt', which is not "
                                                        r"a file in .*week9; name the file"):
        manifest.load(folder)
    (folder / "tutorial.txt").write_text("x = 1\n")
    assert manifest.load(folder).given_code_texts() == ["x = 1\n"]

