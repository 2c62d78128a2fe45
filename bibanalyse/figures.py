"""The figures of the reports: for an indicator, the figure that says more than its number.

Each function takes the period's ``Tables``, the period and the goal (and, as keywords, the
goal's indicator rows, ``trend`` (an indicator of the goal per half year, see
``GoalReport.trend``) and the class size), and returns a matplotlib Figure, or None when
there is nothing to draw. :func:`headline_trend` is drawn for every goal with a measure;
an indicator's entry in the registry names its other figures. A figure that is the same for
every goal (loans by month, visits) is drawn once per report, the ones in :data:`PER_GOAL`
once per goal (see ``bibanalyse.report``).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import pandas as pd
from matplotlib.figure import Figure

from bibanalyse import plots, suppression
from bibanalyse.indicators import activities, communication, digital, ido, loans, partners, visits
from bibanalyse.indicators.registry import ESTIMATE, FRACTION, REGISTRY
from bibanalyse.periods import Period
from bibanalyse.store import Tables

if TYPE_CHECKING:
    from bibanalyse.agreements import Goal


def loans_by_month(tables: Tables, period: Period, goal: Goal, **_) -> Figure:
    """Loans per month by segment (jeugd, volwassenen), against the same months a year
    earlier."""
    frames = [
        loans.monthly_loans_by_segment(tables["uitleenacties"], p, branches=tables.branches)
        for p in (period.year_earlier(), period)
    ]
    frame = pd.concat(frames, ignore_index=True)
    frame["segment"] = frame["segment"].str.capitalize()
    return plots.monthly_series(
        frame,
        x="maand",
        y=loans.LOANS,
        hue="segment",
        title="Uitleningen per maand, jeugd en volwassenen",
        ylabel="Uitleningen",
        note=f"{period.dutch_label} (doorgetrokken) tegen een jaar eerder (gestreept)",
    )


def headline_trend(tables: Tables, period: Period, goal: Goal, *, trend, **_):
    """The goal's headline figure per half year since the agreement started (and before,
    where the data reach back, marked as the agreement before); not drawn for a count of
    people by a personal attribute with a small value in it (see ``suppression``)."""
    indicator = REGISTRY[goal.headline]
    frame = trend()
    if frame["waarde"].isna().all() or _has_small(indicator, frame):
        return None
    estimate = indicator.kind == ESTIMATE
    return plots.trend(
        frame,
        title=f"{indicator.label} per halfjaar",
        low="ondergrens" if estimate else None,
        high="bovengrens" if estimate else None,
        percent=indicator.kind == FRACTION,
        value_format=indicator.shown,
        note="Geschat, met het 95%-interval" if estimate else None,
    )


def members_over_time(tables: Tables, period: Period, goal: Goal, *, trend, **_):
    """Members and youth members at the end of each half year; not drawn when it would
    repeat the headline's own trend, or when a count of people by age is small."""
    keys = [key for key in goal.indicators if members_over_time in REGISTRY[key].figures]
    if not keys or keys == [goal.headline]:
        return None
    frames = [trend(key).assign(groep=REGISTRY[key].noun) for key in keys]
    if any(_has_small(REGISTRY[key], frame) for key, frame in zip(keys, frames, strict=True)):
        return None
    return plots.trend(
        pd.concat(frames, ignore_index=True),
        hue="groep",
        title="Leden aan het eind van elk halfjaar",
        ylabel="Leden",
    )


def _has_small(indicator, frame: pd.DataFrame) -> bool:
    """Whether a count of people by a personal attribute holds a small value."""
    return indicator.personal and any(suppression.is_small(v) for v in frame["waarde"])


def participants_by_kind(tables: Tables, period: Period, goal: Goal, *, class_size, **_):
    """Participants of the goal's sessions per kind of activity, against a year earlier."""
    sessions = _tagged(tables["activiteiten"], goal.id)
    return _against_last_year(
        lambda t, p: activities.participants_by_kind(
            sessions, p, branches=t.branches, class_size=class_size
        ),
        tables,
        period,
        "soort",
        activities.PARTICIPANTS,
        title=f"Deelnemers per soort activiteit ({goal.id})",
        xlabel="Deelnemers",
    )


def partners_by_kind(tables: Tables, period: Period, goal: Goal, **_):
    """Partners of the goal running at the period's end, per kind of organisation."""
    register = _tagged(tables["partners"], goal.id)
    frame = partners.partners_by_kind(register, period.last_day, municipality=tables.municipality)
    if frame.empty:
        return None
    return plots.bars(
        frame,
        "soort",
        "partners",
        title=f"Partners per soort op {period.last_day:%d-%m-%Y} ({goal.id})",
        xlabel="Partners",
    )


