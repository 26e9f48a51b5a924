"""Reading and checking the 2025 commune files: the new and former communes
(``communes_2025.csv``, ``former_communes_2025.csv``), the commune crosswalk
(``crosswalk_2025.csv``) and the district crosswalk (``crosswalk_districts_2025.csv``), checked
against each other. Errors name file, row, column and reason (:class:`UnitsError`).

Used by :func:`me_utils.reference.units.load_units`.
"""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from me_utils.reference.unit_model import (
    COMMUNES_FILE,
    CROSSWALK_COLUMNS,
    CROSSWALK_FILE,
    DISTRICT_CROSSWALK_COLUMNS,
    DISTRICT_END,
    FORMER_FILE,
    REFORM_DATE,
    STATUSES,
    Unit,
    UnitsError,
    check_unit_row,
    fold_keep_marks,
    read_csv,
    row_dates,
)


def load_commune_file(
    path: Path, required: list[str], seen_ids: set[str], district_codes: set[str], new: bool
) -> list[Unit]:
    units = []
    for i, r in read_csv(path, required):
        check_unit_row(r, path, i)
        uid, code = r["unit_id"], r["unit_code"]
        if not re.fullmatch(r"\d{5}", code):
            raise UnitsError(f"{path}: row {i}, column 'unit_code': {code!r} is not a five-digit code")
        expected = ("N" if new else "F") + code
        if uid != expected:
            raise UnitsError(f"{path}: row {i}, column 'unit_id': {uid!r} should be {expected!r}")
        if uid in seen_ids:
            raise UnitsError(f"{path}: row {i}, column 'unit_id': duplicate {uid!r}")
        seen_ids.add(uid)
        if r["level"] != "commune":
            raise UnitsError(f"{path}: row {i}, column 'level': {r['level']!r} should be 'commune'")
        vf, vt = row_dates(r, path, i)
        if new and (vf != REFORM_DATE or vt is not None):
            raise UnitsError(f"{path}: row {i}, column 'valid_from': a new commune is valid from {REFORM_DATE} on")
        if not new and vt != DISTRICT_END:
            raise UnitsError(f"{path}: row {i}, column 'valid_to': a former commune is valid until {DISTRICT_END}")
        if not new and r["parent"] not in district_codes:
            raise UnitsError(f"{path}: row {i}, column 'parent': {r['parent']!r} is not a district code")
        extra = {}
        if new:
            fds = tuple(x for x in r["former_districts"].split(";") if x)
            bad = [x for x in fds if x not in district_codes]
            if not fds or bad:
                raise UnitsError(
                    f"{path}: row {i}, column 'former_districts': {r['former_districts']!r} "
                    "needs one or more district codes separated by ';'"
                )
            try:
                item = int(r["art1_item"])
            except ValueError:
                raise UnitsError(f"{path}: row {i}, column 'art1_item': {r['art1_item']!r} is not a number") from None
            if r["unchanged"] not in ("0", "1"):
                raise UnitsError(f"{path}: row {i}, column 'unchanged': {r['unchanged']!r} is not 0 or 1")
            extra = {"former_districts": fds, "art1_item": item, "unchanged": r["unchanged"] == "1"}
        else:
            extra = {"name_gso": r.get("name_gso", "")}
        units.append(
            Unit(
                unit_code=code,
                level="commune",
                type=r["type"],
                name_vi=r["name_vi"],
                name_en=r["name_en"],
                name_ascii=r["name_ascii"],
                full_name_vi=r["full_name_vi"],
                full_name_en=r["full_name_en"],
                valid_from=vf,
                valid_to=vt,
                parent=r["parent"],
                source=r["source"],
                note=r["note"],
                unit_id=uid,
                status=r["status"],
                district_basis=r["district_basis"],
                **extra,
            )
        )
    return units


