"""The prestatieafspraken (performance agreements) as data.

Each agreement is a TOML file in the package folder ``bibanalyse/agreements/``: one
municipality, a validity (``geldig_van`` .. ``geldig_tot``, inclusive), its ambitions and its
goals. Adding another municipality's or period's agreements is adding a file, not code.

>>> agreement = agreement_for("Heemstede", Period.parse("2025-H1"))
>>> agreement.title
'Prestatieafspraken 2024-2027'
>>> [ambition.slug for ambition in agreement.ambitions][:2]
['1_leesplezier', '2_basisvaardigheden']
>>> goal = agreement.goal("4.1")
>>> goal.reach, goal.headline, goal.direction
('Uitleencijfers Heemstede', 'uitleningen', 'meer')

File layout (Dutch keys; texts verbatim from the agreement, whitespace is collapsed so long
texts may span lines)::

    gemeente = "Heemstede"
    titel = "Prestatieafspraken 2024-2027"
    geldig_van = 2024-01-01
    geldig_tot = 2027-12-31
    bron = "..."                      # the source document

    [[ambitie]]
    nummer = 1
    kort = "Leesplezier"              # short name, gives the slug "1_leesplezier"
    titel = "..."                     # the ambition's text
    convenant = "Convenant: ..."      # optional: not every agreement names a covenant
    thema = "Thema: ..."

    [[doel]]
    id = "1.1"                        # "<ambitie>.<n>", unique in the file
    ambitie = 1
    tekst = "..."
    doelgroep = "..."                 # optional, like vestiging, partners, bereik
    vestiging = "..."
    partners = "..."
    bereik = "..."                    # what the agreement says is measured
    indicatoren = ["activiteiten", "deelnemers"]   # keys of the indicator registry
    kop = "deelnemers"                # the headline indicator, one of indicatoren
    richting = "meer"                 # or "stabiel": the direction hoped for
    inspanning = false                # true: effort obligation, reported by narrative
    toelichting = "..."               # optional: the agreement's footnote for this goal
"""

from __future__ import annotations

import functools
import re
import tomllib
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path
from typing import Any

from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.periods import Period

DIRECTIONS: frozenset[str] = frozenset({"meer", "stabiel"})
"""The directions a municipality may hope for: more, or stable."""

_GOAL_ID_PATTERN = re.compile(r"[0-9]+\.[0-9]+")
_AGREEMENT_KEYS = {"gemeente", "titel", "geldig_van", "geldig_tot", "bron", "ambitie", "doel"}
_AMBITION_KEYS = {"nummer", "kort", "titel", "convenant", "thema"}
_GOAL_KEYS = {
    "id",
    "ambitie",
    "tekst",
    "doelgroep",
    "vestiging",
    "partners",
    "bereik",
    "indicatoren",
    "kop",
    "richting",
    "inspanning",
    "toelichting",
}


@dataclass(frozen=True)
class Goal:
    """One prestatieafspraak: a goal under an ambition, and how it is measured.

    ``target_group``, ``branch``, ``partners`` and ``reach`` are None where the agreement
    leaves them open. ``effort_only`` goals are reported by the staff's narrative.
    """

    id: str
    ambition: int
    text: str
    target_group: str | None
    branch: str | None
    partners: str | None
    reach: str | None
    indicators: tuple[str, ...]
    headline: str
    direction: str
    effort_only: bool
    note: str | None = None


@dataclass(frozen=True)
class Ambition:
    """A numbered ambition (in 2020: a theme) and its goals."""

    number: int
    title: str
    covenant: str | None
    theme: str
    goals: tuple[Goal, ...]
    short_name: str

    @property
    def slug(self) -> str:
        """A name for files: number and short name, lowercase ascii.

        >>> agreement_for("heemstede", "2025").ambitions[3].slug
        '4_literatuur_en_cultuur'
        """
        return f"{self.number}_{_slugify(self.short_name)}"


