"""One consistent snapshot per run: each ingest writes a new snapshot and switches to it at
once; a run pins the one it starts on, reads only that, and says which. Deterministic: the
ingest is paused at its switch-over by its ``before_switch`` hook, the run at its start by
``on_pinned``, both with events this test sets."""

from __future__ import annotations

import hashlib
import json
import os
import threading
from pathlib import Path

import pandas as pd
import pytest

from bibanalyse import snapshots
from bibanalyse.ingest import ingest
from bibanalyse.store import Tables, read_table
from tests.conftest import write_raw

LOANS = "Datum,Actie,Vestiging,Exemplaarnummer,Plaatsing,Lenersnummer\n"


def _loans(settings, count: int) -> None:
    write_raw(
        settings,
        "uitleenacties",
        "a.csv",
        LOANS + "".join(f"2025-01-02,1,Heemstede,E{n},ROM,2100011112222\n" for n in range(count)),
    )


def _snapshot_of(settings, rows: int) -> Path:
    """A snapshot made as the ingest makes one (built, completed, switched to, the others no
    run pins removed), of a loans table of ``rows`` rows, without reading raw files."""
    building = snapshots.start_building(settings.data_dir)
    branches = pd.DataFrame({"vestiging": ["Heemstede"], "gemeente": ["Heemstede"]})
    branches.to_parquet(building / "processed" / "vestigingen.parquet", index=False)
    table = pd.DataFrame({"exemplaarnummer": [f"E{n}" for n in range(rows)]})
    table.to_parquet(building / "processed" / "uitleenacties.parquet", index=False)
    snapshot = snapshots.complete(building)
    snapshots.switch_to(settings.data_dir, snapshot)
    snapshots.remove_unpinned(settings.data_dir)
    return snapshot


def _snapshot_names(settings) -> list[str]:
    folder = settings.data_dir / snapshots.SNAPSHOTS
    return sorted(path.name for path in folder.iterdir())


def _in_thread(function, *args, **kwargs) -> tuple[threading.Thread, dict]:
    outcome: dict = {}

    def run() -> None:
        try:
            outcome["result"] = function(*args, **kwargs)
        except BaseException as error:  # handed to the test
            outcome["error"] = error

    thread = threading.Thread(target=run)
    thread.start()
    return thread, outcome


def _paused_ingest(settings) -> tuple[threading.Thread, dict, threading.Event, threading.Event]:
    """An ingest on a thread, paused with its new snapshot complete, before the switch."""
    built, go = threading.Event(), threading.Event()

    def before_switch(snapshot: Path) -> None:
        built.set()
        assert go.wait(60), "the test never let the ingest switch"

    thread, outcome = _in_thread(ingest, settings, before_switch=before_switch)
    assert built.wait(60), outcome.get("error")
    return thread, outcome, built, go


def test_processed_is_a_link_to_the_snapshot_an_ingest_wrote(with_branches):
    _loans(with_branches, 3)
    ingest(with_branches)
    link = with_branches.processed_dir
    assert link.is_symlink()
    snapshot = snapshots.current(with_branches.data_dir)
    assert os.readlink(link) == f"snapshots/{snapshot.name}/processed"  # relative
    assert len(read_table(link, "uitleenacties")) == 3  # read as ever, through the link
    assert (snapshot / snapshots.PIN).is_file()


def test_readers_and_runs_get_the_old_snapshot_until_the_switch_then_the_new(with_branches):
    _loans(with_branches, 3)
    ingest(with_branches)
    old = snapshots.current(with_branches.data_dir)
    _loans(with_branches, 5)
    thread, outcome, _, go = _paused_ingest(with_branches)
    assert len(read_table(with_branches.processed_dir, "uitleenacties")) == 3  # built, not yet
    assert len(_snapshot_names(with_branches)) == 2  # the old one and the new one, complete
    with snapshots.pinned(with_branches.data_dir) as before:
        assert before == old
    go.set()
    thread.join()
    assert "error" not in outcome
    assert len(read_table(with_branches.processed_dir, "uitleenacties")) == 5
    assert not old.exists()  # no run reads it: removed by the ingest that replaced it
    with snapshots.pinned(with_branches.data_dir) as after:
        assert after == snapshots.current(with_branches.data_dir) != old
        assert len(read_table(after / "processed", "uitleenacties")) == 5


