"""The house style and the report figures: Dutch texts, patterns as well as colours, PNGs."""

from __future__ import annotations

import base64
import struct

import matplotlib

matplotlib.use("Agg")

import matplotlib as mpl  # noqa: E402
import matplotlib.pyplot as plt  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.colors import to_rgb  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

from bibanalyse import plots  # noqa: E402
from bibanalyse.formatting import WEEKDAYS  # noqa: E402


def texts(fig: Figure) -> list[str]:
    """Every text a reader sees in ``fig``, after a draw (which formats the ticks)."""
    fig.draw_without_rendering()
    found = [fig.get_suptitle()]
    for ax in fig.axes:
        found += [ax.get_title(loc) for loc in ("left", "center", "right")]
        found += [ax.get_xlabel(), ax.get_ylabel()]
        found += [t.get_text() for t in ax.get_xticklabels() + ax.get_yticklabels()]
        found += [t.get_text() for t in ax.texts]
    for legend in fig.legends:
        found += [t.get_text() for t in legend.get_texts()]
    return [text for text in found if text]


def png_size(png: bytes) -> tuple[int, int]:
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    return struct.unpack(">II", png[16:24])


@pytest.fixture
def loans() -> pd.DataFrame:
    """Two segments, January to March of 2024 and 2025."""
    rows = []
    for year, extra in ((2024, 0), (2025, 100)):
        for month in (1, 2, 3):
            rows.append({"maand": f"{year}-0{month}", "segment": "jeugd", "waarde": 800 + extra})
            rows.append({"maand": f"{year}-0{month}", "segment": "volwassenen", "waarde": 2400})
    return pd.DataFrame(rows)


def test_house_style_sets_font_spines_grid_and_size():
    with mpl.rc_context():
        plots.use_house_style()
        assert mpl.rcParams["font.sans-serif"][0] == "DejaVu Sans"
        assert not mpl.rcParams["axes.spines.top"] and not mpl.rcParams["axes.spines.right"]
        assert mpl.rcParams["axes.grid"]
        assert tuple(mpl.rcParams["figure.figsize"]) == (8.0, 4.0)
        assert 100 <= mpl.rcParams["savefig.dpi"] <= 120


def test_palette_colours_are_distinct_okabe_ito_colours():
    roles = list(plots.PALETTE.values())
    assert len(set(roles)) == len(roles)
    assert set(roles) <= set(plots.OKABE_ITO.values())
    assert len(set(plots.SERIES_COLOURS)) == len(plots.SERIES_COLOURS) == 8
    rgb = [to_rgb(colour) for colour in plots.OKABE_ITO.values()]
    assert len(set(rgb)) == 8
    assert plots.PALETTE["huidig"] != plots.PALETTE["vergelijking"]
    assert plots.PALETTE["jeugd"] != plots.PALETTE["volwassenen"]


def test_figures_are_not_kept_by_pyplot(loans):
    before = plt.get_fignums()
    plots.monthly_series(loans, hue="segment", title="Uitleningen")
    assert plt.get_fignums() == before


def test_monthly_series_current_year_solid_last_year_dashed(loans):
    fig = plots.monthly_series(
        loans, hue="segment", title="Uitleningen per maand", ylabel="Uitleningen"
    )
    assert isinstance(fig, Figure)
    shown = texts(fig)
    assert {"Uitleningen per maand", "Uitleningen", "jan", "feb", "mrt"} <= set(shown)
    assert {"jeugd 2025", "jeugd 2024", "volwassenen 2025", "volwassenen 2024"} <= set(shown)
    assert "1.000" in shown and "2.000" in shown
    styles = {line.get_label(): line.get_linestyle() for line in fig.axes[0].get_lines()}
    assert styles["jeugd 2025"] == "-" and styles["jeugd 2024"] == "--"
    colours = {line.get_label(): line.get_color() for line in fig.axes[0].get_lines()}
    assert colours["jeugd 2025"] == colours["jeugd 2024"] == plots.PALETTE["jeugd"]
    assert colours["volwassenen 2025"] == plots.PALETTE["volwassenen"]


def test_monthly_series_leaves_a_gap_for_a_missing_month():
    frame = pd.DataFrame({"maand": ["2025-01", "2025-03"], "waarde": [5, 7]})
    fig = plots.monthly_series(frame, title="Met gat")
    (line,) = fig.axes[0].get_lines()
    assert list(line.get_xdata()) == [1, 2, 3]
    assert pd.isna(line.get_ydata()[1])


def test_monthly_series_along_the_calendar(loans):
    fig = plots.monthly_series(
        loans[loans["segment"] == "jeugd"], title="Jeugd", overlay_years=False
    )
    assert "jan 2025" in texts(fig)


