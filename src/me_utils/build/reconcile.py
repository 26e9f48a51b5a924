"""Supersession within a reporting body and reconciliation across bodies.

Layer: build (imports the reference layer :mod:`me_utils.reference.plan` and :mod:`me_utils.intake.submissions`'s
message type).

Submissions are keyed by reporting body: a figure is identified by indicator × unit × year ×
period × sex **× body**.

1. *Estimate or official.* Every figure gets ``figure_status``: the status the body declared
   (column "Tình trạng số liệu": ước / chính thức), else ``estimate`` when it was sent on or
   before the last day its period covers (the half-year report is due before 20 May for
   January–June; the annual one before 25 November), else ``official``
   (:meth:`me_utils.reference.plan.Plan.figure_status`). ``cut_off_date`` is the date the figure's data
   stood: its submission date (for a sum of parts, the earliest of them).
2. *Within a body* the latest figure wins, except that an official figure is never superseded
   by an estimate: order by status (estimate < official), submission date, revision in the file
   name, file name, row.
3. *Across bodies*, when several bodies' current figures share a key, the indicator's rule in
   ``data/reference/plan/reconciliation.csv`` settles it (default ``lead_wins``):

   * ``lead_wins`` — the body leading the indicator on the report's due day is used; the others
     become ``cross_check`` rows of the history. When the lead is not among them, the figures
     are a conflict.
   * ``sum_parts`` — the bodies report disjoint parts: numerators, denominators (and counts)
     are summed into one figure whose value is recomputed; the parts become ``part`` rows.
   * ``conflict`` — equal values are kept (lead's row); different values leave no current
     figure: the rows become ``conflict`` rows until the analyst resolves them.

   Each reconciliation is a finding (``reconciled_lead_wins``, ``reconciled_sum``,
   ``conflict_between_bodies``) naming the bodies and the rule — never the values, which may be
   GBV figures.
"""

from __future__ import annotations

import datetime as _dt

import numpy as np
import pandas as pd

from me_utils.intake.submissions import KEY, Message, rec_message
from me_utils.reference import plan as _plan

STATUS_RANK = {"estimate": 0, "official": 1}
HISTORY_STATUSES = ("current", "superseded", "cross_check", "part", "conflict")
parse_figure_status = _plan.parse_figure_status


def _iso(d) -> str:
    if d is None or (isinstance(d, float) and np.isnan(d)) or d is pd.NaT:
        return ""
    if isinstance(d, (pd.Timestamp, _dt.datetime)):
        return d.date().isoformat()
    if isinstance(d, _dt.date):
        return d.isoformat()
    return str(d)[:10]


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return np.nan
    return v


def _m(rec, severity: str, code: str, vi: str, en: str) -> Message:
    """A finding located at ``rec`` without any cell value (figures may be GBV counts)."""
    return rec_message(rec, severity, code, "value", vi, en, value="")


