"""`workbench analyze --db PATH [--target-terms TERM]... [--since DATE] [--until DATE] [--window-s S] ...
[--save] [--out DIR]`: the analysis flags are generated from `workbench.params.KNOBS`."""
from __future__ import annotations

import argparse
from pathlib import Path

from workbench.config import DEFAULT_DB, cache_db_for
from workbench.params import add_knob_arguments


def params_from_args(args: argparse.Namespace):
    """The AnalysisParams of the parsed knob flags (workbench.params)."""
    from workbench.params import analysis_params, knob_values

    return analysis_params(knob_values(args))


def analyse_store(args: argparse.Namespace):
    """Open the store read-only, run the analysis and, with --save, store it as one run (the cache database
    stays writable). Returns (analysis, posts analysed)."""
    from workbench.pipeline import run_analysis
    from workbench.store import Store

    from workbench.progress import stages

    params = params_from_args(args)
    names = ["load", "coordination", "near-duplicate families", "AI-text tells", "account signals", "scores and campaigns"]
    names += ["narratives"] if params.narratives else []
    names += ["save"] if getattr(args, "save", False) else []
    with stages("analyze", names, quiet=getattr(args, "quiet", False)) as bar, Store(args.db, read_only=True) as store:
        bar.advance("load", str(args.db))
        analysis = run_analysis(store, params, progress=bar)
        if getattr(args, "save", False):
            bar.advance("save", analysis.run_id)
            analysis.save(store)
    return analysis, analysis.account_posts


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "analyze",
        help="find coordinated campaigns: coordination, text families, account forensics, scores, campaigns",
        description="Run the whole analysis on a corpus database and print the campaigns found.",
    )
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default: %(default)s)")
    add_knob_arguments(parser)
    parser.add_argument("--save", action="store_true",
                        help="store the run (one transaction) for the report, verdict, export-evidence and network")
    parser.add_argument("--out", help="also write the result frames as Parquet files into this folder")
    parser.add_argument("--quiet", action="store_true", help="no progress bar (it is off anyway when not on a terminal)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    analysis, posts = analyse_store(args)
    flagged = analysis.account_scores.filter(pl.col("flagged")).height
    print(f"run {analysis.run_id}: {posts.height} posts, {analysis.account_scores.height} accounts, "
          f"{flagged} flagged, {analysis.campaigns.height} campaigns" + (" (saved)" if args.save else ""))
    for row in analysis.campaigns.iter_rows(named=True):
        print(f"  {row['campaign_id']}  {row['kind']:<18}  {row['status']:<10}  {row['n_accounts']:>6} accounts  "
              f"{row['n_posts']:>8} posts  {row['first_post_at']} .. {row['last_post_at']}  signals: {row['top_signals']}")
    if args.save:
        print(f"saved run {analysis.run_id} in {cache_db_for(args.db)}")
        print(f"next: workbench report notebooks/campaign_report.ipynb -p db_path {args.db} "
              f"-p analysis_run_id {analysis.run_id}")
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
