"""Dutch number and date formatting for everything a reader of a report sees.

The Dutch words and separators come from Babel's ``nl_NL`` locale data (CLDR), not from
:mod:`locale`: report machines have no Dutch locale installed, and a report must read the
same wherever it is made. The conventions:

- thousands separated by a dot, decimals by a comma: ``1.234,5`` (Babel);
- negative numbers with a real minus sign, U+2212 (``−3``), as matplotlib draws it on axes,
  so text and figures agree; changes carry an explicit ``+`` or ``−``;
- rounding half away from zero on the number as written (``2,5`` becomes ``3``, ``0,125``
  becomes ``0,13``), not on its binary approximation; a value that rounds to zero has no sign;
- a missing value (None, NaN, ``pd.NA``, ``NaT``) reads as an en dash, ``–``;
- percentages without a space: ``12%``; dates as ``5 januari 2025``, months ``januari 2025``
  (Babel).

Kept by hand, because Babel does not do it: the minus sign U+2212 (CLDR's Dutch minus is the
hyphen ``-``), rounding half up (Babel rounds half to even: ``2,5`` to ``2``), no sign on a
value that rounds to zero (Babel writes ``-0``) and the en dash for a missing value.

These are for display only: tables written for machines (``indicatoren.csv``) keep plain
numbers. Small counts of people (``<10``) are hidden by :mod:`bibanalyse.suppression`, which
takes :func:`number` as its ``formatter``.

>>> number(1234.5, 1), percentage(0.125, 1), change(1042, 1000), date(datetime.date(2025, 1, 5))
('1.234,5', '12,5%', '+4,2%', '5 januari 2025')
"""

from __future__ import annotations

import datetime
import functools
import numbers
from collections.abc import Callable
from decimal import ROUND_HALF_UP, Decimal, localcontext
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from babel import Locale
from babel.dates import format_date, format_skeleton, get_day_names, get_month_names
from babel.numbers import NumberPattern, format_decimal, parse_pattern

if TYPE_CHECKING:
    from matplotlib.ticker import FuncFormatter

__all__ = [
    "LOCALE",
    "MINUS",
    "MISSING",
    "MONTHS",
    "MONTHS_SHORT",
    "WEEKDAYS",
    "WEEKDAYS_SHORT",
    "change",
    "date",
    "dutch_month_formatter",
    "dutch_number_formatter",
    "dutch_percent_formatter",
    "interval",
    "month",
    "number",
    "percentage",
    "percentage_points",
    "signed",
]

LOCALE = Locale.parse("nl_NL")
"""Babel's Dutch (Netherlands) locale: the words and separators of every text here."""

MISSING = "\u2013"  # en dash: a value that is not there
MINUS = "\u2212"  # minus sign, as on matplotlib's axes

MONTHS = tuple(get_month_names("wide", locale=LOCALE)[m] for m in range(1, 13))
"""Dutch month names, January first; Dutch writes them in lower case."""

MONTHS_SHORT = tuple(get_month_names("abbreviated", locale=LOCALE)[m] for m in range(1, 13))
"""Short Dutch month names for axes (``mrt`` is the Dutch abbreviation of maart)."""

WEEKDAYS = tuple(get_day_names("wide", locale=LOCALE)[d] for d in range(7))
"""Dutch weekday names in the order of ``date.weekday()``: Monday is 0. The one list of
them in the package."""

WEEKDAYS_SHORT = tuple(get_day_names("abbreviated", locale=LOCALE)[d] for d in range(7))
"""Short Dutch weekday names, Monday first: ``ma`` to ``zo``."""


def number(x: Any, decimals: int = 0) -> str:
    """A number in Dutch notation, rounded to ``decimals`` places.

    >>> number(1234)
    '1.234'
    >>> number(1234.5, 1), number(-1234567.891, 2), number(0.5)
    ('1.234,5', '−1.234.567,89', '1')
    >>> number(-0.4), number(None), number(float("nan")), number(pd.NA)
    ('0', '–', '–', '–')
    >>> number(12, 1)
    '12,0'
    """
    value = _decimal(x, "x")
    places = _places(decimals)
    if value is None:
        return MISSING
    return _format(value, places)


