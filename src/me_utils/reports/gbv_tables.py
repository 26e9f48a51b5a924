"""The data of the GBV report (``notebooks/20_gbv.ipynb``) and its suppressed counts: the
:class:`GbvReport` (register, consent filter, population, returnees, threshold, cubes, tables
shown), :func:`load_report_data`, the district × category × year cubes suppressed once for the
province (:func:`plane`, :func:`category_cube`, :func:`yes_no_cube`, :func:`indicator_cube`,
:func:`returnee_cube`), the register indicators read from them (:func:`indicator_series`) and
the inputs and display table of the district funnels. The sections that show them are in
:mod:`me_utils.reports.gbv_report`.
"""

from __future__ import annotations

import hashlib
import io
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from me_utils.analysis import disclosure as D
from me_utils.analysis import funnel
from me_utils.analysis import gbv as G
from me_utils.analysis.intervals import wilson_ci
from me_utils.core import fmt, style
from me_utils.core.atomic import atomic_path
from me_utils.reference.units import load_units
from me_utils.reports.notebook import markdown, show_table

PROVINCE = "SL"


def show_gbv_table(df: pd.DataFrame, caption: str | None = None, index: bool = False) -> None:
    """Display a GBV table after the identifier guard (raises if an id or raw date slips in)."""

    D.guard_no_identifiers(df)
    show_table(df, caption=caption, index=index)


def unit_name(code: str, lang: str) -> str:
    """Name of a unit in the report language (the code when the unit list does not load)."""
    try:
        return load_units().name(code, lang)
    except (ImportError, KeyError, OSError):
        return code


def show_fig(fig) -> None:
    """Embed a figure as PNG with the alt text it carries (:func:`me_utils.core.style.show_figure`)
    and close it."""
    style.show_figure(fig, finish=False)


@dataclass
class GbvReport:
    """What the GBV sections share: context, validated register, consent filter, population,
    returnees, threshold ``k``, the suppressed cubes and the tables shown (for the log).

    Every count a report shows is a cell of a *cube* district × category × year (with every
    margin) suppressed once for the whole province. The province report and each district
    report show slices of the same cubes, so reading all of them together still cannot give a
    hidden cell away. The district × year totals plane is shared by all GBV cubes and is
    suppressed first, then imposed on the others.
    """

    ctx: object
    register: pd.DataFrame
    problems: pd.DataFrame
    consent: G.Consented
    population: pd.DataFrame | None
    returnees: pd.DataFrame | None
    k: int
    files: dict
    tables: list = field(default_factory=list)
    cubes: dict = field(default_factory=dict)
    #: cube units below the province: the phase's districts or communes (+ any unit a case is
    #: counted under that is not one of them, see :func:`me_utils.analysis.gbv.phase_areas`)
    units: list = field(default_factory=list)
    #: last year with a case in the register (later years of the phase are not shown)
    last_year: int | None = None

    @property
    def lang(self) -> str:
        return self.ctx.lang

    @property
    def unit(self) -> str:
        return self.ctx.unit

    @property
    def fixed_unit(self):
        """Cube label of the report unit (None = province total)."""
        return None if self.unit == PROVINCE else self.unit

    @property
    def illustrative(self) -> bool:
        return bool(self.ctx.illustrative)

    @property
    def years(self) -> list[int]:
        """Report years: the phase, cut at the last year with data (a phase still running,
        e.g. 2026–2030 in 2026, shows no empty future years)."""
        end = self.ctx.period_end
        if self.last_year is not None and self.ctx.period_start <= self.last_year < end:
            end = self.last_year
        return list(range(self.ctx.period_start, end + 1))

    @property
    def commune_phase(self) -> bool:
        """True for a phase of communes (2026–2030), False for the districts (2021–2025)."""
        return self.ctx.period_start >= 2026

    @property
    def gbv(self) -> pd.DataFrame:
        """Consented GBV incidents (non-GBV excluded), all districts, report years."""
        d = self.consent.data
        d = d[(d["incident_type"].astype(str) != "non_gbv") & d["year"].isin(self.years)]
        return d

    @property
    def data(self) -> pd.DataFrame:
        """Consented incidents of the report unit in the report years."""
        d = self.consent.data
        if self.unit != PROVINCE:
            d = d[d["unit_code"].astype(str) == self.unit]
        return d[d["year"].isin(self.years)]

    def show(self, st: D.SuppressedTable, caption: str) -> None:
        """Display a suppressed slice and record it for the log."""
        self.tables.append(st)
        show_gbv_table(
            st.display(self.lang), caption=caption + illustrative_note(self.lang, self.illustrative), index=True
        )


