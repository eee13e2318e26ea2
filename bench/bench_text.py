"""Speed, peak memory and quality of the text analysis on a synthetic corpus (`workbench synth` output).

    # families: time, peak RSS, ARI and purity against the planted template ids
    .venv/bin/python bench/bench_text.py families --corpus /tmp/text_bench/synth_default_1000000
    # narratives from the stored posts to labelled clusters; run twice: the second run uses the caches
    .venv/bin/python bench/bench_text.py narratives --corpus DIR --db /tmp/text_bench/c.duckdb --runs 2
    # tells on the LLM scenario
    .venv/bin/python bench/bench_text.py tells --corpus DIR
    # narrative quality against the planted truth (issue 20): claim-level clusters, tactics per language,
    # campaign drive with the planted campaign accounts as the flagged set
    .venv/bin/python bench/bench_text.py quality --corpus DIR [--mask]

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


_QUALITY = _PRELUDE + r"""
corpus, mask = sys.argv[1], sys.argv[2] == "1"
posts = pl.read_parquet(corpus + "/posts.parquet")
truth = pl.read_parquet(corpus + "/truth_posts.parquet")
truth_accounts = pl.read_parquet(corpus + "/truth_accounts.parquet")
brands = json.load(open(corpus + "/manifest.json"))["brands"]
keys = ("name_en", "name_zh", "car_en", "car_zh", "chip_en", "chip_zh", "phone_en", "phone_zh")
target = [brands["target"][k] for k in keys if brands["target"].get(k)]
competitors = [c[k] for c in brands["competitors"] for k in keys if c.get(k)]
flagged = truth_accounts.filter(pl.col("is_campaign"))["account_id"]
from workbench.text.narratives import fit_narratives
started = time.perf_counter()
model = fit_narratives(posts, target_terms=target, competitor_terms=competitors, flagged_accounts=flagged,
                       mask=mask, map_sample_size=0, random_state=0)
seconds = time.perf_counter() - started
joined = model.posts_.select("post_id", "cluster", "tactic").join(truth, on="post_id").join(posts.select("post_id", "lang"), on="post_id")
smear = joined.filter(pl.col("narrative").is_not_null())
clusters = model.clusters_
majority = joined.group_by("cluster").agg(pl.col("campaign_id").is_not_null().mean().alias("campaign"))
campaign_clusters = majority.filter((pl.col("campaign") > 0.5) & (pl.col("cluster") >= 0))["cluster"].to_list()
driven = clusters.filter(pl.col("campaign_driven"))["cluster"].to_list()
cluster_tactic = dict(zip(clusters["cluster"].to_list(), clusters["tactic"].to_list()))
smear = smear.with_columns(
    pl.col("narrative").replace({"competitor_comparison": "comparison"}).alias("want"),
    pl.col("cluster").replace_strict(cluster_tactic, default=None, return_dtype=pl.String).alias("cluster_tactic"))
# Narrative level: the campaign-driven clusters grouped by their tactic (claims inside a narrative).
grouped = smear.with_columns(pl.when(pl.col("cluster").is_in(driven) & pl.col("cluster_tactic").is_not_null())
                             .then(pl.col("cluster_tactic")).otherwise(pl.col("cluster").cast(pl.String)).alias("g"))
# Every smear post labelled: its cluster's tactic, else its own nearest-prototype tactic.
smear = smear.with_columns(pl.coalesce("cluster_tactic", "tactic").alias("label"))
labelled = smear.with_columns(pl.coalesce("label", pl.col("cluster").cast(pl.String)).alias("l"))
organic = joined.filter(pl.col("campaign_id").is_null())
def by_lang(column):
    return {lang: round(float((group[column] == group["want"]).fill_null(False).mean()), 3)
            for (lang,), group in smear.sort("lang").group_by("lang", maintain_order=True)}
stats = getattr(model, "embedding_stats_", None)
print(json.dumps({
    "stage": "quality", "posts": posts.height, "mask": mask, "seconds": round(seconds, 1), "peak_rss_mb": peak_mb(),
    "timings_s": {k: round(v, 1) for k, v in model.timings_.items()}, "embedded": stats.embedded if stats else None,
    "clusters": clusters.height, "campaign_driven_clusters": len(driven), "smear_posts": smear.height,
    "smear_noise_share": round(float((smear["cluster"] < 0).mean()), 3),
    "ari_smear_vs_narrative_claim_clusters": ari(smear["narrative"].to_list(), smear["cluster"].to_list()),
    "ari_smear_vs_narrative_tactic_groups": ari(grouped["narrative"].to_list(), grouped["g"].to_list()),
    "ari_templated_vs_template": ari(*[smear.filter(pl.col("template_id").is_not_null())[c].to_list() for c in ("template_id", "cluster")]),
    "smear_in_majority_campaign_clusters": round(float(smear["cluster"].is_in(campaign_clusters).mean()), 3),
    "smear_in_campaign_driven_clusters": round(float(smear["cluster"].is_in(driven).mean()), 3),
    "organic_posts_in_campaign_driven_clusters": int(organic["cluster"].is_in(driven).sum()), "organic_posts": organic.height,
    "tactic_match_cluster_label_by_lang": by_lang("cluster_tactic"),
    "tactic_match_post_label_by_lang": by_lang("tactic"),
    "tactic_match_cluster_else_post_by_lang": by_lang("label"),
    "ari_smear_vs_narrative_tactic_labels": ari(labelled["narrative"].to_list(), labelled["l"].to_list()),
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
    parser.add_argument("stage", choices=["families", "narratives", "tells", "quality"])
    parser.add_argument("--corpus", required=True, help="folder written by workbench synth")
    parser.add_argument("--db", help="corpus database for the narratives stage (created if missing)")
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--sample-size", type=int, default=20_000)
    parser.add_argument("--mask", action="store_true", help="quality: mask brand names before embedding")
    args = parser.parse_args()
    for _ in range(args.runs):
        if args.stage == "families":
            out = run(_FAMILIES, args.corpus)
        elif args.stage == "tells":
            out = run(_TELLS, args.corpus)
        elif args.stage == "quality":
            out = run(_QUALITY, args.corpus, "1" if args.mask else "0")
        else:
            ensure_store(args.corpus, args.db)
            out = run(_NARRATIVES, args.corpus, args.db, str(args.sample_size))
        print(json.dumps(out, ensure_ascii=False), flush=True)


if __name__ == "__main__":
    main()
