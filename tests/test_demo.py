"""Tests for bibanalyse.demo: the synthetic raw exports follow DATA-CONTRACT.md, mess included.

Most tests read one year of Heemstede at scale 1 (the volumes the brief targets), written once
per module. The files are read back the way an ingest step would: encoding and delimiter
sniffed, header names normalised (case, spaces, accents), dates in any of the three styles.
"""

import io
import unicodedata
from datetime import date
from pathlib import Path

import numpy as np
import openpyxl
import pandas as pd
import pytest

from bibanalyse.demo import BRANCHES, generate_demo

UNTIL = date(2025, 6, 30)
FIRST_DAY = pd.Timestamp("2024-07-01")
LAST_DAY = pd.Timestamp(UNTIL)
CLASS_SIZE = 23
YOUTH_SHELVES = {"AB", "AP", "AK", "AJ", "E", "A", "B", "C", "D", "J"}
GOALS_PER_AMBITION = {1: 4, 2: 2, 3: 2, 4: 3, 5: 3}  # the 2024-2027 agreements
GOAL_IDS = {f"{a}.{g}" for a, goals in GOALS_PER_AMBITION.items() for g in range(1, goals + 1)}
REQUIRED_COLUMNS = {
    "uitleenacties": [
        "Datum",
        "Actie",
        "Vestiging",
        "Exemplaarnummer",
        "Plaatsing",
        "Lenersnummer",
    ],
    "abonnementen": ["Lenersnummer", "Geboortedatum", "Vestiging", "Abonnement", "Ingangsdatum"],
    "collectie": ["Exemplaarnummer", "Vestiging", "Plaatsing", "Aanschafdatum"],
    "activiteiten": ["Datum", "Titel", "Soort", "Prestatieafspraak", "Vestiging"],
    "bezoekerstellingen": ["Vestiging", "Datum", "Uur", "Bezoekers"],
    "ido": ["Datum", "Vestiging", "Onderwerp"],
    "communicatie": ["Datum", "Vestiging", "Kanaal"],
    "partners": ["Partner", "Soort", "Gemeente", "Start"],
    "vestigingen": ["Vestiging", "Gemeente"],
    "openingstijden": ["Vestiging", "Weekdag", "Open", "Sluit", "Geldig vanaf"],
    "sluitingsdagen": ["Vestiging", "Datum"],
    "digitaal": ["Maand", "Gemeente", "Dienst", "Gebruik"],
    "bevolking": ["Jaar", "Gemeente", "Leeftijd", "Aantal"],
}
TABLE_SOURCES = list(REQUIRED_COLUMNS)
ACTION_WORDS = {"uitlening": "1", "inname": "2", "verlenging": "3"}
WEEKDAYS = ["maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag"]


# --- reading the exports back --------------------------------------------------------------


def normalised(name: object) -> str:
    """A header name without accents, surrounding spaces or case."""
    ascii_name = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return ascii_name.strip().casefold()


def decode(raw: bytes) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        return raw.decode("cp1252")


def delimiter_of(text: str) -> str:
    header = text.splitlines()[0]
    return max([";", "\t", ","], key=header.count)


def read_export(path: Path) -> pd.DataFrame:
    """One export as text columns, header names normalised, empty trailing columns dropped."""
    if path.suffix == ".xlsx":
        rows = list(openpyxl.load_workbook(path, read_only=True).active.iter_rows(values_only=True))
        header_at = next(i for i, row in enumerate(rows) if row and "Datum" in row)
        frame = pd.DataFrame(rows[header_at + 1 :], columns=rows[header_at])
    else:
        text = decode(path.read_bytes())
        frame = pd.read_csv(
            io.StringIO(text), sep=delimiter_of(text), dtype=str, keep_default_na=False
        )
    frame.columns = [normalised(c) for c in frame.columns]
    return frame.loc[:, [c for c in frame.columns if c and not c.startswith("unnamed")]]


def export_files(raw: Path, source: str) -> list[Path]:
    return sorted(path for path in (raw / source).rglob("*") if path.is_file())


def read_source(raw: Path, source: str) -> pd.DataFrame:
    return pd.concat([read_export(p) for p in export_files(raw, source)], ignore_index=True)


