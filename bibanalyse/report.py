"""The report as data: what each part of a period's report shows, and its HTML.

``Report.load(period, municipality, data_dir)`` reads the period's processed data once; then

- ``report.goal("1.2")`` is a :class:`GoalReport`: the goal's indicator rows (``table``, a
  DataFrame), its figures (``figures``, matplotlib Figures), the library's narrative
  (``narrative``, Markdown) and the verdict on its headline figure (``verdict``); its
  ``summary`` (heading, agreement and indicator table) and ``account`` (narrative and
  verdict) are the HTML a report shows;
- ``report.ambition(1)`` is an :class:`AmbitionReport`: its ``header`` and its goals;
- ``report.overview()`` is the :class:`Overview`: every goal's headline figure, change and
  verdict, as a DataFrame (``table``) and as HTML (``summary``);
- ``report.colophon`` closes every report.

The HTML comes from the templates in ``bibanalyse/templates/fragments``; what an indicator is
and how its value reads comes from the registry (:mod:`bibanalyse.indicators.registry`).
Everything a reader sees is Dutch, with Dutch number and date formatting.
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import markdown
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from bibanalyse import formatting as fmt
from bibanalyse import plots, suppression
from bibanalyse.agreements import Agreement, Ambition, Goal, agreement_for
from bibanalyse.config import Settings, load_settings
from bibanalyse.figures import PER_GOAL
from bibanalyse.fragments import COMBINED, Fragment, render
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import ESTIMATE, FRACTION, Indicator
from bibanalyse.indicators.table import Calculator
from bibanalyse.periods import Period, latest_ended
from bibanalyse.store import Tables, require_data
from bibanalyse.verdicts import Movement, Verdict, judge
from bibanalyse.wording import ESTIMATE_NOTE, NO_NARRATIVE, VERDICT_MARKS

COMPARED_COLUMNS = ("Deze periode", "Vorige periode", "Jaar eerder")


@dataclass
class Report:
    """One period's report for one municipality."""

    settings: Settings
    period: Period
    municipality: str
    agreement: Agreement
    tables: Tables
    _goals: dict[str, GoalReport] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, period: str = "", municipality: str = "", data_dir: str = "") -> Report:
        """The report of ``period`` (default: the latest half year that has ended) for
        ``municipality`` (default from the settings), on the data in ``data_dir`` (default
        from the settings)."""
        settings = load_settings().with_data_dir(data_dir or None)
        chosen = Period.parse(period) if period else latest_ended(dt.date.today())
        return cls.for_settings(settings, chosen, municipality or settings.municipality)

    @classmethod
    def for_settings(cls, settings: Settings, period: Period, municipality: str) -> Report:
        """The report of ``period`` for ``municipality`` on the data of ``settings``."""
        require_data(settings.processed_dir, period, municipality)
        tables = Tables.for_period(settings.processed_dir, period, municipality)
        agreement = agreement_for(tables.municipality, period)
        return cls(settings, period, tables.municipality, agreement, tables)

    @cached_property
    def calculator(self) -> Calculator:
        """Computes each indicator value once, for every part of the report."""
        return Calculator(self.tables, self.settings.class_size)

    @property
    def indicators(self) -> pd.DataFrame:
        """The indicator table of every goal (``indicatoren.csv``)."""
        return self.calculator.table(self.period, self.agreement.goals)

    def goal(self, goal_id: str) -> GoalReport:
        """The report of one goal, e.g. ``report.goal("1.2")``."""
        if goal_id not in self._goals:
            self._goals[goal_id] = GoalReport(self, self.agreement.goal(goal_id))
        return self._goals[goal_id]

    def ambition(self, number: int) -> AmbitionReport:
        """The report of one ambition (in the 2020 agreements: a theme)."""
        return AmbitionReport(self, self.agreement.ambition(number))

    def overview(self) -> Overview:
        return Overview(self)

    @property
    def colophon(self) -> Fragment:
        return Fragment(
            render(
                "colophon",
                agreement=self.agreement,
                made=dt.date.today(),
                threshold=suppression.DEFAULT_THRESHOLD,
            )
        )

    def title(self, subject: str) -> str:
        """A report's title: ``<subject> | Heemstede | tweede halfjaar 2025``."""
        return f"{subject} | {self.municipality} | {self.period.dutch_label}"

    def narrative(self, goal: Goal) -> str | None:
        """The staff's Markdown on ``goal`` for the period (for a whole year: both halves)."""
        narratives = self.tables["toelichting"]
        labels = [self.period.label]
        if self.period.half is None:
            labels += [f"{self.period.year}-H1", f"{self.period.year}-H2"]
        found = narratives[
            (narratives["gemeente"] == self.municipality)
            & narratives["periode"].isin(labels)
            & (narratives["afspraak"] == goal.id)
        ]
        return "\n\n".join(found["tekst"]) if len(found) else None

    def verdicts(self) -> pd.DataFrame:
        """The verdict on every goal (``oordelen.csv``): ``periode``, ``afspraak``,
        ``kerncijfer`` (the headline indicator), ``oordeel`` (its kind: ``op_koers``, ...),
        ``omschrijving`` (the kind in Dutch) and ``tekst`` (the verdict's Dutch line)."""
        rows = []
        for goal in self.agreement.goals:
            verdict = self.goal(goal.id).verdict
            rows.append(
                {
                    "periode": self.period.label,
                    "afspraak": goal.id,
                    "kerncijfer": goal.headline,
                    "oordeel": verdict.kind,
                    "omschrijving": verdict.label,
                    "tekst": verdict.text,
                }
            )
        return pd.DataFrame(rows)


