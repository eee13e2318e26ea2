"""`workbench verdict --db PATH [--run RUN_ID] (--account ID | --campaign ID) --value confirmed|rejected
[--merge-into ID] --author NAME --note TEXT`: record an analyst verdict as labels, kept across analysis runs."""
from __future__ import annotations

import argparse

from workbench.config import DEFAULT_DB


def add_parser(subparsers) -> None:
    parser = subparsers.add_parser(
        "verdict",
        help="confirm, reject or merge an account or campaign (stored as analyst labels)",
        description="Rejected accounts drop out of campaigns in later runs; a confirmed or merged campaign "
                    "keeps its id because its current members (in the stored run) are pinned to it.",
    )
    parser.add_argument("--db", default=str(DEFAULT_DB), help="corpus database (default: %(default)s)")
    parser.add_argument("--run", dest="run_id", default=None, metavar="RUN_ID",
                        help="the stored analysis run the verdict is about (default: the latest complete run)")
    target = parser.add_mutually_exclusive_group(required=True)
    target.add_argument("--account", help="account id")
    target.add_argument("--campaign", help="campaign id")
    parser.add_argument("--value", required=True, choices=["confirmed", "rejected"])
    parser.add_argument("--merge-into", help="campaign id this campaign is merged into")
    parser.add_argument("--author", required=True, help="who decides")
    parser.add_argument("--note", required=True, help="why")
    parser.set_defaults(run=run)


def _require_account(db: str, account_id: str) -> None:
    """An error, with close ids, unless `account_id` posted or has a profile in the corpus."""
    from workbench.errors import WorkbenchError
    from workbench.store import Store

    with Store(db, read_only=True) as store:
        found = store.scalar("SELECT EXISTS (SELECT 1 FROM posts WHERE account_id = ?) "
                             "OR EXISTS (SELECT 1 FROM accounts WHERE account_id = ?)", [account_id, account_id])
        if found:
            return
        close = [row[0] for row in store.execute(
            "SELECT DISTINCT account_id FROM accounts WHERE account_id LIKE '%:' || ? OR lower(handle) = lower(?) "
            "ORDER BY account_id LIMIT 3", [account_id, account_id])]
    hint = f"; did you mean {' or '.join(close)}?" if close else " (ids are platform-qualified, e.g. twitter:123)"
    raise WorkbenchError(f"no account {account_id!r} in the corpus {db}{hint}; nothing was stored")


def shown_campaigns(analysis) -> str:
    known = sorted(set(analysis.campaigns["campaign_id"].to_list()))
    return ", ".join(known[:10]) + (", ..." if len(known) > 10 else "") if known else "none"


def run(args: argparse.Namespace) -> int:
    import polars as pl

    from workbench.errors import WorkbenchError
    from workbench.forensics.campaigns import verdict_labels
    from workbench.pipeline import Analysis
    from workbench.store import Store

    members = None
    if args.campaign:
        with Store(args.db, read_only=True) as store:
            analysis = Analysis.load(store, args.run_id)  # the stored run: nothing is re-analysed
        members = analysis.campaign_accounts.filter(pl.col("campaign_id") == args.campaign)["account_id"].to_list()
        if not members:
            raise WorkbenchError(f"no campaign {args.campaign!r} in analysis run {analysis.run_id} of {args.db} "
                                 f"(its campaigns: {shown_campaigns(analysis)}); nothing was stored")
        if args.merge_into is not None and args.merge_into not in set(analysis.campaigns["campaign_id"].to_list()) - {args.campaign}:
            raise WorkbenchError(f"cannot merge {args.campaign!r} into {args.merge_into!r}: not another campaign of analysis "
                                 f"run {analysis.run_id} (its campaigns: {shown_campaigns(analysis)}); nothing was stored")
    else:
        _require_account(args.db, args.account)
        if args.run_id is not None:  # an account's verdict holds across runs, but a run named must exist
            with Store(args.db, read_only=True) as store:
                if args.run_id not in set(store.runs()["run_id"].to_list()):
                    raise WorkbenchError(f"no analysis run {args.run_id!r} in {args.db}; nothing was stored")
        if args.merge_into is not None:
            raise WorkbenchError("--merge-into is for campaigns; nothing was stored")
    entity_type, entity_id = ("campaign", args.campaign) if args.campaign else ("account", args.account)
    try:
        labels = verdict_labels(entity_type, entity_id, args.value, args.author, args.note, args.merge_into, members)
    except ValueError as error:
        raise WorkbenchError(str(error)) from error
    with Store(args.db) as store:
        store.add_labels(labels)
    from workbench.visible import visible, visible_id

    merged = f", merged into {visible_id(args.merge_into)}" if args.merge_into else ""
    print(f"{entity_type} {visible_id(entity_id)}: {visible(args.value)}{merged}"
          + (f" ({len(members)} member accounts of run {analysis.run_id} pinned)" if members else ""))
    return 0
