"""Start-up and per-notebook costs that the grader's own processes need not pay.

Both change how fast nbgrader's steps run in the kit's worker and replay processes, never
what they decide:

* ``jsonschema`` (imported by nbformat and nbgrader) builds grammars for the optional
  ``rfc3987_syntax`` package when it is installed: about 3 s of CPU per process, for the
  "iri" string format, which neither nbformat's nor nbgrader's schemas use.
* nbgrader's ``CheckCellMetadata`` calls ``jsonschema.validate`` once per cell, which checks
  the (unchanging) metadata schema itself every time before checking the cell: most of
  that step's cost. The schema is checked once here, and each cell exactly as before.
* nbgrader opens its gradebook about ten times per notebook it grades, and each time builds
  a new SQLAlchemy engine and checks every table of the schema. A process that grades a
  whole batch keeps one engine per gradebook and sets the schema up once; the queries and
  what they write are unchanged.
"""

from __future__ import annotations

import json
import sys

UNUSED = "rfc3987_syntax"


def skip_unused_imports() -> None:
    """Call before anything imports jsonschema."""
    sys.modules.setdefault(UNUSED, None)


def restore_imports() -> None:
    """Undo :func:`skip_unused_imports` (in a student's process: it may import what it likes)."""
    if UNUSED in sys.modules and sys.modules[UNUSED] is None:
        del sys.modules[UNUSED]


_validators: dict[str, object] = {}


def validate(instance, schema, cls=None, *args, **kwargs) -> None:
    """``jsonschema.validate`` with the schema's own check done once per schema."""
    from jsonschema import exceptions, validators

    if cls is not None or args or kwargs:
        return validators.validate(instance, schema, cls, *args, **kwargs)
    key = json.dumps(schema, sort_keys=True)
    validator = _validators.get(key)
    if validator is None:
        cls = validators.validator_for(schema)
        cls.check_schema(schema)
        validator = _validators[key] = cls(schema)
    error = exceptions.best_match(validator.iter_errors(instance))
    if error is not None:
        raise error
    return None


def check_metadata_schema_once() -> None:
    """Make nbgrader's metadata validation use :func:`validate`."""
    import types

    import jsonschema
    from nbgrader.nbgraderformat import common

    common.jsonschema = types.SimpleNamespace(**{**vars(jsonschema), "validate": validate})


def reuse_gradebook_engines() -> None:
    """One engine per gradebook, and its tables created once, for every ``Gradebook`` of this process.

    Only for a process that forks no student code: a kept engine holds its database open,
    and a forked child would inherit that file.
    """
    from nbgrader import api

    engines: dict[tuple, object] = {}
    set_up: set[int] = set()
    create_engine, create_all = api.create_engine, api.Base.metadata.create_all

    def shared_engine(url, **options):
        key = (str(url), tuple(sorted(options.items())))
        if key not in engines:
            engines[key] = create_engine(url, **options)
        return engines[key]

    def create_all_once(bind=None, **options):
        if id(bind) not in set_up:
            create_all(bind=bind, **options)
            set_up.add(id(bind))

    api.create_engine = shared_engine
    api.Base.metadata.create_all = create_all_once
