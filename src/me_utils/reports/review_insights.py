"""Sentences of the reviews that add to their tables instead of restating them.

The summary table already says how many indicators of an objective reached their 2025 target;
these sentences say what a reader cannot see at a glance:

* **furthest from the next target** — the shortfall in the indicator's own unit, the years of
  progress the fitted trend needs to close it against the years left, and the probability of
  reaching the target (:func:`gap_facts`);
* **changed status since the last year** — an indicator whose figure crossed the 2025 target
  between its last two observed years (:func:`status_changes`);
* **rests on weak ground** — an unverified target, or national-only figures (context);
* **what is missing** — indicators without data, with the body that should report them, and
  per body the periodic reports not received (:func:`reporting_sentences`, from
  :func:`me_utils.analysis.accountability.compliance_summary`).

Layer: reports. Every number comes from the evidence base (the scorecard row of
:meth:`me_utils.evidence.model.Evidence.scorecard` and the unit's figures), every status word
from :mod:`me_utils.analysis.status`, every visible phrase from :mod:`me_utils.core.labels`.
The only arithmetic is on stored numbers: the shortfall is the status model's signed margin
(:func:`me_utils.analysis.status.margin`) to the next target, and the pace is the trend's own
projection to the target year (``proj_<year>``) minus the latest figure, per year left. A clause
whose count would be zero is left out.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from functools import lru_cache

import pandas as pd

from me_utils.analysis import accountability, status
from me_utils.core import fmt
from me_utils.core.labels import label
from me_utils.reference.catalogue import load_catalogue
from me_utils.reports import narrative

#: Years of progress above which the sentence says "more than" (a trend extrapolated further
#: says nothing useful).
MAX_YEARS = 50
#: At most this many "furthest from target" sentences per objective/programme.
MAX_FAR = 2


def _num(x) -> float:
    try:
        v = float(x)
    except (TypeError, ValueError):
        return math.nan
    return v


def _finite(x) -> bool:
    return math.isfinite(_num(x))


def amount_text(x: float, row: Mapping, lang: str = "vi") -> str:
    """A distance in the indicator's unit: ``'19,7 điểm phần trăm'`` for percentages, else the
    number with the scorecard's unit label (``'0,04 lần'``)."""
    d = narrative.value_decimals(row.get("kind"))
    num = fmt.fmt_number(abs(float(x)), d, lang)
    if narrative.is_percent(row):
        return num + fmt.pick(lang, " điểm phần trăm", " percentage points")
    unit = narrative.unit_label(row, lang)
    return f"{num} {unit}" if unit else num


def target_text(row: Mapping, year: int, lang: str = "vi") -> str:
    """The target of ``year`` with its verb (``'đạt ít nhất 60%'``)."""
    t = row.get(f"target_{year}")
    verb_vi, verb_en = narrative.TARGET_VERB.get(str(row.get("direction")), ("đạt", ""))
    verb = fmt.pick(lang, verb_vi, verb_en)
    value = narrative.fmt_value(t, row, lang, decimals=narrative.target_decimals(t))
    return f"{verb} {value}" if verb else value


def gap_facts(row: Mapping) -> dict | None:
    """How far one scorecard row is from its next target not yet observed.

    Input: a scorecard row of the evidence base. Output: None when there is no future target,
    no latest figure or no shortfall; else a dict ``year`` (target year), ``target``,
    ``shortfall`` (> 0, indicator units: the status model's margin to that target, sign
    flipped), ``years_left`` (target year − latest year), ``pace`` (indicator units per year
    towards the target: the trend's projection for the target year minus the latest figure,
    per year left; NaN without a projection), ``years_needed`` (shortfall / pace; NaN when
    the pace is not towards the target) and ``prob`` (the status model's ``outlook_prob``).
    """
    if str(row.get("kind")) == "binary" or bool(row.get("suppressed")):
        return None
    y = _num(row.get("outlook_year"))
    latest, ly = _num(row.get("latest_value")), _num(row.get("latest_year"))
    if not (math.isfinite(y) and math.isfinite(latest) and math.isfinite(ly)) or y <= ly:
        return None
    year = int(y)
    target = _num(row.get(f"target_{year}"))
    if not math.isfinite(target):
        return None
    direction = str(row.get("direction"))
    shortfall = -status.margin(latest, target, direction)
    if not shortfall > 0:
        return None
    left = year - int(ly)
    proj = _num(row.get(f"proj_{year}"))
    pace = status.margin(proj, latest, direction) / left if math.isfinite(proj) else math.nan
    needed = shortfall / pace if math.isfinite(pace) and pace > 0 else math.nan
    return {
        "year": year,
        "target": target,
        "shortfall": shortfall,
        "years_left": left,
        "pace": pace,
        "years_needed": needed,
        "prob": _num(row.get("outlook_prob")),
    }


