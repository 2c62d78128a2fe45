"""What staff write about their effort per goal (``toelichting/Heemstede/2025-H1.md``).

One Markdown file per half year that overlaps the window, with a ``## 1.2`` section per goal of
the 2024-2027 agreements: two general sentences and one about that half of the year. Some
periods leave out one or two goals, as real reports do, so a report must cope with a missing
section.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from bibanalyse.formatting import MONTHS

from .window import Window, random_stream

GOAL_IDS = (
    "1.1",
    "1.2",
    "1.3",
    "1.4",
    "2.1",
    "2.2",
    "3.1",
    "3.2",
    "4.1",
    "4.2",
    "4.3",
    "5.1",
    "5.2",
    "5.3",
)


@dataclass(frozen=True)
class GoalText:
    general: tuple[str, ...]
    first_half: str
    second_half: str


TEXTS: dict[str, GoalText] = {
    "1.1": GoalText(
        (
            "De jeugdcollectie is opnieuw kritisch bekeken: verouderde titels zijn afgevoerd en er "
            "zijn nieuwe prentenboeken en informatieve boeken aangeschaft.",
            "Bij elk klassenbezoek krijgen kinderen zonder bibliotheekpas een aanmeldformulier mee "
            "voor een gratis jeugdabonnement.",
            "De presentatie van de kinderboeken in Plein1 is vernieuwd, met thematafels die elke "
            "maand wisselen.",
        ),
        "Tijdens de Nationale Voorleesdagen stond de Prentenboek Top 10 op een aparte tafel.",
        "In aanloop naar de Kinderboekenweek zijn extra exemplaren van de genomineerde boeken "
        "aangeschaft.",
    ),
    "1.2": GoalText(
        (
            "Elke woensdagmiddag en zaterdagochtend is er een voorleesuurtje voor kinderen van 2 "
            "tot "
            "6 jaar en hun ouders.",
            "De leesconsulent heeft met alle basisscholen afspraken gemaakt over klassenbezoeken "
            "en "
            "leesbevordering in de klas.",
            "Voor het aantal bereikte kinderen bij lessen op school rekenen we met de gemiddelde "
            "klasgrootte.",
            "Samen met WIJ Heemstede bereiken we ouders die zelf minder lezen.",
        ),
        "Het voorleesontbijt tijdens de Nationale Voorleesdagen trok veel gezinnen naar Plein1.",
        "Tijdens de Kinderboekenweek bezochten bijna alle groepen van de basisscholen de "
        "bibliotheek.",
    ),
    "1.3": GoalText(
        (
            "Met de kinderopvangorganisaties zijn adviesgesprekken gevoerd over de boeken op de "
            "groepen.",
            "Het overleg met de leescoördinatoren van de scholen vond twee keer plaats.",
            "De samenwerking met het voortgezet onderwijs is uitgebreid met een leesproject voor "
            "de "
            "brugklassen.",
        ),
        "In het voorjaar is met twee nieuwe kinderopvanglocaties kennisgemaakt.",
        "Aan het begin van het schooljaar is met alle scholen de jaarplanning van de Bibliotheek "
        "op school doorgenomen.",
    ),
    "1.4": GoalText(
        (
            "De Taalsoos draait elke dinsdag met vrijwilligers van het Taalhuis; het aantal "
            "deelnemers neemt nog steeds toe.",
            "Samen met Platform Welkom Heemstede bereiken we steeds meer nieuwkomers, onder wie "
            "vluchtelingen.",
            "Voor wie meer wil oefenen is er een collectie makkelijk lezen en taalmateriaal.",
        ),
        "In het voorjaar is een extra groep gestart omdat de Taalsoos op dinsdag vol zat.",
        "Tijdens de Week van de Alfabetisering stonden de Taalsoos en het Taalhuis centraal.",
    ),
    "2.1": GoalText(
        (
            "Communities organiseren steeds vaker zelf een activiteit in Plein1; de bibliotheek "
            "biedt ruimte, promotie en waar nodig materiaal.",
            "Het Repair Café en de Schrijversclub zijn vaste waarden geworden.",
            "Nieuwe groepen melden zich vooral via de website en via medewerkers aan de balie.",
        ),
        "Met jongeren is gesproken over een eigen plek om te gamen en te tekenen.",
        "Na de zomer hebben zich twee nieuwe groepen gemeld die in de bibliotheek willen "
        "samenkomen.",
    ),
    "2.2": GoalText(
        (
            "Het Informatiepunt Digitale Overheid is drie dagdelen per week bemand; het aantal "
            "vragen groeit, vooral over toeslagen en DigiD.",
            "De cursussen Klik & Tik en Digisterker zijn samen met WIJ Heemstede aangeboden.",
            "Het Digicafé op vrijdag trekt een vaste groep senioren met vragen over hun "
            "smartphone.",
        ),
        "In maart en april was het druk bij het IDO met vragen over de belastingaangifte.",
        "In het najaar kwamen veel vragen over de zorgtoeslag en het overstappen van "
        "zorgverzekering.",
    ),
    "3.1": GoalText(
        (
            "Met de organisaties in Plein1 is een gezamenlijke activiteitenkalender gemaakt.",
            "Het overleg van de Plein1-partners vond maandelijks plaats.",
            "Bezoekers worden steekproefsgewijs geteld omdat Plein1 geen bezoekersteller heeft; "
            "het "
            "bezoek is daarom een schatting.",
        ),
        "In het voorjaar organiseerden de Plein1-partners samen een open dag.",
        "Het gezamenlijke najaarsprogramma van Plein1 is in één folder verspreid.",
    ),
    "3.2": GoalText(
        (
            "Kinderen en volwassenen gebruiken de bibliotheek steeds vaker als podium: om voor te "
            "lezen, iets te presenteren of te exposeren.",
            "De koffieochtenden en ontmoetingsmiddagen gaan eenzaamheid tegen en trekken een vaste "
            "groep bezoekers.",
            "Lokale kunstenaars exposeerden in de hal van Plein1.",
        ),
        "De opening van de voorjaarsexpositie was drukbezocht.",
        "In december was er een muzikale presentatie door leerlingen van de muziekschool.",
    ),
    "4.1": GoalText(
        (
            "Rond thema's uit de collectie zijn boekentafels ingericht, gekoppeld aan lezingen.",
            "Met de boekhandel is samengewerkt bij lezingen van schrijvers.",
            "De jeugduitleningen stijgen, de uitleningen aan volwassenen dalen licht.",
        ),
        "Tijdens de Boekenweek was er een literair café met een schrijver uit de regio.",
        "In oktober stond de Maand van de Geschiedenis centraal, samen met de Historische "
        "Vereniging.",
    ),
    "4.2": GoalText(
        (
            "Met de scholen voor voortgezet onderwijs is een leesproject voor leerlingen van 12 "
            "tot "
            "15 jaar uitgevoerd.",
            "Voor de kinderopvang zijn boekenkisten samengesteld.",
            "Samen met Casca is een culturele activiteit voor basisscholen georganiseerd.",
        ),
        "In het voorjaar kregen alle brugklassen een introductie in de bibliotheek.",
        "Tijdens de Kinderboekenweek was er een voorstelling voor de onderbouw.",
    ),
    "4.3": GoalText(
        (
            "Jongeren gebruiken de bibliotheek als podium voor eigen werk, zoals strips, gedichten "
            "en stop-motionfilmpjes.",
            "Deze afspraak hangt af van de vraag; er waren enkele verzoeken van jeugdgroepen.",
        ),
        "De gamecommunity liet in een presentatie zien wat ze hebben gemaakt.",
        "De manga-club hield een tekenmiddag voor leeftijdsgenoten.",
    ),
    "5.1": GoalText(
        (
            "De studie- en werkplekken zijn vooral 's middags en in de examenperiode goed bezet.",
            "Er zijn meer stopcontacten geplaatst bij de werkplekken.",
            "Scholieren uit Heemstede maken veel gebruik van de stille studieplekken.",
        ),
        "In mei en juni waren de werkplekken vaak volledig bezet door examenkandidaten.",
        "Na de zomer kwamen de eerste scholieren al in september naar de studieplekken.",
    ),
    "5.2": GoalText(
        (
            "De dienstverlening is onder de aandacht gebracht via de website, de nieuwsbrief, "
            "sociale media en de Heemsteedse Courant.",
            "Het bereik op Instagram groeit; Facebook levert minder op dan voorheen.",
            "Via toeleiders zoals WIJ Heemstede komen mensen bij de bibliotheek terecht.",
        ),
        "De campagne rond de belastingaangifte leverde veel nieuwe bezoekers voor het IDO op.",
        "De nieuwsbrief heeft een nieuwe opmaak gekregen.",
    ),
    "5.3": GoalText(
        (
            "Steeds meer taalmaatjes spreken af in de bibliotheek; er zijn vaste tafels voor hen.",
            "Gezinnen van de VoorleesExpress worden uitgenodigd voor een bezoek aan de "
            "bibliotheek.",
            "We horen vooral anekdotisch hoe het gaat, via de coördinatoren van de VoorleesExpress "
            "en het Taalhuis.",
        ),
        "In het voorjaar bezochten zes VoorleesExpress-gezinnen samen de bibliotheek.",
        "Na de zomer zijn nieuwe taalmaatjes gekoppeld en die spreken in Plein1 af.",
    ),
}


def generate_narratives(window: Window, seed: int) -> dict[str, str]:
    """Period (``2025-H1``) -> Markdown text, for every half year overlapping the window."""
    rng = random_stream(seed, "toelichting")
    periods = list(window.half_years())
    texts = {}
    for number, (period, first, last) in enumerate(periods):
        left_out = _left_out(rng, must=number == len(periods) - 1 and len(periods) > 1)
        texts[period] = _period_text(rng, period, first, last, left_out)
    return texts


def _left_out(rng: np.random.Generator, must: bool) -> set[str]:
    """Goals a period leaves out: none, one or two (at least one when `must`)."""
    count = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
    return set(rng.choice(GOAL_IDS, size=max(count, int(must)), replace=False).tolist())


def _dutch(day: date) -> str:
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def _period_text(
    rng: np.random.Generator, period: str, first: date, last: date, left_out: set[str]
) -> str:
    lines = [
        f"# Toelichting Heemstede {period}",
        "",
        f"Toelichting bij de prestatieafspraken 2024-2027 over de periode {_dutch(first)} "
        f"tot en met {_dutch(last)}.",
        "",
    ]
    for goal in GOAL_IDS:
        if goal in left_out:
            continue
        text = TEXTS[goal]
        general = rng.choice(text.general, size=2, replace=False).tolist()
        seasonal = text.first_half if period.endswith("H1") else text.second_half
        lines += [f"## {goal}", "", " ".join([*general, seasonal]), ""]
    return "\n".join(lines)
