"""Tests of bibanalyse.indicators: the indicator table of a municipality and period."""

import math
from collections import Counter
from dataclasses import dataclass

import pandas as pd
import pytest

from bibanalyse.agreements import agreement_for
from bibanalyse.config import Settings
from bibanalyse.indicators.table import (
    COLUMNS,
    compute_indicators,
    indicator_table,
    write_indicator_table,
)
from bibanalyse.periods import Period
from bibanalyse.store import Tables

H1 = Period.parse("2025-H1")


@dataclass(frozen=True)
class Goal:
    id: str
    indicators: tuple[str, ...]
    effort_only: bool = False


@dataclass(frozen=True)
class Agreement:
    goals: tuple[Goal, ...]


AGREEMENT = Agreement(
    (
        Goal("1.1", ("collectie_jeugd_begin", "collectie_jeugd_eind", "uitleningen_jeugd")),
        Goal("1.2", ("activiteiten", "deelnemers")),
        Goal("1.3", ("jeugdleden_begin", "jeugdleden_eind", "jeugdleden_aandeel", "partners")),
        Goal("2.1", ("communities", "activiteiten")),
        Goal("2.2", ("ido_vragen",)),
        Goal("3.1", ("bezoekers_geschat", "werkplekbezetting")),
        Goal("4.1", ("uitleningen", "verlengingen", "actieve_leners", "leden_begin", "leden_eind")),
        Goal("4.3", (), effort_only=True),
        Goal("5.4", ("digitaal_gebruik",)),
    )
)


def dates(*texts):
    return pd.to_datetime(list(texts))