@dataclass(frozen=True)
class Agreement:
    """The agreements of one municipality, valid from ``valid_from`` to ``valid_to`` inclusive."""

    municipality: str
    title: str
    valid_from: date
    valid_to: date
    source: str
    ambitions: tuple[Ambition, ...]

    @property
    def goals(self) -> tuple[Goal, ...]:
        """All goals, ambition by ambition, in the agreement's order.

        >>> [goal.id for goal in agreement_for("Heemstede", "2024-H1").goals][:5]
        ['1.1', '1.2', '1.3', '1.4', '2.1']
        """
        return tuple(goal for ambition in self.ambitions for goal in ambition.goals)

    def goal(self, goal_id: str) -> Goal:
        """The goal with this id; KeyError listing the ids there are otherwise."""
        for goal in self.goals:
            if goal.id == goal_id:
                return goal
        known = ", ".join(goal.id for goal in self.goals)
        raise KeyError(
            f"no goal {goal_id!r} in {self.title} ({self.municipality}); its goals are {known}"
        )

    def ambition(self, number: int) -> Ambition:
        """The ambition with this number; KeyError listing the numbers there are otherwise."""
        for ambition in self.ambitions:
            if ambition.number == number:
                return ambition
        known = ", ".join(str(ambition.number) for ambition in self.ambitions)
        raise KeyError(
            f"no ambition {number!r} in {self.title} ({self.municipality}); "
            f"its ambitions are {known}"
        )

    def is_valid_on(self, day: date) -> bool:
        """Whether the agreement applies on this day."""
        return self.valid_from <= day <= self.valid_to

    def describe(self) -> str:
        """One line naming the agreement and its validity, for messages.

        >>> agreement_for("Heemstede", "2023-H2").describe()
        'Heemstede: Prestatieafspraken 2020 (2020-01-01 to 2023-12-31)'
        """
        return (
            f"{self.municipality}: {self.title} "
            f"({self.valid_from.isoformat()} to {self.valid_to.isoformat()})"
        )


def load_agreements(directory: Path | None = None) -> tuple[Agreement, ...]:
    """Read and validate every ``*.toml`` agreement in ``directory`` (default: the package's).

    Raises ValueError naming the file and the entry for any problem: unknown keys, missing
    or mistyped values, duplicate goal ids, unknown indicator keys, a headline that is not
    among the goal's indicators, an unknown direction, or two agreements of one municipality
    whose validity overlaps.

    >>> [agreement.title for agreement in load_agreements()]
    ['Prestatieafspraken 2020', 'Prestatieafspraken 2024-2027']
    """
    if directory is None:
        return _packaged_agreements()
    return _read_folder(Path(directory))


@functools.cache
def _packaged_agreements() -> tuple[Agreement, ...]:
    """The package's own agreements, read once per process (they do not change while it
    runs)."""
    return _read_folder(_packaged_folder())


def _read_folder(folder: Traversable) -> tuple[Agreement, ...]:
    if not folder.is_dir():
        raise ValueError(f"agreements folder {str(folder)!r} does not exist")
    agreement_files = sorted(
        (entry for entry in folder.iterdir() if entry.name.endswith(".toml")),
        key=lambda entry: entry.name,
    )
    if not agreement_files:
        raise ValueError(f"no agreement files (*.toml) in {str(folder)!r}")
    named = [(entry.name, _read_agreement_file(entry)) for entry in agreement_files]
    _check_no_overlap(named)
    agreements = (agreement for _, agreement in named)
    return tuple(sorted(agreements, key=lambda a: (a.municipality.casefold(), a.valid_from)))


def agreement_for(
    municipality: str,
    period: Period | str,
    *,
    agreements: Iterable[Agreement] | None = None,
) -> Agreement:
    """The agreement of the municipality (any case) that is valid on the period's first day.

    ``agreements`` defaults to :func:`load_agreements`; ``period`` may be given as text.

    >>> agreement_for("HEEMSTEDE", Period.parse("2023-H2")).title
    'Prestatieafspraken 2020'
    >>> agreement_for("Haarlem", "2025-H1")
    Traceback (most recent call last):
    ...
    ValueError: no agreement for 'Haarlem' in 2025-H1; there are: \
Heemstede: Prestatieafspraken 2020 (2020-01-01 to 2023-12-31), \
Heemstede: Prestatieafspraken 2024-2027 (2024-01-01 to 2027-12-31)
    """
    if not isinstance(municipality, str) or not municipality.strip():
        raise ValueError(f"municipality must be a name such as 'Heemstede', got {municipality!r}")
    if isinstance(period, str):
        period = Period.parse(period)
    if not isinstance(period, Period):
        raise TypeError(f"period must be a Period or text such as '2025-H1', got {period!r}")
    candidates = tuple(load_agreements() if agreements is None else agreements)
    wanted = _municipality_key(municipality)
    for agreement in candidates:
        is_theirs = _municipality_key(agreement.municipality) == wanted
        if is_theirs and agreement.is_valid_on(period.first_day):
            return agreement
    existing = ", ".join(agreement.describe() for agreement in candidates) or "none"
    raise ValueError(f"no agreement for {municipality!r} in {period}; there are: {existing}")


