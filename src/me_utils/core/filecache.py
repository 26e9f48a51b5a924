"""Reading a data file once per change: a small in-process cache keyed on the file's path,
modification time and size.

A report batch keeps one kernel per worker, and every page of a unit reads the same processed
files (observations, leadership tables, the GBV register): each read and check took 0.1–0.4 s
per page. The cache returns the same result while the file is unchanged and reads it again as
soon as it changes, so an analyst who rebuilds in a running kernel never gets stale data.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable
from pathlib import Path
from typing import TypeVar

import pandas as pd

T = TypeVar("T")

#: How many results are kept (least recently used dropped first).
MAX_ENTRIES = 32

_CACHE: OrderedDict[tuple, object] = OrderedDict()


def stamp(path: str | os.PathLike) -> tuple[int, int] | None:
    """(mtime in ns, size in bytes) of ``path``; None when it does not exist."""
    try:
        st = os.stat(path)
    except FileNotFoundError:
        return None
    return (st.st_mtime_ns, st.st_size)


def read_once(path: str | os.PathLike, reader: Callable[..., T], *args: object) -> T:
    """``reader(path, *args)``, computed once per version of the file at ``path`` and per
    ``args`` (hashable: whatever else the result depends on, e.g. the table name). A DataFrame result (alone or in
    a tuple) is returned as a copy, so a caller that changes it does not change what the next caller gets. Errors
    are not cached: a bad file raises every time it is read.
    """
    p = Path(path).resolve()
    k = (str(p), stamp(p), getattr(reader, "__module__", ""), getattr(reader, "__qualname__", repr(reader)), *args)
    if k in _CACHE:
        _CACHE.move_to_end(k)
        hit = _CACHE[k]
    else:
        hit = reader(p, *args)
        _CACHE[k] = hit
        while len(_CACHE) > MAX_ENTRIES:
            _CACHE.popitem(last=False)
    return _copied(hit)


def _copied(value):
    """A DataFrame copied (also inside a tuple), anything else as it is."""
    if isinstance(value, pd.DataFrame):
        return value.copy()
    if isinstance(value, tuple):
        return tuple(_copied(v) for v in value)
    return value


def clear() -> None:
    """Forget every cached result."""
    _CACHE.clear()
