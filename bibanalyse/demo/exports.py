"""Writing the generated data as the raw exports of DATA-CONTRACT.md, mess included.

Where the mess is (what the ingest step must cope with), per source folder under ``raw_dir``:

``uitleenacties/uitleenacties_<jjjj-mm>_<jjjj-mm>.csv``
    ``max(2, years)`` exports of 1.5 x (window / files) each, consecutive ones overlapping by a
    third of their length (e.g. 18 months with 6 months overlap for 3 years), so the same rows
    appear twice. The files rotate through three formats:

    1. UTF-8 with BOM, ``,``, dates ``jjjj-mm-dd``, Actie as codes 1/2/3, the contract's header;
    2. UTF-8, ``;``, CRLF line ends, dates ``dd-mm-jjjj``, Actie as words
       (uitlening/inname/verlenging), header spelled ``" Datum "``, ``tijd``, ``ACTIE``,
       ``Vestigíng``, ``TitelNummer``, ``Plaatsing `` (case, surrounding spaces, an accent);
    3. UTF-8, tab-delimited, dates ``d-m-jjjj``, Actie as codes, lower-case header.

    Invalid rows in every file (about 0.04% each, at least 2 each): an impossible date
    (31 February), the unknown branch ``Haarlem Centrumm``, the unknown action ``7``.
``abonnementen/abonnementen_<jjjjmmdd>.csv``
    UTF-8, ``;``, dates ``dd-mm-jjjj``, Einddatum empty while running. Invalid: an impossible
    Geboortedatum, the unknown branch.
``collectie/collectie_<jjjjmmdd>.csv``
    UTF-8, ``,``, dates ``jjjj-mm-dd``, Afvoerdatum empty while held. Invalid: an impossible
    Aanschafdatum, the unknown branch.
``activiteiten/activiteitenregistratie_<jjjj>.xlsx``
    One workbook per calendar year: a title row ("Activiteitenregistratie Bibliotheek
    Zuid-Kennemerland 2024"), a blank row, then the header. Datum is an Excel date, but about
    3% of dates were typed as text ``d-m-jjjj``. Aantal deelnemers is empty for Klassenbezoek
    (Aantal klassen is given). Invalid: Aantal deelnemers -5, the unknown branch, the text date
    ``31-02-<jjjj>``.
``bezoekerstellingen/tellingen_<jjjj>.csv``
    Tab-delimited UTF-8, dates ``dd-mm-jjjj``, Bezette werkplekken with a decimal comma
    (``12,5``), two trailing empty columns. Invalid: Bezoekers -1, Uur 24, the unknown branch.
``ido/ido_vragen_<jjjj>.csv``
    Windows-1252 (``Digicafé``), ``;``, CRLF, dates ``d-m-jjjj``, blank lines between rows.
    Invalid: an impossible date, the unknown branch.
``communicatie/communicatie_<jjjjmmdd>_<jjjjmmdd>.csv``
    Windows-1252 (``Poëzieweek``, ``Kinderboekenweek – ...``), ``;``, CRLF, dates
    ``dd-mm-jjjj``, three trailing empty columns, Bereik empty for posters. Invalid: an
    impossible date, the unknown branch.
``partners/partnerregister.csv``
    UTF-8, ``,``, dates ``jjjj-mm-dd``, Einde empty while running, goal ids separated by ``;``
    or ``,`` (the latter quoted). Invalid: one impossible Start.
``vestigingen/vestigingen.csv``, ``sluitingsdagen/sluitingsdagen.csv``, ``bevolking/bevolking.csv``
    UTF-8, ``;`` (sluitingsdagen: dates ``dd-mm-jjjj``). No invalid rows: reference data. The
    latest year is missing from bevolking.
``openingstijden/openingstijden.csv``, ``digitaal/digitaal.csv``
    UTF-8, ``,``, Geldig vanaf ``jjjj-mm-dd``; Maand ``jjjj-mm``.
``toelichting/Heemstede/<jjjj>-H<n>.md``
    Markdown, some periods without a section for one or two goals.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

import numpy as np

from bibanalyse.formatting import WEEKDAYS

from .circulation import SOURCES, Circulation
from .collection import MATERIALS, SHELF_MATERIAL, SHELVES, Collection
from .formats import (
    NO_DAY,
    Codes,
    CsvFormat,
    Days,
    Frame,
    clock_codes,
    format_date,
    impossible_date,
    n_rows,
    take_rows,
    with_dates,
    write_csv,
    write_xlsx,
)
from .members import SUBSCRIPTIONS, Members
from .mess import Spoiler
from .opening import Closure, HoursSet
from .organisation import BRANCH_NAMES, BRANCHES, UNKNOWN_BRANCH
from .partners import Partner
from .window import Window, add_months

SOURCES_IN_CONTRACT = (
    "uitleenacties",
    "abonnementen",
    "collectie",
    "activiteiten",
    "bezoekerstellingen",
    "ido",
    "communicatie",
    "partners",
    "vestigingen",
    "openingstijden",
    "sluitingsdagen",
    "digitaal",
    "bevolking",
    "toelichting",
)
# Files a previous demo run may have left that a new run with other arguments would not
# overwrite; they are removed first so the folder holds one consistent demo.
DEMO_FILE_PATTERNS = {
    "uitleenacties": "uitleenacties_*.csv",
    "abonnementen": "abonnementen_*.csv",
    "collectie": "collectie_*.csv",
    "activiteiten": "activiteitenregistratie_*.xlsx",
    "bezoekerstellingen": "tellingen_*.csv",
    "ido": "ido_vragen_*.csv",
    "communicatie": "communicatie_*.csv",
}
LOAN_HEADER = (
    "Datum",
    "Tijd",
    "Actie",
    "Bron",
    "Vestiging",
    "Exemplaarnummer",
    "Titelnummer",
    "Materiaal",
    "Plaatsing",
    "Lenersnummer",
    "Abonnement",
)


@dataclass(frozen=True)
class LoanStyle:
    csv: CsvFormat
    dates: str
    actions: tuple[str, str, str]  # how loan, return and renewal are written
    header: tuple[str, ...]


LOAN_STYLES = (
    LoanStyle(CsvFormat(",", "utf-8-sig"), "jjjj-mm-dd", ("1", "2", "3"), LOAN_HEADER),
    LoanStyle(
        CsvFormat(";", "utf-8", eol="\r\n"),
        "dd-mm-jjjj",
        ("uitlening", "inname", "verlenging"),
        (
            " Datum ",
            "tijd",
            "ACTIE",
            "Bron",
            "Vestigíng",
            "Exemplaarnummer",
            "TitelNummer",
            "Materiaal",
            "Plaatsing ",
            "Lenersnummer",
            "Abonnement",
        ),
    ),
    LoanStyle(
        CsvFormat("\t", "utf-8"),
        "d-m-jjjj",
        ("1", "2", "3"),
        tuple(name.lower() for name in LOAN_HEADER),
    ),
)


@dataclass(frozen=True)
class DemoData:
    window: Window
    years: int
    seed: int
    members: Members
    collection: Collection
    circulation: Circulation
    partners: list[Partner]
    activities: Frame
    visits: Frame
    ido: Frame
    communication: Frame
    hours: list[HoursSet]
    closures: list[Closure]
    population: Frame
    digital: Frame
    narratives: dict[str, str]


def write_exports(raw_dir: Path, data: DemoData) -> dict[str, int]:
    """Write every source's files under `raw_dir`; returns rows written per source."""
    _remove_previous_demo_files(raw_dir)
    writers: dict[str, Callable[[Path, DemoData], int]] = {
        "uitleenacties": _write_loans,
        "abonnementen": _write_subscriptions,
        "collectie": _write_collection,
        "activiteiten": _write_activities,
        "bezoekerstellingen": _write_visits,
        "ido": _write_ido,
        "communicatie": _write_communication,
        "partners": _write_partners,
        "vestigingen": _write_branches,
        "openingstijden": _write_hours,
        "sluitingsdagen": _write_closures,
        "digitaal": _write_digital,
        "bevolking": _write_population,
        "toelichting": _write_narratives,
    }
    return {source: writers[source](raw_dir / source, data) for source in SOURCES_IN_CONTRACT}


