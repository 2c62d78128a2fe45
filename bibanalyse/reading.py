"""Reading raw exports: any of the contract's file formats to a frame of text.

``read_raw`` finds the header (below a title line or blank lines), the delimiter and the
encoding itself, maps the export's header names to the contract's columns and returns every
data row as text with its line number, so that each can be accounted for. A file that cannot
be read as a table at all raises ``UnreadableFileError``.

Text is held as categoricals: each distinct text once (Arrow's dictionary encoding, for
most columns done while the CSV is parsed), each row a code; trimming is done per distinct
text.
"""

from __future__ import annotations

import csv
import datetime as dt
import mmap
import os
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.csv as pacsv

from bibanalyse.config import FileLimits
from bibanalyse.sources import Column, Source

TEXT_SUFFIXES = {".csv", ".txt", ".tsv"}
EXCEL_SUFFIXES = {".xlsx", ".xlsm"}
DELIMITERS = (";", ",", "\t")
HEADER_SEARCH_LINES = 20
HEADER_LINE_BYTES = 1 << 16  # a longer line is no header (and too long for Python's csv)
CSV_BLOCK_SIZE = 1 << 24  # bytes Arrow parses at a time: a chunk of each column, per thread
WORKERS = min(4, os.cpu_count() or 1)  # threads for work on columns, see in_parallel
_BOM = b"\xef\xbb\xbf"
_LINE_BLOCK = 1 << 22  # bytes of a text file searched for line ends at a time
_ENCODED_TEXT = pa.dictionary(pa.int32(), pa.large_string())
# The smallest whole number whose text has k characters (a missing text: none, -1).
_SMALLEST_OF_LENGTH = np.array([-1, 0, *(10 ** np.arange(1, 19))], dtype=np.int64)
Contents = bytes | mmap.mmap  # a file's bytes: mapped (see _mapped), or copied when re-encoded
# Kinds of column that may hold about as many texts as rows (identifiers, personal data):
# read as text, encoded after (as numbers where they are, see _numbers_encoded). Arrow
# encodes the others (dates, codes, branches, text) while parsing.
NUMBER_KINDS = frozenset({"count", "number"})  # columns a formula without a value rejects
_MANY_VALUED_KINDS = frozenset({"identifier", "list", "member", "birthdate", "postcode"})


class UnreadableFileError(ValueError):
    """A raw file that is not a readable table: the ingest stops (exit code 2)."""


@dataclass
class RawTable:
    """The data rows of one raw file, as text, under the contract's column names."""

    path: Path
    frame: pd.DataFrame  # text as categoricals (see text_categorical), missing where empty
    lines: pd.arrays.IntegerArray  # each row's line (Excel: row) number; missing if unknown
    malformed: pd.DataFrame = field(  # rows that could not be split: line, text
        default_factory=lambda: pd.DataFrame({"line": pd.Series(dtype="Int64"), "text": []})
    )
    blank_lines: int = 0
    cell_problems: dict[str, np.ndarray] = field(default_factory=dict)
    """Per column, cells left out of ``frame`` (missing there) for what is wrong with them:
    an object array beside the rows, the problem or None (a field past the size limit, a
    formula without a computed value). Each such row is rejected with its problem."""

    @property
    def rows_read(self) -> int:
        return len(self.frame) + len(self.malformed)


def in_parallel(function: Callable, items: Iterable) -> list:
    """``function`` of each item, in order, on the machine's cores (at most four threads):
    the work on a column is mostly Arrow's and NumPy's, which run outside Python's lock."""
    with ThreadPoolExecutor(max_workers=WORKERS) as pool:
        return list(pool.map(function, items))


def text_categorical(codes: np.ndarray, categories: pa.Array) -> pd.Categorical:
    """Rows of text as a categorical: ``codes`` number the distinct texts ``categories``
    (held by Arrow, as text also when there are none), -1 where missing."""
    dtype = pd.CategoricalDtype(pd.Index(categories.to_pandas(), dtype="str"), ordered=False)
    return pd.Categorical.from_codes(codes, dtype=dtype, validate=False)


