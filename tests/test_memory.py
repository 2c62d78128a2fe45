"""The ingest's process uses small pages and keeps freed memory for reuse instead of asking
the system again."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from bibanalyse import memory
from tests.conftest import huge_pages_after

GLIBC = sys.platform == "linux" and hasattr(ctypes.CDLL(None), "mallopt")

# Page faults of a second 48 MB array, made after a first one was freed: a fresh one is
# faulted in page by page, a reused one not at all.
SECOND_ARRAY_FAULTS = """
import resource, sys
if sys.argv[1] == "kept":
    from bibanalyse.memory import tune_memory
    tune_memory()
import numpy as np

def faults_of_an_array(megabytes=48):
    before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
    array = np.ones(megabytes << 17)  # 8-byte values: every page touched
    del array
    return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

faults_of_an_array()
print(faults_of_an_array())
"""


def _second_array_faults(mode: str) -> int:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MALLOC_")}
    result = subprocess.run(
        [sys.executable, "-c", SECOND_ARRAY_FAULTS, mode],
        capture_output=True,
        text=True,
        check=True,
        env=env,
    )
    return int(result.stdout)


@pytest.mark.skipif(not GLIBC, reason="glibc's allocator only")
def test_a_freed_array_is_reused_without_page_faults():
    default, kept = _second_array_faults("default"), _second_array_faults("kept")
    assert default > 20  # glibc maps an array above 32 MB afresh each time
    assert kept <= default // 10


@pytest.mark.skipif(sys.platform != "linux", reason="Linux's prctl only")
def test_the_process_uses_no_transparent_huge_pages():
    code = "from bibanalyse.memory import tune_memory; tune_memory()"
    assert huge_pages_after(code) == "0"


def test_a_setting_already_in_the_environment_is_kept(monkeypatch):
    monkeypatch.setattr(memory.ctypes, "CDLL", lambda name: object())  # this process as it is
    monkeypatch.setenv("MIMALLOC_PURGE_DELAY", "50")
    memory.tune_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "50"
