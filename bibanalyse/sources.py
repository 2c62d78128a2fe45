"""The raw exports of the data contract as code: each source, its columns and their kinds.

A column's ``kind`` says how its text is parsed (see ``bibanalyse.cleaning.columns``):
``text`` is kept as it is, as is an ``identifier`` (an item's or title's number: about as
many values as rows, where text has few); ``headers`` are the export's own names, matched
after ``normalise_header``.
"""

from __future__ import annotations

import unicodedata
from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str  # the processed (clean) name
    headers: tuple[str, ...]  # the export's names for it
    kind: str
    required: bool = False


@dataclass(frozen=True)
class Source:
    name: str
    columns: tuple[Column, ...]
    event_date: str | None = None  # the column dating each row's event: not in the future

    @property
    def required(self) -> tuple[Column, ...]:
        return tuple(column for column in self.columns if column.required)

    def column_for_header(self, header: str) -> Column | None:
        """The column an export's header names, or None for a column the contract ignores."""
        wanted = normalise_header(header)
        for column in self.columns:
            if wanted in (normalise_header(alias) for alias in column.headers):
                return column
        return None


def normalise_header(name: object) -> str:
    """A header as compared: no accents, lower case, single spaces.

    >>> normalise_header("  Aantal_Deelnemers ")
    'aantal deelnemers'
    >>> normalise_header("Geboortedätum")
    'geboortedatum'
    """
    text = unicodedata.normalize("NFKD", str(name)).encode("ascii", "ignore").decode()
    return " ".join(text.replace("_", " ").lower().split())


def _col(name: str, kind: str, *headers: str, required: bool = False) -> Column:
    return Column(name, headers or (name,), kind, required)


def _req(name: str, kind: str, *headers: str) -> Column:
    return _col(name, kind, *headers, required=True)


SOURCES: dict[str, Source] = {
    source.name: source
    for source in (
        Source(
            "vestigingen",
            (_req("vestiging", "text", "Vestiging"), _req("gemeente", "text", "Gemeente")),
        ),
        Source(
            "uitleenacties",
            (
                _req("datum", "date", "Datum"),
                _col("tijd", "time", "Tijd"),
                _req("actie", "action", "Actie"),
                _col("bron", "channel", "Bron"),
                _req("vestiging", "branch", "Vestiging"),
                _req("exemplaarnummer", "identifier", "Exemplaarnummer"),
                _col("titelnummer", "identifier", "Titelnummer"),
                _col("materiaal", "text", "Materiaal"),
                _req("plaatsing", "text", "Plaatsing"),
                _req("lener", "member", "Lenersnummer"),
                _col("abonnement", "text", "Abonnement"),
            ),
            event_date="datum",
        ),
        Source(
            "abonnementen",
            (
                _req("lener", "member", "Lenersnummer"),
                _req("geboortejaar", "birthdate", "Geboortedatum"),
                _col("postcode4", "postcode", "Postcode"),
                _col("woonplaats", "text", "Woonplaats"),
                _req("vestiging", "branch", "Vestiging"),
                _req("abonnement", "text", "Abonnement"),
                _req("ingangsdatum", "date", "Ingangsdatum"),
                _col("einddatum", "date", "Einddatum"),
            ),
        ),
        Source(
            "collectie",
            (
                _req("exemplaarnummer", "identifier", "Exemplaarnummer"),
                _col("titelnummer", "identifier", "Titelnummer"),
                _req("vestiging", "branch", "Vestiging"),
                _req("plaatsing", "text", "Plaatsing"),
                _col("materiaal", "text", "Materiaal"),
                _req("aanschafdatum", "date", "Aanschafdatum"),
                _col("afvoerdatum", "date", "Afvoerdatum"),
            ),
        ),
        Source(
            "activiteiten",
            (
                _req("datum", "date", "Datum"),
                _req("titel", "text", "Titel"),
                _req("soort", "text", "Soort"),
                _col("kernfunctie", "text", "Kernfunctie"),
                _req("prestatieafspraken", "goals", "Prestatieafspraak", "Prestatieafspraken"),
                _col("doelgroep", "text", "Doelgroep"),
                _col("locatie", "text", "Locatie"),
                _col("partners", "list", "Partners"),
                _col("community", "text", "Community"),
                _col("aantal_deelnemers", "count", "Aantal deelnemers"),
                _col("aantal_klassen", "count", "Aantal klassen"),
                _req("vestiging", "branch", "Vestiging"),
            ),
            event_date="datum",
        ),
        Source(
            "bezoekerstellingen",
            (
                _req("vestiging", "branch", "Vestiging"),
                _req("datum", "date", "Datum"),
                _req("uur", "count", "Uur"),
                _req("bezoekers", "count", "Bezoekers"),
                _col("bezette_werkplekken", "number", "Bezette werkplekken"),
                _col("beschikbare_werkplekken", "count", "Beschikbare werkplekken"),
            ),
            event_date="datum",
        ),
        Source(
            "ido",
            (
                _req("datum", "date", "Datum"),
                _req("vestiging", "branch", "Vestiging"),
                _req("onderwerp", "text", "Onderwerp"),
                _col("organisatie", "text", "Organisatie"),
                _col("soort_vraag", "text", "Soort vraag"),
                _col("doorverwezen_naar", "text", "Doorverwezen naar"),
            ),
            event_date="datum",
        ),
        Source(
            "communicatie",
            (
                _req("datum", "date", "Datum"),
                _req("vestiging", "branch", "Vestiging"),
                _req("kanaal", "text", "Kanaal"),
                _col("onderwerp", "text", "Onderwerp"),
                _col("prestatieafspraken", "goals", "Prestatieafspraak", "Prestatieafspraken"),
                _col("bereik", "count", "Bereik"),
            ),
            event_date="datum",
        ),
        Source(
            "partners",
            (
                _req("partner", "text", "Partner"),
                _req("soort", "text", "Soort"),
                _req("gemeente", "municipality", "Gemeente"),
                _req("start", "date", "Start"),
                _col("einde", "date", "Einde"),
                _col("prestatieafspraken", "goals", "Prestatieafspraken", "Prestatieafspraak"),
            ),
        ),
        Source(
            "openingstijden",
            (
                _req("vestiging", "branch", "Vestiging"),
                _req("weekdag", "weekday", "Weekdag"),
                _req("open", "clock", "Open"),
                _req("sluit", "clock", "Sluit"),
                _req("geldig_vanaf", "date", "Geldig vanaf"),
            ),
        ),
        Source(
            "sluitingsdagen",
            (
                _req("vestiging", "branch", "Vestiging"),
                _req("datum", "date", "Datum"),
                _col("reden", "text", "Reden"),
            ),
        ),
        Source(
            "digitaal",
            (
                _req("maand", "month", "Maand"),
                _req("gemeente", "municipality", "Gemeente"),
                _req("dienst", "text", "Dienst"),
                _req("gebruik", "count", "Gebruik"),
            ),
            event_date="maand",
        ),
        Source(
            "bevolking",
            (
                _req("jaar", "year", "Jaar"),
                _req("gemeente", "municipality", "Gemeente"),
                _req("leeftijd", "age_band", "Leeftijd"),
                _req("aantal", "count", "Aantal"),
            ),
        ),
    )
}

NARRATIVES = "toelichting"  # Markdown per municipality and period; see cleaning.narratives
