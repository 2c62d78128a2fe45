"""A one-line verdict per goal: how its headline figure moved against the hoped-for
direction.

The comparison is with the same period a year earlier (seasons alike); a begin/eind pair
compares its end with its begin. A change within the margin counts as unchanged: 2% for a
hoped-for rise, 5% either way for a hoped-for stable figure. An estimate with an interval
has moved only when the intervals of both periods do not overlap.

Where the series holds at least three earlier half years, the verdict also says whether the
value lies within their range, the usual swing of the figure: a fall (or, for a stable
figure, any move) within it is a ``schommeling``, not an ``aandacht``, so that a normal
seasonal dip is not called an Aandachtspunt.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass

from bibanalyse import formatting as fmt
from bibanalyse.wording import VERDICTS

RISE_MARGIN = 0.02
STABLE_MARGIN = 0.05
USUAL_SWING_MINIMUM = 3  # earlier half years needed to speak of a usual swing


@dataclass(frozen=True)
class Verdict:
    kind: str  # a key of wording.VERDICTS
    text: str  # the Dutch line a reader sees

    @property
    def label(self) -> str:
        return VERDICTS[self.kind]


@dataclass(frozen=True)
class Movement:
    """A headline figure now and what it is compared with."""

    value: float
    compared: float
    compared_with: str  # Dutch: "een jaar eerder" or "het begin van de periode"
    interval: tuple[float, float] | None = None
    compared_interval: tuple[float, float] | None = None
    fraction: bool = False  # a share: its change reads in percentage points
    earlier: tuple[float, ...] = ()  # the values of the earlier half years of its series
    shown: Callable[[float], str] = fmt.number  # how a value reads, for the usual swing

    @property
    def usual_swing(self) -> tuple[float, float] | None:
        """The lowest and highest of the earlier half years, where there are enough."""
        known = [value for value in self.earlier if _known(value)]
        if len(known) < USUAL_SWING_MINIMUM:
            return None
        return min(known), max(known)


def judge(movement: Movement | None, direction: str, *, effort_only: bool = False) -> Verdict:
    """The verdict on a movement for a goal that hopes for ``direction`` ("meer"/"stabiel").

    >>> judge(Movement(110, 100, "een jaar eerder"), "meer").text
    'Op koers: 10% meer dan een jaar eerder.'
    >>> judge(Movement(101, 100, "een jaar eerder"), "meer").kind
    'gelijk'
    >>> judge(Movement(96, 100, "een jaar eerder"), "stabiel").kind
    'op_koers'
    >>> judge(Movement(90, 100, "een jaar eerder", earlier=(85, 100, 95)), "meer").text
    'Gebruikelijke schommeling: 10% minder dan een jaar eerder, binnen wat de vorige 3 \
halfjaren lieten zien (85 tot 100).'
    """
    if direction not in ("meer", "stabiel"):
        raise ValueError(f"direction must be 'meer' or 'stabiel', got {direction!r}")
    if effort_only:
        return Verdict("inspanning", "Inspanningsverplichting: zie de toelichting.")
    if movement is None or not _known(movement.value) or not _known(movement.compared):
        return Verdict("onbekend", "Nog geen vergelijking mogelijk: te weinig gegevens.")
    change = _relative(movement)
    if movement.interval and movement.compared_interval:
        moved = _intervals_apart(movement.interval, movement.compared_interval)
    else:
        moved = abs(change) > (RISE_MARGIN if direction == "meer" else STABLE_MARGIN)
    verdict = _verdict(change, moved, direction, movement.compared_with, _size(movement, change))
    return _with_usual_swing(verdict, movement)


def _with_usual_swing(verdict: Verdict, movement: Movement) -> Verdict:
    """The verdict with what the earlier half years say; a move off course within their
    range is a usual swing."""
    swing = movement.usual_swing
    if swing is None:
        return verdict
    low, high = swing
    halves = len([value for value in movement.earlier if _known(value)])
    extent = f"({movement.shown(low)} tot {movement.shown(high)})"
    value = movement.value
    if low <= value <= high:
        seen = f"binnen wat de vorige {halves} halfjaren lieten zien {extent}"
        if verdict.kind == "aandacht":
            said = verdict.text.removeprefix(f"{VERDICTS['aandacht']}: ").removesuffix(".")
            return Verdict("schommeling", f"{VERDICTS['schommeling']}: {said}, {seen}.")
        return Verdict(verdict.kind, f"{verdict.text} Dat ligt {seen}.")
    word = "meer" if value > high else "minder"
    said = f"Dat is {word} dan in elk van de vorige {halves} halfjaren {extent}."
    return Verdict(verdict.kind, f"{verdict.text} {said}")


def _size(movement: Movement, change: float) -> str:
    """How much it moved, as a reader says it: ``12% ``, ``9 procentpunt `` or nothing."""
    if movement.fraction:
        return f"{fmt.number(abs(movement.value - movement.compared) * 100)} procentpunt "
    return "" if math.isinf(change) else f"{fmt.percentage(abs(change))} "


def _verdict(change: float, moved: bool, direction: str, compared_with: str, size: str) -> Verdict:
    if not moved:
        if direction == "stabiel":
            return Verdict("op_koers", f"Op koers: stabiel ten opzichte van {compared_with}.")
        return Verdict("gelijk", f"Gelijk gebleven ten opzichte van {compared_with}.")
    more = change > 0
    kind = "op_koers" if more and direction == "meer" else "aandacht"
    word = "meer" if more else "minder"
    return Verdict(kind, f"{VERDICTS[kind]}: {size}{word} dan {compared_with}.")


def _relative(movement: Movement) -> float:
    if movement.compared == 0:
        return math.inf if movement.value > 0 else 0.0
    return (movement.value - movement.compared) / movement.compared


def _intervals_apart(first: tuple[float, float], second: tuple[float, float]) -> bool:
    if not all(_known(bound) for bound in (*first, *second)):
        return False
    return first[0] > second[1] or first[1] < second[0]


def _known(value: float | None) -> bool:
    return value is not None and not (isinstance(value, float) and math.isnan(value))
