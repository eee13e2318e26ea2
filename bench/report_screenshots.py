"""Screenshots of a rendered report for the README: the first screen (summary) and the first campaign section.

    python bench/report_screenshots.py reports/<run>/report.html docs/img

Uses headless Chromium with the network blocked. The campaign shot hides everything above the campaign's
heading in a temporary copy of the page (the report's own CSP nonce lets that one script run).
"""
from __future__ import annotations

import re
import subprocess
import sys
import tempfile
from pathlib import Path

from workbench.report.pdf import find_chromium

HIDE_ABOVE = """
var heading = document.querySelector('h3[id^="campaign-"]');
if (heading) {
  var cell = heading.closest('.jp-Cell');
  var previous = cell ? cell.previousElementSibling : null;
  while (previous) { previous.style.display = 'none'; previous = previous.previousElementSibling; }
  var output = heading.closest('.jp-OutputArea-child');
  previous = output ? output.previousElementSibling : null;
  while (previous) { previous.style.display = 'none'; previous = previous.previousElementSibling; }
}
"""


def shoot(chromium: str, page: Path, out: Path, size: str) -> None:
    with tempfile.TemporaryDirectory() as profile:
        subprocess.run([chromium, "--headless", "--no-sandbox", "--disable-gpu", "--hide-scrollbars",
                        f"--user-data-dir={profile}", "--host-resolver-rules=MAP * ~NOTFOUND",
                        "--proxy-server=127.0.0.1:9", "--virtual-time-budget=20000", f"--window-size={size}",
                        f"--screenshot={out}", page.resolve().as_uri()], check=True, capture_output=True, timeout=180)


def main(html_path: str, out_dir: str) -> None:
    chromium = find_chromium()
    if chromium is None:
        sys.exit("headless Chromium is not installed")
    html_path, out = Path(html_path), Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    shoot(chromium, html_path, out / "report_summary.png", "1400,900")
    page = html_path.read_text(encoding="utf-8")
    nonce = re.search(r'nonce="([0-9a-f]+)"', page).group(1)
    with tempfile.TemporaryDirectory() as folder:
        copy = Path(folder) / "campaign.html"
        head, tail = page.rsplit("</body>", 1)  # the last one: the inlined libraries contain the string too
        copy.write_text(f'{head}<script nonce="{nonce}">{HIDE_ABOVE}</script></body>{tail}', encoding="utf-8")
        shoot(chromium, copy, out / "report_campaign.png", "1400,1300")
    print(out / "report_summary.png", out / "report_campaign.png")


if __name__ == "__main__":
    main(*sys.argv[1:3])
