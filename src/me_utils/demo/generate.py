"""``me demo``: write the illustrative demo data root (dữ liệu minh họa / illustrative data).

``me demo [--out ROOT] [--seed N]`` writes ``ROOT/raw/`` exactly per the "Demo raw layout" of
docs/CONTRACTS.md, for 2020 (baseline) to 2025:

- ``submissions/<year>/<DEPT>_<year>_<period>[_r<n>].xlsx|csv``: department reports in the
  submission format of issue 4 (title rows, ``Cơ quan báo cáo:``/``Ngày gửi:`` rows,
  Vietnamese headers, Vietnamese number text), see :mod:`me_utils.demo.submissions`;
- ``gbv/register.csv``, ``trafficking/returnees.csv``, ``leadership/councils.csv``,
  ``leadership/key_leaders.csv``, ``leadership/planning_pool.csv``,
  ``population/population.csv``, see :mod:`me_utils.demo.tables`;
- ``README.txt`` (what is illustrative, the seed, which figures are real and their source) and
  an empty marker file ``ILLUSTRATIVE`` that ``me build`` detects.

Same seed -> byte-identical files (xlsx files are written by :mod:`me_utils.demo.xlsx` with
their properties and zip timestamps pinned to the date the file was "sent").

``me demo`` refuses to write into a non-empty folder that is not a previous demo output (no
``raw/ILLUSTRATIVE`` marker), so real data is never overwritten. A previous demo folder is
replaced as a whole, its stale ``processed/`` included: the new folder is written next to it
under a temporary name, then swapped in with two renames (the old one is removed after).
"""

from __future__ import annotations

import argparse
import csv
import datetime as _dt
import io
import os
import shutil
import sys
import tempfile
import time
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from me_utils.core import errors as _errors
from me_utils.core import fmt, paths
from me_utils.demo import communes as demo_communes
from me_utils.demo import leadership as demo_leadership
from me_utils.demo import register_communes as demo_register
from me_utils.demo import submissions as S
from me_utils.demo import tables as T
from me_utils.demo import xlsx as X
from me_utils.reference import units as units_mod  # type: ignore[attr-defined]
from me_utils.reference.catalogue import department_name, load_catalogue

DEFAULT_SEED = 20250506  # the date of plan 123/KH-UBND (06/05/2025)
MARKER = "ILLUSTRATIVE"
LABEL_VI = "Dữ liệu minh họa"
LABEL_EN = "Illustrative data"
LABEL = f"{LABEL_VI} / {LABEL_EN}"
TITLE_NOTE = (
    "DỮ LIỆU MINH HỌA / ILLUSTRATIVE DATA – số liệu tạo ra để thử nghiệm, không phải số liệu thật của tỉnh Sơn La"
)
HEADER = ["Mã chỉ tiêu", "Đơn vị", "Năm", "Kỳ báo cáo", "Giá trị", "Tử số", "Mẫu số", "Giới tính", "Ghi chú"]
PERIOD_VI = {"FY": "Năm", "H1": "6 tháng"}
SEX_VI = {"T": "Tổng", "F": "Nữ", "M": "Nam"}


class DemoError(_errors.UsageError):
    """A problem the user can fix (e.g. the output folder holds real data)."""


# --------------------------------------------------------------------------------------------
# Inputs from the catalogue and the unit list
# --------------------------------------------------------------------------------------------


def load_specs() -> dict[str, S.IndicatorSpec]:
    """Catalogue indicators as the demo needs them (code -> IndicatorSpec)."""

    cat = load_catalogue()
    return {
        code: S.IndicatorSpec(code, ind.department, ind.kind, float(ind.scale), ind.periodicity, ind.name_vi)
        for code, ind in sorted(cat.indicators.items())
    }


def load_unit_names(include_communes: bool = False) -> dict[str, dict[str, str]]:
    """Unit names: ``{"name_vi"|"name_ascii"|"full_name_vi": {code: name}}`` of the province
    and the districts (``include_communes=True`` adds the 75 communes of 2025-07-01, whose
    names repeat district names: used for the 2026 files only).

    Uses :mod:`me_utils.reference.units` when present, else ``data/reference/units.csv`` directly.
    """
    try:
        frame = units_mod.load_units().frame()
        if not include_communes:
            frame = frame[frame["level"] != "commune"]
    except ImportError:
        frame = pd.read_csv(paths.reference_dir() / "units.csv", dtype=str)
    frame = frame.set_index("unit_code")
    return {col: {str(k): str(v) for k, v in frame[col].items()} for col in ("name_vi", "name_ascii", "full_name_vi")}