def far_sentence(row: Mapping, lang: str = "vi") -> str:
    """The "furthest from target" sentence of one row (empty when :func:`gap_facts` is None)."""
    g = gap_facts(row)
    if g is None:
        return ""
    left = fmt.fmt_number(g["years_left"], 0, lang)
    n = g["years_needed"]
    if not math.isfinite(g["pace"]):
        pace = ""  # no projection (e.g. a break in the series): nothing to say about the pace
    elif not math.isfinite(n):
        pace = label("insight_pace_wrong", lang, left=left)
    elif n < 1:
        pace = label("insight_pace_under", lang, left=left)
    elif n > MAX_YEARS:
        pace = label("insight_pace_over", lang, needed=fmt.fmt_number(MAX_YEARS, 0, lang), left=left)
    else:
        pace = label("insight_pace", lang, needed=fmt.fmt_number(n, 0, lang), left=left)
    prob = narrative.probability_phrase(g["prob"], lang) if _finite(g["prob"]) else ""
    # more is better: "còn thiếu"; less is better (decrease, cap): "còn cao hơn"
    key = "insight_far" if str(row.get("direction")) in ("increase", "reach") else "insight_far_above"
    details = "".join(f"; {c}" for c in (pace, prob) if c)  # clauses without a number are left out
    return label(
        key,
        lang,
        name=narrative.indicator_name(row, lang),
        code=row.get("indicator_code"),
        gap=amount_text(g["shortfall"], row, lang),
        year=g["year"],
        target=target_text(row, g["year"], lang),
        details=details,
    )


def furthest(scorecard: pd.DataFrame, n: int = MAX_FAR) -> pd.DataFrame:
    """The ``n`` rows furthest from their next target: lowest probability of reaching it
    first, then the largest shortfall relative to the target."""
    recs = []
    for r in scorecard.to_dict("records"):
        g = gap_facts(r)
        if g is None:
            continue
        rel = g["shortfall"] / abs(g["target"]) if g["target"] else math.inf
        p = g["prob"] if math.isfinite(g["prob"]) else 2.0  # without a probability: last
        recs.append((p, -rel, r["indicator_code"]))
    order = [c for _, _, c in sorted(recs, key=lambda t: (t[0], t[1]))][:n]
    sc = scorecard.set_index("indicator_code", drop=False)
    return sc.loc[order].reset_index(drop=True) if order else scorecard.iloc[0:0]


@lru_cache(maxsize=1)
def _catalogue():
    try:
        return load_catalogue()
    except Exception:  # noqa: BLE001 - without the catalogue the direction decides (no strict comparator)
        return None


def _comparator(code: str, year: int) -> str | None:
    cat = _catalogue()
    if cat is None or code not in cat:
        return None
    return cat[code].comparator(year)