@dataclass(frozen=True)
class AmbitionReport:
    """One ambition: its header and its goals."""

    report: Report
    ambition: Ambition

    @property
    def title(self) -> str:
        return self.report.title(f"Ambitie {self.ambition.number}: {self.ambition.short_name}")

    @property
    def goals(self) -> tuple[GoalReport, ...]:
        return tuple(self.report.goal(goal.id) for goal in self.ambition.goals)

    @property
    def header(self) -> Fragment:
        themes = [text for text in (self.ambition.covenant, self.ambition.theme) if text]
        html_text = render(
            "ambition_header",
            municipality=self.report.municipality,
            period=self.report.period,
            ambition=self.ambition,
            themes=themes,
        )
        return Fragment(html_text, title=self.title)


class Cell(NamedTuple):
    """A value as a reader sees it, and an estimate's interval beneath it."""

    text: str
    interval: str | None = None


@dataclass
class GoalReport:
    """One goal: its indicator rows, figures, narrative and verdict. See the module."""

    report: Report
    goal: Goal

    @cached_property
    def table(self) -> pd.DataFrame:
        """The goal's indicator rows, as in ``indicatoren.csv``."""
        return self.report.calculator.table(self.report.period, [self.goal])

    @cached_property
    def figures(self) -> list[Figure]:
        """The figures of the goal's indicators. A figure that is the same for every goal
        (loans by month, visits) belongs to the first goal of the ambition that has it."""
        return [
            figure
            for drawer in self._drawers()
            if (
                figure := drawer(
                    self.report.tables,
                    self.report.period,
                    self.goal,
                    indicators=self.table,
                    class_size=self.report.settings.class_size,
                )
            )
            is not None
        ]

    @cached_property
    def narrative(self) -> str | None:
        """The library's account of its effort (Markdown), or None when none was given."""
        return self.report.narrative(self.goal)

    @cached_property
    def movement(self) -> Movement | None:
        """The goal's headline figure and what it is compared with."""
        rows = self.table.set_index("indicator")
        if self.goal.headline not in rows.index:
            return None
        indicator = REGISTRY[self.goal.headline]
        row = rows.loc[indicator.key]
        if indicator.begin is not None and indicator.begin in rows.index:
            begin = rows.loc[indicator.begin, "waarde"]
            return Movement(row["waarde"], begin, "het begin van de periode")
        if indicator.kind == ESTIMATE:
            earlier = self.report.calculator.value(
                indicator, self.goal.id, self.report.period.year_earlier()
            )
            return Movement(
                row["waarde"],
                row["vorig_jaar"],
                "een jaar eerder",
                interval=(row["ondergrens"], row["bovengrens"]),
                compared_interval=(earlier.lower, earlier.upper),
            )
        return Movement(
            row["waarde"], row["vorig_jaar"], "een jaar eerder", fraction=indicator.kind == FRACTION
        )

    @property
    def verdict(self) -> Verdict:
        return judge(self.movement, self.goal.direction, effort_only=self.goal.effort_only)

    @property
    def anchor(self) -> str:
        return goal_anchor(self.goal)

    @property
    def summary(self) -> Fragment:
        """The goal's heading, the agreement's text and facts, and its indicator table."""
        heading = first_sentence(self.goal.text)
        facts = [
            ("Doelgroep", self.goal.target_group),
            ("Partners", self.goal.partners),
            ("Gemeten wordt", self.goal.reach),
            ("Gehoopte richting", self.goal.direction),
        ]
        indicators = [REGISTRY[key] for key in self.table["indicator"]]
        return Fragment(
            render(
                "goal_summary",
                goal=self.goal,
                anchor=self.anchor,
                heading=heading,
                full_text=None if heading == self.goal.text.strip() else self.goal.text,
                facts=[(label, value) for label, value in facts if value],
                caption=ESTIMATE_NOTE if any(i.kind == ESTIMATE for i in indicators) else None,
                columns=COMPARED_COLUMNS,
                rows=[_table_row(row) for row in self.table.itertuples(index=False)],
            )
        )

    @property
    def account(self) -> Fragment:
        """The library's narrative and the verdict."""
        narrative = None if self.narrative is None else Markup(render_markdown(self.narrative))
        return Fragment(
            render(
                "goal_account",
                narrative=narrative,
                missing_narrative=NO_NARRATIVE,
                verdict=self.verdict,
                marks=VERDICT_MARKS,
            )
        )

    def _drawers(self) -> list:
        ambition = self.report.agreement.ambition(self.goal.ambition)
        earlier = ambition.goals[: ambition.goals.index(self.goal)]
        drawn_before = {drawer for goal in earlier for drawer in _named_drawers(goal)}
        return [
            drawer
            for drawer in _named_drawers(self.goal)
            if drawer in PER_GOAL or drawer not in drawn_before
        ]


