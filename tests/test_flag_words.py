"""The review flags in the TA's language: each kind of flag the engine writes, read back in Korean
(tests/test_hostile.py reads every flag a hostile class raises)."""

from __future__ import annotations

import pytest

from autograder.engine import channel, judge, review
from autograder.engine.flag_words import REASONS, flag_text, korean

OVERRULED = judge.OVERRULED[1].en.format(accuracy=0.123, threshold=0.95)


@pytest.mark.parametrize("flag, expected", [
    (f"cell 14, line 3: `sys.settrace(tracer)` ({review.INTROSPECTION})",
     "14번 셀 3번째 줄: `sys.settrace(tracer)` (인터프리터 내부(frame, closure, code object, garbage collector)에 손을 댑니다)"),
    (f"cell 2, line 1: `import ctypes, os` ({review.INTROSPECTION}; {review.RAW_IO})",
     "2번 셀 1번째 줄: `import ctypes, os` (인터프리터 내부(frame, closure, code object, garbage collector)에 손을 "
     "댑니다; raw file descriptor, 프로세스, 시그널을 직접 다룹니다)"),
    ("while it ran: `torch`: allclose, equal, isclose, eq and 3 more replaced",
     "실행 중: `torch`: allclose, equal, isclose, eq 외 3개 교체됨"),
    ("while it ran: `autograder.feedback.THRESHOLD` was deleted", "실행 중: `autograder.feedback.THRESHOLD`: 삭제됨"),
    ("while it ran: `sys.modules['torch']` was replaced", "실행 중: `sys.modules['torch']`: 교체됨"),
    ("while it ran: the code of `torch.allclose` was changed", "실행 중: `torch.allclose`: 코드가 바뀜"),
    ("while it ran: a global module hook (`sys.meta_path`) was registered",
     "실행 중: 전역 module hook 등록됨: `sys.meta_path`"),
    (f"while it ran: {channel.OUT_OF_ORDER.format(index=7)}",
     "실행 중: 채점기의 채널에 7번 셀의 기록이 순서가 어긋나거나 두 번 들어왔습니다"),
    (f"while it ran: {channel.NO_END.format(how='no end record, signal 9')}",
     "실행 중: 모든 셀이 보고되었지만, 실행이 채점기가 끝내는 방식으로 끝나지 않았습니다(종료 기록 없음, 시그널 9). "
     "기록이 채점기가 쓴 것이 아닐 수 있습니다"),
    (f"while it ran: the grader overruled a test the notebook reported as passed: test_p2_corpus_model: {OVERRULED}",
     "실행 중: 노트북이 통과했다고 보고한 테스트를 채점기가 뒤집었습니다: test_p2_corpus_model: "
     + judge.OVERRULED[1].ko.format(accuracy=0.123, threshold=0.95)),
    (f"while it ran: {channel.NOT_A_RECORD}", "실행 중: 노트북 프로세스가 채점기의 채널에 채점기의 기록이 아닌 것을 썼습니다"),
])
def test_each_kind_of_flag_reads_in_korean_with_its_code_names_and_numbers_kept(flag, expected):
    assert korean(flag) == expected
    assert flag_text(flag).en == flag and flag_text(flag).ko == expected


def test_every_reason_the_review_gives_has_its_korean():
    given = set(review.MODULES.values()) | set(review.CALLS.values()) | {
        review.PATCH, review.SHELL, review.INTROSPECTION, review.DYNAMIC_CODE, review.KIT_IMPORT, review.RAW_IO,
        review.PROC, review.FAKE_VALUES, review.GLOBAL_HOOKS}
    assert given <= set(REASONS)


def test_every_fixed_sentence_the_engine_writes_has_its_korean():
    from autograder.engine import guard
    from autograder.engine.flag_words import SENTENCES

    written = [guard.TRACER, guard.GC_CALLBACK, guard.IMPORT_SYSTEM, guard.FUNCTION_MODE, guard.THREAD,
               channel.NOT_A_RECORD, channel.TOO_MUCH, channel.AFTER_END, judge.NEVER_ASKED[1].en]
    assert [sentence for sentence in written if sentence not in SENTENCES] == []
    assert korean(f"while it ran: {guard.THREAD}") == "실행 중: 노트북이 시작한 thread가 테스트 중에도 실행되고 있었습니다"


def test_a_flag_no_rule_reads_stays_as_written_in_every_language():
    assert korean("something new the engine says") is None
    assert flag_text("something new the engine says").ko == "something new the engine says"
    assert korean("cell 1, line 1: `x` (a reason the review does not give)") is None
