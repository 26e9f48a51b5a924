"""Funnel plots for comparing district-level units without ranking them.

Methods (see ``/work/shared/reference/methods-and-anchors.md`` §4):

- Proportions: exact binomial control limits with Spiegelhalter's (2005) interpolation, so the
  limits are smooth in ``n`` instead of stepping at integer counts.
- Rates / standardised ratios: exact Poisson limits in the chi-square form used by
  FunnelPlotR (``R/poisson_limits.R``)::

      lower = θ₀ · χ²_{(1−q)/2}(2E) / (2E),  upper = θ₀ · χ²_{(1+q)/2}(2(E+1)) / (2E)

  where ``E`` is the expected count (denominator × θ₀) and ``q`` the coverage (0.95, 0.998).
- Overdispersion (Spiegelhalter 2005, "Handling over-dispersion"; FunnelPlotR
  ``od_adjustment.R``): variance-stabilising transform, z-scores winsorised at 10 %/90 %,
  dispersion φ = mean(z²), DerSimonian–Laird additive τ² when Iφ > I − 1, limits
  ``target ± z·√(s² + τ²)`` back-transformed.

Assumptions (shown in the report's method note through :data:`ASSUMPTIONS`):

- the target θ₀ is the pooled value (Σ numerators / Σ denominators) unless a target is given;
- units are compared at the same time period; each unit's count is independent;
- units are never ranked: every table is ordered by unit name, a position outside the limits
  is a prompt to look closer, not a verdict.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Sequence

import numpy as np
import pandas as pd
from scipy import stats

from me_utils.core import style
from me_utils.core.fmt import check_lang, fmt_number, fmt_pct, pick
from me_utils.core.labels import label

#: Default coverage levels (≈2 SD and ≈3 SD).
LEVELS = (0.95, 0.998)

ASSUMPTIONS = {
    "vi": [
        "Đường giới hạn nhị thức chính xác có nội suy (Spiegelhalter 2005) cho tỷ lệ; "
        "giới hạn Poisson chính xác (dạng khi bình phương) cho tỷ suất.",
        "Giá trị mục tiêu θ₀ là giá trị gộp của các đơn vị (tổng tử số / tổng mẫu số).",
        "Kiểm tra phân tán quá mức: z-score sau biến đổi ổn định phương sai, winsor hóa 10%/90%, "
        "φ = trung bình z²; nếu Iφ > I − 1 thì cộng τ² (DerSimonian–Laird) vào giới hạn.",
        "Các đơn vị không được xếp hạng; nằm ngoài giới hạn là tín hiệu cần xem xét thêm.",
    ],
    "en": [
        "Exact binomial limits with interpolation (Spiegelhalter 2005) for proportions; exact "
        "Poisson limits (chi-square form) for rates.",
        "The target θ₀ is the pooled value of the units (sum of numerators / sum of denominators).",
        "Overdispersion check: z-scores on a variance-stabilised scale, winsorised at 10%/90%, "
        "φ = mean z²; if Iφ > I − 1 an additive τ² (DerSimonian–Laird) widens the limits.",
        "Units are not ranked; a unit outside the limits is a prompt to look closer.",
    ],
}


def _level_label(level: float, lang: str = "vi") -> str:
    """Coverage level as a percent in the report language: 0.998 → '99,8%' (vi), '99.8%' (en)."""
    pct = round(level * 100, 6)
    return fmt_pct(pct, 0 if pct.is_integer() else len(f"{pct:g}".partition(".")[2]), lang)


def dispersion_note(od: dict, lang: str = "vi") -> str:
    """Footnote text ``'φ = 1,23; τ² = 0,0001234'`` in the report language.

    Input: ``od`` from :func:`overdispersion` / :func:`funnel_table` (uses ``phi`` and
    ``tau2``, both unitless on the variance-stabilised scale). φ is shown with 2 decimals,
    τ² with 4 significant digits (it is often far below 0.01 for proportions).
    """
    return f"φ = {fmt_number(od['phi'], 2, lang)}; τ² = {fmt_tau2(od['tau2'], lang)}"


def fmt_tau2(tau2: float, lang: str = "vi", sig: int = 4) -> str:
    """τ² (unitless) to ``sig`` significant digits in the report language, never in
    exponent form: ``fmt_tau2(0.000123456) == '0,0001235'``; 0 prints as ``'0'``."""
    tau2 = float(tau2)
    digits = 0 if tau2 == 0 or not math.isfinite(tau2) else max(0, sig - 1 - math.floor(math.log10(abs(tau2))))
    return fmt_number(tau2, digits, lang)


def _level_tag(level: float) -> str:
    """Column suffix for a coverage level: 0.95 → '95', 0.998 → '998'."""
    s = f"{level:.6f}".rstrip("0").split(".")[1]
    return s


def _check_levels(levels: Iterable[float]) -> tuple[float, ...]:
    lv = tuple(float(v) for v in levels)
    for v in lv:
        if not 0 < v < 1:
            raise ValueError(f"coverage level must be in (0, 1), got {v}")
    return lv


def binomial_quantile_interpolated(p: float, n, p0: float) -> np.ndarray:
    """Interpolated exact binomial quantile (Spiegelhalter 2005, appendix A.1.1).

    Inputs: tail probability ``p`` (e.g. 0.025), sample sizes ``n`` (array, ≥ 1), target
    proportion ``p0`` in (0, 1). Output: the count-scale limit ``r_p − α`` where ``r_p`` is the
    smallest r with F(r) ≥ p under Bin(n, p0) and
    ``α = (F(r_p) − p) / (F(r_p) − F(r_p − 1))``. Divide by ``n`` for the proportion.
    """
    n = np.asarray(n, dtype=float)
    r = stats.binom.ppf(p, n, p0)
    f_r = stats.binom.cdf(r, n, p0)
    f_r1 = np.where(r > 0, stats.binom.cdf(r - 1, n, p0), 0.0)
    denom = f_r - f_r1
    with np.errstate(invalid="ignore", divide="ignore"):
        alpha = np.where(denom > 0, (f_r - p) / denom, 0.0)
    return r - alpha


def binomial_limits(p0: float, n, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Exact binomial funnel limits for a proportion.

    Inputs: target proportion ``p0`` (0–1), denominators ``n`` (scalar or array of positive
    integers, e.g. detected survivors per district), ``levels`` (coverage, default 95 % and
    99.8 %). Output: DataFrame with column ``n`` and, per level, ``lower_<tag>`` /
    ``upper_<tag>`` as proportions in [0, 1] (tags ``95`` and ``998`` for the defaults).
    At p0 = 0 or 1 the limits collapse onto p0.
    """
    lv = _check_levels(levels)
    n_arr = np.atleast_1d(np.asarray(n, dtype=float))
    if np.any(n_arr <= 0) or np.any(~np.isfinite(n_arr)):
        raise ValueError("binomial_limits: every n must be a positive number")
    if not 0 <= p0 <= 1:
        raise ValueError(f"binomial_limits: p0 must be in [0, 1], got {p0}")
    out = pd.DataFrame({"n": n_arr})
    for level in lv:
        tag = _level_tag(level)
        lo_p, hi_p = (1 - level) / 2, (1 + level) / 2
        if p0 in (0.0, 1.0):
            lo = hi = np.full_like(n_arr, p0)
        else:
            lo = binomial_quantile_interpolated(lo_p, n_arr, p0) / n_arr
            hi = binomial_quantile_interpolated(hi_p, n_arr, p0) / n_arr
        out[f"lower_{tag}"] = np.clip(lo, 0.0, 1.0)
        out[f"upper_{tag}"] = np.clip(hi, 0.0, 1.0)
    return out


