"""Every indicator of the data contract, each defined once (see
:mod:`bibanalyse.indicators.registry`).

The computations themselves live in the domain modules (``members``, ``loans``, ...); an
entry here says which tables it reads and how the domain function is called for a period.
Import the registry from here (``from bibanalyse.indicators.definitions import REGISTRY``):
then it holds every entry.
"""

from __future__ import annotations

from bibanalyse import figures
from bibanalyse.indicators import (
    activities,
    collection,
    communication,
    digital,
    ido,
    loans,
    members,
    partners,
    visits,
)
from bibanalyse.indicators.registry import (
    ALL_AGES,
    ESTIMATE,
    FRACTION,
    REGISTRY,
    YOUTH,
    Indicator,
    Scope,
    Value,
)
from bibanalyse.periods import Period

__all__ = ["REGISTRY"]

register = REGISTRY.register


def _on_day(count, table: str, *, at_end: bool):
    """A count on the period's first (or last) day of the municipality's branches."""

    def compute(scope: Scope, period: Period, goal: str | None) -> float:
        day = period.last_day if at_end else period.first_day
        return count(scope[table], day, branches=scope.branches)

    return compute


def _begin_and_end(
    key: str,
    noun: str,
    count,
    table: str,
    *,
    unit: str,
    suffix: str = "",
    personal: bool = False,
    figures_at_end: tuple = (),
    summary: bool = False,
    per_inhabitants: str | None = None,
    description: str,
) -> None:
    """The two entries of a count at the period's begin and at its end; the end's figures,
    headline role and comparison per inhabitants are the pair's."""
    common = {"unit": unit, "sources": (table,), "noun": noun, "personal": personal}
    described = {
        day: description.format(dag=f"de {day} dag van de periode") for day in ("eerste", "laatste")
    }
    begin = register(
        Indicator(
            f"{key}_begin",
            f"{noun} aan het begin{suffix}",
            compute=_on_day(count, table, at_end=False),
            description=described["eerste"],
            **common,
        )
    )
    register(
        Indicator(
            f"{key}_eind",
            f"{noun} aan het eind{suffix}",
            compute=_on_day(count, table, at_end=True),
            description=described["laatste"],
            begin=begin.key,
            figures=figures_at_end,
            summary=summary,
            per_inhabitants=per_inhabitants,
            **common,
        )
    )


def _in_period(function, table: str):
    """An event count in the period, of the municipality's branches."""

    def compute(scope: Scope, period: Period, goal: str | None) -> float:
        return function(scope[table], period, branches=scope.branches)

    return compute


