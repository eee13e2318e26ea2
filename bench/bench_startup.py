"""Start-up time of the CLI: `workbench --help`, `workbench ingest --help`, `workbench network --help`.

    .venv/bin/python bench/bench_startup.py [--repeat 10]

Each command runs `--repeat` times as a whole process under /usr/bin/time; reported: median and spread of
wall seconds, median CPU seconds (user + system), peak RSS, and the bare interpreter (`python -c pass`) for
comparison; the 1-minute load average before and after. CPU seconds are the steadier figure on a shared
machine. `python -X importtime -m workbench.cli ingest --help` shows what is still imported.
"""
from __future__ import annotations

import argparse
import os
import subprocess
import sys
from pathlib import Path
from statistics import median

ROOT = Path(__file__).resolve().parents[1]
COMMANDS = {
    "python -c pass": [sys.executable, "-c", "pass"],
    "workbench --help": [sys.executable, "-m", "workbench.cli", "--help"],
    "workbench ingest --help": [sys.executable, "-m", "workbench.cli", "ingest", "--help"],
    "workbench network --help": [sys.executable, "-m", "workbench.cli", "network", "--help"],
}


def load_average() -> str:
    return Path("/proc/loadavg").read_text().split()[0]


def run_once(command: list[str]) -> tuple[float, float, int]:
    done = subprocess.run(["/usr/bin/time", "-f", "%e %U %S %M", *command], cwd=ROOT, capture_output=True, text=True,
                          env={**os.environ, "PYTHONPATH": str(ROOT)})
    wall, user, system, peak_kb = done.stderr.strip().splitlines()[-1].split()
    return float(wall), float(user) + float(system), int(peak_kb)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=10)
    args = parser.parse_args()
    for name, command in COMMANDS.items():
        before = load_average()
        runs = [run_once(command) for _ in range(args.repeat)]
        walls = [wall for wall, _, _ in runs]
        print(f"{name:26s} wall median {median(walls):.3f} s ({min(walls):.3f}-{max(walls):.3f})  "
              f"cpu median {median(cpu for _, cpu, _ in runs):.3f} s  peak {max(p for _, _, p in runs) / 1000:.0f} MB  "
              f"load {before} -> {load_average()}")


if __name__ == "__main__":
    main()
