"""The ingest: every raw export under ``data/raw`` to clean Parquet under ``data/processed``.

Every row read is accounted for, per file, as kept, rejected (with its reason, written to
``processed/rejected/<source>.csv``) or a duplicate of a row kept from an earlier file
(overlapping exports). Each ingest writes a complete new snapshot of the processed data
beside the current one and only then switches ``data/processed`` to it, in one step (see
``bibanalyse.snapshots``): a failing ingest leaves the previous processed data as it was, and
a run reading the previous snapshot goes on reading it. Raw files are only read.

Each source is one plain sequence of steps: read and clean its files one by one (text held
as categoricals, see ``bibanalyse.reading``), put their kept rows together, leave out the
duplicates, sort, write one Parquet file.
"""

from __future__ import annotations

import datetime as dt
import shutil
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bibanalyse import snapshots
from bibanalyse.cleaning import FILE, LINE, REASON, clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.cleaning.narratives import read_narrative
from bibanalyse.config import FileLimits, Settings
from bibanalyse.csvwriter import write_csv
from bibanalyse.files import WriteError, writing
from bibanalyse.locks import exclusive
from bibanalyse.privacy import load_key
from bibanalyse.reading import (
    EXCEL_SUFFIXES,
    TEXT_SUFFIXES,
    RawTable,
    UnreadableFileError,
    index_codes,
    missing_text,
    read_raw,
)
from bibanalyse.schemas import CLEAN_MODELS
from bibanalyse.sources import NARRATIVES, SOURCES, Source, normalise_header
from bibanalyse.store import is_text

REPORT_FILE = "ingest_report.csv"
LEGACY_STAGING_PREFIX = ".processed-"  # what ingests before snapshots built in data/
ROW_GROUP_SIZE = 1 << 20
REJECTED_DIR = "rejected"
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


def ingest(
    settings: Settings,
    *,
    progress: Progress | None = None,
    today: dt.date | None = None,
    before_switch: Callable[[Path], None] | None = None,
) -> list[FileReport]:
    """Read, clean and write every source; returns the report per raw file. One ingest of
    a data folder at a time: another waits for it (see ``locks.exclusive``). ``today``, the
    day of the ingest (default: today), bounds the event dates (see ``Bounds``).
    ``before_switch`` is called with the new snapshot, complete, just before the processed
    data switch to it (a test pauses the ingest there)."""
    key = load_key(settings)
    raw_dir = settings.raw_dir
    if not raw_dir.is_dir():
        raise UnreadableFileError(f"{raw_dir}: no raw data folder (run `bibanalyse demo`?)")
    context = Context({}, {}, key, settings.bounds, today or dt.date.today())
    lock = settings.data_dir / snapshots.INGEST_LOCK
    with exclusive(lock, timeout=settings.lock_timeout, what="an ingest of this data"):
        return _ingest_snapshot(
            settings, context, progress or (lambda *_: None), before_switch or (lambda _: None)
        )


def _ingest_snapshot(settings: Settings, context: Context, progress, before_switch) -> list:
    """The ingest, built as a new snapshot that becomes the current one when complete; then
    the snapshots no run reads any more are removed. What killed ingests left is removed
    first (one ingest at a time holds the lock, so none of it is in use)."""
    for leftover in settings.data_dir.glob(f"{LEGACY_STAGING_PREFIX}*"):
        shutil.rmtree(leftover, ignore_errors=True)
    snapshots.remove_switch_leftovers(settings.data_dir)
    building = snapshots.start_building(settings.data_dir)
    try:
        reports = _ingest_all(settings, building / snapshots.PROCESSED, context, progress)
        snapshot = snapshots.complete(building)
    except WriteError as error:
        shutil.rmtree(building, ignore_errors=True)
        raise WriteError(f"{error}; the processed data stay as they were") from error
    except BaseException:
        shutil.rmtree(building, ignore_errors=True)
        raise
    before_switch(snapshot)
    snapshots.switch_to(settings.data_dir, snapshot)
    snapshots.remove_unpinned(settings.data_dir)
    return reports