# --- reading and validating one file -----------------------------------------------------


class _Entry:
    """One TOML table and a description of where it is, for error messages."""

    def __init__(self, values: Any, where: str) -> None:
        if not isinstance(values, dict):
            raise ValueError(f"{where}: expected a table, got {values!r}")
        self.values = values
        self.where = where

    def fail(self, problem: str) -> ValueError:
        return ValueError(f"{self.where}: {problem}")

    def check_keys(self, allowed: set[str]) -> None:
        unknown = sorted(set(self.values) - allowed)
        if unknown:
            raise self.fail(f"unknown key(s) {unknown}; allowed are {sorted(allowed)}")

    def get(self, key: str, kind: type | tuple[type, ...], *, required: bool = True) -> Any:
        if key not in self.values:
            if required:
                raise self.fail(f"{key!r} is missing")
            return None
        value = self.values[key]
        wrongly_a_bool = isinstance(value, bool) and kind is not bool  # bool is an int
        if wrongly_a_bool or not isinstance(value, kind):
            raise self.fail(f"{key!r} has the wrong type: {value!r}")
        return value

    def text(self, key: str, *, required: bool = True) -> str | None:
        value = self.get(key, str, required=required)
        if value is None:
            return None
        cleaned = " ".join(value.split())
        if not cleaned:
            raise self.fail(f"{key!r} is empty")
        return cleaned

    def day(self, key: str) -> date:
        value = self.get(key, date)
        if isinstance(value, datetime):
            raise self.fail(f"{key!r} must be a date without a time, got {value!r}")
        return value

    def tables(self, key: str) -> list[Any]:
        return self.get(key, list)


def _read_agreement_file(source: Traversable) -> Agreement:
    try:
        document = tomllib.loads(source.read_text(encoding="utf-8"))
    except tomllib.TOMLDecodeError as error:
        raise ValueError(f"{source.name}: not valid TOML: {error}") from error
    return _agreement_from_document(_Entry(document, source.name))


def _agreement_from_document(document: _Entry) -> Agreement:
    document.check_keys(_AGREEMENT_KEYS)
    valid_from, valid_to = document.day("geldig_van"), document.day("geldig_tot")
    if valid_from > valid_to:
        raise document.fail(f"geldig_van {valid_from} is after geldig_tot {valid_to}")
    goals = _read_goals(document)
    ambitions = _read_ambitions(document, goals)
    _check_goals_belong_to_ambitions(document, goals, ambitions)
    return Agreement(
        municipality=document.text("gemeente"),
        title=document.text("titel"),
        valid_from=valid_from,
        valid_to=valid_to,
        source=document.text("bron"),
        ambitions=ambitions,
    )


def _read_ambitions(document: _Entry, goals: Sequence[Goal]) -> tuple[Ambition, ...]:
    ambitions: list[Ambition] = []
    for position, values in enumerate(document.tables("ambitie"), start=1):
        entry = _Entry(values, f"{document.where}, ambitie #{position}")
        ambition = _ambition_from_entry(entry, goals)
        if any(other.number == ambition.number for other in ambitions):
            raise entry.fail(f"ambition number {ambition.number} appears twice")
        if any(other.slug == ambition.slug for other in ambitions):
            raise entry.fail(f"slug {ambition.slug!r} appears twice")
        ambitions.append(ambition)
    if not ambitions:
        raise document.fail("no [[ambitie]] entries")
    return tuple(sorted(ambitions, key=lambda ambition: ambition.number))


def _ambition_from_entry(entry: _Entry, goals: Sequence[Goal]) -> Ambition:
    entry.check_keys(_AMBITION_KEYS)
    number = entry.get("nummer", int)
    own_goals = tuple(goal for goal in goals if goal.ambition == number)
    if not own_goals:
        raise entry.fail(f"ambition {number} has no goals ([[doel]] with ambitie = {number})")
    short_name = entry.text("kort")
    if not _slugify(short_name):
        raise entry.fail(f"short name {short_name!r} gives no usable file name")
    return Ambition(
        number=number,
        title=entry.text("titel"),
        covenant=entry.text("convenant", required=False),
        theme=entry.text("thema"),
        goals=own_goals,
        short_name=short_name,
    )


