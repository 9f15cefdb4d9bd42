"""Where a ``grade`` run's time went: each phase's start and end, in seconds from the run's start.

Phases overlap (feedback pages are written while the workers grade the next notebooks), so
each is an interval, not a share. ``grade`` writes them to ``<out>/work/phases.json`` and says
them in one line at the end; the end-to-end benchmark (``bench/end_to_end.py``) reads them.
"""

from __future__ import annotations

import contextlib
import json
import time
from dataclasses import dataclass, field
from pathlib import Path

PHASES = ("release check", "grading", "feedback", "export", "reports")


@dataclass
class Timeline:
    started: float = field(default_factory=time.monotonic)
    phases: dict[str, list[float]] = field(default_factory=dict)

    def now(self) -> float:
        return round(time.monotonic() - self.started, 3)

    def mark(self, phase: str) -> None:
        """Stretch ``phase`` to now (begun now if it had not begun)."""
        now = self.now()
        span = self.phases.setdefault(phase, [now, now])
        span[1] = now

    @contextlib.contextmanager
    def phase(self, phase: str):
        begun = self.now()
        try:
            yield
        finally:
            self.phases[phase] = [begun, self.now()]

    def seconds(self, phase: str) -> float:
        begun, ended = self.phases.get(phase, (0.0, 0.0))
        return ended - begun

    def summary(self) -> str:
        parts = [f"{name} {self.seconds(name):.1f} s" for name in PHASES if name in self.phases]
        return f"Done in {self.now():.0f} s ({', '.join(parts)})."

    def write(self, path: Path) -> None:
        path.write_text(json.dumps({"total": self.now(), "phases": self.phases}, indent=1))
