"""The ingest's output on a small demo is the one it was before the ingest was rewritten.

``tests/data/ingest_reference.json`` holds the content fingerprints (see
``benchmarks/compare_processed.py``) of every Parquet table, ``ingest_report.csv`` and
``rejected/*.csv`` that the ingest of commit d657375 made of two years of demo exports of
the whole organisation (scale 0.03: both loan exports overlapping, an export in Windows-1252,
Excel workbooks, rejected and malformed rows); ``bevolking.parquet``, ``ingest_report.csv`` and
``activiteiten.parquet`` were fingerprinted again when the demo's residents gained the year of
its last day and some Digisterker sessions the goal 5.2 (the demo changed, not the ingest). A
change of the ingest that changes what it writes shows here, file by file; when such a change
is meant, compare the two processed folders with ``benchmarks/compare_processed.py`` before
writing new fingerprints.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import json
from pathlib import Path

from bibanalyse.demo import generate_demo
from bibanalyse.ingest import ingest

ROOT = Path(__file__).resolve().parents[1]
REFERENCE = ROOT / "tests" / "data" / "ingest_reference.json"


def _compare_module():
    spec = importlib.util.spec_from_file_location(
        "compare_processed", ROOT / "benchmarks" / "compare_processed.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_ingest_writes_what_it_wrote_before_its_rewrite(settings):
    generate_demo(settings.raw_dir, until=dt.date(2025, 12, 31), years=2, scale=0.03)
    ingest(settings)
    digests = _compare_module().content_digests(settings.processed_dir)
    expected = json.loads(REFERENCE.read_text(encoding="utf-8"))
    assert sorted(digests) == sorted(expected)
    assert {name: d for name, d in digests.items() if d != expected[name]} == {}


def test_the_comparison_finds_a_changed_value_and_a_missing_file(tmp_path):
    import pandas as pd

    compare = _compare_module()
    before, after = tmp_path / "before", tmp_path / "after"
    for folder, count in ((before, 3), (after, 4)):
        (folder / "rejected").mkdir(parents=True)
        frame = pd.DataFrame({"n": pd.array([1, None, count], dtype="Int64")})
        frame.to_parquet(folder / "t.parquet", index=False)
    (before / "rejected" / "t.csv").write_text("x\n")
    assert compare.differences(before, before) == []
    assert compare.differences(before, after) == [
        f"only in {before}: rejected/t.csv",
        "t.parquet: column 'n' differs from row 2",
    ]
