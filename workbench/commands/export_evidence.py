"""`workbench export-evidence --db PATH --campaign ID --out DIR [--run RUN_ID]`."""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-evidence",
        help="write the evidence pack of one campaign (accounts, posts, edges, families, sources, manifest)",
        description="Write the evidence pack of a campaign of a stored analysis run (`workbench analyze --save`) "
                    "into DIR. The same run gives byte-identical files.",
    )
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default: %(default)s)")
    parser.add_argument("--run", dest="run_id", default=None, metavar="RUN_ID",
                        help="the stored analysis run (default: the latest complete run)")
    parser.add_argument("--campaign", required=True, help="campaign id, as printed by `workbench analyze`")
    parser.add_argument("--out", required=True, help="folder to write the pack into (new or empty)")
    parser.add_argument("--force", action="store_true", help="replace an earlier evidence pack in --out (only the files its manifest lists; any other file is refused)")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.evidence import write_evidence_pack
    from workbench.pipeline import Analysis
    from workbench.store import Store

    from pathlib import Path

    out_dir = Path(args.out)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())) and not args.force:
        # Checked before the run is read, so the user is told at once.
        raise WorkbenchError(f"the output folder {out_dir} is not empty; choose a new folder, or pass --force to "
                             "replace the evidence pack in it")
    with Store(args.db, read_only=True) as store:
        analysis = Analysis.load(store, args.run_id)
        posts = store.posts(since=analysis.params.since, until=analysis.params.until)
        accounts = store.accounts()
    try:
        out = write_evidence_pack(analysis, args.campaign, args.out, posts, accounts, replace=args.force)
    except KeyError as error:
        raise WorkbenchError(str(error.args[0])) from error
    except FileExistsError as error:
        raise WorkbenchError(str(error)) from error
    print(out)
    return 0
