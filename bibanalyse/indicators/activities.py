"""Activities: sessions and their participants per goal (indicators ``activiteiten``,
``deelnemers``), communities (``communities``), and participants by kind for figures.

One row of ``activiteiten`` is one session. A session tagged with two goals (``1.2;3.2``)
counts under both. Participants are ``aantal_deelnemers`` where given; where that is empty
and ``aantal_klassen`` is given, the number of classes times the average class size (a
setting, default 23); a session with neither still counts as a session but adds no
participants.

>>> sessions = pd.DataFrame({
...     "datum": pd.to_datetime(["2025-03-01", "2025-04-01"]),
...     "soort": ["Voorlezen", "Klassenbezoek"],
...     "prestatieafspraken": ["1.2", "1.2;4.2"],
...     "community": [None, None],
...     "aantal_deelnemers": pd.array([12, None], dtype="Int64"),
...     "aantal_klassen": pd.array([None, 2], dtype="Int64"),
...     "vestiging": ["Heemstede", "Heemstede"],
... })
>>> from bibanalyse.periods import Period
>>> sessions_by_goal(sessions, Period.parse("2025-H1"))
  afspraak  activiteiten  deelnemers
0      1.2             2          58
1      4.2             1          46
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd

from bibanalyse.config import DEFAULT_CLASS_SIZE
from bibanalyse.indicators._common import (
    check_class_size,
    check_columns,
    check_period,
    goal_tags,
    in_branches,
    in_period,
)

if TYPE_CHECKING:
    from bibanalyse.periods import Period

PARTICIPANTS = "deelnemers"  # the column of counted participants in the frames for figures
_COLUMNS = ("datum", "prestatieafspraken", "aantal_deelnemers", "aantal_klassen", "vestiging")


def participants(activiteiten: pd.DataFrame, *, class_size: int = DEFAULT_CLASS_SIZE) -> pd.Series:
    """Participants per session (Int64): ``aantal_deelnemers`` where given, else
    ``aantal_klassen * class_size``, else missing.

    >>> sessions = pd.DataFrame({
    ...     "aantal_deelnemers": pd.array([12, None, None, 0], dtype="Int64"),
    ...     "aantal_klassen": pd.array([1, 2, None, None], dtype="Int64"),
    ... })
    >>> participants(sessions, class_size=25).tolist()
    [12, 50, <NA>, 0]
    """
    check_columns(activiteiten, ("aantal_deelnemers", "aantal_klassen"), "activiteiten")
    class_size = check_class_size(class_size)
    given = activiteiten["aantal_deelnemers"].astype("Int64")
    by_classes = activiteiten["aantal_klassen"].astype("Int64") * class_size
    return given.fillna(by_classes).rename("deelnemers")


def sessions_in(
    activiteiten: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """The sessions in ``period`` at ``branches`` (all when None), numbered afresh."""
    check_columns(activiteiten, _COLUMNS, "activiteiten")
    chosen = in_period(activiteiten["datum"], check_period(period)) & in_branches(
        activiteiten, branches
    )
    return activiteiten.loc[chosen.astype(bool)].reset_index(drop=True)


def sessions_by_goal(
    activiteiten: pd.DataFrame,
    period: Period,
    *,
    branches: Collection[str] | None = None,
    class_size: int = DEFAULT_CLASS_SIZE,
) -> pd.DataFrame:
    """Per goal id with at least one session in ``period``: ``afspraak``, ``activiteiten``
    (sessions tagged with it) and ``deelnemers`` (their participants), sorted by goal id."""
    sessions = sessions_in(activiteiten, period, branches=branches)
    tags = goal_tags(sessions["prestatieafspraken"])
    counted = participants(sessions, class_size=class_size).reindex(tags.index)
    per_goal = pd.DataFrame({"afspraak": tags.to_numpy(), "deelnemers": counted.to_numpy()})
    result = (
        per_goal.groupby("afspraak")
        .agg(activiteiten=("deelnemers", "size"), deelnemers=("deelnemers", "sum"))
        .reset_index()
    )
    result["afspraak"] = result["afspraak"].astype(str)
    return result.astype({"activiteiten": "int64", "deelnemers": "int64"})


def count_activities(
    activiteiten: pd.DataFrame,
    period: Period,
    goal: str | None = None,
    *,
    branches: Collection[str] | None = None,
) -> int:
    """Sessions in ``period`` tagged with ``goal`` (every session when ``goal`` is None)."""
    sessions = _tagged(sessions_in(activiteiten, period, branches=branches), goal)
    return len(sessions)


def count_participants(
    activiteiten: pd.DataFrame,
    period: Period,
    goal: str | None = None,
    *,
    branches: Collection[str] | None = None,
    class_size: int = DEFAULT_CLASS_SIZE,
) -> int:
    """Participants of the sessions in ``period`` tagged with ``goal`` (all when None)."""
    sessions = _tagged(sessions_in(activiteiten, period, branches=branches), goal)
    return int(participants(sessions, class_size=class_size).sum())


def count_communities(
    activiteiten: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """Distinct communities (``community``, ignoring case and spaces) with at least one
    session in ``period``."""
    check_columns(activiteiten, ("community",), "activiteiten")
    names = sessions_in(activiteiten, period, branches=branches)["community"].dropna()
    names = names.astype(str).str.strip().str.casefold()
    return int(names[names != ""].nunique())


def participants_by_kind(
    activiteiten: pd.DataFrame,
    period: Period,
    *,
    branches: Collection[str] | None = None,
    class_size: int = DEFAULT_CLASS_SIZE,
) -> pd.DataFrame:
    """Per ``soort`` of activity in ``period``: ``activiteiten`` (sessions) and
    ``deelnemers``, most participants first; each session once, whatever its goals."""
    check_columns(activiteiten, ("soort",), "activiteiten")
    sessions = sessions_in(activiteiten, period, branches=branches)
    frame = pd.DataFrame(
        {
            "soort": sessions["soort"].fillna("onbekend").astype(str),
            "deelnemers": participants(sessions, class_size=class_size),
        }
    )
    result = (
        frame.groupby("soort")
        .agg(activiteiten=("deelnemers", "size"), deelnemers=("deelnemers", "sum"))
        .reset_index()
        .astype({"activiteiten": "int64", "deelnemers": "int64"})
    )
    return result.sort_values(["deelnemers", "soort"], ascending=[False, True], ignore_index=True)


def _tagged(sessions: pd.DataFrame, goal: str | None) -> pd.DataFrame:
    if goal is None:
        return sessions
    if not isinstance(goal, str) or not goal.strip():
        raise ValueError(f"a goal is an id such as '1.2', got {goal!r}")
    tags = goal_tags(sessions["prestatieafspraken"])
    return sessions.loc[sessions.index.isin(tags.index[tags == goal.strip()])]
