"""Tests of bibanalyse.indicators.loans, on hand-made circulation actions."""

import pandas as pd
import pytest

from bibanalyse.indicators.loans import (
    count_active_borrowers,
    count_loans,
    count_renewals,
    count_youth_loans,
    monthly_loans_by_segment,
)
from bibanalyse.periods import Period

H1, H2 = Period.parse("2025-H1"), Period.parse("2025-H2")


def actions(rows):
    """rows: (moment, actie, vestiging, jeugd, lener)."""
    frame = pd.DataFrame(rows, columns=["moment", "actie", "vestiging", "jeugd", "lener"])
    frame["moment"] = pd.to_datetime(frame["moment"], format="ISO8601")
    frame.insert(0, "datum", frame["moment"].dt.normalize())
    return frame


def test_an_action_at_30_june_23_59_is_in_h1_and_at_1_july_00_00_in_h2():
    frame = actions(
        [
            ("2025-06-30 23:59", "uitlening", "Heemstede", False, "a"),
            ("2025-07-01 00:00", "uitlening", "Heemstede", False, "b"),
        ]
    )
    assert count_loans(frame, H1) == 1
    assert count_loans(frame, H2) == 1
    assert count_active_borrowers(frame, H1) == 1


def test_renewals_and_returns_are_not_loans():
    frame = actions(
        [
            ("2025-02-01", "uitlening", "Heemstede", False, "a"),
            ("2025-02-22", "verlenging", "Heemstede", False, "a"),
            ("2025-03-15", "verlenging", "Heemstede", False, "a"),
            ("2025-04-01", "inname", "Heemstede", False, "a"),
        ]
    )
    assert count_loans(frame, H1) == 1
    assert count_renewals(frame, H1) == 2


def test_youth_loans_are_loans_from_youth_shelves():
    frame = actions(
        [
            ("2025-02-01", "uitlening", "Heemstede", True, "a"),
            ("2025-02-01", "uitlening", "Heemstede", False, "a"),
            ("2025-02-20", "verlenging", "Heemstede", True, "a"),
        ]
    )
    assert count_youth_loans(frame, H1) == 1
    assert count_loans(frame, H1, youth=False) == 1


def test_active_borrowers_are_distinct_and_need_a_loan():
    frame = actions(
        [
            ("2025-02-01", "uitlening", "Heemstede", False, "a"),
            ("2025-03-01", "uitlening", "Heemstede", False, "a"),
            ("2025-03-01", "verlenging", "Heemstede", False, "renews-only"),
            ("2025-03-01", "inname", "Heemstede", False, "returns-only"),
        ]
    )
    assert count_active_borrowers(frame, H1) == 1


def test_loans_at_a_branch_of_another_municipality_are_left_out():
    frame = actions(
        [
            ("2025-02-01", "uitlening", "Heemstede", False, "a"),
            ("2025-02-01", "uitlening", "Haarlem Centrum", False, "b"),
            ("2025-02-01", "verlenging", "Haarlem Centrum", False, "b"),
        ]
    )
    assert count_loans(frame, H1, branches=["Heemstede"]) == 1
    assert count_renewals(frame, H1, branches=["Heemstede"]) == 0
    assert count_active_borrowers(frame, H1, branches=["Heemstede"]) == 1


def test_monthly_series_has_every_month_and_segment():
    frame = actions(
        [
            ("2025-01-05", "uitlening", "Heemstede", True, "a"),
            ("2025-01-31 18:00", "uitlening", "Heemstede", True, "a"),
            ("2025-03-10", "uitlening", "Heemstede", False, "b"),
            ("2025-03-10", "verlenging", "Heemstede", False, "b"),
            ("2025-07-01", "uitlening", "Heemstede", False, "b"),
        ]
    )
    series = monthly_loans_by_segment(frame, H1)
    assert len(series) == 12  # 6 months x 2 segments
    counts = series.set_index([series["maand"].dt.month, "segment"])["uitleningen"]
    assert counts[(1, "jeugd")] == 2
    assert counts[(3, "volwassenen")] == 1
    assert counts.sum() == 3
    assert series["maand"].iloc[0] == pd.Timestamp("2025-01-01")


def test_loans_do_not_change_their_input():
    frame = actions([("2025-02-01", "uitlening", "Heemstede", True, "a")])
    before = frame.copy()
    monthly_loans_by_segment(frame, H1, branches=["Heemstede"])
    count_active_borrowers(frame, H1)
    pd.testing.assert_frame_equal(frame, before)


def test_loans_need_a_period():
    frame = actions([("2025-02-01", "uitlening", "Heemstede", True, "a")])
    with pytest.raises(ValueError, match="expected a Period"):
        count_loans(frame, "2025-H1")
