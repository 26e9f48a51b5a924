"""Atomic file writes: a reader, or a crash, never sees a half-written output.

Every output (processed tables, HTML reports, PDFs, workbooks, templates) is written to a
temporary file ``.<name>.<random>.tmp`` in the destination folder and moved into place with
``os.replace``, which is atomic on the same file system. The temporary file is removed on error.
Finished files get the permissions an ordinary ``open()`` would give (0666 minus the umask),
because ``mkstemp`` creates 0600 files that other readers of ``reports/`` could not open.
"""

from __future__ import annotations

import contextlib
import os
import sys
import tempfile
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def atomic_path(path: str | os.PathLike, fsync: bool = False):
    """Context manager yielding a temporary path next to ``path``; on success the file written
    there replaces ``path`` atomically, on error it is deleted and ``path`` is left untouched.
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        yield Path(tmp)
        if fsync:
            with open(tmp, "rb") as fh:
                os.fsync(fh.fileno())
        os.chmod(tmp, 0o666 & ~_umask())
        os.replace(tmp, path)
    finally:
        if os.path.exists(tmp):
            os.unlink(tmp)


def atomic_write_bytes(path: str | os.PathLike, data: bytes, fsync: bool = False) -> Path:
    """Write ``data`` to ``path`` atomically; return the path."""
    with atomic_path(path, fsync=fsync) as tmp:
        tmp.write_bytes(data)
    return Path(path)


def atomic_write_text(path: str | os.PathLike, text: str, fsync: bool = False) -> Path:
    """UTF-8 text version of :func:`atomic_write_bytes`."""
    return atomic_write_bytes(path, text.encode("utf-8"), fsync=fsync)


# ---------------------------------------------------------------------------------------------
# Whole folders: an atomic exchange (issue 16, crash-safe build)

_RENAME_EXCHANGE = 2  # linux/fs.h
_AT_FDCWD = -100
# renameat2 system call numbers, for a C library without the wrapper (glibc < 2.28, musl < 1.2.4).
_SYS_RENAMEAT2 = {
    "x86_64": 316,
    "aarch64": 276,
    "i686": 353,
    "i386": 353,
    "armv7l": 382,
    "ppc64le": 357,
    "s390x": 347,
    "riscv64": 276,
}


def _renameat2():
    """The C library's ``renameat2`` as ``f(old, new, flags) -> (rc, errno)``, or None."""
    import ctypes
    import platform

    if not sys.platform.startswith("linux"):
        return None
    try:
        libc = ctypes.CDLL(None, use_errno=True)
    except OSError:
        return None
    fn = getattr(libc, "renameat2", None)
    if fn is not None:
        fn.argtypes = [ctypes.c_int, ctypes.c_char_p, ctypes.c_int, ctypes.c_char_p, ctypes.c_uint]

        def call(a: bytes, b: bytes, flags: int):
            rc = fn(_AT_FDCWD, a, _AT_FDCWD, b, flags)
            return rc, ctypes.get_errno()

        return call
    nr = _SYS_RENAMEAT2.get(platform.machine())
    if nr is None:
        return None

    def call_sys(a: bytes, b: bytes, flags: int):
        rc = libc.syscall(
            ctypes.c_long(nr),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(a),
            ctypes.c_int(_AT_FDCWD),
            ctypes.c_char_p(b),
            ctypes.c_uint(flags),
        )
        return rc, ctypes.get_errno()

    return call_sys


def exchange(a: str | os.PathLike, b: str | os.PathLike) -> bool:
    """Atomically exchange two existing paths (``renameat2(RENAME_EXCHANGE)``, Linux ≥ 3.15).

    Returns True when done; False when the platform or file system cannot (not Linux, no
    system call, ``EINVAL``/``ENOSYS``/``EOPNOTSUPP`` from the file system) — the caller then
    falls back. Other failures raise :class:`OSError`. At every instant both names exist.
    """
    import errno

    fn = _renameat2()
    if fn is None:
        return False
    rc, err = fn(os.fsencode(os.fspath(a)), os.fsencode(os.fspath(b)), _RENAME_EXCHANGE)
    if rc == 0:
        return True
    if err in (errno.ENOSYS, errno.EINVAL, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), os.fspath(a), None, os.fspath(b))


def fsync_tree(folder: str | os.PathLike) -> None:
    """fsync every file and folder under ``folder`` (so a power cut after the swap cannot leave
    empty files in the new folder)."""
    for dirpath, _dirnames, filenames in os.walk(folder):
        for fn in filenames:
            fd = os.open(os.path.join(dirpath, fn), os.O_RDONLY)
            try:
                os.fsync(fd)
            finally:
                os.close(fd)
        fd = os.open(dirpath, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
