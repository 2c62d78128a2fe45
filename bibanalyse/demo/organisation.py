"""Bibliotheek Zuid-Kennemerland as the demo imagines it: branches, their size and their hours.

Sizes are relative to Heemstede (1.0): ``size`` scales members, collection, activities and
everything else a branch produces; ``loan_size`` scales circulation. The nine sizes add up to
about 65,000 members and 950,000 loans a year.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from bibanalyse.formatting import WEEKDAYS_SHORT as DAY_ABBREVIATIONS

BRANCHES: dict[str, str] = {
    "Haarlem Centrum": "Haarlem",
    "Haarlem Noord": "Haarlem",
    "Haarlem Oost": "Haarlem",
    "Haarlem Schalkwijk": "Haarlem",
    "Haarlem Zuid-West": "Haarlem",
    "Heemstede": "Heemstede",
    "Bloemendaal": "Bloemendaal",
    "Zandvoort": "Zandvoort",
    "Hillegom": "Hillegom",
}
BRANCH_NAMES: tuple[str, ...] = tuple(BRANCHES)
MUNICIPALITIES: tuple[str, ...] = ("Haarlem", "Heemstede", "Bloemendaal", "Zandvoort", "Hillegom")
UNKNOWN_BRANCH = "Haarlem Centrumm"  # a typo a reader must reject

POSTCODE_RANGES: dict[str, tuple[int, int]] = {
    "Haarlem": (2011, 2037),
    "Heemstede": (2101, 2106),
    "Bloemendaal": (2061, 2065),
    "Zandvoort": (2041, 2042),
    "Hillegom": (2181, 2182),
}
# Where members from outside the branch's municipality come from.
NEIGHBOURS: dict[str, str] = {
    "Haarlem": "Heemstede",
    "Heemstede": "Haarlem",
    "Bloemendaal": "Haarlem",
    "Zandvoort": "Haarlem",
    "Hillegom": "Heemstede",
}

Hours = dict[int, tuple[str, str]]  # weekday (0 = maandag) -> (open, sluit)


def weekly_hours(schedule: str) -> Hours:
    """Weekly hours written the Dutch way: ``"ma-vr 10:00-18:00; za,zo 10:00-14:00"``.

    >>> weekly_hours("ma,wo 13:00-17:00; do-vr 10:00-17:30")[4]
    ('10:00', '17:30')
    """
    hours: Hours = {}
    for part in schedule.split(";"):
        days, times = part.split()
        open_, close = times.split("-")
        for group in days.split(","):
            first, _, last = group.partition("-")
            start = DAY_ABBREVIATIONS.index(first)
            stop = DAY_ABBREVIATIONS.index(last or first)
            hours |= {day: (open_, close) for day in range(start, stop + 1)}
    return dict(sorted(hours.items()))


@dataclass(frozen=True)
class BranchProfile:
    name: str
    municipality: str
    place: str  # short place name used in generic partner names
    barcode_digit: int  # distinguishes the branch's member and item barcodes
    size: float
    loan_size: float
    workplaces: int
    hours: Hours
    changed_hours: Hours | None = None  # a new set from a date inside the window
    changed_workplaces: int | None = None

    @property
    def index(self) -> int:
        return BRANCH_NAMES.index(self.name)


def _profile(
    name: str,
    place: str,
    digit: int,
    sizes: tuple[float, float],
    workplaces: int,
    hours: str,
    changed_hours: str | None = None,
    changed_workplaces: int | None = None,
) -> BranchProfile:
    return BranchProfile(
        name=name,
        municipality=BRANCHES[name],
        place=place,
        barcode_digit=digit,
        size=sizes[0],
        loan_size=sizes[1],
        workplaces=workplaces,
        hours=weekly_hours(hours),
        changed_hours=weekly_hours(changed_hours) if changed_hours else None,
        changed_workplaces=changed_workplaces,
    )


# Arguments: name, place, barcode digit, (size, loan size), workplaces, hours [, new hours].
PROFILES: dict[str, BranchProfile] = {
    profile.name: profile
    for profile in (
        _profile("Haarlem Centrum", "Centrum", 1, (2.6, 2.5), 120,
                 "ma-vr 10:00-20:00; za 10:00-17:00; zo 12:00-17:00",
                 "ma-vr 09:30-20:00; za 10:00-17:00; zo 12:00-17:00"),
        _profile("Haarlem Noord", "Noord", 2, (1.2, 1.1), 40,
                 "ma 13:00-18:00; di,wo,vr 10:00-18:00; do 10:00-20:00; za 10:00-16:00"),
        _profile("Haarlem Oost", "Oost", 3, (0.55, 0.5), 16,
                 "ma,wo,vr 13:00-18:00; di,do 10:00-17:00; za 10:00-14:00"),
        _profile("Haarlem Schalkwijk", "Schalkwijk", 4, (1.0, 0.85), 48,
                 "ma-vr 10:00-18:00; za 10:00-16:00"),
        _profile("Haarlem Zuid-West", "Zuid-West", 5, (0.8, 0.75), 24,
                 "di,do,vr 13:00-18:00; wo 10:00-18:00; za 10:00-14:00"),
        # Plein1: 56.5 hours a week, then 56 (the agreements allow 55 to 57).
        _profile("Heemstede", "Heemstede", 6, (1.0, 1.0), 48,
                 "ma,vr 09:00-17:30; di-do 09:00-20:00; za 10:00-16:30",
                 "ma,vr 09:00-17:00; di-do 09:00-20:00; za 10:00-17:00", changed_workplaces=56),
        _profile("Bloemendaal", "Bloemendaal", 7, (0.6, 0.6), 20,
                 "ma 13:00-17:00; di-vr 10:00-17:00; za 10:00-13:00"),
        _profile("Zandvoort", "Zandvoort", 8, (0.55, 0.5), 20,
                 "ma-vr 10:00-17:30; za 10:00-14:00"),
        _profile("Hillegom", "Hillegom", 9, (0.95, 0.85), 36,
                 "ma-wo,vr 10:00-18:00; do 10:00-20:00; za 10:00-16:00"),
    )
}  # fmt: skip


def profile_of(index: int) -> BranchProfile:
    return PROFILES[BRANCH_NAMES[int(index)]]


def postcode_pool(rng: np.random.Generator, municipality: str, per_area: int = 60) -> list[str]:
    """Plausible full postcodes (``"2101 AB"``) in the municipality's four-digit areas."""
    low, high = POSTCODE_RANGES[municipality]
    letters = np.array(list("ABCDEFGHJKLMNPRTVWXZ"))
    areas = np.repeat(np.arange(low, high + 1), per_area)
    first = rng.choice(letters, areas.size)
    second = rng.choice(letters, areas.size)
    return sorted({f"{area} {a}{b}" for area, a, b in zip(areas, first, second, strict=True)})
