"""Parsing raw text by kind: every form of the contract, and what is rejected."""

from __future__ import annotations

import pandas as pd
import pytest

from bibanalyse.cleaning import columns as c

CONTEXT = c.Context({"heemstede": "Heemstede"}, {"heemstede": "Heemstede"}, b"key")


def text(*values):
    return pd.Series(list(values), dtype="str")


def test_dates_in_every_contract_form():
    parsed = c.parse_date(
        text("05-03-2024", "5-3-2024", "2024-03-05", "2024-03-05 00:00:00"), CONTEXT
    )
    assert parsed.values.dt.strftime("%Y-%m-%d").tolist() == ["2024-03-05"] * 4
    assert not parsed.bad.any()


@pytest.mark.parametrize("value", ["31-02-2025", "2025-13-01", "gisteren", "05/03/24"])
def test_impossible_or_unknown_dates_are_bad(value):
    parsed = c.parse_date(text(value), CONTEXT)
    assert parsed.bad.tolist() == [True]
    assert parsed.values.isna().all()


def test_missing_is_not_bad():
    parsed = c.parse_date(text(None), CONTEXT)
    assert parsed.bad.tolist() == [False]


def test_counts_with_thousands_dot_and_decimal_comma():
    parsed = c.parse_count(text("12", "1.234", "12,0", "-5", "12,5", "twaalf"), CONTEXT)
    assert parsed.values.tolist()[:4] == [12, 1234, 12, -5]  # negative: the schema rejects it
    assert parsed.bad.tolist() == [False, False, False, False, True, True]


def test_action_codes_and_words():
    parsed = c.parse_action(text("1", "2", "3", "Uitlening", "verlenging", "7"), CONTEXT)
    assert parsed.values.tolist()[:5] == [
        "uitlening",
        "inname",
        "verlenging",
        "uitlening",
        "verlenging",
    ]
    assert parsed.bad.tolist() == [False] * 5 + [True]


def test_branch_names_take_the_reference_spelling():
    parsed = c.parse_branch(text(" HEEMSTEDE", "Heemstde"), CONTEXT)
    assert parsed.values.tolist()[0] == "Heemstede"
    assert parsed.bad.tolist() == [False, True]


def test_goal_ids_are_sorted_without_repeats():
    parsed = c.parse_goals(text("3.2; 1.2", "4.2,1.10,4.2", "1.2 en 3.2"), CONTEXT)
    assert parsed.values.tolist()[:2] == ["1.2;3.2", "1.10;4.2"]
    assert parsed.bad.tolist() == [False, False, True]


def test_weekdays_and_clock_times():
    assert c.parse_weekday(text("maandag", "Zo", "za"), CONTEXT).values.tolist() == [0, 6, 5]
    assert c.parse_clock(text("9:30", "21.00", "24:00"), CONTEXT).values.tolist() == [
        570,
        1260,
        1440,
    ]


def test_month_forms():
    parsed = c.parse_month(text("2024-03", "3-2024", "2024-13"), CONTEXT)
    assert parsed.values.dt.strftime("%Y-%m").tolist()[:2] == ["2024-03", "2024-03"]
    assert parsed.bad.tolist() == [False, False, True]


def test_personal_data_is_reduced_and_never_shown():
    birth = c.parse_birthdate(text("14-07-2012", "31-02-2012"), CONTEXT)
    postcode = c.parse_postcode(text("2101 AB", "2101ab", "21O1 AB"), CONTEXT)
    assert birth.values.tolist()[0] == 2012 and birth.bad.tolist() == [False, True]
    assert postcode.values.tolist()[:2] == ["2101", "2101"] and postcode.bad.tolist()[2]
    assert not birth.shows_value and not postcode.shows_value


def test_member_numbers_become_stable_keyed_pseudonyms():
    first = c.parse_member(text("2100012345678", "2100012345678.0", "2100099999999"), CONTEXT)
    other_key = c.parse_member(text("2100012345678"), c.Context({}, {}, b"other"))
    values = first.values.tolist()
    assert values[0] == values[1] != values[2]
    assert len(values[0]) == 16 and "2100012345678" not in values
    assert other_key.values.tolist()[0] != values[0]


def test_decimal_numbers_with_comma_or_point():
    parsed = c.parse_number(text("10,5", "1.234,5", "10.5", "1.234", "12", "tien"), CONTEXT)
    assert parsed.values.tolist()[:5] == [10.5, 1234.5, 10.5, 1234.0, 12.0]
    assert parsed.bad.tolist() == [False] * 5 + [True]
