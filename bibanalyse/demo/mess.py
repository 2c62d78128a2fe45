"""Invalid rows, put into exports on purpose so the ingest step's rejections are exercised.

`bibanalyse.demo.exports` lists which file gets which kind; a kind is a column and the bad
value it gets (an impossible date, an unknown branch, a negative count, ...).
"""

from __future__ import annotations

import numpy as np

from .formats import Codes, Frame, n_rows
from .window import random_stream

INVALID_SHARE = 0.0004  # of a file's rows, per kind of invalid row


class Spoiler:
    """Puts a few invalid values into a frame's rows, reproducibly."""

    def __init__(self, seed: int, *keys: str | int) -> None:
        self.rng = random_stream(seed, "mess", *keys)

    def spoil(self, frame: Frame, bad_values: dict[str, object], minimum: int = 2) -> Frame:
        """The frame with, per column in `bad_values`, a few rows holding the bad value.

        A share of the rows per kind, at least `minimum`, never more than a quarter of the rows
        in all; each spoiled row has one problem.
        """
        rows = n_rows(frame)
        per_kind = min(max(round(rows * INVALID_SHARE), minimum), rows // (4 * len(bad_values)))
        spoiled = dict(frame)
        taken = np.zeros(rows, dtype=bool)
        for column, bad in bad_values.items():
            eligible = np.flatnonzero(~taken & _filled(frame[column]))
            chosen = self.rng.choice(eligible, size=min(per_kind, eligible.size), replace=False)
            taken[chosen] = True
            spoiled[column] = _set_values(spoiled[column], chosen, bad)
        return spoiled


def _filled(column: Codes | np.ndarray | list) -> np.ndarray:
    if isinstance(column, Codes):
        return column.indices >= 0
    if isinstance(column, list):
        return np.array([value is not None for value in column])
    return ~np.isnan(column) if column.dtype.kind == "f" else np.ones(column.size, dtype=bool)


def _set_values(
    column: Codes | np.ndarray | list, rows: np.ndarray, bad: object
) -> Codes | np.ndarray | list:
    if isinstance(column, Codes):
        column, index = column.with_label(str(bad))
        indices = column.indices.astype(np.int32)  # room for the new label's index
        indices[rows] = index
        return Codes(indices, column.labels)
    if isinstance(column, list):
        column = list(column)
        for row in rows.tolist():
            column[row] = bad
        return column
    column = column.copy()
    column[rows] = bad
    return column
