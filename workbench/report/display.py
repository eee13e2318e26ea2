"""What notebooks use to show things safely.

Post text, handles, descriptions and templates are attacker-controlled. Everything shown through these
helpers is HTML-escaped cell by cell and cut to a display length, so a post containing `<script>` or
`<img onerror=...>` appears as those characters and never runs. Notebooks should not pass corpus values
to `IPython.display.HTML` or `Markdown` themselves (Markdown output passes raw HTML through).

Charts are emitted as a Vega-Lite mime bundle; `workbench.report.html` turns them into inline, offline
renderings in the HTML report, and JupyterLab renders them itself in interactive use.
"""
from __future__ import annotations

import codecs
import datetime as dt
import hashlib
import html
import json
import math
import os
import re
from collections.abc import Mapping
from pathlib import Path

import polars as pl

from workbench.csvsafe import write_csv
from workbench.visible import visible, visible_id

MAX_CELL_CHARS = 200
MAX_ROWS = 50
MAX_SEARCH_ROWS = 1000  # rows an interactive table carries into the HTML (sorted, searched and paged there)
VEGALITE_MIME = "application/vnd.vegalite.v6+json"
# JupyterLab 4 renders Vega-Lite only under the v5 mime type; its renderer draws these v6 specs too.
LAB_VEGALITE_MIME = "application/vnd.vegalite.v5+json"
REPORT_RUN_ENV = "WORKBENCH_REPORT_RUN"
# The run folder of `workbench report` (set for its kernel): interactive tables cut to their first rows
# write every row beside the page, as tables/<table id>.csv, and link to it.
REPORT_DIR_ENV = "WORKBENCH_REPORT_DIR"
TABLES_DIR = "tables"
LAB_SCHEMA = "https://vega.github.io/schema/vega-lite/v5.20.1.json"  # an identifier, never fetched


class SafeHTML:
    """HTML built from escaped values (the only kind the helpers return)."""

    def __init__(self, markup: str):
        self.markup = markup

    def _repr_html_(self) -> str:
        return self.markup

    def __str__(self) -> str:
        return self.markup


def escape(value: object, max_chars: int = MAX_CELL_CHARS, as_id: bool = False) -> str:
    """One value as escaped display text, cut to `max_chars`: control, bidirectional-override and invisible
    characters shown as escapes (`\x1B`, `\u202E`: a handle `safe\u202Etxt.exe` must not read as
    `safeexe.txt`), then HTML-escaped. An identifier (`as_id`) is shown with `visible_id`, so that two ids
    never look alike."""
    text = format_value(value)
    if len(text) > max_chars:
        text = text[:max_chars] + "…"
    return html.escape(visible_id(text) if as_id else visible(text, keep="\n\t"), quote=True)


def escape_id(value: object, max_chars: int = MAX_CELL_CHARS) -> str:
    """An identifier as escaped display text (`escape` with `as_id`): what its table shows and its links search."""
    return escape(value, max_chars, as_id=True)


