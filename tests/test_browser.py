"""Open the HTML report in headless Chromium with the network off: every chart draws, hostile post
text stays text (its scripts and event handlers never run)."""
from __future__ import annotations

import html as html_lib
import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest

from test_report_fixtures import build_store
from workbench.report import run_report

CHROMIUM = shutil.which("chromium") or ("/usr/bin/chromium" if Path("/usr/bin/chromium").exists() else None)
pytestmark = [
    pytest.mark.browser,
    pytest.mark.slow,
    pytest.mark.xdist_group("report"),
    pytest.mark.skipif(CHROMIUM is None, reason="chromium is not installed (apt-get install chromium); browser tests skipped"),
]
NOTEBOOK = Path(__file__).resolve().parents[1] / "notebooks" / "campaign_report.ipynb"


def rendered_dom(html_path: Path, profile: Path, budget_ms: int = 20000, window: str = "1400,900") -> str:
    """The DOM after the page's scripts ran, from headless Chromium with every network request blocked."""
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        f"--window-size={window}",
        "--disable-background-networking", "--disable-component-update", "--disable-sync",
        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
        f"--virtual-time-budget={budget_ms}", "--dump-dom", html_path.resolve().as_uri(),
    ]
    result = subprocess.run(command, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    return result.stdout


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    base = tmp_path_factory.mktemp("browser")
    build_store(base / "corpus.duckdb")
    return run_report(NOTEBOOK, {"db_path": str(base / "corpus.duckdb")}, out_root=base / "reports")


def test_every_chart_draws_offline(report, tmp_path):
    html = report.html_path.read_text()
    expected = html.count('class="wb-chart"')
    assert expected >= 8
    dom = rendered_dom(report.html_path, tmp_path / "profile")
    assert "data-error=" not in dom
    assert dom.count('data-rendered="1"') == expected
    # vega drew real marks into an svg for each chart
    assert dom.count('class="marks"') >= expected
    assert len(re.findall(r'class="mark-(?:rect|symbol|line|rule|area|text)', dom)) >= expected


def test_hostile_post_text_is_shown_as_text_and_never_runs(report, tmp_path):
    dom = rendered_dom(report.html_path, tmp_path / "profile")
    title = re.search(r"<title>(.*?)</title>", dom, re.S).group(1)
    assert "PWNED" not in title
    body_tag = re.search(r'<body class="jp-Notebook"[^>]*>', dom).group(0)
    assert "data-pwned" not in body_tag
    # the payload is on the page, as visible text
    assert "&lt;script&gt;document.title" in dom
    assert "&lt;img src=x onerror=" in dom
    assert not re.search(r"<img[^>]*onerror", dom) and not re.search(r'<a[^>]*href="javascript:', dom)
    assert not re.search(r"<svg[^>]*onload", dom)


# Runs in the page after the report's own scripts (module scripts run in document order): measures where
# the summary is, types into the accounts table's search box, and checks every table cell's text fits.
PROBE = """
setTimeout(function () {
  var out = {};
  var summary = document.getElementById("summary");
  var box = summary.getBoundingClientRect();
  out.summary = {top: box.top, bottom: box.bottom, text: summary.innerText};
  var table = document.getElementById("accounts-table");
  var container = table.closest(".dt-container");
  var input = container ? container.querySelector("input[type=search]") : null;
  out.search = {found: !!input, rowsBefore: table.tBodies[0].rows.length};
  var handle = table.tBodies[0].rows[3].cells[1].innerText;
  out.search.query = handle;
  if (input) {
    input.value = handle;
    input.dispatchEvent(new Event("input", {bubbles: true}));
    input.dispatchEvent(new KeyboardEvent("keyup", {bubbles: true}));
  }
  setTimeout(function () {
    var rows = Array.prototype.slice.call(table.tBodies[0].rows);
    out.search.rowsAfter = rows.length;
    out.search.allMatch = rows.every(function (row) { return row.innerText.indexOf(handle) >= 0; });
    out.search.info = container ? container.querySelector(".dt-info").innerText : "";
    var overflowing = [];
    document.querySelectorAll("table.wb-table td, table.wb-table th").forEach(function (cell) {
      var tableBox = cell.closest("table").getBoundingClientRect(), cellBox = cell.getBoundingClientRect();
      if (cellBox.width === 0) { return; }
      if (cell.scrollWidth > cell.clientWidth + 1 || cellBox.right > tableBox.right + 1) {
        overflowing.push(cell.innerText.slice(0, 60));
      }
    });
    out.overflowing = overflowing;
    out.tables = Number(document.body.getAttribute("data-wb-tables"));
    document.body.setAttribute("data-wb-probe", JSON.stringify(out));
  }, 500);
}, 500);
"""


def probe(report_html: Path, tmp_path: Path) -> dict:
    """Run PROBE in a copy of the report (with the page's own nonce, so its CSP lets the probe run)."""
    page = report_html.read_text(encoding="utf-8")
    nonce = re.search(r'nonce="([0-9a-f]+)"', page).group(1)
    probed = tmp_path / "probed.html"
    head, tail = page.rsplit("</body>", 1)  # the last one: the inlined libraries contain the string too
    probed.write_text(f'{head}<script type="module" nonce="{nonce}">{PROBE}</script></body>{tail}', encoding="utf-8")
    dom = rendered_dom(probed, tmp_path / "profile")
    found = re.search(r'data-wb-probe="([^"]*)"', dom)
    assert found, "the probe did not finish: the report's scripts failed"
    return json.loads(html_lib.unescape(found.group(1)))


def test_findings_come_first_tables_search_and_nothing_overflows(report, tmp_path):
    result = probe(report.html_path, tmp_path)
    summary = result["summary"]
    # the summary with the campaign count and the share of voice is on the first 1400x900 screen
    assert 0 <= summary["top"] < 900 and summary["bottom"] <= 1100, summary
    assert "1 coordinated campaign against the target" in summary["text"]
    assert "share of voice" in summary["text"] and re.search(r"\d+\.\d%", summary["text"])
    # the accounts table is interactive: its search box narrows the rows to the ones that match
    search = result["search"]
    assert search["found"] and search["rowsBefore"] == 10  # paged
    assert 1 <= search["rowsAfter"] < search["rowsBefore"] and search["allMatch"], search
    assert result["tables"] >= 4
    assert result["overflowing"] == []


def test_pdf_prints_the_report(report, tmp_path):
    from workbench.report.pdf import print_pdf

    pdf = print_pdf(report.html_path, tmp_path / "report.pdf")
    assert pdf.read_bytes()[:5] == b"%PDF-" and pdf.stat().st_size > 50_000


def test_pdf_without_chromium_says_what_to_install(tmp_path, monkeypatch, capsys):
    from workbench.cli import main

    monkeypatch.setenv("WORKBENCH_CHROMIUM", str(tmp_path / "no-chromium"))
    assert main(["report", str(NOTEBOOK), "--pdf", "--out-dir", str(tmp_path)]) != 0
    assert "apt-get install chromium" in capsys.readouterr().err
    assert not list(tmp_path.glob("*_campaign_report_*"))  # said so before running anything
