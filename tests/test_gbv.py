"""GBV register: validation, GBVIMS flags, indicators on a hand-built register, delay bands."""

import re

import pandas as pd
import pytest
from scipy import stats

from me_utils.analysis import gbv

BASE = dict(
    case_id="GBV-MC-2023-0001",
    unit_code="MC",
    incident_type="physical_assault",
    ipv="0",
    child_sexual_abuse="0",
    early_marriage="0",
    survivor_sex="F",
    survivor_age_group="25-59",
    survivor_ethnicity="Thai",
    survivor_disability="0",
    incident_date="2023-03-01",
    report_date="2023-03-04",
    svc_health="0",
    svc_psychosocial="0",
    svc_legal="0",
    svc_police_justice="0",
    svc_safe_shelter="0",
    needed_help="0",
    sought_help="0",
    referred="0",
    consent_reporting="1",
    perpetrator_detected="0",
    perpetrator_counselled="0",
    perpetrator_prosecuted="0",
    domestic_violence="0",
    data_status="illustrative",
)


def make(rows):
    out = []
    for i, r in enumerate(rows, start=1):
        d = dict(BASE, **{k: str(v) for k, v in r.items()})
        d.setdefault("case_id", None)
        if "case_id" not in r:
            d["case_id"] = f"GBV-{d['unit_code']}-2023-{i:04d}"
        out.append(d)
    return pd.DataFrame(out)


HAND = [
    # 1: DV physical, health service, needed & sought help, perpetrator counselled
    dict(
        domestic_violence=1,
        ipv=1,
        svc_health=1,
        needed_help=1,
        sought_help=1,
        perpetrator_detected=1,
        perpetrator_counselled=1,
    ),
    # 2: rape of a girl 12-17 (child sexual abuse), no service, needed help, perpetrator prosecuted
    dict(
        incident_type="rape",
        survivor_age_group="12-17",
        child_sexual_abuse=1,
        needed_help=1,
        perpetrator_detected=1,
        perpetrator_prosecuted=1,
    ),
    # 3: DV psychological, legal aid, sought help, perpetrator detected not counselled
    dict(incident_type="psychological_abuse", domestic_violence=1, svc_legal=1, sought_help=1, perpetrator_detected=1),
    # 4: non-GBV incident of a man with a service (outside GBV denominators)
    dict(incident_type="non_gbv", survivor_sex="M", svc_health=1, needed_help=1, sought_help=1),
    # 5: early marriage, NO consent -> excluded from statistics
    dict(incident_type="forced_marriage", survivor_age_group="12-17", early_marriage=1, consent_reporting=0),
    # 6: DV physical, safe shelter, needed help, perpetrator not detected
    dict(domestic_violence=1, svc_safe_shelter=1, needed_help=1),
]


@pytest.fixture
def reg():
    typed, problems = gbv.validate_register(make(HAND))
    assert (problems["severity"] == "error").sum() == 0
    return typed


def test_consent_filter_counts_excluded(reg):
    c = gbv.consented(reg)
    assert (c.total, c.excluded, len(c.data)) == (6, 1, 5)


def test_indicators_hand_computed(reg):
    c = gbv.consented(reg).data
    ind = gbv.compute_indicators(c, by=["year"]).set_index("indicator_code")
    expected = {  # code: (numerator, denominator) worked out by hand from HAND above
        "M3.C2a": (3, 4),
        "M3.C2b": (1, 2),
        "G.1": (2, 4),
        "G.2": (2, 3),
        "DV.4": (3, 3),
        "DV.4a": (1, 3),
        "DV.4b": (1, 3),
        "DV.4c": (1, 3),
        "DV.5": (1, 2),
    }
    for code, (num, den) in expected.items():
        row = ind.loc[code]
        assert (row["numerator"], row["denominator"]) == (num, den), code
        assert row["value"] == pytest.approx(100 * num / den)
    ci = stats.binomtest(3, 4).proportion_ci(confidence_level=0.95, method="wilson")
    assert ind.loc["M3.C2a", "ci_low"] == pytest.approx(ci.low * 100, rel=1e-6)
    assert ind.loc["M3.C2a", "ci_high"] == pytest.approx(ci.high * 100, rel=1e-6)


