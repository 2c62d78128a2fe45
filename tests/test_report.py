"""Report: an ambition's report computes its own goals only, with the figures the whole
table would give them."""

from __future__ import annotations

import pandas as pd
import pytest

from bibanalyse.indicators import compute_indicators
from bibanalyse.report import Report

pytestmark = pytest.mark.slow  # computes the demo data's reports


def test_an_ambition_computes_only_its_goals_and_the_same_rows_as_the_whole_table(demo_data):
    report = Report.load("2025-H2", "Heemstede", str(demo_data.data_dir))
    ambition = report.ambition(2)
    for goal in ambition.goals:
        rows = report.rows(goal)
        assert set(rows["afspraak"]) == {goal.id}
    assert list(report._computed) == [tuple(goal.id for goal in ambition.goals)]
    whole = compute_indicators(report.tables, report.period, report.municipality, report.agreement)
    ours = report._computed[tuple(goal.id for goal in ambition.goals)]
    theirs = whole[whole["afspraak"].isin([goal.id for goal in ambition.goals])]
    pd.testing.assert_frame_equal(ours.reset_index(drop=True), theirs.reset_index(drop=True))


def test_the_overview_computes_the_whole_table_once_and_ambitions_take_from_it(
    demo_data, monkeypatch
):
    report = Report.load("2025-H2", "Heemstede", str(demo_data.data_dir))
    whole = report.indicators
    assert set(whole["afspraak"]) == {goal.id for goal in report.agreement.goals}

    def computed_again(*args, **kwargs):
        raise AssertionError("computed again")

    monkeypatch.setattr("bibanalyse.report.compute_indicators", computed_again)
    goal = report.ambition(3).goals[0]
    pd.testing.assert_frame_equal(report.rows(goal), whole[whole["afspraak"] == goal.id])