def _ingest_all(settings: Settings, staging: Path, context: Context, progress: Progress) -> list:
    """Every source in the contract's order, the branches first: the others are checked
    against them (``context`` gains their names). Then the narratives, and the report of
    every file."""
    raw_dir, limits = settings.raw_dir, settings.file_limits
    (staging / REJECTED_DIR).mkdir()
    branches = SOURCES["vestigingen"]
    if not _raw_files(raw_dir / branches.name):
        raise UnreadableFileError(f"{raw_dir / branches.name}: no export of vestigingen")
    others = [source for source in SOURCES.values() if source is not branches]
    total = len(SOURCES) + 1
    progress(branches.name, 1, total)
    reports = _ingest_source(branches, raw_dir, context, staging, limits)
    context = _with_references(context, staging / f"{branches.name}.parquet")
    for number, source in enumerate(others, start=2):
        progress(source.name, number, total)
        reports += _ingest_source(source, raw_dir, context, staging, limits)
    progress(NARRATIVES, total, total)
    reports += _ingest_narratives(raw_dir / NARRATIVES, context, staging)
    write_csv(pd.DataFrame([asdict(report) for report in reports]), staging / REPORT_FILE)
    return reports


def _with_references(context: Context, branches_file: Path) -> Context:
    """``context`` with what the other sources are checked against: the branches and
    municipalities (by their names as compared, see ``normalise_header``) of the processed
    branches."""
    frame = pd.read_parquet(branches_file)
    return replace(
        context,
        branches={normalise_header(b): b for b in frame["vestiging"]},
        municipalities={normalise_header(m): m for m in frame["gemeente"]},
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


def _ingest_source(
    source: Source, raw_dir: Path, context: Context, staging: Path, limits: FileLimits
) -> list:
    """Read and clean a source's files, put their kept rows together, leave out the
    duplicates, sort, write; returns the source's file reports."""
    paths = _raw_files(raw_dir / source.name)
    cleaned = [
        _cleaned(path, source, context, path.relative_to(raw_dir).as_posix(), limits)
        for path in paths
    ]
    parts = cleaned or [_cleaned(None, source, context, "", limits)]  # no files: no rows
    table = _one_chunk_each(pa.concat_tables([part.table for part in parts]))
    for part in parts:
        part.table = None  # only the table of all files is held from here on
    files = np.repeat(np.arange(len(cleaned)), [part.kept for part in cleaned])
    duplicate = find_duplicates(_row_codes(table), files)
    table = table.take(_kept_in_order(table, ~duplicate, ORDER_BY.get(source.name, [])))
    _write_parquet(table, parts[0].schema, staging / f"{source.name}.parquet")
    rejected = pd.concat([part.rejected for part in parts], ignore_index=True)
    if len(rejected):
        write_csv(rejected, staging / REJECTED_DIR / f"{source.name}.csv")
    duplicates = np.bincount(files[duplicate], minlength=len(cleaned))
    return [
        FileReport(
            source=source.name,
            file=part.file,
            rows_read=part.rows_read,
            kept=part.kept - int(count),
            rejected=len(part.rejected),
            duplicates=int(count),
            blank_lines=part.blank_lines,
        )
        for part, count in zip(cleaned, duplicates, strict=True)
    ]


@dataclass
class _Cleaned:
    """One raw file after cleaning: its kept rows as Arrow (text dictionary-encoded) and the
    schema they are written with (text plain), and its account but for duplicates."""

    file: str
    rows_read: int
    kept: int
    rejected: pd.DataFrame
    blank_lines: int
    table: pa.Table | None
    schema: pa.Schema


def _cleaned(path: Path | None, source: Source, context: Context, file: str, limits) -> _Cleaned:
    """One raw file read within ``limits`` and cleaned (``path`` None: a source without
    files, no rows). Its kept rows lose their file and line: only rejected rows keep those."""
    if path is None:
        frame = pd.DataFrame({column.name: missing_text(0) for column in source.columns})
        raw = RawTable(Path(), frame, pd.array([], dtype="Int64"))
    else:
        raw = read_raw(path, source, limits)
    cleaned = clean_file(raw, source, context, file)
    kept = cleaned.kept.drop(columns=[FILE, LINE])
    return _Cleaned(
        file=cleaned.file,
        rows_read=cleaned.rows_read,
        kept=len(kept),
        rejected=cleaned.rejected,
        blank_lines=cleaned.blank_lines,
        table=_as_table(kept),
        schema=_plain_schema(kept),
    )


def _as_table(frame: pd.DataFrame) -> pa.Table:
    """A file's kept rows as Arrow: text (categoricals) dictionary-encoded, with 32-bit
    indices in every file so that the files' tables can be put together."""
    table = pa.Table.from_pandas(frame, preserve_index=False)
    return table.cast(
        pa.schema(
            [
                field.with_type(pa.dictionary(pa.int32(), field.type.value_type))
                if pa.types.is_dictionary(field.type)
                else field
                for field in table.schema
            ],
            metadata=table.schema.metadata,
        )
    )


def _kept_in_order(table: pa.Table, keep: np.ndarray, by: list[str]) -> np.ndarray:
    """The positions of the rows of ``table`` that ``keep`` holds, in the stable order of the
    columns ``by`` (as they are without ``by``): one take then makes the table written."""
    kept = np.flatnonzero(keep)
    if not by:
        return kept
    keys = table.select(by).take(kept)
    return kept[pc.sort_indices(keys, [(name, "ascending") for name in by]).to_numpy()]


def _one_chunk_each(table: pa.Table) -> pa.Table:
    """``table`` with each column in one chunk, text with one dictionary; a column's chunks
    are let go as soon as it is combined (so that the table is never held twice)."""
    names, metadata, columns = table.column_names, table.schema.metadata, []
    for name in names:
        column = table[name]
        if pa.types.is_dictionary(column.type):
            column = column.unify_dictionaries()
        columns.append(column.combine_chunks())
        table = table.drop_columns([name])
    return pa.table(columns, names=names, metadata=metadata)


def _plain_schema(frame: pd.DataFrame) -> pa.Schema:
    """The Arrow schema of ``frame`` with its text (categoricals) as plain text: what the
    processed file holds, and reads back as."""
    text = {
        name: column.cat.categories.dtype
        for name, column in frame.items()
        if isinstance(column.dtype, pd.CategoricalDtype)
    }
    return pa.Schema.from_pandas(frame.head(0).astype(text), preserve_index=False)


def _write_parquet(table: pa.Table, schema: pa.Schema, path: Path) -> None:
    """``table`` as a Parquet file of ``schema`` (its text plain), a row group at a time
    (so that only one row group's text is ever spelled out)."""
    # Min/max per row group let filters skip row groups by date or number; for text they
    # skip nothing (a row group holds every branch) and cost a tenth of the write.
    ranged = [field.name for field in schema if not is_text(field.type)]
    with (
        writing(path),
        pq.ParquetWriter(path, schema, compression="zstd", write_statistics=ranged) as writer,
    ):
        for start in range(0, max(table.num_rows, 1), ROW_GROUP_SIZE):
            writer.write_table(table.slice(start, ROW_GROUP_SIZE).cast(schema))


def find_duplicates(codes: Sequence[np.ndarray], files: np.ndarray) -> np.ndarray:
    """True for each row that an earlier file already holds: the k-th copy of a row in a file
    is a duplicate when an earlier file has a k-th copy too. Identical rows within one file
    are all kept (two IDO questions on the same topic on one day are two questions).

    A row is given by ``codes``, one integer array per column that is equal exactly where
    the values are; ``files`` numbers each row's file, the rows of a file together and the
    files in order. Rows are sorted by a hash of their codes (pandas' ``hash_pandas_object``)
    so that equal rows meet, then compared in full with their neighbour; rows that share a
    hash but differ are sorted by their codes: the result is exact. (Plain
    ``DataFrame.duplicated`` or ``groupby(...).ngroup()`` over all columns took 9 and 24 s
    for the 8.7 M loans of the demo, against 2.7 s for this; see ``benchmarks/RESULTS.md``.)

    >>> find_duplicates([np.array([1, 1, 1, 1, 2])], np.array([0, 0, 1, 1, 1])).tolist()
    [False, False, True, True, False]
    """
    files = np.asarray(files)
    if np.any(np.diff(files) < 0):
        raise ValueError(f"files must number the rows file by file, in order; got {files!r}")
    rows = len(files)
    if rows == 0 or files[0] == files[-1]:
        return np.zeros(rows, dtype=bool)  # one file: nothing earlier to repeat
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
    """A 64-bit hash of each row's codes: equal rows, equal hashes."""
    frame = pd.DataFrame({str(n): column for n, column in enumerate(codes)}, copy=False)
    return pd.util.hash_pandas_object(frame, index=False).to_numpy()


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
    """Integer arrays, per column of ``table`` (of one chunk each), that are equal exactly
    where the values are (a missing value equal only to a missing value): dictionary
    indices for text, the values otherwise (views of the table's own buffers where no
    value is missing)."""
    return [codes for column in table.columns for codes in _column_codes(column.chunk(0))]


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
    _write_parquet(table, table.schema, staging / f"{NARRATIVES}.parquet")
    if rejected:
        write_csv(pd.DataFrame(rejected), staging / REJECTED_DIR / f"{NARRATIVES}.csv")
    return reports
