"""Benchmark and quality check of the forensics pipeline (coordination + families + account forensics +
scores + campaigns) on synthetic corpora with ground truth, and on the IRA slice.

    .venv/bin/python bench/bench_forensics.py synth --posts 50000 --seed 1 --scenario default
    .venv/bin/python bench/bench_forensics.py ira            # ../shared/datasets/ira_troll_tweets_dev.parquet (ira preset)

Each case runs in a subprocess so that its peak memory (ru_maxrss) is its own. Prints one JSON line per
case: wall time, peak RSS, precision/recall of flagged accounts against truth_accounts.is_campaign,
share of fan-club members flagged, campaigns found, and (IRA) the distribution over account_category.
Thresholds are the fixed defaults of AnalysisParams: nothing here is tuned on the truth.
"""
from __future__ import annotations

import argparse
import json
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DATASETS = ROOT.parent / "shared" / "datasets"


def synth_case(posts: int, seed: int, scenario: str) -> dict:
    import polars as pl

    from workbench.pipeline import AnalysisParams, analyse_frames
    from workbench.synth import generate

    with tempfile.TemporaryDirectory() as tmp:
        generate(tmp, posts=posts, seed=seed, scenario=scenario)
        folder = Path(tmp)
        manifest = json.loads((folder / "manifest.json").read_text())
        frame_posts = pl.read_parquet(folder / "posts.parquet")
        accounts = pl.read_parquet(folder / "accounts.parquet")
        events = pl.read_csv(folder / "events.csv").with_columns(
            pl.col("occurred_at").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None).dt.cast_time_unit("us")
        )
        truth = pl.read_parquet(folder / "truth_accounts.parquet")
    terms = sorted({t for terms in manifest["target_terms"].values() for t in terms})
    started = time.perf_counter()
    analysis = analyse_frames(frame_posts, accounts, events, None, None, AnalysisParams(target_terms=tuple(terms)))
    seconds = time.perf_counter() - started
    scored = analysis.account_scores.join(truth, on="account_id", how="left")
    flagged = scored.filter(pl.col("flagged"))
    in_campaign = set(analysis.campaign_accounts["account_id"].to_list())
    campaign_truth = scored.filter(pl.col("is_campaign"))
    result = {
        "case": f"synth {scenario} posts={posts} seed={seed}",
        "analysis_s": round(seconds, 1),
        "steps": analysis.timings,
        "posts": frame_posts.height,
        "accounts_with_posts": analysis.account_scores.height,
        "campaign_accounts_true": campaign_truth.height,
        "flagged": flagged.height,
        "precision": round(float(flagged["is_campaign"].mean() or 0.0), 4),
        "recall": round(float(campaign_truth["flagged"].mean() or 0.0), 4),
        "fan_club_flagged_share": round(float(scored.filter(pl.col("is_fan_club"))["flagged"].mean() or 0.0), 4),
        "campaigns": analysis.campaigns.height,
        "campaign_member_precision": round(float(truth.filter(pl.col("account_id").is_in(list(in_campaign)))["is_campaign"].mean() or 0.0), 4) if in_campaign else None,
        "campaign_member_recall": round(len(in_campaign & set(campaign_truth["account_id"].to_list())) / max(campaign_truth.height, 1), 4),
        "recall_by_role": {r: round(v, 3) for r, v in campaign_truth.group_by("role").agg(pl.col("flagged").mean()).sort("role").rows()},
        "sov_max_share_posts": round(float(analysis.share_of_voice.filter(pl.col("campaign_id") == "ALL")["share_posts"].max() or 0), 4),
    }
    return result


