"""The ingest end to end on tiny exports: accounting, duplicates, atomicity, exit codes."""

from __future__ import annotations

import hashlib

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bibanalyse.ingest as ingest_module
from bibanalyse.cli import main
from bibanalyse.ingest import find_duplicates, ingest
from bibanalyse.reading import UnreadableFileError
from tests.conftest import write_raw

LOANS_ISO = (
    "Datum,Tijd,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
    "2024-06-30,23:59,1,Heemstede,E1,JROM,2100011112222\n"
    "2024-07-01,10:00,3,Heemstede,E1,JROM,2100011112222\n"
    "2024-07-02,11:00,1,Haarlem Centrum,E9,ROM,2100033334444\n"
)
# the same actions exported again, overlapping, in another format, plus one new and one bad
LOANS_DUTCH = (
    "datum;tijd;ACTIE; vestiging ;exemplaarnummer;plaatsing;lenersnummer\n"
    "1-7-2024;10:00;verlenging;heemstede;E1;JROM;2100011112222\n"
    "02-07-2024;11:00;uitlening;Haarlem Centrum;E9;ROM;2100033334444\n"
    "03-07-2024;12:00;inname;Heemstede;E1;JROM;2100011112222\n"
    "04-07-2024;12:00;9;Heemstede;E1;JROM;2100011112222\n"
)


def read(settings, table):
    return pd.read_parquet(settings.processed_dir / f"{table}.parquet")


def test_every_row_is_kept_rejected_or_a_duplicate(with_branches):
    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH, encoding="cp1252")
    reports = {report.file: report for report in ingest(with_branches)}
    a, b = reports["uitleenacties/a.csv"], reports["uitleenacties/b.csv"]
    assert (a.rows_read, a.kept, a.rejected, a.duplicates) == (3, 3, 0, 0)
    assert (b.rows_read, b.kept, b.rejected, b.duplicates) == (4, 1, 1, 2)
    for report in reports.values():
        assert report.rows_read == report.kept + report.rejected + report.duplicates
    loans = read(with_branches, "uitleenacties")
    assert len(loans) == 4  # the overlap is not counted twice
    assert loans["actie"].tolist() == ["uitlening", "verlenging", "uitlening", "inname"]
    report_file = pd.read_csv(with_branches.processed_dir / "ingest_report.csv")
    assert report_file["rows_read"].sum() == 2 + 3 + 4


def test_rejected_rows_are_written_for_inspection(with_branches):
    write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH)
    ingest(with_branches)
    rejected = pd.read_csv(with_branches.processed_dir / "rejected" / "uitleenacties.csv")
    assert rejected[["bestand", "regel"]].values.tolist() == [["uitleenacties/b.csv", 5]]
    assert rejected["reden"].str.contains("unknown action code").all()
    assert not rejected.to_csv().count("2100011112222")


def test_rerun_gives_identical_processed_data(with_branches):
    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH)

    def digests():
        return {
            path.name: hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(with_branches.processed_dir.rglob("*"))
            if path.is_file()
        }

    ingest(with_branches)
    first = digests()
    ingest(with_branches)
    assert digests() == first


def test_raw_files_are_never_modified(with_branches):
    path = write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH, encoding="cp1252")
    before = path.read_bytes()
    ingest(with_branches)
    assert path.read_bytes() == before
    assert sorted(p.name for p in path.parent.iterdir()) == ["b.csv"]


def test_failed_ingest_leaves_previous_processed_data(with_branches):
    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    ingest(with_branches)
    before = read(with_branches, "uitleenacties")
    write_raw(with_branches, "uitleenacties", "c.csv", "Datum,Actie\n2024-01-01,1\n")
    with pytest.raises(UnreadableFileError, match="c.csv: required column"):
        ingest(with_branches)
    pd.testing.assert_frame_equal(read(with_branches, "uitleenacties"), before)
    leftovers = [p.name for p in with_branches.data_dir.iterdir() if p.name.startswith(".")]
    assert leftovers == [ingest_module.INGEST_LOCK]  # no staging folder left behind


