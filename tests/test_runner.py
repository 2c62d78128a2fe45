"""The period run on small demo data: every notebook executed and exported to self-contained
Dutch HTML; a failing notebook publishes nothing of its period."""

from __future__ import annotations

import json
import re
import shutil
from dataclasses import replace
from pathlib import Path

import nbformat
import pandas as pd
import pytest

from bibanalyse.agreements import agreement_for
from bibanalyse.cli import main
from bibanalyse.export import MAX_HTML_BYTES
from bibanalyse.periods import Period
from bibanalyse.report import Report
from bibanalyse.runner import (
    NotebookFailed,
    ReportNotebook,
    report_notebooks,
    run_period,
    with_goal_cells,
)

pytestmark = pytest.mark.slow

PERIOD = Period.parse("2025-H2")
COMBINED = "rapportage_Heemstede_2025-H2"


def _notebooks() -> Path:
    return Path(__file__).resolve().parents[1] / "notebooks"


def _html(folder):
    return {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.html")}


def test_publishes_overview_ambitions_table_notebooks_and_manifest(published):
    _, folder = published
    agreement = agreement_for("Heemstede", PERIOD)
    stems = {"00_overzicht"} | {ambition.slug for ambition in agreement.ambitions}
    assert {p.stem for p in folder.glob("*.html")} == stems | {COMBINED}
    assert {p.stem for p in folder.glob("*.ipynb")} == stems
    table = pd.read_csv(folder / "indicatoren.csv", dtype={"afspraak": str})
    assert set(table["periode"]) == {"2025-H2"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["period"] == "2025-H2"
    assert {entry["path"] for entry in manifest["inputs"]} >= {"processed/uitleenacties.parquet"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    assert [entry["report"] for entry in manifest["notebooks"]] == [
        "00_overzicht",
        *(ambition.slug for ambition in agreement.ambitions),
    ]
    assert manifest["notebooks"][1]["path"] == "notebooks/ambitie.ipynb"
    assert manifest["notebooks"][1]["parameters"] == {"ambition": 1}


def test_one_ambition_notebook_makes_every_ambition_report_with_cells_per_goal(published):
    _, folder = published
    for ambition in agreement_for("Heemstede", PERIOD).ambitions:
        executed = nbformat.read(folder / f"{ambition.slug}.ipynb", as_version=4)
        firsts = [
            cell.source.splitlines()[0]
            for cell in executed.cells
            if "doel" in cell.metadata.get("tags", []) and cell.source.startswith("goal = ")
        ]
        assert firsts == [f'goal = report.goal("{goal.id}")' for goal in ambition.goals]


def test_the_verdicts_are_written_beside_the_indicator_table(published):
    settings, folder = published
    verdicts = pd.read_csv(folder / "oordelen.csv", dtype={"afspraak": str})
    report = Report.for_settings(settings, PERIOD, "Heemstede")
    assert verdicts["tekst"].tolist() == [
        report.goal(goal.id).verdict.text for goal in report.agreement.goals
    ]
    overview = _html(folder)["00_overzicht"]
    for kind in verdicts["oordeel"]:
        assert f'class="oordeel {kind}"' in overview


def test_the_combined_report_holds_every_report_with_links_inside_it(published):
    _, folder = published
    combined = _html(folder)[COMBINED]
    agreement = agreement_for("Heemstede", PERIOD)
    for ambition in agreement.ambitions:
        assert f'<section class="rapportdeel" id="{ambition.slug}">' in combined or (
            f'<section id="{ambition.slug}" class="rapportdeel">' in combined
        )
        for goal in ambition.goals:
            anchor = "doel-" + goal.id.replace(".", "-")
            assert combined.count(f'id="{anchor}"') == 1
            assert f'href="#{anchor}"' in combined
    assert ".html" not in "".join(re.findall(r'href="([^"]*)"', combined))
    assert combined.count("<head>") == 1 and combined.count("<main") == 1  # one document
    assert "<title>Prestatieafspraken Heemstede – tweede halfjaar 2025</title>" in combined
    figures = sum(_html(folder)[a.slug].count("<img") for a in agreement.ambitions)
    assert combined.count("<img") == figures


def test_every_goal_is_in_its_ambition_report_and_in_the_overview(published):
    _, folder = published
    html = _html(folder)
    for ambition in agreement_for("Heemstede", PERIOD).ambitions:
        report = html[ambition.slug]
        for goal in ambition.goals:
            anchor = "doel-" + goal.id.replace(".", "-")
            assert f'id="{anchor}"' in report or f"id='{anchor}'" in report
            assert f"{ambition.slug}.html#{anchor}" in html["00_overzicht"]
        assert report.count("<img") >= 2, ambition.slug  # the figures are there
        assert "Oordeel" in report and "Toelichting" in report


def test_reports_are_self_contained_without_code_or_parameters(published):
    _, folder = published
    for name, text in _html(folder).items():
        assert "<script" not in text.lower(), name
        for attribute in re.findall(r"(?:src|href)\s*=\s*[\"']([^\"']*)", text):
            assert not attribute.startswith(("http:", "https:", "//")), (name, attribute)
        assert "Report.load" not in text and "from bibanalyse" not in text, name
        assert "data_dir" not in text and "municipality" not in text, name
        assert len(text.encode("utf-8")) < MAX_HTML_BYTES, name
        assert '<html lang="nl"' in text, name


def test_reports_use_dutch_numbers_and_dates(published):
    _, folder = published
    overview = _html(folder)["00_overzicht"]
    assert "tweede halfjaar 2025" in overview
    assert "1 juli 2025" in overview and "31 december 2025" in overview
    assert re.search(r"\d\.\d{3}<", _html(folder)["4_literatuur_en_cultuur"])  # 12.345


def test_a_failing_notebook_publishes_nothing_of_its_period(published, tmp_path, capsys):
    settings, folder = published
    before = {p.name: p.read_bytes() for p in folder.iterdir()}
    notebooks = tmp_path / "notebooks"
    shutil.copytree(_notebooks(), notebooks)
    broken = notebooks / "ambitie.ipynb"
    node = nbformat.read(broken, as_version=4)
    failing = "if ambition == 3:\n    raise RuntimeError('kapotte cel')"
    node.cells.append(nbformat.v4.new_code_cell(failing))
    nbformat.write(node, broken)

    with pytest.raises(NotebookFailed, match=r"3_ontmoeting.ipynb failed: cell 12 .*kapotte cel"):
        run_period(settings, PERIOD, "Heemstede", notebooks_dir=notebooks)

    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before
    failed = folder.with_name("2025-H2.failed")
    assert (failed / "3_ontmoeting.ipynb").is_file()
    assert not [p for p in folder.parent.iterdir() if "staging" in p.name]


def test_cli_exit_code_1_names_the_notebook(published, tmp_path, monkeypatch, capsys):
    settings, _ = published
    root = tmp_path / "project"
    shutil.copytree(_notebooks(), root / "notebooks")
    broken = root / "notebooks" / "00_overzicht.ipynb"
    node = nbformat.read(broken, as_version=4)
    node.cells.append(nbformat.v4.new_code_cell("1 / 0"))
    nbformat.write(node, broken)
    (root / "bibanalyse.toml").touch()
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(root))
    code = main(
        [
            "run",
            "--period",
            "2025-H2",
            "--data-dir",
            str(settings.data_dir),
            "--reports-dir",
            str(tmp_path / "reports"),
        ]
    )
    assert code == 1
    error = capsys.readouterr().err
    assert "00_overzicht.ipynb failed" in error and "ZeroDivisionError" in error
    assert not (tmp_path / "reports" / "Heemstede" / "2025-H2").exists()


def test_what_a_kernel_writes_to_its_own_stderr_goes_to_the_log_not_the_terminal(
    published, tmp_path, capfd
):
    from bibanalyse.logs import start_log, stop_log
    from bibanalyse.runner import _execute_one

    settings, _ = published
    notebook = tmp_path / "kernel.ipynb"
    code = "import sys\nprint('kernel stderr marker', file=sys.__stderr__, flush=True)"
    nbformat.write(nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code)]), notebook)
    staging = tmp_path / "staging"
    staging.mkdir()
    log = start_log(replace(settings, logs_dir=tmp_path / "logs"), "run")
    try:
        _execute_one(ReportNotebook("kernel", notebook), staging, {}, settings)
    finally:
        stop_log(log)
    assert "kernel stderr marker" in log.read_text()
    assert "kernel stderr marker" not in capfd.readouterr().err


