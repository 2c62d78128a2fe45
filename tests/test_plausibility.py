"""Plausible values: counts above their bound per row and event dates outside the years the
data can hold are rejected with the column, the value and the bound; the bounds are data."""

from __future__ import annotations

import datetime as dt
import re

import pandas as pd
import pytest

from bibanalyse.cleaning import clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.cli import main
from bibanalyse.config import PER_ROW_BOUNDS, load_settings
from bibanalyse.ingest import ingest
from bibanalyse.reading import read_raw
from bibanalyse.sources import SOURCES
from tests.conftest import write_raw

TODAY = dt.date(2026, 12, 3)
ACTIVITIES = (
    "Datum;Titel;Soort;Prestatieafspraak;Aantal deelnemers;Aantal klassen;Vestiging\n"
    "02-01-2025;Voorlezen;Voorlezen;1.2;12;;Heemstede\n"
    "03-01-2025;Voorlezen;Voorlezen;1.2;5000;;Heemstede\n"
    "04-01-2025;Voorlezen;Voorlezen;1.2;1000000000;;Heemstede\n"
    "05-01-2025;Klassenbezoek;Klassenbezoek;1.2;;51;Heemstede\n"
    "01-01-2099;Voorlezen;Voorlezen;1.2;12;;Heemstede\n"
    "31-12-1999;Voorlezen;Voorlezen;1.2;12;;Heemstede\n"
)


def _rejected(settings, source):
    path = settings.processed_dir / "rejected" / f"{source}.csv"
    return pd.read_csv(path).set_index("regel")["reden"].to_dict()


def test_implausible_activities_are_rejected_naming_column_value_and_bound(with_branches):
    write_raw(with_branches, "activiteiten", "a.csv", ACTIVITIES)
    (report,) = [r for r in ingest(with_branches, today=TODAY) if r.source == "activiteiten"]
    assert (report.rows_read, report.kept, report.rejected) == (6, 2, 4)
    assert _rejected(with_branches, "activiteiten") == {
        4: "Aantal deelnemers: 1000000000 is above the bound of 5000 per row "
        "(bounds.activiteiten.aantal_deelnemers)",
        5: "Aantal klassen: 51 is above the bound of 50 per row "
        "(bounds.activiteiten.aantal_klassen)",
        6: "Datum: 2099-01-01 is after the day of the ingest, 2026-12-03",
        7: "Datum: 1999-12-31 is before the earliest date, 2000-01-01 (bounds.earliest_date)",
    }
    kept = pd.read_parquet(with_branches.processed_dir / "activiteiten.parquet")
    assert kept["aantal_deelnemers"].tolist() == [12, 5000]  # the bound itself is plausible


def test_a_loan_in_the_future_is_rejected_one_on_the_day_of_the_ingest_kept(with_branches):
    write_raw(
        with_branches,
        "uitleenacties",
        "a.csv",
        "Datum,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
        "03-12-2026,1,Heemstede,E1,ROM,2100011112222\n"
        "04-12-2026,1,Heemstede,E2,ROM,2100011112222\n"
        "01-01-2099,1,Heemstede,E3,ROM,2100011112222\n",
    )
    ingest(with_branches, today=TODAY)
    loans = pd.read_parquet(with_branches.processed_dir / "uitleenacties.parquet")
    assert loans["exemplaarnummer"].tolist() == ["E1"]
    assert _rejected(with_branches, "uitleenacties") == {
        3: "Datum: 2026-12-04 is after the day of the ingest, 2026-12-03",
        4: "Datum: 2099-01-01 is after the day of the ingest, 2026-12-03",
    }


@pytest.mark.parametrize(
    ("source", "text", "reason"),
    [
        (
            "bezoekerstellingen",
            "Vestiging;Datum;Uur;Bezoekers;Bezette werkplekken;Beschikbare werkplekken\n"
            "Heemstede;02-01-2025;10;2001;;\nHeemstede;02-01-2025;11;20;500,5;501\n",
            {
                2: "Bezoekers: 2001 is above the bound of 2000 per row "
                "(bounds.bezoekerstellingen.bezoekers)",
                3: "Bezette werkplekken: 500.5 is above the bound of 500 per row "
                "(bounds.bezoekerstellingen.bezette_werkplekken); Beschikbare werkplekken: 501 "
                "is above the bound of 500 per row "
                "(bounds.bezoekerstellingen.beschikbare_werkplekken)",
            },
        ),
        (
            "digitaal",
            "Maand;Gemeente;Dienst;Gebruik\n2027-01;Heemstede;e-books;10\n"
            "2025-01;Heemstede;e-books;1000001\n",
            {
                2: "Maand: 2027-01-01 is after the day of the ingest, 2026-12-03",
                3: "Gebruik: 1000001 is above the bound of 1000000 per row "
                "(bounds.digitaal.gebruik)",
            },
        ),
        (
            "communicatie",
            "Datum;Vestiging;Kanaal;Bereik\n02-01-2025;Heemstede;website;10000001\n",
            {
                2: "Bereik: 10000001 is above the bound of 10000000 per row "
                "(bounds.communicatie.bereik)"
            },
        ),
        (
            "ido",
            "Datum;Vestiging;Onderwerp\n15-06-1999;Heemstede;DigiD\n",
            {2: "Datum: 1999-06-15 is before the earliest date, 2000-01-01 (bounds.earliest_date)"},
        ),
        (
            "bevolking",
            "Jaar;Gemeente;Leeftijd;Aantal\n2025;Heemstede;0-3;10000001\n",
            {
                2: "Aantal: 10000001 is above the bound of 10000000 per row "
                "(bounds.bevolking.aantal)"
            },
        ),
    ],
)
def test_every_bound_of_the_contract_is_checked(tmp_path, source, text, reason):
    path = tmp_path / f"{source}.csv"
    path.write_text(text, encoding="utf-8")
    context = Context({"heemstede": "Heemstede"}, {"heemstede": "Heemstede"}, b"k", today=TODAY)
    cleaned = clean_file(read_raw(path, SOURCES[source]), SOURCES[source], context, path.name)
    assert dict(zip(cleaned.rejected["regel"], cleaned.rejected["reden"], strict=True)) == reason