def status_changes(scorecard: pd.DataFrame, figures: pd.DataFrame | None) -> list[dict]:
    """Rows whose figure crossed the 2025 target between their last two observed years.

    Inputs: the scorecard and the unit's yearly figures of the evidence base (columns
    ``indicator_code, year, value``, annual, total sex, shown). Output: one dict per change —
    ``row`` (scorecard row), ``prev_year``, ``prev_value``, ``before``/``after`` (status codes
    ``achieved``/``not_achieved``); the latest side is the status model's ``result_2025`` once
    2025 is observed. Met or not is :func:`me_utils.analysis.status.meets` with the
    catalogue's comparator.
    """
    if figures is None or figures.empty:
        return []
    out = []
    for r in scorecard.to_dict("records"):
        if str(r.get("kind")) == "binary" or bool(r.get("suppressed")):
            continue
        t, ly, latest = _num(r.get("target_2025")), _num(r.get("latest_year")), _num(r.get("latest_value"))
        if not (math.isfinite(t) and math.isfinite(ly) and math.isfinite(latest)):
            continue
        s = figures[(figures["indicator_code"] == r["indicator_code"]) & (figures["year"] < ly)]
        s = s[pd.to_numeric(s["value"], errors="coerce").notna()].sort_values("year")
        if s.empty:
            continue
        prev_year, prev = int(s["year"].iloc[-1]), float(s["value"].iloc[-1])
        if prev_year != int(ly) - 1:
            continue  # a gap in the series: not "since the last year"
        comp = _comparator(str(r["indicator_code"]), 2025)
        before = "achieved" if status.meets(prev, t, str(r.get("direction")), comp) else "not_achieved"
        result = str(r.get("result_2025"))
        if int(ly) == 2025 and result in ("achieved", "not_achieved"):
            after = result
        else:
            after = "achieved" if status.meets(latest, t, str(r.get("direction")), comp) else "not_achieved"
        if before != after:
            out.append({"row": r, "prev_year": prev_year, "prev_value": prev, "before": before, "after": after})
    return out


def change_sentence(ch: dict, lang: str = "vi") -> str:
    r = ch["row"]
    return label(
        "insight_changed",
        lang,
        prev_year=ch["prev_year"],
        name=narrative.indicator_name(r, lang),
        code=r["indicator_code"],
        before=status.status_label(ch["before"], lang).lower(),
        prev_value=narrative.fmt_value(ch["prev_value"], r, lang),
        after=status.status_label(ch["after"], lang).lower(),
        value=narrative.fmt_value(r["latest_value"], r, lang),
        year=int(_num(r["latest_year"])),
        target_year=2025,
        target=target_text(r, 2025, lang),
    )


def _codes(rows: pd.DataFrame) -> str:
    return ", ".join(str(c) for c in rows["indicator_code"])


def _unverified(v) -> bool:
    if v is None or (isinstance(v, float) and math.isnan(v)):
        return True
    if isinstance(v, str):
        return v.strip().lower() not in ("true", "1", "yes")
    return not bool(v)


def group_sentences(scorecard: pd.DataFrame, figures: pd.DataFrame | None = None, lang: str = "vi") -> list[str]:
    """The sentences of one objective/programme (its scorecard rows), in reading order:
    furthest from target, changes since the last year, unverified targets, national-only
    figures, indicators without data. Empty when there is nothing to add to the table."""
    fmt.check_lang(lang)
    if scorecard.empty:
        return []
    out = [far_sentence(r, lang) for r in furthest(scorecard).to_dict("records")]
    out += [change_sentence(c, lang) for c in status_changes(scorecard, figures)]
    has_target = scorecard["target_2025"].notna() | scorecard["target_2030"].notna()
    unv = scorecard[has_target & scorecard["verified"].map(_unverified) & (scorecard["scope"] != "context")]
    if len(unv):
        out.append(label("insight_unverified", lang, codes=_codes(unv)))
    ctx = scorecard[scorecard["scope"] == "context"]
    if len(ctx):
        out.append(label("insight_national_only", lang, codes=_codes(ctx)))
    suppressed = scorecard["suppressed"].fillna(False).astype(bool) if "suppressed" in scorecard else False
    nodata = scorecard[(scorecard["n_points"].fillna(0) == 0) & (scorecard["scope"] != "context") & ~suppressed]
    if len(nodata):
        items = ", ".join(
            label(
                "insight_no_data_item",
                lang,
                code=r["indicator_code"],
                body=accountability.department_name(str(r.get("department")), lang),
            )
            for r in nodata.to_dict("records")
        )
        out.append(label("insight_no_data", lang, items=items))
    return [s for s in out if s]


