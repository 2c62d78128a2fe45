"""The report as data: a goal's table, figures, narrative and verdict, the ambition's and
overview's parts, and their HTML from the templates."""

from __future__ import annotations

import pandas as pd
import pytest
from matplotlib.figure import Figure

from bibanalyse import figures
from bibanalyse.report import Report, first_sentence, render_markdown
from bibanalyse.wording import NO_NARRATIVE

pytestmark = pytest.mark.slow  # computes the demo data's reports


@pytest.fixture(scope="module")
def report(demo_data) -> Report:
    return Report.load("2025-H2", "Heemstede", str(demo_data.data_dir))


def test_a_goal_has_its_own_rows_of_the_indicator_table(report):
    goal = report.goal("1.2")
    assert goal.table["indicator"].tolist() == ["activiteiten", "deelnemers"]
    whole = report.indicators
    own = (whole["afspraak"] == "1.2") & ~whole["indicator"].str.endswith("_per_1000")
    expected = whole[own].reset_index(drop=True)
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
        "Uitleningen jeugdcollectie per halfjaar",
        "Leden aan het eind van elk halfjaar",
        "Uitleningen per maand, jeugd en volwassenen",
    ]
    # 5.1 and 5.2 both name the visitor estimate: its figures belong to 5.1 only
    assert "Bezoeken (geschat uit steekproeftellingen)" in titles["5.1"]
    assert titles["5.2"] == [
        "Communicatie-uitingen per halfjaar",
        "Communicatie-uitingen per kanaal",
    ]


def test_a_per_goal_figure_is_drawn_for_every_goal_that_names_it(report):
    assert [f.get_suptitle() for f in report.goal("1.2").figures] == [
        "Deelnemers per halfjaar",
        "Deelnemers per soort activiteit (1.2)",
    ]
    assert figures.participants_by_kind in figures.PER_GOAL


def test_the_verdict_is_on_the_headline_figure_against_a_year_earlier(report):
    goal = report.goal("1.1")
    row = goal.table.set_index("indicator").loc["uitleningen_jeugd"]
    assert (goal.movement.value, goal.movement.compared) == (row["waarde"], row["vorig_jaar"])
    change = row["waarde"] / row["vorig_jaar"] - 1
    assert change > 0.02 and goal.verdict.kind == "op_koers"
    assert goal.verdict.text.startswith(
        f"Op koers: {round(change * 100)}% meer dan een jaar eerder."
    )


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


# -- trends and context ----------------------------------------------------------------------


def test_a_trend_holds_the_values_of_the_table_for_its_half_years(report):
    goal = report.goal("4.1")
    trend = goal.trend().set_index("periode")["waarde"]
    row = goal.table.set_index("indicator").loc["uitleningen"]
    assert trend["2025-H2"] == row["waarde"]
    assert trend["2025-H1"] == row["vorige_periode"]
    assert trend["2024-H2"] == row["vorig_jaar"]
    assert list(trend.index) == ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]  # data from 2024


def test_a_trend_of_a_figure_per_goal_stays_within_the_agreement_in_force(report):
    trend = report.goal("1.2").trend("deelnemers")
    assert set(trend["afspraken"]) == {"Prestatieafspraken 2024-2027"}
    assert trend["periode"].iloc[0] == "2024-H1"


def test_every_goal_with_a_measure_shows_its_trend_first(report):
    assert report.goal("1.2").figures[0].get_suptitle() == "Deelnemers per halfjaar"
    titles = [figure.get_suptitle() for figure in report.goal("4.3").figures]
    assert not any(title.endswith("per halfjaar") for title in titles)  # effort only


def test_members_are_a_series_of_half_year_ends_unless_that_is_the_headline_itself():
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Goal:
        indicators: tuple[str, ...]
        headline: str

    def trend(key):
        return pd.DataFrame(
            {
                "periode": ["2024-H2", "2025-H1"],
                "afspraken": ["Prestatieafspraken 2024-2027"] * 2,
                "waarde": [100.0, 120.0] if key == "leden_eind" else [40.0, 45.0],
            }
        )

    youth = ("jeugdleden_begin", "jeugdleden_eind", "jeugdleden_aandeel")
    assert (
        figures.members_over_time(None, None, Goal(youth, "jeugdleden_eind"), trend=trend) is None
    )
    both = Goal((*youth, "leden_eind"), "jeugdleden_eind")
    figure = figures.members_over_time(None, None, both, trend=trend)
    assert [line.get_label() for line in figure.axes[0].get_lines()][:2] == ["Jeugdleden", "Leden"]


def test_the_overview_has_a_small_trend_for_every_goal_with_a_measure(report):
    html = report.overview().summary.html
    measured = [goal for goal in report.agreement.goals if not goal.effort_only]
    assert html.count('<svg class="verloop"') == len(measured)
    assert 'aria-label="Verloop per halfjaar: eerste halfjaar 2024 ' in html


def test_the_verdict_says_how_the_figure_lies_against_the_earlier_half_years(report):
    trend = report.goal("4.1").trend()
    earlier = trend["waarde"].iloc[:-1]
    text = report.goal("4.1").verdict.text
    assert f"de vorige {len(earlier)} halfjaren" in text
    now = trend["waarde"].iloc[-1]
    expected = "binnen" if earlier.min() <= now <= earlier.max() else "dan in elk van"
    assert expected in text


def test_a_goal_shows_its_figures_per_1000_inhabitants_beside_the_others(report):
    goal = report.goal("4.1")
    table = goal.context
    assert set(table["indicator"]) == {"uitleningen", "leden_eind"}
    own = table[(table["indicator"] == "uitleningen") & (table["gebied"] == "Heemstede")].iloc[0]
    loans = goal.table.set_index("indicator").loc["uitleningen", "waarde"]
    assert own["aantal"] == loans
    assert own["per_1000_inwoners"] == pytest.approx(loans / own["inwoners"] * 1000)
    assert '<tr class="eigen"><th scope="row">Heemstede</th>' in goal.summary.html
    assert report.goal("1.2").context.empty  # participants are counted per goal


def test_the_indicator_table_holds_the_context_rows(report):
    table = report.indicators
    context = table[table["indicator"].str.endswith("_per_1000")]
    assert set(context["afspraak"]) >= {"4.1", "1.1"}
    assert set(table.loc[~table.index.isin(context.index), "gebied"]) == {"Heemstede"}
