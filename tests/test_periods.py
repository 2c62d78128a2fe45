import itertools
from datetime import date, datetime, timedelta

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from bibanalyse.periods import Period, latest_ended, parse_periods

periods = st.builds(
    Period, st.integers(min_value=1900, max_value=2100), st.sampled_from([1, 2, None])
)


# --- parse -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2025-H1", Period(2025, 1)),
        ("2025-H2", Period(2025, 2)),
        ("2025", Period(2025)),
        ("  2025-h1\n", Period(2025, 1)),
        ("2025-h2", Period(2025, 2)),
    ],
)
def test_parse_accepts_half_years_and_years(text, expected):
    assert Period.parse(text) == expected


@pytest.mark.parametrize(
    "text", ["2025-H3", "2025-H0", "2025H1", "25-H1", "2025-1", "2025 H1", "", "H1-2025", "٢٠٢٥"]
)
def test_parse_rejects_other_text_showing_it_and_the_accepted_forms(text):
    with pytest.raises(ValueError, match="use 2025-H1, 2025-H2 or 2025") as raised:
        Period.parse(text)
    assert repr(text) in str(raised.value)


def test_parse_message_reads_naturally():
    with pytest.raises(ValueError) as raised:
        Period.parse("2025-H3")
    assert str(raised.value) == "'2025-H3' is not a period; use 2025-H1, 2025-H2 or 2025"


def test_parse_refuses_a_number():
    with pytest.raises(TypeError, match="2025"):
        Period.parse(2025)


@given(periods)
def test_label_parses_back_to_the_same_period(period):
    assert Period.parse(period.label) == period
    assert str(period) == period.label


# --- construction ------------------------------------------------------------------------


@pytest.mark.parametrize("half", [0, 3, -1])
def test_half_must_be_one_or_two(half):
    with pytest.raises(ValueError, match="half"):
        Period(2025, half)


@pytest.mark.parametrize(
    ("year", "half"), [(2025.0, None), ("2025", None), (True, None), (2025, 1.0)]
)
def test_year_and_half_must_be_whole_numbers(year, half):
    with pytest.raises(TypeError):
        Period(year, half)


def test_numpy_integers_are_accepted_as_plain_ints():
    numpy = pytest.importorskip("numpy")
    period = Period(numpy.int64(2025), numpy.int64(1))
    assert period == Period(2025, 1)
    assert type(period.year) is int


def test_periods_are_hashable_and_immutable():
    assert len({Period(2025, 1), Period.parse("2025-H1"), Period(2025)}) == 2
    with pytest.raises(AttributeError):
        Period(2025, 1).year = 2024


def test_periods_sort_by_first_day_then_last_day():
    unsorted = [Period(2025, 2), Period(2025), Period(2024, 2), Period(2025, 1), Period(2024)]
    labels = [str(period) for period in sorted(unsorted)]
    assert labels == ["2024", "2024-H2", "2025-H1", "2025", "2025-H2"]


# --- bounds and labels -------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "first_day", "last_day"),
    [
        ("2025-H1", date(2025, 1, 1), date(2025, 6, 30)),
        ("2025-H2", date(2025, 7, 1), date(2025, 12, 31)),
        ("2025", date(2025, 1, 1), date(2025, 12, 31)),
        ("2024-H1", date(2024, 1, 1), date(2024, 6, 30)),
    ],
)
def test_bounds_are_inclusive_calendar_days(text, first_day, last_day):
    period = Period.parse(text)
    assert (period.first_day, period.last_day) == (first_day, last_day)


@pytest.mark.parametrize(
    ("text", "year", "half", "length"),
    [("2025-H1", 2025, 1, "half"), ("2025-H2", 2025, 2, "half"), ("2025", 2025, None, "year")],
)
def test_year_half_and_length(text, year, half, length):
    period = Period.parse(text)
    assert (period.year, period.half, period.length) == (year, half, length)


@pytest.mark.parametrize(
    ("text", "dutch"),
    [("2025-H1", "eerste halfjaar 2025"), ("2025-H2", "tweede halfjaar 2025"), ("2025", "2025")],
)
def test_dutch_label(text, dutch):
    assert Period.parse(text).dutch_label == dutch


def test_months_are_the_first_days_of_each_month():
    assert Period(2025, 1).months() == [date(2025, month, 1) for month in range(1, 7)]
    assert Period(2025, 2).months()[0] == date(2025, 7, 1)
    assert len(Period(2025).months()) == 12


# --- comparisons -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "previous", "year_earlier"),
    [
        ("2025-H1", "2024-H2", "2024-H1"),
        ("2025-H2", "2025-H1", "2024-H2"),
        ("2025", "2024", "2024"),
    ],
)
def test_previous_and_year_earlier(text, previous, year_earlier):
    period = Period.parse(text)
    assert period.previous() == Period.parse(previous)
    assert period.year_earlier() == Period.parse(year_earlier)


@given(periods)
def test_previous_period_ends_the_day_before(period):
    previous = period.previous()
    assert previous.length == period.length
    assert previous.last_day + timedelta(days=1) == period.first_day


