"""Reading raw exports: formats, headers, blank lines and what cannot be read."""

from __future__ import annotations

import datetime as dt

import openpyxl
import pandas as pd
import pyarrow as pa
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bibanalyse import reading
from bibanalyse.reading import UnreadableFileError, read_raw
from bibanalyse.sources import SOURCES

BRANCHES = SOURCES["vestigingen"]
LOANS = SOURCES["uitleenacties"]


def test_reads_semicolon_windows_1252_with_title_line_and_blank_lines(tmp_path):
    path = tmp_path / "ido.csv"
    text = "Export IDO-vragen\n\nDatum;Vestiging;Onderwerp\n01-02-2024;Heemstede;Café\n\n"
    path.write_bytes(text.encode("cp1252"))
    raw = read_raw(path, SOURCES["ido"])
    assert raw.frame.to_dict("records") == [
        {"datum": "01-02-2024", "vestiging": "Heemstede", "onderwerp": "Café"}
    ]
    assert list(raw.lines) == [4]


def test_reads_utf8_bom_and_header_spelling(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes("\ufeff VESTIGING ,gemeénte\r\nHeemstede,Heemstede\r\n".encode())
    raw = read_raw(path, BRANCHES)
    assert list(raw.frame.columns) == ["vestiging", "gemeente"]
    assert raw.frame.iloc[0].tolist() == ["Heemstede", "Heemstede"]


def test_reads_tab_delimited_with_trailing_empty_columns(tmp_path):
    path = tmp_path / "v.tsv"
    path.write_text("Vestiging\tGemeente\t\t\nHillegom\tHillegom\t\t\n")
    raw = read_raw(path, BRANCHES)
    assert raw.frame.to_dict("records") == [{"vestiging": "Hillegom", "gemeente": "Hillegom"}]


def test_unlisted_columns_are_ignored_and_values_trimmed(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Vestiging,Opmerking,Gemeente\n  Zandvoort ,x, Zandvoort\n")
    raw = read_raw(path, BRANCHES)
    assert raw.frame.to_dict("records") == [{"vestiging": "Zandvoort", "gemeente": "Zandvoort"}]


def test_texts_alike_but_for_spaces_are_one_value_and_blanks_are_missing(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text("Vestiging;Gemeente\n Heemstede;X\nHeemstede ;  \nHeemstede;Y\n")
    column = read_raw(path, BRANCHES).frame["gemeente"], read_raw(path, BRANCHES).frame["vestiging"]
    assert column[0].isna().tolist() == [False, True, False]
    assert column[1].tolist() == ["Heemstede"] * 3
    assert list(column[1].cat.categories) == ["Heemstede"]


@settings(max_examples=200, deadline=None)
@given(
    st.lists(
        st.one_of(
            st.none(),
            st.integers(0, 10**19).map(str),  # 10**19 and above do not fit 64 bits
            st.integers(10, 99).map(str),  # two digits, with the four texts below
            st.sampled_from(["0", "00", "007", "-3", "+3", " 12", "12 ", "1e3", "1.5", "E1"]),
            st.sampled_from(["034", "+34", "-34", " 34"]),
        ),
        min_size=1,
        max_size=30,
    )
)
def test_identifiers_read_as_the_same_texts_whether_numbers_or_not(texts):
    column = pa.chunked_array([pa.array(texts, pa.large_string())])
    values, oversized = reading._as_categorical(column, field_bytes=64)
    assert oversized is None
    expected = [None if t is None or not t.strip() else t.strip() for t in texts]
    assert [None if pd.isna(v) else v for v in values] == expected
    assert len(values.categories) == len(set(expected) - {None})  # each text once


def test_identifiers_that_are_numbers_are_encoded_by_number():
    column = pa.chunked_array([["31141566438789", None, "7", "31141566438789"]])
    codes, texts = reading._numbers_encoded(column)
    assert codes.tolist() == [0, -1, 1, 0] and texts.to_pylist() == ["31141566438789", "7"]
    assert reading._numbers_encoded(pa.chunked_array([["12", "012"]])) is None
    for texts in (["12", "034"], ["+12", "34"], ["12", "34", None, "034"]):  # as many digits
        assert reading._numbers_encoded(pa.chunked_array([texts])) is None


def test_a_file_parsed_in_many_blocks_reads_as_one(tmp_path, monkeypatch):
    monkeypatch.setattr(reading, "CSV_BLOCK_SIZE", 64)  # a line or two per block
    branches = ["Bennebroek", "Aerdenhout", "Heemstede", "Zandvoort"]
    rows = [(f"0{n % 7 + 1}-07-2024", branches[(n * 3) % 4] if n % 5 else "") for n in range(40)]
    header = "Datum;Actie;Vestiging;Exemplaarnummer;Plaatsing;Lenersnummer\n"
    path = tmp_path / "loans.csv"
    path.write_text(header + "".join(f"{day};1;{branch};E1;ROM;21\n" for day, branch in rows))
    frame = read_raw(path, LOANS).frame
    assert frame["datum"].tolist() == [day for day, _ in rows]
    assert frame["vestiging"].astype("str").fillna("").tolist() == [b for _, b in rows]


@pytest.mark.parametrize("line_block", [None, 3])  # 3: a line's end in another block
def test_line_numbers_account_for_blank_delimiter_only_and_malformed_lines(
    tmp_path, monkeypatch, line_block
):
    if line_block:
        monkeypatch.setattr(reading, "_LINE_BLOCK", line_block)
    path = tmp_path / "v.csv"
    path.write_text("Vestiging;Gemeente\nA;X\n\n;\nB;Y;extra\n   \nC;Z\n")
    raw = read_raw(path, BRANCHES)
    assert raw.frame["vestiging"].tolist() == ["A", "C"]
    assert list(raw.lines) == [2, 7]
    assert raw.malformed.to_dict("records") == [{"line": 5, "text": "B;Y;extra"}]
    assert raw.blank_lines == 2  # ";" and "   "; the empty line is no row at all
    assert raw.rows_read == 3


@pytest.mark.parametrize("end", ["", "\n", "\r\n"])
def test_an_export_of_only_its_header_has_no_rows(tmp_path, end):
    path = tmp_path / "loans.csv"
    path.write_text("Datum;Actie;Vestiging;Exemplaarnummer;Plaatsing;Lenersnummer" + end)
    raw = read_raw(path, LOANS)
    assert raw.rows_read == 0 and raw.blank_lines == 0
    assert {"datum", "vestiging", "lener"} <= set(raw.frame.columns)


def test_quoted_values_keep_their_delimiters(tmp_path):
    path = tmp_path / "v.csv"
    path.write_text('Vestiging,Gemeente\n"Haarlem, Noord",Haarlem\n')
    assert read_raw(path, BRANCHES).frame["vestiging"].tolist() == ["Haarlem, Noord"]


def test_excel_with_title_row_and_dates(tmp_path):
    path = tmp_path / "activiteiten.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["Activiteitenregistratie 2024"])
    sheet.append([])
    sheet.append(["Datum", "Titel", "Soort", "Prestatieafspraak", "Vestiging", "Aantal klassen"])
    sheet.append([dt.datetime(2024, 3, 5), "Voorlezen", "Voorlezen", 1.2, "Heemstede", 2.0])
    sheet.append([])
    sheet.append([dt.datetime(2024, 3, 6), "Taalsoos", "Taalsoos", "1.4", "Heemstede", None])
    workbook.save(path)
    raw = read_raw(path, SOURCES["activiteiten"])
    assert raw.frame.iloc[0][["datum", "prestatieafspraken", "aantal_klassen"]].tolist() == [
        "2024-03-05",
        "1.2",
        "2",
    ]
    assert list(raw.lines) == [4, 6]


def test_excel_cells_read_as_the_text_an_export_holds(tmp_path):
    path = tmp_path / "uitleenacties.xlsx"
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    headers = ["Datum", "Tijd", "Actie", "Vestiging", "Exemplaarnummer", "Plaatsing"]
    sheet.append([*headers, "Lenersnummer"])
    sheet.append([dt.datetime(2024, 3, 5, 14, 15), dt.time(9, 30), 1.0, "Heemstede", 31.5, "AP", 7])
    sheet.append([dt.date(2024, 3, 6), "", 2, " Heemstede ", 31146582275660, "  ", 8])
    workbook.save(path)
    frame = read_raw(path, LOANS).frame
    columns = ["datum", "tijd", "actie", "vestiging", "exemplaarnummer", "plaatsing"]
    assert frame[columns].astype(object).where(frame[columns].notna(), None).values.tolist() == [
        ["2024-03-05 14:15:00", "09:30:00", "1", "Heemstede", "31.5", "AP"],
        ["2024-03-06", None, "2", "Heemstede", "31146582275660", None],
    ]


def test_missing_required_column_names_file_and_column(tmp_path):
    path = tmp_path / "loans.csv"
    path.write_text("Datum,Actie,Vestiging,Exemplaarnummer,Lenersnummer\n")
    with pytest.raises(UnreadableFileError, match=r"loans\.csv: required column 'Plaatsing'"):
        read_raw(path, LOANS)


def test_undecodable_file_names_the_line(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"Vestiging,Gemeente\nA,B\n\x81\x8d,C\n")
    with pytest.raises(UnreadableFileError, match=r"v\.csv: line 3: cannot decode"):
        read_raw(path, BRANCHES)


def test_binary_file_is_not_a_table(tmp_path):
    path = tmp_path / "v.csv"
    path.write_bytes(b"PK\x03\x04\x00\x00binary")
    with pytest.raises(UnreadableFileError, match="not a table"):
        read_raw(path, BRANCHES)


def test_other_suffix_is_not_a_table(tmp_path):
    path = tmp_path / "v.pdf"
    path.write_text("Vestiging,Gemeente\n")
    with pytest.raises(UnreadableFileError, match=r"v\.pdf: not a table"):
        read_raw(path, BRANCHES)


def test_broken_workbook_is_reported(tmp_path):
    path = tmp_path / "v.xlsx"
    path.write_text("not a workbook")
    with pytest.raises(UnreadableFileError, match=r"v\.xlsx: not a readable Excel workbook"):
        read_raw(path, BRANCHES)


def test_columns_read_as_text_are_encoded_first_and_kept_in_the_files_order(tmp_path, monkeypatch):
    path = tmp_path / "loans.csv"
    path.write_text(
        "Datum;Actie;Vestiging;Exemplaarnummer;Plaatsing;Lenersnummer\n"
        "01-07-2024;1;Heemstede;3114;ROM;2114\n"
    )
    given = []

    def in_order(function, columns):
        columns = list(columns)
        given.extend(pa.types.is_dictionary(column.type) for column in columns)
        return [function(column) for column in columns]

    monkeypatch.setattr(reading, "in_parallel", in_order)
    raw = read_raw(path, LOANS)
    assert given == [False, False, True, True, True, True]  # the numbers, then the others
    assert list(raw.frame.columns) == [
        "datum",
        "actie",
        "vestiging",
        "exemplaarnummer",
        "plaatsing",
        "lener",
    ]
    assert raw.frame["lener"].tolist() == ["2114"]