def _remove_previous_demo_files(raw_dir: Path) -> None:
    for source, pattern in DEMO_FILE_PATTERNS.items():
        for old in sorted((raw_dir / source).glob(pattern)):
            old.unlink()


def loan_export_ranges(window: Window, years: int) -> list[tuple[date, date]]:
    """First and last day of each loan export: ``max(2, years)`` files, overlapping.

    >>> window = Window.ending(date(2026, 6, 30), years=3)
    >>> [(f"{a:%Y-%m-%d}", f"{b:%Y-%m-%d}") for a, b in loan_export_ranges(window, 3)]
    [('2023-07-01', '2024-12-31'), ('2024-07-01', '2025-12-31'), ('2025-07-01', '2026-06-30')]
    """
    files = max(2, years)
    step = 12 * years // files
    ranges = []
    for number in range(files):
        first = add_months(window.start, number * step)
        last = add_months(window.start, (number + 1) * step + step // 2) - timedelta(days=1)
        ranges.append((first, window.until if number == files - 1 else min(last, window.until)))
    return ranges


def _write_loans(folder: Path, data: DemoData) -> int:
    window, circulation = data.window, data.circulation
    written = 0
    for number, (first, last) in enumerate(loan_export_ranges(window, data.years)):
        style = LOAN_STYLES[number % len(LOAN_STYLES)]
        in_file = (circulation.day >= window.day(first)) & (circulation.day <= window.day(last))
        frame = with_dates(_loan_frame(data, np.flatnonzero(in_file), style), window, style.dates)
        frame = Spoiler(data.seed, "uitleenacties", number).spoil(
            frame,
            {
                "Datum": impossible_date(first.year, style.dates),
                "Vestiging": UNKNOWN_BRANCH,
                "Actie": "7",
            },
        )
        path = folder / f"uitleenacties_{first:%Y-%m}_{last:%Y-%m}.csv"
        written += write_csv(path, frame, style.csv, header=style.header)
    return written


def _loan_frame(data: DemoData, rows: np.ndarray, style: LoanStyle) -> Frame:
    c, members, items = data.circulation, data.members, data.collection
    item, segment = c.item[rows], c.segment[rows]
    shelf = items.shelf[item]
    return {
        "Datum": Days(c.day[rows]),
        "Tijd": clock_codes(c.minute[rows]),
        "Actie": Codes(c.action[rows] - 1, style.actions),
        "Bron": Codes(c.source[rows], SOURCES),
        "Vestiging": Codes(c.branch[rows], BRANCH_NAMES),
        "Exemplaarnummer": items.barcode[item],
        "Titelnummer": items.title[item],
        "Materiaal": Codes(SHELF_MATERIAL[shelf], MATERIALS),
        "Plaatsing": Codes(shelf, SHELVES),
        "Lenersnummer": members.card[members.segment_person[segment]],
        "Abonnement": Codes(members.segment_subscription[segment], SUBSCRIPTIONS),
    }


def _write_subscriptions(folder: Path, data: DemoData) -> int:
    m = data.members
    person = m.segment_person
    frame: Frame = {
        "Lenersnummer": m.card[person],
        "Geboortedatum": Days(m.birth[person]),
        "Postcode": Codes(m.postcode[person], m.postcodes),
        "Woonplaats": Codes(m.woonplaats[person], m.woonplaatsen),
        "Vestiging": Codes(m.branch[person], BRANCH_NAMES),
        "Abonnement": Codes(m.segment_subscription, SUBSCRIPTIONS),
        "Ingangsdatum": Days(m.segment_start),
        "Einddatum": Days(m.segment_end),
    }
    frame = Spoiler(data.seed, "abonnementen").spoil(
        with_dates(frame, data.window, "dd-mm-jjjj"),
        {
            "Geboortedatum": impossible_date(1990, "dd-mm-jjjj"),
            "Vestiging": UNKNOWN_BRANCH,
        },
    )
    path = folder / f"abonnementen_{data.window.until:%Y%m%d}.csv"
    return write_csv(path, frame, CsvFormat(";"))


def _write_collection(folder: Path, data: DemoData) -> int:
    c = data.collection
    frame: Frame = {
        "Exemplaarnummer": c.barcode,
        "Titelnummer": c.title,
        "Vestiging": Codes(c.branch, BRANCH_NAMES),
        "Plaatsing": Codes(c.shelf, SHELVES),
        "Materiaal": Codes(SHELF_MATERIAL[c.shelf], MATERIALS),
        "Aanschafdatum": Days(c.acquired),
        "Afvoerdatum": Days(c.discarded),
    }
    frame = Spoiler(data.seed, "collectie").spoil(
        with_dates(frame, data.window, "jjjj-mm-dd"),
        {
            "Aanschafdatum": impossible_date(data.window.start.year, "jjjj-mm-dd"),
            "Vestiging": UNKNOWN_BRANCH,
        },
    )
    return write_csv(folder / f"collectie_{data.window.until:%Y%m%d}.csv", frame, CsvFormat(","))


def _calendar_years(days: Days, window: Window) -> np.ndarray:
    return window.datetime64(days.offsets).astype("datetime64[Y]").astype(np.int64) + 1970


def _per_calendar_year(frame: Frame, window: Window) -> Iterator[tuple[int, Frame]]:
    """(year, that year's rows) for each calendar year in the frame's Datum column."""
    years = _calendar_years(frame["Datum"], window)
    for year in np.unique(years).tolist():
        yield year, take_rows(frame, np.flatnonzero(years == year))


def _write_activities(folder: Path, data: DemoData) -> int:
    window = data.window
    written = 0
    for year, part in _per_calendar_year(data.activities, window):
        spoiler = Spoiler(data.seed, "activiteiten", year)
        typed_as_text = spoiler.rng.random(n_rows(part)) < 0.03
        part["Datum"] = [
            format_date(window.date_of(day), "d-m-jjjj") if text else window.date_of(day)
            for day, text in zip(part["Datum"].offsets.tolist(), typed_as_text, strict=True)
        ]
        part = spoiler.spoil(
            part,
            {
                "Aantal deelnemers": -5,
                "Vestiging": UNKNOWN_BRANCH,
                "Datum": impossible_date(year, "dd-mm-jjjj"),
            },
            minimum=1,
        )
        written += write_xlsx(
            folder / f"activiteitenregistratie_{year}.xlsx",
            part,
            title=f"Activiteitenregistratie Bibliotheek Zuid-Kennemerland {year}",
            sheet="Registratie",
            saved_at=_saved_at(window),
        )
    return written


def _saved_at(window: Window) -> datetime:
    """When the demo's exports were made: the morning after `until` (never the wall clock)."""
    return datetime.combine(window.until + timedelta(days=1), datetime.min.time()).replace(hour=8)


def _write_visits(folder: Path, data: DemoData) -> int:
    written = 0
    for year, part in _per_calendar_year(data.visits, data.window):
        part = Spoiler(data.seed, "bezoekerstellingen", year).spoil(
            with_dates(part, data.window, "dd-mm-jjjj"),
            {"Bezoekers": -1, "Uur": 24, "Vestiging": UNKNOWN_BRANCH},
            minimum=1,
        )
        fmt = CsvFormat("\t", trailing_empty_columns=2)
        written += write_csv(folder / f"tellingen_{year}.csv", part, fmt)
    return written


def _write_ido(folder: Path, data: DemoData) -> int:
    written = 0
    for year, part in _per_calendar_year(data.ido, data.window):
        part = Spoiler(data.seed, "ido", year).spoil(
            with_dates(part, data.window, "d-m-jjjj"),
            {"Datum": impossible_date(year, "d-m-jjjj"), "Vestiging": UNKNOWN_BRANCH},
            minimum=1,
        )
        fmt = CsvFormat(";", "cp1252", eol="\r\n", blank_lines=3)
        written += write_csv(folder / f"ido_vragen_{year}.csv", part, fmt)
    return written


def _write_communication(folder: Path, data: DemoData) -> int:
    window = data.window
    frame = Spoiler(data.seed, "communicatie").spoil(
        with_dates(data.communication, window, "dd-mm-jjjj"),
        {"Datum": impossible_date(window.until.year, "dd-mm-jjjj"), "Vestiging": UNKNOWN_BRANCH},
    )
    path = folder / f"communicatie_{window.start:%Y%m%d}_{window.until:%Y%m%d}.csv"
    fmt = CsvFormat(";", "cp1252", eol="\r\n", trailing_empty_columns=3)
    return write_csv(path, frame, fmt)


def _write_partners(folder: Path, data: DemoData) -> int:
    partners = data.partners
    frame: Frame = {
        "Partner": [p.name for p in partners],
        "Soort": [p.kind for p in partners],
        "Gemeente": [p.municipality for p in partners],
        "Start": Days(np.array([p.start for p in partners], dtype=np.int32)),
        "Einde": Days(
            np.array([NO_DAY if p.end is None else p.end for p in partners], dtype=np.int32)
        ),
        "Prestatieafspraken": [p.goals for p in partners],
    }
    frame = Spoiler(data.seed, "partners").spoil(
        with_dates(frame, data.window, "jjjj-mm-dd"),
        {"Start": impossible_date(data.window.start.year, "jjjj-mm-dd")},
        minimum=1,
    )
    return write_csv(folder / "partnerregister.csv", frame, CsvFormat(","))


def _write_branches(folder: Path, data: DemoData) -> int:
    frame: Frame = {"Vestiging": list(BRANCHES), "Gemeente": list(BRANCHES.values())}
    return write_csv(folder / "vestigingen.csv", frame, CsvFormat(";"))


def _write_hours(folder: Path, data: DemoData) -> int:
    rows = [
        (hours.branch, WEEKDAYS[weekday], open_, close, format_date(hours.valid_from, "jjjj-mm-dd"))
        for hours in sorted(data.hours, key=lambda h: (BRANCH_NAMES.index(h.branch), h.valid_from))
        for weekday, (open_, close) in sorted(hours.hours.items())
    ]
    names = ("Vestiging", "Weekdag", "Open", "Sluit", "Geldig vanaf")
    frame: Frame = {name: [row[i] for row in rows] for i, name in enumerate(names)}
    return write_csv(folder / "openingstijden.csv", frame, CsvFormat(","))


def _write_closures(folder: Path, data: DemoData) -> int:
    frame: Frame = {
        "Vestiging": [c.branch for c in data.closures],
        "Datum": [format_date(c.day, "dd-mm-jjjj") for c in data.closures],
        "Reden": [c.reason for c in data.closures],
    }
    return write_csv(folder / "sluitingsdagen.csv", frame, CsvFormat(";"))


def _write_digital(folder: Path, data: DemoData) -> int:
    return write_csv(folder / "digitaal.csv", data.digital, CsvFormat(","))


def _write_population(folder: Path, data: DemoData) -> int:
    return write_csv(folder / "bevolking.csv", data.population, CsvFormat(";"))


def _write_narratives(folder: Path, data: DemoData) -> int:
    """One Markdown file per period; returns the number of goal sections written."""
    (folder / "Heemstede").mkdir(parents=True, exist_ok=True)
    sections = 0
    for period, text in data.narratives.items():
        (folder / "Heemstede" / f"{period}.md").write_text(text, encoding="utf-8")
        sections += text.count("\n## ")
    return sections
