"""The indicator registry: one definition per indicator, read by the table, the report and
the mail; adding an indicator is one entry and its function."""

from __future__ import annotations

import math
from dataclasses import dataclass

import pytest

from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import ESTIMATE, FRACTION, Indicator, Registry


def _entry(key="aantal_x", **options) -> Indicator:
    options.setdefault("description", "Het aantal x.")
    return Indicator(key, "Aantal x", "aantal", ("uitleenacties",), lambda *a: 1, **options)


@dataclass(frozen=True)
class Goal:
    id: str
    indicators: tuple[str, ...]
    effort_only: bool = False


def test_every_indicator_of_the_contract_is_defined_once_in_order():
    assert list(REGISTRY)[:5] == [
        "leden_begin",
        "leden_eind",
        "jeugdleden_begin",
        "jeugdleden_eind",
        "jeugdleden_aandeel",
    ]
    assert len(REGISTRY) == 20
    assert REGISTRY["leden_eind"].begin == "leden_begin"
    assert REGISTRY["jeugdleden_eind"].personal and not REGISTRY["leden_eind"].personal


def test_the_mail_headline_figures_are_the_summary_entries():
    summary = [indicator.key for indicator in REGISTRY.values() if indicator.summary]
    assert summary == [
        "leden_eind",
        "jeugdleden_eind",
        "uitleningen",
        "actieve_leners",
        "bezoekers_geschat",
    ]


def test_a_small_count_of_people_by_age_reads_below_ten_other_counts_stay():
    assert REGISTRY["jeugdleden_eind"].shown(7) == "<10"
    assert REGISTRY["jeugdleden_eind"].shown(0) == "0"
    assert REGISTRY["leden_eind"].shown(7) == "7"
    assert REGISTRY["uitleningen"].shown(12345) == "12.345"


def test_fractions_and_estimates_read_as_percentages_and_rounded_hundreds():
    assert REGISTRY["werkplekbezetting"].kind == FRACTION
    assert REGISTRY["werkplekbezetting"].shown(0.254) == "25%"
    visits = REGISTRY["bezoekers_geschat"]
    assert visits.kind == ESTIMATE
    assert visits.shown(79749.2) == "ca. 79.700"
    assert visits.shown_interval(66433.9, 93064.5) == "66.400 – 93.100"
    assert visits.shown_interval(100.0, 100.0) is None  # every hour counted: exact
    assert REGISTRY["uitleningen"].shown_interval(1.0, 2.0) is None
    assert REGISTRY["uitleningen"].shown(math.nan) == "–"


def test_an_effort_only_goal_gets_the_activity_count():
    keys = [i.key for i in REGISTRY.goal_indicators(Goal("4.3", ("partners",), True))]
    assert keys == ["partners", "activiteiten"]
    keys = [i.key for i in REGISTRY.goal_indicators(Goal("1.2", ("deelnemers",)))]
    assert keys == ["deelnemers"]


def test_a_key_is_registered_once_and_a_begin_twin_first():
    registry = Registry()
    registry.register(_entry())
    with pytest.raises(ValueError, match="registered already"):
        registry.register(_entry())
    with pytest.raises(ValueError, match="must be registered first"):
        registry.register(_entry("x_eind", begin="x_begin"))
    with pytest.raises(KeyError, match="unknown indicator 'y'"):
        registry["y"]


@pytest.mark.parametrize(
    ("options", "message"),
    [
        ({"key": "Leden"}, "lowercase identifier"),
        ({"key": "leden eind"}, "lowercase identifier"),
        ({"kind": "percentage"}, "kind must be one of"),
        ({"description": " "}, "description must be non-empty"),
    ],
)
def test_an_entry_is_checked_when_made(options, message):
    with pytest.raises(ValueError, match=message):
        _entry(**options)


def test_the_committed_documentation_is_what_the_definitions_make():
    from pathlib import Path

    from bibanalyse.indicators.documentation import markdown

    committed = Path(__file__).resolve().parents[1] / "docs" / "indicatoren.md"
    assert committed.read_text(encoding="utf-8") == markdown(), "run `make docs`"
    for indicator in REGISTRY.values():
        assert f"(`{indicator.key}`)" in committed.read_text(encoding="utf-8")
