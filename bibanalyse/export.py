"""Executed notebooks to self-contained HTML reports, and the check that they are.

A report is shared by e-mail and opened offline, on any device: it holds its text, its
figures (base64 PNG) and its tables, and loads nothing from anywhere. ``export_html`` runs
nbconvert's HTMLExporter in-process with the package's own template
(``bibanalyse/templates/bibanalyse``), which shows Markdown and outputs only: no code, no
prompts, no stderr, no errors, no script, no bare Python reprs. Before that the parameters
cells (``parameters`` and papermill's ``injected-parameters``) and papermill's error marker
are removed. The result is checked with ``check_self_contained`` and written only when it
passes.
"""

from __future__ import annotations

import contextlib
import copy
import os
import re
import uuid
from collections.abc import Iterator, Sequence
from html.parser import HTMLParser
from importlib import resources
from pathlib import Path

import nbformat
from nbconvert.exporters import HTMLExporter
from nbconvert.preprocessors import Preprocessor
from traitlets.config import Config

from bibanalyse.fragments import COMBINED

__all__ = [
    "MAX_HTML_BYTES",
    "PRINT_TEMPLATE_NAME",
    "REMOVED_CELL_TAGS",
    "TEMPLATE_NAME",
    "check_self_contained",
    "combined_notebook",
    "export_combined",
    "export_html",
    "render_html",
    "report_title",
]

TEMPLATE_NAME = "bibanalyse"
PRINT_TEMPLATE_NAME = "bibanalyse_pdf"  # the PDF's: extends TEMPLATE_NAME, figures as SVG
MAX_HTML_BYTES = 5_000_000  # 5 MB, counted in bytes of UTF-8: what an e-mail attachment costs

REMOVED_CELL_TAGS = frozenset(
    {
        "parameters",  # the notebook's defaults
        "injected-parameters",  # papermill's injected values
        "papermill-error-cell-tag",  # papermill's "an exception was encountered" banner
        "remove-cell",  # the authors' own, as in Jupyter Book
        "remove_cell",
    }
)
REMOVED_OUTPUT_TAGS = frozenset({"remove-output", "remove_output"})

# What a report may show, best first: no JavaScript, widgets or LaTeX (they need scripts).
DISPLAY_PRIORITY = (
    "text/html",
    "text/markdown",
    "image/png",
    "image/jpeg",
    "image/svg+xml",
    "text/plain",
)
# In print vector figures come first: sharp at any size (plots.show emits both).
PRINT_DISPLAY_PRIORITY = (
    "text/html",
    "text/markdown",
    "image/svg+xml",
    "image/png",
    "image/jpeg",
    "text/plain",
)


def export_html(
    notebook: nbformat.NotebookNode | Path, out: Path, *, title: str | None = None
) -> Path:
    """Write ``notebook`` (a node, or the path of an .ipynb) as a report to ``out``.

    ``title`` becomes the page's ``<title>``; by default the notebook's ``metadata.title``,
    else its first heading. The notebook given is not changed. The file is written atomically
    (a temporary file beside it, then renamed), and only when ``check_self_contained`` finds
    nothing: otherwise ValueError lists the problems and ``out`` is left as it was.
    """
    node, source = _load(notebook)
    out = Path(out)
    if title is not None and (not isinstance(title, str) or not title.strip()):
        raise ValueError(f"title must be non-empty text, got {title!r}")
    html = render_html(node, title=title, source=source)
    _write_checked(out, html, MAX_HTML_BYTES)
    return out


def export_combined(
    parts: Sequence[tuple[str, nbformat.NotebookNode]], out: Path, *, title: str
) -> Path:
    """Write executed report notebooks as one document to ``out``: each in a section whose
    id is its name (``1_leesplezier``), the first part (the overview) first; see
    :func:`combined_notebook`. Checked like a single report, but for its size: the
    document holds several reports."""
    if not isinstance(title, str) or not title.strip():
        raise ValueError(f"title must be non-empty text, got {title!r}")
    _write_checked(Path(out), render_html(combined_notebook(parts), title=title), None)
    return Path(out)


def combined_notebook(parts: Sequence[tuple[str, nbformat.NotebookNode]]) -> nbformat.NotebookNode:
    """One notebook of the published cells of ``parts`` (name, executed notebook), in
    order. The template opens a ``<section id=name>`` at each part's first cell and closes
    it after its last, with a link back to the first part; an output that has a variant
    for the combined report (its links pointing inside the document) shows that variant.
    """
    if not parts:
        raise ValueError("no reports to combine")
    names = [name for name, _ in parts]
    if len(set(names)) != len(names):
        raise ValueError(f"report names must differ, got {names!r}")
    combined = nbformat.v4.new_notebook(metadata=copy.deepcopy(parts[0][1].metadata))
    for name, notebook in parts:
        cells = [copy.deepcopy(cell) for cell in notebook.cells if not _removed(cell)]
        if not cells:
            continue
        for cell in cells:
            cell.id = f"{name}-{cell.id}"  # the parts come from the same notebooks
            for output in cell.get("outputs", []):
                _use_variant(output, COMBINED)
        cells[0].metadata.setdefault("bibanalyse", {})["opens"] = name
        closing = cells[-1].metadata.setdefault("bibanalyse", {})
        closing["closes"] = names[0] if name != names[0] else ""
        combined.cells += cells
    combined.metadata.pop("title", None)
    return combined


