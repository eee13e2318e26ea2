"""Whole processes, as a user runs them: our CLI against coordination_network_toolkit's, same input, same run.

    .venv/bin/python bench/bench_whole_process.py --posts 200000 [--repeat 3] [--similar] [--keep DIR]

Input: the Twitter-like corpus of bench/bench_coordination_toolkit.py (`generate`), written once in the
toolkit's own CSV format (message_id,user_id,username,repost_id,reply_id,message,timestamp,urls). Each tool
then starts from its own loaded store, as in the issue's table:
- the toolkit's SQLite, loaded by its `preprocess_data` from that CSV with proper URL lists (its CSV
  command would turn an empty urls cell into the link '' and make every link-less post co-link with every
  other; docs/coordination.md, "The toolkit's CSV trap");
- our DuckDB, loaded by `workbench ingest CSV --preset cnt` (timed and reported, not part of the ratio).

Each repetition (default 3) runs, one after the other, every command under `/usr/bin/time -v`:
- toolkit: four processes `compute_networks DB compute {co_link,co_retweet,co_tweet,co_reply}
  --time_window 60 --min_edge_weight 2 --n_cpus 2` on a fresh copy of its store (its first compute builds
  its SQLite indexes, as a user's first run does); its time is the sum of the four, its peak the largest;
- ours: one process `workbench network --fit --db DB --out DIR --signals co_link,co_share,co_text,co_reply
  --window-s 60 --min-edge-weight 2 --text-normalizer toolkit --no-chance-test --format parquet` (edges,
  flags, communities and exports: everything the command does except the test against chance, which the
  toolkit has no counterpart for; `analyze` and `network --fit` at defaults run it);
- in-process edge time (second column): each tool's edge computation timed inside an already-running
  Python process that has its store loaded (toolkit: its four compute_* functions; ours:
  `CoordinationNetwork(..., find_communities=False).fit` on `Store.posts`).
With --similar also `compute co_similar_tweet --similarity_threshold 0.8` against
`workbench network --signals co_similar_text --similarity-threshold 0.8` (toolkit normaliser).

Reported: median and spread (min-max) of wall seconds, CPU seconds (user + system) and peak RSS of each,
the ratios of the medians, the 1-minute load average before and after each command, whether the four
edge sets and weights are identical. The machine is shared: read the load column before the ratio.
"""
from __future__ import annotations

import argparse
import json
import os
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

from bench_coordination_toolkit import generate  # noqa: E402
from measure import timed  # noqa: E402

BIN = Path(sys.executable).parent
FOUR = {"co_link": "co_link", "co_share": "co_retweet", "co_text": "co_tweet", "co_reply": "co_reply"}
TOOLKIT_TABLES = {"co_link": "co_link_network", "co_retweet": "co_retweet_network", "co_tweet": "co_tweet_network",
                  "co_reply": "co_reply_network", "co_similar_tweet": "co_similar_tweet_network"}
ENV = {**os.environ, "PYTHONPATH": str(ROOT)}


def write_inputs(posts: int, seed: int, work: Path) -> Path:
    """The corpus as the toolkit's CSV; ids without our platform prefix, times as integer epoch seconds."""
    frame = generate(posts, seed)
    bare = [pl.col(c).str.replace(r"^tw:", "") for c in ("post_id", "account_id")]
    csv = frame.select(
        bare[0].alias("message_id"), bare[1].alias("user_id"), bare[1].alias("username"),
        pl.col("shared_post_id").str.replace(r"^tw:", "").fill_null("").alias("repost_id"),
        pl.col("parent_post_id").str.replace(r"^tw:", "").fill_null("").alias("reply_id"),
        pl.col("text").alias("message"), pl.col("created_at").dt.epoch("s").alias("timestamp"),
        pl.col("urls").list.join(" ").alias("urls"),
    )
    path = work / "posts_ctk.csv"
    csv.write_csv(path)
    return path


def load_toolkit(csv: Path, db: Path) -> None:
    from coordination_network_toolkit.preprocess import preprocess_data

    frame = pl.read_csv(csv, schema_overrides={c: pl.String for c in ("message_id", "user_id", "username", "repost_id", "reply_id", "message", "urls")})
    rows = [(r["message_id"], r["user_id"], r["username"], r["repost_id"] or "", r["reply_id"] or "", r["message"] or "",
             int(r["timestamp"]), (r["urls"] or "").split()) for r in frame.iter_rows(named=True)]
    preprocess_data(str(db), rows)


TOOLKIT_IN_PROCESS = r"""
import json, sys, time
from coordination_network_toolkit import compute_networks as cn
db = sys.argv[1]
calls = {"co_link": cn.compute_co_link_network, "co_retweet": cn.compute_co_retweet_parallel,
         "co_tweet": cn.compute_co_tweet_network, "co_reply": cn.compute_co_reply_network}
seconds = {}
for name, call in calls.items():
    started = time.perf_counter()
    call(db, 60, n_threads=2, min_edge_weight=2)
    seconds[name] = time.perf_counter() - started
print("RESULT " + json.dumps(seconds))
"""

