"""Print an HTML report to PDF with headless Chromium (where it is installed, as CI installs Debian's).

The page is printed after its scripts ran (charts drawn, tables set up) with every network request
blocked, exactly as the browser tests open it. Interactive tables print up to 100 rows each; the full
tables are in the HTML and the evidence pack.
"""
from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

from workbench.errors import WorkbenchError

CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
CHROMIUM_ENV = "WORKBENCH_CHROMIUM"


def find_chromium() -> str | None:
    """The Chromium executable: `WORKBENCH_CHROMIUM` when set, else the first of CHROMIUM_NAMES on PATH."""
    configured = os.environ.get(CHROMIUM_ENV)
    if configured:
        return configured if Path(configured).exists() else None
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    return None


def print_pdf(html_path: str | Path, pdf_path: str | Path, budget_ms: int = 30000, timeout_s: int = 300) -> Path:
    """Print `html_path` to `pdf_path` (A4 portrait as Chromium lays it out); returns the PDF path.
    Raises WorkbenchError when Chromium is missing or fails."""
    chromium = find_chromium()
    if chromium is None:
        raise WorkbenchError("printing to PDF needs headless Chromium, which is not installed (Debian: apt-get "
                             f"install chromium; or set {CHROMIUM_ENV} to its path)")
    html_path, pdf_path = Path(html_path).resolve(), Path(pdf_path).resolve()
    with tempfile.TemporaryDirectory(prefix="workbench-chromium-") as profile:
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-sync",
            "--disable-background-networking", "--disable-component-update", f"--user-data-dir={profile}",
            "--host-resolver-rules=MAP * ~NOTFOUND", "--proxy-server=127.0.0.1:9",
            f"--virtual-time-budget={budget_ms}", "--no-pdf-header-footer", f"--print-to-pdf={pdf_path}",
            html_path.as_uri(),
        ]
        try:
            result = subprocess.run(command, capture_output=True, text=True, timeout=timeout_s)
        except (OSError, subprocess.TimeoutExpired) as error:
            raise WorkbenchError(f"Chromium could not print {html_path} to PDF: {error}") from error
    if result.returncode != 0 or not pdf_path.exists() or pdf_path.stat().st_size == 0:
        raise WorkbenchError(f"Chromium could not print {html_path} to PDF (exit {result.returncode}): "
                             f"{result.stderr.strip()[-500:]}")
    return pdf_path