def _use_variant(output, variant: str) -> None:
    variants = output.get("metadata", {}).get("bibanalyse", {}).get("variants", {})
    if variant in variants and "text/html" in output.get("data", {}):
        output["data"]["text/html"] = variants[variant]


def _write_checked(out: Path, html: str, max_bytes: int | None) -> None:
    problems = check_self_contained(html, max_bytes=max_bytes)
    if problems:
        raise ValueError(f"{out.name} is not a self-contained report: " + "; ".join(problems))
    _write_atomically(out, html.encode("utf-8"))


def render_html(
    notebook: nbformat.NotebookNode,
    *,
    title: str | None = None,
    source: Path | None = None,
    template: str = TEMPLATE_NAME,
    resources: dict | None = None,
) -> str:
    """The report's HTML as text, unchecked and unwritten (``export_html`` does both).

    ``source`` is where the notebook lives, for images its Markdown refers to by path.
    ``template`` is TEMPLATE_NAME, or PRINT_TEMPLATE_NAME for the PDF (figures as SVG), and
    ``resources`` what that template needs besides the notebook (``bibanalyse.document``).
    """
    if template not in (TEMPLATE_NAME, PRINT_TEMPLATE_NAME):
        raise ValueError(f"unknown report template {template!r}")
    node = copy.deepcopy(notebook)
    published = [cell for cell in node.cells if not _removed(cell)]
    node.metadata["title"] = title or report_title(
        published, node.metadata, source.stem if source else None
    )
    meta = {"name": node.metadata["title"], "path": str(source.parent) if source else ""}
    with _template_directory() as templates:
        exporter = _exporter(templates, template)
        html, _ = exporter.from_notebook_node(
            node, resources={**(resources or {}), "metadata": meta}
        )
    return _mark_numbers(html)


def report_title(cells, metadata=None, fallback: str | None = None) -> str:
    """A report's title: ``metadata.title``, else the first output that names one in its
    display metadata (``display(..., metadata={"title": ...})``), else the first Markdown
    heading, else ``fallback``.

    >>> cell = nbformat.v4.new_markdown_cell("Intro\\n\\n# Overzicht *Heemstede* [2025](#x)")
    >>> report_title([cell]), report_title([cell], {"title": "Rapport 2025-H1"})
    ('Overzicht Heemstede 2025', 'Rapport 2025-H1')
    >>> report_title([], {}, None)
    'Rapport'
    """
    if metadata and isinstance(metadata.get("title"), str) and metadata["title"].strip():
        return metadata["title"].strip()
    for cell in cells:
        for output in cell.get("outputs", []):
            title = output.get("metadata", {}).get("title")
            if isinstance(title, str) and title.strip():
                return title.strip()
    for cell in cells:
        if cell.get("cell_type") != "markdown":
            continue
        for line in cell.get("source", "").splitlines():
            heading = _HEADING.match(line)
            if heading and (text := _plain(heading["text"])):
                return text
    return fallback or "Rapport"


def check_self_contained(html: str, *, max_bytes: int | None = MAX_HTML_BYTES) -> list[str]:
    """The reasons ``html`` is not a self-contained report; empty when it is.

    Looks for: any ``<script``; event-handler attributes and ``javascript:`` links; a ``src``
    (or ``srcset``, ``poster``, ``data``) that is not a ``data:`` URI; an ``href`` to another
    host (``http://``, ``https://``, ``//``); a ``<link>`` to a file; ``@import`` and
    ``url(...)`` other than ``data:`` in styles; ``<base>``, ``<meta http-equiv=refresh>``;
    and a size over ``max_bytes`` (none for None).

    >>> check_self_contained('<img src="data:image/png;base64,AAAA"><a href="#top">top</a>')
    []
    >>> check_self_contained('<link rel="stylesheet" href="https://cdn.example/x.css">')
    ["<link href='https://cdn.example/x.css'> loads from another host", \
"<link href='https://cdn.example/x.css'> refers to a file"]
    """
    if not isinstance(html, str):
        raise TypeError(f"html must be text, got {type(html).__name__}")
    checker = _Checker()
    checker.feed(html)
    checker.close()
    problems = checker.problems
    if _SCRIPT.search(html) and not any("<script>" in p for p in problems):
        problems.append("<script> element")
    size = len(html.encode("utf-8"))
    if max_bytes is not None and size > max_bytes:
        problems.append(f"{size:,} bytes, more than the {max_bytes:,} allowed")
    return list(dict.fromkeys(problems))


