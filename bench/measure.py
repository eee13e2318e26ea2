"""Measurement helpers shared by the bench scripts (run as `python bench/<script>.py`, so this folder is on sys.path)."""
from __future__ import annotations

import re
import resource
import subprocess
import sys
from pathlib import Path


def peak_rss_gb() -> float:
    """This process's peak resident memory (VmHWM, GB). Unlike ru_maxrss it is not inherited across exec."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1e6
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1e6


def load_average() -> float:
    return float(Path("/proc/loadavg").read_text().split()[0])


def timed(command: list[str], cwd: Path, env: dict | None = None) -> dict:
    """Run `command` under /usr/bin/time -v: wall and CPU seconds, peak RSS (GB), load before and after."""
    before = load_average()
    done = subprocess.run(["/usr/bin/time", "-v", *command], cwd=cwd, env=env, capture_output=True, text=True)
    if done.returncode != 0:
        sys.exit(f"failed: {' '.join(command)}\n{done.stdout[-2000:]}\n{done.stderr[-3000:]}")
    report = done.stderr

    def field(name: str) -> str:
        return re.search(rf"{re.escape(name)}: (.+)", report).group(1).strip()

    clock = [float(part) for part in field("Elapsed (wall clock) time (h:mm:ss or m:ss)").split(":")]
    wall = sum(value * 60 ** power for power, value in enumerate(reversed(clock)))
    # Each step as it finishes, on stderr: a long run under load still leaves its figures if stopped.
    print(f"{' '.join(Path(part).name if '/' in part else part for part in command)}: {wall:.2f} s wall, "
          f"peak {int(field('Maximum resident set size (kbytes)')) / 1e6:.2f} GB, load {before} -> {load_average()}",
          file=sys.stderr, flush=True)
    return {"wall_s": wall, "cpu_s": float(field("User time (seconds)")) + float(field("System time (seconds)")),
            "peak_gb": int(field("Maximum resident set size (kbytes)")) / 1e6, "load": [before, load_average()],
            "stdout": done.stdout}
