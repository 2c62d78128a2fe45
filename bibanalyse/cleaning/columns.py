"""Parsing a raw text column by its kind, vectorised: each distinct text is parsed once.

A parser takes the column's text (missing where empty) and returns the parsed values and a
mask of the texts it could not parse. ``PARSERS`` maps the kinds of ``bibanalyse.sources``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd

from bibanalyse.privacy import pseudonymise
from bibanalyse.sources import normalise_header

_ISO_DATE = re.compile(r"(\d{4})-(\d{1,2})-(\d{1,2})(?:[ T]00:00(?::00(?:\.0+)?)?)?")
_DUTCH_DATE = re.compile(r"(\d{1,2})[-/.](\d{1,2})[-/.](\d{4})(?: 00:00(?::00)?)?")
_TIME = re.compile(r"(\d{1,2})[:.](\d{2})(?:[:.](\d{2}))?")
_MONTH = re.compile(r"(\d{4})-(\d{1,2})|(\d{1,2})-(\d{4})")
_WHOLE = re.compile(r"-?\d+")
_THOUSANDS = re.compile(r"-?\d{1,3}(?:\.\d{3})+")
_DECIMAL_ZERO = re.compile(r"(-?\d+),0+")
_DECIMAL = re.compile(r"-?\d+(?:[.,]\d+)?")
_GOAL = re.compile(r"\d{1,2}\.\d{1,2}")
_POSTCODE = re.compile(r"(\d{4})\s*[A-Za-z]{2}|(\d{4})")
_AGE_BAND = re.compile(r"(\d{1,3})\s*(?:-\s*(\d{1,3})|\+)(?:\s*jaar)?")

ACTIONS = {"1": "uitlening", "2": "inname", "3": "verlenging"}
CHANNELS = {"s": "selfservice", "b": "balie", "i": "internet"}
WEEKDAYS = ("maandag", "dinsdag", "woensdag", "donderdag", "vrijdag", "zaterdag", "zondag")


@dataclass(frozen=True)
class Context:
    """What parsing needs beyond the text: the reference names and the key."""

    branches: dict[str, str]  # normalised name -> name as in vestigingen
    municipalities: dict[str, str]
    key: bytes


@dataclass(frozen=True)
class Parsed:
    values: pd.Series
    bad: np.ndarray  # True where a text was given but could not be parsed
    problem: str  # what is wrong with a bad text, e.g. "not a date"
    shows_value: bool = True  # False for personal data: the message leaves the text out


Parser = Callable[[pd.Series, Context], Parsed]


def _via_distinct(text: pd.Series, parse: Callable[[str], object], dtype: str) -> tuple:
    """Apply ``parse`` to each distinct text once; ``None`` from it marks a bad text."""
    codes, distinct = pd.factorize(text)
    parsed = [parse(value) for value in distinct]
    bad_distinct = np.array([value is None for value in parsed] + [False])
    values = pd.Series(pd.array(parsed + [None], dtype=dtype)[codes], index=text.index)
    return values, bad_distinct[codes]


def _date(value: str) -> dt.datetime | None:
    if match := _ISO_DATE.fullmatch(value):
        year, month, day = match.groups()
    elif match := _DUTCH_DATE.fullmatch(value):
        day, month, year = match.groups()
    else:
        return None
    try:
        return dt.datetime(int(year), int(month), int(day))
    except ValueError:
        return None


def _time(value: str) -> pd.Timedelta | None:
    match = _TIME.fullmatch(value)
    if not match:
        return None
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    if hours > 23 or minutes > 59 or seconds > 59:
        return None
    return pd.Timedelta(hours=hours, minutes=minutes, seconds=seconds)


def _whole_number(value: str) -> int | None:
    """A count as staff type it: ``12``, ``1.234`` (thousands), ``12,0``."""
    compact = value.replace(" ", "")
    if _WHOLE.fullmatch(compact):
        return int(compact)
    if _THOUSANDS.fullmatch(compact):
        return int(compact.replace(".", ""))
    if match := _DECIMAL_ZERO.fullmatch(compact):
        return int(match.group(1))
    return None


def _decimal(value: str) -> float | None:
    """A number as staff type it: ``10,5``, ``1.234,5`` or ``10.5``; ``1.234`` is a thousand."""
    compact = value.replace(" ", "")
    if (whole := _whole_number(compact)) is not None:
        return float(whole)
    if "," in compact:
        compact = compact.replace(".", "").replace(",", ".")
    return float(compact) if _DECIMAL.fullmatch(compact) else None


def _month(value: str) -> dt.datetime | None:
    match = _MONTH.fullmatch(value)
    if not match:
        return None
    year, month = (match.group(1), match.group(2)) if match.group(1) else match.group(4, 3)
    return dt.datetime(int(year), int(month), 1) if 1 <= int(month) <= 12 else None


def _goal_ids(value: str) -> str | None:
    """Goal ids as one text, sorted and without repeats: ``"3.2; 1.2"`` -> ``"1.2;3.2"``."""
    ids = {part.strip() for part in re.split(r"[;,]", value) if part.strip()}
    if not ids or not all(_GOAL.fullmatch(goal) for goal in ids):
        return None
    return ";".join(sorted(ids, key=lambda goal: tuple(int(n) for n in goal.split("."))))


def _names(value: str) -> str:
    names = [part.strip() for part in value.split(";") if part.strip()]
    return ";".join(dict.fromkeys(names))


def _lookup(table: dict[str, str]) -> Callable[[str], str | None]:
    return lambda value: table.get(normalise_header(value))


def parse_text(text: pd.Series, context: Context) -> Parsed:
    return Parsed(text.astype("str"), np.zeros(len(text), dtype=bool), "")


def parse_date(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _date, "datetime64[us]")
    return Parsed(values, bad, "not a date (use dd-mm-jjjj or jjjj-mm-dd)")


def parse_time(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _time, "timedelta64[us]")
    return Parsed(values, bad, "not a time of day (use uu:mm)")


def parse_count(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _whole_number, "Int64")
    return Parsed(values, bad, "not a whole number")


def parse_number(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _decimal, "Float64")
    return Parsed(values, bad, "not a number")


def parse_year(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(
        text, lambda v: n if (n := _whole_number(v)) and 1900 <= n <= 2100 else None, "Int64"
    )
    return Parsed(values, bad, "not a year")


def parse_month(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _month, "datetime64[us]")
    return Parsed(values, bad, "not a month (use jjjj-mm)")


def parse_action(text: pd.Series, context: Context) -> Parsed:
    names = set(ACTIONS.values())
    values, bad = _via_distinct(
        text, lambda v: ACTIONS.get(v.strip()) or (v.lower() if v.lower() in names else None), "str"
    )
    return Parsed(values, bad, "unknown action code (expected 1, 2, 3 or their names)")


def parse_channel(text: pd.Series, context: Context) -> Parsed:
    names = set(CHANNELS.values())
    values, bad = _via_distinct(
        text,
        lambda v: CHANNELS.get(v.lower()) or (v.lower() if v.lower() in names else None),
        "str",
    )
    return Parsed(values, bad, "unknown source (expected S, B or I)")


def parse_branch(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _lookup(context.branches), "str")
    return Parsed(values, bad, "unknown branch (not in vestigingen)")


def parse_municipality(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _lookup(context.municipalities), "str")
    return Parsed(values, bad, "unknown municipality (no branch in vestigingen)")


def parse_goals(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _goal_ids, "str")
    return Parsed(values, bad, "not a list of goal ids such as 1.2; 3.2")


def parse_list(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, _names, "str")
    return Parsed(values, bad, "")


def parse_weekday(text: pd.Series, context: Context) -> Parsed:
    def weekday(value: str) -> int | None:
        name = value.strip().lower()
        matches = [n for n, day in enumerate(WEEKDAYS) if len(name) >= 2 and day.startswith(name)]
        return matches[0] if len(matches) == 1 else None

    values, bad = _via_distinct(text, weekday, "Int64")
    return Parsed(values, bad, "not a weekday (maandag ... zondag)")


def parse_clock(text: pd.Series, context: Context) -> Parsed:
    def minutes(value: str) -> int | None:
        time = _time(value)
        return None if time is None else int(time.total_seconds() // 60)

    values, bad = _via_distinct(
        text, lambda v: 1440 if v.strip() == "24:00" else minutes(v), "Int64"
    )
    return Parsed(values, bad, "not a time of day (use uu:mm)")


def parse_age_band(text: pd.Series, context: Context) -> Parsed:
    def band(value: str) -> str | None:
        match = _AGE_BAND.fullmatch(value.strip())
        if not match:
            return None
        low, high = match.groups()
        return f"{int(low)}-{int(high)}" if high else f"{int(low)}+"

    values, bad = _via_distinct(text, band, "str")
    return Parsed(values, bad, "not an age group such as 0-3 or 65+")


def parse_member(text: pd.Series, context: Context) -> Parsed:
    numbers = text.str.replace(r"\.0$", "", regex=True)  # Excel turns numbers into floats
    values = pseudonymise(numbers, context.key)
    return Parsed(values, np.zeros(len(text), dtype=bool), "", shows_value=False)


def parse_birthdate(text: pd.Series, context: Context) -> Parsed:
    values, bad = _via_distinct(text, lambda v: (d := _date(v)) and d.year, "Int64")
    return Parsed(values, bad, "not a date", shows_value=False)


def parse_postcode(text: pd.Series, context: Context) -> Parsed:
    def four_digits(value: str) -> str | None:
        match = _POSTCODE.fullmatch(value.strip())
        return (match.group(1) or match.group(2)) if match else None

    values, bad = _via_distinct(text, four_digits, "str")
    return Parsed(values, bad, "not a Dutch postcode", shows_value=False)


PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "date": parse_date,
    "time": parse_time,
    "count": parse_count,
    "number": parse_number,
    "year": parse_year,
    "month": parse_month,
    "action": parse_action,
    "channel": parse_channel,
    "branch": parse_branch,
    "municipality": parse_municipality,
    "goals": parse_goals,
    "list": parse_list,
    "weekday": parse_weekday,
    "clock": parse_clock,
    "age_band": parse_age_band,
    "member": parse_member,
    "birthdate": parse_birthdate,
    "postcode": parse_postcode,
}
