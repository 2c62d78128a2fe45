"""Informatiepunt Digitale Overheid: questions in a period (indicator ``ido_vragen``) and
by topic for figures.

>>> questions = pd.DataFrame({
...     "datum": pd.to_datetime(["2025-03-01", "2025-04-01", "2025-07-01"]),
...     "vestiging": ["Heemstede"] * 3,
...     "onderwerp": ["DigiD", "toeslagen", "DigiD"],
... })
>>> from bibanalyse.periods import Period
>>> count_questions(questions, Period.parse("2025-H1"))
2
"""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

import pandas as pd

from bibanalyse.indicators._common import check_columns, check_period, in_branches, in_period

if TYPE_CHECKING:
    from bibanalyse.periods import Period


def questions_in(
    ido: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """The IDO questions asked in ``period`` at ``branches`` (all when None)."""
    check_columns(ido, ("datum", "vestiging"), "ido")
    chosen = in_period(ido["datum"], check_period(period)) & in_branches(ido, branches)
    return ido.loc[chosen.astype(bool)]


def count_questions(
    ido: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> int:
    """IDO questions in ``period`` (``ido_vragen``)."""
    return len(questions_in(ido, period, branches=branches))


def questions_by_topic(
    ido: pd.DataFrame, period: Period, *, branches: Collection[str] | None = None
) -> pd.DataFrame:
    """Per ``onderwerp``: ``vragen`` in ``period``, most first."""
    check_columns(ido, ("onderwerp",), "ido")
    topics = questions_in(ido, period, branches=branches)["onderwerp"]
    result = topics.fillna("onbekend").astype(str).value_counts().rename("vragen")
    result = result.rename_axis("onderwerp").reset_index().astype({"vragen": "int64"})
    return result.sort_values(["vragen", "onderwerp"], ascending=[False, True], ignore_index=True)
