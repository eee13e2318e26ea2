"""Coordination on the real corpora in ../shared/datasets (skips with a message when absent).

    .venv/bin/python bench/bench_coordination_real.py [--datasets ../shared/datasets]

1. CooRTweet's russian_coord_tweets with CooRTweet semantics at its documented settings (time window
   10 s, min participation 5): edges, accounts, connected components.
2. The IRA slice: posts derived from the parquet (retweets' "RT @handle: text" -> shared object = handle +
   original text; t.co links, hashtags and mentions parsed from the text), default signals and settings
   except the window (publish_date has minute resolution, so 60 s = same or adjacent minute);
   communities vs account_category: NMI and ARI over accounts placed in a community.
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import polars as pl

ROOT = Path(__file__).resolve().parents[1]


sys.path.insert(0, str(ROOT))

from measure import peak_rss_gb  # noqa: E402

from workbench.coordination import CoordinationNetwork  # noqa: E402


def components(edges: pl.DataFrame) -> tuple[int, int]:
    """(number of connected components, size of the largest) of an undirected account_a/account_b edge list."""
    import igraph as ig

    names = sorted(set(edges["account_a"].to_list()) | set(edges["account_b"].to_list()))
    index = {n: i for i, n in enumerate(names)}
    graph = ig.Graph(n=len(names), edges=[(index[a], index[b]) for a, b in edges.select("account_a", "account_b").iter_rows()])
    parts = graph.connected_components()
    return len(parts), max((len(p) for p in parts), default=0)


def russian(path: Path) -> dict:
    raw = pl.read_parquet(path)
    posts = raw.select(
        post_id=pl.concat_str([pl.lit("tw:"), pl.col("content_id").cast(pl.String), pl.lit(":"), pl.int_range(pl.len()).cast(pl.String)]),
        account_id=pl.lit("tw:") + pl.col("account_id").cast(pl.String),
        created_at=pl.from_epoch(pl.col("timestamp_share").cast(pl.Int64), time_unit="s").cast(pl.Datetime("us")),
        kind=pl.lit("repost"),
        shared_post_id=pl.col("object_id").cast(pl.String),
    )
    started = time.perf_counter()
    net = CoordinationNetwork(signals=["co_share"], window_s=10, semantics="coortweet", min_participation=5,
                              max_pairs_per_object=None).fit(posts)
    seconds = time.perf_counter() - started
    edges = net.edges_
    n_components, largest = components(edges) if len(edges) else (0, 0)
    accounts = set(edges["account_a"].to_list()) | set(edges["account_b"].to_list())
    return {"rows": len(raw), "fit_s": round(seconds, 2), "edges": len(edges), "accounts": len(accounts),
            "components": n_components, "largest_component": largest,
            "weight_max": int(edges["weight"].max() or 0) if len(edges) else 0,
            "communities": int(net.communities_.height)}


def ira_posts(path: Path) -> pl.DataFrame:
    raw = pl.read_parquet(path)
    rt = pl.col("content").str.extract(r"^RT @(\w+):\s*(.*)$", 2)
    rt_handle = pl.col("content").str.extract(r"^RT @(\w+):", 1)
    frame = raw.with_row_index("row").select(
        key=pl.concat_str([pl.col("author"), pl.col("publish_date").cast(pl.String), pl.col("content").fill_null(""), pl.col("row").cast(pl.String)], separator="\x1f"),
        account_id=pl.lit("twitter:") + pl.col("author").str.to_lowercase(),
        created_at=pl.col("publish_date").cast(pl.Datetime("us")),
        text=pl.col("content"),
        kind=pl.when((pl.col("retweet") == 1) | (pl.col("post_type") == "R") | rt_handle.is_not_null())
        .then(pl.lit("repost")).otherwise(pl.when(pl.col("post_type") == "Q").then(pl.lit("quote")).otherwise(pl.lit("post"))),
        shared_post_id=pl.when(rt_handle.is_not_null()).then(pl.concat_str([pl.lit("rt:"), rt_handle.str.to_lowercase(), pl.lit(":"), rt.str.slice(0, 80)])),
        urls=pl.col("content").str.extract_all(r"https?://\S+"),
        hashtags=pl.col("content").str.extract_all(r"#(\w+)").list.eval(pl.element().str.slice(1)),
        mentions=pl.col("content").str.extract_all(r"@(\w+)").list.eval(pl.element().str.slice(1)),
        category=pl.col("account_category"),
    )
    ids = [hashlib.blake2b(k.encode("utf-8", "surrogatepass"), digest_size=8).hexdigest() for k in frame["key"].to_list()]
    return frame.with_columns(post_id=pl.Series(["twitter:" + i for i in ids])).drop("key")


def ira(path: Path) -> dict:
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    posts = ira_posts(path)
    categories = posts.group_by("account_id").agg(pl.col("category").first())
    results = {}
    for window in (60, 600):
        started = time.perf_counter()
        net = CoordinationNetwork(window_s=window, random_state=0).fit(posts.drop("category"))
        seconds = time.perf_counter() - started
        nodes = net.nodes_.join(categories, on="account_id", how="left")
        placed = nodes.filter(pl.col("community") >= 0)
        results[f"window_{window}s"] = {
            "fit_s": round(seconds, 2), "accounts": nodes.height, "accounts_in_communities": placed.height,
            "communities": net.communities_.height, "edges": net.edges_.height,
            "edges_per_signal": dict(net.edges_.group_by("signal").len().sort("signal").iter_rows()),
            "nmi": round(normalized_mutual_info_score(placed["category"].to_list(), placed["community"].to_list()), 3),
            "ari": round(adjusted_rand_score(placed["category"].to_list(), placed["community"].to_list()), 3),
            "flagged": int(nodes["flagged"].sum()),
        }
    return results


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--datasets", default=str(ROOT.parent / "shared" / "datasets"))
    args = parser.parse_args()
    datasets = Path(args.datasets)
    if not datasets.is_dir():
        print(f"skipped: {datasets} not found (the real-data benchmark needs ../shared/datasets)")
        return
    report = {"russian_coord_tweets": russian(datasets / "russian_coord_tweets.parquet"),
              "ira": ira(datasets / "ira_troll_tweets_dev.parquet"),
              "peak_rss_gb": peak_rss_gb()}
    print(json.dumps(report, indent=2))


if __name__ == "__main__":
    main()