def department_names() -> dict[str, str]:
    """Department code -> Vietnamese name (plan 123 section IV)."""

    return {c: department_name(c, "vi") for c in S.FORMATS}


# --------------------------------------------------------------------------------------------
# Writing files deterministically
# --------------------------------------------------------------------------------------------


def _fmt_value(x, decimals: int, style: str, percent: bool = False):
    """A number as the department would type it in this file style."""
    if x is None or (isinstance(x, float) and pd.isna(x)):
        return None
    if style in ("xlsx_text", "csv_vi"):
        s = fmt.fmt_number(x, decimals, "vi")
        return s + "%" if percent else s
    if style == "csv_plain":
        return f"{x:.{decimals}f}" if decimals else str(int(round(x)))
    return float(x) if decimals else int(round(x))  # xlsx_num: real numeric cells


def header(pf: S.PlannedFile) -> list[str]:
    """Column headers of one submission: HEADER plus the department's extra columns."""
    extra = S.EXTRA_COLUMNS.get(pf.department, ())
    cols = list(HEADER)
    if "name" in extra:
        cols.insert(1, "Tên chỉ tiêu")
    if "stt" in extra:
        cols.insert(0, "STT")
    return cols


def _table_rows(pf: S.PlannedFile, specs, units: dict) -> list[list]:
    """Data rows of one submission (cells in :func:`header` order)."""
    extra = S.EXTRA_COLUMNS.get(pf.department, ())
    style = S.unit_style(pf.department, pf.year)
    out = []
    for r in pf.rows.itertuples(index=False):
        spec = specs[r.indicator_code]
        dec = S.DECIMALS.get(spec.kind, 2)
        pct = spec.kind == "proportion" and spec.scale == 100 and pf.style != "csv_plain"
        unit = S.unit_label(r.unit_code, style, r.year, units)
        text_style = pf.style in ("xlsx_text", "csv_vi")
        out.append(
            [
                r.indicator_code,
                unit,
                str(r.year) if pf.style.startswith("csv") else int(r.year),
                PERIOD_VI[r.period],
                _fmt_value(r.value, dec, pf.style, percent=pct),
                _fmt_value(r.numerator, 0, pf.style),
                _fmt_value(r.denominator, 0, pf.style),
                SEX_VI[r.sex] if text_style else r.sex,
                r.note or None,
            ]
        )
        if "name" in extra:
            out[-1].insert(1, spec.name_vi)
        if "stt" in extra:
            out[-1].insert(0, len(out) if pf.style.startswith("xlsx") else str(len(out)))
    return out


def _title(pf: S.PlannedFile) -> str:
    when = "NĂM" if pf.period == "FY" else "6 THÁNG ĐẦU NĂM"
    return f"BÁO CÁO KẾT QUẢ THỰC HIỆN CÁC CHỈ TIÊU VỀ BÌNH ĐẲNG GIỚI {when} {pf.year}"


def _widths(cols: list[str]) -> dict[str, float]:
    want = {"Mã chỉ tiêu": 12, "Tên chỉ tiêu": 50, "Đơn vị": 22, "Ghi chú": 40}
    return {X.col_letter(i): want[c] for i, c in enumerate(cols) if c in want}


def write_xlsx(pf: S.PlannedFile, specs, units, depts, seed: int) -> bytes:
    """One submission as xlsx bytes: title rows (merged), metadata rows, header, data.

    The illustrative label is in the second title row and in the workbook properties
    (title, subject, keywords, description). Dates inside the file are the sending date.
    """
    rows = [
        [_title(pf)],
        [TITLE_NOTE],
        [f"Cơ quan báo cáo: {depts[pf.department]}"],
        [f"Ngày gửi: {pf.sent.strftime('%d/%m/%Y')}"],
        [],
        header(pf),
    ]
    rows += _table_rows(pf, specs, units)
    report = X.Sheet(
        "Báo cáo",
        rows,
        bold_rows=(6,),
        centered_rows=(1,),
        merges=(f"A1:{X.col_letter(len(header(pf)) - 1)}1",),
        widths=_widths(header(pf)),
    )
    sheets = [report]
    if _is_awkward(pf, "second_sheet"):
        sheets.insert(0, X.Sheet("Hướng dẫn", [["Hướng dẫn: điền số liệu vào trang “Báo cáo”. " + TITLE_NOTE]]))
    props = {
        "title": f"{pf.stem} ({LABEL})",
        "subject": LABEL,
        "creator": depts[pf.department],
        "last_modified_by": depts[pf.department],
        "keywords": "illustrative; dữ liệu minh họa; demo",
        "description": f"{TITLE_NOTE}. me demo --seed {seed}",
    }
    return X.workbook_bytes(sheets, props, _dt.datetime.combine(pf.sent, _dt.time(9, 0)))