def settle(
    acc: pd.DataFrame, scales: dict[str, float] | None = None, plan: _plan.Plan | None = None
) -> tuple[pd.DataFrame, list[Message]]:
    """Supersede within bodies and reconcile across bodies.

    Input: accepted submission records (:data:`me_utils.intake.submissions.RECORD_COLUMNS`, optionally
    ``figure_status``, plus ``_date`` the submission date as a Timestamp); ``scales``
    ``{indicator: scale}`` to recompute a summed proportion/rate (default 1);
    ``plan`` (default :func:`me_utils.reference.plan.load_plan`).
    Output: (rows, messages). ``rows`` has every input row plus one synthetic row per sum of
    parts, with ``status`` (one of :data:`HISTORY_STATUSES`; exactly one ``current`` row per
    settled key, none for an unresolved conflict), ``superseded_by`` (file of the row that
    replaced it), ``figure_status`` and ``cut_off_date`` (ISO).
    """
    p = plan or _plan.load_plan()
    scales = scales or {}
    msgs: list[Message] = []
    if acc.empty:
        out = acc.copy()
        for c in ("status", "superseded_by", "figure_status", "cut_off_date"):
            out[c] = pd.Series(dtype=object)
        return out, msgs
    a = acc.copy()
    declared = a["figure_status"] if "figure_status" in a.columns else pd.Series([None] * len(a), index=a.index)
    a["figure_status"] = [
        p.figure_status(int(y), str(per), d, decl if decl in STATUS_RANK else None)
        for y, per, d, decl in zip(a["year"], a["period"], a["submission_date"], declared)
    ]
    a["cut_off_date"] = a["submission_date"].map(_iso)
    a["_rank"] = a["figure_status"].map(STATUS_RANK)
    a["department"] = a["department"].fillna("").astype(str)
    a = a.sort_values(
        ["_rank", "_date", "revision", "source_file", "source_row"], na_position="first", kind="mergesort"
    )
    bkey = KEY + ["department"]
    last = a.groupby(bkey, sort=False, dropna=False).tail(1)
    cur_file = {k: f for k, f in zip(map(tuple, last[bkey].astype(str).to_numpy()), last["source_file"])}
    keys = list(map(tuple, a[bkey].astype(str).to_numpy()))
    a["status"] = ["current" if i in last.index else "superseded" for i in a.index]
    a["superseded_by"] = ["" if st == "current" else cur_file[k] for st, k in zip(a["status"], keys)]
    # Same key and body in two files with the same status, date and revision: by file name only.
    tie = a.groupby(bkey + ["_rank", "_date", "revision"], dropna=False)["source_file"].transform("nunique")
    for _, rec in a[(tie > 1) & (a["status"] == "current")].iterrows():
        msgs.append(
            rec_message(
                rec,
                "warning",
                "ambiguous_supersession",
                "value",
                "cùng số liệu có trong nhiều tệp cùng ngày gửi và cùng lần sửa: lấy tệp có tên xếp sau",
                "the same figure is in several files with the same date and revision: the file whose "
                "name sorts last is used",
            )
        )

    # Across bodies.
    extra = []
    cur = a[a["status"] == "current"]
    multi = cur.groupby(KEY, sort=False, dropna=False)["department"].transform("nunique") > 1
    for _, grp in cur[multi].groupby(KEY, sort=False, dropna=False):
        code, year, per = str(grp["indicator_code"].iloc[0]), int(grp["year"].iloc[0]), str(grp["period"].iloc[0])
        rule = p.rule(code)
        try:
            lead = p.lead_body(code, p.due_date(year, per))
        except ValueError:
            lead = None
        bodies = list(grp["department"])
        names = ", ".join(bodies)
        rule_vi = {
            "lead_wins": "lấy số của cơ quan chủ trì",
            "sum_parts": "cộng các phần",
            "conflict": "để phân tích viên quyết định",
        }[rule.rule]
        values = grp["value"].map(_num).to_numpy()
        same = bool(np.allclose(values, values[0], rtol=0, atol=1e-9, equal_nan=True))
        lead_idx = grp.index[grp["department"] == lead]
        first = grp.iloc[0]
        if rule.rule == "sum_parts":
            nums, dens = grp["numerator"].map(_num), grp["denominator"].map(_num)
            scale = float(scales.get(code, 1) or 1)
            if nums.notna().all() and dens.notna().all() and dens.sum() > 0:
                num, den = float(nums.sum()), float(dens.sum())
                value = num / den * scale
            elif scale == 1:
                num = float(nums.sum()) if nums.notna().all() else np.nan
                den = float(dens.sum()) if dens.notna().all() else np.nan
                value = float(grp["value"].map(_num).sum())
            else:
                # a share without its counts cannot be summed: left to the analyst
                a.loc[grp.index, "status"] = "conflict"
                msgs.append(
                    _m(
                        first,
                        "warning",
                        "conflict_between_bodies",
                        f"nhiều cơ quan ({names}) gửi số liệu của các phần nhưng thiếu tử số/mẫu số nên "
                        "không cộng được: cần phân tích viên quyết định",
                        f"several bodies ({names}) sent parts without numerator/denominator, so they "
                        "cannot be summed: the analyst must resolve it",
                    )
                )
                continue
            src = lead_idx[0] if len(lead_idx) else grp.index[0]
            row = a.loc[src].copy()
            row["value"], row["numerator"], row["denominator"] = value, num, den
            row["department"] = lead or str(first["department"])
            row["source_file"] = " + ".join(grp["source_file"].astype(str))
            row["source_sheet"] = ""
            row["submission_date"] = max(grp["submission_date"].dropna(), default=row["submission_date"])
            row["cut_off_date"] = min(d for d in grp["cut_off_date"] if d) if any(grp["cut_off_date"]) else ""
            row["figure_status"] = "official" if (grp["figure_status"] == "official").all() else "estimate"
            row["note"] = f"tổng các phần / sum of parts: {' + '.join(bodies)}"
            row["status"], row["superseded_by"] = "current", ""
            extra.append(row)
            a.loc[grp.index, "status"] = "part"
            a.loc[grp.index, "superseded_by"] = row["source_file"]
            msgs.append(
                _m(
                    first,
                    "info",
                    "reconciled_sum",
                    f"số liệu của {names} được cộng lại theo quy tắc của chỉ tiêu ({rule_vi})",
                    f"the figures of {names} are summed by the indicator's rule (sum of disjoint parts)",
                )
            )
        elif rule.rule == "lead_wins" and len(lead_idx):
            keep = lead_idx[0]
            others = [i for i in grp.index if i != keep]
            a.loc[others, "status"] = "cross_check"
            a.loc[others, "superseded_by"] = a.loc[keep, "source_file"]
            sev = "info" if same else "warning"
            diff_vi = "bằng nhau" if same else "khác nhau"
            diff_en = "equal" if same else "different"
            msgs.append(
                _m(
                    a.loc[keep],
                    sev,
                    "reconciled_lead_wins",
                    f"{names} cùng gửi số liệu này ({diff_vi}): lấy số của cơ quan chủ trì {lead}, số "
                    "còn lại dùng để đối chiếu",
                    f"{names} all sent this figure ({diff_en}): the lead body {lead}'s is used, the "
                    "others are cross-checks",
                )
            )
        elif same:
            keep = lead_idx[0] if len(lead_idx) else grp.index[-1]
            others = [i for i in grp.index if i != keep]
            a.loc[others, "status"] = "cross_check"
            a.loc[others, "superseded_by"] = a.loc[keep, "source_file"]
            msgs.append(
                _m(
                    a.loc[keep],
                    "info",
                    "reconciled_equal",
                    f"{names} gửi cùng một giá trị cho số liệu này",
                    f"{names} sent the same value for this figure",
                )
            )
        else:
            a.loc[grp.index, "status"] = "conflict"
            why_vi = (
                "quy tắc của chỉ tiêu là để phân tích viên quyết định"
                if rule.rule == "conflict"
                else f"cơ quan chủ trì ({lead or '?'}) không gửi số liệu này"
            )
            why_en = (
                "the indicator's rule leaves it to the analyst"
                if rule.rule == "conflict"
                else f"the lead body ({lead or '?'}) did not send this figure"
            )
            msgs.append(
                _m(
                    first,
                    "warning",
                    "conflict_between_bodies",
                    f"{names} gửi số liệu khác nhau; {why_vi}: chưa có số liệu được dùng cho tới khi được giải quyết",
                    f"{names} sent different figures; {why_en}: no figure is used until it is resolved",
                )
            )
    if extra:
        a = pd.concat([a, pd.DataFrame(extra)], ignore_index=True)
    return a.drop(columns=["_rank"]), msgs