# -- exporting -------------------------------------------------------------------------------


class _DropUnpublished(Preprocessor):
    """Drops outputs a report never shows: stderr (warnings), errors, and a cell's value
    when it is only a Python repr (``Text(0.5, 1.0, ...)``, ``[<Line2D ...>]``): what a
    reader should see is displayed on purpose, as Markdown, a table or a figure."""

    def preprocess_cell(self, cell, resources, index):
        if cell.get("outputs"):
            cell.outputs = [output for output in cell.outputs if _published(output)]
        return cell, resources


def _published(output) -> bool:
    kind = output.get("output_type")
    if kind == "error":
        return False
    if kind == "stream":
        return output.get("name") == "stdout"
    if kind == "execute_result":
        return bool(set(output.get("data", {})) - {"text/plain"})
    return True


def _exporter(templates: Path, template: str = TEMPLATE_NAME) -> HTMLExporter:
    """An HTMLExporter with our ``template`` (found in ``templates``) and our settings."""
    config = Config()
    config.HTMLExporter.extra_template_basedirs = [str(templates)]
    config.HTMLExporter.extra_template_paths = [str(templates)]  # 'bibanalyse/index.html.j2'
    config.HTMLExporter.template_name = template
    config.HTMLExporter.exclude_input = True
    config.HTMLExporter.exclude_input_prompt = True
    config.HTMLExporter.exclude_output_prompt = True
    config.HTMLExporter.exclude_raw = True
    config.HTMLExporter.exclude_unknown = True
    config.HTMLExporter.exclude_anchor_links = True
    config.HTMLExporter.embed_images = True
    config.HTMLExporter.sanitize_html = False  # our own content; the check guards it
    config.HTMLExporter.language_code = "nl"
    config.HTMLExporter.preprocessors = [_DropUnpublished]
    config.TagRemovePreprocessor.enabled = True
    config.TagRemovePreprocessor.remove_cell_tags = set(REMOVED_CELL_TAGS)
    config.TagRemovePreprocessor.remove_all_outputs_tags = set(REMOVED_OUTPUT_TAGS)
    priority = PRINT_DISPLAY_PRIORITY if template == PRINT_TEMPLATE_NAME else DISPLAY_PRIORITY
    config.NbConvertBase.display_data_priority = list(priority)
    return HTMLExporter(config=config)


@contextlib.contextmanager
def _template_directory() -> Iterator[Path]:
    """The folder holding the package's nbconvert templates, as a real path."""
    with resources.as_file(resources.files("bibanalyse").joinpath("templates")) as path:
        if not (Path(path) / TEMPLATE_NAME / "index.html.j2").is_file():
            raise FileNotFoundError(f"the report template is missing from {path}")
        yield Path(path)


def _load(notebook: nbformat.NotebookNode | Path) -> tuple[nbformat.NotebookNode, Path | None]:
    if isinstance(notebook, nbformat.NotebookNode):
        return notebook, None
    if isinstance(notebook, str | os.PathLike):
        path = Path(notebook)
        return nbformat.read(path, as_version=4), path
    raise TypeError(f"expected a NotebookNode or the path of a notebook, got {notebook!r}")


def _removed(cell) -> bool:
    return bool(REMOVED_CELL_TAGS.intersection(cell.get("metadata", {}).get("tags", [])))


def _write_atomically(out: Path, data: bytes) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    temporary = out.with_name(f".{out.name}.{uuid.uuid4().hex}.tmp")
    try:
        # os.open honours the umask, so the report gets the folder's usual permissions
        descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
        with os.fdopen(descriptor, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temporary, out)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise


_HEADING = re.compile(r"^\s{0,3}#{1,6}\s+(?P<text>.+?)\s*#*\s*$")


def _plain(markdown: str) -> str:
    """Heading text without Markdown: links to their text, emphasis and code marks gone."""
    text = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", markdown)
    text = re.sub(r"<[^>]+>", "", text)
    text = re.sub(r"[*_`]+", "", text)
    return " ".join(text.split())


# -- numbers in tables -----------------------------------------------------------------------

_NUMBER_CELL = re.compile(
    r"[−+\-]?(ca\.\s*)?[0-9][0-9.,\u00a0 ]*\s*(%|procentpunt)?|<[0-9]+|–|[−+\-]?∞"
)


