"""The performance benchmark of bibanalyse: ``make bench`` (``python benchmarks/bench.py``).

Four measurements, each against its target, printed as one table headed by the machine:

1. ingest: ``bibanalyse ingest`` of three and of five years of the whole organisation
   (about 7 and 12 million circulation actions), each against the fastest honest read of
   the same CSV files: ``pyarrow.csv.read_csv`` of every file, as text (what the ingest
   reads), with its delimiter and encoding. Each a whole process with a warm page cache,
   alternated in three rounds (bare read and ingest of three years, then of five); the
   best of the three of each is compared: the ingest at most 3 times the bare read, its
   peak memory (maximum resident size) at five years at most 3 GB. The machine's load
   (``os.getloadavg``) is recorded with every figure;
2. growth: the ingest of 1, 2, 4 and 8 times the Heemstede volume: time grows no faster than
   the rows (8x/1x at most the rows' ratio x 1.15), peak memory stays under 3 GB;
3. run: ``bibanalyse run`` of the latest demo half year against the plain sequence (per
   notebook ``papermill`` then ``jupyter nbconvert --to html``) on the same data: at most
   0.4 of its wall time, leaving out the PDF (its seconds in the run's manifest), which
   the plain sequence does not make, alternated in three rounds, the best of each compared;
   and the PDF's share: at most half the time of the run without it;
4. interactive: a fresh Python process that imports bibanalyse, loads one period's loans of
   Heemstede and draws the loans-by-month figure: under 2 seconds.

Everything happens in a temporary folder that is removed afterwards; the project's own data
and reports are never touched. ``--quick`` measures smaller volumes (a smoke run),
``--only`` some of the four, ``--markdown FILE`` also writes the table as Markdown (for
``benchmarks/RESULTS.md``). A benchmark, not a test: it always exits 0 when it could measure.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path
from statistics import median

BENCH_KEY = "bibanalyse-benchmark-key"  # the data is synthetic and thrown away
UNTIL = dt.date(2026, 6, 30)
PERIOD = "2026-H1"  # the latest half year of the demo data
MUNICIPALITY = "Heemstede"
GIB = 1024**3
ITEMS = ("ingest", "growth", "run", "interactive")

INGEST_TARGET_RATIO = 3.0
MEMORY_TARGET = 3 * GIB
GROWTH_SLACK = 1.15
RUN_TARGET_RATIO = 0.4
PDF_TARGET_SHARE = 0.5  # the PDF adds at most half to the run without it
FIGURE_TARGET_SECONDS = 2.0


@dataclass(frozen=True)
class Scale:
    """The volumes measured: the organisation's years, and the growth series."""

    name: str
    org_years: tuple[int, ...]  # the last is the data the run and the first figure use
    org_branches: tuple[str, ...] | None  # None: all nine
    org_scale: float
    growth_years: int
    growth_factors: tuple[float, ...]
    growth_base: float = 1.0
    rounds: int = 3  # bare read and ingest, plain sequence and run: alternated, best of each


SCALES = {
    "full": Scale("full", (3, 5), None, 1.0, 3, (1, 2, 4, 8)),
    "quick": Scale("quick", (1,), None, 1.0, 1, (1, 2, 4), rounds=1),
    "tiny": Scale("tiny", (1,), (MUNICIPALITY,), 0.05, 1, (1, 2), growth_base=0.05, rounds=2),
}


@dataclass
class Row:
    """One line of the result table."""

    item: str
    measured: str
    target: str = ""
    met: bool | None = None

    @property
    def verdict(self) -> str:
        return "" if self.met is None else ("yes" if self.met else "NO")


@dataclass
class Measured:
    seconds: float
    cpu_seconds: float  # user and system time of the process and its threads
    peak_bytes: int
    output: str
    load: float  # the machine's load average over the last minute, as the command started


