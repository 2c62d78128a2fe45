"""What the report notebooks show: per goal the agreement's text, the indicators with their
comparisons, figures, the staff's narrative and a verdict; and the overview of all goals.

A notebook calls ``Report.load(...)`` once (it reads the processed data of the period once)
and then ``show_ambition(n)`` or ``show_overview()``. Everything shown is Dutch, with Dutch
number and date formatting, and as HTML and PNG only (no code is needed to read it).
"""

from __future__ import annotations

import datetime as dt
import html
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import markdown
import pandas as pd

from bibanalyse import formatting as fmt
from bibanalyse import plots
from bibanalyse.agreements import Agreement, Ambition, Goal, agreement_for
from bibanalyse.config import Settings, load_settings
from bibanalyse.figures import FIGURES, PER_GOAL, SMALL_CELL
from bibanalyse.indicators import compute_indicators
from bibanalyse.indicators.visits import estimate_visitors
from bibanalyse.periods import Period, latest_ended
from bibanalyse.store import Tables, require_data
from bibanalyse.verdicts import Movement, Verdict, judge
from bibanalyse.wording import (
    ESTIMATE_NOTE,
    INDICATOR_LABELS,
    NO_NARRATIVE,
    PERCENT_INDICATORS,
    VERDICT_MARKS,
    VERDICTS,
)

PERSONAL_BREAKDOWNS = frozenset({"jeugdleden_begin", "jeugdleden_eind"})
"""People counted by a personal attribute (age): shown as ``<10`` below the small-cell limit."""


