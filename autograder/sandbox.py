"""What a forked grading process does to itself before it runs any student code.

Each protection is applied where the operating system allows it, and the result says which
ones are in force, so a report never claims isolation it does not have:

* limits: address space (a 20 GB allocation fails at once), file size, no core dumps, and
  a cap on processes, so a fork bomb stops;
* a new process group, so that the whole group (subprocesses included) can be killed;
* with the right privileges (root, or CAP_SYS_ADMIN): a network namespace with no
  interface up (``!pip install`` and sockets fail), a mount namespace in which the hidden
  paths (the course's solutions, gradebook, other submissions, the kit's checks) are covered
  by empty read-only file systems, and no privileges: the user ``nobody`` when the Python
  installation is readable by it, otherwise the same user with every capability dropped and
  every file system read-only except the run's own folder (so the covers cannot be lifted).
"""

from __future__ import annotations

import ctypes
import os
import pwd
import resource
import signal
import sys
from dataclasses import dataclass, field
from pathlib import Path

CLONE_NEWNS = 0x00020000
CLONE_NEWNET = 0x40000000
MS_RDONLY, MS_NOSUID, MS_NODEV, MS_REMOUNT, MS_BIND, MS_REC, MS_PRIVATE = 1, 2, 4, 32, 4096, 16384, 1 << 18
PR_SET_PDEATHSIG, PR_CAPBSET_DROP, PR_SET_NO_NEW_PRIVS = 1, 24, 38
LINUX_CAPABILITY_VERSION_3 = 0x20080522


@dataclass(frozen=True)
class Limits:
    memory_bytes: int = 3 * 1024**3   # on top of what the warm worker already maps
    file_bytes: int = 256 * 1024**2
    processes: int = 64


@dataclass
class Isolation:
    """Which protections a grading process got; listed in the batch's reports."""

    applied: list[str] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)


def _libc():
    return ctypes.CDLL(None, use_errno=True)


def _mapped_bytes() -> int:
    with open("/proc/self/statm") as f:
        return int(f.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


def die_with_parent() -> None:
    """Be killed when the worker that forked this process dies."""
    _libc().prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)


def own_folder(workdir: Path) -> None:
    """Everything the run writes (home, temporary files, caches) goes to its own folder."""
    import tempfile

    for variable in ("HOME", "TMPDIR", "MPLCONFIGDIR", "IPYTHONDIR"):
        os.environ[variable] = str(workdir)
    tempfile.tempdir = str(workdir)


def apply_limits(limits: Limits, isolation: Isolation) -> None:
    os.setpgid(0, 0)
    ceiling = _mapped_bytes() + limits.memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (ceiling, ceiling))
    resource.setrlimit(resource.RLIMIT_CORE, (0, 0))
    resource.setrlimit(resource.RLIMIT_FSIZE, (limits.file_bytes, limits.file_bytes))
    isolation.applied.append(f"memory cap {limits.memory_bytes // 1024**2} MB")


def _mount(libc, source: str, target: str, fstype: str | None, flags: int, data: str | None = None) -> bool:
    return libc.mount(source.encode(), target.encode(), fstype.encode() if fstype else None, flags,
                      data.encode() if data else None) == 0


def _readable_by_others(path: Path) -> bool:
    """Whether a user other than the owner can reach ``path`` (every ancestor searchable)."""
    path = path.resolve()
    for part in [path, *path.parents]:
        try:
            if not part.stat().st_mode & 0o001:
                return False
        except OSError:
            return False
    return True


def _interpreter_readable_by_nobody() -> bool:
    return all(_readable_by_others(Path(p)) for p in sys.path if p and Path(p).is_dir())


