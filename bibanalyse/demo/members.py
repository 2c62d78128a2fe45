"""Members and their subscription periods (the Wise ``abonnementen`` export).

A branch starts the window with a stock of members (about 57% youth) whose subscriptions began
before the window, so the member count on the first day is right. During the window members
quit (about 9% a year), new members join (mostly young children and adults), youth members turn
18 and either convert to an adult subscription or leave, and some adults switch subscription.
Each subscription period is a *segment*: one row of the export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .organisation import (
    BRANCH_NAMES,
    NEIGHBOURS,
    PROFILES,
    BranchProfile,
    postcode_pool,
    profile_of,
)
from .window import DAYS_PER_YEAR, OPEN_END, Window, day_weights_to_days, random_stream

MEMBERS_HEEMSTEDE = 7_000
YOUTH_SHARE = 0.57
QUIT_RATE = 0.085  # a year
CONVERT_AT_18 = 0.55
ADULT_SWITCH_SHARE = 0.12
INACTIVE_SHARE = 0.2  # members who borrow nothing
YOUTH_GROWTH, ADULT_GROWTH = 0.01, -0.01  # a year, members
OUTSIDE_MUNICIPALITY_SHARE = 0.08

YOUTH_SUBSCRIPTION = "Jeugd 0-17"
SUBSCRIPTIONS = (YOUTH_SUBSCRIPTION, "Basis", "Plus", "Totaal")
ADULT_MIX = (0.3, 0.5, 0.2)

# Age in whole years -> relative weight, among youth members and among adult members.
YOUTH_AGES = np.array([1, 2, 3, 4, 6, 7, 7.5, 8, 8, 8, 7.5, 7, 6, 5, 4, 3.2, 2.6, 2.2])
ADULT_AGES = np.concatenate(
    [
        np.full(7, 1.2),  # 18-24
        np.full(10, 1.4),  # 25-34
        np.full(10, 2.2),  # 35-44
        np.full(10, 1.8),  # 45-54
        np.full(10, 1.9),  # 55-64
        np.full(10, 2.6),  # 65-74
        np.full(10, 1.8),  # 75-84
        np.full(8, 0.6),  # 85-92
    ]
)
YOUTH_JOIN_AGES = np.array([5, 1.5, 1, 1.5, 4, 4, 3.5, 3, 2, 1.5, 1.2, 1, 0.8, 0.5, 0.4, 0.3, 0.3])


@dataclass(frozen=True)
class Members:
    """People (one entry per member) and their subscription segments."""

    card: np.ndarray  # int64 Lenersnummer
    birth: np.ndarray  # day offset
    branch: np.ndarray  # home branch index
    postcode: np.ndarray  # index into postcodes
    postcodes: list[str]
    woonplaats: np.ndarray  # index into woonplaatsen
    woonplaatsen: list[str]
    activity: np.ndarray  # how much the member borrows, relative
    segment_person: np.ndarray
    segment_start: np.ndarray
    segment_end: np.ndarray  # inclusive, OPEN_END while running
    segment_subscription: np.ndarray  # index into SUBSCRIPTIONS

    @property
    def segment_youth(self) -> np.ndarray:
        return self.segment_subscription == 0

    @property
    def segment_branch(self) -> np.ndarray:
        return self.branch[self.segment_person]


def generate_members(window: Window, branches: list[str], scale: float, seed: int) -> Members:
    parts = [
        _branch_members(random_stream(seed, "members", name), PROFILES[name], window, scale)
        for name in branches
    ]
    return _combine(parts, window, seed)


def _sample_ages(rng: np.random.Generator, weights: np.ndarray, first: int, n: int) -> np.ndarray:
    whole = rng.choice(weights.size, size=n, p=weights / weights.sum()) + first
    return whole + rng.random(n)


def _eighteenth_birthday(birth: np.ndarray, window: Window) -> np.ndarray:
    dates = window.datetime64(birth)
    months = dates.astype("datetime64[M]")
    day_in_month = (dates - months.astype("datetime64[D]")).astype(np.int64)
    birthday = (months + 18 * 12).astype("datetime64[D]") + day_in_month
    return (birthday - np.datetime64(window.start, "D")).astype(np.int64)


def _branch_members(
    rng: np.random.Generator, profile: BranchProfile, window: Window, scale: float
) -> dict[str, np.ndarray]:
    stock = max(round(MEMBERS_HEEMSTEDE * profile.size * scale), 10)
    n_youth = round(stock * YOUTH_SHARE)
    n_adult = stock - n_youth
    # The stock on the window's first day, with how long each has been a member.
    age = np.concatenate(
        [_sample_ages(rng, YOUTH_AGES, 0, n_youth), _sample_ages(rng, ADULT_AGES, 18, n_adult)]
    )
    years_member = np.where(
        age < 18, rng.random(stock) * age, np.minimum(rng.exponential(9.0, stock), age - 0.2)
    )
    birth = -np.round(age * DAYS_PER_YEAR).astype(np.int64)
    join = np.maximum(-np.round(years_member * DAYS_PER_YEAR).astype(np.int64), birth)
    # Joiners during the window, sized to replace those who quit or turn 18, plus growth.
    share_turning_18 = YOUTH_AGES[-1] / YOUTH_AGES.sum()
    youth_per_year = n_youth * (QUIT_RATE + share_turning_18 + YOUTH_GROWTH)
    adult_per_year = (
        n_adult * (QUIT_RATE + ADULT_GROWTH) - n_youth * share_turning_18 * CONVERT_AT_18
    )
    new_youth = _join_days(rng, window, youth_per_year)
    new_adult = _join_days(rng, window, max(adult_per_year, 0.0))
    new_youth_age = _sample_ages(rng, YOUTH_JOIN_AGES, 0, new_youth.size)
    new_adult_age = _sample_ages(rng, ADULT_AGES, 18, new_adult.size)
    join = np.concatenate([join, new_youth, new_adult])
    new_age = np.concatenate([new_youth_age, new_adult_age])
    birth = np.concatenate(
        [birth, join[stock:] - np.round(new_age * DAYS_PER_YEAR).astype(np.int64)]
    )
    # Quitting is memoryless: count from the window's start or from joining.
    quit_ = np.maximum(join, 0) + np.round(
        rng.exponential(1 / QUIT_RATE, join.size) * DAYS_PER_YEAR
    )
    return {
        "join": join,
        "birth": birth,
        "quit": quit_.astype(np.int64),
        "converts": rng.random(join.size) < CONVERT_AT_18,
        "branch": np.full(join.size, profile.index, dtype=np.int8),
    }


def _join_days(rng: np.random.Generator, window: Window, per_year: float) -> np.ndarray:
    months = window.datetime64(np.arange(window.n_days)).astype("datetime64[M]").astype(int) % 12
    month_weight = np.array([1.2, 1.0, 1.0, 0.9, 0.9, 0.9, 0.7, 0.8, 1.6, 1.2, 1.0, 0.8])[months]
    return day_weights_to_days(rng, month_weight, per_year, window).astype(np.int64)


def _combine(parts: list[dict[str, np.ndarray]], window: Window, seed: int) -> Members:
    people = {key: np.concatenate([part[key] for part in parts]) for key in parts[0]}
    rng = random_stream(seed, "members", "segments")
    birth, join, quit_ = people["birth"], people["join"], people["quit"]
    turns_18 = _eighteenth_birthday(birth, window)
    joined_young = join < turns_18
    # A member who joined young and is an adult at the window's start did convert.
    converts = people["converts"] | (joined_young & (turns_18 <= 0))
    person = np.arange(join.size)
    youth_end = np.minimum(quit_, turns_18 - 1)
    has_adult = ~joined_young | (converts & (quit_ >= turns_18))
    adult_start = np.where(joined_young, turns_18, join)
    starts = np.concatenate([join[joined_young], adult_start[has_adult]])
    ends = np.concatenate([youth_end[joined_young], quit_[has_adult]])
    owners = np.concatenate([person[joined_young], person[has_adult]])
    n_youth_segments = int(joined_young.sum())
    kinds = np.concatenate(
        [
            np.zeros(n_youth_segments, dtype=np.int8),
            rng.choice([1, 2, 3], size=int(has_adult.sum()), p=ADULT_MIX).astype(np.int8),
        ]
    )
    starts, ends, owners, kinds = _switch_adult_subscriptions(rng, starts, ends, owners, kinds)
    # Keep segments that began by `until`; those still running then have no end.
    keep = starts <= window.n_days - 1
    ends = np.where(ends > window.n_days - 1, OPEN_END, ends)
    order = np.lexsort((starts[keep], owners[keep]))
    return _with_person_details(
        rng, people, owners[keep][order], starts[keep][order], ends[keep][order], kinds[keep][order]
    )


def _switch_adult_subscriptions(
    rng: np.random.Generator,
    starts: np.ndarray,
    ends: np.ndarray,
    owners: np.ndarray,
    kinds: np.ndarray,
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Split some long adult segments in two, the second with another adult subscription."""
    long_adult = (kinds > 0) & (ends - starts > 400)
    switches = long_adult & (rng.random(kinds.size) < ADULT_SWITCH_SHARE)
    at = starts + 1 + (rng.random(kinds.size) * (ends - starts - 1)).astype(np.int64)
    new_kind = ((kinds - 1 + rng.integers(1, 3, kinds.size)) % 3 + 1).astype(np.int8)
    return (
        np.concatenate([starts, at[switches]]),
        np.concatenate([np.where(switches, at - 1, ends), ends[switches]]),
        np.concatenate([owners, owners[switches]]),
        np.concatenate([kinds, new_kind[switches]]),
    )