def ira_run(limit: int | None) -> dict:
    """Ingest the IRA tweets with the lead's `ira` preset into a temporary store (the parquet is read in
    place), run the default analysis, and report how scores and campaigns distribute over the persona
    teams (account_category labels, origin `ira`; never read by the analysis)."""
    import polars as pl

    from workbench.ingest.loader import ingest_paths
    from workbench.pipeline import AnalysisParams, run_analysis
    from workbench.store import Store

    with tempfile.TemporaryDirectory() as tmp:
        db = Path(tmp) / "ira.duckdb"
        started = time.perf_counter()
        with Store(db) as store:
            ingest_paths(store, [DATASETS / "ira_troll_tweets_dev.parquet"], preset="ira")
        ingest_s = time.perf_counter() - started
        with Store(db, read_only=True) as store:
            started = time.perf_counter()
            analysis = run_analysis(store, AnalysisParams())
            seconds = time.perf_counter() - started
            categories = store.labels(entity_type="account").filter(pl.col("label") == "account_category").select(
                pl.col("entity_id").alias("account_id"), pl.col("value").alias("account_category")
            ).unique("account_id", keep="first")
            n_posts = store.scalar("SELECT count(*) FROM posts")
    in_campaign = analysis.campaign_accounts.select("account_id", "campaign_id")
    scored = (
        analysis.account_scores.join(categories, on="account_id", how="left")
        .join(in_campaign, on="account_id", how="left")
    )
    by_category = (
        scored.group_by("account_category")
        .agg(
            pl.len().alias("accounts"),
            pl.col("score").median().round(3).alias("median_score"),
            pl.col("score").quantile(0.9).round(3).alias("p90_score"),
            pl.col("flagged").mean().round(3).alias("flagged_share"),
            pl.col("campaign_id").is_not_null().mean().round(3).alias("in_campaign_share"),
            pl.col("campaign_id").drop_nulls().n_unique().alias("campaigns"),
        )
        .sort("accounts", descending=True)
    )
    purity = (
        in_campaign.join(categories, on="account_id", how="left")
        .group_by(["campaign_id", "account_category"]).agg(pl.len().alias("n"))
        .sort(["campaign_id", "n", "account_category"], descending=[False, True, False])
        .group_by("campaign_id", maintain_order=True)
        .agg(pl.col("account_category").first().alias("top_category"),
             (pl.col("n").first() / pl.col("n").sum()).round(3).alias("purity"), pl.col("n").sum().alias("members"))
    )
    return {
        "case": f"ira posts={n_posts}",
        "ingest_s": round(ingest_s, 1),
        "analysis_s": round(seconds, 1),
        "steps": analysis.timings,
        "accounts_with_posts": analysis.account_scores.height,
        "flagged_share": round(float(analysis.account_scores["flagged"].mean()), 4),
        "flag_reasons": dict(analysis.account_scores.group_by("flag_reason").len().sort("flag_reason").rows()),
        "in_campaign_share": round(in_campaign.height / max(analysis.account_scores.height, 1), 4),
        "campaigns": analysis.campaigns.height,
        "by_category": by_category.rows(named=True),
        "campaign_purity": purity.sort("members", descending=True).rows(named=True),
        "signals_fired_share": {
            s: round(v, 3) for s, v in analysis.account_signals.group_by("signal").agg(pl.col("fired").mean()).sort("signal").rows()
        },
    }


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    if args.kind == "synth":
        result = synth_case(args.posts, args.seed, args.scenario)
    else:
        result = ira_run(args.limit)
    result["peak_rss_mb"] = round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)
    print(json.dumps(result, default=str))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("kind", choices=["synth", "ira"])
    parser.add_argument("--posts", type=int, default=50_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--scenario", default="default")
    parser.add_argument("--limit", type=int, default=None, help="IRA: first N tweets in time order")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        child(args)
        return
    if args.kind == "ira" and not (DATASETS / "ira_troll_tweets_dev.parquet").exists():
        print(f"skipped: {DATASETS} is absent")
        return
    started = time.perf_counter()
    out = subprocess.run([sys.executable, __file__, *sys.argv[1:], "--child"], capture_output=True, text=True, cwd=ROOT)
    sys.stderr.write(out.stderr[-3000:])
    print(out.stdout.strip())
    print(f"# wall time including generation and imports: {time.perf_counter() - started:.1f} s", file=sys.stderr)


if __name__ == "__main__":
    main()
