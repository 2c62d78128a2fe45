"""The period's PDF (bibanalyse.document), read back with pypdf from a real run of Heemstede
2025-H2: what it holds and in which order, its footer, contents, outline, tags and figures.

Without WeasyPrint (or Debian's Pango) the module is skipped, except under CI (``CI`` set),
where a missing engine is a failure. What a run does without the engine is tested without
it (monkeypatched), at the end.
"""

from __future__ import annotations

import csv
import hashlib
import html
import json
import os
import re
import shutil
import sys
from pathlib import Path

import nbformat
import pytest

from bibanalyse import document, runner
from bibanalyse.agreements import agreement_for
from bibanalyse.cli import main
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.mail import published_run
from bibanalyse.periods import Period
from bibanalyse.report import Report
from bibanalyse.wording import VERDICT_MARKS, VERDICTS

ROOT = Path(__file__).resolve().parents[1]
PERIOD = Period.parse("2025-H2")
MUNICIPALITY = "Heemstede"
PDF = "rapportage_Heemstede_2025-H2.pdf"
FOOTER = "Prestatieafspraken Heemstede · tweede halfjaar 2025 · pagina {} van {}"
AGREEMENT = agreement_for(MUNICIPALITY, PERIOD)
GOALS = [goal for ambition in AGREEMENT.ambitions for goal in ambition.goals]


def _under_ci() -> bool:
    return os.environ.get("CI", "").strip().lower() not in ("", "0", "false", "no")


@pytest.fixture(scope="module")
def engine() -> None:
    if reason := document.engine_missing():
        if _under_ci():
            pytest.fail(f"{reason}; under CI it must be there", pytrace=False)
        pytest.skip(reason)


@pytest.fixture(scope="module")
def run(engine, request):
    """The shared real run (conftest's ``published``): settings and published folder."""
    return request.getfixturevalue("published")


@pytest.fixture(scope="module")
def folder(run) -> Path:
    return run[1]


@pytest.fixture(scope="module")
def pdf(folder):
    pypdf = pytest.importorskip("pypdf")
    return pypdf.PdfReader(folder / PDF)


@pytest.fixture(scope="module")
def pages(pdf) -> list[str]:
    """Each page's text, its runs of white space as one space."""
    return [" ".join(page.extract_text().split()) for page in pdf.pages]


@pytest.fixture(scope="module")
def contents(pdf, pages) -> int:
    """The index of the contents' page (after the overview, which may take more than one)."""
    entry = next(entry for entry in _outline(pdf) if entry.title == "Inhoud")
    number = pdf.get_destination_page_number(entry)
    assert pages[number].startswith("Inhoud")
    return number


