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
from bibanalyse.runner import NotebookFailed, report_notebooks, run_period

pytestmark = pytest.mark.slow

PERIOD = Period.parse("2025-H2")


@pytest.fixture(scope="module")
def published(demo_data, tmp_path_factory):
    settings = demo_data.with_reports_dir(tmp_path_factory.mktemp("reports"))
    folder = run_period(settings, PERIOD, "Heemstede", notebooks_dir=_notebooks())
    return settings, folder


def _notebooks() -> Path:
    return Path(__file__).resolve().parents[1] / "notebooks"


def _html(folder):
    return {path.stem: path.read_text(encoding="utf-8") for path in folder.glob("*.html")}


def test_publishes_overview_ambitions_table_notebooks_and_manifest(published):
    _, folder = published
    agreement = agreement_for("Heemstede", PERIOD)
    stems = {"00_overzicht"} | {ambition.slug for ambition in agreement.ambitions}
    assert {p.stem for p in folder.glob("*.html")} == stems
    assert {p.stem for p in folder.glob("*.ipynb")} == stems
    table = pd.read_csv(folder / "indicatoren.csv", dtype={"afspraak": str})
    assert set(table["periode"]) == {"2025-H2"}
    manifest = json.loads((folder / "manifest.json").read_text())
    assert manifest["parameters"]["period"] == "2025-H2"
    assert {entry["path"] for entry in manifest["inputs"]} >= {"processed/uitleenacties.parquet"}
    assert all(len(entry["sha256"]) == 64 for entry in manifest["inputs"])
    assert len(manifest["notebooks"]) == len(stems)


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
    broken = notebooks / "3_ontmoeting.ipynb"
    node = nbformat.read(broken, as_version=4)
    node.cells.append(nbformat.v4.new_code_cell("raise RuntimeError('kapotte cel')"))
    nbformat.write(node, broken)

    with pytest.raises(NotebookFailed, match=r"3_ontmoeting.ipynb failed: cell 5 .*kapotte cel"):
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
    monkeypatch.setenv("BIBANALYSE_HOME", str(root))
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
        _execute_one(notebook, staging, {}, settings)
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

    for path in report_notebooks(_notebooks(), "Heemstede", PERIOD):
        node = nbformat.read(path, as_version=4)
        code = [cell for cell in node.cells if cell.cell_type == "code"]
        assert all(not cell.outputs and cell.execution_count is None for cell in code)
        tagged = [cell for cell in code if "parameters" in cell.metadata.get("tags", [])]
        assert len(tagged) == 1
        parameters = papermill.inspect_notebook(str(path))
        assert {name: p["inferred_type_name"] for name, p in parameters.items()} == {
            "period": "str",
            "municipality": "str",
            "data_dir": "str",
        }
