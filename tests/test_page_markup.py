"""The batch's quicker last pass over each HTML page writes every page exactly as nbconvert does."""

from __future__ import annotations

import random
import subprocess
import sys

import nbformat
import pytest
from bs4 import BeautifulSoup
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output

from autograder.engine import page_markup
from autograder.engine.page_markup import SAMPLE, page_soup


NBCONVERT_SELECTORS = ("img:not([alt])", ".jp-Notebook div.jp-Cell-inputWrapper", ".jp-Notebook div.jp-OutputArea-output")


def _as_nbconvert_writes(markup: str, parse) -> str:
    """nbconvert 7's HTML exporter's changes to a parsed page, and the page written out."""
    return page_markup._nbconvert_changes(parse(markup, features="html.parser"))


def _pages_by_both(notebook, template: str) -> tuple[str, str]:
    """The page nbconvert's HTMLExporter writes, first as it is, then with the kit's parse."""
    from nbconvert import HTMLExporter
    from nbconvert.exporters import html

    exporter = HTMLExporter(template_name=template)
    as_is, _ = exporter.from_notebook_node(notebook)
    original = html.BeautifulSoup
    html.BeautifulSoup = page_soup
    try:
        quick, _ = exporter.from_notebook_node(notebook)
    finally:
        html.BeautifulSoup = original
    return as_is, quick


def _tricky_notebook():
    """Outputs and answers that put "<pre>" where it is no block, and blocks at their edges."""
    ansi = "\x1b[0;31mValueError\x1b[0m: shapes (3, 4) & (4,) don't match: 'a' < \"b\" > c\r\n\x1b[1;32mok\x1b[0m"
    # IPython's tracebacks colour code with 256 colours and true colours: spans with styles.
    ansi_256 = ("\x1b[38;5;66m# a comment & <b>\x1b[0m \x1b[1;38;5;28mfor\x1b[0m x \x1b[38;2;10;20;30;48;5;196mboth\x1b[0m"
                " \x1b[48;2;1;2;3mbackground\x1b[0m \x1b[7;38;5;1minverse\x1b[0m")
    html_outputs = [
        '<script>var s = "<pre>&#39;x&#39;</pre>";</script><pre>&quot;after&quot;</pre>',
        "<!-- <pre>&quot;commented&quot;</pre> --><pre><span class=\"a b\">&amp;</span></pre>",
        '<p title="<pre>&quot;t&quot;</pre>">x</p><textarea><pre>&quot;in a textarea&quot;</pre></textarea>',
        "<style>/* <pre>&quot;s&quot;</pre> */</style><pre><span>unclosed</pre><pre></pre>",
        "<pre class=\"c\">&#39;q&#39;</pre><PRE>&quot;upper&quot;</PRE><pre >&quot;spaced&quot;</pre>",
        "<table><tr><td><pre>&lt;cell&gt; &#x27;x&#x27; &#34;y&#34;</pre></td></tr></table><img src=\"x.png\">",
        "<pre><span class=\"x\"\n>newline in tag</span></pre><pre>kitblock0123456789abcdef0.</pre>",
    ]
    cells = [
        new_markdown_cell("A answer with `code`, <pre>&quot;raw&quot;</pre> and **bold** \u3131\u314f."),
        new_code_cell("x = {'a': 1} & b < c  # \ud55c\uad6d\uc5b4 comment\nprint(\"<pre>\")", outputs=[
            new_output("stream", name="stdout", text="<pre>&amp;\n\t\u00e9\n"),
            new_output("error", ename="ValueError", evalue="shapes", traceback=[ansi]),
            new_output("error", ename="RuntimeError", evalue="coloured", traceback=[ansi_256, ansi]),
        ]),
        new_code_cell("display(HTML(...))", outputs=[
            new_output("display_data", data={"text/html": markup, "text/plain": "<HTML>"})
            for markup in html_outputs]),
    ]
    notebook = new_notebook(cells=cells)
    notebook.metadata["language_info"] = {"name": "python", "pygments_lexer": "ipython3"}
    return notebook


@pytest.mark.parametrize("template", ["classic", "lab"])
def test_a_page_of_every_kind_of_block_is_written_as_nbconvert_writes_it(template):
    as_is, quick = _pages_by_both(_tricky_notebook(), template)
    assert quick == as_is


def test_the_examples_pages_are_written_as_nbconvert_writes_them_and_the_quick_parse_is_used(graded_examples):
    """The autograded examples, each student's whole notebook with its outputs and tracebacks."""
    notebooks = sorted((graded_examples.course.root / "autograded").glob("*/*/*.ipynb"))
    assert len(notebooks) == 5
    for path in notebooks:
        notebook = nbformat.read(path, as_version=4)
        as_is, quick = _pages_by_both(notebook, "classic")
        assert quick == as_is, path.parent.parent.name
    # The speed-up is real: nearly all of a page's spans are in blocks the parse skips.
    from nbconvert import HTMLExporter
    from nbconvert.exporters import html

    seen = []
    original = html.BeautifulSoup

    def watching(markup, features=None, **kwargs):
        page = page_soup(markup, features=features, **kwargs)
        seen.append((markup.count("<span"), "".join(getattr(page, "kit_blocks", {}).values()).count("<span")))
        return page

    html.BeautifulSoup = watching
    try:
        HTMLExporter(template_name="classic").from_notebook_node(nbformat.read(notebooks[0], as_version=4))
    finally:
        html.BeautifulSoup = original
    (spans, skipped), = seen
    assert spans > 1000 and skipped > 0.9 * spans, seen


