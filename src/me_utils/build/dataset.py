"""Read the processed dataset written by ``me build`` (see docs/CONTRACTS.md)."""

from __future__ import annotations

from pathlib import Path

import pandas as pd

from me_utils.core import filecache, safe_csv

OBS_COLUMNS = [
    "indicator_code",
    "unit_code",
    "year",
    "period",
    "sex",
    "value",
    "numerator",
    "denominator",
    "department",
    "submission_date",
    "source_file",
    "source_sheet",
    "source_row",
    "note",
    "figure_status",
    "cut_off_date",
]
_DTYPES = {
    "indicator_code": "string",
    "unit_code": "string",
    "period": "string",
    "sex": "string",
    "department": "string",
    "source_file": "string",
    "source_sheet": "string",
    "note": "string",
    "value": "float64",
    "numerator": "float64",
    "denominator": "float64",
    "figure_status": "string",
    "cut_off_date": "string",
}


def load_observations(data_root: str | Path, history: bool = False) -> pd.DataFrame:
    """Load ``<data_root>/processed/observations.csv`` (or ``history.csv``).

    Output: DataFrame with the contract's columns; ``year`` and ``source_row`` as Int64,
    ``submission_date`` as datetime64. Raises FileNotFoundError naming the missing file and
    the command that builds it.
    """
    name = "history.csv" if history else "observations.csv"
    path = Path(data_root) / "processed" / name
    if not path.exists():
        raise FileNotFoundError(f"{path} does not exist: run `me build --root {data_root}` first")
    return filecache.read_once(path, _read_observations)


def _read_observations(path: Path) -> pd.DataFrame:
    # safe_csv.read_csv undoes the formula-injection quote on text cells (see safe_csv).
    df = safe_csv.read_csv(path, dtype=_DTYPES, keep_default_na=True, encoding="utf-8")
    if "figure_status" not in df.columns:  # built before figures carried a status
        df["figure_status"] = "official"
        df["cut_off_date"] = df["submission_date"]
    df["year"] = df["year"].astype("Int64")
    df["source_row"] = df["source_row"].astype("Int64")
    df["submission_date"] = pd.to_datetime(df["submission_date"], errors="coerce")
    return df