def _drop_capabilities(libc) -> bool:
    """Keep the user id but give up every privilege: no mounting, no raw network, no overriding
    file permissions, and no way to get them back through exec."""

    class Header(ctypes.Structure):
        _fields_ = [("version", ctypes.c_uint32), ("pid", ctypes.c_int)]

    class Data(ctypes.Structure):
        _fields_ = [("effective", ctypes.c_uint32), ("permitted", ctypes.c_uint32),
                    ("inheritable", ctypes.c_uint32)]

    libc.prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0)
    for cap in range(64):
        libc.prctl(PR_CAPBSET_DROP, cap, 0, 0, 0)
    return libc.capset(ctypes.byref(Header(LINUX_CAPABILITY_VERSION_3, 0)), (Data * 2)()) == 0


def _read_only_except(libc, writable: Path) -> bool:
    """Remount every file system read-only in this mount namespace, but ``writable``."""
    _mount(libc, str(writable), str(writable), None, MS_BIND)
    ok = True
    with open("/proc/self/mountinfo") as f:
        points = [line.split()[4] for line in f]
    for point in points:
        if point == str(writable) or point.split("/")[1:2] in (["proc"], ["sys"], ["dev"]):
            continue
        ok &= _mount(libc, "none", point, None, MS_REMOUNT | MS_BIND | MS_RDONLY)
    return ok


def _only_own_folder(libc, workdir: Path) -> bool:
    """Cover the folder of all runs with an empty one that holds only this run's folder, so the
    other students' runs of the batch cannot be listed or read."""
    runs = workdir.parent
    keep = os.open(workdir, os.O_PATH | os.O_DIRECTORY)
    try:
        if not _mount(libc, "tmpfs", str(runs), "tmpfs", MS_NOSUID | MS_NODEV, "size=64k,mode=711"):
            return False
        workdir.mkdir()
        return _mount(libc, f"/proc/self/fd/{keep}", str(workdir), None, MS_BIND)
    finally:
        os.close(keep)


def isolate(hidden: list[Path], workdir: Path, limits: Limits, isolation: Isolation) -> None:
    """Cut the network, hide ``hidden`` and drop privileges, as far as allowed."""
    libc = _libc()
    if libc.unshare(CLONE_NEWNET) == 0:
        isolation.applied.append("no network")
    else:
        isolation.missing.append("network (needs root)")
    namespace = libc.unshare(CLONE_NEWNS) == 0 and _mount(libc, "none", "/", None, MS_REC | MS_PRIVATE)
    if namespace:
        hid = _only_own_folder(libc, workdir)
        for path in hidden:
            if path.is_dir():
                hid &= _mount(libc, "tmpfs", str(path), "tmpfs", MS_RDONLY | MS_NOSUID | MS_NODEV, "size=4k")
            elif path.exists():
                hid &= _mount(libc, "/dev/null", str(path), None, MS_BIND)
        (isolation.applied if hid else isolation.missing).append("hidden tests, solution and gradebook hidden")
    else:
        isolation.missing.append("hiding files (needs root)")
    if os.geteuid() != 0:
        isolation.missing.append("unprivileged user (needs root to switch)")
        return
    try:
        nobody = pwd.getpwnam("nobody")
    except KeyError:
        nobody = None
    if nobody is not None and _interpreter_readable_by_nobody():
        for path in [workdir, *workdir.iterdir()]:
            os.chown(path, nobody.pw_uid, nobody.pw_gid)
        os.setgroups([])
        resource.setrlimit(resource.RLIMIT_NPROC, (limits.processes, limits.processes))
        os.setgid(nobody.pw_gid)
        os.setuid(nobody.pw_uid)
        isolation.applied.append("runs as nobody")
        return
    # The interpreter lives where only root may read (e.g. under /root): keep the user id,
    # make every file system read-only but the run's own folder, and drop all privileges.
    if namespace and _read_only_except(libc, workdir):
        isolation.applied.append("read-only file system outside its own folder")
    else:
        isolation.missing.append("read-only file system")
    if _drop_capabilities(libc):
        isolation.applied.append("no privileges (all capabilities dropped)")
    else:
        isolation.missing.append("dropping privileges")
