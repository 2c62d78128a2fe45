"""Hostile raw files answered clearly: oversized fields, lines that cannot be split, workbooks
that unpack to far more than they hold (zip bombs), and formula cells without a value."""

from __future__ import annotations

import datetime as dt
import io
import random
import struct
import subprocess
import sys
import time
import zipfile
from dataclasses import replace
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from bibanalyse.cli import main
from bibanalyse.config import FileLimits
from bibanalyse.ingest import ingest
from bibanalyse.reading import UnreadableFileError, read_raw
from bibanalyse.sources import SOURCES
from tests.conftest import write_raw

LOAN_HEADER = "Datum,Actie,Vestiging,Exemplaarnummer,Titelnummer,Plaatsing,Lenersnummer\n"
TEN_MB = 10 * 1024 * 1024
ACTIVITY_HEADERS = [
    "Datum",
    "Titel",
    "Soort",
    "Prestatieafspraak",
    "Aantal deelnemers",
    "Aantal klassen",
    "Vestiging",
]


def _loans(rows: int, titles: dict[int, str]) -> str:
    return LOAN_HEADER + "".join(
        f"2025-01-02,1,Heemstede,E{n},{titles.get(n, f'T{n}')},ROM,2100011{n:06d}\n"
        for n in range(rows)
    )


def _rejected(settings, source: str) -> pd.DataFrame:
    return pd.read_csv(settings.processed_dir / "rejected" / f"{source}.csv")


# --- oversized fields and lines that cannot be split -------------------------------------


def test_a_10_mb_field_near_the_top_or_far_down_rejects_its_row_without_the_value(with_branches):
    write_raw(
        with_branches, "uitleenacties", "a.csv", _loans(300, {3: "x" * TEN_MB, 250: "y" * TEN_MB})
    )
    (report,) = [r for r in ingest(with_branches) if r.source == "uitleenacties"]
    assert (report.rows_read, report.kept, report.rejected) == (300, 298, 2)
    rejected = _rejected(with_branches, "uitleenacties")
    assert rejected["regel"].tolist() == [5, 252]
    assert (
        rejected["reden"].tolist()
        == [
            "Titelnummer: a field of 10,485,760 bytes, longer than the limit of 65,536 "
            "(limits.field_bytes); the value is left out"
        ]
        * 2
    )
    assert rejected["titelnummer"].isna().all()  # the value is in no file written
    assert rejected["exemplaarnummer"].tolist() == ["E3", "E250"]
    loans = pd.read_parquet(with_branches.processed_dir / "uitleenacties.parquet")
    assert loans["titelnummer"].str.len().max() < 10


def test_a_field_at_the_limit_is_kept_one_byte_more_is_not(tmp_path):
    limits = FileLimits(field_bytes=100)
    path = tmp_path / "a.csv"
    path.write_text(_loans(3, {0: "a" * 100, 1: "b" * 101}))
    raw = read_raw(path, SOURCES["uitleenacties"], limits)
    assert raw.frame["titelnummer"].tolist()[:1] == ["a" * 100]
    assert pd.isna(raw.frame["titelnummer"][1])
    assert raw.cell_problems["titelnummer"].tolist()[1].startswith("a field of 101 bytes")


def test_an_oversized_required_field_is_not_also_reported_missing(with_branches):
    text = LOAN_HEADER + f"2025-01-02,1,Heemstede,{'E' * 70_000},T1,ROM,2100011000001\n"
    write_raw(with_branches, "uitleenacties", "a.csv", text)
    ingest(with_branches)
    (reason,) = _rejected(with_branches, "uitleenacties")["reden"]
    assert reason.startswith("Exemplaarnummer: a field of 70,000 bytes")
    assert "missing" not in reason


def test_a_line_too_long_to_split_stops_the_ingest_naming_file_and_line(with_branches, capsys):
    write_raw(with_branches, "uitleenacties", "a.csv", _loans(200, {100: "x" * (40 * 1024**2)}))
    assert main(["ingest"]) == 2
    error = capsys.readouterr().err
    assert "uitleenacties/a.csv: line 102: cannot be split into rows: a line of 41,943,0" in error
    assert "Traceback" not in error
    assert not with_branches.processed_dir.exists()


