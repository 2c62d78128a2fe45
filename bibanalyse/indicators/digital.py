"""Digital services: monthly use in the municipality (indicator ``digitaal_gebruik``) and by
service for figures.

``digitaal`` holds one row per service and month (``maand``, the first day of the month)
and municipality (``gemeente``). The use in a period is the sum over its months. Without
any row for the municipality in the period the use is missing (NaN), not zero: the
monthly figures were then not delivered.

>>> use = pd.DataFrame({
...     "maand": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-07-01"]),
...     "gemeente": ["Heemstede"] * 3,
...     "dienst": ["e-books", "Pressreader", "e-books"],
...     "gebruik": [120, 30, 200],
... })
>>> from bibanalyse.periods import Period
>>> digital_use(use, Period.parse("2025-H1"), municipality="heemstede")
150.0
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd

from bibanalyse.indicators._common import check_columns, check_period, in_municipality, in_period

if TYPE_CHECKING:
    from bibanalyse.periods import Period


def use_in(
    digitaal: pd.DataFrame, period: Period, *, municipality: str | None = None
) -> pd.DataFrame:
    """The monthly rows of ``period`` for ``municipality`` (all when None)."""
    check_columns(digitaal, ("maand", "gemeente", "gebruik"), "digitaal")
    chosen = in_period(digitaal["maand"], check_period(period)) & in_municipality(
        digitaal, municipality
    )
    return digitaal.loc[chosen.astype(bool)]


def digital_use(
    digitaal: pd.DataFrame, period: Period, *, municipality: str | None = None
) -> float:
    """Total use of the digital services in ``period`` (``digitaal_gebruik``); NaN when the
    municipality has no monthly figures in the period."""
    rows = use_in(digitaal, period, municipality=municipality)
    if rows.empty:
        return float("nan")
    return float(rows["gebruik"].sum())


def use_by_service(
    digitaal: pd.DataFrame, period: Period, *, municipality: str | None = None
) -> pd.DataFrame:
    """Per ``dienst``: ``gebruik`` in ``period``, most first."""
    check_columns(digitaal, ("dienst",), "digitaal")
    rows = use_in(digitaal, period, municipality=municipality)
    frame = pd.DataFrame(
        {"dienst": rows["dienst"].fillna("onbekend").astype(str), "gebruik": rows["gebruik"]}
    )
    result = frame.groupby("dienst")["gebruik"].sum().reset_index()
    result = result.astype({"dienst": str, "gebruik": "int64"})
    return result.sort_values(["gebruik", "dienst"], ascending=[False, True], ignore_index=True)