_CP1258_SHAPE = {"\u0302", "\u0306", "\u031b"}  # circumflex, breve, horn: part of the letter


def encode_cp1258(text: str) -> bytes:
    """Encode Vietnamese text in Windows-1258 as Windows does: letters with circumflex, breve
    or horn are code-page characters, tone marks follow as combining characters."""
    out = bytearray()
    for ch in unicodedata.normalize("NFC", text):
        try:
            out += ch.encode("cp1258")
            continue
        except UnicodeEncodeError:
            pass
        d = unicodedata.normalize("NFD", ch)
        base = unicodedata.normalize("NFC", d[0] + "".join(m for m in d[1:] if m in _CP1258_SHAPE))
        out += base.encode("cp1258")
        out += "".join(m for m in d[1:] if m not in _CP1258_SHAPE).encode("cp1258")
    return bytes(out)


def _is_awkward(pf: S.PlannedFile, case: str) -> bool:
    a = S.AWKWARD[case]
    return (pf.department, pf.year, pf.period) == (a["department"], a["year"], a["period"])


def write_csv(pf: S.PlannedFile, specs, units, depts) -> bytes:
    """One submission as csv bytes: title and metadata lines, header, data.

    ``csv_vi``: ``;`` delimiter, UTF-8 with BOM, CRLF (as Excel on Windows saves it) -- or
    Windows-1258 without BOM for the AWKWARD ``cp1258`` file; ``csv_plain``: ``,`` delimiter,
    UTF-8, LF. Every data row has ``data_status=illustrative``.
    """
    vi = pf.style == "csv_vi"
    buf = io.StringIO()
    w = csv.writer(buf, delimiter=";" if vi else ",", lineterminator="\r\n" if vi else "\n")
    w.writerow([_title(pf)])
    w.writerow([TITLE_NOTE])
    w.writerow([f"Cơ quan báo cáo: {depts[pf.department]}"])
    w.writerow([f"Ngày gửi: {pf.sent.strftime('%d/%m/%Y')}"])
    w.writerow([])
    w.writerow(header(pf) + ["data_status"])
    for row in _table_rows(pf, specs, units):
        w.writerow(["" if c is None else c for c in row] + [T.DATA_STATUS])
    text = buf.getvalue()
    if _is_awkward(pf, "cp1258"):
        return encode_cp1258(text)
    return ("\ufeff" + text if vi else text).encode("utf-8")


def _csv_bytes(df: pd.DataFrame) -> bytes:
    return df.to_csv(index=False, lineterminator="\n").encode("utf-8")


# --------------------------------------------------------------------------------------------
# README
# --------------------------------------------------------------------------------------------


