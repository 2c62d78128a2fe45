"""The ingest of an earlier commit against the ingest of this tree, on the same raw data.

``python benchmarks/ab_ingest.py REVISION [--rounds 4] [--years 3]`` exports the package of
``REVISION`` (``git archive``) into a temporary folder, generates ``--years`` of the whole
organisation's demo exports once, and ingests them with each version in turn: whole
processes (``python -m bibanalyse.cli ingest``, the earlier version first on ``PYTHONPATH``),
warm page cache, the order alternated per round. It prints every run's seconds, peak memory
(maximum resident size) and the machine's load, and the best of each. Each version writes
its own data folder (the raw files are shared, read only), so neither reads the other's
processed data. A benchmark, not a test: it changes nothing in the project.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
KEY = "bibanalyse-benchmark-key"  # the data is synthetic and thrown away


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("revision", help="the earlier commit, such as main~3 or b772285")
    parser.add_argument("--rounds", type=int, default=4)
    parser.add_argument("--years", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="bibanalyse-ab-") as folder:
        root = Path(folder)
        (root / "bibanalyse.toml").touch()
        trees = {args.revision: _exported(args.revision, root / "before"), "this tree": ROOT}
        raw = root / "raw"
        _generate(raw, args.years, root)
        for number in range(len(trees)):
            (root / f"data-{number}").mkdir()
            (root / f"data-{number}" / "raw").symlink_to(raw)
        runs: dict[str, list[tuple[float, float, float]]] = {name: [] for name in trees}
        for round_number in range(args.rounds):
            order = list(enumerate(trees))
            for number, name in order if round_number % 2 == 0 else reversed(order):
                seconds, peak, load = _ingest(trees[name], root / f"data-{number}", root)
                runs[name].append((seconds, peak, load))
                print(
                    f"round {round_number + 1}, {name}: {seconds:.1f} s, peak "
                    f"{peak / 1024**3:.2f} GB, load {load:.2f}",
                    flush=True,
                )
        for name, measured in runs.items():
            seconds = ", ".join(f"{s:.1f}" for s, _, _ in measured)
            peak = max(p for _, p, _ in measured) / 1024**3
            print(f"{name}: best {min(measured)[0]:.1f} s of {seconds}; peak at most {peak:.2f} GB")
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


def _environment(root: Path, tree: Path) -> dict[str, str]:
    return dict(os.environ, BIBANALYSE_KEY=KEY, BIBANALYSE_HOME=str(root), PYTHONPATH=str(tree))


def _generate(raw: Path, years: int, root: Path) -> None:
    code = (
        "import datetime, sys; from bibanalyse.demo import generate_demo; "
        "generate_demo(sys.argv[1], until=datetime.date(2026, 6, 30), "
        f"years={years}, scale=1.0, branches=None)"
    )
    env = _environment(root, ROOT)
    subprocess.run([sys.executable, "-c", code, str(raw)], check=True, env=env)
    os.sync()  # written back now, not while a run is timed


def _ingest(tree: Path, data: Path, root: Path) -> tuple[float, float, float]:
    """Seconds, peak bytes and the load average of one ingest of ``data`` by ``tree``."""
    command = [sys.executable, "-m", "bibanalyse.cli", "ingest", "--data-dir", str(data)]
    load = os.getloadavg()[0]
    started = time.perf_counter()
    process = subprocess.Popen(
        command,
        env=_environment(root, tree),
        cwd=root,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    _, status, usage = os.wait4(process.pid, 0)
    seconds = time.perf_counter() - started
    if os.waitstatus_to_exitcode(status):
        sys.exit(f"the ingest of {tree} failed:\n{process.stderr.read().decode()[-3000:]}")
    return seconds, usage.ru_maxrss * 1024, load


if __name__ == "__main__":
    sys.exit(main())
