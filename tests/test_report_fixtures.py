"""Helpers (no tests): a small seeded corpus in a real DuckDB store, with stored analysis results.

200 organic accounts post about phones over 30 days; 40 campaign accounts registered on one day
(handles like `xiaomifan1234`) post near-identical smears about the YU7 around its launch. One campaign
post carries hostile markup whose scripts would set `document.title` / a body attribute if they ran.
"""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import polars as pl

from workbench.store import Store

START = datetime(2025, 6, 1)
LAUNCH = datetime(2025, 6, 26, 12)
HOSTILE = ('<script>document.title="PWNED"</script><img src=x onerror="document.body.setAttribute(\'data-pwned\',\'1\')">'
           '<a href="javascript:document.body.setAttribute(\'data-pwned\',\'2\')" onmouseover="document.title=\'PWNED\'">'
           'YU7 click</a><svg onload="document.body.setAttribute(\'data-pwned\',\'3\')"></svg>')
CAMPAIGN = [f"synth:c{i}" for i in range(40)]


def build_store(path, n_organic: int = 1500, seed: int = 11, with_results: bool = True) -> list[str]:
    """Write the corpus to `path`; returns the campaign account ids."""
    rng = np.random.default_rng(seed)
    organic_accounts = [f"synth:o{i}" for i in range(200)]
    rows = []
    for i in range(n_organic):
        account = organic_accounts[int(rng.integers(0, 200))]
        when = START + timedelta(seconds=int(rng.integers(0, 30 * 86400)))
        topic = ["Xiaomi phone battery is fine", "my new camera", "YU7 looks nice", "lunch today"][int(rng.integers(0, 4))]
        rows.append((f"synth:p{i}", account, when, f"{topic} #{i}", "Weibo Android"))
    for j in range(400):
        account = CAMPAIGN[j % 40]
        when = LAUNCH - timedelta(hours=6) + timedelta(seconds=int(rng.integers(0, 36 * 3600)))
        text = HOSTILE if j == 0 else f"The Xiaomi YU7 catches fire, do not buy it! @{CAMPAIGN[(j + 1) % 40].split(':')[1]}"
        rows.append((f"synth:x{j}", account, when, text, "BatchPoster 2.1"))
    posts = pl.DataFrame(rows, schema=["post_id", "account_id", "created_at", "text", "source_app"], orient="row")
    posts = posts.with_columns(
        pl.lit("synth").alias("platform"), pl.lit("post").alias("kind"), pl.lit("en").alias("lang"),
        pl.lit(1, dtype=pl.Int32).alias("source_id"), pl.int_range(1, pl.len() + 1, dtype=pl.Int64).alias("source_row"),
        pl.lit(2, dtype=pl.Int64).alias("like_count"), pl.lit(0, dtype=pl.Int64).alias("repost_count"),
        pl.lit(0, dtype=pl.Int64).alias("reply_count"),
    )
    accounts = pl.DataFrame({
        "account_id": organic_accounts + CAMPAIGN,
        "handle": [f"person_{i}" for i in range(200)] + [f"xiaomifan{1000 + i}" for i in range(40)],
        "created_at": [datetime(2015, 1, 1) + timedelta(days=17 * i) for i in range(200)] + [datetime(2025, 5, 20, 3)] * 40,
    }).with_columns(pl.lit("synth").alias("platform"), pl.lit(1, dtype=pl.Int32).alias("source_id"),
                    pl.lit(10, dtype=pl.Int64).alias("followers"))
    sources = pl.DataFrame({
        "source_id": [1], "path": ["/data/raw/synth_posts.parquet"], "sha256": ["ab" * 32], "format": ["parquet"],
        "preset": ["synth"], "rows_read": [posts.height + 3], "rows_loaded": [posts.height], "rows_quarantined": [3],
        "rows_duplicate": [0], "started_at": [datetime(2025, 7, 1)],
    }).with_columns(pl.col("source_id").cast(pl.Int32))
    events = pl.DataFrame({"event_id": ["e1"], "name": ["YU7 launch <b>event</b>"], "occurred_at": [LAUNCH],
                           "kind": ["launch"], "target": ["Xiaomi YU7"]})
    with Store(path) as store:
        store.append("sources", sources)
        store.append("posts", posts)
        store.append("accounts", accounts)
        store.append("events", events)
        truth = pl.DataFrame({"entity_id": CAMPAIGN + ["synth:o0"], "value": ["true"] * 40 + ["false"]}).with_columns(
            pl.lit("account").alias("entity_type"), pl.lit("is_campaign").alias("label"),
            pl.lit("ground_truth").alias("origin"), pl.lit(datetime(2025, 7, 1)).alias("created_at"))
        store.add_labels(truth)
        if with_results:
            store_results(store, posts, organic_accounts, n_organic, rng, seed)
    return CAMPAIGN


