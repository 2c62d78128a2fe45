"""Visits: the visitor estimate from sample counts (indicator ``bezoekers_geschat``, with a
95% interval), workplace occupancy (``werkplekbezetting``) and counts by weekday and hour
for figures.

There is no visitor counter at Plein1: staff count the visitors of some open hours
(``bezoekerstellingen``, usually every hour of a sampled day). The open hours of a period
come from ``openingstijden`` less ``sluitingsdagen``; counts outside them contribute
nothing. See :func:`estimate_from_counts` for the estimator and its interval.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Collection
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from bibanalyse.formatting import WEEKDAYS
from bibanalyse.indicators._common import (
    as_day,
    check_columns,
    check_period,
    in_branches,
    in_period,
)

if TYPE_CHECKING:
    from bibanalyse.periods import Period

_SLOT_KEYS = ["vestiging", "datum", "uur"]
_REST = -1  # the collapsed cell or stratum of a branch's thinly counted weekdays
# Two-sided 97.5% quantiles of Student's t for 1..30 degrees of freedom.
_T_975 = (
    12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228,
    2.201, 2.179, 2.160, 2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086,
    2.080, 2.074, 2.069, 2.064, 2.060, 2.056, 2.052, 2.048, 2.045, 2.042,
)  # fmt: skip
_Z_975 = 1.959964


@dataclass(frozen=True)
class VisitorEstimate:
    """The estimated visits of a period and how they were reached.

    ``lower``/``upper`` bound the 95% interval (NaN when it cannot be computed: a single
    counted day). ``exact`` is True when every open hour was counted: the estimate is then
    the counted sum and the interval has zero width. ``missing_branches`` had open hours
    but no count in the period and are left out of the estimate.
    """

    estimate: float
    lower: float
    upper: float
    counted_visitors: int
    counted_hours: int
    open_hours: int
    counted_days: int
    degrees_of_freedom: int
    exact: bool
    branches: tuple[str, ...] = ()
    missing_branches: tuple[str, ...] = ()


def open_hours(
    openingstijden: pd.DataFrame,
    sluitingsdagen: pd.DataFrame,
    period: Period,
    *,
    branches: Collection[str] | None = None,
) -> pd.DataFrame:
    """The open hour slots of ``period``: columns ``vestiging``, ``datum``, ``weekdag``,
    ``uur``, one row per branch, day and hour slot.

    A day's hours are those of the ``openingstijden`` rows of its branch and weekday with
    the latest ``geldig_vanaf`` on or before the day (several rows with that date, e.g.
    09:00-12:00 and 13:00-17:00, all apply); a weekday without such a row is closed, and
    so is every day in ``sluitingsdagen``. Hour slot ``h`` (``h:00``-``h+1:00``) is open
    when it overlaps ``[open, sluit)``, so 09:30-17:00 opens slots 9 to 16.

    >>> from bibanalyse.periods import Period
    >>> hours = pd.DataFrame({"vestiging": ["Heemstede"], "weekdag": [0], "open": [570],
    ...     "sluit": [720], "geldig_vanaf": pd.to_datetime(["2020-01-01"])})
    >>> closed = pd.DataFrame({"vestiging": ["Heemstede"],
    ...     "datum": pd.to_datetime(["2025-01-13"])})
    >>> slots = open_hours(hours, closed, Period.parse("2025-H1"))
    >>> slots.head(3)
       vestiging      datum  weekdag  uur
    0  Heemstede 2025-01-06        0    9
    1  Heemstede 2025-01-06        0   10
    2  Heemstede 2025-01-06        0   11
    >>> len(slots)  # 26 Mondays less one closing day, 3 slots each
    75
    """
    check_columns(
        openingstijden, ("vestiging", "weekdag", "open", "sluit", "geldig_vanaf"), "openingstijden"
    )
    check_columns(sluitingsdagen, ("vestiging", "datum"), "sluitingsdagen")
    check_period(period)
    schedule = openingstijden.loc[
        in_branches(openingstijden, branches) & openingstijden["geldig_vanaf"].notna()
    ]
    schedule = pd.DataFrame(
        {
            "vestiging": schedule["vestiging"].astype(str),
            "weekdag": schedule["weekdag"].astype("int64"),
            "geldig_vanaf": _days(schedule["geldig_vanaf"]),
            "open": schedule["open"].astype("float64"),
            "sluit": schedule["sluit"].astype("float64"),
        }
    )
    names = sorted(schedule["vestiging"].unique()) if branches is None else sorted(set(branches))
    days = pd.date_range(as_day(period.first_day), as_day(period.last_day), freq="D")
    grid = pd.MultiIndex.from_product([names, days], names=["vestiging", "datum"]).to_frame(
        index=False
    )
    grid["vestiging"] = grid["vestiging"].astype(str)
    grid["datum"] = _days(grid["datum"])
    grid["weekdag"] = grid["datum"].dt.day_of_week.astype("int64")
    versions = schedule[["vestiging", "weekdag", "geldig_vanaf"]].drop_duplicates()
    applied = pd.merge_asof(
        grid.sort_values("datum"),
        versions.sort_values("geldig_vanaf"),
        left_on="datum",
        right_on="geldig_vanaf",
        by=["vestiging", "weekdag"],
        direction="backward",
    ).dropna(subset=["geldig_vanaf"])
    intervals = applied.merge(schedule, on=["vestiging", "weekdag", "geldig_vanaf"])
    hours = np.arange(24)
    slots = intervals.loc[intervals.index.repeat(24), ["vestiging", "datum", "weekdag"]]
    opens = np.repeat(intervals["open"].to_numpy(), 24)
    closes = np.repeat(intervals["sluit"].to_numpy(), 24)
    slot_hours = np.tile(hours, len(intervals))
    is_open = (slot_hours * 60 < closes) & ((slot_hours + 1) * 60 > opens) & (opens < closes)
    slots = slots.assign(uur=slot_hours).loc[is_open]
    closed = sluitingsdagen.loc[in_branches(sluitingsdagen, branches)]
    closed = pd.DataFrame(
        {"vestiging": closed["vestiging"].astype(str), "datum": _days(closed["datum"])}
    ).drop_duplicates()
    slots = slots.merge(closed, on=["vestiging", "datum"], how="left", indicator=True)
    slots = slots.loc[slots["_merge"] == "left_only", ["vestiging", "datum", "weekdag", "uur"]]
    slots = slots.drop_duplicates().sort_values(["vestiging", "datum", "uur"], ignore_index=True)
    return slots.astype({"weekdag": "int64", "uur": "int64"})


def counted_open_hours(bezoekerstellingen: pd.DataFrame, slots: pd.DataFrame) -> pd.DataFrame:
    """The counts of the open ``slots`` (from :func:`open_hours`): the slots' columns and
    ``bezoekers``. Counts outside the slots are left out; two counts of one slot (e.g. at
    two entrances) are added up."""
    check_columns(
        bezoekerstellingen, ("vestiging", "datum", "uur", "bezoekers"), "bezoekerstellingen"
    )
    counts = pd.DataFrame(
        {
            "vestiging": bezoekerstellingen["vestiging"].astype(str),
            "datum": _days(bezoekerstellingen["datum"]),
            "uur": bezoekerstellingen["uur"].astype("int64"),
            "bezoekers": bezoekerstellingen["bezoekers"].astype("float64"),
        }
    ).dropna(subset=["bezoekers"])
    counts = counts.groupby(_SLOT_KEYS, as_index=False)["bezoekers"].sum()
    return slots.merge(counts, on=_SLOT_KEYS, how="inner")


def estimate_visitors(
    bezoekerstellingen: pd.DataFrame,
    openingstijden: pd.DataFrame,
    sluitingsdagen: pd.DataFrame,
    period: Period,
    *,
    branches: Collection[str] | None = None,
) -> VisitorEstimate:
    """Estimate the visits over all open hours of ``period`` from the counted hours
    (``bezoekers_geschat``); see :func:`estimate_from_counts` for the estimator.

    The open hours come from :func:`open_hours`; counts outside them contribute nothing. A
    branch that was closed all period contributes 0; without any opening hours known for
    the branches the estimate is NaN.
    """
    check_period(period)
    check_columns(
        bezoekerstellingen, ("vestiging", "datum", "uur", "bezoekers"), "bezoekerstellingen"
    )
    slots = open_hours(openingstijden, sluitingsdagen, period, branches=branches)
    if slots.empty:
        known = bool(in_branches(openingstijden, branches).any())
        return _without_counts(0.0 if known else float("nan"), 0, ())
    counts = bezoekerstellingen.loc[
        in_period(bezoekerstellingen["datum"], period) & in_branches(bezoekerstellingen, branches)
    ]
    return estimate_from_counts(slots, counts)


def estimate_from_counts(slots: pd.DataFrame, bezoekerstellingen: pd.DataFrame) -> VisitorEstimate:
    """Estimate the visits over the open hour ``slots`` (from :func:`open_hours`) from the
    counts of some of them.

    **Point estimate: stratified by branch x weekday x hour slot.** The estimate is the
    counted visitors plus, for every open hour not counted, the mean of the counted hours
    in its stratum (same branch, weekday and hour slot), i.e. ``sum N_h * mean_h``. A
    stratum without any count borrows the mean of all counted hours of its weekday (an
    evening hour open on some Thursdays only, say). Where a branch has a weekday with open
    hours but not a single counted day, weekdays cannot be told apart: that branch is
    then stratified by hour slot only (all days together; a slot never counted borrows
    the branch mean). When every open hour was counted the estimate is the exact sum.

    **Interval: days are the sampling units.** Counts are taken for whole days, and the
    hours of one day rise and fall together (weather, events, holidays), so they are not
    independent samples and the textbook ``sum N_h^2 (1 - n_h/N_h) s_h^2 / n_h`` would be
    too small. The estimate is a weighted sum ``sum g_i y_i`` of the counted hours; per
    counted day ``z_d`` sums its weighted hours, and per variance stratum (a weekday)
    ``V = (1 - f) * D / (D - 1) * sum (z_d - mean z)^2`` with ``D`` counted days and ``f``
    the fraction of its open hours counted. This equals the textbook formula plus the
    covariances between the hours of a day, and reduces to it when hours are sampled
    independently. A weekday with a single counted day shares a collapsed stratum with
    the branch's other such weekdays (conservative: their differences count as error);
    a stratum left with one day takes the pooled relative variance of the others. The
    95% interval is ``estimate +- t * sqrt(V)``, Student's t on Satterthwaite's degrees
    of freedom; the lower bound is never below the visitors actually counted. With every
    open hour counted the interval has zero width; with a single counted day in all it
    cannot be computed (NaN bounds).

    A branch with open hours but no count is left out (``missing_branches``, with a
    warning); with no count at all the estimate is NaN.

    >>> slots = pd.DataFrame({"vestiging": "Heemstede",
    ...     "datum": pd.to_datetime(["2025-03-03"] * 2 + ["2025-03-10"] * 2),
    ...     "weekdag": 0, "uur": [10, 11, 10, 11]})
    >>> counts = slots.assign(bezoekers=[12, 20, 14, 22])
    >>> estimate_from_counts(slots, counts).estimate
    68.0
    >>> estimate_from_counts(slots, counts.iloc[:2]).estimate  # the other Monday: as this one
    64.0
    """
    check_columns(slots, ("vestiging", "datum", "weekdag", "uur"), "slots")
    counted = counted_open_hours(bezoekerstellingen, slots)
    open_branches = sorted(slots["vestiging"].unique())
    counted_branches = sorted(counted["vestiging"].unique())
    missing = tuple(sorted(set(open_branches) - set(counted_branches)))
    if not counted_branches:
        return _without_counts(float("nan"), len(slots), missing)
    if missing:
        warnings.warn(
            f"no visitor counts for {list(missing)!r}: left out of the estimate", stacklevel=2
        )
        slots = slots.loc[slots["vestiging"].isin(counted_branches)]
    strata = _assign_strata(slots, counted)
    slots = slots.merge(strata, on=["vestiging", "weekdag"])
    counted = counted.merge(strata, on=["vestiging", "weekdag"])
    counted_visitors = float(counted["bezoekers"].sum())
    if len(counted) == len(slots):
        estimate, variance, freedom = counted_visitors, 0.0, 0
    else:
        counted = counted.assign(g=_weights(slots, counted))
        estimate = float((counted["g"] * counted["bezoekers"]).sum())
        variance, freedom = _variance(slots, counted)
    if math.isnan(variance):
        lower = upper = float("nan")
    elif variance == 0.0:
        lower = upper = estimate
    else:
        margin = _t_quantile(freedom) * math.sqrt(variance)
        lower, upper = max(estimate - margin, counted_visitors), estimate + margin
    return VisitorEstimate(
        estimate=estimate,
        lower=lower,
        upper=upper,
        counted_visitors=int(round(counted_visitors)),
        counted_hours=len(counted),
        open_hours=len(slots),
        counted_days=len(counted[["vestiging", "datum"]].drop_duplicates()),
        degrees_of_freedom=freedom,
        exact=len(counted) == len(slots) and not missing,
        branches=tuple(counted_branches),
        missing_branches=missing,
    )


def _without_counts(value: float, open_slots: int, missing: tuple[str, ...]) -> VisitorEstimate:
    return VisitorEstimate(
        estimate=value,
        lower=value,
        upper=value,
        counted_visitors=0,
        counted_hours=0,
        open_hours=open_slots,
        counted_days=0,
        degrees_of_freedom=0,
        exact=value == 0.0,
        missing_branches=missing,
    )


def workplace_occupancy(
    bezoekerstellingen: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> float:
    """Occupied over available workplaces (``werkplekbezetting``), as a fraction, over the
    counted hours of ``period`` where both are given; NaN without any.

    >>> from bibanalyse.periods import Period
    >>> counts = pd.DataFrame({"vestiging": ["Heemstede"] * 3,
    ...     "datum": pd.to_datetime(["2025-02-03"] * 3), "uur": [10, 11, 12],
    ...     "bezoekers": [20, 30, 25],
    ...     "bezette_werkplekken": pd.array([5, 15, None], dtype="Int64"),
    ...     "beschikbare_werkplekken": pd.array([40, 40, 40], dtype="Int64")})
    >>> workplace_occupancy(counts, Period.parse("2025-H1"))
    0.25
    """
    rows = _counted_hours(
        bezoekerstellingen, period, branches, ("bezette_werkplekken", "beschikbare_werkplekken")
    )
    occupied = rows["bezette_werkplekken"].astype("Float64")
    available = rows["beschikbare_werkplekken"].astype("Float64")
    both = (occupied.notna() & available.notna()).astype(bool)
    total = float(available[both].sum())
    if total <= 0:
        return float("nan")
    return float(occupied[both].sum()) / total


def visits_by_weekday_hour(
    bezoekerstellingen: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """Counted hours of ``period`` by weekday and hour, for figures: ``weekdag`` (0 =
    maandag), ``dag`` (its name), ``uur``, ``tellingen`` (hours counted),
    ``bezoekers_gemiddeld`` (mean visitors per counted hour) and ``werkplekbezetting``
    (occupied over available workplaces, NaN where not counted)."""
    rows = _counted_hours(
        bezoekerstellingen,
        period,
        branches,
        ("uur", "bezoekers", "bezette_werkplekken", "beschikbare_werkplekken"),
    )
    occupied = rows["bezette_werkplekken"].astype("Float64")
    available = rows["beschikbare_werkplekken"].astype("Float64")
    both = (occupied.notna() & available.notna()).astype(bool)
    frame = pd.DataFrame(
        {
            "weekdag": rows["datum"].dt.day_of_week.astype("int64"),
            "uur": rows["uur"].astype("int64"),
            "bezoekers": rows["bezoekers"].astype("float64"),
            "bezet": occupied.where(both, 0.0).astype("float64"),
            "beschikbaar": available.where(both, 0.0).astype("float64"),
        }
    )
    result = (
        frame.groupby(["weekdag", "uur"])
        .agg(
            tellingen=("bezoekers", "size"),
            bezoekers_gemiddeld=("bezoekers", "mean"),
            bezet=("bezet", "sum"),
            beschikbaar=("beschikbaar", "sum"),
        )
        .reset_index()
    )
    result["werkplekbezetting"] = result["bezet"] / result["beschikbaar"].where(
        result["beschikbaar"] > 0
    )
    result.insert(1, "dag", result["weekdag"].map(dict(enumerate(WEEKDAYS))).astype(str))
    return result.drop(columns=["bezet", "beschikbaar"]).astype({"tellingen": "int64"})


def _assign_strata(slots: pd.DataFrame, counted: pd.DataFrame) -> pd.DataFrame:
    """Per branch and weekday its ``cell`` (the stratum of the point estimate) and
    ``stratum`` (of the variance).

    A weekday with two or more counted days is its own cell and stratum; one with a single
    counted day is its own cell, but shares the branch's collapsed variance stratum. A
    branch with an open weekday never counted is one cell and one stratum altogether.
    """
    keys = ["vestiging", "weekdag"]
    weekdays = slots[keys].drop_duplicates()
    days = counted[[*keys, "datum"]].drop_duplicates()
    counted_days = days.groupby(keys).size().rename("D").reset_index()
    weekdays = weekdays.merge(counted_days, on=keys, how="left")
    weekdays["D"] = weekdays["D"].fillna(0).astype("int64")
    uncounted = weekdays.loc[weekdays["D"] == 0, "vestiging"].unique()
    collapsed = weekdays["vestiging"].isin(uncounted)
    weekdays["cell"] = weekdays["weekdag"].where(~collapsed, _REST)
    weekdays["stratum"] = weekdays["weekdag"].where(~collapsed & (weekdays["D"] >= 2), _REST)
    return weekdays[[*keys, "cell", "stratum"]].astype({"cell": "int64", "stratum": "int64"})


def _weights(slots: pd.DataFrame, counted: pd.DataFrame) -> np.ndarray:
    """The weight ``g_i`` of every counted hour (``slots`` and ``counted`` carrying their
    ``cell``), so that the estimate is ``sum(g_i y_i)``: 1 for itself plus its share of
    the uncounted hours that take their mean from a pool it belongs to (its cell and hour
    slot, else its cell, else its branch)."""
    pools = {
        "uur": ["vestiging", "cell", "uur"],
        "cell": ["vestiging", "cell"],
        "vestiging": ["vestiging"],
    }
    cells = slots.groupby(pools["uur"]).size().rename("N").reset_index()
    for level, keys in pools.items():
        sizes = counted.groupby(keys).size().rename(f"n_{level}").reset_index()
        cells = cells.merge(sizes, on=keys, how="left")
        cells[f"n_{level}"] = cells[f"n_{level}"].fillna(0).astype("int64")
    cells["uncounted"] = cells["N"] - cells["n_uur"]
    # the first pool with any counted hour lends its mean to the uncounted hours
    lender = np.select([cells[f"n_{level}"] > 0 for level in pools], list(pools), default="")
    weights = np.ones(len(counted))
    for level, keys in pools.items():
        lenders = cells.loc[(lender == level) & (cells["uncounted"] > 0)]
        if lenders.empty:
            continue
        share = (lenders["uncounted"] / lenders[f"n_{level}"]).rename("share")
        share = share.groupby([lenders[key] for key in keys]).sum().reset_index()
        extra = counted[keys].merge(share, on=keys, how="left")["share"].fillna(0.0)
        weights += extra.to_numpy()
    return weights


def _variance(slots: pd.DataFrame, counted: pd.DataFrame) -> tuple[float, int]:
    """The variance of the estimate from the spread between counted days within strata
    (see :func:`estimate_visitors`), and its effective degrees of freedom."""
    keys = ["vestiging", "stratum"]
    days = (
        counted.assign(z=counted["g"] * counted["bezoekers"])
        .groupby([*keys, "datum"])["z"]
        .sum()
        .reset_index()
    )
    strata = pd.concat(
        [
            slots.groupby(keys).size().rename("open"),
            counted.groupby(keys).size().rename("counted"),
            days.groupby(keys)["z"].agg(["size", "mean", "var"]),
        ],
        axis=1,
    ).dropna(subset=["size"])
    strata["f"] = strata["counted"] / strata["open"]
    multiple = strata["size"] >= 2
    single = ~multiple & (strata["f"] < 1)
    strata["V"] = ((1 - strata["f"]) * strata["size"] * strata["var"]).where(multiple, 0.0)
    # Satterthwaite's effective degrees of freedom of a sum of stratum variances
    parts = strata.loc[multiple & (strata["V"] > 0)]
    spread = float((parts["V"] ** 2 / (parts["size"] - 1)).sum())
    freedom = max(1, int(parts["V"].sum() ** 2 / spread)) if spread > 0 else 0
    if single.any():
        # a stratum with one counted day: the pooled relative variance of the others
        relative = (strata["var"] / strata["mean"] ** 2).where(multiple & (strata["mean"] > 0))
        weights = (strata["size"] - 1).where(relative.notna())
        if not weights.sum() > 0:
            return float("nan"), freedom
        pooled = float((relative * weights).sum() / weights.sum())
        strata.loc[single, "V"] = (1 - strata["f"]) * pooled * strata["mean"] ** 2
        freedom = max(freedom, 1)
    return float(strata["V"].sum()), freedom


def _t_quantile(freedom: int) -> float:
    """The 97.5% quantile of Student's t (normal beyond 30 degrees of freedom, with the
    first Cornish-Fisher correction)."""
    if freedom <= 0:
        return float("nan")
    if freedom <= len(_T_975):
        return _T_975[freedom - 1]
    z = _Z_975
    return z + (z**3 + z) / (4 * freedom)


def _days(values: pd.Series) -> pd.Series:
    """Dates as midnight timestamps of one resolution, so merges on them match."""
    return pd.to_datetime(values).dt.normalize().astype("datetime64[ns]")


DAYPARTS = (("ochtend", 0, 12), ("middag", 12, 17), ("avond", 17, 24))
"""Parts of the day by the hour a count starts: before 12, 12 to 17, from 17."""


def occupancy_by_daypart(
    bezoekerstellingen: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """Workplace occupancy per part of the day (``dagdeel``: ochtend, middag, avond) over the
    counted hours of ``period``: ``bezetting`` = occupied / available where both were
    counted, NaN for a part of the day without such counts; ``tellingen`` = hours counted.

    >>> from bibanalyse.periods import Period
    >>> counts = pd.DataFrame({"vestiging": ["Heemstede"] * 3,
    ...     "datum": pd.to_datetime(["2025-02-03"] * 3), "uur": [10, 11, 14],
    ...     "bezoekers": [20, 30, 25],
    ...     "bezette_werkplekken": [5.0, 15.0, 30.0],
    ...     "beschikbare_werkplekken": pd.array([40, 40, 40], dtype="Int64")})
    >>> occupancy_by_daypart(counts, Period.parse("2025-H1"))["bezetting"].tolist()
    [0.25, 0.75, nan]
    """
    rows = _counted_hours(
        bezoekerstellingen,
        period,
        branches,
        ("uur", "bezette_werkplekken", "beschikbare_werkplekken"),
    )
    occupied = rows["bezette_werkplekken"].astype("float64")
    available = rows["beschikbare_werkplekken"].astype("float64")
    both = occupied.notna() & available.notna()
    edges = [start for _, start, _ in DAYPARTS] + [DAYPARTS[-1][2]]
    names = [name for name, _, _ in DAYPARTS]
    part = pd.cut(rows["uur"], bins=edges, right=False, labels=names)
    sums = pd.DataFrame(
        {
            "dagdeel": part,
            "bezet": occupied.where(both),
            "beschikbaar": available.where(both),
            "geteld": both,
        }
    )
    grouped = sums.groupby("dagdeel", observed=False).agg(
        bezet=("bezet", "sum"), beschikbaar=("beschikbaar", "sum"), tellingen=("geteld", "sum")
    )
    occupancy = (grouped["bezet"] / grouped["beschikbaar"]).where(grouped["beschikbaar"] > 0)
    return pd.DataFrame(
        {
            "dagdeel": names,
            "bezetting": occupancy.reindex(names).to_numpy(dtype="float64"),
            "tellingen": grouped["tellingen"].reindex(names).to_numpy(dtype="int64"),
        }
    )


def _counted_hours(
    bezoekerstellingen: pd.DataFrame,
    period: Period,
    branches: Collection[str] | None,
    columns: tuple[str, ...],
) -> pd.DataFrame:
    """The counted hours of ``period`` at ``branches``, checking the columns needed."""
    check_columns(bezoekerstellingen, ("datum", "vestiging", *columns), "bezoekerstellingen")
    return bezoekerstellingen.loc[
        in_period(bezoekerstellingen["datum"], check_period(period))
        & in_branches(bezoekerstellingen, branches)
    ]
