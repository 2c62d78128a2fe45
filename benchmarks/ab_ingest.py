"""The ingest of an earlier commit against the ingest of this tree, on the same raw data.

``python benchmarks/ab_ingest.py REVISION [--rounds 4] [--years 3]`` exports the package of
``REVISION`` (``git archive``) into a temporary folder, generates ``--years`` of the whole
organisation's demo exports once, and ingests them with each version in turn: whole
processes (``python -m bibanalyse.cli ingest``, the earlier version first on ``PYTHONPATH``),
warm page cache, the order alternated per round. It prints every run's seconds, peak memory
(maximum resident size) and the machine's load, and the best of each. Each version writes
its own data folder (the raw files are shared, read only), so neither reads the other's
processed data. The throw-away project, the data and the measurement are ``bench.py``'s. A
benchmark, not a test: it changes nothing in the project.
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
from pathlib import Path

import bench  # benchmarks/bench.py: its throw-away project, data and measurement

ROOT = Path(__file__).resolve().parents[1]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the earlier commit, such as main~3 or b772285")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bibanalyse-ab-") as folder:
        project = bench._project(Path(folder), bench.SCALES["full"])
        trees = {
            args.revision: _exported(args.revision, project.root / "before"),
            "this tree": ROOT,
        }
        raw = project.root / "raw"
        bench.generate(project, raw, args.years, 1.0, None)
        for number in range(len(trees)):
            (project.root / f"data-{number}").mkdir()
            (project.root / f"data-{number}" / "raw").symlink_to(raw)
        runs: dict[str, list[bench.Measured]] = {name: [] for name in trees}
        for round_number in range(args.rounds):
            order = list(enumerate(trees))
            for number, name in order if round_number % 2 == 0 else reversed(order):
                measured = _ingest(project, trees[name], project.root / f"data-{number}")
                runs[name].append(measured)
                print(
                    f"round {round_number + 1}, {name}: {measured.seconds:.1f} s, peak "
                    f"{measured.peak_bytes / 1024**3:.2f} GB, load {measured.load:.2f}",
                    flush=True,
                )
        for name, measured in runs.items():
            seconds = ", ".join(f"{run.seconds:.1f}" for run in measured)
            best = min(run.seconds for run in measured)
            peak = max(run.peak_bytes for run in measured) / 1024**3
            print(f"{name}: best {best:.1f} s of {seconds}; peak at most {peak:.2f} GB")
    return 0


def _exported(revision: str, folder: Path) -> Path:
    """The package ``bibanalyse`` of ``revision``, unpacked in ``folder``."""
    folder.mkdir()
    archive = subprocess.run(
        ["git", "-C", str(ROOT), "archive", revision, "bibanalyse"],
        check=True,
        capture_output=True,
    ).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True)
    return folder


def _ingest(project: bench.Bench, tree: Path, data: Path) -> bench.Measured:
    """One ingest of ``data`` by the package in ``tree`` (first on ``PYTHONPATH``)."""
    command = ["env", f"PYTHONPATH={tree}", sys.executable, "-m", "bibanalyse.cli", "ingest"]
    return project.measure([*command, "--data-dir", str(data)], f"the ingest of {tree}")


if __name__ == "__main__":
    sys.exit(main())
