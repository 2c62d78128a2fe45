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

from pathlib import Path

import pandas as pd

from bibanalyse.files import writing

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NUMBER = r"[+-]?\d+(?:[.,]\d+)*(?:[eE][+-]?\d+)?"


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
        columns[_neutralised(pd.Series([str(name)])).iloc[0]] = column
    return pd.DataFrame(columns, index=frame.index)


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
    """The column with a ``'`` before each text that begins a formula, computed on the
    cells' text; other cells (numbers among them) are kept as they are. A carriage return
    within a text becomes a line feed: the CSV module quotes a cell holding a line feed, not
    one holding only a carriage return, which a spreadsheet would take for the row's end."""
    text = column.astype("str")
    runs = text.str.startswith(FORMULA_STARTS) & ~text.str.fullmatch(_NUMBER)
    runs = runs.fillna(False).to_numpy(dtype=bool) & column.notna().to_numpy()
    returns = text.str.contains("\r", regex=False).fillna(False).to_numpy(dtype=bool)
    if not (runs.any() or returns.any()):
        return column
    column = column.astype(object)
    column[runs] = "'" + text[runs]
    column[returns] = column[returns].str.replace("\r\n", "\n").str.replace("\r", "\n")
    return column
