"""What notebooks use to show things safely.

Post text, handles, descriptions and templates are attacker-controlled. Everything shown through these
helpers is HTML-escaped cell by cell and cut to a display length, so a post containing `<script>` or
`<img onerror=...>` appears as those characters and never runs. Notebooks should not pass corpus values
to `IPython.display.HTML` or `Markdown` themselves (Markdown output passes raw HTML through).

Charts are emitted as a Vega-Lite mime bundle; `workbench.report.html` turns them into inline, offline
renderings in the HTML report, and JupyterLab renders them itself in interactive use.
"""
from __future__ import annotations

import datetime as dt
import html
import json
import math
import os
from collections.abc import Mapping

import polars as pl

from workbench.visible import visible

MAX_CELL_CHARS = 200
MAX_ROWS = 50
VEGALITE_MIME = "application/vnd.vegalite.v6+json"
# JupyterLab 4 renders Vega-Lite only under the v5 mime type; its renderer draws these v6 specs too.
LAB_VEGALITE_MIME = "application/vnd.vegalite.v5+json"
REPORT_RUN_ENV = "WORKBENCH_REPORT_RUN"
LAB_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.20.1.json"  # an identifier, never fetched


class SafeHTML:
    """HTML built from escaped values (the only kind the helpers return)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def escape(value: object, max_chars: int = MAX_CELL_CHARS) -> str:
    """One value as escaped display text, cut to `max_chars`: control, bidirectional-override and invisible
    characters shown as escapes (`\x1B`, `\u202E`: a handle `safe\u202Etxt.exe` must not read as
    `safeexe.txt`), then HTML-escaped."""
    text = format_value(value)
    if len(text) > max_chars:
        text = text[:max_chars] + "…"
    return html.escape(visible(text, keep="\n\t"), quote=True)


def format_value(value: object) -> str:
    """Readable text for a cell value: lists joined, times in ISO form, floats to 4 significant digits."""
    if value is None:
        return ""
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        return f"{value:.4g}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def table_html(frame: pl.DataFrame, max_rows: int = MAX_ROWS, max_chars: int = MAX_CELL_CHARS,
               caption: str | None = None) -> str:
    """An HTML table of the first `max_rows` rows, every header and cell escaped and truncated."""
    shown = frame.head(max_rows)
    parts = ['<table class="wb-table">']
    if caption:
        parts.append(f"<caption>{escape(caption, 500)}</caption>")
    parts.append("<thead><tr>" + "".join(f"<th>{escape(c, 80)}</th>" for c in shown.columns) + "</tr></thead>")
    parts.append("<tbody>")
    for row in shown.iter_rows():
        parts.append("<tr>" + "".join(f"<td>{escape(v, max_chars)}</td>" for v in row) + "</tr>")
    parts.append("</tbody></table>")
    if frame.height > max_rows:
        parts.append(f'<p class="wb-note">showing {max_rows:,} of {frame.height:,} rows</p>')
    return "".join(parts)


def show_table(frame: pl.DataFrame, max_rows: int = MAX_ROWS, max_chars: int = MAX_CELL_CHARS,
               caption: str | None = None) -> SafeHTML:
    """A safe HTML table for a notebook cell (return it as the cell's last value, or display it)."""
    return SafeHTML(table_html(frame, max_rows, max_chars, caption))


def show_facts(facts: Mapping[str, object], caption: str | None = None) -> SafeHTML:
    """Key/value facts (corpus size, date range, parameters) as an escaped two-column table."""
    frame = pl.DataFrame({"what": list(facts.keys()), "value": [format_value(v) for v in facts.values()]},
                         schema={"what": pl.Utf8, "value": pl.Utf8})
    return show_table(frame, max_rows=len(facts) + 1, max_chars=500, caption=caption)


def show_text(text: str, kind: str = "p") -> SafeHTML:
    """A paragraph (`kind="p"`) or heading (`"h2"`, `"h3"`) of escaped text; findings computed from data."""
    tag = kind if kind in ("p", "h2", "h3", "h4") else "p"
    return SafeHTML(f'<{tag} class="wb-text">{escape(text, 5000)}</{tag}>')


def show_findings(findings: list[str]) -> SafeHTML:
    """A bullet list of escaped finding sentences."""
    items = "".join(f"<li>{escape(f, 2000)}</li>" for f in findings)
    return SafeHTML(f'<ul class="wb-findings">{items}</ul>')


class ChartOutput:
    """A chart as a Vega-Lite mime bundle (no HTML, no script): renderers decide how to draw it."""

    def __init__(self, spec: dict):
        self.spec = spec

    def _repr_mimebundle_(self, include=None, exclude=None):
        bundle = {VEGALITE_MIME: self.spec, "text/plain": f"<chart: {self.spec.get('title', '')}>"}
        if not os.environ.get(REPORT_RUN_ENV):
            # JupyterLab's renderer compiles with Vega-Lite 5; a v6 $schema would only make it warn.
            bundle[LAB_VEGALITE_MIME] = {**self.spec, "$schema": LAB_SCHEMA}
        return bundle


def show_chart(chart) -> ChartOutput:
    """Wrap an Altair chart for display; its spec (with inline data) goes into the notebook output."""
    return ChartOutput(chart.to_dict())


class Displayables:
    """Several outputs shown in order from one cell (tables, charts, notes)."""

    def __init__(self, items: list):
        self.items = [item for item in items if item is not None]

    def _ipython_display_(self):
        from IPython.display import display

        for item in self.items:
            display(item)


def show_all(*items) -> Displayables:
    """Show several items (None entries are skipped) from one cell."""
    return Displayables(list(items))