def test_a_period_without_data_is_a_clear_error(published, capsys):
    settings, _ = published
    with pytest.raises(ValueError, match="no data for Heemstede in 2021-H1"):
        run_period(settings, Period.parse("2021-H1"), "Heemstede", notebooks_dir=_notebooks())


def test_unknown_parameter_names_are_an_error(tmp_path, published):
    from bibanalyse.runner import check_parameters

    with pytest.raises(ValueError, match="unknown parameter periode"):
        check_parameters(_notebooks() / "00_overzicht.ipynb", {"periode": "2025-H1"})


def test_notebooks_are_committed_without_outputs_and_with_typed_parameters():
    import papermill

    expected = {"period": "str", "municipality": "str", "data_dir": "str"}
    for report in report_notebooks(_notebooks(), "Heemstede", PERIOD)[:2]:
        node = nbformat.read(report.source, as_version=4)
        code = [cell for cell in node.cells if cell.cell_type == "code"]
        assert all(not cell.outputs and cell.execution_count is None for cell in code)
        tagged = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
        assert len(tagged) == 1
        parameters = papermill.inspect_notebook(str(report.source))
        own = {"ambition": "int"} if report.parameters else {}
        assert {name: p["inferred_type_name"] for name, p in parameters.items()} == expected | own


def _notebook(*sources_and_tags):
    cells = []
    for source, tags in sources_and_tags:
        cell = nbformat.v4.new_code_cell(source)
        cell.metadata["tags"] = tags
        cells.append(cell)
    return nbformat.v4.new_notebook(cells=cells)


