# The README's two commands: `make demo` and `make test`. Both set up .venv first (once,
# and again whenever requirements.txt or pyproject.toml change).
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

.PHONY: demo test setup release bench

setup: $(STAMP)

# Besides the pinned packages: the kit itself, so that hidden tests can `import autograder`
# in any grading kernel; a "python3" kernel spec inside the environment (for students and
# TAs working in Jupyter), and the grading kernel spec nbgrader_config.py names
# (Execute.kernel_name), which carries the grading environment (one thread, a fixed hash seed).
$(STAMP): requirements.txt pyproject.toml nbgrader_config.py
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	$(PY) -m ipykernel install --sys-prefix --name python3 > /dev/null
	$(PY) -m autograder.engine.config install-kernel > /dev/null
	touch $(STAMP)

demo: $(STAMP)
	$(PY) -m autograder.demo

test: $(STAMP)
	$(PY) -m pytest

# Every assignment folder (one with an assignment.toml) gets its release regenerated.
release: $(STAMP)
	for manifest in autograder/assignments/*/assignment.toml; do \
		$(PY) -m autograder release --assignment $$(basename $$(dirname $$manifest)) || exit 1; \
	done

bench: $(STAMP)
	$(PY) -m bench.benchmark