def missing_text(rows: int) -> pd.Categorical:
    return text_categorical(np.full(rows, -1, dtype=np.int8), pa.array([], pa.large_string()))


def read_raw(path: Path, source: Source, limits: FileLimits | None = None) -> RawTable:
    """Read one raw export of ``source`` within ``limits`` (default: ``FileLimits()``);
    raises ``UnreadableFileError`` naming what is wrong."""
    limits = limits or FileLimits()
    suffix = path.suffix.lower()
    if suffix in TEXT_SUFFIXES:
        return _read_text(path, source, limits)
    if suffix in EXCEL_SUFFIXES:
        return _read_excel(path, source, limits)
    raise UnreadableFileError(f"{path}: not a table: expected a .csv or .xlsx file")


# --- text files -------------------------------------------------------------------------


def _read_text(path: Path, source: Source, limits: FileLimits) -> RawTable:
    data = _as_utf8(path, _mapped(path))
    start = len(_BOM) if data[: len(_BOM)] == _BOM else 0
    crlf = _has_crlf(data)
    if crlf and data.find(b'"', start) >= 0:
        data = bytes(data).replace(b"\r\n", b"\n")  # a quoted value may span lines: LF ends it
        crlf = False
    head = _head_lines(data, HEADER_SEARCH_LINES, start)
    candidates = [[_split_line(line, delimiter) for line in head] for delimiter in DELIMITERS]
    header_index, delimiter, names = _find_header(path, source, candidates)
    body_start = start + sum(len(line) + 1 for line in head[: header_index + 1])
    malformed: list[str] = []
    types = {column.name: _text_type(column) for column in source.columns}
    body = _Body(data, body_start, header_index + 2, crlf)
    try:
        table = _parse(data, body_start, delimiter, names, types, malformed)
    except pa.ArrowInvalid as error:
        raise _unsplittable(path, body, error) from error
    frame, empty, problems = _to_frame(table, limits.field_bytes)
    return _with_line_numbers(path, body, frame, empty, malformed, problems, limits.field_bytes)


def _text_type(column: Column) -> pa.DataType:
    return pa.large_string() if column.kind in _MANY_VALUED_KINDS else _ENCODED_TEXT


def _parse(data: Contents, body_start: int, delimiter: str, names: list, types: dict, malformed):
    """The body's fields as text (missing where empty), of the ``types`` by name; a row that
    does not split into the header's columns is left out, its text appended to
    ``malformed``."""
    included = [name for name in names if not name.startswith("_")]
    if body_start >= len(data):  # only a header: Arrow reads no table from no bytes
        return pa.table({name: pa.array([], types.get(name, _ENCODED_TEXT)) for name in included})
    return pacsv.read_csv(
        pa.py_buffer(data).slice(body_start),
        read_options=pacsv.ReadOptions(column_names=names, block_size=CSV_BLOCK_SIZE),
        parse_options=pacsv.ParseOptions(
            delimiter=delimiter,
            newlines_in_values=data.find(b'"', body_start) >= 0,
            invalid_row_handler=lambda row: malformed.append(row.text) or "skip",
        ),
        convert_options=pacsv.ConvertOptions(
            column_types={name: types.get(name, _ENCODED_TEXT) for name in names},
            include_columns=included,
            strings_can_be_null=True,
            null_values=[""],
            check_utf8=False,  # the whole text is known to be UTF-8 (see _as_utf8)
        ),
    )


def _mapped(path: Path) -> Contents:
    """The file's bytes, mapped from the page cache rather than copied (none if empty)."""
    with path.open("rb") as file:
        if os.fstat(file.fileno()).st_size == 0:
            return b""
        return mmap.mmap(file.fileno(), 0, access=mmap.ACCESS_READ)


def _has_crlf(data: Contents) -> bool:
    """Whether ``data`` holds a ``\\r\\n``, found from its first ``\\r`` (``find`` of one
    byte is fast, of two bytes it is not)."""
    first = data.find(b"\r")
    return first >= 0 and data.find(b"\r\n", first) >= 0


