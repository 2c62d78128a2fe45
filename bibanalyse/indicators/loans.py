"""Loans: circulation actions in a period (indicators ``uitleningen``, ``verlengingen``,
``uitleningen_jeugd``, ``actieve_leners``) and a monthly series by segment for figures.

A loan is an action ``uitlening``; renewals (``verlenging``) and returns (``inname``) are no
loans (KB / CBS definition). An action belongs to the period of its calendar day
(``datum``): 30 June 23:59 is in the first half year, 1 July 00:00 in the second.

>>> actions = pd.DataFrame({
...     "datum": pd.to_datetime(["2025-01-02", "2025-01-02", "2025-02-01", "2025-07-01"]),
...     "actie": ["uitlening", "verlenging", "uitlening", "uitlening"],
...     "vestiging": ["Heemstede"] * 4,
...     "jeugd": [True, True, False, True],
...     "lener": ["a", "a", "a", "b"],
... })
>>> from bibanalyse.periods import Period
>>> h1 = Period.parse("2025-H1")
>>> count_loans(actions, h1), count_renewals(actions, h1), count_active_borrowers(actions, h1)
(2, 1, 1)
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bibanalyse.indicators._common import check_columns, check_period, in_branches, in_period

if TYPE_CHECKING:
    from bibanalyse.periods import Period

LOAN = "uitlening"
RETURN = "inname"
RENEWAL = "verlenging"
SEGMENTS = ("jeugd", "volwassenen")
LOANS = "uitleningen"  # the column of counted loans in the frames for figures
"""Segments of the monthly series: loans from youth shelves and from the others."""


def actions_in(
    uitleenacties: pd.DataFrame,
    period: Period,
    action: str,
    *,
    branches: Collection[str] | None = None,
) -> pd.DataFrame:
    """The actions of kind ``action`` (``uitlening``, ``inname`` or ``verlenging``) in
    ``period`` at ``branches`` (all when None)."""
    return uitleenacties.loc[_chosen(uitleenacties, period, action, branches)]


def _chosen(
    uitleenacties: pd.DataFrame, period: Period, action: str, branches: Collection[str] | None
) -> np.ndarray:
    """Which rows :func:`actions_in` keeps; counting these is cheaper than copying them."""
    check_columns(uitleenacties, ("datum", "actie", "vestiging"), "uitleenacties")
    if action not in (LOAN, RETURN, RENEWAL):
        raise ValueError(f"action must be {LOAN!r}, {RETURN!r} or {RENEWAL!r}, got {action!r}")
    chosen = (
        (uitleenacties["actie"] == action).fillna(False)
        & in_period(uitleenacties["datum"], check_period(period))
        & in_branches(uitleenacties, branches)
    )
    return chosen.to_numpy(dtype=bool)


def count_loans(
    uitleenacties: pd.DataFrame,
    period: Period,
    *,
    branches: Collection[str] | None = None,
    youth: bool | None = None,
) -> int:
    """Loans in ``period`` (renewals and returns excluded); only those from youth shelves
    when ``youth`` is True, only the others when False."""
    chosen = _chosen(uitleenacties, period, LOAN, branches)
    if youth is None:
        return int(chosen.sum())
    if youth not in (True, False):
        raise ValueError(f"youth must be True, False or None, got {youth!r}")
    check_columns(uitleenacties, ("jeugd",), "uitleenacties")
    return int((chosen & (_youth(uitleenacties) == youth).to_numpy()).sum())


def count_youth_loans(
    uitleenacties: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """Loans in ``period`` of items on a youth shelf code (``uitleningen_jeugd``)."""
    return count_loans(uitleenacties, period, branches=branches, youth=True)


def count_renewals(
    uitleenacties: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """Renewals (``verlenging``) in ``period``."""
    return int(_chosen(uitleenacties, period, RENEWAL, branches).sum())


def count_active_borrowers(
    uitleenacties: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """Distinct borrowers (``lener``) with at least one loan in ``period``; a renewal alone
    does not make an active borrower."""
    check_columns(uitleenacties, ("lener",), "uitleenacties")
    chosen = _chosen(uitleenacties, period, LOAN, branches)
    return int(uitleenacties["lener"][chosen].nunique())


def monthly_loans_by_segment(
    uitleenacties: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """Loans per month of ``period`` and segment (``jeugd``, ``volwassenen``), for figures:
    columns ``maand`` (first day of the month), ``segment``, ``uitleningen``; every month and
    segment has a row, zero where there were no loans."""
    check_columns(uitleenacties, ("jeugd",), "uitleenacties")
    loans = actions_in(uitleenacties, period, LOAN, branches=branches)
    months = pd.date_range(pd.Timestamp(period.first_day), pd.Timestamp(period.last_day), freq="MS")
    grid = pd.MultiIndex.from_product([months, list(SEGMENTS)], names=["maand", "segment"])
    keys = pd.DataFrame(
        {
            "maand": loans["datum"].dt.to_period("M").dt.to_timestamp(),
            "segment": _youth(loans).map({True: SEGMENTS[0], False: SEGMENTS[1]}),
        }
    )
    counts = keys.groupby(["maand", "segment"]).size().reindex(grid, fill_value=0)
    result = counts.astype("int64").rename(LOANS).reset_index()
    result["segment"] = result["segment"].astype(str)
    return result


def _youth(loans: pd.DataFrame) -> pd.Series:
    return loans["jeugd"].astype("boolean").fillna(False).astype(bool)