def test_monthly_series_refuses_two_rows_for_one_month(loans):
    with pytest.raises(ValueError, match="one row per 'maand'"):
        plots.monthly_series(loans, title="Zonder hue")


def test_bars_sorted_largest_first_with_dutch_value_labels():
    frame = pd.DataFrame(
        {"soort": ["Workshop", "Klassenbezoek", "Voorlezen"], "deelnemers": [80, 1150, 340]}
    )
    fig = plots.bars(frame, "soort", "deelnemers", title="Deelnemers per soort")
    ax = fig.axes[0]
    fig.draw_without_rendering()
    order = [t.get_text() for t in ax.get_yticklabels()]
    assert order == ["Klassenbezoek", "Voorlezen", "Workshop"]
    top = min(ax.patches, key=lambda p: p.get_y())  # the y axis is inverted: top is lowest y
    assert top.get_width() == 1150
    assert {"1.150", "340", "80", "1.000"} <= set(texts(fig))


def test_bars_with_a_comparison_hatch_the_earlier_values():
    frame = pd.DataFrame({"kanaal": ["website", "krant"], "nu": [40, 6], "vorig": [35, 9]})
    fig = plots.bars(
        frame,
        "kanaal",
        "nu",
        compare="vorig",
        value_label="2025-H1",
        compare_label="2024-H1",
        title="Uitingen per kanaal",
    )
    hatches = [p.get_hatch() for p in fig.axes[0].patches]
    assert hatches.count("//") == 2
    assert {"2025-H1", "2024-H1", "35", "9"} <= set(texts(fig))


def test_bars_refuse_repeated_categories():
    frame = pd.DataFrame({"kanaal": ["krant", "krant"], "n": [1, 2]})
    with pytest.raises(ValueError, match="'krant' repeats"):
        plots.bars(frame, "kanaal", "n", title="Dubbel")


def test_missing_column_is_named():
    with pytest.raises(ValueError, match=r"no column\(s\) \['aantal'\]"):
        plots.bars(pd.DataFrame({"soort": ["a"]}), "soort", "aantal", title="x")


def test_heatmap_rows_are_dutch_weekdays_and_cells_dutch_numbers():
    frame = pd.DataFrame(
        {"weekdag": ["maandag", "dinsdag", 2], "uur": [10, 11, 12], "bezoekers": [1234, 5, 20]}
    )
    fig = plots.heatmap_weekday_hour(frame, title="Geschatte bezoekers per uur")
    shown = texts(fig)
    assert [t.get_text() for t in fig.axes[0].get_yticklabels()] == list(WEEKDAYS)
    assert {"10:00", "11:00", "12:00", "1.234", "5", "20"} <= set(shown)
    colorbar_ticks = [t.get_text() for t in fig.axes[1].get_yticklabels()]
    assert "1.000" in colorbar_ticks


def test_heatmap_refuses_an_unknown_weekday():
    frame = pd.DataFrame({"weekdag": ["maandagochtend"], "uur": [10], "bezoekers": [3]})
    with pytest.raises(ValueError, match="is not a weekday"):
        plots.heatmap_weekday_hour(frame, title="x")


def test_interval_bars_say_the_figures_are_estimates():
    frame = pd.DataFrame(
        {
            "periode": ["2024-H1", "2025-H1"],
            "schatting": [41200, 43100],
            "ondergrens": [39000, 43100],
            "bovengrens": [43600, 43100],
        }
    )
    fig = plots.interval_bars(frame, "periode", title="Bezoekers Plein1")
    shown = texts(fig)
    assert {"ca. 41.200", "43.100", "geschat", "95%-interval", "2024-H1"} <= set(shown)
    assert "ca. 43.100" not in shown  # zero width: every hour counted


def test_interval_bars_refuse_an_estimate_outside_its_interval():
    frame = pd.DataFrame(
        {"periode": ["x"], "schatting": [10], "ondergrens": [11], "bovengrens": [12]}
    )
    with pytest.raises(ValueError, match="ondergrens <= schatting <= bovengrens"):
        plots.interval_bars(frame, "periode", title="x")


def test_occupancy_in_dutch_percentages_in_daypart_order():
    frame = pd.DataFrame(
        {
            "dagdeel": ["avond", "ochtend", "middag", "avond", "ochtend", "middag"],
            "bezetting": [0.18, 0.45, 0.625, 0.2, 0.4, 0.6],
            "periode": ["2025-H1"] * 3 + ["2024-H1"] * 3,
        }
    )
    fig = plots.occupancy_by_daypart(frame, hue="periode", title="Bezetting werkplekken")
    ax = fig.axes[0]
    fig.draw_without_rendering()
    assert [t.get_text() for t in ax.get_xticklabels()] == ["ochtend", "middag", "avond"]
    shown = texts(fig)
    assert {"45%", "63%", "50%", "100%", "2025-H1", "2024-H1"} <= set(shown)
    assert {p.get_hatch() for p in ax.patches[3:]} == {"//"}


