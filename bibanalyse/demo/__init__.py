"""Realistic synthetic raw exports of Bibliotheek Zuid-Kennemerland, for demos and benchmarks.

`generate_demo` writes every source of DATA-CONTRACT.md under ``raw_dir/<source>/``, messy the
way real exports are; `bibanalyse.demo.exports` describes which mess is in which file.

Modules, in the order the generator uses them:

- `window`: the covered days as offsets, reproducible random streams;
- `organisation`: the nine branches, their size, hours and postcodes;
- `opening`: opening hours, public holidays, closures and school holidays per day;
- `members`, `collection`, `circulation`: subscriptions, items, loans/renewals/returns;
- `partners`, `activities`, `ido`, `communication`, `visits`, `municipal`, `narratives`:
  the smaller sources;
- `formats`: columns, date styles and the CSV/Excel writers; `mess`: invalid rows;
  `exports`: which file gets which format and which mess.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date, datetime
from pathlib import Path

from .activities import generate_activities
from .circulation import generate_circulation
from .collection import generate_collection
from .communication import generate_communication
from .exports import DemoData, write_exports
from .ido import generate_ido
from .members import generate_members
from .municipal import generate_digital, generate_population
from .narratives import generate_narratives
from .opening import build_calendar, closures, hours_sets
from .organisation import BRANCHES
from .partners import generate_partners
from .visits import generate_visits
from .window import Window

__all__ = ["BRANCHES", "generate_demo"]


def generate_demo(
    raw_dir: Path,
    *,
    until: date,
    seed: int = 2024,
    years: int = 3,
    scale: float = 1.0,
    branches: Sequence[str] | None = None,
) -> dict[str, int]:
    """Write realistic synthetic raw exports under raw_dir/<source>/; return rows per source.

    The data covers `years` whole years ending on `until` (inclusive). `scale` multiplies every
    volume; `branches` limits the volumes to those branches (None: all nine), while reference
    files always list all nine. The same arguments give byte-identical files. Files of an
    earlier demo run in the source folders are replaced; nothing is written outside `raw_dir`.
    For ``toelichting`` the count is the number of goal sections written.
    """
    chosen = _checked_branches(branches)
    _check_arguments(until, seed, years, scale)
    window = Window.ending(until, years)
    hours = hours_sets(window)
    closed = closures(window, seed)
    calendar = build_calendar(window, hours, closed)
    members = generate_members(window, chosen, scale, seed)
    collection = generate_collection(window, chosen, scale, seed)
    partners = generate_partners(window, chosen, scale, seed)
    municipalities = sorted({BRANCHES[name] for name in chosen})
    data = DemoData(
        window=window,
        years=years,
        seed=seed,
        members=members,
        collection=collection,
        circulation=generate_circulation(calendar, members, collection, chosen, scale, seed),
        partners=partners,
        activities=generate_activities(calendar, partners, chosen, scale, seed),
        visits=generate_visits(calendar, chosen, scale, seed),
        ido=generate_ido(calendar, chosen, scale, seed),
        communication=generate_communication(calendar, chosen, scale, seed),
        hours=hours,
        closures=closed,
        population=generate_population(window, seed),
        digital=generate_digital(window, municipalities, scale, seed),
        narratives=generate_narratives(window, seed),
    )
    return write_exports(Path(raw_dir), data)


def _checked_branches(branches: Sequence[str] | None) -> list[str]:
    """The chosen branches in the organisation's order (so their order cannot change a file)."""
    if branches is None:
        return list(BRANCHES)
    if isinstance(branches, str):
        raise ValueError(
            f"branches must be a sequence of branch names, not the string {branches!r}"
        )
    unknown = [name for name in branches if name not in BRANCHES]
    if unknown or not branches:
        raise ValueError(
            f"unknown or no branches {list(branches)!r}; choose from {list(BRANCHES)!r}"
        )
    return [name for name in BRANCHES if name in set(branches)]


def _check_arguments(until: date, seed: int, years: int, scale: float) -> None:
    if not isinstance(until, date) or isinstance(until, datetime):
        raise ValueError(f"until must be a datetime.date, got {until!r}")
    if not isinstance(years, int) or years < 1:
        raise ValueError(f"years must be a whole number of at least 1, got {years!r}")
    if not scale > 0:
        raise ValueError(f"scale must be positive, got {scale!r}")
    if not isinstance(seed, int) or seed < 0:
        raise ValueError(f"seed must be a non-negative integer, got {seed!r}")
