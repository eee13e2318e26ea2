"""The findings a report opens with, and the per-campaign data behind each campaign section.

Everything here takes a `ReportData` (already loaded, filtered and pseudonymised) and returns plain
values, sentences or polars frames; nothing reads the database. Campaigns are split by `kind`: only
kind == "smear" are campaigns against the target; promotion, neutral automation (news aggregators) and
organic groups are "other coordinated groups". Result frames carry every column workbench/schema.py
declares (`Analysis` conforms them), so nothing here asks whether a column exists.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import polars as pl

from workbench.report.sections import ReportData, campaign_table, result_or_none
from workbench.store import empty_result

AGAINST_TARGET = "smear"
KIND_NAMES = {"smear": "campaign against the target", "promotion": "promotion", "neutral_automation":
              "neutral automation (news aggregators, schedulers)", "organic": "organic group (fans, communities)"}
# evidence kinds that count towards the confidence statement, with the words used for them
EVIDENCE_WORDS = {"coordination": "coordinated actions between members", "families": "shared machine-made text",
                  "registration": "accounts registered in batches", "tells": "AI-text tells",
                  "cadence": "machine-like posting schedules"}


@dataclass
class Summary:
    """The answers at the top of the report: headline, one sentence per brief question, confidence, and
    the key numbers (label -> value) shown as large figures."""

    headline: str
    answers: list[str]
    confidence: str
    numbers: dict[str, Any] = field(default_factory=dict)


def campaigns_by_kind(data: ReportData) -> tuple[pl.DataFrame, pl.DataFrame]:
    """(campaigns against the target, other coordinated groups), each sorted by size then id; `status` is
    the analysts' current verdict where one was recorded after the run (`workbench verdict`), else the
    run's; rejected campaigns are left out of both (an analyst ruled them out)."""
    campaigns = campaign_table(data)
    if campaigns is None:
        campaigns = empty_result("campaigns")
    else:
        campaigns = campaigns.with_columns(pl.coalesce("analyst_verdict", "status").alias("status")).drop(
            "analyst_verdict", "verdict_by", "verdict_note")
    campaigns = (campaigns.filter(pl.col("status").fill_null("") != "rejected")
                 .sort(["n_accounts", "campaign_id"], descending=[True, False]))
    return campaigns.filter(pl.col("kind") == AGAINST_TARGET), campaigns.filter(pl.col("kind") != AGAINST_TARGET)


def members_of(data: ReportData, campaign_ids: list[str] | None = None) -> pl.DataFrame:
    """campaign_id, account_id (and score, fired_signals) of the given campaigns (all when None)."""
    members = result_or_none(data, "campaign_accounts")
    if members is None:
        return empty_result("campaign_accounts")
    if campaign_ids is not None:
        members = members.filter(pl.col("campaign_id").is_in(pl.Series(campaign_ids, dtype=pl.Utf8).implode()))
    return members


def _ids(frame: pl.DataFrame, column: str = "account_id") -> pl.Expr:
    return pl.Series(frame[column].unique().to_list() if frame.height else [], dtype=pl.Utf8).implode()


def voice(data: ReportData, account_ids: pl.DataFrame) -> dict[str, Any]:
    """How much of the conversation about the target the given accounts drive: posts, share of posts,
    share of the accounts posting, share of engagement (likes + reposts + replies), and the summed
    followers of the accounts (an upper bound of their reach)."""
    on_target = data.posts.filter(pl.col("on_target"))
    theirs = on_target.filter(pl.col("account_id").is_in(_ids(account_ids)))
    engagement = pl.sum_horizontal(*(pl.col(c).fill_null(0) for c in ("like_count", "repost_count", "reply_count")))
    total_engagement = int(on_target.select(engagement.sum()).item() or 0) if on_target.height else 0
    their_engagement = int(theirs.select(engagement.sum()).item() or 0) if theirs.height else 0
    followers = data.accounts.filter(pl.col("account_id").is_in(_ids(account_ids)))["followers"].fill_null(0).sum()
    posting = on_target["account_id"].n_unique()
    return {
        "posts_about_target": on_target.height,
        "their_posts": theirs.height,
        "share_posts": theirs.height / on_target.height if on_target.height else None,
        "share_accounts": theirs["account_id"].n_unique() / posting if posting else None,
        "engagement": their_engagement,
        "share_engagement": their_engagement / total_engagement if total_engagement else None,
        "followers": int(followers or 0),
    }


