"""Columns, date formats and writers: from generated arrays to the bytes of an export file.

A *frame* is an ordered ``dict`` of columns, header name to one of:

- `Codes`: integer indices into labels (``-1`` is an empty cell), written as an Arrow
  dictionary column, so millions of dates or branch names cost one small label list;
- `Days`: day offsets from the window's first day (`OPEN_END` or `NO_DAY` is an empty cell),
  formatted per file in the file's date style;
- a numpy array: integers as they are, floats as integers with NaN for an empty cell;
- a list of Python values (small tables only).

>>> format_date(date(2025, 3, 7), "d-m-jjjj")
'7-3-2025'
>>> impossible_date(2025, "jjjj-mm-dd")
'2025-02-31'
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np
import openpyxl
import pyarrow as pa
import pyarrow.csv as pa_csv

from .window import OPEN_END, Window

NO_DAY = np.iinfo(np.int32).min
DATE_STYLES = ("jjjj-mm-dd", "dd-mm-jjjj", "d-m-jjjj")
UTF8_BOM = b"\xef\xbb\xbf"
MINIMAL_QUOTING_MAX_ROWS = 200_000  # larger tables use Arrow's quoting


@dataclass(frozen=True)
class Codes:
    indices: np.ndarray  # -1: empty
    labels: Sequence[str]

    def with_label(self, label: str) -> tuple[Codes, int]:
        """These codes with `label` available, and its index."""
        if label in self.labels:
            return self, list(self.labels).index(label)
        return replace(self, labels=[*self.labels, label]), len(self.labels)


@dataclass(frozen=True)
class Days:
    offsets: np.ndarray  # OPEN_END or NO_DAY: empty


Column = Codes | Days | np.ndarray | list
Frame = dict[str, Column]


@dataclass(frozen=True)
class CsvFormat:
    delimiter: str = ","
    encoding: str = "utf-8"  # "utf-8", "utf-8-sig" (with BOM) or "cp1252"
    eol: str = "\n"
    trailing_empty_columns: int = 0
    blank_lines: int = 0  # blank lines spread through the rows (and one at the end)


def format_date(day: date, style: str) -> str:
    if style == "jjjj-mm-dd":
        return f"{day:%Y-%m-%d}"
    if style == "dd-mm-jjjj":
        return f"{day:%d-%m-%Y}"
    if style == "d-m-jjjj":
        return f"{day.day}-{day.month}-{day.year}"
    raise ValueError(f"unknown date style {style!r}; expected one of {DATE_STYLES}")


def impossible_date(year: int, style: str) -> str:
    """31 February of `year` in the file's date style."""
    return f"{year}-02-31" if style == "jjjj-mm-dd" else f"31-02-{year}"


def day_codes(days: Days, window: Window, style: str) -> Codes:
    """Dates as codes into the labels of every day between the earliest and the latest."""
    offsets = days.offsets.astype(np.int64)
    present = (offsets != OPEN_END) & (offsets != NO_DAY)
    if not present.any():
        return Codes(np.full(offsets.size, -1, dtype=np.int32), [])
    first, last = int(offsets[present].min()), int(offsets[present].max())
    start = window.date_of(first)
    labels = [format_date(start + timedelta(days=i), style) for i in range(last - first + 1)]
    return Codes(np.where(present, offsets - first, -1).astype(np.int32), labels)


def clock_codes(minutes: np.ndarray) -> Codes:
    labels = [f"{m // 60:02d}:{m % 60:02d}" for m in range(24 * 60)]
    return Codes(minutes.astype(np.int16), labels)


def with_dates(frame: Frame, window: Window, style: str) -> Frame:
    """The frame with every `Days` column formatted in `style`."""
    return {
        name: day_codes(column, window, style) if isinstance(column, Days) else column
        for name, column in frame.items()
    }


def take_rows(frame: Frame, rows: np.ndarray) -> Frame:
    """The frame's rows at positions `rows` (numpy integer array)."""

    def pick(column: Column) -> Column:
        if isinstance(column, Codes):
            return Codes(column.indices[rows], column.labels)
        if isinstance(column, Days):
            return Days(column.offsets[rows])
        if isinstance(column, list):
            return [column[i] for i in rows]
        return column[rows]

    return {name: pick(column) for name, column in frame.items()}


def n_rows(frame: Frame) -> int:
    first = next(iter(frame.values()))
    if isinstance(first, Codes):
        return first.indices.size
    if isinstance(first, Days):
        return first.offsets.size
    return len(first)


def _arrow_column(column: Column) -> pa.Array:
    if isinstance(column, Codes):
        indices = pa.array(column.indices, mask=column.indices < 0)
        return pa.DictionaryArray.from_arrays(indices, pa.array(list(column.labels), pa.string()))
    if isinstance(column, Days):
        raise TypeError("format Days columns with with_dates() before writing")
    if isinstance(column, list):
        return pa.array(column)
    if column.dtype.kind == "f":
        empty = np.isnan(column)
        return pa.array(np.where(empty, 0, column).astype(np.int64), mask=empty)
    return pa.array(column)


def to_arrow(frame: Frame, header: Sequence[str] | None = None) -> pa.Table:
    names = list(header) if header is not None else list(frame)
    return pa.Table.from_arrays([_arrow_column(c) for c in frame.values()], names=names)