def test_occupancy_refuses_percentages_for_fractions():
    frame = pd.DataFrame({"dagdeel": ["ochtend"], "bezetting": [45]})
    with pytest.raises(ValueError, match="fractions from 0 to 1"):
        plots.occupancy_by_daypart(frame, title="x")


def test_an_empty_frame_gives_a_figure_that_says_so():
    fig = plots.bars(pd.DataFrame({"soort": [], "n": []}), "soort", "n", title="IDO")
    assert "Geen gegevens voor deze periode" in texts(fig)


def test_note_appears_under_the_title(loans):
    fig = plots.monthly_series(loans, hue="segment", title="Uitleningen", note="Bron: Wise")
    assert fig.get_suptitle() == "Uitleningen"
    assert fig.axes[0].get_title("left") == "Bron: Wise"


def test_every_figure_renders_to_a_small_png(loans):
    fig = plots.monthly_series(loans, hue="segment", title="Uitleningen")
    png = plots.to_png(fig)
    assert png_size(png) == (880, 440)
    assert len(png) < 150_000
    assert plots.to_png(fig) == png  # no timestamp: the same figure, the same bytes


def test_show_displays_a_png_and_an_svg_with_alt_text_and_closes_the_figure(monkeypatch):
    shown = []
    monkeypatch.setattr(
        "IPython.display.display", lambda *args, **kwargs: shown.append((args, kwargs))
    )
    fig = plt.figure()  # made with pyplot: show must make pyplot forget it
    fig.suptitle("Leden per groep")
    number = fig.number
    plots.show(fig)
    assert not plt.fignum_exists(number)
    ((bundle,), options) = shown[0]
    assert base64.b64decode(bundle["image/png"])[:4] == b"\x89PNG"
    assert bundle["image/svg+xml"].lstrip().startswith("<?xml")
    assert "<svg" in bundle["image/svg+xml"]
    assert options["raw"] is True
    alt = {"alt": "Leden per groep"}
    assert options["metadata"] == {"image/png": alt, "image/svg+xml": alt}


def test_a_figure_renders_to_a_vector_svg_with_its_text_as_text_in_the_house_font(loans):
    fig = plots.monthly_series(loans, hue="segment", title="Uitleningen")
    svg = plots.to_svg(fig)
    assert "<dc:date>" not in svg  # nothing that changes from run to run but the layout
    assert "<image" not in svg  # nothing rasterised
    assert ">Uitleningen</text>" in svg  # the title, as text
    assert "DejaVu Sans" in svg


def test_bars_keep_the_exact_okabe_ito_colours_and_label_a_missing_value():
    # seaborn desaturates bar colours by default; the palette must come through unchanged
    frame = pd.DataFrame({"kanaal": ["website", "krant"], "nu": [40, None], "vorig": [35, 9]})
    fig = plots.bars(frame, "kanaal", "nu", compare="vorig", title="x", value_label="nu")
    now, earlier = fig.axes[0].containers
    assert {to_rgb(bar.get_facecolor()) for bar in now} == {to_rgb(plots.PALETTE["huidig"])}
    assert {to_rgb(b.get_facecolor()) for b in earlier} == {to_rgb(plots.PALETTE["vergelijking"])}
    assert [bar.get_width() for bar in now] == [40, 0]
    assert {"40", "–", "35", "9"} <= set(texts(fig))


def test_bars_refuse_one_label_for_both_series():
    frame = pd.DataFrame({"kanaal": ["krant"], "nu": [1], "vorig": [2]})
    with pytest.raises(ValueError, match="two different legend labels"):
        plots.bars(
            frame, "kanaal", "nu", compare="vorig", value_label="a", compare_label="a", title="x"
        )


def test_heatmap_text_takes_the_colour_that_contrasts_most_and_closed_cells_stay_empty():
    frame = pd.DataFrame({"weekdag": [0, 0, 1], "uur": [9, 10, 9], "bezoekers": [5, 35, 100]})
    fig = plots.heatmap_weekday_hour(frame, title="x")
    ax = fig.axes[0]
    colours = {text.get_text(): text.get_color() for text in ax.texts}
    # contrast (WCAG) of white and of dark text: on 5, 1.2 and 12.8; on 100, 13.7 and 1.1;
    # on 35 (relative luminance 0.39) 2.4 and 6.3, where seaborn's annot would put white
    assert colours == {"5": "#262626", "35": "#262626", "100": "white"}
    fig.draw_without_rendering()
    assert not [line for line in ax.get_xgridlines() + ax.get_ygridlines() if line.get_visible()]
