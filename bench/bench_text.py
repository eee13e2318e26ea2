"""Speed, peak memory and quality of the text analysis on a synthetic corpus (`workbench synth` output).

    # families: time, peak RSS, ARI and purity against the planted template ids
    .venv/bin/python bench/bench_text.py families --corpus /tmp/text_bench/synth_default_1000000
    # narratives from the stored posts to labelled clusters; run twice: the second run uses the caches
    .venv/bin/python bench/bench_text.py narratives --corpus DIR --db /tmp/text_bench/c.duckdb --runs 2
    # tells on the LLM scenario
    .venv/bin/python bench/bench_text.py tells --corpus DIR

Every measured run is a fresh subprocess, so its peak RSS (ru_maxrss) is its own. The narratives stage ingests
the corpus into a Store first if the database does not exist (not timed). The machine is shared with other
engineers' work: timings are noisy; run twice and keep both numbers.
"""
from __future__ import annotations

import argparse
import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

_PRELUDE = f"""
import json, resource, sys, time
sys.path.insert(0, {str(ROOT)!r})
import polars as pl
import numpy as np
from sklearn.metrics import adjusted_rand_score

def peak_mb():
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)

def ari(truth, predicted):
    # No planted rows (the llm scenario has no templates): report null, not sklearn's 1.0 for empty input.
    return round(adjusted_rand_score(truth, predicted), 4) if len(truth) else None

def purity(truth, predicted):
    frame = pl.DataFrame({{"t": truth, "p": predicted}}).filter(pl.col("p") >= 0)
    if frame.height == 0:
        return 0.0
    top = frame.group_by("p", "t").len().group_by("p").agg(pl.col("len").max())
    return round(top["len"].sum() / frame.height, 4)
"""

_FAMILIES = _PRELUDE + r"""
corpus = sys.argv[1]
posts = pl.read_parquet(corpus + "/posts.parquet", columns=["post_id", "account_id", "created_at", "text", "lang"])
truth = pl.read_parquet(corpus + "/truth_posts.parquet")
from workbench.text.families import NearDuplicateFamilies
started = time.perf_counter()
model = NearDuplicateFamilies(random_state=0).fit(posts)
seconds = time.perf_counter() - started
joined = truth.join(model.assignments_, on="post_id", how="left")
planted = joined.filter(pl.col("template_id").is_not_null())
# Posts in no family count as singletons for the ARI (each its own cluster).
singletons = -1 - pl.int_range(pl.len())
labels = planted.with_columns(pl.coalesce(pl.col("family_id"), singletons).alias("f"))["f"].to_list()
organic_in_campaign = joined.filter(pl.col("template_id").is_null() & pl.col("family_id").is_in(planted["family_id"].drop_nulls().unique().to_list()))
print(json.dumps({
    "stage": "families", "posts": posts.height, "seconds": round(seconds, 2), "peak_rss_mb": peak_mb(),
    "families": model.families_.height, "near": int((model.families_["kind"] == "near").sum()),
    "candidate_pairs": model.n_candidate_pairs_, "linked_pairs": model.n_linked_pairs_,
    "planted_posts": planted.height, "planted_templates": planted["template_id"].n_unique(),
    "planted_in_a_family": round(planted["family_id"].is_not_null().mean(), 4) if planted.height else None,
    "campaign_posts": joined["campaign_id"].is_not_null().sum(),
    "campaign_posts_in_a_family": joined.filter(pl.col("campaign_id").is_not_null())["family_id"].is_not_null().sum(),
    "ari_vs_template": ari(planted["template_id"].to_list(), labels),
    "purity_vs_template": purity(planted["template_id"].to_list(), planted["family_id"].fill_null(-1).to_list()),
    "organic_posts_in_template_families": organic_in_campaign.height,
}))
"""