def _head_lines(data: Contents, count: int, start: int = 0) -> list[bytes]:
    """The first ``count`` lines of ``data`` from ``start`` (without copying the rest)."""
    lines = []
    while len(lines) < count and start < len(data):
        end = data.find(b"\n", start)
        end = len(data) if end < 0 else end
        lines.append(data[start:end])
        start = end + 1
    return lines


def _as_utf8(path: Path, data: Contents) -> Contents:
    """The file's bytes as UTF-8: UTF-8 (with or without BOM) as is, else Windows-1252
    (without a BOM)."""
    if b"\x00" in data[:4096]:
        raise UnreadableFileError(f"{path}: not a table: binary content (a NUL byte)")
    if _is_utf8(data):
        return data
    data = bytes(data).removeprefix(_BOM)
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as utf8_error:
        try:
            return data.decode("cp1252").encode("utf-8")
        except UnicodeDecodeError as error:
            line = data.count(b"\n", 0, error.start) + 1
            raise UnreadableFileError(
                f"{path}: line {line}: cannot decode: neither UTF-8 "
                f"({utf8_error.reason} at byte {utf8_error.start}) nor Windows-1252 "
                f"(byte 0x{data[error.start]:02x})"
            ) from error
    return data


def _is_utf8(data: Contents) -> bool:
    """Whether ``data`` is valid UTF-8, checked by Arrow without decoding it to a str."""
    offsets = pa.py_buffer(np.array([0, len(data)], dtype=np.int64))
    text = pa.Array.from_buffers(pa.large_string(), 1, [None, offsets, pa.py_buffer(data)])
    try:
        text.validate(full=True)
    except pa.ArrowInvalid:
        return False
    return True


def _split_line(line: bytes, delimiter: str) -> list[str]:
    """A line's fields, for finding the header; none for a line that is no header (too
    long, or not to be split by Python's csv module)."""
    if len(line) > HEADER_LINE_BYTES:
        return []
    text = line.decode("utf-8").rstrip("\r")
    try:
        return next(csv.reader([text], delimiter=delimiter), [])
    except csv.Error:
        return []


def _unsplittable(path: Path, body: _Body, error: pa.ArrowInvalid) -> UnreadableFileError:
    """The error for a text file Arrow cannot split into rows, naming its longest line
    (a row longer than Arrow's block is what it cannot split)."""
    starts, lengths = body.line_starts_and_lengths()
    longest = int(np.argmax(lengths))
    return UnreadableFileError(
        f"{path}: line {body.first_number + longest}: cannot be split into rows: a line of "
        f"{int(lengths[longest]):,} bytes; a row may hold at most {CSV_BLOCK_SIZE:,} "
        f"({str(error).splitlines()[0]})"
    )


def _find_header(path: Path, source: Source, candidates) -> tuple[int, str, list[str]]:
    """The line index, delimiter and column names of the header: the line that names the
    most of the source's columns. Raises when it lacks a required column."""
    best = (-1, 0, DELIMITERS[0], [])
    for delimiter, rows in zip(DELIMITERS, candidates, strict=False):
        for index, fields in enumerate(rows):
            matched = sum(source.column_for_header(name) is not None for name in fields)
            if matched > best[0]:
                best = (matched, index, delimiter, fields)
    _, index, delimiter, fields = best
    return index, delimiter, _column_names(path, source, fields, f"line {index + 1}")


def _column_names(path: Path, source: Source, headers: list, where: str) -> list[str]:
    """The contract names for a header row; ignored columns get a ``_`` name."""
    names = []
    for position, header in enumerate(headers):
        column = source.column_for_header(header or "")
        if column is None or column.name in names:
            names.append(f"_ignored_{position}")
        else:
            names.append(column.name)
    missing = [column.headers[0] for column in source.required if column.name not in names]
    if missing:
        shown = ", ".join(repr(h) for h in headers if h and str(h).strip()) or "nothing"
        raise UnreadableFileError(
            f"{path}: required column {', '.join(repr(m) for m in missing)} missing "
            f"(header taken from {where}: {shown})"
        )
    return names


