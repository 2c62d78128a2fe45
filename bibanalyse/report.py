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
from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from typing import NamedTuple

import markdown
import pandas as pd
from markupsafe import Markup
from matplotlib.figure import Figure

from bibanalyse import figures, plots, suppression
from bibanalyse import formatting as fmt
from bibanalyse.agreements import Agreement, Ambition, Goal, agreement_for
from bibanalyse.config import Settings, load_settings
from bibanalyse.figures import PER_GOAL
from bibanalyse.fragments import COMBINED, Fragment, render
from bibanalyse.indicators import context
from bibanalyse.indicators.definitions import REGISTRY
from bibanalyse.indicators.registry import ESTIMATE, FRACTION, YOUTH, Indicator
from bibanalyse.indicators.table import Calculator, with_columns
from bibanalyse.periods import Period, half_years, latest_ended
from bibanalyse.store import Tables, comparison_window, require_data
from bibanalyse.verdicts import Movement, Verdict, judge
from bibanalyse.wording import ESTIMATE_NOTE, NO_NARRATIVE, VERDICT_MARKS

COMPARED_COLUMNS = ("Deze periode", "Vorige periode", "Jaar eerder")
EARLIER_HALF_YEARS = 4
"""Half years of the agreement before the one in force shown in a trend, where data reach."""