def _flat(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _headlines(folder: Path) -> dict[str, str]:
    """Each goal's headline figure as a reader sees it, from the run's own tables: the
    headline indicator of ``oordelen.csv``, its value in ``indicatoren.csv``."""
    with (folder / "oordelen.csv").open(encoding="utf-8") as file:
        headline = {row["afspraak"]: row["kerncijfer"] for row in csv.DictReader(file)}
    shown = {}
    with (folder / "indicatoren.csv").open(encoding="utf-8") as file:
        for row in csv.DictReader(file):
            if headline.get(row["afspraak"]) == row["indicator"]:
                value = float(row["waarde"]) if row["waarde"] else None
                shown[row["afspraak"]] = REGISTRY[row["indicator"]].shown(value)
    return shown


# -- what it holds ---------------------------------------------------------------------------


@pytest.mark.slow  # on the output of a real run
def test_the_run_publishes_the_pdf_beside_the_html_and_lists_it_with_its_checksum(folder):
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    data = (folder / PDF).read_bytes()

    assert data.startswith(b"%PDF-")
    assert manifest["pdf"]["path"] == PDF
    assert manifest["pdf"]["sha256"] == hashlib.sha256(data).hexdigest()
    assert manifest["pdf"]["bytes"] == len(data) < document.MAX_PDF_BYTES
    assert manifest["pdf"]["engine"].startswith("WeasyPrint ")


@pytest.mark.slow  # on the output of a real run
def test_page_one_holds_the_title_and_every_goal_with_its_headline_figure(folder, pages):
    headlines = _headlines(folder)
    first = pages[0]

    assert first.startswith("BIBLIOTHEEK ZUID-KENNEMERLAND Prestatieafspraken Heemstede")
    assert "Rapportage over het tweede halfjaar 2025" in first
    assert "Doel Kerncijfer Deze periode Verandering Verloop Oordeel" in first
    assert sorted(headlines) == sorted(goal.id for goal in GOALS)
    for goal in GOALS:
        assert f"{goal.id} " in first, goal.id
        assert _flat(headlines[goal.id]) in _flat(first), (goal.id, headlines[goal.id])


@pytest.mark.slow  # on the output of a real run
def test_every_goal_id_and_headline_figure_is_in_the_text_of_its_ambition(folder, pages, contents):
    body = " ".join(pages[contents + 1 :])  # after the overview and the contents
    headlines = _headlines(folder)

    for goal in GOALS:
        assert f"{goal.id} " in body, goal.id
        assert _flat(headlines[goal.id]) in _flat(body), goal.id


@pytest.mark.slow  # on the output of a real run
def test_the_parts_come_in_order_and_end_with_the_notes_on_method(pages, contents):
    parts = [f"Ambitie {a.number}: {a.short_name}" for a in AGREEMENT.ambitions]
    parts.append("Toelichting op de methode")
    body = " ".join(pages[contents + 1 :])  # the overview and the contents name them too
    starts = [body.find(title) for title in parts]

    assert "Overzicht tweede halfjaar 2025" in pages[0]
    assert -1 not in starts and starts == sorted(starts)
    notes = pages[-1]
    assert notes.startswith("Toelichting op de methode")
    assert "<10" in notes and "steekproeftellingen" in notes and "ca." in notes
    for kind, label in VERDICTS.items():  # each verdict explained
        assert f"{VERDICT_MARKS[kind]} {label}: " in notes, kind


@pytest.mark.slow  # on the output of a real run
def test_every_page_but_the_first_has_the_footer_with_its_number(pages):
    total = len(pages)

    assert "pagina" not in pages[0]
    for number, text in enumerate(pages[1:], start=2):
        assert text.endswith(FOOTER.format(number, total)), number


@pytest.mark.slow  # on the output of a real run
def test_the_contents_give_the_page_each_ambition_and_goal_starts_on(pdf, pages, contents):
    starts = {entry.title: pdf.get_destination_page_number(entry) + 1 for entry in _outline(pdf)}
    contents = pages[contents]

    for ambition in AGREEMENT.ambitions:
        title = f"Ambitie {ambition.number}: {ambition.short_name}"
        assert re.search(rf"{re.escape(title)} \.+ ?{starts[title]}\b", contents), title
        assert ambition.short_name in pages[starts[title] - 1]
    listed = dict(re.findall(r"(\d+\.\d+) .*?\.{3,} ?(\d+)", contents))  # goal: its page
    for goal in GOALS:
        entry = next(title for title in starts if title.startswith(f"{goal.id} "))
        assert f"{goal.id} " in pages[starts[entry] - 1]
        assert listed[goal.id] == str(starts[entry]), goal.id


# -- outline, tags, fonts, figures -----------------------------------------------------------


def _outline(pdf) -> list:
    flat = []

    def walk(entries):
        for entry in entries:
            if isinstance(entry, list):
                walk(entry)
            else:
                flat.append(entry)

    walk(pdf.outline)
    return flat


@pytest.mark.slow  # on the output of a real run
def test_the_outline_has_an_entry_per_ambition_with_one_per_goal_beneath_it(pdf):
    top = [entry for entry in pdf.outline if not isinstance(entry, list)]
    nested = [entry for entry in pdf.outline if isinstance(entry, list)]
    titles = [entry.title for entry in top]

    ambitions = [f"Ambitie {a.number}: {a.short_name}" for a in AGREEMENT.ambitions]
    expected = ["Overzicht tweede halfjaar 2025", "Inhoud", *ambitions]
    assert titles == [*expected, "Toelichting op de methode"]
    assert [[entry.title.split()[0] for entry in goals] for goals in nested] == [
        [goal.id for goal in ambition.goals] for ambition in AGREEMENT.ambitions
    ]


@pytest.mark.slow  # on the output of a real run
def test_the_pdf_is_tagged_pdf_ua_with_title_and_language(pdf):
    root = pdf.trailer["/Root"]

    assert bool(root["/MarkInfo"]["/Marked"])
    assert root["/Lang"] == "nl"
    assert "/StructTreeRoot" in root
    assert bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert pdf.metadata.title == "Prestatieafspraken Heemstede – tweede halfjaar 2025"
    xmp = root["/Metadata"].get_object().get_data().decode("utf-8")
    assert re.search(r"pdfuaid:part[^0-9]{1,3}1", xmp)


def _structure(element) -> list:
    """Every structure element under ``element``."""
    element = element.get_object()
    found = [element]
    kids = element.get("/K")
    for kid in kids if isinstance(kids, list) else [kids]:
        kid = kid.get_object() if hasattr(kid, "get_object") else kid
        if hasattr(kid, "get") and "/S" in kid:
            found += _structure(kid)
    return found


@pytest.mark.slow  # on the output of a real run
def test_every_figure_is_tagged_with_its_alternative_text(folder, pdf):
    """The figures (``<img alt>``) and the overview's trend lines (inline SVG with a title)."""
    elements = _structure(pdf.trailer["/Root"]["/StructTreeRoot"])
    tagged = [element.get("/Alt") for element in elements if element.get("/S") == "/Figure"]
    combined = (folder / "rapportage_Heemstede_2025-H2.html").read_text(encoding="utf-8")
    alts = re.findall(r'<img [^>]*alt="([^"]+)"|<svg [^>]*aria-label="([^"]+)"', combined)
    alts = [html.unescape(image or drawing) for image, drawing in alts]

    assert len(alts) > len(GOALS)  # a trend line per goal, and the figures
    assert tagged == alts


@pytest.mark.slow  # on the output of a real run
def test_every_table_cell_names_its_headers(pdf):
    elements = _structure(pdf.trailer["/Root"]["/StructTreeRoot"])
    headers = {str(element["/ID"]) for element in elements if element.get("/S") == "/TH"}
    cells = [element for element in elements if element.get("/S") == "/TD"]

    assert cells and headers
    for cell in cells:
        named = [str(name) for name in cell["/A"]["/Headers"]]
        assert named and set(named) <= headers, named


@pytest.mark.slow  # on the output of a real run
def test_every_font_is_embedded(pdf):
    fonts = {}
    for page in pdf.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descriptor = font.get("/FontDescriptor")
            if descriptor is None and "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object().get("/FontDescriptor")
            descriptor = descriptor.get_object() if descriptor else {}
            embedded = any(key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3"))
            fonts[font["/BaseFont"]] = embedded
    assert fonts and all(fonts.values()), fonts


@pytest.mark.slow  # on the output of a real run
def test_figures_are_vector_drawings_not_pictures(pdf):
    """No figure is a picture: the only rasters are the gradients of a heat map's colour
    scale, which matplotlib's SVG keeps as a strip of pixels (smooth at any resolution)."""
    sizes = {}

    def collect(resources) -> None:
        for xobject in (resources.get("/XObject") or {}).values():
            image = xobject.get_object()
            if image["/Subtype"] == "/Image":
                sizes[getattr(xobject, "idnum", id(image))] = (image["/Width"], image["/Height"])
            elif "/Resources" in image:
                collect(image["/Resources"])

    for page in pdf.pages:
        collect(page["/Resources"])
    assert all(min(size) <= 20 for size in sizes.values()), sizes


# -- made from the executed notebooks --------------------------------------------------------


@pytest.mark.slow  # on the output of a real run
def test_an_analysts_change_to_a_goal_cell_shows_in_the_document(run):
    settings, folder = run
    names = [runner.OVERVIEW] + [ambition.slug for ambition in AGREEMENT.ambitions]
    parts = [(name, nbformat.read(folder / f"{name}.ipynb", as_version=4)) for name in names]
    account = next(
        cell
        for cell in parts[1][1].cells
        if "doel" in cell.metadata.get("tags", []) and "Oordeel:" in _html_of(cell)
    )
    account.outputs[0]["data"]["text/html"] += "<p>Aangepast door de analist.</p>"
    front = document.front_matter(Report.for_settings(settings, PERIOD, MUNICIPALITY))

    text = document.document_html(parts, front, title="Prestatieafspraken")

    assert "<p>Aangepast door de analist.</p>" in text
    assert "data:image/svg+xml" in text and "data:image/png" not in text  # print: vector
    contents = re.search(r'<nav [^>]*class="inhoud".*?</nav>', text, re.S).group(0)
    targets = re.findall(r'href="#([^"]+)"', contents)
    assert len(targets) == 1 + len(AGREEMENT.ambitions) + len(GOALS) + 1
    for target in targets:
        assert f'id="{target}"' in text, f"the contents point to a missing #{target}"


def _html_of(cell) -> str:
    return "".join(
        output.get("data", {}).get("text/html", "") for output in cell.get("outputs", [])
    )


# -- without the engine ----------------------------------------------------------------------

MISSING = "WeasyPrint is not installed; install it with `pip install weasyprint` ..."


@pytest.mark.slow  # on the output of a real run
def test_without_the_engine_a_run_publishes_the_html_and_its_manifest_says_why(
    published, tmp_path, monkeypatch
):
    settings, folder = published  # the notebooks it executed are reused: no kernel needed
    notebooks = runner.report_notebooks(ROOT / "notebooks", MUNICIPALITY, PERIOD)
    executed = [
        runner.NotebookRun(notebook, nbformat.read(folder / f"{notebook.name}.ipynb", 4), 1.0, ())
        for notebook in notebooks
    ]

    def execute_all(notebooks, staging, *args):  # as the run's own: each report's HTML too
        for notebook in notebooks:
            shutil.copy(folder / f"{notebook.name}.html", staging)
        return executed

    monkeypatch.setattr(runner, "_execute_all", execute_all)
    monkeypatch.setattr(document, "engine_missing", lambda: MISSING)
    settings = settings.with_reports_dir(tmp_path)
    parameters = {"period": PERIOD.label, "municipality": MUNICIPALITY}

    runner._build_and_publish(settings, PERIOD, MUNICIPALITY, notebooks, parameters, 1)

    target = runner.period_folder(settings, MUNICIPALITY, PERIOD)
    manifest = json.loads((target / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["pdf"] == {"path": None, "reason": MISSING}
    assert not list(target.glob("*.pdf"))
    assert (target / "rapportage_Heemstede_2025-H2.html").is_file()
    assert published_run(target).document is None


def test_without_the_engine_run_says_once_what_is_missing(settings, monkeypatch, capsys):
    monkeypatch.setattr(document, "engine_missing", lambda: MISSING)
    monkeypatch.setattr(
        "bibanalyse.runner.run_period",
        lambda settings, period, municipality, **kwargs: settings.reports_dir / str(period),
    )

    assert main(["run", "--period", "2025-H1", "2025-H2"]) == 0

    err = capsys.readouterr().err
    assert err.count("no PDF will be made") == 1
    assert f"bibanalyse run: warning: no PDF will be made: {MISSING}" in err


def test_without_the_package_the_engine_is_missing_with_how_to_install_it(monkeypatch):
    monkeypatch.setitem(sys.modules, "weasyprint", None)  # import weasyprint fails

    reason = document.engine_missing.__wrapped__()

    assert reason.startswith("WeasyPrint is not installed; install it with `pip install")
    assert "apt-get install libpango-1.0-0 libpangoft2-1.0-0" in reason


def test_the_pdf_loads_nothing_from_elsewhere(tmp_path, monkeypatch):
    monkeypatch.setattr(document, "engine_missing", lambda: None)
    html = '<html lang="nl"><title>x</title><img src="https://example.org/a.png" alt="a">'

    with pytest.raises(ValueError, match="loads from another host"):
        document.write_pdf(html, tmp_path / "x.pdf")
    assert not (tmp_path / "x.pdf").exists()
