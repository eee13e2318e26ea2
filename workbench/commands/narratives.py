"""`workbench narratives`: narrative clusters (with keywords and tactics) and near-duplicate families of a corpus."""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "narratives",
        help="narrative clusters with keywords and tactics, and near-duplicate text families",
        description="Embed the stored posts (cached by text hash), cluster them (UMAP + HDBSCAN on a sample), "
                    "label tactics, and list the largest near-duplicate families with their templates. "
                    "A rerun on the same corpus and parameters reads the cached results.",
    )
    parser.add_argument("--db", default=str(DEFAULT_DB), help=f"corpus database (default {DEFAULT_DB})")
    parser.add_argument("--sample-size", type=int, default=20_000, help="texts UMAP/HDBSCAN are fit on (default 20000)")
    parser.add_argument("--backend", default="charhash", help="embedding backend: charhash (default), minilm, st:<dir>")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--top", type=int, default=10, help="clusters and families to print (default 10)")
    parser.add_argument("--no-families", action="store_true", help="skip near-duplicate families")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.store import Store
    from workbench.text.families import NearDuplicateFamilies
    from workbench.text.narratives import fit_narratives
    from workbench.visible import visible

    with Store(args.db, read_only=True) as store:
        posts = store.posts(columns=["post_id", "account_id", "created_at", "text", "lang"])
        model = fit_narratives(posts, backend=args.backend, cache=store, sample_size=args.sample_size,
                               random_state=args.seed)
    source = "cached results" if model.cache_hit_ else "fitted"
    print(f"{posts.height:,} posts: {model.clusters_.height} narrative clusters ({source}, run {model.run_id_}), "
          f"noise share {(model.labels_ < 0).mean():.1%}")
    for row in model.clusters_.head(args.top).iter_rows(named=True):
        print(visible(f"  [{row['cluster']}] {row['size']:,} posts, {row['accounts']:,} accounts, tactic {row['tactic'] or '-'}: "
                      f"{' '.join(row['keywords'] or [])}"))  # keywords come from post text: hidden characters shown
    if not args.no_families:
        families = NearDuplicateFamilies(random_state=args.seed).fit(posts)
        print(f"{families.families_.height:,} near-duplicate families, {families.assignments_.height:,} posts in them")
        for row in families.families_.head(args.top).iter_rows(named=True):
            skeleton = families.template(row["family_id"]).skeleton
            print(visible(f"  [{row['family_id']}] {row['kind']}, {row['size']:,} posts, {row['accounts']:,} accounts: {skeleton[:100]!r}"))
    return 0
