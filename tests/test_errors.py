"""The package's exception hierarchy and located findings (me_utils.core.errors)."""

from __future__ import annotations

import importlib
import pathlib
import re

import pytest

from me_utils.core import errors as E


def test_finding_formats_location_and_reason_in_both_languages():
    f = E.Finding(
        "leadership/councils.csv",
        "số ghế phải ít nhất là 1",
        "seats must be at least 1",
        code="seats_ge_1",
        row=4,
        column="seats",
    )
    assert f.format("vi") == "tệp leadership/councils.csv, trang tính –, dòng 4, cột seats: số ghế phải ít nhất là 1"
    assert f.format("en") == "file leadership/councils.csv, sheet –, row 4, column seats: seats must be at least 1"
    # A sheet is named when there is one; row and column are left out when unknown.
    g = E.Finding("a.xlsx", "thiếu", "missing", sheet="Biểu 1")
    assert g.format("en") == "file a.xlsx, sheet Biểu 1: missing"
    assert g.format("vi") == "tệp a.xlsx, trang tính Biểu 1: thiếu"
    with pytest.raises(ValueError):
        f.format("fr")


def test_finding_is_frozen_has_no_value_field_and_checks_severity():
    f = E.Finding("x.csv", "a", "b", row=3.0)
    assert f.row == 3 and isinstance(f.row, int) and f.severity == "error"
    with pytest.raises(AttributeError):
        f.row = 5
    assert "value" not in E.Finding.__dataclass_fields__  # cell values never travel in a finding
    with pytest.raises(ValueError, match="severity"):
        E.Finding("x.csv", "a", "b", severity="fatal")
    assert set(f.as_dict()) == {"severity", "code", "file", "sheet", "row", "column", "reason_vi", "reason_en"}


def test_error_with_findings_words_all_of_them():
    fs = [E.Finding("k.csv", f"lỗi {i}", f"problem {i}", row=i + 2, column="year") for i in range(3)]
    err = E.InputError(findings=fs)
    assert err.findings == tuple(fs)
    lines = str(err).splitlines()
    # Vietnamese first, then English, one finding per line.
    assert lines == [f.format("vi") for f in fs] + [f.format("en") for f in fs]
    assert err.text("en", limit=2).splitlines() == [fs[0].format("en"), fs[1].format("en"), "… and 1 more"]
    assert err.text("vi", limit=1).splitlines()[-1] == "… và 2 vấn đề khác"
    plain = E.BuildError("no raw folder")
    assert plain.findings == () and plain.text("en") == "no raw folder"


def test_short_message_keeps_one_line_and_the_class_name():
    exc = ValueError("bad value in column x\n  row 12: GBV-MS-2023-0001 2023-04-01")
    assert E.short_message(exc) == "ValueError: bad value in column x"
    assert E.short_message(KeyError()) == "KeyError"
    long = E.ReportError("a" * 50)
    s = E.short_message(long, limit=20)
    assert len(s) == 20 and s == "ReportError: aaaaaa…"
    assert E.short_message(RuntimeError("x\ty\r\nsecret")) == "RuntimeError: x y"
    # A stored message text, or a record that keeps the class name apart: no name added.
    assert E.short_message("KeyError: 'x'\nrow 3 ...", limit=10) == "KeyError:…"
    assert E.short_message(ValueError("first\nsecond"), with_name=False) == "first"
    with pytest.raises(ValueError):
        E.short_message(exc, limit=1)


# The package's historical exception classes: module, class, family, historical base.
PACKAGE_EXCEPTIONS = [
    ("evidence.model", "EvidenceError", E.ReportError, RuntimeError),
    ("analysis.leadership", "LeadershipDataError", E.InputError, ValueError),
    ("analysis.leadership", "LeadershipReferenceError", E.ReferenceDataError, ValueError),
    ("intake.cells", "CellError", E.InputError, ValueError),
    ("intake.limits", "FileError", E.InputError, Exception),
    ("reference.units", "UnitsError", E.ReferenceDataError, ValueError),
    ("reference.units", "AmbiguousUnitError", E.ReferenceDataError, LookupError),
    ("reference.plan", "PlanError", E.ReferenceDataError, ValueError),
    ("render.export", "ReportTooLarge", E.ReportError, RuntimeError),
    ("demo.generate", "DemoError", E.UsageError, Exception),
    ("runner", "UsageError", E.UsageError, Exception),
    ("runner", "ReportsFolderError", E.ReportError, Exception),
    ("api", "ApiError", E.UsageError, ValueError),
    ("analysis.trends", "InsufficientData", E.ReportError, ValueError),
    ("analysis.disclosure", "DisclosureError", E.DisclosureError, ValueError),
    ("build.pipeline", "BuildError", E.BuildError, Exception),
    ("build.pipeline", "BuildLocked", E.BuildError, Exception),
    ("intake.register", "RegisterError", E.InputError, ValueError),
    ("reference.catalogue", "CatalogueError", E.ReferenceDataError, ValueError),
]


@pytest.mark.parametrize("module,name,family,old_base", PACKAGE_EXCEPTIONS)
def test_each_package_exception_is_a_me_error_and_keeps_its_old_base(module, name, family, old_base):
    cls = getattr(importlib.import_module(f"me_utils.{module}"), name)
    assert issubclass(cls, E.MeError) and issubclass(cls, family) and issubclass(cls, old_base)


def test_every_exception_class_of_the_package_is_listed():
    """A new exception class must join the hierarchy (and this list)."""
    src = pathlib.Path(importlib.import_module("me_utils").__file__).parent
    found = set()
    for p in src.rglob("*.py"):
        if p.name == "errors.py":
            continue
        for m in re.finditer(r"^class (\w+)\(([^)]*)\):", p.read_text(encoding="utf-8"), re.MULTILINE):
            bases = m.group(2)
            if re.search(r"Error|Exception|TooLarge|InsufficientData", bases):
                mod = ".".join(p.relative_to(src).with_suffix("").parts)
                found.add((mod, m.group(1)))
    listed = {(m, n) for m, n, _, _ in PACKAGE_EXCEPTIONS}
    # Classes move between modules when a module is split (the old module re-exports them):
    # compare the class names; the parametrised test above imports each from its listed module.
    names_found, names_listed = {n for _, n in found}, {n for _, n in listed}
    assert names_found == names_listed, (names_found - names_listed, names_listed - names_found)


def test_existing_handlers_still_catch_them():
    from me_utils.intake.submissions import CellError, FileError
    from me_utils.reference.catalogue import CatalogueError

    with pytest.raises(ValueError):
        raise CatalogueError([("indicators.yaml", "M1.C1", "direction", "'up' is not valid")])
    e = CellError("not_number", "không phải số", "not a number")
    assert (e.code, e.vi, e.en, str(e)) == ("not_number", "không phải số", "not a number", "not a number")
    assert e.findings == ()
    f = FileError("unreadable", "không đọc được", "cannot read")
    assert isinstance(f, E.InputError) and str(f) == "cannot read"
