"""The review flags in every language.

Each part of the engine writes its flags in English, as plain strings that travel between
processes (the review of the cells, the guard's notes, the channel's problems, the judge's
verdicts). :func:`flag_text` reads one and gives it as a :class:`~autograder.language.Text`:
the TA reads the summary page and the table in their language, a student the tool-tampering
error in theirs. Code, names and numbers stay as the flag gives them; a flag no rule knows
stays English in every language.
"""

from __future__ import annotations

import re
from types import MappingProxyType

from autograder.engine import channel, guard, judge, review
from autograder.language import Text

# Read-only tables: a notebook's process uses them for the tool-tampering error, and cannot
# rewrite them in place (the guard puts back a replaced one).
REASONS = MappingProxyType({
    review.PATCH: "테스트가 쓰는 module을 바꿉니다",
    review.SHELL: "실행 중인 shell(hook, transformer, 내부 구조)에 손을 댑니다",
    review.INTROSPECTION: "인터프리터 내부(frame, closure, code object, garbage collector)에 손을 댑니다",
    review.DYNAMIC_CODE: "실행 중에 문자열로 만든 코드를 실행합니다",
    review.KIT_IMPORT: "채점기 자체의 코드(키트, nbgrader, IPython 내부)를 import 합니다",
    review.RAW_IO: "raw file descriptor, 프로세스, 시그널을 직접 다룹니다",
    review.PROC: "시스템의 프로세스 테이블이나 descriptor(/proc, /dev/fd)를 읽습니다",
    review.FAKE_VALUES: "tensor나 check의 답으로 통과할 수 있는 값을 정의합니다(비교 또는 tensor 함수 hook)",
    review.GLOBAL_HOOKS: "모든 module이나 모든 torch 호출을 바꾸는 hook을 설치합니다",
})
SENTENCES = MappingProxyType({  # flags that are one fixed sentence
    channel.NOT_A_RECORD: "노트북 프로세스가 채점기의 채널에 채점기의 기록이 아닌 것을 썼습니다",
    channel.TOO_MUCH: "노트북 프로세스가 채점기의 채널로 출력 한도보다 많이 보냈습니다. 나머지는 버렸습니다",
    channel.AFTER_END: "실행이 끝난 뒤에도 채점기의 채널에 기록이 들어왔습니다",
    judge.NEVER_ASKED[1].en: judge.NEVER_ASKED[1].ko,
    guard.TRACER: "tracer나 profiler(`sys.settrace`/`sys.setprofile`)가 설치되었습니다",
    guard.GC_CALLBACK: "garbage collector callback(`gc.callbacks`)이 설치되었습니다",
    guard.IMPORT_SYSTEM: "import 시스템(`sys.meta_path`/`sys.path_hooks`)이 바뀌었습니다",
    guard.FUNCTION_MODE: "`__torch_function__` mode가 켜진 채로 남아 있었습니다",
    guard.THREAD: "노트북이 시작한 thread가 테스트 중에도 실행되고 있었습니다",
})
HOW = MappingProxyType({"replaced": "교체됨", "deleted": "삭제됨", "added": "추가됨"})
WHILE_IT_RAN = "while it ran: "
OVERRULED_PREFIX = "the grader overruled a test the notebook reported as passed: "


def _pattern(template: str) -> re.Pattern:
    """An English template with ``{name}`` or ``{name:spec}`` fields as a regex that captures them."""
    parts = re.split(r"\{(\w+)(?::[^}]*)?\}", template)
    return re.compile("".join(re.escape(p) if i % 2 == 0 else f"(?P<{p}>.+?)" for i, p in enumerate(parts)),
                      re.DOTALL)


def _unspecified(template: str) -> str:
    """A template's fields without their format specs: the values are filled in as the flag wrote them."""
    return re.sub(r"\{(\w+):[^}]*\}", r"{\1}", template)


def _end_how(how: str) -> str:
    how = how.replace("no end record, ", "종료 기록 없음, ")
    return re.sub(r"exit status (-?\d+|None)", r"종료 코드 \1", re.sub(r"signal (\d+)", r"시그널 \1", how))


OVERRULED = _pattern(judge.OVERRULED[1].en)
NO_END = _pattern(channel.NO_END)
OUT_OF_ORDER = _pattern(channel.OUT_OF_ORDER)
REVIEWED_LINE = re.compile(r"cell (?P<cell>\d+), line (?P<line>\d+): `(?P<code>.*)` \((?P<why>.*)\)", re.DOTALL)
GUARD = (
    (re.compile(r"the code of `(?P<name>[^`]+)` was changed"), "`{name}`: 코드가 바뀜"),
    (re.compile(r"a global module hook \(`(?P<name>[^`]+)`\) was registered"), "전역 module hook 등록됨: `{name}`"),
    (re.compile(r"`(?P<name>[^`]+)` was (?P<how>replaced|deleted|added)"), "`{name}`: {how}"),
    # autograder.engine.batch groups a module's replaced functions on one line.
    (re.compile(r"`(?P<name>[^`]+)`: (?P<names>.+?)(?: and (?P<more>\d+) more)? (?P<how>replaced|deleted|added)"),
     "`{name}`: {names}{more} {how}"),
)


def korean(flag: str) -> str | None:
    """``flag`` in Korean, or ``None`` when no rule reads it."""
    if flag in SENTENCES:
        return SENTENCES[flag]
    if flag.startswith(WHILE_IT_RAN):
        inner = korean(flag[len(WHILE_IT_RAN):])
        return None if inner is None else f"실행 중: {inner}"
    if flag.startswith(OVERRULED_PREFIX):
        test, _, verdict = flag[len(OVERRULED_PREFIX):].partition(": ")
        inner = korean(verdict)
        return None if inner is None else f"노트북이 통과했다고 보고한 테스트를 채점기가 뒤집었습니다: {test}: {inner}"
    if match := REVIEWED_LINE.fullmatch(flag):
        reasons = [REASONS.get(why) for why in match["why"].split("; ")]
        if None in reasons:
            return None
        return f"{match['cell']}번 셀 {match['line']}번째 줄: `{match['code']}` ({'; '.join(reasons)})"
    if match := OVERRULED.fullmatch(flag):
        return _unspecified(judge.OVERRULED[1].ko).format(**match.groupdict())
    if match := NO_END.fullmatch(flag):
        return (f"모든 셀이 보고되었지만, 실행이 채점기가 끝내는 방식으로 끝나지 않았습니다({_end_how(match['how'])}). "
                "기록이 채점기가 쓴 것이 아닐 수 있습니다")
    if match := OUT_OF_ORDER.fullmatch(flag):
        return f"채점기의 채널에 {match['index']}번 셀의 기록이 순서가 어긋나거나 두 번 들어왔습니다"
    for pattern, template in GUARD:
        if match := pattern.fullmatch(flag):
            values = {**match.groupdict(), "how": HOW[match["how"]] if "how" in match.groupdict() else ""}
            values["more"] = f" 외 {values['more']}개" if values.get("more") else ""
            return template.format(**values)
    return None


def flag_text(flag: str) -> Text:
    """``flag`` (in English, as the engine wrote it) in every language."""
    translated = korean(flag)
    return Text(flag, flag if translated is None else translated)
