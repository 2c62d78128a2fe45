"""Activity sessions as staff register them (the ``activiteiten`` workbook).

Each kind has a yearly number of sessions for Heemstede (other branches in proportion), the
weekdays it runs on, how much it slows down in July and August, its participants and the goal
ids it serves: those of the agreement in force on the session's day (the 2020 agreements
before 2024, the 2024-2027 agreements from then on), as staff would have typed them. Class
visits (Klassenbezoek) happen only in school weeks and are registered with Aantal klassen and
no Aantal deelnemers. Each community among the partners meets about once a month from the day
the partnership starts.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from .formats import Days, Frame
from .opening import Calendar
from .organisation import PROFILES
from .partners import Partner
from .window import day_weights_to_days, random_stream

WEEKDAYS_OPEN = (0, 1, 2, 3, 4, 5)
COMMUNITY_MEETINGS_PER_YEAR = 10
COMMUNITY_PARTICIPANTS = 12
AT_SCHOOL_SHARE = 0.4
CURRENT_AGREEMENT_FROM = date(2024, 1, 1)  # before it, sessions carry the 2020 goal ids
# A community's goals of 2024-2027 as the 2020 agreements number them (2.1 communities,
# 3.2 activities with Plein1 partners, 3.3 the library as a platform to present).
COMMUNITY_GOALS_2020 = {"2.1": "2.1", "3.2": "3.2", "4.3": "3.3"}


@dataclass(frozen=True)
class Kind:
    soort: str
    per_year: float  # sessions a year in Heemstede
    participants: float  # mean per session; 0: a class visit, registered in classes
    kernfunctie: str
    goals: tuple[tuple[str, float], ...]  # Prestatieafspraak as typed, with its share
    goals_2020: tuple[tuple[str, float], ...]  # the same, before 2024
    titles: tuple[str, ...]
    doelgroep: str
    partner_role: str | None = None
    weekdays: tuple[int, ...] = WEEKDAYS_OPEN
    summer: float = 0.5  # activity in July and August relative to the rest of the year
    growth: float = 0.0  # participants per session, a year
    session_growth: float = 0.0


# Kind(Soort, sessions a year, participants, Kernfunctie, goal tags from 2024, goal tags
#      before 2024, titles, Doelgroep, partner role, weekdays, ...)
KINDS: tuple[Kind, ...] = (
    Kind("Voorlezen", 45, 11, "Lezen en literatuur", (("1.2", 0.7), ("1.2; 3.2", 0.3)),
         (("1.4", 0.6), ("1.5", 0.2), ("1.4; 3.3", 0.2)),
         ("Voorleesuurtje", "Peuteruurtje", "Voorlezen in het Engels", "Voorleesfeest"),
         "Kinderen 2-6 jaar en hun ouders", "opvang", (2, 5), summer=0.8),
    Kind("Klassenbezoek", 85, 0, "Ontwikkeling en educatie",
         (("1.2", 0.5), ("4.2,1.3", 0.2), ("1.1; 4.2", 0.15), ("1.2;4.2", 0.15)),
         (("4.3", 0.5), ("1.7", 0.2), ("4.3; 4.4", 0.3)),
         ("Klassenbezoek groep 1-2", "Klassenbezoek groep 3", "Klassenbezoek groep 4",
          "Klassenbezoek groep 5-6", "Klassenbezoek groep 7-8", "Leesbevordering in de klas"),
         "Basisonderwijs", "school", (0, 1, 2, 3, 4), summer=0.0),
    Kind("Taalsoos", 45, 9, "Ontwikkeling en educatie", (("1.4", 0.8), ("1.4; 5.3", 0.2)),
         (("1.8", 0.8), ("1.8; 5.3", 0.2)),
         ("Taalsoos",), "Volwassenen die Nederlands leren", "taal", (1,), summer=0.3,
         growth=0.12),
    Kind("Klik & Tik", 20, 6, "Ontwikkeling en educatie", (("2.2", 1.0),),
         (("2.2", 0.6), ("1.6; 2.2", 0.4)),
         ("Klik & Tik: aan de slag met de computer", "Klik & Tik: veilig internetten"),
         "Volwassenen met weinig digitale vaardigheden", "digitaal", (0, 3), summer=0.2,
         growth=0.05),
    Kind("Digisterker", 16, 7, "Kennis en informatie", (("2.2", 0.7), ("2.2; 5.2", 0.3)),
         (("2.2", 0.5), ("1.6", 0.3), ("5.2", 0.2)),
         ("Digisterker: werken met de e-overheid", "Digisterker: DigiD en Mijn Overheid"),
         "Volwassenen", "digitaal", (1, 3), summer=0.2),
    Kind("Digicafé", 36, 8, "Kennis en informatie", (("2.2", 0.8), ("2.2; 3.2", 0.2)),
         (("2.2", 0.8), ("2.2; 3.2", 0.2)),
         ("Digicafé", "Digicafé: hulp bij uw smartphone"),
         "Senioren en iedereen met vragen over digitale apparaten", "welzijn", (4,),
         summer=0.5, growth=0.10),
    Kind("Workshop", 24, 12, "Kunst en cultuur", (("3.2", 0.4), ("4.3", 0.3), ("4.1; 3.2", 0.3)),
         (("3.2", 0.4), ("3.3", 0.3), ("4.2; 3.2", 0.3)),
         ("Workshop handlettering", "Workshop stop-motion", "Workshop gedichten schrijven",
          "Workshop 3D-printen", "Workshop strips tekenen"),
         "Kinderen 8-12 jaar en volwassenen", "cultuur", (2, 5), summer=0.6),
    Kind("Workshop", 6, 15, "Ontwikkeling en educatie", (("5.1", 0.7), ("5.1; 4.2", 0.3)),
         (("5.2", 0.7), ("5.2; 4.4", 0.3)),
         ("Examentraining", "Studiemiddag: plannen en leren"), "Scholieren 12-18 jaar", "vo",
         (2,), summer=0.0),
    Kind("Lezing", 15, 35, "Lezen en literatuur", (("4.1", 0.6), ("3.2; 4.1", 0.4)),
         (("2.3", 0.4), ("4.2", 0.3), ("3.2; 4.2", 0.3)),
         ("Lezing: schrijver in de bibliotheek", "Lezing: de geschiedenis van de buurt",
          "Boekbespreking", "Literair café"),
         "Volwassenen", "boek", (1, 3), summer=0.2),
    Kind("VoorleesExpress", 12, 4, "Lezen en literatuur", (("5.3", 0.5), ("1.2; 5.3", 0.5)),
         (("1.4", 0.5), ("1.4; 5.3", 0.5)),
         ("VoorleesExpress: gezinnen op bezoek",), "Gezinnen met kinderen van 2-8 jaar",
         "voorleesexpress", (2, 5), growth=0.08, session_growth=0.10),
    Kind("Taalmaatjes", 26, 2, "Ontwikkeling en educatie", (("5.3", 0.6), ("1.4,5.3", 0.4)),
         (("5.3", 0.6), ("1.8,5.3", 0.4)),
         ("Taalmaatjes ontmoeten elkaar",), "NT1-ers en NT2-ers; vrijwilligers", "taal",
         (0, 1, 2, 3, 4), session_growth=0.12),
    Kind("Presentatie", 15, 25, "Kunst en cultuur", (("3.2", 0.7), ("3.1; 3.2", 0.3)),
         (("3.3", 0.6), ("3.2; 3.3", 0.4)),
         ("Presentatie: lokale kunstenaars", "Opening expositie", "Muzikale presentatie"),
         "Bezoekers van de bibliotheek", "plein1", (3, 4, 5), summer=0.3),
    Kind("Ontmoeting", 20, 14, "Ontmoeting en debat",
         (("3.2", 0.5), ("3.1", 0.3), ("3.1; 3.2", 0.2)),
         (("3.2", 0.5), ("2.1", 0.3), ("2.1; 3.2", 0.2)),
         ("Koffieochtend", "Samen lezen", "Ontmoetingsmiddag", "Debat: wonen in de buurt"),
         "Volwassenen en ouderen", "welzijn", (0, 1, 2, 3, 4)),
)  # fmt: skip


def generate_activities(
    calendar: Calendar, partners: list[Partner], branches: list[str], scale: float, seed: int
) -> Frame:
    sessions = []
    for name in branches:
        own = [p for p in partners if p.branch == name]
        for number, kind in enumerate(KINDS):
            rng = random_stream(seed, "activities", name, number)
            sessions += _kind_sessions(rng, calendar, kind, name, own, scale)
        rng = random_stream(seed, "activities", name, "communities")
        sessions += _community_sessions(rng, calendar, name, own, scale)
    sessions.sort(key=lambda s: (s["Datum"], s["Vestiging"], s["Soort"], s["Titel"]))
    frame: Frame = {column: [s[column] for s in sessions] for column in COLUMNS}
    frame["Datum"] = Days(np.array(frame["Datum"], dtype=np.int32))
    for count in ("Aantal deelnemers", "Aantal klassen"):
        frame[count] = np.array([np.nan if v is None else v for v in frame[count]], dtype=float)
    return frame


COLUMNS = (
    "Datum",
    "Titel",
    "Soort",
    "Kernfunctie",
    "Prestatieafspraak",
    "Doelgroep",
    "Locatie",
    "Partners",
    "Community",
    "Aantal deelnemers",
    "Aantal klassen",
    "Vestiging",
)


def _session_days(calendar: Calendar, kind: Kind, branch: int) -> np.ndarray:
    """Relative chance of a session on each day of the window."""
    n = calendar.window.n_days
    on_weekday = np.isin(calendar.weekday[:n], kind.weekdays)
    if kind.participants == 0:  # classes come in school weeks, opening hours or not
        allowed = on_weekday & ~calendar.school_holiday[:n] & ~calendar.closed_for[branch, :n]
    else:
        allowed = on_weekday & calendar.open_in_window(branch)
    summer = np.isin(calendar.month[:n], (7, 8))
    season = np.where(summer, kind.summer, np.where(calendar.month[:n] == 12, 0.8, 1.0))
    return allowed * season * (1 + kind.session_growth) ** calendar.years_in[:n]


def _kind_sessions(
    rng: np.random.Generator,
    calendar: Calendar,
    kind: Kind,
    name: str,
    partners: list[Partner],
    scale: float,
) -> list[dict]:
    profile = PROFILES[name]
    weights = _session_days(calendar, kind, profile.index)
    days = day_weights_to_days(rng, weights, kind.per_year * profile.size * scale, calendar.window)
    current_from = (CURRENT_AGREEMENT_FROM - calendar.window.start).days
    home = _home_location(name)
    sessions = []
    for day in days.tolist():
        years_in = calendar.years_in[day]
        chosen = _partners_for(rng, kind, partners, day)
        at_school = kind.partner_role == "school" and chosen and rng.random() < AT_SCHOOL_SHARE
        if kind.participants:
            expected = kind.participants * (1 + kind.growth) ** years_in
            participants, classes = max(int(rng.poisson(expected)), 1), None
        else:
            participants, classes = None, 1 + int(rng.random() < 0.3)
        sessions.append(
            {
                "Datum": day,
                "Titel": str(rng.choice(kind.titles)),
                "Soort": kind.soort,
                "Kernfunctie": kind.kernfunctie,
                "Prestatieafspraak": _goal_tags(rng, kind, day >= current_from),
                "Doelgroep": kind.doelgroep,
                "Locatie": chosen[0] if at_school else home,
                "Partners": "; ".join(chosen) or None,
                "Community": None,
                "Aantal deelnemers": participants,
                "Aantal klassen": classes,
                "Vestiging": name,
            }
        )
    return sessions


def _goal_tags(rng: np.random.Generator, kind: Kind, current: bool) -> str:
    """The goal ids as typed for a session, of the agreement in force on its day."""
    tags, shares = zip(*(kind.goals if current else kind.goals_2020), strict=True)
    return str(rng.choice(tags, p=shares))


def _partners_for(
    rng: np.random.Generator, kind: Kind, partners: list[Partner], day: int
) -> list[str]:
    """One partner of the kind's role running that day, sometimes two, sometimes none."""
    candidates = [p.name for p in partners if p.role == kind.partner_role and p.running_on(day)]
    if not candidates or (kind.partner_role != "school" and rng.random() < 0.25):
        return []
    wanted = 2 if kind.partner_role == "taal" and len(candidates) > 1 else 1
    return [str(name) for name in rng.choice(candidates, size=wanted, replace=False)]


