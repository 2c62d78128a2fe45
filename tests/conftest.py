"""Shared fixtures: a project folder per test with its own settings and key."""

from __future__ import annotations

from pathlib import Path

import pytest

from bibanalyse.config import Settings, load_settings

TEST_KEY = "test-key-not-secret"


@pytest.fixture
def settings(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Settings:
    """Settings of an empty project in ``tmp_path``, with a key in the environment."""
    monkeypatch.setenv("BIBANALYSE_HOME", str(tmp_path))
    monkeypatch.setenv("BIBANALYSE_KEY", TEST_KEY)
    for name in (
        "BIBANALYSE_DATA_DIR",
        "BIBANALYSE_REPORTS_DIR",
        "BIBANALYSE_KEY_FILE",
        "BIBANALYSE_LOGS_DIR",
    ):
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


@pytest.fixture(scope="session")
def demo_data(tmp_path_factory) -> Settings:
    """Two years of demo exports of Heemstede up to 2025-12-31, ingested (shared, read-only)."""
    import datetime as dt

    from bibanalyse.demo import generate_demo
    from bibanalyse.ingest import ingest

    root = tmp_path_factory.mktemp("demo")
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("BIBANALYSE_HOME", str(root))
        patch.setenv("BIBANALYSE_KEY", TEST_KEY)
        demo = load_settings()
        generate_demo(demo.raw_dir, until=dt.date(2025, 12, 31), years=2, branches=["Heemstede"])
        ingest(demo)
    return demo
