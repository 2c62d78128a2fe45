"""The indicators of the prestatieafspraken, one module per domain, and the indicator table.

Each indicator is a small function on the processed tables (the frame first, a number or
a new frame back; inputs never changed): ``members``, ``collection``, ``loans``,
``activities``, ``partners``, ``visits``, ``ido``, ``communication``, ``digital``.
:func:`compute_indicators` gathers them into one row per goal and indicator for a period,
with the previous period and the same period a year earlier beside it;
:func:`write_indicator_table` loads, computes and writes ``indicatoren.csv``.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import pandas as pd

from bibanalyse.agreements import Agreement, Goal, agreement_for
from bibanalyse.config import DEFAULT_CLASS_SIZE, Settings
from bibanalyse.files import write_atomically
from bibanalyse.indicators import (
    activities,
    collection,
    communication,
    digital,
    ido,
    loans,
    members,
    partners,
    visits,
)
from bibanalyse.indicators._common import check_class_size
from bibanalyse.periods import Period
from bibanalyse.store import Tables

COLUMNS = (
    "periode",
    "afspraak",
    "indicator",
    "waarde",
    "vorige_periode",
    "vorig_jaar",
    "ondergrens",
    "bovengrens",
    "eenheid",
    "verandering",
)
"""The columns of the indicator table, in order."""

UNITS: dict[str, str] = {
    "leden_begin": "leden",
    "leden_eind": "leden",
    "jeugdleden_begin": "leden",
    "jeugdleden_eind": "leden",
    "jeugdleden_aandeel": "fractie",
    "collectie_jeugd_begin": "exemplaren",
    "collectie_jeugd_eind": "exemplaren",
    "uitleningen": "aantal",
    "verlengingen": "aantal",
    "uitleningen_jeugd": "aantal",
    "actieve_leners": "leners",
    "activiteiten": "aantal",
    "deelnemers": "deelnemers",
    "partners": "aantal",
    "communities": "aantal",
    "ido_vragen": "aantal",
    "bezoekers_geschat": "bezoeken",
    "werkplekbezetting": "fractie",
    "communicatie_uitingen": "aantal",
    "digitaal_gebruik": "aantal",
}
"""The unit of every indicator key, for the ``eenheid`` column."""

PER_GOAL = frozenset({"activiteiten", "deelnemers", "partners"})
"""Indicators counted per goal (by the goal tags); the others have one value per period."""

# The tables each indicator reads; an event table whose data start after a period's first
# month makes that period's value missing rather than a misleading zero.
_SOURCES: dict[str, tuple[str, ...]] = {
    "leden_begin": ("abonnementen",),
    "leden_eind": ("abonnementen",),
    "jeugdleden_begin": ("abonnementen",),
    "jeugdleden_eind": ("abonnementen",),
    "jeugdleden_aandeel": ("abonnementen", "bevolking"),
    "collectie_jeugd_begin": ("collectie",),
    "collectie_jeugd_eind": ("collectie",),
    "uitleningen": ("uitleenacties",),
    "verlengingen": ("uitleenacties",),
    "uitleningen_jeugd": ("uitleenacties",),
    "actieve_leners": ("uitleenacties",),
    "activiteiten": ("activiteiten",),
    "deelnemers": ("activiteiten",),
    "partners": ("partners",),
    "communities": ("activiteiten",),
    "ido_vragen": ("ido",),
    "bezoekers_geschat": ("bezoekerstellingen", "openingstijden", "sluitingsdagen"),
    "werkplekbezetting": ("bezoekerstellingen",),
    "communicatie_uitingen": ("communicatie",),
    "digitaal_gebruik": ("digitaal",),
}
_EVENT_TABLES = frozenset({"uitleenacties", "activiteiten", "ido", "communicatie"})
_EFFORT_INDICATOR = "activiteiten"


@dataclass(frozen=True)
class _Value:
    value: float
    lower: float = math.nan
    upper: float = math.nan


@dataclass
class _Calculator:
    """Computes indicator values for one municipality, caching per key, goal and period."""

    tables: Tables
    class_size: int
    _cache: dict[tuple[str, str | None, str], _Value] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set)

    def value(self, key: str, goal: str, period: Period) -> _Value:
        scope = goal if key in PER_GOAL else None
        cache_key = (key, scope, period.label)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._compute(key, scope, period)
        return self._cache[cache_key]

    def _compute(self, key: str, goal: str | None, period: Period) -> _Value:
        for table in _SOURCES[key]:
            if not self.tables.has(table):
                self._warn(table, f"processed table {table!r} is missing: {key} left empty")
                return _Value(math.nan)
            if table in _EVENT_TABLES and not self._covered(table, period):
                return _Value(math.nan)
        result = _COMPUTE[key](self, period, goal)
        if isinstance(result, _Value):
            return result
        return _Value(float(result))

    def _covered(self, table: str, period: Period) -> bool:
        start = self.tables.data_start(table)
        return start is not None and _month(start) <= _month(period.first_day)

    def _warn(self, table: str, message: str) -> None:
        if table not in self._warned:
            self._warned.add(table)
            warnings.warn(message, stacklevel=4)

    # the tables, read once by ``Tables``
    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.tables[name]

    @property
    def branches(self) -> tuple[str, ...]:
        return self.tables.branches

    @property
    def municipality(self) -> str:
        return self.tables.municipality


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


def _members(day: str, youth: bool) -> Callable[[_Calculator, Period, str | None], float]:
    count = members.youth_members_on if youth else members.members_on

    def compute(calc: _Calculator, period: Period, goal: str | None) -> float:
        when = period.first_day if day == "begin" else period.last_day
        return count(calc["abonnementen"], when, branches=calc.branches)

    return compute


def _youth_share(calc: _Calculator, period: Period, goal: str | None) -> float:
    return members.youth_member_share(
        calc["abonnementen"],
        calc["bevolking"],
        period.last_day,
        branches=calc.branches,
        municipality=calc.municipality,
    )


def _youth_items(day: str) -> Callable[[_Calculator, Period, str | None], float]:
    def compute(calc: _Calculator, period: Period, goal: str | None) -> float:
        when = period.first_day if day == "begin" else period.last_day
        return collection.youth_items_on(calc["collectie"], when, branches=calc.branches)

    return compute


def _loans(function: Callable[..., int]) -> Callable[[_Calculator, Period, str | None], float]:
    def compute(calc: _Calculator, period: Period, goal: str | None) -> float:
        return function(calc["uitleenacties"], period, branches=calc.branches)

    return compute


def _activities(calc: _Calculator, period: Period, goal: str | None) -> float:
    return activities.count_activities(calc["activiteiten"], period, goal, branches=calc.branches)


def _participants(calc: _Calculator, period: Period, goal: str | None) -> float:
    return activities.count_participants(
        calc["activiteiten"], period, goal, branches=calc.branches, class_size=calc.class_size
    )


def _communities(calc: _Calculator, period: Period, goal: str | None) -> float:
    return activities.count_communities(calc["activiteiten"], period, branches=calc.branches)


def _partners(calc: _Calculator, period: Period, goal: str | None) -> float:
    return partners.count_partners(
        calc["partners"], period.last_day, goal, municipality=calc.municipality
    )


def _ido(calc: _Calculator, period: Period, goal: str | None) -> float:
    return ido.count_questions(calc["ido"], period, branches=calc.branches)


def _visitors(calc: _Calculator, period: Period, goal: str | None) -> _Value:
    estimate = visits.estimate_visitors(
        calc["bezoekerstellingen"],
        calc["openingstijden"],
        calc["sluitingsdagen"],
        period,
        branches=calc.branches,
    )
    return _Value(estimate.estimate, estimate.lower, estimate.upper)


def _occupancy(calc: _Calculator, period: Period, goal: str | None) -> float:
    return visits.workplace_occupancy(calc["bezoekerstellingen"], period, branches=calc.branches)


def _communication(calc: _Calculator, period: Period, goal: str | None) -> float:
    return communication.count_items(calc["communicatie"], period, branches=calc.branches)


def _digital(calc: _Calculator, period: Period, goal: str | None) -> float:
    return digital.digital_use(calc["digitaal"], period, municipality=calc.municipality)


_COMPUTE: dict[str, Callable[[_Calculator, Period, str | None], Any]] = {
    "leden_begin": _members("begin", youth=False),
    "leden_eind": _members("eind", youth=False),
    "jeugdleden_begin": _members("begin", youth=True),
    "jeugdleden_eind": _members("eind", youth=True),
    "jeugdleden_aandeel": _youth_share,
    "collectie_jeugd_begin": _youth_items("begin"),
    "collectie_jeugd_eind": _youth_items("eind"),
    "uitleningen": _loans(loans.count_loans),
    "verlengingen": _loans(loans.count_renewals),
    "uitleningen_jeugd": _loans(loans.count_youth_loans),
    "actieve_leners": _loans(loans.count_active_borrowers),
    "activiteiten": _activities,
    "deelnemers": _participants,
    "partners": _partners,
    "communities": _communities,
    "ido_vragen": _ido,
    "bezoekers_geschat": _visitors,
    "werkplekbezetting": _occupancy,
    "communicatie_uitingen": _communication,
    "digitaal_gebruik": _digital,
}


def goal_indicators(goal: Any) -> tuple[str, ...]:
    """The indicator keys reported for ``goal``: its own, and for an effort-only goal (or a
    goal naming none) also ``activiteiten``, the count of its registered activities, so
    that every goal has at least one row."""
    keys = tuple(dict.fromkeys(goal.indicators))
    if (goal.effort_only or not keys) and _EFFORT_INDICATOR not in keys:
        keys = (*keys, _EFFORT_INDICATOR)
    return keys


def compute_indicators(
    tables: Tables,
    period: Period | str,
    municipality: str,
    agreement: Agreement,
    *,
    class_size: int = DEFAULT_CLASS_SIZE,
    goals: Iterable[Goal] | None = None,
) -> pd.DataFrame:
    """The indicator table of ``municipality`` for ``period``: one row per goal of
    ``agreement`` (or only of ``goals``, some of its goals) and indicator key of that goal
    (see :func:`goal_indicators`).

    Columns (:data:`COLUMNS`): ``periode``, ``afspraak`` (the goal id), ``indicator``,
    ``waarde``, ``vorige_periode`` and ``vorig_jaar`` (the same indicator for
    ``period.previous()`` and ``period.year_earlier()``), ``ondergrens``/``bovengrens``
    (the 95% interval, only for ``bezoekers_geschat``), ``eenheid`` (:data:`UNITS`) and
    ``verandering`` (end minus begin, on the ``_eind`` rows of begin/end pairs).

    ``activiteiten``, ``deelnemers`` and ``partners`` are counted per goal; every other
    indicator has the same value in every row that carries it. Missing data (a table not
    made, no population for the year, a period before an event table's data begin)
    gives NaN, not an error.
    """
    if isinstance(period, str):
        period = Period.parse(period)
    if not isinstance(tables, Tables):
        raise TypeError(f"tables must be a bibanalyse.store.Tables, got {type(tables).__name__}")
    if not isinstance(municipality, str) or (
        municipality.strip().casefold() != tables.municipality.casefold()
    ):
        raise ValueError(
            f"municipality {municipality!r} does not match the tables read for "
            f"{tables.municipality!r}"
        )
    class_size = check_class_size(class_size)
    comparisons = {
        "waarde": period,
        "vorige_periode": period.previous(),
        "vorig_jaar": period.year_earlier(),
    }
    for compared in comparisons.values():
        if not tables.covers(compared):
            raise ValueError(
                f"the tables were read for {tables.first_day} to {tables.last_day}, which "
                f"does not cover {compared}; use Tables.for_period(..., {period}, ...)"
            )
    calculator = _Calculator(tables, class_size)
    rows = []
    for goal in agreement.goals if goals is None else goals:
        for key in goal_indicators(goal):
            if key not in _COMPUTE:
                raise ValueError(
                    f"goal {goal.id!r} names unknown indicator {key!r}; known: {sorted(_COMPUTE)}"
                )
            values = {
                column: calculator.value(key, goal.id, compared)
                for column, compared in comparisons.items()
            }
            change = math.nan
            if key.endswith("_eind"):
                begin = calculator.value(key.removesuffix("_eind") + "_begin", goal.id, period)
                change = values["waarde"].value - begin.value
            rows.append(
                {
                    "periode": period.label,
                    "afspraak": goal.id,
                    "indicator": key,
                    "waarde": values["waarde"].value,
                    "vorige_periode": values["vorige_periode"].value,
                    "vorig_jaar": values["vorig_jaar"].value,
                    "ondergrens": values["waarde"].lower,
                    "bovengrens": values["waarde"].upper,
                    "eenheid": UNITS[key],
                    "verandering": change,
                }
            )
    frame = pd.DataFrame(rows, columns=list(COLUMNS))
    numbers = ["waarde", "vorige_periode", "vorig_jaar", "ondergrens", "bovengrens", "verandering"]
    text = ["periode", "afspraak", "indicator", "eenheid"]
    return frame.astype(dict.fromkeys(numbers, "float64") | dict.fromkeys(text, str))


def indicator_table(
    source: Settings | Path | str,
    period: Period | str,
    municipality: str | None = None,
    *,
    class_size: int | None = None,
) -> pd.DataFrame:
    """Load the processed data and compute the indicator table of a period.

    ``source`` is the settings (``processed_dir``, the default ``municipality`` and
    ``class_size``) or the processed-data folder itself (class size then defaults to 23).
    """
    if isinstance(source, Settings):
        processed_dir = source.processed_dir
        municipality = municipality or source.municipality
        class_size = source.class_size if class_size is None else class_size
    elif isinstance(source, Path | str):
        processed_dir = Path(source)
        class_size = DEFAULT_CLASS_SIZE if class_size is None else class_size
    else:
        raise TypeError(f"source must be Settings or a folder, got {source!r}")
    if not municipality:
        raise ValueError(f"a municipality is a name such as 'Heemstede', got {municipality!r}")
    if isinstance(period, str):
        period = Period.parse(period)
    tables = Tables.for_period(processed_dir, period, municipality)
    agreement = agreement_for(tables.municipality, period)
    return compute_indicators(tables, period, tables.municipality, agreement, class_size=class_size)


def indicator_csv(table: pd.DataFrame) -> str:
    """The indicator table as CSV text: comma, ``.`` decimal, whole numbers without ``.0``."""
    return table.to_csv(index=False, float_format="%.12g", lineterminator="\n")


def write_indicator_table(
    source: Settings | Path | str,
    period: Period | str,
    municipality: str | None,
    out: Path | str,
    *,
    class_size: int | None = None,
) -> pd.DataFrame:
    """Compute the indicator table (see ``indicator_table``) and write it to ``out`` as
    UTF-8 CSV, atomically. Returns the table."""
    table = indicator_table(source, period, municipality, class_size=class_size)
    write_atomically(Path(out), indicator_csv(table))
    return table
