"""Method note (Vietnamese / English) for the report appendix, generated from the code's own
settings, so the text can never drift from what was computed.

:func:`method_note` returns markdown. Every number in it (cut-offs, thresholds, quadrature
nodes, the headline method) is read from :class:`me_utils.assess.AssessSettings` and the
constants of :mod:`me_utils.trends`.
"""
from __future__ import annotations

from . import fmt, trends
from .assess import DEFAULT_SETTINGS, AssessSettings

METHOD_NAMES = {
    "unsd": ("Biểu đồ tiến độ SDG của Cơ quan Thống kê Liên Hợp Quốc (UNSD, 2023)",
             "UN Statistics Division SDG Progress Chart (UNSD, 2023)"),
    "statcan": ("Phương pháp của Thống kê Canada / Open SDG", "Statistics Canada / Open SDG method"),
    "escap": ("Phương pháp của UN ESCAP (chỉ số hiện trạng và khoảng cách dự kiến)",
              "UN ESCAP method (current status index and anticipated gap)"),
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
    L = (lambda vi, en: vi if lang == "vi" else en)  # noqa: E731
    h = "#" * heading_level
    hh = "#" * (heading_level + 1)
    head_vi, head_en = METHOD_NAMES[s.headline_method]
    reason_vi, reason_en = HEADLINE_REASON[s.headline_method]
    lines = [
        f"{h} " + L("Ghi chú phương pháp", "Method note"),
        "",
        f"{hh} " + L("Phương pháp chính", "Headline method"),
        "",
        L(f"Trạng thái chính (cột “Đánh giá”) theo **{head_vi}**. Lý do: {reason_vi} "
          "Hai phương pháp còn lại luôn được trình bày bên cạnh, vì các phương pháp công bố có thể cho "
          "kết luận khác nhau trên cùng số liệu.",
          f"The headline status follows the **{head_en}**. Reason: {reason_en} The other two methods are "
          "always shown beside it, because the published methods can disagree on the same data."),
        "",
        f"{hh} " + L("Ba phương pháp đánh giá tiến độ", "The three progress methods"),
        "",
        L("Ký hiệu: năm gốc *b* (năm đầu giai đoạn, hoặc năm đầu tiên có số liệu), giá trị gốc *v_b*, năm "
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
          "observed would call a missed target “on track”."),
        "",
        "- **UNSD 2023**: " + L(
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
            f"{_p(s.unsd_no_target_fair, lang, 1)}."),
        "- **" + L("Thống kê Canada / Open SDG", "Statistics Canada / Open SDG") + "**: " + L(
            f"R = d·CAGR_i/|CAGR_T|, CAGR_T = (TV/v_b)^(1/(T−b)) − 1, d = +1 khi cần tăng, −1 khi cần giảm. "
            f"R ≥ {_p(s.statcan_on_track, lang)}: đúng lộ trình; {_p(s.statcan_acceleration, lang)}–"
            f"{_p(s.statcan_on_track, lang)}: có tiến bộ, cần đẩy nhanh; {_p(s.statcan_limited, lang)}–"
            f"{_p(s.statcan_acceleration, lang)}: tiến bộ hạn chế; dưới 0: xấu đi. Giá trị 0 được thay bằng "
            f"{_n(s.statcan_zero_replacement, lang, 3)} (kèm cảnh báo, vì lựa chọn này thay đổi kết quả).",
            f"R = d·CAGR_i/|CAGR_T|, CAGR_T = (TV/v_b)^(1/(T−b)) − 1, d = +1 when an increase is wanted, −1 "
            f"for a decrease. R ≥ {_p(s.statcan_on_track, lang)}: on track; {_p(s.statcan_acceleration, lang)}–"
            f"{_p(s.statcan_on_track, lang)}: progress made, acceleration needed; {_p(s.statcan_limited, lang)}–"
            f"{_p(s.statcan_acceleration, lang)}: limited progress; below 0: deterioration. Zeros are replaced "
            f"by {_n(s.statcan_zero_replacement, lang, 3)} (with a warning, as this choice changes results)."),
        "- **ESCAP**: " + L(
            "chỉ số hiện trạng CS = (v_t − v_b)/(TV − v_b) so với tiến độ kỳ vọng đến nay (t − b)/(T − b); "
            "khoảng cách dự kiến G = (TV − Î_T)/(TV − v_b), Î_T từ hồi quy tuyến tính có trọng số thời gian "
            "w_i = (T − t_1)/(T − t_i). G ≤ 0: duy trì; xu hướng đúng chiều nhưng G > 0: cần đẩy nhanh; xu "
            f"hướng ngược chiều: cần đảo ngược; giá trị mới nhất đã đạt mục tiêu: duy trì. Khi năm mục tiêu đã "
            "có số liệu, T trong trọng số được lấy là năm sau năm số liệu cuối. "
            f"Cần ít nhất {s.escap_min_points} điểm số liệu. Trọng số và "
            "ngưỡng là suy luận từ mô tả của ESCAP/UNECE, chưa đối chiếu với phụ lục kỹ thuật 2025.",
            "current status CS = (v_t − v_b)/(TV − v_b) against the expected progress to date "
            "(t − b)/(T − b); anticipated gap G = (TV − Î_T)/(TV − v_b), Î_T from a time-weighted linear "
            "regression with w_i = (T − t_1)/(T − t_i). G ≤ 0: maintain; trend in the desired direction but "
            "G > 0: accelerate; trend against it: reverse; a latest value already at or beyond the target: "
            "maintain. When the target year is already observed, T in the weights is the year after the "
            f"last observation. Needs at least {s.escap_min_points} data points. "
            "The weights and cut-offs are inferred from ESCAP/UNECE descriptions and not yet checked against "
            "the 2025 technical annex."),
        "",
        L("Tóm tắt: *đã đạt* khi giá trị mới nhất đạt mục tiêu (khi đã có số liệu năm 2025: khi giá trị "
          "năm 2025 đạt mục tiêu 2025); *chậm* khi mục tiêu 2025 đã lỡ; còn lại *đúng lộ trình* khi phương "
          "pháp chính nói đúng lộ trình (ESCAP: duy trì), *chậm* cho các trạng thái khác; *chưa có số liệu* "
          "khi không có số liệu hoặc không đủ số liệu.",
          "Summary: *achieved* when the latest value meets the target (once 2025 is observed: when the "
          "2025 value meets the 2025 target); *behind* when the 2025 target was missed; otherwise *on "
          "track* when the headline method says on track (ESCAP: maintain), *behind* for any other "
          "status; *no data* when there is no data or not enough."),
        "",
        f"{hh} " + L("Mô hình xu hướng và xác suất đạt mục tiêu", "Trend models and probability of reaching the target"),
        "",
        "- " + L("Tỷ lệ có tử số và mẫu số: GLM nhị thức (logit) theo năm.",
                 "Proportions with numerator and denominator: binomial GLM (logit) on year."),
        "- " + L("Số đếm, tỷ suất và tỷ số có tử số (và mẫu số làm offset): GLM Poisson (log) theo năm.",
                 "Counts, rates and ratios with a numerator (and the denominator as offset): Poisson GLM "
                 "(log) on year."),
        "- " + L(f"Nếu χ² Pearson/df > {_n(s.overdispersion_threshold, lang, 1)}: phân tán quá mức — "
                 + ("mô hình tựa Poisson/tựa nhị thức (nhân hiệp phương sai với φ)." if s.count_overdispersion == "quasi"
                    else "mô hình nhị thức âm (α ước lượng hợp lý cực đại)."),
                 f"If Pearson χ²/df > {_n(s.overdispersion_threshold, lang, 1)}: overdispersion — "
                 + ("quasi-Poisson / quasi-binomial model (covariance scaled by φ)." if s.count_overdispersion == "quasi"
                    else "negative binomial model (α by maximum likelihood).")),
        "- " + L("Số liệu không có tử số/mẫu số: "
                 + ("hồi quy tuyến tính thường (OLS)" if s.level_model == "ols"
                    else "hồi quy có trọng số thời gian ESCAP") + " theo năm, khoảng dự báo theo phân phối t "
                 "với n − 2 bậc tự do; hai điểm số liệu thì không có khoảng dự báo.",
                 "Series without numerator/denominator: "
                 + ("ordinary least squares (OLS)" if s.level_model == "ols" else "ESCAP time-weighted regression")
                 + " on year, t-based prediction interval with n − 2 degrees of freedom; two points give no "
                 "prediction interval."),
        "- " + L(f"Khoảng dự báo {_p(s.level, lang)} năm 2025 và 2030 và xác suất đạt mục tiêu lấy từ phân phối "
                 f"dự báo: độ bất định của đường xu hướng (phân phối chuẩn của bộ dự báo tuyến tính, tích phân "
                 f"Gauss–Hermite {trends.QUAD_NODES} nút) cộng với dao động lấy mẫu của chính con số sẽ báo cáo "
                 "(nhị thức với mẫu số mới nhất — nhị thức-beta có cùng độ phân tán khi phân tán quá mức; "
                 "Poisson hoặc nhị thức âm với mẫu số mới nhất). Xác suất: "
                 "P(Y ≥ TV) khi cần tăng/đạt, P(Y ≤ TV) khi cần giảm/không vượt quá. Năm đã có số liệu thì "
                 "xác suất là 1 hoặc 0 theo số liệu báo cáo.",
                 f"The {_p(s.level, lang)} prediction intervals for 2025 and 2030 and the probability of "
                 "reaching the target come from the predictive distribution: uncertainty of the trend (normal "
                 f"linear predictor, integrated with {trends.QUAD_NODES}-node Gauss–Hermite quadrature) plus "
                 "the sampling of the figure that will be reported (binomial at the latest denominator — "
                 "beta-binomial with the same overdispersion when overdispersed; Poisson or negative binomial "
                 "at the latest exposure). Probability: P(Y ≥ TV) for increase/reach, "
                 "P(Y ≤ TV) for decrease/cap. For a year already observed it is 1 or 0 from the reported figure."),
        "- " + L(f"Mọi năm đều bằng 0 (hoặc 100%), hoặc chuỗi bị tách biệt (ví dụ 0% rồi 100%): cộng "
                 f"{_n(trends.ZERO_CORRECTION, lang, 1)} vào tử số và phần bù, vì khi đó không tồn tại ước lượng "
                 "hợp lý cực đại của độ dốc; không bao giờ lấy log của 0.",
                 f"Every year at 0 (or 100%), or a separated series (e.g. 0% then 100%): "
                 f"{_n(trends.ZERO_CORRECTION, lang, 1)} is added to successes and failures, since the "
                 "maximum-likelihood slope does not exist; no logarithm of zero is ever taken."),
        "- " + L("Xác suất dựa trên mô hình và giả định xu hướng hiện tại tiếp diễn; không tính đến thay đổi "
                 "định nghĩa, chính sách hay cách thu thập số liệu.",
                 "Probabilities are model-based and assume the current trend continues; they do not account "
                 "for changes of definition, policy or data collection."),
        "",
        f"{hh} " + L("Khoảng tin cậy của giá trị mới nhất", "Interval of the latest value"),
        "",
        L("Tỷ lệ: khoảng Wilson; số đếm, tỷ suất và tỷ số có tử số: khoảng chính xác Garwood (Poisson). "
          "Giá trị không có tử số/mẫu số: không có khoảng.",
          "Proportions: Wilson score interval; counts, rates and ratios with a numerator: exact Garwood "
          "(Poisson) interval. Values without numerator/denominator: no interval."),
        "",
        f"{hh} " + L("Giả định và trường hợp đặc biệt", "Assumptions and edge cases"),
        "",
        "- " + L("Chỉ số liệu cả năm (FY) được dùng cho xu hướng; số liệu 6 tháng là số liệu giữa kỳ.",
                 "Only annual (FY) figures enter a trend; half-year figures are interim."),
        "- " + L("Chuỗi số liệu là của chính đơn vị được báo cáo; không trộn số liệu gốc quốc gia.",
                 "The series is the reporting unit's own; national baselines are never mixed in."),
        "- " + L(f"Ít hơn {s.min_points} điểm số liệu: không đủ số liệu — trừ khi giá trị mới nhất đã đạt mục tiêu "
                 "(khi đó: đã đạt).",
                 f"Fewer than {s.min_points} data points: insufficient data — unless the latest value already "
                 "meets the target (then: achieved)."),
        "- " + L("Năm bị thiếu: các công thức dùng khoảng cách năm thực tế.",
                 "Missing years: the formulas use the actual year differences."),
        "- " + L("Giá trị gốc đã đạt mục tiêu nhưng giá trị mới nhất không còn đạt: thụt lùi/xấu đi/cần đảo ngược.",
                 "Base already at the target but the latest value no longer meets it: regression / "
                 "deterioration / reverse."),
        "- " + L("Chỉ tiêu theo nhiệm kỳ bầu cử (ví dụ tỷ lệ nữ đại biểu HĐND): không ước lượng xu hướng "
                 "theo năm trong một nhiệm kỳ; so sánh giữa các nhiệm kỳ ở báo cáo lãnh đạo.",
                 "Election-term indicators (e.g. women's share of People's Council seats): no yearly trend "
                 "inside a term; terms are compared in the leadership report."),
        "- " + L("Mục tiêu chưa được kiểm chứng với văn bản gốc vẫn được đánh giá và được đánh dấu ⚠.",
                 "Targets not verified against the official text are assessed and flagged ⚠."),
        "- " + L("Mục tiêu “dưới”/“trên” (so sánh chặt) được áp dụng đúng như văn bản.",
                 "Strict targets (“under”/“over”) are applied as worded."),
        "",
        L("Nguồn: UNSD Progress Chart Technical Note 2023 (qua bản triển khai của EUSTAT); Open SDG "
          "progress-methodology; ESCAP/UNECE technical notes (công thức CS và G suy luận từ mô tả).",
          "Sources: UNSD Progress Chart Technical Note 2023 (via the EUSTAT implementation); Open SDG "
          "progress methodology; ESCAP/UNECE technical notes (CS and G formulas inferred from their wording)."),
    ]
    return "\n".join(lines) + "\n"
