"""Pandera models of each table: raw (the export's text under the contract's names) and
clean (typed, checked). Ingest validates every raw file against ``raw_schema`` and every
cleaned file against its clean model; a row failing a clean check is rejected with the
check's message. Columns are referred to by the models' attributes elsewhere."""

from __future__ import annotations

import pandas as pd
import pandera.pandas as pa
from pandera.typing import Series

from bibanalyse.sources import SOURCES, Source

Date = Series[pa.DateTime]
Int = Series[int]
OptionalInt = Series[pd.Int64Dtype]


def raw_schema(source: Source) -> pa.DataFrameSchema:
    """The raw state of a source: its columns, the required ones present. Their type is
    not checked: the reader gives text as categoricals, and pandera would check those
    category by category."""
    return pa.DataFrameSchema(
        {
            column.name: pa.Column(None, nullable=True, required=column.required)
            for column in source.columns
        },
        name=f"raw {source.name}",
        strict=False,
    )


class _Clean(pa.DataFrameModel):
    class Config:
        strict = True
        coerce = False


class Vestigingen(_Clean):
    vestiging: Series[str] = pa.Field(unique=True)
    gemeente: Series[str]


class Uitleenacties(_Clean):
    datum: Date
    moment: Date
    actie: Series[str] = pa.Field(isin=["uitlening", "inname", "verlenging"])
    bron: Series[str] = pa.Field(isin=["selfservice", "balie", "internet"], nullable=True)
    vestiging: Series[str]
    exemplaarnummer: Series[str]
    titelnummer: Series[str] = pa.Field(nullable=True)
    materiaal: Series[str] = pa.Field(nullable=True)
    plaatsing: Series[str]
    jeugd: Series[bool]
    lener: Series[str] = pa.Field(str_length={"min_value": 16, "max_value": 16})
    abonnement: Series[str] = pa.Field(nullable=True)


class Abonnementen(_Clean):
    lener: Series[str] = pa.Field(str_length={"min_value": 16, "max_value": 16})
    geboortejaar: Int = pa.Field(in_range={"min_value": 1900, "max_value": 2100})
    postcode4: Series[str] = pa.Field(nullable=True, str_matches=r"^\d{4}$")
    woonplaats: Series[str] = pa.Field(nullable=True)
    vestiging: Series[str]
    abonnement: Series[str]
    jeugdabonnement: Series[bool]
    ingangsdatum: Date
    einddatum: Date = pa.Field(nullable=True)

    @pa.dataframe_check(error="Einddatum before Ingangsdatum")
    def ends_after_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~(frame["einddatum"] < frame["ingangsdatum"]).fillna(False)