def poisson_limits(theta0: float, expected, levels: Sequence[float] = LEVELS) -> pd.DataFrame:
    """Exact Poisson funnel limits (FunnelPlotR chi-square form).

    Inputs: target value ``theta0`` on the reported scale (1 for a standardised ratio, or a
    rate such as 0.00045 per woman — multiply afterwards for "per 100,000"), ``expected``
    counts E (scalar/array, > 0; for a rate E = θ₀ × population), ``levels``.
    Output: DataFrame with column ``expected`` and ``lower_<tag>``/``upper_<tag>`` on the
    scale of ``theta0``::

        lower = θ₀ · chi2.ppf((1−q)/2, 2E) / (2E)
        upper = θ₀ · chi2.ppf((1+q)/2, 2(E+1)) / (2E)
    """
    lv = _check_levels(levels)
    e = np.atleast_1d(np.asarray(expected, dtype=float))
    if np.any(e <= 0) or np.any(~np.isfinite(e)):
        raise ValueError("poisson_limits: every expected count must be positive")
    out = pd.DataFrame({"expected": e})
    for level in lv:
        tag = _level_tag(level)
        lo = theta0 * stats.chi2.ppf((1 - level) / 2, 2 * e) / (2 * e)
        hi = theta0 * stats.chi2.ppf((1 + level) / 2, 2 * (e + 1)) / (2 * e)
        out[f"lower_{tag}"] = lo
        out[f"upper_{tag}"] = hi
    return out


