"""Circulation actions (the Wise ``uitleenacties`` export): loans, renewals and returns.

Loans happen on open days within opening hours, busier on Saturday and Wednesday afternoon,
youth loans peaking before the summer holiday. Youth loans grow about 4% a year, adult loans
shrink about 2%. About 30% of loans are renewed (mostly online, any day and hour); an item
comes back 1 to 6 weeks after the loan or the last renewal, on an open day. Actions after
`until` are not in the export, so loans near the end have no return yet.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .collection import Collection
from .members import Members
from .opening import Calendar
from .organisation import PROFILES
from .window import day_weights_to_days, random_stream

LOANS_HEEMSTEDE = 110_000  # a year
YOUTH_LOAN_SHARE = 0.52
YOUTH_LOAN_GROWTH, ADULT_LOAN_GROWTH = 0.04, -0.02
LOCAL_BORROWER_SHARE = 0.9  # borrowers whose home branch is the lending branch
YOUTH_BORROWER_SHARE = {True: 0.78, False: 0.06}  # youth members among borrowers, per shelf kind
RENEWALS_PER_LOAN = (0.74, 0.22, 0.04)  # share of loans renewed 0, 1, 2 times: 0.30 a loan
LOST_SHARE = 0.004

LOAN, RETURN, RENEWAL = 1, 2, 3
SOURCES = ("S", "B", "I")  # selfservice, balie, internet
SELFSERVICE, DESK, INTERNET = 0, 1, 2
MAX_DRAWS = 60

# Relative activity by month (1..12) and weekday (maandag..zondag), youth and adult.
MONTH_RHYTHM = {
    True: np.array([1.0, 1.0, 1.05, 1.0, 1.05, 1.25, 1.3, 0.75, 0.95, 1.05, 1.0, 1.0]),
    False: np.array([1.05, 1.0, 1.0, 0.95, 0.95, 1.0, 1.15, 1.05, 0.95, 1.0, 0.95, 0.95]),
}
WEEKDAY_RHYTHM = {
    True: np.array([0.75, 0.9, 1.45, 0.9, 1.0, 1.6, 0.8]),
    False: np.array([1.0, 1.05, 1.0, 1.05, 1.0, 1.25, 0.8]),
}


@dataclass(frozen=True)
class Circulation:
    """One entry per action, sorted by day and minute."""

    day: np.ndarray  # day offset
    minute: np.ndarray  # minute of the day
    action: np.ndarray  # LOAN, RETURN or RENEWAL
    source: np.ndarray  # index into SOURCES
    branch: np.ndarray
    item: np.ndarray  # index into the collection
    segment: np.ndarray  # index into the members' segments


def generate_circulation(
    calendar: Calendar,
    members: Members,
    collection: Collection,
    branches: list[str],
    scale: float,
    seed: int,
) -> Circulation:
    pools = _Pools(members, collection)
    loans = [
        _loans(random_stream(seed, "loans", name, int(youth)), calendar, pools, name, youth, scale)
        for name in branches
        for youth in (True, False)
    ]
    merged = {key: np.concatenate([part[key] for part in loans]) for key in loans[0]}
    actions = _follow_up(random_stream(seed, "follow-up"), calendar, merged)
    in_window = actions["day"] <= calendar.window.n_days - 1
    actions = {key: values[in_window] for key, values in actions.items()}
    order = np.argsort(actions["day"] * 1440 + actions["minute"], kind="stable")
    return Circulation(**{key: values[order] for key, values in actions.items()})


class _Pools:
    """Weighted draws of items and subscription segments, restricted to a date."""

    def __init__(self, members: Members, collection: Collection) -> None:
        self.members = members
        self.collection = collection
        self._cache: dict[tuple[str, int | None, bool], tuple[np.ndarray, np.ndarray]] = {}

    def items(
        self, rng: np.random.Generator, branch: int, youth: bool, days: np.ndarray
    ) -> np.ndarray:
        key = ("items", branch, youth)
        if key not in self._cache:
            c = self.collection
            chosen = np.flatnonzero((c.branch == branch) & (c.youth == youth))
            self._cache[key] = (chosen, np.cumsum(c.popularity[chosen]))
        chosen, cumulative = self._cache[key]
        c = self.collection
        return _draw_running(rng, chosen, cumulative, c.acquired, c.discarded - 1, days)

    def segments(
        self, rng: np.random.Generator, branch: int | None, youth: bool, days: np.ndarray
    ) -> np.ndarray:
        key = ("segments", branch, youth)
        m = self.members
        if key not in self._cache:
            mask = m.segment_youth == youth
            if branch is not None:
                mask &= m.segment_branch == branch
            chosen = np.flatnonzero(mask)
            weights = m.activity[m.segment_person[chosen]]
            self._cache[key] = (chosen, np.cumsum(weights))
        chosen, cumulative = self._cache[key]
        return _draw_running(rng, chosen, cumulative, m.segment_start, m.segment_end, days)


def _draw_running(
    rng: np.random.Generator,
    chosen: np.ndarray,
    cumulative: np.ndarray,
    first: np.ndarray,
    last: np.ndarray,
    days: np.ndarray,
) -> np.ndarray:
    """For each day a weighted draw among `chosen` whose first..last days cover it (-1: none).

    Rejection sampling in vectorised rounds: draw for all, keep those that cover their day,
    draw again for the rest.
    """
    found = np.full(days.size, -1, dtype=np.int64)
    if chosen.size == 0 or cumulative[-1] <= 0:
        return found
    todo = np.arange(days.size)
    for _ in range(MAX_DRAWS):
        if todo.size == 0:
            break
        picks = chosen[np.searchsorted(cumulative, rng.random(todo.size) * cumulative[-1], "right")]
        covers = (first[picks] <= days[todo]) & (last[picks] >= days[todo])
        found[todo[covers]] = picks[covers]
        todo = todo[~covers]
    return found


def _loans(
    rng: np.random.Generator,
    calendar: Calendar,
    pools: _Pools,
    name: str,
    youth: bool,
    scale: float,
) -> dict[str, np.ndarray]:
    profile = PROFILES[name]
    branch = profile.index
    window = calendar.window
    share = YOUTH_LOAN_SHARE if youth else 1 - YOUTH_LOAN_SHARE
    growth = YOUTH_LOAN_GROWTH if youth else ADULT_LOAN_GROWTH
    n = window.n_days
    weights = (
        calendar.open_in_window(branch)
        * MONTH_RHYTHM[youth][calendar.month[:n] - 1]
        * WEEKDAY_RHYTHM[youth][calendar.weekday[:n]]
        * (1 + growth) ** calendar.years_in[:n]
    )
    per_year = LOANS_HEEMSTEDE * profile.loan_size * share * scale
    days = day_weights_to_days(rng, weights, per_year, window)
    items = pools.items(rng, branch, youth, days)
    youth_borrower = rng.random(days.size) < YOUTH_BORROWER_SHARE[youth]
    local = rng.random(days.size) < LOCAL_BORROWER_SHARE
    segments = np.full(days.size, -1, dtype=np.int64)
    for is_local in (True, False):
        for is_youth in (True, False):
            group = (local == is_local) & (youth_borrower == is_youth)
            home = branch if is_local else None
            segments[group] = pools.segments(rng, home, is_youth, days[group])
    ok = (items >= 0) & (segments >= 0)
    days = days[ok]
    return {
        "day": days.astype(np.int32),
        "minute": _minutes_open(rng, calendar, np.full(days.size, branch), days, 2.0, 1.6),
        "action": np.full(days.size, LOAN, dtype=np.int8),
        "source": np.where(rng.random(days.size) < 0.82, SELFSERVICE, DESK).astype(np.int8),
        "branch": np.full(days.size, branch, dtype=np.int8),
        "item": items[ok].astype(np.int32),
        "segment": segments[ok].astype(np.int32),
    }


def _minutes_open(
    rng: np.random.Generator,
    calendar: Calendar,
    branch: np.ndarray,
    days: np.ndarray,
    a: float,
    b: float,
) -> np.ndarray:
    """Minutes within the day's opening hours, Beta(a, b) distributed over the open span."""
    opens = calendar.open_minute[branch, days].astype(np.int32)
    closes = calendar.close_minute[branch, days].astype(np.int32)
    span = np.maximum(closes - opens - 1, 0)
    return (opens + (rng.beta(a, b, days.size) * span).astype(np.int32)).astype(np.int16)


