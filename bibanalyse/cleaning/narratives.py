"""Reading the staff's narratives (toelichting): ``toelichting/<Gemeente>/<periode>.md``
with a ``## 1.2`` section per goal. Text above the first section is an introduction and is
not kept; a section whose heading is no goal id is rejected with that reason."""

from __future__ import annotations

import re
from pathlib import Path

import pandas as pd

from bibanalyse.reading import UnreadableFileError

_PERIOD = re.compile(r"\d{4}(?:-H[12])?")
_SECTION = re.compile(r"^##(?!#)[ \t]*(.*?)[ \t]*$", re.MULTILINE)
_GOAL_HEADING = re.compile(r"(\d{1,2}\.\d{1,2})\b.*")


def read_narrative(path: Path, municipalities: dict[str, str]) -> tuple[pd.DataFrame, list]:
    """The sections of one narrative file as rows (gemeente, periode, afspraak, tekst, regel)
    and the rejected sections as (line, reason) pairs."""
    period = path.stem.upper()
    if not _PERIOD.fullmatch(period):
        raise UnreadableFileError(
            f"{path}: the file name must be a period such as 2025-H1.md or 2025.md"
        )
    municipality = municipalities.get(path.parent.name.lower())
    if municipality is None:
        raise UnreadableFileError(
            f"{path}: folder {path.parent.name!r} is not a municipality of vestigingen"
        )
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise UnreadableFileError(f"{path}: cannot decode as UTF-8: {error.reason}") from error
    rows, rejected = [], []
    headings = list(_SECTION.finditer(text))
    for heading, following in zip(headings, headings[1:] + [None], strict=True):
        line = text.count("\n", 0, heading.start()) + 1
        body = text[heading.end() : following.start() if following else len(text)].strip()
        goal = _GOAL_HEADING.fullmatch(heading.group(1))
        if goal is None:
            rejected.append((line, f"heading {heading.group(1)!r} is not a goal id such as 1.2"))
        else:
            rows.append((municipality, period, goal.group(1), body, line))
    columns = ["gemeente", "periode", "afspraak", "tekst", "regel"]
    frame = pd.DataFrame(rows, columns=columns).astype({name: "str" for name in columns[:4]})
    return frame.astype({"regel": "int64"}), rejected
