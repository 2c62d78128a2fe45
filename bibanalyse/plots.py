"""The house style of every static figure in the reports, and the figures themselves.

Each figure function takes a tidy DataFrame (one row per bar, cell or point) and returns a
:class:`matplotlib.figure.Figure` with Dutch titles, labels and tick texts. Figures are made
without pyplot, so nothing is registered or shown behind the caller's back; in a notebook,
``show(fig)`` displays a figure as a PNG and closes it:

>>> frame = pd.DataFrame({"kanaal": ["website", "krant"], "uitingen": [1200, 35]})
>>> fig = bars(frame, "kanaal", "uitingen", title="Uitingen per kanaal")
>>> [label.get_text() for label in fig.axes[0].texts + fig.axes[0].yaxis.get_ticklabels()]
['1.200', '35', 'website', 'krant']

Colours come from the Okabe-Ito palette, which people with a colour-vision deficiency can
tell apart, and wherever two series must be told apart they differ in pattern as well
(dashed lines, hatched bars), so a grey print still reads. The earlier of two moments is
always orange and dashed or hatched, the current one blue and solid.

The house style is seaborn's ``whitegrid`` theme in its ``notebook`` sizes with a few
changes of our own (:data:`HOUSE_STYLE`), applied while a figure is built, whatever the
notebook's own settings; :func:`use_house_style` applies it globally, for figures made by
hand. Every bar chart is a seaborn ``barplot`` with the series as ``hue`` and the heat map
is seaborn's ``heatmap``. Drawn with matplotlib itself, and why:

- :func:`monthly_series`: seaborn's ``lineplot`` drops missing values and joins the months
  on either side of a gap, where a month without data must show as a gap; and it ties
  markers and dashes to one variable, where the group needs colour and marker shape and the
  year dash and filled or open markers, so that both still read in grey.
- :func:`trend`: the half years of an earlier agreement must differ from the current
  agreement's in line and marker (grey, dashed, open) within one line per group, which
  seaborn's ``lineplot`` ties to separate variables; and a half year without data is a gap.
- the 95% intervals of :func:`interval_bars`: seaborn computes error bars from the
  observations it is given, while ours come from the visitor estimate; they are drawn with
  ``Axes.errorbar`` on seaborn's bars.
- the numbers in the heat map's cells: seaborn's ``annot`` turns the text white below a
  relative luminance of 0.408, which puts white on mid-light blue (contrast 2.4:1 where the
  dark text has 6.4:1); each text takes the colour with the higher WCAG contrast instead.
"""

from __future__ import annotations

import base64
import functools
import io
import sys
import textwrap
from collections.abc import Callable, Hashable, Iterable, Mapping, Sequence
from types import MappingProxyType
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from cycler import cycler
from matplotlib.colors import LinearSegmentedColormap, to_rgb
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from bibanalyse import formatting as fmt

__all__ = [
    "DAYPARTS",
    "DPI",
    "FIGURE_SIZE",
    "HATCHES",
    "HOUSE_STYLE",
    "LINESTYLES",
    "MARKERS",
    "OKABE_ITO",
    "PALETTE",
    "SEQUENTIAL",
    "SERIES_COLOURS",
    "bars",
    "heatmap_weekday_hour",
    "interval_bars",
    "monthly_series",
    "occupancy_by_daypart",
    "show",
    "trend",
    "to_png",
    "to_svg",
    "use_house_style",
]

OKABE_ITO = MappingProxyType(
    {
        "zwart": "#000000",
        "oranje": "#E69F00",
        "hemelsblauw": "#56B4E9",
        "blauwgroen": "#009E73",
        "geel": "#F0E442",
        "blauw": "#0072B2",
        "vermiljoen": "#D55E00",
        "roodpaars": "#CC79A7",
    }
)
"""The eight colours of Okabe & Ito (2008), safe for colour-vision deficiencies."""

PALETTE = MappingProxyType(
    {
        "huidig": OKABE_ITO["blauw"],  # the period reported (solid)
        "vergelijking": OKABE_ITO["oranje"],  # the period compared with (dashed / hatched)
        "jeugd": OKABE_ITO["vermiljoen"],
        "volwassenen": OKABE_ITO["blauwgroen"],
        "totaal": OKABE_ITO["zwart"],
        "geschat": OKABE_ITO["hemelsblauw"],  # estimates, such as visitors
        "accent": OKABE_ITO["roodpaars"],
    }
)
"""Colours by role; a hue category with a role's name (``jeugd``) gets the role's colour."""

SERIES_COLOURS = (
    OKABE_ITO["blauw"],
    OKABE_ITO["oranje"],
    OKABE_ITO["blauwgroen"],
    OKABE_ITO["vermiljoen"],
    OKABE_ITO["roodpaars"],
    OKABE_ITO["hemelsblauw"],
    OKABE_ITO["zwart"],
    OKABE_ITO["geel"],  # last: too light for lines on white
)
"""The order in which categories without a role get their colour."""

