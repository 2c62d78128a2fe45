"""An Excel workbook (``.xlsx``) checked before it is read: untrusted, it may be a zip bomb.

``inspect_workbook`` reads only the zip's directory first: every part's declared unpacked
size is checked against ``FileLimits.workbook_part_bytes`` and its ratio to the packed size
against ``FileLimits.workbook_ratio`` (as Apache POI's ``ZipSecureFile`` does: 1:100, for
parts past a grace size) before anything is decompressed. Only then is each part unpacked,
a block at a time and never held whole, which proves the declared sizes true: Python's
``zipfile`` stops a part at its declared size and checks its CRC. On the way the first
sheet (the one read) is searched for formula cells without a computed value (a workbook
written by a script and never opened in Excel), which a reader would give as empty cells.
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ElementTree
import zipfile
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from xml.parsers import expat

from openpyxl.utils.cell import column_index_from_string, coordinate_from_string, get_column_letter
from openpyxl.utils.exceptions import CellCoordinatesException

from bibanalyse.config import FileLimits

GRACE_BYTES = 100 * 1024  # parts smaller than this may be packed tighter (POI's grace size)
_BLOCK = 1 << 20
_FORMULA_TAG = re.compile(rb"<(?:\w+:)?f[\s/>]")  # <f>, <f t="shared" .../>, <x:f>
_TEXT_TYPES = ("str", "s", "inlineStr")  # a cell's type when its value is text
_RELATIONSHIP_ID = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"
_STRICT_RELATIONSHIP_ID = "{http://purl.oclc.org/ooxml/officeDocument/relationships}id"


class WorkbookRefused(ValueError):
    """A workbook past the limits, or whose parts are not what its directory declares."""


@dataclass(frozen=True)
class FormulaCell:
    """A formula cell without a computed value: its Excel row (from 1) and column (from 0)."""

    row: int
    column: int

    @property
    def name(self) -> str:
        """The cell as Excel names it.

        >>> FormulaCell(2, 27).name
        'AB2'
        """
        return f"{get_column_letter(self.column + 1)}{self.row}"


def inspect_workbook(path: Path, limits: FileLimits) -> list[FormulaCell]:
    """Check ``path`` against ``limits`` before it is read (see the module); returns the
    formula cells of its first sheet that hold no computed value. Raises ``WorkbookRefused``
    naming the part, its sizes and the limit; ``zipfile.BadZipFile`` for a file that is no
    zip (or whose part does not unpack to what is declared)."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        for part in parts:
            _check_declared(path, part, limits)
        first_sheet = _first_sheet(archive)
        formulas = False
        for part in parts:
            found = _unpack(archive, part, scan=part.filename == first_sheet)
            formulas |= found
        return _formula_cells_without_value(archive, first_sheet) if formulas else []


def _check_declared(path: Path, part: zipfile.ZipInfo, limits: FileLimits) -> None:
    size, packed = part.file_size, part.compress_size
    if size > limits.workbook_part_bytes:
        raise WorkbookRefused(
            f"{path}: refused before unpacking: part {part.filename} declares {size:,} bytes "
            f"unpacked ({packed:,} packed), past the limit of {limits.workbook_part_bytes:,} "
            f"bytes (limits.workbook_part_bytes)"
        )
    if size > GRACE_BYTES and size > packed * limits.workbook_ratio:
        raise WorkbookRefused(
            f"{path}: refused before unpacking: part {part.filename} declares {size:,} bytes "
            f"unpacked from {packed:,} packed (1:{size // max(packed, 1):,}), past the limit "
            f"of 1:{limits.workbook_ratio} (limits.workbook_ratio)"
        )


def _unpack(archive: zipfile.ZipFile, part: zipfile.ZipInfo, *, scan: bool) -> bool:
    """Unpack ``part`` a block at a time (``zipfile`` checks it against its declared size
    and CRC); with ``scan``, whether it holds a formula element."""
    found, tail = False, b""
    with archive.open(part) as stream:
        while block := stream.read(_BLOCK):
            if scan and not found:
                found = _FORMULA_TAG.search(tail + block) is not None
                tail = block[-16:]
    return found


