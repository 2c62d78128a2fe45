"""Tests of bibanalyse.indicators.visits: open hours, the visitor estimate, occupancy."""

import math

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibanalyse.indicators.visits import (
    estimate_from_counts,
    estimate_visitors,
    open_hours,
    visits_by_weekday_hour,
    workplace_occupancy,
)
from bibanalyse.periods import Period

pytestmark = pytest.mark.slow  # samples the estimate's coverage: 9-23 s

H1 = Period.parse("2025-H1")
NO_CLOSING_DAYS = pd.DataFrame({"vestiging": pd.Series([], dtype=str), "datum": pd.to_datetime([])})


def schedule(rows):
    """rows: (vestiging, weekdag, open 'hh:mm', sluit 'hh:mm', geldig_vanaf)."""
    frame = pd.DataFrame(rows, columns=["vestiging", "weekdag", "open", "sluit", "geldig_vanaf"])
    for column in ("open", "sluit"):
        parts = frame[column].str.split(":", expand=True).astype(int)
        frame[column] = parts[0] * 60 + parts[1]
    frame["geldig_vanaf"] = pd.to_datetime(frame["geldig_vanaf"])
    return frame


def closing_days(*days, branch="Heemstede"):
    return pd.DataFrame({"vestiging": branch, "datum": pd.to_datetime(list(days))})


