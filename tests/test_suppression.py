"""Tests of bibanalyse.suppression: small counts of people read <10."""

import pandas as pd
import pytest

from bibanalyse.suppression import suppress_breakdown, suppress_small


def test_counts_of_1_to_9_read_below_10_and_zero_stays_zero():
    shown = suppress_small(pd.Series([0, 1, 9, 10, 250]))
    assert shown.tolist() == ["0", "<10", "<10", "10", "250"]


def test_missing_counts_stay_missing():
    shown = suppress_small(pd.Series([3, None], dtype="Int64"))
    assert shown.iloc[0] == "<10"
    assert pd.isna(shown.iloc[1])


def test_only_the_count_columns_are_changed_and_the_input_is_kept():
    frame = pd.DataFrame({"postcode4": ["2101", "2102"], "leden": [4, 40], "jaar": [2025, 2025]})
    before = frame.copy()
    shown = suppress_small(frame, ["leden"])
    assert shown["leden"].tolist() == ["<10", "40"]
    assert shown["jaar"].tolist() == [2025, 2025]
    pd.testing.assert_frame_equal(frame, before)


def test_numeric_columns_are_the_default_counts():
    frame = pd.DataFrame({"leeftijd": ["0-3", "4-11"], "leden": [4, 40], "actief": [2, 30]})
    shown = suppress_small(frame)
    assert shown.to_dict("list") == {
        "leeftijd": ["0-3", "4-11"],
        "leden": ["<10", "40"],
        "actief": ["<10", "30"],
    }


def test_another_threshold_and_formatter():
    shown = suppress_small(pd.Series([4, 6, 1500]), threshold=5, formatter="{:,}".format)
    assert shown.tolist() == ["<5", "6", "1,500"]


@pytest.mark.parametrize("bad", [[1.5], [-1]])
def test_only_whole_counts_of_at_least_zero_are_accepted(bad):
    with pytest.raises(ValueError, match="whole counts"):
        suppress_small(pd.Series(bad, name="leden"))


def test_columns_must_exist():
    with pytest.raises(ValueError, match=r"no column\(s\) \['leden'\]"):
        suppress_small(pd.DataFrame({"aantal": [1]}), ["leden"])


def test_a_breakdown_keeps_the_municipality_total_exact():
    frame = pd.DataFrame({"leeftijd": ["0-3", "4-11", "12-17"], "leden": [4, 5, 300]})
    shown = suppress_breakdown(frame, ["leden"])
    assert shown["leeftijd"].tolist() == ["0-3", "4-11", "12-17", "Totaal"]
    assert shown["leden"].tolist() == ["<10", "<10", "300", "309"]


def test_a_single_small_cell_cannot_be_recovered_from_the_total():
    frame = pd.DataFrame({"postcode4": ["2101", "2102", "2103"], "leden": [4, 250, 31]})
    shown = suppress_breakdown(frame, ["leden"])
    # 285 - 250 - 31 would give the 4: the smallest other cell is withheld as well
    assert shown["leden"].tolist() == ["<10", "250", "x", "285"]


def test_a_zero_is_withheld_when_it_is_the_only_other_cell():
    frame = pd.DataFrame({"postcode4": ["2101", "2102"], "leden": [4, 0]})
    assert suppress_breakdown(frame, ["leden"])["leden"].tolist() == ["<10", "x", "4"]


def test_breakdown_columns_are_protected_each_on_their_own():
    frame = pd.DataFrame({"leeftijd": ["0-17", "18+"], "leden": [5, 100], "leners": [50, 60]})
    shown = suppress_breakdown(frame, label_column="leeftijd", total_label="Heemstede")
    assert shown.to_dict("list") == {
        "leeftijd": ["0-17", "18+", "Heemstede"],
        "leden": ["<10", "x", "105"],
        "leners": ["50", "60", "110"],
    }
