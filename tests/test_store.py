"""Tests of bibanalyse.store: reading processed tables from Parquet, narrowly."""

from datetime import date

import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.parquet as pq
import pytest

from bibanalyse import store
from bibanalyse.periods import Period
from bibanalyse.store import Tables, branches_of, comparison_window, read_table

BRANCHES = pd.DataFrame(
    {
        "vestiging": ["Heemstede", "Haarlem Centrum", "Haarlem Noord"],
        "gemeente": ["Heemstede", "Haarlem", "Haarlem"],
    }
)


def write(folder, name, frame):
    frame.to_parquet(folder / f"{name}.parquet", index=False)


def days(*texts):
    return pd.to_datetime(list(texts), format="ISO8601")


@pytest.fixture
def processed(tmp_path):
    write(tmp_path, "vestigingen", BRANCHES)
    write(
        tmp_path,
        "uitleenacties",
        pd.DataFrame(
            {
                "datum": days("2023-12-31", "2024-01-01", "2025-06-30", "2025-07-01", "2025-03-01"),
                "moment": days(
                    "2023-12-31", "2024-01-01", "2025-06-30 23:59", "2025-07-01", "2025-03-01"
                ),
                "actie": ["uitlening"] * 5,
                "bron": ["balie"] * 5,
                "vestiging": ["Heemstede"] * 4 + ["Haarlem Centrum"],
                "exemplaarnummer": ["1", "2", "3", "4", "5"],
                "materiaal": ["boek"] * 5,
                "plaatsing": ["A"] * 5,
                "jeugd": [True] * 5,
                "lener": ["a", "b", "c", "d", "e"],
                "abonnement": ["Basis"] * 5,
            }
        ),
    )
    return tmp_path


def test_read_table_selects_columns_and_rows(processed):
    frame = read_table(
        processed,
        "uitleenacties",
        columns=["datum", "lener"],
        filters=[("vestiging", "in", ["Heemstede"])],
    )
    assert list(frame.columns) == ["datum", "lener"]
    assert frame["lener"].tolist() == ["a", "b", "c", "d"]


def test_read_table_takes_an_expression_filter(processed):
    frame = read_table(
        processed, "uitleenacties", filters=pc.field("datum") >= pd.Timestamp("2025-07-01")
    )
    assert frame["lener"].tolist() == ["d"]


def test_read_table_gives_text_as_text_and_keeps_missing_whole_numbers(processed):
    frame = pd.DataFrame(
        {"onderwerp": ["a", None, "b", "a"], "bereik": pd.array([1, None, 3, 4], "Int64")}
    )
    write(processed, "communicatie", frame)
    read = read_table(processed, "communicatie", filters=pc.field("onderwerp") != "b")
    assert read["onderwerp"].dtype == "str" and read["bereik"].dtype == "Int64"
    assert read["onderwerp"].tolist() == ["a", "a"] and read["bereik"].tolist() == [1, 4]
    assert len(read_table(processed, "communicatie", columns=[])) == 4


def test_read_table_names_the_missing_table_and_the_remedy(processed):
    with pytest.raises(FileNotFoundError, match=r"'ido'.*run `bibanalyse ingest`"):
        read_table(processed, "ido")


def test_read_table_names_unknown_columns(processed):
    with pytest.raises(ValueError, match=r"no column\(s\) \['leeftijd'\]"):
        read_table(processed, "uitleenacties", columns=["datum", "leeftijd"])


def test_read_table_refuses_a_path_as_name(processed):
    with pytest.raises(ValueError, match=r"'../secret'"):
        read_table(processed, "../secret")


def test_branches_of_ignores_case(processed):
    assert branches_of(processed, "HAARLEM") == ["Haarlem Centrum", "Haarlem Noord"]


def test_branches_of_lists_known_municipalities_when_unknown(processed):
    with pytest.raises(ValueError, match=r"'Zandvoort'.*\['Haarlem', 'Heemstede'\]"):
        branches_of(processed, "Zandvoort")


def test_comparison_window_covers_previous_period_and_year_earlier():
    assert comparison_window(Period.parse("2025-H1")) == (date(2024, 1, 1), date(2025, 6, 30))
    assert comparison_window(Period.parse("2025")) == (date(2024, 1, 1), date(2025, 12, 31))


def test_tables_read_only_the_window_and_the_branches(processed):
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "heemstede")
    loans = tables["uitleenacties"]
    assert tables.municipality == "Heemstede"
    assert tables.branches == ("Heemstede",)
    # 2023-12-31 is before 2024-H1, 2025-07-01 after 2025-H1, row e in Haarlem
    assert loans["lener"].tolist() == ["b", "c"]
    assert list(loans.columns) == list(store.TABLE_SPECS["uitleenacties"].columns)