def test_a_pinned_snapshot_outlives_the_switch_and_goes_when_the_run_ends(with_branches):
    _loans(with_branches, 3)
    ingest(with_branches)
    _loans(with_branches, 5)
    with snapshots.pinned(with_branches.data_dir) as data_dir:
        tables = Tables.for_organisation(data_dir / "processed", *_days())
        ingest(with_branches)  # switches, and may not remove what is pinned
        assert data_dir.is_dir() and snapshots.current(with_branches.data_dir) != data_dir
        assert len(tables["uitleenacties"]) == 3  # read after the switch: the pinned data
        assert len(read_table(with_branches.processed_dir, "uitleenacties")) == 5
    assert snapshots.remove_unpinned_when_idle(with_branches.data_dir) == [data_dir.name]
    assert _snapshot_names(with_branches) == [snapshots.current(with_branches.data_dir).name]


def test_tables_read_later_come_from_the_snapshot_current_when_they_were_made(settings):
    _snapshot_of(settings, 3)
    tables = Tables.for_organisation(settings.processed_dir, *_days())  # not pinned
    _snapshot_of(settings, 5)  # the snapshot tables would read is removed: an error, no mix
    with pytest.raises(FileNotFoundError, match="replaced by a later ingest and removed"):
        tables["uitleenacties"]


def test_no_snapshot_a_run_holds_is_removed_however_many_ingests_follow(settings):
    _snapshot_of(settings, 1)
    with snapshots.pinned(settings.data_dir) as first:
        for count in (2, 3):
            _snapshot_of(settings, count)
        names = _snapshot_names(settings)
        assert first.name in names and len(names) == 2  # the pinned one and the current one
    assert snapshots.remove_unpinned_when_idle(settings.data_dir) == [first.name]


def test_a_clean_up_waits_while_an_ingest_holds_its_lock(settings):
    from filelock import FileLock

    _snapshot_of(settings, 1)
    with snapshots.pinned(settings.data_dir) as first:
        _snapshot_of(settings, 2)
    with FileLock(settings.data_dir / snapshots.INGEST_LOCK):
        assert snapshots.remove_unpinned_when_idle(settings.data_dir) == []
    assert first.is_dir()
    assert snapshots.remove_unpinned_when_idle(settings.data_dir) == [first.name]


def test_a_processed_folder_of_an_ingest_before_snapshots_is_replaced(with_branches):
    legacy = with_branches.processed_dir
    legacy.mkdir(parents=True)
    (legacy / "uitleenacties.parquet").write_bytes(b"old")
    with snapshots.pinned(with_branches.data_dir) as data_dir:
        assert data_dir == with_branches.data_dir  # no snapshot: read as it is
    _loans(with_branches, 2)
    ingest(with_branches)
    assert legacy.is_symlink()
    assert len(read_table(legacy, "uitleenacties")) == 2
    assert [p.name for p in with_branches.data_dir.iterdir() if "retired" in p.name] == []


def test_what_a_killed_ingest_left_is_removed_by_the_next(settings):
    _snapshot_of(settings, 1)
    built = snapshots.complete(snapshots.start_building(settings.data_dir))  # killed: no switch
    half = snapshots.start_building(settings.data_dir)  # killed while building
    _snapshot_of(settings, 2)
    assert not built.exists() and not half.exists()
    assert _snapshot_names(settings) == [snapshots.current(settings.data_dir).name]


def test_what_a_switch_killed_midway_left_is_removed_before_an_ingest_builds(settings):
    """Its new link not yet renamed, and a processed folder of before snapshots moved aside."""
    first = _snapshot_of(settings, 1)
    link = settings.data_dir / f"{snapshots.LINK_PREFIX}dead"
    link.symlink_to(first / "processed")
    retired = settings.data_dir / ".processed.retired-4711"
    retired.mkdir()
    snapshots.remove_switch_leftovers(settings.data_dir)
    assert not link.is_symlink() and not retired.exists()
    assert (first / "processed" / "uitleenacties.parquet").is_file()  # its target untouched


def _days():
    import datetime as dt

    return dt.date(2024, 1, 1), dt.date(2025, 12, 31)


