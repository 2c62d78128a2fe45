"""Tests of bibanalyse.indicators.communication."""

import pandas as pd

from bibanalyse.indicators.communication import count_items, items_by_channel
from bibanalyse.periods import Period

H1 = Period.parse("2025-H1")


def log():
    return pd.DataFrame(
        {
            "datum": pd.to_datetime(["2025-01-10", "2025-02-10", "2025-03-10", "2025-07-01"]),
            "vestiging": ["Heemstede", "Heemstede", "Haarlem Noord", "Heemstede"],
            "kanaal": ["website", "website", "Instagram", "nieuwsbrief"],
        }
    )


def test_items_in_the_period_at_the_branches():
    assert count_items(log(), H1, branches=["Heemstede"]) == 2


def test_items_by_channel():
    assert items_by_channel(log(), H1).to_dict("records") == [
        {"kanaal": "website", "uitingen": 2},
        {"kanaal": "Instagram", "uitingen": 1},
    ]
