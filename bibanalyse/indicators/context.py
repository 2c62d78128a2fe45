"""Context: is this much or little for a town like ours?

For the indicators whose entry names ``per_inhabitants`` (loans, members, youth members,
activities, visits), the figure of a period per 1,000 inhabitants (or young inhabitants) of
every municipality of the organisation and of the organisation as a whole, from the
organisation's own data and ``bevolking``. A municipality's figure counts its own branches
(loans, activities, visits) or its members' home branches (members), as the indicator does.

The organisation's figure is the sum of its municipalities' (their branches make up the
organisation), and is left missing where a municipality's is (visits are counted at some
branches only): a total over part of the organisation per inhabitant of all of it would
mislead.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import pandas as pd

from bibanalyse.indicators import members
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import YOUTH, Indicator, Scope
from bibanalyse.periods import Period
from bibanalyse.store import Tables

ORGANISATION = "Alle gemeenten samen"
"""The name of the row for the organisation as a whole."""
PER = 1000
COLUMNS = ("indicator", "gebied", "aantal", "inwoners", "per_1000_inwoners")


# Of the circulation, what counting loans needs: the whole organisation's is large.
_COLUMNS = {"uitleenacties": ("datum", "actie", "vestiging")}


def read_organisation(processed_dir, *periods: Period) -> Tables:
    """The whole organisation's tables for ``periods``, read once."""
    first = min(period.first_day for period in periods)
    last = max(period.last_day for period in periods)
    return Tables.for_organisation(processed_dir, first, last, _COLUMNS)


def per_inhabitants(
    tables: Tables, period: Period, indicators: Iterable[Indicator], *, class_size: int
) -> pd.DataFrame:
    """Per indicator, a row per municipality (alphabetically) and one for the organisation:
    ``aantal`` (the indicator's value there; for an indicator counted per goal, over every
    goal), ``inwoners`` (in the year of the period's last day: all, or aged 0-17 as the
    indicator says) and ``per_1000_inwoners``. ``tables`` holds the whole organisation
    (:func:`read_organisation`)."""
    areas = {name: (name, branches) for name, branches in tables.municipalities().items()}
    indicators = list(indicators)
    if any(indicator.per_inhabitants is None for indicator in indicators):
        raise ValueError("only indicators shown per inhabitants have a context")
    needed = {table for indicator in indicators for table in indicator.sources}
    narrowed = tables.within(period.first_day, period.last_day, needed)  # cheap counts per area
    year = period.last_day.year
    rows = []
    for indicator in indicators:
        local = [
            _row(indicator, name, _value(narrowed, indicator, area, period, class_size),
                 _residents(tables, indicator, name, year))
            for name, area in areas.items()
        ]  # fmt: skip
        # the municipalities' branches make up the organisation's: its figure is their sum
        whole = sum(row["aantal"] for row in local)
        residents = sum(row["inwoners"] for row in local)
        rows += [*local, _row(indicator, ORGANISATION, whole, residents)]
    return pd.DataFrame(rows, columns=list(COLUMNS))


def _value(tables, indicator: Indicator, area, period: Period, class_size: int) -> float:
    for table in indicator.sources:
        if not tables.has(table):
            return math.nan
    result = indicator.compute(Scope(tables, class_size, area), period, None)
    return float(getattr(result, "value", result))


def _residents(tables: Tables, indicator: Indicator, municipality: str, year: int) -> float:
    if not tables.has("bevolking"):
        return math.nan
    counted = members.youth_population if indicator.per_inhabitants == YOUTH else members.population
    return counted(tables["bevolking"], year, municipality=municipality)


def _row(indicator: Indicator, area: str, value: float, residents: float) -> dict:
    rate = value / residents * PER if residents and residents > 0 else math.nan
    return {
        "indicator": indicator.key,
        "gebied": area,
        "aantal": value,
        "inwoners": residents,
        "per_1000_inwoners": rate,
    }


def shown_for(goals: Iterable) -> list[Indicator]:
    """The indicators of ``goals`` (their own) that are shown per inhabitants, each once."""
    keys = dict.fromkeys(key for goal in goals for key in goal.indicators)
    return [REGISTRY[key] for key in keys if REGISTRY[key].per_inhabitants]


def indicator_rows(table: pd.DataFrame, period: Period, goals: Iterable) -> pd.DataFrame:
    """The rows ``indicatoren.csv`` adds for the context, from ``table`` (of
    :func:`per_inhabitants`, for at least :func:`shown_for` the goals): per goal, per
    indicator of its own that is shown per inhabitants, a row per municipality and one for
    the organisation (``gebied``) with the value per 1,000 inhabitants (``indicator``
    ``<key>_per_1000``). Like every indicator that belongs to no single goal, a row has the
    same value in every goal that carries it."""
    rows = []
    for goal in goals:
        for indicator in shown_for([goal]):
            for row in table[table["indicator"] == indicator.key].itertuples(index=False):
                rows.append(
                    {
                        "periode": period.label,
                        "afspraak": goal.id,
                        "indicator": f"{indicator.key}_per_1000",
                        "waarde": row.per_1000_inwoners,
                        "eenheid": f"per 1.000 {indicator.per_inhabitants}",
                        "gebied": row.gebied,
                    }
                )
    return pd.DataFrame(rows)
