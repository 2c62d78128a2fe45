"""The ingest: every raw export under ``data/raw`` to clean Parquet under ``data/processed``.

Every row read is accounted for, per file, as kept, rejected (with its reason, written to
``processed/rejected/<source>.csv``) or a duplicate of a row kept from the same or an
earlier file (overlapping exports). The new processed folder is built beside the old one and
swapped in only when complete, so a failing ingest leaves the previous processed data as it
was. Raw files are only read.

A source's files are cleaned one at a time, each read while the file before it (of this
source or the one before) is cleaned; each file's kept rows are held compactly (text
dictionary-encoded) and its text let go. The rest of a source's work is done on a thread
of its own while the next source's files are cleaned: the rows are sorted and written part
by part (a row group each, cut where the sort key changes, so a part holds all copies of a
row). Helper threads take each part's rows from the files and leave out its duplicates
(exactly: a hash sort brings equal rows together, then neighbours are compared in full)
while the parts before it are written. Text stays dictionary-encoded to the file, which
reads back as the plain frame.
"""

from __future__ import annotations

import base64
import shutil
import tempfile
from collections import deque
from collections.abc import Callable, Iterable, Iterator, Sequence
from concurrent.futures import Executor, Future, ThreadPoolExecutor
from contextlib import closing, contextmanager
from dataclasses import asdict, dataclass
from itertools import islice
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bibanalyse.cleaning import FILE, LINE, REASON, CleanFile, clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.cleaning.narratives import read_narrative
from bibanalyse.config import Settings
from bibanalyse.files import publish_folder
from bibanalyse.locks import exclusive
from bibanalyse.privacy import load_key
from bibanalyse.reading import (
    EXCEL_SUFFIXES,
    TEXT_SUFFIXES,
    WORKERS,
    RawTable,
    UnreadableFileError,
    index_codes,
    missing_text,
    read_raw,
    recoded,
)
from bibanalyse.schemas import CLEAN_MODELS
from bibanalyse.sources import NARRATIVES, SOURCES, Source, normalise_header
from bibanalyse.store import is_text

REPORT_FILE = "ingest_report.csv"
INGEST_LOCK = ".ingest.lock"
STAGING_PREFIX = ".processed-"  # the folder an ingest builds, until it replaces processed/
ROW_GROUP_SIZE = 1 << 20
REJECTED_DIR = "rejected"
FEW_RUNS = 64  # a sort column in no more runs than this is sorted by merging them
ORDER_BY = {  # processed rows are sorted by these (stable), so Parquet filters skip row groups
    "uitleenacties": ["datum"],
    "abonnementen": ["ingangsdatum"],
    "collectie": ["aanschafdatum"],
    "activiteiten": ["datum"],
    "bezoekerstellingen": ["datum", "uur"],
    "ido": ["datum"],
    "communicatie": ["datum"],
    "sluitingsdagen": ["datum"],
    "digitaal": ["maand"],
}


@dataclass(frozen=True)
class FileReport:
    source: str
    file: str
    rows_read: int
    kept: int
    rejected: int
    duplicates: int
    blank_lines: int


Progress = Callable[[str, int, int], None]  # (source, number, of)


def ingest(settings: Settings, *, progress: Progress | None = None) -> list[FileReport]:
    """Read, clean and write every source; returns the report per raw file. One ingest of
    a data folder at a time: another waits for it (see ``locks.exclusive``)."""
    key = load_key(settings)
    raw_dir = settings.raw_dir
    if not raw_dir.is_dir():
        raise UnreadableFileError(f"{raw_dir}: no raw data folder (run `bibanalyse demo`?)")
    lock = settings.data_dir / INGEST_LOCK
    with exclusive(lock, timeout=settings.lock_timeout, what="an ingest of this data"):
        return _ingest_staged(settings, key, progress or (lambda *_: None))