def _to_frame(table: pa.Table, field_bytes: int) -> tuple[pd.DataFrame, np.ndarray, dict]:
    """The text columns as categoricals (see ``_as_categorical``, the columns side by
    side), a mask of the rows that are wholly empty, and the cells left out for being
    longer than ``field_bytes`` (see ``RawTable.cell_problems``)."""
    # Columns read as text (identifiers) take longest: given out first, the threads end
    # together.
    names = sorted(table.column_names, key=lambda name: pa.types.is_dictionary(table[name].type))
    encoded = in_parallel(
        lambda column: _as_categorical(column, field_bytes), map(table.column, names)
    )
    done = dict(zip(names, encoded, strict=True))
    columns = {name: done[name][0] for name in table.column_names}  # in the file's order
    problems = {
        name: _too_long(sizes, field_bytes)
        for name in table.column_names
        if (sizes := done[name][1]) is not None
    }
    empty = np.ones(table.num_rows, dtype=bool)
    for column in columns.values():
        empty &= column.codes < 0
    for cells in problems.values():
        empty &= pd.isna(cells)
    frame = pd.DataFrame(columns, copy=False)  # the columns are new: no copy of each
    return frame.set_axis(pd.RangeIndex(table.num_rows)), empty, problems  # also without columns


def _too_long(sizes: np.ndarray, field_bytes: int) -> np.ndarray:
    """Per row, the problem of a field of ``sizes`` bytes past ``field_bytes`` (else None)."""
    problems = np.full(len(sizes), None, dtype=object)
    for position in np.flatnonzero(sizes):
        problems[position] = (
            f"a field of {int(sizes[position]):,} bytes, longer than the limit of "
            f"{field_bytes:,} (limits.field_bytes); the value is left out"
        )
    return problems


def _as_categorical(
    column: pa.ChunkedArray, field_bytes: int
) -> tuple[pd.Categorical, np.ndarray | None]:
    """A text column (dictionary-encoded or not) as a categorical of its texts trimmed,
    empty texts missing: the distinct texts are trimmed and encoded anew (two may trim
    alike). Identifiers written as plain numbers are encoded by their number.

    A text longer than ``field_bytes`` is left out (missing); then also returned: per row,
    the size of such a text (else 0)."""
    if (numbered := _numbers_encoded(column)) is not None:
        return text_categorical(*numbered), None  # no number is that long
    codes, distinct = encoded_text(column)
    distinct, oversized = _without_long_texts(codes, distinct, field_bytes)
    texts = pc.dictionary_encode(_trimmed(distinct))
    categorical = text_categorical(recoded(codes, index_codes(texts.indices)), texts.dictionary)
    return categorical, oversized


def _without_long_texts(codes: np.ndarray, distinct: pa.Array, field_bytes: int):
    """``distinct`` with its texts longer than ``field_bytes`` missing, and per row the size
    of such a text (0 for the others); None for the sizes when there is none (a check of
    the distinct texts only)."""
    sizes = pc.binary_length(distinct)
    if not len(distinct) or pc.max(sizes).as_py() <= field_bytes:
        return distinct, None
    too_long = pc.greater(sizes, field_bytes)
    per_text = np.append(pc.if_else(too_long, sizes, 0).to_numpy(zero_copy_only=False), 0)
    return pc.if_else(too_long, pa.scalar(None, distinct.type), distinct), per_text[codes]


