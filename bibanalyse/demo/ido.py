"""Questions at the Informatiepunt Digitale Overheid (the Bibliotheekmonitor ``ido`` export).

About 300 questions a year in Heemstede, growing about 15% a year, with a peak around the
income tax return (March to May). Asked on open days, mostly on weekdays.
"""

from __future__ import annotations

import numpy as np

from .formats import Codes, Days, Frame
from .opening import Calendar
from .organisation import BRANCH_NAMES, PROFILES
from .window import day_weights_to_days, random_stream

QUESTIONS_HEEMSTEDE = 300
GROWTH = 0.15
MONTH_RHYTHM = np.array([1.0, 1.1, 1.8, 1.9, 1.5, 1.0, 0.6, 0.6, 0.9, 1.0, 1.0, 0.9])
WEEKDAY_RHYTHM = np.array([1.0, 1.1, 1.0, 1.1, 1.0, 0.3, 0.2])

# Onderwerp -> (share, organisations it concerns)
TOPICS: dict[str, tuple[float, tuple[str, ...]]] = {
    "belastingen": (0.27, ("Belastingdienst",)),
    "toeslagen": (0.17, ("Belastingdienst", "Dienst Toeslagen")),
    "DigiD": (0.19, ("Logius", "Gemeente")),
    "zorg": (0.10, ("CAK", "Zorgverzekeraar")),
    "pensioen/AOW": (0.10, ("SVB",)),
    "uitkering": (0.07, ("UWV", "Gemeente")),
    "studiefinanciering": (0.03, ("DUO",)),
    "paspoort en rijbewijs": (0.03, ("Gemeente", "RDW")),
    "overig": (0.04, ("Overig",)),
}
KINDS = ("digitale overheid", "bibliotheek", "overig")
KIND_SHARES = (0.86, 0.05, 0.09)
REFERRALS = (
    "",
    "Belastingservice (vrijwilligers)",
    "Formulierenhulp",
    "Digicafé",
    "Klik & Tik",
    "Juridisch Loket",
    "Sociaal raadslieden",
)
REFERRAL_SHARES = (0.62, 0.1, 0.08, 0.08, 0.05, 0.03, 0.04)
CONTACTS = ("balie", "telefoon", "afspraak")
CONTACT_SHARES = (0.55, 0.15, 0.30)


def generate_ido(calendar: Calendar, branches: list[str], scale: float, seed: int) -> Frame:
    n = calendar.window.n_days
    parts = []
    for name in branches:
        rng = random_stream(seed, "ido", name)
        profile = PROFILES[name]
        weights = (
            calendar.open_in_window(profile.index)
            * MONTH_RHYTHM[calendar.month[:n] - 1]
            * WEEKDAY_RHYTHM[calendar.weekday[:n]]
            * (1 + GROWTH) ** calendar.years_in[:n]
        )
        days = day_weights_to_days(
            rng, weights, QUESTIONS_HEEMSTEDE * profile.size * scale, calendar.window
        )
        parts.append((days, np.full(days.size, profile.index)))
    days = np.concatenate([p[0] for p in parts])
    branch = np.concatenate([p[1] for p in parts])
    rng = random_stream(seed, "ido", "details")
    topics = list(TOPICS)
    shares = np.array([share for share, _ in TOPICS.values()])
    topic = rng.choice(len(topics), size=days.size, p=shares / shares.sum())
    organisations = sorted({o for _, orgs in TOPICS.values() for o in orgs})
    organisation = np.array(
        [organisations.index(str(rng.choice(TOPICS[topics[t]][1]))) for t in topic], dtype=np.int16
    )
    order = np.lexsort((branch, days))
    return {
        "Datum": Days(days[order]),
        "Vestiging": Codes(branch[order], BRANCH_NAMES),
        "Onderwerp": Codes(topic[order], topics),
        "Organisatie": Codes(organisation[order], organisations),
        "Soort vraag": Codes(rng.choice(3, size=days.size, p=KIND_SHARES)[order], KINDS),
        "Doorverwezen naar": Codes(
            rng.choice(len(REFERRALS), size=days.size, p=REFERRAL_SHARES)[order], REFERRALS
        ),
        "Contactvorm": Codes(rng.choice(3, size=days.size, p=CONTACT_SHARES)[order], CONTACTS),
    }
