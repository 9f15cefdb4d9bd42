"""What makes a translated notebook the same assignment: the same code, and the student's language
wherever a student reads.

A translated edition (the Korean ``lstm_gru_ko``) changes only prose: markdown cells, comments,
docstrings and the texts of messages. :func:`same_code` compares two cells' code with those
texts masked (an f-string's placeholders are kept: the values a message shows are code), so a
translation that changes what a cell does, or a string the code compares, is caught.
:func:`english_prose` finds what was left in English.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize

HANGUL = re.compile(r"[\uac00-\ud7a3]")
# A message's text: what these exceptions and print() are given, an assert's message, a docstring,
# and the helper names the notebook builds messages in.
MESSAGE_CALLS = frozenset({"AssertionError", "ValueError", "TypeError", "RuntimeError", "Exception", "print"})
MESSAGE_NAMES = re.compile(r"^_(why|hint|msg|message)")
MASK = "<text>"
# Prose: this many English words in a row, outside code.
PROSE_WORDS = 5
# A word of prose has a small letter: tags and acronyms (DET NN V, LSTM) are not prose.
_WORD = r"[A-Z]*[a-z][A-Za-z'-]*"
_WORDS = re.compile(r"%s(?:[ ,;:]+%s){%d,}" % (_WORD, _WORD, PROSE_WORDS - 1))


def _parsed(source: str) -> ast.Module:
    # IPython's magics and shell lines are not Python: the same placeholder in both editions.
    lines = ["pass" if line.lstrip().startswith(("%", "!")) else line for line in source.splitlines()]
    return ast.parse("\n".join(lines))


def _message_roots(tree: ast.AST) -> list[ast.AST]:
    roots = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Assert) and node.msg is not None:
            roots.append(node.msg)
        elif isinstance(node, ast.Call) and isinstance(node.func, ast.Name) and node.func.id in MESSAGE_CALLS:
            roots += node.args
        elif isinstance(node, ast.Assign) and any(isinstance(t, ast.Name) and MESSAGE_NAMES.match(t.id)
                                                  for t in node.targets):
            roots.append(node.value)
        if isinstance(node, (ast.Module, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and node.body:
            first = node.body[0]
            if isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant) and isinstance(first.value.value, str):
                roots.append(first.value)
    return roots


class _Masked(ast.NodeTransformer):
    """Texts masked; an f-string becomes its placeholders' code, in a fixed order (a translation
    may put them in another order)."""

    def visit_Constant(self, node):
        return ast.Constant(MASK) if isinstance(node.value, str) else node

    def visit_JoinedStr(self, node):
        shown = sorted(ast.dump(self.visit(value)) for value in node.values if isinstance(value, ast.FormattedValue))
        return ast.Constant(MASK + "|".join(shown))


def masked(source: str) -> str:
    """``source``'s syntax tree with the texts of its messages, docstrings and comments masked."""
    tree = _parsed(source)
    roots = _message_roots(tree)
    for parent in ast.walk(tree):
        for field, value in ast.iter_fields(parent):
            if isinstance(value, list):
                value[:] = [_Masked().visit(item) if any(item is root for root in roots) else item for item in value]
            elif any(value is root for root in roots):
                setattr(parent, field, _Masked().visit(value))
    return ast.dump(tree)


def same_code(english: str, translated: str) -> bool:
    """Whether two cells are the same code, their messages', docstrings' and comments' texts aside."""
    return masked(english) == masked(translated)


def comments(source: str) -> list[str]:
    """The comments of a code cell, without their ``#``."""
    try:
        tokens = list(tokenize.generate_tokens(io.StringIO(source).readline))
    except (tokenize.TokenError, SyntaxError):
        return []
    return [t.string.lstrip("#").strip() for t in tokens if t.type == tokenize.COMMENT]


def message_texts(source: str) -> list[str]:
    """The texts of a code cell's messages and docstrings (an f-string's placeholders left out)."""
    texts = []
    for root in _message_roots(_parsed(source)):
        for node in ast.walk(root):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                texts.append(node.value)
    return texts


def student_texts(cell) -> list[str]:
    """What a student reads in a notebook cell: a markdown cell whole; a code cell's comments and
    the texts of its messages and docstrings."""
    if cell.cell_type == "markdown":
        return [cell.source]
    return comments(cell.source) + message_texts(cell.source)


# Not prose to translate: code, maths, HTML tags, addresses, f-string placeholders, the text of a
# link (a page's own title) and quotations (an example sentence of the data, in its language).
_NOT_PROSE = re.compile(r"```.*?```|`[^`\n]*`|\$[^$\n]*\$|<[^>\n]*>|\[[^\]\n]*\]\(https?://[^)\s]*\)|https?://\S+"
                        r'|\{[^{}\n]*\}|"[^"\n]*"', re.DOTALL)


def prose_only(text: str) -> str:
    """``text`` without what is not prose to translate (code, links, quotations, placeholders)."""
    return _NOT_PROSE.sub(" ", text)


def english_prose(text: str) -> list[str]:
    """Runs of :data:`PROSE_WORDS` or more English words in ``text``'s prose: left untranslated."""
    return [match.group(0) for match in _WORDS.finditer(prose_only(text))]