def _against_last_year(breakdown, tables, period, key: str, value: str, **labels):
    """Bars of ``breakdown`` (a frame per ``key`` with ``value``) in the period, against the
    same period a year earlier."""
    current, earlier = (breakdown(tables, p) for p in (period, period.year_earlier()))
    if current.empty:
        return None
    frame = current.merge(
        earlier[[key, value]].rename(columns={value: "vorig_jaar"}), on=key, how="left"
    ).fillna({"vorig_jaar": 0})
    return plots.bars(
        frame,
        key,
        value,
        compare="vorig_jaar",
        value_label=period.dutch_label,
        compare_label="een jaar eerder",
        **labels,
    )


def ido_topics(tables: Tables, period: Period, goal: Goal, **_):
    """IDO questions per topic, against a year earlier."""
    return _against_last_year(
        lambda t, p: ido.questions_by_topic(t["ido"], p, branches=t.branches),
        tables,
        period,
        "onderwerp",
        "vragen",
        title="Vragen bij het Informatiepunt Digitale Overheid per onderwerp",
        xlabel="Vragen",
    )


def communication_channels(tables: Tables, period: Period, goal: Goal, **_):
    """Communication items per channel, against a year earlier."""
    return _against_last_year(
        lambda t, p: communication.items_by_channel(t["communicatie"], p, branches=t.branches),
        tables,
        period,
        "kanaal",
        "uitingen",
        title="Communicatie-uitingen per kanaal",
        xlabel="Uitingen",
    )


def digital_services(tables: Tables, period: Period, goal: Goal, **_):
    """Use of the digital services, against a year earlier."""
    return _against_last_year(
        lambda t, p: digital.use_by_service(t["digitaal"], p, municipality=t.municipality),
        tables,
        period,
        "dienst",
        "gebruik",
        title="Gebruik van digitale diensten",
        xlabel="Gebruik",
    )


def visits_estimate(tables: Tables, period: Period, goal: Goal, **_):
    """Estimated visits with their 95% interval: a year earlier, the previous period, now."""
    rows = []
    for label, p in (
        ("Jaar eerder", period.year_earlier()),
        ("Vorige periode", period.previous()),
        ("Deze periode", period),
    ):
        estimate = visits.estimate_visitors(
            tables["bezoekerstellingen"],
            tables["openingstijden"],
            tables["sluitingsdagen"],
            p,
            branches=tables.branches,
        )
        rows.append(
            {
                "periode": f"{label}\n{p.label}",
                "schatting": estimate.estimate,
                "ondergrens": estimate.lower,
                "bovengrens": estimate.upper,
            }
        )
    frame = pd.DataFrame(rows).dropna(subset=["schatting"])
    if frame.empty:
        return None
    return plots.interval_bars(
        frame,
        "periode",
        title="Bezoeken (geschat uit steekproeftellingen)",
        ylabel="Bezoeken",
    )


def visits_by_weekday_hour(tables: Tables, period: Period, goal: Goal, **_):
    """Mean counted visitors per weekday and hour."""
    frame = visits.visits_by_weekday_hour(
        tables["bezoekerstellingen"], period, branches=tables.branches
    )
    if frame.empty:
        return None
    return plots.heatmap_weekday_hour(
        frame,
        value="bezoekers_gemiddeld",
        title="Gemiddeld aantal bezoekers per getelde uur",
        colorbar_label="Bezoekers per uur",
        note="Uit de steekproeftellingen van deze periode",
    )


def occupancy_by_daypart(tables: Tables, period: Period, goal: Goal, **_):
    """Workplace occupancy per part of the day, against a year earlier."""
    frames = []
    for label, p in ((period.dutch_label, period), ("een jaar eerder", period.year_earlier())):
        frame = visits.occupancy_by_daypart(
            tables["bezoekerstellingen"], p, branches=tables.branches
        )
        frames.append(frame.assign(periode=label))
    frame = pd.concat(frames, ignore_index=True).dropna(subset=["bezetting"])
    if frame.empty:
        return None
    return plots.occupancy_by_daypart(
        frame,
        hue="periode",
        title="Bezetting van de studie- en werkplekken per dagdeel",
    )


def _tagged(frame: pd.DataFrame, goal_id: str) -> pd.DataFrame:
    """The rows tagged with ``goal_id`` in ``prestatieafspraken``."""
    tags = frame["prestatieafspraken"].fillna("").str.split(";")
    return frame[tags.map(lambda ids: goal_id in ids).astype(bool)]


PER_GOAL = frozenset({participants_by_kind, partners_by_kind})
"""Figures that differ per goal; all others are drawn once per report."""