def _mark_numbers(html: str) -> str:
    """Class ``getal`` on table cells that hold a number (right-aligned by the stylesheet),
    and on a column's header when every cell below it does."""
    from bs4 import BeautifulSoup

    soup = BeautifulSoup(html, "html.parser")
    changed = False
    for table in soup.find_all("table"):
        body_rows = [row for body in table.find_all("tbody") for row in body.find_all("tr")]
        numeric_columns: dict[int, bool] = {}
        simple = True
        for row in body_rows:
            for column, cell in enumerate(row.find_all(["td", "th"], recursive=False)):
                if cell.get("colspan") or cell.get("rowspan"):
                    simple = False
                is_number = cell.name == "td" and _NUMBER_CELL.fullmatch(cell.get_text().strip())
                if is_number and "getal" not in cell.get("class", []):
                    cell["class"] = [*cell.get("class", []), "getal"]
                    changed = True
                numeric_columns[column] = numeric_columns.get(column, True) and bool(is_number)
        header = table.find("thead")
        if not simple or header is None or not body_rows:
            continue
        last = header.find_all("tr")[-1:] if header else []
        for row in last:
            cells = row.find_all(["td", "th"], recursive=False)
            if any(cell.get("colspan") for cell in cells):
                continue
            for column, cell in enumerate(cells):
                if numeric_columns.get(column) and "getal" not in cell.get("class", []):
                    cell["class"] = [*cell.get("class", []), "getal"]
                    changed = True
    return str(soup) if changed else html


# -- checking --------------------------------------------------------------------------------

_SCRIPT = re.compile(r"<\s*script\b", re.IGNORECASE)
_SCRIPT_URL = re.compile(r"^\s*(javascript|vbscript):", re.IGNORECASE)
_REMOTE = re.compile(r"^\s*(?:[a-z][a-z0-9+.\-]*:)?//", re.IGNORECASE)
_CSS_URL = re.compile(r"url\(\s*(['\"]?)(?P<url>.*?)\1\s*\)", re.IGNORECASE)
_CSS_IMPORT = re.compile(r"@import\b", re.IGNORECASE)
_EMBEDDING = ("src", "srcset", "poster", "data", "background", "lowsrc", "dynsrc")
_SVG_EMBEDDING = ("image", "use", "feimage")
_LINKING = ("href", "xlink:href", "action", "formaction", "ping")


class _Checker(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.problems: list[str] = []
        self._in_style = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "script":
            self.problems.append("<script> element")
        if tag == "style":
            self._in_style = True
        if tag == "base":
            self.problems.append("<base> element")
        values = {name: (value or "") for name, value in attrs}
        if tag == "meta" and values.get("http-equiv", "").strip().lower() == "refresh":
            self.problems.append("<meta http-equiv=refresh>")
        for name, value in values.items():
            shown = value if len(value) <= 60 else value[:57] + "..."
            if name.startswith("on") or _SCRIPT_URL.match(value):
                self.problems.append(f"<{tag} {name}=...> runs a script")
            elif name in _EMBEDDING or (tag in _SVG_EMBEDDING and name in _LINKING):
                self._check_embedded(tag, name, value, shown)
            elif name in _LINKING:
                if _REMOTE.match(value):
                    self.problems.append(f"<{tag} {name}={shown!r}> loads from another host")
                if tag == "link" and not value.strip().lower().startswith("data:"):
                    self.problems.append(f"<{tag} {name}={shown!r}> refers to a file")
            elif name == "style":
                self._check_css(value, f"style attribute of <{tag}>")

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.handle_starttag(tag, attrs)
        if tag == "style":
            self._in_style = False

    def handle_endtag(self, tag: str) -> None:
        if tag == "style":
            self._in_style = False

    def handle_data(self, data: str) -> None:
        if self._in_style:
            self._check_css(data, "<style>")

    def _check_embedded(self, tag: str, name: str, value: str, shown: str) -> None:
        if name == "srcset":  # candidates "url 2x, url 3x"; a data: URI has no space
            sources = [part.strip().split(" ")[0] for part in re.split(r",\s+", value)]
        else:
            sources = [value.strip()]
        for source in sources:
            if _REMOTE.match(source):
                self.problems.append(f"<{tag} {name}={shown!r}> loads from another host")
            elif not source.lower().startswith("data:"):
                self.problems.append(f"<{tag} {name}={shown!r}> is not embedded (no data: URI)")

    def _check_css(self, css: str, where: str) -> None:
        if _CSS_IMPORT.search(css):
            self.problems.append(f"@import in {where}")
        for match in _CSS_URL.finditer(css):
            url = match["url"].strip()
            if not url.lower().startswith(("data:", "#")):
                shown = url if len(url) <= 60 else url[:57] + "..."
                self.problems.append(f"url({shown}) in {where} is not embedded")