HATCHES = ("", "//", "..", "xx", "\\\\", "oo")
"""Bar patterns by series: the first series plain, the others hatched."""

LINESTYLES = ("-", "--", ":", "-.")
"""Line styles by year in :func:`monthly_series`: the latest year solid, earlier dashed."""

MARKERS = ("o", "s", "^", "D", "v", "P")

DAYPARTS = ("ochtend", "middag", "avond")
"""The order of dayparts in :func:`occupancy_by_daypart`."""

FIGURE_SIZE = (8.0, 4.0)  # inches: one report column
DPI = 110  # 880 x 440 pixels: sharp on a phone, small in an e-mail

SEQUENTIAL = LinearSegmentedColormap.from_list(
    "bibanalyse_blauw", ["#F4F8FB", OKABE_ITO["hemelsblauw"], OKABE_ITO["blauw"], "#00304D"]
)
"""Light to dark blue, for heat maps: ordered by lightness, so it survives grey printing."""

_TEXT = "#262626"  # seaborn's text colour (".15")
_MUTED = "#555555"
_EDGE = "#333333"  # outline and hatch colour of bars
_MISSING_CELL = "#EEEEEE"

HOUSE_STYLE = MappingProxyType(
    {
        **sns.axes_style("whitegrid"),
        **sns.plotting_context("notebook"),  # 12 pt text, 11 pt ticks and legend
        "font.sans-serif": ["DejaVu Sans"],  # bundled with matplotlib: on every machine
        "axes.titlesize": 14,
        "axes.titleweight": "bold",
        "axes.titlelocation": "left",
        "axes.titlepad": 10,
        "axes.edgecolor": _MUTED,  # the zero line of bars stands out from the grid
        "axes.linewidth": 0.8,
        "axes.spines.top": False,
        "axes.spines.right": False,
        "axes.prop_cycle": cycler(color=list(SERIES_COLOURS)),
        "axes.unicode_minus": True,
        "axes.formatter.use_locale": False,
        "grid.color": "#DDDDDD",
        "grid.linewidth": 0.8,
        "legend.frameon": False,
        "lines.linewidth": 2.0,
        "lines.markersize": 5,
        "hatch.linewidth": 0.8,
        "figure.figsize": FIGURE_SIZE,
        "figure.dpi": DPI,
        "figure.constrained_layout.use": True,
        "savefig.dpi": DPI,
        "savefig.facecolor": "white",
        "savefig.bbox": None,
    }
)
"""The rcParams of the house style: seaborn's ``whitegrid`` and ``notebook``, with ours."""


def use_house_style() -> None:
    """Apply the house style to every figure made from now on (matplotlib's rcParams)."""
    mpl.rcParams.update(HOUSE_STYLE)


def _house_styled(function: Callable[..., Figure]) -> Callable[..., Figure]:
    @functools.wraps(function)
    def wrapper(*args: Any, **kwargs: Any) -> Figure:
        with mpl.rc_context(dict(HOUSE_STYLE)):
            return function(*args, **kwargs)

    return wrapper


# -- figures -----------------------------------------------------------------------------