# --------------------------------------------------------------------------- overdispersion


def winsorise(z, trim: float = 0.1) -> np.ndarray:
    """Clamp ``z`` to its ``trim`` and ``1 − trim`` quantiles (R type-7 quantiles)."""
    z = np.asarray(z, dtype=float)
    if trim <= 0 or z.size == 0:
        return z.copy()
    lo, hi = np.quantile(z, [trim, 1 - trim])
    return np.clip(z, lo, hi)


def _transform(kind: str, numerator, denominator, theta0: float | None):
    """Variance-stabilised Y, its SE s and the target on that scale.

    ``kind='proportion'``: Y = asin(√p), s = 1/(2√n), target asin(√θ₀).
    ``kind='rate'``: Y = √(O/E), s = 1/(2√E), target 1 (CQC form; E = θ₀ × denominator).
    """
    o = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    if theta0 is None:
        theta0 = float(o.sum() / d.sum())
    if kind == "proportion":
        y = np.arcsin(np.sqrt(o / d))
        s = 1 / (2 * np.sqrt(d))
        target = float(np.arcsin(np.sqrt(theta0)))
    elif kind == "rate":
        e = theta0 * d
        y = np.sqrt(o / e)
        s = 1 / (2 * np.sqrt(e))
        target = 1.0
    else:
        raise ValueError(f"kind must be 'proportion' or 'rate', got {kind!r}")
    return y, s, target, theta0


def overdispersion(
    numerator, denominator, kind: str = "proportion", theta0: float | None = None, trim: float = 0.1
) -> dict:
    """Overdispersion check (Spiegelhalter 2005; FunnelPlotR ``od_adjust``).

    Inputs: per-unit ``numerator`` (events) and ``denominator`` (trials for proportions,
    population for rates), ``kind`` ('proportion' | 'rate'), optional target ``theta0``
    (default pooled), ``trim`` winsorisation fraction (0.1 = 10 %/90 %).
    Output: dict with ``theta0``, ``target`` (transformed), ``z`` (raw z-scores),
    ``z_winsorised``, ``phi`` (dispersion, mean of winsorised z²), ``n_units`` I,
    ``tau2`` (DerSimonian–Laird, 0 if Iφ ≤ I − 1), ``overdispersed`` (bool: Iφ > I − 1).
    """
    y, s, target, theta0 = _transform(kind, numerator, denominator, theta0)
    z = (y - target) / s
    zw = winsorise(z, trim)
    n_units = int(z.size)
    phi = float(np.mean(zw**2)) if n_units else float("nan")
    w = 1 / s**2
    over = n_units > 1 and n_units * phi > n_units - 1
    if over:
        tau2 = (n_units * phi - (n_units - 1)) / (w.sum() - (w**2).sum() / w.sum())
    else:
        tau2 = 0.0
    return {
        "theta0": theta0,
        "target": target,
        "z": z,
        "z_winsorised": zw,
        "phi": phi,
        "n_units": n_units,
        "tau2": float(tau2),
        "overdispersed": bool(over),
    }