def counts(rows):
    """rows: (vestiging, datum, uur, bezoekers)."""
    frame = pd.DataFrame(rows, columns=["vestiging", "datum", "uur", "bezoekers"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    return frame


def slots(rows):
    """rows: (datum, uur) of one branch, Heemstede."""
    frame = pd.DataFrame(rows, columns=["datum", "uur"])
    frame["datum"] = pd.to_datetime(frame["datum"])
    frame.insert(0, "vestiging", "Heemstede")
    frame.insert(2, "weekdag", frame["datum"].dt.day_of_week.astype("int64"))
    return frame


MONDAYS_10_TO_12 = schedule([("Heemstede", 0, "10:00", "12:00", "2020-01-01")])


# open hours -----------------------------------------------------------------------------


def test_an_hour_slot_is_open_when_it_overlaps_the_opening_hours():
    hours = schedule([("Heemstede", 0, "09:30", "17:00", "2020-01-01")])
    open_slots = open_hours(hours, NO_CLOSING_DAYS, H1)
    first_monday = open_slots[open_slots["datum"] == "2025-01-06"]
    assert first_monday["uur"].tolist() == [9, 10, 11, 12, 13, 14, 15, 16]


def test_the_latest_schedule_valid_on_the_day_applies():
    hours = schedule(
        [
            ("Heemstede", 0, "10:00", "12:00", "2020-01-01"),
            ("Heemstede", 0, "10:00", "11:00", "2025-06-01"),  # shorter from June
        ]
    )
    open_slots = open_hours(hours, NO_CLOSING_DAYS, H1)
    per_day = open_slots.groupby("datum").size()
    assert per_day[pd.Timestamp("2025-05-26")] == 2
    assert per_day[pd.Timestamp("2025-06-02")] == 1


def test_split_opening_hours_on_one_day_both_apply():
    hours = schedule(
        [
            ("Heemstede", 0, "09:00", "12:00", "2020-01-01"),
            ("Heemstede", 0, "13:00", "17:00", "2020-01-01"),
        ]
    )
    open_slots = open_hours(hours, NO_CLOSING_DAYS, H1)
    first_monday = open_slots[open_slots["datum"] == "2025-01-06"]
    assert first_monday["uur"].tolist() == [9, 10, 11, 13, 14, 15, 16]


def test_closing_days_and_weekdays_without_hours_are_closed():
    open_slots = open_hours(MONDAYS_10_TO_12, closing_days("2025-01-13"), H1)
    assert set(open_slots["weekdag"]) == {0}
    assert pd.Timestamp("2025-01-13") not in set(open_slots["datum"])
    assert len(open_slots) == (26 - 1) * 2  # 26 Mondays in H1 2025


def test_open_hours_only_of_the_branches_asked():
    hours = schedule(
        [
            ("Heemstede", 0, "10:00", "12:00", "2020-01-01"),
            ("Haarlem Centrum", 0, "10:00", "12:00", "2020-01-01"),
        ]
    )
    open_slots = open_hours(hours, NO_CLOSING_DAYS, H1, branches=["Heemstede"])
    assert set(open_slots["vestiging"]) == {"Heemstede"}


# the estimate, worked by hand -----------------------------------------------------------


def test_every_open_hour_counted_gives_the_exact_sum_with_zero_width():
    open_slots = slots([("2025-01-06", 10), ("2025-01-06", 11), ("2025-01-13", 10)])
    estimate = estimate_from_counts(open_slots, open_slots.assign(bezoekers=[7, 9, 12]))
    assert estimate.exact
    assert estimate.estimate == estimate.lower == estimate.upper == 28


def test_counts_outside_opening_hours_and_on_closing_days_contribute_nothing():
    every_hour = [
        ("Heemstede", monday, hour, 10)
        for monday in pd.date_range("2025-01-06", "2025-06-30", freq="7D")
        for hour in (10, 11)
    ]
    extra = [
        ("Heemstede", "2025-01-06", 12, 500),  # after closing time
        ("Heemstede", "2025-01-07", 10, 500),  # Tuesday: closed
    ]
    closed = closing_days("2025-01-13")
    estimate = estimate_visitors(counts(every_hour + extra), MONDAYS_10_TO_12, closed, H1)
    assert estimate.exact
    assert estimate.estimate == 25 * 2 * 10
    assert estimate.lower == estimate.upper == 500


def test_an_uncounted_hour_takes_the_mean_of_its_weekday_and_hour():
    # two Mondays open 10-12; the second one only counted at 10
    open_slots = slots(
        [("2025-01-06", 10), ("2025-01-06", 11), ("2025-01-13", 10), ("2025-01-13", 11)]
    )
    counted = open_slots.iloc[:3].assign(bezoekers=[10, 20, 14])
    # 10 + 20 + 14 counted, + 20 for Monday 13 January 11:00 (the mean of its stratum)
    assert estimate_from_counts(open_slots, counted).estimate == 64


def test_an_hour_never_counted_borrows_the_weekday_mean():
    # an evening hour open on 13 January only; the Mondays' counted hours average 15
    open_slots = slots(
        [("2025-01-06", 10), ("2025-01-06", 11), ("2025-01-13", 10), ("2025-01-13", 11)]
        + [("2025-01-13", 19)]
    )
    counted = open_slots.iloc[:4].assign(bezoekers=[10, 20, 12, 18])
    assert estimate_from_counts(open_slots, counted).estimate == 60 + 15


def test_a_weekday_never_counted_makes_the_branch_one_stratum():
    # Mondays and Tuesdays 10-11 for two weeks; only the Mondays counted (10 and 20):
    # every open hour then takes the mean of its hour slot over all days, 15
    open_slots = slots(
        [("2025-01-06", 10), ("2025-01-13", 10), ("2025-01-07", 10), ("2025-01-14", 10)]
    )
    counted = open_slots.iloc[:2].assign(bezoekers=[10, 20])
    estimate = estimate_from_counts(open_slots, counted)
    assert estimate.estimate == 60
    # variance between the two days: z = 20 and 40, f = 1/2: 0.5 * 2 * 200 = 200
    assert estimate.upper == pytest.approx(60 + 12.706 * math.sqrt(200))


def test_the_interval_comes_from_the_spread_between_counted_days():
    # three Mondays open 10-12, two of them counted in full: day totals 30 and 36
    open_slots = slots(
        [(day, hour) for day in ("2025-01-06", "2025-01-13", "2025-01-20") for hour in (10, 11)]
    )
    counted = open_slots.iloc[:4].assign(bezoekers=[10, 20, 14, 22])
    estimate = estimate_from_counts(open_slots, counted)
    # 3 x mean(10, 14) + 3 x mean(20, 22) = 36 + 63
    assert estimate.estimate == pytest.approx(99)
    # N^2 (1 - n/N) s^2 / n over days: 9 x (1/3) x 18 / 2 = 27; t(1 df) = 12.706
    assert estimate.degrees_of_freedom == 1
    assert estimate.upper == pytest.approx(99 + 12.706 * math.sqrt(27))
    # the lower bound never goes below the 66 visitors actually counted
    assert estimate.lower == 66


def test_a_single_counted_day_gives_no_interval():
    open_slots = slots([("2025-01-06", 10), ("2025-01-13", 10)])
    estimate = estimate_from_counts(open_slots, open_slots.iloc[:1].assign(bezoekers=[10]))
    assert estimate.estimate == 20
    assert math.isnan(estimate.lower) and math.isnan(estimate.upper)


def test_a_branch_without_counts_is_left_out_with_a_warning():
    hours = schedule(
        [
            ("Heemstede", 0, "10:00", "11:00", "2020-01-01"),
            ("Heemstede Zuid", 0, "10:00", "11:00", "2020-01-01"),
        ]
    )
    every_monday = [
        ("Heemstede", monday, 10, 10)
        for monday in pd.date_range("2025-01-06", "2025-06-30", freq="7D")
    ]
    with pytest.warns(UserWarning, match="Heemstede Zuid"):
        estimate = estimate_visitors(counts(every_monday), hours, NO_CLOSING_DAYS, H1)
    assert estimate.estimate == 260
    assert estimate.missing_branches == ("Heemstede Zuid",)
    assert not estimate.exact


def test_no_counts_at_all_gives_a_missing_estimate():
    estimate = estimate_visitors(counts([]), MONDAYS_10_TO_12, NO_CLOSING_DAYS, H1)
    assert math.isnan(estimate.estimate)


def test_a_branch_closed_all_period_has_no_visitors():
    closed = closing_days(*pd.date_range("2025-01-01", "2025-06-30"))
    estimate = estimate_visitors(counts([]), MONDAYS_10_TO_12, closed, H1)
    assert estimate.estimate == 0 and estimate.exact


def test_counts_of_another_municipality_are_left_out():
    rows = [
        (branch, monday, hour, 10)
        for branch in ("Heemstede", "Haarlem Centrum")
        for monday in pd.date_range("2025-01-06", "2025-06-30", freq="7D")
        for hour in (10, 11)
    ]
    hours = schedule(
        [
            ("Heemstede", 0, "10:00", "12:00", "2020-01-01"),
            ("Haarlem Centrum", 0, "10:00", "12:00", "2020-01-01"),
        ]
    )
    estimate = estimate_visitors(counts(rows), hours, NO_CLOSING_DAYS, H1, branches=["Heemstede"])
    assert estimate.estimate == 26 * 2 * 10


# the estimate, statistically ------------------------------------------------------------


def _month_of_visitors(rng):
    """Hourly visitors of Plein1 in March 2025 (open 9-21 on weekdays, shorter at the
    weekend): a daily profile, busier days of the week, a random effect per day (weather,
    events) and Poisson noise."""
    month = slots(
        [
            (day, hour)
            for day in pd.date_range("2025-03-01", "2025-03-31")
            for hour in (range(9, 21) if day.day_of_week < 5 else range(10, 17))
        ]
    )
    profile = 12 + 20 * np.exp(-(((month["uur"] - 14) / 3.0) ** 2))
    weekday = np.array([1.0, 0.9, 1.2, 1.0, 0.9, 1.4, 0.6])[month["weekdag"]]
    days = month["datum"].unique()
    day_effect = pd.Series(rng.lognormal(0, 0.25, len(days)), index=days)
    mean = profile * weekday * day_effect.loc[month["datum"]].to_numpy()
    return month.assign(bezoekers=rng.poisson(mean))


def test_the_95_percent_interval_covers_the_true_total_in_at_least_90_percent_of_samples():
    rng = np.random.default_rng(20250301)
    month = _month_of_visitors(rng)
    true_total = month["bezoekers"].sum()
    days = month["datum"].unique()
    covered = 0
    samples = 200
    for _ in range(samples):
        # whole days counted, about one day in seven (here 5 of 31), as in the demo
        sampled = rng.choice(days, size=5, replace=False)
        counted = month[month["datum"].isin(sampled)]
        estimate = estimate_from_counts(month.drop(columns="bezoekers"), counted)
        covered += estimate.lower <= true_total <= estimate.upper
    assert covered / samples >= 0.90


@settings(max_examples=50, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 30), st.integers(0, 23), st.integers(0, 500)),
        min_size=1,
        max_size=60,
        unique_by=lambda row: row[:2],
    )
)
def test_counting_every_open_hour_gives_the_exact_sum(rows):
    days = pd.Timestamp("2025-03-01") + pd.to_timedelta([row[0] for row in rows], unit="D")
    open_slots = slots(list(zip(days, [row[1] for row in rows], strict=True)))
    counted = open_slots.assign(bezoekers=[row[2] for row in rows])
    estimate = estimate_from_counts(open_slots, counted)
    total = sum(row[2] for row in rows)
    assert estimate.exact
    assert estimate.estimate == estimate.lower == estimate.upper == total


