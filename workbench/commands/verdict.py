"""`workbench verdict --db PATH (--account ID | --campaign ID) --value confirmed|rejected [--merge-into ID]
--author NAME --note TEXT`: record an analyst verdict as labels, kept across analysis runs."""
from __future__ import annotations

import argparse

from workbench.commands.analyze import add_analysis_options, analyse_store


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "verdict",
        help="confirm, reject or merge an account or campaign (stored as analyst labels)",
        description="Rejected accounts drop out of campaigns in later runs; a confirmed or merged campaign "
                    "keeps its id because its current members are pinned to it.",
    )
    add_analysis_options(parser)
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--account", help="account id")
    target.add_argument("--campaign", help="campaign id")
    parser.add_argument("--value", required=True, choices=["confirmed", "rejected"])
    parser.add_argument("--merge-into", help="campaign id this campaign is merged into")
    parser.add_argument("--author", required=True, help="who decides")
    parser.add_argument("--note", required=True, help="why")
    parser.set_defaults(run=run)


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from workbench.errors import WorkbenchError
    from workbench.forensics.campaigns import verdict_labels
    from workbench.store import Store

    members = None
    if args.campaign:
        analysis, _, _ = analyse_store(args)
        members = analysis.campaign_accounts.filter(pl.col("campaign_id") == args.campaign)["account_id"].to_list()
        if not members and args.value == "confirmed":
            raise WorkbenchError(f"no campaign {args.campaign!r} in the current analysis of {args.db}")
    entity_type, entity_id = ("campaign", args.campaign) if args.campaign else ("account", args.account)
    try:
        labels = verdict_labels(entity_type, entity_id, args.value, args.author, args.note, args.merge_into, members)
    except ValueError as error:
        raise WorkbenchError(str(error)) from error
    with Store(args.db) as store:
        store.add_labels(labels)
    print(f"{entity_type} {entity_id}: {args.value}" + (f", merged into {args.merge_into}" if args.merge_into else "")
          + (f" ({len(members)} member accounts pinned)" if members else ""))
    return 0