@dataclass
class Bench:
    """The temporary project the benchmark works in, and what it measured."""

    root: Path
    scale: Scale
    rows: list[Row] = field(default_factory=list)
    commands: int = 0
    growth: list[tuple[float, int, float, int]] = field(default_factory=list)

    @property
    def org_data(self) -> Path:
        """The organisation's data the run and the first figure use (the most years)."""
        return self.org_data_of(self.scale.org_years[-1])

    def org_data_of(self, years: int) -> Path:
        return self.root / f"org-{years}"

    def env(self) -> dict[str, str]:
        """The environment of every subprocess: a throw-away key and the temporary project
        as home, so that logs, locks and reports stay in it."""
        env = dict(os.environ)
        env.update(
            BIBANALYSE_KEY=BENCH_KEY,
            BIBANALYSE_HOME=str(self.root),
            BIBANALYSE_DATA_DIR=str(self.org_data),
            BIBANALYSE_REPORTS_DIR=str(self.root / "reports"),
            BIBANALYSE_LOGS_DIR=str(self.root / "logs"),
            MPLBACKEND="Agg",
        )
        return env

    def measure(self, command: list[str], what: str) -> Measured:
        """Run ``command`` to its end; its wall time and maximum resident size (its own
        rusage via ``wait4``, not the largest of all children)."""
        self.commands += 1
        log = self.root / "output" / f"{self.commands:03d}.txt"
        load = os.getloadavg()[0]
        with log.open("w") as output:
            started = time.perf_counter()
            process = subprocess.Popen(
                command, stdout=output, stderr=subprocess.STDOUT, env=self.env(), cwd=self.root
            )
            _, status, usage = os.wait4(process.pid, 0)
            seconds = time.perf_counter() - started
        process.returncode = os.waitstatus_to_exitcode(status)
        text = log.read_text(errors="replace")
        if process.returncode != 0:
            raise RuntimeError(f"{what} failed (exit {process.returncode}):\n{text[-3000:]}")
        cpu = usage.ru_utime + usage.ru_stime
        return Measured(seconds, cpu, usage.ru_maxrss * 1024, text, load)


def main(argv: list[str] | None = None) -> int:
    args = _arguments(argv)
    scale = SCALES["tiny" if args.tiny else "quick" if args.quick else "full"]
    items = ITEMS if not args.only else tuple(item for item in ITEMS if item in args.only)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="bibanalyse-bench-", dir=args.tmp) as folder:
        bench = _project(Path(folder), scale)
        if {"ingest", "run", "interactive"} & set(items):
            bench_ingest(bench, timed="ingest" in items)
        if "growth" in items:
            bench_growth(bench)
        if "run" in items:
            bench_run(bench)
        if "interactive" in items:
            bench_interactive(bench)
    minutes = (time.perf_counter() - started) / 60
    machine = machine_lines()
    print(text_table(bench, machine, minutes))
    if args.markdown:
        write_markdown(args.markdown, markdown(bench, machine, minutes))
        _say(f"written {args.markdown}")
    return 0