def parse_dates(values: pd.Series) -> pd.Series:
    """Dates in jjjj-mm-dd, dd-mm-jjjj or d-m-jjjj (or Excel dates); NaT when invalid or empty."""
    as_text = values.map(lambda v: v.strftime("%Y-%m-%d") if hasattr(v, "strftime") else str(v))
    iso = pd.to_datetime(as_text, format="%Y-%m-%d", errors="coerce")
    day_first = pd.to_datetime(as_text, format="%d-%m-%Y", errors="coerce")
    return iso.fillna(day_first)


def numbers(values: pd.Series) -> pd.Series:
    return pd.to_numeric(values.astype(str).str.replace(",", "."), errors="coerce")


def circulation(raw: Path) -> pd.DataFrame:
    """Circulation actions of all loan exports: actions as codes, dates parsed, duplicates gone."""
    actions = read_source(raw, "uitleenacties")
    actions["actie"] = actions["actie"].replace(ACTION_WORDS)
    actions["datum"] = parse_dates(actions["datum"])
    return actions.drop_duplicates()


def valid_actions(actions: pd.DataFrame) -> pd.DataFrame:
    known = actions["actie"].isin(["1", "2", "3"]) & actions["vestiging"].isin(BRANCHES)
    return actions[known & actions["datum"].notna()]


def running_on(subscriptions: pd.DataFrame, day: pd.Timestamp) -> pd.DataFrame:
    start = parse_dates(subscriptions["ingangsdatum"])
    end = parse_dates(subscriptions["einddatum"])
    return subscriptions[(start <= day) & (end.isna() | (end >= day))]


def heemstede_hours(raw: Path) -> pd.DataFrame:
    hours = read_source(raw, "openingstijden").query("vestiging == 'Heemstede'").copy()
    hours["geldig vanaf"] = parse_dates(hours["geldig vanaf"])
    return hours


# --- fixtures -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def heemstede(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, dict[str, int]]:
    """One year of Heemstede at scale 1: the volumes of the brief."""
    raw = tmp_path_factory.mktemp("heemstede") / "raw"
    return raw, generate_demo(raw, until=UNTIL, years=1, branches=["Heemstede"])


@pytest.fixture(scope="module")
def raw(heemstede: tuple[Path, dict[str, int]]) -> Path:
    return heemstede[0]


@pytest.fixture(scope="module")
def actions(raw: Path) -> pd.DataFrame:
    return circulation(raw)


