"""Campaign recovery on the synthetic corpus (workbench.synth) per scenario, at default settings.

    .venv/bin/python bench/bench_coordination_quality.py --posts 100000 --scenarios default slow llm small

Precision and recall of `nodes_.flagged` against truth_accounts.is_campaign; fan-club members that are
flagged count as false positives (and are reported separately), and per flag_reason (repeated, attached,
assets) how many accounts were flagged and how many of them are campaign accounts. Also reports the same
without the shared-assets rule (asset_min_count=0: window rules only), without it and attachment
(repeated pairs only), and with similarity_threshold=0.3 (template variants count as similar text), and
recall ceilings of the *windowed* rules computed with the truth (`recall_ceilings`): the share of
campaign accounts that co-act (any signal, within the window) with at least one other campaign account
on at least min_edge_weight distinct posts (no rule on repeated pairs alone can recall more), and the
share whose co-actions with other campaign accounts cover two posts and two kinds of evidence (no rule
asking for that, as attachment does, can recall more, even knowing the campaign).
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


def recall_ceilings(net: CoordinationNetwork, truth: pl.DataFrame) -> dict[str, float]:
    """Shares of campaign accounts whose co-actions with *other campaign accounts* (known from the truth)
    are: any at all; repeated with one partner on >= min_edge_weight posts (the repeated-pair rule's
    ceiling); spread over >= 2 own posts and >= flag_min_signals kinds (the ceiling of any rule that asks
    for two kinds of evidence on two posts, as attachment does, even one that knew the campaign)."""
    from workbench.coordination.network import SIGNAL_KINDS

    campaign = set(truth.filter(pl.col("is_campaign"))["account_id"].to_list())
    is_campaign = net.account_labels_.is_in(list(campaign)).to_numpy()
    matches = pl.concat([
        pairs.select(x=pl.col(a), y=pl.col(b), row=pl.col(row), kind=pl.lit(SIGNAL_KINDS[signal]))
        for signal, pairs in net._pairs.items()
        for a, b, row in (("account_a", "account_b", "row_a"), ("account_b", "account_a", "row_b"))
    ])
    inside = matches.filter(pl.Series(is_campaign[matches["x"].to_numpy()] & is_campaign[matches["y"].to_numpy()]))
    repeated = inside.unique(["x", "y", "row"]).group_by("x", "y").len().filter(pl.col("len") >= net.min_edge_weight)
    spread = inside.group_by("x").agg(posts=pl.col("row").n_unique(), kinds=pl.col("kind").n_unique()).filter(
        (pl.col("posts") >= 2) & (pl.col("kinds") >= net.flag_min_signals))
    n = max(len(campaign), 1)
    return {"ceiling_any_co_action": round(inside["x"].n_unique() / n, 3),
            "ceiling_repeated": round(pl.concat([repeated["x"], repeated["y"]]).n_unique() / n, 3),
            "ceiling_two_posts_two_kinds": round(spread.height / n, 3)}


def evaluate(posts: pl.DataFrame, truth: pl.DataFrame, **params) -> dict:
    campaign = set(truth.filter(pl.col("is_campaign"))["account_id"].to_list())
    fans = set(truth.filter(pl.col("is_fan_club"))["account_id"].to_list())
    started = time.perf_counter()
    net = CoordinationNetwork(random_state=0, **params).fit(posts)
    seconds = time.perf_counter() - started
    flagged = set(net.nodes_.filter(pl.col("flagged"))["account_id"].to_list())
    by_reason = {}
    for reason, accounts in net.nodes_.filter(pl.col("flagged")).group_by("flag_reason").agg("account_id").rows():
        by_reason[reason] = {"flagged": len(accounts), "campaign": len(set(accounts) & campaign)}
    hits = len(flagged & campaign)
    return {"params": params, "fit_s": round(seconds, 1), "campaign_accounts": len(campaign), "flagged": len(flagged),
            "precision": round(hits / max(len(flagged), 1), 3), "recall": round(hits / max(len(campaign), 1), 3),
            "fan_club_flagged": len(flagged & fans),
            "by_reason": dict(sorted(by_reason.items())), **recall_ceilings(net, truth)}


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, default=100_000)
    parser.add_argument("--scenarios", nargs="+", default=["default", "slow", "llm", "small"])
    parser.add_argument("--seeds", nargs="+", type=int, default=[0])
    args = parser.parse_args()
    for scenario in args.scenarios:
        for seed in args.seeds:
            with tempfile.TemporaryDirectory() as tmp:
                generate(tmp, posts=args.posts, seed=seed, scenario=scenario)
                posts = pl.read_parquet(Path(tmp) / "posts.parquet")
                truth = pl.read_parquet(Path(tmp) / "truth_accounts.parquet")
            for params in ({}, {"asset_min_count": 0}, {"attach_rounds": 0, "asset_min_count": 0},
                           {"similarity_threshold": 0.3}):
                print(json.dumps({"scenario": scenario, "seed": seed, "posts": args.posts, **evaluate(posts, truth, **params)}), flush=True)


if __name__ == "__main__":
    main()
