"""Where a ``grade`` run's time went: each phase's start and end, in seconds from the run's start.

Phases overlap (feedback pages are written while the workers grade the next notebooks), so
each is an interval, not a share. ``grade`` writes them to ``<out>/work/phases.json`` and says
them in one line at the end; the end-to-end benchmark (``bench/end_to_end.py``) reads them. On a
terminal, the phases after the grading (the export, the reports) also say themselves as they run.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO

from autograder.language import Text

# Each phase in the closing line, in the TA's language (``grade --language``); phases.json keeps
# the English names.
PHASE_NAMES = {"release check": Text("release check", "릴리스 확인"), "grading": Text("grading", "채점"),
               "feedback": Text("feedback", "피드백"), "export": Text("export", "export"),
               "reports": Text("reports", "보고서")}
PHASES = tuple(PHASE_NAMES)
DONE = Text("Done in {total:.0f} s ({parts}).", "완료: {total:.0f}초 ({parts}).")
PART = Text("{name} {seconds:.1f} s", "{name} {seconds:.1f}초")


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    phases: dict[str, list[float]] = field(default_factory=dict)
    # Where a phase with a status line says it (a terminal's stderr), or None: silent.
    status: TextIO | None = None

    def now(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def mark(self, phase: str) -> None:
        """Stretch ``phase`` to now (begun now if it had not begun)."""
        now = self.now()
        span = self.phases.setdefault(phase, [now, now])
        span[1] = now

    @contextlib.contextmanager
    def phase(self, phase: str, status: str = ""):
        """Time ``phase``; with a ``status`` line, say it as the phase begins (``status ...``) and
        its seconds as it ends, so a TA sees what is being done after the last notebook."""
        begun = self.now()
        shown = self.status if status else None
        if shown:
            shown.write(f"{status} ...")
            shown.flush()
        try:
            yield
        finally:
            self.phases[phase] = [begun, self.now()]
            if shown:
                shown.write(f" {self.seconds(phase):.1f} s\n")
                shown.flush()

    def seconds(self, phase: str) -> float:
        begun, ended = self.phases.get(phase, (0.0, 0.0))
        return ended - begun

    def summary(self, language: str = "en") -> str:
        parts = [PART.in_language(language).format(name=PHASE_NAMES[phase].in_language(language),
                                                   seconds=self.seconds(phase))
                 for phase in PHASES if phase in self.phases]
        return DONE.in_language(language).format(total=self.now(), parts=", ".join(parts))

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"total": self.now(), "phases": self.phases}, indent=1))
