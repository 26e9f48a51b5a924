"""Geography column and commune → former-district aggregation (cross-district case)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from me_utils.analysis.geography import (
    add_geography,
    aggregate_to_former_districts,
    former_district_areas,
)
from me_utils.reference.units import load_units


@pytest.fixture(scope="module")
def units():
    return load_units()


def test_geography_column(units):
    df = pd.DataFrame({"unit_code": ["SL", "MC", "04000", "XX"]})
    assert list(add_geography(df, units)["geography"]) == ["province", "district", "commune", ""]


def test_areas_add_up_to_the_province(units):
    areas = former_district_areas(units)
    assert len(areas) == 75 and areas["unit_code"].is_unique
    sizes = areas.groupby("area").size().to_dict()
    # §4 of the reference: new units per former district, Chiềng Sơn taken out of MC and VH
    assert sizes == {
        "TPSL": 4,
        "MC": 7,
        "QN": 4,
        "ML": 5,
        "TC": 10,
        "BY": 6,
        "PY": 8,
        "MS": 8,
        "YC": 5,
        "SM": 9,
        "SC": 4,
        "VH": 4,
        "MC+VH": 1,
    }
    inc = former_district_areas(units, "include")
    assert len(inc) == 76 and inc.groupby("area").size()[["MC", "VH"]].tolist() == [8, 5]


def test_aggregation_by_hand(units):
    # every commune gets numerator 1 and denominator 10; Sốp Cộp's four communes get 2/20
    codes = units.communes()
    num = [2 if c in ("04231", "04228", "04246", "04240") else 1 for c in codes]
    df = pd.DataFrame({"unit_code": codes, "year": 2026, "numerator": num, "denominator": [10 * n for n in num]})
    df = pd.concat([df, pd.DataFrame({"unit_code": ["SL"], "year": [2026], "numerator": [999], "denominator": [999]})])
    out = aggregate_to_former_districts(df, ["numerator", "denominator"], by=["year"], units=units).set_index("area")
    assert out.loc["SC", "numerator"] == 8 and out.loc["SC", "denominator"] == 80
    assert out.loc["MC", "numerator"] == 7 and out.loc["MC+VH", "numerator"] == 1
    assert bool(out.loc["MC+VH", "cross_district"]) and not bool(out.loc["MC", "cross_district"])
    assert out["numerator"].sum() == sum(num)  # areas add up to the communes' total, no double count
    assert list(out.index) == ["TPSL", "QN", "TC", "ML", "BY", "PY", "MC", "MC+VH", "YC", "MS", "SM", "SC", "VH"]
    assert (out["geography"] == "former_district_area").all()
    inc = aggregate_to_former_districts(
        df, ["numerator"], by=["year"], units=units, cross_district="include"
    ).set_index("area")
    assert inc.loc["MC", "numerator"] == 8 and inc.loc["VH", "numerator"] == 5
    assert bool(inc.loc["MC", "cross_district"]) and bool(inc.loc["VH", "cross_district"])


def test_a_missing_commune_never_undercounts(units):
    codes = [c for c in units.communes() if c != "04231"]
    df = pd.DataFrame({"unit_code": codes, "cases": 1.0})
    df.loc[df["unit_code"] == "04000", "cases"] = np.nan
    out = aggregate_to_former_districts(df, ["cases"], units=units).set_index("area")
    assert np.isnan(out.loc["SC", "cases"]) and out.loc["SC", "n_communes"] == 3
    assert np.isnan(out.loc["MC", "cases"])  # Đoàn Kết's value missing
    assert out.loc["QN", "cases"] == 4


def test_commune_funnel_by_hand(units):
    from scipy.stats import binom

    from me_utils.analysis.commune_funnel import commune_funnel

    codes = units.communes()
    num = [5 + (i % 7) for i in range(len(codes))]
    den = [20 + (i % 5) * 5 for i in range(len(codes))]
    obs = pd.DataFrame(
        {
            "indicator_code": "M1.C1",
            "unit_code": codes,
            "year": 2026,
            "period": "FY",
            "sex": "T",
            "numerator": num,
            "denominator": den,
        }
    )
    obs = pd.concat(
        [
            obs,
            pd.DataFrame(
                [
                    {
                        "indicator_code": "M1.C1",
                        "unit_code": "SL",
                        "year": 2026,
                        "period": "FY",
                        "sex": "T",
                        "numerator": 1,
                        "denominator": 2,
                    }
                ]
            ),
        ]
    )
    tab, od = commune_funnel(obs, "M1.C1", 2026, units=units)
    assert len(tab) == 75 and od["n_units"] == 75
    theta = sum(num) / sum(den)
    assert od["theta0"] == pytest.approx(theta)
    row = tab.set_index("unit_code").loc["03985"]
    assert row["unit"] == "xã Chiềng Sơn" and bool(row["cross_district"])
    assert row["former_districts"] == "huyện Vân Hồ; thị xã Mộc Châu"
    i = codes.index("03985")
    assert row["value"] == pytest.approx(100 * num[i] / den[i])
    # the exact 95% limit is a binomial quantile around the pooled share (scipy as the reference)
    lo = binom.ppf(0.025, den[i], theta) / den[i] * 100
    assert row["lower_95"] == pytest.approx(lo, abs=100 / den[i])
    assert list(tab["unit"]) == sorted(tab["unit"], key=str.casefold)
    with pytest.raises(ValueError, match="a funnel needs 2 or more"):
        commune_funnel(obs[obs["unit_code"].isin(["SL", "04000"])], "M1.C1", 2026, units=units)
