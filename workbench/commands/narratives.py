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
    parser.add_argument("--quiet", action="store_true", help="no progress bar (it is off anyway when not on a terminal)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.pipeline import fit_narratives_cached
    from workbench.progress import stages
    from workbench.store import Store
    from workbench.text.families import NearDuplicateFamilies
    from workbench.visible import visible

    names = ["load", "narratives"] + ([] if args.no_families else ["near-duplicate families"])
    bar = stages("narratives", names, quiet=args.quiet)
    with Store(args.db, read_only=True) as store:
        bar.advance("load", str(args.db))
        posts = store.posts(columns=["post_id", "account_id", "created_at", "text", "lang"])
        bar.advance("narratives", f"{posts.height:,} posts: embed, UMAP and HDBSCAN on {args.sample_size:,}")
        model = fit_narratives_cached(posts, store, backend=args.backend, sample_size=args.sample_size,
                                      random_state=args.seed)
    if args.no_families:
        bar.close()
    source = "cached results" if model.cache_hit_ else "fitted"
    print(f"{posts.height:,} posts: {model.clusters_.height} narrative clusters ({source}, run {model.run_id_}), "
          f"noise share {(model.labels_ < 0).mean():.1%}")
    for row in model.clusters_.head(args.top).iter_rows(named=True):
        print(visible(f"  [{row['cluster']}] {row['size']:,} posts, {row['accounts']:,} accounts, tactic {row['tactic'] or '-'}: "
                      f"{' '.join(row['keywords'] or [])}"))  # keywords come from post text: hidden characters shown
    if not args.no_families:
        bar.advance("near-duplicate families", f"{posts.height:,} posts")
        families = NearDuplicateFamilies(random_state=args.seed).fit(posts)
        bar.close()
        print(f"{families.families_.height:,} near-duplicate families, {families.assignments_.height:,} posts in them")
        for row in families.families_.head(args.top).iter_rows(named=True):
            skeleton = families.template(row["family_id"]).skeleton
            print(visible(f"  [{row['family_id']}] {row['kind']}, {row['size']:,} posts, {row['accounts']:,} accounts: {skeleton[:100]!r}"))
    return 0