_begin_and_end(
    "leden",
    "Leden",
    members.members_on,
    "abonnementen",
    unit="leden",
    figures_at_end=(figures.members_over_time,),
    summary=True,
    per_inhabitants=ALL_AGES,
    description=(
        "Verschillende leden (pseudoniem) met een abonnement dat loopt op {dag}: de ingangsdatum "
        "ligt op of voor die dag en de einddatum is leeg of ligt op of na die dag. Een lid telt "
        "bij de gemeente van zijn hoofdvestiging."
    ),
)
_begin_and_end(
    "jeugdleden",
    "Jeugdleden",
    members.youth_members_on,
    "abonnementen",
    unit="leden",
    personal=True,
    figures_at_end=(figures.members_over_time,),
    summary=True,
    per_inhabitants=YOUTH,
    description=(
        'Als leden, maar alleen met een jeugdabonnement op {dag}: een abonnement met "jeugd" in de '
        "naam of een houder jonger dan 18 jaar op die dag (naar het geboortejaar, het enige dat "
        "bewaard wordt: wie in dat jaar 18 wordt, telt het hele jaar als 18)."
    ),
)
register(
    Indicator(
        "jeugdleden_aandeel",
        "Jeugdleden als deel van de inwoners van 0-17 jaar",
        description=(
            "Jeugdleden aan het eind van de periode gedeeld door het aantal inwoners van 0-17 jaar "
            "van de gemeente in het jaar van die dag (CBS, tabel bevolking); leeg waar dat jaar of "
            "die leeftijden ontbreken."
        ),
        unit="fractie",
        kind=FRACTION,
        sources=("abonnementen", "bevolking"),
        compute=lambda scope, period, goal: members.youth_member_share(
            scope["abonnementen"],
            scope["bevolking"],
            period.last_day,
            branches=scope.branches,
            municipality=scope.municipality,
        ),
    )
)
_begin_and_end(
    "collectie_jeugd",
    "Jeugdcollectie",
    collection.youth_items_on,
    "collectie",
    suffix=" (exemplaren)",
    unit="exemplaren",
    description=(
        "Exemplaren van de vestigingen van de gemeente die op {dag} in bezit zijn (aangeschaft op "
        "of voor die dag, niet afgevoerd) en op een plaatsingscode van de jeugdcollectie staan: "
        "AB, AP, AK, AJ, E, A, B, C, D, J en codes die met J beginnen."
    ),
)
register(
    Indicator(
        "uitleningen",
        "Uitleningen",
        description=(
            "Uitleenacties met Actie = uitlening in de periode, in de vestigingen van de gemeente. "
            "Verlengingen en innames tellen niet mee (landelijke definitie van KB en CBS)."
        ),
        unit="aantal",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_loans, "uitleenacties"),
        figures=(figures.loans_by_month,),
        summary=True,
        per_inhabitants=ALL_AGES,
    )
)
register(
    Indicator(
        "verlengingen",
        "Verlengingen",
        description=(
            "Uitleenacties met Actie = verlenging in de periode, in de vestigingen van de gemeente."
        ),
        unit="aantal",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_renewals, "uitleenacties"),
    )
)
register(
    Indicator(
        "uitleningen_jeugd",
        "Uitleningen jeugdcollectie",
        description=(
            "Uitleningen van exemplaren op een plaatsingscode van de jeugdcollectie (zie de "
            "jeugdcollectie)."
        ),
        unit="aantal",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_youth_loans, "uitleenacties"),
        figures=(figures.loans_by_month,),
    )
)
register(
    Indicator(
        "actieve_leners",
        "Actieve leners",
        description=(
            "Verschillende leners (pseudoniem) met ten minste één uitlening in de periode, in de "
            "vestigingen van de gemeente."
        ),
        unit="leners",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_active_borrowers, "uitleenacties"),
        summary=True,
    )
)
register(
    Indicator(
        "activiteiten",
        "Activiteiten",
        description=(
            "Sessies uit de activiteitenregistratie in de periode, in de vestigingen van de "
            "gemeente, die met dit doel zijn gelabeld (kolom Prestatieafspraak; één sessie kan bij "
            "meer doelen horen). Een cursus telt per bijeenkomst; klassikaal lenen is geen "
            "activiteit. Voor een doel met alleen een inspanningsverplichting is dit het enige "
            "cijfer."
        ),
        unit="aantal",
        sources=("activiteiten",),
        per_goal=True,
        effort=True,
        per_inhabitants=ALL_AGES,
        compute=lambda scope, period, goal: activities.count_activities(
            scope["activiteiten"], period, goal, branches=scope.branches
        ),
    )
)
register(
    Indicator(
        "deelnemers",
        "Deelnemers",
        description=(
            "Deelnemers van die sessies: Aantal deelnemers waar ingevuld; waar dat leeg is en "
            "Aantal klassen ingevuld, Aantal klassen maal de gemiddelde klasgrootte (instelling "
            "class_size in bibanalyse.toml)."
        ),
        unit="deelnemers",
        sources=("activiteiten",),
        per_goal=True,
        compute=lambda scope, period, goal: activities.count_participants(
            scope["activiteiten"],
            period,
            goal,
            branches=scope.branches,
            class_size=scope.class_size,
        ),
        figures=(figures.participants_by_kind,),
    )
)
register(
    Indicator(
        "partners",
        "Partners",
        description=(
            "Verschillende partners uit het partnerregister van de gemeente met een partnerschap "
            "dat loopt op de laatste dag van de periode en dat met dit doel is gelabeld."
        ),
        unit="aantal",
        sources=("partners",),
        per_goal=True,
        compute=lambda scope, period, goal: partners.count_partners(
            scope["partners"], period.last_day, goal, municipality=scope.municipality
        ),
        figures=(figures.partners_by_kind,),
    )
)
register(
    Indicator(
        "communities",
        "Communities",
        description=(
            "Verschillende communities (naam, ongeacht hoofdletters en spaties) met ten minste één "
            "activiteit in de periode."
        ),
        unit="aantal",
        sources=("activiteiten",),
        compute=_in_period(activities.count_communities, "activiteiten"),
    )
)
register(
    Indicator(
        "ido_vragen",
        "Vragen bij het Informatiepunt Digitale Overheid",
        description=(
            "Vragen bij het Informatiepunt Digitale Overheid (Bibliotheekmonitor) in de periode, "
            "in de vestigingen van de gemeente."
        ),
        unit="aantal",
        sources=("ido",),
        compute=_in_period(ido.count_questions, "ido"),
        figures=(figures.ido_topics,),
    )
)


