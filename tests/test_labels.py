"""The bilingual label catalogue (issue 17)."""

from __future__ import annotations

import re

import pytest

from me_utils.core import labels
from me_utils.render.pagecheck import text_problems


def test_every_label_has_both_languages_with_the_same_fields():
    for key, (vi, en) in labels.LABELS.items():
        assert vi.strip() and en.strip(), key
        assert sorted(re.findall(r"\{(\w+)\}", vi)) == sorted(re.findall(r"\{(\w+)\}", en)), key


def test_label_fills_fields_and_rejects_unknown_keys():
    assert labels.label("year_n", "vi", year=2021) == "Năm 2021"  # never "2021 Năm"
    assert labels.label("year_n", "en", year=2021) == "2021"
    assert labels.label("register_cases_province", "vi", n="2.924") == "Sổ đăng ký toàn tỉnh có 2.924 vụ việc."
    with pytest.raises(KeyError):
        labels.label("no_such_key")
    with pytest.raises(ValueError):
        labels.label("toc", "fr")


def test_wording_fixes():
    assert "hiện hành" not in labels.label("current_values", "vi")
    assert labels.label("province_scope", "vi") == "toàn tỉnh"
    assert labels.label("technical_info", "vi") == "Thông tin kỹ thuật"


def test_vietnamese_labels_pass_the_page_checker_and_english_ones_do_not():
    eng = labels.english_only()
    assert "Technical information" in eng and "Report settings" in eng
    for key, text in labels.labels("vi").items():
        filled = re.sub(r"\{\w+\}", "X", text)
        assert text_problems(filled, eng) == [], key
    caught = [k for k, t in labels.labels("en").items() if text_problems(re.sub(r"\{\w+\}", "X", t), eng)]
    # Most English labels are caught (short ones such as "Page" are shared words, not sentences).
    assert len(caught) >= 0.8 * len(labels.LABELS), len(caught)
