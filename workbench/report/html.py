"""Export an executed notebook to one self-contained HTML file that opens offline.

- Inputs (code) are hidden by default; prompts are dropped.
- The template (templates/offline) extends nbconvert's lab template but drops its CDN scripts
  (require.js, MathJax, mermaid, widgets) and inlines the Vega, Vega-Lite and vega-embed libraries once,
  from the JavaScript bundle that vl-convert-python ships (`vl_convert.javascript_bundle()`).
- Chart outputs (Vega-Lite mime bundles written by `display.show_chart`) become a `<div>` plus the spec
  as JSON in a `<script type="application/json">` block with `<`, `>` and `&` escaped, so no value in a
  spec can close the script element. A nonce-based Content-Security-Policy lets only the template's own
  scripts run: even if hostile markup slipped into an output, its scripts and event handlers would not.
"""
from __future__ import annotations

import copy
import json
import re
import secrets
from functools import lru_cache
from pathlib import Path

import nbformat

from workbench.report.display import LAB_VEGALITE_MIME, VEGALITE_MIME

TEMPLATES_DIR = Path(__file__).parent / "templates"


@lru_cache(maxsize=1)
def vega_bundle() -> str:
    """vega-embed + Vega-Lite + Vega as one script (about 0.9 MB), from vl-convert-python."""
    import vl_convert

    bundle = vl_convert.javascript_bundle()
    # A literal "</script" inside would end the inline block early; the shipped bundle has none.
    return bundle.replace("</script", "<\\/script")


@lru_cache(maxsize=1)
def datatables_bundle() -> tuple[str, str]:
    """(script, stylesheet) of DataTables with jQuery, as the itables package ships them (about 0.6 MB and
    0.1 MB): the interactive tables' sort, search and paging, inlined so the report needs no network.

    The shipped script is an ES module ending in `export{...}`; that clause is replaced by one assignment
    of the DataTable class to `window.wbDataTable`, so the report's own module script can use it."""
    from importlib import resources

    folder = resources.files("itables") / "html"
    script = (folder / "dt_bundle.js").read_text(encoding="utf-8")
    style = (folder / "dt_bundle.css").read_text(encoding="utf-8")
    match = re.search(r"export\{([^}]*)\}", script)
    if match is None:
        raise RuntimeError("the itables DataTables bundle has no export clause; this itables version is not supported")
    exported = dict(reversed(part.strip().split(" as ")) for part in match.group(1).split(",") if " as " in part)
    script = script[:match.start()] + f"window.wbDataTable={exported['default']};" + script[match.end():]
    return script.replace("</script", "<\\/script"), style.replace("</style", "<\\/style")


def spec_json(spec: dict) -> str:
    """JSON safe to place inside a <script type="application/json"> element."""
    text = json.dumps(spec, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return text.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e") \
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def charts_to_html(notebook: nbformat.NotebookNode) -> nbformat.NotebookNode:
    """A copy of the notebook whose Vega-Lite outputs are replaced by chart placeholders (text/html)."""
    notebook = copy.deepcopy(notebook)
    counter = 0
    for cell in notebook.cells:
        for output in cell.get("outputs", []):
            data = output.get("data")
            if not data:
                continue
            spec = data.get(VEGALITE_MIME) or data.get(LAB_VEGALITE_MIME)
            if spec is None:
                continue
            counter += 1
            if isinstance(spec, str):
                spec = json.loads(spec)
            markup = (
                f'<div class="wb-chart" id="wb-chart-{counter}" data-spec="wb-spec-{counter}"></div>'
                f'<script type="application/json" id="wb-spec-{counter}">{spec_json(spec)}</script>'
            )
            output["data"] = {"text/html": markup}
            output.setdefault("metadata", {})
    return notebook


def export_html(notebook_path: str | Path, html_path: str | Path, show_inputs: bool = False,
                title: str | None = None) -> Path:
    """Render an executed notebook to a self-contained HTML file; returns the path written."""
    from nbconvert import HTMLExporter

    notebook = nbformat.read(str(notebook_path), as_version=4)
    notebook = charts_to_html(notebook)
    if title:
        notebook.metadata["title"] = title
    exporter = HTMLExporter(
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        template_name="offline",
        exclude_input=not show_inputs,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    tables_script, tables_style = datatables_bundle()
    resources = {"wb_vega_bundle": vega_bundle(), "wb_nonce": secrets.token_hex(16),
                 "wb_tables_bundle": tables_script, "wb_tables_style": tables_style}
    body, _ = exporter.from_notebook_node(notebook, resources=resources)
    html_path = Path(html_path)
    html_path.write_text(body, encoding="utf-8")
    return html_path
