"""Row rules (pandera schema) and within-file cross-row rules on parsed records, as located
bilingual messages."""

from __future__ import annotations

import datetime as _dt
import math

import numpy as np
import pandas as pd

from me_utils.core.codes import PERIODS
from me_utils.intake.cells import fold
from me_utils.intake.headers import COLUMN_LABELS, HEADER_MAP
from me_utils.intake.refdata import Reference, load_reference
from me_utils.intake.results import Message
from me_utils.intake.schemas import CHECK_TEXT, record_schema
from me_utils.reference import plan as _plan

KEY = ["indicator_code", "unit_code", "year", "period", "sex"]


def _col_label(rec: pd.Series, canon: str) -> str:
    """Header text of a canonical column as written in the record's file."""
    src = {"unit_code": "unit"}.get(canon, canon)
    labels = rec.get("col_labels")
    if isinstance(labels, dict):
        for text in labels.values():
            if HEADER_MAP.get(fold(text)) == src:
                return text
    return COLUMN_LABELS.get(src, src)


def _raw_value(rec: pd.Series, canon: str) -> str:
    v = rec.get(canon)
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return ""
    if canon in ("year", "source_row") and isinstance(v, float):
        return str(int(v))
    if isinstance(v, (float, np.floating)):
        v = float(v)
        return repr(v) if not v.is_integer() else str(int(v))
    return str(v)


_PERIOD_VI = {"FY": "cả năm", "H1": "6 tháng đầu năm"}
_PERIOD_EN = {"FY": "full year", "H1": "first half"}


def rec_message(
    rec: pd.Series, severity: str, code: str, canon: str, vi: str, en: str, value: str | None = None
) -> Message:
    year = rec.get("year")
    return Message(
        severity,
        code,
        str(rec["source_file"]),
        vi,
        en,
        sheet=str(rec.get("source_sheet") or ""),
        row=int(rec["source_row"]),
        column=_col_label(rec, canon),
        value=_raw_value(rec, canon) if value is None else value,
        department=str(rec.get("department") or ""),
        indicator_code=str(rec.get("indicator_code") or ""),
        unit_code=str(rec.get("unit_code") or ""),
        year=int(year) if year is not None and not (isinstance(year, float) and math.isnan(year)) else None,
        period=str(rec.get("period") or ""),
    )