def _with_person_details(
    rng: np.random.Generator,
    people: dict[str, np.ndarray],
    owners: np.ndarray,
    starts: np.ndarray,
    ends: np.ndarray,
    kinds: np.ndarray,
) -> Members:
    branch = people["branch"]
    lives, postcode, postcodes, woonplaatsen = _addresses(rng, branch)
    activity = rng.lognormal(0.0, 0.9, branch.size) * (rng.random(branch.size) >= INACTIVE_SHARE)
    return Members(
        card=_card_numbers(rng, branch),
        birth=people["birth"].astype(np.int32),
        branch=branch,
        postcode=postcode,
        postcodes=postcodes,
        woonplaats=lives,
        woonplaatsen=woonplaatsen,
        activity=activity,
        segment_person=owners.astype(np.int32),
        segment_start=starts.astype(np.int32),
        segment_end=np.minimum(ends, OPEN_END).astype(np.int32),
        segment_subscription=kinds.astype(np.int8),
    )


def _addresses(
    rng: np.random.Generator, branch: np.ndarray
) -> tuple[np.ndarray, np.ndarray, list[str], list[str]]:
    """Woonplaats and full postcode: mostly the branch's municipality, some a neighbour's."""
    home_names = [profile_of(b).municipality for b in range(len(BRANCH_NAMES))]
    places = sorted(set(home_names) | {NEIGHBOURS[m] for m in home_names})
    pools = [postcode_pool(random_stream(0, "postcodes", place), place) for place in places]
    first_code = np.cumsum([0] + [len(pool) for pool in pools])
    home = np.array([places.index(m) for m in home_names])[branch]
    neighbour = np.array([places.index(NEIGHBOURS[m]) for m in home_names])[branch]
    lives = np.where(rng.random(branch.size) < OUTSIDE_MUNICIPALITY_SHARE, neighbour, home)
    within = (rng.random(branch.size) * np.diff(first_code)[lives]).astype(np.int64)
    postcode = (first_code[lives] + within).astype(np.int32)
    return lives.astype(np.int8), postcode, [code for pool in pools for code in pool], places


def _card_numbers(rng: np.random.Generator, branch: np.ndarray) -> np.ndarray:
    """Unique 14-digit library card barcodes: 2114, the branch digit, nine random digits."""
    card = np.empty(branch.size, dtype=np.int64)
    for b in np.unique(branch):  # one step per branch, not per member
        mine = branch == b
        prefix = (2114 * 10 + profile_of(b).barcode_digit) * 10**9
        card[mine] = prefix + rng.choice(10**9, size=int(mine.sum()), replace=False)
    return card
