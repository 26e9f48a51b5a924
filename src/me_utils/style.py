"""One house style for every figure: seaborn theme, palette, sizes, Vietnamese-safe font.

DejaVu Sans (shipped with matplotlib) has every Vietnamese glyph, so diacritics render in
figures without a system font.
"""
from __future__ import annotations

import matplotlib

matplotlib.use("Agg", force=False)
import matplotlib.pyplot as plt  # noqa: E402
import seaborn as sns  # noqa: E402

#: Status colours shared by every chart and table (colour-blind safe, Okabe–Ito based).
STATUS_COLOURS = {
    "achieved": "#009E73",
    "on_track": "#56B4E9",
    "acceleration_needed": "#E69F00",
    "limited_progress": "#D55E00",
    "deterioration": "#CC0000",
    "insufficient_data": "#999999",
}
OBSERVED = "#1F4E79"
FITTED = "#0072B2"
TARGET_2025 = "#D55E00"
TARGET_2030 = "#7B3294"
REFERENCE = "#555555"
DPI = 96


def use_house_style() -> None:
    """Set the seaborn/matplotlib style used by every report figure."""
    sns.set_theme(style="whitegrid", context="notebook", font="DejaVu Sans")
    plt.rcParams.update(
        {
            "figure.dpi": DPI,
            "savefig.dpi": DPI,
            "figure.figsize": (8, 4.5),
            "axes.titlesize": 11,
            "axes.labelsize": 10,
            "legend.fontsize": 9,
            "axes.spines.top": False,
            "axes.spines.right": False,
            "font.family": "DejaVu Sans",
        }
    )