def load_crosswalk(path: Path, by_id: dict[str, Unit]) -> pd.DataFrame:
    """Read crosswalk_2025.csv and check it against the unit files: every former commune maps
    exactly once, to a new commune that exists, whose former districts include the former
    unit's district; every new commune receives at least one former unit; the cross_district
    and code_reused flags agree with the units."""
    rows = read_csv(path, CROSSWALK_COLUMNS)
    former = {u.unit_id for u in by_id.values() if u.level == "commune" and not u.reporting}
    new = {u.unit_id for u in by_id.values() if u.level == "commune" and u.reporting}
    mapped: dict[str, int] = {}
    recs = []
    for i, r in rows:
        o, n = r["old_unit_id"], r["new_unit_id"]
        if o not in former:
            raise UnitsError(f"{path}: row {i}, column 'old_unit_id': {o!r} is not a former commune of {FORMER_FILE}")
        if o in mapped:
            raise UnitsError(
                f"{path}: row {i}, column 'old_unit_id': {o!r} is mapped twice (also row {mapped[o]}); "
                "every former unit maps to exactly one new unit"
            )
        mapped[o] = i
        if n not in new:
            raise UnitsError(f"{path}: row {i}, column 'new_unit_id': {n!r} is not a commune of {COMMUNES_FILE}")
        ou, nu = by_id[o], by_id[n]
        for col, want in (
            ("old_code", ou.unit_code),
            ("new_code", nu.unit_code),
            ("old_name_vi", ou.name_vi),
            ("new_name_vi", nu.name_vi),
            ("former_district", ou.parent),
        ):
            if r[col] != want:
                raise UnitsError(
                    f"{path}: row {i}, column {col!r}: {r[col]!r} disagrees with the unit files ({want!r})"
                )
        if ou.parent not in nu.former_districts:
            raise UnitsError(
                f"{path}: row {i}, column 'former_district': {ou.parent!r} is not among the former "
                f"districts of {n} ({';'.join(nu.former_districts)})"
            )
        cross = r["cross_district"] == "1"
        if cross != (len(nu.former_districts) > 1):
            raise UnitsError(
                f"{path}: row {i}, column 'cross_district': {r['cross_district']!r} disagrees with "
                f"the former districts of {n}"
            )
        # A code is "reused" when the new unit carries the code of a former unit of another name
        # (compared as the old GSO list spells it, ignoring case): never join on the code alone.
        reused = ou.unit_code == nu.unit_code and fold_keep_marks(ou.name_gso or ou.name_vi) != fold_keep_marks(
            nu.name_vi
        )
        if (r["code_reused"] == "1") != reused:
            raise UnitsError(
                f"{path}: row {i}, column 'code_reused': {r['code_reused']!r} disagrees with the names "
                f"({ou.name_gso or ou.name_vi} → {nu.name_vi})"
            )
        if r["status"] not in STATUSES:
            raise UnitsError(f"{path}: row {i}, column 'status': {r['status']!r} is not one of {', '.join(STATUSES)}")
        recs.append(
            {
                **{c: r[c] for c in CROSSWALK_COLUMNS},
                "cross_district": cross,
                "code_reused": reused,
                "art1_item": int(r["art1_item"]),
            }
        )
    missing = sorted(former - set(mapped))
    if missing:
        raise UnitsError(f"{path}: former unit(s) not mapped to any new unit: {', '.join(missing)}")
    empty = sorted(new - {r["new_unit_id"] for r in recs})
    if empty:
        raise UnitsError(f"{path}: new unit(s) receiving no former unit: {', '.join(empty)}")
    for r in recs:
        if by_id[r["new_unit_id"]].unchanged and sum(x["new_unit_id"] == r["new_unit_id"] for x in recs) != 1:
            raise UnitsError(f"{path}: {r['new_unit_id']} is marked unchanged but receives several former units")
    return pd.DataFrame(recs, columns=CROSSWALK_COLUMNS)


def load_district_crosswalk(path: Path, crosswalk: pd.DataFrame, by_id: dict[str, Unit]) -> pd.DataFrame:
    """Read crosswalk_districts_2025.csv and check that it equals the pairs (former district,
    new commune) of the commune crosswalk, and that its unit counts by type agree with the
    former communes."""
    rows = read_csv(path, DISTRICT_CROSSWALK_COLUMNS)
    recs = [{**r, "cross_district": r["cross_district"] == "1", "art1_item": int(r["art1_item"])} for _, r in rows]
    df = pd.DataFrame(recs, columns=DISTRICT_CROSSWALK_COLUMNS)
    got = set(zip(df["former_district"], df["new_code"]))
    want = set(zip(crosswalk["former_district"], crosswalk["new_code"]))
    if got != want:
        extra = sorted(got - want)
        lack = sorted(want - got)
        raise UnitsError(f"{path}: disagrees with {CROSSWALK_FILE}: pairs only here {extra}, pairs missing {lack}")
    former = [u for u in by_id.values() if u.level == "commune" and not u.reporting]
    for i, r in rows:
        d = r["former_district"]
        mine = [u for u in former if u.parent == d]
        counts = {
            "n_former_units": len(mine),
            "n_former_xa": sum(u.type == "xã" for u in mine),
            "n_former_phuong": sum(u.type == "phường" for u in mine),
            "n_former_thi_tran": sum(u.type == "thị trấn" for u in mine),
        }
        for col, n in counts.items():
            if r[col] != str(n):
                raise UnitsError(f"{path}: row {i}, column {col!r}: {r[col]!r} but {FORMER_FILE} has {n} for {d}")
        nu = by_id["N" + r["new_code"]]
        if r["cross_district"] == "1" and len(nu.former_districts) < 2:
            raise UnitsError(f"{path}: row {i}, column 'cross_district': {r['new_code']} lies in one district")
    return df
