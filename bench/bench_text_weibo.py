"""Families, templates and narrative keywords on real Chinese text: the Weibo CED repost cascades.

    .venv/bin/python bench/bench_text_weibo.py [--threshold 0.5] [--narratives] [--top 8]

Reads ../shared/datasets/weibo_ced_reposts_dev.parquet in place (skips with a message when it is absent),
prints timings, the largest near-duplicate families with their template skeletons, and (with --narratives)
the largest narrative clusters with their keywords. The machine is shared: timings are noisy.
"""
from __future__ import annotations

import argparse
import resource
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
DATASET = ROOT.parent / "shared" / "datasets" / "weibo_ced_reposts_dev.parquet"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--threshold", type=float, default=None)
    parser.add_argument("--narratives", action="store_true")
    parser.add_argument("--top", type=int, default=8)
    args = parser.parse_args()
    if not DATASET.exists():
        print(f"skipped: {DATASET} not found (the real-data benchmarks need ../shared/datasets)")
        return
    import polars as pl

    from workbench.text.families import NearDuplicateFamilies
    from workbench.text.narratives import fit_narratives

    raw = pl.read_parquet(DATASET)
    posts = raw.select(
        ("weibo:" + pl.col("mid")).alias("post_id"), ("weibo:" + pl.col("uid")).alias("account_id"),
        "created_at", "text", pl.lit(None, dtype=pl.String).alias("lang"),
    ).unique("post_id", keep="first", maintain_order=True)
    params = {} if args.threshold is None else {"threshold": args.threshold}
    started = time.perf_counter()
    model = NearDuplicateFamilies(random_state=0, **params).fit(posts)
    print(f"posts {posts.height}, families {model.families_.height} "
          f"(near {int((model.families_['kind'] == 'near').sum())}), posts in families {model.assignments_.height}, "
          f"{time.perf_counter() - started:.1f} s, peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    for row in model.families_.head(args.top).iter_rows(named=True):
        template = model.template(row["family_id"])
        slots = "; ".join(f"⟨{k}⟩: " + " | ".join(f"{f or '∅'} ({n})" for f, n in v[:3]) for k, v in list(template.slots.items())[:3])
        print(f"- family {row['family_id']} ({row['kind']}, {row['size']} posts, {row['distinct_texts']} texts, "
              f"{row['accounts']} accounts, {row['first_post_at']} → {row['last_post_at']})\n"
              f"  template: {template.skeleton[:160]}\n  slots: {slots[:300]}")
    if args.narratives:
        started = time.perf_counter()
        narratives = fit_narratives(posts, random_state=0)
        print(f"narratives: {narratives.clusters_.height} clusters, noise share {(narratives.labels_ < 0).mean():.2f}, "
              f"{time.perf_counter() - started:.1f} s {({k: round(v, 1) for k, v in narratives.timings_.items()})}, "
              f"peak RSS {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
        for row in narratives.clusters_.head(args.top).iter_rows(named=True):
            print(f"- cluster {row['cluster']} ({row['size']} posts, {row['accounts']} accounts, tactic {row['tactic']}): "
                  f"{' '.join(row['keywords'] or [])}\n  e.g. {(row['exemplars'] or [''])[0][:100]}")


if __name__ == "__main__":
    main()