@settings(max_examples=50, deadline=None)
@given(st.lists(st.integers(0, 200), min_size=4, max_size=40), st.data())
def test_the_estimate_lies_between_the_counted_sum_and_its_upper_bound(visitors, data):
    days = pd.date_range("2025-03-01", periods=len(visitors))
    open_slots = slots([(day, 10) for day in days])
    chosen = data.draw(st.sets(st.integers(0, len(visitors) - 1), min_size=1))
    counted = open_slots.iloc[sorted(chosen)].assign(
        bezoekers=[visitors[i] for i in sorted(chosen)]
    )
    estimate = estimate_from_counts(open_slots, counted)
    assert estimate.estimate >= counted["bezoekers"].sum() - 1e-9
    if not math.isnan(estimate.upper):
        assert estimate.lower <= estimate.estimate <= estimate.upper


# occupancy and figures ------------------------------------------------------------------


def occupancy_counts():
    return pd.DataFrame(
        {
            "vestiging": ["Heemstede"] * 4 + ["Haarlem Centrum"],
            "datum": pd.to_datetime(["2025-02-03"] * 3 + ["2025-02-04", "2025-02-03"]),
            "uur": [10, 11, 12, 10, 10],
            "bezoekers": [20, 30, 25, 10, 99],
            "bezette_werkplekken": pd.array([5, 15, None, 4, 40], dtype="Int64"),
            "beschikbare_werkplekken": pd.array([40, 40, 40, None, 40], dtype="Int64"),
        }
    )