@dataclass
class Report:
    """One period's reports for one municipality."""

    settings: Settings
    period: Period
    municipality: str
    agreement: Agreement
    tables: Tables
    _drawn: set = field(default_factory=set)
    _computed: dict[tuple[str, ...], pd.DataFrame] = field(default_factory=dict, repr=False)

    @classmethod
    def load(cls, period: str = "", municipality: str = "", data_dir: str = "") -> Report:
        """The report of ``period`` (default: the latest half year that has ended) for
        ``municipality`` (default from the settings), on the data in ``data_dir`` (default
        from the settings)."""
        settings = load_settings().with_data_dir(data_dir or None)
        chosen = Period.parse(period) if period else latest_ended(dt.date.today())
        municipality = municipality or settings.municipality
        require_data(settings.processed_dir, chosen, municipality)
        tables = Tables.for_period(settings.processed_dir, chosen, municipality)
        agreement = agreement_for(tables.municipality, chosen)
        return cls(settings, chosen, tables.municipality, agreement, tables)

    @property
    def indicators(self) -> pd.DataFrame:
        """The indicator table of every goal (computed when first asked for)."""
        return self._indicators_of(self.agreement.goals)

    def _indicators_of(self, goals: Sequence[Goal]) -> pd.DataFrame:
        """The indicator table of ``goals``: taken from the whole table once that is
        computed, else computed for these goals only (an ambition's report needs no more)."""
        key = tuple(goal.id for goal in goals)
        if key not in self._computed:
            whole = self._computed.get(tuple(goal.id for goal in self.agreement.goals))
            self._computed[key] = (
                whole[whole["afspraak"].isin(key)]
                if whole is not None
                else compute_indicators(
                    self.tables,
                    self.period,
                    self.municipality,
                    self.agreement,
                    class_size=self.settings.class_size,
                    goals=goals,
                )
            )
        return self._computed[key]

    # --- what notebooks call -----------------------------------------------------------

    def show_ambition(self, number: int) -> None:
        """The report of one ambition: a title, then every goal."""
        ambition = self.ambition(number)
        _display_html(self.ambition_intro_html(ambition), title=self.title(ambition))
        for goal in ambition.goals:
            self.show_goal(goal)
        _display_html(self.colophon_html())

    def show_goal(self, goal: Goal) -> None:
        _display_html(self.goal_html(goal))
        for figure in self.goal_figures(goal):
            plots.show(figure)
        _display_html(self.narrative_html(goal) + self.verdict_html(goal))

    def show_overview(self) -> None:
        """One table of every goal with its headline figure, change and verdict."""
        self._indicators_of(self.agreement.goals)  # at once: shared figures computed once
        _display_html(self.overview_intro_html(), title=self.title(None))
        _display_html(self.overview_table_html())
        _display_html(self.colophon_html())

    # --- parts ---------------------------------------------------------------------------

    def ambition(self, number: int) -> Ambition:
        for ambition in self.agreement.ambitions:
            if ambition.number == number:
                return ambition
        known = ", ".join(str(a.number) for a in self.agreement.ambitions)
        raise ValueError(f"ambition {number!r} is not in {self.agreement.title}; there are {known}")

    def title(self, ambition: Ambition | None) -> str:
        subject = f"Ambitie {ambition.number}: {ambition.short_name}" if ambition else "Overzicht"
        return f"{subject} | {self.municipality} | {self.period.dutch_label}"

    def rows(self, goal: Goal) -> pd.DataFrame:
        """The indicator rows of ``goal``, computed with the rest of its ambition."""
        ambition = next(a for a in self.agreement.ambitions if goal in a.goals)
        table = self._indicators_of(ambition.goals)
        return table[table["afspraak"] == goal.id]

    def ambition_intro_html(self, ambition: Ambition) -> str:
        theme = " · ".join(_escape(t) for t in (ambition.covenant, ambition.theme) if t)
        return (
            f"<header><p class='kicker'>Prestatieafspraken {_escape(self.municipality)} · "
            f"{_escape(self.period.dutch_label)}</p>"
            f"<h1>Ambitie {ambition.number}: {_escape(ambition.short_name)}</h1>"
            f"<p class='ambitie'>{_escape(ambition.title)}</p>"
            + (f"<p class='thema'>{theme}</p>" if theme else "")
            + f"<p class='periode'>Periode: {fmt.date(self.period.first_day)} tot en met "
            f"{fmt.date(self.period.last_day)}. Vergeleken met de vorige periode "
            f"({_escape(self.period.previous().dutch_label)}) en met dezelfde periode een jaar "
            f"eerder ({_escape(self.period.year_earlier().dutch_label)}).</p></header>"
        )

    def goal_html(self, goal: Goal) -> str:
        facts = [
            ("Doelgroep", goal.target_group),
            ("Partners", goal.partners),
            ("Gemeten wordt", goal.reach),
            ("Gehoopte richting", goal.direction),
        ]
        listed = "".join(
            f"<dt>{label}</dt><dd>{_escape(value)}</dd>" for label, value in facts if value
        )
        note = f"<p class='voetnoot'>{_escape(goal.note)}</p>" if goal.note else ""
        effort = (
            "<p class='inspanning'>Inspanningsverplichting: over dit doel wordt verslag "
            "gedaan van de inspanningen.</p>"
            if goal.effort_only
            else ""
        )
        summary = _first_sentence(goal.text)
        full_text = (
            "" if summary == goal.text.strip() else f"<p class='doeltekst'>{_escape(goal.text)}</p>"
        )
        return (
            f"<section class='doel'><h2 id='{goal_anchor(goal)}'>{goal.id} {_escape(summary)}</h2>"
            f"{full_text}<dl>{listed}</dl>{note}{effort}"
            f"{self.indicator_table_html(goal)}</section>"
        )

    def indicator_table_html(self, goal: Goal) -> str:
        rows = self.rows(goal)
        header = (
            "<tr><th>Indicator</th><th>Deze periode</th><th>Vorige periode</th>"
            "<th>Jaar eerder</th><th>Verandering</th></tr>"
        )
        body = "".join(self._indicator_row(row) for row in rows.itertuples(index=False))
        estimate = ESTIMATE_NOTE if "bezoekers_geschat" in set(rows["indicator"]) else ""
        caption = f"<caption>{_escape(estimate)}</caption>" if estimate else ""
        return (
            f"<table class='indicatoren stapel'>{caption}<thead>{header}</thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def _indicator_row(self, row) -> str:
        key = row.indicator
        cells = [
            _value_html(key, row.waarde, row.ondergrens, row.bovengrens),
            _value_html(key, row.vorige_periode),
            _value_html(key, row.vorig_jaar),
            _escape(_change_text(key, row)),
        ]
        label = INDICATOR_LABELS.get(key, key)
        columns = ("Deze periode", "Vorige periode", "Jaar eerder", "Verandering")
        return (
            "<tr><th scope='row'>"
            + _escape(label)
            + "</th>"
            + "".join(
                f"<td class='getal' data-label='{column}'>{cell}</td>"
                for column, cell in zip(columns, cells, strict=True)
            )
            + "</tr>"
        )

    def goal_figures(self, goal: Goal) -> list:
        """The figures of the goal's indicators, each report-wide figure only once."""
        figures = []
        for key in goal.indicators:
            for drawer in FIGURES.get(key, ()):
                if drawer not in PER_GOAL and drawer in self._drawn:
                    continue
                self._drawn.add(drawer)
                figure = drawer(
                    self.tables,
                    self.period,
                    goal,
                    indicators=self.rows(goal),
                    class_size=self.settings.class_size,
                )
                if figure is not None:
                    figures.append(figure)
        return figures

    def narrative(self, goal: Goal) -> str | None:
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

    def narrative_html(self, goal: Goal) -> str:
        text = self.narrative(goal)
        if text is None:
            return (
                "<aside class='toelichting ontbreekt'><h3>Toelichting</h3>"
                f"<p>{NO_NARRATIVE}</p></aside>"
            )
        return f"<aside class='toelichting'><h3>Toelichting</h3>{render_markdown(text)}</aside>"

    def verdict(self, goal: Goal) -> Verdict:
        return judge(self.movement(goal), goal.direction, effort_only=goal.effort_only)

    def verdict_html(self, goal: Goal) -> str:
        verdict = self.verdict(goal)
        mark = VERDICT_MARKS[verdict.kind]
        return (
            f"<p class='oordeel {verdict.kind}'><strong>{mark} Oordeel:</strong> "
            f"{_escape(verdict.text)}</p>"
        )

    def movement(self, goal: Goal) -> Movement | None:
        """The goal's headline figure and what it is compared with."""
        rows = self.rows(goal).set_index("indicator")
        key = goal.headline
        if key not in rows.index:
            return None
        row = rows.loc[key]
        if key.endswith("_eind") and key.replace("_eind", "_begin") in rows.index:
            begin = rows.loc[key.replace("_eind", "_begin"), "waarde"]
            return Movement(row["waarde"], begin, "het begin van de periode")
        if key == "bezoekers_geschat":
            return Movement(
                row["waarde"],
                row["vorig_jaar"],
                "een jaar eerder",
                interval=(row["ondergrens"], row["bovengrens"]),
                compared_interval=self._visits_interval(self.period.year_earlier()),
            )
        return Movement(
            row["waarde"], row["vorig_jaar"], "een jaar eerder", fraction=key in PERCENT_INDICATORS
        )

    def _visits_interval(self, period: Period) -> tuple[float, float]:
        estimate = estimate_visitors(
            self.tables["bezoekerstellingen"],
            self.tables["openingstijden"],
            self.tables["sluitingsdagen"],
            period,
            branches=self.tables.branches,
        )
        return estimate.lower, estimate.upper

    def overview_intro_html(self) -> str:
        return (
            f"<header><p class='kicker'>Prestatieafspraken {_escape(self.municipality)}</p>"
            f"<h1>Overzicht {_escape(self.period.dutch_label)}</h1>"
            f"<p>{_escape(self.agreement.title)}: alle doelen met hun belangrijkste cijfer, de "
            f"verandering en een oordeel ten opzichte van de gehoopte richting. Periode: "
            f"{fmt.date(self.period.first_day)} tot en met {fmt.date(self.period.last_day)}. "
            f"Per ambitie is er een uitgebreid rapport.</p></header>"
        )

    def overview_table_html(self) -> str:
        header = (
            "<tr><th>Doel</th><th>Kerncijfer</th><th>Deze periode</th><th>Verandering</th>"
            "<th>Oordeel</th></tr>"
        )
        sections = []
        for ambition in self.agreement.ambitions:
            link = f"{ambition.slug}.html"
            sections.append(
                f"<tr class='ambitie'><th colspan='5'><a href='{link}'>Ambitie "
                f"{ambition.number}: {_escape(ambition.short_name)}</a></th></tr>"
            )
            sections += [self._overview_row(goal, link) for goal in ambition.goals]
        return (
            f"<table class='overzicht stapel'><thead>{header}</thead>"
            f"<tbody>{''.join(sections)}</tbody></table>"
        )

    def _overview_row(self, goal: Goal, link: str) -> str:
        rows = self.rows(goal).set_index("indicator")
        key = goal.headline
        row = rows.loc[key] if key in rows.index else None
        value = (
            fmt.MISSING
            if row is None
            else _value_html(key, row["waarde"], row["ondergrens"], row["bovengrens"])
        )
        movement = self.movement(goal)
        change = _movement_html(key, movement)
        verdict = self.verdict(goal)
        return (
            f"<tr><td><a href='{link}#{goal_anchor(goal)}'>{goal.id}</a> "
            f"{_escape(_first_sentence(goal.text))}</td>"
            f"<td data-label='Kerncijfer'>{_escape(INDICATOR_LABELS.get(key, key))}</td>"
            f"<td class='getal' data-label='Deze periode'>{value}</td>"
            f"<td class='getal' data-label='Verandering'>{change}</td>"
            f"<td class='oordeel {verdict.kind}' data-label='Oordeel'>"
            f"{VERDICT_MARKS[verdict.kind]} "
            f"{_escape(VERDICTS[verdict.kind])}</td></tr>"
        )

    def colophon_html(self) -> str:
        made = fmt.date(dt.date.today())
        return (
            "<footer class='colofon'><p>Bibliotheek Zuid-Kennemerland · "
            f"{_escape(self.agreement.title)} ({_escape(self.agreement.source)}). "
            f"Gemaakt op {made} met bibanalyse. Aantallen personen onder de {SMALL_CELL} "
            f"per kenmerk staan als &lt;{SMALL_CELL}. Bezoeken zijn schattingen uit "
            "steekproeftellingen.</p></footer>"
        )


# --- helpers ------------------------------------------------------------------------------


def goal_anchor(goal: Goal) -> str:
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


def _value_html(key: str, value, low=math.nan, high=math.nan) -> str:
    """A figure as a reader sees it; an estimate's 95% interval on a line of its own."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return fmt.MISSING
    if key in PERCENT_INDICATORS:
        return _escape(fmt.percentage(value))
    if key in PERSONAL_BREAKDOWNS and 0 < value < SMALL_CELL:
        return _escape(f"<{SMALL_CELL}")
    if key == "bezoekers_geschat":
        text = _escape(f"ca. {fmt.number(round(value, -2))}")
        if not math.isnan(low) and not math.isnan(high) and high > low:
            text += f"<br><small>{_escape(fmt.interval(round(low, -2), round(high, -2)))}</small>"
        return text
    return _escape(fmt.number(value))


def _change_text(key: str, row) -> str:
    if key.endswith("_eind") and not math.isnan(row.verandering):
        return f"{fmt.signed(row.verandering)} t.o.v. begin"
    if key in PERCENT_INDICATORS:
        return (
            fmt.percentage_points(row.waarde, row.vorig_jaar) + " t.o.v. jaar eerder"
            if not (math.isnan(row.waarde) or math.isnan(row.vorig_jaar))
            else fmt.MISSING
        )
    if math.isnan(row.waarde) or math.isnan(row.vorig_jaar):
        return fmt.MISSING
    return f"{fmt.change(row.waarde, row.vorig_jaar)} t.o.v. jaar eerder"


def _movement_html(key: str, movement: Movement | None) -> str:
    """The change of a headline figure, with what it is compared with on a second line."""
    if movement is None or math.isnan(movement.value) or math.isnan(movement.compared):
        return fmt.MISSING
    if key in PERCENT_INDICATORS:
        change = fmt.percentage_points(movement.value, movement.compared)
    else:
        change = fmt.change(movement.value, movement.compared)
    compared = (
        "t.o.v. begin" if movement.compared_with.startswith("het begin") else "t.o.v. jaar eerder"
    )
    return f"{_escape(change)}<br><small>{compared}</small>"


def _first_sentence(text: str) -> str:
    sentence = re.split(r"(?<=[.!?])\s", text.strip(), maxsplit=1)[0]
    return sentence if len(sentence) <= 90 else sentence[:87].rstrip() + "…"


def _escape(text) -> str:
    return html.escape(str(text), quote=True)


def _display_html(fragment: str, *, title: str | None = None) -> None:
    from IPython.display import HTML, display

    display(HTML(fragment), metadata={"title": title} if title else None)
