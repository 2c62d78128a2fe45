"""The period a demo covers, as day offsets from its first day, and reproducible random streams.

Every date inside the generator is an ``int32`` number of days since the window's first day,
so whole columns are shifted, compared and formatted as numpy arrays.

>>> window = Window.ending(date(2026, 6, 30), years=3)
>>> window.start, window.n_days
(datetime.date(2023, 7, 1), 1096)
>>> window.date_of(window.n_days - 1)
datetime.date(2026, 6, 30)
"""

from __future__ import annotations

import calendar
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

DAYS_PER_YEAR = 365.25
OPEN_END = np.iinfo(np.int32).max  # end day of something still running
HORIZON_MARGIN_DAYS = 140  # internal days simulated after `until` (returns, renewals), then dropped


@dataclass(frozen=True)
class Window:
    """The covered days, ``start`` .. ``until`` inclusive."""

    start: date
    until: date

    @classmethod
    def ending(cls, until: date, years: int) -> Window:
        return cls(start=years_before(until, years) + timedelta(days=1), until=until)

    @property
    def n_days(self) -> int:
        return (self.until - self.start).days + 1

    @property
    def horizon(self) -> int:
        """Days simulated: the window plus a margin for events that fall after `until`."""
        return self.n_days + HORIZON_MARGIN_DAYS

    @property
    def n_years(self) -> float:
        return self.n_days / DAYS_PER_YEAR

    def day(self, moment: date) -> int:
        return (moment - self.start).days

    def date_of(self, offset: int) -> date:
        return self.start + timedelta(days=int(offset))

    def datetime64(self, offsets: np.ndarray) -> np.ndarray:
        return np.datetime64(self.start, "D") + offsets.astype("timedelta64[D]")

    def calendar_years(self) -> range:
        return range(self.start.year, self.until.year + 1)

    def half_years(self) -> Iterator[tuple[str, date, date]]:
        """Half years (``2025-H1``) that overlap the window, with their first and last day."""
        for year in self.calendar_years():
            for half, first, last in (
                (1, date(year, 1, 1), date(year, 6, 30)),
                (2, date(year, 7, 1), date(year, 12, 31)),
            ):
                if first <= self.until and last >= self.start:
                    yield f"{year}-H{half}", first, last


def years_before(moment: date, years: int) -> date:
    """The same calendar day `years` earlier (29 February becomes 28 February)."""
    try:
        return moment.replace(year=moment.year - years)
    except ValueError:
        return moment.replace(year=moment.year - years, day=28)


def add_months(moment: date, months: int) -> date:
    """`moment` moved by whole months, clipped to the last day of the target month.

    >>> add_months(date(2024, 1, 31), 1)
    datetime.date(2024, 2, 29)
    """
    year, month_index = divmod(moment.year * 12 + moment.month - 1 + months, 12)
    last_day = calendar.monthrange(year, month_index + 1)[1]
    return date(year, month_index + 1, min(moment.day, last_day))


def random_stream(seed: int, *keys: str | int) -> np.random.Generator:
    """An independent generator per (seed, keys), stable across runs and Python hash seeds."""
    entropy = [seed] + [zlib.crc32(key.encode()) if isinstance(key, str) else key for key in keys]
    return np.random.default_rng(np.random.SeedSequence(entropy))


def day_weights_to_days(
    rng: np.random.Generator, weights: np.ndarray, per_year: float, window: Window
) -> np.ndarray:
    """Day offsets of events scattered over days with relative `weights` (0 = impossible).

    `weights` covers the window's days; they are scaled so that a year of days with the window's
    average weight gets `per_year` events. Counts per day are Poisson.
    """
    total = float(weights.sum())
    if total <= 0 or per_year <= 0:
        return np.empty(0, dtype=np.int32)
    expected = weights * (per_year * window.n_years / total)
    counts = rng.poisson(expected)
    return np.repeat(np.arange(weights.size, dtype=np.int32), counts)