def _pct(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1%}"


def evidence_kinds(data: ReportData, campaign: dict, members: pl.DataFrame) -> list[str]:
    """Which independent kinds of evidence support a campaign (keys of `EVIDENCE_WORDS`)."""
    kinds = []
    edges = result_or_none(data, "edges")
    if edges is not None and members.height:
        ids = _ids(members)
        if edges.filter(pl.col("source").is_in(ids) & pl.col("target").is_in(ids)).height:
            kinds.append("coordination")
    if (campaign.get("n_families") or 0) > 0:
        kinds.append("families")
    fired = ",".join(members["fired_signals"].drop_nulls().to_list())
    signals = str(campaign.get("top_signals") or "") + "," + fired
    if "registration" in signals:
        kinds.append("registration")
    if "tell" in signals:
        kinds.append("tells")
    if "cadence" in signals or "regular" in signals:
        kinds.append("cadence")
    return kinds


def confidence_level(kinds: list[str], status: str | None) -> str:
    """high: an analyst confirmed it, or three or more independent kinds of evidence agree; medium: two;
    low: one. Speed alone (coordination without shared content or accounts) never makes it high."""
    if status == "confirmed" or len(kinds) >= 3:
        return "high"
    return "medium" if len(kinds) == 2 else "low"


def summary(data: ReportData) -> Summary:
    """The findings block: answers to the brief's six questions in plain words with numbers."""
    against, others = campaigns_by_kind(data)
    members = members_of(data, against["campaign_id"].to_list() if against.height else [])
    share = voice(data, members.select("account_id").unique()) if members.height else voice(
        data, pl.DataFrame(schema={"account_id": pl.Utf8}))
    n = against.height
    terms = ", ".join(data.target_terms) or "(no target terms: every post counts)"
    if "campaigns" not in data.results:
        headline = "No analysis results are stored for this corpus: run `workbench analyze --save` first"
    elif n == 0:
        headline = "No coordinated campaign against the target was found in this corpus"
    else:
        headline = (f"{n} coordinated campaign{'s' if n != 1 else ''} against the target: "
                    f"{members['account_id'].n_unique():,} accounts, {_pct(share['share_posts'])} of the posts about it")
    answers: list[str] = []
    if n:
        first, last = against["first_post_at"].min(), against["last_post_at"].max()
        answers.append(f"1. Campaigns: {n} operation{'s' if n != 1 else ''} against the target ({terms}) with "
                       f"{members['account_id'].n_unique():,} accounts and {int(against['n_posts'].sum()):,} posts, "
                       f"active from {first:%Y-%m-%d} to {last:%Y-%m-%d}. Largest: {against['campaign_id'][0]} with "
                       f"{int(against['n_accounts'][0]):,} accounts.")
        signals = _top_signals(members)
        answers.append(f"2. Members and evidence: every member account is listed in its campaign's section with the "
                       f"signals that fired; the most frequent are {signals or 'not recorded'}. "
                       + _strongest_edge_sentence(data, against["campaign_id"][0]))
        answers.append("3. Narratives: " + _narrative_sentence(data, against))
        answers.append("4. Machine-made text: " + _machine_text_sentence(data, against))
        answers.append(f"5. Share of voice: campaign accounts wrote {share['their_posts']:,} of the "
                       f"{share['posts_about_target']:,} posts about the target ({_pct(share['share_posts'])}), were "
                       f"{_pct(share['share_accounts'])} of the accounts posting about it, drew "
                       f"{_pct(share['share_engagement'])} of the engagement, and have {share['followers']:,} "
                       f"followers together (an upper bound of their reach).")
    else:
        answers.append(f"1. Campaigns: none against the target ({terms}) in this corpus and date range.")
    db = data.params.get("db_path") or "DB"
    run = data.analysis_run_id or "RUN"
    answers.append(f"{6 if n else 2}. Evidence pack: `workbench export-evidence --db {db} --run {run} --campaign ID "
                   f"--out DIR` writes "
                   f"each campaign's accounts, posts, edges with their posts, source hashes, parameters and versions; "
                   f"this report's appendix lists the {data.sources.height} source files with their sha256 and the "
                   f"analysis run {data.analysis_run_id or '(none)'}.")
    if others.height:
        answers.append(f"Also found: {others.height} other coordinated group{'s' if others.height != 1 else ''} "
                       f"({', '.join(sorted(set(others['kind'].to_list())))}), reported apart because what they push "
                       f"is not aimed against the target.")
    numbers = {"campaigns against the target": n,
               "accounts in them": members["account_id"].n_unique() if members.height else 0,
               "share of voice (posts about the target)": _pct(share["share_posts"]),
               "share of engagement": _pct(share["share_engagement"]),
               "active since": against["first_post_at"].min().strftime("%Y-%m-%d") if n else "n/a",
               "other coordinated groups": others.height}
    return Summary(headline=headline, answers=answers, confidence=confidence_statement(data, against), numbers=numbers)