OURS_IN_PROCESS = r"""
import json, sys, time
from workbench.coordination import CoordinationNetwork
from workbench.store import Store
with Store(sys.argv[1], read_only=True) as store:
    posts = store.posts(columns=["post_id", "account_id", "created_at", "kind", "text", "urls", "shared_post_id", "parent_post_id"])
started = time.perf_counter()
CoordinationNetwork(signals=["co_link", "co_share", "co_text", "co_reply"], window_s=60, min_edge_weight=2, semantics="toolkit",
                    text_normalizer="toolkit", find_communities=False, significance=None).fit(posts)
print("RESULT " + json.dumps({"four": time.perf_counter() - started}))
"""


def in_process(script: str, db: Path, cwd: Path) -> dict:
    done = subprocess.run([sys.executable, "-c", script, str(db)], cwd=cwd, env=ENV, capture_output=True, text=True)
    lines = [line for line in done.stdout.splitlines() if line.startswith("RESULT ")]
    if not lines:
        sys.exit(f"in-process run failed:\n{done.stderr[-3000:]}")
    return json.loads(lines[-1][7:])


def toolkit_edges(db: Path, network: str) -> set[tuple[str, str, int]]:
    with sqlite3.connect(db) as con:
        return {(a, b, int(w)) for a, b, w in con.execute(f"select user_1, user_2, weight from {TOOLKIT_TABLES[network]} where user_1 != user_2")}


def our_edges(out: Path, signal: str) -> set[tuple[str, str, int]]:
    edges = pl.read_parquet(out / "coordination_edges.parquet").filter(pl.col("signal") == signal)
    strip = lambda c: pl.col(c).str.replace(r"^[^:]*:", "")  # noqa: E731  ("cnt:u1" -> "u1")
    return set(edges.select(strip("account_a"), strip("account_b"), pl.col("weight").cast(pl.Int64)).rows())