def _ingest_staged(settings: Settings, key: bytes, progress: Progress) -> list[FileReport]:
    """The ingest, built in a staging folder that replaces processed/ when complete. The
    staging folders of ingests that were killed are removed first (one ingest at a time
    holds the lock, so none of them is in use)."""
    raw_dir = settings.raw_dir
    for leftover in settings.data_dir.glob(f"{STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    staging = Path(tempfile.mkdtemp(prefix=STAGING_PREFIX, dir=settings.data_dir))
    try:
        reports = _ingest_all(raw_dir, staging, key, progress)
        publish_folder(staging, settings.processed_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return reports


def _ingest_all(raw_dir: Path, staging: Path, key: bytes, progress: Progress) -> list:
    (staging / REJECTED_DIR).mkdir()
    files = {source.name: _raw_files(raw_dir / source.name) for source in SOURCES.values()}
    branches = SOURCES["vestigingen"]
    if not files[branches.name]:
        raise UnreadableFileError(f"{raw_dir / branches.name}: no export of vestigingen")
    total = len(SOURCES) + 1
    others = [source for source in SOURCES.values() if source is not branches]
    # A source's files are cleaned here; the rest of its work (duplicates, sorting,
    # writing) is done by `finisher` while the next source's files are cleaned.
    with ThreadPoolExecutor(max_workers=1) as finisher, _reads([branches, *others], files) as reads:
        progress(branches.name, 1, total)
        no_names = Context({}, {}, key)  # the branches are what is being read
        its_reads = islice(reads, len(files[branches.name]))
        reports = _ingest_source(branches, its_reads, raw_dir, no_names, staging, finisher)
        reports = reports.result()
        frame = pd.read_parquet(staging / f"{branches.name}.parquet")
        context = Context(
            branches={normalise_header(b): b for b in frame["vestiging"]},
            municipalities={normalise_header(m): m for m in frame["gemeente"]},
            key=key,
        )
        finishing = []
        for number, source in enumerate(others, start=2):
            progress(source.name, number, total)
            its_reads = islice(reads, len(files[source.name]))
            finishing.append(_ingest_source(source, its_reads, raw_dir, context, staging, finisher))
        progress(NARRATIVES, total, total)
        narratives = _ingest_narratives(raw_dir / NARRATIVES, context, staging)
        for finished in finishing:
            reports += finished.result()  # raises what went wrong in finishing a source
    reports += narratives
    _write_csv(pd.DataFrame([asdict(report) for report in reports]), staging / REPORT_FILE)
    return reports


def _reads(sources: list[Source], files: dict[str, list[Path]]):
    """The files of ``sources`` (by source name in ``files``) read ahead one after the
    other (see ``_read_ahead``); closed when done with, its thread with it."""
    return closing(
        _read_ahead([(source, path) for source in sources for path in files[source.name]])
    )


def _raw_files(folder: Path) -> list[Path]:
    """The exports in a source's folder, by name; hidden and Excel lock files left out."""
    if not folder.is_dir():
        return []
    return sorted(
        path
        for path in folder.iterdir()
        if path.is_file()
        and not path.name.startswith((".", "~$"))
        and path.suffix.lower() in TEXT_SUFFIXES | EXCEL_SUFFIXES
    )


@dataclass(frozen=True)
class _Account:
    """What became of one raw file's rows, but for duplicates: kept (held apart, compactly),
    rejected (these rows themselves), blank."""

    file: str
    rows_read: int
    kept: int
    rejected: pd.DataFrame
    blank_lines: int

    def report(self, source: str, duplicates: int) -> FileReport:
        return FileReport(
            source=source,
            file=self.file,
            rows_read=self.rows_read,
            kept=self.kept - duplicates,
            rejected=len(self.rejected),
            duplicates=duplicates,
            blank_lines=self.blank_lines,
        )


def _ingest_source(
    source: Source,
    reads: Iterable[tuple[Path, RawTable]],
    raw_dir: Path,
    context: Context,
    staging: Path,
    finisher: Executor,
) -> Future[list[FileReport]]:
    """Clean a source file by file (``reads``: its files and their raw tables, see
    ``_read_ahead``), holding each file's kept rows compactly, and leave the rest to
    ``finisher`` (see ``_finish_source``); returns its reports to come."""
    tables, accounts = _clean_files(source, reads, raw_dir, context)
    return finisher.submit(_finish_source, source.name, tables, accounts, staging)


def _finish_source(name: str, tables: list, accounts: list, staging: Path) -> list:
    """Leave out the rows an earlier file holds, sort, write; returns the report per raw
    file. ``tables`` is emptied."""
    counts = [account.kept for account in accounts]
    file_numbers = np.repeat(np.arange(len(accounts), dtype=np.int32), counts)
    duplicate = _write_without_duplicates(tables, name, staging / f"{name}.parquet")
    tables.clear()
    rejected = pd.concat([account.rejected for account in accounts], ignore_index=True)
    if len(rejected):
        _write_csv(rejected, staging / REJECTED_DIR / f"{name}.csv")
    duplicates = np.bincount(file_numbers[duplicate], minlength=len(accounts))
    return [
        account.report(name, int(count))
        for account, count in zip(accounts, duplicates, strict=True)
        if account.file  # not the empty stand-in of a source without files
    ]


def _clean_files(
    source: Source, reads: Iterable[tuple[Path, RawTable]], raw_dir: Path, context: Context
):
    """Each raw file of ``source`` (``reads``) cleaned in turn: its kept rows as a compact
    table, and its account. A source without files gets one empty table (with an account
    for no file)."""
    tables, accounts = [], []
    for path, raw in reads:
        file = path.relative_to(raw_dir).as_posix()
        table, account = _compacted(clean_file(raw, source, context, file))
        tables.append(table)
        accounts.append(account)
        pa.default_memory_pool().release_unused()  # the file's text: back to the system now
    if not tables:
        table, account = _compacted(_empty(source, context))
        tables.append(table)
        accounts.append(account)
    return tables, accounts


def _read_ahead(files: list[tuple[Source, Path]]) -> Iterator[tuple[Path, RawTable]]:
    """Each of ``files`` (a source's file) read, the next one on a thread of its own while
    the caller cleans the one given: reading is mostly Arrow's work, outside Python's
    lock."""
    if not files:
        return
    with ThreadPoolExecutor(max_workers=1) as reader:
        upcoming = reader.submit(read_raw, files[0][1], files[0][0])
        for (_, path), following in zip(files, [*files[1:], None], strict=True):
            raw = upcoming.result()
            if following is not None:
                upcoming = reader.submit(read_raw, following[1], following[0])
            yield path, raw


def _compacted(cleaned: CleanFile) -> tuple[pa.Table, _Account]:
    table = _compact(cleaned.kept.drop(columns=[FILE, LINE]))
    account = _Account(
        cleaned.file, cleaned.rows_read, table.num_rows, cleaned.rejected, cleaned.blank_lines
    )
    return table, account


def _compact(frame: pd.DataFrame) -> pa.Table:
    """``frame`` (text as categoricals) as an Arrow table, text dictionary-encoded; its
    pandas metadata is that of the frame with plain text, as written (see
    ``_parquet_writer``)."""
    text = {
        name: column.cat.categories.dtype
        for name, column in frame.items()
        if isinstance(column.dtype, pd.CategoricalDtype)
    }
    plain = pa.Schema.from_pandas(frame.head(0).astype(text), preserve_index=False)
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.replace_schema_metadata(plain.metadata)


def _combine(tables: list[pa.Table]) -> pa.Table:
    """The rows of ``tables`` (same columns) in one table: each column one chunk, text with
    one dictionary (32-bit indices, as ``_wide`` gives). ``tables`` is emptied, each column
    released once combined."""
    names, metadata = tables[0].column_names, tables[0].schema.metadata
    columns = []
    for name in names:
        chunks = [chunk for table in tables for chunk in table[name].chunks]
        kind = _wide(chunks[0].type)
        column = pa.chunked_array([chunk.cast(kind) for chunk in chunks], kind)
        if pa.types.is_dictionary(kind):
            column = column.unify_dictionaries()
        columns.append(column.combine_chunks())
        tables[:] = [table.drop_columns([name]) for table in tables]
    tables.clear()
    return pa.table(columns, names=names, metadata=metadata)


def _wide(kind: pa.DataType) -> pa.DataType:
    """``kind``, with 32-bit indices if it is dictionary-encoded (files differ in theirs)."""
    return pa.dictionary(pa.int32(), kind.value_type) if pa.types.is_dictionary(kind) else kind


def _empty(source: Source, context: Context) -> CleanFile:
    frame = pd.DataFrame({column.name: missing_text(0) for column in source.columns})
    raw = RawTable(Path(), frame, pd.array([], dtype="Int64"))
    return clean_file(raw, source, context, "")


def find_duplicates(codes: Sequence[np.ndarray], files: np.ndarray) -> np.ndarray:
    """True for each row that an earlier file already holds: the k-th copy of a row in a file
    is a duplicate when an earlier file has a k-th copy too. Identical rows within one file
    are all kept (two IDO questions on the same topic on one day are two questions).

    A row is given by ``codes``, one integer array per column that is equal exactly where
    the values are; ``files`` numbers each row's file, the rows of a file together and the
    files in order. Rows are sorted by a hash of their codes so that equal rows meet, then
    compared in full with their neighbour; rows that share a hash but differ are sorted by
    their codes: the result is exact.

    >>> find_duplicates([np.array([1, 1, 1, 1, 2])], np.array([0, 0, 1, 1, 1])).tolist()
    [False, False, True, True, False]
    """
    files = np.asarray(files)
    if np.any(np.diff(files) < 0):
        raise ValueError(f"files must number the rows file by file, in order; got {files!r}")
    rows = len(files)
    order, keys = _order_by_hash(_row_hashes(codes, rows))
    same, same_key = _same_as_previous(codes, order, keys)
    if (same != same_key).any():  # different rows with one key: order those by their codes
        order, positions = _order_by_codes(codes, order, keys, same != same_key)
        positions = positions[same_key[positions]]  # compared anew: those after a row
        same[positions] = _equal_rows(codes, order[positions], order[positions - 1])
    duplicate = np.empty(rows, dtype=bool)
    duplicate[order] = _later_copies(same, files, order)
    return duplicate


def _row_hashes(codes: Sequence[np.ndarray], rows: int) -> np.ndarray:
    """A 64-bit hash of each row's codes (equal rows, equal hashes), mixed in column by
    column, in place."""
    hashes = np.full(rows, 0x9E3779B97F4A7C15, dtype=np.uint64)
    scratch = np.empty_like(hashes)
    for column in codes:
        scratch[:] = column
        hashes ^= scratch
        hashes *= np.uint64(0xBF58476D1CE4E5B9)
        np.right_shift(hashes, np.uint64(31), out=scratch)
        hashes ^= scratch
    return hashes


def _order_by_hash(hashes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The rows in an order where rows with one hash come together, in row (so file) order;
    and each position's key, the hash's high bits. One sort of plain numbers: the key in
    the high bits and the row number in the low bits (much faster than a stable argsort)."""
    bits = np.uint64(max(int(len(hashes) - 1).bit_length(), 1))
    packed = (hashes >> bits << bits) | np.arange(len(hashes), dtype=np.uint64)
    packed.sort()
    order = (packed & ((np.uint64(1) << bits) - np.uint64(1))).astype(np.int64)
    return order, packed >> bits


def _same_as_previous(codes, order, keys) -> tuple[np.ndarray, np.ndarray]:
    """For the rows in ``order``: whether each equals the row before it, and whether its
    key does (only those rows are compared, column by column)."""
    same_key = np.zeros(len(order), dtype=bool)
    same_key[1:] = keys[1:] == keys[:-1]
    same = same_key.copy()
    same[same_key] = _equal_rows(codes, order[same_key], order[np.flatnonzero(same_key) - 1])
    return same, same_key


def _equal_rows(codes, rows: np.ndarray, others: np.ndarray) -> np.ndarray:
    """Whether each row in ``rows`` equals the one in ``others`` beside it, in every column."""
    equal = np.ones(len(rows), dtype=bool)
    for column in codes:
        equal &= column[rows] == column[others]
    return equal


def _order_by_codes(codes, order, keys, unlike: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``order`` with the rows of each key that holds ``unlike`` rows (a row unlike the one
    before it, with the same key) sorted by their codes, then row number: equal rows meet.
    Also returns the positions so ordered. Such keys are rare: their positions are found
    in ``keys`` (sorted) by bisection."""
    mixed_keys = np.unique(keys[unlike])
    starts = np.searchsorted(keys, mixed_keys, side="left")
    counts = np.searchsorted(keys, mixed_keys, side="right") - starts
    run_offsets = np.repeat(starts - (np.cumsum(counts) - counts), counts)
    positions = np.arange(counts.sum()) + run_offsets
    key_number = np.repeat(np.arange(len(mixed_keys)), counts)
    rows = order[positions]
    columns = (codes[index][rows] for index in reversed(range(len(codes))))  # one at a time
    by = [rows, *columns, key_number]
    order = order.copy()
    order[positions] = rows[np.lexsort(by)]
    return order, positions


def _later_copies(same: np.ndarray, files: np.ndarray, order: np.ndarray) -> np.ndarray:
    """For the rows in ``order`` (equal rows together, in file order; ``same``: equal to the
    row before): whether each is the k-th copy of its row in its file while an earlier file
    holds at least k copies."""
    pairs = np.flatnonzero(same)  # a row and the equal one before it
    in_file = pairs[files[order[pairs]] == files[order[pairs - 1]]]
    if not len(in_file):
        return same  # no row twice in a file: every copy after a row's first is a later one
    run_starts = np.flatnonzero(~same)  # the rows repeated within a file are counted
    with_repeat = np.zeros(len(run_starts), dtype=bool)
    with_repeat[np.searchsorted(run_starts, in_file, side="right") - 1] = True
    counted = np.flatnonzero(np.repeat(with_repeat, np.diff(np.append(run_starts, len(same)))))
    later = same.copy()
    later[counted] = _later_copies_counted(same[counted], files[order[counted]])
    return later


def _later_copies_counted(same: np.ndarray, files: np.ndarray) -> np.ndarray:
    """``_later_copies`` by counting each row's copies per file."""
    rows = len(same)
    new_row = ~same
    new_group = new_row.copy()  # a group: the copies of one row in one file
    new_group[1:] |= files[1:] != files[:-1]
    group_starts = np.flatnonzero(new_group)
    group = np.cumsum(new_group) - 1
    copy = np.arange(rows) - group_starts[group]
    sizes = np.diff(np.append(group_starts, rows))
    row_offset = (np.cumsum(new_row) - 1)[group_starts] * (rows + 1)
    most_so_far = np.maximum.accumulate(sizes + row_offset)  # per row: resets at each row
    most_before = np.maximum(np.concatenate(([0], most_so_far[:-1])) - row_offset, 0)
    return copy < most_before[group]


def _row_codes(table: pa.Table) -> list[np.ndarray]:
    """Integer arrays, per column of ``table``, that are equal exactly where the values are
    (a missing value equal only to a missing value): dictionary indices for text, the values
    otherwise (mostly views of the table's own buffers)."""
    return [codes for column in table.columns for codes in _column_codes(_one_chunk(column))]


def _one_chunk(column: pa.ChunkedArray) -> pa.Array:
    return column.chunk(0) if column.num_chunks == 1 else column.combine_chunks()


def _column_codes(array: pa.Array) -> list[np.ndarray]:
    if pa.types.is_dictionary(array.type):
        return [index_codes(array.indices)]
    if not array.null_count:
        return [_value_codes(array)]
    filled = pc.fill_null(array, pa.scalar(0).cast(array.type))
    return [pc.is_null(array).to_numpy(zero_copy_only=False), _value_codes(filled)]


def _value_codes(values: pa.Array) -> np.ndarray:
    if pa.types.is_floating(values.type):
        return (values.to_numpy() + 0.0).view(np.int64)  # + 0.0: -0.0 is 0.0
    if pa.types.is_boolean(values.type):
        return values.to_numpy(zero_copy_only=False)
    return values.view(pa.int64()).to_numpy()  # whole numbers, dates and times


def _write_without_duplicates(tables: list[pa.Table], source: str, path: Path) -> np.ndarray:
    """Write the rows of ``tables`` (a source's files, in order) in the source's order,
    without the rows an earlier file holds; returns which rows (numbered through the
    files) were left out.

    The rows are written in parts (see ``_parts_of_equal_keys``), each taken from the files
    and made one table, its duplicates found, on helper threads while the parts before it
    are written; a part of one file's rows has no duplicates. A part's text dictionaries
    hold only the values its rows use (a duplicate uses no value its kept copy does not)."""
    starts = np.cumsum([0, *(table.num_rows for table in tables)])
    files = np.repeat(np.arange(len(tables), dtype=np.int32), np.diff(starts))
    order, parts = _order_and_parts(tables, source, len(files))
    duplicate = np.zeros(len(files), dtype=bool)

    def kept_rows(part: slice) -> pa.Table:
        in_order = order[part]
        if not len(in_order) or files[in_order.min()] == files[in_order.max()]:
            file = files[in_order[0]] if len(in_order) else 0  # one file: no duplicates
            return _used_values_only(_take(tables[file], in_order - starts[file]))
        rows = np.sort(in_order)  # in file order
        bounds = np.searchsorted(rows, starts)
        pieces = [
            _used_values_only(_take(table, rows[low:high] - start))
            for table, start, low, high in zip(tables, starts, bounds, bounds[1:], strict=False)
            if high > low
        ]
        table = _combine(pieces)
        duplicate[rows] = find_duplicates(_row_codes(table), files[rows])
        return _take(table, np.searchsorted(rows, in_order[~duplicate[in_order]]))

    schema = pa.schema([field.with_type(_wide(field.type)) for field in tables[0].schema])
    schema = schema.with_metadata(tables[0].schema.metadata)
    with _parquet_writer(path, schema) as write, ThreadPoolExecutor(WORKERS) as helpers:
        upcoming = deque(helpers.submit(kept_rows, part) for part in parts[:WORKERS])
        for following in parts[WORKERS:]:
            write(upcoming.popleft().result())
            upcoming.append(helpers.submit(kept_rows, following))
        while upcoming:
            write(upcoming.popleft().result())
    return duplicate


def _order_and_parts(tables: list[pa.Table], source: str, rows: int):
    """The row numbers (through ``tables``) in the stable order of the source's sort
    columns (see ``ORDER_BY``), and that order cut in parts of at most a row group, where
    the first sort column changes; without sort columns, the rows as they are, one part."""
    by = ORDER_BY.get(source)
    if not by:
        return np.arange(rows), [slice(0, rows)]
    keys = pa.concat_tables([table.select(by) for table in tables]).combine_chunks()
    order = _sorted_rows(keys)
    return order, _parts_of_equal_keys(keys[by[0]], order, ROW_GROUP_SIZE)


def _sorted_rows(keys: pa.Table) -> np.ndarray:
    """The row numbers of ``keys`` (``int64``) in the stable order of its columns."""
    if keys.num_columns == 1 and (values := _in_few_runs(keys.column(0))) is not None:
        return np.argsort(values, kind="stable")  # Timsort: about linear on a few runs
    order = pc.sort_indices(keys, [(name, "ascending") for name in keys.column_names])
    return order.cast(pa.int64()).to_numpy()  # row numbers as NumPy's own


def _in_few_runs(column: pa.ChunkedArray) -> np.ndarray | None:
    """The values of ``column`` as numbers when they are timestamps or 64-bit whole numbers
    without missing ones, in fewer than ``FEW_RUNS`` ascending runs (an export is mostly
    in date order, so the rows of a source's files are)."""
    kind = column.type
    if column.null_count or not (pa.types.is_timestamp(kind) or pa.types.is_int64(kind)):
        return None
    values = _value_codes(_one_chunk(column))
    descents = np.count_nonzero(values[1:] < values[:-1])
    return values if descents < FEW_RUNS else None


def _parts_of_equal_keys(key: pa.ChunkedArray, order: np.ndarray, size: int) -> list[slice]:
    """``order`` cut into parts of at most ``size`` rows where ``key`` changes, so that
    equal rows (which share their key) fall in one part; a part is larger only where one
    key holds more than ``size`` rows.

    >>> key = pa.chunked_array([[3, 1, 1, 2, 2, 2]])  # in order: 1 1 | 2 2 2 | 3
    >>> _parts_of_equal_keys(key, np.array([1, 2, 3, 4, 5, 0]), size=2)
    [slice(0, 2, None), slice(2, 5, None), slice(5, 6, None)]
    """
    keys = _one_chunk(key).take(order)  # a chunked take looks up each row's chunk
    changes = np.flatnonzero(pc.fill_null(pc.not_equal(keys[1:], keys[:-1]), True)) + 1
    changes = np.append(changes, len(order))
    bounds = [0]
    while bounds[-1] < len(order):
        last_fitting = np.searchsorted(changes, bounds[-1] + size, side="right") - 1
        first_after = np.searchsorted(changes, bounds[-1], side="right")
        bounds.append(int(changes[max(last_fitting, first_after)]))
    return [slice(start, stop) for start, stop in zip(bounds[:-1], bounds[1:], strict=True)]


def _ingest_narratives(folder: Path, context: Context, staging: Path) -> list[FileReport]:
    paths = sorted(folder.glob("*/*.md")) if folder.is_dir() else []
    frames, reports, rejected = [], [], []
    for path in paths:
        sections, problems = read_narrative(path, context.municipalities)
        file = path.relative_to(folder.parent).as_posix()
        frames.append(sections.drop(columns="regel"))
        rejected += [{FILE: file, LINE: line, REASON: reason} for line, reason in problems]
        reports.append(
            FileReport(
                NARRATIVES, file, len(sections) + len(problems), len(sections), len(problems), 0, 0
            )
        )
    columns = list(CLEAN_MODELS[NARRATIVES].to_schema().columns)
    narratives = (
        pd.concat(frames, ignore_index=True)
        if frames
        else pd.DataFrame({name: pd.Series([], dtype="str") for name in columns})
    )
    CLEAN_MODELS[NARRATIVES].validate(narratives)
    table = pa.Table.from_pandas(narratives, preserve_index=False)
    with _parquet_writer(staging / f"{NARRATIVES}.parquet", table.schema) as write:
        write(table)
    if rejected:
        _write_csv(pd.DataFrame(rejected), staging / REJECTED_DIR / f"{NARRATIVES}.csv")
    return reports


@contextmanager
def _parquet_writer(path: Path, schema: pa.Schema) -> Iterator[Callable[[pa.Table], None]]:
    """A function that writes rows of ``schema`` to ``path`` as the next row groups.
    Dictionary-encoded text goes to Parquet's own dictionaries without being decoded (so
    give it only the values the rows use); the schema stored is that of plain text, with
    the pandas metadata ``schema`` carries, so the file reads back as the plain frame."""
    ranged = [field.name for field in schema if not is_text(field.type)]
    # Min/max per row group let filters skip row groups by date or number; for text they
    # skip nothing (a row group holds every branch) and cost a tenth of the write.
    with pq.ParquetWriter(
        path, schema, compression="zstd", write_statistics=ranged, store_schema=False
    ) as writer:

        def write(rows: pa.Table) -> None:
            writer.write_table(rows.cast(schema), row_group_size=ROW_GROUP_SIZE)

        yield write
        writer.add_key_value_metadata(_plain_schema_metadata(schema))


def _plain_schema_metadata(schema: pa.Schema) -> dict[bytes, bytes]:
    """The file metadata that ``store_schema`` would give a table of ``schema`` with plain
    text: the Arrow schema (base64 of its IPC form, under ``ARROW:schema``) and the
    schema's own metadata (pandas')."""
    plain = pa.schema(
        [
            field.with_type(field.type.value_type) if pa.types.is_dictionary(field.type) else field
            for field in schema
        ],
        metadata=schema.metadata,
    )
    return {**(schema.metadata or {}), b"ARROW:schema": base64.b64encode(plain.serialize())}


def _take(table: pa.Table, rows: np.ndarray) -> pa.Table:
    """The ``rows`` of ``table``, by position (known to be in it: not checked again)."""
    return pc.take(table, rows, boundscheck=False)


def _used_values_only(table: pa.Table) -> pa.Table:
    return pa.table([_used_only(column) for column in table.columns], schema=table.schema)


def _used_only(column: pa.ChunkedArray) -> pa.ChunkedArray:
    """A dictionary-encoded ``column`` with only the values its rows use (a row group of the
    loans uses a third of the values of the whole table); other columns as they are.

    >>> column = pa.chunked_array([pa.array(["a", "b", "c"]).dictionary_encode().take([2, 0])])
    >>> _used_only(column).chunk(0).dictionary.to_pylist()
    ['a', 'c']
    """
    if not pa.types.is_dictionary(column.type):
        return column
    array = _one_chunk(column)
    codes = index_codes(array.indices)
    used = np.zeros(len(array.dictionary) + 1, dtype=bool)  # the last: missing (-1)
    used[codes] = True
    used = used[:-1]
    if used.all():
        return column
    new_codes = recoded(codes, np.cumsum(used, dtype=np.int32) - 1)
    indices = pa.array(new_codes, mask=codes < 0 if array.null_count else None)
    dictionary = array.dictionary.filter(pa.array(used))
    indices = indices.cast(array.type.index_type)
    return pa.chunked_array([pa.DictionaryArray.from_arrays(indices, dictionary, safe=False)])


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
