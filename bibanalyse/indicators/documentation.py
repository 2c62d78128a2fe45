"""The Dutch documentation of the indicators, made from their definitions so that it cannot
drift from the code: ``python -m bibanalyse.indicators.documentation > docs/indicatoren.md``
(``make docs``); a test checks that the committed file is what this makes."""

from __future__ import annotations

from bibanalyse import suppression, verdicts
from bibanalyse.agreements import load_agreements
from bibanalyse.config import DEFAULT_CLASS_SIZE
from bibanalyse.formatting import percentage
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import ESTIMATE, FRACTION, Indicator

KINDS = {
    "count": "een aantal",
    FRACTION: "een deel, als percentage",
    ESTIMATE: "een schatting, afgerond op honderdtallen, met een 95%-betrouwbaarheidsinterval",
}


def markdown() -> str:
    """The documentation, as Markdown."""
    parts = [_introduction()]
    parts += [_indicator(indicator) for indicator in REGISTRY.values()]
    parts.append(_rules())
    return "\n\n".join(parts).rstrip() + "\n"


def _introduction() -> str:
    return (
        "# Hoe de cijfers worden berekend\n\n"
        "Dit document wordt gemaakt uit de definities van de indicatoren in "
        "`bibanalyse/indicators/definitions.py` (`make docs`); het kan dus niet afwijken van "
        "wat de rapporten berekenen.\n\n"
        "Elk cijfer geldt voor één gemeente en één periode: een halfjaar (1 januari tot en met "
        "30 juni, of 1 juli tot en met 31 december) of een heel jaar, grenzen inbegrepen. Het "
        "wordt vergeleken met de vorige periode van dezelfde lengte en met dezelfde periode een "
        "jaar eerder. Tellingen gaan over de vestigingen van de gemeente (voor Heemstede: "
        "Plein1); leden tellen bij de gemeente van hun hoofdvestiging. Ontbreken de gegevens "
        "voor een periode (een bron die later begint, geen bevolkingscijfer voor het jaar), dan "
        "blijft het cijfer leeg in plaats van nul.\n\n"
        "## De indicatoren"
    )


def _indicator(indicator: Indicator) -> str:
    facts = [
        f"- Soort: {KINDS[indicator.kind]}; eenheid in `indicatoren.csv`: {indicator.unit}.",
        f"- Bronnen: {', '.join(f'`{table}`' for table in indicator.sources)}.",
        "- Per doel: ja, elk doel telt alleen wat met dat doel is gelabeld."
        if indicator.per_goal
        else "- Per doel: nee, elk doel dat dit cijfer noemt toont hetzelfde getal.",
    ]
    if indicator.personal:
        facts.append(
            f"- Personen naar een persoonskenmerk (leeftijd): een aantal van 1 tot en met "
            f"{suppression.DEFAULT_THRESHOLD - 1} staat als <{suppression.DEFAULT_THRESHOLD}."
        )
    if indicator.per_inhabitants:
        facts.append(
            f"- Ook per 1.000 {indicator.per_inhabitants}, naast de andere gemeenten van de "
            "bibliotheek en de bibliotheek als geheel."
        )
    if goals := _goals_naming(indicator):
        facts.append(f"- Genoemd bij: {goals}.")
    return f"### {indicator.label} (`{indicator.key}`)\n\n{indicator.description}\n\n" + "\n".join(
        facts
    )


def _goals_naming(indicator: Indicator) -> str:
    found = []
    for agreement in load_agreements():
        ids = [goal.id for goal in agreement.goals if indicator.key in goal.indicators]
        if ids:
            found.append(f"{agreement.title} ({agreement.municipality}): doel {', '.join(ids)}")
    return "; ".join(found)


def _rules() -> str:
    from bibanalyse.report import EARLIER_HALF_YEARS

    rise, stable = percentage(verdicts.RISE_MARGIN), percentage(verdicts.STABLE_MARGIN)
    small, withheld = suppression.DEFAULT_THRESHOLD, suppression.WITHHELD
    return f"""## Deelnemers bij lessen op school

Waar een activiteit is geregistreerd met het aantal klassen en zonder aantal deelnemers,
telt elke klas voor de gemiddelde klasgrootte: standaard {DEFAULT_CLASS_SIZE}, in te stellen als
`class_size` in `bibanalyse.toml`.

## Het oordeel

Elk doel krijgt een oordeel over zijn kerncijfer, ten opzichte van de gehoopte richting
("meer" of "stabiel"). Het kerncijfer wordt vergeleken met dezelfde periode een jaar eerder
(een telling aan het eind van de periode met die aan het begin). Een verandering binnen de
marge telt als gelijk gebleven: {rise} bij een gehoopte stijging, {stable} naar boven of beneden bij
een gehoopt stabiel cijfer. Een schatting met een interval is alleen veranderd als de
intervallen van beide perioden elkaar niet overlappen.

Waar het verloop van het kerncijfer ten minste {verdicts.USUAL_SWING_MINIMUM} eerdere halfjaren
telt, zegt het oordeel ook of het cijfer binnen de schommeling van die halfjaren ligt (tussen
het laagste en het hoogste). Een daling (of bij een stabiel doel elke beweging) binnen die
schommeling heet een gebruikelijke schommeling, geen aandachtspunt: een seizoensdip is
normaal. Doelen met alleen een inspanningsverplichting krijgen geen oordeel over een cijfer;
daarvoor is de toelichting van de bibliotheek.

## Het verloop

Bij elk doel met een cijfer staat het kerncijfer per halfjaar sinds het begin van de afspraken
die nu gelden, en daarvoor nog {EARLIER_HALF_YEARS} halfjaren van de vorige afspraken voor zover de
gegevens zo ver teruggaan (grijs en gestreept). Een cijfer dat per doel wordt geteld, gaat niet
terug in de vorige afspraken: die nummerden hun doelen anders.

## Naast de andere gemeenten

Uitleningen, leden, jeugdleden, activiteiten en bezoeken staan ook per 1.000 inwoners (jeugdleden:
per 1.000 inwoners van 0-17 jaar) van elke gemeente van de bibliotheek en van alle gemeenten samen,
met de inwoners volgens het CBS in het jaar van de laatste dag van de periode. Het cijfer van
alle gemeenten samen is de som van de gemeenten, en blijft leeg waar een gemeente geen cijfer
heeft.

## Kleine aantallen en privacy

Geen rapport toont een aantal van minder dan {small} personen uitgesplitst naar
een persoonskenmerk: zo'n cel staat als <{small}, en een cijfer per inwoner dat
erop rust als {withheld}. Lenersnummers, geboortedata en volledige postcodes komen nooit
verder dan het inlezen: de verwerkte gegevens houden een pseudoniem, een geboortejaar en de
vier cijfers van de postcode."""


if __name__ == "__main__":
    print(markdown(), end="")
