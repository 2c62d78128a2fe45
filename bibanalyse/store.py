"""Reading the processed data: one Parquet file per source in ``data/processed/``.

``read_table`` reads one table, with Parquet column selection and row filters so that only
what is needed leaves the disk. ``branches_of`` names the branches of a municipality.
``Tables`` reads, once each, the tables a report needs for one municipality and one period
with its comparisons (the previous period and the same period a year earlier): only the
columns the indicators use and only the rows of that window and those branches.

>>> import tempfile
>>> folder = Path(tempfile.mkdtemp())
>>> pd.DataFrame(
...     {"vestiging": ["Heemstede", "Haarlem Centrum"], "gemeente": ["Heemstede", "Haarlem"]}
... ).to_parquet(folder / "vestigingen.parquet", index=False)
>>> branches_of(folder, "heemstede")
['Heemstede']
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq

from bibanalyse.periods import Period

_TABLE_NAME = re.compile(r"[a-z][a-z0-9_]*")


@dataclass(frozen=True)
class TableSpec:
    """What ``Tables`` reads of one processed table.

    ``columns`` None reads every column. ``scope`` names the column that ties a row to the
    report: ``vestiging`` (kept when in the municipality's branches) or ``gemeente`` (kept
    when the municipality). ``date`` is an event date: rows in the window are kept.
    ``start``/``end`` bound a validity (``end`` missing while running): rows overlapping the
    window are kept. ``year`` is a year column: the window's years are kept.
    """

    columns: tuple[str, ...] | None = None
    scope: str | None = None
    date: str | None = None
    start: str | None = None
    end: str | None = None
    year: str | None = None


TABLE_SPECS: dict[str, TableSpec] = {
    "uitleenacties": TableSpec(
        columns=("datum", "actie", "vestiging", "jeugd", "lener"),
        scope="vestiging",
        date="datum",
    ),
    "abonnementen": TableSpec(
        columns=(
            "lener",
            "geboortejaar",
            "vestiging",
            "jeugdabonnement",
            "ingangsdatum",
            "einddatum",
        ),
        scope="vestiging",
        start="ingangsdatum",
        end="einddatum",
    ),
    "collectie": TableSpec(
        columns=(
            "exemplaarnummer",
            "vestiging",
            "jeugd",
            "aanschafdatum",
            "afvoerdatum",
        ),
        scope="vestiging",
        start="aanschafdatum",
        end="afvoerdatum",
    ),
    "activiteiten": TableSpec(scope="vestiging", date="datum"),
    "bezoekerstellingen": TableSpec(scope="vestiging", date="datum"),
    "ido": TableSpec(scope="vestiging", date="datum"),
    "communicatie": TableSpec(scope="vestiging", date="datum"),
    # Opening hours apply from `geldig_vanaf` until replaced: all rows of the branches.
    "openingstijden": TableSpec(scope="vestiging"),
    "sluitingsdagen": TableSpec(scope="vestiging", date="datum"),
    "partners": TableSpec(scope="gemeente", start="start", end="einde"),
    "digitaal": TableSpec(scope="gemeente", date="maand"),
    "bevolking": TableSpec(scope="gemeente", year="jaar"),
    "toelichting": TableSpec(scope="gemeente"),
    "vestigingen": TableSpec(),
}
"""The processed tables a report reads, and which part of each: the columns the indicators
and figures use (an analyst reads any column with ``read_table``)."""


def table_path(processed_dir: Path | str, name: str) -> Path:
    """The Parquet file of table ``name`` in ``processed_dir``.

    >>> table_path(Path("data/processed"), "ido").as_posix()
    'data/processed/ido.parquet'
    """
    if not isinstance(name, str) or not _TABLE_NAME.fullmatch(name):
        raise ValueError(f"a table name is lowercase such as 'uitleenacties', got {name!r}")
    return Path(processed_dir) / f"{name}.parquet"


def read_table(
    processed_dir: Path | str,
    name: str,
    *,
    columns: Sequence[str] | None = None,
    filters: Any = None,
) -> pd.DataFrame:
    """Read processed table ``name``: only ``columns`` (default all) and only rows passing
    ``filters`` (a ``pyarrow.compute.Expression`` or Parquet's list-of-tuples form, such as
    ``[("vestiging", "in", ["Heemstede"])]``).

    Raises FileNotFoundError when the table was not made (run ``bibanalyse ingest``) and
    ValueError naming columns the table does not have.
    """
    path = _existing_table(processed_dir, name)
    schema = pq.read_schema(path)
    if columns is not None:
        if isinstance(columns, str):
            raise ValueError(f"columns must be a list of names, got {columns!r}")
        columns = list(columns)
        missing = [column for column in columns if column not in schema.names]
        if missing:
            raise ValueError(
                f"processed table {name!r} has no column(s) {missing!r}; it has {schema.names!r}"
            )
    # Text is read as Parquet holds it, each value once, and spelled out only for the rows
    # the filters keep (a tenth of those read, for one municipality).
    wanted = schema.names if columns is None else columns
    text = [field.name for field in schema if is_text(field.type) and field.name in wanted]
    table = pq.read_table(path, columns=columns, filters=filters, read_dictionary=text)
    if text:
        plain = [schema.field(name) for name in table.column_names]
        table = table.cast(pa.schema(plain, metadata=schema.metadata))
    return table.to_pandas(date_as_object=False).reset_index(drop=True)


def _existing_table(processed_dir: Path | str, name: str) -> Path:
    """The Parquet file of table ``name``; FileNotFoundError saying why it is missing."""
    path = table_path(processed_dir, name)
    if path.is_file():
        return path
    if not Path(processed_dir).exists() and Path(processed_dir).parent.parent.name == "snapshots":
        raise FileNotFoundError(
            f"processed table {name!r} not found: the snapshot {processed_dir} was replaced "
            f"by a later ingest and removed; load the data again"
        )
    raise FileNotFoundError(
        f"processed table {name!r} not found: {path} does not exist; run `bibanalyse ingest` first"
    )


def is_text(kind: pa.DataType) -> bool:
    """Whether ``kind`` is text, dictionary-encoded or not."""
    if pa.types.is_dictionary(kind):
        kind = kind.value_type
    return pa.types.is_string(kind) or pa.types.is_large_string(kind)


def municipality_name(vestigingen: pd.DataFrame, municipality: str) -> str:
    """The municipality as spelled in ``vestigingen``, matched ignoring case and spaces.

    >>> branches = pd.DataFrame({"vestiging": ["Heemstede"], "gemeente": ["Heemstede"]})
    >>> municipality_name(branches, " HEEMSTEDE ")
    'Heemstede'
    """
    if not isinstance(municipality, str) or not municipality.strip():
        raise ValueError(f"a municipality is a name such as 'Heemstede', got {municipality!r}")
    known = sorted(vestigingen["gemeente"].dropna().unique().tolist())
    wanted = municipality.strip().casefold()
    for name in known:
        if name.strip().casefold() == wanted:
            return name
    raise ValueError(f"unknown municipality {municipality!r}; known municipalities: {known!r}")


def branches_of(processed_dir: Path | str, municipality: str) -> list[str]:
    """The branches (``vestiging``) of ``municipality`` (any case), sorted.

    Raises ValueError listing the known municipalities when there is no such municipality.
    """
    vestigingen = read_table(processed_dir, "vestigingen", columns=["vestiging", "gemeente"])
    return _branches(vestigingen, municipality_name(vestigingen, municipality))


def first_date(processed_dir: Path | str, name: str, column: str) -> date | None:
    """The earliest value of date column ``column`` in the whole table, from the Parquet
    statistics where the file has them (else by reading that one column); None when empty."""
    path = _existing_table(processed_dir, name)
    metadata = pq.ParquetFile(path).metadata
    index = metadata.schema.names.index(column) if column in metadata.schema.names else None
    if index is None:
        raise ValueError(f"processed table {name!r} has no column {column!r}")
    minima = []
    for group in range(metadata.num_row_groups):
        chunk = metadata.row_group(group).column(index)
        statistics = chunk.statistics
        if chunk.num_values == 0 or (
            statistics is not None and statistics.null_count == chunk.num_values
        ):
            continue
        if statistics is None or not statistics.has_min_max:
            minima = None
            break
        minima.append(statistics.min)
    if minima is None:
        values = pq.read_table(path, columns=[column]).column(column)
        smallest = pc.min(values).as_py()
        return _as_date(smallest) if smallest is not None else None
    return _as_date(min(minima)) if minima else None


@dataclass
class Tables:
    """The processed tables of one municipality for a window of days, read once each.

    Build it with ``Tables.for_period`` (reads from ``data/processed/``) or
    ``Tables.from_frames`` (frames in memory, e.g. in tests). ``tables["uitleenacties"]``
    gives a table; the first access reads it (only the columns in ``TABLE_SPECS`` and the
    rows of the window and the municipality), later ones reuse it. A returned frame may be
    changed freely: it is a copy-on-write view of the stored one.

    Reading from disk only narrows what is read; the indicator functions still select the
    period, branches and municipality themselves, so frames given to ``from_frames`` need
    not be narrowed.
    """

    municipality: str
    branches: tuple[str, ...]
    first_day: date
    last_day: date
    processed_dir: Path | None = None
    _frames: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _first_dates: dict[str, date | None] = field(default_factory=dict, repr=False)
    columns: Mapping[str, Sequence[str]] = field(default_factory=dict, repr=False)
    """Per table, the columns to read where fewer than ``TABLE_SPECS`` names will do."""

    @classmethod
    def for_period(
        cls, processed_dir: Path | str, period: Period | str, municipality: str
    ) -> Tables:
        """The tables for ``period`` and its comparisons (previous period, year earlier)."""
        return cls.for_periods(processed_dir, [period], municipality)

    @classmethod
    def for_periods(
        cls, processed_dir: Path | str, periods: Iterable[Period | str], municipality: str
    ) -> Tables:
        """The tables for every one of ``periods`` and their comparisons, read once."""
        windows = [comparison_window(period) for period in periods]
        if not windows:
            raise ValueError("no periods to read the tables for")
        first_day = min(first for first, _ in windows)
        last_day = max(last for _, last in windows)
        return cls.for_days(processed_dir, first_day, last_day, municipality)

    @classmethod
    def for_days(
        cls, processed_dir: Path | str, first_day: date, last_day: date, municipality: str
    ) -> Tables:
        """The tables of ``municipality`` from ``first_day`` to ``last_day``, all read
        from the snapshot of the processed data that is current now (see ``_resolved``)."""
        processed_dir = _resolved(processed_dir)
        vestigingen = read_table(processed_dir, "vestigingen", columns=["vestiging", "gemeente"])
        name = municipality_name(vestigingen, municipality)
        tables = cls(
            municipality=name,
            branches=tuple(_branches(vestigingen, name)),
            first_day=first_day,
            last_day=last_day,
            processed_dir=processed_dir,
        )
        tables._frames["vestigingen"] = vestigingen
        return tables

    @classmethod
    def for_organisation(
        cls,
        processed_dir: Path | str,
        first_day: date,
        last_day: date,
        columns: Mapping[str, Sequence[str]] | None = None,
    ) -> Tables:
        """The tables of every municipality and branch from ``first_day`` to ``last_day``
        (``municipality`` reads :data:`EVERY_MUNICIPALITY`); ``columns`` as in the class."""
        processed_dir = _resolved(processed_dir)
        vestigingen = read_table(processed_dir, "vestigingen", columns=["vestiging", "gemeente"])
        tables = cls(
            municipality=EVERY_MUNICIPALITY,
            branches=tuple(sorted(vestigingen["vestiging"].dropna().unique())),
            first_day=first_day,
            last_day=last_day,
            processed_dir=processed_dir,
            columns=dict(columns or {}),
        )
        tables._frames["vestigingen"] = vestigingen
        return tables

    def within(self, first_day: date, last_day: date, names: Iterable[str]) -> Tables:
        """Tables ``names`` (and ``vestigingen``) narrowed to the days ``first_day`` to
        ``last_day``: of a table with an event date, the rows of those days; the others as
        they are. For computing many figures of one period from a long window cheaply."""
        narrowed = replace(self, first_day=first_day, last_day=last_day, _frames={})
        narrowed._first_dates = self._first_dates
        for name in {*names, "vestigingen"}:
            spec = TABLE_SPECS[name]
            if not self.has(name):
                continue
            frame = self[name]
            if spec.date is not None:
                frame = _days_of(frame, spec.date, first_day, last_day)
            narrowed._frames[name] = frame
        return narrowed

    def municipalities(self) -> dict[str, tuple[str, ...]]:
        """Every municipality of the branches read, with its branches."""
        vestigingen = self["vestigingen"].dropna(subset=["gemeente"])
        return {
            name: tuple(sorted(rows["vestiging"]))
            for name, rows in vestigingen.groupby("gemeente", sort=True)
        }

    @classmethod
    def from_frames(
        cls,
        frames: Mapping[str, pd.DataFrame],
        municipality: str,
        period: Period | None = None,
    ) -> Tables:
        """Tables held in memory; ``frames`` must include ``vestigingen``. Without ``period``
        the window is unbounded."""
        if "vestigingen" not in frames:
            raise ValueError(f"frames must include 'vestigingen'; got {sorted(frames)!r}")
        unknown = sorted(set(frames) - set(TABLE_SPECS))
        if unknown:
            raise ValueError(f"unknown table(s) {unknown!r}; known: {sorted(TABLE_SPECS)!r}")
        name = municipality_name(frames["vestigingen"], municipality)
        if period is None:
            first_day, last_day = date.min, date.max
        else:
            first_day, last_day = comparison_window(period)
        return cls(
            municipality=name,
            branches=tuple(_branches(frames["vestigingen"], name)),
            first_day=first_day,
            last_day=last_day,
            _frames={key: frame.copy(deep=False) for key, frame in frames.items()},
        )

    def __getitem__(self, name: str) -> pd.DataFrame:
        if name not in self._frames:
            if name not in TABLE_SPECS:
                raise KeyError(f"unknown table {name!r}; known: {sorted(TABLE_SPECS)!r}")
            if self.processed_dir is None:
                raise FileNotFoundError(f"table {name!r} was not given to Tables.from_frames")
            self._frames[name] = self._read(name)
        return self._frames[name].copy(deep=False)

    def has(self, name: str) -> bool:
        """Whether table ``name`` is available (given, or made by the ingest)."""
        if name in self._frames:
            return True
        return self.processed_dir is not None and table_path(self.processed_dir, name).is_file()

    def load(self, names: Iterable[str] | None = None) -> Tables:
        """Read the named tables (default: every available one) now; returns itself."""
        for name in TABLE_SPECS if names is None else names:
            if names is not None or self.has(name):
                self[name]
        return self

    def covers(self, period: Period) -> bool:
        """Whether the window read includes every day of ``period``."""
        return self.first_day <= period.first_day and period.last_day <= self.last_day

    def data_start(self, name: str) -> date | None:
        """The earliest event date in table ``name`` as a whole (not just the window read),
        for tables with an event date; None when it has no rows or no event date."""
        spec = TABLE_SPECS[name]
        if spec.date is None:
            return None
        if name not in self._first_dates:
            if self.processed_dir is not None and name not in self._frames:
                self._first_dates[name] = first_date(self.processed_dir, name, spec.date)
            else:
                smallest = self[name][spec.date].min()
                self._first_dates[name] = None if pd.isna(smallest) else _as_date(smallest)
        return self._first_dates[name]

    def _read(self, name: str) -> pd.DataFrame:
        spec = TABLE_SPECS[name]
        path = table_path(self.processed_dir, name)
        schema = pq.read_schema(path) if path.is_file() else None
        filters = (
            None
            if schema is None
            else _window_filter(
                spec, schema, self.scope_values(spec), self.first_day, self.last_day
            )
        )
        columns = self.columns.get(name, spec.columns)
        if columns is not None and schema is not None:
            # optional extras (postcode4, bron, ...) may be absent; what an indicator
            # needs is checked by the indicator
            columns = [column for column in columns if column in schema.names]
        return read_table(self.processed_dir, name, columns=columns, filters=filters)

    def scope_values(self, spec: TableSpec) -> list[str] | None:
        if spec.scope == "vestiging":
            return list(self.branches)
        if spec.scope == "gemeente" and self.municipality != EVERY_MUNICIPALITY:
            return [self.municipality]
        return None


def _days_of(frame: pd.DataFrame, column: str, first_day: date, last_day: date) -> pd.DataFrame:
    """The rows of ``frame`` whose ``column`` falls on the days ``first_day`` to ``last_day``.
    The ingest writes tables sorted by their event date: then the rows are one slice, found
    by binary search and taken without a copy; otherwise (a gap in the dates, a frame made
    by hand) by a mask.

    >>> days = pd.Series(pd.to_datetime(["2025-01-01", "2025-03-01", "2025-07-01"]))
    >>> _days_of(pd.DataFrame({"datum": days}), "datum", date(2025, 2, 1), date(2025, 6, 30))
           datum
    1 2025-03-01
    >>> _days_of(pd.DataFrame({"datum": days[::-1]}), "datum", date(2025, 2, 1), date(2025, 6, 30))
           datum
    1 2025-03-01
    """
    days = frame[column]
    start, end = pd.Timestamp(first_day), pd.Timestamp(last_day) + _DAY
    if days.is_monotonic_increasing:  # no missing day either
        first, last = days.searchsorted([start, end], side="left")
        return frame.iloc[first:last]
    keep = (days >= start) & (days < end)
    return frame.loc[keep.fillna(False).to_numpy()]


def _resolved(processed_dir: Path | str) -> Path:
    """``processed_dir`` with its links resolved: ``data/processed`` names the current
    snapshot of an ingest, and tables read later (they are read when first used) must come
    from the same one, not from one that an ingest switched to meanwhile."""
    return Path(processed_dir).resolve()


_DAY = pd.Timedelta(days=1)
EVERY_MUNICIPALITY = "*"
"""The municipality of tables read for the whole organisation."""


def comparison_window(period: Period | str) -> tuple[date, date]:
    """The first and last day covering ``period``, its previous period and the same period
    a year earlier.

    >>> comparison_window("2025-H2")
    (datetime.date(2024, 7, 1), datetime.date(2025, 12, 31))
    """
    if isinstance(period, str):
        period = Period.parse(period)
    periods = (period, period.previous(), period.year_earlier())
    return min(p.first_day for p in periods), max(p.last_day for p in periods)


def _window_filter(
    spec: TableSpec,
    schema: pa.Schema,
    scope_values: list[str] | None,
    first_day: date,
    last_day: date,
) -> pc.Expression | None:
    """The Parquet row filter keeping the rows of ``spec`` that fall in the window."""
    conditions = []
    if spec.scope is not None and scope_values is not None:
        conditions.append(pc.field(spec.scope).isin(scope_values))
    bounded_start = first_day > date.min
    bounded_end = last_day < date.max
    if spec.date is not None:
        column = pc.field(spec.date)
        if bounded_start:
            # monthly tables (digitaal) hold the first day of the month
            conditions.append(column >= _scalar(schema, spec.date, first_day.replace(day=1)))
        if bounded_end:
            conditions.append(column < _scalar(schema, spec.date, last_day + timedelta(days=1)))
    if spec.start is not None and bounded_end:
        conditions.append(pc.field(spec.start) <= _scalar(schema, spec.start, last_day))
    if spec.end is not None and bounded_start:
        column = pc.field(spec.end)
        conditions.append(column.is_null() | (column >= _scalar(schema, spec.end, first_day)))
    if spec.year is not None:
        column = pc.field(spec.year)
        conditions.append((column >= first_day.year) & (column <= last_day.year))
    if not conditions:
        return None
    expression = conditions[0]
    for condition in conditions[1:]:
        expression = expression & condition
    return expression


def _scalar(schema: pa.Schema, column: str, day: date) -> pa.Scalar:
    """``day`` as a scalar of the column's type (timestamp or date), for a Parquet filter."""
    kind = schema.field(column).type
    if pa.types.is_timestamp(kind):
        return pa.scalar(datetime.combine(day, time()), type=kind)
    return pa.scalar(day, type=kind)


