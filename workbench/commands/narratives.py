"""`workbench narratives`: narrative clusters (with keywords and tactics) and near-duplicate families of a corpus."""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "narratives",
        help="narrative clusters with keywords and tactics, and near-duplicate text families",
        description="Embed the stored posts with a multilingual sentence encoder (cached by text hash), cluster "
                    "them by claim (UMAP + HDBSCAN on a sample, the rest assigned), label tactics against the "
                    "target and competitors, and list the largest near-duplicate families with their templates. "
                    "A rerun on the same corpus and parameters reads the cached results.",
    )
    parser.add_argument("--db", default=str(DEFAULT_DB), help=f"corpus database (default {DEFAULT_DB})")
    parser.add_argument("--since", help="first day analysed (ISO date, UTC)")
    parser.add_argument("--until", help="day after the last day analysed (ISO date, UTC)")
    parser.add_argument("--target", action="append", default=[], metavar="NAME",
                        help="a name of the target (brand, product), any language (repeatable)")
    parser.add_argument("--competitor", action="append", default=[], metavar="NAME",
                        help="a competitor's name, any language (repeatable)")
    parser.add_argument("--mask", action="store_true",
                        help="mask target and competitor names before embedding (default: embed them as written)")
    parser.add_argument("--sample-size", type=int, default=20_000, help="texts UMAP/HDBSCAN are fit on (default 20000)")
    parser.add_argument("--backend", default="use",
                        help="embedding backend: use (multilingual sentence encoder, default), charhash, minilm, st:<dir>")
    parser.add_argument("--jobs", type=int, default=1, help="embedding worker processes (default 1)")
    parser.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    parser.add_argument("--top", type=int, default=10, help="clusters and families to print (default 10)")
    parser.add_argument("--no-families", action="store_true", help="skip near-duplicate families")
    parser.add_argument("--quiet", "--no-progress", dest="quiet", action="store_true",
                        help="no progress bar (it is off anyway when not on a terminal)")
    parser.set_defaults(run=run)


def _day(text: str | None):
    import datetime as dt

    from workbench.errors import ParameterError

    if text is None:
        return None
    try:
        return dt.datetime.fromisoformat(dt.date.fromisoformat(text).isoformat())
    except ValueError as error:
        raise ParameterError(f"not an ISO date: {text!r}") from error


def run(args: argparse.Namespace) -> int:
    from workbench.pipeline import fit_narratives_cached
    from workbench.progress import stages
    from workbench.store import Store
    from workbench.text.embed import get_backend
    from workbench.text.families import NearDuplicateFamilies
    from workbench.visible import visible

    names = ["load"] + ([] if args.no_families else ["near-duplicate families"]) + ["narratives"]
    bar = stages("narratives", names, quiet=args.quiet)
    since, until = _day(args.since), _day(args.until)
    backend = get_backend(args.backend, n_jobs=args.jobs) if args.backend == "use" else get_backend(args.backend)
    with Store(args.db, read_only=True) as store:
        bar.advance("load", str(args.db))
        wanted = ["post_id", "account_id", "created_at", "text", "lang", "kind", "shared_post_id"]
        posts = store.posts(columns=wanted, since=since, until=until)
        families = None
        if not args.no_families:
            # Before the narratives, whose step leaves the process larger: at 2.5M posts the families fitted
            # after them peaked at 7.7 GB, the run's maximum.
            bar.advance("near-duplicate families", f"{posts.height:,} posts")
            families = NearDuplicateFamilies(random_state=args.seed).fit(posts)
        bar.advance("narratives", f"{posts.height:,} posts: embed, UMAP and HDBSCAN on {args.sample_size:,}")
        model = fit_narratives_cached(posts, store, backend=backend, sample_size=args.sample_size,
                                      target_terms=tuple(args.target), competitor_terms=tuple(args.competitor),
                                      mask=args.mask, random_state=args.seed)
    bar.close()
    source = "cached results" if model.cache_hit_ else "fitted"
    print(f"{posts.height:,} posts: {model.clusters_.height} narrative clusters ({source}, run {model.run_id_}), "
          f"noise share {(model.labels_ < 0).mean():.1%}")
    for row in model.clusters_.head(args.top).iter_rows(named=True):
        print(visible(f"  [{row['cluster']}] {row['size']:,} posts, {row['accounts']:,} accounts, "
                      f"{'/'.join(row['languages'] or [])}, tactic {row['tactic'] or '-'}: "
                      f"{' '.join(row['keywords'] or [])}"))  # keywords come from post text: hidden characters shown
    if families is not None:
        print(f"{families.families_.height:,} near-duplicate families, {families.assignments_.height:,} posts in them")
        for row in families.families_.head(args.top).iter_rows(named=True):
            skeleton = families.template(row["family_id"]).skeleton
            print(visible(f"  [{row['family_id']}] {row['kind']}, {row['size']:,} posts, {row['accounts']:,} accounts: {skeleton[:100]!r}"))
    return 0