def level_words(rep: GbvReport) -> dict:
    """Words for the units below the province in the report language: ``one`` (huyện /
    district or xã, phường / commune), ``many`` (các huyện / districts, các xã, phường /
    communes) and ``Many`` (capitalised, for a caption)."""
    if rep.commune_phase:
        w = {
            "one": ("xã, phường", "commune"),
            "many": ("các xã, phường", "communes"),
            "Many": ("Các xã, phường", "Communes"),
        }
    else:
        w = {"one": ("huyện", "district"), "many": ("các huyện", "districts"), "Many": ("Các huyện", "Districts")}
    return {key: fmt.pick(rep.lang, *pair) for key, pair in w.items()}


def _cache_dir() -> str:
    return D.default_cache_dir()


def _counts(frame: pd.DataFrame, dim: str | None, cats: list, years: list, units: list) -> np.ndarray:
    """Unit × category × year counts (unit × year when ``dim`` is None); ``units`` are the
    cube's units below the province."""
    if dim is None:
        g = frame.groupby([frame["unit_code"].astype(str), "year"]).size()
        idx = pd.MultiIndex.from_product([units, years])
        return g.reindex(idx, fill_value=0).to_numpy().reshape(len(units), len(years))
    g = frame.groupby([frame["unit_code"].astype(str), frame[dim].astype(str), "year"]).size()
    idx = pd.MultiIndex.from_product([units, [str(c) for c in cats], years])
    return g.reindex(idx, fill_value=0).to_numpy().reshape(len(units), len(cats), len(years))


#: Category cubes that share the totals plane (dimension → categories).
SHARED_CATEGORIES = {
    "incident_type": G.GBV_TYPES,
    "survivor_sex": G.SEXES,
    "survivor_age_group": G.AGE_GROUPS,
    "survivor_ethnicity": G.ETHNICITIES,
    "delay_band": [b[0] for b in G.DELAY_BANDS],
}
#: Case-context flags shown as yes/no cubes sharing the totals plane (keys ``flag_<name>``).
SHARED_FLAGS = ("ipv", "child_sexual_abuse", "early_marriage", "survivor_disability")
#: Register indicators whose denominator is every GBV incident (they share the plane).
SHARED_INDICATORS = ("M3.C2a", "G.1")


def _suppress3(rep: GbvReport, counts: np.ndarray, name: str, forced=None, frozen=None) -> D.SuppressedCube:
    return D.suppress_cube(
        counts,
        [rep.units, list(range(counts.shape[1])), rep.years],
        ("unit_code", name, "year"),
        k=rep.k,
        forced=forced,
        frozen=frozen,
        cache_dir=_cache_dir(),
    )


def _yes_no_counts(rep: GbvReport, yes: pd.Series, den: pd.Series, frame: pd.DataFrame) -> np.ndarray:
    f = frame[den.to_numpy()].assign(_yn=np.where(yes[den].to_numpy(), "yes", "no"))
    return _counts(f, "_yn", ["yes", "no"], rep.years, rep.units)


def _indicator_inputs(rep: GbvReport, code: str):
    d = rep.consent.data
    d = d[d["year"].isin(rep.years)]
    num, den = G.indicator_parts(d)[code]
    return num & den, den, d


