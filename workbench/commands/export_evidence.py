"""`workbench export-evidence --db PATH --campaign ID --out DIR [analysis options]`."""
from __future__ import annotations

import argparse

from workbench.commands.analyze import add_analysis_options, analyse_store


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "export-evidence",
        help="write the evidence pack of one campaign (accounts, posts, edges, families, sources, manifest)",
        description="Re-run the analysis with the given options and write the campaign's evidence pack into "
                    "DIR. The same corpus and options give byte-identical files.",
    )
    add_analysis_options(parser)
    parser.add_argument("--campaign", required=True, help="campaign id, as printed by `workbench analyze`")
    parser.add_argument("--out", required=True, help="folder to write the pack into (new or empty)")
    parser.add_argument("--force", action="store_true", help="delete the files of a non-empty --out folder first")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    from workbench.errors import WorkbenchError
    from workbench.forensics.evidence import write_evidence_pack

    from pathlib import Path

    out_dir = Path(args.out)
    if out_dir.exists() and (not out_dir.is_dir() or any(out_dir.iterdir())) and not args.force:
        # Checked before the analysis runs, so the user does not wait minutes to be told.
        raise WorkbenchError(f"the output folder {out_dir} is not empty; choose a new folder, or pass --force to "
                             "delete its files and write the pack there")
    analysis, posts, accounts = analyse_store(args)
    try:
        out = write_evidence_pack(analysis, args.campaign, args.out, posts, accounts, replace=args.force)
    except KeyError as error:
        raise WorkbenchError(str(error.args[0])) from error
    except FileExistsError as error:
        raise WorkbenchError(str(error)) from error
    print(out)
    return 0
