"""What the grading processes of one submission do to themselves before any student code runs.

A run is three processes, so that whatever a notebook starts ends with it and cannot reach
another student's run:

* the *keeper*, forked by the worker, moves into new namespaces (processes, mounts, network)
  and waits; it is the worker's child, so the worker's wall-clock limit kills it;
* the *init* of the new process namespace (its PID 1) hides the course's files, covers the
  temporary folders, gives the run a private folder with a size cap, makes every other file
  system read-only and then forks the notebook's process. When the notebook's process ends,
  init ends, and the kernel kills every process left in the namespace: a double fork or
  ``setsid()`` escapes nothing. Inside the namespace ``/proc`` shows only the run's own
  processes, so no other run's process can be listed, read or signalled;
* the *notebook's process* takes a user id of its own (a distinct one for each run at the
  same time), so it has no privileges, cannot signal or read another run's processes even
  outside the namespace, and its cap on processes (a fork bomb stops) counts only its own.

Each protection is applied where the operating system allows it (most need root), and
:class:`Isolation` says which ones are in force, so a report never claims isolation that a
run did not have.
"""

from __future__ import annotations

import ctypes
import os
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

from autograder.engine.protocol import Limits  # noqa: F401 - the caps this module applies

CLONE_NEWNS, CLONE_NEWPID, CLONE_NEWNET = 0x00020000, 0x20000000, 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_NOEXEC = 1, 2, 4, 8
MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522
# A run's own user id: this base plus the keeper's process id, which no other live run shares.
RUN_UID_BASE = 2_000_000
# Folders any user may write to: covered, so a run writes only to its own capped folder.
SHARED_WRITABLE = ("/tmp", "/var/tmp", "/dev/shm", "/run/lock")


@dataclass
class Isolation:
    """Which protections a run got; shown in the batch's reports."""

    applied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)

    def record(self, ok: bool, applied: str, missing: str) -> bool:
        (self.applied if ok else self.missing).append(applied if ok else missing)
        return ok


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def die_with_parent() -> None:
    """Be killed when the process that forked this one dies."""
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def _mount(libc, source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> bool:
    return libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                      data.encode() if data else None) == 0


def enter_namespaces(isolation: Isolation) -> bool:
    """In the keeper: new network, mount and process namespaces, as far as allowed.

    Returns whether a process namespace was made (the keeper's next child is its init)."""
    libc = _libc()
    isolation.record(libc.unshare(CLONE_NEWNET) == 0, "no network", "network (needs root)")
    mounts = libc.unshare(CLONE_NEWNS) == 0 and _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    isolation.record(mounts, "own mount namespace", "hiding files (needs root)")
    own_pids = mounts and libc.unshare(CLONE_NEWPID) == 0
    isolation.record(own_pids, "every process it starts ends with it; other runs out of sight",
                     "processes contained (needs root: a process it leaves running outlives its run)")
    return own_pids


def _searchable_by_others(path: Path) -> bool:
    try:
        return bool(path.stat().st_mode & 0o001)
    except OSError:
        return False


def _interpreter_paths() -> list[Path]:
    paths = {Path(p) for p in sys.path if p and Path(p).is_dir()}
    paths |= {Path(sys.prefix), Path(sys.base_prefix), Path(sys.executable).parent}
    return sorted(p.resolve() for p in paths)


def _readable_by_others(path: Path) -> bool:
    return all(_searchable_by_others(part) for part in [path, *path.parents])


def _cover(libc, folder: Path, keep: list[Path], options: str) -> bool:
    """Mount an empty file system on ``folder``, with each of ``keep`` that lies below it bound back in.

    Each kept path is opened before the cover goes on and bound from its descriptor, so it
    stays reachable through a folder that is now empty and searchable by anyone.
    """
    entries = sorted({folder / p.relative_to(folder).parts[0] for p in keep
                      if folder in p.parents and p.exists()})
    held = [(entry, os.open(entry, os.O_PATH)) for entry in entries]
    try:
        if not _mount(libc, "tmpfs", str(folder), "tmpfs", MS_NOSUID | MS_NODEV, options):
            return False
        ok = True
        for entry, fd in held:
            if os.path.isdir(f"/proc/self/fd/{fd}"):
                entry.mkdir()
            else:
                entry.touch()
            ok &= _mount(libc, f"/proc/self/fd/{fd}", str(entry), None, MS_BIND | MS_REC)
        return ok
    finally:
        for _, fd in held:
            os.close(fd)


def _read_only_except(libc, writable: Path) -> list[str]:
    """Remount every file system of this mount namespace read-only, but ``writable`` and the
    kernel's; the mount points that could not be (none, normally)."""
    failed = []
    with open("/proc/self/mountinfo") as f:
        mounts = [(fields[4], fields[5].split(","), fields[2]) for fields in (line.split() for line in f)]
    for point, options, device in mounts:
        if point == str(writable) or "ro" in options or point.split("/")[1:2] in (["proc"], ["sys"], ["dev"]):
            continue
        if not _mount(libc, "none", point, None, MS_REMOUNT | MS_BIND | MS_RDONLY):
            error = ctypes.get_errno()
            if not _shadowed(point, device):
                failed.append(f"{point} ({os.strerror(error)})")
    return failed


