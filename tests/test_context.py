"""Context: figures per 1,000 inhabitants beside the organisation's other municipalities,
on a tiny organisation whose answers are worked out by hand."""

from __future__ import annotations

import math

import pandas as pd
import pytest

from bibanalyse.indicators import context
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.periods import Period

H1 = Period.parse("2025-H1")


def dates(*texts):
    return pd.to_datetime(list(texts))


def write(folder, frames) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames.items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def organisation() -> dict[str, pd.DataFrame]:
    """Heemstede (one branch) and Haarlem (two): loans, members and residents."""
    return {
        "vestigingen": pd.DataFrame(
            {
                "vestiging": ["Heemstede", "Haarlem Centrum", "Haarlem Noord"],
                "gemeente": ["Heemstede", "Haarlem", "Haarlem"],
            }
        ),
        "uitleenacties": pd.DataFrame(
            {
                "datum": dates(
                    "2025-01-02", "2025-02-03", "2025-03-04", "2025-06-30", "2025-07-01"
                ),
                "actie": ["uitlening", "uitlening", "uitlening", "verlenging", "uitlening"],
                "vestiging": [
                    "Heemstede",
                    "Haarlem Centrum",
                    "Haarlem Noord",
                    "Heemstede",
                    "Heemstede",
                ],
                "jeugd": [False] * 5,
                "lener": ["a", "b", "c", "a", "a"],
            }
        ),  # fmt: skip
        "abonnementen": pd.DataFrame(
            {
                "lener": ["a", "b", "c", "d"],
                "geboortejaar": [1980, 2015, 2016, 1990],
                "vestiging": ["Heemstede", "Haarlem Centrum", "Haarlem Noord", "Heemstede"],
                "jeugdabonnement": [False] * 4,
                "ingangsdatum": dates("2020-01-01", "2020-01-01", "2020-01-01", "2025-07-01"),
                "einddatum": dates(None, None, None, None),
            }
        ),
        "bevolking": pd.DataFrame(
            {
                "jaar": [2025] * 4,
                "gemeente": ["Heemstede", "Heemstede", "Haarlem", "Haarlem"],
                "leeftijd": ["0-17", "18+", "0-17", "18+"],
                "aantal": [500, 1500, 2000, 8000],
            }
        ),
    }


@pytest.fixture
def tables(tmp_path):
    write(tmp_path, organisation())
    return context.read_organisation(tmp_path, H1)


def rows(table, key):
    chosen = table[table["indicator"] == key].set_index("gebied")
    return chosen[["aantal", "inwoners", "per_1000_inwoners"]].to_dict("index")


def test_loans_per_1000_inhabitants_per_municipality_and_for_the_organisation(tables):
    table = context.per_inhabitants(tables, H1, [REGISTRY["uitleningen"]], class_size=23)
    # 2025-H1: Heemstede 1 loan (the renewal and the July loan do not count), Haarlem 2
    assert rows(table, "uitleningen") == {
        "Haarlem": {"aantal": 2, "inwoners": 10_000, "per_1000_inwoners": 0.2},
        "Heemstede": {"aantal": 1, "inwoners": 2_000, "per_1000_inwoners": 0.5},
        context.ORGANISATION: {"aantal": 3, "inwoners": 12_000, "per_1000_inwoners": 0.25},
    }


def test_youth_members_are_per_1000_young_inhabitants(tables):
    table = context.per_inhabitants(tables, H1, [REGISTRY["jeugdleden_eind"]], class_size=23)
    # on 30 June 2025 the members born 2015 and 2016 (Haarlem) are under 18; d starts in July
    found = rows(table, "jeugdleden_eind")
    assert found["Haarlem"] == {"aantal": 2, "inwoners": 2000, "per_1000_inwoners": 1.0}
    assert found["Heemstede"]["aantal"] == 0 and found["Heemstede"]["inwoners"] == 500


def test_a_municipality_without_a_figure_leaves_the_organisation_without_one(tmp_path):
    frames = organisation()
    frames["bevolking"] = frames["bevolking"][frames["bevolking"]["gemeente"] == "Heemstede"]
    write(tmp_path, frames)
    tables = context.read_organisation(tmp_path, H1)
    table = context.per_inhabitants(tables, H1, [REGISTRY["uitleningen"]], class_size=23)
    found = rows(table, "uitleningen")
    assert math.isnan(found["Haarlem"]["per_1000_inwoners"])
    assert math.isnan(found[context.ORGANISATION]["per_1000_inwoners"])
    assert found["Heemstede"]["per_1000_inwoners"] == 0.5


def test_only_indicators_shown_per_inhabitants_have_a_context(tables):
    with pytest.raises(ValueError, match="only indicators shown per inhabitants"):
        context.per_inhabitants(tables, H1, [REGISTRY["verlengingen"]], class_size=23)


def test_the_indicator_table_gets_a_row_per_goal_and_area(tables):
    from dataclasses import dataclass

    @dataclass(frozen=True)
    class Goal:
        id: str
        indicators: tuple[str, ...]

    goals = [Goal("4.1", ("uitleningen", "verlengingen")), Goal("5.2", ("uitleningen",))]
    shown = context.per_inhabitants(tables, H1, context.shown_for(goals), class_size=23)
    added = context.indicator_rows(shown, H1, goals)
    assert added["afspraak"].tolist() == ["4.1"] * 3 + ["5.2"] * 3
    assert set(added["indicator"]) == {"uitleningen_per_1000"}
    assert added.loc[added["gebied"] == "Heemstede", "waarde"].tolist() == [0.5, 0.5]
    assert set(added["eenheid"]) == {"per 1.000 inwoners"}
