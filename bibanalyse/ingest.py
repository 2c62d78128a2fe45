"""The ingest: every raw export under ``data/raw`` to clean Parquet under ``data/processed``.

Every row read is accounted for, per file, as kept, rejected (with its reason, written to
``processed/rejected/<source>.csv``) or a duplicate of a row kept from the same or an
earlier file (overlapping exports). The new processed folder is built beside the old one and
swapped in only when complete, so a failing ingest leaves the previous processed data as it
was. Raw files are only read.
"""

from __future__ import annotations

import shutil
import tempfile
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq

from bibanalyse.cleaning import FILE, LINE, REASON, CleanFile, clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.cleaning.narratives import read_narrative
from bibanalyse.config import Settings
from bibanalyse.files import publish_folder
from bibanalyse.privacy import load_key
from bibanalyse.reading import (
    EXCEL_SUFFIXES,
    TEXT_SUFFIXES,
    RawTable,
    UnreadableFileError,
    read_raw,
)
from bibanalyse.schemas import CLEAN_MODELS
from bibanalyse.sources import NARRATIVES, SOURCES, Source, normalise_header

REPORT_FILE = "ingest_report.csv"
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


def ingest(settings: Settings, *, progress: Progress | None = None) -> list[FileReport]:
    """Read, clean and write every source; returns the report per raw file."""
    key = load_key(settings)
    raw_dir = settings.raw_dir
    if not raw_dir.is_dir():
        raise UnreadableFileError(f"{raw_dir}: no raw data folder (run `bibanalyse demo`?)")
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=".processed-", dir=settings.data_dir))
    try:
        reports = _ingest_all(raw_dir, staging, key, progress or (lambda *_: None))
        publish_folder(staging, settings.processed_dir)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return reports


def _ingest_all(raw_dir: Path, staging: Path, key: bytes, progress: Progress) -> list:
    (staging / REJECTED_DIR).mkdir()
    branches = SOURCES["vestigingen"]
    if not _raw_files(raw_dir / branches.name):
        raise UnreadableFileError(f"{raw_dir / branches.name}: no export of vestigingen")
    reference = Context({}, {}, key)
    total = len(SOURCES) + 1
    progress(branches.name, 1, total)
    frame, reports = _ingest_source(branches, raw_dir, reference, staging)
    context = Context(
        branches={normalise_header(b): b for b in frame["vestiging"]},
        municipalities={normalise_header(m): m for m in frame["gemeente"]},
        key=key,
    )
    others = [source for source in SOURCES.values() if source is not branches]
    for number, source in enumerate(others, start=2):
        progress(source.name, number, total)
        reports += _ingest_source(source, raw_dir, context, staging)[1]
    progress(NARRATIVES, total, total)
    reports += _ingest_narratives(raw_dir / NARRATIVES, context, staging)
    _write_csv(pd.DataFrame([asdict(report) for report in reports]), staging / REPORT_FILE)
    return reports


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


def _ingest_source(source: Source, raw_dir: Path, context: Context, staging: Path):
    files = _raw_files(raw_dir / source.name)
    cleaned = [
        clean_file(read_raw(path, source), source, context, path.relative_to(raw_dir).as_posix())
        for path in files
    ] or [_empty(source, context)]
    combined = pd.concat([file.kept for file in cleaned], ignore_index=True)
    duplicate = find_duplicates(combined, list(CLEAN_MODELS[source.name].to_schema().columns))
    kept = combined[~duplicate].drop(columns=[FILE, LINE])
    if order := ORDER_BY.get(source.name):
        kept = kept.sort_values(order, kind="stable")
    _write_parquet(kept.reset_index(drop=True), staging / f"{source.name}.parquet")
    rejected = pd.concat([file.rejected for file in cleaned], ignore_index=True)
    if len(rejected):
        _write_csv(rejected, staging / REJECTED_DIR / f"{source.name}.csv")
    duplicates_per_file = combined.loc[duplicate, FILE].value_counts()
    reports = [
        _report(source.name, file, int(duplicates_per_file.get(file.file, 0)))
        for file in cleaned
        if file.file
    ]
    return kept, reports


def _empty(source: Source, context: Context) -> CleanFile:
    frame = pd.DataFrame({column.name: pd.Series([], dtype="str") for column in source.columns})
    raw = RawTable(Path(), frame, pd.array([], dtype="Int64"))
    return clean_file(raw, source, context, "")


def _report(source: str, cleaned: CleanFile, duplicates: int) -> FileReport:
    return FileReport(
        source=source,
        file=cleaned.file,
        rows_read=cleaned.rows_read,
        kept=len(cleaned.kept) - duplicates,
        rejected=len(cleaned.rejected),
        duplicates=duplicates,
        blank_lines=cleaned.blank_lines,
    )


def find_duplicates(frame: pd.DataFrame, columns: list[str], file: str = FILE) -> np.ndarray:
    """True for each row that an earlier file already holds: the k-th copy of a row in a file
    is a duplicate when an earlier file has a k-th copy too. Identical rows within one file
    are all kept (two IDO questions on the same topic on one day are two questions).

    Rows are hashed first; only rows whose hash repeats are compared in full.

    >>> frame = pd.DataFrame({"a": [1, 1, 1, 1, 2], "bestand": ["x", "x", "y", "y", "y"]})
    >>> find_duplicates(frame, ["a"]).tolist()
    [False, False, True, True, False]
    """
    duplicate = np.zeros(len(frame), dtype=bool)
    hashes = pd.util.hash_pandas_object(frame[columns], index=False).to_numpy()
    copy = pd.DataFrame({"hash": hashes, "file": frame[file].to_numpy()})
    copy["number"] = copy.groupby(["hash", "file"], sort=False).cumcount().to_numpy()
    candidates = copy.duplicated(["hash", "number"], keep=False).to_numpy()
    if candidates.any():
        subset = frame.loc[candidates, columns].assign(_copy=copy["number"][candidates].to_numpy())
        exact = subset.duplicated(keep="first").to_numpy()
        duplicate[np.flatnonzero(candidates)[exact]] = True
    return duplicate


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
    _write_parquet(narratives, staging / f"{NARRATIVES}.parquet")
    if rejected:
        _write_csv(pd.DataFrame(rejected), staging / REJECTED_DIR / f"{NARRATIVES}.csv")
    return reports


def _write_parquet(frame: pd.DataFrame, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=False)
    pq.write_table(table, path, row_group_size=1 << 20, compression="zstd")


def _write_csv(frame: pd.DataFrame, path: Path) -> None:
    frame.to_csv(path, index=False, encoding="utf-8", lineterminator="\n")