def _branches(vestigingen: pd.DataFrame, municipality: str) -> list[str]:
    chosen = vestigingen.loc[vestigingen["gemeente"] == municipality, "vestiging"]
    return sorted(chosen.dropna().unique().tolist())


def _as_date(value: Any) -> date:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, pd.Timestamp):
        return value.date()
    return value


EVENT_TABLES = ("uitleenacties", "activiteiten", "bezoekerstellingen", "ido", "communicatie")


def events_in_period(
    processed_dir: Path | str, period: Period | str, municipality: str
) -> dict[str, int]:
    """How many rows each event table holds in ``period`` at the municipality's branches
    (reading only their dates): all zero means there is nothing to report on."""
    period = Period.parse(period) if isinstance(period, str) else period
    branches = branches_of(processed_dir, municipality)
    counts = {}
    for name in EVENT_TABLES:
        filters = [
            ("vestiging", "in", branches),
            ("datum", ">=", pd.Timestamp(period.first_day)),
            ("datum", "<=", pd.Timestamp(period.last_day)),
        ]
        counts[name] = len(read_table(processed_dir, name, columns=["datum"], filters=filters))
    return counts


def require_data(processed_dir: Path | str, period: Period | str, municipality: str) -> None:
    """Raise ValueError when the period has no events at all for the municipality: a
    report of nothing is an error, not an empty report."""
    period = Period.parse(period) if isinstance(period, str) else period
    if not any(events_in_period(processed_dir, period, municipality).values()):
        raise ValueError(
            f"no data for {municipality} in {period} ({period.first_day:%d-%m-%Y} to "
            f"{period.last_day:%d-%m-%Y}) in {processed_dir}: nothing to report"
        )