def check_records(records: pd.DataFrame, ref: Reference | None = None) -> tuple[list[Message], pd.Series]:
    """Apply the row and within-file rules to parsed records (one or many files).

    Input: records with :data:`RECORD_COLUMNS` (and ``_ok``: the row parsed without error).
    Output: ``(messages, ok)`` where ``ok`` is a boolean Series (same index): the row has no
    error. Rules: pandera schema (:func:`me_utils.intake.schemas.record_schema`) for catalogue, unit,
    ranges and shares; conflicting duplicates within a file (error) and exact duplicates
    (warning); value vs numerator/denominator (warning, tolerance = half a unit of the last
    decimal typed); counts that are not whole numbers (warning); an indicator outside the
    department's assignment in plan 123 (info).
    """
    import pandera.pandas as pa

    ref = ref or load_reference()
    msgs: list[Message] = []
    if records is None or records.empty:
        return msgs, pd.Series(dtype=bool)
    df = records.copy()
    if "_ok" not in df:
        df["_ok"] = True
    ok = df["_ok"].astype(bool).copy()
    info = {c: ref.indicators[c] for c in ref.indicators}
    df["kind"] = df["indicator_code"].map(lambda c: info[c].kind if c in info else None)
    df["scale"] = df["indicator_code"].map(lambda c: info[c].scale if c in info else np.nan)
    for c in ("value", "numerator", "denominator", "year"):
        df[c] = pd.to_numeric(df[c], errors="coerce").astype("float64")
    schema = (
        ref.schema if getattr(ref, "schema", None) is not None else record_schema(ref.indicators.keys(), ref.unit_codes)
    )
    ref.schema = schema  # built once per reference: constructing it costs more than checking a file
    check_df = df[
        ["indicator_code", "unit_code", "year", "period", "sex", "value", "numerator", "denominator", "kind"]
    ].astype({"indicator_code": object, "unit_code": object, "period": object, "sex": object, "kind": object})
    try:
        schema.validate(check_df, lazy=True)
    except pa.errors.SchemaErrors as err:
        fc = err.failure_cases
        fc = fc[fc["index"].notna()]
        seen = set()
        for _, f in fc.iterrows():
            check = str(f["check"])
            idx = f["index"]
            if check not in CHECK_TEXT or (check, idx) in seen:
                continue
            seen.add((check, idx))
            rec = df.loc[idx]
            canon, vi, en = CHECK_TEXT[check]
            if check == "numerator_le_denominator":
                vi = f"{vi} ({_raw_value(rec, 'numerator')} > {_raw_value(rec, 'denominator')})"
                en = f"{en} ({_raw_value(rec, 'numerator')} > {_raw_value(rec, 'denominator')})"
            msgs.append(rec_message(rec, "error", check, canon, vi, en))
            ok.loc[idx] = False
    # Duplicates within a file: same key twice.
    valid_key = df[KEY].notna().all(axis=1)
    dups = df[valid_key & df.duplicated(["source_file"] + KEY, keep=False)]
    for _, grp in dups.groupby(["source_file"] + KEY, sort=False, dropna=False):
        first = grp.iloc[0]
        for idx, rec in grp.iloc[1:].iterrows():
            same = (
                _same(rec["value"], first["value"])
                and _same(rec["numerator"], first["numerator"])
                and _same(rec["denominator"], first["denominator"])
            )
            if same:
                msgs.append(
                    rec_message(
                        rec,
                        "warning",
                        "duplicate_row",
                        "value",
                        f"dòng trùng lặp với dòng {int(first['source_row'])} (cùng chỉ tiêu, đơn vị, năm, kỳ, "
                        "giới tính và cùng giá trị): chỉ giữ một",
                        f"duplicate of row "
                        f"{int(first['source_row'])} (same indicator, unit, year, period, sex and value): kept once",
                    )
                )
                ok.loc[idx] = ok.loc[idx] and True
                df.loc[idx, "_dup"] = True
            else:
                # Name the year and period: the row numbers alone send the reader hunting.
                yp_vi = (
                    f"{rec['indicator_code']}, {rec['unit_code']}, năm {int(rec['year'])}, kỳ "
                    f"{_PERIOD_VI.get(rec['period'], rec['period'])}"
                )
                yp_en = (
                    f"{rec['indicator_code']}, {rec['unit_code']}, year {int(rec['year'])}, period "
                    f"{_PERIOD_EN.get(rec['period'], rec['period'])}"
                )
                msgs.append(
                    rec_message(
                        rec,
                        "error",
                        "conflicting_duplicate",
                        "value",
                        f"mâu thuẫn với dòng {int(first['source_row'])}: cùng chỉ tiêu, đơn vị, năm, kỳ và "
                        f"giới tính ({yp_vi}) nhưng giá trị khác ({_raw_value(first, 'value')})",
                        f"conflicts with row {int(first['source_row'])}: same indicator, unit, year, period and "
                        f"sex ({yp_en}) but a different value ({_raw_value(first, 'value')})",
                    )
                )
                ok.loc[idx] = False
                ok.loc[grp.index[0]] = False
    # Value vs numerator / denominator, whole counts, department assignment (vectorised masks,
    # then one message per flagged row).
    v, n, d, scale = df["value"], df["numerator"], df["denominator"], df["scale"]
    kind = df["kind"]
    computed = n / d.where(d > 0) * scale
    dec = pd.to_numeric(df["value_decimals"], errors="coerce").fillna(0) if "value_decimals" in df else 0
    tol = 0.5 * np.power(10.0, -dec) + 1e-9
    mism = (
        kind.isin(["proportion", "rate", "ratio"])
        & computed.notna()
        & v.notna()
        & ~((kind == "proportion") & (n > d))
        & ((v - computed).abs() > tol)
    )
    for idx in df.index[mism.fillna(False).to_numpy(dtype=bool)]:
        rec = df.loc[idx]
        c, nn, dd, sc = computed[idx], rec["numerator"], rec["denominator"], rec["scale"]
        msgs.append(
            rec_message(
                rec,
                "warning",
                "value_mismatch",
                "value",
                f"giá trị không khớp tử số/mẫu số: {fmt_number_vi(nn)}/{fmt_number_vi(dd)}×{fmt_number_vi(sc)} = {fmt_number_vi(round(c, 2))}",
                f"value disagrees with numerator/denominator: {fmt_number(nn)}/{fmt_number(dd)}×{fmt_number(sc)} = {c:.2f}",
            )
        )

    def not_whole(x):
        return x.notna() & (x != np.floor(x))

    for idx in df.index[((kind == "count") & not_whole(v)).fillna(False).to_numpy(dtype=bool)]:
        msgs.append(
            rec_message(
                df.loc[idx],
                "warning",
                "count_not_whole",
                "value",
                "số đếm không phải số nguyên",
                "a count that is not a whole number",
            )
        )
    for c in ("numerator", "denominator"):
        for idx in df.index[not_whole(df[c]).fillna(False).to_numpy(dtype=bool)]:
            msgs.append(
                rec_message(
                    df.loc[idx],
                    "warning",
                    "count_not_whole",
                    c,
                    f"{COLUMN_LABELS[c]} không phải số nguyên",
                    f"the {c} is not a whole number",
                )
            )
    # A unit that did not exist for the whole period: districts end on 2025-06-30, communes
    # start on 2025-07-01. No overlap at all is an error naming the units to use instead
    # (me_utils.reference.units.Units.period_problem); part of the period only is a warning.
    for idx in df.index:
        code = df.at[idx, "unit_code"]
        if code not in ref.unit_validity or _isnan(df.at[idx, "year"]) or df.at[idx, "period"] not in PERIODS:
            continue
        y = int(df.at[idx, "year"])
        if ref.units is not None:
            prob = ref.units.period_problem(code, y, df.at[idx, "period"])
            if prob is not None:
                sev, rule, vi, en = prob
                msgs.append(rec_message(df.loc[idx], sev, rule, "unit_code", vi, en))
                if sev == "error":
                    ok.loc[idx] = False
            continue
        vf, vt = ref.unit_validity[code]
        start, end = _dt.date(y, 1, 1), (_dt.date(y, 6, 30) if df.at[idx, "period"] == "H1" else _dt.date(y, 12, 31))
        if (vt is not None and vt < end) or (vf is not None and vf > start):
            span_vi = f"{vf.strftime('%d/%m/%Y') if vf else '…'}–{vt.strftime('%d/%m/%Y') if vt else '…'}"
            span_en = f"{vf.isoformat() if vf else '…'} to {vt.isoformat() if vt else '…'}"
            msgs.append(
                rec_message(
                    df.loc[idx],
                    "warning",
                    "unit_not_valid",
                    "unit_code",
                    f"đơn vị chỉ tồn tại {span_vi}, không trọn kỳ báo cáo này: kiểm tra lại địa bàn",
                    f"the unit existed only {span_en}, not for the whole reporting period: check the area",
                )
            )
    # Who reports an indicator depends on the period (the March 2025 reorganisation): the plan
    # files say which bodies lead or co-report it on the report's due day.
    pl = _plan.load_plan()
    dept = df["department"].fillna("").astype(str) if "department" in df else pd.Series("", index=df.index)
    for idx, dp, code, y, per in zip(df.index, dept, df["indicator_code"], df["year"], df["period"]):
        if not dp or code not in info or per not in pl.periods:
            continue
        try:
            day = pl.due_date(int(y), per)
        except (TypeError, ValueError):
            continue
        bodies = [a.body for a in pl.reporters(code, day)]
        if not bodies or dp in bodies:
            continue
        rec = df.loc[idx]
        lead = bodies[0]
        msgs.append(
            rec_message(
                rec,
                "info",
                "not_assigned",
                "indicator_code",
                f"theo kế hoạch, chỉ tiêu do {lead} chủ trì trong kỳ này; {dp} gửi số liệu này",
                f"the plan assigns this indicator to {lead} for this period; sent here by {dp}",
            )
        )
    return msgs, ok


def _isnan(x) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def _same(a, b) -> bool:
    return (_isnan(a) and _isnan(b)) or (not _isnan(a) and not _isnan(b) and abs(a - b) < 1e-9)


def fmt_number_vi(x) -> str:
    """A number with a decimal comma for the Vietnamese half of a message."""
    return fmt_number(x).replace(".", ",")


def fmt_number(x) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"