def test_an_ingest_removes_what_a_killed_ingest_left_half_built(with_branches):
    leftover = with_branches.data_dir / f"{ingest_module.STAGING_PREFIX}killed"
    (leftover / "rejected").mkdir(parents=True)
    (leftover / "uitleenacties.parquet").write_bytes(b"half")
    ingest(with_branches)
    assert not leftover.exists()
    assert (with_branches.processed_dir / "vestigingen.parquet").exists()


def test_unreadable_file_exits_2_naming_file_and_column(with_branches, capsys):
    write_raw(with_branches, "ido", "ido.csv", "Datum;Vestiging\n01-01-2024;Heemstede\n")
    assert main(["ingest"]) == 2
    error = capsys.readouterr().err
    assert "ido.csv" in error and "'Onderwerp'" in error


def test_ingest_without_a_key_stops_with_a_clear_message(with_branches, monkeypatch, capsys):
    monkeypatch.delenv("BIBANALYSE_KEY")
    assert main(["ingest"]) == 2
    assert "no pseudonymisation key" in capsys.readouterr().err
    assert not with_branches.processed_dir.exists()


def test_missing_branches_export_stops(settings, capsys):
    write_raw(settings, "uitleenacties", "a.csv", LOANS_ISO)
    assert main(["ingest"]) == 2
    assert "vestigingen" in capsys.readouterr().err


def test_sources_without_files_give_empty_typed_tables(with_branches):
    ingest(with_branches)
    visits = read(with_branches, "bezoekerstellingen")
    assert len(visits) == 0
    assert list(visits.columns)[:3] == ["vestiging", "datum", "uur"]


def test_narratives_are_read_per_goal(with_branches):
    write_raw(
        with_branches,
        "toelichting/Heemstede",
        "2025-H1.md",
        "# Toelichting\nInleiding.\n\n## 1.2 Voorlezen\nWe lazen **veel** voor.\n\n## Overig\nx\n",
    )
    reports = [r for r in ingest(with_branches) if r.source == "toelichting"]
    assert [(r.rows_read, r.kept, r.rejected) for r in reports] == [(2, 1, 1)]
    narratives = read(with_branches, "toelichting")
    assert narratives.to_dict("records") == [
        {
            "gemeente": "Heemstede",
            "periode": "2025-H1",
            "afspraak": "1.2",
            "tekst": "We lazen **veel** voor.",
        }
    ]


def test_identical_rows_within_a_file_are_kept_but_not_repeated_by_an_overlap(with_branches):
    questions = (
        "Datum;Vestiging;Onderwerp\n05-03-2024;Heemstede;DigiD\n05-03-2024;Heemstede;DigiD\n"
    )
    write_raw(with_branches, "ido", "a.csv", questions)
    write_raw(with_branches, "ido", "b.csv", questions + "06-03-2024;Heemstede;DigiD\n")
    reports = {r.file: r for r in ingest(with_branches) if r.source == "ido"}
    assert (reports["ido/a.csv"].kept, reports["ido/a.csv"].duplicates) == (2, 0)
    assert (reports["ido/b.csv"].kept, reports["ido/b.csv"].duplicates) == (1, 2)
    assert len(read(with_branches, "ido")) == 3


VISITS_HEADER = "Vestiging;Datum;Uur;Bezoekers;Bezette werkplekken;Beschikbare werkplekken\n"


def test_a_missing_value_is_no_duplicate_of_zero_but_minus_zero_is_zero(with_branches):
    write_raw(
        with_branches,
        "bezoekerstellingen",
        "a.csv",
        VISITS_HEADER + "Heemstede;05-03-2024;10;40;;50\nHeemstede;05-03-2024;11;40;-0.0;50\n",
    )
    write_raw(
        with_branches,
        "bezoekerstellingen",
        "b.csv",
        VISITS_HEADER + "Heemstede;05-03-2024;10;40;0;50\nHeemstede;05-03-2024;11;40;0;50\n",
    )
    reports = {r.file: r for r in ingest(with_branches) if r.source == "bezoekerstellingen"}
    b = reports["bezoekerstellingen/b.csv"]
    assert (b.kept, b.duplicates) == (1, 1)  # hour 10 is new, hour 11 a duplicate
    assert read(with_branches, "bezoekerstellingen")["uur"].tolist() == [10, 10, 11]