def signed(x: Any, decimals: int = 0) -> str:
    """A number with an explicit sign, ``+`` or ``−``; no sign when it rounds to zero.

    >>> signed(1234), signed(-3), signed(0.04, 1), signed(None)
    ('+1.234', '−3', '0,0', '–')
    """
    value = _decimal(x, "x")
    places = _places(decimals)
    if value is None:
        return MISSING
    return _format(value, places, plus=True)


def percentage(fraction: Any, decimals: int = 0) -> str:
    """A fraction (0.125) as a Dutch percentage (``12,5%``).

    >>> percentage(0.12), percentage(0.125, 1), percentage(1), percentage(0.145)
    ('12%', '12,5%', '100%', '15%')
    >>> percentage(None)
    '–'
    """
    value = _decimal(fraction, "fraction")
    places = _places(decimals)
    if value is None:
        return MISSING
    return _format(value, places, percent=True)


def change(new: Any, old: Any, *, relative: bool = True, decimals: int | None = None) -> str:
    """The change from ``old`` to ``new`` as signed text.

    ``relative=True`` (the default) gives the change as a percentage of ``old``, with one
    decimal unless ``decimals`` says otherwise; ``relative=False`` the difference itself,
    whole unless ``decimals`` says otherwise. A relative change from zero has no meaning and
    reads as missing, as does a change involving a missing value.

    >>> change(1042, 1000), change(970, 1000), change(1000, 1000)
    ('+4,2%', '−3,0%', '0,0%')
    >>> change(970, 1000, relative=False), change(2500, 1200, relative=False)
    ('−30', '+1.300')
    >>> change(5, 0), change(None, 3), change(0.5, 0.25, decimals=0)
    ('–', '–', '+100%')
    """
    new_value = _decimal(new, "new")
    old_value = _decimal(old, "old")
    places = _places(decimals if decimals is not None else (1 if relative else 0))
    if new_value is None or old_value is None:
        return MISSING
    difference = new_value - old_value
    if not relative:
        return _format(difference, places, plus=True)
    if old_value == 0 or not old_value.is_finite():
        return MISSING
    with localcontext() as context:
        context.prec = 40
        ratio = difference / abs(old_value)
    return _format(ratio, places, plus=True, percent=True)


def percentage_points(new: Any, old: Any, decimals: int = 0) -> str:
    """The change between two fractions in percentage points (``procentpunt``).

    >>> percentage_points(0.52, 0.45), percentage_points(0.40, 0.45), percentage_points(0.5, None)
    ('+7 procentpunt', '−5 procentpunt', '–')
    """
    new_value = _decimal(new, "new")
    old_value = _decimal(old, "old")
    places = _places(decimals)
    if new_value is None or old_value is None:
        return MISSING
    return _format((new_value - old_value) * 100, places, plus=True) + " procentpunt"


def interval(low: Any, high: Any, decimals: int = 0) -> str:
    """A range such as a 95% interval: both bounds in Dutch notation around an en dash.

    >>> interval(1200, 1450), interval(0.5, 2.25, 1), interval(None, 3)
    ('1.200 – 1.450', '0,5 – 2,3', '–')
    """
    low_value = _decimal(low, "low")
    high_value = _decimal(high, "high")
    places = _places(decimals)
    if low_value is None or high_value is None:
        return MISSING
    return f"{_format(low_value, places)} {MISSING} {_format(high_value, places)}"


def date(d: Any, *, weekday: bool = False) -> str:
    """A day in words: ``5 januari 2025``; with ``weekday=True`` ``zondag 5 januari 2025``.

    >>> date(datetime.date(2025, 1, 5)), date(pd.Timestamp("2025-06-30 14:00"))
    ('5 januari 2025', '30 juni 2025')
    >>> date(datetime.date(2025, 1, 5), weekday=True), date(None), date(pd.NaT)
    ('zondag 5 januari 2025', '–', '–')
    """
    day = _day(d, "d")
    if day is None:
        return MISSING
    return format_date(day, "full" if weekday else "long", locale=LOCALE)


def month(d: Any) -> str:
    """The month of a day or a monthly period in words: ``januari 2025``.

    >>> month(datetime.date(2025, 1, 5)), month(pd.Period("2025-03", freq="M")), month(None)
    ('januari 2025', 'maart 2025', '–')
    """
    day = _day(d, "d")
    if day is None:
        return MISSING
    return format_skeleton("yMMMM", day, locale=LOCALE)


