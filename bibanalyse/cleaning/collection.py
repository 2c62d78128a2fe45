"""Cleaning the item export (collectie), and the youth shelf codes loans use too."""

from __future__ import annotations

import numpy as np
import pandas as pd

from bibanalyse.cleaning.columns import distinct_codes

YOUTH_SHELF_CODES = frozenset({"AB", "AP", "AK", "AJ", "E", "A", "B", "C", "D", "J"})


def is_youth_shelf(plaatsing: pd.Series) -> pd.Series:
    """Whether a shelf code (its first word) belongs to the youth collection: one of the
    contract's codes or a code starting with J. Each distinct shelf code is looked at once.

    >>> is_youth_shelf(pd.Series(["AP", "JDOC 500", "ROM", "e", "ABC"], dtype="str")).tolist()
    [True, True, False, True, False]
    """
    codes, distinct = distinct_codes(plaatsing)
    code = pd.Series(distinct, dtype="str").str.strip().str.split(n=1).str[0].str.upper()
    youth = (code.isin(YOUTH_SHELF_CODES) | code.str.startswith("J")).fillna(False)
    youth = np.append(youth.to_numpy(dtype=bool), False)  # missing: no youth shelf
    return pd.Series(youth[codes], index=plaatsing.index, name=plaatsing.name)


def add_youth_flag(items: pd.DataFrame) -> pd.DataFrame:
    return items.assign(jeugd=is_youth_shelf(items["plaatsing"]))
