"""``me build --root ROOT``: rebuild ``ROOT/processed`` from ``ROOT/raw``, with provenance.

What it does (docs/CONTRACTS.md, "Processed observations"):

1. Lists every file under ``raw/`` in sorted order and hashes it (sha256). Files are opened
   read-only; nothing under ``raw/`` is ever written.
2. Submissions (xlsx/csv under ``raw/submissions/``, or any xlsx) are parsed and validated by
   :mod:`me_utils.intake.submissions`. Other inputs (``gbv/``, ``trafficking/``, ``leadership/``,
   ``population/``) are checked against their pandera schema (:mod:`me_utils.intake.schemas`) and
   copied byte for byte into ``processed/`` so that reports read ``processed/`` only (the
   checks: :mod:`me_utils.build.checks`).
3. A later submission supersedes an earlier one for the same indicator × unit × year × period
   × sex: ordered by submission date, then the revision in the file name (``_r2``), then the
   file name. ``history.csv`` keeps every accepted row with its status.
4. Writes ``observations.csv``, ``history.csv``, ``findings.csv`` (every validation message),
   ``submissions.csv`` (one row per submission file) and ``manifest.json`` into a temporary
   folder next to ``processed/`` and swaps it in only when everything succeeded: a failed
   build leaves the previous processed data intact. The swap is one atomic exchange on Linux,
   so ``processed/`` is complete at every instant, even if the process is killed (see
   :func:`me_utils.build.swap.swap_in`); text cells that a spreadsheet would run as formulas are written with a
   leading ``'`` (:mod:`me_utils.core.safe_csv`; read back with ``safe_csv.read_csv``).

Safety (issue 16): one build per data root at a time (``flock`` on ``ROOT/.build.lock``: a
second build refuses with the holder's pid, or waits with ``--wait``); leftovers of a crashed
build are cleaned first (:func:`recover`); a read-only ``processed/`` is refused; folders and
files get the umask's permissions.

Errors policy: by default any error in any input fails the build (exit code 1, nothing
replaced, the messages printed). With ``--keep-going`` a file with an error is rejected as a
whole (as a desk officer would send it back), the rest is built and written, and the exit code
is still 1. Warnings never fail a build. Output bytes depend only on the raw files (and
``SOURCE_DATE_EPOCH`` for ``built_at``), so two builds of the same raw folder are identical
apart from ``built_at``.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as _dt
import hashlib
import json
import os
import stat
import sys
from pathlib import Path

import pandas as pd

from me_utils.build import checks, reconcile
from me_utils.build.dataset import OBS_COLUMNS  # the processed observations' columns
from me_utils.build.swap import recover, swap_in
from me_utils.core import errors as _errors
from me_utils.core import paths, safe_csv
from me_utils.core.atomic import atomic_write_bytes, atomic_write_text  # noqa: F401 (re-exported)
from me_utils.intake import leadership_schema
from me_utils.intake import submissions as intake
from me_utils.intake.schemas import (
    FINDINGS_SCHEMA,
    HISTORY_SCHEMA,
    INPUT_KINDS,
    OBSERVATIONS_SCHEMA,
    SUBMISSION_COLUMNS,
    SUBMISSIONS_SCHEMA,
)
from me_utils.intake.submissions import KEY, Message

DEADLINES = {"H1": (5, 20), "FY": (11, 25)}  # plan 123 section V: strictly before this day
SUBMISSION_SUFFIXES = (".xlsx", ".xlsm", ".csv", ".tsv", ".txt")


class BuildError(_errors.BuildError):
    """The build cannot complete; ``messages`` say why (nothing was replaced)."""

    def __init__(self, text: str, messages: list[Message] | None = None):
        super().__init__(text)
        self.messages = messages or []


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def sha256_file(path: Path) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


def due_date(year: int, period: str) -> _dt.date:
    """Deadline day of a period (plan 123 section V); a report is on time strictly before it."""
    m, d = DEADLINES[period]
    return _dt.date(int(year), m, d)


def classify(rel: str) -> tuple[str, object]:
    """Kind of a raw input from its path relative to ``raw/`` and its pandera schema (or None).

    Kinds: ``submission``, ``gbv_register``, ``trafficking``, ``leadership_*``, ``population``,
    ``ignored`` (hidden files, Excel lock files) and ``other`` (recorded in the manifest only).
    """

    name = rel.rsplit("/", 1)[-1]
    if name.startswith((".", "~$")):
        return "ignored", None
    low = rel.lower()
    if low.startswith("submissions/") and low.endswith(SUBMISSION_SUFFIXES):
        return "submission", None
    for prefix, kind, schema in INPUT_KINDS:
        if low.startswith(prefix) and low.endswith(".csv"):
            return kind, schema
    if low.endswith((".xlsx", ".xlsm")):
        return "submission", None
    return "other", None


def _list_raw(raw: Path) -> list[tuple[str, Path]]:
    out = []
    for dirpath, dirnames, filenames in os.walk(raw):
        dirnames.sort()
        for fn in sorted(filenames):
            p = Path(dirpath) / fn
            out.append((p.relative_to(raw).as_posix(), p))
    return sorted(out)


def _iso(d) -> str:
    if d is None or (isinstance(d, float) and pd.isna(d)) or d is pd.NaT:
        return ""
    if isinstance(d, pd.Timestamp):
        d = d.date()
    if isinstance(d, _dt.datetime):
        d = d.date()
    return d.isoformat()


def _csv_bytes(df: pd.DataFrame) -> bytes:
    # Text cells that a spreadsheet would run as formulas get a leading ' (safe_csv; readers
    # restore the stored value with safe_csv.read_csv). Numbers are written unchanged.
    return safe_csv.to_csv_bytes(df, index=False, lineterminator="\n")


def run_build(root: str | Path, keep_going: bool = False, out=None, wait: bool = False) -> dict:
    """Rebuild ``root/processed`` from ``root/raw``.

    Inputs: the data root; ``keep_going`` (reject files with errors and build the rest);
    ``wait`` (wait for another build on the same root instead of refusing).
    Output: a summary dict (``inputs``, ``observations``, ``errors``, ``warnings``,
    ``rejected``, ``manifest_hash``, ``messages``, ``recovered``: clean-up done after a crashed
    build). Raises :class:`BuildError` when the build fails (no raw folder, read-only target,
    another build running — :class:`BuildLocked` —, errors without ``keep_going``, or a write
    problem); ``processed/`` is then left as it was.
    """
    root = Path(root).resolve()
    raw = root / "raw"
    if not raw.is_dir():
        raise BuildError(f"không có thư mục dữ liệu gốc / no raw folder: {raw}")
    check_writable(root)
    with build_lock(root, wait=wait):
        recovered = recover(root)
        summary = _run_build_locked(root, raw, keep_going)
    summary["recovered"] = recovered
    return summary


def _run_build_locked(root: Path, raw: Path, keep_going: bool) -> dict:
    ref = intake.load_reference()
    inputs = []
    subs: list[tuple[str, intake.Submission, str]] = []
    table_inputs: list[tuple[str, Path, str]] = []
    messages: list[Message] = []
    for rel, path in _list_raw(raw):
        kind, schema = classify(rel)
        digest = sha256_file(path)
        entry = {"path": rel, "sha256": digest, "department": "", "submission_date": "", "kind": kind}
        if kind == "submission":
            sub = intake.parse_submission(path, display_name=rel, reference=ref)
            entry["department"] = sub.department or ""
            entry["submission_date"] = _iso(sub.submission_date)
            subs.append((rel, sub, digest))
            messages.extend(sub.messages)
        elif kind not in ("other", "ignored"):
            table = leadership_schema.table_of_kind(kind)
            msgs = (
                checks.check_gbv_register(rel, path)
                if kind == "gbv_register"
                else checks.check_leadership(rel, path, table)
                if table
                else checks.check_table(rel, path, schema)
            )
            messages.extend(msgs)
            table_inputs.append((rel, path, kind))
        inputs.append(entry)

    # Row rules on all submission records at once (one pandera pass).
    frames = [s.records for _, s, _ in subs if s.records is not None and not s.records.empty]
    records = pd.concat(frames, ignore_index=True) if frames else intake.empty_records().assign(_ok=True)
    if not records.empty:
        row_msgs, ok = intake.check_records(records, ref)
        messages.extend(row_msgs)
        records = records.assign(_ok=ok)
    dup_rows = {(m.file, m.row) for m in messages if m.code == "duplicate_row"}
    err_files = {m.file for m in messages if m.severity == "error"}
    rejected = sorted(err_files)
    if err_files and not keep_going:
        raise BuildError(
            f"{len(err_files)} tệp có lỗi, không cập nhật dữ liệu đã xử lý / {len(err_files)} input(s) "
            "with errors; processed data left unchanged (use --keep-going to build without them)",
            intake.sort_messages(messages),
        )

    # Supersession within each reporting body, reconciliation across bodies (plan rules),
    # estimate/official status: me_utils.build.reconcile.
    acc = records[~records["source_file"].isin(err_files)].copy() if not records.empty else records
    if not acc.empty:
        acc = acc[[(f, int(r)) not in dup_rows for f, r in zip(acc["source_file"], acc["source_row"])]]
        acc["_date"] = pd.to_datetime(acc["submission_date"].map(_iso).replace("", None), errors="coerce")
        scales = {c: float(getattr(i, "scale", 1) or 1) for c, i in ref.indicators.items()}
        acc, rec_msgs = reconcile.settle(acc, scales)
        messages.extend(rec_msgs)
    history = _frame_out(acc, with_status=True)
    obs = history[history["status"] == "current"].drop(columns=["status", "superseded_by"])
    obs = obs.sort_values(KEY, kind="mergesort").reset_index(drop=True)
    history = history.sort_values(KEY + ["submission_date", "source_file", "source_row"], kind="mergesort").reset_index(
        drop=True
    )
    if not obs.empty:
        plaus = obs.copy()
        plaus["col_labels"] = None
        messages.extend(intake.plausibility_messages(plaus, ref))

    # One row per submission file.
    sub_rows = []
    rec_by_file = dict(tuple(records.groupby("source_file", sort=False))) if not records.empty else {}
    status_counts = history.groupby(["source_file", "status"]).size().to_dict() if len(history) else {}
    msgs_by_file: dict[str, list[Message]] = {}
    for m in messages:
        msgs_by_file.setdefault(m.file, []).append(m)
    for rel, sub, digest in subs:
        r = rec_by_file.get(rel, records.iloc[0:0])
        n_cur = int(status_counts.get((rel, "current"), 0))
        n_sup = int(status_counts.get((rel, "superseded"), 0))
        years = sorted({int(y) for y in pd.to_numeric(r["year"], errors="coerce").dropna()}) if len(r) else []
        periods = sorted({p for p in r["period"].dropna()}) if len(r) else []
        finfo = intake.filename_info(rel)
        if not years and finfo.get("year"):
            years = [finfo["year"]]
        if not periods and finfo.get("period"):
            periods = [finfo["period"]]
        year = max(years) if years else None
        due = max((due_date(y, p) for y in years for p in periods if p in DEADLINES), default=None)
        sdate = sub.submission_date
        if sdate is None and len(r):
            ds = [d for d in r["submission_date"] if d is not None and not pd.isna(d)]
            sdate = min(ds) if ds else None
        late = None if (due is None or sdate is None) else max(0, (sdate - due).days + 1)
        if rel in err_files:
            status = "rejected"
        elif n_cur and n_sup:
            status = "partly_superseded"
        elif n_sup and not n_cur:
            status = "superseded"
        else:
            status = "accepted"
        fm = msgs_by_file.get(rel, [])
        dept = sub.department or (next((d for d in r["department"] if d), "") if len(r) else "")
        sub_rows.append(
            {
                "source_file": rel,
                "sha256": digest,
                "department": dept or finfo.get("department", ""),
                "year": year,
                "periods": ";".join(periods),
                "years": ";".join(map(str, years)),
                "submission_date": _iso(sdate),
                "due_date": _iso(due),
                "days_late": late,
                "on_time": None if late is None else late == 0,
                "revision": sub.revision,
                "status": status,
                "n_rows": sub.n_rows,
                "n_current": n_cur,
                "n_superseded": n_sup,
                "n_errors": sum(m.severity == "error" for m in fm),
                "n_warnings": sum(m.severity == "warning" for m in fm),
            }
        )

    submissions = pd.DataFrame(sub_rows, columns=SUBMISSION_COLUMNS)
    submissions["year"] = pd.array(submissions["year"], dtype="Int64")
    submissions["days_late"] = pd.array(submissions["days_late"], dtype="Int64")
    submissions["on_time"] = pd.array(submissions["on_time"], dtype="boolean")
    for c in ("revision", "n_rows", "n_current", "n_superseded", "n_errors", "n_warnings"):
        submissions[c] = submissions[c].astype(int)
    for c in ("source_file", "sha256", "department", "periods", "years", "submission_date", "due_date", "status"):
        submissions[c] = submissions[c].fillna("").astype(str)
    messages = intake.sort_messages(messages)
    findings = intake.messages_frame(messages)
    # Contract checks before anything is written.
    OBSERVATIONS_SCHEMA.validate(_typed_for_schema(obs))
    HISTORY_SCHEMA.validate(_typed_for_schema(history))
    SUBMISSIONS_SCHEMA.validate(submissions)
    FINDINGS_SCHEMA.validate(findings)

    outputs: dict[str, bytes] = {
        "observations.csv": _csv_bytes(obs),
        "history.csv": _csv_bytes(history),
        "findings.csv": _csv_bytes(findings),
        "submissions.csv": _csv_bytes(submissions),
    }
    private = set()
    for rel, path, kind in table_inputs:
        if rel in err_files:
            continue
        outputs[rel] = path.read_bytes()  # copied as received, already checked
        if kind == "gbv_register":
            private.add(rel)  # case-level data: owner only, whatever the umask
    inputs_sorted = sorted(inputs, key=lambda e: e["path"])
    manifest_hash = hashlib.sha256(
        json.dumps(inputs_sorted, sort_keys=True, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    ).hexdigest()
    manifest = {
        "built_at": _built_at(),
        "illustrative": (raw / "ILLUSTRATIVE").exists(),
        "inputs": inputs_sorted,
        "outputs": {name: sha256_bytes(b) for name, b in sorted(outputs.items())},
        "manifest_hash": manifest_hash,
        "rejected": rejected,
        "counts": {
            "inputs": len(inputs),
            "submissions": len(subs),
            "observations": int(len(obs)),
            "history": int(len(history)),
            "errors": int(sum(m.severity == "error" for m in messages)),
            "warnings": int(sum(m.severity == "warning" for m in messages)),
        },
    }
    outputs["manifest.json"] = (json.dumps(manifest, ensure_ascii=False, indent=2, sort_keys=False) + "\n").encode(
        "utf-8"
    )
    swap_in(root, outputs, private=private)
    return {
        "inputs": len(inputs),
        "observations": len(obs),
        "history": len(history),
        "errors": manifest["counts"]["errors"],
        "warnings": manifest["counts"]["warnings"],
        "rejected": rejected,
        "manifest_hash": manifest_hash,
        "messages": messages,
    }


def _typed_for_schema(df: pd.DataFrame) -> pd.DataFrame:
    """The csv-bound frame with python types the output schemas expect."""
    out = df.copy()
    for c in (
        "indicator_code",
        "unit_code",
        "period",
        "sex",
        "department",
        "submission_date",
        "source_file",
        "source_sheet",
        "note",
        "status",
        "superseded_by",
        "figure_status",
        "cut_off_date",
    ):
        if c in out:
            out[c] = out[c].fillna("").astype(str)
    return out


def _frame_out(acc: pd.DataFrame, with_status: bool) -> pd.DataFrame:
    cols = OBS_COLUMNS + (["status", "superseded_by"] if with_status else [])
    if acc is None or acc.empty:
        df = pd.DataFrame({c: pd.Series(dtype=object) for c in cols})
        df["year"] = df["year"].astype(int)
        df["source_row"] = df["source_row"].astype(int)
        for c in ("value", "numerator", "denominator"):
            df[c] = df[c].astype(float)
        return df
    df = pd.DataFrame(
        {
            "indicator_code": acc["indicator_code"].astype(str),
            "unit_code": acc["unit_code"].astype(str),
            "year": pd.to_numeric(acc["year"]).astype(int),
            "period": acc["period"].astype(str),
            "sex": acc["sex"].astype(str),
            "value": pd.to_numeric(acc["value"]).astype(float),
            "numerator": pd.to_numeric(acc["numerator"]).astype(float),
            "denominator": pd.to_numeric(acc["denominator"]).astype(float),
            "department": acc["department"].fillna("").astype(str),
            "submission_date": acc["submission_date"].map(_iso),
            "source_file": acc["source_file"].astype(str),
            "source_sheet": acc["source_sheet"].fillna("").astype(str),
            "source_row": pd.to_numeric(acc["source_row"]).astype(int),
            "note": acc["note"].fillna("").astype(str),
            "figure_status": acc["figure_status"].fillna("official").astype(str),
            "cut_off_date": acc["cut_off_date"].fillna("").astype(str),
        }
    )
    if with_status:
        df["status"] = acc["status"].astype(str)
        df["superseded_by"] = acc["superseded_by"].astype(str)
    return df.reset_index(drop=True)


def _built_at() -> str:
    sde = os.environ.get("SOURCE_DATE_EPOCH")
    if sde and sde.isdigit():
        t = _dt.datetime.fromtimestamp(int(sde), tz=_dt.UTC)
    else:
        t = _dt.datetime.now(tz=_dt.UTC).replace(microsecond=0)
    return t.isoformat().replace("+00:00", "Z")


LOCK_NAME = ".build.lock"


class BuildLocked(BuildError):
    """Another ``me build`` holds the lock on this data root."""


@contextlib.contextmanager
def build_lock(root: Path, wait: bool = False):
    """Hold an exclusive lock on ``root/.build.lock`` (``fcntl.flock``) for the whole build.

    A second build on the same root refuses at once with :class:`BuildLocked` naming the
    holder's process id and start time, or with ``wait=True`` blocks until the first one ends.
    The kernel releases the lock when the holder dies, so a killed build never leaves a stale
    lock. Where ``fcntl`` does not exist (Windows) no lock is taken.
    """
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        yield
        return
    path = root / LOCK_NAME
    fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o666)
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | (0 if wait else fcntl.LOCK_NB))
        except BlockingIOError:
            holder = os.pread(fd, 200, 0).decode("utf-8", "replace").strip() or "?"
            raise BuildLocked(
                f"một lần dựng dữ liệu khác đang chạy trên {root} ({holder}); chờ nó xong rồi chạy lại, hoặc "
                f"dùng --wait / another build is running on {root} ({holder}); wait for it to finish and run "
                "again, or use --wait"
            ) from None
        os.ftruncate(fd, 0)
        os.pwrite(fd, f"pid {os.getpid()}, since {_dt.datetime.now().isoformat(timespec='seconds')}".encode(), 0)
        try:
            yield
        finally:
            os.ftruncate(fd, 0)
    finally:
        os.close(fd)  # closing the descriptor releases the lock


def check_writable(root: Path) -> None:
    """Refuse a read-only target before any work: ``processed/`` without its owner's write bit
    (someone froze it on purpose; root would otherwise replace it regardless) or a data root the
    build cannot write into. Raises :class:`BuildError` with the path and the remedy."""
    processed = root / "processed"
    if processed.exists():
        mode = processed.stat().st_mode
        if not mode & stat.S_IWUSR:
            raise BuildError(
                f"thư mục {processed} đang ở chế độ chỉ đọc (quyền {stat.filemode(mode)}): không "
                f"thay thế; cho phép ghi (chmod u+w) nếu muốn dựng lại / {processed} is read-only "
                f"({stat.filemode(mode)}): not replaced; make it writable (chmod u+w) to rebuild"
            )
    if not os.access(root, os.W_OK | os.X_OK) or not root.stat().st_mode & stat.S_IWUSR:
        raise BuildError(f"không ghi được vào thư mục dữ liệu {root} / cannot write into the data root {root}")


def cli(argv: list[str] | None = None) -> int:
    """``me build [--root ROOT] [--keep-going] [--quiet]``; exit 0 only when no input has an error."""

    parser = argparse.ArgumentParser(
        prog="me build", description="Dựng lại dữ liệu đã xử lý từ dữ liệu gốc / rebuild processed data from raw"
    )
    parser.add_argument("--root", default="", help="data root holding raw/ (default: data/)")
    parser.add_argument(
        "--keep-going",
        action="store_true",
        help="reject files with errors and build from the others (exit code still 1)",
    )
    parser.add_argument("--quiet", action="store_true", help="print errors only")
    parser.add_argument(
        "--wait", action="store_true", help="wait for another build on the same data root instead of refusing"
    )
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:
        return 0 if exc.code in (0, None) else 2
    # A relative --root is taken from the current folder, like every path option of `me`.
    root = paths.resolve_data_root(str(Path(args.root).resolve()) if args.root else "")
    try:
        summary = run_build(root, keep_going=args.keep_going, wait=args.wait)
    except BuildError as be:
        for m in be.messages:
            if m.severity == "error" or not args.quiet:
                if m.severity != "info":
                    print(m.format(), file=sys.stderr)
        print(f"LỖI/ERROR: {be}", file=sys.stderr)
        return 1
    except Exception as exc:  # never a traceback: previous processed data is intact
        print(
            f"LỖI/ERROR: dựng dữ liệu thất bại, dữ liệu đã xử lý trước đó được giữ nguyên / build "
            f"failed, previous processed data left intact: {type(exc).__name__}: {intake.short_text(exc, 300)}",
            file=sys.stderr,
        )
        return 1
    for line in summary.get("recovered", []):
        print(f"== {line}")
    for m in summary["messages"]:
        if m.severity == "error" or (m.severity == "warning" and not args.quiet):
            print(m.format())
    print(
        f"== {root / 'processed'}: {summary['inputs']} tệp đầu vào/inputs, {summary['observations']} "
        f"quan sát hiện hành/current observations, {summary['history']} dòng lịch sử/history rows, "
        f"{summary['errors']} lỗi/errors, {summary['warnings']} cảnh báo/warnings; "
        f"manifest_hash {summary['manifest_hash'][:12]}"
    )
    if summary["rejected"]:
        print(f"Tệp bị từ chối/rejected: {', '.join(summary['rejected'])}")
        return 1
    return 0
