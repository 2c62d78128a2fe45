"""Reporting periods: half years (``2025-H1``, ``2025-H2``) and whole years (``2025``).

All bounds are inclusive calendar days: ``2025-H1`` runs from 1 January to 30 June 2025,
``2025-H2`` from 1 July to 31 December, ``2025`` the whole year. A period is compared with
the previous period of the same length and with the same period a year earlier.

>>> period = Period.parse("2025-H1")
>>> period.first_day, period.last_day
(datetime.date(2025, 1, 1), datetime.date(2025, 6, 30))
>>> str(period.previous()), str(period.year_earlier())
('2024-H2', '2024-H1')
"""

from __future__ import annotations

import operator
import re
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from functools import total_ordering
from typing import Literal

import pandas as pd

PeriodLength = Literal["half", "year"]

_PERIOD_PATTERN = re.compile(r"(?P<year>[0-9]{4})(?:-[Hh](?P<half>[12]))?")
_ACCEPTED_FORMS = "use 2025-H1, 2025-H2 or 2025"
_DUTCH_HALF_NAMES = {1: "eerste halfjaar", 2: "tweede halfjaar"}


@total_ordering
@dataclass(frozen=True)
class Period:
    """A half year (``half`` 1 or 2) or a whole year (``half`` None).

    Periods are hashable and ordered by their first day (a year sorts before its own
    second half, and after its first half when the first days are equal, because the
    shorter period ends first).

    >>> Period(2025, 2)
    Period(year=2025, half=2)
    >>> [str(p) for p in sorted([Period(2025, 2), Period(2025), Period(2024, 2), Period(2025, 1)])]
    ['2024-H2', '2025-H1', '2025', '2025-H2']
    """

    year: int
    half: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "year", _whole_number(self.year, "year"))
        if not date.min.year <= self.year <= date.max.year:
            raise ValueError(f"year {self.year!r} is out of range")
        if self.half is not None:
            object.__setattr__(self, "half", _whole_number(self.half, "half"))
            if self.half not in (1, 2):
                raise ValueError(f"half must be 1, 2 or None, got {self.half!r}")

    @classmethod
    def parse(cls, text: str) -> Period:
        """Read ``2025-H1``, ``2025-H2`` or ``2025`` (spaces around it and ``h1`` are fine).

        >>> Period.parse(" 2025-h2 ")
        Period(year=2025, half=2)
        >>> Period.parse("2025")
        Period(year=2025, half=None)
        >>> Period.parse("2025-H3")
        Traceback (most recent call last):
        ...
        ValueError: '2025-H3' is not a period; use 2025-H1, 2025-H2 or 2025
        """
        if not isinstance(text, str):
            raise TypeError(f"a period is text such as '2025-H1', got {text!r}")
        match = _PERIOD_PATTERN.fullmatch(text.strip())
        if match is None:
            raise ValueError(f"{text!r} is not a period; {_ACCEPTED_FORMS}")
        half = match["half"]
        try:
            return cls(int(match["year"]), int(half) if half else None)
        except ValueError as error:
            raise ValueError(f"{text!r} is not a period; {_ACCEPTED_FORMS}") from error

    @property
    def length(self) -> PeriodLength:
        """``"half"`` for a half year, ``"year"`` for a whole year."""
        return "year" if self.half is None else "half"

    @property
    def first_day(self) -> date:
        """The period's first day ("begin").

        >>> Period(2025, 2).first_day
        datetime.date(2025, 7, 1)
        """
        return date(self.year, 7 if self.half == 2 else 1, 1)

    @property
    def last_day(self) -> date:
        """The period's last day ("eind"), inclusive.

        >>> Period(2025, 1).last_day
        datetime.date(2025, 6, 30)
        >>> Period(2025).last_day
        datetime.date(2025, 12, 31)
        """
        if self.half == 1:
            return date(self.year, 6, 30)
        return date(self.year, 12, 31)

    @property
    def label(self) -> str:
        """The canonical text, as accepted by :meth:`parse`.

        >>> Period(2025, 1).label, Period(2025).label
        ('2025-H1', '2025')
        """
        if self.half is None:
            return f"{self.year:04d}"
        return f"{self.year:04d}-H{self.half}"

    @property
    def dutch_label(self) -> str:
        """The period as a Dutch reader expects it in a report.

        >>> Period(2025, 1).dutch_label
        'eerste halfjaar 2025'
        >>> Period(2025).dutch_label
        '2025'
        """
        if self.half is None:
            return str(self.year)
        return f"{_DUTCH_HALF_NAMES[self.half]} {self.year}"

    def __str__(self) -> str:
        return self.label

    def __lt__(self, other: object) -> bool:
        if not isinstance(other, Period):
            return NotImplemented
        return (self.first_day, self.last_day) < (other.first_day, other.last_day)

    def previous(self) -> Period:
        """The period of the same length just before this one.

        >>> Period(2025, 1).previous(), Period(2025, 2).previous(), Period(2025).previous()
        (Period(year=2024, half=2), Period(year=2025, half=1), Period(year=2024, half=None))
        """
        if self.half == 2:
            return Period(self.year, 1)
        if self.half == 1:
            return Period(self.year - 1, 2)
        return Period(self.year - 1)

    def year_earlier(self) -> Period:
        """The same period one year earlier.

        >>> Period(2025, 1).year_earlier()
        Period(year=2024, half=1)
        """
        return Period(self.year - 1, self.half)

    def months(self) -> list[date]:
        """The first days of the period's months, in order.

        >>> [month.month for month in Period(2025, 2).months()]
        [7, 8, 9, 10, 11, 12]
        """
        first_month = self.first_day.month
        return [date(self.year, month, 1) for month in range(first_month, self.last_day.month + 1)]

    def contains(self, moment: date | datetime) -> bool:
        """Whether a day or moment falls in the period, by calendar day.

        >>> Period(2025, 1).contains(datetime(2025, 6, 30, 23, 59))
        True
        >>> Period(2025, 1).contains(date(2025, 7, 1))
        False
        """
        if pd.isna(moment):
            return False
        if not isinstance(moment, date):
            raise TypeError(f"expected a date or datetime, got {moment!r}")
        day = moment.date() if isinstance(moment, datetime) else moment
        return self.first_day <= day <= self.last_day

    def mask(self, moments: pd.Series) -> pd.Series:
        """A boolean Series: which datetimes fall in the period (missing values do not).

        Works by calendar day in the Series' own time zone, if it has one.

        >>> moments = pd.Series(pd.to_datetime(["2025-06-30 23:59", "2025-07-01 00:00", None]))
        >>> Period(2025, 1).mask(moments).tolist()
        [True, False, False]
        """
        if not pd.api.types.is_datetime64_any_dtype(moments):
            raise TypeError(f"expected a datetime Series, got dtype {moments.dtype!r}")
        start = pd.Timestamp(self.first_day)
        end = pd.Timestamp(self.last_day + timedelta(days=1))
        time_zone = moments.dt.tz
        if time_zone is not None:
            start, end = start.tz_localize(time_zone), end.tz_localize(time_zone)
        return (moments >= start) & (moments < end)