def _numbers_encoded(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array] | None:
    """Like ``encoded_text``, for a text column whose every text is a plain whole number
    (digits, no leading zero or sign: the text of its number), as identifiers are: encoding
    numbers is cheaper than encoding texts. None for any other column.

    >>> codes, texts = _numbers_encoded(pa.chunked_array([["12", None, "7", "12"]]))
    >>> codes.tolist(), texts.to_pylist()
    ([0, -1, 1, 0], ['12', '7'])
    >>> _numbers_encoded(pa.chunked_array([["12", "007"]])) is None  # 007 is not 7's text
    True
    """
    if pa.types.is_dictionary(column.type) or not _may_be_numbers(column):
        return None
    try:
        numbers = pc.cast(column, pa.int64()).combine_chunks()
    except pa.ArrowInvalid:
        return None  # a text that is not a whole number
    values = (pc.fill_null(numbers, -1) if numbers.null_count else numbers).to_numpy()
    lengths = pc.fill_null(pc.binary_length(column), 0).combine_chunks().to_numpy()
    # A number's text has at least its digits; it is no longer when the number is at least
    # the smallest of that length (missing: length 0, value -1).
    if len(lengths) and (
        lengths.max() >= len(_SMALLEST_OF_LENGTH) or np.any(values < _SMALLEST_OF_LENGTH[lengths])
    ):
        return None  # a sign, a leading zero or a space
    codes, distinct = pd.factorize(values)
    if numbers.null_count:  # -1 stood in for the missing texts: their code becomes -1
        missing = int(codes[np.flatnonzero(values < 0)[0]])
        codes = np.where(codes > missing, codes - 1, np.where(codes == missing, -1, codes))
        distinct = np.delete(distinct, missing)
    return codes.astype(np.int32), pa.array(distinct).cast(pa.large_string())


def _may_be_numbers(column: pa.ChunkedArray, sample: int = 64) -> bool:
    """Whether the first texts of ``column`` are whole numbers (a failing cast of a whole
    column takes as long as one that succeeds)."""
    first = pc.drop_null(column.slice(0, sample * 16)).slice(0, sample)
    if not len(first):
        return column.null_count < len(column)
    try:
        pc.cast(first, pa.int64())
    except pa.ArrowInvalid:
        return False
    return True


def encoded_text(column: pa.ChunkedArray) -> tuple[np.ndarray, pa.Array]:
    """Each row's position among the distinct texts of ``column`` (-1 where missing), and
    those texts, in order of appearance; made by Arrow's dictionary encoding, or taken from
    it when ``column`` is dictionary-encoded already."""
    if not pa.types.is_dictionary(column.type):
        column = pa.chunked_array([pc.dictionary_encode(column.combine_chunks())])
    elif column.num_chunks > 1:
        column = column.unify_dictionaries()  # one dictionary for all the chunks
    chunks = column.chunks or [pa.array([], _ENCODED_TEXT)]
    codes = np.concatenate([index_codes(chunk.indices) for chunk in chunks])
    return codes, chunks[0].dictionary


def recoded(codes: np.ndarray, new: np.ndarray) -> np.ndarray:
    """``codes`` with each code ``c`` replaced by ``new[c]`` (-1, missing, stays -1);
    ``codes`` itself when each code stays as it is, without a pass over the rows.

    >>> recoded(np.array([0, -1, 1]), np.array([1, 0])).tolist()
    [1, -1, 0]
    >>> codes = np.array([1, -1, 0]); recoded(codes, np.array([0, 1])) is codes
    True
    """
    if np.array_equal(new, np.arange(len(new))):
        return codes
    return np.append(new, -1)[codes]


def index_codes(indices: pa.Array) -> np.ndarray:
    """Dictionary indices as NumPy integers, -1 where missing."""
    return (pc.fill_null(indices, -1) if indices.null_count else indices).to_numpy()


def _trimmed(texts: pa.Array) -> pa.Array:
    """``texts`` without surrounding white space, empty texts missing."""
    texts = pc.utf8_trim_whitespace(texts)
    return pc.if_else(pc.equal(pc.binary_length(texts), 0), pa.scalar(None, texts.type), texts)