def test_find_duplicates_counts_the_copies_of_a_row_per_file():
    codes = [np.array([7, 7, 7, 7, 7, 8])]
    files = np.array([0, 0, 1, 1, 1, 1])
    assert find_duplicates(codes, files).tolist() == [False, False, True, True, False, False]


def test_find_duplicates_stays_exact_when_different_rows_share_a_hash(monkeypatch):
    monkeypatch.setattr(
        ingest_module, "_row_hashes", lambda codes, rows: np.zeros(rows, dtype=np.uint64)
    )
    codes = [np.array([1, 2, 1, 2]), np.array([5, 5, 5, 6])]
    files = np.array([0, 0, 1, 1])
    assert find_duplicates(codes, files).tolist() == [False, False, True, False]


def test_find_duplicates_wants_the_files_in_order():
    with pytest.raises(ValueError, match="file by file, in order"):
        find_duplicates([np.array([1, 1])], np.array([1, 0]))


def test_an_ingest_waits_for_one_in_progress_and_gives_up_clearly(with_branches):
    from dataclasses import replace

    from filelock import FileLock

    from bibanalyse.locks import BusyError

    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    with (
        FileLock(with_branches.data_dir / ingest_module.INGEST_LOCK),
        pytest.raises(BusyError, match="an ingest of this data is already in progress"),
    ):
        ingest(replace(with_branches, lock_timeout=0.2))
    assert not with_branches.processed_dir.exists()
    ingest(with_branches)  # the lock is free again
    assert len(read(with_branches, "uitleenacties")) == 3


def _duplicates_by_definition(rows: list[tuple], files: list[int]) -> list[bool]:
    """The k-th copy of a row in a file is a duplicate when an earlier file holds k copies."""
    copies: dict[tuple, dict[int, int]] = {}  # row -> file -> copies seen so far
    result = []
    for row, file in zip(rows, files, strict=True):
        per_file = copies.setdefault(row, {})
        per_file[file] = per_file.get(file, 0) + 1
        earlier = max((n for f, n in per_file.items() if f < file), default=0)
        result.append(per_file[file] <= earlier)
    return result


@settings(max_examples=300, deadline=None)
@given(
    st.lists(
        st.tuples(st.integers(0, 3), st.integers(0, 2), st.integers(0, 2)), min_size=1, max_size=40
    ),
    st.sampled_from(["row", "none", "first column"]),
)
def test_find_duplicates_agrees_with_its_definition(rows, hashed):
    files = sorted(row[0] for row in rows)  # the rows of a file together, files in order
    values = [row[1:] for row in rows]
    codes = [np.array([v[0] for v in values]), np.array([v[1] for v in values])]
    expected = _duplicates_by_definition(values, files)
    weak_hashes = {  # different rows share a hash: sorting by codes must give the same answer
        "none": lambda codes, n: np.zeros(n, np.uint64),
        "first column": lambda codes, n: codes[0].astype(np.uint64) << np.uint64(40),
    }
    with pytest.MonkeyPatch.context() as patch:
        if hashed in weak_hashes:
            patch.setattr(ingest_module, "_row_hashes", weak_hashes[hashed])
        assert find_duplicates(codes, np.array(files)).tolist() == expected


def test_a_column_empty_in_one_file_and_filled_in_another(with_branches):
    header = "Datum;Tijd;Actie;Vestiging;Exemplaarnummer;Titelnummer;Plaatsing;Lenersnummer\n"
    row = "01-07-2024;10:00;1;Heemstede;E{n};{title};ROM;21000111122{n}\n"
    write_raw(with_branches, "uitleenacties", "a.csv", header + row.format(n=1, title=""))
    write_raw(with_branches, "uitleenacties", "b.csv", header + row.format(n=2, title="T9"))
    ingest(with_branches)
    loans = read(with_branches, "uitleenacties")
    assert loans["titelnummer"].isna().tolist() == [True, False]
    assert loans["titelnummer"].iloc[1] == "T9" and loans["titelnummer"].dtype == "str"


