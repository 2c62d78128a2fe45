"""The command line: indicators as CSV, exit codes."""

from __future__ import annotations

import pandas as pd

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
