"""Open the HTML report in headless Chromium with the network off: every chart draws, hostile post
text stays text (its scripts and event handlers never run)."""
from __future__ import annotations

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


def rendered_dom(html_path: Path, profile: Path, budget_ms: int = 20000) -> str:
    """The DOM after the page's scripts ran, from headless Chromium with every network request blocked."""
    command = [
        CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
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
