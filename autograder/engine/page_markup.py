"""nbconvert's last pass over an HTML page, with the very same result in a fraction of the time.

nbconvert's ``HTMLExporter.from_notebook_node`` parses the whole page it rendered with
BeautifulSoup (``html.parser``), gives images without ``alt`` one, makes cells focusable, and
writes the tree out again. For a feedback page that is most of the page's time, and nearly
all of it goes to the ``<span>``s of highlighted code and of coloured outputs: thousands per
page, inside plain ``<pre>`` blocks that none of those changes can touch.

:func:`page_soup` stands in for ``BeautifulSoup(page, features="html.parser")``. It takes
each *plain block* out of the page before parsing, a ``<pre>`` holding nothing but text, the
five entities pygments and nbconvert write, and balanced ``<span>`` tags with the classes and
colour styles that nbconvert's highlighting and ANSI colouring write (coloured tracebacks
included), and leaves a placeholder word in its place. After parsing it checks that every
placeholder is the only text of a ``<pre>`` element (not inside a script, style, comment or
attribute, where the parser would have read the block differently); if any is not, the page
is parsed whole, as nbconvert does. Writing the tree out puts back what BeautifulSoup writes
for such a block: the same tags, and text with ``&``, ``<`` and ``>`` escaped and nothing else
(:func:`as_beautifulsoup_writes`).

Why the result is the same: the parser reads a plain block the same way wherever a ``<pre>``
tag starts in ordinary text (``pre`` is no raw-text element), it leaves the parser exactly
as a placeholder does (no element open, ordinary text), and the page's changes select only
``img`` and ``div`` elements, which a plain block has none of. :func:`works_here` checks the
installed BeautifulSoup on a sample before the kit uses any of this, and the test suite
compares whole feedback pages with nbconvert's own, byte for byte.
"""

from __future__ import annotations

import re
import secrets

from bs4 import BeautifulSoup, NavigableString, Tag

# A "<pre>" up to its "</pre>", with no other "<pre>" or "</pre>" between: each "<" is looked
# at once, so pages with many unclosed "<pre>"s take linear time too.
_BLOCK = re.compile(r"<pre>([^<]*(?:<(?!/?pre>)[^<]*)*)</pre>")
# Text, then any number of (an entity or a span tag, then text): each repetition starts with
# "&" or "<", so a block that is not plain fails in time linear in its length.
_RGB = r"rgb\(\d{1,3},\d{1,3},\d{1,3}\)"
# A span's attributes as nbconvert's ANSI colouring writes them: classes, then the 256-colour and
# true-colour styles of coloured tracebacks (IPython's "color: rgb(95,135,135)").
_SPAN_ATTRIBUTES = (r'(?: class="[A-Za-z0-9_-]+(?: [A-Za-z0-9_-]+)*")?'
                    rf'(?: style="(?:color: {_RGB}(?:; background-color: {_RGB})?|background-color: {_RGB})")?')
_PLAIN = re.compile(r'[^<&\r\x00]*(?:(?:&(?:amp|lt|gt|quot|#34|#39|#x27);'
                    rf'|<span{_SPAN_ATTRIBUTES}>|</span>)[^<&\r\x00]*)*')
_SPAN_TAG = re.compile(r"<(/?)span")
_REWRITTEN = re.compile(r'(<[^>]*>)|&quot;|&#34;|&#39;|&#x27;|>')
_AS_WRITTEN = {"&quot;": '"', "&#34;": '"', "&#39;": "'", "&#x27;": "'", ">": "&gt;"}


def _balanced(block: str) -> bool:
    depth = 0
    for tag in _SPAN_TAG.finditer(block):
        depth += -1 if tag.group(1) else 1
        if depth < 0:
            return False
    return depth == 0


def as_beautifulsoup_writes(block: str) -> str:
    """A plain block's inside as BeautifulSoup writes it back: tags as they were, text with
    its entities read and only ``&``, ``<`` and ``>`` escaped again."""
    return _REWRITTEN.sub(lambda m: m.group(1) or _AS_WRITTEN[m.group(0)], block)


class _PageWithBlocks(BeautifulSoup):
    """A page parsed without its plain blocks, written out with them."""

    def decode(self, *args, **kwargs) -> str:
        if args or kwargs:
            raise NotImplementedError("a page parsed by page_soup is only written out whole, as str(page)")
        written = super().decode()
        if sorted(int(i) for i in self.kit_marker.findall(written)) != sorted(self.kit_blocks):
            raise AssertionError("a placeholder was lost or copied while the page was changed")
        return self.kit_marker.sub(lambda m: self.kit_blocks[int(m.group(1))], written)

    def select(self, selector, *args, **kwargs):
        """nbconvert's three selectors without a CSS engine's walk of every element, which costs a
        feedback page as much as its whole parse: the very elements ``soupsieve`` finds, in order."""
        if args or kwargs:
            return super().select(selector, *args, **kwargs)
        if selector == "img:not([alt])":  # html.parser writes tag and attribute names in lower case
            return [tag for tag in self.find_all("img") if "alt" not in tag.attrs]
        if selector.startswith(".jp-Notebook ") and not self.kit_jupyterlab:
            return []  # no element of the parsed page can have a class the page's text never names
        return super().select(selector)

    def misplaced(self) -> set[int]:
        """The blocks whose placeholder is anything but the one text of an attribute-less ``<pre>``
        (in a script, a style, a comment, an attribute; or lost)."""
        marker = self.kit_marker
        proper, misplaced = set(), set()
        for element in self.descendants:
            if isinstance(element, NavigableString):
                if self.kit_placeholder not in element:
                    continue
                parent, found = element.parent, marker.fullmatch(element)
                if found and type(element) is NavigableString and parent.name == "pre" and not parent.attrs \
                        and len(parent.contents) == 1:
                    proper.add(int(found.group(1)))
                else:
                    misplaced.update(int(i) for i in marker.findall(element))
            elif isinstance(element, Tag):
                for value in element.attrs.values():
                    misplaced.update(int(i) for i in marker.findall(str(value)))
        return misplaced | (set(self.kit_blocks) - proper)


