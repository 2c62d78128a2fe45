"""The partner register: schools, childcare, welfare, culture, bookshops, Plein1 and communities.

Heemstede has about 35 named partners; the other branches get generic ones in proportion to
their size. Most partnerships began before the window, a few began inside it (among them the
new communities, so the number of communities grows) and a few ended.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from .organisation import PROFILES, BranchProfile
from .window import DAYS_PER_YEAR, Window, random_stream

PARTNERS_PER_SIZE = 35
STARTED_INSIDE_SHARE = 0.1
ENDED_SHARE = 0.08
# When the communities that begin inside the window start, as a fraction of the window.
COMMUNITY_STARTS = (None, None, 0.15, 0.35, 0.55, 0.75)

# (Partner, Soort, Prestatieafspraken, role in activities)
HEEMSTEDE_PARTNERS: tuple[tuple[str, str, str, str], ...] = (
    ("Kinderopvang De Notenboom", "kinderopvang", "1.3; 4.2", "opvang"),
    ("Partou Heemstede", "kinderopvang", "1.3", "opvang"),
    ("SKON Kinderopvang Heemstede", "kinderopvang", "1.3, 4.2", "opvang"),
    ("Kinderdagverblijf Het Kabouterhuis", "kinderopvang", "1.3", "opvang"),
    ("BSO De Ontdekking", "kinderopvang", "4.2", "opvang"),
    ("Bosch en Hovenschool", "basisonderwijs", "1.2; 1.3; 4.2", "school"),
    ("Crayenesterschool", "basisonderwijs", "1.2; 1.3", "school"),
    ("Voorwegschool", "basisonderwijs", "1.2; 4.2", "school"),
    ("Nicolaas Beetsschool", "basisonderwijs", "1.2; 1.3; 4.2", "school"),
    ("Valkenburgschool", "basisonderwijs", "1.2", "school"),
    ("Jozefschool", "basisonderwijs", "1.2, 4.2", "school"),
    ("Icarus", "basisonderwijs", "1.2", "school"),
    ("Sint Bavoschool", "basisonderwijs", "1.2; 1.3", "school"),
    ("De Evenaar", "basisonderwijs", "1.2", "school"),
    ("Hageveld College", "voortgezet onderwijs", "1.3; 4.2; 5.1", "vo"),
    ("Haemstede-Barger Mavo", "voortgezet onderwijs", "1.3; 4.2", "vo"),
    ("Sancta Maria Lyceum", "voortgezet onderwijs", "4.2; 5.1", "vo"),
    ("WIJ Heemstede", "welzijn", "1.2; 1.4; 2.2; 3.2", "welzijn"),
    ("Platform Welkom Heemstede", "welzijn", "1.4", "taal"),
    ("Taalhuis Zuid-Kennemerland", "welzijn", "1.4; 5.3", "taal"),
    ("VoorleesExpress Heemstede", "welzijn", "1.2; 5.3", "voorleesexpress"),
    ("Stichting Lezen & Schrijven", "welzijn", "1.4", "taal"),
    ("Belastingservice Heemstede", "welzijn", "2.2", "digitaal"),
    ("SeniorWeb Heemstede", "welzijn", "2.2", "digitaal"),
    ("Casca", "cultuur", "3.2; 4.2", "cultuur"),
    ("Historische Vereniging Heemstede-Bennebroek", "cultuur", "3.2; 4.1", "cultuur"),
    ("Museum De Cruquius", "cultuur", "4.2", "cultuur"),
    ("Filmhuis Heemstede", "cultuur", "3.2", "cultuur"),
    ("Boekhandel Blokker", "boekhandel", "4.1", "boek"),
    ("Boekhandel De Kennemer", "boekhandel", "4.1", "boek"),
    ("Plein1 Muziekschool", "Plein1-organisatie", "3.1", "plein1"),
    ("Plein1 Jeugdwerk", "Plein1-organisatie", "3.1; 4.3", "plein1"),
    ("Sportplein Plein1", "Plein1-organisatie", "3.1", "plein1"),
    ("Schrijversclub Heemstede", "community", "2.1; 4.3", "community"),
    ("Breicafé Plein1", "community", "2.1; 3.2", "community"),
    ("Repair Café Heemstede", "community", "2.1", "community"),
    ("Gamecommunity Heemstede", "community", "2.1; 4.3", "community"),
    ("Manga- en animeclub Heemstede", "community", "2.1, 4.3", "community"),
    ("Samen Puzzelen", "community", "2.1; 3.2", "community"),
)
GENERIC_PARTNERS: tuple[tuple[str, str, str, str], ...] = tuple(
    (name, kind, goals, role)
    for kind, goals, role, names in (
        (
            "kinderopvang",
            "1.3",
            "opvang",
            (
                "Kinderopvang Het Speelhuis {place}",
                "BSO De Boomhut {place}",
                "Kinderdagverblijf Dikkertje Dap {place}",
                "Kinderopvang Kindwijs {place}",
            ),
        ),
        (
            "basisonderwijs",
            "1.2; 1.3",
            "school",
            (
                "Basisschool De Regenboog {place}",
                "Basisschool Het Kompas {place}",
                "Montessorischool {place}",
                "Basisschool De Ark {place}",
                "Daltonschool {place}",
                "Basisschool De Zonnewijzer {place}",
                "Basisschool Het Palet {place}",
                "Jenaplanschool De Wilgen {place}",
                "Basisschool De Piramide {place}",
                "Basisschool Het Mozaïek {place}",
            ),
        ),
        ("voortgezet onderwijs", "4.2; 5.1", "vo", ("Lyceum {place}", "Mavo {place}")),
        ("welzijn", "1.4; 2.2; 3.2", "welzijn", ("Welzijn {place}", "Buurtcentrum {place}")),
        ("welzijn", "1.4", "taal", ("Taalhuis {place}", "Taalcafé {place}")),
        ("welzijn", "1.2; 5.3", "voorleesexpress", ("VoorleesExpress {place}",)),
        ("welzijn", "2.2", "digitaal", ("SeniorWeb {place}", "Belastingservice {place}")),
        (
            "cultuur",
            "3.2; 4.2",
            "cultuur",
            ("Cultuurcentrum {place}", "Muziekschool {place}", "Historisch Genootschap {place}"),
        ),
        ("boekhandel", "4.1", "boek", ("Boekhandel {place}",)),
        (
            "community",
            "2.1; 4.3",
            "community",
            (
                "Leesclub {place}",
                "Repair Café {place}",
                "Schaakclub {place}",
                "Fotoclub {place}",
                "Breiclub {place}",
                "Taalcafé-vrijwilligers {place}",
            ),
        ),
    )
    for name in names
)


@dataclass(frozen=True)
class Partner:
    name: str
    kind: str  # Soort
    goals: str
    role: str
    branch: str
    municipality: str
    start: int  # day offset
    end: int | None  # day offset of the last day, None while running

    def running_on(self, day: int) -> bool:
        return self.start <= day and (self.end is None or day <= self.end)


def generate_partners(
    window: Window, branches: list[str], scale: float, seed: int
) -> list[Partner]:
    return [
        partner
        for name in branches
        for partner in _branch_partners(
            random_stream(seed, "partners", name), PROFILES[name], window, scale
        )
    ]


def _templates(profile: BranchProfile, scale: float) -> list[tuple[str, str, str, str]]:
    """Heemstede's own list, or generic partners, repeated ("locatie 2") beyond the list."""
    base = HEEMSTEDE_PARTNERS if profile.name == "Heemstede" else GENERIC_PARTNERS
    per_size = len(base) if profile.name == "Heemstede" else PARTNERS_PER_SIZE
    templates = []
    for i in range(max(round(per_size * profile.size * scale), 3)):
        name, kind, goals, role = base[i % len(base)]
        name = name.format(place=profile.place)
        if i >= len(base):
            name += f" (locatie {i // len(base) + 1})"
        templates.append((name, kind, goals, role))
    return templates


def _branch_partners(
    rng: np.random.Generator, profile: BranchProfile, window: Window, scale: float
) -> list[Partner]:
    partners = []
    community_number = 0
    for name, kind, goals, role in _templates(profile, scale):
        if role == "community":
            fraction = COMMUNITY_STARTS[community_number % len(COMMUNITY_STARTS)]
            community_number += 1
            start = _start_before(rng) if fraction is None else round(fraction * window.n_days)
            end = None
        else:
            inside = rng.random() < STARTED_INSIDE_SHARE
            start = int(rng.integers(0, window.n_days // 2)) if inside else _start_before(rng)
            ends = rng.random() < ENDED_SHARE
            end = int(rng.integers(max(start, 0) + 30, window.n_days)) if ends else None
        partners.append(
            Partner(name, kind, goals, role, profile.name, profile.municipality, start, end)
        )
    return partners


def _start_before(rng: np.random.Generator) -> int:
    return -int(rng.uniform(0.3, 12.0) * DAYS_PER_YEAR)
