"""Helpers shared by the indicator modules: periods as masks, branch and municipality
selection, validity on a day, goal tags, argument checks."""

from __future__ import annotations

from collections.abc import Collection, Iterable
from datetime import date, datetime, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd

if TYPE_CHECKING:
    from bibanalyse.periods import Period


def check_columns(frame: pd.DataFrame, columns: Iterable[str], table: str) -> None:
    """Raise ValueError naming the columns ``frame`` (table ``table``) lacks."""
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{table} must be a DataFrame, got {type(frame).__name__}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"{table} lacks column(s) {missing!r}; it has {list(frame.columns)!r}")


def as_day(day: Any) -> pd.Timestamp:
    """A day as a Timestamp at midnight; ValueError for anything that is not a day."""
    if isinstance(day, datetime | pd.Timestamp):
        return pd.Timestamp(day).normalize()
    if isinstance(day, date):
        return pd.Timestamp(day)
    raise ValueError(f"expected a day (datetime.date), got {day!r}")


def check_period(period: Period) -> Period:
    """``period`` when it has first and last days; ValueError otherwise."""
    if not (hasattr(period, "first_day") and hasattr(period, "last_day")):
        raise ValueError(f"expected a Period such as Period.parse('2025-H1'), got {period!r}")
    return period


def in_period(moments: pd.Series, period: Period) -> pd.Series:
    """Which dates (or date-times) fall in ``period``, by calendar day; missing ones do not."""
    check_period(period)
    start = as_day(period.first_day)
    end = as_day(period.last_day) + timedelta(days=1)
    return (moments >= start) & (moments < end)


def running_on(start: pd.Series, end: pd.Series, day: Any) -> pd.Series:
    """Which validities run on ``day``: ``start <= day`` and (``end`` missing or ``>= day``)."""
    day = as_day(day)
    return ((start <= day) & (end.isna() | (end >= day))).fillna(False).astype(bool)


def in_branches(frame: pd.DataFrame, branches: Collection[str] | None) -> pd.Series:
    """Which rows have ``vestiging`` in ``branches`` (all rows when ``branches`` is None)."""
    if branches is None:
        return pd.Series(True, index=frame.index)
    if isinstance(branches, str):
        raise ValueError(f"branches must be a collection of names, got {branches!r}")
    return frame["vestiging"].isin(list(branches))


def in_municipality(frame: pd.DataFrame, municipality: str | None) -> pd.Series:
    """Which rows have ``gemeente`` equal to ``municipality``, ignoring case and spaces
    (all rows when ``municipality`` is None)."""
    if municipality is None:
        return pd.Series(True, index=frame.index)
    if not isinstance(municipality, str) or not municipality.strip():
        raise ValueError(f"a municipality is a name such as 'Heemstede', got {municipality!r}")
    return (
        (frame["gemeente"].str.strip().str.casefold() == municipality.strip().casefold())
        .fillna(False)
        .astype(bool)
    )


def goal_tags(tags: pd.Series) -> pd.Series:
    """One row per (row, goal id) from ``;``-joined goal ids, indexed like ``tags``;
    untagged rows are left out.

    >>> goal_tags(pd.Series(["1.2;3.2", None, "4.1"])).tolist()
    ['1.2', '3.2', '4.1']
    """
    exploded = tags.dropna().astype(str).str.split(";").explode().str.strip()
    return exploded[exploded.fillna("") != ""]


def check_class_size(class_size: Any) -> int:
    if isinstance(class_size, bool) or not isinstance(class_size, int | np.integer):
        raise ValueError(f"class_size must be a positive whole number, got {class_size!r}")
    if class_size <= 0:
        raise ValueError(f"class_size must be a positive whole number, got {class_size!r}")
    return int(class_size)
