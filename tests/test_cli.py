"""The command line: finding the project, periods of a run, README and --help, indicators
as CSV, exit codes."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd
import pytest

from bibanalyse.agreements import agreement_for
from bibanalyse.cli import main
from bibanalyse.ingest import ingest
from tests.conftest import write_raw


def _ingested(settings):
    write_raw(
        settings,
        "uitleenacties",
        "a.csv",
        "Datum,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
        "2025-01-02,1,Heemstede,E1,JROM,2100011112222\n"
        "2025-06-30,1,Heemstede,E2,ROM,2100011112222\n"
        "2025-06-30,3,Heemstede,E2,ROM,2100011112222\n"
        "2025-07-01,1,Heemstede,E3,ROM,2100033334444\n"
        "2025-03-01,1,Haarlem Centrum,E9,ROM,2100033334444\n",
    )
    ingest(settings)
    return settings


def test_indicators_writes_a_row_for_every_goal(with_branches, tmp_path):
    _ingested(with_branches)
    out = tmp_path / "indicatoren.csv"
    assert main(["indicators", "--period", "2025-H1", "--out", str(out)]) == 0
    table = pd.read_csv(out, dtype={"afspraak": str})
    assert list(table.columns[:4]) == ["periode", "afspraak", "indicator", "waarde"]
    goals = [goal.id for goal in agreement_for("Heemstede", "2025-H1").goals]
    assert sorted(set(table["afspraak"])) == sorted(goals)
    assert set(table["periode"]) == {"2025-H1"}


def test_indicators_counts_loans_of_the_municipality_only(with_branches, capsys):
    _ingested(with_branches)
    assert main(["indicators", "--period", "2025-H1"]) == 0
    table = pd.read_csv(pd.io.common.StringIO(capsys.readouterr().out), dtype={"afspraak": str})
    loans = table[table["indicator"] == "uitleningen"]
    assert loans["waarde"].tolist() == [2]  # not the renewal, not July, not Haarlem
    assert table.loc[table["indicator"] == "actieve_leners", "waarde"].tolist() == [1]


def test_bad_period_exits_2(with_branches, capsys):
    assert main(["indicators", "--period", "2025-H3"]) == 2
    assert "'2025-H3' is not a period" in capsys.readouterr().err


def test_unknown_municipality_exits_2(with_branches, capsys):
    _ingested(with_branches)
    assert main(["indicators", "--period", "2025-H1", "--municipality", "Lisse"]) == 2
    assert "Lisse" in capsys.readouterr().err


# --- finding the project -------------------------------------------------------------------

COMMANDS_WITH_ARGUMENTS = {
    "demo": [],
    "ingest": [],
    "indicators": ["--period", "2025-H1"],
    "run": ["--period", "2025-H1"],
    "mail": ["--to", "cultuur@heemstede.nl", "--eml", "bericht.eml"],
    "init-key": [],
}


@pytest.fixture
def outside(tmp_path, monkeypatch):
    """A working folder outside any project, with no project named in the environment."""
    folder = tmp_path / "elders"
    folder.mkdir()
    monkeypatch.chdir(folder)
    for variable in ("BIBANALYSE_PROJECT", "BIBANALYSE_HOME"):
        monkeypatch.delenv(variable, raising=False)
    return folder


@pytest.mark.parametrize("command", sorted(COMMANDS_WITH_ARGUMENTS))
def test_outside_a_project_every_command_says_how_to_name_one(command, outside, capsys):
    assert main([command, *COMMANDS_WITH_ARGUMENTS[command]]) == 2
    error = capsys.readouterr().err
    assert error.startswith(f"bibanalyse {command}: error: no bibanalyse.toml found in {outside}")
    assert "--project DIR" in error and "BIBANALYSE_PROJECT" in error
    assert list(outside.iterdir()) == []  # nothing written where the command was started


def test_a_project_named_by_option_or_environment_works_from_outside(
    with_branches, outside, monkeypatch, capsys
):
    _ingested(with_branches)
    root = str(with_branches.root)
    assert main(["indicators", "--project", root, "--period", "2025-H1"]) == 0
    by_option = capsys.readouterr().out
    monkeypatch.setenv("BIBANALYSE_PROJECT", root)
    assert main(["indicators", "--period", "2025-H1"]) == 0
    assert capsys.readouterr().out == by_option
    assert "uitleningen" in by_option


def test_a_named_folder_without_settings_is_refused(outside, capsys):
    assert main(["init-key", "--project", str(outside)]) == 2
    assert f"project folder {outside} (from --project): no bibanalyse.toml in it" in (
        capsys.readouterr().err
    )


# --- periods of a run --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        (["--period", "2025-H1", "2025-H2"], ["2025-H1", "2025-H2"]),
        (["--period", "2025-H1", "--period", "2025-H2"], ["2025-H1", "2025-H2"]),
        (["--period", "2024-H1..2025-H2"], ["2024-H1", "2024-H2", "2025-H1", "2025-H2"]),
        (["--period", "2023..2024", "2024"], ["2023", "2024"]),
    ],
)
def test_run_takes_several_periods_and_ranges(words, expected, settings, monkeypatch, capsys):
    ran = []

    def run_period(settings, period, municipality, *, notebooks_dir):
        ran.append(str(period))
        return settings.reports_dir / municipality / str(period)

    monkeypatch.setattr("bibanalyse.runner.run_period", run_period)
    assert main(["run", *words]) == 0
    assert ran == expected
    published = [line for line in capsys.readouterr().out.splitlines() if "published" in line]
    assert len(published) == len(expected)


def test_run_refuses_a_backward_range_before_running_anything(settings, monkeypatch, capsys):
    monkeypatch.setattr(
        "bibanalyse.runner.run_period", lambda *args, **kwargs: pytest.fail("a period ran")
    )
    assert main(["run", "--period", "2025-H2..2024-H1"]) == 2
    assert "'2025-H2..2024-H1' is not a range: 2025-H2 comes after 2024-H1" in (
        capsys.readouterr().err
    )


# --- README and --help ---------------------------------------------------------------------


def _help(argv: list[str], capsys) -> str:
    with pytest.raises(SystemExit) as done:
        main(argv)
    assert done.value.code == 0
    return capsys.readouterr().out


def _readme_commands() -> dict[str, str]:
    """README's command list: the first code block under ``## Commands``, by command."""
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Commands\n", 1)[1]
    block = section.split("```\n", 2)[1]
    return {line.split()[1]: line for line in block.splitlines() if line.startswith("bibanalyse ")}


def test_readme_lists_every_command_with_the_options_its_help_shows(capsys, monkeypatch):
    monkeypatch.setenv("COLUMNS", "80")  # argparse wraps its usage; compared without wrapping
    top = _help(["--help"], capsys)
    commands = re.findall(r"^    ([a-z][a-z-]*)\b", top.split("\ncommands:\n", 1)[1], re.M)
    listed = _readme_commands()
    assert sorted(listed) == sorted(commands)
    assert "mail" in listed
    for command in commands:
        usage = _help([command, "--help"], capsys).split("\n\n", 1)[0]
        usage = " ".join(usage.split()).removeprefix("usage: ")
        # every command takes --project DIR: README says so once, below the list
        usage = usage.replace(" [-h]", "").replace(" [--project DIR]", "")
        assert listed[command] == usage, f"README's {command!r} differs from its --help"
