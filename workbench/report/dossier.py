"""The account dossier: everything the store and the analysis know about one account."""
from __future__ import annotations

import polars as pl

from workbench import charts
from workbench.errors import ParameterError
from workbench.report import display as show
from workbench.report import sections
from workbench.report.sections import ReportData


def pick_account(data: ReportData, account_id: str, suspicious: list[str]) -> str:
    """The (possibly pseudonymised) id to examine: `account_id` if given, else the top-ranked account."""
    if account_id:
        chosen = data.pseudonymiser.token_for_account(account_id)
        if chosen not in set(data.posts["account_id"].to_list()) | set(data.accounts["account_id"].to_list()):
            raise ParameterError(f"account {account_id!r} is not in this corpus (or not in the date range)")
        return chosen
    ranked = sections.account_table(data, suspicious, top=1)
    if ranked.height == 0:
        raise ParameterError("the corpus has no posts in this range, so there is no account to examine")
    return ranked["account_id"][0]


def profile_view(data: ReportData, account: str, suspicious: list[str], top_rows: int) -> show.Displayables:
    posts = data.posts.filter(pl.col("account_id") == account)
    profile = data.accounts.filter(pl.col("account_id") == account)
    facts = dict(profile.row(0, named=True)) if profile.height else {"account_id": account, "profile": "not in the accounts table"}
    facts["suspicious"] = account in set(suspicious)
    facts["posts in range"] = posts.height
    facts["posts about the target"] = int(posts["on_target"].sum()) if posts.height else 0
    items: list = [show.show_facts(facts, caption="Profile")]
    for name, caption in (("scores", "Score"), ("signals", "Signals (those that fired first)"),
                          ("nodes", "Place in the network")):
        frame = sections.result_or_none(data, name)
        if frame is not None:
            mine = frame.filter(pl.col("account_id") == account)
            if name == "signals":
                mine = mine.sort(["fired", "strength", "signal"], descending=[True, True, False])
            items.append(show.show_table(mine, caption=caption))
    edges = sections.result_or_none(data, "edges")
    if edges is not None:
        mine = edges.filter((pl.col("source") == account) | (pl.col("target") == account))
        items.append(show.show_table(mine.sort(["weight", "source", "target"], descending=[True, False, False]),
                                     max_rows=top_rows, caption="Coordination edges of this account"))
    if posts.height:
        items.append(show.show_chart(charts.plot_activity_heatmap(posts, title="This account's posts by hour (UTC)")))
        items.append(show.show_chart(charts.plot_timeline(posts, data.events, suspicious_accounts=[account] if facts["suspicious"] else [],
                                                                 every="1d", title="This account's posts")))
    items.append(show.show_table(posts.select("created_at", "post_id", "kind", "source_app", "on_target", "text"),
                                 max_rows=top_rows, caption="Posts (oldest first)"))
    return show.show_all(*items)