def adjusted_limits(
    kind: str, theta0: float, denominator, tau2: float, levels: Sequence[float] = LEVELS
) -> pd.DataFrame:
    """Overdispersion-adjusted limits ``target ± z·√(s² + τ²)``, back-transformed.

    Inputs: ``kind``, target ``theta0`` (proportion, or rate per unit of denominator),
    ``denominator`` (n or population), ``tau2`` from :func:`overdispersion`, ``levels``.
    Output: DataFrame with ``denominator`` and ``lower_<tag>``/``upper_<tag>`` on the scale
    of ``theta0`` (with τ² = 0 these are the normal-approximation limits on the transformed
    scale).
    """
    lv = _check_levels(levels)
    d = np.atleast_1d(np.asarray(denominator, dtype=float))
    out = pd.DataFrame({"denominator": d})
    for level in lv:
        tag = _level_tag(level)
        zq = stats.norm.ppf((1 + level) / 2)
        if kind == "proportion":
            s = 1 / (2 * np.sqrt(d))
            t = np.arcsin(np.sqrt(theta0))
            half = zq * np.sqrt(s**2 + tau2)
            lo = np.sin(np.clip(t - half, 0, np.pi / 2)) ** 2
            hi = np.sin(np.clip(t + half, 0, np.pi / 2)) ** 2
        elif kind == "rate":
            s = 1 / (2 * np.sqrt(theta0 * d))
            half = zq * np.sqrt(s**2 + tau2)
            lo = theta0 * np.clip(1 - half, 0, None) ** 2
            hi = theta0 * (1 + half) ** 2
        else:
            raise ValueError(f"kind must be 'proportion' or 'rate', got {kind!r}")
        out[f"lower_{tag}"] = lo
        out[f"upper_{tag}"] = hi
    return out


# --------------------------------------------------------------------------- unit table


def exact_position(kind: str, numerator, denominator, theta0: float, level: float) -> np.ndarray:
    """Flag of each unit by its exact tail probability: ``'above'`` when
    ``P(X ≥ x) < (1 − level)/2``, ``'below'`` when ``P(X ≤ x) < (1 − level)/2``, else ``'within'``.

    ``X`` is Binomial(n, θ₀) for ``kind='proportion'`` (numerator x of denominator n) and
    Poisson(θ₀·denominator) for ``kind='rate'``. Why: comparing a count with the interpolated
    limit flags counts that equal it — at 95 %, p₀ = 0.3 and n = 5–60 that false-flags 5.2 % of
    in-control units on average (up to 9.8 %); the exact tail never exceeds the nominal α/2 per
    side. Output: array of ``'below'|'within'|'above'``.
    """
    x = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    a = (1 - level) / 2
    if kind == "proportion":
        upper = stats.binom.sf(x - 1, d, theta0)  # P(X ≥ x)
        lower = stats.binom.cdf(x, d, theta0)  # P(X ≤ x)
    else:
        mu = theta0 * d
        upper = stats.poisson.sf(x - 1, mu)
        lower = stats.poisson.cdf(x, mu)
    return np.where(upper < a, "above", np.where(lower < a, "below", "within"))


def funnel_table(
    units,
    numerator,
    denominator,
    kind: str = "proportion",
    theta0: float | None = None,
    per: float = 1.0,
    levels: Sequence[float] = LEVELS,
    trim: float = 0.1,
) -> tuple[pd.DataFrame, dict]:
    """Per-unit funnel comparison, ordered by unit name (never by value).

    Inputs: ``units`` (names/codes), ``numerator`` (events), ``denominator`` (trials or
    population), ``kind`` ('proportion' | 'rate'), ``theta0`` (default pooled), ``per``
    (display multiplier, e.g. 100_000 for rates per 100,000; 100 for percentages),
    ``levels``, ``trim``.
    Output: ``(table, od)`` — table columns ``unit, numerator, denominator, value`` and, per
    level, exact ``lower_<tag>``/``upper_<tag>``, adjusted ``adj_lower_<tag>``/
    ``adj_upper_<tag>`` and ``position_<tag>`` ∈ {'below', 'within', 'above'} by the exact
    tail probability (:func:`exact_position`; against the adjusted limits when overdispersed);
    all values × ``per``.
    ``od`` is the dict from :func:`overdispersion`.
    """
    units = list(units)
    o = np.asarray(numerator, dtype=float)
    d = np.asarray(denominator, dtype=float)
    if not (len(units) == o.size == d.size):
        raise ValueError("funnel_table: units, numerator and denominator differ in length")
    if np.any(d <= 0):
        raise ValueError("funnel_table: every denominator must be positive")
    od = overdispersion(o, d, kind=kind, theta0=theta0, trim=trim)
    th = od["theta0"]
    if kind == "proportion":
        exact = binomial_limits(th, d, levels)
    else:
        exact = poisson_limits(th, th * d, levels)
    adj = adjusted_limits(kind, th, d, od["tau2"], levels)
    tab = pd.DataFrame({"unit": units, "numerator": o, "denominator": d, "value": o / d * per})
    for level in _check_levels(levels):
        tag = _level_tag(level)
        tab[f"lower_{tag}"] = exact[f"lower_{tag}"].to_numpy() * per
        tab[f"upper_{tag}"] = exact[f"upper_{tag}"].to_numpy() * per
        tab[f"adj_lower_{tag}"] = adj[f"lower_{tag}"].to_numpy() * per
        tab[f"adj_upper_{tag}"] = adj[f"upper_{tag}"].to_numpy() * per
        v = tab["value"].to_numpy()
        if od["overdispersed"]:
            pos = np.where(
                v < tab[f"adj_lower_{tag}"], "below", np.where(v > tab[f"adj_upper_{tag}"], "above", "within")
            )
        else:  # exact tail probabilities, not the interpolated limits (see exact_position)
            pos = exact_position(kind, o, d, th, level)
        tab[f"position_{tag}"] = pos
    tab = tab.sort_values("unit", key=lambda s: s.astype(str).str.casefold()).reset_index(drop=True)
    return tab, od