def _whole_number(value: object, name: str) -> int:
    """``value`` as a plain int (numpy integers too); floats, text and bools are refused."""
    if isinstance(value, bool):
        raise TypeError(f"{name} must be a whole number, got {value!r}")
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"{name} must be a whole number, got {value!r}") from None


def parse_periods(texts: str | Iterable[str]) -> list[Period]:
    """Periods from command-line words, in the order given and each once: a word is a period
    (``2025-H1``, ``2025``) or a range of half years or of whole years, both ends included
    (``2024-H1..2025-H2``, ``2023..2025``).

    >>> [str(p) for p in parse_periods(["2024-H1..2025-H2"])]
    ['2024-H1', '2024-H2', '2025-H1', '2025-H2']
    >>> [str(p) for p in parse_periods(["2025-H2", "2023..2024", "2025-h2"])]
    ['2025-H2', '2023', '2024']
    >>> parse_periods("2025-H2..2025-H1")
    Traceback (most recent call last):
    ...
    ValueError: '2025-H2..2025-H1' is not a range: 2025-H2 comes after 2025-H1
    >>> parse_periods("2024..2025-H1")
    Traceback (most recent call last):
    ...
    ValueError: '2024..2025-H1' is not a range: give two half years or two whole years
    """
    if isinstance(texts, str):
        texts = [texts]
    periods: dict[Period, None] = {}
    for text in texts:
        if not isinstance(text, str):
            raise TypeError(f"a period is text such as '2025-H1', got {text!r}")
        first, dots, last = text.partition("..")
        found = _period_range(text, first, last) if dots else [Period.parse(text)]
        periods.update(dict.fromkeys(found))
    return list(periods)


def _period_range(text: str, first_text: str, last_text: str) -> list[Period]:
    try:
        first, last = Period.parse(first_text), Period.parse(last_text)
    except ValueError as error:
        raise ValueError(f"{text!r} is not a range: {error}") from error
    if first.length != last.length:
        raise ValueError(f"{text!r} is not a range: give two half years or two whole years")
    if last < first:
        raise ValueError(f"{text!r} is not a range: {first} comes after {last}")
    if first.length == "year":
        return [Period(year) for year in range(first.year, last.year + 1)]
    return half_years(first.first_day, last.last_day)


def half_years(first_day: date, last_day: date) -> list[Period]:
    """The half years from the one holding ``first_day`` to the one holding ``last_day``.

    >>> [str(p) for p in half_years(date(2023, 8, 1), date(2024, 12, 31))]
    ['2023-H2', '2024-H1', '2024-H2']
    >>> half_years(date(2025, 1, 1), date(2024, 12, 31))
    []
    """
    first = first_day.year * 2 + (first_day.month > 6)
    last = last_day.year * 2 + (last_day.month > 6)
    return [Period(index // 2, index % 2 + 1) for index in range(first, last + 1)]


def latest_ended(on: date, length: PeriodLength = "half") -> Period:
    """The latest half year (or year) that has fully ended on the given day.

    A period has ended once its last day is over, so on 30 June the first half year has
    not ended yet.

    >>> latest_ended(date(2026, 7, 1))
    Period(year=2026, half=1)
    >>> latest_ended(date(2026, 6, 30))
    Period(year=2025, half=2)
    >>> latest_ended(date(2026, 11, 22), length="year")
    Period(year=2025, half=None)
    """
    if length not in ("half", "year"):
        raise ValueError(f"length must be 'half' or 'year', got {length!r}")
    if not isinstance(on, date):
        raise TypeError(f"expected a date, got {on!r}")
    if length == "year":
        return Period(on.year - 1)
    if on.month >= 7:
        return Period(on.year, 1)
    return Period(on.year - 1, 2)
