"""No member number, birth date or full postcode of the demo data reaches processed data."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from bibanalyse.ingest import ingest
from bibanalyse.privacy import MissingKeyError, create_key_file, load_key

pytestmark = pytest.mark.slow  # ingests the demo data


@pytest.fixture(scope="module")
def demo_project(demo_data):
    return demo_data


_TOKENS = re.compile(
    r"(?P<postcode>\b\d{4} ?[A-Za-z]{2}\b)|(?P<dmy>\b\d{1,2}-\d{1,2}-\d{4}\b)"
    r"|(?P<iso>\b\d{4}-\d{2}-\d{2}\b)|(?P<number>\d{6,})"
)


def _tokens(text: str) -> set[str]:
    """Member-number-, date- and postcode-like tokens; dates as jjjj-mm-dd, postcodes
    without their space."""
    found = set()
    for match in _TOKENS.finditer(text):
        if match["dmy"]:
            day, month, year = match["dmy"].split("-")
            found.add(f"{year}-{int(month):02d}-{int(day):02d}")
        else:
            found.add(match.group(0).replace(" ", "").upper())
    return found


def _raw_personal_values(settings) -> set[str]:
    """Member numbers, full postcodes, and the birth dates that are no other date of the raw
    data (a loan on someone's birthday is no leak)."""
    path = next((settings.raw_dir / "abonnementen").glob("*.csv"))
    raw = pd.read_csv(path, sep=None, engine="python", dtype=str)
    column = {c.strip().lower(): c for c in raw.columns}
    numbers = set(raw[column["lenersnummer"]].dropna().str.strip())
    postcodes = {p.replace(" ", "").upper() for p in raw[column["postcode"]].dropna()}
    births = _tokens("\n".join(raw[column["geboortedatum"]].dropna()))
    other_dates = _tokens(raw.drop(columns=column["geboortedatum"]).to_csv())
    for export in settings.raw_dir.rglob("*"):
        if export.suffix == ".xlsx":
            other_dates |= _tokens(pd.read_excel(export, dtype=str, engine="calamine").to_csv())
        elif export.suffix == ".csv" and export != path:
            other_dates |= _tokens(export.read_text(encoding="utf-8", errors="replace"))
    return numbers | postcodes | (births - other_dates)


def _processed_text(path) -> str:
    if path.suffix != ".parquet":
        return path.read_text(encoding="utf-8", errors="replace")
    return pd.read_parquet(path).astype(str).to_csv(index=False)


@pytest.fixture(scope="module")
def personal(demo_project) -> set[str]:
    return _raw_personal_values(demo_project)


def test_no_raw_personal_value_appears_under_processed(demo_project, personal):
    assert len(personal) > 5000  # the check has something to find
    files = [p for p in demo_project.processed_dir.rglob("*") if p.is_file()]
    assert {"abonnementen.parquet", "uitleenacties.parquet"} <= {p.name for p in files}
    for path in files:
        leaked = _tokens(_processed_text(path)) & personal
        assert not leaked, f"{path.name} holds personal values such as {sorted(leaked)[:3]}"


def test_the_check_finds_a_planted_member_number(personal, tmp_path):
    number = next(v for v in sorted(personal) if v.isdigit() and len(v) > 8)
    planted = tmp_path / "x.csv"
    planted.write_text(f"regel,lener\n1,{number}\n")
    assert _tokens(_processed_text(planted)) & personal


def test_pseudonyms_depend_on_the_key(demo_project, monkeypatch, tmp_path):
    monkeypatch.setenv("BIBANALYSE_KEY", "another-key")
    other = demo_project.with_data_dir(tmp_path / "other")
    other.raw_dir.parent.mkdir(parents=True, exist_ok=True)
    other.raw_dir.symlink_to(demo_project.raw_dir)
    ingest(other)
    first = pd.read_parquet(demo_project.processed_dir / "abonnementen.parquet")["lener"]
    second = pd.read_parquet(other.processed_dir / "abonnementen.parquet")["lener"]
    assert first.nunique() == second.nunique()
    assert not set(first) & set(second)


def test_key_file_is_created_once_and_private(settings, monkeypatch):
    monkeypatch.delenv("BIBANALYSE_KEY")
    with pytest.raises(MissingKeyError, match="BIBANALYSE_KEY"):
        load_key(settings)
    assert create_key_file(settings.key_file)
    key = load_key(settings)
    assert not create_key_file(settings.key_file)
    assert load_key(settings) == key and len(key) == 64
    assert settings.key_file.stat().st_mode & 0o077 == 0
