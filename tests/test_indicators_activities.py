"""Tests of bibanalyse.indicators.activities, on hand-made sessions."""

import pandas as pd
import pytest

from bibanalyse.indicators.activities import (
    count_activities,
    count_communities,
    count_participants,
    participants,
    participants_by_kind,
    sessions_by_goal,
)
from bibanalyse.periods import Period

H1 = Period.parse("2025-H1")


def sessions(rows):
    """rows: (datum, soort, prestatieafspraken, community, deelnemers, klassen, vestiging)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "datum",
            "soort",
            "prestatieafspraken",
            "community",
            "aantal_deelnemers",
            "aantal_klassen",
            "vestiging",
        ],
    )
    frame["datum"] = pd.to_datetime(frame["datum"])
    frame["aantal_deelnemers"] = frame["aantal_deelnemers"].astype("Int64")
    frame["aantal_klassen"] = frame["aantal_klassen"].astype("Int64")
    return frame


def test_classes_without_a_participant_count_use_the_class_size():
    frame = sessions([("2025-03-01", "Klassenbezoek", "1.2", None, None, 2, "Heemstede")])
    assert count_participants(frame, H1, "1.2") == 46
    assert count_participants(frame, H1, "1.2", class_size=25) == 50


def test_a_participant_count_wins_over_classes():
    frame = sessions([("2025-03-01", "Klassenbezoek", "1.2", None, 40, 2, "Heemstede")])
    assert count_participants(frame, H1, "1.2") == 40


def test_a_session_with_neither_count_is_a_session_without_participants():
    frame = sessions([("2025-03-01", "Ontmoeting", "3.2", None, None, None, "Heemstede")])
    assert count_activities(frame, H1, "3.2") == 1
    assert count_participants(frame, H1, "3.2") == 0
    assert participants(frame).isna().all()


def test_a_session_tagged_with_two_goals_counts_under_both():
    frame = sessions(
        [
            ("2025-03-01", "Voorlezen", "1.2;3.2", None, 12, None, "Heemstede"),
            ("2025-04-01", "Taalsoos", "1.4", None, 8, None, "Heemstede"),
        ]
    )
    assert count_activities(frame, H1, "1.2") == 1
    assert count_activities(frame, H1, "3.2") == 1
    assert count_participants(frame, H1, "3.2") == 12
    assert count_activities(frame, H1) == 2  # each session once in the total
    by_goal = sessions_by_goal(frame, H1).set_index("afspraak")
    assert by_goal.loc["1.2", "activiteiten"] == 1
    assert by_goal.loc["3.2", "deelnemers"] == 12
    assert by_goal.loc["1.4", "deelnemers"] == 8


def test_a_goal_id_is_matched_exactly():
    frame = sessions([("2025-03-01", "Voorlezen", "1.20;11.2", None, 12, None, "Heemstede")])
    assert count_activities(frame, H1, "1.2") == 0


def test_sessions_at_a_branch_of_another_municipality_are_left_out():
    frame = sessions(
        [
            ("2025-03-01", "Voorlezen", "1.2", None, 12, None, "Heemstede"),
            ("2025-03-01", "Voorlezen", "1.2", None, 30, None, "Haarlem Centrum"),
        ]
    )
    assert count_activities(frame, H1, "1.2", branches=["Heemstede"]) == 1
    assert count_participants(frame, H1, "1.2", branches=["Heemstede"]) == 12


def test_sessions_are_counted_in_the_period_of_their_day():
    frame = sessions(
        [
            ("2025-06-30", "Voorlezen", "1.2", None, 5, None, "Heemstede"),
            ("2025-07-01", "Voorlezen", "1.2", None, 7, None, "Heemstede"),
        ]
    )
    assert count_participants(frame, H1, "1.2") == 5
    assert count_participants(frame, Period.parse("2025-H2"), "1.2") == 7


def test_communities_are_distinct_ignoring_case():
    frame = sessions(
        [
            ("2025-03-01", "Ontmoeting", "2.1", "Schaakclub", 6, None, "Heemstede"),
            ("2025-04-01", "Ontmoeting", "2.1", "schaakclub ", 6, None, "Heemstede"),
            ("2025-04-01", "Ontmoeting", "2.1", "Breiclub", 6, None, "Heemstede"),
            ("2025-04-01", "Lezing", "4.2", None, 6, None, "Heemstede"),
            ("2024-12-31", "Ontmoeting", "2.1", "Oude club", 6, None, "Heemstede"),
        ]
    )
    assert count_communities(frame, H1) == 2


def test_participants_by_kind_count_each_session_once():
    frame = sessions(
        [
            ("2025-03-01", "Voorlezen", "1.2;3.2", None, 12, None, "Heemstede"),
            ("2025-03-08", "Voorlezen", "1.2", None, 10, None, "Heemstede"),
            ("2025-04-01", "Klassenbezoek", "4.2", None, None, 1, "Heemstede"),
        ]
    )
    by_kind = participants_by_kind(frame, H1)
    assert by_kind.to_dict("records") == [
        {"soort": "Klassenbezoek", "activiteiten": 1, "deelnemers": 23},
        {"soort": "Voorlezen", "activiteiten": 2, "deelnemers": 22},
    ]


@pytest.mark.parametrize("bad", [0, -5, 2.5, "23", True])
def test_the_class_size_must_be_a_positive_whole_number(bad):
    frame = sessions([("2025-03-01", "Klassenbezoek", "1.2", None, None, 2, "Heemstede")])
    with pytest.raises(ValueError, match="class_size"):
        count_participants(frame, H1, "1.2", class_size=bad)


def test_activities_do_not_change_their_input():
    frame = sessions([("2025-03-01", "Voorlezen", "1.2;3.2", None, None, 2, "Heemstede")])
    before = frame.copy()
    sessions_by_goal(frame, H1, branches=["Heemstede"])
    pd.testing.assert_frame_equal(frame, before)