def frames():
    """A tiny organisation: Heemstede, and a Haarlem branch whose data must be left out.
    Circulation data start in July 2024, so 2024-H1 has no loan figures."""
    mondays = pd.date_range("2025-01-06", "2025-06-30", freq="7D")
    return {
        "vestigingen": pd.DataFrame(
            {"vestiging": ["Heemstede", "Haarlem Centrum"], "gemeente": ["Heemstede", "Haarlem"]}
        ),
        "abonnementen": pd.DataFrame(
            {
                "lener": ["a", "b", "c", "d", "e", "f"],
                "geboortejaar": [1980, 2015, 2015, 1990, 1970, 1985],
                "vestiging": ["Heemstede"] * 2 + ["Haarlem Centrum"] + ["Heemstede"] * 3,
                "jeugdabonnement": [False] * 6,
                "ingangsdatum": dates(
                    "2020-01-01",
                    "2024-03-01",
                    "2020-01-01",
                    "2025-06-30",
                    "2020-01-01",
                    "2025-05-01",
                ),
                "einddatum": dates(None, None, None, None, "2025-01-01", None),
            }
        ),
        "bevolking": pd.DataFrame(
            {
                "jaar": [2024, 2025],
                "gemeente": ["Heemstede", "Heemstede"],
                "leeftijd": ["0-17", "0-17"],
                "aantal": [40, 50],
            }
        ),
        "collectie": pd.DataFrame(
            {
                "exemplaarnummer": ["1", "2", "3", "4"],
                "vestiging": ["Heemstede", "Heemstede", "Heemstede", "Haarlem Centrum"],
                "jeugd": [True, True, False, True],
                "aanschafdatum": dates("2020-01-01", "2025-03-01", "2020-01-01", "2020-01-01"),
                "afvoerdatum": dates(None, None, None, None),
            }
        ),
        "uitleenacties": pd.DataFrame(
            {
                "datum": dates(
                    "2024-07-01",
                    "2025-01-10",
                    "2025-01-10",
                    "2025-02-01",
                    "2025-06-30",
                    "2025-03-01",
                ),
                "actie": [
                    "uitlening",
                    "uitlening",
                    "verlenging",
                    "uitlening",
                    "uitlening",
                    "uitlening",
                ],
                "vestiging": ["Heemstede"] * 5 + ["Haarlem Centrum"],
                "jeugd": [False, True, True, False, True, True],
                "lener": ["a", "b", "b", "a", "b", "c"],
            }
        ),
        "activiteiten": pd.DataFrame(
            {
                # the registration starts in July 2024 (in Haarlem: data start organisation-wide)
                "datum": dates(
                    "2025-02-01",
                    "2025-03-01",
                    "2025-03-01",
                    "2024-10-01",
                    "2025-03-01",
                    "2024-07-02",
                ),
                "soort": [
                    "Voorlezen",
                    "Klassenbezoek",
                    "Ontmoeting",
                    "Voorlezen",
                    "Voorlezen",
                    "Lezing",
                ],
                "prestatieafspraken": ["1.2", "1.2;4.3", "2.1", "1.2", "1.2", "1.2"],
                "community": [None, None, "Schaakclub", None, None, None],
                "aantal_deelnemers": pd.array([12, None, 8, 5, 99, 40], dtype="Int64"),
                "aantal_klassen": pd.array([None, 2, None, None, None, None], dtype="Int64"),
                "vestiging": ["Heemstede"] * 4 + ["Haarlem Centrum"] * 2,
            }
        ),
        "partners": pd.DataFrame(
            {
                "partner": ["School", "Opvang", "Haarlemse school"],
                "soort": ["basisonderwijs", "kinderopvang", "basisonderwijs"],
                "gemeente": ["Heemstede", "Heemstede", "Haarlem"],
                "start": dates("2020-01-01", "2025-01-15", "2020-01-01"),
                "einde": dates(None, None, None),
                "prestatieafspraken": ["1.3", "1.3", "1.3"],
            }
        ),
        "openingstijden": pd.DataFrame(
            {
                "vestiging": ["Heemstede"],
                "weekdag": [0],
                "open": [600],
                "sluit": [720],
                "geldig_vanaf": dates("2020-01-01"),
            }
        ),
        "sluitingsdagen": pd.DataFrame(
            {"vestiging": ["Heemstede"], "datum": dates("2025-04-21"), "reden": ["Pasen"]}
        ),
        "bezoekerstellingen": pd.DataFrame(
            {
                "vestiging": "Heemstede",
                "datum": mondays.repeat(2),
                "uur": [10, 11] * len(mondays),
                "bezoekers": 10,
                "bezette_werkplekken": pd.array([3, 5] * len(mondays), dtype="Int64"),
                "beschikbare_werkplekken": pd.array([20, 20] * len(mondays), dtype="Int64"),
            }
        ),
        "digitaal": pd.DataFrame(
            {
                "maand": dates("2024-07-01", "2025-01-01", "2025-06-01"),
                "gemeente": ["Heemstede"] * 3,
                "dienst": ["e-books"] * 3,
                "gebruik": [70, 100, 50],
            }
        ),
    }


@pytest.fixture
def table():
    tables = Tables.from_frames(frames(), "Heemstede", H1)
    with pytest.warns(UserWarning, match="'ido' is missing"):
        return compute_indicators(tables, H1, "heemstede", AGREEMENT)


def row(table, goal, key):
    found = table[(table["afspraak"] == goal) & (table["indicator"] == key)]
    assert len(found) == 1, (goal, key)
    return found.iloc[0]


def test_the_table_has_its_columns_in_order(table):
    assert tuple(table.columns) == COLUMNS
    assert set(table["periode"]) == {"2025-H1"}


def test_one_row_per_goal_and_indicator_and_every_goal_has_one(table):
    # every goal's own indicators, and for the effort-only goal 4.3 its activities
    expected = [(goal.id, key) for goal in AGREEMENT.goals for key in goal.indicators]
    expected.append(("4.3", "activiteiten"))
    expected.sort(key=lambda pair: [goal.id for goal in AGREEMENT.goals].index(pair[0]))
    assert list(zip(table["afspraak"], table["indicator"], strict=True)) == expected
    assert set(table["afspraak"]) == {goal.id for goal in AGREEMENT.goals}