def confidence_statement(data: ReportData, against: pl.DataFrame) -> str:
    """One paragraph: the confidence per campaign and what it rests on, plus the ground-truth check when
    the corpus has one (synthetic corpora), and the reminder that analysts decide."""
    if against.height == 0:
        return ("Confidence: no campaign was found with the stored analysis; coordinated groups below the "
                "thresholds may still exist (see the methods for the parameters used).")
    parts = []
    for row in against.head(5).iter_rows(named=True):
        kinds = evidence_kinds(data, row, members_of(data, [row["campaign_id"]]))
        level = confidence_level(kinds, row.get("status"))
        parts.append(f"{row['campaign_id']}: {level} ({', '.join(EVIDENCE_WORDS[k] for k in kinds) or 'one signal'})")
    text = "Confidence: " + "; ".join(parts) + "."
    if against.height > 5:
        text += f" ({against.height - 5} more campaigns in their sections.)"
    from workbench.report.sections import ground_truth_check

    truth = ground_truth_check(data, members_of(data, against["campaign_id"].to_list())["account_id"].unique().to_list())
    if truth:
        text += (f" Checked against the corpus's ground truth (not used by the analysis): precision "
                 f"{truth['precision']}, recall {truth['recall']}.")
    confirmed = int((against["status"] == "confirmed").sum())
    text += (f" {confirmed} of {against.height} campaigns are confirmed by an analyst; the rest are machine "
             f"findings to review before acting on them.")
    return text


def _top_signals(members: pl.DataFrame, top: int = 4) -> str:
    if members.height == 0:
        return ""
    counts = (members.select(pl.col("fired_signals").fill_null("").str.split(",")).explode("fired_signals")
              .filter(pl.col("fired_signals") != "").group_by("fired_signals").agg(pl.len().alias("n"))
              .sort(["n", "fired_signals"], descending=[True, False]).head(top))
    total = members.height
    return ", ".join(f"{name} ({n / total:.0%} of members)" for name, n in counts.iter_rows())


def _strongest_edge_sentence(data: ReportData, campaign_id: str) -> str:
    edges = campaign_edges(data, campaign_id, top=1)
    if edges is None or edges.height == 0:
        return "No coordination edge between members is stored."
    row = edges.row(0, named=True)
    kinds = ", ".join(row["signals"] or [])
    return (f"Strongest edge in {campaign_id}: {row['source']} and {row['target']} acted alike "
            f"{row['weight']:g} times ({kinds}); the post pairs behind such edges are in the campaign's section.")


def _narrative_sentence(data: ReportData, against: pl.DataFrame) -> str:
    narratives = result_or_none(data, "campaign_narratives")
    if narratives is None:
        return "no narrative clusters are stored for this run (analyse with --narratives)."
    ids = against["campaign_id"].to_list()
    top = (narratives.filter(pl.col("campaign_id").is_in(pl.Series(ids, dtype=pl.Utf8).implode()) & (pl.col("cluster") >= 0))
           .group_by("cluster").agg(pl.col("posts").sum(), pl.col("keywords").first(), pl.col("tactic").first())
           .sort(["posts", "cluster"], descending=[True, False]).head(3))
    if top.height == 0:
        return "the campaigns' posts fall in no narrative cluster."
    described = []
    for row in top.iter_rows(named=True):
        words = " ".join((row["keywords"] or [])[:4])
        tactic = f" [{row['tactic']}]" if row.get("tactic") else ""
        described.append(f"n{row['cluster']}{tactic} “{words}” ({row['posts']:,} posts)")
    surges = sorted({e for value in against["surge_events"].to_list() if value for e in value.split("; ")})
    surge = f" Posting surged around: {', '.join(surges)}." if surges else " No surge around the recorded events."
    return "the campaigns mostly push " + "; ".join(described) + "." + surge


