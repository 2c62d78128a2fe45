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


def test_a_fall_within_the_range_of_the_earlier_half_years_is_a_usual_swing():
    # -10% a year: off course, but 90 lies within the earlier 85..100
    movement = Movement(90, 100, YEAR, earlier=(85, 100, 95, math.nan))
    verdict = judge(movement, "meer")
    assert verdict.kind == "schommeling"
    assert verdict.text == (
        "Gebruikelijke schommeling: 10% minder dan een jaar eerder, binnen wat de vorige 3 "
        "halfjaren lieten zien (85 tot 100)."
    )


def test_a_fall_below_the_earlier_range_stays_a_point_of_attention_and_says_so():
    verdict = judge(Movement(80, 100, YEAR, earlier=(85, 100, 95)), "meer")
    assert verdict.kind == "aandacht"
    assert verdict.text == (
        "Aandachtspunt: 20% minder dan een jaar eerder. "
        "Dat is minder dan in elk van de vorige 3 halfjaren (85 tot 100)."
    )


def test_a_rise_names_the_swing_but_stays_on_course():
    verdict = judge(Movement(99, 90, YEAR, earlier=(85, 100, 95)), "meer")
    assert verdict.kind == "op_koers" and "Dat ligt binnen wat" in verdict.text


def test_two_earlier_half_years_are_too_few_for_a_usual_swing():
    assert judge(Movement(90, 100, YEAR, earlier=(85, 100)), "meer").kind == "aandacht"
    assert judge(Movement(90, 100, YEAR, earlier=(85, 100)), "meer").text.count(".") == 1


def test_the_swing_reads_as_the_figure_does():
    shown = lambda value: f"{value:.0%}"  # noqa: E731
    movement = Movement(0.30, 0.36, YEAR, fraction=True, earlier=(0.3, 0.4, 0.35), shown=shown)
    assert judge(movement, "meer").text.endswith("(30% tot 40%).")