def _shared_cubes(rep: GbvReport) -> None:
    """Suppress every cube that shares the unit × year totals plane, together.

    The plane is suppressed first and imposed on each cube (hidden totals forced, shown totals
    frozen). When a cube cannot be protected with its totals frozen (at commune level, with
    tiny counts, this happens), it may hide more totals; those are then forced on every cube
    and all are suppressed again until they hide the same totals (the set only grows, so this
    ends) — so no table shows a total that another hides. Stores the cubes in ``rep.cubes``
    (keys: the category dimensions, ``flag_<name>``, the indicator codes)."""
    if "plane" in rep.cubes:
        return
    g = rep.gbv
    specs = {
        dim: (_counts(g, dim, cats, rep.years, rep.units), [str(c) for c in cats])
        for dim, cats in SHARED_CATEGORIES.items()
    }
    every = pd.Series(True, index=g.index)
    for flag in SHARED_FLAGS:
        specs[f"flag_{flag}"] = (_yes_no_counts(rep, g[flag] == 1, every, g), ["yes", "no"])
    for code in SHARED_INDICATORS:
        specs[code] = (_yes_no_counts(rep, *_indicator_inputs(rep, code)), ["yes", "no"])
    p = D.suppress_cube(
        _counts(g, None, [], rep.years, rep.units),
        [rep.units, rep.years],
        ("unit_code", "year"),
        k=rep.k,
        cache_dir=_cache_dir(),
    )
    def run(key, counts, tot, freeze):
        shape = tuple(n + 1 for n in counts.shape)
        forced = np.zeros(shape, dtype=bool)
        forced[:, -1, :] = tot
        frozen = np.zeros(shape, dtype=bool)
        frozen[:, -1, :] = ~tot
        return _suppress3(rep, counts, key, forced, frozen if freeze else None)

    # the outcome (hidden totals, and which cubes kept the shown totals frozen) is cached, so
    # the 75 commune pages replay the last round from the cube cache instead of the search
    digest = hashlib.sha256(b"gbv-shared-v1|" + f"{rep.k}|{rep.units}|{rep.years}".encode())
    for key, (counts, _) in specs.items():
        digest.update(key.encode() + np.ascontiguousarray(counts, dtype=np.int64).tobytes())
    cache = Path(_cache_dir()) / f"{digest.hexdigest()}.npz" if _cache_dir() else None
    if cache is not None and cache.exists():
        z = np.load(cache, allow_pickle=False)
        tot_hidden = z["hidden"]
        cubes = {key: run(key, c, tot_hidden, bool(f)) for (key, (c, _)), f in zip(specs.items(), z["frozen"])}
    else:
        tot_hidden = p.hidden.copy()
        freeze = True
        while True:
            cubes, used = {}, []
            for key, (counts, _) in specs.items():
                try:
                    cubes[key] = run(key, counts, tot_hidden, freeze)
                    used.append(freeze)
                except ValueError:
                    cubes[key] = run(key, counts, tot_hidden, False)
                    used.append(False)
            union = tot_hidden.copy()
            for cube in cubes.values():
                union |= cube.hidden[:, -1, :]
            if np.array_equal(union, tot_hidden):
                break
            tot_hidden, freeze = union, False
        if cache is not None:
            with atomic_path(cache) as tmp, open(tmp, "wb") as fh:
                np.savez(fh, hidden=tot_hidden, frozen=np.array(used, dtype=bool))
    p.reason = np.where(tot_hidden & ~p.hidden, "complementary", p.reason).astype(object)
    p.hidden = tot_hidden
    for key, cube in cubes.items():
        cube.labels[1] = specs[key][1] + [cube.labels[1][-1]]
        rep.cubes[key] = cube
    rep.cubes["plane"] = p


def plane(rep: GbvReport) -> D.SuppressedCube:
    """Unit × year totals of GBV incidents, suppressed (the plane shared by the cubes of
    :func:`_shared_cubes`, with every total any of them hides)."""
    _shared_cubes(rep)
    return rep.cubes["plane"]