def test_tables_read_each_table_once(processed, monkeypatch):
    calls = []
    original = store.read_table

    def counting(folder, name, **kwargs):
        calls.append(name)
        return original(folder, name, **kwargs)

    monkeypatch.setattr(store, "read_table", counting)
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    first = tables["uitleenacties"]
    first["lener"] = "changed"  # a caller's change does not reach the stored frame
    second = tables["uitleenacties"]
    assert calls == ["vestigingen", "uitleenacties"]
    assert second["lener"].tolist() == ["b", "c"]


def test_tables_keep_subscriptions_overlapping_the_window(processed):
    write(
        processed,
        "abonnementen",
        pd.DataFrame(
            {
                "lener": ["ended-before", "ends-on-first-day", "running", "starts-after", "other"],
                "geboortejaar": [1980] * 5,
                "postcode4": ["2101"] * 5,
                "woonplaats": ["Heemstede"] * 5,
                "vestiging": ["Heemstede"] * 4 + ["Haarlem Noord"],
                "abonnement": ["Basis"] * 5,
                "jeugdabonnement": [False] * 5,
                "ingangsdatum": days(
                    "2020-01-01", "2020-01-01", "2020-01-01", "2025-07-01", "2020-01-01"
                ),
                "einddatum": days("2023-12-31", "2024-01-01", None, None, None),
            }
        ),
    )
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    assert tables["abonnementen"]["lener"].tolist() == ["ends-on-first-day", "running"]


def test_tables_select_municipality_tables_by_gemeente_and_year(processed):
    write(
        processed,
        "bevolking",
        pd.DataFrame(
            {
                "jaar": [2023, 2024, 2025, 2025],
                "gemeente": ["Heemstede", "Heemstede", "Heemstede", "Haarlem"],
                "leeftijd": ["0-3"] * 4,
                "aantal": [1, 2, 3, 4],
            }
        ),
    )
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    assert tables["bevolking"]["aantal"].tolist() == [2, 3]


def test_tables_keep_all_opening_hours_of_the_branches(processed):
    write(
        processed,
        "openingstijden",
        pd.DataFrame(
            {
                "vestiging": ["Heemstede", "Heemstede", "Haarlem Noord"],
                "weekdag": [0, 0, 0],
                "open": [540, 600, 540],
                "sluit": [1020, 1020, 1020],
                "geldig_vanaf": days("2010-01-01", "2025-03-01", "2010-01-01"),
            }
        ),
    )
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    assert tables["openingstijden"]["open"].tolist() == [540, 600]


def test_tables_filter_date32_columns_too(processed):
    table = pa.table(
        {
            "datum": pa.array([date(2023, 5, 1), date(2025, 5, 1)], pa.date32()),
            "vestiging": ["Heemstede", "Heemstede"],
            "onderwerp": ["DigiD", "toeslagen"],
        }
    )
    pq.write_table(table, processed / "ido.parquet")
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    frame = tables["ido"]
    assert frame["onderwerp"].tolist() == ["toeslagen"]
    assert pd.api.types.is_datetime64_any_dtype(frame["datum"])


def test_tables_know_when_the_data_start(processed):
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    # the whole table, not only the window read
    assert tables.data_start("uitleenacties") == date(2023, 12, 31)
    assert tables.data_start("vestigingen") is None


def test_tables_say_which_tables_exist(processed):
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    assert tables.has("uitleenacties")
    assert not tables.has("ido")
    with pytest.raises(FileNotFoundError, match="bibanalyse ingest"):
        tables["ido"]


def test_tables_cover_the_period_and_its_comparisons(processed):
    tables = Tables.for_period(processed, Period.parse("2025-H1"), "Heemstede")
    assert tables.covers(Period.parse("2024-H1"))
    assert not tables.covers(Period.parse("2025-H2"))


def test_tables_from_frames_need_the_branches():
    with pytest.raises(ValueError, match="vestigingen"):
        Tables.from_frames({"ido": pd.DataFrame()}, "Heemstede")


def test_tables_from_frames_hold_the_frames_as_given():
    ido = pd.DataFrame({"datum": days("2025-01-02"), "vestiging": ["Haarlem Noord"]})
    tables = Tables.from_frames({"vestigingen": BRANCHES, "ido": ido}, "Heemstede")
    assert len(tables["ido"]) == 1
    assert tables.data_start("ido") == date(2025, 1, 2)
    assert tables.covers(Period.parse("1990-H1"))


def test_tables_load_reads_every_available_table_at_once(processed, monkeypatch):
    tables = Tables.for_period(processed, "2025-H1", "Heemstede").load()
    monkeypatch.setattr(store, "read_table", None)  # nothing is read any more
    assert len(tables["uitleenacties"]) == 2
    assert not tables.has("ido")
