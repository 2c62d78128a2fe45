"""Plausible values: a row that parses but cannot be true is rejected, with a reason that
names the column, the value and the bound it breaks.

The bounds are data (``bibanalyse.config.Bounds``: defaults in the code, overridable in
``bibanalyse.toml``, listed in ``docs/plausibility.md``): a count above its largest value per
row, and an event date after the day of the ingest or before the earliest date. (A negative
count and a count that is no whole number are found by the parsers and the clean models.)
"""

from __future__ import annotations

import datetime as dt

import numpy as np
import pandas as pd

from bibanalyse.config import Bounds
from bibanalyse.sources import Source

Finding = tuple[np.ndarray, list[str]]  # row positions, a message per position


def implausible(typed: pd.DataFrame, source: Source, bounds: Bounds, today: dt.date) -> list:
    """The rows of ``typed`` (a source's parsed columns) outside ``bounds``: a list of
    (positions, messages) findings, one per column.

    >>> from bibanalyse.sources import SOURCES
    >>> typed = pd.DataFrame({
    ...     "datum": pd.to_datetime(["2025-03-01", "2099-01-01", "1999-12-31"]),
    ...     "aantal_deelnemers": pd.array([12, 1_000_000_000, None], dtype="Int64"),
    ...     "aantal_klassen": pd.array([None, None, 2], dtype="Int64"),
    ... })
    >>> findings = implausible(typed, SOURCES["activiteiten"], Bounds(), dt.date(2026, 12, 3))
    >>> for positions, messages in findings:  # doctest: +ELLIPSIS
    ...     print(positions.tolist(), *messages)
    [1] Datum: 2099-01-01 is after the day of the ingest, 2026-12-03
    [2] Datum: 1999-12-31 is before the earliest date, 2000-01-01 (bounds.earliest_date)
    [1] Aantal deelnemers: 1000000000 is above the bound of 5000 per row (bounds.acti...
    """
    findings: list[Finding] = []
    headers = {column.name: column.headers[0] for column in source.columns}
    if source.event_date is not None:
        findings += _dates_outside(
            typed[source.event_date], headers[source.event_date], bounds.earliest_date, today
        )
    for name, bound in bounds.per_row.get(source.name, {}).items():
        values = typed[name]
        over = np.flatnonzero((values > bound).fillna(False).to_numpy(dtype=bool))
        key = f"bounds.{source.name}.{name}"
        findings.append(
            (
                over,
                [
                    f"{headers[name]}: {_number(value)} is above the bound of {bound} per row "
                    f"({key})"
                    for value in values.iloc[over]
                ],
            )
        )
    return [finding for finding in findings if len(finding[0])]


def _dates_outside(dates: pd.Series, header: str, earliest: dt.date, today: dt.date) -> list:
    after = (dates >= pd.Timestamp(today + dt.timedelta(days=1))).fillna(False).to_numpy(bool)
    before = (dates < pd.Timestamp(earliest)).fillna(False).to_numpy(bool)
    late, early = np.flatnonzero(after), np.flatnonzero(before)
    return [
        (
            late,
            [
                f"{header}: {d:%Y-%m-%d} is after the day of the ingest, {today}"
                for d in dates.iloc[late]
            ],
        ),
        (
            early,
            [
                f"{header}: {d:%Y-%m-%d} is before the earliest date, {earliest} "
                f"(bounds.earliest_date)"
                for d in dates.iloc[early]
            ],
        ),
    ]


def _number(value: float) -> str:
    """A count as written: whole numbers without a decimal point."""
    return str(int(value)) if float(value).is_integer() else str(value)