def store_results(store, posts, organic_accounts, n_organic, rng, seed) -> None:
    """A complete analysis run "run-test" with hand-made results (known scores, edges, narratives), saved
    the way `Analysis.save` saves one: one run, narratives inside it."""
    from workbench.pipeline import AnalysisParams

    scores = pl.DataFrame({"account_id": organic_accounts + CAMPAIGN,
                           "score": [float(s) for s in rng.uniform(0, 0.3, 200)] + [0.9] * 40})
    scores = scores.with_columns((pl.col("score") >= 0.5).alias("flagged"))
    edges = pl.DataFrame([(CAMPAIGN[i], CAMPAIGN[k], 5.0, ["co_text"]) for i in range(40) for k in range(i + 1, min(i + 4, 40))],
                         schema=["account_a", "account_b", "weight", "signals"], orient="row")
    nodes = pl.DataFrame({"account_id": CAMPAIGN, "community": [1] * 40, "coordination_score": [0.9] * 40})
    families = pl.DataFrame({"family_id": [1, 2], "size": [399, 12],
                             "representative_text": ["The Xiaomi YU7 catches fire, do not buy it! @<mention>", "lunch"]})
    narrative_posts = posts.select("post_id", "account_id", "created_at").with_columns(
        pl.Series("cluster", [0 if p.startswith("synth:x") else 1 for p in posts["post_id"]]))
    narrative_map = narrative_posts.join(posts.select("post_id", "text"), on="post_id").with_columns(
        pl.Series("x", rng.normal(size=posts.height)), pl.Series("y", rng.normal(size=posts.height))).drop("created_at")
    narrative_clusters = pl.DataFrame({
        "cluster": [0, 1], "size": [400, n_organic], "keywords": [["fire", "yu7", "buy"], ["phone", "lunch"]],
        "tactic": ["false_claim", None], "exemplars": [["The Xiaomi YU7 catches fire"], ["lunch today"]]})
    campaign_posts = posts.filter(pl.col("post_id").str.starts_with("synth:x")).sort("post_id")
    first_post = dict(zip(campaign_posts["account_id"], campaign_posts["post_id"]))  # last wins; deterministic
    edge_posts = edges.select(
        pl.lit("co_text").alias("signal"), "account_a", "account_b",
        pl.col("account_a").replace_strict(first_post).alias("post_id_a"),
        pl.col("account_b").replace_strict(first_post).alias("post_id_b"))
    members = pl.DataFrame({"campaign_id": ["C-test"] * 40, "account_id": CAMPAIGN, "community": [1] * 40,
                            "score": [0.9] * 40, "fired_signals": ["coordination,registration_burst"] * 40,
                            "verdict": [None] * 40, "status": ["unreviewed"] * 40},
                           schema_overrides={"verdict": pl.Utf8})
    campaigns = pl.DataFrame({
        "campaign_id": ["C-test"], "status": ["unreviewed"], "n_accounts": [40], "n_posts": [400],
        "first_post_at": [campaign_posts["created_at"].min()], "last_post_at": [campaign_posts["created_at"].max()],
        "mean_score": [0.9], "top_signals": ["coordination,registration_burst"], "engagement": [800],
        "audience_followers": [400], "peak_day": [LAUNCH.date()], "peak_posts": [200],
        "surge_events": ["YU7 launch <b>event</b>"], "n_families": [1], "kind": ["smear"],
        "kind_reasons": ["about the target and negative"]})
    campaign_families = pl.DataFrame({"campaign_id": ["C-test"], "family_id": ["1"], "posts": [399]})
    campaign_narratives = pl.DataFrame({"campaign_id": ["C-test"], "cluster": [0], "posts": [400],
                                        "keywords": [["fire", "yu7", "buy"]], "tactic": ["false_claim"]})
    frames = {"account_scores": scores, "coordination_fused_edges": edges, "coordination_nodes": nodes,
              "families": families, "edge_posts": edge_posts, "narrative_posts": narrative_posts,
              "narrative_map": narrative_map, "narrative_clusters": narrative_clusters, "campaigns": campaigns,
              "campaign_accounts": members, "campaign_families": campaign_families,
              "campaign_narratives": campaign_narratives}
    params = json.loads(AnalysisParams(random_state=seed, target_terms=("Xiaomi", "YU7")).to_json())
    store.save_run("run-test", frames, params)
