"""The ingest's process keeps freed memory for reuse instead of asking the system again."""

from __future__ import annotations

import ctypes
import os
import subprocess
import sys

import pytest

from bibanalyse import memory

GLIBC = sys.platform == "linux" and hasattr(ctypes.CDLL(None), "mallopt")

# Page faults of a second 48 MB array, made after a first one was freed: a fresh one is
# faulted in page by page, a reused one not at all.
SECOND_ARRAY_FAULTS = """
import resource, sys
if sys.argv[1] == "kept":
    from bibanalyse.memory import keep_freed_memory
    keep_freed_memory()
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


def test_settings_already_in_the_environment_are_kept(monkeypatch):
    monkeypatch.setattr(memory, "MALLOC_OPTIONS", {})  # this process's allocator as it is
    monkeypatch.setenv("MIMALLOC_PURGE_DELAY", "50")
    monkeypatch.delenv("NUMPY_MADVISE_HUGEPAGE", raising=False)
    memory.keep_freed_memory()
    assert os.environ["MIMALLOC_PURGE_DELAY"] == "50"
    assert os.environ["NUMPY_MADVISE_HUGEPAGE"] == "0"
