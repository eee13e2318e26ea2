"""Ingest throughput and peak memory for 1M-row Parquet and CSV files.

    .venv/bin/python bench/bench_ingest.py [--rows 1000000]

Each measurement runs in a fresh subprocess (peak RSS is that process's ru_maxrss) ingesting into a
new database. The input is the synthetic corpus (`workbench synth`), written once as Parquet and as a
CSV in the generic layout.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHILD = r"""
import json, resource, sys, time
from workbench.store import Store
from workbench.ingest import ingest_file
path, preset, db, options = sys.argv[1], sys.argv[2], sys.argv[3], json.loads(sys.argv[4])
started = time.perf_counter()
with Store(db) as store:
    summary = ingest_file(store, path, preset, options=options, progress=False)
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
print(json.dumps({"cpu_s": usage.ru_utime + usage.ru_stime, "rows": summary.rows_read, "loaded": summary.rows_loaded, "seconds": seconds,
                  "peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, "reconciles": summary.reconciles}))
"""


def load_average() -> str:
    """The 1-minute load average: the machine is shared, so each measurement says how busy it was."""
    return Path("/proc/loadavg").read_text().split()[0]


def measure(path: Path, preset: str, options: dict, work: Path) -> dict:
    db = work / f"bench_{path.suffix[1:]}.duckdb"
    for leftover in (db, db.with_name(db.name + ".wal")):
        leftover.unlink(missing_ok=True)
    # Flush the dirty pages of the freshly written inputs first, so the measurement does not pay for the
    # generator's write-back (which slowed the first runs of a series by 20-40 %).
    os.sync()
    load_before = load_average()
    out = subprocess.run([sys.executable, "-c", CHILD, str(path), preset, str(db), json.dumps(options)],
                         check=True, capture_output=True, text=True)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    result["load"] = f"{load_before} -> {load_average()}"
    result["rows_per_s"] = result["rows"] / result["seconds"]
    result["file_mb"] = path.stat().st_size / 1e6
    return result


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--work", default=None, help="scratch folder (default: a temporary one)")
    args = parser.parse_args()
    import polars as pl

    from workbench.synth import generate

    scratch = None if args.work else tempfile.TemporaryDirectory(prefix="bench_ingest_")  # removed at exit
    work = Path(args.work or scratch.name)
    folder = work / "synth"
    if not (folder / "manifest.json").exists():
        generate(folder, posts=args.rows, seed=0)
    parquet = folder / "posts.parquet"
    csv_path = work / "posts.csv"
    if not csv_path.exists():
        posts = pl.read_parquet(parquet)
        posts.select("post_id", "account_id", pl.col("created_at").dt.strftime("%Y-%m-%dT%H:%M:%SZ").alias("created_at"), "text",
                     pl.col("urls").list.join(" ").alias("urls")).write_csv(csv_path)
    mapping = {"map": {"post_id": "post_id", "account_id": "account_id", "created_at": "created_at", "text": "text", "urls": "urls"}}
    results = {
        "parquet (synth preset)": measure(parquet, "synth", {}, work),
        "csv (generic preset)": measure(csv_path, "generic", mapping, work),
    }
    for name, result in results.items():
        print(f"{name:24s} {result['rows']:>10,} rows  {result['file_mb']:7.1f} MB  {result['seconds']:6.2f} s  "
              f"{result['rows_per_s']:>10,.0f} rows/s  cpu {result['cpu_s']:6.1f} s  peak {result['peak_rss_mb']:,.0f} MB  "
              f"reconciles={result['reconciles']}  load {result['load']}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.1f} s")
