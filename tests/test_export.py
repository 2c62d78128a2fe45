"""Notebooks to self-contained HTML: what a report shows, what it never shows, the check."""

from __future__ import annotations

import base64
import io
import os
import re

import matplotlib

matplotlib.use("Agg")

import nbformat  # noqa: E402
import pandas as pd  # noqa: E402
import pytest  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402
from nbformat.v4 import new_code_cell, new_markdown_cell, new_notebook, new_output  # noqa: E402

from bibanalyse.export import (  # noqa: E402
    MAX_HTML_BYTES,
    check_self_contained,
    combined_notebook,
    export_combined,
    export_html,
    report_title,
)

PARAMETER_SOURCE = "periode = '2025-H1'  # standaardwaarde"
INJECTED_SOURCE = "periode = '2024-H2'  # ingevoegd door papermill"
CODE_SOURCE = "bars(frame, 'soort', 'deelnemers')  # maakt de figuur"


def figure_png() -> str:
    fig = Figure(figsize=(4, 2), dpi=100)
    fig.add_subplot().plot([1, 2, 3], [2, 1, 3])
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png")
    return base64.b64encode(buffer.getvalue()).decode("ascii")


@pytest.fixture
def notebook() -> nbformat.NotebookNode:
    """An executed report notebook, its outputs attached by hand (nothing is run)."""
    table = pd.DataFrame({"kanaal": ["website", "krant"], "uitingen": ["1.234", "35"]})
    return new_notebook(
        cells=[
            new_code_cell(PARAMETER_SOURCE, metadata={"tags": ["parameters"]}),
            new_code_cell(INJECTED_SOURCE, metadata={"tags": ["injected-parameters"]}),
            new_markdown_cell("# Overzicht\n\nDe bibliotheek in Heemstede, eerste halfjaar."),
            new_code_cell(
                CODE_SOURCE,
                execution_count=4,
                outputs=[
                    new_output(
                        "display_data",
                        data={"image/png": figure_png(), "text/plain": "[Figuur: Deelnemers]"},
                        metadata={"image/png": {"alt": "Deelnemers per soort"}},
                    ),
                    new_output(
                        "execute_result",
                        data={"text/html": table.to_html(index=False), "text/plain": "tabel"},
                        execution_count=4,
                    ),
                    new_output("stream", name="stderr", text="UserWarning: een waarschuwing\n"),
                ],
            ),
        ],
        metadata={"kernelspec": {"name": "bibanalyse", "display_name": "bibanalyse"}},
    )


@pytest.fixture
def report(notebook, tmp_path) -> str:
    out = export_html(notebook, tmp_path / "00_overzicht.html")
    return out.read_text(encoding="utf-8")


def test_the_heading_and_text_are_there(report):
    assert re.search(r"<h1[^>]*>Overzicht</h1>", report)
    assert "De bibliotheek in Heemstede, eerste halfjaar." in report


def test_the_figure_is_an_embedded_png_with_its_alt_text(report):
    images = re.findall(r"<img [^>]*>", report)
    assert len(images) == 1
    assert 'src="data:image/png;base64,iVBORw0KGgo' in images[0]
    assert 'alt="Deelnemers per soort"' in images[0]


def test_the_table_is_there_with_numbers_marked_for_right_alignment(report):
    assert "<table" in report and ">website<" in report
    assert re.search(r'<td class="getal">1\.234</td>', report)
    assert re.search(r'<th class="getal">uitingen</th>', report)


def test_no_code_prompts_or_parameters(report):
    for hidden in ("bars(frame", "maakt de figuur", "periode =", "2025-H1'", "2024-H2"):
        assert hidden not in report
    assert "In&nbsp;[" not in report and "Out[" not in report
    assert "[Figuur: Deelnemers]" not in report  # the text fallback of the figure


def test_no_stderr(report):
    assert "waarschuwing" not in report


def test_the_page_is_dutch_titled_and_self_contained(report):
    assert '<html lang="nl">' in report
    assert "<title>Overzicht</title>" in report
    assert '<meta charset="utf-8"/>' in report
    assert 'name="viewport"' in report
    assert check_self_contained(report) == []
    for forbidden in ("<script", "http://", "https://", "cdnjs", "mathjax", "require.js"):
        assert forbidden not in report.lower()