def _parse_without(markup: str, blocks: list[re.Match], placeholder: str) -> _PageWithBlocks:
    pieces, last = [], 0
    for number, block in enumerate(blocks):
        pieces += [markup[last:block.start(1)], f"{placeholder}{number}."]
        last = block.end(1)
    pieces.append(markup[last:])
    parsed = "".join(pieces)
    page = _PageWithBlocks(parsed, features="html.parser")
    page.kit_placeholder, page.kit_marker = placeholder, re.compile(re.escape(placeholder) + r"(\d+)\.")
    page.kit_jupyterlab = "jp-Notebook" in parsed
    page.kit_blocks = {number: as_beautifulsoup_writes(block.group(1)) for number, block in enumerate(blocks)}
    return page


def page_soup(markup, features=None, **kwargs):
    """``BeautifulSoup(markup, features=..., ...)`` for ``str`` pages parsed with ``html.parser``,
    taking the page's plain blocks out of the parse; anything else is parsed as it is."""
    if features != "html.parser" or kwargs or not isinstance(markup, str):
        return BeautifulSoup(markup, features=features, **kwargs)
    placeholder = "kitblock" + secrets.token_hex(8)
    while placeholder in markup:  # pragma: no cover - 64 random bits
        placeholder = "kitblock" + secrets.token_hex(8)
    blocks = [block for block in _BLOCK.finditer(markup)
              if _PLAIN.fullmatch(block.group(1)) and _balanced(block.group(1))]
    # A "<pre>" in a script, a comment or an attribute is no block: the parse says which, and
    # the page is parsed again with those left in; whatever the second parse still doubts is
    # parsed whole.
    for _ in range(2):
        if not blocks:
            break
        page = _parse_without(markup, blocks, placeholder)
        misplaced = page.misplaced()
        if not misplaced:
            return page
        blocks = [block for number, block in enumerate(blocks) if number not in misplaced]
    return BeautifulSoup(markup, features=features)


# What the check below compares: blocks as pygments and nbconvert's ANSI colouring write them,
# and the places where a "<pre>" is not a block (a script, a comment, an attribute).
SAMPLE = (
    '<!DOCTYPE html>\n<html><head><meta charset="utf-8">\n'
    '<style type="text/css">pre { color: red; } /* <pre>&quot;a&quot;</pre> */</style>\n'
    '<script>var s = "<pre>&#39;x&#39;</pre>";</script></head>\n'
    '<body><div class="jp-Notebook"><div class="jp-Cell-inputWrapper"><div class=" highlight hl-ipython3">'
    '<pre><span></span><span class="n">x</span> <span class="o">=</span> '
    '<span class="s2">&quot;a&amp;b&lt;c&gt;d&#39;e&#x27;f&#34;g&quot;</span> > 1\t\u00e9\u3131\n</pre></div></div>\n'
    '<!-- <pre>&quot;in a comment&quot;</pre> -->\n'
    '<div class="jp-OutputArea-output"><pre>\n<span class="ansi-red-fg ansi-bold">Error<span class="x">'
    '&#39;nested&#39;</span></span>\n<span class="ansi-green-fg">  5</span> <span style="color: rgb(95,135,135)">'
    '# &quot;c&quot;</span> <span class="ansi-bold" style="color: rgb(0,135,0); background-color: rgb(1,2,3)">for'
    '</span><span style="background-color: rgb(255,0,0)">x</span>\n\n</pre><img src="data:image/png;base64,AAAA">'
    '<pre class="other">&quot;kept&quot;</pre><pre><b>&quot;bold&quot;</b></pre>'
    '<pre><span>&quot;unbalanced&quot;</pre></div>\n'
    '<p title="<pre>&quot;t&quot;</pre>">&quot;text&quot; <br> & more</p></div></body></html>\n'
)


def _nbconvert_changes(page) -> str:
    """What nbconvert 7's HTML exporter does to the parsed page."""
    for element in page.select("img:not([alt])"):
        element.attrs["alt"] = "No description has been provided for this image"
    for element in page.select(".jp-Notebook div.jp-Cell-inputWrapper"):
        element.attrs["tabindex"] = "0"
    for element in page.select(".jp-Notebook div.jp-OutputArea-output"):
        element.attrs["tabindex"] = "0"
    return str(page)


def works_here() -> bool:
    """Whether the installed BeautifulSoup writes the sample exactly as :func:`page_soup` does."""
    try:
        quick = page_soup(SAMPLE, features="html.parser")
        return isinstance(quick, _PageWithBlocks) and \
            _nbconvert_changes(quick) == _nbconvert_changes(BeautifulSoup(SAMPLE, features="html.parser"))
    except Exception:  # noqa: BLE001 - any difference means: parse pages as nbconvert does
        return False
