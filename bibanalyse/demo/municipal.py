"""Figures per municipality: residents by age group (``bevolking``) and digital use (``digitaal``).

Residents are what an analyst typed over from CBS StatLine, one row per year and age group; the
latest year is not published yet, so it is missing. Digital use is monthly per service.
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np

from .formats import Frame
from .organisation import MUNICIPALITIES
from .window import Window, add_months, random_stream

AGE_GROUPS = ("0-3", "4-11", "12-17", "18-64", "65+")
# Residents in 2024 per age group, and yearly change per age group.
RESIDENTS_2024: dict[str, tuple[int, ...]] = {
    "Haarlem": (6_800, 14_500, 10_300, 107_000, 24_400),
    "Heemstede": (1_100, 2_750, 2_150, 15_200, 6_600),
    "Bloemendaal": (800, 2_100, 1_900, 12_900, 6_300),
    "Zandvoort": (550, 1_250, 1_000, 10_200, 4_500),
    "Hillegom": (950, 2_100, 1_600, 14_000, 4_350),
}
AGE_GROUP_GROWTH = (-0.01, 0.0, 0.004, 0.002, 0.018)

# Dienst -> (uses a month per 1,000 residents in the window's first month, yearly growth)
SERVICES: dict[str, tuple[float, float]] = {
    "Pressreader": (22.0, -0.05),
    "e-books": (55.0, 0.03),
    "luisterboeken": (32.0, 0.15),
}
MONTH_RHYTHM = np.array([1.15, 1.0, 1.0, 0.95, 0.95, 0.95, 1.25, 1.25, 0.9, 0.95, 0.95, 1.1])


def generate_population(window: Window, seed: int) -> Frame:
    """Every municipality, from the year before the window to the year of `until`."""
    rng = random_stream(seed, "bevolking")
    rows: dict[str, list] = {"Jaar": [], "Gemeente": [], "Leeftijd": [], "Aantal": []}
    for year in range(window.start.year - 1, window.until.year + 1):
        for municipality in MUNICIPALITIES:
            for group, base, growth in zip(
                AGE_GROUPS, RESIDENTS_2024[municipality], AGE_GROUP_GROWTH, strict=True
            ):
                count = base * (1 + growth) ** (year - 2024) * (1 + rng.normal(0, 0.003))
                rows["Jaar"].append(year)
                rows["Gemeente"].append(municipality)
                rows["Leeftijd"].append(group)
                rows["Aantal"].append(int(round(count, -1)))
    return rows


def whole_months(window: Window) -> list[tuple[int, int]]:
    """(year, month) of the months that lie wholly inside the window."""
    first = window.start if window.start.day == 1 else add_months(window.start.replace(day=1), 1)
    months = []
    while add_months(first, 1) - timedelta(days=1) <= window.until:
        months.append((first.year, first.month))
        first = add_months(first, 1)
    return months


def generate_digital(window: Window, municipalities: list[str], scale: float, seed: int) -> Frame:
    rows: dict[str, list] = {"Maand": [], "Gemeente": [], "Dienst": [], "Gebruik": []}
    months = whole_months(window)
    for municipality in municipalities:
        rng = random_stream(seed, "digitaal", municipality)
        residents = sum(RESIDENTS_2024[municipality]) / 1_000
        for number, (year, month) in enumerate(months):
            for service, (per_thousand, growth) in SERVICES.items():
                expected = (
                    per_thousand
                    * residents
                    * scale
                    * MONTH_RHYTHM[month - 1]
                    * (1 + growth) ** (number / 12)
                )
                rows["Maand"].append(f"{year}-{month:02d}")
                rows["Gemeente"].append(municipality)
                rows["Dienst"].append(service)
                rows["Gebruik"].append(int(rng.poisson(expected)))
    return rows
