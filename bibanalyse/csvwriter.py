"""The one CSV writer of the project: every CSV it writes goes through here.

A spreadsheet runs a cell that begins with ``=``, ``+``, ``-`` or ``@`` as a formula (and a
tab or carriage return before one is skipped), so text from an export such as
``=HYPERLINK("http://...","klik")`` would run when an analyst opens a rejected-rows file in
Excel. OWASP's rule (CSV injection): such a text cell gets a leading ``'``, which the
spreadsheet shows as text. Numbers stay numbers: number columns are never touched, and a text
cell that is a plain number (``-5``, ``-1,5``, ``+3``, as a rejected count is shown) stays as
it is, as a spreadsheet reads it as that number, not a formula.

UTF-8, comma-separated, ``\\n`` line ends, no index.
"""

from __future__ import annotations

import re
from pathlib import Path

import numpy as np
import pandas as pd
import pyarrow as pa
import pyarrow.compute as pc

from bibanalyse.files import writing

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_START = r"^[=+\-@\t\r]"
_NUMBER = re.compile(r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?")


def neutralise_formulas(frame: pd.DataFrame) -> pd.DataFrame:
    """``frame`` with every text cell and column name that a spreadsheet would run as a
    formula given a leading ``'``; numbers (also as text), dates and booleans as they are.
    The frame given is not changed.

    >>> texts = ["=SUM(1+1)", "@SUM(1+1)", "+1+2", "\\t=1", "-5", "-1,5", "a=b"]
    >>> safe = neutralise_formulas(pd.DataFrame({"t": texts, "n": -1.5}))
    >>> safe["t"].tolist()
    ["'=SUM(1+1)", "'@SUM(1+1)", "'+1+2", "'\\t=1", '-5', '-1,5', 'a=b']
    >>> safe["n"].tolist()[:2]
    [-1.5, -1.5]
    """
    columns = {}
    for name, column in frame.items():
        if _holds_text(column):
            column = _neutralised(column)
        columns[neutralised(str(name))] = column
    return pd.DataFrame(columns, index=frame.index)


def neutralised(text: str) -> str:
    """One text as ``neutralise_formulas`` writes it.

    >>> neutralised("=1+2"), neutralised("-12")
    ("'=1+2", '-12')
    """
    if text.startswith(FORMULA_STARTS) and not _NUMBER.fullmatch(text):
        text = "'" + text
    return text.replace("\r\n", "\n").replace("\r", "\n")


def csv_text(frame: pd.DataFrame, **options) -> str:
    """``frame`` as CSV text, formulas neutralised; ``options`` go to ``DataFrame.to_csv``
    (such as ``float_format``)."""
    return neutralise_formulas(frame).to_csv(index=False, lineterminator="\n", **options)


def write_csv(frame: pd.DataFrame, path: Path, **options) -> Path:
    """Write ``frame`` to ``path`` as UTF-8 CSV (see ``csv_text``), streamed; a failure to
    write names ``path``. (For a file others may be reading, write ``csv_text`` with
    ``files.write_atomically``.)"""
    path = Path(path)
    with writing(path):
        neutralise_formulas(frame).to_csv(
            path, index=False, lineterminator="\n", encoding="utf-8", **options
        )
    return path


def _holds_text(column: pd.Series) -> bool:
    kind = column.dtype
    if isinstance(kind, pd.CategoricalDtype):
        kind = kind.categories.dtype
    return pd.api.types.is_object_dtype(kind) or pd.api.types.is_string_dtype(kind)


def _neutralised(column: pd.Series) -> pd.Series:
    """The column with each text cell that begins a formula, or holds a carriage return,
    written anew (see ``neutralised``); found by Arrow on the cells' text, changed one by
    one (they are few), other cells (numbers among them) kept as they are. A carriage return
    becomes a line feed: the CSV module quotes a cell holding a line feed, not one holding
    only a carriage return, which a spreadsheet would take for the row's end."""
    text = pa.array(column.astype("str"), type=pa.large_string())
    suspect = pc.or_(pc.match_substring_regex(text, _FORMULA_START), pc.match_substring(text, "\r"))
    positions = np.flatnonzero(pc.fill_null(suspect, False).to_numpy(zero_copy_only=False))
    if not len(positions):
        return column
    column = column.astype(object)  # a copy
    for position in positions:
        column.iat[position] = neutralised(str(column.iat[position]))
    return column
