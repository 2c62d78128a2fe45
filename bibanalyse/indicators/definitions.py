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
    ESTIMATE,
    FRACTION,
    REGISTRY,
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
) -> None:
    """The two entries of a count at the period's begin and at its end; the end's figures
    and headline role are the pair's."""
    common = {"unit": unit, "sources": (table,), "noun": noun, "personal": personal}
    begin = register(
        Indicator(
            f"{key}_begin",
            f"{noun} aan het begin{suffix}",
            compute=_on_day(count, table, at_end=False),
            **common,
        )
    )
    register(
        Indicator(
            f"{key}_eind",
            f"{noun} aan het eind{suffix}",
            compute=_on_day(count, table, at_end=True),
            begin=begin.key,
            figures=figures_at_end,
            summary=summary,
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
    figures_at_end=(figures.members_begin_end,),
    summary=True,
)
_begin_and_end(
    "jeugdleden",
    "Jeugdleden",
    members.youth_members_on,
    "abonnementen",
    unit="leden",
    personal=True,
    figures_at_end=(figures.members_begin_end,),
    summary=True,
)
register(
    Indicator(
        "jeugdleden_aandeel",
        "Jeugdleden als deel van de inwoners van 0-17 jaar",
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
)
register(
    Indicator(
        "uitleningen",
        "Uitleningen",
        unit="aantal",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_loans, "uitleenacties"),
        figures=(figures.loans_by_month,),
        summary=True,
    )
)
register(
    Indicator(
        "verlengingen",
        "Verlengingen",
        unit="aantal",
        sources=("uitleenacties",),
        compute=_in_period(loans.count_renewals, "uitleenacties"),
    )
)
register(
    Indicator(
        "uitleningen_jeugd",
        "Uitleningen jeugdcollectie",
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
        unit="aantal",
        sources=("activiteiten",),
        per_goal=True,
        effort=True,
        compute=lambda scope, period, goal: activities.count_activities(
            scope["activiteiten"], period, goal, branches=scope.branches
        ),
    )
)
register(
    Indicator(
        "deelnemers",
        "Deelnemers",
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
        unit="aantal",
        sources=("activiteiten",),
        compute=_in_period(activities.count_communities, "activiteiten"),
    )
)
register(
    Indicator(
        "ido_vragen",
        "Vragen bij het Informatiepunt Digitale Overheid",
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
        unit="bezoeken",
        kind=ESTIMATE,
        sources=("bezoekerstellingen", "openingstijden", "sluitingsdagen"),
        compute=_visitors,
        figures=(figures.visits_estimate, figures.visits_by_weekday_hour),
        summary=True,
    )
)
register(
    Indicator(
        "werkplekbezetting",
        "Bezetting studie- en werkplekken",
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
        unit="aantal",
        sources=("digitaal",),
        compute=lambda scope, period, goal: digital.digital_use(
            scope["digitaal"], period, municipality=scope.municipality
        ),
        figures=(figures.digital_services,),
    )
)
