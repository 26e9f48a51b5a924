"""The folder swap of ``me build`` (:mod:`me_utils.build.pipeline`): write the new processed
data into a fresh folder next to ``processed/`` and swap it in (one atomic exchange on Linux,
two renames elsewhere), so ``processed/`` is always complete; and the recovery of what a
crashed build left behind.
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from me_utils.core.atomic import exchange, fsync_tree

_NEW_PREFIX, _OLD_PREFIX = ".processed.new-", ".processed.old-"


def recover(root: Path) -> list[str]:
    """Clean what a crashed build left next to ``processed/`` (call with the build lock held).

    * ``processed/`` missing but a ``.processed.old-*`` folder present (a crash between the two
      renames of the fallback swap): the newest old folder — complete, it was the live one — is
      renamed back to ``processed/``;
    * every other ``.processed.new-*`` / ``.processed.old-*`` folder (each may hold a copy of the
      GBV register) is removed.

    Returns what was done, one line each (for the build's output).
    """
    done = []
    processed = root / "processed"
    olds = sorted((p for p in root.glob(_OLD_PREFIX + "*") if p.is_dir()), key=lambda p: p.stat().st_mtime)
    if not processed.exists() and not processed.is_symlink() and olds:
        os.replace(olds[-1], processed)
        done.append(f"khôi phục/restored processed/ from {olds[-1].name}")
        olds = olds[:-1]
    for p in olds + sorted(root.glob(_NEW_PREFIX + "*")):
        shutil.rmtree(p, ignore_errors=True)
        done.append(f"xóa/removed leftover {p.name}")
    return done


def swap_in(root: Path, outputs: dict[str, bytes], private=()) -> None:
    """Write ``outputs`` into a fresh folder next to ``processed/`` and swap it in.

    The new folder is written completely (files fsynced) first. Then, on Linux, one
    ``renameat2(RENAME_EXCHANGE)`` swaps it with ``processed/``: at every instant the name
    ``processed`` is a complete folder, old or new, whatever happens to the process. Elsewhere
    (or on a file system without the exchange) two renames are used; a crash between them
    leaves ``processed/`` under a ``.processed.old-*`` name, which :func:`recover` puts back at
    the next build. Folders and files get the permissions of the umask (``mkdtemp`` would give
    0700), except the outputs named in ``private`` (the GBV register's case-level copy): those
    files are 0600 and their folders 0700, as in ``reports/_restricted/``. Leftovers are removed;
    if anything fails before the swap, ``processed/`` is untouched.
    """
    processed = root / "processed"
    tmp = Path(tempfile.mkdtemp(prefix=_NEW_PREFIX, dir=root))
    os.chmod(tmp, 0o777 & ~_umask())
    try:
        for name, data in outputs.items():
            p = tmp / name
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
            if name in private:
                os.chmod(p, 0o600)
                if p.parent != tmp:
                    os.chmod(p.parent, 0o700)
        fsync_tree(tmp)
        if not processed.exists():
            os.replace(tmp, processed)
        elif exchange(tmp, processed):
            _after_swap()  # tests inject a crash here
            shutil.rmtree(tmp, ignore_errors=True)  # now the old data
        else:
            old = Path(tempfile.mkdtemp(prefix=_OLD_PREFIX, dir=root))
            os.rmdir(old)
            os.replace(processed, old)
            _between_renames()  # tests inject a crash here
            try:
                os.replace(tmp, processed)
            except BaseException:
                os.replace(old, processed)
                raise
            shutil.rmtree(old, ignore_errors=True)
    finally:
        if tmp.exists():
            shutil.rmtree(tmp, ignore_errors=True)


def _between_renames() -> None:
    """Hook for fault injection in tests (fallback swap, between its two renames)."""


def _after_swap() -> None:
    """Hook for fault injection in tests (after the atomic exchange, before the clean-up)."""


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