def format_value(value: object) -> str:
    """Readable text for a cell value: booleans as yes/no, integers with thousands separators, floats to 4
    significant digits (3 decimals between -1 and 1), lists joined, times in ISO form."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        if math.isnan(value):
            return ""
        if value.is_integer() and abs(value) < 1e15:
            return f"{int(value):,}"
        if -1 < value < 1:
            return f"{value:.3f}"
        return f"{value:,.4g}" if abs(value) < 1e4 else f"{value:,.0f}"
    if isinstance(value, dt.datetime):
        return value.isoformat(sep=" ", timespec="seconds")
    if isinstance(value, (list, tuple)):
        return ", ".join(format_value(v) for v in value)
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True, default=str)
    return str(value)


def anchor_id(prefix: str, value: object) -> str:
    """An HTML id for `value` (an account or campaign id, hostile text): safe characters plus a short hash,
    so two values never share an anchor and no value can break out of the attribute."""
    text = "" if value is None else str(value)
    readable = re.sub(r"[^A-Za-z0-9_-]+", "-", text)[:40].strip("-")
    digest = hashlib.sha1(text.encode("utf-8", "surrogatepass")).hexdigest()[:6]
    return f"{prefix}-{readable}-{digest}" if readable else f"{prefix}-{digest}"


def _column_class(name: str, dtype: pl.DataType) -> str:
    """CSS class of a column: numbers and times stay on one line, ids never break mid-value, text wraps."""
    lowered = name.lower()
    if lowered.endswith(("_id", "_ids")) or lowered in ("id", "source", "target", "account", "account_a", "account_b",
                                                         "handle", "run", "campaign", "community", "family"):
        return "wb-id"  # numeric ids too: shown without thousands separators
    if dtype.is_numeric() or dtype == pl.Boolean:
        return "wb-num"
    if dtype in (pl.Date, pl.Datetime) or isinstance(dtype, pl.Datetime):
        return "wb-time"
    return "wb-text"


def _sort_key(value: object) -> str | None:
    """The raw value DataTables sorts a formatted number or time by (`data-order`)."""
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, (int, float)):
        return None if isinstance(value, float) and math.isnan(value) else repr(value)
    if isinstance(value, (dt.datetime, dt.date)):
        return value.isoformat()
    return None


def table_html(frame: pl.DataFrame, max_rows: int = MAX_ROWS, max_chars: int = MAX_CELL_CHARS,
               caption: str | None = None, table_id: str | None = None, interactive: bool = False,
               anchors: Mapping[str, str] | None = None, filters: Mapping[str, str] | None = None) -> str:
    """An HTML table of the first `max_rows` rows, every header and cell escaped and truncated.

    interactive : mark the table for the report's DataTables (sort, search, paging over every row shown);
        in a notebook it stays a static table in a scrolling box.
    anchors : column -> id prefix; the cell links to `#<anchor_id(prefix, value)>` (a section of the page).
    filters : column -> table id; the cell links to that table and, in the report, searches it for the value
        (drill-down from a campaign's members to their posts).
    """
    shown = frame.head(max_rows)
    anchors, filters = dict(anchors or {}), dict(filters or {})
    classes = {name: _column_class(name, dtype) for name, dtype in shown.schema.items()}
    id_attr = f' id="{html.escape(table_id, quote=True)}"' if table_id else ""
    kind = "wb-table wb-interactive" if interactive else "wb-table"
    # In a notebook (no DataTables) a long interactive table scrolls inside its box; the report lifts the cap.
    wrap_style = ' style="max-height:520px;overflow:auto"' if interactive and shown.height > 20 else ""
    parts = [f'<div class="wb-table-wrap"{wrap_style}><table class="{kind}"{id_attr}>']
    if caption:
        parts.append(f"<caption>{escape(caption, 500)}</caption>")
    # headers may break after an underscore (weight_co_similar_text), never inside a word
    parts.append("<thead><tr>" + "".join(f'<th class="{classes[c]}">{escape(c, 80).replace("_", "_<wbr>")}</th>'
                                         for c in shown.columns) + "</tr></thead>")
    parts.append("<tbody>")
    columns = shown.columns
    for row in shown.iter_rows():
        cells = []
        for name, value in zip(columns, row):
            plain_id = classes[name] == "wb-id" and isinstance(value, int) and not isinstance(value, bool)
            text = (escape_id if classes[name] == "wb-id" else escape)(str(value) if plain_id else value, max_chars)
            order = _sort_key(value)
            order_attr = f' data-order="{html.escape(order, quote=True)}"' if order is not None else ""
            if value is not None and text and name in anchors:
                text = f'<a href="#{anchor_id(anchors[name], value)}">{text}</a>'
            elif value is not None and text and name in filters:
                # The value as the linked table shows it (an id, escaped): what its search finds, and never a
                # raw U+202E in the search box.
                raw = escape_id(value, max_chars=10**9)
                text = (f'<a href="#{html.escape(filters[name], quote=True)}" data-wb-filter="{raw}" '
                        f'data-wb-table="{html.escape(filters[name], quote=True)}">{text}</a>')
            cells.append(f'<td class="{classes[name]}"{order_attr}>{text}</td>')
        parts.append("<tr>" + "".join(cells) + "</tr>")
    parts.append("</tbody></table></div>")
    if frame.height > max_rows:
        parts.append(f'<p class="wb-note">showing the first {max_rows:,} of {frame.height:,} rows</p>')
    return "".join(parts)


def show_table(frame: pl.DataFrame, max_rows: int = MAX_ROWS, max_chars: int = MAX_CELL_CHARS,
               caption: str | None = None, table_id: str | None = None, interactive: bool = False,
               anchors: Mapping[str, str] | None = None, filters: Mapping[str, str] | None = None) -> SafeHTML:
    """A safe HTML table for a notebook cell (return it as the cell's last value, or display it)."""
    return SafeHTML(table_html(frame, max_rows, max_chars, caption, table_id, interactive, anchors, filters))


def show_search_table(frame: pl.DataFrame, table_id: str, caption: str, max_rows: int = MAX_SEARCH_ROWS,
                      max_chars: int = MAX_CELL_CHARS, anchors: Mapping[str, str] | None = None,
                      filters: Mapping[str, str] | None = None) -> SafeHTML:
    """An interactive table (sort, search, paging) of up to `max_rows` rows: the HTML stays bounded. In a
    `workbench report` run, a longer table also goes whole to `tables/<table_id>.csv` in the run folder
    (UTF-8 with BOM for Excel, formula-like cells neutralised, lists joined with "|"), linked under it."""
    table = table_html(frame, max_rows, max_chars, caption, table_id, True, anchors, filters)
    folder = os.environ.get(REPORT_DIR_ENV)
    if frame.height > max_rows and folder:
        path = Path(folder) / TABLES_DIR / f"{anchor_id('table', table_id)}.csv"
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as handle:
            handle.write(codecs.BOM_UTF8)
            write_csv(frame, handle)
        relative = html.escape(f"{TABLES_DIR}/{path.name}", quote=True)
        table += (f'<p class="wb-note">all {frame.height:,} rows: <a href="{relative}" download>{html.escape(relative)}</a> '
                  "(CSV beside this report)</p>")
    return SafeHTML(table)


def show_facts(facts: Mapping[str, object], caption: str | None = None) -> SafeHTML:
    """Key/value facts (corpus size, date range, parameters) as an escaped two-column table."""
    frame = pl.DataFrame({"what": list(facts.keys()), "value": [format_value(v) for v in facts.values()]},
                         schema={"what": pl.Utf8, "value": pl.Utf8})
    return show_table(frame, max_rows=len(facts) + 1, max_chars=500, caption=caption)


def show_text(text: str, kind: str = "p", anchor: str | None = None) -> SafeHTML:
    """A paragraph (`kind="p"`) or heading (`"h2"`, `"h3"`) of escaped text; findings computed from data.
    `anchor` (already an `anchor_id`) becomes the element's id, so the table of contents can link to it."""
    tag = kind if kind in ("p", "h2", "h3", "h4") else "p"
    id_attr = f' id="{html.escape(anchor, quote=True)}"' if anchor else ""
    return SafeHTML(f'<{tag} class="wb-text"{id_attr}>{escape(text, 5000)}</{tag}>')


def show_links(items: list[tuple[str, str]], caption: str | None = None) -> SafeHTML:
    """A list of in-page links (text, anchor id): the table of contents."""
    links = "".join(f'<li><a href="#{html.escape(anchor, quote=True)}">{escape(text, 300)}</a></li>' for text, anchor in items)
    head = f'<p class="wb-toc-title">{escape(caption, 200)}</p>' if caption else ""
    return SafeHTML(f'<nav class="wb-toc">{head}<ul>{links}</ul></nav>')


def show_summary(headline: str, findings: list[str], confidence: str, facts: Mapping[str, object]) -> SafeHTML:
    """The findings block at the top of a report: a headline, the answers as sentences, the confidence
    statement and key numbers, all escaped. It carries id `summary` for the contents and the browser test."""
    items = "".join(f"<li>{escape(f, 2000)}</li>" for f in findings)
    numbers = "".join(f'<div class="wb-kpi"><div class="wb-kpi-value">{escape(format_value(v), 40)}</div>'
                      f'<div class="wb-kpi-label">{escape(k, 80)}</div></div>' for k, v in facts.items())
    return SafeHTML(f'<section class="wb-summary" id="summary"><h2 class="wb-text">{escape(headline, 500)}</h2>'
                    f'<div class="wb-kpis">{numbers}</div><ul class="wb-findings">{items}</ul>'
                    f'<p class="wb-confidence">{escape(confidence, 2000)}</p></section>')


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