@dataclass
class Report:
    """One period's report for one municipality."""

    settings: Settings
    period: Period
    municipality: str
    agreement: Agreement
    tables: Tables
    _goals: dict[str, GoalReport] = field(default_factory=dict, repr=False)
    _context: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)
    _organisation: Tables | None = field(default=None, repr=False)

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
        agreement = agreement_for(municipality, period)
        first = min(trend_periods(agreement, period)[0].first_day, comparison_window(period)[0])
        tables = Tables.for_days(settings.processed_dir, first, period.last_day, municipality)
        return cls(settings, period, tables.municipality, agreement, tables)

    @cached_property
    def calculator(self) -> Calculator:
        """Computes each indicator value once, for every part of the report."""
        return Calculator(self.tables, self.settings.class_size)

    @property
    def indicators(self) -> pd.DataFrame:
        """The indicator table of every goal, with its context (``indicatoren.csv``)."""
        goals = self.agreement.goals
        shown = self.context(context.shown_for(goals))
        rows = with_columns(context.indicator_rows(shown, self.period, goals))
        frames = [self.calculator.table(self.period, goals), rows]
        return pd.concat(frames, ignore_index=True)

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

    def context(self, indicators: Sequence[Indicator]) -> pd.DataFrame:
        """``indicators`` per 1,000 inhabitants in every municipality of the organisation and
        in the whole of it (see ``indicators.context``), each computed once."""
        missing = [i for i in indicators if i.key not in self._context]
        if missing:
            if self._organisation is None:
                self._organisation = context.read_organisation(
                    self.settings.processed_dir, self.period
                )
            found = context.per_inhabitants(
                self._organisation, self.period, missing, class_size=self.settings.class_size
            )
            for key, rows in found.groupby("indicator", sort=False):
                self._context[key] = rows
        frames = [self._context[i.key] for i in indicators]
        return pd.concat(frames, ignore_index=True) if frames else _EMPTY_CONTEXT

    def context_fragment(self, indicators: Sequence[Indicator], heading: str = "") -> Markup:
        """The table of ``indicators`` per 1,000 inhabitants in every municipality, the
        municipality's own row in bold; nothing where there are no such indicators."""
        if not indicators:
            return Markup("")
        table = self.context(indicators)
        columns = [indicator.noun or indicator.label for indicator in indicators]
        rows = []
        for area in dict.fromkeys(table["gebied"]):
            cells = []
            for indicator in indicators:
                row = table[(table["indicator"] == indicator.key) & (table["gebied"] == area)]
                cells.append(_rate_text(indicator, row.iloc[0]))
            rows.append({"area": area, "own": area == self.municipality, "cells": cells})
        youth = [i.noun or i.label for i in indicators if i.per_inhabitants == YOUTH]
        caption = "Per 1.000 inwoners"
        if youth:
            caption += f" ({', '.join(youth).lower()}: per 1.000 {YOUTH})"
        caption += (
            f", {self.period.dutch_label}; inwoners volgens het CBS in {self.period.last_day.year}."
        )
        if any(cell == suppression.WITHHELD for row in rows for cell in row["cells"]):
            caption += (
                f" {suppression.WITHHELD}: niet getoond, minder dan "
                f"{suppression.DEFAULT_THRESHOLD} personen."
            )
        return Markup(
            render("context_table", heading=heading, caption=caption, columns=columns, rows=rows)
        )

    @cached_property
    def trend_periods(self) -> list[Period]:
        """The half years a trend shows (see :func:`trend_periods`)."""
        return trend_periods(self.agreement, self.period)

    def agreement_title(self, period: Period) -> str:
        """The title of the agreement in force in ``period``."""
        if self.agreement.is_valid_on(period.first_day):
            return self.agreement.title
        try:
            return agreement_for(self.municipality, period).title
        except ValueError:
            return "Eerdere afspraken"

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
    _trends: dict[str, pd.DataFrame] = field(default_factory=dict, repr=False)

    @cached_property
    def table(self) -> pd.DataFrame:
        """The goal's indicator rows, as in ``indicatoren.csv``."""
        return self.report.calculator.table(self.report.period, [self.goal])

    @cached_property
    def figures(self) -> list[Figure]:
        """The trend of the goal's headline figure (where it has a measure), then the figures
        of its indicators. A figure that is the same for every goal (loans by month, visits)
        belongs to the first goal of the ambition that has it."""
        drawers = [] if self.goal.effort_only else [figures.headline_trend]
        drawn = (
            drawer(
                self.report.tables,
                self.report.period,
                self.goal,
                indicators=self.table,
                trend=self.trend,
                class_size=self.report.settings.class_size,
            )
            for drawer in drawers + self._drawers()
        )
        return [figure for figure in drawn if figure is not None]

    @cached_property
    def narrative(self) -> str | None:
        """The library's account of its effort (Markdown), or None when none was given."""
        return self.report.narrative(self.goal)

    def trend(self, key: str | None = None) -> pd.DataFrame:
        """An indicator of the goal (default its headline) per half year since the agreement
        started, and before that where the data reach back (not for an indicator counted per
        goal: the agreement before numbered its goals otherwise). Columns ``periode``,
        ``afspraken`` (the agreement in force), ``waarde``, ``ondergrens``, ``bovengrens``;
        half years before the data begin are left out."""
        key = key or self.goal.headline
        if key not in self._trends:
            self._trends[key] = self._trend(REGISTRY[key])
        return self._trends[key]

    def _trend(self, indicator: Indicator) -> pd.DataFrame:
        report = self.report
        rows = []
        for period in report.trend_periods:
            in_force = report.agreement.is_valid_on(period.first_day)
            if indicator.per_goal and not in_force:
                continue
            value = report.calculator.value(indicator, self.goal.id, period)
            rows.append(
                {
                    "periode": period.label,
                    "afspraken": report.agreement_title(period),
                    "waarde": value.value,
                    "ondergrens": value.lower,
                    "bovengrens": value.upper,
                }
            )
        frame = pd.DataFrame(rows, columns=["periode", "afspraken", *_VALUE_COLUMNS])
        first_known = frame["waarde"].notna().idxmax() if frame["waarde"].notna().any() else 0
        return frame.iloc[first_known:].reset_index(drop=True)

    @cached_property
    def movement(self) -> Movement | None:
        """The goal's headline figure, what it is compared with, and the earlier half years
        of its trend."""
        rows = self.table.set_index("indicator")
        if self.goal.headline not in rows.index:
            return None
        indicator = REGISTRY[self.goal.headline]
        row = rows.loc[indicator.key]
        history = {"earlier": self._earlier_values(), "shown": indicator.shown}
        if indicator.begin is not None and indicator.begin in rows.index:
            begin = rows.loc[indicator.begin, "waarde"]
            return Movement(row["waarde"], begin, "het begin van de periode", **history)
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
                **history,
            )
        fraction = indicator.kind == FRACTION
        return Movement(
            row["waarde"], row["vorig_jaar"], "een jaar eerder", fraction=fraction, **history
        )

    def _earlier_values(self) -> tuple[float, ...]:
        """The headline's values in the half years of its trend before this period."""
        trend = self.trend()
        first_day = self.report.period.first_day
        before = trend["periode"].map(lambda label: Period.parse(label).last_day < first_day)
        return tuple(trend.loc[before & trend["waarde"].notna(), "waarde"])

    @property
    def verdict(self) -> Verdict:
        return judge(self.movement, self.goal.direction, effort_only=self.goal.effort_only)

    @property
    def anchor(self) -> str:
        return goal_anchor(self.goal)

    @property
    def context_indicators(self) -> list[Indicator]:
        """The goal's own indicators shown per 1,000 inhabitants beside the other
        municipalities (not those counted per goal: the others' goals are not ours)."""
        own = [REGISTRY[key] for key in self.goal.indicators]
        return [i for i in own if i.per_inhabitants and not i.per_goal]

    @property
    def context(self) -> pd.DataFrame:
        """The goal's figures per 1,000 inhabitants in every municipality and the whole
        organisation (see ``indicators.context``); empty where none applies."""
        return self.report.context(self.context_indicators)

    @property
    def summary(self) -> Fragment:
        """The goal's heading, the agreement's text and facts, its indicator table and, where
        it applies, its figures per 1,000 inhabitants beside the other municipalities."""
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
                context=self.report.context_fragment(self.context_indicators),
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
    def context(self) -> Fragment:
        """The municipality beside the organisation's other municipalities: every figure
        that is shown per 1,000 inhabitants (activities: all goals together)."""
        indicators = [i for i in REGISTRY.values() if i.per_inhabitants]
        heading = f"{self.report.municipality} naast de andere gemeenten"
        return Fragment(self.report.context_fragment(indicators, heading))

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
        trend = None if part.goal.effort_only else part.trend()
        return {
            "trend": None
            if trend is None
            else sparkline(trend, indicator, part.report.agreement.title),
            "goal": part.goal.id,
            "anchor": part.anchor,
            "heading": first_sentence(part.goal.text),
            "label": indicator.label,
            "value": value,
            "change": change,
            "compared": compared,
            "verdict": part.verdict,
        }


