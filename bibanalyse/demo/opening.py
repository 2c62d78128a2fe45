"""When branches are open: weekly hours, public holidays, closures and school holidays.

`Calendar` holds, for every branch and every simulated day, the opening and closing minute
(``-1`` when closed), and the day attributes the rhythms of the other generators need.

>>> [name for _, name in public_holidays(2025)][:3]
['Nieuwjaarsdag', 'Goede Vrijdag', 'Eerste Paasdag']
>>> easter_sunday(2025)
datetime.date(2025, 4, 20)
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import numpy as np

from .organisation import BRANCH_NAMES, PROFILES, Hours
from .window import Window, random_stream

CLOSED = -1


@dataclass(frozen=True)
class HoursSet:
    branch: str
    valid_from: date
    hours: Hours


@dataclass(frozen=True)
class Closure:
    branch: str
    day: date
    reason: str


def easter_sunday(year: int) -> date:
    """Gregorian Easter (the anonymous Gregorian algorithm)."""
    a, b, c = year % 19, year // 100, year % 100
    d, e = divmod(b, 4)
    g = (8 * b + 13) // 25
    h = (19 * a + b - d - g + 15) % 30
    i, k = divmod(c, 4)
    l_ = (32 + 2 * e + 2 * i - h - k) % 7
    m = (a + 11 * h + 22 * l_) // 451
    month, day = divmod(h + l_ - 7 * m + 114, 31)
    return date(year, month, day + 1)


def public_holidays(year: int) -> list[tuple[date, str]]:
    """Dutch public holidays on which libraries close (Bevrijdingsdag only in lustrum years)."""
    easter = easter_sunday(year)
    kings_day = date(year, 4, 27)
    if kings_day.weekday() == 6:
        kings_day = date(year, 4, 26)
    holidays = [
        (date(year, 1, 1), "Nieuwjaarsdag"),
        (easter - timedelta(days=2), "Goede Vrijdag"),
        (easter, "Eerste Paasdag"),
        (easter + timedelta(days=1), "Tweede Paasdag"),
        (kings_day, "Koningsdag"),
        (easter + timedelta(days=39), "Hemelvaartsdag"),
        (easter + timedelta(days=49), "Eerste Pinksterdag"),
        (easter + timedelta(days=50), "Tweede Pinksterdag"),
        (date(year, 12, 25), "Eerste Kerstdag"),
        (date(year, 12, 26), "Tweede Kerstdag"),
    ]
    if year % 5 == 0:
        holidays.append((date(year, 5, 5), "Bevrijdingsdag"))
    return sorted(holidays)


def hours_change_date(window: Window) -> date:
    """The first of the month halfway through the window: new hours start there."""
    middle = window.date_of(window.n_days // 2)
    return middle.replace(day=1) if middle.replace(day=1) > window.start else window.start


def hours_sets(window: Window) -> list[HoursSet]:
    """One set per branch from before the window, and changed sets from inside it."""
    before = date(window.start.year - 2, 9, 1)
    changed_from = hours_change_date(window)
    sets = [HoursSet(name, before, profile.hours) for name, profile in PROFILES.items()]
    sets += [
        HoursSet(name, changed_from, profile.changed_hours)
        for name, profile in PROFILES.items()
        if profile.changed_hours is not None
    ]
    return sets


def closures(window: Window, seed: int) -> list[Closure]:
    """Public holidays for every branch plus a staff day a year and a few local closures."""
    rng = random_stream(seed, "closures")
    found: list[Closure] = []
    for year in window.calendar_years():
        for day, name in public_holidays(year):
            for branch, profile in PROFILES.items():
                # Sunday holidays only matter where the branch opens on Sundays.
                if day.weekday() != 6 or 6 in profile.hours:
                    found.append(Closure(branch, day, name))
        staff_day = date(year, 10, 1) + timedelta(days=int(rng.integers(0, 21)))
        staff_day -= timedelta(days=staff_day.weekday())  # the Monday of that week
        found += [Closure(branch, staff_day, "Personeelsdag") for branch in BRANCH_NAMES]
    middle_year = window.date_of(window.n_days // 2).year
    found += _closed_stretch("Heemstede", date(middle_year, 8, 12), 2, "Onderhoud Plein1")
    found += _closed_stretch("Haarlem Oost", date(middle_year, 2, 3), 12, "Verbouwing")
    found += _closed_stretch("Zandvoort", date(middle_year, 11, 14), 1, "Stroomstoring")
    inside = [c for c in found if window.start <= c.day <= window.until]
    return sorted(inside, key=lambda c: (c.day, BRANCH_NAMES.index(c.branch), c.reason))


def _closed_stretch(branch: str, first: date, days: int, reason: str) -> list[Closure]:
    return [Closure(branch, first + timedelta(days=i), reason) for i in range(days)]


def school_holidays(year: int) -> list[tuple[date, date]]:
    """Approximate school holidays of region Noord (first and last day, weekends included)."""

    def iso_week(week: int, weekday: int = 1) -> date:
        return date.fromisocalendar(year, week, weekday)

    summer_week = 28 + (2026 - year) % 3  # the regions rotate their summer start
    return [
        (date(year, 1, 1), date(year, 1, 5)),
        (iso_week(8) - timedelta(days=2), iso_week(8, 7)),
        (date(year, 4, 26), date(year, 5, 4)),
        (iso_week(summer_week) - timedelta(days=2), iso_week(summer_week + 5, 7)),
        (iso_week(43) - timedelta(days=2), iso_week(43, 7)),
        (date(year, 12, 20), date(year, 12, 31)),
    ]


def _minutes(clock: str) -> int:
    hours, minutes = clock.split(":")
    return int(hours) * 60 + int(minutes)


@dataclass(frozen=True)
class Calendar:
    """Per-day facts for all nine branches over the simulated horizon."""

    window: Window
    weekday: np.ndarray  # 0 = maandag
    month: np.ndarray  # 1..12
    years_in: np.ndarray  # years since the window's start, as a fraction
    school_holiday: np.ndarray  # bool
    open_minute: np.ndarray  # [branch, day], CLOSED when closed
    close_minute: np.ndarray
    closed_for: np.ndarray  # [branch, day] bool: a sluitingsdag
    next_open: np.ndarray  # [branch, day]: first open day on or after the day

    @property
    def is_open(self) -> np.ndarray:
        return self.open_minute != CLOSED

    def open_in_window(self, branch: int) -> np.ndarray:
        return self.is_open[branch, : self.window.n_days]


def build_calendar(window: Window, sets: list[HoursSet], closed: list[Closure]) -> Calendar:
    horizon = window.horizon
    offsets = np.arange(horizon, dtype=np.int32)
    days = window.datetime64(offsets)
    epoch_days = days.astype(np.int64)
    weekday = ((epoch_days + 3) % 7).astype(np.int8)  # 1970-01-01 was a Thursday
    month = (days.astype("datetime64[M]").astype(np.int64) % 12 + 1).astype(np.int8)
    open_minute = np.full((len(BRANCH_NAMES), horizon), CLOSED, dtype=np.int16)
    close_minute = np.full_like(open_minute, CLOSED)
    for hours_set in sorted(sets, key=lambda s: s.valid_from):
        branch = BRANCH_NAMES.index(hours_set.branch)
        from_day = max(window.day(hours_set.valid_from), 0)
        for weekday_number in range(7):
            on_day = (weekday == weekday_number) & (offsets >= from_day)
            open_, close = hours_set.hours.get(weekday_number, (None, None))
            open_minute[branch, on_day] = CLOSED if open_ is None else _minutes(open_)
            close_minute[branch, on_day] = CLOSED if close is None else _minutes(close)
    closed_for = np.zeros(open_minute.shape, dtype=bool)
    for closure in closed:
        closed_for[BRANCH_NAMES.index(closure.branch), window.day(closure.day)] = True
    open_minute[closed_for] = CLOSED
    close_minute[closed_for] = CLOSED
    return Calendar(
        window=window,
        weekday=weekday,
        month=month,
        years_in=offsets / 365.25,
        school_holiday=_school_holiday_mask(window, days),
        open_minute=open_minute,
        close_minute=close_minute,
        closed_for=closed_for,
        next_open=_next_open_days(open_minute != CLOSED),
    )


def _school_holiday_mask(window: Window, days: np.ndarray) -> np.ndarray:
    mask = np.zeros(days.size, dtype=bool)
    last_year = window.date_of(window.horizon - 1).year
    for year in range(window.start.year, last_year + 1):
        for first, last in school_holidays(year):
            mask |= (days >= np.datetime64(first)) & (days <= np.datetime64(last))
    return mask


def _next_open_days(is_open: np.ndarray) -> np.ndarray:
    """For each day the first open day on or after it (the horizon's length when none)."""
    horizon = is_open.shape[1]
    candidates = np.where(is_open, np.arange(horizon, dtype=np.int32), horizon)
    return np.minimum.accumulate(candidates[:, ::-1], axis=1)[:, ::-1]