def test_occupancy_is_occupied_over_available_where_both_were_counted():
    # (5 + 15) / (40 + 40); the hour without occupied and the one without available are
    # left out, and so is Haarlem
    assert workplace_occupancy(occupancy_counts(), H1, branches=["Heemstede"]) == 0.25


def test_occupancy_is_missing_without_counts():
    assert math.isnan(workplace_occupancy(occupancy_counts(), Period.parse("2024-H1")))


def test_visits_by_weekday_and_hour():
    figure = visits_by_weekday_hour(occupancy_counts(), H1, branches=["Heemstede"])
    monday_10 = figure[(figure["weekdag"] == 0) & (figure["uur"] == 10)].iloc[0]
    assert monday_10["dag"] == "maandag"
    assert monday_10["tellingen"] == 1
    assert monday_10["bezoekers_gemiddeld"] == 20
    assert monday_10["werkplekbezetting"] == 5 / 40
    assert len(figure) == 4


def test_occupancy_by_daypart_splits_at_12_and_17():
    from bibanalyse.indicators.visits import occupancy_by_daypart

    counts = pd.DataFrame(
        {
            "vestiging": ["Heemstede", "Heemstede", "Heemstede", "Heemstede", "Zandvoort"],
            "datum": pd.to_datetime(["2025-03-03"] * 5),
            "uur": [11, 12, 16, 17, 11],
            "bezoekers": [10, 10, 10, 10, 10],
            "bezette_werkplekken": [10.0, 20.0, 30.0, 5.0, 40.0],
            "beschikbare_werkplekken": pd.array([40, 40, 40, 40, 40], dtype="Int64"),
        }
    )
    result = occupancy_by_daypart(counts, Period.parse("2025-H1"), branches=["Heemstede"])
    assert result["dagdeel"].tolist() == ["ochtend", "middag", "avond"]
    assert result["bezetting"].tolist() == [0.25, 50 / 80, 0.125]  # 10/40, (20+30)/80, 5/40
    assert result["tellingen"].tolist() == [1, 2, 1]
