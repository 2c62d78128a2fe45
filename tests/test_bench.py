"""A smoke run of the benchmark script at a tiny scale: it runs and its table has every row.
Nothing here is timed; the figures themselves are for ``make bench``. And its table goes
into RESULTS.md between its markers, the figures written there by hand kept."""

from __future__ import annotations

import importlib.util
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


@pytest.mark.slow
def test_the_benchmark_prints_a_row_for_every_measurement(tmp_path):
    markdown = tmp_path / "RESULTS.md"
    done = subprocess.run(
        [sys.executable, str(BENCH), "--tiny", "--markdown", str(markdown), "--tmp", str(tmp_path)],
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert done.returncode == 0, done.stderr[-3000:]
    table = done.stdout
    for row in (
        "1 bare pyarrow.csv read",
        "1 bibanalyse ingest",
        "1 ingest peak memory",
        "2 growth: ingest time 2x / 1x",
        "2 growth: peak memory at 2x",
        "3 plain sequence",
        "3 bibanalyse run --period 2026-H1",
        "3 of which the PDF, 2026-H1",
        "4 first figure",
    ):
        assert row in table and row in markdown.read_text(encoding="utf-8")
    assert "CPU:" in table and "pyarrow" in table  # the machine heads the table
    assert [path.name for path in tmp_path.iterdir()] == ["RESULTS.md"]  # nothing left behind


def test_the_table_replaces_only_the_part_between_the_markers(tmp_path, monkeypatch):
    spec = importlib.util.spec_from_file_location("bench", BENCH)
    bench = importlib.util.module_from_spec(spec)
    monkeypatch.setitem(sys.modules, "bench", bench)  # its dataclasses look themselves up
    spec.loader.exec_module(bench)
    results = tmp_path / "RESULTS.md"
    results.write_text(f"# Results\n{bench.START}\nold table\n{bench.END}\n## Before\n1 s\n")
    bench.write_markdown(results, "new table\n")
    assert (
        results.read_text() == f"# Results\n{bench.START}\nnew table\n{bench.END}\n## Before\n1 s\n"
    )
    fresh = tmp_path / "fresh.md"
    bench.write_markdown(fresh, "a table\n")
    assert fresh.read_text() == "a table\n"
