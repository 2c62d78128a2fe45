"""Scheduled runs: a lock per period, a log file per run, quiet off a terminal."""

from __future__ import annotations

import json
import os
import re
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
        "BIBANALYSE_PROJECT": str(tmp_path),
        "BIBANALYSE_KEY": "test-key-not-secret",
        "BIBANALYSE_DATA_DIR": str(demo_data.data_dir),
    }

    def start(*args: str, cwd: Path | None = None) -> subprocess.Popen:
        command = [sys.executable, "-m", "bibanalyse.cli", *args]
        return subprocess.Popen(
            command, env=env, cwd=cwd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True
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
    names = {entry["report"] for entry in manifest["notebooks"]}
    combined = "rapportage_Heemstede_2025-H2"
    assert {p.stem for p in folder.glob("*.html")} == names | {combined}
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


def test_from_outside_the_project_a_run_publishes_every_period_of_a_range(project, tmp_path):
    # as a job scheduler starts it: in a folder of its own, the project named by BIBANALYSE_PROJECT
    elsewhere = tmp_path.parent / f"{tmp_path.name}-elders"
    elsewhere.mkdir()
    code, out, err = _finish(project("run", "--period", "2025-H1..2025-H2", cwd=elsewhere))
    assert code == 0 and err == "", err
    municipality = project.root / "reports" / "Heemstede"
    assert sorted(p.name for p in municipality.iterdir() if p.is_dir()) == ["2025-H1", "2025-H2"]
    for period in ("2025-H1", "2025-H2"):
        assert f"Reports of {period} published in {municipality / period}" in out
        assert (municipality / period / "00_overzicht.html").is_file()
    assert list(elsewhere.iterdir()) == []


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
    import fcntl
    import pty
    import struct
    import termios

    from tests.conftest import BRANCHES

    raw = tmp_path / "data" / "raw" / "vestigingen"
    raw.mkdir(parents=True)
    (raw / "vestigingen.csv").write_text(BRANCHES)
    (tmp_path / "bibanalyse.toml").touch()
    env = {**os.environ, "BIBANALYSE_PROJECT": str(tmp_path), "BIBANALYSE_KEY": "k"}
    controller, terminal = pty.openpty()
    # a terminal window of 24 rows of 100 columns, as a real one reports its size
    fcntl.ioctl(terminal, termios.TIOCSWINSZ, struct.pack("HHHH", 24, 100, 0, 0))
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
    # tqdm's bar, redrawn in place: at its end all 14 sources done, the last one named
    assert re.search(r"ingest: 100%\|█+\| 14/14 \[.*toelichting\]", text), text
    assert "total" in text  # the per-file table, shown on a terminal only
    (log,) = (tmp_path / "logs").glob("*-ingest-*.log")
    assert "[1/14] vestigingen" in log.read_text() and "[14/14] toelichting" in log.read_text()


def test_off_a_terminal_an_ingest_shows_no_progress_and_logs_it(tmp_path):
    from tests.conftest import BRANCHES

    raw = tmp_path / "data" / "raw" / "vestigingen"
    raw.mkdir(parents=True)
    (raw / "vestigingen.csv").write_text(BRANCHES)
    (tmp_path / "bibanalyse.toml").touch()
    env = {**os.environ, "BIBANALYSE_PROJECT": str(tmp_path), "BIBANALYSE_KEY": "k"}
    done = subprocess.run(
        [sys.executable, "-m", "bibanalyse.cli", "ingest"], env=env, capture_output=True, text=True
    )
    assert done.returncode == 0 and done.stderr == ""
    assert (
        done.stdout.startswith("Processed data written to") and len(done.stdout.splitlines()) == 1
    )
    (log,) = (tmp_path / "logs").glob("*-ingest-*.log")
    assert "[14/14] toelichting" in log.read_text()