def category_cube(rep: GbvReport, dim: str, cats: list) -> D.SuppressedCube:
    """GBV incidents by unit × ``dim`` × year (categories ``cats``), sharing the plane."""
    if dim in SHARED_CATEGORIES and [str(c) for c in cats] == [str(c) for c in SHARED_CATEGORIES[dim]]:
        _shared_cubes(rep)
        return rep.cubes[dim]
    key = f"cat_{dim}_{'|'.join(map(str, cats))}"
    if key not in rep.cubes:
        p = plane(rep)
        counts = _counts(rep.gbv, dim, cats, rep.years, rep.units)
        shape = tuple(n + 1 for n in counts.shape)
        forced = np.zeros(shape, dtype=bool)
        forced[:, -1, :] = p.hidden
        frozen = np.zeros(shape, dtype=bool)
        frozen[:, -1, :] = ~p.hidden
        cube = _suppress3(rep, counts, dim, forced, frozen)
        cube.labels[1] = [str(c) for c in cats] + [cube.labels[1][-1]]
        rep.cubes[key] = cube
    return rep.cubes[key]


def yes_no_cube(
    rep: GbvReport, key: str, yes: pd.Series, den: pd.Series, frame: pd.DataFrame, shared_plane: bool
) -> D.SuppressedCube:
    """Unit × {yes, no} × year cube of a proportion's numerator and the rest of its
    denominator (rows of ``frame`` with ``den``). The shared-plane cubes (context flags,
    M3.C2a, G.1) come from :func:`_shared_cubes`; the others are suppressed on their own."""
    if shared_plane:
        _shared_cubes(rep)
        if key in rep.cubes:
            return rep.cubes[key]
        raise ValueError(f"gbv_tables: {key!r} is not one of the cubes sharing the totals plane")
    if key not in rep.cubes:
        cube = _suppress3(rep, _yes_no_counts(rep, yes, den, frame), key)
        cube.labels[1] = ["yes", "no", cube.labels[1][-1]]
        rep.cubes[key] = cube
    return rep.cubes[key]


def indicator_cube(rep: GbvReport, code: str) -> D.SuppressedCube:
    """Cube of a register indicator. M3.C2a and G.1 count every GBV incident in their
    denominator, so they share the totals plane with the breakdown cubes."""
    yes, den, d = _indicator_inputs(rep, code)
    return yes_no_cube(rep, code, yes, den, d, shared_plane=code in SHARED_INDICATORS)


def returnee_cube(rep: GbvReport) -> D.SuppressedCube | None:
    """{supported, not supported} × year table of returnees in need (M3.C3), province only.

    Returnee numbers per district are a handful a year; published by district they would be
    almost all hidden, and any district slice would be linked to the province figures. So
    M3.C3 is reported for the province only (police and border-guard figures summed)."""
    if "M3.C3" in rep.cubes or rep.returnees is None:
        return rep.cubes.get("M3.C3")
    r = rep.returnees
    r = r[r["year"].isin(rep.years)]
    if r.empty:
        return None
    G.m3c3(r)  # validates the counts (supported ≤ in need ≤ detected), naming the row
    g = r.groupby("year")[["returnees_in_need", "returnees_supported"]].sum().reindex(rep.years, fill_value=0)
    sup = g["returnees_supported"].to_numpy()
    counts = np.stack([sup, g["returnees_in_need"].to_numpy() - sup], axis=0)
    cube = D.suppress_cube(counts, [["yes", "no"], rep.years], ("M3.C3", "year"), k=rep.k, cache_dir=_cache_dir())
    rep.cubes["M3.C3"] = cube
    return cube


def cube_cell(cube: D.SuppressedCube, unit, cat, year):
    """(count, hidden) of one cube cell; None labels mean totals."""
    idx = []
    for ax, lab in enumerate((unit, cat, year)):
        idx.append(len(cube.labels[ax]) - 1 if lab is None else cube.labels[ax].index(lab))
    idx = tuple(idx)
    return int(cube.counts[idx]), bool(cube.hidden[idx])