def _overlap(a, b) -> float:
    """Area shared by two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    return w * h if w > 0 and h > 0 else 0.0


def place_point_labels(ax, xs, ys, texts, fontsize: float = 8, pad_px: float = 2.0, obstacles: Iterable = ()) -> list:
    """Label the points (``xs``, ``ys``, data units) of ``ax`` with ``texts`` so that no two
    labels overlap each other, any labelled point or the ``obstacles`` (display-pixel boxes
    ``(x0, y0, x1, y1)``, e.g. the legend), and every label stays inside the axes.

    Greedy and deterministic: points are handled from the most crowded one; each label tries
    the four corners next to its point, then rings further out (joined to the point by a thin
    leader line). If every candidate collides, the one with the least overlap is used. Call it
    once the figure layout is final (after ``tight_layout``): offsets are in points, so a later
    change of the axes size would move labels relative to each other. Returns the matplotlib
    ``Annotation`` objects.
    """
    fig = ax.figure
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    px_per_pt = fig.dpi / 72.0
    pts = ax.transData.transform(np.column_stack([np.asarray(xs, float), np.asarray(ys, float)]))
    frame = ax.get_window_extent(renderer)
    marker = 4.0
    busy = [(x - marker, y - marker, x + marker, y + marker) for x, y in pts]
    busy += [tuple(b) for b in obstacles]
    sizes = []
    for t in texts:
        probe = ax.text(0, 0, str(t), fontsize=fontsize, transform=None)
        bb = probe.get_window_extent(renderer)
        probe.remove()
        sizes.append((bb.width + 2 * pad_px, bb.height + 2 * pad_px))
    # Crowded points first: they have the fewest free places.
    dens = [sum(1 for q in pts if 0 < np.hypot(*(q - p)) < 60) for p in pts]
    order = sorted(range(len(pts)), key=lambda i: (-dens[i], i))
    rings = (0.0, 10.0, 18.0, 28.0, 40.0, 55.0)
    out = [None] * len(pts)
    placed = []
    for i in order:
        (x, y), (w, h) = pts[i], sizes[i]
        gap = 3.0 * px_per_pt
        cands = []
        for r in rings:
            rr = r * px_per_pt
            base = [
                (gap + rr, gap),
                (gap + rr, -gap - h),
                (-gap - rr - w, gap),
                (-gap - rr - w, -gap - h),
                (-w / 2, gap + rr),
                (-w / 2, -gap - rr - h),
            ]
            if r:
                base += [
                    (gap + rr * 0.7, gap + rr * 0.7),
                    (gap + rr * 0.7, -gap - h - rr * 0.7),
                    (-gap - w - rr * 0.7, gap + rr * 0.7),
                    (-gap - w - rr * 0.7, -gap - h - rr * 0.7),
                ]
            cands += [(dx, dy, r) for dx, dy in base]
        best, best_cost = None, None
        for dx, dy, r in cands:
            box = (x + dx, y + dy, x + dx + w, y + dy + h)
            if box[0] < frame.x0 or box[2] > frame.x1 or box[1] < frame.y0 or box[3] > frame.y1:
                continue
            own = (x - marker, y - marker, x + marker, y + marker)
            cost = sum(_overlap(box, b) for b in busy if b != own) + sum(_overlap(box, b) for b in placed)
            if cost == 0:
                best, best_cost = (dx, dy, r, box), 0
                break
            if best_cost is None or cost < best_cost:
                best, best_cost = (dx, dy, r, box), cost
        if best is None:  # no room inside the axes at all: right of the point
            best = (gap, gap, 0.0, (x + gap, y + gap, x + gap + w, y + gap + h))
        dx, dy, r, box = best
        placed.append(box)
        kw = {}
        if r:
            kw["arrowprops"] = {"arrowstyle": "-", "lw": 0.5, "color": "#777777", "shrinkA": 0, "shrinkB": 2}
        out[i] = ax.annotate(
            str(texts[i]),
            (float(xs[i]), float(ys[i])),
            fontsize=fontsize,
            xytext=((dx + pad_px) / px_per_pt, (dy + pad_px) / px_per_pt),
            textcoords="offset points",
            ha="left",
            va="bottom",
            annotation_clip=False,
            **kw,
        )
    return out


def funnel_alt(
    table: pd.DataFrame,
    od: dict,
    levels: Sequence[float],
    per: float,
    lang: str,
    what: str | None = None,
    denominator: str | None = None,
    title: str | None = None,
) -> str:
    """Alt text of a funnel plot in the report language: what is plotted, how many units,
    the limits and pooled value, and which units lie outside the widest limits (by name, in
    name order — a prompt to look closer, not a ranking)."""

    lv = _check_levels(levels)
    top = lv[-1]
    tag = _level_tag(top)
    col = f"position_{tag}"
    out_units = sorted(table.loc[table[col] != "within", "unit"].astype(str)) if col in table else []
    outside = (
        label("funnel_alt_outside", lang, level=_level_label(top, lang), units=", ".join(out_units))
        if out_units
        else label("funnel_alt_none_outside", lang)
    )
    theta = fmt_number(od["theta0"] * per, 1 if per != 1 else 3, lang)
    text = label(
        "funnel_alt",
        lang,
        what=(what or pick(lang, "giá trị", "value")).lower() if what else pick(lang, "giá trị", "value"),
        n=len(table),
        denominator=(denominator or pick(lang, "mẫu số", "denominator")).lower(),
        levels=pick(lang, " và ", " and ").join(_level_label(x, lang) for x in lv),
        theta=theta,
        outside=outside,
    )
    return f"{title}. {text}" if title else text


def _wrap_to_axes(text_artist, text: str, ax) -> None:
    """Set ``text_artist`` to ``text`` wrapped to the width of ``ax`` (pixels at its font size)."""
    fig = ax.figure
    width_px = ax.get_position().width * fig.get_figwidth() * fig.dpi
    text_artist.set_text(style.wrap_to_width(text, width_px, text_artist.get_fontsize(), fig))


def _grow_for_lines(fig, text_artist, had: int) -> int:
    """Make ``fig`` taller by the lines ``text_artist`` has beyond ``had`` (line height 1.3 ×
    its font size); returns its line count."""
    lines = text_artist.get_text().count("\n") + 1
    if lines > had:
        fig.set_figheight(fig.get_figheight() + (lines - had) * text_artist.get_fontsize() * 1.3 / 72)
    return lines


def plot_funnel(
    table: pd.DataFrame,
    od: dict,
    kind: str = "proportion",
    per: float = 1.0,
    levels: Sequence[float] = LEVELS,
    title: str | None = None,
    xlabel: str | None = None,
    ylabel: str | None = None,
    lang: str = "vi",
    hidden_units: Iterable[str] = (),
    ylim: tuple[float, float] | None = None,
):
    """Draw a funnel plot from :func:`funnel_table` output, in the house style.

    Inputs: ``table`` and ``od`` from :func:`funnel_table`, ``kind``, ``per`` (same as used
    for the table), ``levels``, labels, ``lang`` and ``hidden_units`` (units whose point must
    not be drawn, e.g. because disclosure control hid their numerator; they are listed in a
    footnote instead), ``ylim`` (y range; default 0 to the top, 0–``per`` for proportions).
    Output: matplotlib Figure with the house number format (thousands separators, decimal
    comma in Vietnamese) and wrapped titles. Points are labelled by unit with labels that do
    not overlap (:func:`place_point_labels`); the legend sits below the plot so it never
    covers a point; nothing is ranked.
    """
    import matplotlib.pyplot as plt

    check_lang(lang)
    style.use_house_style()
    lv = _check_levels(levels)
    hidden = set(hidden_units)
    d = table["denominator"].to_numpy(dtype=float)
    lo_d = max(1.0, d.min() * 0.5)
    grid = np.linspace(lo_d, d.max() * 1.15, 200)
    if kind == "proportion":
        grid = np.unique(np.ceil(grid))
    th = od["theta0"]
    exact = binomial_limits(th, grid, lv) if kind == "proportion" else poisson_limits(th, th * grid, lv)
    adj = adjusted_limits(kind, th, grid, od["tau2"], lv)
    fig, ax = plt.subplots()
    dashes = {lv[0]: "--", lv[-1]: ":"}
    for level in lv:
        tag = _level_tag(level)
        lab = _level_label(level, lang)
        ls = dashes.get(level, "-.")
        ax.plot(
            grid,
            exact[f"lower_{tag}"] * per,
            color=style.REFERENCE,
            ls=ls,
            lw=1,
            label=pick(lang, f"Giới hạn chính xác {lab}", f"Exact limit {lab}"),
        )
        ax.plot(grid, exact[f"upper_{tag}"] * per, color=style.REFERENCE, ls=ls, lw=1)
        if od["overdispersed"]:
            ax.plot(
                grid,
                adj[f"lower_{tag}"] * per,
                color=style.TARGET_2030,
                ls=ls,
                lw=1,
                label=pick(lang, f"Giới hạn điều chỉnh {lab}", f"Adjusted limit {lab}"),
            )
            ax.plot(grid, adj[f"upper_{tag}"] * per, color=style.TARGET_2030, ls=ls, lw=1)
    ax.axhline(th * per, color=style.FITTED, lw=1, label=pick(lang, "Giá trị chung θ₀", "Pooled value θ₀"))
    shown = table[~table["unit"].isin(hidden)]
    ax.scatter(shown["denominator"], shown["value"], color=style.OBSERVED, zorder=3, s=25)
    ax.set_ylim(bottom=0)
    if kind == "proportion":
        ax.set_ylim(0, 1.02 * per)
    if ylim is not None:
        ax.set_ylim(*ylim)
    ax.set_xlabel(xlabel or pick(lang, "Mẫu số", "Denominator"))
    ax.set_ylabel(ylabel or pick(lang, "Giá trị", "Value"))
    if title:
        ax.set_title(title, y=1.0)
    note = dispersion_note(od, lang)
    if hidden:
        note += pick(lang, " · không vẽ (số nhỏ bị ẩn): ", " · not drawn (small counts hidden): ")
        note += ", ".join(sorted(map(str, hidden)))
    # Legend right of the axes and note under the x-axis label: inside the axes, "best"
    # placement could hide a point or a label.
    ax.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), frameon=False, fontsize=8)
    note_text = ax.annotate(
        note,
        xy=(0.0, 0.0),
        xycoords=("axes fraction", ax.xaxis.label),
        xytext=(0, -4),
        textcoords="offset points",
        ha="left",
        va="top",
        fontsize=8,
        color=style.REFERENCE,
    )
    style.finish_figure(fig, lang)
    # The note lists every hidden unit (dozens of communes): on one line it is wider than the
    # figure, tight_layout gives up and the saved chart loses its legend and the note itself.
    _wrap_to_axes(note_text, note, ax)
    # A long note takes its lines from the figure's height, not from the plot's.
    lines = _grow_for_lines(fig, note_text, 1)
    fig.tight_layout()
    # The legend narrows the axes: wrap the title and note again to the final width (the note
    # may need more lines now), then lay out.
    style.wrap_titles(fig)
    _wrap_to_axes(note_text, note, ax)
    _grow_for_lines(fig, note_text, lines)
    # Final layout: the point labels below stay inside the axes, so the saved figure needs no
    # cropping pass (style.figure_png).
    style.tight_layout(fig)
    place_point_labels(
        ax, shown["denominator"].to_numpy(float), shown["value"].to_numpy(float), shown["unit"].astype(str).tolist()
    )
    style.set_alt(fig, funnel_alt(shown, od, lv, per, lang, what=ylabel, denominator=xlabel, title=title))
    return fig
