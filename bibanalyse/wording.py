"""The Dutch words a report reader sees for the package's keys: one place to change them."""

from __future__ import annotations

INDICATOR_LABELS: dict[str, str] = {
    "leden_begin": "Leden aan het begin",
    "leden_eind": "Leden aan het eind",
    "jeugdleden_begin": "Jeugdleden aan het begin",
    "jeugdleden_eind": "Jeugdleden aan het eind",
    "jeugdleden_aandeel": "Jeugdleden als deel van de inwoners van 0-17 jaar",
    "collectie_jeugd_begin": "Jeugdcollectie aan het begin (exemplaren)",
    "collectie_jeugd_eind": "Jeugdcollectie aan het eind (exemplaren)",
    "uitleningen": "Uitleningen",
    "verlengingen": "Verlengingen",
    "uitleningen_jeugd": "Uitleningen jeugdcollectie",
    "actieve_leners": "Actieve leners",
    "activiteiten": "Activiteiten",
    "deelnemers": "Deelnemers",
    "partners": "Partners",
    "communities": "Communities",
    "ido_vragen": "Vragen bij het Informatiepunt Digitale Overheid",
    "bezoekers_geschat": "Bezoeken (geschat)",
    "werkplekbezetting": "Bezetting studie- en werkplekken",
    "communicatie_uitingen": "Communicatie-uitingen",
    "digitaal_gebruik": "Gebruik digitale diensten",
}

PERCENT_INDICATORS = frozenset({"jeugdleden_aandeel", "werkplekbezetting"})

COLUMN_LABELS = {
    "indicator": "Indicator",
    "waarde": "Deze periode",
    "vorige_periode": "Vorige periode",
    "vorig_jaar": "Jaar eerder",
    "verandering": "Verandering",
}

DIRECTION = {"meer": "meer", "stabiel": "stabiel"}

VERDICTS = {
    "op_koers": "Op koers",
    "gelijk": "Gelijk gebleven",
    "aandacht": "Aandachtspunt",
    "onbekend": "Nog geen vergelijking",
    "inspanning": "Inspanning",
}

VERDICT_MARKS = {  # a sign beside the colour, so that no reader depends on colour alone
    "op_koers": "✔",
    "gelijk": "=",
    "aandacht": "!",
    "onbekend": "–",
    "inspanning": "○",
}

NO_NARRATIVE = "Voor dit doel is voor deze periode geen toelichting aangeleverd."
ESTIMATE_NOTE = (
    "Plein1 heeft geen bezoekersteller: bezoeken zijn geschat uit steekproeftellingen, "
    "met een 95%-betrouwbaarheidsinterval."
)
