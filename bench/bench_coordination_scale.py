"""Coordination at scale: all signals on a large generated corpus; seconds and peak memory per size.

    .venv/bin/python bench/bench_coordination_scale.py --posts 1000000 3000000 10000000

For each size a fresh process generates the corpus (vectorised, not timed), then fits
CoordinationNetwork with every signal except co_post (synchronous posting pairs *every* two posts
within the window: ~470 partners per post at 10M posts over 30 days, billions of pairs; it is a
baseline for small corpora) and reports the fit time and its own peak RSS (VmHWM).
The corpus: accounts = posts / 20, 30 days, 35 % of posts with a Zipf-distributed link, reposts and
replies of Zipf-distributed targets, 20 % with a hashtag, 20 % with a mention, 8 % with a Zipf-distributed
image hash (memes), 2 % campaign posts by 2,000 accounts in bursts (templated text with one changed
word, one link per burst, half of them with one image per burst).
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import polars as pl

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(ROOT))

from measure import peak_rss_gb  # noqa: E402

SIGNALS = ("co_link", "co_domain", "co_share", "co_text", "co_similar_text", "co_reply", "co_hashtag", "co_mention", "co_media")


def generate(n: int, seed: int = 0) -> pl.DataFrame:
    rng = np.random.default_rng(seed)
    span_us = 30 * 86400 * 1_000_000
    n_accounts = max(100, n // 20)
    words = rng.zipf(1.2, (n, 12)) % 50_000
    kind_code = rng.choice(3, n, p=[0.55, 0.3, 0.15])
    link = np.where(rng.random(n) < 0.35, rng.zipf(1.3, n) % 200_000, -1)
    frame = pl.DataFrame({
        "account": rng.integers(0, n_accounts, n),
        "t": rng.integers(0, span_us, n),
        "kind_code": kind_code,
        "link": link,
        "target": rng.zipf(1.4, n) % 100_000,
        "tag": np.where(rng.random(n) < 0.2, rng.zipf(1.5, n) % 5_000, -1),
        "mention": np.where(rng.random(n) < 0.2, rng.zipf(1.5, n) % 20_000, -1),
        "image": np.where(rng.random(n) < 0.08, rng.zipf(1.5, n) % 50_000, -1),
        **{f"w{i}": words[:, i] for i in range(12)},
    })
    n_campaign = n // 50
    burst = rng.integers(0, max(1, n_campaign // 20), n_campaign)
    burst_start = rng.integers(0, span_us, burst.max() + 1)
    template = rng.integers(0, 3000, (200, 12))
    campaign_words = template[burst % 200].copy()
    campaign_words[np.arange(n_campaign), rng.integers(0, 12, n_campaign)] = rng.integers(0, 50_000, n_campaign)
    campaign = pl.DataFrame({
        "account": rng.integers(0, 2000, n_campaign) + n_accounts,
        "t": burst_start[burst] + rng.integers(0, 60_000_000, n_campaign),
        "kind_code": np.zeros(n_campaign, dtype=np.int64),
        "link": 1_000_000 + burst,
        "target": np.zeros(n_campaign, dtype=np.int64),
        "tag": np.full(n_campaign, -1), "mention": np.full(n_campaign, -1),
        "image": np.where(rng.random(n_campaign) < 0.5, 1_000_000 + burst, -1),
        **{f"w{i}": campaign_words[:, i] for i in range(12)},
    })
    frame = pl.concat([frame.head(n - n_campaign), campaign])
    return frame.with_row_index("i").select(
        post_id=pl.lit("tw:") + pl.col("i").cast(pl.String),
        account_id=pl.lit("tw:u") + pl.col("account").cast(pl.String),
        created_at=(pl.datetime(2025, 6, 1) + pl.duration(microseconds=pl.col("t"))).cast(pl.Datetime("us")),
        kind=pl.col("kind_code").replace_strict({0: "post", 1: "repost", 2: "reply"}, return_dtype=pl.String),
        text=pl.concat_str([pl.lit("w") + pl.col(f"w{i}").cast(pl.String) for i in range(12)], separator=" "),
        urls=pl.when(pl.col("link") >= 0).then(pl.concat_list(pl.format("https://site{}.example/p/{}", pl.col("link") % 5000, pl.col("link")))).otherwise(pl.lit([], dtype=pl.List(pl.String))),
        shared_post_id=pl.when(pl.col("kind_code") == 1).then(pl.lit("tw:") + pl.col("target").cast(pl.String)),
        parent_post_id=pl.when(pl.col("kind_code") == 2).then(pl.lit("tw:") + pl.col("target").cast(pl.String)),
        hashtags=pl.when(pl.col("tag") >= 0).then(pl.concat_list(pl.lit("tag") + pl.col("tag").cast(pl.String))).otherwise(pl.lit([], dtype=pl.List(pl.String))),
        mentions=pl.when(pl.col("mention") >= 0).then(pl.concat_list(pl.lit("user") + pl.col("mention").cast(pl.String))).otherwise(pl.lit([], dtype=pl.List(pl.String))),
        media_hashes=pl.when(pl.col("image") >= 0).then(pl.concat_list(pl.format("img{}", pl.col("image")))).otherwise(pl.lit([], dtype=pl.List(pl.String))),
    )


def one_size(n: int) -> dict:
    from workbench.coordination import CoordinationNetwork

    started = time.perf_counter()
    posts = generate(n)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    net = CoordinationNetwork(signals=SIGNALS, window_s=60, random_state=0).fit(posts)
    fit = time.perf_counter() - started
    return {
        "posts": n, "generate_s": round(generated, 1), "fit_s": round(fit, 1),
        "edges": net.edges_.height, "fused_edges": net.fused_edges_.height,
        "edges_per_signal": dict(net.edges_.group_by("signal").len().sort("signal").iter_rows()),
        "hot_objects_skipped": int(net.hot_objects_["skipped"].sum()),
        "communities": net.communities_.height, "flagged": int(net.nodes_["flagged"].sum()),
        "peak_rss_gb": round(peak_rss_gb(), 2),
    }


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--posts", type=int, nargs="+", default=[1_000_000])
    parser.add_argument("--one", type=int, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.one:
        print("RESULT " + json.dumps(one_size(args.one)))
        return
    for n in args.posts:
        done = subprocess.run([sys.executable, __file__, "--one", str(n)], capture_output=True, text=True,
                              env={**os.environ, "PYTHONPATH": str(ROOT)})
        lines = [l for l in done.stdout.splitlines() if l.startswith("RESULT ")]
        print(lines[-1][7:] if lines else f"posts={n} failed: {done.stderr[-2000:]}", flush=True)


if __name__ == "__main__":
    main()