def spread(values: list[float]) -> dict:
    return {"median": float(np.median(values)), "min": min(values), "max": max(values), "runs": [round(v, 3) for v in values]}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=200_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--similar", action="store_true", help="also co_similar_tweet / co_similar_text at 0.8")
    parser.add_argument("--keep", help="work in this folder and keep it (default: a temporary one)")
    parser.add_argument("--no-in-process", action="store_true", help="skip the in-process edge timings")
    args = parser.parse_args()
    scratch = None if args.keep else tempfile.TemporaryDirectory(prefix="bench_whole_")
    work = Path(args.keep or scratch.name)
    work.mkdir(parents=True, exist_ok=True)

    csv = write_inputs(args.posts, args.seed, work)
    toolkit_db, ours_db = work / "toolkit_loaded.db", work / "ours.duckdb"
    for stale in (toolkit_db, ours_db, ours_db.with_name(ours_db.name + ".wal")):
        stale.unlink(missing_ok=True)
    load_toolkit(csv, toolkit_db)
    ingest = timed([str(BIN / "workbench"), "ingest", str(csv), "--preset", "cnt", "--db", str(ours_db), "--no-progress"], work, ENV)

    runs: dict[str, list[dict]] = {"toolkit": [], "ours": [], "toolkit_similar": [], "ours_similar": []}
    in_process_runs: dict[str, list[float]] = {"toolkit": [], "ours": []}
    identical = {}
    for repetition in range(args.repeat):
        fresh = work / "toolkit_run.db"
        shutil.copyfile(toolkit_db, fresh)
        steps = [timed([str(BIN / "compute_networks"), str(fresh), "compute", network, "--time_window", "60",
                        "--min_edge_weight", "2", "--n_cpus", "2"], work, ENV) for network in FOUR.values()]
        runs["toolkit"].append({"wall_s": sum(s["wall_s"] for s in steps), "cpu_s": sum(s["cpu_s"] for s in steps),
                                "peak_gb": max(s["peak_gb"] for s in steps), "load": [steps[0]["load"][0], steps[-1]["load"][1]]})
        out = work / "ours_out"
        shutil.rmtree(out, ignore_errors=True)
        runs["ours"].append(timed([str(BIN / "workbench"), "network", "--fit", "--db", str(ours_db), "--out", str(out),
                                   "--signals", ",".join(FOUR), "--window-s", "60", "--min-edge-weight", "2",
                                   "--text-normalizer", "toolkit", "--no-chance-test", "--format", "parquet"], work, ENV))
        if repetition == 0:
            identical = {signal: toolkit_edges(fresh, network) == our_edges(out, signal) for signal, network in FOUR.items()}
            identical["edges"] = {signal: len(our_edges(out, signal)) for signal in FOUR}
        if not args.no_in_process:
            shutil.copyfile(toolkit_db, fresh)
            in_process_runs["toolkit"].append(sum(in_process(TOOLKIT_IN_PROCESS, fresh, work).values()))
            in_process_runs["ours"].append(in_process(OURS_IN_PROCESS, ours_db, work)["four"])
        if args.similar:
            shutil.copyfile(toolkit_db, fresh)
            runs["toolkit_similar"].append(timed([str(BIN / "compute_networks"), str(fresh), "compute", "co_similar_tweet",
                                                  "--time_window", "60", "--min_edge_weight", "2", "--similarity_threshold", "0.8",
                                                  "--n_cpus", "2"], work, ENV))
            runs["ours_similar"].append(timed([str(BIN / "workbench"), "network", "--fit", "--db", str(ours_db), "--out", str(work / "ours_similar"),
                                               "--signals", "co_similar_text", "--similarity-threshold", "0.8", "--window-s", "60",
                                               "--min-edge-weight", "2", "--text-normalizer", "toolkit", "--no-chance-test",
                                               "--format", "parquet"], work, ENV))

    def summary(name: str) -> dict:
        found = runs[name]
        return {key: spread([run[key] for run in found]) for key in ("wall_s", "cpu_s", "peak_gb")} | {"load": [run["load"] for run in found]}

    report = {"posts": args.posts, "seed": args.seed, "repeat": args.repeat, "ingest_ours": {k: ingest[k] for k in ("wall_s", "cpu_s", "peak_gb", "load")},
              "four_signals": {"toolkit": summary("toolkit"), "ours": summary("ours"), "identical_edges": identical,
                               "in_process_s": {tool: spread(values) for tool, values in in_process_runs.items() if values}}}
    four = report["four_signals"]
    four["ratio_whole_process"] = four["toolkit"]["wall_s"]["median"] / four["ours"]["wall_s"]["median"]
    four["ratio_cpu"] = four["toolkit"]["cpu_s"]["median"] / four["ours"]["cpu_s"]["median"]
    if four["in_process_s"]:
        four["ratio_in_process"] = four["in_process_s"]["toolkit"]["median"] / four["in_process_s"]["ours"]["median"]
    if args.similar:
        similar = {"toolkit": summary("toolkit_similar"), "ours": summary("ours_similar")}
        similar["ratio_whole_process"] = similar["toolkit"]["wall_s"]["median"] / similar["ours"]["wall_s"]["median"]
        report["similar_text_0.8"] = similar
    print(json.dumps(report, indent=2))
    print(markdown(report))


def markdown(report: dict) -> str:
    four = report["four_signals"]
    t, o = four["toolkit"], four["ours"]

    def cell(stats: dict, unit: str = "s") -> str:
        return f"{stats['median']:.2f} {unit} ({stats['min']:.2f}–{stats['max']:.2f})"

    loads = [load for run in t["load"] + o["load"] for load in run]
    rows = [
        "| posts | toolkit: 4 processes | ours: 1 process | ratio (wall) | CPU toolkit / ours | peak toolkit / ours | in-process edges toolkit / ours | ratio (in-process) | identical edges | load |",
        "|---|---|---|---|---|---|---|---|---|---|",
        f"| {report['posts']:,} | {cell(t['wall_s'])} | {cell(o['wall_s'])} | **{four['ratio_whole_process']:.2f}x** | "
        f"{t['cpu_s']['median']:.2f} / {o['cpu_s']['median']:.2f} s | {t['peak_gb']['max'] * 1000:.0f} / {o['peak_gb']['max'] * 1000:.0f} MB | "
        + (f"{cell(four['in_process_s']['toolkit'])} / {cell(four['in_process_s']['ours'])} | {four['ratio_in_process']:.1f}x | "
           if four["in_process_s"] else "(skipped) | | ") +
        f"{all(v for k, v in four['identical_edges'].items() if k != 'edges')} | {min(loads):.1f}–{max(loads):.1f} |",
    ]
    if "similar_text_0.8" in report:
        s = report["similar_text_0.8"]
        rows.append(f"| {report['posts']:,} similar text 0.8 | {cell(s['toolkit']['wall_s'])} | {cell(s['ours']['wall_s'])} | "
                    f"**{s['ratio_whole_process']:.2f}x** | {s['toolkit']['cpu_s']['median']:.2f} / {s['ours']['cpu_s']['median']:.2f} s | "
                    f"{s['toolkit']['peak_gb']['max'] * 1000:.0f} / {s['ours']['peak_gb']['max'] * 1000:.0f} MB | | | | |")
    return "\n".join(rows)


if __name__ == "__main__":
    main()