def readme_text(seed: int, files: list[S.PlannedFile], tables: dict) -> str:
    """The ``raw/README.txt`` text (Vietnamese first, then English)."""
    pub = demo_leadership.published_council_totals()
    aw = S.AWKWARD
    n_cases = len(tables["register"])
    pop = tables["population"].groupby("year")["population"].sum()
    lines = [
        "DỮ LIỆU MINH HỌA / ILLUSTRATIVE DATA",
        "=" * 36,
        "",
        "Thư mục này chứa dữ liệu minh họa do lệnh `me demo` tạo ra từ một hạt giống ngẫu nhiên.",
        "Đây KHÔNG phải số liệu thật của tỉnh Sơn La, trừ các con số công bố ghi rõ nguồn dưới đây.",
        "This folder holds illustrative data generated by `me demo` from a random seed. It is NOT",
        "Son La's real data, except the published figures listed below with their source.",
        "",
        f"Seed / hạt giống: {seed}   (me demo --seed {seed}: same seed, byte-identical files)",
        'Marker file / tệp đánh dấu: ILLUSTRATIVE (me build sets "illustrative": true)',
        "",
        "REAL PUBLISHED FIGURES / SỐ LIỆU THẬT ĐÃ CÔNG BỐ",
        "Only in leadership/councils.csv, term 2021-2026 (column figure_status):",
    ]
    for level in ("province", "district", "commune"):
        p = pub[level]
        lines.append(
            f"  - {level}: {p.women}/{p.seats} women deputies ({fmt.fmt_pct(100 * p.women / p.seats, 2, 'en')})"
        )
    lines += [
        f"  Source / nguồn: {pub['province'].source}",
        "  province row = the published figure (figure_status=published); district and commune",
        "  rows = a GENERATED split across the 12 districts whose sums equal the published totals",
        "  (figure_status=split_of_published_total). ethnic_minority_women and the whole",
        "  2016-2021 term are generated (figure_status=generated).",
        "Everything else in this folder is generated. / Mọi số liệu khác đều là số liệu tạo ra.",
        "",
        "CONTENTS / NỘI DUNG",
        f"  submissions/<year>/<DEPT>_<year>_<period>[_r<n>].xlsx|csv  ({len(files)} files)",
        f"  gbv/register.csv                 GBV case register, {n_cases} cases reported 2020-2026",
        "                                   (from 01/07/2025 by the commune that received the case)",
        "  trafficking/returnees.csv        returning trafficking victims (police CA, border guard BDBP)",
        "  leadership/councils.csv          People's Council composition, terms 2016-2021, 2021-2026",
        "  leadership/key_leaders.csv       agencies/local governments with a woman key leader",
        "  leadership/planning_pool.csv     women in the cadre planning pool and their training",
        "  population/population.csv        mid-year population by district, sex, age group, year",
        f"                                   province total {pop.iloc[0]:,} (2020) to {pop.iloc[-1]:,} (2025);",
        "                                   districts only: the province is their sum",
        "Every csv has a column data_status = illustrative; every xlsx says so in its second title",
        "row and in its document properties.",
        "",
        "CONVENTIONS / QUY ƯỚC",
        "  Tóm tắt: Năm (FY, hạn 25/11) và 6 tháng (H1, hạn 20/5, tính từ 01/01 đến 30/6);",
        "  số liệu từ sổ theo dõi BLTCSG chỉ tính các trường hợp đồng ý báo cáo, theo năm của",
        "  ngày báo cáo đầu tiên; cấp huyện kết thúc ngày 30/6/2025 nên báo cáo năm 2025 chỉ có",
        "  số liệu cấp tỉnh, báo cáo 6 tháng đầu năm 2025 vẫn có số liệu cấp huyện.",
        "  - Periods: FY = year (annual report due before 25/11), H1 = half-year (due before 20/5).",
        "    Register-based figures count consented cases (consent_reporting = 1) by the year of",
        "    report_date; H1 = cases first reported 1 January-30 June. (In this demo the sent",
        "    figures equal the final register counts; real reports sent before the period ends",
        "    would hold estimates.)",
        "  - The district level ended on 30/06/2025: 2025 district rows exist only in the H1",
        "    reports; 2025 annual reports carry province (SL) rows only. Register, returnees and",
        "    population rows dated after 30/06/2025 keep the code of the former district area.",
        "  - key_leaders.csv / planning_pool.csv: SL row = provincial-level agencies (2020-2024) or",
        "    the whole province incl. the 75 new communes (2025); the province figure of a year is",
        "    the sum over all rows of that year.",
        "  - Sex: figures are totals (Giới tính = Tổng/T) except M5.C1, sent for girls (Nữ) and",
        "    boys (Nam) as well; their counts add up to the total.",
        "  - SNV and SVHTTDL send half-year reports; CA reports M3.C3 with border-guard",
        "    figures included (so BDBP sends no file). Not sent:",
        *[f"      {k}: {v}" for k, v in sorted(S.NOT_SUBMITTED.items())],
        "  - Register-based indicators (consented cases only):",
        *[f"      {k}: {v['what']}" for k, v in sorted(T.REGISTER_DEFINITIONS.items())],
        "",
        "DELIBERATE AWKWARD CASES / CÁC TÌNH HUỐNG CỐ Ý",
        f"  - late: {aw['late']['department']} {aw['late']['period']} {aw['late']['year']} sent "
        f"{aw['late']['date']} (deadline 25/11).",
        f"  - missing: {aw['missing']['department']} sent no {aw['missing']['period']} report for "
        f"{aw['missing']['year']}.",
        f"  - revised: {aw['revised']['department']}_{aw['revised']['year']}_"
        f"{aw['revised']['period']}_r{aw['revised']['revision']} re-sends {aw['revised']['indicator']}"
        f" for {aw['revised']['unit']} (first file had a typing slip in the numerator).",
        f"  - tiny counts: district {aw['tiny']['unit']} (GBV cases per year in single digits).",
        f"  - table on the second sheet: {aw['second_sheet']['department']}_"
        f"{aw['second_sheet']['year']}_{aw['second_sheet']['period']}.xlsx.",
        f"  - Windows-1258 encoding: {aw['cp1258']['department']}_{aw['cp1258']['year']}_"
        f"{aw['cp1258']['period']}.csv (not UTF-8).",
        "  - values typed as Vietnamese text (35,38%, 1.234); units written as names with or",
        "    without diacritics, as codes, or with their type (huyện Quỳnh Nhai; Mộc Châu as",
        "    huyện up to 2024 and thị xã in 2025); csv with ; and BOM; merged title cells.",
        "",
        "GBV data: case ids are pseudonymous (GBV-<unit>-<year>-<nnnn>); there are no names. Treat",
        "the register like real case data anyway: never show ids or counts 1-4 in a report.",
    ]
    return "\n".join(lines) + "\n"


