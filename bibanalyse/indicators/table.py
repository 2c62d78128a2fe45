"""The indicator table: one row per goal and indicator for a period, with the previous
period and the same period a year earlier beside it (``indicatoren.csv``).

Which indicators a goal has, and how each is computed, comes from the registry
(:mod:`bibanalyse.indicators.registry`); this module only gathers the values.
"""

from __future__ import annotations

import math
import warnings
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

import pandas as pd

from bibanalyse.agreements import Agreement, Goal, agreement_for
from bibanalyse.config import DEFAULT_CLASS_SIZE, Settings
from bibanalyse.files import write_atomically
from bibanalyse.indicators import context
from bibanalyse.indicators._common import check_class_size
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import Indicator, Scope, Value
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
    "gebied",
)
"""The columns of the indicator table, in order. ``gebied`` is the municipality, or for the
rows of the context (``<key>_per_1000``) the municipality or organisation compared."""

_NUMBERS = ("waarde", "vorige_periode", "vorig_jaar", "ondergrens", "bovengrens", "verandering")
_TEXTS = ("periode", "afspraak", "indicator", "eenheid", "gebied")

# Tables of events whose first month bounds what can be counted: before it a value is
# missing, not zero.
_EVENT_TABLES = frozenset({"uitleenacties", "activiteiten", "ido", "communicatie"})


@dataclass
class Calculator:
    """Indicator values of one municipality, each computed once per goal and period.

    A value is missing (NaN) rather than a misleading zero when a table it reads was not
    made, or when an event table's data start after the period's first month.
    """

    tables: Tables
    class_size: int = DEFAULT_CLASS_SIZE
    _cache: dict[tuple[str, str | None, str], Value] = field(default_factory=dict)
    _warned: set[str] = field(default_factory=set)

    def value(self, indicator: Indicator, goal: str, period: Period) -> Value:
        scope = goal if indicator.per_goal else None
        cache_key = (indicator.key, scope, period.label)
        if cache_key not in self._cache:
            self._cache[cache_key] = self._compute(indicator, scope, period)
        return self._cache[cache_key]

    def table(self, period: Period, goals: Iterable[Goal]) -> pd.DataFrame:
        """The indicator rows of ``goals`` for ``period`` (see :func:`compute_indicators`)."""
        comparisons = {
            "waarde": period,
            "vorige_periode": period.previous(),
            "vorig_jaar": period.year_earlier(),
        }
        rows = [
            self._row(indicator, goal, period, comparisons)
            for goal in goals
            for indicator in REGISTRY.goal_indicators(goal)
        ]
        return with_columns(pd.DataFrame(rows, columns=list(COLUMNS)))

    def _row(self, indicator: Indicator, goal: Goal, period: Period, comparisons) -> dict:
        values = {
            column: self.value(indicator, goal.id, compared)
            for column, compared in comparisons.items()
        }
        change = math.nan
        if indicator.begin is not None:
            begin = self.value(REGISTRY[indicator.begin], goal.id, period)
            change = values["waarde"].value - begin.value
        return {
            "periode": period.label,
            "afspraak": goal.id,
            "indicator": indicator.key,
            "waarde": values["waarde"].value,
            "vorige_periode": values["vorige_periode"].value,
            "vorig_jaar": values["vorig_jaar"].value,
            "ondergrens": values["waarde"].lower,
            "bovengrens": values["waarde"].upper,
            "eenheid": indicator.unit,
            "verandering": change,
            "gebied": self.tables.municipality,
        }

    def _compute(self, indicator: Indicator, goal: str | None, period: Period) -> Value:
        for table in indicator.sources:
            if not self.tables.has(table):
                self._warn(
                    table, f"processed table {table!r} is missing: {indicator.key} left empty"
                )
                return Value(math.nan)
            if table in _EVENT_TABLES and not self._covered(table, period):
                return Value(math.nan)
        result = indicator.compute(Scope(self.tables, self.class_size), period, goal)
        return result if isinstance(result, Value) else Value(float(result))

    def _covered(self, table: str, period: Period) -> bool:
        start = self.tables.data_start(table)
        return start is not None and _month(start) <= _month(period.first_day)

    def _warn(self, table: str, message: str) -> None:
        if table not in self._warned:
            self._warned.add(table)
            warnings.warn(message, stacklevel=4)


def _month(day: date) -> tuple[int, int]:
    return day.year, day.month


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
    ``agreement`` (or only of ``goals``, some of its goals) and indicator of that goal
    (see :meth:`Registry.goal_indicators`).

    Columns (:data:`COLUMNS`): ``periode``, ``afspraak`` (the goal id), ``indicator``,
    ``waarde``, ``vorige_periode`` and ``vorig_jaar`` (the same indicator for
    ``period.previous()`` and ``period.year_earlier()``), ``ondergrens``/``bovengrens``
    (the 95% interval of an estimate), ``eenheid`` (the indicator's unit) and
    ``verandering`` (end minus begin, on the end row of a begin/end pair).

    An indicator counted per goal has its own value per goal; every other indicator has
    the same value in every row that carries it. Missing data (a table not made, no
    population for the year, a period before an event table's data begin) gives NaN, not
    an error.
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
    for compared in (period, period.previous(), period.year_earlier()):
        if not tables.covers(compared):
            raise ValueError(
                f"the tables were read for {tables.first_day} to {tables.last_day}, which "
                f"does not cover {compared}; use Tables.for_period(..., {period}, ...)"
            )
    calculator = Calculator(tables, class_size)
    return calculator.table(period, agreement.goals if goals is None else goals)


def indicator_table(
    source: Settings | Path | str,
    period: Period | str | Sequence[Period | str],
    municipality: str | None = None,
    *,
    class_size: int | None = None,
) -> pd.DataFrame:
    """Load the processed data and compute the indicator table of a period, or of several
    periods in one table (one after the other, each with the goals of the agreement in force
    then): the data are read once for all of them, and each value is computed once.

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
    periods = [period] if isinstance(period, Period | str) else list(period)
    periods = [Period.parse(p) if isinstance(p, str) else p for p in periods]
    tables = Tables.for_periods(processed_dir, periods, municipality)
    organisation = context.read_organisation(processed_dir, *periods)
    calculator = Calculator(tables, check_class_size(class_size))
    frames = []
    for p in periods:
        goals = agreement_for(tables.municipality, p).goals
        frames.append(calculator.table(p, goals))
        shown = context.per_inhabitants(
            organisation, p, context.shown_for(goals), class_size=calculator.class_size
        )
        frames.append(with_columns(context.indicator_rows(shown, p, goals)))
    return pd.concat(frames, ignore_index=True)


def with_columns(rows: pd.DataFrame) -> pd.DataFrame:
    """``rows`` with every column of the indicator table, in order and typed."""
    frame = rows.reindex(columns=list(COLUMNS))
    return frame.astype(dict.fromkeys(_NUMBERS, "float64") | dict.fromkeys(_TEXTS, str))


def indicator_csv(table: pd.DataFrame) -> str:
    """The indicator table as CSV text: comma, ``.`` decimal, whole numbers without ``.0``."""
    return table.to_csv(index=False, float_format="%.12g", lineterminator="\n")


def write_indicator_table(
    source: Settings | Path | str,
    period: Period | str | Sequence[Period | str],
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
