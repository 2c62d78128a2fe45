"""Tests of bibanalyse.indicators.members, on hand-made subscriptions."""

from datetime import date

import pandas as pd
import pytest

from bibanalyse.indicators.members import (
    age_on,
    is_youth,
    members_on,
    youth_member_share,
    youth_members_on,
    youth_population,
)

FIRST, LAST = date(2025, 1, 1), date(2025, 6, 30)
HEEMSTEDE = ["Heemstede"]


def subscriptions(rows):
    """rows: (lener, geboortejaar, vestiging, jeugdabonnement, ingangsdatum, einddatum)."""
    frame = pd.DataFrame(
        rows,
        columns=[
            "lener",
            "geboortejaar",
            "vestiging",
            "jeugdabonnement",
            "ingangsdatum",
            "einddatum",
        ],
    )
    frame["ingangsdatum"] = pd.to_datetime(frame["ingangsdatum"])
    frame["einddatum"] = pd.to_datetime(frame["einddatum"])
    return frame


def population(rows):
    return pd.DataFrame(rows, columns=["jaar", "gemeente", "leeftijd", "aantal"])


def test_a_subscription_starting_on_the_last_day_counts_at_the_end_only():
    frame = subscriptions([("a", 1980, "Heemstede", False, "2025-06-30", None)])
    assert members_on(frame, FIRST) == 0
    assert members_on(frame, LAST) == 1


def test_a_subscription_ending_on_the_first_day_counts_at_the_begin_only():
    frame = subscriptions([("a", 1980, "Heemstede", False, "2020-01-01", "2025-01-01")])
    assert members_on(frame, FIRST) == 1
    assert members_on(frame, LAST) == 0


def test_a_subscription_ending_the_day_before_does_not_count():
    frame = subscriptions([("a", 1980, "Heemstede", False, "2020-01-01", "2024-12-31")])
    assert members_on(frame, FIRST) == 0


def test_a_subscription_starting_the_day_after_does_not_count():
    frame = subscriptions([("a", 1980, "Heemstede", False, "2025-07-01", None)])
    assert members_on(frame, LAST) == 0


def test_a_member_with_two_running_subscriptions_counts_once():
    frame = subscriptions(
        [
            ("a", 1980, "Heemstede", False, "2020-01-01", None),
            ("a", 1980, "Heemstede", False, "2025-03-01", None),
            ("b", 1985, "Heemstede", False, "2021-01-01", None),
        ]
    )
    assert members_on(frame, LAST) == 2


def test_members_of_a_branch_of_another_municipality_are_left_out():
    frame = subscriptions(
        [
            ("a", 1980, "Heemstede", False, "2020-01-01", None),
            ("b", 1980, "Haarlem Centrum", False, "2020-01-01", None),
        ]
    )
    assert members_on(frame, LAST, branches=HEEMSTEDE) == 1
    assert members_on(frame, LAST) == 2


def test_age_is_the_age_reached_in_the_calendar_year():
    years = pd.Series([2007, 2008], dtype="int64")
    # exact on 31 December; on 1 January someone born in 2007 already counts as 18
    assert age_on(years, date(2025, 12, 31)).tolist() == [18, 17]
    assert age_on(years, date(2025, 1, 1)).tolist() == [18, 17]


def test_youth_by_subscription_name_or_by_age_under_18():
    frame = subscriptions(
        [
            ("named", 1990, "Heemstede", True, "2020-01-01", None),
            ("seventeen", 2008, "Heemstede", False, "2020-01-01", None),
            ("eighteen", 2007, "Heemstede", False, "2020-01-01", None),
        ]
    )
    assert is_youth(frame, LAST).tolist() == [True, True, False]
    assert youth_members_on(frame, LAST) == 2


def test_a_member_born_in_2007_stops_counting_as_youth_on_1_january_2025():
    frame = subscriptions([("a", 2007, "Heemstede", False, "2020-01-01", None)])
    assert youth_members_on(frame, date(2024, 12, 31)) == 1
    assert youth_members_on(frame, date(2025, 1, 1)) == 0


def test_youth_members_leave_out_other_municipalities():
    frame = subscriptions(
        [
            ("a", 2015, "Heemstede", False, "2020-01-01", None),
            ("b", 2015, "Haarlem Noord", True, "2020-01-01", None),
        ]
    )
    assert youth_members_on(frame, LAST, branches=HEEMSTEDE) == 1


def test_youth_population_sums_the_groups_within_0_to_17():
    frame = population(
        [
            (2025, "Heemstede", "0-3", 100),
            (2025, "Heemstede", "4-11", 300),
            (2025, "Heemstede", "12-17", 200),
            (2025, "Heemstede", "18-64", 5000),
            (2025, "Heemstede", "65+", 1000),
            (2025, "Haarlem", "0-3", 9999),
            (2024, "Heemstede", "0-3", 7777),
        ]
    )
    assert youth_population(frame, 2025, municipality="heemstede") == 600


def test_youth_population_takes_a_0_to_17_group_as_it_is():
    frame = population([(2025, "Heemstede", "0-17", 650), (2025, "Heemstede", "18+", 9000)])
    assert youth_population(frame, 2025, municipality="Heemstede") == 650


def test_youth_population_is_missing_for_a_year_without_figures():
    frame = population([(2024, "Heemstede", "0-17", 650)])
    assert pd.isna(youth_population(frame, 2025, municipality="Heemstede"))


def test_youth_population_is_missing_when_groups_do_not_cover_0_to_17():
    frame = population([(2025, "Heemstede", "0-14", 500), (2025, "Heemstede", "15-24", 400)])
    with pytest.warns(UserWarning, match="do not cover 0-17"):
        assert pd.isna(youth_population(frame, 2025, municipality="Heemstede"))


def test_youth_member_share_divides_by_the_population_of_the_year_of_the_day():
    frame = subscriptions(
        [
            ("a", 2015, "Heemstede", False, "2020-01-01", None),
            ("b", 2016, "Heemstede", False, "2020-01-01", None),
            ("c", 1970, "Heemstede", False, "2020-01-01", None),
        ]
    )
    people = population([(2025, "Heemstede", "0-17", 40), (2024, "Heemstede", "0-17", 10)])
    assert youth_member_share(frame, people, LAST, municipality="Heemstede") == 2 / 40


def test_youth_member_share_is_missing_without_population():
    frame = subscriptions([("a", 2015, "Heemstede", False, "2020-01-01", None)])
    people = population([(2024, "Heemstede", "0-17", 10)])
    assert pd.isna(youth_member_share(frame, people, LAST, municipality="Heemstede"))


def test_members_do_not_change_their_input():
    frame = subscriptions([("a", 2015, "Heemstede", False, "2020-01-01", None)])
    before = frame.copy()
    youth_members_on(frame, LAST, branches=HEEMSTEDE)
    pd.testing.assert_frame_equal(frame, before)


def test_members_name_missing_columns():
    with pytest.raises(ValueError, match=r"lacks column\(s\) \['einddatum'\]"):
        members_on(pd.DataFrame(columns=["lener", "vestiging", "ingangsdatum"]), LAST)