def _years_text(years: list[int]) -> str:
    """Years with runs of consecutive years joined: ``[2021, 2022, 2023, 2025]`` → ``'2021–2023, 2025'``."""
    runs: list[list[int]] = []
    for y in sorted(years):
        if runs and y == runs[-1][-1] + 1:
            runs[-1].append(y)
        else:
            runs.append([y])
    return ", ".join(str(r[0]) if len(r) == 1 else f"{r[0]}–{r[-1]}" for r in runs)


def periods_text(sub: pd.DataFrame, lang: str = "vi") -> str:
    """Which periodic reports the rows of ``sub`` (matrix rows: ``year``, ``period``) are:
    ``'6 tháng 2021–2025, cả năm 2021–2024'``."""
    out = []
    for per in ("H1", "FY"):
        ys = [int(y) for y in sub.loc[sub["period"] == per, "year"]]
        if ys:
            out.append(label(f"period_years_{per}", lang, years=_years_text(ys)))
    return ", ".join(out)


#: Bodies named in the overview sentence before it says "most missing" instead of all.
MAX_BODIES = 3


def reporting_sentences(matrix: pd.DataFrame | None, lang: str = "vi") -> tuple[str, list[str]]:
    """The reporting situation from the accountability matrix: one overview sentence (reports
    due not received, and from which bodies; the three with most missing when more) and one
    sentence per body with a report missing, late or rejected. Counts come from
    :func:`me_utils.analysis.accountability.compliance_summary`, the periods missing from the
    matrix. Zero-count clauses are left out. Returns ``('', [])`` when nothing is due yet."""
    fmt.check_lang(lang)
    if matrix is None or matrix.empty:
        return "", []
    cs = accountability.compliance_summary(matrix)
    cs = cs[cs["due"] > 0]
    if cs.empty:
        return "", []
    m = matrix[matrix["obligated"]] if "obligated" in matrix.columns else matrix
    name = f"department_name_{lang}"
    n0 = lambda x: fmt.fmt_number(x, 0, lang)  # noqa: E731
    per_body = []
    for r in cs.to_dict("records"):
        miss = m[(m["department"] == r["department"]) & (m["status"] == "missing")]
        if r["missing"] and r["missing"] == r["due"]:
            per_body.append(
                label("reports_body_none", lang, body=r[name], due=n0(r["due"]), periods=periods_text(miss, lang))
            )
            continue
        parts = []
        if r["missing"]:
            parts.append(label("reports_missing", lang, n=n0(r["missing"]), periods=periods_text(miss, lang)))
        if r["late"] == 1:
            parts.append(label("reports_late_one", lang, days=n0(r["mean_days_late"])))
        elif r["late"]:
            parts.append(label("reports_late", lang, n=n0(r["late"]), days=n0(r["mean_days_late"])))
        if r["rejected"]:
            parts.append(label("reports_rejected", lang, n=n0(r["rejected"])))
        if parts:
            per_body.append(label("reports_body", lang, body=r[name], due=n0(r["due"]), parts="; ".join(parts)))
    missing = cs[cs["missing"] > 0].sort_values("missing", ascending=False, kind="stable")
    if missing.empty:
        return label("reports_all_received", lang), per_body
    named = missing.head(MAX_BODIES)
    bodies = ", ".join(f"{b} ({n0(n)})" for b, n in zip(named[name], named["missing"]))
    key = "reports_overview" if len(missing) <= MAX_BODIES else "reports_overview_top"
    head = label(key, lang, n=n0(int(missing["missing"].sum())), k=n0(len(missing)), bodies=bodies)
    return head, per_body


def unit_figures(evidence, unit: str) -> pd.DataFrame:
    """The unit's annual, total-sex figures of the evidence base that a reader can see
    (suppressed ones dropped): columns ``indicator_code, year, value``."""
    f = evidence.figures
    sel = (f["unit_code"] == unit) & (f["sex"] == "T") & (f["period"] == "FY")
    if "suppressed" in f.columns:
        sel &= ~f["suppressed"].fillna(False).astype(bool)
    return f.loc[sel, ["indicator_code", "year", "value"]].reset_index(drop=True)
