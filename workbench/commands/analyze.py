"""`workbench analyze --db PATH [--target TERM]... [--since DATE] [--until DATE] [--save] [--out DIR]`."""
from __future__ import annotations

import argparse
from pathlib import Path

from workbench.config import DEFAULT_DB


def add_analysis_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by analyze, export-evidence and verdict (they must rebuild the same analysis)."""
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default: %(default)s)")
    parser.add_argument("--target", action="append", default=[], metavar="TERM",
                        help="a word that makes a post about the target, for share of voice (repeatable)")
    parser.add_argument("--since", help="first day analysed (ISO date, UTC)")
    parser.add_argument("--until", help="day after the last day analysed (ISO date, UTC)")
    parser.add_argument("--threshold", type=float, default=None, help="suspicion score threshold (default 0.2)")
    parser.add_argument("--window", type=float, default=None, help="coordination window in seconds (default 60)")
    parser.add_argument("--narratives", action="store_true",
                        help="also cluster posts into narratives (slower: embeddings, UMAP, HDBSCAN)")
    parser.add_argument("--competitor", action="append", default=[], metavar="NAME",
                        help="a competitor's name, for the narratives' comparison tactic (repeatable)")


def params_from_args(args: argparse.Namespace):
    import datetime as dt

    from workbench.errors import ParameterError
    from workbench.pipeline import AnalysisParams

    def day(text):
        if text is None:
            return None
        try:
            return dt.date.fromisoformat(text).isoformat()
        except ValueError as error:
            raise ParameterError(f"not an ISO date: {text!r}") from error

    extra = {"narratives": bool(getattr(args, "narratives", False))}
    if getattr(args, "competitor", None):
        extra["narrative_params"] = {"competitor_terms": tuple(args.competitor)}
    if args.threshold is not None:
        extra["score_threshold"] = args.threshold
    if args.window is not None:
        extra["coordination"] = {"window_s": args.window}
    return AnalysisParams(since=day(args.since), until=day(args.until), target_terms=tuple(args.target), **extra)


def analyse_store(args: argparse.Namespace, read_only: bool = True):
    """Open the store, run the analysis; returns (analysis, posts, accounts). The store is closed."""
    import datetime as dt

    from workbench.pipeline import analyse_frames
    from workbench.store import Store

    params = params_from_args(args)
    since = dt.datetime.fromisoformat(params.since) if params.since else None
    until = dt.datetime.fromisoformat(params.until) if params.until else None
    with Store(args.db, read_only=read_only) as store:
        posts = store.posts(since=since, until=until)
        accounts = store.accounts()
        analysis = analyse_frames(posts, accounts, store.events(), store.labels(), store.sources(), params, cache=store)
        if getattr(args, "save", False):
            analysis.save(store)
    return analysis, posts, accounts


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="find coordinated campaigns: coordination, text families, account forensics, scores, campaigns",
        description="Run the whole analysis on a corpus database and print the campaigns found.",
    )
    add_analysis_options(parser)
    parser.add_argument("--save", action="store_true", help="store the result frames in the cache database")
    parser.add_argument("--out", help="also write the result frames as Parquet files into this folder")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    analysis, posts, _ = analyse_store(args)
    flagged = analysis.account_scores.filter(pl.col("flagged")).height
    print(f"run {analysis.run_id}: {posts.height} posts, {analysis.account_scores.height} accounts, "
          f"{flagged} flagged, {analysis.campaigns.height} campaigns")
    for row in analysis.campaigns.iter_rows(named=True):
        print(f"  {row['campaign_id']}  {row['status']:<10}  {row['n_accounts']:>6} accounts  {row['n_posts']:>8} posts  "
              f"{row['first_post_at']} .. {row['last_post_at']}  signals: {row['top_signals']}")
    if args.out:
        out = Path(args.out)
        out.mkdir(parents=True, exist_ok=True)
        for name in analysis.FRAMES + analysis.NARRATIVE_FRAMES:
            frame = getattr(analysis, name)
            if name in analysis.NARRATIVE_FRAMES and not frame.width:
                continue  # narratives were not asked for
            frame.write_parquet(out / f"{name}.parquet")
        print(f"frames written to {out}")
    return 0
