"""Cleaning one raw file: parse each column by its kind, derive what the source needs,
check the clean model, and split the rows into kept and rejected (with their reasons).

Rejected rows keep their file and line so an analyst can find them, and the values of the
row with personal data reduced as in processed data (never a member number or birth date).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
import pandera.pandas as pa

from bibanalyse.cleaning.collection import add_youth_flag
from bibanalyse.cleaning.columns import PARSERS, Context, Parsed, as_categorical
from bibanalyse.cleaning.loans import add_moment_and_youth
from bibanalyse.cleaning.plausibility import implausible
from bibanalyse.cleaning.subscriptions import add_youth_subscription_flag
from bibanalyse.reading import RawTable, in_parallel, missing_text
from bibanalyse.schemas import CLEAN_MODELS, raw_schema
from bibanalyse.sources import Source

FILE = "bestand"
LINE = "regel"
REASON = "reden"

DERIVATIONS: dict[str, Callable[[pd.DataFrame], pd.DataFrame]] = {
    "uitleenacties": add_moment_and_youth,
    "abonnementen": add_youth_subscription_flag,
    "collectie": add_youth_flag,
}


@dataclass
class CleanFile:
    """One raw file after cleaning: kept rows (with ``bestand`` and ``regel``; text held
    compactly as categoricals) and rejected rows (with ``reden``)."""

    file: str
    kept: pd.DataFrame
    rejected: pd.DataFrame
    blank_lines: int

    @property
    def rows_read(self) -> int:
        return len(self.kept) + len(self.rejected)


class _Problems:
    """Row problems, recorded sparsely: (row positions, message per position)."""

    def __init__(self, rows: int) -> None:
        self.rows = rows
        self._positions: list[np.ndarray] = []
        self._messages: list[list[str]] = []

    def add(self, positions: np.ndarray, messages: list[str]) -> None:
        if len(positions):
            self._positions.append(np.asarray(positions))
            self._messages.append(list(messages))

    def mask(self) -> np.ndarray:
        mask = np.zeros(self.rows, dtype=bool)
        for positions in self._positions:
            mask[positions] = True
        return mask

    def reasons(self) -> pd.Series:
        """One text per problem row: its messages joined by ``; ``."""
        positions = np.concatenate([np.zeros(0, dtype=int), *self._positions]).tolist()
        messages = [message for messages in self._messages for message in messages]
        per_row: dict[int, dict[str, None]] = {}  # a row's messages, in order, each once
        pairs = zip(positions, messages, strict=True)
        for position, message in sorted(pairs, key=lambda pair: pair[0]):
            per_row.setdefault(position, {})[message] = None
        texts = ["; ".join(row_messages) for row_messages in per_row.values()]
        return pd.Series(texts, index=pd.Index(list(per_row), dtype=int), dtype="str")


def clean_file(raw: RawTable, source: Source, context: Context, file: str) -> CleanFile:
    """Split one raw file of ``source`` into clean kept rows and rejected rows."""
    raw_schema(source).validate(raw.frame, lazy=True, inplace=True)  # checks only: no copy
    problems = _Problems(len(raw.frame))
    results = _parse(raw, source, context, problems)
    typed = pd.DataFrame({name: result.values for name, result in results.items()}, copy=False)
    for positions, messages in implausible(typed, source, context.bounds, context.today):
        problems.add(positions, messages)
    typed = DERIVATIONS.get(source.name, lambda frame: frame)(typed)
    failing, messages = _check_model(typed, ~problems.mask(), source.name)
    problems.add(failing, messages)
    keep = ~problems.mask()
    kept = _conform(_kept_rows(typed, keep), source.name)
    where = {FILE: pd.Categorical.from_codes(np.zeros(len(kept), np.int8), [file])}
    where[LINE] = raw.lines[keep]
    kept = pd.DataFrame({**where, **dict(kept.items())}, copy=False)  # not copied again
    rejected = _rejected_rows(raw, results, problems, file)
    return CleanFile(file, kept, rejected, raw.blank_lines)


def _parse(raw: RawTable, source: Source, context: Context, problems: _Problems):
    """Each column of ``source`` parsed, the columns side by side; their problems (with
    the cells the reader left out) are recorded in the source's column order."""

    def parse(column):
        return _parse_column(raw.frame, column, context, raw.cell_problems.get(column.name))

    outcomes = in_parallel(parse, source.columns)
    results = {}
    for column, (result, findings) in zip(source.columns, outcomes, strict=True):
        results[column.name] = result
        for positions, messages in findings:
            problems.add(positions, messages)
    return results


def _kept_rows(frame: pd.DataFrame, keep: np.ndarray) -> pd.DataFrame:
    """The rows where ``keep`` holds, renumbered, text as categoricals: parsed text already
    is one, text a derivation adds is encoded (the columns side by side); only codes are
    then filtered, no text is copied."""

    def kept(name: str):
        column = frame[name]
        if _is_text(column):
            column = as_categorical(column)
        return column.array[keep]

    columns = dict(zip(frame.columns, in_parallel(kept, frame.columns), strict=True))
    return pd.DataFrame(columns, copy=False)  # new columns: taken as they are


def _is_text(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.StringDtype)