@dataclass(frozen=True)
class Overview:
    """Every goal of the period with its headline figure, its change and the verdict."""

    report: Report

    @property
    def title(self) -> str:
        return self.report.title("Overzicht")

    @property
    def header(self) -> Fragment:
        report = self.report
        html_text = render(
            "overview_header",
            municipality=report.municipality,
            period=report.period,
            agreement=report.agreement,
        )
        return Fragment(html_text, title=self.title)

    @property
    def table(self) -> pd.DataFrame:
        """One row per goal: ``afspraak``, ``kerncijfer`` (the headline indicator),
        ``waarde``, ``vergeleken`` (what it is compared with), ``vergeleken_met`` and
        ``oordeel`` (the verdict's kind)."""
        rows = []
        for goal in self.report.agreement.goals:
            part = self.report.goal(goal.id)
            movement = part.movement
            rows.append(
                {
                    "afspraak": goal.id,
                    "kerncijfer": goal.headline,
                    "waarde": math.nan if movement is None else movement.value,
                    "vergeleken": math.nan if movement is None else movement.compared,
                    "vergeleken_met": None if movement is None else movement.compared_with,
                    "oordeel": part.verdict.kind,
                }
            )
        return pd.DataFrame(rows)

    @property
    def summary(self) -> Fragment:
        """The table of every goal, linking to each goal in its ambition's report; its
        variant for the combined report links inside the document."""
        sections = [self._section(ambition) for ambition in self.report.agreement.ambitions]
        return Fragment(
            render("overview_table", sections=sections, marks=VERDICT_MARKS, link=_file_link),
            variants={
                COMBINED: render(
                    "overview_table", sections=sections, marks=VERDICT_MARKS, link=_inner_link
                )
            },
        )

    def _section(self, ambition: Ambition) -> dict:
        return {
            "slug": ambition.slug,
            "number": ambition.number,
            "short_name": ambition.short_name,
            "rows": [self._row(self.report.goal(goal.id)) for goal in ambition.goals],
        }

    @staticmethod
    def _row(part: GoalReport) -> dict:
        indicator = REGISTRY[part.goal.headline]
        rows = part.table.set_index("indicator")
        value = Cell(fmt.MISSING)
        if indicator.key in rows.index:
            row = rows.loc[indicator.key]
            value = _cell(indicator, row["waarde"], row["ondergrens"], row["bovengrens"])
        change, compared = _movement_text(indicator, part.movement)
        return {
            "goal": part.goal.id,
            "anchor": part.anchor,
            "heading": first_sentence(part.goal.text),
            "label": indicator.label,
            "value": value,
            "change": change,
            "compared": compared,
            "verdict": part.verdict,
        }