def test_indicators_by_unit_zero_denominator_is_nan():
    rows = [dict(unit_code="MC"), dict(unit_code="YC", incident_type="non_gbv")]
    typed, _ = gbv.validate_register(make(rows))
    ind = gbv.compute_indicators(typed, by=["unit_code"], codes=["M3.C2a"]).set_index("unit_code")
    assert ind.loc["MC", "denominator"] == 1 and ind.loc["MC", "value"] == 0
    assert ind.loc["YC", "denominator"] == 0 and pd.isna(ind.loc["YC", "value"])


@pytest.mark.parametrize(
    "days,band",
    [
        (0, "0-3"),
        (3, "0-3"),
        (4, "4-5"),
        (5, "4-5"),
        (6, "6-14"),
        (14, "6-14"),
        (15, "15-30"),
        (30, "15-30"),
        (31, ">30"),
        (400, ">30"),
    ],
)
def test_delay_band_boundaries(days, band):
    assert str(gbv.delay_band([days]).iloc[0]) == band


def test_delay_band_rejects_negative():
    with pytest.raises(ValueError):
        gbv.delay_band([-1])


def test_delay_from_register_dates(reg):
    # 2023-03-01 -> 2023-03-04 is 3 days: still inside the 72-hour band (Primero's off-by-one
    # would put day 4 there too; we test day 4 separately above)
    assert reg.loc[0, "delay_days"] == 3 and reg.loc[0, "delay_band"] == "0-3"
    r2, _ = gbv.validate_register(make([dict(incident_date="2023-03-01", report_date="2023-03-05")]))
    assert r2.loc[0, "delay_days"] == 4 and r2.loc[0, "delay_band"] == "4-5"


def test_derived_flags_follow_gbvims_and_warn_on_disagreement():
    rows = [
        dict(incident_type="rape", survivor_age_group="0-11", child_sexual_abuse=0),
        dict(incident_type="forced_marriage", survivor_age_group="18-24", early_marriage=1),
    ]
    typed, problems = gbv.validate_register(make(rows))
    assert list(typed["child_sexual_abuse"]) == [1, 0]
    assert list(typed["early_marriage"]) == [0, 0]
    assert set(problems["severity"]) == {"warning"}
    assert list(zip(problems["row"], problems["column"])) == [(2, "child_sexual_abuse"), (3, "early_marriage")]


def test_validation_errors_are_located():
    rows = [
        dict(),
        dict(report_date="2023-02-01"),  # before incident
        dict(unit_code="XX", svc_health="2", incident_date="2023-13-01"),
        dict(survivor_sex="", perpetrator_counselled=1),  # missing; counselled but not detected
        dict(case_id="GBV-MC-2023-0001"),  # duplicate of row 1
        dict(case_id="GBV-YC-2023-0009"),
    ]  # unit in id != unit_code
    with pytest.raises(gbv.RegisterError) as ei:
        gbv.validate_register(make(rows), source="gbv/register.csv", lang="en")
    e = ei.value.errors
    got = set(zip(e["row"], e["column"], e["severity"]))
    assert (3, "report_date", "error") in got
    assert {(4, "unit_code", "error"), (4, "svc_health", "error"), (4, "incident_date", "error")} <= got
    assert (5, "survivor_sex", "error") in got
    assert (5, "perpetrator_counselled", "error") in got
    assert (2, "case_id", "error") in got and (6, "case_id", "error") in got
    assert (7, "case_id", "error") in got
    msg = str(ei.value)
    # no cell value at all, whichever column: a misaligned row moves ids and dates anywhere
    assert (
        "gbv/register.csv" in msg and "row 4, column unit_code: unknown unit code (former district or commune)" in msg
    )
    assert "'XX'" not in msg
    # the report index shows error text: no case id or date from the register may appear in it
    assert "row 2, column case_id: duplicate case id" in msg
    assert "row 3, column report_date: report date is before the incident date" in msg
    assert "row 4, column incident_date: not a valid ISO date" in msg
    assert not re.search(r"GBV-[A-Z]+-\d{4}|\d{4}-\d{2}-\d{2}", msg)
    assert e.loc[(e["row"] == 5) & (e["column"] == "survivor_sex"), "reason_vi"].iloc[0] == "thiếu giá trị"


def test_missing_column_and_file(tmp_path):
    with pytest.raises(gbv.RegisterError, match="consent_reporting"):
        gbv.validate_register(make([{}]).drop(columns="consent_reporting"))
    with pytest.raises(FileNotFoundError, match="register.csv"):
        gbv.read_register(tmp_path / "register.csv")


