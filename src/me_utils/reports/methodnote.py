"""Method note (Vietnamese / English) for the report appendix, generated from the code's own
settings, so the text can never drift from what was computed.

:func:`method_note` returns markdown. Every number in it (cut-offs, thresholds, quadrature
nodes, the headline method) is read from :class:`me_utils.analysis.assess.AssessSettings` and the
constants of :mod:`me_utils.analysis.trends` and :mod:`me_utils.analysis.status` (the status model: bands,
minimum-information rule, breaks, enumerations, context indicators).
"""

from __future__ import annotations

from me_utils.analysis import status, trends
from me_utils.analysis.assess import DEFAULT_SETTINGS, AssessSettings
from me_utils.core import fmt

METHOD_NAMES = {
    "unsd": (
        "Biểu đồ tiến độ SDG của Cơ quan Thống kê Liên Hợp Quốc (UNSD, 2023)",
        "UN Statistics Division SDG Progress Chart (UNSD, 2023)",
    ),
    "statcan": ("Phương pháp của Thống kê Canada / Open SDG", "Statistics Canada / Open SDG method"),
    "escap": (
        "Phương pháp của UN ESCAP (chỉ số hiện trạng và khoảng cách dự kiến)",
        "UN ESCAP method (current status index and anticipated gap)",
    ),
}

HEADLINE_REASON = {
    "unsd": (
        "Đây là phương pháp của báo cáo tiến độ SDG toàn cầu của Tổng Thư ký Liên Hợp Quốc, nên so sánh "
        "được với báo cáo quốc gia và quốc tế; công thức và ngưỡng đã được kiểm chứng từ một bản triển khai "
        "công bố (các quy tắc số của ESCAP mới chỉ được suy luận); có quy tắc riêng cho mục tiêu ở biên "
        "(100%); và một tỷ số duy nhất ổn định hơn tỷ số CAGR của Thống kê Canada trong một giai đoạn ngắn "
        "bốn năm (2021–2025).",
        "It is the method of the UN Secretary-General's global SDG progress report, so results compare "
        "with national and UN reporting; its formula and cut-offs are verified from a published "
        "implementation (ESCAP's numeric rules are only inferred); it has an explicit rule for targets at "
        "a bound (100%); and its single ratio is steadier than the Statistics Canada CAGR ratio over a "
        "short four-year phase (2021–2025).",
    ),
    "statcan": (
        "Được chọn theo tham số của báo cáo. Phương pháp có tài liệu đầy đủ nhất (Open SDG) nhưng nhạy "
        "với tốc độ tăng trưởng trong giai đoạn ngắn.",
        "Chosen by the report parameter. The best-documented method (Open SDG), but sensitive to growth "
        "rates over a short phase.",
    ),
    "escap": (
        "Được chọn theo tham số của báo cáo. Phương pháp của Ủy ban khu vực châu Á – Thái Bình Dương; "
        "một số quy tắc số (trọng số, ngưỡng) mới được suy luận, chưa đối chiếu với phụ lục kỹ thuật 2025.",
        "Chosen by the report parameter. The Asia-Pacific regional commission's method; some numeric "
        "rules (weights, cut-offs) are inferred and not yet checked against the 2025 technical annex.",
    ),
}


def _bands():
    """(lower, upper, code) of each outlook band, highest first."""
    out, hi = [], 1.0
    for lo, code in status.OUTLOOK_BANDS:
        out.append((lo, hi, code))
        hi = lo
    return out


def _band(lo, hi, lang):
    if hi >= 1.0:
        return f"p ≥ {_n(lo, lang, 1)}"
    if lo <= 0.0:
        return f"p < {_n(hi, lang, 1)}"
    return f"{_n(lo, lang, 1)} ≤ p < {_n(hi, lang, 1)}"


def _n(x, lang, d=2):
    return fmt.fmt_number(x, d, lang)


def _p(x, lang, d=0):
    return fmt.fmt_pct(x * 100, d, lang)


