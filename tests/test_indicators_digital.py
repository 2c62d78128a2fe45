"""Tests of bibanalyse.indicators.digital."""

import math

import pandas as pd

from bibanalyse.indicators.digital import digital_use, use_by_service
from bibanalyse.periods import Period

H1 = Period.parse("2025-H1")


def use():
    return pd.DataFrame(
        {
            "maand": pd.to_datetime(["2025-01-01", "2025-06-01", "2025-07-01", "2025-01-01"]),
            "gemeente": ["Heemstede", "Heemstede", "Heemstede", "Haarlem"],
            "dienst": ["e-books", "Pressreader", "e-books", "e-books"],
            "gebruik": [120, 30, 200, 5000],
        }
    )


def test_use_sums_the_months_of_the_period_for_the_municipality():
    assert digital_use(use(), H1, municipality="Heemstede") == 150


def test_use_is_missing_without_monthly_figures():
    assert math.isnan(digital_use(use(), Period.parse("2024-H2"), municipality="Heemstede"))


def test_use_by_service():
    assert use_by_service(use(), H1, municipality="heemstede").to_dict("records") == [
        {"dienst": "e-books", "gebruik": 120},
        {"dienst": "Pressreader", "gebruik": 30},
    ]
