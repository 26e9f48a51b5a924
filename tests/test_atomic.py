"""Atomic writes leave either the old file or the complete new one, never a temp file."""

from __future__ import annotations

import os
import stat

import pytest

from me_utils.core.atomic import atomic_path, atomic_write_text


def test_write_replaces_and_is_world_readable(tmp_path):
    p = tmp_path / "r.html"
    p.write_text("old")
    old = os.umask(0o022)
    try:
        atomic_write_text(p, "new")
    finally:
        os.umask(old)
    assert p.read_text() == "new"
    assert stat.S_IMODE(p.stat().st_mode) == 0o644
    assert [x.name for x in tmp_path.iterdir()] == ["r.html"]


def test_failure_keeps_the_old_file_and_no_temp(tmp_path):
    p = tmp_path / "r.html"
    p.write_text("old")
    with pytest.raises(RuntimeError):
        with atomic_path(p) as tmp:
            tmp.write_text("half")
            raise RuntimeError("crash while writing")
    assert p.read_text() == "old"
    assert [x.name for x in tmp_path.iterdir()] == ["r.html"]