def _arguments(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    size = parser.add_mutually_exclusive_group()
    size.add_argument("--quick", action="store_true", help="smaller volumes: a smoke run")
    size.add_argument("--tiny", action="store_true", help="tiny volumes: for the test suite")
    parser.add_argument(
        "--only",
        type=lambda text: [item.strip() for item in text.split(",")],
        help=f"measure only these, comma-separated: {', '.join(ITEMS)}",
    )
    parser.add_argument("--markdown", type=Path, help="also write the results as Markdown")
    parser.add_argument("--tmp", type=Path, help="where to make the temporary folder")
    args = parser.parse_args(argv)
    if args.only and (unknown := sorted(set(args.only) - set(ITEMS))):
        parser.error(f"unknown --only {', '.join(unknown)}; choose from {', '.join(ITEMS)}")
    return args


def _project(root: Path, scale: Scale) -> Bench:
    """A throw-away project: the repository's notebooks and settings, its own folders."""
    repository = Path(__file__).resolve().parent.parent
    (root / "output").mkdir()
    (root / "notebooks").symlink_to(repository / "notebooks", target_is_directory=True)
    shutil.copy(repository / "bibanalyse.toml", root / "bibanalyse.toml")
    return Bench(root, scale)


def _say(message: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {message}", file=sys.stderr, flush=True)


# --- 1. the ingest at the organisation's scale --------------------------------------------


def bench_ingest(bench: Bench, *, timed: bool) -> None:
    """Generate the organisation's data of each number of years and ingest it; timed,
    ``bench.scale.rounds`` rounds, each a bare read and an ingest of every number of
    years in turn (the machine's speed drifts between minutes, so each is compared with
    runs made around it); the best of the rounds is compared."""
    scale = bench.scale
    branches = ", ".join(scale.org_branches) if scale.org_branches else "all branches"
    for years in scale.org_years:
        _say(f"generating {_years(years)} of {branches}")
        data = bench.org_data_of(years)
        generate(bench, data / "raw", years, scale.org_scale, scale.org_branches)
    commands = {years: _ingest_commands(bench.org_data_of(years)) for years in scale.org_years}
    if not timed:
        _say("bibanalyse ingest")
        bench.measure(commands[scale.org_years[-1]][1], "ingest")
        return
    for bare, _ in commands.values():
        bench.measure(bare, "bare")  # the page cache warmed: every round reads from memory
    runs = {years: ([], []) for years in scale.org_years}
    for number in range(1, scale.rounds + 1):
        _say(f"round {number} of {scale.rounds}: bare read and ingest of each scale")
        for years, (bare, ingest) in commands.items():
            runs[years][0].append(bench.measure(bare, "bare"))
            runs[years][1].append(bench.measure(ingest, "ingest"))
    for years, (bare_runs, ingest_runs) in runs.items():
        bench.rows += _ingest_rows(
            bench, f"{_years(years)} of {branches}", years, bare_runs, ingest_runs
        )


def _ingest_commands(data: Path) -> tuple[list[str], list[str]]:
    """The bare read and the ingest of the data folder ``data``."""
    bare = [sys.executable, "-c", BARE_READ, str(data / "raw")]
    return bare, [*bibanalyse(), "ingest", "--data-dir", str(data)]


def _ingest_rows(bench: Bench, what: str, years: int, bare_runs: list, ingest_runs: list) -> list:
    bare, ingest = _best(bare_runs), _best(ingest_runs)
    ratio = ingest.seconds / bare.seconds  # three decimals shown: a ratio of 3.004 is not met
    peak = max(run.peak_bytes for run in ingest_runs)
    of = f"best of {len(bare_runs)}" if len(bare_runs) > 1 else "1 run"
    rows = [
        Row(
            f"1 bare pyarrow.csv read, {what}",
            f"{bare.seconds:.2f} s, {of} ({_spread(bare_runs)}); {_rows_of(bare) / 1e6:.1f} M "
            f"rows, peak {_gb(max(run.peak_bytes for run in bare_runs))}; {_loads(bare_runs)}",
        ),
        Row(
            f"1 bibanalyse ingest, {what}",
            f"{ingest.seconds:.2f} s = {ratio:.3f} x bare, {of} ({_spread(ingest_runs)}); "
            f"CPU {ingest.cpu_seconds:.0f} s, bare {bare.cpu_seconds:.0f} s; "
            f"{rows_read(bench.org_data_of(years)) / 1e6:.1f} M rows read; {_loads(ingest_runs)}",
            f"<= {INGEST_TARGET_RATIO:g} x bare read",
            ratio <= INGEST_TARGET_RATIO,
        ),
    ]
    if years == bench.scale.org_years[-1]:
        rows.append(
            Row(
                f"1 ingest peak memory (max RSS), {what}",
                _gb(peak),
                f"<= {_gb(MEMORY_TARGET)}",
                peak <= MEMORY_TARGET,
            )
        )
    return rows


def _best(runs: list[Measured]) -> Measured:
    return min(runs, key=lambda run: run.seconds)


def _spread(runs: list[Measured]) -> str:
    return ", ".join(f"{run.seconds:.2f}" for run in runs)


def _loads(runs: list[Measured]) -> str:
    """The machine's load as the runs started: other work slows every figure."""
    low, high = (f"{load:.1f}" for load in (min(r.load for r in runs), max(r.load for r in runs)))
    return f"load {low}" if low == high else f"load {low}-{high}"


def _rows_of(bare: Measured) -> int:
    return int(bare.output.split()[-1])


BARE_READ = """
import csv, sys
from pathlib import Path
import pyarrow as pa
import pyarrow.csv as pacsv

rows = 0
for path in sorted(Path(sys.argv[1]).rglob("*.csv")):
    with path.open("rb") as file:
        head = file.read(1 << 16)
    try:
        head.decode("utf-8")
        encoding = "utf8"
    except UnicodeDecodeError:
        encoding = "cp1252"
    header = head.split(b"\\n", 1)[0].decode(encoding).lstrip("\\ufeff")
    delimiter = max(";,\\t", key=header.count)
    names = next(csv.reader([header], delimiter=delimiter))
    table = pacsv.read_csv(
        path,
        read_options=pacsv.ReadOptions(encoding=encoding),
        parse_options=pacsv.ParseOptions(delimiter=delimiter, invalid_row_handler=lambda r: "skip"),
        convert_options=pacsv.ConvertOptions(column_types=dict.fromkeys(names, pa.string())),
    )
    rows += table.num_rows
print(rows)
"""


def generate(bench: Bench, raw_dir: Path, years: int, scale: float, branches) -> None:
    code = (
        "import datetime, sys; from bibanalyse.demo import generate_demo; "
        f"generate_demo(sys.argv[1], until=datetime.date.fromisoformat({UNTIL.isoformat()!r}), "
        f"years={years}, scale={scale!r}, branches={list(branches) if branches else None!r})"
    )
    bench.measure([sys.executable, "-c", code, str(raw_dir)], "generate_demo")
    # The files just written (1.4 GB at five years) go to disk now, not while being timed:
    # the kernel's writing them back took up to 2.5 s of system time from the first round.
    os.sync()


def bibanalyse() -> list[str]:
    script = Path(sys.executable).with_name("bibanalyse")
    return [str(script)] if script.exists() else [sys.executable, "-m", "bibanalyse.cli"]


def rows_read(data_dir: Path) -> int:
    with (data_dir / "processed" / "ingest_report.csv").open(encoding="utf-8") as file:
        return sum(int(report["rows_read"]) for report in csv.DictReader(file))


# --- 2. growth ----------------------------------------------------------------------------


def bench_growth(bench: Bench) -> None:
    scale = bench.scale
    for factor in scale.growth_factors:
        data = bench.root / f"growth-{factor:g}"
        _say(f"growth: {factor:g} x {MUNICIPALITY}, {_years(scale.growth_years)}")
        generate(
            bench, data / "raw", scale.growth_years, factor * scale.growth_base, [MUNICIPALITY]
        )
        ingest = bench.measure([*bibanalyse(), "ingest", "--data-dir", str(data)], "ingest")
        bench.growth.append((factor, rows_read(data), ingest.seconds, ingest.peak_bytes))
        shutil.rmtree(data)
    (first, rows_1, seconds_1, peak_1), (last, rows_n, seconds_n, peak_n) = (
        bench.growth[0],
        bench.growth[-1],
    )
    time_ratio, row_ratio = seconds_n / seconds_1, rows_n / rows_1
    bench.rows += [
        Row(
            f"2 growth: ingest time {last:g}x / {first:g}x",
            f"{time_ratio:.2f} x for {row_ratio:.2f} x the rows",
            f"<= rows ratio x {GROWTH_SLACK}",
            time_ratio <= row_ratio * GROWTH_SLACK,
        ),
        Row(
            f"2 growth: peak memory at {last:g}x",
            f"{_gb(peak_n)} = {peak_n / peak_1:.2f} x the {first:g}x peak",
            f"< {_gb(MEMORY_TARGET)}",
            peak_n < MEMORY_TARGET,
        ),
    ]


# --- 3. the period run --------------------------------------------------------------------


def bench_run(bench: Bench) -> None:
    """The plain sequence and ``bibanalyse run`` of the same notebooks on the same data,
    alternated for ``bench.scale.rounds`` rounds; the best of each compared."""
    import nbformat

    from bibanalyse.periods import Period
    from bibanalyse.runner import ensure_kernel, report_notebooks, with_goal_cells

    ensure_kernel()
    notebooks = report_notebooks(bench.root / "notebooks", MUNICIPALITY, Period.parse(PERIOD))
    plain = bench.root / "plain"
    plain.mkdir()
    for notebook in notebooks:  # the same notebooks as the run's, a goal's cells per goal
        source = nbformat.read(notebook.source, as_version=4)
        nbformat.write(with_goal_cells(source, notebook.goals), plain / f"{notebook.name}.in")
    sequences, runs = [], []
    for number in range(1, bench.scale.rounds + 1):
        _say(
            f"round {number} of {bench.scale.rounds}: plain sequence of {len(notebooks)} "
            f"notebooks (papermill and nbconvert), then bibanalyse run --period {PERIOD}"
        )
        sequences.append(_plain_sequence(bench, notebooks, plain))
        runs.append(_run_without_pdf(bench))
    sequence = min(sequences)
    run, without, pdf = min(runs, key=lambda measured: measured[1])
    ratio = without / sequence
    of = f"best of {len(runs)}" if len(runs) > 1 else "1 run"
    bench.rows += [
        Row(
            f"3 plain sequence, {len(notebooks)} notebooks, {PERIOD}",
            f"{sequence:.1f} s ({of}: {', '.join(f'{s:.1f}' for s in sequences)})",
        ),
        Row(
            f"3 bibanalyse run --period {PERIOD}",
            f"{run:.1f} s; without the PDF {without:.1f} s = {ratio:.2f} x plain "
            f"({of}: {', '.join(f'{w:.1f}' for _, w, _ in runs)})",
            f"<= {RUN_TARGET_RATIO:g} x plain",
            ratio <= RUN_TARGET_RATIO,
        ),
        _pdf_row(pdf, without),
    ]


def _plain_sequence(bench: Bench, notebooks, plain: Path) -> float:
    """Seconds of the plain sequence: per notebook ``papermill``, then ``nbconvert``."""
    started = time.perf_counter()
    for notebook in notebooks:
        executed = plain / f"{notebook.name}.ipynb"
        papermill = [*_tool("papermill"), str(plain / f"{notebook.name}.in"), str(executed)]
        parameters = ["-p", "period", PERIOD, "-p", "data_dir", str(bench.org_data)]
        parameters += [f"-p {name} {value}" for name, value in notebook.parameters.items()]
        parameters = " ".join(parameters).split()
        command = [
            *papermill,
            *parameters,
            "-k",
            "bibanalyse",
            "--cwd",
            str(notebook.source.parent),
        ]
        bench.measure(command, f"papermill {notebook.name}")
        bench.measure([*_tool("jupyter"), "nbconvert", "--to", "html", str(executed)], "nbconvert")
    return time.perf_counter() - started


def _run_without_pdf(bench: Bench) -> tuple[float, float, dict]:
    """``bibanalyse run``: its seconds, its seconds without the PDF's (the plain sequence
    makes none; from the run's manifest), and the manifest's entry of the PDF."""
    run = bench.measure(
        [
            *bibanalyse(),
            "run",
            "--period",
            PERIOD,
            "--data-dir",
            str(bench.org_data),
            "--reports-dir",
            str(bench.root / "reports"),
        ],
        "bibanalyse run",
    )
    manifest = bench.root / "reports" / MUNICIPALITY / PERIOD / "manifest.json"
    pdf = json.loads(manifest.read_text(encoding="utf-8")).get("pdf") or {}
    return run.seconds, run.seconds - (pdf.get("seconds") or 0.0), pdf


def _pdf_row(pdf: dict, without: float) -> Row:
    """The PDF's seconds in the run (from its manifest) against the run without them."""
    item = f"3 of which the PDF, {PERIOD}"
    if not pdf.get("path"):
        return Row(item, f"no PDF made: {pdf.get('reason', 'the manifest names none')}")
    share = pdf["seconds"] / without
    return Row(
        item,
        f"{pdf['seconds']:.1f} s = +{share:.0%} on the run without it ({without:.1f} s); "
        f"{pdf['pages']} pages, {pdf['bytes'] / 1e6:.2f} MB, {pdf['engine']}",
        f"<= +{PDF_TARGET_SHARE:.0%}",
        share <= PDF_TARGET_SHARE,
    )


def _tool(name: str) -> list[str]:
    script = Path(sys.executable).with_name(name)
    return [str(script)] if script.exists() else [sys.executable, "-m", name]


# --- 4. interactive use -------------------------------------------------------------------


FIRST_FIGURE = """
import io, sys, time
started = time.perf_counter()
from bibanalyse.figures import loans_by_month
from bibanalyse.periods import Period
from bibanalyse.store import Tables
tables = Tables.for_period(sys.argv[1], sys.argv[2], sys.argv[3])
loans = tables["uitleenacties"]
figure = loans_by_month(tables, Period.parse(sys.argv[2]), None)
figure.savefig(io.BytesIO(), format="png")
print(len(loans), time.perf_counter() - started)
"""


def bench_interactive(bench: Bench, repeats: int = 3) -> None:
    _say("first figure in a fresh process")
    processed = str(bench.org_data / "processed")
    command = [sys.executable, "-c", FIRST_FIGURE, processed, PERIOD, MUNICIPALITY]
    runs = [bench.measure(command, "first figure") for _ in range(repeats)]
    seconds, loans = median(run.seconds for run in runs), int(runs[0].output.split()[0])
    bench.rows.append(
        Row(
            f"4 first figure: import, {loans:,} loans of {MUNICIPALITY}, draw",
            f"{seconds:.2f} s (median of {repeats}; first {runs[0].seconds:.2f} s)",
            f"< {FIGURE_TARGET_SECONDS:g} s",
            seconds < FIGURE_TARGET_SECONDS,
        )
    )


# --- the report ---------------------------------------------------------------------------


def machine_lines() -> list[str]:
    import numpy
    import pandas
    import pyarrow

    return [
        f"CPU: {_cpu_model()}, {os.cpu_count()} cores; RAM: {_gb(_memory_bytes())}",
        f"Python {platform.python_version()}, pyarrow {pyarrow.__version__}, "
        f"pandas {pandas.__version__}, numpy {numpy.__version__}; {platform.platform()}",
    ]


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or platform.machine()


def _memory_bytes() -> int:
    try:
        return os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES")
    except (ValueError, OSError):
        return 0


def _years(count: int) -> str:
    return f"{count} year{'s' if count != 1 else ''}"


def _gb(size: int) -> str:
    return f"{size / GIB:.2f} GB"


def _growth_lines(bench: Bench) -> list[list[str]]:
    header = ["scale", "rows read", "seconds", "s per M rows", "peak MB"]
    return [header] + [
        [
            f"{factor:g}x",
            f"{rows:,}",
            f"{seconds:.1f}",
            f"{seconds / rows * 1e6:.2f}",
            f"{peak / 2**20:.0f}",
        ]
        for factor, rows, seconds, peak in bench.growth
    ]


def text_table(bench: Bench, machine: list[str], minutes: float) -> str:
    lines = [
        f"bibanalyse benchmark ({bench.scale.name}), {dt.datetime.now():%Y-%m-%d %H:%M}, "
        f"{minutes:.1f} min",
        *machine,
        "",
    ]
    table = [["benchmark", "measured", "target", "met"]] + [
        [row.item, row.measured, row.target, row.verdict] for row in bench.rows
    ]
    lines += _aligned(table)
    if bench.growth:
        lines += ["", f"growth: {_years(bench.scale.growth_years)} of {MUNICIPALITY} times"]
        lines += _aligned(_growth_lines(bench))
    return "\n".join(lines)


def _aligned(table: list[list[str]]) -> list[str]:
    widths = [max(len(row[i]) for row in table) for i in range(len(table[0]))]
    lines = [
        "  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip()
        for row in table
    ]
    return [lines[0], "  ".join("-" * width for width in widths), *lines[1:]]


def markdown(bench: Bench, machine: list[str], minutes: float) -> str:
    def table(rows: list[list[str]]) -> list[str]:
        return [
            "| " + " | ".join(rows[0]) + " |",
            "|" + "---|" * len(rows[0]),
            *("| " + " | ".join(row) + " |" for row in rows[1:]),
        ]

    lines = [
        f"## `make bench` ({bench.scale.name}) on {dt.datetime.now():%Y-%m-%d %H:%M}, "
        f"{minutes:.1f} minutes in all",
        "",
        *(f"- {line}" for line in machine),
        "",
        *table(
            [["benchmark", "measured", "target", "met"]]
            + [[row.item, row.measured, row.target, row.verdict] for row in bench.rows]
        ),
    ]
    if bench.growth:
        lines += ["", f"Growth: {_years(bench.scale.growth_years)} of {MUNICIPALITY} times:", ""]
        lines += table(_growth_lines(bench))
    return "\n".join(lines) + "\n"


START, END = "<!-- make bench: start -->", "<!-- make bench: end -->"


def write_markdown(path: Path, table: str) -> None:
    """Write ``table`` to ``path``: between its ``START`` and ``END`` lines where it has
    them (the rest, such as earlier figures written by hand, stays), else as the file."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    if START in text and END in text:
        before, rest = text.split(START, 1)
        table = f"{before}{START}\n{table}{END}{rest.split(END, 1)[1]}"
    path.write_text(table, encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())