def dutch_number_formatter(decimals: int = 0) -> FuncFormatter:
    """A matplotlib tick formatter writing ticks as :func:`number` does: ``1.000``, ``2,5``.

    >>> formatter = dutch_number_formatter()
    >>> formatter(1000), formatter(-2500), dutch_number_formatter(1)(2.5)
    ('1.000', '−2.500', '2,5')
    """
    places = _places(decimals)
    return _tick_formatter(lambda value: number(value, places))


def dutch_percent_formatter(decimals: int = 0) -> FuncFormatter:
    """A matplotlib tick formatter for an axis of fractions: 0.25 is written ``25%``.

    >>> dutch_percent_formatter()(0.25), dutch_percent_formatter(1)(0.125)
    ('25%', '12,5%')
    """
    places = _places(decimals)
    return _tick_formatter(lambda value: percentage(value, places))


def dutch_month_formatter(*, short: bool = True, year: bool = False) -> FuncFormatter:
    """A matplotlib tick formatter for a date axis: ``jan``, or ``jan 2025`` with ``year``.

    >>> import matplotlib.dates as mdates
    >>> tick = mdates.date2num(datetime.date(2025, 3, 1))
    >>> dutch_month_formatter()(tick), dutch_month_formatter(short=False, year=True)(tick)
    ('mrt', 'maart 2025')
    """
    import matplotlib.dates as mdates

    pattern = ("MMM" if short else "MMMM") + (" y" if year else "")
    return _tick_formatter(
        lambda value: format_date(mdates.num2date(value).date(), pattern, locale=LOCALE)
    )


def _tick_formatter(label: Callable[[float], str]) -> FuncFormatter:
    from matplotlib.ticker import FuncFormatter

    return FuncFormatter(lambda value, position=None: label(value))


def _places(decimals: Any) -> int:
    if isinstance(decimals, bool) or not isinstance(decimals, numbers.Integral) or decimals < 0:
        raise ValueError(f"decimals must be a whole number of at least 0, got {decimals!r}")
    return int(decimals)


def _is_missing(x: Any) -> bool:
    if x is None or x is pd.NA or x is pd.NaT:
        return True
    try:
        return bool(np.ndim(x) == 0 and pd.isna(x))
    except (TypeError, ValueError):
        return False


def _decimal(x: Any, name: str) -> Decimal | None:
    """``x`` as a Decimal, None when missing; float through its shortest repr."""
    if _is_missing(x):
        return None
    if isinstance(x, bool | np.bool_):
        raise TypeError(f"{name} must be a number, got {x!r}")
    if isinstance(x, Decimal):
        return x
    if isinstance(x, numbers.Integral):
        return Decimal(int(x))
    if isinstance(x, numbers.Real):
        return Decimal(repr(float(x)))
    raise TypeError(f"{name} must be a number, got {x!r}")


def _format(value: Decimal, places: int, *, plus: bool = False, percent: bool = False) -> str:
    """``value`` (a fraction where ``percent``) rounded half up to ``places`` decimals (of
    the percentage), then written by Babel; no sign when it rounds to zero."""
    if value.is_nan():
        return MISSING
    if value.is_finite():
        scale = 100 if percent else 1
        with localcontext() as context:
            context.prec = max(40, value.adjusted() + places + 4)
            shown = (value * scale).quantize(Decimal(1).scaleb(-places), rounding=ROUND_HALF_UP)
            value = abs(shown) / scale if shown == 0 else shown / scale
    pattern = _pattern(places, plus=plus and value != 0, percent=percent)
    return format_decimal(value, format=pattern, locale=LOCALE)


@functools.cache
def _pattern(places: int, *, plus: bool, percent: bool) -> NumberPattern:
    """Babel's number pattern with ``places`` decimals, ``+`` where ``plus``, U+2212 for
    negatives and the locale's percent sign (which scales by 100) where ``percent``."""
    digits = "#,##0" + ("." + "0" * places if places else "") + ("%" if percent else "")
    return parse_pattern(f"{'+' if plus else ''}{digits};{MINUS}{digits}")


def _day(d: Any, name: str) -> datetime.date | None:
    if _is_missing(d):
        return None
    if isinstance(d, pd.Period):
        return d.start_time.date()
    if isinstance(d, np.datetime64):
        return pd.Timestamp(d).date()
    if isinstance(d, datetime.datetime):  # pd.Timestamp too
        return d.date()
    if isinstance(d, datetime.date):
        return d
    raise TypeError(f"{name} must be a date, got {d!r}")
