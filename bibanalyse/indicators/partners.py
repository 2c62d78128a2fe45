"""Partners: partnerships running on a day (indicator ``partners``), per goal and per kind.

A partnership runs on a day when ``start <= day`` and ``einde`` is missing or ``>= day``;
the indicator takes the period's last day. Partners are selected by ``gemeente``. A
partner is counted once per goal or kind even when it has two running partnerships
there (partner names compared ignoring case and spaces).

>>> register = pd.DataFrame({
...     "partner": ["WIJ Heemstede", "Basisschool De Evenaar", "Boekhandel Blokker"],
...     "soort": ["welzijn", "basisonderwijs", "boekhandel"],
...     "gemeente": ["Heemstede"] * 3,
...     "start": pd.to_datetime(["2020-01-01", "2024-09-01", "2021-01-01"]),
...     "einde": pd.to_datetime([None, None, "2024-12-31"]),
...     "prestatieafspraken": ["1.2;2.2", "1.3", "4.1"],
... })
>>> count_partners(register, date(2025, 6, 30)), count_partners(register, date(2025, 6, 30), "1.3")
(2, 1)
"""

from __future__ import annotations

from datetime import date

import pandas as pd

from bibanalyse.indicators._common import check_columns, goal_tags, in_municipality, running_on

_COLUMNS = ("partner", "soort", "gemeente", "start", "einde", "prestatieafspraken")


def running_partners(
    partners: pd.DataFrame, day: date, *, municipality: str | None = None
) -> pd.DataFrame:
    """The partnerships of ``municipality`` (all when None) running on ``day``, numbered
    afresh."""
    check_columns(partners, _COLUMNS, "partners")
    running = running_on(partners["start"], partners["einde"], day)
    chosen = running & in_municipality(partners, municipality)
    return partners.loc[chosen].reset_index(drop=True)


def count_partners(
    partners: pd.DataFrame,
    day: date,
    goal: str | None = None,
    *,
    municipality: str | None = None,
) -> int:
    """Distinct partners with a partnership running on ``day``, tagged with ``goal`` (any
    partnership when ``goal`` is None)."""
    running = running_partners(partners, day, municipality=municipality)
    if goal is not None:
        if not isinstance(goal, str) or not goal.strip():
            raise ValueError(f"a goal is an id such as '1.3', got {goal!r}")
        tags = goal_tags(running["prestatieafspraken"])
        running = running.loc[running.index.isin(tags.index[tags == goal.strip()])]
    return int(_names(running["partner"]).nunique())


def partners_by_goal(
    partners: pd.DataFrame, day: date, *, municipality: str | None = None
) -> pd.DataFrame:
    """Per goal id: ``afspraak`` and ``partners`` (distinct partners running on ``day``
    tagged with it), sorted by goal id; goals without a running partner have no row."""
    running = running_partners(partners, day, municipality=municipality)
    tags = goal_tags(running["prestatieafspraken"])
    frame = pd.DataFrame(
        {
            "afspraak": tags.to_numpy(),
            "partner": _names(running["partner"]).loc[tags.index].to_numpy(),
        }
    )
    result = frame.groupby("afspraak")["partner"].nunique().rename("partners").reset_index()
    return result.astype({"afspraak": str, "partners": "int64"})


def partners_by_kind(
    partners: pd.DataFrame, day: date, *, municipality: str | None = None
) -> pd.DataFrame:
    """Per ``soort``: ``partners`` (distinct partners running on ``day``), most first."""
    running = running_partners(partners, day, municipality=municipality)
    frame = pd.DataFrame(
        {
            "soort": running["soort"].fillna("onbekend").astype(str),
            "partner": _names(running["partner"]),
        }
    )
    result = frame.groupby("soort")["partner"].nunique().rename("partners").reset_index()
    result = result.astype({"soort": str, "partners": "int64"})
    return result.sort_values(["partners", "soort"], ascending=[False, True], ignore_index=True)


def _names(names: pd.Series) -> pd.Series:
    return names.astype(str).str.strip().str.casefold()
