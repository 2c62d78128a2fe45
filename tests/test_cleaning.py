"""Cleaning one file: rejected rows with their reasons, kept rows typed and checked."""

from __future__ import annotations

import pandas as pd

from bibanalyse.cleaning import clean_file
from bibanalyse.cleaning.columns import Context
from bibanalyse.reading import read_raw
from bibanalyse.sources import SOURCES

CONTEXT = Context({"heemstede": "Heemstede"}, {"heemstede": "Heemstede"}, b"key")


def clean(tmp_path, source, text):
    path = tmp_path / f"{source}.csv"
    path.write_text(text, encoding="utf-8")
    return clean_file(read_raw(path, SOURCES[source]), SOURCES[source], CONTEXT, path.name)


def test_each_kind_of_wrong_row_is_rejected_with_its_reason(tmp_path):
    cleaned = clean(
        tmp_path,
        "uitleenacties",
        "Datum,Tijd,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
        "05-03-2024,14:05,1,Heemstede,E1,JROM,2100011112222\n"
        "31-02-2024,14:05,1,Heemstede,E1,JROM,2100011112222\n"
        "05-03-2024,14:05,7,Heemstede,E1,JROM,2100011112222\n"
        "05-03-2024,14:05,1,Bennebroek,E1,JROM,2100011112222\n"
        "05-03-2024,14:05,1,Heemstede,,JROM,2100011112222\n",
    )
    assert len(cleaned.kept) == 1 and cleaned.rows_read == 5
    reasons = dict(zip(cleaned.rejected["regel"], cleaned.rejected["reden"], strict=True))
    assert reasons == {
        3: "Datum: not a date (use dd-mm-jjjj or jjjj-mm-dd) ('31-02-2024')",
        4: "Actie: unknown action code (expected 1, 2, 3 or their names) ('7')",
        5: "Vestiging: unknown branch (not in vestigingen) ('Bennebroek')",
        6: "Exemplaarnummer: missing",
    }


def test_a_row_with_several_problems_gives_each_once_in_column_order(tmp_path):
    cleaned = clean(
        tmp_path,
        "uitleenacties",
        "Datum,Tijd,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
        "05-03-2024,14:05,1,Heemstede,E1,JROM,2100011112222\n"
        "31-02-2024,25:00,7,Heemstede,,JROM,2100011112222\n",
    )
    assert cleaned.rejected["reden"].tolist() == [
        "Datum: not a date (use dd-mm-jjjj or jjjj-mm-dd) ('31-02-2024'); "
        "Tijd: not a time of day (use uu:mm) ('25:00'); "
        "Actie: unknown action code (expected 1, 2, 3 or their names) ('7'); "
        "Exemplaarnummer: missing"
    ]


def test_kept_loans_are_typed_with_moment_youth_flag_and_pseudonym(tmp_path):
    cleaned = clean(
        tmp_path,
        "uitleenacties",
        "Datum,Tijd,Actie,Bron,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
        "30-06-2024,23:59,uitlening,S,Heemstede,E1,JROM,2100011112222\n"
        "01-07-2024,,3,I,Heemstede,E2,ROM,2100011112222\n",
    )
    kept = cleaned.kept
    assert kept["moment"].tolist() == [
        pd.Timestamp("2024-06-30 23:59"),
        pd.Timestamp("2024-07-01 00:00"),
    ]
    assert kept["actie"].tolist() == ["uitlening", "verlenging"]
    assert kept["bron"].tolist() == ["selfservice", "internet"]
    assert kept["jeugd"].tolist() == [True, False]
    assert kept["lener"].nunique() == 1 and "2100011112222" not in kept["lener"].tolist()


def test_negative_count_and_out_of_range_hour_are_rejected(tmp_path):
    cleaned = clean(
        tmp_path,
        "bezoekerstellingen",
        "Vestiging;Datum;Uur;Bezoekers;Bezette werkplekken;Beschikbare werkplekken\n"
        "Heemstede;05-03-2024;10;40;12;50\n"
        "Heemstede;05-03-2024;11;-1;12;50\n"
        "Heemstede;05-03-2024;24;40;12;50\n"
        "Heemstede;05-03-2024;12;40;60;50\n",
    )
    assert cleaned.kept["bezoekers"].tolist() == [40]
    assert cleaned.kept["uur"].dtype == "int64"
    assert cleaned.rejected["reden"].tolist() == [
        "bezoekers: -1 is negative",
        "uur: 24 is out of range",
        "more Bezette werkplekken than Beschikbare werkplekken",
    ]


def test_rejected_subscription_rows_hold_no_personal_data(tmp_path):
    cleaned = clean(
        tmp_path,
        "abonnementen",
        "Lenersnummer,Geboortedatum,Postcode,Vestiging,Abonnement,Ingangsdatum,Einddatum\n"
        "2100011112222,14-07-2012,2101 AB,Heemstede,Jeugd,01-01-2020,31-12-2019\n"
        "2100033334444,31-02-1980,2102 CD,Heemstede,Basis,01-01-2020,\n",
    )
    rejected = cleaned.rejected
    assert rejected["reden"].tolist() == [
        "Einddatum before Ingangsdatum",
        "Geboortedatum: not a date",
    ]
    text = rejected.to_csv()
    for personal in ("2100011112222", "2100033334444", "14-07-2012", "31-02-1980", "2101 AB"):
        assert personal not in text
    assert rejected["geboortejaar"].tolist()[0] == "2012"
    assert rejected["postcode4"].tolist() == ["2101", "2102"]


def test_activity_goals_and_counts(tmp_path):
    cleaned = clean(
        tmp_path,
        "activiteiten",
        "Datum;Titel;Soort;Prestatieafspraak;Partners;Aantal deelnemers;Aantal klassen;Vestiging\n"
        '05-03-2024;Voorlezen;Voorlezen;3.2, 1.2;"WIJ; Bieb ";12;;Heemstede\n'
        "06-03-2024;Klas;Klassenbezoek;1.2;;;2;Heemstede\n"
        "07-03-2024;Taalsoos;Taalsoos;1.4;;-5;;Heemstede\n",
    )
    assert cleaned.kept["prestatieafspraken"].tolist() == ["1.2;3.2", "1.2"]
    assert cleaned.kept["partners"].tolist()[0] == "WIJ;Bieb"
    assert cleaned.kept["aantal_klassen"].tolist()[1] == 2
    assert cleaned.rejected["reden"].tolist() == ["aantal_deelnemers: -5 is negative"]