@dataclass(frozen=True)
class _Body:
    """The body of a text file (the lines below the header) in ``data`` from ``start``;
    a line ends at a ``\\n``, and with ``crlf`` a ``\\r`` before it belongs to the end."""

    data: Contents
    start: int
    first_number: int  # the number of the body's first line
    crlf: bool

    def line_count(self) -> int:
        """The number of lines, the last counted when it holds something."""
        body = self._bytes()
        newlines = sum(int(np.count_nonzero(mask)) for _, mask in self._newline_blocks(body))
        return newlines + (len(body) > 0 and body[-1] != ord("\n"))

    def line_starts_and_lengths(self) -> tuple[np.ndarray, np.ndarray]:
        """Each line's offset from ``start`` and its length without its end."""
        body = self._bytes()
        newlines = [np.flatnonzero(mask) + at for at, mask in self._newline_blocks(body)]
        newline = np.concatenate([np.zeros(0, dtype=np.int64), *newlines])
        starts = np.concatenate(([0], newline + 1))
        ends = np.concatenate((newline, [len(body)]))
        lengths = ends - starts
        if self.crlf:
            before_end = body[np.maximum(ends[:-1] - 1, 0)]
            lengths[:-1] -= (lengths[:-1] > 0) & (before_end == ord("\r"))
        return starts, lengths

    def _bytes(self) -> np.ndarray:
        """The body as NumPy bytes: a view of ``data``, not a copy."""
        return np.frombuffer(self.data, dtype=np.uint8, offset=min(self.start, len(self.data)))

    @staticmethod
    def _newline_blocks(body: np.ndarray) -> Iterator[tuple[int, np.ndarray]]:
        """Where ``body`` holds a newline, a block at a time: each block's offset and mask
        (no mask as large as the file)."""
        for at in range(0, len(body), _LINE_BLOCK):
            yield at, body[at : at + _LINE_BLOCK] == ord("\n")


def _with_line_numbers(
    path, body: _Body, frame, empty, malformed, problems, field_bytes: int
) -> RawTable:
    """The rows with their line numbers; blank and delimiter-only lines are left out.

    Lines are exact unless a quoted value spans lines, then they are missing. A row that
    does not split and runs over several lines past ``field_bytes`` is a quote never closed:
    the lines after it cannot be split, and the file is unreadable.
    """
    if not malformed and body.line_count() == len(frame):  # each line a row: no search
        lines = _numbered(body.first_number, len(frame))
        return _without_empty_rows(path, frame, lines, empty, [], [], 0, problems)
    data, body_start = body.data, body.start
    starts, lengths = body.line_starts_and_lengths()
    numbers = np.arange(body.first_number, body.first_number + len(starts))
    is_malformed_line = np.zeros(len(starts), dtype=bool)
    kept_texts, kept_lines, blank = [], [], 0
    position = body_start
    for text in malformed:
        found = data.find(text.encode("utf-8"), position)
        found = found if found >= 0 else data.find(text.encode("utf-8"), body_start)
        index = None
        if found >= 0:
            index = int(np.searchsorted(starts, found - body_start, side="right") - 1)
            is_malformed_line[index] = True
            position = found + 1
        if len(text) > field_bytes and "\n" in text:
            where = f"line {numbers[index]}" if index is not None else "a line"
            raise UnreadableFileError(
                f"{path}: {where}: cannot be split into rows: a quote opened there is not "
                f"closed within {field_bytes:,} bytes ({text.count(chr(10)):,} lines after it)"
            )
        if text.strip(" \t\r;,"):
            kept_texts.append(text)
            kept_lines.append(numbers[index] if index is not None else pd.NA)
        else:
            blank += 1
    data_lines = numbers[(lengths > 0) & ~is_malformed_line]
    if len(data_lines) == len(frame):
        lines = pd.array(data_lines, dtype="Int64")
    else:
        lines = pd.array([pd.NA] * len(frame), dtype="Int64")
    return _without_empty_rows(path, frame, lines, empty, kept_texts, kept_lines, blank, problems)


def _numbered(first: int, count: int) -> pd.arrays.IntegerArray:
    """The line numbers ``first``, ``first + 1``, ... of ``count`` rows, none missing."""
    numbers = np.arange(first, first + count, dtype=np.int64)
    return pd.arrays.IntegerArray(numbers, np.zeros(count, dtype=bool))