class Collectie(_Clean):
    exemplaarnummer: Series[str]
    titelnummer: Series[str] = pa.Field(nullable=True)
    vestiging: Series[str]
    plaatsing: Series[str]
    materiaal: Series[str] = pa.Field(nullable=True)
    jeugd: Series[bool]
    aanschafdatum: Date
    afvoerdatum: Date = pa.Field(nullable=True)

    @pa.dataframe_check(error="Afvoerdatum before Aanschafdatum")
    def discarded_after_acquired(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~(frame["afvoerdatum"] < frame["aanschafdatum"]).fillna(False)


class Activiteiten(_Clean):
    datum: Date
    titel: Series[str]
    soort: Series[str]
    kernfunctie: Series[str] = pa.Field(nullable=True)
    prestatieafspraken: Series[str]
    doelgroep: Series[str] = pa.Field(nullable=True)
    locatie: Series[str] = pa.Field(nullable=True)
    partners: Series[str] = pa.Field(nullable=True)
    community: Series[str] = pa.Field(nullable=True)
    aantal_deelnemers: OptionalInt = pa.Field(ge=0, nullable=True)
    aantal_klassen: OptionalInt = pa.Field(ge=0, nullable=True)
    vestiging: Series[str]


class Bezoekerstellingen(_Clean):
    vestiging: Series[str]
    datum: Date
    uur: Int = pa.Field(in_range={"min_value": 0, "max_value": 23})
    bezoekers: Int = pa.Field(ge=0)
    bezette_werkplekken: Series[pd.Float64Dtype] = pa.Field(ge=0, nullable=True)
    beschikbare_werkplekken: OptionalInt = pa.Field(ge=0, nullable=True)

    @pa.dataframe_check(error="more Bezette werkplekken than Beschikbare werkplekken")
    def occupied_within_available(cls, frame: pd.DataFrame) -> Series[bool]:
        over = frame["bezette_werkplekken"] > frame["beschikbare_werkplekken"]
        return ~over.fillna(False)


class Ido(_Clean):
    datum: Date
    vestiging: Series[str]
    onderwerp: Series[str]
    organisatie: Series[str] = pa.Field(nullable=True)
    soort_vraag: Series[str] = pa.Field(nullable=True)
    doorverwezen_naar: Series[str] = pa.Field(nullable=True)


class Communicatie(_Clean):
    datum: Date
    vestiging: Series[str]
    kanaal: Series[str]
    onderwerp: Series[str] = pa.Field(nullable=True)
    prestatieafspraken: Series[str] = pa.Field(nullable=True)
    bereik: OptionalInt = pa.Field(ge=0, nullable=True)


class Partners(_Clean):
    partner: Series[str]
    soort: Series[str]
    gemeente: Series[str]
    start: Date
    einde: Date = pa.Field(nullable=True)
    prestatieafspraken: Series[str] = pa.Field(nullable=True)

    @pa.dataframe_check(error="Einde before Start")
    def ends_after_start(cls, frame: pd.DataFrame) -> Series[bool]:
        return ~(frame["einde"] < frame["start"]).fillna(False)


class Openingstijden(_Clean):
    vestiging: Series[str]
    weekdag: Int = pa.Field(in_range={"min_value": 0, "max_value": 6})
    open: Int = pa.Field(in_range={"min_value": 0, "max_value": 1440})
    sluit: Int = pa.Field(in_range={"min_value": 0, "max_value": 1440})
    geldig_vanaf: Date

    @pa.dataframe_check(error="Sluit not after Open")
    def closes_after_opening(cls, frame: pd.DataFrame) -> Series[bool]:
        return frame["sluit"] > frame["open"]


class Sluitingsdagen(_Clean):
    vestiging: Series[str]
    datum: Date
    reden: Series[str] = pa.Field(nullable=True)


class Digitaal(_Clean):
    maand: Date
    gemeente: Series[str]
    dienst: Series[str]
    gebruik: Int = pa.Field(ge=0)


class Bevolking(_Clean):
    jaar: Int
    gemeente: Series[str]
    leeftijd: Series[str]
    aantal: Int = pa.Field(ge=0)


class Toelichting(_Clean):
    gemeente: Series[str]
    periode: Series[str] = pa.Field(str_matches=r"^\d{4}(-H[12])?$")
    afspraak: Series[str] = pa.Field(str_matches=r"^\d{1,2}\.\d{1,2}$")
    tekst: Series[str]


CLEAN_MODELS: dict[str, type[_Clean]] = {
    "vestigingen": Vestigingen,
    "uitleenacties": Uitleenacties,
    "abonnementen": Abonnementen,
    "collectie": Collectie,
    "activiteiten": Activiteiten,
    "bezoekerstellingen": Bezoekerstellingen,
    "ido": Ido,
    "communicatie": Communicatie,
    "partners": Partners,
    "openingstijden": Openingstijden,
    "sluitingsdagen": Sluitingsdagen,
    "digitaal": Digitaal,
    "bevolking": Bevolking,
    "toelichting": Toelichting,
}
assert set(CLEAN_MODELS) == set(SOURCES) | {"toelichting"}
