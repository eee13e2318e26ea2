"""Speed and peak memory of `workbench synth` per corpus size.

    .venv/bin/python bench/bench_synth.py --posts 100000 1000000 [10000000] [--scenario default]

Each size runs in a fresh process (peak RSS is that process's own VmHWM) that generates the corpus
into a temporary folder and reports wall time, peak RSS and the size of posts.parquet. Timings on a shared
machine are noisy: run twice and keep both numbers.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_CHILD = r"""
import json, sys, time
sys.path.insert(0, {root!r})
def peak_mb():
    # VmHWM is this process's own high-water mark (ru_maxrss can carry the parent's across fork/exec).
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return round(int(line.split()[1]) / 1024, 1)
from workbench.synth import generate
started = time.perf_counter()
manifest = generate({out!r}, posts={posts}, seed={seed}, scenario={scenario!r})
elapsed = time.perf_counter() - started
from pathlib import Path
print(json.dumps({{
    "posts": {posts}, "scenario": {scenario!r}, "seconds": round(elapsed, 2),
    "peak_rss_mb": peak_mb(),
    "posts_parquet_mb": round(Path({out!r}, "posts.parquet").stat().st_size / 2**20, 1),
    "accounts": manifest.counts["accounts"], "campaign_accounts": manifest.counts["campaign_accounts"],
}}))
"""


def run_one(posts: int, seed: int, scenario: str) -> dict:
    with tempfile.TemporaryDirectory(prefix="bench_synth_") as tmp:
        code = _CHILD.format(root=str(ROOT), out=str(Path(tmp) / "corpus"), posts=posts, seed=seed,
                             scenario=scenario)
        result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
        if result.returncode != 0:
            return {"posts": posts, "scenario": scenario, "error": result.stderr.strip().splitlines()[-1:]}
        return json.loads(result.stdout.strip().splitlines()[-1])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--posts", type=int, nargs="+", default=[100_000, 1_000_000])
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--scenario", default="default")
    args = parser.parse_args()
    for posts in args.posts:
        print(json.dumps(run_one(posts, args.seed, args.scenario)), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
