"""Tests of bibanalyse.indicators.partners, on a hand-made partner register."""

from datetime import date

import pandas as pd

from bibanalyse.indicators.partners import count_partners, partners_by_goal, partners_by_kind

DAY = date(2025, 6, 30)


def register(rows):
    """rows: (partner, soort, gemeente, start, einde, prestatieafspraken)."""
    frame = pd.DataFrame(
        rows, columns=["partner", "soort", "gemeente", "start", "einde", "prestatieafspraken"]
    )
    frame["start"] = pd.to_datetime(frame["start"])
    frame["einde"] = pd.to_datetime(frame["einde"])
    return frame


def test_a_partnership_starting_on_the_last_day_runs():
    frame = register([("A", "welzijn", "Heemstede", "2025-06-30", None, "1.3")])
    assert count_partners(frame, DAY) == 1


def test_a_partnership_ending_on_the_last_day_runs_and_the_day_before_not():
    frame = register(
        [
            ("A", "welzijn", "Heemstede", "2020-01-01", "2025-06-30", "1.3"),
            ("B", "welzijn", "Heemstede", "2020-01-01", "2025-06-29", "1.3"),
            ("C", "welzijn", "Heemstede", "2025-07-01", None, "1.3"),
        ]
    )
    assert count_partners(frame, DAY) == 1


def test_partners_are_counted_per_goal():
    frame = register(
        [
            ("School", "basisonderwijs", "Heemstede", "2020-01-01", None, "1.3;4.2"),
            ("Opvang", "kinderopvang", "Heemstede", "2020-01-01", None, "1.3"),
            ("Boekhandel", "boekhandel", "Heemstede", "2020-01-01", None, None),
        ]
    )
    assert count_partners(frame, DAY, "1.3") == 2
    assert count_partners(frame, DAY, "4.2") == 1
    assert count_partners(frame, DAY, "2.2") == 0
    by_goal = partners_by_goal(frame, DAY)
    assert by_goal.to_dict("records") == [
        {"afspraak": "1.3", "partners": 2},
        {"afspraak": "4.2", "partners": 1},
    ]


def test_partners_are_counted_per_kind():
    frame = register(
        [
            ("School A", "basisonderwijs", "Heemstede", "2020-01-01", None, "1.3"),
            ("School B", "basisonderwijs", "Heemstede", "2020-01-01", None, "1.3"),
            ("Opvang", "kinderopvang", "Heemstede", "2020-01-01", None, "1.3"),
        ]
    )
    assert partners_by_kind(frame, DAY).to_dict("records") == [
        {"soort": "basisonderwijs", "partners": 2},
        {"soort": "kinderopvang", "partners": 1},
    ]


def test_a_partner_with_two_running_partnerships_counts_once():
    frame = register(
        [
            ("WIJ Heemstede", "welzijn", "Heemstede", "2020-01-01", None, "1.2"),
            ("wij heemstede", "welzijn", "Heemstede", "2024-01-01", None, "1.2"),
        ]
    )
    assert count_partners(frame, DAY, "1.2") == 1


def test_partners_of_another_municipality_are_left_out():
    frame = register(
        [
            ("A", "welzijn", "Heemstede", "2020-01-01", None, "1.3"),
            ("B", "welzijn", "Haarlem", "2020-01-01", None, "1.3"),
        ]
    )
    assert count_partners(frame, DAY, "1.3", municipality="HEEMSTEDE") == 1