def _read_goals(document: _Entry) -> list[Goal]:
    goals: list[Goal] = []
    for position, values in enumerate(document.tables("doel"), start=1):
        label = values.get("id") if isinstance(values, dict) else None
        place = f"doel {label!r}" if isinstance(label, str) else f"doel #{position}"
        goal = _goal_from_entry(_Entry(values, f"{document.where}, {place}"))
        if any(other.id == goal.id for other in goals):
            raise document.fail(f"goal id {goal.id!r} appears twice")
        goals.append(goal)
    if not goals:
        raise document.fail("no [[doel]] entries")
    return goals


def _goal_from_entry(entry: _Entry) -> Goal:
    entry.check_keys(_GOAL_KEYS)
    goal_id = entry.text("id")
    ambition = entry.get("ambitie", int)
    if not _GOAL_ID_PATTERN.fullmatch(goal_id) or not goal_id.startswith(f"{ambition}."):
        raise entry.fail(f"id {goal_id!r} must read '<ambitie>.<n>' with ambitie = {ambition}")
    indicators = _indicators(entry)
    headline = entry.text("kop")
    if headline not in indicators:
        raise entry.fail(f"kop {headline!r} is not among its indicatoren {list(indicators)}")
    direction = entry.text("richting")
    if direction not in DIRECTIONS:
        raise entry.fail(f"richting {direction!r} must be one of {sorted(DIRECTIONS)}")
    return Goal(
        id=goal_id,
        ambition=ambition,
        text=entry.text("tekst"),
        target_group=entry.text("doelgroep", required=False),
        branch=entry.text("vestiging", required=False),
        partners=entry.text("partners", required=False),
        reach=entry.text("bereik", required=False),
        indicators=indicators,
        headline=headline,
        direction=direction,
        effort_only=entry.get("inspanning", bool),
        note=entry.text("toelichting", required=False),
    )


def _indicators(entry: _Entry) -> tuple[str, ...]:
    keys = entry.get("indicatoren", list)
    if not keys:
        raise entry.fail("indicatoren is empty; name at least one indicator")
    for key in keys:
        if not isinstance(key, str) or key not in REGISTRY:
            raise entry.fail(f"unknown indicator {key!r}; known are {sorted(REGISTRY)}")
    if len(set(keys)) != len(keys):
        raise entry.fail(f"indicatoren {keys} names an indicator twice")
    return tuple(keys)


def _check_goals_belong_to_ambitions(
    document: _Entry, goals: Sequence[Goal], ambitions: Sequence[Ambition]
) -> None:
    numbers = {ambition.number for ambition in ambitions}
    for goal in goals:
        if goal.ambition not in numbers:
            raise document.fail(f"doel {goal.id!r} names ambitie {goal.ambition}, which is absent")


def _check_no_overlap(named: Sequence[tuple[str, Agreement]]) -> None:
    for index, (name, agreement) in enumerate(named):
        for other_name, other in named[index + 1 :]:
            if _overlap(agreement, other):
                raise ValueError(
                    f"{name} and {other_name}: the validity of two agreements for "
                    f"{agreement.municipality} overlaps"
                )


# --- small helpers -----------------------------------------------------------------------


def _overlap(agreement: Agreement, other: Agreement) -> bool:
    """Whether two agreements of one municipality are valid on a common day."""
    same_municipality = _municipality_key(agreement.municipality) == _municipality_key(
        other.municipality
    )
    return (
        same_municipality
        and agreement.valid_from <= other.valid_to
        and other.valid_from <= agreement.valid_to
    )


def _packaged_folder() -> Traversable:
    return files("bibanalyse") / "agreements"


def _municipality_key(name: str) -> str:
    return " ".join(name.split()).casefold()


def _slugify(text: str) -> str:
    """Lowercase ascii words joined by underscores.

    >>> _slugify("Literatuur en Cultuur (één)")
    'literatuur_en_cultuur_een'
    """
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "_", ascii_text.lower()).strip("_")