def test_a_quote_never_closed_stops_the_ingest_naming_its_line(with_branches, capsys):
    write_raw(with_branches, "uitleenacties", "a.csv", _loans(5000, {100: '"T100'}))
    assert main(["ingest"]) == 2
    error = capsys.readouterr().err
    assert "uitleenacties/a.csv: line 102: cannot be split into rows: a quote opened there" in error


# --- workbooks ---------------------------------------------------------------------------


def _activities_workbook(path: Path, rows: list[list]) -> Path:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(ACTIVITY_HEADERS)
    for row in rows:
        sheet.append(row)
    workbook.save(path)
    return path


def _with_sheet(workbook: Path, out: Path, write_sheet) -> Path:
    """``workbook`` with its first sheet's XML written anew by ``write_sheet(stream)``,
    streamed into the zip (a sheet too large to hold in memory)."""
    with zipfile.ZipFile(workbook) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for part in source.infolist():
            if part.filename != "xl/worksheets/sheet1.xml":
                z.writestr(part, source.read(part))
        with z.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as stream:
            write_sheet(stream)
    return out


def _repeated_rows(rows: int):
    """A sheet of ``rows`` valid activity rows, alike but for the day every 40 rows: it
    packs about 1:236, as the workbook of the issue (13 MB holding 3 GB)."""

    def write(stream) -> None:
        stream.write(
            b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            b'<sheetData><row r="1">'
            + b"".join(
                f'<c t="inlineStr"><is><t>{header}</t></is></c>'.encode()
                for header in ACTIVITY_HEADERS
            )
            + b"</row>"
        )
        for start in range(0, rows, 10_000):
            stream.write(
                "".join(
                    f'<row><c t="inlineStr"><is><t>{n // 40 % 28 + 1:02d}-01-2025</t></is></c>'
                    '<c t="inlineStr"><is><t>Voorlezen met de bibliotheek</t></is></c>'
                    '<c t="inlineStr"><is><t>Voorlezen</t></is></c>'
                    '<c t="inlineStr"><is><t>1.2</t></is></c><c><v>12</v></c><c/>'
                    '<c t="inlineStr"><is><t>Heemstede</t></is></c></row>'
                    for n in range(start, min(start + 10_000, rows))
                ).encode()
            )
        stream.write(b"</sheetData></worksheet>")

    return write


def test_a_workbook_packed_past_the_ratio_is_refused_before_it_is_unpacked(with_branches, capsys):
    template = _activities_workbook(with_branches.root / "t.xlsx", [])
    folder = with_branches.raw_dir / "activiteiten"
    folder.mkdir(parents=True)
    _with_sheet(template, folder / "bom.xlsx", _repeated_rows(20_000))
    assert main(["ingest"]) == 2
    error = capsys.readouterr().err
    assert "activiteiten/bom.xlsx: refused before unpacking: part xl/worksheets/sheet1.xml" in error
    assert "past the limit of 1:100 (limits.workbook_ratio)" in error
    assert not with_branches.processed_dir.exists()


def test_a_workbook_part_past_the_size_limit_is_refused_naming_its_sizes(tmp_path):
    path = _activities_workbook(
        tmp_path / "a.xlsx",
        [[f"0{n % 9 + 1}-01-2025", f"T{n}", "Voorlezen", "1.2", n, None, "H"] for n in range(3000)],
    )
    part = zipfile.ZipFile(path).getinfo("xl/worksheets/sheet1.xml")
    size, packed = part.file_size, part.compress_size
    with pytest.raises(UnreadableFileError) as refused:
        read_raw(path, SOURCES["activiteiten"], FileLimits(workbook_part_bytes=size - 1))
    assert str(refused.value) == (
        f"{path}: refused before unpacking: part xl/worksheets/sheet1.xml declares {size:,} "
        f"bytes unpacked ({packed:,} packed), past the limit of {size - 1:,} bytes "
        f"(limits.workbook_part_bytes)"
    )
    assert (
        len(read_raw(path, SOURCES["activiteiten"], FileLimits(workbook_part_bytes=size)).frame)
        == 3000
    )