def test_the_bounds_are_the_contracts_defaults_and_every_one_is_a_count():
    assert {
        (source, column): bound
        for source, columns in PER_ROW_BOUNDS.items()
        for column, bound in columns.items()
    } == {
        ("activiteiten", "aantal_deelnemers"): 5_000,
        ("activiteiten", "aantal_klassen"): 50,
        ("bezoekerstellingen", "bezoekers"): 2_000,
        ("bezoekerstellingen", "bezette_werkplekken"): 500,
        ("bezoekerstellingen", "beschikbare_werkplekken"): 500,
        ("communicatie", "bereik"): 10_000_000,
        ("digitaal", "gebruik"): 1_000_000,
        ("bevolking", "aantal"): 10_000_000,
    }
    kinds = {(s, c.name): c.kind for s in PER_ROW_BOUNDS for c in SOURCES[s].columns}
    assert {kinds[s, c] for s in PER_ROW_BOUNDS for c in PER_ROW_BOUNDS[s]} <= {"count", "number"}


def test_an_organisation_sets_its_own_bounds_in_the_settings(with_branches):
    settings_file = with_branches.root / "bibanalyse.toml"
    settings_file.write_text(
        "[bounds]\nearliest_date = 2025-01-03\nactiviteiten.aantal_deelnemers = 20\n"
    )
    settings = load_settings()
    assert settings.bounds.per_row["activiteiten"]["aantal_deelnemers"] == 20
    assert settings.bounds.per_row["activiteiten"]["aantal_klassen"] == 50  # the default
    write_raw(settings, "activiteiten", "a.csv", ACTIVITIES)
    ingest(settings, today=TODAY)
    reasons = _rejected(settings, "activiteiten")
    assert reasons[2] == "Datum: 2025-01-02 is before the earliest date, 2025-01-03 " + (
        "(bounds.earliest_date)"
    )
    assert reasons[3] == (
        "Aantal deelnemers: 5000 is above the bound of 20 per row "
        "(bounds.activiteiten.aantal_deelnemers)"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (
            "[bounds]\nactiviteiten.deelnemers = 5\n",
            "activiteiten has no count column 'deelnemers'",
        ),
        ("[bounds]\nboeken.aantal = 5\n", r"\[bounds\] has no 'boeken'"),
        ("[bounds]\nbevolking.aantal = -1\n", "bounds.bevolking.aantal must be a whole number"),
        ("[bounds]\nearliest_date = 2000\n", "earliest_date must be a date"),
        ("[limits]\nfield_bytes = 0\n", "limits.field_bytes must be a whole number above 0"),
        ("[limits]\nrows = 5\n", r"\[limits\] has no rows"),
    ],
)
def test_a_bound_that_is_no_bound_is_refused_naming_it(settings, text, message, capsys):
    (settings.root / "bibanalyse.toml").write_text(text)
    with pytest.raises(ValueError, match=message):
        load_settings()
    assert main(["ingest"]) == 2
    assert "bibanalyse.toml" in capsys.readouterr().err


def test_the_docs_list_every_default_bound_and_limit():
    from pathlib import Path

    from bibanalyse.config import EARLIEST_DATE, FileLimits

    text = (Path(__file__).resolve().parents[1] / "docs" / "plausibility.md").read_text()
    rows = re.findall(r"^\| `(\w+)` \| `(\w+)` \| [^|]+ \| (\d+) \|$", text, re.MULTILINE)
    listed = {(source, column): int(bound) for source, column, bound in rows}
    defaults = {
        (s, c): bound for s, columns in PER_ROW_BOUNDS.items() for c, bound in columns.items()
    }
    assert listed == defaults
    limits = dict(re.findall(r"^\| `limits\.(\w+)` \| (\d+)", text, re.MULTILINE))
    assert {name: int(value) for name, value in limits.items()} == vars(FileLimits())
    assert f"earliest date (default\n{EARLIEST_DATE.isoformat()})" in text
