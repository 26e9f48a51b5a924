"""Size caps on submitted files and the :class:`FileError` that refuses a file over one
(located by sheet, row and column); the :class:`Grid` a reader returns; the zip-directory
check that opens an xlsx package before anything is decompressed."""

from __future__ import annotations

import io
import zipfile
from dataclasses import dataclass, field

from me_utils.core import errors as _errors
from me_utils.intake.results import short_text

HEADER_SCAN_ROWS = 40  # title/metadata rows above the header are rarely more than a handful


@dataclass
class Grid:
    """One sheet (or a csv file) as rows of cell values with their 1-based row numbers."""

    sheet: str
    rows: list[list]
    row_numbers: list[int]
    percent: set = field(default_factory=set)  # (row_idx, col_idx) with a percent format
    formula_missing: set = field(default_factory=set)  # (row_idx, col_idx): formula, no value
    formulas: dict = field(default_factory=dict)  # (row_idx, col_idx) -> formula text
    truncated: bool = False  # kept for callers; the readers now refuse a file over a cap instead


# A submission table has about ten columns and at most a few thousand rows. The caps below
# bound the time and memory of reading any file, however it was made (issue 16: a 1 MB xlsx
# expanding to 1 GiB of sheet XML ran 93 s at 11 GB). Over a cap, the file is refused with a
# located message before (or while) it is read: never partly read, never truncated.
MAX_ROWS, MAX_COLS = 100_000, 100
#: Size of the file on disk (xlsx package or csv text), bytes.
MAX_FILE_BYTES = 32 * 2**20
#: Uncompressed size of one part of an xlsx package / of all parts together, bytes (from the
#: zip directory, checked before anything is decompressed; zipfile enforces the declared sizes
#: while reading, a part that lies about its size fails its CRC check).
MAX_PART_BYTES = 100 * 2**20
MAX_UNZIPPED_BYTES = 200 * 2**20
#: Parts read whole into a tree (workbook.xml, its relationships, styles.xml), bytes.
MAX_TREE_PART_BYTES = 16 * 2**20
MAX_ZIP_MEMBERS = 2_000
#: ``<c>`` elements in one sheet (empty formatted cells included) and shared strings.
MAX_CELLS = 3_000_000
#: Characters in one cell: Excel's own limit, so no workbook saved by Excel exceeds it.
MAX_CELL_CHARS = 32_767
#: Sheet XML read by openpyxl when the fast reader cannot (rare features): its object model
#: takes about ten times the XML size in memory, hence a tighter bound.
MAX_FALLBACK_BYTES = 24 * 2**20


class FileError(_errors.InputError):
    """A whole file cannot be read; carries the bilingual reason and, where known, the sheet,
    row (1-based) and column (letter or header) that locate it."""

    def __init__(self, code: str, vi: str, en: str, sheet: str = "", row: int | None = None, column: str = ""):
        super().__init__(en)
        self.code, self.vi, self.en = code, vi, en
        self.sheet, self.row, self.column = sheet, row, column


def n_vi(n: int) -> str:
    return f"{n:,}".replace(",", ".")


def mib(n: int) -> str:
    return f"{n / 2**20:.0f} MiB" if n >= 2**20 else f"{n / 1024:.0f} KiB"


def too_large_error(size: int) -> FileError:
    """The located error for a file over :data:`MAX_FILE_BYTES` (``size`` in bytes)."""
    return FileError(
        "file_too_large",
        f"tệp quá lớn ({mib(size)}, giới hạn {mib(MAX_FILE_BYTES)}): một báo cáo chỉ "
        "gồm một bảng vài nghìn dòng; hãy xóa các trang tính, hình ảnh và ô thừa rồi gửi lại",
        f"the file is too large ({mib(size)}, limit {mib(MAX_FILE_BYTES)}): a submission "
        "is one table of a few thousand rows; remove extra sheets, pictures and stray cells "
        "and send it again",
    )


def too_many_rows(row: int, sheet: str = "") -> FileError:
    return FileError(
        "too_many_rows",
        f"bảng có dữ liệu ở dòng {n_vi(row)}, quá giới hạn {n_vi(MAX_ROWS)} dòng: tệp bị từ "
        "chối, không đọc một phần (xóa các dòng thừa hoặc chia thành nhiều tệp)",
        f"the table has data on row {row:,}, beyond the limit of {MAX_ROWS:,} rows: the file "
        "is refused, not partly read (delete stray rows or split the file)",
        sheet=sheet,
        row=row,
    )


