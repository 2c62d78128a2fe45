"""Shared fixtures: a project folder per test with its own settings and key."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

import pytest

from bibanalyse.config import SETTINGS_FILE, Settings, load_settings

TEST_KEY = "test-key-not-secret"
_FOLDER_VARIABLES = (
    "BIBANALYSE_DATA_DIR",
    "BIBANALYSE_REPORTS_DIR",
    "BIBANALYSE_KEY_FILE",
    "BIBANALYSE_LOGS_DIR",
)


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of an empty project in ``tmp_path``, with a key in the environment."""
    (tmp_path / SETTINGS_FILE).touch()  # the default settings
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(tmp_path))
    monkeypatch.setenv("BIBANALYSE_KEY", TEST_KEY)
    for name in _FOLDER_VARIABLES:
        monkeypatch.delenv(name, raising=False)
    return load_settings()


def write_raw(settings: Settings, source: str, name: str, text: str, encoding="utf-8") -> Path:
    """Write a raw export ``data/raw/<source>/<name>`` with the given text."""
    path = settings.raw_dir / source / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(text.encode(encoding))
    return path


BRANCHES = "Vestiging,Gemeente\nHeemstede,Heemstede\nHaarlem Centrum,Haarlem\n"


@pytest.fixture
def with_branches(settings: Settings) -> Settings:
    """Settings whose raw data holds the branches export."""
    write_raw(settings, "vestigingen", "vestigingen.csv", BRANCHES)
    return settings


def _ingested_demo(tmp_path_factory, name: str, until) -> Settings:
    """Two years of demo exports of Heemstede up to ``until``, ingested in a new folder."""
    from bibanalyse.demo import generate_demo
    from bibanalyse.ingest import ingest

    root = tmp_path_factory.mktemp(name)
    (root / SETTINGS_FILE).touch()
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIBANALYSE_PROJECT", str(root))
        patch.setenv("BIBANALYSE_KEY", TEST_KEY)
        for variable in _FOLDER_VARIABLES:
            patch.delenv(variable, raising=False)  # never generate into the caller's folders
        demo = load_settings()
        generate_demo(demo.raw_dir, until=until, years=2, branches=["Heemstede"])
        ingest(demo)
    return demo


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Settings:
    """Demo data of Heemstede up to 2025-12-31 (shared, read-only)."""
    return _ingested_demo(tmp_path_factory, "demo", dt.date(2025, 12, 31))


@pytest.fixture(scope="session")
def current_demo_data(tmp_path_factory) -> Settings:
    """Demo data of Heemstede up to the last day of the latest half year that has ended
    today (shared, read-only): what a notebook finds with its default parameters."""
    from bibanalyse.periods import latest_ended

    return _ingested_demo(tmp_path_factory, "current-demo", latest_ended(dt.date.today()).last_day)


@pytest.fixture(scope="session")
def published(demo_data, tmp_path_factory):
    """A real run of Heemstede 2025-H2 on the demo data: (settings, published folder); shared,
    read-only (copy it to change it)."""
    from bibanalyse.periods import Period
    from bibanalyse.runner import run_period

    settings = demo_data.with_reports_dir(tmp_path_factory.mktemp("reports"))
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    folder = run_period(settings, Period.parse("2025-H2"), "Heemstede", notebooks_dir=notebooks)
    return settings, folder