def load_report_data(ctx, suppression_threshold: int = D.DEFAULT_K) -> GbvReport:
    """Read and validate the register (processed copy if present, else raw), population and
    returnees; show the data sources. Raises :class:`me_utils.analysis.gbv.RegisterError` (file, row,
    column, value, reason) for a bad register."""
    k = int(suppression_threshold)
    if k < 2:
        raise ValueError("suppression_threshold must be at least 2")
    lang = ctx.lang
    files = {
        name: G.find_input(ctx.data_root, rel)
        for name, rel in (
            ("register", "gbv/register.csv"),
            ("population", "population/population.csv"),
            ("returnees", "trafficking/returnees.csv"),
        )
    }
    reg, problems = G.read_register(files["register"], lang=lang)
    # cases counted under the phase's units: from 01/07/2025 a case carries its commune, which
    # a district phase counts under the former district (gbv.phase_areas)
    counted = reg.assign(unit_code=G.phase_areas(reg["unit_code"], ctx.period_start).to_numpy())
    units = G.phase_units(ctx.period_start)
    rep = GbvReport(
        ctx,
        reg,
        problems,
        G.consented(counted),
        _read_optional(files["population"]),
        _read_optional(files["returnees"]),
        k,
        files,
        units=units,
        last_year=int(reg["year"].max()) if len(reg) else None,
    )
    in_years = counted["year"].isin(rep.years)
    rep.units = units + sorted(set(counted.loc[in_years, "unit_code"]) - set(units))
    # Sources in words: a reviewer's page names what the data are, never a file of the server.
    words = {
        "register": (
            "Sổ đăng ký vụ việc bạo lực trên cơ sở giới (đã kiểm tra khi dựng dữ liệu)",
            "GBV case register (checked when the data were built)",
        ),
        "population": ("Dân số nữ theo đơn vị và năm", "Female population by unit and year"),
        "returnees": ("Số nạn nhân mua bán người trở về và được hỗ trợ", "Trafficking returnees and those supported"),
    }
    lines = []
    for name, p in files.items():
        lines.append(
            "- " + fmt.pick(lang, *words[name]) + ("" if p.exists() else fmt.pick(lang, " (chưa có tệp)", " (no file)"))
        )
    markdown(fmt.pick(lang, "Nguồn số liệu của báo cáo này:", "Data used in this report:") + "\n\n" + "\n".join(lines))
    return rep


def _read_optional(path: Path) -> pd.DataFrame | None:
    if not path.exists():
        return None
    return pd.read_csv(path, encoding="utf-8-sig")


def _wilson(num, den):

    lo, hi = wilson_ci(num, den)
    return lo * 100, hi * 100


def illustrative_note(lang: str, on: bool) -> str:
    """The caption suffix " — illustrative data" (in the report language) when ``on``."""
    return fmt.pick(lang, " — dữ liệu minh họa", " — illustrative data") if on else ""


def indicator_series(rep: GbvReport) -> pd.DataFrame:
    """Register indicators and M3.C3 of the report unit by year, read from their cubes.

    Output columns: ``indicator_code, year, numerator, denominator, value, ci_low, ci_high,
    hide_numerator, hide_denominator, hide_value`` (value and CI in percent).
    """
    rows = []
    cubes = [(c, indicator_cube(rep, c)) for c in G.CATALOGUE_CODES]
    rc = returnee_cube(rep) if rep.unit == PROVINCE else None
    for code, cube in cubes + ([("M3.C3", rc)] if rc is not None else []):
        for y in rep.years:
            if code == "M3.C3":
                yi = cube.labels[1].index(y)
                num, h_num = int(cube.counts[0, yi]), bool(cube.hidden[0, yi])
                den, h_den = int(cube.counts[2, yi]), bool(cube.hidden[2, yi])
            else:
                num, h_num = cube_cell(cube, rep.fixed_unit, "yes", y)
                den, h_den = cube_cell(cube, rep.fixed_unit, None, y)
            hide_val = h_num or h_den or den == 0
            lo, hi = _wilson(num, den) if den else (np.nan, np.nan)
            rows.append(
                {
                    "indicator_code": code,
                    "year": y,
                    "numerator": num,
                    "denominator": den,
                    "value": num / den * 100 if den else np.nan,
                    "ci_low": lo,
                    "ci_high": hi,
                    "hide_numerator": h_num,
                    "hide_denominator": h_den,
                    "hide_value": hide_val,
                }
            )
    return pd.DataFrame(rows)


