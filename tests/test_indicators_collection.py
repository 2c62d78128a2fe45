"""Tests of bibanalyse.indicators.collection, on hand-made items."""

from datetime import date

import pandas as pd
import pytest

from bibanalyse.indicators.collection import items_on, youth_items_on

DAY = date(2025, 6, 30)


def items(rows):
    """rows: (exemplaarnummer, vestiging, jeugd, aanschafdatum, afvoerdatum)."""
    frame = pd.DataFrame(
        rows, columns=["exemplaarnummer", "vestiging", "jeugd", "aanschafdatum", "afvoerdatum"]
    )
    frame["aanschafdatum"] = pd.to_datetime(frame["aanschafdatum"])
    frame["afvoerdatum"] = pd.to_datetime(frame["afvoerdatum"])
    return frame


def test_an_item_bought_on_the_day_is_held():
    assert youth_items_on(items([("1", "Heemstede", True, "2025-06-30", None)]), DAY) == 1


def test_an_item_bought_the_day_after_is_not_held():
    assert youth_items_on(items([("1", "Heemstede", True, "2025-07-01", None)]), DAY) == 0


def test_an_item_written_off_on_the_day_is_still_held():
    frame = items([("1", "Heemstede", True, "2020-01-01", "2025-06-30")])
    assert youth_items_on(frame, DAY) == 1


def test_an_item_written_off_the_day_before_is_not_held():
    frame = items([("1", "Heemstede", True, "2020-01-01", "2025-06-29")])
    assert youth_items_on(frame, DAY) == 0


def test_adult_items_are_not_youth_items():
    frame = items(
        [
            ("1", "Heemstede", True, "2020-01-01", None),
            ("2", "Heemstede", False, "2020-01-01", None),
        ]
    )
    assert youth_items_on(frame, DAY) == 1
    assert items_on(frame, DAY, youth=False) == 1
    assert items_on(frame, DAY) == 2


def test_items_of_a_branch_of_another_municipality_are_left_out():
    frame = items(
        [
            ("1", "Heemstede", True, "2020-01-01", None),
            ("2", "Haarlem Centrum", True, "2020-01-01", None),
        ]
    )
    assert youth_items_on(frame, DAY, branches=["Heemstede"]) == 1


def test_an_item_listed_twice_counts_once():
    frame = items(
        [("1", "Heemstede", True, "2020-01-01", None), ("1", "Heemstede", True, "2020-01-01", None)]
    )
    assert youth_items_on(frame, DAY) == 1


def test_youth_must_be_a_truth_value():
    with pytest.raises(ValueError, match="youth must be"):
        items_on(items([]), DAY, youth="jeugd")
