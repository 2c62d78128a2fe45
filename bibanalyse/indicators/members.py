"""Members: subscriptions running on a day, youth members, and their share of the young
residents (indicators ``leden_begin``, ``leden_eind``, ``jeugdleden_begin``,
``jeugdleden_eind``, ``jeugdleden_aandeel``).

Members are counted by home branch (``vestiging``): pass the municipality's branches.

>>> subscriptions = pd.DataFrame({
...     "lener": ["a", "b", "c"],
...     "geboortejaar": [2015, 1980, 1990],
...     "vestiging": ["Heemstede"] * 3,
...     "jeugdabonnement": [False, False, False],
...     "ingangsdatum": pd.to_datetime(["2020-01-01", "2024-05-01", "2025-07-01"]),
...     "einddatum": pd.to_datetime([None, None, None]),
... })
>>> members_on(subscriptions, date(2025, 6, 30)), youth_members_on(subscriptions, date(2025, 6, 30))
(2, 1)
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Collection
from datetime import date
from typing import Any

import numpy as np
import pandas as pd

from bibanalyse.indicators._common import (
    as_day,
    check_columns,
    in_branches,
    in_municipality,
    running_on,
)

YOUTH_AGE_LIMIT = 18
"""Youth means under 18 (KB / CBS definition)."""

_SUBSCRIPTION_COLUMNS = ("lener", "vestiging", "ingangsdatum", "einddatum")
_AGE_GROUP = re.compile(r"\s*(\d+)\s*(?:-|–|t/m|tot en met)\s*(\d+)\s*(?:jaar)?\s*")
_AGE_GROUP_OPEN = re.compile(r"\s*(\d+)\s*(?:\+|jaar en ouder|en ouder)\s*")


def age_on(birth_years: pd.Series, day: date) -> pd.Series:
    """The age reached in the calendar year of ``day``: ``day.year - geboortejaar``.

    Processed data keeps only the birth year (privacy), so this is exact on 31 December
    and otherwise counts a person as the age they reach in that calendar year: on
    1 January 2025 someone born in 2007 counts as 18, though they may still be 17.
    Missing birth years give a missing age.

    >>> age_on(pd.Series([2007, 2008, None], dtype="Int64"), date(2025, 1, 1)).tolist()
    [18, 17, <NA>]
    """
    return as_day(day).year - birth_years.astype("Int64")


def is_youth(abonnementen: pd.DataFrame, day: date) -> pd.Series:
    """Which subscriptions are youth subscriptions on ``day``: ``jeugdabonnement`` (the name
    says jeugd) or the holder is under 18 by :func:`age_on`."""
    check_columns(abonnementen, ("jeugdabonnement", "geboortejaar"), "abonnementen")
    by_name = abonnementen["jeugdabonnement"].astype("boolean").fillna(False)
    by_age = (age_on(abonnementen["geboortejaar"], day) < YOUTH_AGE_LIMIT).fillna(False)
    return (by_name | by_age).astype(bool)


def running_subscriptions(
    abonnementen: pd.DataFrame, day: date, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """The subscriptions running on ``day`` (``ingangsdatum <= day`` and ``einddatum``
    missing or ``>= day``) with home branch in ``branches`` (all when None)."""
    check_columns(abonnementen, _SUBSCRIPTION_COLUMNS, "abonnementen")
    running = running_on(abonnementen["ingangsdatum"], abonnementen["einddatum"], day)
    return abonnementen.loc[running & in_branches(abonnementen, branches)]


def members_on(
    abonnementen: pd.DataFrame, day: date, *, branches: Collection[str] | None = None
) -> int:
    """Distinct members (``lener``) with a subscription running on ``day``, home branch in
    ``branches``; a member with two running subscriptions counts once."""
    check_columns(abonnementen, _SUBSCRIPTION_COLUMNS, "abonnementen")
    running = running_on(abonnementen["ingangsdatum"], abonnementen["einddatum"], day)
    chosen = (running & in_branches(abonnementen, branches)).to_numpy(dtype=bool)
    return int(abonnementen["lener"][chosen].nunique())


def youth_members_on(
    abonnementen: pd.DataFrame, day: date, *, branches: Collection[str] | None = None
) -> int:
    """Distinct members with a youth subscription (see :func:`is_youth`) running on ``day``."""
    running = running_subscriptions(abonnementen, day, branches=branches)
    return int(running.loc[is_youth(running, day), "lener"].nunique())


def population(bevolking: pd.DataFrame, year: int, *, municipality: str | None = None) -> float:
    """Residents of ``municipality`` (all when None) in ``year``, every age group; NaN when
    the year is absent.

    >>> residents = pd.DataFrame({
    ...     "jaar": [2025, 2025, 2024], "gemeente": ["Heemstede"] * 3,
    ...     "leeftijd": ["0-17", "18+", "0-17"], "aantal": [600, 5000, 590],
    ... })
    >>> population(residents, 2025), population(residents, 2023)
    (5600.0, nan)
    """
    check_columns(bevolking, ("jaar", "gemeente", "aantal"), "bevolking")
    rows = bevolking.loc[(bevolking["jaar"] == year) & in_municipality(bevolking, municipality)]
    return float(rows["aantal"].sum()) if len(rows) else float("nan")


def youth_population(
    bevolking: pd.DataFrame, year: int, *, municipality: str | None = None
) -> float:
    """Residents aged 0-17 of ``municipality`` in ``year``: the sum of the age groups
    within 0-17 (``0-3``, ``4-11``, ``12-17``), or the group ``0-17`` itself where given.

    Missing (NaN) when the year is absent or when the groups within 0-17 do not cover every
    age 0 to 17 exactly once (e.g. a group ``15-24`` straddling 18): a share computed on a
    partial population would mislead.

    >>> population = pd.DataFrame({
    ...     "jaar": [2025] * 4, "gemeente": ["Heemstede"] * 4,
    ...     "leeftijd": ["0-3", "4-11", "12-17", "18-64"], "aantal": [100, 300, 200, 5000],
    ... })
    >>> youth_population(population, 2025, municipality="Heemstede")
    600.0
    >>> youth_population(population, 2024, municipality="Heemstede")
    nan
    """
    check_columns(bevolking, ("jaar", "gemeente", "leeftijd", "aantal"), "bevolking")
    if isinstance(year, bool) or not isinstance(year, int | np.integer):
        raise ValueError(f"year must be a whole number, got {year!r}")
    rows = bevolking.loc[(bevolking["jaar"] == year) & in_municipality(bevolking, municipality)]
    if rows.empty:
        return float("nan")
    groups = rows.groupby("leeftijd", sort=False)["aantal"].sum()
    bounds = pd.DataFrame(
        [_age_bounds(label) for label in groups.index], index=groups.index, columns=["van", "tot"]
    )
    youth = bounds[(bounds["van"] >= 0) & (bounds["tot"] < YOUTH_AGE_LIMIT)].sort_values("van")
    whole = youth[(youth["van"] == 0) & (youth["tot"] == YOUTH_AGE_LIMIT - 1)]
    if not whole.empty:
        return float(groups.loc[whole.index[0]])
    tiles = (
        not youth.empty
        and youth["van"].iloc[0] == 0
        and youth["tot"].iloc[-1] == YOUTH_AGE_LIMIT - 1
        and bool((youth["van"].iloc[1:].to_numpy() == youth["tot"].iloc[:-1].to_numpy() + 1).all())
    )
    if not tiles:
        warnings.warn(
            f"bevolking {year}: the age groups {list(groups.index)!r} do not cover 0-17 "
            "exactly; the youth population is left missing",
            stacklevel=2,
        )
        return float("nan")
    return float(groups.loc[youth.index].sum())


def youth_member_share(
    abonnementen: pd.DataFrame,
    bevolking: pd.DataFrame,
    day: date,
    *,
    branches: Collection[str] | None = None,
    municipality: str | None = None,
) -> float:
    """Youth members on ``day`` per resident aged 0-17 in the year of ``day``, as a fraction;
    NaN when that year's population is missing (see :func:`youth_population`)."""
    population = youth_population(bevolking, as_day(day).year, municipality=municipality)
    if not population > 0:
        return float("nan")
    return youth_members_on(abonnementen, day, branches=branches) / population


def _age_bounds(label: Any) -> tuple[float, float]:
    """``"4-11"`` -> (4, 11); ``"65+"`` -> (65, inf); unreadable -> (nan, nan)."""
    text = str(label)
    if match := _AGE_GROUP.fullmatch(text):
        return float(match[1]), float(match[2])
    if match := _AGE_GROUP_OPEN.fullmatch(text):
        return float(match[1]), float("inf")
    return float("nan"), float("nan")