def test_the_stylesheet_is_inline_with_a_print_section(report):
    assert "<style>" in report and "<link" not in report
    assert "@media print" in report and "@page" in report
    assert "max-width: 60rem" in report


def test_the_report_is_small(report):
    assert len(report.encode("utf-8")) < MAX_HTML_BYTES
    assert len(report.encode("utf-8")) < 100_000


def test_the_notebook_given_is_not_changed(notebook, tmp_path):
    before = nbformat.writes(notebook)
    export_html(notebook, tmp_path / "rapport.html")
    assert nbformat.writes(notebook) == before


def test_a_notebook_file_and_an_explicit_title(notebook, tmp_path):
    path = tmp_path / "01_leesbevordering.ipynb"
    nbformat.write(notebook, path)
    out = export_html(path, tmp_path / "rapport.html", title="Leesbevordering & taal")
    assert "<title>Leesbevordering &amp; taal</title>" in out.read_text(encoding="utf-8")


def test_errors_are_left_out(notebook, tmp_path):
    notebook.cells.append(
        new_code_cell(
            "1 / 0",
            outputs=[new_output("error", ename="ZeroDivisionError", evalue="geheim", traceback=[])],
        )
    )
    html = export_html(notebook, tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "ZeroDivisionError" not in html and "geheim" not in html


def test_a_report_that_is_not_self_contained_is_not_written(notebook, tmp_path):
    notebook.cells.append(new_markdown_cell('<img src="https://example.org/logo.png">'))
    out = tmp_path / "rapport.html"
    out.write_text("de vorige versie", encoding="utf-8")
    with pytest.raises(ValueError, match="loads from another host"):
        export_html(notebook, out)
    assert out.read_text(encoding="utf-8") == "de vorige versie"
    assert os.listdir(tmp_path) == ["rapport.html"]  # no temporary file left behind


def test_check_catches_scripts_and_remote_stylesheets():
    html = (
        '<html><head><script src="report.js"></script>'
        '<link rel="stylesheet" href="https://cdn.example.org/style.css"></head>'
        '<body><a href="//example.org/">x</a></body></html>'
    )
    problems = check_self_contained(html)
    assert any("<script>" in problem for problem in problems)
    assert any("https://cdn.example.org/style.css" in problem for problem in problems)
    assert any("'//example.org/'" in problem for problem in problems)


@pytest.mark.parametrize(
    ("html", "expected"),
    [
        ('<p onclick="alert(1)">x</p>', "runs a script"),
        ('<a href="javascript:alert(1)">x</a>', "runs a script"),
        ('<img src="figuur.png">', "not embedded"),
        ('<img src="http://example.org/a.png">', "another host"),
        ("<style>@import url(theme.css);</style>", "@import"),
        ("<style>body { background: url(https://x.org/a.png) }</style>", "not embedded"),
        ("<div style=\"background: url('a.png')\">x</div>", "not embedded"),
        ('<link rel="stylesheet" href="style.css">', "refers to a file"),
        ("<SCRIPT>alert(1)</SCRIPT>", "<script>"),
        ('<meta http-equiv="refresh" content="0; url=x.html">', "refresh"),
    ],
)
def test_check_finds(html, expected):
    assert any(expected in problem for problem in check_self_contained(html))


def test_check_allows_what_a_report_holds():
    html = (
        '<html lang="nl"><head><style>td { color: #000 }</style></head><body>'
        '<img src="data:image/png;base64,iVBORw0KGgo=" alt="x">'
        '<a href="#uitleningen">uitleningen</a> <a href="mailto:bieb@example.org">mail</a>'
        "<p>Zie https://www.bibliotheekzuidkennemerland.nl voor openingstijden.</p>"
        "</body></html>"
    )
    assert check_self_contained(html) == []


def test_check_counts_the_size():
    html = "<p>" + "x" * MAX_HTML_BYTES + "</p>"
    assert any("more than the" in problem for problem in check_self_contained(html))


def test_title_from_the_first_heading_without_markdown():
    cells = [new_markdown_cell("Inleiding zonder kop"), new_markdown_cell("## *Ambitie* 1 ##")]
    assert report_title(cells) == "Ambitie 1"
    assert report_title(cells, {"title": "Rapport Heemstede"}) == "Rapport Heemstede"
    assert report_title([], {}, "00_overzicht") == "00_overzicht"


def test_a_bare_python_repr_is_left_out_but_printed_text_stays(notebook, tmp_path):
    notebook.cells.append(
        new_code_cell(
            "ax.set_title('x'); print('klaar')",
            outputs=[
                new_output("stream", name="stdout", text="klaar\n"),
                new_output("execute_result", data={"text/plain": "Text(0.5, 1.0, 'x')"}),
            ],
        )
    )
    html = export_html(notebook, tmp_path / "rapport.html").read_text(encoding="utf-8")
    assert "klaar" in html
    assert "Text(0.5" not in html


# -- the combined report ---------------------------------------------------------------------


def _part(text: str, variant: str | None = None, *, size: int = 0) -> nbformat.NotebookNode:
    """An executed report of one HTML output (with a variant for the combined report)."""
    metadata = {"bibanalyse": {"variants": {"gebundeld": variant}}} if variant else {}
    html = text + ("<!-- " + "x" * size + " -->" if size else "")
    output = new_output("display_data", data={"text/html": html}, metadata=metadata)
    return new_notebook(
        cells=[
            new_code_cell(PARAMETER_SOURCE, metadata={"tags": ["parameters"]}),
            new_code_cell("report.summary", outputs=[output]),
            new_code_cell("report = 1"),  # no output: the section still closes after it
        ]
    )


def test_a_combined_report_has_a_section_per_report_and_uses_the_combined_variant(tmp_path):
    parts = [
        (
            "00_overzicht",
            _part('<a href="1_a.html#doel-1-1">1.1</a>', '<a href="#doel-1-1">1.1</a>'),
        ),
        ("1_a", _part('<h2 id="doel-1-1">1.1</h2>')),
    ]
    out = export_combined(parts, tmp_path / "rapportage.html", title="Alles – 2025")
    html = out.read_text(encoding="utf-8")

    sections = re.findall(
        r'<section (?:id="([^"]+)" )?class="rapportdeel"(?: id="([^"]+)")?>', html
    )
    sections = [first or second for first, second in sections]
    assert sections == ["00_overzicht", "1_a"]
    assert html.count("</section>") == 2 and html.count("<main") == 1
    assert 'href="#doel-1-1"' in html and "1_a.html" not in html
    assert html.count('<p class="terug"><a href="#00_overzicht">') == 1  # after 1_a only
    assert "<title>Alles – 2025</title>" in html and PARAMETER_SOURCE not in html
    assert len(parts[0][1].cells) == 3  # the notebooks given are not changed


def test_a_combined_report_may_exceed_the_limit_of_one_report_but_not_run_a_script(tmp_path):
    big = [("a", _part("<p>a</p>", size=MAX_HTML_BYTES)), ("b", _part("<p>b</p>"))]
    out = export_combined(big, tmp_path / "groot.html", title="Groot")
    assert out.stat().st_size > MAX_HTML_BYTES

    scripted = [("a", _part("<p>a</p>")), ("b", _part("<script>alert(1)</script>"))]
    with pytest.raises(ValueError, match="not a self-contained report: <script> element"):
        export_combined(scripted, tmp_path / "script.html", title="Script")
    assert not (tmp_path / "script.html").exists()


def test_combined_reports_need_distinct_names():
    with pytest.raises(ValueError, match="names must differ"):
        combined_notebook([("a", _part("x")), ("a", _part("y"))])


def test_a_figure_shown_as_png_and_svg_is_a_png_in_the_report(notebook, tmp_path):
    """``plots.show`` gives both: the report keeps the small PNG (the PDF takes the SVG)."""
    figure = notebook.cells[3].outputs[0]
    figure.data["image/svg+xml"] = '<svg xmlns="http://www.w3.org/2000/svg" width="4" height="2"/>'
    figure.metadata["image/svg+xml"] = {"alt": "Deelnemers per soort"}

    report = export_html(notebook, tmp_path / "00_overzicht.html").read_text(encoding="utf-8")

    images = re.findall(r"<img [^>]*>", report)
    assert len(images) == 1 and 'src="data:image/png;base64,' in images[0]
    assert "image/svg+xml" not in report