def _is_categorical(column: pd.Series) -> bool:
    return isinstance(column.dtype, pd.CategoricalDtype)


def _parse_column(frame: pd.DataFrame, column, context: Context, left_out) -> tuple:
    """A column parsed, and its problems: (row positions, message per position) pairs.
    ``left_out``: the reader's problem per cell it left out, or None (see
    ``RawTable.cell_problems``); such a cell is not also reported missing."""
    text = frame[column.name] if column.name in frame else pd.Series(missing_text(len(frame)))
    result = PARSERS[column.kind](text, context)
    header = column.headers[0]
    findings = []
    if left_out is not None:
        positions = np.flatnonzero(pd.notna(left_out))
        findings.append((positions, [f"{header}: {left_out[p]}" for p in positions]))
    bad_positions = np.flatnonzero(result.bad)
    if result.shows_value:
        shown = text[result.bad]  # a boolean mask filters Arrow text piece by piece
        findings.append((bad_positions, [f"{header}: {result.problem} ({v!r})" for v in shown]))
    else:
        findings.append((bad_positions, [f"{header}: {result.problem}"] * len(bad_positions)))
    if column.required:
        missing = text.isna().to_numpy()
        if left_out is not None:
            missing = missing & pd.isna(left_out)
        missing = np.flatnonzero(missing)
        findings.append((missing, [f"{header}: missing"] * len(missing)))
    return result, findings


def _check_model(typed: pd.DataFrame, parsed: np.ndarray, name: str) -> tuple:
    """The rows that parse (``parsed``) but break a check of the clean model: their
    positions and what is wrong, one message per failed check.

    Every row is checked, without copying the frame; what is found in a row that did not
    parse is left out. Such a row holds no value in the model's unique columns and 0 in its
    whole-number columns while checked, so that it changes nothing found in another row.
    Text is checked as the categoricals the parsers give: the model's checks of its values
    hold, its type (text) is not checked."""
    model = CLEAN_MODELS[name].to_schema()
    categorical = [column for column in typed if _is_categorical(typed[column])]
    model = model.update_columns({column: {"dtype": None} for column in categorical})
    unparsed = ~parsed
    if unparsed.any():
        typed = typed.assign(
            **{
                column: typed[column].mask(unparsed)
                if model.columns[column].unique
                else typed[column].fillna(0)
                for column in model.columns
                if model.columns[column].unique or str(model.columns[column].dtype) == "int64"
            }
        )
    try:
        model.validate(_conform(typed, name), lazy=True, inplace=True)  # no copy
    except pa.errors.SchemaErrors as errors:
        failures = errors.failure_cases
        if failures["index"].isna().any():  # a column-level failure is a bug, not bad data
            raise
        positions = failures["index"].astype(int).to_numpy()
        found = parsed[positions]
        messages = [_describe(row) for row in failures[found].itertuples()]
        return positions[found], messages
    return np.zeros(0, dtype=int), []


def _conform(typed: pd.DataFrame, name: str) -> pd.DataFrame:
    """The clean model's columns in its order, whole numbers as ``int64`` where the model
    has no missing values."""
    model = CLEAN_MODELS[name].to_schema()
    frame = typed[list(model.columns)].reset_index(drop=True)
    for column_name, column in model.columns.items():
        if str(column.dtype) == "int64" and frame[column_name].dtype != "int64":
            frame[column_name] = frame[column_name].astype("int64")
    return frame


_CHECK_WORDS = {
    "greater_than_or_equal_to": "is negative",
    "in_range": "is out of range",
    "isin": "is not an allowed value",
    "str_matches": "has the wrong form",
    "str_length": "has the wrong length",
    "unique": "appears twice",
}


def _describe(failure) -> str:
    check = str(failure.check)
    if failure.schema_context == "DataFrameSchema":
        return check  # a row check's own message, e.g. "Einde before Start"
    words = _CHECK_WORDS.get(check.split("(")[0], f"fails {check}")
    value = failure.failure_case
    value = value.item() if hasattr(value, "item") else value  # numpy scalars print plainly
    return f"{failure.column}: {value!r} {words}"


def _rejected_rows(raw: RawTable, results: dict[str, Parsed], problems, file) -> pd.DataFrame:
    """The rejected rows as text, personal data reduced, with file, line and reason; rows
    that could not even be split into fields come last."""
    reasons = problems.reasons()
    positions = reasons.index.to_numpy()
    rejected = np.zeros(len(raw.frame), dtype=bool)
    rejected[positions] = True  # a boolean mask filters Arrow text piece by piece
    texts = dict.fromkeys(results)
    for name, result in results.items():
        column = raw.frame.get(name) if result.shows_value else result.values
        if column is not None:  # its array: a Series would filter its index too
            texts[name] = column.array[rejected].astype("str").to_numpy()
    rows = pd.DataFrame(
        {FILE: file, LINE: raw.lines[positions], REASON: reasons.to_numpy(), **texts}
    )
    malformed = pd.DataFrame(
        {
            FILE: file,
            LINE: raw.malformed["line"],
            REASON: "the line does not split into the header's columns",
        }
    )
    return pd.concat([rows, malformed], ignore_index=True) if len(malformed) else rows