def method_note(settings: AssessSettings = DEFAULT_SETTINGS, lang: str = "vi", heading_level: int = 2) -> str:
    """Markdown method note for ``settings`` in ``lang`` (``"vi"`` or ``"en"``).

    Output: a markdown string starting with a heading of ``heading_level``.
    """
    fmt.check_lang(lang)
    s = settings
    L = lambda vi, en: vi if lang == "vi" else en  # noqa: E731
    h = "#" * heading_level
    hh = "#" * (heading_level + 1)
    head_vi, head_en = METHOD_NAMES[s.headline_method]
    reason_vi, reason_en = HEADLINE_REASON[s.headline_method]
    lines = [
        f"{h} " + L("Ghi chú phương pháp", "Method note"),
        "",
        f"{hh} " + L("Phương pháp chính", "Headline method"),
        "",
        L(
            f"Trạng thái chính (cột “Đánh giá”) theo **{head_vi}**. Lý do: {reason_vi} "
            "Hai phương pháp còn lại luôn được trình bày bên cạnh, vì các phương pháp công bố có thể cho "
            "kết luận khác nhau trên cùng số liệu.",
            f"The headline status follows the **{head_en}**. Reason: {reason_en} The other two methods are "
            "always shown beside it, because the published methods can disagree on the same data.",
        ),
        "",
        f"{hh} " + L("Ba phương pháp đánh giá tiến độ", "The three progress methods"),
        "",
        L(
            "Ký hiệu: năm gốc *b* (năm đầu giai đoạn, hoặc năm đầu tiên có số liệu), giá trị gốc *v_b*, năm "
            "mới nhất *t*, giá trị mới nhất *v_t*, mục tiêu *TV* của năm mục tiêu *T*: "
            "mục tiêu kế tiếp chưa đến hạn — mục tiêu 2025 khi số liệu mới nhất trước năm 2025; khi đã có số "
            "liệu năm 2025, kết quả năm 2025 được ghi là đạt/chưa đạt và ba phương pháp đánh giá xu hướng so "
            "với mục tiêu 2030 (ghi “→ 2030”), vì dự báo tới một năm đã quan sát sẽ gọi một mục tiêu đã lỡ là "
            "“đúng lộ trình”.",
            "Notation: base year *b* (the period start, or the first year with data), base value *v_b*, "
            "latest year *t*, latest value *v_t*, target *TV* for target year *T*: the next "
            "target not yet due — the 2025 target while the latest figure is older than 2025; once 2025 is "
            "observed, the 2025 outcome is recorded as achieved/not achieved and the three methods assess "
            "the trend against the 2030 target (marked “→ 2030”), because projecting to a year already "
            "observed would call a missed target “on track”.",
        ),
        "",
        "- **UNSD 2023**: "
        + L(
            f"CAGR = (v_t/v_b)^(1/(t−b)) − 1; v̂_T = v_t·(1+CAGR)^(T−t); r = (v̂_T − v_b)/(TV − v_b). "
            f"r ≥ {_n(s.unsd_on_track, lang)}: đúng lộ trình; {_n(s.unsd_fair, lang)} ≤ r < "
            f"{_n(s.unsd_on_track, lang)}: có tiến bộ, cần đẩy nhanh; r < {_n(s.unsd_fair, lang)}: trì trệ "
            f"hoặc thụt lùi. Đã đạt nếu giá trị mới nhất đạt mục tiêu, hoặc cách mục tiêu 0%/100% không quá "
            f"{_n(s.unsd_bound_tolerance_points, lang, 0)} điểm phần trăm. Không có mục tiêu số: dùng ngưỡng "
            f"CAGR {_p(s.unsd_no_target_on_track, lang, 1)} / {_p(s.unsd_no_target_fair, lang, 1)}.",
            f"CAGR = (v_t/v_b)^(1/(t−b)) − 1; v̂_T = v_t·(1+CAGR)^(T−t); r = (v̂_T − v_b)/(TV − v_b). "
            f"r ≥ {_n(s.unsd_on_track, lang)}: on track; {_n(s.unsd_fair, lang)} ≤ r < "
            f"{_n(s.unsd_on_track, lang)}: progress made, acceleration needed; r < {_n(s.unsd_fair, lang)}: "
            f"stagnation or regression. Achieved if the latest value meets the target, or is within "
            f"{_n(s.unsd_bound_tolerance_points, lang, 0)} percentage point of a 0%/100% target. Without a "
            f"numeric target: CAGR thresholds {_p(s.unsd_no_target_on_track, lang, 1)} / "
            f"{_p(s.unsd_no_target_fair, lang, 1)}.",
        ),
        "- **"
        + L("Thống kê Canada / Open SDG", "Statistics Canada / Open SDG")
        + "**: "
        + L(
            f"R = d·CAGR_i/|CAGR_T|, CAGR_T = (TV/v_b)^(1/(T−b)) − 1, d = +1 khi cần tăng, −1 khi cần giảm. "
            f"R ≥ {_p(s.statcan_on_track, lang)}: đúng lộ trình; {_p(s.statcan_acceleration, lang)}–"
            f"{_p(s.statcan_on_track, lang)}: có tiến bộ, cần đẩy nhanh; {_p(s.statcan_limited, lang)}–"
            f"{_p(s.statcan_acceleration, lang)}: tiến bộ hạn chế; dưới 0: xấu đi.",
            f"R = d·CAGR_i/|CAGR_T|, CAGR_T = (TV/v_b)^(1/(T−b)) − 1, d = +1 when an increase is wanted, −1 "
            f"for a decrease. R ≥ {_p(s.statcan_on_track, lang)}: on track; {_p(s.statcan_acceleration, lang)}–"
            f"{_p(s.statcan_on_track, lang)}: progress made, acceleration needed; {_p(s.statcan_limited, lang)}–"
            f"{_p(s.statcan_acceleration, lang)}: limited progress; below 0: deterioration.",
        ),
        "- **ESCAP**: "
        + L(
            "chỉ số hiện trạng CS = (v_t − v_b)/(TV − v_b) so với tiến độ kỳ vọng đến nay (t − b)/(T − b); "
            "khoảng cách dự kiến G = (TV − Î_T)/(TV − v_b), Î_T từ hồi quy tuyến tính có trọng số thời gian "
            "w_i = (T − t_1)/(T − t_i). G ≤ 0 (với sai số cho phép 10⁻⁹): duy trì; xu hướng đúng chiều nhưng G > 0: cần đẩy nhanh; xu "
            f"hướng ngược chiều: cần đảo ngược; giá trị mới nhất đã đạt mục tiêu: duy trì. Khi năm mục tiêu đã "
            "có số liệu, T trong trọng số được lấy là năm sau năm số liệu cuối. "
            f"Cần ít nhất {s.escap_min_points} điểm số liệu. Trọng số và "
            "ngưỡng là suy luận từ mô tả của ESCAP/UNECE, chưa đối chiếu với phụ lục kỹ thuật 2025.",
            "current status CS = (v_t − v_b)/(TV − v_b) against the expected progress to date "
            "(t − b)/(T − b); anticipated gap G = (TV − Î_T)/(TV − v_b), Î_T from a time-weighted linear "
            "regression with w_i = (T − t_1)/(T − t_i). G ≤ 0 (with a 10⁻⁹ tolerance): maintain; trend in the desired direction but "
            "G > 0: accelerate; trend against it: reverse; a latest value already at or beyond the target: "
            "maintain. When the target year is already observed, T in the weights is the year after the "
            f"last observation. Needs at least {s.escap_min_points} data points. "
            "The weights and cut-offs are inferred from ESCAP/UNECE descriptions and not yet checked against "
            "the 2025 technical annex.",
        ),
        "",
        L(
            "Quy tắc chung của ba phương pháp: giá trị gốc hoặc giá trị mới nhất bằng 0 (hoặc âm) thì tốc độ tăng "
            "trưởng kép không xác định, nên UNSD và Thống kê Canada ghi “không tính được” — không bao giờ thay 0 bằng "
            "0,001 (cách thay này từng biến chuỗi 0, 0, 0, 10% so với mục tiêu 30% thành “đúng lộ trình”). Mọi phép "
            "so sánh với ngưỡng (r, R, G, xác suất) có sai số cho phép tương đối 10⁻⁹, để sai số dấu phẩy động không "
            "quyết định kết quả. Quy tắc “cách mục tiêu 0%/100% không quá 1 điểm” của UNSD có mã riêng (“coi như "
            "đạt”), không bao giờ được đọc là kết quả năm 2025.",
            "Rules common to the three methods: a zero (or negative) base or latest value makes the compound growth "
            "rate undefined, so UNSD and Statistics Canada show “not computable” — a zero is never replaced by 0.001 "
            "(that substitution once turned 0, 0, 0, 10% against a 30% target into “on track”). Every threshold "
            "comparison (r, R, G, probabilities) has a 10⁻⁹ relative tolerance, so floating-point noise never "
            "decides a category. UNSD's “within 1 point of a 0%/100% target” rule has its own code (“treated as "
            "achieved”) and is never read as the 2025 result.",
        ),
        "",
        f"{hh} "
        + L("Mô hình trạng thái (dòng tiêu đề của mỗi chỉ tiêu)", "The status model (each indicator's headline)"),
        "",
        "- "
        + L(
            "**Kết quả năm 2025** (khi đã có số liệu năm 2025): *đã đạt* hoặc *chưa đạt*, so số liệu năm 2025 "
            "với mục tiêu năm 2025 đúng như văn bản (không làm tròn, không có vùng “gần đạt”), kèm chênh lệch "
            "so với mục tiêu và khoảng tin cậy 95% của chênh lệch (từ khoảng tin cậy của số liệu).",
            "**2025 result** (once 2025 is observed): *achieved* or *not achieved*, the 2025 figure against "
            "the 2025 target exactly as worded (no rounding, no “nearly achieved” zone), with the margin to the "
            "target and its 95% interval (from the figure's own interval).",
        ),
        "- "
        + L(
            "**Triển vọng** đạt mục tiêu kế tiếp chưa đến hạn (2025 khi chưa có số liệu năm 2025, sau đó "
            "2030) là một khoảng của xác suất đạt mục tiêu p in bên cạnh, nên lời và số không thể mâu thuẫn: "
            + "; ".join(
                f"{_band(lo, hi, lang)}: {status.status_label(code, 'vi').lower()}" for lo, hi, code in _bands()
            )
            + ". "
            "Lý do chọn ngưỡng: 0,5 là điểm trung lập duy nhất (“nhiều khả năng hơn là không”); 0,8 và 0,2 đối "
            "xứng quanh 0,5 và cách nhau đủ rộng so với sai số hiệu chuẩn đo được của xác suất với chuỗi 3–6 "
            "điểm (bài kiểm tra hiệu chuẩn của bộ công cụ); chọn 0,8 chứ không phải 0,66 cho “nhiều khả năng” vì "
            "một nhận định ký ban hành cần tỷ lệ cược ít nhất bốn trên một.",
            "**Outlook** for the next target not yet due (2025 while 2025 is not observed, then 2030) is a band "
            "of the probability p printed beside it, so words and number cannot disagree: "
            + "; ".join(
                f"{_band(lo, hi, lang)}: {status.status_label(code, 'en').lower()}" for lo, hi, code in _bands()
            )
            + ". "
            "Why these cut-offs: 0.5 is the only neutral point (“more likely than not”); 0.8 and 0.2 are "
            "symmetric about it and far enough apart given the calibration error measured for 3–6-point "
            "series (benchmarks/bench_calibration.py); 0.8 rather than 0.66 for “likely” because a statement "
            "an official signs should need four-to-one odds.",
        ),
        "- "
        + L(
            "Các phân loại của UNSD, Thống kê Canada và ESCAP được trình bày bên cạnh, mỗi phân loại ghi tên "
            "phương pháp của nó; chúng không quyết định dòng tiêu đề.",
            "The UNSD, Statistics Canada and ESCAP categories are shown beside it, each named for its method; "
            "they do not decide the headline.",
        ),
        "- "
        + L(
            "**Chưa có mục tiêu định lượng**: không bao giờ được tính là đúng lộ trình. **Chỉ tiêu bối cảnh "
            f"quốc gia** ({', '.join(sorted(status.NATIONAL_ONLY))}; ví dụ tỷ lệ tỉnh, thành phố): trình bày để "
            "tham khảo, không đánh giá cho tỉnh hay huyện.",
            "**No quantitative target**: never counted as on track. **National context indicators** "
            f"({', '.join(sorted(status.NATIONAL_ONLY))}; e.g. a share of provinces): shown for reference, not "
            "assessed for a province or district.",
        ),
        "- "
        + L(
            f"**Thông tin tối thiểu**: không ước lượng xu hướng, dự báo hay xác suất khi đoạn chuỗi dùng cho xu "
            f"hướng có ít hơn {status.MIN_POINTS} điểm, khi tổng mẫu số của một tỷ lệ dưới {status.MIN_TRIALS}, "
            f"hoặc khi tổng số sự kiện của số đếm/tỷ suất dưới {status.MIN_EVENTS}; lý do được ghi thành câu. "
            "Lý do: hai điểm luôn nằm đúng trên một đường thẳng nên không ước lượng được độ bất định; "
            f"{status.MIN_TRIALS} lượt quan sát cho khoảng Wilson rộng khoảng ±17 điểm phần trăm ở mức 50%, "
            f"{status.MIN_EVENTS} sự kiện cho sai số chuẩn tương đối khoảng 32% — ít hơn thế thì “xác suất” chỉ "
            "là nhiễu.",
            f"**Minimum information**: no trend, forecast or probability when the trend segment has fewer than "
            f"{status.MIN_POINTS} points, when a proportion's denominators add up to fewer than "
            f"{status.MIN_TRIALS}, or when a count or rate has fewer than {status.MIN_EVENTS} events in total; "
            "the reason is written as a sentence. Why: two points always lie on a line, so no uncertainty can "
            f"be estimated; {status.MIN_TRIALS} trials give a Wilson interval of about ±17 percentage points "
            f"at 50%, {status.MIN_EVENTS} events a relative standard error of about 32% — below that a "
            "“probability” is noise.",
        ),
        "- "
        + L(
            "**Đơn vị đã chấm dứt hoạt động** (cấp huyện, đến hết ngày 30/06/2025 theo danh mục đơn vị hành "
            "chính): không dự báo và không đánh giá xu hướng cho năm sau ngày chấm dứt.",
            "**Units that ceased to exist** (district level, up to 30/06/2025 per the administrative-unit "
            "list): no forecast and no trend assessment for any year after that date.",
        ),
        "- "
        + L(
            "**Kiểm đếm toàn bộ** (ghế đại biểu, lãnh đạo chủ chốt, cơ quan, cơ sở, danh sách quy hoạch: "
            f"{', '.join(sorted(status.ENUMERATIONS))}, và chỉ tiêu theo nhiệm kỳ): số liệu là toàn bộ tổng "
            "thể, không phải mẫu, nên không có khoảng tin cậy hay kiểm định thống kê; thay đổi giữa các nhiệm kỳ "
            "là chênh lệch quan sát được.",
            "**Complete enumerations** (council seats, key leaders, agencies, facilities, planning lists: "
            f"{', '.join(sorted(status.ENUMERATIONS))}, and term indicators): the figure is the whole "
            "population, not a sample, so there is no confidence interval or significance test; changes "
            "between terms are observed differences.",
        ),
        "- "
        + L(
            f"**Gián đoạn chuỗi**: khi mẫu số thay đổi hơn {_p(status.BREAK_SHARE, lang)} (và ít nhất "
            f"{status.BREAK_MIN_ABS} đơn vị) giữa hai kỳ liên tiếp, hoặc có gián đoạn được khai báo (sắp xếp "
            "chính quyền địa phương hai cấp năm 2025: "
            f"{', '.join(sorted(status.DECLARED_BREAKS))}), chuỗi được tách và xu hướng chỉ dùng đoạn cuối, "
            "trừ khi gián đoạn được khai báo là so sánh được.",
            f"**Structural breaks**: when the denominator changes by more than {_p(status.BREAK_SHARE, lang)} "
            f"(and by at least {status.BREAK_MIN_ABS}) between consecutive periods, or at a declared break "
            f"(the 2025 two-tier local-government reform: {', '.join(sorted(status.DECLARED_BREAKS))}), the "
            "series is split and the trend uses the last segment only, unless the break is declared "
            "comparable.",
        ),
        "- "
        + L(
            "**Tổng hợp**: mỗi chỉ tiêu thuộc đúng một nhóm — kết quả năm 2025 khi đã có số liệu; nếu chưa, "
            "triển vọng đạt mục tiêu 2025; còn lại: chưa có mục tiêu định lượng, bối cảnh quốc gia, hoặc không "
            "đủ thông tin. Số đếm ở phần tóm tắt được tính từ chính các nhóm này.",
            "**Summary**: each indicator is in exactly one group — the 2025 result once observed; otherwise the "
            "outlook for the 2025 target; else no quantitative target, national context, or not enough "
            "information. The summary's counts are computed from these very groups.",
        ),
        "",
        f"{hh} "
        + L("Mô hình xu hướng và xác suất đạt mục tiêu", "Trend models and probability of reaching the target"),
        "",
        "- "
        + L(
            "Tỷ lệ có tử số và mẫu số: GLM nhị thức (logit) theo năm.",
            "Proportions with numerator and denominator: binomial GLM (logit) on year.",
        ),
        "- "
        + L(
            "Số đếm, tỷ suất và tỷ số có tử số (và mẫu số làm offset): GLM Poisson (log) theo năm.",
            "Counts, rates and ratios with a numerator (and the denominator as offset): Poisson GLM (log) on year.",
        ),
        "- "
        + L(
            "Phân tán quá mức luôn được ước lượng, không dùng ngưỡng kiểm định (với 3–6 điểm, kiểm định "
            "χ²/df trên 1–4 bậc tự do báo sai ở khoảng 1/5 chuỗi nhị thức thật và bỏ sót 1/3 chuỗi phân tán): "
            "phương sai nhị thức-beta n·p(1 − p)·(1 + (n − 1)ρ) cho tỷ lệ, nhị thức âm μ(1 + αμ) cho số đếm và "
            "tỷ suất, với ρ, α ≥ 0 (hệ số phân tán không bao giờ nhỏ hơn 1). ρ và α ước lượng bằng phương pháp "
            "mô-men từ phần dư Pearson đã hiệu chỉnh đòn bẩy, **gộp chung** mọi chuỗi cùng họ của một đơn vị; "
            "hiệp phương sai của hệ số là dạng sandwich. "
            + (
                "Tùy chọn nhị thức âm: α ước lượng hợp lý cực đại cho chuỗi có χ²/df > "
                f"{_n(trends.OVERDISPERSION_THRESHOLD, lang, 1)}."
                if s.count_overdispersion == "negbin"
                else ""
            ),
            "Overdispersion is always estimated, never gated by a test (with 3–6 points a χ²/df test on 1–4 "
            "degrees of freedom fires on a fifth of truly binomial series and misses a third of overdispersed "
            "ones): beta-binomial variance n·p(1 − p)·(1 + (n − 1)ρ) for proportions, negative-binomial "
            "μ(1 + αμ) for counts and rates, with ρ, α ≥ 0 (the dispersion factor is never below 1). ρ and α "
            "are method-of-moments estimates from leverage-corrected Pearson residuals, **pooled** over all "
            "series of the same family in one unit; the coefficients' covariance is the sandwich form. "
            + (
                "Negative binomial option: α by maximum likelihood for series with χ²/df > "
                f"{_n(trends.OVERDISPERSION_THRESHOLD, lang, 1)}."
                if s.count_overdispersion == "negbin"
                else ""
            ),
        ),
        "- "
        + L(
            "Độ dốc của mỗi chuỗi được co về “không thay đổi” theo Bayes thực nghiệm: phương sai tiên nghiệm "
            "τ² của độ dốc ước lượng từ độ phân tán của các độ dốc cùng họ trong đơn vị (trung bình hậu nghiệm "
            f"với tiên nghiệm đều trên τ; cần ít nhất {trends.MIN_SERIES_FOR_PRIOR} chuỗi). Lý do: với 3–6 điểm, "
            "độ dốc ước lượng từ nhiễu, ngoại suy 5 năm, cho xác suất quá tự tin."
            if s.shrink_slopes
            else "Không co độ dốc (tùy chọn).",
            "Each series' slope is shrunk toward “no change” by empirical Bayes: the prior variance τ² of "
            "slopes comes from the spread of the slopes of the same family in the unit (posterior mean under a "
            f"uniform prior on τ; at least {trends.MIN_SERIES_FOR_PRIOR} series needed). Why: with 3–6 points a "
            "slope estimated from noise, extrapolated five years, gives over-confident probabilities."
            if s.shrink_slopes
            else "Slopes are not shrunk (option).",
        ),
        "- "
        + L(
            "Số liệu không có tử số/mẫu số: "
            + ("hồi quy tuyến tính thường (OLS)" if s.level_model == "ols" else "hồi quy có trọng số thời gian ESCAP")
            + " theo năm, khoảng dự báo theo phân phối t "
            "với n − 2 bậc tự do; hai điểm số liệu thì không có khoảng dự báo.",
            "Series without numerator/denominator: "
            + ("ordinary least squares (OLS)" if s.level_model == "ols" else "ESCAP time-weighted regression")
            + " on year, t-based prediction interval with n − 2 degrees of freedom; two points give no "
            "prediction interval.",
        ),
        "- "
        + L(
            f"Khoảng dự báo {_p(s.level, lang)} năm 2025 và 2030 và xác suất đạt mục tiêu lấy từ phân phối "
            f"dự báo: độ bất định của đường xu hướng (phân phối t của bộ dự báo tuyến tính với số bậc tự do của ước "
            f"lượng phân tán — nên độ bất định của φ được đưa vào — tích phân Gauss–Legendre {trends.QUAD_NODES} "
            f"nút trên thang xác suất) cộng với dao động lấy mẫu của chính con số sẽ báo cáo "
            "(nhị thức với mẫu số mới nhất — nhị thức-beta có cùng độ phân tán khi phân tán quá mức; "
            "Poisson hoặc nhị thức âm với mẫu số mới nhất). Xác suất: "
            "P(Y ≥ TV) khi cần tăng/đạt, P(Y ≤ TV) khi cần giảm/không vượt quá, luôn trong khoảng "
            f"[{_p(trends.PROB_FLOOR, lang, 1)}; {_p(1 - trends.PROB_FLOOR, lang, 1)}]. Năm đã có số liệu thì "
            "không tính xác suất: số liệu trả lời câu hỏi. Hồi quy tuyến tính: phương sai phần dư không nhỏ hơn "
            "nhiễu lấy mẫu (nhị thức với mẫu số gần nhất) hoặc nhiễu làm tròn của chính số liệu, nên chuỗi "
            "thẳng hoàn toàn không cho khoảng dự báo độ rộng 0.",
            f"The {_p(s.level, lang)} prediction intervals for 2025 and 2030 and the probability of "
            "reaching the target come from the predictive distribution: uncertainty of the trend (t-distributed "
            "linear predictor with the degrees of freedom of the dispersion estimate — so φ's uncertainty is "
            f"carried — integrated with {trends.QUAD_NODES}-node Gauss–Legendre quadrature on the probability "
            "scale) plus "
            "the sampling of the figure that will be reported (binomial at the latest denominator — "
            "beta-binomial with the same overdispersion when overdispersed; Poisson or negative binomial "
            "at the latest exposure). Probability: P(Y ≥ TV) for increase/reach, "
            "P(Y ≤ TV) for decrease/cap, always within "
            f"[{_p(trends.PROB_FLOOR, lang, 1)}, {_p(1 - trends.PROB_FLOOR, lang, 1)}]. No probability is "
            "computed for a year already observed: the figure answers it. Linear regression: the residual "
            "variance never falls below the figure's own sampling noise (binomial at the latest denominator) "
            "or rounding noise, so an exactly linear series never gets a zero-width interval.",
        ),
        "- "
        + L(
            f"Mọi năm đều bằng 0 (hoặc 100%), hoặc chuỗi bị tách biệt (ví dụ 0% rồi 100%): cộng "
            f"{_n(trends.ZERO_CORRECTION, lang, 1)} vào tử số và phần bù, vì khi đó không tồn tại ước lượng "
            "hợp lý cực đại của độ dốc; không bao giờ lấy log của 0.",
            f"Every year at 0 (or 100%), or a separated series (e.g. 0% then 100%): "
            f"{_n(trends.ZERO_CORRECTION, lang, 1)} is added to successes and failures, since the "
            "maximum-likelihood slope does not exist; no logarithm of zero is ever taken.",
        ),
        "- "
        + L(
            "Xác suất dựa trên mô hình và giả định xu hướng hiện tại tiếp diễn; không tính đến thay đổi "
            "định nghĩa, chính sách hay cách thu thập số liệu.",
            "Probabilities are model-based and assume the current trend continues; they do not account "
            "for changes of definition, policy or data collection.",
        ),
        "",
        f"{hh} " + L("Khoảng tin cậy của giá trị mới nhất", "Interval of the latest value"),
        "",
        L(
            "Tỷ lệ: khoảng Wilson; số đếm, tỷ suất và tỷ số có tử số: khoảng chính xác Garwood (Poisson). "
            "Giá trị không có tử số/mẫu số: không có khoảng.",
            "Proportions: Wilson score interval; counts, rates and ratios with a numerator: exact Garwood "
            "(Poisson) interval. Values without numerator/denominator: no interval.",
        ),
        "",
        f"{hh} " + L("Giả định và trường hợp đặc biệt", "Assumptions and edge cases"),
        "",
        "- "
        + L(
            "Chỉ số liệu cả năm (FY) được dùng cho xu hướng; số liệu 6 tháng là số liệu giữa kỳ.",
            "Only annual (FY) figures enter a trend; half-year figures are interim.",
        ),
        "- "
        + L(
            "Chuỗi số liệu là của chính đơn vị được báo cáo; không trộn số liệu gốc quốc gia.",
            "The series is the reporting unit's own; national baselines are never mixed in.",
        ),
        "- "
        + L(
            f"Ít hơn {s.min_points} điểm số liệu: không đủ số liệu — trừ khi giá trị mới nhất đã đạt mục tiêu "
            "(khi đó: đã đạt).",
            f"Fewer than {s.min_points} data points: insufficient data — unless the latest value already "
            "meets the target (then: achieved).",
        ),
        "- "
        + L(
            "Năm bị thiếu: các công thức dùng khoảng cách năm thực tế.",
            "Missing years: the formulas use the actual year differences.",
        ),
        "- "
        + L(
            "Giá trị gốc đã đạt mục tiêu nhưng giá trị mới nhất không còn đạt: thụt lùi/xấu đi/cần đảo ngược.",
            "Base already at the target but the latest value no longer meets it: regression / deterioration / reverse.",
        ),
        "- "
        + L(
            "Chỉ tiêu theo nhiệm kỳ bầu cử (ví dụ tỷ lệ nữ đại biểu HĐND): không ước lượng xu hướng "
            "theo năm trong một nhiệm kỳ; so sánh giữa các nhiệm kỳ ở báo cáo lãnh đạo.",
            "Election-term indicators (e.g. women's share of People's Council seats): no yearly trend "
            "inside a term; terms are compared in the leadership report.",
        ),
        "- "
        + L(
            "Mục tiêu chưa được kiểm chứng với văn bản gốc vẫn được đánh giá và được đánh dấu ⚠.",
            "Targets not verified against the official text are assessed and flagged ⚠.",
        ),
        "- "
        + L(
            "Mục tiêu “dưới”/“trên” (so sánh chặt) được áp dụng đúng như văn bản.",
            "Strict targets (“under”/“over”) are applied as worded.",
        ),
        "",
        L(
            "Nguồn: UNSD Progress Chart Technical Note 2023 (qua bản triển khai của EUSTAT); Open SDG "
            "progress-methodology; ESCAP/UNECE technical notes (công thức CS và G suy luận từ mô tả).",
            "Sources: UNSD Progress Chart Technical Note 2023 (via the EUSTAT implementation); Open SDG "
            "progress methodology; ESCAP/UNECE technical notes (CS and G formulas inferred from their wording).",
        ),
    ]
    return "\n".join(lines) + "\n"
