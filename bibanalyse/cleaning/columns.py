"""Parsing a raw text column by its kind, vectorised: each distinct text is parsed once.

A parser takes the column's text (missing where empty) and returns the parsed values and a
mask of the texts it could not parse; text values come as categoricals (each distinct text
held once, rows as codes). ``PARSERS`` maps the kinds of ``bibanalyse.sources``.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
import pyarrow as pa

from bibanalyse.config import Bounds
from bibanalyse.formatting import WEEKDAYS
from bibanalyse.privacy import pseudonymise
from bibanalyse.reading import encoded_text, recoded, text_categorical
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


@dataclass(frozen=True)
class Context:
    """What parsing needs beyond the text: the reference names, the key, the plausible
    values and the day of the ingest; and the pseudonyms made so far with the key, so that a
    member in several files is hashed once."""

    branches: dict[str, str]  # normalised name -> name as in vestigingen
    municipalities: dict[str, str]
    key: bytes
    bounds: Bounds = field(default_factory=Bounds)
    today: dt.date = field(default_factory=dt.date.today)
    pseudonyms: dict[str, str] = field(default_factory=dict, compare=False, repr=False)


@dataclass(frozen=True)
class Parsed:
    values: pd.Series  # text as a categorical
    bad: np.ndarray  # True where a text was given but could not be parsed
    problem: str  # what is wrong with a bad text, e.g. "not a date"
    shows_value: bool = True  # False for personal data: the message leaves the text out


Parser = Callable[[pd.Series, Context], Parsed]


def distinct_codes(text: pd.Series) -> tuple[np.ndarray, list[str]]:
    """The distinct texts in order of appearance and each row's position among them (-1 where
    missing), as ``pd.factorize`` gives them, computed by Arrow's dictionary encoding; of a
    categorical, its categories and codes.

    >>> distinct_codes(pd.Series(["b", None, "a", "b"], dtype="str"))
    (array([ 0, -1,  1,  0], dtype=int32), ['b', 'a'])
    """
    if isinstance(text.dtype, pd.CategoricalDtype):
        return text.cat.codes.to_numpy(), text.cat.categories.tolist()
    codes, distinct = _dictionary_encoded(text)
    return codes, distinct.to_pylist()


def as_categorical(text: pd.Series) -> pd.Series:
    """``text`` as a categorical of the same values, made by Arrow's dictionary encoding.

    >>> as_categorical(pd.Series(["b", None, "a", "b"], dtype="str")).tolist()
    ['b', nan, 'a', 'b']
    """
    if isinstance(text.dtype, pd.CategoricalDtype):
        return text  # raw text is read as one
    codes, distinct = _dictionary_encoded(text)
    return _categorical(codes, distinct, text)


def _categorical(codes: np.ndarray, categories: pa.Array, like: pd.Series) -> pd.Series:
    """A categorical Series (see ``text_categorical``) with the index and name of ``like``."""
    return pd.Series(text_categorical(codes, categories), index=like.index, name=like.name)


def _dictionary_encoded(text: pd.Series) -> tuple[np.ndarray, pa.Array]:
    arrow = pa.array(text.astype("str").array)
    return encoded_text(arrow if isinstance(arrow, pa.ChunkedArray) else pa.chunked_array([arrow]))


def _spread(distinct_values: list, codes: np.ndarray, dtype: str, like: pd.Series) -> pd.Series:
    """Each row's value from the values of the distinct texts (missing where ``codes`` is -1),
    with the index of ``like``; text as a categorical (texts that parse alike: one category)."""
    if dtype == "str":
        positions, categories = pd.factorize(pd.Series(distinct_values, dtype="str"))
        categories = pa.array(categories.tolist(), type=pa.large_string())
        return _categorical(recoded(codes, positions), categories, like)
    return pd.Series(pd.array([*distinct_values, None], dtype=dtype)[codes], index=like.index)


def _parsed_per_distinct(
    text: pd.Series,
    parse: Callable[[str], object],
    dtype: str,
    problem: str,
    *,
    shows_value: bool = True,
) -> Parsed:
    """Apply ``parse`` to each distinct text once; ``None`` from it marks a bad text."""
    codes, distinct = distinct_codes(text)
    parsed = [parse(value) for value in distinct]
    bad_texts = np.array([value is None for value in parsed], dtype=bool)
    bad = np.append(bad_texts, False)[codes] if bad_texts.any() else np.zeros(len(codes), bool)
    return Parsed(_spread(parsed, codes, dtype, text), bad, problem, shows_value)


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
    return Parsed(as_categorical(text), np.zeros(len(text), dtype=bool), "")


def parse_date(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(
        text, _date, "datetime64[us]", "not a date (use dd-mm-jjjj or jjjj-mm-dd)"
    )


def parse_time(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _time, "timedelta64[us]", "not a time of day (use uu:mm)")


def parse_count(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _whole_number, "Int64", "not a whole number")


def parse_number(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _decimal, "Float64", "not a number")


def parse_year(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(
        text,
        lambda v: n if (n := _whole_number(v)) and 1900 <= n <= 2100 else None,
        "Int64",
        "not a year",
    )


def parse_month(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _month, "datetime64[us]", "not a month (use jjjj-mm)")


def parse_action(text: pd.Series, context: Context) -> Parsed:
    names = set(ACTIONS.values())
    return _parsed_per_distinct(
        text,
        lambda v: ACTIONS.get(v.strip()) or (v.lower() if v.lower() in names else None),
        "str",
        "unknown action code (expected 1, 2, 3 or their names)",
    )


def parse_channel(text: pd.Series, context: Context) -> Parsed:
    names = set(CHANNELS.values())
    return _parsed_per_distinct(
        text,
        lambda v: CHANNELS.get(v.lower()) or (v.lower() if v.lower() in names else None),
        "str",
        "unknown source (expected S, B or I)",
    )


def parse_branch(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(
        text, _lookup(context.branches), "str", "unknown branch (not in vestigingen)"
    )


def parse_municipality(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(
        text,
        _lookup(context.municipalities),
        "str",
        "unknown municipality (no branch in vestigingen)",
    )


def parse_goals(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _goal_ids, "str", "not a list of goal ids such as 1.2; 3.2")


def parse_list(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(text, _names, "str", "")


def parse_weekday(text: pd.Series, context: Context) -> Parsed:
    def weekday(value: str) -> int | None:
        name = value.strip().lower()
        matches = [n for n, day in enumerate(WEEKDAYS) if len(name) >= 2 and day.startswith(name)]
        return matches[0] if len(matches) == 1 else None

    return _parsed_per_distinct(text, weekday, "Int64", "not a weekday (maandag ... zondag)")


def parse_clock(text: pd.Series, context: Context) -> Parsed:
    def minutes(value: str) -> int | None:
        time = _time(value)
        return None if time is None else int(time.total_seconds() // 60)

    return _parsed_per_distinct(
        text,
        lambda v: 1440 if v.strip() == "24:00" else minutes(v),
        "Int64",
        "not a time of day (use uu:mm)",
    )


def parse_age_band(text: pd.Series, context: Context) -> Parsed:
    def band(value: str) -> str | None:
        match = _AGE_BAND.fullmatch(value.strip())
        if not match:
            return None
        low, high = match.groups()
        return f"{int(low)}-{int(high)}" if high else f"{int(low)}+"

    return _parsed_per_distinct(text, band, "str", "not an age group such as 0-3 or 65+")


def parse_member(text: pd.Series, context: Context) -> Parsed:
    codes, distinct = distinct_codes(text)
    numbers = [number.removesuffix(".0") for number in distinct]  # Excel turns them into floats
    new = pd.Series(list(set(numbers) - context.pseudonyms.keys()), dtype="str")
    context.pseudonyms.update(zip(new, pseudonymise(new, context.key), strict=True))
    pseudonyms = [context.pseudonyms[number] for number in numbers]
    values = _spread(pseudonyms, codes, "str", text)
    return Parsed(values, np.zeros(len(text), dtype=bool), "", shows_value=False)


def parse_birthdate(text: pd.Series, context: Context) -> Parsed:
    return _parsed_per_distinct(
        text, lambda v: (d := _date(v)) and d.year, "Int64", "not a date", shows_value=False
    )


def parse_postcode(text: pd.Series, context: Context) -> Parsed:
    def four_digits(value: str) -> str | None:
        match = _POSTCODE.fullmatch(value.strip())
        return (match.group(1) or match.group(2)) if match else None

    return _parsed_per_distinct(text, four_digits, "str", "not a Dutch postcode", shows_value=False)


PARSERS: dict[str, Parser] = {
    "text": parse_text,
    "identifier": parse_text,
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
