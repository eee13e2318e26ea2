"""Campaign recovery on the synthetic corpus (workbench.synth) per scenario, at default settings.

    .venv/bin/python bench/bench_coordination_quality.py --posts 100000 --scenarios default slow llm small

Precision and recall of `nodes_.flagged` against truth_accounts.is_campaign; fan-club members that are
flagged count as false positives (and are reported separately). Also reports the same with
min_edge_weight=1, to show what the repetition filter costs in recall.
"""
from __future__ import annotations

import argparse
import json
import sys
import tempfile
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from workbench.coordination import CoordinationNetwork  # noqa: E402
from workbench.synth.generator import generate  # noqa: E402


def evaluate(posts: pl.DataFrame, truth: pl.DataFrame, **params) -> dict:
    campaign = set(truth.filter(pl.col("is_campaign"))["account_id"].to_list())
    fans = set(truth.filter(pl.col("is_fan_club"))["account_id"].to_list())
    started = time.perf_counter()
    net = CoordinationNetwork(random_state=0, **params).fit(posts)
    seconds = time.perf_counter() - started
    flagged = set(net.nodes_.filter(pl.col("flagged"))["account_id"].to_list())
    hits = len(flagged & campaign)
    return {"params": params, "fit_s": round(seconds, 1), "campaign_accounts": len(campaign), "flagged": len(flagged),
            "precision": round(hits / max(len(flagged), 1), 3), "recall": round(hits / max(len(campaign), 1), 3),
            "fan_club_flagged": len(flagged & fans)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--scenarios", nargs="+", default=["default", "slow", "llm", "small"])
    args = parser.parse_args()
    for scenario in args.scenarios:
        with tempfile.TemporaryDirectory() as tmp:
            generate(tmp, posts=args.posts, seed=0, scenario=scenario)
            posts = pl.read_parquet(Path(tmp) / "posts.parquet")
            truth = pl.read_parquet(Path(tmp) / "truth_accounts.parquet")
        for params in ({}, {"min_edge_weight": 1}):
            print(json.dumps({"scenario": scenario, "posts": args.posts, **evaluate(posts, truth, **params)}), flush=True)


if __name__ == "__main__":
    main()
