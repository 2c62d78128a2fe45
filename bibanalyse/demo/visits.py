"""Sample visitor counts (``bezoekerstellingen``): every open hour of about one open day in seven.

There is no visitor counter at Plein1, so staff count on sampled days: one row per open hour
(the hour the count starts), with the occupied and the available workplaces. Occupied places
are counted twice an hour and averaged, hence halves. Visits are busier in the afternoon and on
Saturday and roughly stable over the years; workplace occupancy rises, with peaks in exam time.
"""

from __future__ import annotations

import numpy as np

from .formats import Codes, Days, Frame
from .opening import Calendar, hours_change_date
from .organisation import BRANCH_NAMES, PROFILES
from .window import random_stream

SAMPLED_SHARE = 1 / 7
VISITS_PER_HOUR_HEEMSTEDE = 52
VISIT_GROWTH = 0.005
OCCUPANCY_START, OCCUPANCY_GROWTH = 0.32, 0.05  # share of workplaces; points a year
WEEKDAY_RHYTHM = np.array([0.9, 1.0, 1.15, 1.0, 0.95, 1.4, 1.1])
EXAM_MONTHS = (1, 5, 6, 12)


def hour_rhythm(hour: np.ndarray) -> np.ndarray:
    """Relative visits by the hour a count starts: quiet mornings, busy afternoons."""
    return np.interp(
        hour, [9, 11, 13, 15, 16, 17, 18, 19, 20], [0.55, 0.8, 1.0, 1.35, 1.4, 1.2, 0.85, 0.7, 0.6]
    )


def generate_visits(calendar: Calendar, branches: list[str], scale: float, seed: int) -> Frame:
    window = calendar.window
    change = window.day(hours_change_date(window))
    parts = []
    for name in branches:
        rng = random_stream(seed, "bezoekers", name)
        profile = PROFILES[name]
        open_days = np.flatnonzero(calendar.open_in_window(profile.index))
        n_sampled = round(open_days.size * SAMPLED_SHARE)
        sampled = np.sort(rng.choice(open_days, size=n_sampled, replace=False))
        first_hour = calendar.open_minute[profile.index, sampled] // 60
        last_hour = (calendar.close_minute[profile.index, sampled] - 1) // 60
        hours_per_day = (last_hour - first_hour + 1).astype(np.int64)
        day = np.repeat(sampled, hours_per_day)
        hour = np.repeat(first_hour, hours_per_day) + _positions_within(hours_per_day)
        years_in = calendar.years_in[day]
        expected = (
            VISITS_PER_HOUR_HEEMSTEDE
            * profile.loan_size
            * scale
            * hour_rhythm(hour)
            * WEEKDAY_RHYTHM[calendar.weekday[day]]
            * (1 + VISIT_GROWTH) ** years_in
            * np.where(np.isin(calendar.month[day], (7, 8)), 0.85, 1.0)
        )
        later = profile.changed_workplaces or profile.workplaces
        workplaces = np.where(day >= change, later, profile.workplaces)
        workplaces = np.maximum(np.round(workplaces * scale), 1).astype(np.int64)
        occupancy = (
            (OCCUPANCY_START + OCCUPANCY_GROWTH * years_in)
            * hour_rhythm(hour)
            * np.where(np.isin(calendar.month[day], EXAM_MONTHS), 1.25, 1.0)
        )
        two_counts = rng.binomial(
            workplaces[:, None], np.clip(occupancy, 0, 1)[:, None], (day.size, 2)
        )
        parts.append(
            {
                "day": day,
                "branch": np.full(day.size, profile.index),
                "hour": hour,
                "visitors": rng.poisson(expected),
                "occupied": two_counts.sum(axis=1) / 2,
                "available": workplaces,
            }
        )
    rows = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    order = np.lexsort((rows["hour"], rows["branch"], rows["day"]))
    rows = {key: values[order] for key, values in rows.items()}
    return {
        "Vestiging": Codes(rows["branch"].astype(np.int8), BRANCH_NAMES),
        "Datum": Days(rows["day"].astype(np.int32)),
        "Uur": rows["hour"].astype(np.int64),
        "Bezoekers": rows["visitors"].astype(np.int64),
        "Bezette werkplekken": [_decimal_comma(v) for v in rows["occupied"].tolist()],
        "Beschikbare werkplekken": rows["available"].astype(np.int64),
    }


def _positions_within(group_sizes: np.ndarray) -> np.ndarray:
    """0, 1, ... within each consecutive group: [2, 3] -> [0, 1, 0, 1, 2]."""
    starts = np.repeat(np.cumsum(group_sizes) - group_sizes, group_sizes)
    return np.arange(int(group_sizes.sum())) - starts


def _decimal_comma(value: float) -> str:
    return f"{value:.1f}".replace(".", ",").removesuffix(",0")