# --------------------------------------------------------------------------------------------
# Generation
# --------------------------------------------------------------------------------------------


@dataclass
class DemoResult:
    """What ``generate`` wrote: output root, seed, relative paths of files written."""

    root: Path
    seed: int
    files: list[str]


def build_tables(seed: int) -> dict[str, pd.DataFrame]:
    """All generated raw tables (in memory), keyed by name."""
    pop = T.make_population(seed)
    return {
        "population": pop,
        "register": demo_register.extend_register(T.make_register(seed, pop), seed),
        "returnees": T.make_returnees(seed),
        "councils": demo_leadership.make_councils(seed),
        "key_leaders": demo_leadership.make_key_leaders(seed),
        "planning_pool": demo_leadership.make_planning_pool(seed),
    }


def render(seed: int) -> dict[str, bytes]:
    """Every file of ``raw/`` as bytes, keyed by path relative to ``raw/`` (sorted)."""
    specs = load_specs()
    units = load_unit_names()
    depts = department_names()
    tables = build_tables(seed)
    rows = S.indicator_rows(seed, specs, tables)
    files = S.plan_files(seed, rows)
    out: dict[str, bytes] = {}
    for pf in files:
        if pf.style.startswith("xlsx"):
            out[pf.relpath] = write_xlsx(pf, specs, units, depts, seed)
        else:
            out[pf.relpath] = write_csv(pf, specs, units, depts)
    # 2026, first year of the 2026–2030 phase: by commune (own random stream; the 2020–2025
    # files above are unchanged).
    names_2026 = load_unit_names(include_communes=True)
    for pf in demo_communes.plan_files(seed, specs):
        out[pf.relpath] = (
            write_xlsx(pf, specs, names_2026, depts, seed)
            if pf.style.startswith("xlsx")
            else write_csv(pf, specs, names_2026, depts)
        )
    out["gbv/register.csv"] = _csv_bytes(tables["register"])
    out["trafficking/returnees.csv"] = _csv_bytes(tables["returnees"])
    out["leadership/councils.csv"] = _csv_bytes(tables["councils"])
    out["leadership/key_leaders.csv"] = _csv_bytes(tables["key_leaders"])
    out["leadership/planning_pool.csv"] = _csv_bytes(tables["planning_pool"])
    out["population/population.csv"] = _csv_bytes(tables["population"])
    out["README.txt"] = readme_text(seed, files, tables).encode("utf-8")
    out[MARKER] = b""
    return dict(sorted(out.items()))


def is_demo_root(root: Path) -> bool:
    """True when ``root`` is a previous ``me demo`` output (has ``raw/ILLUSTRATIVE``)."""
    return (root / "raw" / MARKER).is_file()