def test_a_part_that_unpacks_to_more_than_it_declares_is_refused(tmp_path):
    path = _activities_workbook(
        tmp_path / "a.xlsx", [["02-01-2025", "T", "Voorlezen", "1.2", 5, None, "H"]]
    )
    data = bytearray(path.read_bytes())
    name = b"xl/worksheets/sheet1.xml"
    for signature, size_at in ((b"PK\x01\x02", 24), (b"PK\x03\x04", 22)):  # directory, header
        at = data.find(signature)
        while data[at + (46 if signature == b"PK\x01\x02" else 30) :].startswith(name) is False:
            at = data.find(signature, at + 4)
        (declared,) = struct.unpack_from("<I", data, at + size_at)
        struct.pack_into("<I", data, at + size_at, declared // 2)  # says half of what it holds
    path.write_bytes(bytes(data))
    with pytest.raises(UnreadableFileError, match=r"a\.xlsx: not a readable Excel workbook: .*CRC"):
        read_raw(path, SOURCES["activiteiten"])


def test_a_formula_without_a_computed_value_rejects_its_row_naming_the_cell(with_branches):
    folder = with_branches.raw_dir / "activiteiten"
    folder.mkdir(parents=True)
    path = _activities_workbook(
        folder / "a.xlsx",
        [
            ["02-01-2025", "Voorlezen", "Voorlezen", "1.2", 12, None, "Heemstede"],
            ["03-01-2025", "Voorlezen", "Voorlezen", "1.2", "=3+4", None, "Heemstede"],
            ["04-01-2025", "Voorlezen", "Voorlezen", "1.2", "=3+5", None, "Heemstede"],
            ["05-01-2025", "Voorlezen", "Voorlezen", "1.2", None, None, "Heemstede"],
        ],
    )
    # the formula in E4 was computed (saved by Excel): it holds its value and is kept
    with zipfile.ZipFile(path) as source:
        parts = {part: source.read(part) for part in source.namelist()}
    sheet = parts["xl/worksheets/sheet1.xml"].decode()
    parts["xl/worksheets/sheet1.xml"] = sheet.replace(
        "<f>3+5</f><v />", "<f>3+5</f><v>8</v>"
    ).encode()
    with zipfile.ZipFile(path, "w") as out:
        for name, content in parts.items():
            out.writestr(name, content)
    (report,) = [r for r in ingest(with_branches) if r.source == "activiteiten"]
    assert (report.rows_read, report.kept, report.rejected) == (4, 3, 1)
    rejected = _rejected(with_branches, "activiteiten")
    assert rejected[["regel", "reden"]].values.tolist() == [
        [3, "Aantal deelnemers: formule zonder berekende waarde (cel E3)"]
    ]
    kept = pd.read_parquet(with_branches.processed_dir / "activiteiten.parquet")
    assert kept["aantal_deelnemers"].astype(object).fillna(-1).tolist() == [12, 8, -1]


def test_a_formula_in_a_text_column_keeps_its_row(with_branches):
    """Only a number column needs the computed value; a text formula reads as empty."""
    folder = with_branches.raw_dir / "activiteiten"
    folder.mkdir(parents=True)
    workbook = openpyxl.Workbook()
    workbook.active.append([*ACTIVITY_HEADERS, "Doelgroep"])
    workbook.active.append(
        ["02-01-2025", "Voorlezen", "Voorlezen", "1.2", 12, None, "Heemstede", '="jeugd"&""']
    )
    workbook.save(folder / "a.xlsx")
    (report,) = [r for r in ingest(with_branches) if r.source == "activiteiten"]
    assert (report.rows_read, report.kept, report.rejected) == (1, 1, 0)
    kept = pd.read_parquet(with_branches.processed_dir / "activiteiten.parquet")
    assert kept["doelgroep"].isna().all()  # as Excel shows it before computing it


def test_a_formula_computed_to_empty_text_holds_its_value(tmp_path):
    from bibanalyse.workbook import FormulaCell, inspect_workbook

    template = _activities_workbook(tmp_path / "t.xlsx", [])
    sheet = (
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<sheetData><row r="2"><c r="E2" t="str"><f>IF(1,"","x")</f><v/></c>'
        '<c r="F2"><f>1+1</f><v/></c></row></sheetData></worksheet>'
    )
    path = _with_sheet(template, tmp_path / "a.xlsx", lambda stream: stream.write(sheet.encode()))
    assert inspect_workbook(path, FileLimits()) == [FormulaCell(2, 5)]


def test_shared_and_namespaced_formulas_are_found_too(tmp_path):
    from bibanalyse.workbook import FormulaCell, inspect_workbook

    template = _activities_workbook(tmp_path / "t.xlsx", [])
    sheet = (
        '<x:worksheet xmlns:x="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        '<x:sheetData><x:row r="2"><x:c r="E2"><x:f t="shared" ref="E2:E3" si="0">1+1</x:f>'
        '</x:c><x:c r="F2"><x:f>1</x:f><x:v>1</x:v></x:c></x:row><x:row r="3"><x:c r="E3">'
        '<x:f t="shared" si="0"/></x:c></x:row></x:sheetData></x:worksheet>'
    )
    path = _with_sheet(template, tmp_path / "a.xlsx", lambda stream: stream.write(sheet.encode()))
    assert inspect_workbook(path, FileLimits()) == [FormulaCell(2, 4), FormulaCell(3, 4)]


# --- the whole size: slow ----------------------------------------------------------------


_PEAK_OF_INGEST = (
    "import resource, sys\n"
    "from bibanalyse.cli import main\n"
    "code = main(['ingest'])\n"
    "print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)\n"
    "sys.exit(code)\n"
)


@pytest.mark.slow
def test_the_unpacking_bomb_of_the_issue_is_refused_in_little_memory(with_branches, tmp_path):
    """13 MB that unpack to 3 GB: refused from the zip's directory, in well under 1 GB."""
    template = _activities_workbook(tmp_path / "t.xlsx", [])
    folder = with_branches.raw_dir / "activiteiten"
    folder.mkdir(parents=True)
    bomb = _with_sheet(
        template, folder / "activiteitenregistratie_2025.xlsx", _repeated_rows(11_000_000)
    )
    part = zipfile.ZipFile(bomb).getinfo("xl/worksheets/sheet1.xml")
    assert part.file_size > 3 * 10**9 and bomb.stat().st_size < 14 * 10**6
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", _PEAK_OF_INGEST], capture_output=True, text=True)
    seconds = time.perf_counter() - started
    peak = int(done.stdout.split()[-1]) * 1024  # the ingest process's own maximum RSS
    print(
        f"bomb: {bomb.stat().st_size:,} bytes holding {part.file_size:,}; refused in "
        f"{seconds:.2f} s, peak {peak / 1024**2:.0f} MB"
    )
    assert done.returncode == 2
    assert "activiteitenregistratie_2025.xlsx: refused before unpacking" in done.stderr
    assert f"declares {part.file_size:,} bytes unpacked" in done.stderr
    assert peak < 1024**3


@pytest.mark.slow
def test_a_legitimate_workbook_of_100_000_activities_still_reads(with_branches):
    random.seed(21)
    kinds = ["Voorlezen", "Taalsoos", "Workshop", "Lezing", "Klik & Tik", "Digicafé"]
    workbook = openpyxl.Workbook(write_only=True)
    sheet = workbook.create_sheet()
    sheet.append(ACTIVITY_HEADERS)
    first = dt.date(2024, 1, 1)
    for _ in range(100_000):
        kind = random.choice(kinds)
        sheet.append(
            [
                first + dt.timedelta(days=random.randrange(700)),
                f"{kind} {random.randrange(10**6)}",
                kind,
                random.choice(["1.2", "2.1", "3.2; 1.2", "4.1"]),
                random.randrange(1, 60),
                None,
                "Heemstede",
            ]
        )
    path = with_branches.raw_dir / "activiteiten" / "a.xlsx"
    path.parent.mkdir(parents=True)
    buffer = io.BytesIO()
    workbook.save(buffer)
    path.write_bytes(buffer.getvalue())
    started = time.perf_counter()
    (report,) = [r for r in ingest(replace(with_branches)) if r.source == "activiteiten"]
    seconds = time.perf_counter() - started
    print(f"100,000 activities: {path.stat().st_size:,} bytes read in {seconds:.1f} s")
    assert (report.rows_read, report.kept, report.rejected) == (100_000, 100_000, 0)