def _shadowed(point: str, device: str) -> bool:
    """Whether the mount of ``device`` at ``point`` is covered by a later mount (a folder this
    run's view covered, e.g. the folder of all runs): no path reaches it, so it needs no remount."""
    major, minor = (int(n) for n in device.split(":"))
    try:
        return os.stat(point).st_dev != os.makedev(major, minor)
    except OSError:
        return True  # its mount point itself is gone from this view


def seal_file_systems(hidden: list[Path], kept: list[Path], workdir: Path, limits: Limits, run_uid: int | None,
                      isolation: Isolation) -> int | None:
    """In init, as root: the run's view of the file systems.

    ``/proc`` of its own process namespace; the hidden paths covered (but ``kept`` paths inside
    them, and the interpreter's); the shared writable folders (and the folder of all runs)
    covered with empty ones; its own folder a fresh file system of ``limits.disk_bytes`` owned
    by ``run_uid``; the interpreter left readable by that user; everything else read-only.
    Returns the user the run may take: ``run_uid``, or ``None`` if the interpreter could not
    be made readable by it.
    """
    libc = _libc()
    isolation.record(_mount(libc, "proc", "/proc", "proc", MS_NOSUID | MS_NODEV | MS_NOEXEC),
                     "its own /proc", "its own /proc")
    interpreter = _interpreter_paths()
    hid = True
    for path in hidden:
        if path.is_dir():
            hid &= _cover(libc, path, [*kept, *interpreter], "size=4k,mode=755")
        elif path.exists():
            hid &= _mount(libc, "/dev/null", str(path), None, MS_BIND)
    isolation.record(hid, "hidden tests, solution, gradebook and hand-ins hidden",
                     "hidden tests, solution, gradebook and hand-ins hidden")
    covered = True
    # Outermost first: a folder inside one already covered is gone with it.
    for folder in sorted({Path(p) for p in SHARED_WRITABLE} | {workdir.parent}, key=lambda f: len(f.parts)):
        if folder.is_dir() and not folder.is_symlink():
            covered &= _cover(libc, folder.resolve(), interpreter, "size=64k,mode=755")
    if run_uid is not None:
        run_uid = run_uid if _expose(libc, interpreter) else None
    workdir.mkdir(parents=True, exist_ok=True)
    owner = f",uid={run_uid},gid={run_uid}" if run_uid is not None else ""
    own = _mount(libc, "tmpfs", str(workdir), "tmpfs", MS_NOSUID | MS_NODEV,
                 f"size={limits.disk_bytes},mode=700{owner}")
    isolation.record(own and covered, f"writes only to its own folder, {limits.disk_bytes // 1024**2} MB in all",
                     "a cap on what it writes in all")
    writable = _read_only_except(libc, workdir)
    isolation.record(not writable, "read-only file system outside its own folder",
                     f"read-only file system (still writable: {', '.join(writable[:3])})")
    return run_uid


def _expose(libc, interpreter: list[Path]) -> bool:
    """Make the interpreter's folders reachable by another user: each folder on the way that
    only its owner may enter is covered by an open one, with the way on bound back in.
    Whether it worked (else the run keeps its user id and drops its privileges instead)."""
    for _ in range(8):  # one level of closed folders at a time
        blocked = [p for p in interpreter if not _readable_by_others(p)]
        if not blocked:
            return True
        tops = {next(a for a in reversed([p, *p.parents]) if not _searchable_by_others(a)) for p in blocked}
        for top in sorted(tops, key=lambda a: len(a.parts)):
            if not _cover(libc, top, interpreter, "size=4k,mode=755"):
                return False
    return all(_readable_by_others(p) for p in interpreter)


def _drop_capabilities() -> bool:
    """Keep the user id but give up every privilege, for good."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc = _libc()
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    return libc.capset(ctypes.byref(Header(LINUX_CAPABILITY_VERSION_3, 0)), (Data * 2)()) == 0


def become_run_user(limits: Limits, run_uid: int | None, isolation: Isolation) -> None:
    """In the notebook's process: limits, then the run's own user id (no privileges), as allowed.

    Without a user of its own (not root, or an interpreter no other user may read), a root
    process still gives up every privilege."""
    os.setpgid(0, 0)
    ceiling = _mapped_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    isolation.applied.append(f"memory cap {limits.memory_bytes // 1024**2} MB")
    isolation.applied.append(f"files of at most {limits.file_bytes // 1024**2} MB")
    _libc().prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    if run_uid is None:
        isolation.missing.append("a user of its own and a cap on processes (needs root)")
        if os.geteuid() == 0:
            isolation.record(_drop_capabilities(), "no privileges (all capabilities dropped)", "dropping privileges")
        return
    # Counted per user: with a user of its own, the cap counts this run's processes only.
    resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
    os.setgroups([])
    os.setresgid(run_uid, run_uid, run_uid)
    os.setresuid(run_uid, run_uid, run_uid)
    isolation.applied.append(f"a user of its own, no privileges, at most {limits.processes} processes")


def run_uid_for(keeper_pid: int) -> int | None:
    """The run's user id (distinct from every other live run's), or ``None`` when this process
    may not switch users (not root)."""
    return RUN_UID_BASE + keeper_pid if os.geteuid() == 0 else None


def own_environment(workdir: Path) -> None:
    """Everything the run writes (home, temporary files, caches) goes to its own folder."""
    import tempfile

    for variable in ("HOME", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR"):
        os.environ[variable] = str(workdir)
    os.environ["USER"] = os.environ["LOGNAME"] = "student"
    tempfile.tempdir = str(workdir)