def test_processed_data_reads_back_with_the_clean_types(with_branches):
    header = "Datum;Vestiging;Kanaal;Bereik\n"
    write_raw(with_branches, "communicatie", "c.csv", header + "01-07-2024;Heemstede;Krant;\n")
    ingest(with_branches)
    path = with_branches.processed_dir / "communicatie.parquet"
    posts = pd.read_parquet(path)
    assert posts["bereik"].dtype == "Int64" and posts["bereik"].isna().all()  # not float NaN
    assert posts["kanaal"].dtype == "str" and posts["kanaal"].tolist() == ["Krant"]
    assert str(pq.read_schema(path).field("kanaal").type) == "large_string"  # as held in pandas


def test_rows_written_in_several_row_groups_are_sorted_and_without_duplicates(
    with_branches, monkeypatch
):
    monkeypatch.setattr(ingest_module, "ROW_GROUP_SIZE", 3)
    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH)
    reports = {report.file: report for report in ingest(with_branches)}
    b = reports["uitleenacties/b.csv"]
    assert (b.kept, b.rejected, b.duplicates) == (1, 1, 2)
    loans = read(with_branches, "uitleenacties")
    assert loans["datum"].dt.day.tolist() == [30, 1, 2, 3]  # June 30, then July
    assert loans["actie"].tolist() == ["uitlening", "verlenging", "uitlening", "inname"]
    path = with_branches.processed_dir / "uitleenacties.parquet"
    assert pq.ParquetFile(path).metadata.num_row_groups == 2  # 3 rows, then 1


def test_rows_of_one_day_keep_their_order_through_the_files(with_branches):
    header = "Datum;Vestiging;Onderwerp\n"
    days_and_topics = [(2, "a"), (5, "b"), (9, "c"), (1, "d"), (5, "e"), (7, "f"), (5, "g")]
    first = "".join(f"0{day}-03-2024;Heemstede;{topic}\n" for day, topic in days_and_topics[:4])
    second = "".join(f"0{day}-03-2024;Heemstede;{topic}\n" for day, topic in days_and_topics[4:])
    write_raw(with_branches, "ido", "a.csv", header + first)
    write_raw(with_branches, "ido", "b.csv", header + second)
    ingest(with_branches)
    questions = read(with_branches, "ido")
    assert questions["onderwerp"].tolist() == ["d", "a", "b", "e", "g", "f", "c"]


def test_files_with_different_dictionaries_combine_to_one():
    many = pa.array([f"t{n}" for n in range(300)]).dictionary_encode()
    few = pa.array(["t5", "x", None]).dictionary_encode()
    files = pa.concat_tables([pa.table({"titel": many}), pa.table({"titel": few})])
    combined = ingest_module._one_chunk_each(files)["titel"]
    assert combined.num_chunks == 1
    assert combined.to_pylist() == [f"t{n}" for n in range(300)] + ["t5", "x", None]
    assert len(combined.chunk(0).dictionary) == 301  # t5 once


def test_each_row_group_holds_only_the_text_values_it_uses(with_branches, monkeypatch):
    monkeypatch.setattr(ingest_module, "ROW_GROUP_SIZE", 3)
    write_raw(with_branches, "uitleenacties", "a.csv", LOANS_ISO)
    write_raw(with_branches, "uitleenacties", "b.csv", LOANS_DUTCH)
    ingest(with_branches)
    path = with_branches.processed_dir / "uitleenacties.parquet"
    parquet = pq.ParquetFile(path, read_dictionary=["exemplaarnummer"])
    sizes = []
    for group in range(parquet.metadata.num_row_groups):
        items = parquet.read_row_group(group, columns=["exemplaarnummer"]).column(0).chunk(0)
        assert sorted(items.dictionary.to_pylist()) == sorted(set(items.to_pylist()))
        sizes.append(len(items))
    assert sizes == [3, 1]