def too_many_cols(row: int, col: str, sheet: str = "") -> FileError:
    return FileError(
        "too_many_columns",
        f"có dữ liệu ở cột {col}, quá giới hạn {MAX_COLS} cột: tệp bị từ chối (xóa các ô thừa ở xa bảng)",
        f"there is data in column {col}, beyond the limit of {MAX_COLS} columns: the file is "
        "refused (delete stray cells far from the table)",
        sheet=sheet,
        row=row,
        column=col,
    )


def cell_too_long(row: int | None, col: str, n: int | None, sheet: str = "") -> FileError:
    size_vi = f" ({n_vi(n)} ký tự)" if n else ""
    size_en = f" ({n:,} characters)" if n else ""
    return FileError(
        "cell_too_long",
        f"một ô dài quá {n_vi(MAX_CELL_CHARS)} ký tự{size_vi} — giới hạn của Excel; hãy rút "
        "gọn nội dung ô (ghi chú dài gửi kèm bằng văn bản riêng)",
        f"a cell is longer than {MAX_CELL_CHARS:,} characters{size_en} — Excel's own limit; "
        "shorten it (send long notes as a separate document)",
        sheet=sheet,
        row=row,
        column=col,
    )


def col_letters(c_i: int) -> str:
    s, n = "", c_i + 1
    while n:
        n, r = divmod(n - 1, 26)
        s = chr(65 + r) + s
    return s


def open_xlsx_package(data: bytes) -> zipfile.ZipFile:
    """Open xlsx bytes as a zip package after checking its directory against the caps.

    Raises :class:`FileError` (``not_xlsx``, ``file_too_large``, ``xlsx_too_large``) before
    anything is decompressed: the sizes come from the zip directory.
    """
    if len(data) > MAX_FILE_BYTES:
        raise too_large_error(len(data))
    try:
        zf = zipfile.ZipFile(io.BytesIO(data))
        infos = zf.infolist()
    except Exception as exc:  # BadZipFile, or a corrupt directory (ValueError, OverflowError…)
        raise FileError(
            "not_xlsx",
            f"không mở được sổ làm việc xlsx ({type(exc).__name__})",
            f"cannot open the xlsx workbook ({type(exc).__name__}: {short_text(exc, 100)})",
        ) from None
    if len(infos) > MAX_ZIP_MEMBERS:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc có {n_vi(len(infos))} thành phần, quá giới hạn {n_vi(MAX_ZIP_MEMBERS)}",
            f"the workbook has {len(infos):,} parts, over the limit of {MAX_ZIP_MEMBERS:,}",
        )
    total = 0
    for zi in infos:
        if zi.file_size > MAX_PART_BYTES:
            raise FileError(
                "xlsx_too_large",
                f"thành phần “{short_text(zi.filename, 60)}” của sổ làm việc giải nén ra {mib(zi.file_size)}, "
                f"quá giới hạn {mib(MAX_PART_BYTES)} (tệp nén bất thường, có thể là “bom zip”): tệp bị "
                "từ chối; hãy mở bằng Excel, xóa các ô thừa và lưu lại",
                f"part “{short_text(zi.filename, 60)}” of the workbook expands to {mib(zi.file_size)}, over "
                f"the limit of {mib(MAX_PART_BYTES)} (an abnormal package, possibly a zip bomb): the file "
                "is refused; open it in Excel, delete stray cells and save it again",
            )
        total += zi.file_size
    if total > MAX_UNZIPPED_BYTES:
        raise FileError(
            "xlsx_too_large",
            f"sổ làm việc giải nén ra {mib(total)}, quá giới hạn {mib(MAX_UNZIPPED_BYTES)} (có thể là "
            "“bom zip”): tệp bị từ chối; hãy xóa các trang tính và hình ảnh thừa rồi lưu lại",
            f"the workbook expands to {mib(total)}, over the limit of {mib(MAX_UNZIPPED_BYTES)} "
            "(possibly a zip bomb): the file is refused; remove extra sheets and pictures and save again",
        )
    return zf