def test_read_register_csv_not_modified(tmp_path):
    p = tmp_path / "register.csv"
    make(HAND).to_csv(p, index=False)
    before = p.read_bytes()
    typed, _ = gbv.read_register(p)
    assert len(typed) == 6 and p.read_bytes() == before


def test_rates_per_100k_garwood():
    typed, _ = gbv.validate_register(
        make([dict(), dict(), dict(), dict(), dict(survivor_sex="M"), dict(incident_type="non_gbv")])
    )
    pop = pd.DataFrame(
        {
            "year": [2023, 2023, 2023],
            "unit_code": ["MC", "MC", "YC"],
            "sex": ["F", "M", "F"],
            "age_group": ["all", "all", "all"],
            "population": [50_000, 48_000, 30_000],
        }
    )
    r = gbv.rates_per_100k(typed, pop).set_index("unit_code")
    assert r.loc["MC", "n"] == 4 and r.loc["MC", "population"] == 50_000
    assert r.loc["MC", "rate"] == pytest.approx(8.0)
    # Garwood 95% for x = 4: (1.0899, 10.2416) -> per 100,000 of 50,000
    assert r.loc["MC", "ci_low"] == pytest.approx(1.0899 * 2, abs=2e-3)
    assert r.loc["MC", "ci_high"] == pytest.approx(10.2416 * 2, abs=2e-3)
    assert r.loc["YC", "n"] == 0 and r.loc["YC", "rate"] == 0


def test_m3c3_sums_agencies():
    ret = pd.DataFrame(
        {
            "year": [2023, 2023, 2024],
            "unit_code": ["MC", "MC", "MC"],
            "agency": ["CA", "BDBP", "CA"],
            "returnees_detected": [5, 2, 3],
            "returnees_in_need": [4, 2, 3],
            "returnees_supported": [3, 2, 3],
        }
    )
    m = gbv.m3c3(ret).set_index("year")
    assert (m.loc[2023, "numerator"], m.loc[2023, "denominator"]) == (5, 6)
    # Wilson score interval by its formula: (p + z²/2n ± z·√(p(1−p)/n + z²/4n²)) / (1 + z²/n)
    z, p, n = stats.norm.ppf(0.975), 5 / 6, 6
    mid, half = p + z * z / (2 * n), z * (p * (1 - p) / n + z * z / (4 * n * n)) ** 0.5
    assert m.loc[2023, "value"] == pytest.approx(500 / 6)
    assert m.loc[2023, "ci_low"] == pytest.approx(100 * (mid - half) / (1 + z * z / n))
    assert m.loc[2023, "ci_high"] == pytest.approx(100 * (mid + half) / (1 + z * z / n))
    assert m.loc[2024, "value"] == pytest.approx(100.0)
    bad = ret.assign(returnees_supported=[5, 2, 3])
    with pytest.raises(ValueError, match="row 2"):
        gbv.m3c3(bad)
    text = ret.astype({"returnees_in_need": object})
    text.loc[2, "returnees_in_need"] = "ba"
    with pytest.raises(ValueError, match=r"row 4, column returnees_in_need: 'ba' is not a whole number"):
        gbv.m3c3(text)
    with pytest.raises(ValueError, match=r"row 3, column returnees_detected: '-1' "):
        gbv.m3c3(ret.assign(returnees_detected=[5, -1, 3]))


def test_case_counts_keep_zero_categories(reg):
    c = gbv.case_counts(gbv.consented(reg).data, ["incident_type"])
    assert len(c) == len(gbv.INCIDENT_TYPES)
    d = dict(zip(c["incident_type"].astype(str), c["n"]))
    assert d["physical_assault"] == 2 and d["forced_marriage"] == 0 and d["non_gbv"] == 1


def test_unreadable_register_gives_located_message(tmp_path):
    p = tmp_path / "register.csv"
    p.write_text("case_id,unit_code\nGBV-MC-2023-0001,MC\nGBV-MC-2023-0002,MC,extra\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"register.csv: not a readable UTF-8 csv .*line 3") as ei:
        gbv.read_register(p, lang="en")
    assert "GBV-MC" not in str(ei.value)
    p.write_bytes(b"case_id\n\xff\xfe\n")
    with pytest.raises(ValueError, match="không đọc được tệp csv UTF-8"):
        gbv.read_register(p)
