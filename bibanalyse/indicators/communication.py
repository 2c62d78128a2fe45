"""Communication: items published in a period (indicator ``communicatie_uitingen``) and by
channel for figures.

>>> log = pd.DataFrame({
...     "datum": pd.to_datetime(["2025-03-01", "2025-04-01", "2025-07-01"]),
...     "vestiging": ["Heemstede"] * 3,
...     "kanaal": ["website", "Instagram", "website"],
... })
>>> from bibanalyse.periods import Period
>>> count_items(log, Period.parse("2025-H1"))
2
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd

from bibanalyse.indicators._common import check_columns, check_period, in_branches, in_period

if TYPE_CHECKING:
    from bibanalyse.periods import Period


def items_in(
    communicatie: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """The items published in ``period`` by ``branches`` (all when None)."""
    check_columns(communicatie, ("datum", "vestiging"), "communicatie")
    chosen = in_period(communicatie["datum"], check_period(period)) & in_branches(
        communicatie, branches
    )
    return communicatie.loc[chosen.astype(bool)]


def count_items(
    communicatie: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """Communication items published in ``period`` (``communicatie_uitingen``)."""
    return len(items_in(communicatie, period, branches=branches))


def items_by_channel(
    communicatie: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """Per ``kanaal``: ``uitingen`` in ``period``, most first."""
    check_columns(communicatie, ("kanaal",), "communicatie")
    channels = items_in(communicatie, period, branches=branches)["kanaal"]
    result = channels.fillna("onbekend").astype(str).value_counts().rename("uitingen")
    result = result.rename_axis("kanaal").reset_index().astype({"uitingen": "int64"})
    return result.sort_values(["uitingen", "kanaal"], ascending=[False, True], ignore_index=True)
