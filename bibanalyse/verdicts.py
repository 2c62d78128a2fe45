"""A one-line verdict per goal: how its headline figure moved against the hoped-for
direction.

The comparison is with the same period a year earlier (seasons alike); a begin/eind pair
compares its end with its begin. A change within the margin counts as unchanged: 2% for a
hoped-for rise, 5% either way for a hoped-for stable figure. An estimate with an interval
has moved only when the intervals of both periods do not overlap.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from bibanalyse import formatting as fmt
from bibanalyse.wording import VERDICTS

RISE_MARGIN = 0.02
STABLE_MARGIN = 0.05


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


def judge(movement: Movement | None, direction: str, *, effort_only: bool = False) -> Verdict:
    """The verdict on a movement for a goal that hopes for ``direction`` ("meer"/"stabiel").

    >>> judge(Movement(110, 100, "een jaar eerder"), "meer").text
    'Op koers: 10% meer dan een jaar eerder.'
    >>> judge(Movement(101, 100, "een jaar eerder"), "meer").kind
    'gelijk'
    >>> judge(Movement(96, 100, "een jaar eerder"), "stabiel").kind
    'op_koers'
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
    return _verdict(change, moved, direction, movement.compared_with, _size(movement, change))


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
