"""The grading engine: nbgrader's rules, executed by warm, sandboxed, parallel workers.

It names no assignment: what it needs of one comes from the assignment's manifest
(:mod:`~autograder.engine.manifest`). One module per role:

* parent side: :mod:`~autograder.engine.batch` (a batch: the pool and nbgrader's side started
  together; submissions in, records out, each graded by nbgrader as it finishes) and :mod:`~autograder.engine.pool` (starts the workers, hands out jobs,
  replaces one that dies), or :mod:`~autograder.engine.cluster` (the same warm pools hosted by
  the workers of a Dask cluster, ``grade --scheduler``);
* child side: :mod:`~autograder.engine.worker` (``python -m autograder.engine.worker``: warms up,
  forks one sandboxed run per submission), :mod:`~autograder.engine.sandbox` (what a run does to
  itself), :mod:`~autograder.engine.execution` (runs the code cells), :mod:`~autograder.engine.channel`
  (the run's one way back), :mod:`~autograder.engine.guard` (the tests' tools put back),
  :mod:`~autograder.engine.judge` (held-out checks scored on the grader's side);
* nbgrader: :mod:`~autograder.engine.prepare` (autograde's sanitizing pass on one submission),
  :mod:`~autograder.engine.replay` (``python -m autograder.engine.replay``: the batch's release,
  its autograde with the recorded outputs, each feedback page, the export),
  :mod:`~autograder.engine.nbgrader_changes` (every change to its behaviour,
  behind a version check);
* shared: :mod:`~autograder.engine.protocol` (what crosses each process boundary, the files'
  layout, the settings the sandbox's limits are built from), :mod:`~autograder.engine.config` (the
  course's configuration, loaded once, and the grading environment), and
  :mod:`~autograder.engine.review` (student code read for reaching into the grader).
"""