_NARRATIVES = _PRELUDE + r"""
corpus, db, sample_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
from workbench.store import Store
from workbench.pipeline import fit_narratives_cached
started = time.perf_counter()
with Store(db, read_only=True) as store:
    posts = store.posts(columns=["post_id", "account_id", "created_at", "text", "lang"])
    read_s = time.perf_counter() - started
    model = fit_narratives_cached(posts, store, sample_size=sample_size, random_state=0)
seconds = time.perf_counter() - started
truth = pl.read_parquet(corpus + "/truth_posts.parquet")
joined = posts.select("post_id").with_columns(pl.Series("cluster", model.labels_)).join(truth, on="post_id")
campaign = joined.filter(pl.col("narrative").is_not_null())
templated = campaign.filter(pl.col("template_id").is_not_null())
stats = getattr(model, "embedding_stats_", None)
print(json.dumps({
    "stage": "narratives", "posts": posts.height, "sample_size": sample_size, "seconds": round(seconds, 2),
    "read_posts_s": round(read_s, 2), "peak_rss_mb": peak_mb(), "cache_hit": model.cache_hit_,
    "timings_s": {k: round(v, 2) for k, v in model.timings_.items()},
    "embedded": stats.embedded if stats else 0, "embeddings_from_cache": stats.cached if stats else None,
    "distinct_texts": getattr(model, "n_distinct_texts_", None), "clusters": model.clusters_.height,
    "noise_share": round(float((model.labels_ < 0).mean()), 4),
    "ari_campaign_posts_vs_narrative": ari(campaign["narrative"].to_list(), campaign["cluster"].to_list()),
    "ari_templated_posts_vs_template": ari(templated["template_id"].to_list(), templated["cluster"].to_list()),
    "purity_campaign_vs_narrative": purity(campaign["narrative"].to_list(), campaign["cluster"].to_list()),
    "ari_all_posts_narrative_or_organic": ari(joined["narrative"].fill_null("organic").to_list(), joined["cluster"].to_list()),
    "campaign_clusters": model.clusters_.filter(pl.col("tactic").is_not_null()).select("cluster", "size", "tactic", pl.col("keywords").list.head(6)).head(12).to_dicts(),
}, ensure_ascii=False, default=str))
"""

_TELLS = _PRELUDE + r"""
corpus = sys.argv[1]
posts = pl.read_parquet(corpus + "/posts.parquet", columns=["post_id", "account_id", "text"])
truth = pl.read_parquet(corpus + "/truth_posts.parquet")
from workbench.text.tells import find_tells, tells_per_account
started = time.perf_counter()
found = find_tells(posts)
seconds = time.perf_counter() - started
joined = found.join(truth, on="post_id", how="left")
print(json.dumps({
    "stage": "tells", "posts": posts.height, "seconds": round(seconds, 2), "peak_rss_mb": peak_mb(),
    "posts_with_tell": found["post_id"].n_unique(),
    "of_which_campaign": joined.filter(pl.col("campaign_id").is_not_null())["post_id"].n_unique(),
    "accounts_with_tell": tells_per_account(found).height,
    "phrases": found.group_by("phrase").len().sort("len", descending=True).head(5).to_dicts(),
}, ensure_ascii=False))
"""


def run(code: str, *args: str) -> dict:
    result = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, cwd=ROOT)
    if result.returncode != 0:
        sys.stderr.write(result.stderr)
        raise SystemExit(result.returncode)
    return json.loads(result.stdout.strip().splitlines()[-1])


def ensure_store(corpus: str, db: str) -> None:
    if Path(db).exists():
        return
    subprocess.run([sys.executable, "-m", "workbench.cli", "ingest", corpus, "--preset", "synth", "--db", db,
                    "--no-progress"], check=True, cwd=ROOT)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("stage", choices=["families", "narratives", "tells"])
    parser.add_argument("--corpus", required=True, help="folder written by workbench synth")
    parser.add_argument("--db", help="corpus database for the narratives stage (created if missing)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample-size", type=int, default=20_000)
    args = parser.parse_args()
    for _ in range(args.runs):
        if args.stage == "families":
            out = run(_FAMILIES, args.corpus)
        elif args.stage == "tells":
            out = run(_TELLS, args.corpus)
        else:
            ensure_store(args.corpus, args.db)
            out = run(_NARRATIVES, args.corpus, args.db, str(args.sample_size))
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