def _without_empty_rows(
    path, frame, lines, empty, malformed_texts, malformed_lines, blank, problems
):
    """The table of ``frame`` and its ``lines`` (and cell ``problems``) without the wholly
    empty rows (counted as blank lines, with the ``blank`` lines of delimiters only)."""
    keep = ~empty
    if not keep.all():
        frame, lines = frame[keep].reset_index(drop=True), lines[keep]
        problems = {name: cells[keep] for name, cells in problems.items()}
    return RawTable(
        path=path,
        frame=frame,
        lines=lines,
        malformed=pd.DataFrame(
            {
                "line": pd.array(malformed_lines, dtype="Int64"),
                "text": pd.array(malformed_texts, "str"),
            }
        ),
        blank_lines=int(empty.sum()) + blank,
        cell_problems=problems,
    )


# --- Excel files ------------------------------------------------------------------------


def _read_excel(path: Path, source: Source, limits: FileLimits) -> RawTable:
    """The first sheet of a workbook checked first (``bibanalyse.workbook``): refused past
    the limits before anything is unpacked; a formula cell without a computed value in a
    number column of the contract makes its row rejected."""
    from python_calamine import CalamineWorkbook  # only Excel files need these

    from bibanalyse.workbook import WorkbookRefused, inspect_workbook

    try:
        formulas = inspect_workbook(path, limits)
        sheet = CalamineWorkbook.from_path(path).get_sheet_by_index(0)
        cells = sheet.to_python(skip_empty_area=False)  # from A1: row numbers as in Excel
    except WorkbookRefused as error:
        raise UnreadableFileError(str(error)) from error
    except Exception as error:  # calamine raises many kinds for a file that is no workbook
        raise UnreadableFileError(f"{path}: not a readable Excel workbook: {error}") from error
    rows = [[_cell_text(value) for value in row] for row in cells]
    header_index, _, names = _find_header(path, source, [rows[:HEADER_SEARCH_LINES]])
    width = len(names)
    body = [(row + [None] * width)[:width] for row in rows[header_index + 1 :]]
    first_row = header_index + 2  # the Excel row of the body's first row
    last_formula = max((cell.row for cell in formulas), default=0)
    body += [[None] * width] * (last_formula - first_row + 1 - len(body))  # none past the end
    lines = _numbered(first_row, len(body))
    columns = {
        name: pa.array([row[at] for row in body], pa.large_string())
        for at, name in enumerate(names)
        if not name.startswith("_")
    }
    frame, empty, problems = _to_frame(pa.table(columns), limits.field_bytes)
    for name, cells in _formula_problems(formulas, names, first_row, len(body), source).items():
        empty &= pd.isna(cells)
        if name in problems:  # a column with a field too long elsewhere
            cells = np.where(pd.isna(cells), problems[name], cells)
        problems[name] = cells
    return _without_empty_rows(path, frame, lines, empty, [], [], 0, problems)


def _formula_problems(formulas, names: list[str], first_row: int, rows: int, source) -> dict:
    """Per number column of the contract, the problem of each body row whose cell is a
    formula without a computed value (see ``RawTable.cell_problems``); in a text column
    such a cell reads as empty, as it would in Excel before it is computed."""
    numbers = {column.name for column in source.columns if column.kind in NUMBER_KINDS}
    problems: dict[str, np.ndarray] = {}
    for cell in formulas:
        position = cell.row - first_row
        if 0 <= position < rows and cell.column < len(names):
            name = names[cell.column]
            if name in numbers:
                cells = problems.setdefault(name, np.full(rows, None, dtype=object))
                cells[position] = f"formule zonder berekende waarde (cel {cell.name})"
    return problems


def _cell_text(value: object) -> str | None:
    """An Excel cell as the text an export would hold (an empty cell: None)."""
    if value is None or value == "":
        return None
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat(" ")
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
