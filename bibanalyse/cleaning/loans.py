"""Cleaning the circulation actions (uitleenacties)."""

from __future__ import annotations

import pandas as pd

from bibanalyse.cleaning.collection import is_youth_shelf


def add_moment_and_youth(actions: pd.DataFrame) -> pd.DataFrame:
    """``moment`` from Datum and Tijd (midnight where Tijd is empty), ``jeugd`` from the
    shelf code; Tijd itself is then held by ``moment``."""
    moment = actions["datum"] + actions["tijd"].fillna(pd.Timedelta(0))
    return actions.drop(columns="tijd").assign(
        moment=moment, jeugd=is_youth_shelf(actions["plaatsing"])
    )