def test_members_at_begin_and_end_with_their_change(table):
    begin, end = row(table, "4.1", "leden_begin"), row(table, "4.1", "leden_eind")
    # 1 January: a, b, e (ends that day); 30 June: a, b, d (starts that day), f; not c (Haarlem)
    assert begin["waarde"] == 3
    assert end["waarde"] == 4
    assert end["verandering"] == 1
    assert math.isnan(begin["verandering"])
    assert end["vorige_periode"] == 3  # 31 December 2024: a, b, e
    assert end["vorig_jaar"] == 3  # 30 June 2024: a, b, e
    assert end["eenheid"] == "leden"


def test_youth_members_and_their_share_of_the_young_residents(table):
    assert row(table, "1.3", "jeugdleden_eind")["waarde"] == 1
    share = row(table, "1.3", "jeugdleden_aandeel")
    assert share["waarde"] == 1 / 50
    assert share["vorige_periode"] == 1 / 40
    assert share["eenheid"] == "fractie"


def test_youth_collection_at_begin_and_end(table):
    end = row(table, "1.1", "collectie_jeugd_eind")
    assert row(table, "1.1", "collectie_jeugd_begin")["waarde"] == 1
    assert end["waarde"] == 2
    assert end["verandering"] == 1


def test_loans_and_comparisons_before_the_data_begin_are_missing(table):
    loans = row(table, "4.1", "uitleningen")
    assert loans["waarde"] == 3  # not the renewal, not Haarlem
    assert loans["vorige_periode"] == 1
    assert math.isnan(loans["vorig_jaar"])  # circulation data start in July 2024
    assert row(table, "4.1", "verlengingen")["waarde"] == 1
    assert row(table, "4.1", "actieve_leners")["waarde"] == 2
    assert row(table, "1.1", "uitleningen_jeugd")["waarde"] == 2


def test_activities_per_goal_and_the_effort_only_goal(table):
    assert row(table, "1.2", "activiteiten")["waarde"] == 2
    assert row(table, "1.2", "deelnemers")["waarde"] == 12 + 46
    assert row(table, "1.2", "activiteiten")["vorige_periode"] == 1
    assert math.isnan(row(table, "1.2", "activiteiten")["vorig_jaar"])  # before registration
    assert row(table, "4.3", "activiteiten")["waarde"] == 1  # the class visit, tagged 1.2;4.3
    assert row(table, "2.1", "activiteiten")["waarde"] == 1
    assert row(table, "2.1", "communities")["waarde"] == 1


def test_partners_running_on_the_last_day(table):
    partners = row(table, "1.3", "partners")
    assert partners["waarde"] == 2
    assert partners["vorige_periode"] == 1  # Opvang started in January 2025


def test_visitors_counted_in_every_open_hour_are_exact(table):
    visitors = row(table, "3.1", "bezoekers_geschat")
    # 26 Mondays less Easter Monday, 2 hours, 10 visitors each
    assert visitors["waarde"] == visitors["ondergrens"] == visitors["bovengrens"] == 500
    assert math.isnan(visitors["vorige_periode"])  # no counts in 2024-H2
    assert row(table, "3.1", "werkplekbezetting")["waarde"] == 8 / 40
    assert row(table, "4.1", "uitleningen")[["ondergrens", "bovengrens"]].isna().all()


def test_missing_tables_and_months_give_missing_values(table):
    assert math.isnan(row(table, "2.2", "ido_vragen")["waarde"])
    digital = row(table, "5.4", "digitaal_gebruik")
    assert digital["waarde"] == 150
    assert digital["vorige_periode"] == 70
    assert math.isnan(digital["vorig_jaar"])


