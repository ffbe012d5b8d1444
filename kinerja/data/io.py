"""Reading one table file: CSV (``,``/``;``, UTF-8 with or without BOM, Windows-1252), xlsx
(first sheet) or parquet, as data-contract.md describes real exports.

Values are kept as they were in the file: a CSV is read entirely as text, xlsx cells keep the
type the spreadsheet gave them (text, number, date) and parquet columns keep their dtype. Parsing
happens later (``kinerja.data.parsing`` via ``kinerja.data.validation``), so a rejected row can be written to
quarantine unchanged.

Row numbers (``RawTable.rows``) are the record numbers a user sees in the file, header = row 1:
for CSV the record number (a quoted field spanning two lines is one record, as Excel shows it);
for xlsx the sheet row. Completely empty rows are skipped without counting them as read rows,
but the numbering of later rows is kept.
"""

from __future__ import annotations

import csv
import hashlib
import io as _io
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from kinerja.data.parsing import text_of
from kinerja.domain.schema import normalize_header

EXTENSIONS: tuple[str, ...] = (".csv", ".xlsx", ".parquet")
_DELIMITERS = (",", ";", "\t", "|")


class UnreadableFileError(ValueError):
    """A file that cannot be read as a table (message in Indonesian, naming the file)."""


@dataclass
class RawTable:
    """One file as read, before parsing.

    Attributes
    ----------
    path : Path
    kind : {"csv", "xlsx", "parquet"}
    data : DataFrame
        Original header names, values as in the file, ``RangeIndex``.
    rows : ndarray of int
        Row number of each record in the file (header = 1).
    headers : list of str
        Normalised header of each column of ``data`` (``normalize_header``).
    sha256 : str
        Hash of the file's bytes.
    delimiter, encoding : str
        CSV only (``delimiter`` is "," for xlsx/parquet: quarantine files are written with it).
    structural : dict
        Position in ``data`` -> reason, for CSV records that did not fit the header (more fields
        than header columns, or the rows an unclosed quote would have swallowed). Their extra
        fields are kept, joined, in the last column.
    date_system : {1900, 1904}
        Excel's date system for bare serial numbers in date columns: 1904 when an xlsx
        workbook declares ``date1904``, else 1900 (CSV included).
    """

    path: Path
    kind: Literal["csv", "xlsx", "parquet"]
    data: pd.DataFrame
    rows: np.ndarray
    headers: list[str]
    sha256: str
    delimiter: str = ","
    encoding: str | None = None
    structural: dict[int, str] = field(default_factory=dict)
    date_system: int = 1900

    @property
    def berkas(self) -> str:
        """File name, as quarantine and summaries report it."""
        return self.path.name

    def __len__(self) -> int:
        return len(self.data)

    def raw_text(self, positions: np.ndarray | None = None) -> pd.DataFrame:
        """Rows of ``data`` as text, unchanged for CSV (xlsx/parquet cells printed as text)."""
        frame = self.data if positions is None else self.data.iloc[positions]
        if self.kind == "csv":
            return frame
        return pd.DataFrame({c: text_of(frame[c]) for c in frame.columns}, index=frame.index)


# ----------------------------------------------------------------------------------------------
# Finding files
# ----------------------------------------------------------------------------------------------


def find_table_files(folder: str | Path, tables: tuple[str, ...]) -> dict[str, list[Path]]:
    """Files of ``folder`` named after a table (case-insensitive), by table.

    Spreadsheet lock files (``~$...``) and hidden files are ignored. A table with more than one
    candidate file is returned with all of them; the caller reports the ambiguity.
    """
    found: dict[str, list[Path]] = {}
    for path in sorted(Path(folder).iterdir()):
        if path.name.startswith((".", "~$")):
            continue
        # a symbolic link is listed (never followed): read_table_file refuses it by name
        if not path.is_symlink() and not path.is_file():
            continue
        if path.suffix.lower() not in EXTENSIONS:
            continue
        stem = normalize_header(path.stem)
        if stem in tables:
            found.setdefault(stem, []).append(path)
    return found


