"""What an indicator is, and the registry that holds every one of them.

An :class:`Indicator` is the one definition of a figure the reports show: its key (as the
agreements and ``indicatoren.csv`` spell it), the Dutch label a reader sees, its unit, the
processed tables it reads, its computation, whether it is counted per goal, its kind (a
count, a fraction shown as a percentage, or an estimate with an interval), whether it counts
people by a personal attribute (a small count then reads ``<10``, see
:mod:`bibanalyse.suppression`), and the figures drawn for it. The indicator table, the
labels, the figures, suppression, the report and the mail all read these entries.

The entries themselves are registered in :mod:`bibanalyse.indicators.definitions`; adding an
indicator is one entry there, its function in a domain module, and its test.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from bibanalyse import formatting as fmt
from bibanalyse import suppression

if TYPE_CHECKING:
    from bibanalyse.periods import Period
    from bibanalyse.store import Tables

COUNT, FRACTION, ESTIMATE = "count", "fraction", "estimate"
ALL_AGES, YOUTH = "inwoners", "inwoners van 0-17 jaar"
KINDS = (COUNT, FRACTION, ESTIMATE)
"""How a value reads: a count (``1.234``), a fraction as a percentage (``68%``), or an
estimate rounded to hundreds with its 95% interval (``ca. 12.300``)."""


@dataclass(frozen=True)
class Value:
    """A computed value, with the bounds of its 95% interval where it is an estimate."""

    value: float
    lower: float = math.nan
    upper: float = math.nan


@dataclass(frozen=True)
class Scope:
    """What an indicator is computed on: processed tables, the area counted (by default the
    municipality the tables were read for; ``municipality`` None with every branch is the
    whole organisation) and the settings that enter a computation."""

    tables: Tables
    class_size: int
    area: tuple[str | None, tuple[str, ...]] | None = None  # (municipality, its branches)

    def __getitem__(self, name: str):
        return self.tables[name]

    @property
    def branches(self) -> tuple[str, ...]:
        return self.tables.branches if self.area is None else self.area[1]

    @property
    def municipality(self) -> str | None:
        return self.tables.municipality if self.area is None else self.area[0]


Compute = Callable[[Scope, "Period", "str | None"], "float | Value"]
"""``compute(scope, period, goal_id)``: the value for a period (and for a goal, when the
indicator is counted per goal; None otherwise)."""


@dataclass(frozen=True)
class Indicator:
    """One indicator, defined once. See the module's docstring."""

    key: str
    label: str
    unit: str
    sources: tuple[str, ...]
    compute: Compute
    kind: str = COUNT
    per_goal: bool = False
    personal: bool = False
    figures: tuple[Callable[..., Any], ...] = ()
    begin: str | None = None
    """For a count at the period's end: the key of the same count at its begin."""
    noun: str | None = None
    """What a count on a day counts (``Leden``), for ``Leden op 30 juni 2025``."""
    summary: bool = False
    """One of the period's headline figures (the mail's text)."""
    effort: bool = False
    """Counted for every goal that is reported by effort only (or names no indicator)."""
    description: str = ""
    """How it is computed, in Dutch, for the documentation (``docs/indicatoren.md``)."""
    per_inhabitants: str | None = None
    """Shown per 1,000 inhabitants (``ALL_AGES``) or young inhabitants (``YOUTH``) beside the
    organisation's other municipalities (see ``indicators.context``)."""

    def __post_init__(self) -> None:
        if not self.key or not self.key.isidentifier() or self.key != self.key.lower():
            raise ValueError(f"an indicator key is a lowercase identifier, got {self.key!r}")
        if self.kind not in KINDS:
            raise ValueError(f"{self.key}: kind must be one of {KINDS}, got {self.kind!r}")
        if not self.label.strip() or not self.unit.strip() or not self.description.strip():
            raise ValueError(f"{self.key}: label, unit and description must be non-empty text")
        if not self.sources or not callable(self.compute):
            raise ValueError(f"{self.key}: name its source tables and a compute function")
        if self.per_inhabitants not in (None, ALL_AGES, YOUTH):
            raise ValueError(f"{self.key}: per_inhabitants is {ALL_AGES!r} or {YOUTH!r}")

    def shown(self, value: float | None) -> str:
        """The value as a reader sees it (Dutch; ``<10`` for a small count of people).

        >>> share = Indicator("aandeel", "Aandeel", "fractie", ("t",), max, kind=FRACTION,
        ...                   description="Een deel.")
        >>> share.shown(0.675), share.shown(float("nan"))
        ('68%', '–')
        """
        if value is None or math.isnan(value):
            return fmt.MISSING
        if self.kind == FRACTION:
            return fmt.percentage(value)
        if self.kind == ESTIMATE:
            return f"ca. {fmt.number(round(value, -2))}"
        if self.personal:
            return suppression.shown_count(value, formatter=fmt.number)
        return fmt.number(value)

    def shown_interval(self, lower: float, upper: float) -> str | None:
        """An estimate's 95% interval as a reader sees it; None where there is none (not an
        estimate, unknown bounds, or an exact value: every hour counted)."""
        if self.kind != ESTIMATE or math.isnan(lower) or math.isnan(upper) or upper <= lower:
            return None
        return fmt.interval(round(lower, -2), round(upper, -2))


class Registry(Mapping[str, Indicator]):
    """Every indicator by key, in the order they were registered (the order of tables and
    of the mail's headline figures)."""

    def __init__(self) -> None:
        self._entries: dict[str, Indicator] = {}

    def register(self, indicator: Indicator) -> Indicator:
        """Add ``indicator``; ValueError when its key is taken or its begin twin unknown."""
        if not isinstance(indicator, Indicator):
            raise TypeError(f"expected an Indicator, got {indicator!r}")
        if indicator.key in self._entries:
            raise ValueError(f"indicator {indicator.key!r} is registered already")
        if indicator.begin is not None and indicator.begin not in self._entries:
            raise ValueError(
                f"{indicator.key}: its begin {indicator.begin!r} must be registered first"
            )
        if indicator.effort and self.effort is not None:
            raise ValueError(f"{indicator.key}: {self.effort.key!r} counts effort already")
        self._entries[indicator.key] = indicator
        return indicator

    def unregister(self, key: str) -> None:
        """Remove the indicator ``key`` (for tests that register one of their own)."""
        if any(entry.begin == key for entry in self._entries.values()):
            raise ValueError(f"{key!r} is the begin of another indicator")
        del self._entries[key]

    def __getitem__(self, key: str) -> Indicator:
        try:
            return self._entries[key]
        except KeyError:
            raise KeyError(f"unknown indicator {key!r}; known: {sorted(self._entries)}") from None

    def __iter__(self) -> Iterator[str]:
        return iter(self._entries)

    def __len__(self) -> int:
        return len(self._entries)

    @property
    def effort(self) -> Indicator | None:
        """The indicator counted for goals reported by effort only."""
        return next((entry for entry in self._entries.values() if entry.effort), None)

    def goal_indicators(self, goal: Any) -> tuple[Indicator, ...]:
        """The indicators reported for ``goal``: its own, and for an effort-only goal (or one
        naming none) also the effort indicator, so that every goal has at least one row."""
        keys = list(dict.fromkeys(goal.indicators))
        effort = self.effort
        if (goal.effort_only or not keys) and effort is not None and effort.key not in keys:
            keys.append(effort.key)
        return tuple(self[key] for key in keys)


REGISTRY = Registry()
"""Every indicator, once :mod:`bibanalyse.indicators.definitions` has registered them: import
it from there."""