def trend_periods(agreement: Agreement, period: Period) -> list[Period]:
    """The half years of a trend: from :data:`EARLIER_HALF_YEARS` before ``agreement``
    started to the end of ``period``.

    >>> agreement = agreement_for("Heemstede", "2025-H2")
    >>> [str(p) for p in trend_periods(agreement, Period.parse("2024-H2"))]
    ['2022-H1', '2022-H2', '2023-H1', '2023-H2', '2024-H1', '2024-H2']
    """
    start = half_years(agreement.valid_from, agreement.valid_from)[0]
    for _ in range(EARLIER_HALF_YEARS):
        start = start.previous()
    return half_years(start.first_day, period.last_day)


def sparkline(trend: pd.DataFrame, indicator: Indicator, current: str) -> Markup:
    """A small inline figure of ``trend`` (see ``GoalReport.trend``): the half years of the
    agreement titled ``current`` in blue, those before in grey and dashed; its label lists
    the values, for screen readers and for print."""
    width, height, pad = 96, 24, 3
    values = trend["waarde"].to_numpy(dtype=float)
    known = values[~pd.isna(values)]
    if known.size == 0:
        return Markup("")
    low, high = float(known.min()), float(known.max())
    span = (high - low) or 1.0
    step = (width - 2 * pad) / max(len(values) - 1, 1)
    points = [
        None
        if pd.isna(v)
        else (pad + i * step, height - pad - (v - low) / span * (height - 2 * pad))
        for i, v in enumerate(values)
    ]
    in_force = (trend["afspraken"] == current).to_numpy()
    lines = [
        _polyline(points, in_force, colour="#0072B2", dashed=False),
        _polyline(points, _up_to_first(in_force), colour="#8C8C8C", dashed=True),
    ]
    halves = trend["periode"].map(lambda label: Period.parse(label).dutch_label)
    shown = [f"{half} {indicator.shown(v)}" for half, v in zip(halves, values, strict=True)]
    last = next((point for point in reversed(points) if point), None)
    return Markup(
        render(
            "sparkline",
            label="Verloop per halfjaar: " + "; ".join(shown),
            width=width,
            height=height,
            lines=[line for line in lines if line],
            last=last and {"x": f"{last[0]:.1f}", "y": f"{last[1]:.1f}", "colour": "#0072B2"},
        )
    )


def _polyline(points, chosen, *, colour: str, dashed: bool) -> dict | None:
    drawn = [f"{x:.1f},{y:.1f}" for point, keep in zip(points, chosen, strict=True) if keep
             and point for x, y in [point]]  # fmt: skip
    if len(drawn) < 2:
        return None
    return {"points": " ".join(drawn), "colour": colour, "dashed": dashed}


def _up_to_first(in_force):
    """The earlier half years and the first of the agreement in force, which they join."""
    chosen = ~in_force
    if chosen.any() and in_force.any():
        chosen[in_force.argmax()] = True
    return chosen


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

_VALUE_COLUMNS = ("waarde", "ondergrens", "bovengrens")
_EMPTY_CONTEXT = pd.DataFrame(columns=list(context.COLUMNS))


def _rate_text(indicator: Indicator, row) -> str:
    """A value per 1,000 inhabitants as a reader sees it; withheld where the count behind
    it is a small count of people by a personal attribute."""
    if indicator.personal and suppression.is_small(row["aantal"]):
        return suppression.WITHHELD
    rate = row["per_1000_inwoners"]
    return fmt.number(rate, 1 if not pd.isna(rate) and rate < 100 else 0)


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