def check_target(root: Path) -> None:
    """Raise DemoError unless ``root`` is absent, empty, or a previous demo output."""
    if not root.exists():
        return
    if not root.is_dir():
        raise DemoError(f"{root} exists and is not a folder; me demo writes a folder")
    if any(root.iterdir()) and not is_demo_root(root):
        raise DemoError(
            f"{root} is not empty and is not a previous demo output (no raw/{MARKER} marker): "
            "me demo never overwrites other data. Choose an empty or new folder. / "
            f"{root} không trống và không phải thư mục dữ liệu minh họa: me demo không ghi đè."
        )


def generate(out: str | os.PathLike | None = None, seed: int = DEFAULT_SEED) -> DemoResult:
    """Write the demo data root ``out`` (default ``data/demo``; a relative path is taken from
    the repository root) from ``seed``.

    Writes everything into a temporary sibling folder first, then swaps it in, so a failure
    leaves the previous demo folder intact. Raises DemoError when ``out`` holds other data.
    """
    # relative paths resolve from the repository root, as for `me build --root`
    root = paths.resolve_data_root(out) if out else paths.demo_data_root()
    root = root.absolute()
    if seed < 0:
        raise DemoError(f"the seed must be a whole number >= 0, got {seed}")
    check_target(root)
    files = render(seed)
    root.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(root)
    tmp = Path(tempfile.mkdtemp(prefix=f".{root.name}.tmp-", dir=root.parent))
    umask = os.umask(0)
    os.umask(umask)
    tmp.chmod(0o777 & ~umask)  # mkdtemp makes 0700; the data root should look like any folder
    old = None
    try:
        # the marker sorts first, so even a half-written temporary folder is recognisable
        for rel, data in files.items():
            p = tmp / "raw" / rel
            p.parent.mkdir(parents=True, exist_ok=True)
            p.write_bytes(data)
        if root.exists():
            check_target(root)  # re-check right before the swap
            old = root.parent / f".{root.name}.old-{os.getpid()}-{time.time_ns()}"
            os.replace(root, old)
        os.replace(tmp, root)
    except BaseException:
        if old is not None and old.exists() and not root.exists():
            os.replace(old, root)  # put the previous demo back
            old = None
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
    return DemoResult(root=root, seed=seed, files=sorted(files))


def _remove_leftovers(root: Path) -> None:
    """Delete temporary/old siblings a killed ``me demo`` may have left next to ``root``
    (``.<name>.tmp-*``, ``.<name>.old-*``), only when they are demo folders or empty."""
    for pattern in (f".{root.name}.tmp-*", f".{root.name}.old-*"):
        for p in sorted(root.parent.glob(pattern)):
            if p.is_dir() and (is_demo_root(p) or not any(p.rglob("*"))):
                shutil.rmtree(p, ignore_errors=True)


def cli(argv: list[str]) -> int:
    """``me demo [--out ROOT] [--seed N]``; exit 0 on success, 2 on a user error."""
    ap = argparse.ArgumentParser(
        prog="me demo", description="write the illustrative demo data (dữ liệu minh họa), deterministic from a seed"
    )
    ap.add_argument("--out", default=None, help="data root to write (default data/demo); its raw/ gets the files")
    ap.add_argument(
        "--seed", type=int, default=DEFAULT_SEED, help=f"random seed, a whole number >= 0 (default {DEFAULT_SEED})"
    )
    args = ap.parse_args(argv)
    t0 = time.perf_counter()
    try:
        # On the command line a relative --out is taken from the current folder (issue 16).
        res = generate(os.path.abspath(args.out) if args.out else None, args.seed)
    except DemoError as e:
        print(f"me demo: {e}", file=sys.stderr)
        return 2
    except OSError as e:  # e.g. no permission, disk full: say so without a traceback
        print(
            f"me demo: cannot write {e.filename or args.out}: {e.strerror or e}. Nothing was "
            "changed in the output folder. / Không ghi được; thư mục đích không bị thay đổi.",
            file=sys.stderr,
        )
        return 1
    n_sub = sum(1 for f in res.files if f.startswith("submissions/"))
    print(
        f"me demo: wrote {len(res.files)} files ({n_sub} submissions) to {res.root / 'raw'} "
        f"with seed {res.seed} in {time.perf_counter() - t0:.1f} s ({LABEL})"
    )
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(cli(sys.argv[1:]))