def test_goal_cells_are_repeated_for_every_goal_with_their_id():
    notebook = _notebook(
        ("report = 1", []),
        ("goal = ambition_report.goals[0]  # note\ngoal.summary", ["doel"]),
        ("show(*goal.figures)", ["doel"]),
        ("report.colophon", []),
    )
    expanded = with_goal_cells(notebook, ("3.1", "3.2"))
    assert [cell.source for cell in expanded.cells] == [
        "report = 1",
        'goal = report.goal("3.1")\ngoal.summary',
        "show(*goal.figures)",
        'goal = report.goal("3.2")\ngoal.summary',
        "show(*goal.figures)",
        "report.colophon",
    ]
    assert len({cell.id for cell in expanded.cells}) == 6
    assert len(notebook.cells) == 4  # the notebook given is not changed
    assert with_goal_cells(notebook, ()).cells == notebook.cells


@pytest.mark.parametrize(
    ("cells", "message"),
    [
        ((("goal.summary", []),), "one run of cells tagged 'doel'"),
        ((("a", ["doel"]), ("b", []), ("c", ["doel"])), "one run of cells tagged 'doel'"),
        ((("goal.summary", ["doel"]),), "must begin with 'goal = ...'"),
    ],
)
def test_goal_cells_must_be_one_run_beginning_with_the_goal(cells, message):
    with pytest.raises(ValueError, match=message):
        with_goal_cells(_notebook(*cells), ("1.1",))