_POSITION = {
    "below": ("dưới giới hạn", "below the limits"),
    "within": ("trong giới hạn", "within the limits"),
    "above": ("trên giới hạn", "above the limits"),
}


def funnel_data(rep: GbvReport):
    """District-level inputs of the two funnels, pooled over the report years (a phase-end
    comparison; pooling also keeps district counts above the threshold): M3.C2a proportion and
    female GBV survivors per 100,000 women and girls per year (person-years). Counts come from
    the cubes' year-total margins, so a district is hidden (not drawn, x in the table) exactly
    when its pooled count is hidden there. Output: dict ``years``, ``prop``/``rate`` →
    (table, od, hidden unit names) or None."""
    lang = rep.lang
    out = {"years": (rep.years[0], rep.years[-1]), "prop": None, "rate": None}
    cube = indicator_cube(rep, "M3.C2a")
    names, num, den, hidden = [], [], [], []
    for u in rep.units:
        n_, h1 = cube_cell(cube, u, "yes", None)
        d_, h2 = cube_cell(cube, u, None, None)
        if d_ > 0:
            names.append(unit_name(u, lang))
            num.append(n_)
            den.append(d_)
            if h1 or h2:
                hidden.append(names[-1])
    if len(names) >= 3:
        tab, od = funnel.funnel_table(names, num, den, kind="proportion", per=100)
        out["prop"] = (tab, od, hidden)
    if rep.population is not None:
        sc = category_cube(rep, "survivor_sex", G.SEXES)
        pop = rep.population[rep.population["year"].isin(rep.years)]
        fp = G.female_population(pop)
        fp = fp.assign(unit_code=fp["unit_code"].astype(str)).groupby("unit_code")["population"].sum()
        names, n, py, hidden = [], [], [], []
        for u in rep.units:
            if u not in fp.index or fp[u] <= 0:
                continue
            c, h = cube_cell(sc, u, "F", None)
            names.append(unit_name(u, lang))
            n.append(c)
            py.append(float(fp[u]))
            if h:
                hidden.append(names[-1])
        if len(names) >= 3:
            tab, od = funnel.funnel_table(names, n, py, kind="rate", per=100_000)
            out["rate"] = (tab, od, hidden)
    return out


def funnel_display(
    table: pd.DataFrame, od: dict, hidden, lang: str, per_label: str, decimals: int = 1, pct: bool = True
) -> pd.DataFrame:
    """Reviewer table of a funnel: unit (ordered by name, never ranked), value, the limits it
    was judged against and its position; hidden units show x."""
    pre = "adj_" if od["overdispersed"] else ""
    rows = []
    f = (lambda x: fmt.fmt_pct(x, decimals, lang)) if pct else (lambda x: fmt.fmt_number(x, decimals, lang))
    for r in table.itertuples(index=False):
        r = r._asdict()
        h = r["unit"] in hidden
        if r["position_998"] != "within":
            pos = fmt.pick(lang, *_POSITION[r["position_998"]]) + fmt.pick(lang, " (99,8%)", " (99.8%)")
        else:
            pos = fmt.pick(lang, *_POSITION[r["position_95"]]) + ("" if r["position_95"] == "within" else " (95%)")
        # a hidden unit's limits would give its denominator away: hide them too
        rows.append(
            {
                fmt.pick(lang, "Đơn vị", "Unit"): r["unit"],
                per_label: D.HIDDEN_MARK if h else f(r["value"]),
                fmt.pick(lang, "Giới hạn 95%", "95% limits"): D.HIDDEN_MARK
                if h
                else fmt.fmt_ci(r[f"{pre}lower_95"], r[f"{pre}upper_95"], decimals, lang, pct),
                fmt.pick(lang, "Giới hạn 99,8%", "99.8% limits"): D.HIDDEN_MARK
                if h
                else fmt.fmt_ci(r[f"{pre}lower_998"], r[f"{pre}upper_998"], decimals, lang, pct),
                fmt.pick(lang, "Vị trí", "Position"): D.HIDDEN_MARK if h else pos,
            }
        )
    return pd.DataFrame(rows)