def file_sha256(path: str | Path) -> str:
    """SHA-256 of a file's bytes (hex)."""
    h = hashlib.sha256()
    with open(path, "rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 20), b""):
            h.update(chunk)
    return h.hexdigest()


# ----------------------------------------------------------------------------------------------
# CSV
# ----------------------------------------------------------------------------------------------


def detect_encoding(data: bytes) -> str:
    """``utf-8-sig`` (BOM), ``utf-8``, else ``cp1252`` (``latin-1`` if even that fails)."""
    if data.startswith(b"\xef\xbb\xbf"):
        return "utf-8-sig"
    try:
        data.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        data.decode("cp1252")
        return "cp1252"
    except UnicodeDecodeError:
        return "latin-1"


def sniff_delimiter(text: str) -> str:
    """Choose the delimiter of a CSV sample (first lines of the decoded file).

    Each candidate (``,``, ``;``, tab, ``|``) splits the sample with the ``csv`` module (quotes
    respected); the winner gives the header more than one field and the most records with the
    header's field count; ties go to more header fields, then to the order above. So a ``;``
    file with decimal commas (``3,5``) or a header "Sistem, Mekanisme, dan Prosedur" stays a
    ``;`` file, and a ``,`` file with quoted ``"a;b"`` fields stays a ``,`` file.
    """
    lines = [ln for ln in text.splitlines()[:60] if ln.strip()]
    if not lines:
        return ","
    sample = "\n".join(lines[:50])
    best: tuple[int, int, int] | None = None
    choice = ","
    for rank, delim in enumerate(_DELIMITERS):
        try:
            records = list(
                csv.reader(_io.StringIO(sample, newline=""), delimiter=delim, quotechar='"')
            )
        except csv.Error:
            continue
        records = [r for r in records if any(f.strip() for f in r)]
        if not records:
            continue
        width = len(records[0])
        if width < 2:
            continue
        consistent = sum(len(r) == width for r in records[1:])
        score = (consistent, width, -rank)
        if best is None or score > best:
            best, choice = score, delim
    return choice


#: An export's field may be long (free text), and an unclosed quote swallows the rest of the file
#: into one field; the csv module's default limit (128 KiB) would then raise instead of letting
#: the record be quarantined. Python's csv limit is process-wide; a larger one only allows more.
csv.field_size_limit(max(csv.field_size_limit(), 2**31 - 1))


class _NotForArrow(Exception):
    """The fast reader cannot give exact row numbers for this file; use pandas."""


def _read_csv_arrow(data: bytes, delimiter: str, encoding: str, head: str) -> pd.DataFrame:
    """Fast path: pyarrow's multi-threaded CSV reader, every column as text.

    Used only when every record has exactly the header's field count (short or long records
    raise :class:`_NotForArrow` so that pandas/``csv`` read the file and number rows exactly).
    """
    import pyarrow as pa
    import pyarrow.csv as pacsv

    try:
        reader = csv.reader(_io.StringIO(head, newline=""), delimiter=delimiter, quotechar='"')
        first = next(reader, None)
    except csv.Error:
        raise _NotForArrow from None
    if not first:
        raise _NotForArrow
    width = len(first)
    names = [f"f{i}" for i in range(width)]

    def invalid(row: object) -> str:
        return "error"

    try:
        table = pacsv.read_csv(
            _io.BytesIO(data),
            read_options=pacsv.ReadOptions(
                column_names=names,
                encoding="utf8" if encoding.startswith("utf-8") else encoding,
                block_size=1 << 24,
            ),
            parse_options=pacsv.ParseOptions(
                delimiter=delimiter,
                quote_char='"',
                newlines_in_values=True,
                ignore_empty_lines=False,
                invalid_row_handler=invalid,
            ),
            convert_options=pacsv.ConvertOptions(
                column_types=dict.fromkeys(names, pa.string()),
                strings_can_be_null=False,
                quoted_strings_can_be_null=False,
            ),
        )
    except (pa.ArrowInvalid, pa.ArrowNotImplementedError, UnicodeDecodeError, LookupError):
        raise _NotForArrow from None
    dtype = pd.StringDtype("pyarrow", na_value=np.nan)
    frame = table.to_pandas(types_mapper={pa.string(): dtype}.get)
    frame.columns = range(width)
    return frame


def _csv_fallback(text: str, delimiter: str) -> tuple[pd.DataFrame, dict[int, str]]:
    """Read a CSV whose records do not all fit the header (slow path, per-record Python)."""
    records = list(csv.reader(_io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"'))
    width = len(records[0]) if records else 0
    fixed: list[list[str]] = []
    structural: dict[int, str] = {}
    for i, rec in enumerate(records):
        if len(rec) > width and i > 0:
            structural[i - 1] = (
                f"baris berisi {len(rec)} kolom, sedangkan header {width} kolom "
                "(pemisah di dalam nilai tanpa tanda kutip?)"
            )
            rec = rec[: width - 1] + [delimiter.join(rec[width - 1 :])]
        elif len(rec) < width:
            rec = rec + [""] * (width - len(rec))
        fixed.append(rec)
    return pd.DataFrame(fixed, dtype="str"), structural


def unclosed_quote_offset(text: str) -> int | None:
    """Offset of the start of the line where a quoted field opens and is never closed.

    A doubled quote inside a quoted field (``""``) toggles twice, so only a quote that opens a
    field and finds no partner before the end of the file is reported. ``None`` when every
    quote is closed.
    """
    positions = [m.start() for m in re.finditer('"', text)]
    if len(positions) % 2 == 0:
        return None
    opening = positions[-1]  # the last unmatched opening quote
    inside = False
    for pos in positions:
        inside = not inside
        if inside:
            opening = pos
    return text.rfind("\n", 0, opening) + 1


def _csv_unclosed_quote(
    text: str, delimiter: str, name: str = "CSV"
) -> tuple[pd.DataFrame, dict[int, str]]:
    """Read a CSV with an unclosed quote without letting it swallow the rest of the file.

    The records before the line where the quote opens are read as usual. That line and every
    line after it become records of their own, each marked (in ``structural``) with the line
    where the quote opens, so they are quarantined apart instead of being read as one record
    that runs to the end of the file.
    """
    start = unclosed_quote_offset(text)
    assert start is not None
    line_no = text.count("\n", 0, start) + 1
    head = text[:start]
    frame, structural = _csv_fallback(head, delimiter) if head.strip() else (pd.DataFrame(), {})
    width = frame.shape[1] if len(frame.columns) else 0
    rows = frame.values.tolist() if width else []
    if not width:  # the header itself holds the unclosed quote: nothing can be read
        raise UnreadableFileError(
            f'berkas {name}: tanda kutip (") pada baris {line_no} tidak pernah ditutup, '
            "di baris header"
        )
    for offset, line in enumerate(text[start:].splitlines()):
        if not line.strip():
            continue
        try:
            fields = next(csv.reader([line], delimiter=delimiter, quotechar='"'), [])
        except csv.Error:
            fields = [line]
        fields = (
            (fields + [""] * width)[:width]
            if len(fields) <= width
            else (fields[: width - 1] + [delimiter.join(fields[width - 1 :])])
        )
        where = line_no + offset
        structural[len(rows) - 1] = (
            f'tanda kutip (") dibuka pada baris berkas {line_no} dan tidak pernah ditutup; '
            "baris ini tidak dimuat"
            if offset == 0
            else f"baris berkas {where} berada sesudah tanda kutip yang tidak ditutup "
            f"(baris berkas {line_no}); tidak dimuat sampai tanda kutipnya diperbaiki"
        )
        rows.append(fields)
    return pd.DataFrame(rows, dtype="str"), structural


def _read_csv(path: Path) -> RawTable:
    data = path.read_bytes()
    sha = hashlib.sha256(data).hexdigest()
    if not data or data.isspace():  # as ``not data.strip()``, without copying the file
        raise UnreadableFileError(f"berkas {path.name} kosong (tidak ada baris header)")
    encoding = detect_encoding(data)
    head = data[: 1 << 16].decode(encoding, errors="ignore")
    delimiter = sniff_delimiter(head)
    structural: dict[int, str] = {}
    frame: pd.DataFrame | None = None
    if (
        data.count(b'"') % 2 == 1
        and unclosed_quote_offset(data.decode(encoding, "replace")) is not None
    ):
        frame, structural = _csv_unclosed_quote(
            data.decode(encoding, "replace"), delimiter, path.name
        )
    else:
        try:
            frame = _read_csv_arrow(data, delimiter, encoding, head)
        except _NotForArrow:
            frame = None
    try:
        if frame is None:
            frame = pd.read_csv(
                _io.BytesIO(data),
                sep=delimiter,
                header=None,
                dtype="str",
                keep_default_na=False,
                na_filter=False,
                skip_blank_lines=False,
                index_col=False,
                encoding=encoding,
                quotechar='"',
                engine="c",
            )
    except pd.errors.ParserError:
        try:
            frame, structural = _csv_fallback(data.decode(encoding), delimiter)
        except csv.Error as exc:
            raise UnreadableFileError(
                f"berkas {path.name} tidak dapat dibaca sebagai CSV: {exc}"
            ) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise UnreadableFileError(
            f"berkas {path.name} tidak dapat dibaca sebagai CSV: {exc}"
        ) from exc
    if frame.empty:
        raise UnreadableFileError(f"berkas {path.name} kosong (tidak ada baris header)")
    header = [str(h) for h in frame.iloc[0].tolist()]
    body = frame.iloc[1:].reset_index(drop=True)
    body.columns = range(body.shape[1])
    rows = np.arange(2, len(body) + 2, dtype=np.int64)
    keep = _non_empty_rows(body)
    if not keep.all():
        body = body.loc[keep].reset_index(drop=True)
        rows = rows[keep]
        old_pos = np.flatnonzero(keep)
        remap = {int(o): i for i, o in enumerate(old_pos)}
        structural = {remap[k]: v for k, v in structural.items() if k in remap}
    body = _with_header(body, header)
    return RawTable(
        path=path,
        kind="csv",
        data=body,
        rows=rows,
        headers=[normalize_header(h) for h in header],
        sha256=sha,
        delimiter=delimiter,
        encoding=encoding,
        structural=structural,
    )


def _with_header(body: pd.DataFrame, header: list[str]) -> pd.DataFrame:
    """Set original header names (duplicates kept apart by a ``~n`` suffix, blanks named)."""
    names: list[str] = []
    seen: dict[str, int] = {}
    for i, h in enumerate(header):
        name = h.replace("\ufeff", "") if h else f"kolom_{i + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}~{seen[name]}"
        else:
            seen[name] = 0
        names.append(name)
    body.columns = names
    return body


def _non_empty_rows(body: pd.DataFrame) -> np.ndarray:
    """Rows with at least one non-blank value (vectorised; checks later columns only when
    the earlier ones are blank)."""
    if body.shape[1] == 0 or len(body) == 0:
        return np.ones(len(body), dtype=bool)
    filled = np.zeros(len(body), dtype=bool)
    for col in body.columns:
        pos = np.flatnonzero(~filled)
        if not len(pos):
            break
        values = body[col].iloc[pos]
        if pd.api.types.is_string_dtype(values.dtype):
            present = values.notna() & values.astype("str").str.strip().ne("").fillna(False)
        else:
            present = values.notna()
        filled[pos[present.to_numpy(dtype=bool)]] = True
    return filled


# ----------------------------------------------------------------------------------------------
# xlsx and parquet
# ----------------------------------------------------------------------------------------------


def _read_xlsx(path: Path) -> RawTable:
    sha = file_sha256(path)
    try:
        sheet = pd.read_excel(path, sheet_name=0, header=None, dtype=object, engine="openpyxl")
    except Exception as exc:  # noqa: BLE001 - any failure means the file cannot be used
        raise UnreadableFileError(
            f"berkas {path.name} tidak dapat dibaca sebagai Excel (.xlsx): {exc}"
        ) from exc
    sheet = sheet.reset_index(drop=True)
    keep = _non_empty_rows(sheet)
    if not keep.any():
        raise UnreadableFileError(f"berkas {path.name}: lembar pertama kosong (tidak ada header)")
    header_pos = int(np.flatnonzero(keep)[0])
    header = [text_of(pd.Series([v], dtype=object)).iloc[0] for v in sheet.iloc[header_pos]]
    body = sheet.iloc[header_pos + 1 :].reset_index(drop=True)
    rows = np.arange(header_pos + 2, header_pos + 2 + len(body), dtype=np.int64)
    body_keep = keep[header_pos + 1 :]
    body = body.loc[body_keep].reset_index(drop=True)
    rows = rows[body_keep]
    # drop trailing columns that have neither a header nor a value
    while header and not header[-1].strip() and body.iloc[:, -1].isna().all():
        header.pop()
        body = body.iloc[:, :-1]
    body = _with_header(body, header)
    return RawTable(
        path=path,
        kind="xlsx",
        data=body,
        rows=rows,
        headers=[normalize_header(h) for h in header],
        sha256=sha,
        date_system=xlsx_date_system(path),
    )


def xlsx_date_system(path: str | Path) -> int:
    """1904 when the workbook declares Excel's 1904 date system (``date1904``), else 1900.

    openpyxl applies the workbook's system to date-formatted cells itself; this is for bare
    serial numbers in a date column (:func:`kinerja.data.parsing.excel_serial_dates`).
    """
    import re
    import zipfile

    try:
        with zipfile.ZipFile(path) as zf:
            xml = zf.read("xl/workbook.xml")[: 1 << 20]
    except (OSError, KeyError, zipfile.BadZipFile):
        return 1900
    return 1904 if re.search(rb'date1904\s*=\s*"(?:1|true)"', xml) else 1900


def _read_parquet(path: Path) -> RawTable:
    sha = file_sha256(path)
    try:
        frame = pd.read_parquet(path)
    except Exception as exc:  # noqa: BLE001
        raise UnreadableFileError(
            f"berkas {path.name} tidak dapat dibaca sebagai parquet: {exc}"
        ) from exc
    frame = frame.reset_index(drop=True)
    header = [str(c) for c in frame.columns]
    frame = _with_header(frame, header)
    return RawTable(
        path=path,
        kind="parquet",
        data=frame,
        rows=np.arange(2, len(frame) + 2, dtype=np.int64),
        headers=[normalize_header(h) for h in header],
        sha256=sha,
    )


def read_table_file(path: str | Path) -> RawTable:
    """Read one table file (``.csv``, ``.xlsx`` first sheet, ``.parquet``).

    Raises
    ------
    UnreadableFileError
        The file is empty, corrupt or of another type, or a symbolic link (never followed);
        the message names the file and never quotes its content.
    """
    path = Path(path)
    suffix = path.suffix.lower()
    if path.is_symlink():
        # its target may lie anywhere (/etc/passwd): never opened, never quoted
        raise UnreadableFileError(
            f"berkas {path.name} adalah tautan simbolik (symlink) dan tidak diikuti: data hanya "
            "dibaca dari berkas biasa di dalam folder data; salin berkas aslinya ke folder itu"
        )
    try:
        if suffix == ".csv":
            return _read_csv(path)
        if suffix == ".xlsx":
            return _read_xlsx(path)
        if suffix == ".parquet":
            return _read_parquet(path)
    except OSError as exc:
        raise UnreadableFileError(f"berkas {path.name} tidak dapat dibuka: {exc}") from exc
    raise UnreadableFileError(
        f"berkas {path.name}: jenis berkas tidak didukung (gunakan .csv, .xlsx atau .parquet)"
    )
