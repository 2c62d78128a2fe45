"""Collection: items held on a day (indicators ``collectie_jeugd_begin``,
``collectie_jeugd_eind``).

An item is held on a day when ``aanschafdatum <= day`` and ``afvoerdatum`` is missing or
``>= day`` (an item written off on the day itself still counts that day). Youth items are
those on a youth shelf code (``jeugd``, set by the ingest).

>>> items = pd.DataFrame({
...     "exemplaarnummer": ["1", "2", "3"],
...     "vestiging": ["Heemstede"] * 3,
...     "jeugd": [True, True, False],
...     "aanschafdatum": pd.to_datetime(["2020-01-01", "2025-03-01", "2020-01-01"]),
...     "afvoerdatum": pd.to_datetime([None, None, None]),
... })
>>> youth_items_on(items, date(2025, 1, 1)), youth_items_on(items, date(2025, 6, 30))
(1, 2)
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date

import pandas as pd

from bibanalyse.indicators._common import check_columns, in_branches, running_on

_COLUMNS = ("exemplaarnummer", "vestiging", "jeugd", "aanschafdatum", "afvoerdatum")


def items_on(
    collectie: pd.DataFrame,
    day: date,
    *,
    branches: Collection[str] | None = None,
    youth: bool | None = None,
) -> int:
    """Distinct items (``exemplaarnummer``) held on ``day`` in ``branches`` (all when None);
    only youth items when ``youth`` is True, only adult items when False."""
    check_columns(collectie, _COLUMNS, "collectie")
    if youth not in (None, True, False):
        raise ValueError(f"youth must be True, False or None, got {youth!r}")
    held = running_on(collectie["aanschafdatum"], collectie["afvoerdatum"], day)
    held &= in_branches(collectie, branches)
    if youth is not None:
        held &= collectie["jeugd"].astype("boolean").fillna(False).astype(bool) == youth
    return int(collectie.loc[held, "exemplaarnummer"].nunique())


def youth_items_on(
    collectie: pd.DataFrame, day: date, *, branches: Collection[str] | None = None
) -> int:
    """Distinct youth items held on ``day`` in ``branches``."""
    return items_on(collectie, day, branches=branches, youth=True)