def show(*figures: Figure) -> None:
    """Display each figure in the notebook as a PNG with its alternative text."""
    for figure in figures:
        plots.show(figure)


def goal_anchor(goal: Goal) -> str:
    """The id of a goal's heading, the same in every report: ``doel-1-2``."""
    return "doel-" + goal.id.replace(".", "-")


def render_markdown(text: str) -> str:
    """Staff Markdown as HTML that loads nothing: raw HTML is escaped, a link keeps its text
    and shows its address, an image becomes its description.

    >>> render_markdown("Zie [de site](https://example.org) en ![logo](https://x/l.png)")
    '<p>Zie de site (https://example.org) en [afbeelding: logo]</p>'
    """
    text = html.escape(text, quote=False)
    text = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"[afbeelding: \1]", text)
    text = re.sub(r"\[([^\]]+)\]\(([^)\s]+)[^)]*\)", r"\1 (\2)", text)
    rendered = markdown.markdown(text, output_format="html")
    return re.sub(r"<a\b[^>]*>(.*?)</a>", r"\1", rendered)  # bare autolinks too


def first_sentence(text: str) -> str:
    """A goal's first sentence, at most 90 characters, as its heading.

    >>> first_sentence("Meer leden. En meer uitleningen.")
    'Meer leden.'
    """
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= 90 else sentence[:87].rstrip() + "…"


# --- helpers ------------------------------------------------------------------------------


def _named_drawers(goal: Goal) -> list:
    """The figures the goal's own indicators name, each once, in order."""
    drawers = [drawer for key in goal.indicators for drawer in REGISTRY[key].figures]
    return list(dict.fromkeys(drawers))


def _cell(indicator: Indicator, value, lower=math.nan, upper=math.nan) -> Cell:
    return Cell(indicator.shown(value), indicator.shown_interval(lower, upper))


def _table_row(row) -> dict:
    indicator = REGISTRY[row.indicator]
    return {
        "label": indicator.label,
        "cells": [
            _cell(indicator, row.waarde, row.ondergrens, row.bovengrens),
            _cell(indicator, row.vorige_periode),
            _cell(indicator, row.vorig_jaar),
        ],
        "change": _change_text(indicator, row),
    }


def _change_text(indicator: Indicator, row) -> str:
    """How the value moved: against the begin of the period for a count at its end, else
    against a year earlier (in percentage points for a fraction)."""
    if indicator.begin is not None and not math.isnan(row.verandering):
        return f"{fmt.signed(row.verandering)} t.o.v. begin"
    if math.isnan(row.waarde) or math.isnan(row.vorig_jaar):
        return fmt.MISSING
    if indicator.kind == FRACTION:
        return fmt.percentage_points(row.waarde, row.vorig_jaar) + " t.o.v. jaar eerder"
    return f"{fmt.change(row.waarde, row.vorig_jaar)} t.o.v. jaar eerder"


def _movement_text(indicator: Indicator, movement: Movement | None) -> tuple[str, str | None]:
    """A headline figure's change, and what it is compared with."""
    if movement is None or math.isnan(movement.value) or math.isnan(movement.compared):
        return fmt.MISSING, None
    if indicator.kind == FRACTION:
        change = fmt.percentage_points(movement.value, movement.compared)
    else:
        change = fmt.change(movement.value, movement.compared)
    at_begin = movement.compared_with.startswith("het begin")
    return change, "t.o.v. begin" if at_begin else "t.o.v. jaar eerder"


def _file_link(slug: str, anchor: str | None) -> str:
    return f"{slug}.html" + (f"#{anchor}" if anchor else "")


def _inner_link(slug: str, anchor: str | None) -> str:
    return f"#{anchor or slug}"
