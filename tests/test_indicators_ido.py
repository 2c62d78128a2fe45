"""Tests of bibanalyse.indicators.ido."""

import pandas as pd

from bibanalyse.indicators.ido import count_questions, questions_by_topic
from bibanalyse.periods import Period

H1 = Period.parse("2025-H1")


def questions():
    return pd.DataFrame(
        {
            "datum": pd.to_datetime(["2024-12-31", "2025-01-01", "2025-06-30", "2025-03-01"]),
            "vestiging": ["Heemstede", "Heemstede", "Heemstede", "Haarlem Centrum"],
            "onderwerp": ["DigiD", "DigiD", "toeslagen", "DigiD"],
        }
    )


def test_questions_in_the_period_at_the_branches():
    assert count_questions(questions(), H1, branches=["Heemstede"]) == 2


def test_questions_by_topic():
    assert questions_by_topic(questions(), H1, branches=["Heemstede"]).to_dict("records") == [
        {"onderwerp": "DigiD", "vragen": 1},
        {"onderwerp": "toeslagen", "vragen": 1},
    ]
