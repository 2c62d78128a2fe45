"""Scheduled runs: a lock per period, a log file per run, quiet off a terminal."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from bibanalyse.locks import BusyError, exclusive

pytestmark = pytest.mark.slow

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def project(tmp_path, demo_data):
    """A project folder with the notebooks, on the shared demo data; returns a runner."""
    shutil.copytree(REPO / "notebooks", tmp_path / "notebooks")
    (tmp_path / "bibanalyse.toml").write_text("[run]\nlock_timeout = 600\n")
    env = {
        **os.environ,
        "BIBANALYSE_HOME": str(tmp_path),
        "BIBANALYSE_KEY": "test-key-not-secret",
        "BIBANALYSE_DATA_DIR": str(demo_data.data_dir),
    }

    def start(*args: str) -> subprocess.Popen:
        command = [sys.executable, "-m", "bibanalyse.cli", *args]
        return subprocess.Popen(
            command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
        )

    start.root = tmp_path
    return start


def _finish(process: subprocess.Popen) -> tuple[int, str, str]:
    out, err = process.communicate(timeout=300)
    return process.returncode, out, err


def test_two_runs_of_one_period_at_once_publish_one_complete_set(project):
    first = project("run", "--period", "2025-H2")
    second = project("run", "--period", "2025-H2")
    results = [_finish(first), _finish(second)]
    assert [code for code, _, _ in results] == [0, 0], results
    folder = project.root / "reports" / "Heemstede" / "2025-H2"
    manifest = json.loads((folder / "manifest.json").read_text())
    names = {Path(entry["path"]).stem for entry in manifest["notebooks"]}
    assert {p.stem for p in folder.glob("*.html")} == names
    assert {p.stem for p in folder.glob("*.ipynb")} == names
    leftovers = [p.name for p in folder.parent.iterdir() if "staging" in p.name]
    assert leftovers == []
    logs = sorted((project.root / "logs").glob("*-run-*.log"))
    assert len(logs) == 2
    assert all("published" in log.read_text() for log in logs)


def test_a_run_waiting_too_long_exits_2_with_a_clear_message(project):
    (project.root / "bibanalyse.toml").write_text("[run]\nlock_timeout = 1\n")
    lock = project.root / "reports" / "Heemstede" / ".2025-H2.lock"
    lock.parent.mkdir(parents=True)
    with FileLock(lock):
        code, out, err = _finish(project("run", "--period", "2025-H2"))
    assert code == 2
    assert "a run of Heemstede 2025-H2 is already in progress" in err
    assert not (project.root / "reports" / "Heemstede" / "2025-H2").exists()


def test_off_a_terminal_a_run_prints_only_its_result_and_logs_the_rest(project):
    code, out, err = _finish(project("run", "--period", "2025-H2"))
    assert code == 0 and err == ""
    assert out.splitlines()[0].startswith("Reports of 2025-H2 published in")
    assert len(out.splitlines()) == 2
    (log,) = (project.root / "logs").glob("*-run-*.log")
    text = log.read_text()
    assert "00_overzicht: done" in text and "1_leesplezier: done" in text


def test_exclusive_lets_one_holder_in_at_a_time(tmp_path):
    lock = tmp_path / "x.lock"
    with (
        exclusive(lock, timeout=1, what="a test"),
        pytest.raises(BusyError, match="a test is already in progress"),
        exclusive(lock, timeout=0.1, what="a test"),
    ):
        pass
    with exclusive(lock, timeout=0.1, what="a test"):
        pass


def test_on_a_terminal_an_ingest_shows_progress_per_source(tmp_path):
    import pty

    from tests.conftest import BRANCHES

    raw = tmp_path / "data" / "raw" / "vestigingen"
    raw.mkdir(parents=True)
    (raw / "vestigingen.csv").write_text(BRANCHES)
    env = {**os.environ, "BIBANALYSE_HOME": str(tmp_path), "BIBANALYSE_KEY": "k"}
    controller, terminal = pty.openpty()
    process = subprocess.Popen(
        [sys.executable, "-m", "bibanalyse.cli", "ingest"],
        env=env,
        stdin=terminal,
        stdout=terminal,
        stderr=terminal,
    )
    os.close(terminal)
    shown = b""
    while True:
        try:
            chunk = os.read(controller, 4096)
        except OSError:  # the terminal closed: the process is done
            break
        if not chunk:
            break
        shown += chunk
    assert process.wait(timeout=60) == 0
    text = shown.decode()
    assert "[1/14] vestigingen" in text and "[14/14] toelichting" in text
    assert "total" in text  # the per-file table, shown on a terminal only
