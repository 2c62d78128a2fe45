"""Items on the shelves (the Wise ``collectie`` export): holdings, acquisitions and discards.

A branch holds about 45,000 items per unit of size on the window's first day, about 35% on a
youth shelf. Items are discarded at about 9% a year and replaced by acquisitions; the youth
collection grows a little, the adult collection shrinks a little. Items discarded before the
window are not in the export.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .organisation import PROFILES, BranchProfile
from .window import DAYS_PER_YEAR, OPEN_END, Window, day_weights_to_days, random_stream

ITEMS_HEEMSTEDE = 45_000
YOUTH_ITEM_SHARE = 0.35
DISCARD_RATE = 0.09  # a year
YOUTH_COLLECTION_GROWTH, ADULT_COLLECTION_GROWTH = 0.02, -0.015
NEW_ITEM_POPULARITY = 1.6

# Shelf code -> (share within youth or adult collection, Materiaal).
YOUTH_SHELVES: dict[str, tuple[float, str]] = {
    "AB": (0.05, "Boek"),
    "AP": (0.20, "Prentenboek"),
    "AK": (0.05, "Prentenboek"),
    "AJ": (0.08, "Boek"),
    "E": (0.08, "Boek"),
    "A": (0.08, "Boek"),
    "B": (0.07, "Boek"),
    "C": (0.07, "Boek"),
    "D": (0.05, "Boek"),
    "J": (0.05, "Boek"),
    "JDOC": (0.12, "Boek"),
    "JSTRIP": (0.07, "Strip"),
    "JLB": (0.03, "Luisterboek"),
}
ADULT_SHELVES: dict[str, tuple[float, str]] = {
    "ROM": (0.30, "Boek"),
    "THR": (0.14, "Boek"),
    "DOC": (0.17, "Boek"),
    "INFO": (0.08, "Boek"),
    "STRIP": (0.05, "Strip"),
    "PO": (0.02, "Boek"),
    "ENG": (0.05, "Boek"),
    "GB": (0.05, "Groteletterboek"),
    "LB": (0.04, "Luisterboek"),
    "DVD": (0.03, "Dvd"),
    "TS": (0.04, "Tijdschrift"),
    "SPEL": (0.03, "Spel"),
}
SHELVES: tuple[str, ...] = (*YOUTH_SHELVES, *ADULT_SHELVES)
MATERIALS: tuple[str, ...] = tuple(
    sorted({material for _, material in (*YOUTH_SHELVES.values(), *ADULT_SHELVES.values())})
)
SHELF_MATERIAL = np.array(
    [
        MATERIALS.index(material)
        for _, material in (*YOUTH_SHELVES.values(), *ADULT_SHELVES.values())
    ],
    dtype=np.int8,
)
N_YOUTH_SHELVES = len(YOUTH_SHELVES)
TITLES_PER_SHELF_SHARE = 60_000  # title pool of a shelf = its share x this


@dataclass(frozen=True)
class Collection:
    barcode: np.ndarray  # int64 Exemplaarnummer
    title: np.ndarray  # int64 Titelnummer
    branch: np.ndarray
    shelf: np.ndarray  # index into SHELVES
    acquired: np.ndarray  # day offset
    discarded: np.ndarray  # day offset, OPEN_END while held
    popularity: np.ndarray

    @property
    def youth(self) -> np.ndarray:
        return self.shelf < N_YOUTH_SHELVES


def generate_collection(window: Window, branches: list[str], scale: float, seed: int) -> Collection:
    parts = [
        _branch_items(random_stream(seed, "collection", name), PROFILES[name], window, scale)
        for name in branches
    ]
    items = {key: np.concatenate([p[key] for p in parts]) for key in parts[0]}
    # Discards after `until` have not happened yet: those items are still held.
    still_held = items["discarded"] > window.n_days - 1
    items["discarded"] = np.where(still_held, OPEN_END, items["discarded"]).astype(np.int32)
    return Collection(**items)


def _branch_items(
    rng: np.random.Generator, profile: BranchProfile, window: Window, scale: float
) -> dict[str, np.ndarray]:
    held = round(ITEMS_HEEMSTEDE * profile.size * scale)
    columns = []
    for youth, shelves, share, growth in (
        (True, YOUTH_SHELVES, YOUTH_ITEM_SHARE, YOUTH_COLLECTION_GROWTH),
        (False, ADULT_SHELVES, 1 - YOUTH_ITEM_SHARE, ADULT_COLLECTION_GROWTH),
    ):
        n_held = round(held * share)
        acquired_before = -np.round(
            np.minimum(rng.exponential(6.0, n_held), 30.0) * DAYS_PER_YEAR
        ).astype(np.int64)
        acquired_during = _acquisition_days(rng, window, n_held * (DISCARD_RATE + growth))
        acquired = np.concatenate([acquired_before, acquired_during])
        columns.append(_describe_items(rng, acquired, shelves, youth, n_new=acquired_during.size))
    items = {key: np.concatenate([c[key] for c in columns]) for key in columns[0]}
    items["barcode"] = _item_barcodes(rng, profile, items["acquired"].size)
    items["branch"] = np.full(items["acquired"].size, profile.index, dtype=np.int8)
    return items


def _acquisition_days(rng: np.random.Generator, window: Window, per_year: float) -> np.ndarray:
    """New items arrive in batches, more in spring and autumn, none in the summer holiday."""
    months = window.datetime64(np.arange(window.n_days)).astype("datetime64[M]").astype(int) % 12
    month_weight = np.array([0.8, 1.2, 1.3, 1.1, 1.0, 0.9, 0.3, 0.4, 1.3, 1.4, 1.2, 0.6])[months]
    weekday = (window.datetime64(np.arange(window.n_days)).astype(np.int64) + 3) % 7
    delivery_day = np.isin(weekday, (1, 3))  # deliveries on dinsdag and donderdag
    return day_weights_to_days(rng, month_weight * delivery_day, per_year, window)


def _describe_items(
    rng: np.random.Generator,
    acquired: np.ndarray,
    shelves: dict[str, tuple[float, str]],
    youth: bool,
    n_new: int,
) -> dict[str, np.ndarray]:
    shares = np.array([share for share, _ in shelves.values()])
    offset = 0 if youth else N_YOUTH_SHELVES
    shelf = rng.choice(shares.size, size=acquired.size, p=shares / shares.sum()) + offset
    pool = np.maximum((shares / shares.sum() * TITLES_PER_SHELF_SHARE).astype(np.int64), 50)
    title = 100_000_000 + shelf * 1_000_000 + (rng.random(acquired.size) * pool[shelf - offset])
    # Discards are memoryless from the window's start (or from acquisition).
    lifetime = np.round(rng.exponential(1 / DISCARD_RATE, acquired.size) * DAYS_PER_YEAR)
    discarded = np.maximum(acquired, 0) + 1 + lifetime.astype(np.int64)
    popularity = rng.lognormal(0.0, 1.0, acquired.size)
    popularity[acquired.size - n_new :] *= NEW_ITEM_POPULARITY
    return {
        "title": title.astype(np.int64),
        "shelf": shelf.astype(np.int8),
        "acquired": acquired.astype(np.int32),
        "discarded": discarded,
        "popularity": popularity,
    }


def _item_barcodes(rng: np.random.Generator, profile: BranchProfile, n: int) -> np.ndarray:
    """Unique 14-digit item barcodes: 3114, the branch digit, nine random digits."""
    prefix = (3114 * 10 + profile.barcode_digit) * 10**9
    return prefix + rng.choice(10**9, size=n, replace=False).astype(np.int64)