def _machine_text_sentence(data: ReportData, against: pl.DataFrame) -> str:
    families = result_or_none(data, "campaign_families")
    tells = result_or_none(data, "tells")
    members = members_of(data, against["campaign_id"].to_list())
    parts = []
    if families is not None:
        used = families.filter(pl.col("campaign_id").is_in(pl.Series(against["campaign_id"].to_list(), dtype=pl.Utf8).implode()))
        parts.append(f"{used['family_id'].n_unique():,} near-duplicate text families carry {int(used['posts'].sum()):,} "
                     f"of the campaigns' posts")
    if tells is not None:
        mine = tells.filter(pl.col("account_id").is_in(_ids(members)))
        parts.append(f"{mine['post_id'].n_unique():,} posts carry AI-text tells")
    return ("; ".join(parts) + ".") if parts else "no near-duplicate families or tells are stored for this run."


# -- per campaign ---------------------------------------------------------------------------------
def campaign_facts(data: ReportData, campaign: dict) -> dict[str, Any]:
    """The facts line of a campaign section."""
    members = members_of(data, [campaign["campaign_id"]])
    share = voice(data, members.select("account_id"))
    kinds = evidence_kinds(data, campaign, members)
    return {
        "kind": KIND_NAMES.get(campaign.get("kind"), campaign.get("kind")),
        "why this kind": campaign.get("kind_reasons") or "(not recorded by this analysis run)",
        "status": campaign.get("status"),
        "accounts": campaign.get("n_accounts"),
        "posts": campaign.get("n_posts"),
        "first post (UTC)": campaign.get("first_post_at"),
        "last post (UTC)": campaign.get("last_post_at"),
        "busiest day": f"{campaign.get('peak_day')} ({campaign.get('peak_posts') or 0:,} posts)",
        "surges around events": campaign.get("surge_events") or "none",
        "share of the posts about the target": _pct(share["share_posts"]),
        "share of engagement": _pct(share["share_engagement"]),
        "followers of its accounts (reach, upper bound)": share["followers"],
        "most frequent signals": str(campaign.get("top_signals") or "").replace(",", ", "),
        "confidence": f"{confidence_level(kinds, campaign.get('status'))}: "
                      + (", ".join(EVIDENCE_WORDS[k] for k in kinds) or "one kind of evidence"),
    }


def campaign_members(data: ReportData, campaign_id: str) -> pl.DataFrame:
    """Member accounts with handle, score, signals fired, posts (about the target) and active span."""
    members = members_of(data, [campaign_id])
    activity = data.posts.filter(pl.col("account_id").is_in(_ids(members))).group_by("account_id").agg(
        pl.len().cast(pl.Int64).alias("posts"), pl.col("on_target").sum().cast(pl.Int64).alias("about_target"),
        pl.col("created_at").min().alias("first_post"), pl.col("created_at").max().alias("last_post"))
    table = (members.select("account_id", "score", "fired_signals", "verdict")
             .join(data.accounts.select("account_id", "handle", pl.col("created_at").alias("registered"), "followers"),
                   on="account_id", how="left")
             .join(activity, on="account_id", how="left"))
    # "a, b" wraps between signals instead of inside one
    table = table.with_columns(pl.col("fired_signals").str.replace_all(",", ", ", literal=True))
    order = ["account_id", "handle", "score", "posts", "about_target", "fired_signals", "registered", "followers",
             "first_post", "last_post", "verdict"]
    return table.select(order).sort(["score", "account_id"], descending=[True, False], nulls_last=True)


