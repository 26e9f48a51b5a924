"""core.filecache: a data file read once per version (path, mtime, size)."""

from __future__ import annotations

import os

import pandas as pd
import pytest

from me_utils.core import filecache


def test_read_once_per_version_and_copies(tmp_path):
    p = tmp_path / "t.csv"
    p.write_text("a\n1\n2\n", encoding="utf-8")
    calls = []

    def reader(path, scale):
        calls.append(scale)
        return pd.read_csv(path) * scale

    first = filecache.read_once(p, reader, 10)
    assert first["a"].tolist() == [10, 20]
    first.loc[0, "a"] = -1  # a caller's change must not reach the next caller
    assert filecache.read_once(p, reader, 10)["a"].tolist() == [10, 20]
    assert calls == [10]
    assert filecache.read_once(p, reader, 3)["a"].tolist() == [3, 6]  # other arguments, other result
    # A changed file (size and time) is read again.
    p.write_text("a\n1\n2\n5\n", encoding="utf-8")
    assert filecache.read_once(p, reader, 10)["a"].tolist() == [10, 20, 50]
    # Same size, later time: read again too.
    p.write_text("a\n7\n2\n5\n", encoding="utf-8")
    st = p.stat()
    os.utime(p, ns=(st.st_atime_ns, st.st_mtime_ns + 1_000_000))
    assert filecache.read_once(p, reader, 10)["a"].tolist() == [70, 20, 50]
    assert calls == [10, 3, 10, 10]


def test_errors_are_not_cached(tmp_path):
    p = tmp_path / "bad.csv"
    p.write_text("x", encoding="utf-8")
    n = []

    def reader(path):
        n.append(1)
        raise ValueError("bad file")

    for _ in range(2):
        with pytest.raises(ValueError):
            filecache.read_once(p, reader)
    assert len(n) == 2
    assert filecache.stamp(tmp_path / "missing.csv") is None