def _community_sessions(
    rng: np.random.Generator, calendar: Calendar, name: str, partners: list[Partner], scale: float
) -> list[dict]:
    """Each community meets about once a month on open days while its partnership runs."""
    is_open = calendar.open_in_window(PROFILES[name].index)
    per_open_day = COMMUNITY_MEETINGS_PER_YEAR * scale * calendar.window.n_years / is_open.sum()
    day_numbers = np.arange(calendar.window.n_days)
    current_from = (CURRENT_AGREEMENT_FROM - calendar.window.start).days
    sessions = []
    for community in (p for p in partners if p.role == "community"):
        last = day_numbers[-1] if community.end is None else community.end
        running = is_open & (day_numbers >= community.start) & (day_numbers <= last)
        days = np.repeat(day_numbers, rng.poisson(running * per_open_day))
        soort, function = (
            ("Workshop", "Kunst en cultuur")
            if "4.3" in community.goals
            else ("Ontmoeting", "Ontmoeting en debat")
        )
        sessions += [
            {
                "Datum": day, "Titel": community.name, "Soort": soort, "Kernfunctie": function,
                "Prestatieafspraak": (
                    community.goals if day >= current_from else _goals_2020(community.goals)
                ),
                "Doelgroep": "Community",
                "Locatie": _home_location(name), "Partners": community.name,
                "Community": community.name,
                "Aantal deelnemers": max(int(rng.poisson(COMMUNITY_PARTICIPANTS)), 2),
                "Aantal klassen": None, "Vestiging": name,
            }
            for day in days.tolist()
        ]  # fmt: skip
    return sessions


def _goals_2020(goals: str) -> str:
    """A community's goal ids as the 2020 agreements number them.

    >>> _goals_2020("2.1; 4.3"), _goals_2020("2.1, 3.2")
    ('2.1; 3.3', '2.1; 3.2')
    """
    ids = [goal.strip() for goal in goals.replace(",", ";").split(";")]
    return "; ".join(COMMUNITY_GOALS_2020[goal] for goal in ids)


def _home_location(name: str) -> str:
    return "Plein1" if name == "Heemstede" else f"Bibliotheek {name}"
