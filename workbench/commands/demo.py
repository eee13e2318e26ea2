"""`workbench demo`: synthetic corpus → ingest → analysis → HTML report, from nothing, in one command."""
from __future__ import annotations

import argparse
import time

from workbench.config import DATA_DIR, DEFAULT_DB, REPORTS_DIR


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser("demo", help="generate a synthetic campaign corpus, analyse it and write the report",
                                   description="Generate the synthetic water-army corpus (data/raw/synth_*), ingest it, "
                                               "run and store the analysis, and render reports/<date>_campaign_report_<n>/report.html.")
    parser.add_argument("--posts", type=int, default=100_000, help="posts in the corpus (default %(default)s)")
    parser.add_argument("--seed", type=int, default=0, help="seed of the corpus and the analysis (default %(default)s)")
    parser.add_argument("--scenario", default="default", help="synthetic scenario: default, slow, llm, small (default %(default)s)")
    parser.add_argument("--embedding-backend", default="charhash",
                        help="narrative embedding of the demo (default %(default)s: seconds; the analysis default 'use', "
                             "the multilingual sentence encoder, takes about five minutes on 100k posts on 2 cores)")
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default %(default)s)")
    parser.add_argument("--out-dir", default=str(REPORTS_DIR), help="where reports go (default %(default)s)")
    parser.set_defaults(run=run)


def _step(label: str, started: float) -> None:
    print(f"[{time.perf_counter() - started:6.1f} s] {label}", flush=True)


def run(args: argparse.Namespace) -> int:
    import json
    from pathlib import Path

    from workbench.ingest import ingest_file, synth_files
    from workbench.pipeline import AnalysisParams, run_analysis
    from workbench.report.runner import run_report
    from workbench.store import Store
    from workbench.synth import generate

    started = time.perf_counter()
    folder = DATA_DIR / "raw" / f"synth_{args.scenario}_{args.posts}_{args.seed}"
    if not (folder / "manifest.json").exists():
        _step(f"generating {args.posts:,} synthetic posts into {folder}", started)
        generate(folder, posts=args.posts, seed=args.seed, scenario=args.scenario)
    manifest = json.loads((folder / "manifest.json").read_text(encoding="utf-8"))
    terms = sorted({term for terms in manifest["target_terms"].values() for term in terms})
    competitors = sorted({brand[key] for brand in manifest["brands"]["competitors"]
                          for key in ("name_en", "name_zh") if brand.get(key)})
    _step(f"ingesting {folder} into {args.db}", started)
    with Store(args.db) as store:
        for path in synth_files(folder):
            summary = ingest_file(store, path, "synth", progress=False)
            print(summary.describe())
    _step("analysing (coordination, families, narratives, forensics, campaigns)", started)
    with Store(args.db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams(target_terms=tuple(terms), competitor_terms=tuple(competitors), narratives=True,
                                                      narrative_params={"backend": args.embedding_backend},
                                                      random_state=args.seed))
        analysis.save(store)
    print(f"  {analysis.campaigns.height} campaigns, {len(analysis.suspicious_accounts()):,} suspicious accounts (run {analysis.run_id})")
    _step("rendering the campaign report", started)
    result = run_report(Path("notebooks") / "campaign_report.ipynb",
                        {"db_path": str(args.db), "target_terms": terms, "analysis_run_id": analysis.run_id, "seed": args.seed},
                        out_root=args.out_dir)
    _step("done", started)
    print(f"report: {result.html_path}")
    return 0