def test_the_class_size_setting_is_used():
    tables = Tables.from_frames(frames(), "Heemstede", H1)
    agreement = Agreement((Goal("1.2", ("deelnemers",)),))
    table = compute_indicators(tables, H1, "Heemstede", agreement, class_size=30)
    assert table["waarde"].tolist() == [12 + 60]


def test_a_value_for_no_single_goal_is_the_same_in_every_row():
    tables = Tables.from_frames(frames(), "Heemstede", H1)
    agreement = Agreement((Goal("3.1", ("uitleningen",)), Goal("5.2", ("uitleningen",))))
    table = compute_indicators(tables, H1, "Heemstede", agreement)
    assert table["waarde"].tolist() == [3, 3]


def test_the_municipality_must_be_the_one_read():
    tables = Tables.from_frames(frames(), "Heemstede", H1)
    with pytest.raises(ValueError, match="'Haarlem'"):
        compute_indicators(tables, H1, "Haarlem", AGREEMENT)


def test_the_tables_must_cover_the_comparisons():
    tables = Tables.from_frames(frames(), "Heemstede", Period.parse("2024-H1"))
    with pytest.raises(ValueError, match="does not cover"):
        compute_indicators(tables, H1, "Heemstede", AGREEMENT)


def write_processed(folder):
    folder.mkdir(parents=True, exist_ok=True)
    for name, frame in frames().items():
        frame.to_parquet(folder / f"{name}.parquet", index=False)


def test_write_indicator_table_writes_the_agreement_as_csv(tmp_path):
    processed = tmp_path / "processed"
    write_processed(processed)
    out = tmp_path / "reports" / "Heemstede" / "2025-H1" / "indicatoren.csv"
    with pytest.warns(UserWarning, match="is missing"):
        table = write_indicator_table(processed, "2025-H1", "heemstede", out)
    agreement = agreement_for("Heemstede", H1)
    assert set(table["afspraak"]) == {goal.id for goal in agreement.goals}
    text = out.read_text(encoding="utf-8")
    assert text.splitlines()[0] == ",".join(COLUMNS)
    written = pd.read_csv(out, dtype={"afspraak": str})
    assert len(written) == len(table)
    loans = written[(written["afspraak"] == "4.1") & (written["indicator"] == "uitleningen")]
    assert loans["waarde"].tolist() == [3]
    assert "4.1,uitleningen,3," in text  # whole numbers without ".0"
    assert list(out.parent.iterdir()) == [out]  # no temporary file left behind


def project_settings(root, **options) -> Settings:
    """Settings of a project in ``root``."""
    folders = {name: root / name for name in ("data", "reports", "logs")}
    return Settings(
        root=root,
        data_dir=folders["data"],
        reports_dir=folders["reports"],
        key_file=root / "key",
        logs_dir=folders["logs"],
        **options,
    )


def test_write_indicator_table_takes_the_settings(tmp_path):
    settings = project_settings(tmp_path, class_size=30)
    write_processed(settings.processed_dir)
    out = tmp_path / "indicatoren.csv"
    out.write_text("old", encoding="utf-8")
    with pytest.warns(UserWarning):
        table = write_indicator_table(settings, H1, None, out)
    participants = table[(table["afspraak"] == "1.2") & (table["indicator"] == "deelnemers")]
    assert participants["waarde"].tolist() == [12 + 60]
    assert out.read_text(encoding="utf-8").startswith("periode,afspraak")


def test_several_periods_in_one_table_read_once_equal_each_period_alone(tmp_path, monkeypatch):
    from bibanalyse import store

    processed = tmp_path / "processed"
    write_processed(processed)
    periods = ["2024-H2", "2025-H1", "2025"]
    with pytest.warns(UserWarning):
        alone = [indicator_table(processed, period, "Heemstede") for period in periods]
    reads = []
    original = store.read_table
    monkeypatch.setattr(
        store, "read_table", lambda *a, **k: reads.append(a[1]) or original(*a, **k)
    )
    with pytest.warns(UserWarning):
        together = indicator_table(processed, periods, "Heemstede")
    pd.testing.assert_frame_equal(together, pd.concat(alone, ignore_index=True))
    assert together["periode"].unique().tolist() == periods
    # each table read once for the municipality and once for the organisation, not per period
    assert max(Counter(reads).values()) == 2
    loans = together[(together["afspraak"] == "4.1") & (together["indicator"] == "uitleningen")]
    assert loans["waarde"].tolist() == [1, 3, 3]  # 1 July 2024; 10 Jan, 1 Feb, 30 June 2025