def _follow_up(
    rng: np.random.Generator, calendar: Calendar, loans: dict[str, np.ndarray]
) -> dict[str, np.ndarray]:
    """Renewals and returns for every loan, appended to the loans."""
    n = loans["day"].size
    renewals = rng.choice(3, size=n, p=RENEWALS_PER_LOAN)
    last_day = loans["day"].astype(np.int64)
    parts = [loans]
    for round_ in (1, 2):
        renewed = np.flatnonzero(renewals >= round_)
        day = last_day[renewed] + rng.integers(10, 22, renewed.size)
        source = rng.choice(3, size=renewed.size, p=(0.15, 0.10, 0.75)).astype(np.int8)
        part = _action_at(rng, calendar, loans, renewed, day, source, RENEWAL)
        last_day[renewed] = part["day"]
        parts.append(part)
    returned = np.flatnonzero(rng.random(n) >= LOST_SHARE)
    first_gap = 7 + np.round(rng.gamma(2.0, 5.0, returned.size)).astype(np.int64)
    gap = np.where(
        renewals[returned] == 0, np.minimum(first_gap, 70), rng.integers(1, 22, returned.size)
    )
    source = np.where(rng.random(returned.size) < 0.85, SELFSERVICE, DESK).astype(np.int8)
    parts.append(
        _action_at(rng, calendar, loans, returned, last_day[returned] + gap, source, RETURN)
    )
    return {key: np.concatenate([part[key] for part in parts]) for key in loans}


def _action_at(
    rng: np.random.Generator,
    calendar: Calendar,
    loans: dict[str, np.ndarray],
    which: np.ndarray,
    day: np.ndarray,
    source: np.ndarray,
    action: int,
) -> dict[str, np.ndarray]:
    """An action on loans `which`: at the counter or selfservice on the next open day, online
    on the day itself at any hour."""
    branch = loans["branch"][which].astype(np.int64)
    last = calendar.window.horizon - 1  # a day past the window: dropped later
    online = source == INTERNET
    day = np.minimum(day, last)
    day = np.where(online, day, np.minimum(calendar.next_open[branch, day], last))
    minute = np.where(
        online,
        (7 * 60 + rng.beta(2.0, 1.4, which.size) * (17 * 60 - 1)).astype(np.int16),
        _minutes_open(rng, calendar, branch, day, 1.6, 1.6),
    )
    return {
        "day": day.astype(np.int32),
        "minute": minute.astype(np.int16),
        "action": np.full(which.size, action, dtype=np.int8),
        "source": source,
        "branch": loans["branch"][which],
        "item": loans["item"][which],
        "segment": loans["segment"][which],
    }
