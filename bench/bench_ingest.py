"""Ingest throughput and peak memory for 1M-row Parquet and CSV files, and the formats users bring.

    .venv/bin/python bench/bench_ingest.py [--rows 1000000] [--v2-tweets 100000] [--ira-copies 6] [--only NAME,...]

--v2-tweets N also ingests a Twitter API v2 JSONL export of N tweets (pages of 100 with includes.users,
~1 KB per tweet; bench/exports.py); --ira-copies K the IRA slice of ../shared/datasets repeated K times
as Parquet (K=6: 1,084,542 rows) through the `ira` preset. 0 skips either.

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
    db = work / f"bench_{path.stem}_{path.suffix[1:]}.duckdb"
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
    parser.add_argument("--v2-tweets", type=int, default=100_000)
    parser.add_argument("--ira-copies", type=int, default=6)
    parser.add_argument("--only", default=None, help="comma-separated subset: parquet,csv,twitter_v2,ira")
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
    only = set(args.only.split(",")) if args.only else {"parquet", "csv", "twitter_v2", "ira"}
    results = {}
    if "parquet" in only:
        results["parquet (synth preset)"] = measure(parquet, "synth", {}, work)
    if "csv" in only:
        results["csv (generic preset)"] = measure(csv_path, "generic", mapping, work)
    if "twitter_v2" in only and args.v2_tweets:
        import exports

        v2 = work / f"twitter_v2_{args.v2_tweets}.jsonl"
        if not v2.exists():
            posts, accounts = exports.synth_frames(args.v2_tweets, 0, work)
            exports.write_twitter_v2(posts, accounts, v2)
        results["twitter_v2 JSONL"] = measure(v2, "twitter_v2", {}, work)
    if "ira" in only and args.ira_copies:
        import exports

        ira = work / f"ira_x{args.ira_copies}.parquet"
        if not ira.exists():
            exports.write_ira(ira, args.ira_copies)
        results["IRA Parquet (ira preset)"] = measure(ira, "ira", {}, work)
    for name, result in results.items():
        print(f"{name:24s} {result['rows']:>10,} rows  {result['file_mb']:7.1f} MB  {result['seconds']:6.2f} s  "
              f"{result['rows_per_s']:>10,.0f} rows/s  cpu {result['cpu_s']:6.1f} s  peak {result['peak_rss_mb']:,.0f} MB  "
              f"reconciles={result['reconciles']}  load {result['load']}")


if __name__ == "__main__":
    started = time.perf_counter()
    main()
    print(f"total {time.perf_counter() - started:.1f} s")