def campaign_posts(data: ReportData, campaign_id: str, max_rows: int = 3000) -> pl.DataFrame:
    """Members' posts for drill-down: up to a few per account (about the target first, then newest), so
    every member has posts in the table and the table stays under `max_rows` rows."""
    members = members_of(data, [campaign_id])
    per_account = max(1, min(10, max_rows // max(members.height, 1)))
    posts = data.posts.filter(pl.col("account_id").is_in(_ids(members)))
    return (posts.sort(["account_id", "on_target", "created_at", "post_id"], descending=[False, True, True, False])
            .group_by("account_id", maintain_order=True).head(per_account)
            .select("account_id", "created_at", "kind", "text", pl.col("on_target").alias("about_target"), "post_id")
            .head(max_rows))


def campaign_edges(data: ReportData, campaign_id: str, top: int = 30) -> pl.DataFrame | None:
    """The strongest coordination edges between members (weight and per-signal weights)."""
    edges = result_or_none(data, "edges")
    if edges is None:
        return None
    ids = _ids(members_of(data, [campaign_id]))
    inside = edges.filter(pl.col("source").is_in(ids) & pl.col("target").is_in(ids))
    return inside.sort(["weight", "source", "target"], descending=[True, False, False]).head(top)


def campaign_edge_posts(data: ReportData, campaign_id: str, pairs: int = 20) -> pl.DataFrame | None:
    """The post pairs behind the campaign's strongest stored edges, with both texts."""
    evidence = result_or_none(data, "edge_evidence")
    if evidence is None:
        return None
    ids = _ids(members_of(data, [campaign_id]))
    chosen = (evidence.filter(pl.col("account_a").is_in(ids) & pl.col("account_b").is_in(ids))
              .sort("signal", "account_a", "account_b", "post_id_a", "post_id_b").head(pairs))
    texts = data.posts.select("post_id", "text")
    keep = ["signal", "account_a", "created_at_a", "account_b", "created_at_b", "object"]
    return (chosen.join(texts.rename({"post_id": "post_id_a", "text": "text_a"}), on="post_id_a", how="left")
            .join(texts.rename({"post_id": "post_id_b", "text": "text_b"}), on="post_id_b", how="left")
            .select(*keep, "text_a", "text_b"))


def campaign_families(data: ReportData, campaign_id: str, top: int = 20) -> pl.DataFrame | None:
    """The near-duplicate families the campaign used: its posts in each, the family's size and the share
    the campaign wrote, with the template or representative text."""
    used = result_or_none(data, "campaign_families")
    families = result_or_none(data, "families")
    if used is None:
        return None
    used = used.filter(pl.col("campaign_id") == campaign_id).select("family_id", pl.col("posts").alias("campaign_posts"))
    if families is not None:
        used = (used.join(families.select(pl.col("family_id").cast(pl.Utf8), "size", "representative_text", "accounts"),
                          on="family_id", how="left")
                .with_columns((pl.col("campaign_posts") / pl.col("size")).alias("campaign_share")))
    return used.sort(["campaign_posts", "family_id"], descending=[True, False]).head(top)


def campaign_narratives(data: ReportData, campaign_id: str, top: int = 10) -> pl.DataFrame | None:
    narratives = result_or_none(data, "campaign_narratives")
    if narratives is None:
        return None
    return (narratives.filter((pl.col("campaign_id") == campaign_id) & (pl.col("cluster") >= 0))
            .select("cluster", "posts", "tactic", "keywords", "size")
            .sort(["posts", "cluster"], descending=[True, False]).head(top))


def campaign_labels(data: ReportData) -> tuple[pl.DataFrame, list[str]]:
    """(account_id -> `group` frame, legend order) for the network: the group is "<campaign id> (<kind>)"
    for members of a campaign; the order puts campaigns against the target first, then other groups."""
    against, others = campaigns_by_kind(data)
    ordered = pl.concat([against.select("campaign_id", "kind"), others.select("campaign_id", "kind")]) \
        if against.height or others.height else pl.DataFrame(schema={"campaign_id": pl.Utf8, "kind": pl.Utf8})
    labels = ordered.with_columns(pl.format("{} ({})", pl.col("campaign_id"), pl.col("kind")).alias("group"))
    members = members_of(data).select("campaign_id", "account_id").join(labels, on="campaign_id", how="inner")
    return members.select("account_id", "group").unique("account_id", keep="first").sort("account_id"), labels["group"].to_list()
