"""No CSV the project writes holds a text cell a spreadsheet would run as a formula."""

from __future__ import annotations

import csv
import io

import pandas as pd
import pytest

from bibanalyse.csvwriter import csv_text, neutralise_formulas, write_csv
from bibanalyse.files import WriteError
from bibanalyse.indicators.table import indicator_csv
from bibanalyse.ingest import ingest
from tests.conftest import write_raw

HOSTILE = ['=HYPERLINK("http://example.org/x","klik")', "@SUM(1+1)", "+1+2", "-2+3", "\t=1", "\r=1"]


def _cells(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text, newline="")))


@pytest.mark.parametrize("value", HOSTILE)
def test_a_text_that_begins_a_formula_gets_a_leading_quote(value):
    frame = pd.DataFrame({"titel": [value]})
    assert _cells(csv_text(frame))[1] == ["'" + value.replace("\r", "\n")]


def test_a_carriage_return_within_a_text_keeps_its_row_together():
    frame = pd.DataFrame({"titel": ["a\rb", "c\r\nd"], "n": [1, 2]})
    assert _cells(csv_text(frame)) == [["titel", "n"], ["a\nb", "1"], ["c\nd", "2"]]


@pytest.mark.parametrize("value", ["-5", "-1,5", "-1.234,5", "+3", "12", "1e5", "a=b", " =1"])
def test_numbers_written_as_text_and_other_texts_stay_as_they_are(value):
    frame = pd.DataFrame({"waarde": [value]})
    assert _cells(csv_text(frame))[1] == [value]


def test_number_columns_negative_ones_too_stay_numbers():
    frame = pd.DataFrame({"n": [-1.5, 2.0], "i": pd.array([-3, None], dtype="Int64")})
    assert csv_text(frame) == "n,i\n-1.5,-3\n2.0,\n"


def test_categorical_text_and_column_names_are_neutralised_too():
    frame = pd.DataFrame({"=naam": pd.Categorical(["=1+2", "ok", "=1+2"])})
    assert _cells(csv_text(frame)) == [["'=naam"], ["'=1+2"], ["ok"], ["'=1+2"]]


def test_the_frame_given_is_not_changed():
    frame = pd.DataFrame({"t": ["=1"]})
    neutralise_formulas(frame)
    assert frame["t"].tolist() == ["=1"]


def test_the_indicator_table_is_written_through_it():
    table = pd.DataFrame(
        {"periode": ["2025-H2"], "gebied": ["=cmd|'/c calc'!A1"], "waarde": [-2.0]}
    )
    assert indicator_csv(table) == "periode,gebied,waarde\n2025-H2,'=cmd|'/c calc'!A1,-2\n"


def test_a_failing_write_names_the_file(tmp_path):
    missing = tmp_path / "no such folder" / "x.csv"
    with pytest.raises(WriteError, match="cannot write .*no such folder/x.csv"):
        write_csv(pd.DataFrame({"a": [1]}), missing)


def test_rejected_rows_and_the_ingest_report_are_neutralised(with_branches):
    loans = "Datum,Actie,Vestiging,Exemplaarnummer,Titelnummer,Plaatsing,Lenersnummer\n" + "".join(
        f'2025-01-02,1,Nergens,E{n},"{title}",ROM,2100011112222\n'
        for n, title in enumerate(['=HYPERLINK(""http://example.org/x"",""klik"")', "@SUM(1+1)"])
    )
    write_raw(with_branches, "uitleenacties", "export.csv", loans)
    write_raw(
        with_branches, "ido", "ido.csv", "Datum;Vestiging;Onderwerp\n2-1-2025;Heemstede;+1+2\n"
    )
    ingest(with_branches)
    rejected = _cells((with_branches.processed_dir / "rejected" / "uitleenacties.csv").read_text())
    titles = [row[rejected[0].index("titelnummer")] for row in rejected[1:]]
    assert titles == ['\'=HYPERLINK("http://example.org/x","klik")', "'@SUM(1+1)"]
    # processed data holds the topic as typed; what writes it to a CSV neutralises it
    topics = pd.read_parquet(with_branches.processed_dir / "ido.parquet")["onderwerp"]
    assert topics.tolist() == ["+1+2"]