# --- membership --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("moment", "in_h1", "in_h2"),
    [
        (date(2025, 1, 1), True, False),
        (datetime(2025, 6, 30, 23, 59), True, False),
        (datetime(2025, 7, 1, 0, 0), False, True),
        (pd.Timestamp("2025-12-31 23:59:59"), False, True),
        (date(2024, 12, 31), False, False),
        (date(2026, 1, 1), False, False),
    ],
)
def test_contains_by_calendar_day(moment, in_h1, in_h2):
    assert Period(2025, 1).contains(moment) is in_h1
    assert Period(2025, 2).contains(moment) is in_h2
    assert Period(2025).contains(moment) is (in_h1 or in_h2)


def test_contains_says_no_for_missing_values():
    assert Period(2025, 1).contains(pd.NaT) is False
    assert Period(2025, 1).contains(None) is False


def test_mask_over_a_datetime_series():
    moments = pd.Series(
        pd.to_datetime(
            ["2024-12-31 23:59", "2025-01-01 00:00", "2025-06-30 23:59", "2025-07-01 00:00", None]
        ),
        index=[10, 11, 12, 13, 14],
    )
    mask = Period(2025, 1).mask(moments)
    assert mask.tolist() == [False, True, True, False, False]
    assert mask.index.tolist() == [10, 11, 12, 13, 14]
    assert mask.dtype == bool


def test_mask_uses_the_series_own_time_zone():
    moments = pd.Series(pd.to_datetime(["2025-06-30 23:30", "2025-07-01 00:30"]))
    moments = moments.dt.tz_localize("Europe/Amsterdam")
    assert Period(2025, 1).mask(moments).tolist() == [True, False]


def test_mask_refuses_text():
    with pytest.raises(TypeError, match="datetime"):
        Period(2025, 1).mask(pd.Series(["2025-01-01"]))


@given(periods, st.datetimes(min_value=datetime(1899, 1, 1), max_value=datetime(2101, 12, 31)))
def test_mask_agrees_with_contains(period, moment):
    assert period.mask(pd.Series([moment])).iloc[0] == period.contains(moment)


# --- latest ended ------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("on", "expected"),
    [
        (date(2026, 11, 22), "2026-H1"),
        (date(2026, 7, 1), "2026-H1"),
        (date(2026, 6, 30), "2025-H2"),
        (date(2026, 1, 1), "2025-H2"),
        (date(2026, 12, 31), "2026-H1"),
    ],
)
def test_latest_ended_half_year(on, expected):
    assert latest_ended(on) == Period.parse(expected)


@pytest.mark.parametrize(
    ("on", "expected"),
    [(date(2026, 11, 22), "2025"), (date(2026, 1, 1), "2025"), (date(2025, 12, 31), "2024")],
)
def test_latest_ended_year(on, expected):
    assert latest_ended(on, length="year") == Period.parse(expected)


def test_latest_ended_refuses_an_unknown_length():
    with pytest.raises(ValueError, match="'quarter'"):
        latest_ended(date(2026, 1, 1), length="quarter")


@given(st.dates(min_value=date(1901, 1, 1), max_value=date(2100, 12, 31)))
def test_latest_ended_has_ended_and_the_next_has_not(on):
    period = latest_ended(on)
    assert period.last_day < on
    following_half = Period(period.year, 2) if period.half == 1 else Period(period.year + 1, 1)
    assert following_half.last_day >= on


# --- parse_periods -----------------------------------------------------------------------

half_years = st.builds(Period, st.integers(min_value=1990, max_value=2100), st.sampled_from([1, 2]))


@given(half_years, half_years)
def test_a_range_of_half_years_runs_from_its_first_to_its_last_without_a_gap(a, b):
    first, last = min(a, b), max(a, b)
    found = parse_periods(f"{first}..{last}")
    assert found[0] == first and found[-1] == last
    assert all(now.previous() == before for before, now in itertools.pairwise(found))
    assert len(found) == 2 * (last.year - first.year) + (last.half - first.half) + 1


def test_a_range_of_years_and_a_range_of_one():
    assert parse_periods(["2022..2024"]) == [Period(2022), Period(2023), Period(2024)]
    assert parse_periods(["2025-H1..2025-H1"]) == [Period(2025, 1)]


def test_periods_keep_their_order_and_come_once():
    words = ["2025-H2", "2024-H2..2025-H2", "2023"]
    assert [str(p) for p in parse_periods(words)] == ["2025-H2", "2024-H2", "2025-H1", "2023"]
    assert parse_periods([]) == []


@pytest.mark.parametrize(
    ("word", "message"),
    [
        ("2025-H2..2025-H1", "2025-H2 comes after 2025-H1"),
        ("2024..2025-H2", "two half years or two whole years"),
        ("2024-H1..", "'' is not a period"),
        ("2024-H1..2025-H3", "'2025-H3' is not a period"),
        ("2024-H1...2025-H2", "is not a period"),
    ],
)
def test_a_bad_range_is_refused_naming_the_word(word, message):
    with pytest.raises(ValueError, match=message) as raised:
        parse_periods([word])
    assert repr(word) in str(raised.value)