@_house_styled
def monthly_series(
    frame: pd.DataFrame,
    x: str = "maand",
    y: str = "waarde",
    hue: str | None = None,
    *,
    title: str,
    ylabel: str = "",
    overlay_years: bool = True,
    decimals: int = 0,
    palette: Mapping[Hashable, str] | None = None,
    note: str | None = None,
) -> Figure:
    """Values per month, one line per ``hue`` group (e.g. loans by segment).

    ``x`` holds months (dates, timestamps, monthly periods or ``"2025-01"``). With
    ``overlay_years`` each calendar year is a line of its own over January to December, so the
    period is compared with the same months a year earlier: the latest year solid with filled
    markers, earlier years dashed with open markers, colour by ``hue``. Without it, one line
    runs along the calendar.
    """
    _require(frame, [x, y] + ([hue] if hue else []), "monthly_series")
    fig, ax = _new_figure()
    if frame.empty:
        return _no_data(fig, ax, title)
    data = pd.DataFrame(
        {
            "month": _month_starts(frame[x], x),
            "value": _numeric(frame[y], y),
            "group": frame[hue].astype(str) if hue else "",
        }
    )
    groups = list(dict.fromkeys(data["group"]))
    colours = _colours(groups, palette) if hue else {"": PALETTE["huidig"]}
    years = sorted(data["month"].dt.year.unique(), reverse=True) if overlay_years else [None]
    all_months = list(range(data["month"].dt.month.min(), data["month"].dt.month.max() + 1))
    if data.duplicated(["month", "group"]).any():
        raise ValueError(
            f"monthly_series needs one row per {x!r}" + (f" and {hue!r}" if hue else "")
        )
    handles = []
    for group_index, group in enumerate(groups):
        for year_index, year in enumerate(years):
            mask = data["group"] == group
            if year is not None:
                mask &= data["month"].dt.year == year
            rows = data[mask].set_index("month")["value"]
            if rows.empty:
                continue
            if year is not None:  # a missing month leaves a gap
                rows = rows.set_axis(rows.index.month).reindex(all_months)
            else:
                rows = rows.reindex(pd.date_range(rows.index.min(), rows.index.max(), freq="MS"))
            current = year_index == 0
            colour = colours[group]
            label = " ".join(str(part) for part in (group, year) if part not in ("", None))
            (line,) = ax.plot(
                rows.index,
                rows.to_numpy(),
                color=colour,
                linestyle=LINESTYLES[year_index % len(LINESTYLES)],
                linewidth=2.4 if current else 1.8,
                marker=MARKERS[group_index % len(MARKERS)],
                markerfacecolor=colour if current else "white",
                markeredgecolor=colour,
                markeredgewidth=1.4,
                label=label or None,
                zorder=3 if current else 2,
            )
            handles.append(line)
    if overlay_years:
        ax.set_xticks(all_months, [fmt.MONTHS_SHORT[m - 1] for m in all_months])
        ax.set_xlim(all_months[0] - 0.4, all_months[-1] + 0.4)
    else:
        import matplotlib.dates as mdates

        span = data["month"].dt.to_period("M").nunique()
        ax.xaxis.set_major_locator(mdates.MonthLocator(interval=max(1, -(-span // 8))))
        ax.xaxis.set_major_formatter(fmt.dutch_month_formatter(year=True))
    ax.grid(axis="x", visible=False)
    _value_axis(ax.yaxis, data["value"], decimals)
    ax.set_ylabel(ylabel)
    if len(handles) > 1:
        _legend_below(fig, handles)
    return _finish(fig, ax, title, note)


@_house_styled
def bars(
    frame: pd.DataFrame,
    category: str,
    value: str,
    *,
    title: str,
    xlabel: str = "",
    sort: bool = True,
    value_format: Callable[[Any], str] = fmt.number,
    compare: str | None = None,
    value_label: str | None = None,
    compare_label: str | None = None,
    decimals: int = 0,
    note: str | None = None,
) -> Figure:
    """Horizontal bars, largest at the top, each labelled with its value in Dutch notation.

    For participants by kind of activity, IDO questions by topic, items by channel. With
    ``compare`` (a column of earlier values) each category gets a second, hatched orange bar
    below its own; name the two in the legend with ``value_label`` and ``compare_label``.
    """
    _require(frame, [category, value] + ([compare] if compare else []), "bars")
    _unique(frame[category], category)
    if compare and (value_label or value) == (compare_label or compare):
        raise ValueError(f"bars needs two different legend labels, got {value_label!r} twice")
    data = frame.assign(_value=_numeric(frame[value], value))
    if compare:
        data = data.assign(_compare=_numeric(frame[compare], compare))
    if sort:
        data = data.sort_values("_value", ascending=False, na_position="last", kind="stable")
    rows = len(data)
    fig, ax = _new_figure(height=max(2.6, 1.5 + (0.62 if compare else 0.38) * rows))
    if data.empty:
        return _no_data(fig, ax, title)
    series = {value_label or value: data["_value"]}
    looks = {value_label or value: (PALETTE["huidig"], HATCHES[0])}
    if compare:
        series[compare_label or compare] = data["_compare"]
        looks[compare_label or compare] = (PALETTE["vergelijking"], HATCHES[1])
    drawn = _bar_chart(
        ax, data[category], series, looks, value_format, width=0.8 if compare else 0.7, across=True
    )
    ax.set_yticks(range(rows), [_wrap(c, 28) for c in data[category]])
    _value_axis(ax.xaxis, pd.concat(series.values()), decimals, headroom=0.15)
    ax.set_xlabel(xlabel)
    if compare and (value_label or compare_label):
        _legend_below(fig, drawn)
    return _finish(fig, ax, title, note)


@_house_styled
def heatmap_weekday_hour(
    frame: pd.DataFrame,
    value: str = "bezoekers",
    weekday: str = "weekdag",
    hour: str = "uur",
    *,
    title: str,
    colorbar_label: str = "",
    decimals: int = 0,
    annotate: bool = True,
    note: str | None = None,
) -> Figure:
    """A value per weekday (rows, maandag to zondag) and hour (columns), e.g. estimated visits.

    One row per weekday and hour; ``weekday`` is 0 (Monday) to 6 or a Dutch day name,
    ``hour`` the starting hour, 0 to 23. Cells without a row (closed) stay blank, in grey.
    Each cell is labelled in Dutch notation, dark on light cells and white on dark ones.
    """
    _require(frame, [value, weekday, hour], "heatmap_weekday_hour")
    fig, ax = _new_figure()
    if frame.empty:
        return _no_data(fig, ax, title)
    data = pd.DataFrame(
        {
            "day": _weekday_numbers(frame[weekday], weekday),
            "hour": _hours(frame[hour], hour),
            "value": _numeric(frame[value], value),
        }
    )
    duplicated = data.duplicated(["day", "hour"])
    if duplicated.any():
        first = data[duplicated].iloc[0]
        raise ValueError(
            f"heatmap_weekday_hour needs one row per weekday and hour; "
            f"{fmt.WEEKDAYS[int(first['day'])]!r} at {int(first['hour'])!r} appears more than once"
        )
    hours = range(data["hour"].min(), data["hour"].max() + 1)
    grid = (
        data.pivot(index="day", columns="hour", values="value")
        .reindex(index=range(7), columns=hours)
        .set_axis(list(fmt.WEEKDAYS), axis=0)
        .set_axis([f"{h}:00" for h in hours], axis=1)
    )
    finite = grid.stack()
    top = float(finite.max()) if not finite.empty and finite.max() > 0 else 1.0
    cmap = SEQUENTIAL
    sns.heatmap(
        grid,
        mask=grid.isna(),
        cmap=cmap,
        vmin=0,
        vmax=top,
        xticklabels=True,
        yticklabels=True,
        cbar_kws={"format": fmt.dutch_number_formatter(decimals), "label": colorbar_label},
        ax=ax,
    )
    ax.set_facecolor(_MISSING_CELL)  # closed: no cell drawn
    ax.grid(False)
    ax.set(xlabel="", ylabel="")
    if annotate:  # by hand: seaborn's annot puts white on mid-light blue (see the module)
        cells = grid.to_numpy(dtype=float)
        for row, column in zip(*np.nonzero(np.isfinite(cells)), strict=True):
            cell = cells[row, column]
            ax.text(
                column + 0.5,
                row + 0.5,
                fmt.number(cell, decimals),
                ha="center",
                va="center",
                fontsize=10 if len(hours) <= 12 else 8,
                color="white" if _is_dark(cmap(cell / top)) else _TEXT,
            )
    ax.tick_params(axis="y", labelrotation=0)
    ax.tick_params(axis="x", labelrotation=90 if len(hours) > 12 else 0)
    return _finish(fig, ax, title, note)


@_house_styled
def interval_bars(
    frame: pd.DataFrame,
    category: str,
    estimate: str = "schatting",
    low: str = "ondergrens",
    high: str = "bovengrens",
    *,
    title: str,
    ylabel: str = "",
    label: str = "geschat",
    interval_label: str = "95%-interval",
    decimals: int = 0,
    note: str | None = None,
) -> Figure:
    """Estimates as bars with their 95% interval as error bars, e.g. visitors per period.

    Every bar is labelled ``ca. 1.325`` and the legend says the figures are estimates
    (``label``); an estimate whose interval has zero width (every hour counted) is exact and
    is labelled without ``ca.``.
    """
    _require(frame, [category, estimate, low, high], "interval_bars")
    _unique(frame[category], category)
    fig, ax = _new_figure()
    if frame.empty:
        return _no_data(fig, ax, title)
    values = _numeric(frame[estimate], estimate).to_numpy(dtype=float)
    lows = _numeric(frame[low], low).to_numpy(dtype=float)
    highs = _numeric(frame[high], high).to_numpy(dtype=float)
    with np.errstate(invalid="ignore"):
        wrong = (lows > values) | (values > highs)
    if wrong.any():
        index = int(np.flatnonzero(wrong)[0])
        raise ValueError(
            f"interval_bars needs {low} <= {estimate} <= {high}; "
            f"{frame[category].iloc[index]!r} has {lows[index]!r}, {values[index]!r}, "
            f"{highs[index]!r}"
        )
    drawn = _bar_chart(
        ax,
        frame[category],
        {label: pd.Series(values)},
        {label: (PALETTE["geschat"], HATCHES[0])},
        None,
        width=0.6,
    )
    positions = np.arange(len(frame))
    errors = np.vstack([values - lows, highs - values])
    ax.errorbar(
        positions, values, yerr=np.nan_to_num(errors), fmt="none", ecolor=_TEXT, capsize=6, lw=1.4
    )
    tops = np.where(np.isfinite(highs), highs, values)
    span = np.nanmax(tops) if np.isfinite(tops).any() else 1.0
    for where, value, lower, upper, top in zip(positions, values, lows, highs, tops, strict=True):
        text = fmt.number(value, decimals)
        if np.isfinite(value) and upper > lower:
            text = f"ca. {text}"
        ax.text(
            where, np.nan_to_num(top) + 0.02 * span, text, ha="center", va="bottom", fontsize=10
        )
    ax.set_xticks(positions, [_wrap(c, 16) for c in frame[category]])
    _value_axis(ax.yaxis, pd.Series(tops), decimals, headroom=0.15)
    ax.set_ylabel(ylabel)
    whisker = Line2D([], [], color=_TEXT, marker="_", markersize=12, lw=1.4, label=interval_label)
    _legend_below(fig, [*drawn, whisker])
    return _finish(fig, ax, title, note)


@_house_styled
def trend(
    frame: pd.DataFrame,
    x: str = "periode",
    y: str = "waarde",
    hue: str | None = None,
    *,
    title: str,
    agreement: str = "afspraken",
    low: str | None = None,
    high: str | None = None,
    ylabel: str = "",
    percent: bool = False,
    value_format: Callable[[Any], str] = fmt.number,
    note: str | None = None,
) -> Figure:
    """A value per half year since an agreement started, one line per ``hue`` group.

    ``x`` holds half years (``"2025-H1"``, in order), ``agreement`` the title of the
    agreement in force in each. The current agreement (the last one) is drawn solid with
    filled markers in colour; the half years of an earlier agreement dashed, grey and with
    open markers, each agreement named in the legend. A missing value is a gap. The last
    value of each line is labelled (``value_format``); ``low``/``high`` draw an estimate's
    95% interval as error bars; ``percent`` reads fractions as percentages. The value axis
    fits the values rather than starting at zero, but spans at least a fifth of their level.
    """
    columns = [x, y, agreement] + [c for c in (hue, low, high) if c]
    _require(frame, columns, "trend")
    fig, ax = _new_figure()
    if frame.empty or _numeric(frame[y], y).isna().all():
        return _no_data(fig, ax, title)
    halves = list(dict.fromkeys(frame[x].astype(str)))
    position = {half: index for index, half in enumerate(halves)}
    titles = list(dict.fromkeys(frame[agreement].astype(str)))
    current = titles[-1]
    groups = list(dict.fromkeys(frame[hue].astype(str))) if hue else [""]
    colours = _colours(groups, None) if hue else {"": PALETTE["huidig"]}
    handles = []
    for index, group in enumerate(groups):
        rows = frame if not hue else frame[frame[hue].astype(str) == group]
        places = rows[x].astype(str).map(position).to_numpy()
        values = _numeric(rows[y], y).to_numpy(dtype=float)
        is_current = (rows[agreement].astype(str) == current).to_numpy()
        marker = MARKERS[index % len(MARKERS)]
        handles += _trend_line(ax, places, values, is_current, colours[group], marker, group)
        if low and high:
            errors = [values - _numeric(rows[low], low), _numeric(rows[high], high) - values]
            ax.errorbar(places, values, yerr=np.nan_to_num(np.array(errors, dtype=float)),
                        fmt="none", ecolor=_TEXT, capsize=4, lw=1.1)  # fmt: skip
        known = np.flatnonzero(np.isfinite(values))
        if known.size:
            last = known[-1]
            ax.annotate(value_format(values[last]), (places[last], values[last]),
                        xytext=(6, 6), textcoords="offset points", fontsize=10)  # fmt: skip
    ax.set_xticks(range(len(halves)), [_half_year_tick(half) for half in halves])
    ax.set_xlim(-0.5, len(halves) - 0.5 + 0.6)
    ax.grid(axis="x", visible=False)
    _trend_axis(ax, frame[[c for c in (y, low, high) if c]].stack())
    formatter = fmt.dutch_percent_formatter() if percent else fmt.dutch_number_formatter(0)
    ax.yaxis.set_major_formatter(formatter)
    ax.set_ylabel(ylabel)
    handles += [
        Line2D([], [], color=_EARLIER, linestyle="--", marker="o", markerfacecolor="white",
               label=title_) for title_ in titles[:-1]
    ]  # fmt: skip
    if len(titles) > 1:
        handles.append(Line2D([], [], color=_TEXT, marker="o", label=current))
    _legend_below(fig, handles)
    return _finish(fig, ax, title, note)


def _trend_axis(ax: Any, values: pd.Series) -> None:
    """A value axis that fits the values (a trend is about how a figure moves) but spans at
    least a fifth of their level, so that a change of a few percent does not look steep;
    never below zero for values that are not."""
    known = pd.to_numeric(values, errors="coerce").dropna()
    low, high = float(known.min()), float(known.max())
    middle = (low + high) / 2
    half = max((high - low) / 2 * 1.25, abs(middle) * 0.1) or 1.0
    bottom = middle - half if low < 0 else max(0.0, middle - half)
    ax.set_ylim(bottom, middle + half)


_EARLIER = "#8C8C8C"  # the half years of an earlier agreement (contrast 3.4:1 on white)


def _trend_line(ax, places, values, is_current, colour, marker, group) -> list:
    """A group's line: the earlier agreement's half years grey, dashed and open, the
    current ones in ``colour``, solid and filled; the two joined by a dashed segment."""
    drawn = []
    earlier = ~is_current
    if earlier.any():
        joined = np.flatnonzero(earlier)
        join = joined[-1] + 1 if joined[-1] + 1 < len(places) else joined[-1]
        stretch = slice(joined[0], join + 1)
        ax.plot(places[stretch], values[stretch], color=_EARLIER, linestyle="--", linewidth=1.6,
                zorder=2)  # fmt: skip
        ax.plot(places[earlier], values[earlier], linestyle="none", marker=marker,
                markerfacecolor="white", markeredgecolor=_EARLIER, markeredgewidth=1.4,
                zorder=3)  # fmt: skip
    (line,) = ax.plot(places[is_current], values[is_current], color=colour, linewidth=2.4,
                      marker=marker, markersize=6, label=group or None, zorder=4)  # fmt: skip
    drawn.append(line)
    return drawn


def _half_year_tick(label: str) -> str:
    """``2025-H1`` as an axis reads it: ``jan-jun`` over ``2025``.

    >>> _half_year_tick("2025-H2").split()
    ['jul-dec', '2025']
    """
    period = label.split("-H")
    if len(period) != 2 or period[1] not in ("1", "2"):
        return label
    return ("jan-jun" if period[1] == "1" else "jul-dec") + "\n" + period[0]


@_house_styled
def occupancy_by_daypart(
    frame: pd.DataFrame,
    daypart: str = "dagdeel",
    fraction: str = "bezetting",
    hue: str | None = None,
    *,
    title: str,
    ylabel: str = "Bezetting",
    decimals: int = 0,
    palette: Mapping[Hashable, str] | None = None,
    note: str | None = None,
) -> Figure:
    """Occupancy (a fraction, 0 to 1) per daypart as bars on a 0-100% axis, labelled ``45%``.

    Dayparts named ochtend, middag and avond come in that order, others in the frame's order.
    With ``hue`` (e.g. the period) the groups stand side by side, each in its own colour and
    pattern.
    """
    _require(frame, [daypart, fraction] + ([hue] if hue else []), "occupancy_by_daypart")
    fig, ax = _new_figure()
    if frame.empty:
        return _no_data(fig, ax, title)
    values = _numeric(frame[fraction], fraction)
    if ((values < 0) | (values > 1)).any():
        raise ValueError(
            f"occupancy_by_daypart needs fractions from 0 to 1 in {fraction!r}, "
            f"got {values[(values < 0) | (values > 1)].iloc[0]!r}"
        )
    data = pd.DataFrame(
        {
            "part": frame[daypart].astype(str),
            "value": values,
            "group": frame[hue].astype(str) if hue else "",
        }
    )
    if data.duplicated(["part", "group"]).any():
        raise ValueError(f"occupancy_by_daypart needs one row per {daypart!r} (and {hue!r})")
    parts = _daypart_order(data["part"])
    groups = list(dict.fromkeys(data["group"]))
    colours = _colours(groups, palette) if hue else {"": PALETTE["huidig"]}
    series = {
        group: data[data["group"] == group].set_index("part")["value"].reindex(parts)
        for group in groups
    }
    looks = {group: (colours[group], HATCHES[i % len(HATCHES)]) for i, group in enumerate(groups)}
    drawn = _bar_chart(
        ax, pd.Series(parts), series, looks, lambda v: fmt.percentage(v, decimals), width=0.8
    )
    ax.set_ylim(0, 1.08)
    ax.yaxis.set_major_locator(mpl.ticker.MultipleLocator(0.25))
    ax.yaxis.set_major_formatter(fmt.dutch_percent_formatter())
    ax.set_ylabel(ylabel)
    if hue and len(groups) > 1:
        _legend_below(fig, drawn)
    return _finish(fig, ax, title, note)


def _bar_chart(
    ax: Any,
    categories: pd.Series,
    series: Mapping[str, pd.Series],
    looks: Mapping[str, tuple[str, str]],
    value_format: Callable[[Any], str] | None,
    *,
    width: float,
    across: bool = False,
) -> list[Any]:
    """Bars with seaborn: for each category (in the given order) a bar per series, side by
    side, each series with its ``looks`` (colour, hatch); ``across`` lays them horizontally.

    Every series holds a value per category, in the categories' order; a missing value is
    a bar of zero labelled ``–``. Each bar is labelled ``value_format(value)`` unless it is
    None. Returns the bars of each series (labelled with its name) for the legend.
    """
    names = [str(c) for c in categories]
    long = pd.DataFrame(
        {
            "category": names * len(series),
            "series": np.repeat(list(series), len(names)),
            "value": np.concatenate([s.to_numpy(dtype=float) for s in series.values()]),
        }
    )
    sns.barplot(
        long.fillna({"value": 0.0}),
        x="value" if across else "category",
        y="category" if across else "value",
        hue="series",
        order=names,
        hue_order=list(series),
        palette={name: colour for name, (colour, _) in looks.items()},
        orient="h" if across else "v",
        width=width,
        saturation=1,
        errorbar=None,
        edgecolor=_EDGE,
        linewidth=0.6,
        legend=False,
        ax=ax,
    )
    ax.set(xlabel="", ylabel="")
    for container, (name, values) in zip(ax.containers, series.items(), strict=True):
        container.set_label(name)
        if hatch := looks[name][1]:
            for bar in container:
                bar.set_hatch(hatch)
        if value_format is not None:
            labels = [value_format(value) for value in values]
            ax.bar_label(container, labels, padding=3 if across else 2, fontsize=10)
    return list(ax.containers)


# -- output --------------------------------------------------------------------------------


def to_png(fig: Figure, *, dpi: float = DPI) -> bytes:
    """The figure as PNG bytes (Agg), without timestamps or version text, so it is repeatable."""
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {fig!r}")
    buffer = io.BytesIO()
    with mpl.rc_context(dict(HOUSE_STYLE)):
        fig.savefig(buffer, format="png", dpi=dpi, metadata={"Software": None})
    return buffer.getvalue()


def to_svg(fig: Figure) -> str:
    """The figure as SVG text: vector, without a date and with ids that do not change from
    run to run. Its text stays text in the house font (DejaVu Sans, Debian's
    fonts-dejavu-core): searchable in the PDF, and the PDF is typeset in 40% less time than
    with every letter drawn as a path."""
    if not isinstance(fig, Figure):
        raise TypeError(f"expected a matplotlib Figure, got {fig!r}")
    buffer = io.StringIO()
    style = dict(HOUSE_STYLE) | {"svg.fonttype": "none", "svg.hashsalt": "bibanalyse"}
    with mpl.rc_context(style):
        fig.savefig(buffer, format="svg", metadata={"Date": None})
    return buffer.getvalue()


def show(fig: Figure, *, alt: str | None = None) -> None:
    """Display ``fig`` in the notebook as a PNG and as SVG, and close it.

    The HTML reports show the PNG (small in an e-mail); the PDF takes the SVG, sharp in
    print. ``alt`` is the image's text for screen readers and the report's ``alt`` attribute
    (of either image); by default the figure's title. After this the figure is released:
    pyplot (if it made the figure) forgets it, so many figures in one run do not pile up in
    memory.
    """
    png, svg = to_png(fig), to_svg(fig)
    alt = alt if alt is not None else _title_of(fig)
    _close(fig)
    from IPython.display import display

    display(
        {
            "image/png": base64.b64encode(png).decode("ascii"),
            "image/svg+xml": svg,
            "text/plain": f"[Figuur: {alt}]",
        },
        raw=True,
        metadata={"image/png": {"alt": alt}, "image/svg+xml": {"alt": alt}},
    )


def _close(fig: Figure) -> None:
    pyplot = sys.modules.get("matplotlib.pyplot")
    if pyplot is not None:
        pyplot.close(fig)


def _title_of(fig: Figure) -> str:
    if title := fig.get_suptitle().strip():
        return title
    for ax in fig.axes:
        for where in ("left", "center", "right"):
            if text := ax.get_title(where).strip():
                return text
    return "Figuur"


# -- helpers ---------------------------------------------------------------------------------


def _new_figure(height: float | None = None) -> tuple[Figure, Any]:
    fig = Figure(figsize=(FIGURE_SIZE[0], height or FIGURE_SIZE[1]), dpi=DPI, layout="constrained")
    return fig, fig.add_subplot()


def _finish(fig: Figure, ax: Any, title: str, note: str | None) -> Figure:
    """The title above everything, flush left; a note (source, caveat) in grey beneath it."""
    if not isinstance(title, str):
        raise TypeError(f"title must be text, got {title!r}")
    if note is not None and not isinstance(note, str):
        raise TypeError(f"note must be text, got {note!r}")
    fig.suptitle(
        title,
        x=0.01,
        ha="left",
        fontsize=HOUSE_STYLE["axes.titlesize"],
        fontweight=HOUSE_STYLE["axes.titleweight"],
    )
    if note:
        ax.set_title(note, loc="left", fontsize=10.5, fontweight="normal", color=_MUTED, pad=8)
    return fig


def _no_data(fig: Figure, ax: Any, title: str) -> Figure:
    """A figure that says there is nothing to show, rather than failing the report."""
    ax.set_axis_off()
    ax.text(0.5, 0.5, "Geen gegevens voor deze periode", ha="center", va="center", color=_MUTED)
    return _finish(fig, ax, title, None)


def _legend_below(fig: Figure, handles: Sequence[Any]) -> None:
    labelled = [h for h in handles if h.get_label() and not h.get_label().startswith("_")]
    if labelled:
        fig.legend(handles=labelled, loc="outside lower center", ncols=min(len(labelled), 4))


def _value_axis(axis: Any, values: pd.Series, decimals: int, headroom: float = 0.05) -> None:
    """Dutch tick labels; start at zero for values that are never negative."""
    axis.set_major_formatter(fmt.dutch_number_formatter(decimals))
    finite = pd.to_numeric(values, errors="coerce").dropna()
    if finite.empty or finite.min() < 0:
        return
    top = float(finite.max()) or 1.0
    if axis.axis_name == "x":
        axis.axes.set_xlim(0, top * (1 + headroom))
    else:
        axis.axes.set_ylim(0, top * (1 + headroom))


def _require(frame: Any, columns: Iterable[str | None], function: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{function} needs a DataFrame, got {type(frame).__name__}")
    missing = [c for c in columns if c not in frame.columns]
    if missing:
        raise ValueError(f"{function}: no column(s) {missing!r}; the frame has {list(frame)!r}")


def _unique(categories: pd.Series, name: str) -> None:
    duplicated = categories[categories.duplicated()]
    if not duplicated.empty:
        raise ValueError(f"one row per {name!r} expected; {duplicated.iloc[0]!r} repeats")


def _numeric(values: pd.Series, name: str) -> pd.Series:
    try:
        return pd.to_numeric(values).astype(float)
    except (TypeError, ValueError) as error:
        raise ValueError(f"column {name!r} must hold numbers: {error}") from error


def _month_starts(values: pd.Series, name: str) -> pd.Series:
    if isinstance(values.dtype, pd.PeriodDtype):
        return values.dt.to_timestamp()
    try:
        moments = pd.to_datetime(values)
    except (TypeError, ValueError) as error:
        raise ValueError(f"column {name!r} must hold months: {error}") from error
    return moments.dt.to_period("M").dt.to_timestamp()


_DAY_NUMBERS = {
    **{name: number for number, name in enumerate(fmt.WEEKDAYS)},
    **{name: number for number, name in enumerate(fmt.WEEKDAYS_SHORT)},
}


def _weekday_numbers(values: pd.Series, name: str) -> pd.Series:
    def one(value: Any) -> int:
        if isinstance(value, str) and value.strip().lower() in _DAY_NUMBERS:
            return _DAY_NUMBERS[value.strip().lower()]
        if _whole(value) and 0 <= value <= 6:
            return int(value)
        raise ValueError(f"column {name!r}: {value!r} is not a weekday (0-6 or maandag-zondag)")

    return values.map(one)


def _hours(values: pd.Series, name: str) -> pd.Series:
    def one(value: Any) -> int:
        if _whole(value) and 0 <= value <= 23:
            return int(value)
        raise ValueError(f"column {name!r}: {value!r} is not an hour from 0 to 23")

    return values.map(one)


def _daypart_order(parts: pd.Series) -> list[str]:
    seen = list(dict.fromkeys(parts))
    known = [p for p in DAYPARTS if p in {s.lower() for s in seen}]
    if len(known) == len(seen):
        lookup = {s.lower(): s for s in seen}
        return [lookup[p] for p in known]
    return seen


def _colours(groups: Sequence[str], palette: Mapping[Hashable, str] | None) -> dict[str, str]:
    """A colour per group: the caller's, else a role's by name, else the next unused one."""
    chosen: dict[str, str] = {}
    for group in groups:
        if palette and group in palette:
            chosen[group] = palette[group]
        elif group.lower() in PALETTE:
            chosen[group] = PALETTE[group.lower()]
    spare = iter(c for c in SERIES_COLOURS if c not in chosen.values())
    for group in groups:
        if group not in chosen:
            chosen[group] = next(spare, SERIES_COLOURS[len(chosen) % len(SERIES_COLOURS)])
    return chosen


def _is_dark(colour: Any) -> bool:
    """Whether white text contrasts more with ``colour`` than the dark text colour (WCAG)."""

    def luminance(rgb: Any) -> float:
        linear = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in to_rgb(rgb)]
        return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]

    background = luminance(colour)
    return 1.05 / (background + 0.05) > (background + 0.05) / (luminance(_TEXT) + 0.05)


def _wrap(text: Any, width: int) -> str:
    return textwrap.fill(str(text), width=width, break_long_words=False)


def _whole(value: Any) -> bool:
    """A whole number (``10``, ``np.int64(10)``, ``10.0``), not a bool."""
    if isinstance(value, bool | np.bool_) or not isinstance(value, int | np.integer | float):
        return False
    return float(value).is_integer()