def test_a_failed_write_leaves_the_old_file(tmp_path, monkeypatch):
    processed = tmp_path / "processed"
    write_processed(processed)
    out = tmp_path / "indicatoren.csv"
    out.write_text("old", encoding="utf-8")

    def broken(*args, **kwargs):
        raise OSError("disk full")

    monkeypatch.setattr(pd.DataFrame, "to_csv", broken)
    with pytest.warns(UserWarning), pytest.raises(OSError, match="disk full"):
        write_indicator_table(processed, H1, "Heemstede", out)
    assert out.read_text(encoding="utf-8") == "old"
    assert list(tmp_path.glob(".indicatoren.csv.*")) == []


@pytest.fixture
def adult_loans():
    """An indicator of one's own, registered as one entry and its function."""
    from bibanalyse.indicators import loans
    from bibanalyse.indicators.definitions import REGISTRY
    from bibanalyse.indicators.registry import Indicator

    def compute(scope, period, goal):
        actions = scope["uitleenacties"]
        every = loans.count_loans(actions, period, branches=scope.branches)
        return every - loans.count_youth_loans(actions, period, branches=scope.branches)

    indicator = REGISTRY.register(
        Indicator(
            "uitleningen_volwassenen",
            "Uitleningen volwassenencollectie",
            unit="aantal",
            sources=("uitleenacties",),
            compute=compute,
            description="Uitleningen die geen uitleningen van de jeugdcollectie zijn.",
        )
    )
    yield indicator
    REGISTRY.unregister(indicator.key)


def test_a_new_indicator_is_one_entry_found_in_the_agreement_table_and_report(
    adult_loans, tmp_path
):
    from bibanalyse.agreements import load_agreements
    from bibanalyse.report import Report

    folder = tmp_path / "agreements"
    folder.mkdir()
    (folder / "proef.toml").write_text(
        'gemeente = "Heemstede"\ntitel = "Proef"\ngeldig_van = 2025-01-01\n'
        'geldig_tot = 2025-12-31\nbron = "test"\n'
        '[[ambitie]]\nnummer = 4\nkort = "Literatuur"\ntitel = "t"\nthema = "t"\n'
        '[[doel]]\nid = "4.1"\nambitie = 4\ntekst = "Meer lezen."\n'
        'indicatoren = ["uitleningen", "uitleningen_volwassenen"]\n'
        'kop = "uitleningen_volwassenen"\nrichting = "meer"\ninspanning = false\n',
        encoding="utf-8",
    )
    (agreement,) = load_agreements(folder)  # the agreements know it from the registry
    settings = project_settings(tmp_path)
    write_processed(settings.processed_dir)
    tables = Tables.for_period(settings.processed_dir, H1, "Heemstede")
    table = compute_indicators(tables, H1, "Heemstede", agreement)
    # loans in Heemstede, 2025-H1: 10 January (youth), 1 February (adult), 30 June (youth)
    assert row(table, "4.1", "uitleningen_volwassenen")["waarde"] == 1
    assert row(table, "4.1", "uitleningen_volwassenen")["eenheid"] == "aantal"
    report = Report(settings, H1, "Heemstede", agreement, tables)
    summary = report.goal("4.1").summary.html
    assert '<th scope="row">Uitleningen volwassenencollectie</th>' in summary
    assert "Uitleningen volwassenencollectie" in report.overview().summary.html