@pytest.fixture(scope="module")
def small_runs(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Two small runs with the same arguments and one with another seed."""
    root = tmp_path_factory.mktemp("small")
    arguments = {
        "until": date(2025, 12, 31),
        "years": 2,
        "scale": 0.05,
        "branches": ["Zandvoort", "Heemstede"],
    }
    runs = {"first": 7, "again": 7, "other seed": 8}
    for name, seed in runs.items():
        generate_demo(root / name, seed=seed, **arguments)
    return {name: root / name for name in runs}


def relative_files(root: Path) -> list[Path]:
    return sorted(p.relative_to(root) for p in root.rglob("*") if p.is_file())


# --- every source, every required column --------------------------------------------------


def test_every_source_of_the_contract_has_a_file(raw: Path) -> None:
    for source in [*TABLE_SOURCES, "toelichting"]:
        assert export_files(raw, source), source


def test_every_file_has_the_required_columns(raw: Path) -> None:
    for source, required in REQUIRED_COLUMNS.items():
        for path in export_files(raw, source):
            header = set(read_export(path).columns)
            missing = {name for name in required if normalised(name) not in header}
            assert not missing, (path.name, missing)


def test_returned_counts_are_the_rows_written(heemstede: tuple[Path, dict[str, int]]) -> None:
    raw, counts = heemstede
    for source in TABLE_SOURCES:
        assert counts[source] == len(read_source(raw, source)), source
    sections = sum(p.read_text().count("\n## ") for p in export_files(raw, "toelichting"))
    assert counts["toelichting"] == sections


def test_reference_files_list_all_nine_branches(raw: Path) -> None:
    branches = read_source(raw, "vestigingen")
    assert dict(zip(branches["vestiging"], branches["gemeente"], strict=True)) == BRANCHES
    assert set(read_source(raw, "openingstijden")["vestiging"]) == set(BRANCHES)


# --- determinism -----------------------------------------------------------------------------


def test_same_arguments_give_byte_identical_files(small_runs: dict[str, Path]) -> None:
    first, again = small_runs["first"], small_runs["again"]
    assert relative_files(first) == relative_files(again)
    for name in relative_files(first):
        assert (first / name).read_bytes() == (again / name).read_bytes(), name


def test_another_seed_gives_other_data(small_runs: dict[str, Path]) -> None:
    first, other = small_runs["first"], small_runs["other seed"]
    for source in ["uitleenacties", "abonnementen", "collectie", "activiteiten", "ido"]:
        for name in relative_files(first / source):
            assert (first / source / name).read_bytes() != (other / source / name).read_bytes()


def test_branch_order_does_not_matter(tmp_path: Path, small_runs: dict[str, Path]) -> None:
    generate_demo(
        tmp_path,
        until=date(2025, 12, 31),
        years=2,
        scale=0.05,
        seed=7,
        branches=["Heemstede", "Zandvoort"],
    )
    first = small_runs["first"]
    for name in relative_files(first):
        assert (first / name).read_bytes() == (tmp_path / name).read_bytes(), name


def test_a_new_run_replaces_the_files_of_an_earlier_one(tmp_path: Path) -> None:
    generate_demo(tmp_path, until=date(2024, 12, 31), years=2, scale=0.02, branches=["Zandvoort"])
    generate_demo(tmp_path, until=date(2025, 6, 30), years=1, scale=0.02, branches=["Zandvoort"])
    assert len(export_files(tmp_path, "uitleenacties")) == 2
    dates = circulation(tmp_path)["datum"].dropna()
    assert dates.min() >= pd.Timestamp("2024-07-01")


def test_sessions_carry_the_goal_ids_of_the_agreement_in_force_on_their_day(tmp_path: Path) -> None:
    from bibanalyse.agreements import agreement_for

    generate_demo(tmp_path, until=date(2024, 6, 30), years=1, branches=["Heemstede"])
    sessions = read_source(tmp_path, "activiteiten")
    days = parse_dates(sessions["datum"])
    tags = sessions["prestatieafspraak"].astype(str).str.replace(",", ";").str.split(";")
    for before, period in ((True, "2023-H2"), (False, "2024-H1")):
        chosen = tags[(days < pd.Timestamp("2024-01-01")) == before].explode().str.strip()
        goals = {goal.id for goal in agreement_for("Heemstede", period).goals}
        assert set(chosen) <= goals, (period, set(chosen) - goals)
    earlier = set(tags[days < pd.Timestamp("2024-01-01")].explode().str.strip())
    assert {"1.5", "1.6", "1.7", "1.8", "2.3", "3.3", "4.4", "5.2"} <= earlier  # 2020 only


# --- volumes for one year of Heemstede -----------------------------------------------------


def test_loans_renewals_and_returns_per_year(actions: pd.DataFrame) -> None:
    counts = valid_actions(actions)["actie"].value_counts()
    assert 100_000 <= counts["1"] <= 120_000
    assert 0.27 <= counts["3"] / counts["1"] <= 0.33
    assert 0.85 * counts["1"] <= counts["2"] <= counts["1"]


def test_youth_items_are_mostly_lent_to_youth_members(actions: pd.DataFrame) -> None:
    loans = valid_actions(actions).query("actie == '1'")
    youth_item = loans["plaatsing"].isin(YOUTH_SHELVES) | loans["plaatsing"].str.startswith("J")
    youth_member = loans["abonnement"].str.contains("Jeugd")
    assert 0.45 <= youth_item.mean() <= 0.6
    assert youth_member[youth_item].mean() > 0.7
    assert youth_member[~youth_item].mean() < 0.15


def test_loaned_items_come_from_the_collection(raw: Path, actions: pd.DataFrame) -> None:
    items = read_source(raw, "collectie").set_index("exemplaarnummer")
    loans = valid_actions(actions).query("actie == '1'")
    shelf = items["plaatsing"].reindex(loans["exemplaarnummer"])
    assert shelf.notna().all()
    assert (shelf.to_numpy() == loans["plaatsing"].to_numpy()).all()


def test_members_and_their_youth_share(raw: Path) -> None:
    subscriptions = read_source(raw, "abonnementen")
    for day in (FIRST_DAY, LAST_DAY):
        running = running_on(subscriptions, day)
        members = running["lenersnummer"].nunique()
        youth = running.loc[running["abonnement"].str.contains("Jeugd"), "lenersnummer"].nunique()
        assert 6_500 <= members <= 7_500
        assert 0.54 <= youth / members <= 0.60


def test_members_leave_and_join_at_about_ten_percent_a_year(raw: Path) -> None:
    subscriptions = read_source(raw, "abonnementen")
    at_start = set(running_on(subscriptions, FIRST_DAY)["lenersnummer"])
    at_end = set(running_on(subscriptions, LAST_DAY)["lenersnummer"])
    assert 0.06 <= len(at_start - at_end) / len(at_start) <= 0.14
    assert 0.06 <= len(at_end - at_start) / len(at_end) <= 0.14


def test_subscriptions_from_before_the_window_and_conversions_at_18(raw: Path) -> None:
    subscriptions = read_source(raw, "abonnementen")
    started = parse_dates(subscriptions["ingangsdatum"])
    assert (started < FIRST_DAY).mean() > 0.7
    per_member = subscriptions.groupby("lenersnummer")["abonnement"].agg(set)
    converted = per_member.map(lambda kinds: "Jeugd 0-17" in kinds and len(kinds) > 1)
    assert converted.sum() > 100


def test_collection_size_and_youth_share(raw: Path) -> None:
    items = read_source(raw, "collectie")
    acquired = parse_dates(items["aanschafdatum"])
    discarded = parse_dates(items["afvoerdatum"])
    held = items[(acquired <= LAST_DAY) & discarded.isna()]
    youth = held["plaatsing"].isin(YOUTH_SHELVES) | held["plaatsing"].str.startswith("J")
    assert 42_000 <= len(held) <= 48_000
    assert 0.32 <= youth.mean() <= 0.38
    assert discarded.between(FIRST_DAY, LAST_DAY).sum() > 2_000
    assert acquired.between(FIRST_DAY, LAST_DAY).sum() > 2_000


def test_activities_and_participants(raw: Path) -> None:
    sessions = read_source(raw, "activiteiten")
    sessions = sessions[sessions["vestiging"] == "Heemstede"]
    participants = numbers(sessions["aantal deelnemers"]).clip(lower=0)
    classes = numbers(sessions["aantal klassen"])
    reached = participants.sum() + (classes[participants.isna()] * CLASS_SIZE).sum()
    assert 340 <= len(sessions) <= 460
    assert 5_000 <= reached <= 7_200


def test_class_visits_are_registered_in_classes_and_only_in_school_weeks(raw: Path) -> None:
    sessions = read_source(raw, "activiteiten")
    visits = sessions[sessions["soort"] == "Klassenbezoek"]
    assert len(visits) > 50
    assert numbers(visits["aantal deelnemers"]).isna().all()
    assert numbers(visits["aantal klassen"]).between(1, 3).all()
    summer = parse_dates(visits["datum"]).between("2024-07-22", "2024-08-16")
    assert not summer.any()


def test_activity_tags_follow_the_kind(raw: Path) -> None:
    sessions = read_source(raw, "activiteiten")
    goals = sessions["prestatieafspraak"].astype(str).str.split(r"[;,]\s*", regex=True)
    for kind, goal in [
        ("Voorlezen", "1.2"),
        ("Taalsoos", "1.4"),
        ("Digicafé", "2.2"),
        ("Klik & Tik", "2.2"),
        ("Presentatie", "3.2"),
    ]:
        assert goals[sessions["soort"] == kind].map(lambda ids, g=goal: g in ids).all(), kind
    community = sessions["community"].notna() & (sessions["community"] != "")
    assert goals[community].map(lambda ids: "2.1" in ids).all()
    assert goals.map(len).max() >= 2
    assert set(goals.explode()) - {"nan"} <= GOAL_IDS
    assert set(sessions["kernfunctie"]) <= {
        "Kennis en informatie",
        "Ontwikkeling en educatie",
        "Lezen en literatuur",
        "Ontmoeting en debat",
        "Kunst en cultuur",
    }


def test_ido_communication_and_partners(raw: Path) -> None:
    assert 240 <= len(read_source(raw, "ido")) <= 360
    assert 120 <= len(read_source(raw, "communicatie")) <= 180
    partners = read_source(raw, "partners")
    start, end = parse_dates(partners["start"]), parse_dates(partners["einde"])
    running = (start <= LAST_DAY) & (end.isna() | (end >= LAST_DAY))
    assert 30 <= running.sum() <= 40
    assert end.notna().any()


def test_heemstede_is_open_55_to_57_hours_with_a_change_inside_the_window(raw: Path) -> None:
    hours = heemstede_hours(raw)
    for _, week in hours.groupby("geldig vanaf"):
        open_ = pd.to_timedelta(week["open"] + ":00")
        close = pd.to_timedelta(week["sluit"] + ":00")
        assert pd.Timedelta(hours=55) <= (close - open_).sum() <= pd.Timedelta(hours=57)
    valid_from = sorted(set(hours["geldig vanaf"]))
    assert valid_from[0] < FIRST_DAY < valid_from[1] <= LAST_DAY


def test_visitors_are_counted_every_open_hour_on_one_open_day_in_seven(raw: Path) -> None:
    counts = read_source(raw, "bezoekerstellingen")  # Heemstede only, some rows misspelled
    hours = heemstede_hours(raw)
    counted = counts.assign(datum=parse_dates(counts["datum"]), uur=numbers(counts["uur"]))
    days = counted.groupby("datum")["uur"].agg(lambda h: sorted(h.astype(int)))
    assert 35 <= len(days) <= 55  # about 300 open days a year
    for day, counted_hours in days.items():
        in_force = hours[hours["geldig vanaf"] <= day]
        in_force = in_force[in_force["geldig vanaf"] == in_force["geldig vanaf"].max()]
        weekday = in_force[in_force["weekdag"] == WEEKDAYS[day.day_of_week]].iloc[0]
        first = int(weekday["open"][:2])
        last = int(weekday["sluit"][:2]) - (weekday["sluit"][3:] == "00")
        expected = set(range(first, last + 1))
        # One row per open hour; a spoiled row says Uur 24 instead.
        assert len(counted_hours) == len(expected), day
        assert set(counted_hours) - {24} <= expected, day


def test_visits_are_busier_in_the_afternoon_and_on_saturday(raw: Path) -> None:
    counts = read_source(raw, "bezoekerstellingen").query("vestiging == 'Heemstede'")
    visitors = numbers(counts["bezoekers"])
    hour = numbers(counts["uur"])
    weekday = parse_dates(counts["datum"]).dt.day_of_week
    assert visitors[hour.between(14, 16)].mean() > 1.3 * visitors[hour == 9].mean()
    assert visitors[weekday == 5].mean() > visitors[weekday < 5].mean()
    workplaces = numbers(counts["beschikbare werkplekken"])
    assert workplaces.between(40, 60).all()


def test_population_per_age_group_for_every_year_of_the_period(raw: Path) -> None:
    population = read_source(raw, "bevolking")
    heemstede = population[population["gemeente"] == "Heemstede"]
    in_2024 = heemstede[heemstede["jaar"] == "2024"].set_index("leeftijd")["aantal"].astype(int)
    assert 27_000 <= in_2024.sum() <= 28_600
    assert 5_700 <= in_2024[["0-3", "4-11", "12-17"]].sum() <= 6_300
    # one year before the window (the comparisons need it) up to the year of its last day
    assert sorted(set(population["jaar"])) == ["2023", "2024", "2025"]


def test_narratives_per_half_year_with_goals_left_out(raw: Path) -> None:
    files = export_files(raw, "toelichting")
    assert [p.relative_to(raw / "toelichting").as_posix() for p in files] == [
        "Heemstede/2024-H2.md",
        "Heemstede/2025-H1.md",
    ]
    headings = [
        {line[3:] for line in p.read_text().splitlines() if line.startswith("## ")} for p in files
    ]
    assert all(goals <= GOAL_IDS for goals in headings)
    assert any(goals != GOAL_IDS for goals in headings)


# --- calendar ----------------------------------------------------------------------------


def test_nothing_is_dated_after_until(raw: Path) -> None:
    date_columns = [
        "datum",
        "ingangsdatum",
        "einddatum",
        "geboortedatum",
        "aanschafdatum",
        "afvoerdatum",
        "start",
        "einde",
        "geldig vanaf",
    ]
    for source in TABLE_SOURCES:
        frame = read_source(raw, source)
        for column in set(date_columns) & set(frame.columns):
            assert (parse_dates(frame[column]).dropna() <= LAST_DAY).all(), (source, column)
    assert read_source(raw, "digitaal")["maand"].max() <= f"{UNTIL:%Y-%m}"


def test_no_actions_on_closed_days_except_online_renewals(raw: Path, actions: pd.DataFrame) -> None:
    closures = read_source(raw, "sluitingsdagen").query("vestiging == 'Heemstede'")
    closed = set(parse_dates(closures["datum"]))
    assert {"Koningsdag", "Eerste Kerstdag", "Tweede Pinksterdag"} <= set(closures["reden"])
    valid = valid_actions(actions)
    on_closed_day = valid["datum"].isin(closed) | (valid["datum"].dt.day_of_week == 6)
    assert on_closed_day.sum() > 0
    assert (valid.loc[on_closed_day, "bron"] == "I").all()
    assert (valid.loc[on_closed_day, "actie"] == "3").all()


def test_counter_actions_fall_within_that_days_opening_hours(
    raw: Path, actions: pd.DataFrame
) -> None:
    hours = heemstede_hours(raw)
    at_branch = valid_actions(actions).query("bron != 'I'")
    valid_from = np.sort(hours["geldig vanaf"].unique())
    in_force = valid_from[np.searchsorted(valid_from, at_branch["datum"].to_numpy(), "right") - 1]
    keyed = at_branch.assign(
        **{
            "geldig vanaf": in_force,
            "weekdag": at_branch["datum"].dt.day_of_week.map(WEEKDAYS.__getitem__),
        }
    )
    timed = keyed.merge(hours, on=["vestiging", "weekdag", "geldig vanaf"], how="left")
    assert len(timed) == len(at_branch) and timed["open"].notna().all()
    assert ((timed["tijd"] >= timed["open"]) & (timed["tijd"] < timed["sluit"])).all()


# --- the mess ------------------------------------------------------------------------------


def test_a_windows_1252_file_with_semicolons(raw: Path) -> None:
    found = []
    for path in export_files(raw, "ido") + export_files(raw, "communicatie"):
        content = path.read_bytes()
        try:
            content.decode("utf-8")
        except UnicodeDecodeError:
            text = content.decode("cp1252")
            found.append(path)
            assert delimiter_of(text) == ";"
            assert "é" in text or "ë" in text
    assert found


def test_the_activity_register_is_excel_with_a_title_row(raw: Path) -> None:
    workbooks = export_files(raw, "activiteiten")
    assert workbooks and all(p.suffix == ".xlsx" for p in workbooks)
    for path in workbooks:
        rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
        assert str(rows[0][0]).startswith("Activiteitenregistratie Bibliotheek Zuid-Kennemerland")
        assert all(cell is None for cell in rows[1])
        assert rows[2][0] == "Datum"


def test_loan_exports_overlap_in_different_formats(raw: Path) -> None:
    files = export_files(raw, "uitleenacties")
    assert len(files) >= 2
    texts = [decode(p.read_bytes()) for p in files]
    assert files[0].read_bytes().startswith(b"\xef\xbb\xbf")
    assert len({delimiter_of(t) for t in texts}) == len(files)
    first_dates = [t.splitlines()[1].split(delimiter_of(t))[0] for t in texts]
    assert first_dates[0][4] == "-" and first_dates[1][2] == "-"  # jjjj-mm-dd, dd-mm-jjjj
    headers = [[c for c in t.splitlines()[0].split(delimiter_of(t))] for t in texts]
    assert headers[0] != headers[1]
    assert [normalised(c) for c in headers[0]] == [normalised(c) for c in headers[1]]
    frames = []
    for path in files[:2]:
        frame = read_export(path)
        frame["actie"] = frame["actie"].replace(ACTION_WORDS)
        frame["datum"] = parse_dates(frame["datum"])
        frames.append(frame)
    assert "uitlening" in set(read_export(files[1])["actie"])
    overlap_start = frames[1]["datum"].min()
    overlap_end = frames[0]["datum"].max()
    assert overlap_end > overlap_start + pd.Timedelta(days=60)
    in_first = frames[0][frames[0]["datum"].between(overlap_start, overlap_end)]
    in_second = frames[1][frames[1]["datum"].between(overlap_start, overlap_end)]
    shared = in_first.merge(in_second, how="inner")
    assert len(shared) > 0.99 * min(len(in_first), len(in_second))


def test_loan_exports_hold_a_few_invalid_rows(raw: Path) -> None:
    for path in export_files(raw, "uitleenacties"):
        frame = read_export(path)
        invalid = {
            "impossible date": (parse_dates(frame["datum"]).isna()).sum(),
            "unknown branch": (frame["vestiging"] == "Haarlem Centrumm").sum(),
            "unknown action": (frame["actie"] == "7").sum(),
        }
        assert all(count >= 2 for count in invalid.values()), (path.name, invalid)
        assert 0.0005 <= sum(invalid.values()) / len(frame) <= 0.002


def test_other_sources_hold_invalid_rows(raw: Path) -> None:
    sessions = read_source(raw, "activiteiten")
    assert (numbers(sessions["aantal deelnemers"]) == -5).any()
    assert (sessions["vestiging"] == "Haarlem Centrumm").any()
    assert (sessions["datum"].astype(str).str.startswith("31-02-")).any()
    counts = read_source(raw, "bezoekerstellingen")
    assert (numbers(counts["bezoekers"]) == -1).any()
    assert (numbers(counts["uur"]) == 24).any()
    subscriptions = read_source(raw, "abonnementen")
    assert parse_dates(subscriptions["geboortedatum"]).isna().sum() >= 2


def test_tabs_trailing_columns_blank_lines_and_decimal_commas(raw: Path) -> None:
    counts_file = export_files(raw, "bezoekerstellingen")[0]
    lines = counts_file.read_text().splitlines()
    assert lines[0].endswith("\t\t") and lines[1].count("\t") == 7
    occupied = read_export(counts_file)["bezette werkplekken"]
    assert occupied.str.contains(",").any()
    ido_text = decode(export_files(raw, "ido")[0].read_bytes())
    assert "\r\n\r\n" in ido_text
    communication = decode(export_files(raw, "communicatie")[0].read_bytes())
    assert communication.splitlines()[0].endswith(";;;")


# --- arguments ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("arguments", "message"),
    [
        ({"branches": ["Heemstede", "Haarlem Centrumm"]}, "Haarlem Centrumm"),
        ({"branches": "Heemstede"}, "not the string 'Heemstede'"),
        ({"years": 0}, "years"),
        ({"scale": 0}, "scale"),
        ({"until": "2025-06-30"}, "until"),
    ],
)
def test_bad_arguments_are_refused(tmp_path: Path, arguments: dict, message: str) -> None:
    call = {"until": UNTIL, **arguments}
    with pytest.raises(ValueError, match=message):
        generate_demo(tmp_path, **call)
    assert not any(tmp_path.iterdir())


def test_scale_multiplies_volumes(tmp_path: Path) -> None:
    counts = {
        scale: generate_demo(
            tmp_path / str(scale), until=UNTIL, years=1, scale=scale, branches=["Bloemendaal"]
        )
        for scale in (0.1, 0.4)
    }
    for source in ("abonnementen", "collectie", "uitleenacties"):
        assert np.isclose(counts[0.4][source] / counts[0.1][source], 4, rtol=0.1), source
