"""The communication log: items published per channel, with their reach (``communicatie``).

About 150 items a year for Heemstede, a few percent more each year; the subject follows the
season (Boekenweek in March, Kinderboekenweek in October) and carries the goal ids it serves.
Posters and flyers have no measured reach.
"""

from __future__ import annotations

import numpy as np

from .formats import Codes, Days, Frame
from .opening import Calendar
from .organisation import BRANCH_NAMES, PROFILES
from .window import day_weights_to_days, random_stream

ITEMS_HEEMSTEDE = 150
GROWTH = 0.05

# Kanaal -> (share, median reach for Heemstede, yearly growth of reach); reach None: unknown
CHANNELS: dict[str, tuple[float, float | None, float]] = {
    "website": (0.24, 650, 0.03),
    "nieuwsbrief": (0.08, 4_300, 0.02),
    "Facebook": (0.19, 900, -0.04),
    "Instagram": (0.22, 700, 0.12),
    "LinkedIn": (0.05, 260, 0.05),
    "krant": (0.08, 13_500, -0.03),
    "poster/flyer": (0.14, None, 0.0),
}
# (Onderwerp, Prestatieafspraak, months it is about, or () for any month)
SUBJECTS: tuple[tuple[str, str, tuple[int, ...]], ...] = (
    ("Nationale Voorleesdagen: voorleesontbijt", "1.2", (1,)),
    ("Boekenweek: kom naar het Literair café", "4.1", (3,)),
    ("Poëzieweek", "4.1", (1, 2)),
    ("Hulp bij de belastingaangifte", "2.2; 5.2", (2, 3, 4)),
    ("Examentraining en stille studieplekken", "5.1; 5.2", (4, 5, 12)),
    ("Zomerlezen: lees je mee?", "1.1; 1.2", (6, 7)),
    ("Week van de Alfabetisering", "1.4", (9,)),
    ("Kinderboekenweek – feest in de bibliotheek", "1.1; 4.2", (9, 10)),
    ("Maand van de Geschiedenis", "4.1", (10,)),
    ("Digicafé: hulp bij uw smartphone", "2.2", ()),
    ("Taalsoos: elke week Nederlands oefenen", "1.4", ()),
    ("Repair Café en andere communities", "2.1", ()),
    ("Nieuwe boeken en tips van de medewerkers", "4.1; 5.2", ()),
    ("Agenda activiteiten", "3.2; 5.2", ()),
    ("Informatiepunt Digitale Overheid", "2.2; 5.2", ()),
    ("Voorlezen voor peuters", "1.2", ()),
)


def generate_communication(
    calendar: Calendar, branches: list[str], scale: float, seed: int
) -> Frame:
    n = calendar.window.n_days
    month = calendar.month[:n]
    columns: dict[str, list] = {key: [] for key in ("day", "branch", "channel", "subject", "reach")}
    channel_names = list(CHANNELS)
    channel_shares = np.array([share for share, _, _ in CHANNELS.values()])
    for name in branches:
        rng = random_stream(seed, "communicatie", name)
        profile = PROFILES[name]
        workday = calendar.weekday[:n] < 5
        weights = workday * (1 + GROWTH) ** calendar.years_in[:n]
        days = day_weights_to_days(
            rng, weights, ITEMS_HEEMSTEDE * profile.size * scale, calendar.window
        )
        channel = rng.choice(len(channel_names), size=days.size, p=channel_shares)
        for day, c in zip(days.tolist(), channel.tolist(), strict=True):
            fitting = [
                i for i, (_, _, months) in enumerate(SUBJECTS) if not months or month[day] in months
            ]
            _, median, growth = CHANNELS[channel_names[c]]
            reach = (
                np.nan
                if median is None
                else round(
                    median
                    * profile.size
                    * (1 + growth) ** calendar.years_in[day]
                    * rng.lognormal(0, 0.35)
                )
            )
            columns["day"].append(day)
            columns["branch"].append(profile.index)
            columns["channel"].append(c)
            columns["subject"].append(int(rng.choice(fitting)))
            columns["reach"].append(reach)
    order = np.lexsort((columns["branch"], columns["day"]))
    subject = np.array(columns["subject"], dtype=np.int16)[order]
    return {
        "Datum": Days(np.array(columns["day"], dtype=np.int32)[order]),
        "Vestiging": Codes(np.array(columns["branch"], dtype=np.int8)[order], BRANCH_NAMES),
        "Kanaal": Codes(np.array(columns["channel"], dtype=np.int8)[order], channel_names),
        "Onderwerp": Codes(subject, [s for s, _, _ in SUBJECTS]),
        "Prestatieafspraak": Codes(subject, [g for _, g, _ in SUBJECTS]),
        "Bereik": np.array(columns["reach"], dtype=float)[order],
    }