def _visitors(scope: Scope, period: Period, goal: str | None) -> Value:
    estimate = visits.estimate_visitors(
        scope["bezoekerstellingen"],
        scope["openingstijden"],
        scope["sluitingsdagen"],
        period,
        branches=scope.branches,
    )
    return Value(estimate.estimate, estimate.lower, estimate.upper)


register(
    Indicator(
        "bezoekers_geschat",
        "Bezoeken (geschat)",
        description=(
            "Er is geen bezoekersteller: medewerkers tellen de bezoekers van een deel van de "
            "openingsuren (meestal alle uren van een steekproefdag). De openingsuren van de "
            "periode volgen uit de openingstijden min de sluitingsdagen; tellingen buiten "
            "openingstijd tellen niet mee. De schatting is het getelde aantal plus, voor elk niet "
            "geteld openingsuur, het gemiddelde van de getelde uren van dezelfde vestiging, "
            "weekdag en hetzelfde uur. Het 95%-betrouwbaarheidsinterval neemt getelde dagen als "
            "steekproefeenheden (de uren van één dag gaan samen op en neer) en gebruikt Student's "
            "t. Zijn alle openingsuren geteld, dan is de schatting de exacte som en heeft het "
            "interval breedte nul."
        ),
        unit="bezoeken",
        kind=ESTIMATE,
        sources=("bezoekerstellingen", "openingstijden", "sluitingsdagen"),
        compute=_visitors,
        figures=(figures.visits_estimate, figures.visits_by_weekday_hour),
        summary=True,
        per_inhabitants=ALL_AGES,
    )
)
register(
    Indicator(
        "werkplekbezetting",
        "Bezetting studie- en werkplekken",
        description=(
            "Bezette studie- en werkplekken gedeeld door beschikbare werkplekken, opgeteld over de "
            "getelde uren in de periode."
        ),
        unit="fractie",
        kind=FRACTION,
        sources=("bezoekerstellingen",),
        compute=_in_period(visits.workplace_occupancy, "bezoekerstellingen"),
        figures=(figures.occupancy_by_daypart,),
    )
)
register(
    Indicator(
        "communicatie_uitingen",
        "Communicatie-uitingen",
        description=(
            "Gepubliceerde communicatie-uitingen (website, nieuwsbrief, sociale media, krant, ...) "
            "in de periode, in de vestigingen van de gemeente."
        ),
        unit="aantal",
        sources=("communicatie",),
        compute=_in_period(communication.count_items, "communicatie"),
        figures=(figures.communication_channels,),
    )
)
register(
    Indicator(
        "digitaal_gebruik",
        "Gebruik digitale diensten",
        description=(
            "Gebruik van de digitale diensten (bijvoorbeeld Pressreader, e-books, luisterboeken) "
            "in de maanden van de periode, zoals gemeld voor de gemeente."
        ),
        unit="aantal",
        sources=("digitaal",),
        compute=lambda scope, period, goal: digital.digital_use(
            scope["digitaal"], period, municipality=scope.municipality
        ),
        figures=(figures.digital_services,),
    )
)