@pytest.mark.parametrize("seed", range(4))
def test_random_pages_made_of_tricky_pieces_are_written_as_beautifulsoup_writes_them(seed):
    pieces = [
        "<pre>", "</pre>", "<span>", "</span>", '<span class="n">', '<span class="a  b">', '<span class="">',
        '<span style="color: red">', '<span style="color: rgb(95,135,135)">', '<span style="color: rgb(95, 135, 135)">',
        '<span class="ansi-bold" style="color: rgb(0,135,0); background-color: rgb(1,2,3)">',
        '<span style="background-color: rgb(1,2,3)">', '<span style="color: rgb(1,2,3)" class="x">',
        "&quot;", "&#39;", "&#x27;", "&#34;", "&amp;", "&lt;", "&gt;", "&nbsp;",
        "&unknown;", "&#1;", "&", "<", ">", "\r\n", "\n", "\t", "text", "\u3131", "<script>", "</script>",
        "<style>", "</style>", "<!--", "-->", "<textarea>", "</textarea>", '<p title="', '">', "<br>",
        '<div class="jp-Notebook">', '<div class="jp-Cell-inputWrapper">', '<div class="jp-OutputArea-output">',
        "</div>", '<img src="a.png">', "<b>", "</b>", "<![CDATA[x]]>", "<?php ?>", "<title>", "</title>",
        '<IMG SRC="b.png" ALT="B">', '<img alt>', '<Img Alt="">', '<div class="x jp-Notebook y">',
        '<p class="jp-Notebook-like">', "jp-Notebook", '<div class="jp-cell-inputwrapper">',
    ]
    # What a block holds, near misses included, so that many pages have blocks between the pieces.
    inside = ["text", "\n", "&quot;", "&amp;", "&#39;", ">", '<span class="n">', "</span>",
              '<span style="color: rgb(95,135,135)">', '<span class="ansi-bold" style="color: rgb(0,135,0)">',
              '<span style="color: rgb(95, 135, 135)">', "<b>"]
    rng = random.Random(seed)

    def some(of: list[str], most: int) -> str:
        return "".join(rng.choice(of) for _ in range(rng.randint(1, most)))

    taken = 0
    for _ in range(250):
        markup = "<!DOCTYPE html><html><body>" + some(pieces, 20)
        if rng.random() < 0.5:
            markup += "<pre>" + some(inside, 10) + "</pre>" + some(pieces, 20)
        quick = page_soup(markup, features="html.parser")
        taken += bool(getattr(quick, "kit_blocks", None))
        assert _as_nbconvert_writes(markup, page_soup) == _as_nbconvert_writes(markup, BeautifulSoup), markup
        plain = BeautifulSoup(markup, features="html.parser")
        for selector in NBCONVERT_SELECTORS:  # the quick page's own select finds the same elements
            assert [(t.name, t.attrs) for t in quick.select(selector)] == \
                [(t.name, t.attrs) for t in plain.select(selector)], (selector, markup)
    assert taken > 5  # some pages had blocks to take out, so the comparison covered putting them back


def test_a_pre_is_a_block_only_in_ordinary_text():
    page = page_soup(SAMPLE, features="html.parser")
    blocks = sorted(page.kit_blocks.values())
    # The highlighted code and the coloured output; not the ones in a style, a script, a comment
    # or an attribute, nor those holding other tags, attributes or unbalanced spans.
    assert len(blocks) == 2
    assert blocks[0].startswith('\n<span class="ansi-red-fg ansi-bold">Error')  # a newline first, kept
    assert '<span class="ansi-bold" style="color: rgb(0,135,0); background-color: rgb(1,2,3)">for' in blocks[0]
    assert blocks[1].startswith('<span></span><span class="n">x</span>')
    assert "<span class=\"s2\">\"a&amp;b&lt;c&gt;d'e'f\"g\"</span> &gt; 1" in blocks[1]
    assert page_markup.works_here()


def test_the_batch_parses_its_pages_the_quick_way_only_where_beautifulsoup_writes_as_expected(monkeypatch):
    from nbconvert.exporters import html

    from autograder.engine import nbgrader_changes

    monkeypatch.setattr(html, "BeautifulSoup", html.BeautifulSoup)
    monkeypatch.setattr(page_markup, "SAMPLE", SAMPLE.replace("&quot;a&amp;b", "&quot;a&amp;b&nbsp;"))
    assert page_markup.works_here()  # an entity the quick parse leaves to BeautifulSoup
    monkeypatch.setattr(page_markup, "as_beautifulsoup_writes", lambda block: block)  # a wrong guess
    assert not page_markup.works_here()
    assert nbgrader_changes.quicker_page_markup() is False and html.BeautifulSoup is BeautifulSoup
    monkeypatch.undo()
    monkeypatch.setattr(html, "BeautifulSoup", html.BeautifulSoup)
    assert nbgrader_changes.quicker_page_markup() is True and html.BeautifulSoup is page_soup


def test_a_new_gradebook_is_stamped_with_the_revision_alembic_heads_prints(tmp_path, monkeypatch):
    from nbgrader import api

    from autograder.engine import config, nbgrader_changes

    env = config.grading_environment()
    by_command = subprocess.run([sys.executable, "-c", "from nbgrader import api; print(api.get_alembic_version())"],
                                env=env, capture_output=True, text=True, check=True).stdout.strip()
    monkeypatch.setattr(api, "get_alembic_version", api.get_alembic_version)
    nbgrader_changes.schema_revision_in_process()
    assert api.get_alembic_version() == by_command and len(by_command) == 12
    gradebook = api.Gradebook(f"sqlite:///{tmp_path / 'gradebook.db'}")
    try:
        revision = gradebook.db.execute(api.text("SELECT version_num FROM alembic_version")).scalar()
    finally:
        gradebook.close()
    assert revision == by_command
