"""A smoke run of the benchmark script at a tiny scale: it runs and its table has every row.
Nothing here is timed; the figures themselves are for ``make bench``."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

BENCH = Path(__file__).resolve().parent.parent / "benchmarks" / "bench.py"


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