# --- a whole run during an ingest: slow ------------------------------------------------


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.slow
def test_a_run_during_an_ingest_publishes_everything_from_one_snapshot_and_says_which(
    tmp_path_factory, monkeypatch
):
    """The issue's repro, without timing luck: the activities of 2025 are deleted, an
    ingest builds the snapshot without them and pauses before its switch; a run of 2025-H2
    starts on the old snapshot and is held before it reads anything until the ingest has
    switched. Everything it publishes is of the old snapshot."""
    import time

    from bibanalyse.indicators.table import indicator_table
    from bibanalyse.periods import Period
    from bibanalyse.runner import MANIFEST_FILE, run_period
    from tests.conftest import TEST_KEY, _ingested_demo

    settings = _ingested_demo(tmp_path_factory, "snapshot-run", pd.Timestamp("2025-12-31").date())
    monkeypatch.setenv("BIBANALYSE_PROJECT", str(settings.root))
    monkeypatch.setenv("BIBANALYSE_KEY", TEST_KEY)
    settings = settings.with_reports_dir(tmp_path_factory.mktemp("reports"))
    old = snapshots.current(settings.data_dir)
    old_files = {
        path.relative_to(old).as_posix(): _sha256(path)
        for path in (old / "processed").rglob("*")
        if path.is_file()
    }
    before = indicator_table(old / "processed", "2025-H2", "Heemstede")
    for path in (settings.raw_dir / "activiteiten").glob("*2025*"):
        path.unlink()

    ingest_thread, ingested, _, go = _paused_ingest(settings)
    new = next(
        settings.data_dir / snapshots.SNAPSHOTS / name
        for name in _snapshot_names(settings)
        if name != old.name
    )
    after = indicator_table(new / "processed", "2025-H2", "Heemstede")
    activities = (before["indicator"] == "activiteiten") & before["waarde"].gt(0)
    assert activities.any() and not after.loc[activities.to_numpy(), "waarde"].gt(0).all()

    killed = [  # staging folders of killed runs, of this period and another
        settings.reports_dir / "Heemstede" / f".{label}.staging-99999"
        for label in ("2025-H1", "2025-H2")
    ]
    for folder in killed:
        folder.mkdir(parents=True)
        (folder / "00_overzicht.html").write_text("half")

    pinned, switched = threading.Event(), threading.Event()

    def on_pinned(data_dir: Path) -> None:
        pinned.set()
        assert switched.wait(120), "the test never switched the ingest over"

    started = time.perf_counter()
    notebooks = Path(__file__).resolve().parents[1] / "notebooks"
    run_thread, ran = _in_thread(
        run_period,
        settings,
        Period.parse("2025-H2"),
        "Heemstede",
        notebooks_dir=notebooks,
        on_pinned=on_pinned,
    )
    assert pinned.wait(120), ran.get("error")
    go.set()  # the ingest switches while the run holds the old snapshot
    ingest_thread.join()
    assert "error" not in ingested
    assert snapshots.current(settings.data_dir) == new and old.is_dir()
    switched.set()
    run_thread.join()
    print(f"run during an ingest: {time.perf_counter() - started:.1f} s")
    assert "error" not in ran, ran.get("error")

    folder = ran["result"]
    manifest = json.loads((folder / MANIFEST_FILE).read_text())
    assert manifest["snapshot"] == old.name
    assert manifest["parameters"]["data_dir"] == str(old)
    assert {entry["path"]: entry["sha256"] for entry in manifest["inputs"]} == old_files
    for notebook in folder.glob("*.ipynb"):  # every report read the old snapshot
        injected = next(
            cell["source"]
            for cell in json.loads(notebook.read_text())["cells"]
            if "injected-parameters" in cell["metadata"].get("tags", [])
        )
        assert f'data_dir = "{old}"' in "".join(injected)
    published = pd.read_csv(folder / "indicatoren.csv", dtype={"afspraak": str})
    pd.testing.assert_series_equal(published["waarde"], before["waarde"], check_names=False)
    assert not old.exists()  # removed once the run that pinned it was done
    assert not any(folder.exists() for folder in killed)


def test_a_run_of_several_periods_reads_one_snapshot_for_all(settings, monkeypatch):
    """An ingest that switches after the first period changes nothing of what the later
    periods read (run_period stood in for: it records what it was given)."""
    from bibanalyse import cli, runner

    first = _snapshot_of(settings, 1)
    read = []

    def run_period(given, period, municipality, *, notebooks_dir):
        read.append(given.data_dir)
        _snapshot_of(settings, len(read) + 1)  # an ingest switches meanwhile
        folder = given.reports_dir / municipality / str(period)
        folder.mkdir(parents=True)
        return folder

    monkeypatch.setattr(runner, "run_period", run_period)
    assert cli.main(["run", "--period", "2025-H1", "2025-H2"]) == cli.EXIT_OK
    assert read == [first, first]
    assert _snapshot_names(settings) == [snapshots.current(settings.data_dir).name]
