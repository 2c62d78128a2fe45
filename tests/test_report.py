"""The report as data: a goal's table, figures, narrative and verdict, the ambition's and
overview's parts, and their HTML from the templates."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from bibanalyse import figures
from bibanalyse.report import Report, first_sentence, render_markdown
from bibanalyse.wording import NO_NARRATIVE


@pytest.fixture(scope="module")
def report(demo_data) -> Report:
    return Report.load("2025-H2", "Heemstede", str(demo_data.data_dir))


def test_a_goal_has_its_own_rows_of_the_indicator_table(report):
    goal = report.goal("1.2")
    assert goal.table["indicator"].tolist() == ["activiteiten", "deelnemers"]
    whole = report.indicators
    expected = whole[whole["afspraak"] == "1.2"].reset_index(drop=True)
    pd.testing.assert_frame_equal(goal.table, expected)


def test_the_same_goal_object_is_returned_so_a_cell_can_change_its_figures(report):
    assert report.goal("1.1") is report.goal("1.1")
    assert report.goal("1.1").figures is report.goal("1.1").figures


def test_figures_are_matplotlib_figures_each_report_wide_one_with_its_first_goal(report):
    titles = {
        goal_id: [figure.get_suptitle() for figure in report.goal(goal_id).figures]
        for goal_id in ("1.1", "5.1", "5.2")
    }
    assert all(isinstance(f, Figure) for f in report.goal("1.1").figures)
    assert titles["1.1"] == [
        "Leden aan het begin en eind van tweede halfjaar 2025",
        "Uitleningen per maand, jeugd en volwassenen",
    ]
    # 5.1 and 5.2 both name the visitor estimate: its figures belong to 5.1 only
    assert "Bezoeken (geschat uit steekproeftellingen)" in titles["5.1"]
    assert titles["5.2"] == ["Communicatie-uitingen per kanaal"]


def test_a_per_goal_figure_is_drawn_for_every_goal_that_names_it(report):
    assert [f.get_suptitle() for f in report.goal("1.2").figures] == [
        "Deelnemers per soort activiteit (1.2)"
    ]
    assert figures.participants_by_kind in figures.PER_GOAL


def test_the_verdict_is_on_the_headline_figure_against_a_year_earlier(report):
    goal = report.goal("1.1")
    row = goal.table.set_index("indicator").loc["uitleningen_jeugd"]
    assert (goal.movement.value, goal.movement.compared) == (row["waarde"], row["vorig_jaar"])
    change = row["waarde"] / row["vorig_jaar"] - 1
    assert change > 0.02 and goal.verdict.kind == "op_koers"
    assert goal.verdict.text == f"Op koers: {round(change * 100)}% meer dan een jaar eerder."


def test_an_estimate_is_judged_by_its_interval_against_the_year_earlier(report):
    movement = report.goal("3.1").movement
    low, high = movement.interval
    assert low < movement.value < high
    earlier_low, earlier_high = movement.compared_interval
    assert earlier_low < movement.compared < earlier_high


def test_the_summary_holds_the_anchor_the_facts_and_the_dutch_table(report):
    goal = report.goal("1.2")
    html = goal.summary.html
    assert '<h2 id="doel-1-2">1.2 ' in html
    assert "<dt>Gehoopte richting</dt><dd>meer</dd>" in html
    participants = int(goal.table.set_index("indicator").loc["deelnemers", "waarde"])
    assert f'data-label="Deze periode">{participants:,}</td>'.replace(",", ".") in html


def test_the_visitor_estimate_reads_ca_with_its_interval_and_a_caption(report):
    html = report.goal("3.1").summary.html
    assert "<caption>Plein1 heeft geen bezoekersteller" in html
    assert '">ca. ' in html and "<br><small>" in html


def test_the_account_holds_the_narrative_and_the_verdict(report):
    goal = report.goal("1.1")
    assert goal.narrative and goal.narrative.split()[0] in goal.account.html
    assert f'<p class="oordeel {goal.verdict.kind}">' in goal.account.html


def test_a_goal_without_narrative_says_so(report, monkeypatch):
    goal = report.goal("1.3")
    monkeypatch.setattr(type(goal), "narrative", None)
    assert NO_NARRATIVE in goal.account.html
    assert 'class="toelichting ontbreekt"' in goal.account.html


def test_headers_carry_the_report_title_for_the_page(report):
    data, metadata = report.ambition(1).header._repr_mimebundle_()
    assert metadata["title"] == "Ambitie 1: Leesplezier | Heemstede | tweede halfjaar 2025"
    assert "<h1>Ambitie 1: Leesplezier</h1>" in data["text/html"]
    assert report.overview().header.title == "Overzicht | Heemstede | tweede halfjaar 2025"


def test_the_overview_links_to_the_reports_and_its_combined_variant_inside(report):
    summary = report.overview().summary
    assert 'href="1_leesplezier.html#doel-1-2"' in summary.html
    combined = summary.variants["gebundeld"]
    assert 'href="#doel-1-2"' in combined and 'href="#1_leesplezier"' in combined
    assert ".html" not in combined


def test_the_overview_and_the_verdicts_have_a_row_per_goal(report):
    goals = [goal.id for goal in report.agreement.goals]
    assert report.overview().table["afspraak"].tolist() == goals
    verdicts = report.verdicts()
    assert verdicts["afspraak"].tolist() == goals
    assert verdicts.loc[0, "tekst"] == report.goal("1.1").verdict.text
    efforts = verdicts[verdicts["afspraak"].isin(["4.3", "5.3"])]
    assert set(efforts["oordeel"]) == {"inspanning"}


def test_staff_markdown_loads_nothing_and_is_escaped():
    assert render_markdown("<script>x</script> *ja*") == (
        "<p>&lt;script&gt;x&lt;/script&gt; <em>ja</em></p>"
    )


def test_a_long_first_sentence_is_cut_at_90_characters():
    heading = first_sentence("a" * 100 + ". Rest.")
    assert len(heading) == 88 and heading.endswith("…")
