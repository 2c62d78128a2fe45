"""Verdicts against the hoped-for direction, worked out by hand."""

from __future__ import annotations

import math

import pytest

from bibanalyse.verdicts import Movement, judge

YEAR = "een jaar eerder"


@pytest.mark.parametrize(
    ("value", "compared", "direction", "kind"),
    [
        (103, 100, "meer", "op_koers"),  # +3% > 2% margin
        (102, 100, "meer", "gelijk"),  # +2% is within the margin
        (97, 100, "meer", "aandacht"),
        (105, 100, "stabiel", "op_koers"),  # 5% is within the stable margin
        (106, 100, "stabiel", "aandacht"),  # a rise is off course for "stabiel"
        (94, 100, "stabiel", "aandacht"),
    ],
)
def test_margins_per_direction(value, compared, direction, kind):
    assert judge(Movement(value, compared, YEAR), direction).kind == kind


def test_text_names_the_size_and_the_comparison():
    assert (
        judge(Movement(90, 120, YEAR), "meer").text
        == "Aandachtspunt: 25% minder dan een jaar eerder."
    )


def test_from_zero_there_is_no_percentage():
    assert judge(Movement(5, 0, YEAR), "meer").text == "Op koers: meer dan een jaar eerder."


def test_overlapping_intervals_mean_unchanged_even_for_a_large_change():
    movement = Movement(110, 100, YEAR, interval=(95, 125), compared_interval=(85, 115))
    assert judge(movement, "meer").kind == "gelijk"
    apart = Movement(130, 100, YEAR, interval=(120, 140), compared_interval=(90, 110))
    assert judge(apart, "meer").kind == "op_koers"


def test_missing_comparison_and_effort_only():
    assert judge(Movement(10, math.nan, YEAR), "meer").kind == "onbekend"
    assert judge(None, "meer").kind == "onbekend"
    assert judge(Movement(10, 5, YEAR), "meer", effort_only=True).kind == "inspanning"


def test_unknown_direction_is_refused():
    with pytest.raises(ValueError, match="'minder'"):
        judge(Movement(1, 1, YEAR), "minder")


def test_a_share_moves_in_percentage_points():
    movement = Movement(0.52, 0.43, YEAR, fraction=True)
    assert judge(movement, "meer").text == "Op koers: 9 procentpunt meer dan een jaar eerder."
