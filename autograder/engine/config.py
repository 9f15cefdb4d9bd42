"""The course's configuration, loaded once, and the environment every grading process gets.

``nbgrader_config.py`` holds nbgrader's settings and nothing else: loading it changes no
environment. The environment of grading (one thread, a fixed hash seed, no plot windows)
is set by the code that starts grading processes: :func:`grading_environment` for the
kit's workers and nbgrader commands, and the kernel spec :func:`install_kernel` writes, which
the course's ``Execute.kernel_name`` names, for the kernels plain nbgrader starts.
"""

from __future__ import annotations

import functools
import json
import os
import sys
from dataclasses import dataclass
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from autograder.engine.protocol import Settings

CONFIG_FILE = "nbgrader_config.py"
# One thread (the same float arithmetic on every machine and run), a fixed hash seed (the
# same set and dict orders), and no plot windows: every grading process gets these.
ENVIRONMENT = {"OMP_NUM_THREADS": "1", "MKL_NUM_THREADS": "1", "PYTHONHASHSEED": "0", "MPLBACKEND": "Agg"}


@dataclass(frozen=True)
class CourseConfig:
    root: Path
    nbgrader: Config   # as nbgrader itself loads nbgrader_config.py

    def _value(self, section: str, name: str, default):
        return self.nbgrader[section].get(name, default) if section in self.nbgrader else default

    @property
    def source_dir(self) -> Path:
        return self.root / self._value("CourseDirectory", "source_directory", "source")

    @property
    def release_dir(self) -> Path:
        return self.root / self._value("CourseDirectory", "release_directory", "release")

    @property
    def kernel_name(self) -> str | None:
        """The kernel spec nbgrader's Execute starts (the kit's own, see :func:`install_kernel`)."""
        return self._value("Execute", "kernel_name", None) or None

    @property
    def language(self) -> str | None:
        """The language the course has every assignment speak to students (``c.Messages.language``),
        overriding each assignment's own; ``None`` when it sets none."""
        from autograder.engine.manifest import ManifestProblem
        from autograder.language import LANGUAGES

        chosen = self._value("Messages", "language", None) or None
        if chosen is not None and chosen not in LANGUAGES:
            raise ManifestProblem(f"{self.root / CONFIG_FILE} sets c.Messages.language = {chosen!r}; the kit speaks "
                                  f"{', '.join(LANGUAGES)}: name one of those, or remove the line.")
        return chosen

    @property
    def cell_timeout(self) -> float:
        """nbgrader's per-cell limit, as the course sets it (or nbgrader's own default)."""
        chosen = self._value("Execute", "timeout", None)
        if chosen:
            return float(chosen)
        # Only here: importing nbgrader's preprocessors costs the command about a second of CPU.
        from nbgrader.preprocessors import Execute

        return float(Execute.class_traits()["timeout"].default())


def load(root: Path) -> CourseConfig:
    """The course's ``nbgrader_config.py``, read as nbgrader does: once per process while the
    file is unchanged."""
    root = Path(root).resolve()
    return _load(root, (root / CONFIG_FILE).stat().st_mtime_ns)


@functools.lru_cache(maxsize=8)
def _load(root: Path, modified: int) -> CourseConfig:
    return CourseConfig(root, PyFileConfigLoader(CONFIG_FILE, path=str(root)).load_config())


def settings(config: CourseConfig, **overrides) -> Settings:
    """The engine's settings for this course: its cell timeout, the rest as given or by default."""
    overrides.setdefault("cell_timeout", config.cell_timeout)
    return Settings(**{k: v for k, v in overrides.items() if v is not None})


def grading_environment(base: dict | None = None, language: str | None = None) -> dict:
    """``base`` (default: this process's) as a grading process gets it: :data:`ENVIRONMENT`, this
    interpreter's ``bin/`` first on PATH (creating a gradebook runs the ``alembic`` found there),
    and the course's language, where it sets one, for every notebook's messages."""
    from autograder.language import OVERRIDE

    env = dict(os.environ if base is None else base)
    env.update(ENVIRONMENT)
    if language:
        env[OVERRIDE] = language
    bin_dir = os.path.dirname(sys.executable)
    if bin_dir not in env.get("PATH", "").split(os.pathsep):
        env["PATH"] = os.pathsep.join(p for p in (bin_dir, env.get("PATH")) if p)
    return env


def install_kernel(config: CourseConfig, prefix: Path | None = None) -> Path:
    """Write the kernel spec the course's grading kernels use (its ``Execute.kernel_name``) into
    this environment: a name of the kit's own, so a user-wide "python3" spec for another
    interpreter cannot be picked instead, and the grading environment in the spec, so every
    kernel nbgrader starts has it, whoever starts nbgrader."""
    if not config.kernel_name:
        raise ValueError(f"{config.root / CONFIG_FILE} sets no Execute.kernel_name: name the grading kernel there.")
    folder = Path(prefix or sys.prefix) / "share" / "jupyter" / "kernels" / config.kernel_name
    folder.mkdir(parents=True, exist_ok=True)
    spec = {"argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (homework kit grading)", "language": "python", "env": ENVIRONMENT,
            "metadata": {"debugger": False}}
    (folder / "kernel.json").write_text(json.dumps(spec, indent=1) + "\n")
    return folder


if __name__ == "__main__":
    if sys.argv[1:2] == ["install-kernel"] and len(sys.argv) <= 3:
        print(f"Installed the grading kernel spec in {install_kernel(load(Path(sys.argv[2] if len(sys.argv) > 2 else '.')))}")
    else:
        print("usage: python -m autograder.engine.config install-kernel [COURSE_DIR]", file=sys.stderr)
        sys.exit(2)
