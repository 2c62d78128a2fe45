"""Where writing fails (a full disk, no permission) the message names the file, and the
processed data and published reports stay as they were; what killed runs leave is cleared.

A full disk is stood in for by a limit on the size of the files a process may write
(``RLIMIT_FSIZE``, with ``SIGXFSZ`` ignored so that a write fails with EFBIG as one fails
with ENOSPC): a real failure of the real writers, in a process of its own."""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from filelock import FileLock

from bibanalyse import snapshots
from bibanalyse.ingest import ingest
from bibanalyse.runner import remove_stale_staging
from tests.conftest import write_raw

_LIMITED = (
    "import resource, signal, sys\n"
    "signal.signal(signal.SIGXFSZ, signal.SIG_IGN)\n"
    "resource.setrlimit(resource.RLIMIT_FSIZE, ({limit}, {limit}))\n"
    "from bibanalyse.cli import main\n"
    "sys.exit(main({argv!r}))\n"
)


def _limited(argv: list[str], limit: int) -> subprocess.CompletedProcess:
    """``bibanalyse`` with ``argv`` in a process that cannot write a file past ``limit``."""
    code = _LIMITED.format(limit=limit, argv=argv)
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)


def _digests(folder: Path) -> dict[str, str]:
    return {
        path.relative_to(folder).as_posix(): hashlib.sha256(path.read_bytes()).hexdigest()
        for path in sorted(folder.rglob("*"))
        if path.is_file()
    }


def test_an_ingest_that_cannot_write_names_the_file_and_changes_nothing(with_branches):
    loans = "Datum,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"
    write_raw(with_branches, "uitleenacties", "a.csv", loans + "2025-01-02,1,Heemstede,E,R,21\n")
    ingest(with_branches)
    before = snapshots.current(with_branches.data_dir)
    digests = _digests(with_branches.processed_dir)
    rows = "".join(f"2025-01-02,1,Heemstede,E{n * 7919},R,2100{n}\n" for n in range(10_000))
    write_raw(with_branches, "uitleenacties", "a.csv", loans + rows)
    done = _limited(["ingest"], limit=40_000)
    assert done.returncode == 2, done.stderr
    assert "cannot write " in done.stderr and "uitleenacties.parquet: " in done.stderr
    assert "File too large; the processed data stay as they were" in done.stderr
    assert "Traceback" not in done.stderr
    assert snapshots.current(with_branches.data_dir) == before
    assert _digests(with_branches.processed_dir) == digests
    assert [p.name for p in (with_branches.data_dir / "snapshots").iterdir()] == [before.name]


@pytest.mark.slow
def test_a_run_that_cannot_write_names_the_file_and_keeps_the_published_reports(
    published, tmp_path, monkeypatch
):
    settings, folder = published
    reports = tmp_path / "reports"
    shutil.copytree(folder.parent.parent, reports)
    copy = reports / "Heemstede" / folder.name
    before = _digests(copy)
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(Path(__file__).resolve().parents[1]))
    argv = ["run", "--period", "2025-H2", "--data-dir", str(settings.data_dir)]
    done = _limited([*argv, "--reports-dir", str(reports)], limit=300_000)
    assert done.returncode == 2, done.stderr
    assert "cannot write " in done.stderr and ".2025-H2.staging-" in done.stderr
    assert f"File too large; {copy} stays as it was" in done.stderr
    assert _digests(copy) == before


def test_a_run_removes_the_staging_folders_that_killed_runs_left_and_no_live_ones(tmp_path):
    reports = tmp_path / "reports"
    dead = [
        reports / "Heemstede" / ".2025-H1.staging-4242",
        reports / "Haarlem" / ".2025.staging-7",
    ]
    live = reports / "Heemstede" / ".2025-H2.staging-4343"
    for folder in (*dead, live):
        (folder / "00_overzicht.html").parent.mkdir(parents=True)
        (folder / "00_overzicht.html").write_text("half")
    published = reports / "Heemstede" / "2025-H1"
    published.mkdir()
    with FileLock(reports / "Heemstede" / ".2025-H2.lock"):  # a run of 2025-H2 is busy
        assert remove_stale_staging(reports) == sorted(dead)
    assert live.is_dir() and published.is_dir()
    assert not any(folder.exists() for folder in dead)
