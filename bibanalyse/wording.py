"""The Dutch words a report reader sees for the package's keys: one place to change them.

An indicator's own label is part of its definition (``bibanalyse.indicators.definitions``).
"""

from __future__ import annotations

VERDICTS = {
    "op_koers": "Op koers",
    "gelijk": "Gelijk gebleven",
    "aandacht": "Aandachtspunt",
    "schommeling": "Gebruikelijke schommeling",
    "onbekend": "Nog geen vergelijking",
    "inspanning": "Inspanning",
}

VERDICT_MARKS = {  # a sign beside the colour, so that no reader depends on colour alone
    "op_koers": "✔",
    "gelijk": "=",
    "aandacht": "!",
    "schommeling": "~",
    "onbekend": "–",
    "inspanning": "○",
}

NO_NARRATIVE = "Voor dit doel is voor deze periode geen toelichting aangeleverd."
ESTIMATE_NOTE = (
    "Plein1 heeft geen bezoekersteller: bezoeken zijn geschat uit steekproeftellingen, "
    "met een 95%-betrouwbaarheidsinterval."
)
