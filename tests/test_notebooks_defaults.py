"""Every notebook runs top to bottom with its default parameters, as in ``make lab``.

``make lab`` opens the notebooks in JupyterLab (``jupyter lab --notebook-dir=notebooks``) with
the project's kernel ``bibanalyse``; there is no papermill there, so the parameters keep their
defaults: the latest half year that has ended, the municipality and the data folder from the
settings. Here each notebook is executed like that: with nbclient and the ``bibanalyse``
kernel, in the notebooks folder of the repository (so the settings file of the project is
found the way the kernel in JupyterLab finds it), with ``BIBANALYSE_DATA_DIR`` naming demo data
that runs up to the end of the latest half year that has ended today.
"""

from __future__ import annotations

import datetime as dt
import re
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import nbformat
import pytest
from nbclient import NotebookClient

from bibanalyse.periods import latest_ended

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
NOTEBOOKS = ROOT / "notebooks"
KERNEL_NAME = "bibanalyse"
NAMES = sorted(path.stem for path in NOTEBOOKS.glob("*.ipynb"))
CELL_TIMEOUT = 120  # seconds for one cell
_ANSI = re.compile(r"\x1b\[[0-9;]*m")


def _execute(name: str):
    node = nbformat.read(NOTEBOOKS / f"{name}.ipynb", as_version=4)
    client = NotebookClient(
        node,
        kernel_name=KERNEL_NAME,
        timeout=CELL_TIMEOUT,
        startup_timeout=60,
        resources={"metadata": {"path": str(NOTEBOOKS)}},  # the kernel's working folder
    )
    try:
        client.execute()
    except Exception as error:  # reported by the test of this notebook
        return error
    return node


@pytest.fixture(scope="module")
def executed(current_demo_data):
    """Each notebook executed once with its defaults (two at a time), by name."""
    assert NAMES, f"no notebooks in {NOTEBOOKS}"
    with pytest.MonkeyPatch.context() as patch:
        # the environment a developer's ``make lab`` would have: only the data folder is set
        unset = (
            "BIBANALYSE_PROJECT",
            "BIBANALYSE_HOME",
            "BIBANALYSE_REPORTS_DIR",
            "BIBANALYSE_KEY_FILE",
        )
        for variable in unset:
            patch.delenv(variable, raising=False)
        patch.delenv("BIBANALYSE_KEY", raising=False)  # a report needs no key
        patch.setenv("BIBANALYSE_DATA_DIR", str(current_demo_data.data_dir))
        with ThreadPoolExecutor(max_workers=2) as pool:
            return dict(zip(NAMES, pool.map(_execute, NAMES), strict=True))


def _outputs(node) -> list:
    return [o for cell in node.cells if cell.cell_type == "code" for o in cell.outputs]


@pytest.mark.parametrize("name", NAMES)
def test_notebook_runs_with_its_defaults_on_the_latest_ended_half_year(name, executed):
    node = executed[name]
    if isinstance(node, Exception):
        pytest.fail(f"{name}.ipynb failed with its defaults:\n{_ANSI.sub('', str(node))}")
    outputs = _outputs(node)
    assert not [o for o in outputs if o.output_type == "error"]
    stderr = "".join(o.get("text", "") for o in outputs if o.get("name") == "stderr")
    assert "Traceback" not in stderr and "Error" not in stderr, stderr
    if name == "verkennen":
        _explored(outputs)
        return
    titles = [o.metadata["title"] for o in outputs if "title" in o.get("metadata", {})]
    period = latest_ended(dt.date.today())
    assert len(titles) == 1, titles
    assert titles[0].endswith(f"| Heemstede | {period.dutch_label}"), titles[0]
    html = [o for o in outputs if "text/html" in o.get("data", {})]
    assert html, f"{name}: no report output"
    if name == "00_overzicht":
        assert titles[0].startswith("Overzicht")
    else:
        figures = [o for o in outputs if "image/png" in o.get("data", {})]
        assert len(figures) >= 2, f"{name}: {len(figures)} figures"


def _explored(outputs) -> None:
    """The exploration notebook shows its goal's table, figures, the processed rows behind
    them, the visitor estimate and a figure of its own."""
    texts = [o.get("data", {}).get("text/plain", "") for o in outputs]
    figures = [o for o in outputs if "image/png" in o.get("data", {})]
    assert any(text.lstrip().startswith("periode") or " periode " in text for text in texts)
    assert any("VisitorEstimate(estimate=" in text for text in texts)
    alts = [o.metadata["image/png"]["alt"] for o in figures]
    assert alts[-1] == "Deelnemers per soort activiteit" and len(alts) >= 2, alts