def _first_sheet(archive: zipfile.ZipFile) -> str | None:
    """The part name of the workbook's first sheet (the one read), from the workbook's
    relationships; None when the workbook does not say (a reader then fails on it too)."""
    try:
        workbook = _target(archive, "", _office_document(archive))
        root = ElementTree.fromstring(archive.read(workbook))
        sheet = next(element for element in root.iter() if _local(element.tag) == "sheet")
        relationship = sheet.get(_RELATIONSHIP_ID) or sheet.get(_STRICT_RELATIONSHIP_ID)
        folder = str(PurePosixPath(workbook).parent)
        rels = f"{folder}/_rels/{PurePosixPath(workbook).name}.rels"
        return _target(archive, folder, _relationship(archive, rels, relationship))
    except (KeyError, StopIteration, ElementTree.ParseError):
        return None


def _office_document(archive: zipfile.ZipFile) -> str:
    root = ElementTree.fromstring(archive.read("_rels/.rels"))
    for element in root.iter():
        if _local(element.tag) == "Relationship" and element.get("Type", "").endswith(
            "/officeDocument"
        ):
            return element.get("Target", "")
    raise KeyError("officeDocument")


def _relationship(archive: zipfile.ZipFile, rels: str, identifier: str | None) -> str:
    for element in ElementTree.fromstring(archive.read(rels)).iter():
        if _local(element.tag) == "Relationship" and element.get("Id") == identifier:
            return element.get("Target", "")
    raise KeyError(identifier)


def _target(archive: zipfile.ZipFile, folder: str, target: str) -> str:
    """A relationship's target as a part name: absolute (``/xl/...``) or relative."""
    name = target.lstrip("/") if target.startswith("/") else f"{folder}/{target}".lstrip("/")
    parts: list[str] = []
    for piece in name.split("/"):
        if piece == "..":
            parts = parts[:-1]
        elif piece not in ("", "."):
            parts.append(piece)
    name = "/".join(parts)
    archive.getinfo(name)  # KeyError when absent
    return name


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _formula_cells_without_value(archive: zipfile.ZipFile, sheet: str) -> list[FormulaCell]:
    """The cells of ``sheet`` holding a formula (``<f>``) and no value (no ``<v>`` or an
    empty one), parsed a block at a time. A formula whose computed value is text (``t`` is
    ``str``, ``s`` or ``inlineStr``) holds its value also when that text is empty: Excel
    computed it."""
    found: list[FormulaCell] = []
    state = {"row": 0, "column": -1, "formula": False, "value": False, "in_value": False}

    def start(name: str, attributes: dict) -> None:
        tag = name.rsplit(" ", 1)[-1]
        if tag == "row":
            state["row"] = int(attributes.get("r", state["row"] + 1))
            state["column"] = -1
        elif tag == "c":
            state["column"] = _column(attributes.get("r"), state["column"] + 1)
            state["formula"] = False
            state["value"] = attributes.get("t") in _TEXT_TYPES
        elif tag == "f":
            state["formula"] = True
        elif tag in ("v", "is"):
            state["in_value"] = True

    def text(data: str) -> None:
        if state["in_value"] and data.strip():
            state["value"] = True

    def end(name: str) -> None:
        tag = name.rsplit(" ", 1)[-1]
        if tag in ("v", "is"):
            state["in_value"] = False
        elif tag == "c" and state["formula"] and not state["value"]:
            found.append(FormulaCell(state["row"], state["column"]))

    parser = expat.ParserCreate(namespace_separator=" ")
    parser.StartElementHandler, parser.EndElementHandler = start, end
    parser.CharacterDataHandler = text
    with archive.open(sheet) as stream:
        while block := stream.read(_BLOCK):
            parser.Parse(block, False)
    parser.Parse(b"", True)
    return found


def _column(reference: str | None, default: int) -> int:
    """The column (from 0) of a cell reference such as ``B12``; ``default`` without one."""
    try:
        letters, _ = coordinate_from_string(reference or "")
    except CellCoordinatesException:
        return default
    return column_index_from_string(letters) - 1