def write_csv(path: Path, frame: Frame, fmt: CsvFormat, header: Sequence[str] | None = None) -> int:
    """Write the frame as a CSV export in `fmt`; returns the number of data rows."""
    table = to_arrow(frame, header)
    for _ in range(fmt.trailing_empty_columns):
        empty = pa.nulls(table.num_rows, pa.string())
        table = table.append_column(pa.field("", pa.string()), empty)
    path.parent.mkdir(parents=True, exist_ok=True)
    quoted = _needs_quotes(table, fmt.delimiter)
    if fmt.encoding != "cp1252" and fmt.blank_lines == 0 and not quoted:
        with pa.OSFile(str(path), "wb") as sink:  # streamed: the big exports
            sink.write(UTF8_BOM if fmt.encoding == "utf-8-sig" else b"")
            pa_csv.write_csv(table, sink, _arrow_options(fmt, quoted))
    else:
        text = _with_blank_lines(_csv_text(table, fmt, quoted), fmt)
        encoded = text.encode("cp1252" if fmt.encoding == "cp1252" else "utf-8")
        path.write_bytes((UTF8_BOM if fmt.encoding == "utf-8-sig" else b"") + encoded)
    return table.num_rows


def _arrow_options(fmt: CsvFormat, quoted: bool) -> pa_csv.WriteOptions:
    return pa_csv.WriteOptions(
        delimiter=fmt.delimiter,
        eol=fmt.eol,
        quoting_style="needed" if quoted else "none",
        quoting_header="none",
    )


def _csv_text(table: pa.Table, fmt: CsvFormat, quoted: bool) -> str:
    """The CSV as text, quoting only the values that need it, as spreadsheet exports do.

    (Arrow quotes every text value once any needs quoting, so small tables that need quotes go
    through the csv module.)
    """
    if quoted and table.num_rows <= MINIMAL_QUOTING_MAX_ROWS:
        out = io.StringIO()
        writer = csv.writer(out, delimiter=fmt.delimiter, lineterminator=fmt.eol)
        writer.writerow(table.column_names)
        writer.writerows(zip(*(column.to_pylist() for column in table.columns), strict=True))
        return out.getvalue()
    buffer = pa.BufferOutputStream()
    pa_csv.write_csv(table, buffer, _arrow_options(fmt, quoted))
    return buffer.getvalue().to_pybytes().decode("utf-8")


def _needs_quotes(table: pa.Table, delimiter: str) -> bool:
    """Whether a text value holds the delimiter, a quote or a line break."""
    special = re.compile(f'[{re.escape(delimiter)}"\r\n]')
    for column in table.columns:
        if pa.types.is_dictionary(column.type):
            texts = [v for chunk in column.chunks for v in chunk.dictionary.to_pylist()]
        elif pa.types.is_string(column.type):
            texts = column.to_pylist()
        else:
            continue
        if any(special.search(text) for text in texts if text is not None):
            return True
    return False


def _with_blank_lines(text: str, fmt: CsvFormat) -> str:
    """Blank lines after every so many rows and at the end, as hand-edited exports have."""
    if fmt.blank_lines == 0:
        return text
    header, *rows = text.split(fmt.eol)[:-1]
    step = max(len(rows) // fmt.blank_lines, 1)
    lines = [header]
    for i, row in enumerate(rows, start=1):
        lines.append(row)
        if i % step == 0 and i < len(rows):
            lines.append("")
    return fmt.eol.join([*lines, "", ""])


def write_xlsx(path: Path, frame: Frame, *, title: str, sheet: str, saved_at: datetime) -> int:
    """An Excel report: a title row, a blank row, then the header and the rows.

    Dates (`date` values) become real Excel dates shown as dd-mm-jjjj; the file is byte-for-byte
    reproducible (fixed timestamps inside the zip and the document properties).
    """
    workbook = openpyxl.Workbook()
    worksheet = workbook.active
    worksheet.title = sheet
    worksheet.append([title])
    worksheet.append([])
    worksheet.append(list(frame))
    columns = [_python_values(column) for column in frame.values()]
    for row in zip(*columns, strict=True):
        worksheet.append(list(row))
    for cells in worksheet.iter_rows(min_row=4):
        for cell in cells:
            if isinstance(cell.value, datetime | date):
                cell.number_format = "dd-mm-yyyy"
    workbook.properties.creator = "Bibliotheek Zuid-Kennemerland"
    workbook.properties.created = saved_at
    raw = io.BytesIO()
    workbook.save(raw)
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(_reproducible_zip(raw.getvalue(), saved_at))
    return len(columns[0]) if columns else 0


def _python_values(column: Column) -> list:
    if isinstance(column, Codes):
        return [None if i < 0 else column.labels[i] for i in column.indices.tolist()]
    if isinstance(column, list):
        return column
    if column.dtype.kind == "f":
        return [None if np.isnan(v) else int(v) for v in column]
    return column.tolist()


def _reproducible_zip(content: bytes, saved_at: datetime) -> bytes:
    stamp = saved_at.strftime("%Y-%m-%dT%H:%M:%SZ")
    source = zipfile.ZipFile(io.BytesIO(content))
    target_bytes = io.BytesIO()
    with zipfile.ZipFile(target_bytes, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "docProps/core.xml":
                data = re.sub(
                    rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*", rb"\g<1>" + stamp.encode(), data
                )
            fixed = zipfile.ZipInfo(info.filename, date_time=saved_at.timetuple()[:6])
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, data)
    return target_bytes.getvalue()
