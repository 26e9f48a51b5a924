"""The method note is generated from the settings: change a setting, the text changes."""

import re

import pytest

from me_utils.analysis import trends
from me_utils.analysis.assess import AssessSettings
from me_utils.reports.methodnote import method_note


def test_default_note_states_headline_and_cutoffs_vi():
    s = method_note(lang="vi")
    assert s.startswith("## Ghi chú phương pháp")
    assert "UNSD, 2023" in s and "Lý do" in s
    assert "r ≥ 0,95" in s and "0,10 ≤ r" in s  # decimal comma
    assert "95%" in s and "60%" in s
    assert f"{trends.QUAD_NODES} nút" in s
    assert "w_i = (T − t_1)/(T − t_i)" in s


def test_english_note_has_no_vietnamese_sentences():
    s = method_note(lang="en")
    assert s.startswith("## Method note") and "r ≥ 0.95" in s
    assert not re.search("[ăâđêôơưạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]", s)


@pytest.mark.parametrize("lang", ["vi", "en"])
def test_note_follows_settings(lang):
    custom = AssessSettings(
        headline_method="escap",
        unsd_on_track=0.9,
        statcan_acceleration=0.5,
        count_overdispersion="negbin",
        level_model="wls_escap",
        shrink_slopes=False,
    )
    s = method_note(custom, lang=lang)
    assert ("0,90" if lang == "vi" else "0.90") in s
    assert "50%" in s
    assert "ESCAP" in s.split("\n")[4]  # the headline paragraph names the chosen method
    assert ("nhị thức âm" if lang == "vi" else "negative binomial") in s
    # the negative-binomial option states its χ²/df threshold; without shrinkage the note says so
    assert ("1,5" if lang == "vi" else "1.5") in s
    assert ("Không co độ dốc" if lang == "vi" else "Slopes are not shrunk") in s


def test_bad_language():
    with pytest.raises(ValueError):
        method_note(lang="fr")
