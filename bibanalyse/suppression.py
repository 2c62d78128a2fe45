"""Small-cell suppression for display (privacy, see the data contract).

No report shows a count of fewer than 10 people broken down by a personal attribute (age
band, postcode area, place of residence, ...): such a cell reads ``<10``. Apply these
functions to such breakdowns only, at the moment of display; indicator values, totals
for the whole municipality and counts of things (loans, sessions, items) stay exact.

Choices made here:

- a count of 1 to 9 reads ``<10``; **0 stays "0"**: an empty cell names no one, and
  hiding zeros would make every sparse table unreadable;
- :func:`suppress_breakdown` adds the municipality-wide total, exact, and then hides one
  more cell (shown as ``x``, the CBS sign for a figure withheld) in every column where a
  single small cell could otherwise be recovered by subtracting the others from that
  total;
- missing values stay missing.

>>> ages = pd.DataFrame({"leeftijd": ["0-3", "4-11", "12-17"], "leden": [4, 250, 31]})
>>> suppress_small(ages, ["leden"])
  leeftijd leden
0      0-3   <10
1     4-11   250
2    12-17    31
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import pandas as pd

DEFAULT_THRESHOLD = 10
"""Counts below this (and above zero) are suppressed."""
WITHHELD = "x"
"""Shown for a cell hidden only so that a small cell cannot be recovered from a total."""


def is_small(count: float | None, threshold: int = DEFAULT_THRESHOLD) -> bool:
    """Whether a count of people is too small to show: 1 to ``threshold - 1``. Zero and a
    missing count are not (the rule every other function here applies).

    >>> [is_small(count) for count in (0, 1, 9, 10, None, float("nan"))]
    [False, True, True, False, False, False]
    """
    threshold = _check_threshold(threshold)
    return count is not None and not pd.isna(count) and 0 < count < threshold


def shown_count(
    count: float,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    formatter: Callable[[float], str] = str,
) -> str:
    """One count of people as a reader sees it: ``<10`` when :func:`is_small`, else written
    by ``formatter``.

    >>> shown_count(7), shown_count(1234, formatter="{:,}".format)
    ('<10', '1,234')
    """
    return f"<{threshold}" if is_small(count, threshold) else formatter(count)


def suppress_small(
    data: pd.DataFrame | pd.Series,
    columns: Sequence[str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    formatter: Callable[[int], str] = str,
) -> pd.DataFrame | pd.Series:
    """Display strings for counts of people: 1 to ``threshold - 1`` read ``<10`` (for the
    default threshold), 0 reads ``0``, larger counts are written by ``formatter``
    (default ``str``); missing values stay missing. A DataFrame keeps its other columns
    as they are; ``columns`` (default: every numeric column) are the counts. A new frame
    or Series is returned.

    >>> suppress_small(pd.Series([0, 3, 10, None], dtype="Int64")).tolist()
    ['0', '<10', '10', nan]
    """
    threshold = _check_threshold(threshold)
    if isinstance(data, pd.Series):
        if columns is not None:
            raise ValueError(f"columns apply to a DataFrame, not a Series; got {columns!r}")
        return _display(_counts(data, data.name), threshold, formatter)
    if not isinstance(data, pd.DataFrame):
        raise TypeError(f"expected a DataFrame or Series, got {type(data).__name__}")
    columns = _count_columns(data, columns)
    result = data.copy()
    for column in columns:
        result[column] = _display(_counts(data[column], column), threshold, formatter)
    return result


def suppress_breakdown(
    frame: pd.DataFrame,
    columns: Sequence[str] | None = None,
    threshold: int = DEFAULT_THRESHOLD,
    *,
    label_column: str | None = None,
    total_label: str = "Totaal",
    formatter: Callable[[int], str] = str,
) -> pd.DataFrame:
    """A breakdown of people by a personal attribute, ready for display: one row per
    category with small counts suppressed (as :func:`suppress_small`), and a last row
    ``total_label`` with the exact totals (the municipality-wide figures, which are not
    broken down and stay exact).

    So that a small cell cannot be worked out as the total minus the other cells, a
    column with exactly one small cell also hides its smallest other cell as ``x``
    (a zero too, where it is the only other one). ``label_column`` (default: the first
    column that is not a count) receives ``total_label``. Only column totals are
    protected; a table that also shows row totals needs more.

    >>> areas = pd.DataFrame({"postcode4": ["2101", "2102", "2103"], "leden": [4, 250, 31]})
    >>> suppress_breakdown(areas, ["leden"])
      postcode4 leden
    0      2101   <10
    1      2102   250
    2      2103     x
    3    Totaal   285
    """
    threshold = _check_threshold(threshold)
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"expected a DataFrame, got {type(frame).__name__}")
    columns = _count_columns(frame, columns)
    labels = [column for column in frame.columns if column not in columns]
    if label_column is None:
        label_column = labels[0] if labels else None
    elif label_column not in labels:
        raise ValueError(f"label_column {label_column!r} is not a non-count column: {labels!r}")
    result = suppress_small(frame, columns, threshold, formatter=formatter).reset_index(drop=True)
    totals: dict[str, object] = dict.fromkeys(frame.columns, pd.NA)
    for column in columns:
        counts = _counts(frame[column], column).reset_index(drop=True)
        small = counts.map(lambda count: is_small(count, threshold), na_action="ignore")
        small = small.fillna(False).astype(bool)
        if int(small.sum()) == 1:
            others = counts.where(~small & counts.notna())
            if others.notna().any():
                result.loc[others.idxmin(), column] = WITHHELD
        totals[column] = formatter(int(counts.sum()))
    if label_column is not None:
        totals[label_column] = total_label
    return pd.concat([result, pd.DataFrame([totals])], ignore_index=True)


def _check_threshold(threshold: object) -> int:
    if isinstance(threshold, bool) or not isinstance(threshold, int | np.integer):
        raise ValueError(f"threshold must be a whole number of at least 1, got {threshold!r}")
    if threshold < 1:
        raise ValueError(f"threshold must be a whole number of at least 1, got {threshold!r}")
    return int(threshold)


def _count_columns(frame: pd.DataFrame, columns: Sequence[str] | None) -> list[str]:
    if columns is None:
        return [
            column
            for column in frame.columns
            if pd.api.types.is_numeric_dtype(frame[column])
            and not pd.api.types.is_bool_dtype(frame[column])
        ]
    if isinstance(columns, str):
        raise ValueError(f"columns must be a list of names, got {columns!r}")
    missing = [column for column in columns if column not in frame.columns]
    if missing:
        raise ValueError(f"no column(s) {missing!r}; the frame has {list(frame.columns)!r}")
    return list(columns)


def _counts(values: pd.Series, name: object) -> pd.Series:
    """``values`` as Float64 counts; ValueError when any is not a whole number >= 0."""
    if not pd.api.types.is_numeric_dtype(values) or pd.api.types.is_bool_dtype(values):
        raise ValueError(f"column {name!r} must hold counts, got dtype {values.dtype}")
    numbers = values.astype("Float64")
    bad = numbers.notna() & ((numbers < 0) | (numbers != numbers.round()))
    if bad.fillna(False).any():
        examples = values[bad.fillna(False).to_numpy()].head(3).tolist()
        raise ValueError(f"column {name!r} must hold whole counts >= 0, got {examples!r}")
    return numbers


def _display(counts: pd.Series, threshold: int, formatter: Callable[[int], str]) -> pd.Series:
    whole = counts.astype("Int64")
    if formatter is str:
        texts = whole.astype(str)
    else:
        texts = whole.map(lambda count: formatter(int(count)), na_action="ignore").astype(str)
    small = counts.map(lambda count: is_small(count, threshold), na_action="ignore")
    small = small.fillna(False).astype(bool)
    texts = texts.where(~small, f"<{threshold}").where(counts.notna().to_numpy())
    return texts.rename(counts.name)
