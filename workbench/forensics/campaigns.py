"""Campaigns: groups of suspicious, coordinated accounts, with timeline, reach and share of voice.

Assembly (`assemble_campaigns`): an account is a campaign candidate when the suspicion scorer flagged
it (or an analyst confirmed it) and no analyst rejected it. Candidates are grouped by their coordination
community; a community with at least `min_accounts` candidates is a campaign. Accounts outside every
community are never put in a campaign (a campaign needs coordination evidence).

Campaign ids are stable across runs: "C-" plus 10 hex digits of the SHA-256 of the smallest member
account id (rejected members included, so rejecting that account does not rename the campaign), unless analysts pinned members to a campaign id (account labels ``campaign``), in which case
the id most of the members are pinned to wins (ties: smallest id). Merges (campaign labels
``merge_into``) are applied after that, following chains.

Verdicts are rows of the labels table with origin ``analyst`` (see `verdict_labels`):

- entity_type account, label ``verdict``, value confirmed | rejected
- entity_type campaign, label ``verdict``, value confirmed | rejected
- entity_type campaign, label ``merge_into``, value the campaign id it was merged into
- entity_type account, label ``campaign``, value a campaign id (membership pin written with a verdict)
"""
from __future__ import annotations

import datetime as dt
import hashlib

import polars as pl

ENGAGEMENT_COLUMNS = ("like_count", "repost_count", "reply_count")


def campaign_id_for(account_ids: list[str]) -> str:
    """Stable id of a group: ``C-`` + 10 hex digits of sha256 of its smallest account id."""
    anchor = min(account_ids)
    return "C-" + hashlib.sha256(anchor.encode("utf-8", "surrogatepass")).hexdigest()[:10]


def _analyst(labels: pl.DataFrame | None, entity_type: str, label: str) -> dict[str, str]:
    if labels is None or labels.height == 0:
        return {}
    rows = labels.filter(
        (pl.col("origin") == "analyst") & (pl.col("entity_type") == entity_type) & (pl.col("label") == label)
    ).sort(["entity_id", "created_at"] if "created_at" in labels.columns else ["entity_id"])
    return dict(zip(rows["entity_id"].to_list(), rows["value"].to_list()))


def resolve_merges(campaign_id: str, merges: dict[str, str]) -> str:
    """Follow merge_into chains (A→B→C gives C); a cycle stops at the smallest id in it."""
    seen = [campaign_id]
    while seen[-1] in merges:
        nxt = merges[seen[-1]]
        if nxt in seen:
            return min(seen[seen.index(nxt):])
        seen.append(nxt)
    return seen[-1]


def engagement_expr() -> pl.Expr:
    return pl.sum_horizontal([pl.col(c).fill_null(0) for c in ENGAGEMENT_COLUMNS]).cast(pl.Int64)


def candidate_components(candidates: list[str], fused_edges: pl.DataFrame) -> dict[str, int]:
    """Connected components of the coordination graph restricted to `candidates` (edges between two
    candidates only). Returns account_id → component number (accounts without such an edge are absent).
    Component numbers follow the smallest account id in each component, so they are deterministic."""
    import numpy as np
    from scipy.sparse import coo_matrix
    from scipy.sparse.csgraph import connected_components

    index = {a: i for i, a in enumerate(sorted(candidates))}
    edges = fused_edges.filter(pl.col("account_a").is_in(list(index)) & pl.col("account_b").is_in(list(index)))
    if edges.height == 0:
        return {}
    a = np.array([index[x] for x in edges["account_a"].to_list()])
    b = np.array([index[x] for x in edges["account_b"].to_list()])
    n = len(index)
    _, labels = connected_components(coo_matrix((np.ones(len(a)), (a, b)), shape=(n, n)), directed=False)
    linked = set(a.tolist()) | set(b.tolist())
    names = sorted(index)
    first_seen: dict[int, int] = {}
    out = {}
    for i, name in enumerate(names):  # names sorted: first member seen is the smallest id
        if i in linked:
            out[name] = first_seen.setdefault(int(labels[i]), len(first_seen))
    return out


def campaign_links(
    candidates: list[str],
    fused_edges: pl.DataFrame | None = None,
    family_assignments: pl.DataFrame | None = None,
    posts: pl.DataFrame | None = None,
    accounts: pl.DataFrame | None = None,
    burst_accounts: list[str] | None = None,
) -> pl.DataFrame:
    """Links between candidate accounts that put them in one campaign: account_a, account_b, link.

    - ``coordination``: a coordination edge (fused network) between two candidates;
    - ``family``: both wrote in the same near-duplicate family (star edges to the family's first candidate);
    - ``registration``: both were registered on the same UTC day and both fired ``registration_burst``
      (`burst_accounts`), i.e. they come from the same registration batch.
    A slow campaign (members hours apart) has no coordination edges in a short window but still shares
    templates and registration batches, so it is still assembled.
    """
    keep = pl.Series(sorted(set(candidates)), dtype=pl.String).implode()
    frames = []
    if fused_edges is not None and fused_edges.height:
        frames.append(
            fused_edges.filter(pl.col("account_a").is_in(keep) & pl.col("account_b").is_in(keep))
            .select("account_a", "account_b", pl.lit("coordination").alias("link"))
        )

    def stars(groups: pl.DataFrame, key: str, link: str) -> pl.DataFrame:
        groups = groups.unique([key, "account_id"]).sort([key, "account_id"])
        return (
            groups.with_columns(pl.col("account_id").first().over(key).alias("account_a"))
            .filter(pl.col("account_id") != pl.col("account_a"))
            .select("account_a", pl.col("account_id").alias("account_b"), pl.lit(link).alias("link"))
        )

    if family_assignments is not None and posts is not None and family_assignments.height:
        members = family_assignments.select("post_id", pl.col("family_id").cast(pl.String)).join(
            posts.select("post_id", "account_id").filter(pl.col("account_id").is_in(keep)), on="post_id"
        )
        frames.append(stars(members.select("family_id", "account_id"), "family_id", "family"))
    if accounts is not None and burst_accounts and "created_at" in accounts.columns:
        burst = pl.Series(sorted(set(burst_accounts) & set(candidates)), dtype=pl.String).implode()
        days = accounts.filter(pl.col("account_id").is_in(burst)).drop_nulls("created_at").select(
            pl.col("created_at").dt.date().cast(pl.String).alias("day"), "account_id"
        )
        frames.append(stars(days, "day", "registration"))
    schema = {"account_a": pl.String, "account_b": pl.String, "link": pl.String}
    frames = [f.cast(schema) for f in frames if f.height]
    if not frames:
        return pl.DataFrame(schema=schema)
    return pl.concat(frames).unique().sort(["account_a", "account_b", "link"])


def assemble_campaigns(
    scores: pl.DataFrame,
    nodes: pl.DataFrame,
    labels: pl.DataFrame | None = None,
    min_accounts: int = 3,
    fused_edges: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Campaign membership: campaign_id, account_id, community, score, fired_signals, verdict, status.

    scores: SuspicionScorer.scores_ (account_id, score, flagged, fired_signals). nodes: coordination
    nodes (account_id, community; community < 0 or null means no community). labels: the labels table
    (only origin ``analyst`` rows are read). status is the campaign verdict (confirmed, rejected or
    unreviewed).

    fused_edges (account_a, account_b): when given (coordination edges, or `campaign_links`), candidates
    are grouped by the connected components of these links among candidates only, instead of by community: modularity communities
    tend to cut one dense campaign into squads, while innocent accounts rarely link two candidates. The
    `community` column then holds the component number.
    """
    account_verdicts = _analyst(labels, "account", "verdict")
    pins = _analyst(labels, "account", "campaign")
    campaign_verdicts = _analyst(labels, "campaign", "verdict")
    merges = _analyst(labels, "campaign", "merge_into")

    frame = (
        scores.select("account_id", "score", "flagged", "fired_signals")
        .join(nodes.select("account_id", pl.col("community").cast(pl.Int64)), on="account_id", how="left")
        .with_columns(
            pl.col("account_id").replace_strict(account_verdicts, default=None, return_dtype=pl.String).alias("verdict")
        )
        # Rejected accounts take part in grouping and naming (so rejecting the anchor account does not
        # rename the campaign) and are removed from the membership afterwards.
        .filter(
            (pl.col("flagged") | (pl.col("verdict") == "confirmed"))
            & (pl.lit(fused_edges is not None) | (pl.col("community").fill_null(-1) >= 0))
        )
        .sort(["community", "account_id"])
    )
    if fused_edges is not None:
        components = candidate_components(frame["account_id"].to_list(), fused_edges)
        frame = frame.with_columns(
            pl.col("account_id").replace_strict(components, default=None, return_dtype=pl.Int64).alias("community")
        ).drop_nulls("community").sort(["community", "account_id"])
    rows = []
    for (community,), group in frame.group_by(["community"], maintain_order=True):
        everyone = group["account_id"].to_list()
        group = group.filter(pl.col("verdict").fill_null("") != "rejected")
        members = group["account_id"].to_list()
        if len(members) < min_accounts:
            continue
        pinned = [pins[a] for a in members if a in pins]
        if pinned:
            counts: dict[str, int] = {}
            for value in pinned:
                counts[value] = counts.get(value, 0) + 1
            campaign = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))[0][0]
        else:
            campaign = campaign_id_for(everyone)
        rows.append(group.with_columns(pl.lit(resolve_merges(campaign, merges)).alias("campaign_id")))
    schema = {
        "campaign_id": pl.String, "account_id": pl.String, "community": pl.Int64, "score": pl.Float64,
        "fired_signals": pl.String, "verdict": pl.String, "status": pl.String,
    }
    if not rows:
        return pl.DataFrame(schema=schema)
    members = pl.concat(rows).unique("account_id", keep="first")
    # Accounts an analyst pinned to a campaign (merged into it, or members when it was confirmed) stay in
    # it while the campaign exists, even when this run's links no longer reach them.
    present = set(members["campaign_id"].to_list())
    pinned_rows = [
        (account, resolve_merges(campaign, merges)) for account, campaign in sorted(pins.items())
        if resolve_merges(campaign, merges) in present and account_verdicts.get(account) != "rejected"
    ]
    if pinned_rows:
        extra = (
            pl.DataFrame(pinned_rows, schema={"account_id": pl.String, "campaign_id": pl.String}, orient="row")
            .join(members.select("account_id"), on="account_id", how="anti")
            .join(scores.select("account_id", "score", "fired_signals"), on="account_id", how="inner")
            .with_columns(
                pl.lit(None, dtype=pl.Int64).alias("community"),
                pl.col("account_id").replace_strict(account_verdicts, default=None, return_dtype=pl.String).alias("verdict"),
            )
        )
        members = pl.concat([members.select(extra.columns), extra], how="vertical_relaxed")
    members = members.with_columns(
        pl.col("campaign_id").replace_strict(campaign_verdicts, default="unreviewed", return_dtype=pl.String).alias("status")
    )
    return members.select(list(schema)).sort(["campaign_id", "account_id"])


def absorb_fragments(members: pl.DataFrame, posts: pl.DataFrame, family_assignments: pl.DataFrame,
                     max_accounts: int = 10, min_share: float = 0.5, min_posts: int = 3) -> pl.DataFrame:
    """`members` with each small campaign (at most `max_accounts` accounts) that writes mostly the text of a
    larger one folded into it.

    A few members of an operation sometimes have no link to the rest (they joined few waves, each alone) and
    come out as a campaign of three. What ties them to their operation is its text: a family is *owned* by
    a campaign when the campaign wrote at least half of its posts. A small campaign whose posts in owned
    families (chatter families nobody owns do not count) are, at least `min_posts` of them and at least
    `min_share`, in families of one larger campaign joins that campaign (the one owning most of them).
    Analyst-confirmed campaigns are never folded. family_assignments: post_id, family_id.
    """
    if members.is_empty() or family_assignments.is_empty():
        return members
    sizes = members.group_by("campaign_id").agg(pl.len().alias("n"), pl.col("status").first())
    small = sizes.filter((pl.col("n") <= max_accounts) & (pl.col("status") != "confirmed"))["campaign_id"]
    if small.is_empty():
        return members
    written = (posts.select("post_id", "account_id").join(family_assignments.select("post_id", "family_id"), on="post_id")
               .join(members.select("account_id", "campaign_id"), on="account_id", how="left"))
    family_posts = written.group_by("family_id").agg(pl.len().alias("family_posts"))
    owned = (written.drop_nulls("campaign_id").group_by("family_id", "campaign_id").agg(pl.len().alias("posts"))
             .join(family_posts, on="family_id").filter(pl.col("posts") * 2 >= pl.col("family_posts"))
             .select("family_id", pl.col("campaign_id").alias("owner")))
    fragment_posts = written.filter(pl.col("campaign_id").is_in(small.implode())).join(owned, on="family_id")
    totals = fragment_posts.group_by("campaign_id").agg(pl.len().alias("in_families"))
    moves = (fragment_posts.filter(pl.col("owner") != pl.col("campaign_id"))
             .join(sizes.select(pl.col("campaign_id").alias("owner"), pl.col("n").alias("owner_n")), on="owner")
             .join(sizes.select("campaign_id", "n"), on="campaign_id")
             .filter(pl.col("owner_n") > pl.col("n"))
             .group_by("campaign_id", "owner").agg(pl.len().alias("shared"))
             .join(totals, on="campaign_id")
             .filter((pl.col("shared") >= min_share * pl.col("in_families")) & (pl.col("shared") >= min_posts))
             .sort(["campaign_id", "shared", "owner"], descending=[False, True, False])
             .unique("campaign_id", keep="first", maintain_order=True))
    if moves.is_empty():
        return members
    into = dict(zip(moves["campaign_id"].to_list(), moves["owner"].to_list()))
    status = dict(members.select("campaign_id", "status").unique("campaign_id").iter_rows())
    return (members.with_columns(pl.col("campaign_id").replace(into))
            .with_columns(pl.col("campaign_id").replace_strict(status, default="unreviewed").alias("status"))
            .sort(["campaign_id", "account_id"]))


def campaign_summary(
    members: pl.DataFrame,
    posts: pl.DataFrame,
    accounts: pl.DataFrame | None = None,
    events: pl.DataFrame | None = None,
    family_assignments: pl.DataFrame | None = None,
    surge_factor: float = 2.0,
) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """(campaigns, timeline, families) for assembled campaign `members`.

    campaigns: campaign_id, status, n_accounts, n_posts, first_post_at, last_post_at, mean_score,
        top_signals (most frequent fired signals), likes, reposts, replies, engagement (sum of the three),
        audience_followers (sum of members' followers: an upper bound of reach), peak_day, peak_posts,
        surge_events (events on whose day ±1 the campaign posted more than `surge_factor` times its
        median daily posts), n_families.
    timeline: campaign_id, day, posts, active_accounts, engagement.
    families: campaign_id, family_id, posts (posts of campaign members in the family), sorted by posts.
    """
    campaign_posts = posts.join(members.select("campaign_id", "account_id"), on="account_id", how="inner")
    campaign_posts = campaign_posts.with_columns(engagement_expr().alias("engagement"), pl.col("created_at").dt.date().alias("day"))
    timeline = (
        campaign_posts.group_by(["campaign_id", "day"])
        .agg(pl.len().alias("posts"), pl.col("account_id").n_unique().alias("active_accounts"), pl.col("engagement").sum())
        .sort(["campaign_id", "day"])
    )
    base = members.group_by("campaign_id").agg(
        pl.col("status").first(), pl.len().alias("n_accounts"), pl.col("score").mean().alias("mean_score"),
    )
    signals = (
        members.select("campaign_id", pl.col("fired_signals").str.split(",")).explode("fired_signals")
        .filter(pl.col("fired_signals") != "")
        .group_by(["campaign_id", "fired_signals"]).agg(pl.len().alias("n"))
        .sort(["campaign_id", "n", "fired_signals"], descending=[False, True, False])
        .group_by("campaign_id", maintain_order=True).agg(pl.col("fired_signals").head(5).str.join(",").alias("top_signals"))
    )
    post_stats = campaign_posts.group_by("campaign_id").agg(
        pl.len().alias("n_posts"), pl.col("created_at").min().alias("first_post_at"), pl.col("created_at").max().alias("last_post_at"),
        pl.col("like_count").fill_null(0).sum().alias("likes") if "like_count" in posts.columns else pl.lit(0).alias("likes"),
        pl.col("repost_count").fill_null(0).sum().alias("reposts") if "repost_count" in posts.columns else pl.lit(0).alias("reposts"),
        pl.col("reply_count").fill_null(0).sum().alias("replies") if "reply_count" in posts.columns else pl.lit(0).alias("replies"),
        pl.col("engagement").sum(),
    )
    peaks = (
        timeline.sort(["campaign_id", "posts", "day"], descending=[False, True, False])
        .group_by("campaign_id", maintain_order=True).first()
        .select("campaign_id", pl.col("day").alias("peak_day"), pl.col("posts").alias("peak_posts"))
    )
    campaigns = base.join(signals, on="campaign_id", how="left").join(post_stats, on="campaign_id", how="left").join(peaks, on="campaign_id", how="left")
    if accounts is not None and "followers" in accounts.columns:
        audience = members.join(accounts.select("account_id", "followers"), on="account_id", how="left").group_by("campaign_id").agg(
            pl.col("followers").fill_null(0).sum().cast(pl.Int64).alias("audience_followers")
        )
        campaigns = campaigns.join(audience, on="campaign_id", how="left")
    else:
        campaigns = campaigns.with_columns(pl.lit(None, dtype=pl.Int64).alias("audience_followers"))
    span = (posts["created_at"].min().date(), posts["created_at"].max().date()) if posts.height else None
    campaigns = campaigns.join(_surges(timeline, events, surge_factor, span), on="campaign_id", how="left").with_columns(
        pl.col("surge_events").fill_null("")
    )
    if family_assignments is not None and family_assignments.height:
        fams = (
            campaign_posts.join(family_assignments.select("post_id", pl.col("family_id").cast(pl.String)).drop_nulls(), on="post_id")
            .group_by(["campaign_id", "family_id"]).agg(pl.len().alias("posts"))
            .sort(["campaign_id", "posts", "family_id"], descending=[False, True, False])
        )
    else:
        fams = pl.DataFrame(schema={"campaign_id": pl.String, "family_id": pl.String, "posts": pl.UInt32})
    campaigns = campaigns.join(fams.group_by("campaign_id").agg(pl.len().alias("n_families")), on="campaign_id", how="left").with_columns(
        pl.col("n_families").fill_null(0)
    )
    columns = [
        "campaign_id", "status", "n_accounts", "n_posts", "first_post_at", "last_post_at", "mean_score", "top_signals",
        "likes", "reposts", "replies", "engagement", "audience_followers", "peak_day", "peak_posts", "surge_events", "n_families",
    ]
    campaigns = campaigns.select(columns).sort(["n_accounts", "campaign_id"], descending=[True, False])
    return campaigns, timeline, fams


def _surges(timeline: pl.DataFrame, events: pl.DataFrame | None, factor: float, span) -> pl.DataFrame:
    """Events on whose day ±1 the campaign's mean daily posts exceed `factor` times its mean daily posts
    over the whole corpus span (days without posts count as 0)."""
    schema = {"campaign_id": pl.String, "surge_events": pl.String}
    if events is None or events.height == 0 or timeline.height == 0 or span is None:
        return pl.DataFrame(schema=schema)
    out = []
    event_days = [(row["name"], row["occurred_at"].date()) for row in events.sort(["occurred_at", "event_id"]).iter_rows(named=True)]
    for (campaign,), group in timeline.group_by(["campaign_id"], maintain_order=True):
        days = (span[1] - span[0]).days + 1
        mean = float(group["posts"].sum()) / days
        per_day = dict(zip(group["day"].to_list(), group["posts"].to_list()))
        names = []
        for name, day in event_days:
            near = sum(per_day.get(day + dt.timedelta(days=d), 0) for d in (-1, 0, 1)) / 3.0
            if near > factor * mean:
                names.append(name)
        out.append({"campaign_id": campaign, "surge_events": "; ".join(names)})
    return pl.DataFrame(out, schema=schema)


def about_target(posts: pl.DataFrame, target_terms: list[str]) -> pl.Series:
    """Boolean per post: its text or hashtags mention any of `target_terms` (`workbench.text.target`)."""
    from workbench.text.target import about_target_expr

    if "hashtags" not in posts.columns:
        posts = posts.with_columns(pl.lit(None, dtype=pl.List(pl.String)).alias("hashtags"))
    return posts.select(about_target_expr(target_terms)).to_series()


def share_of_voice(posts: pl.DataFrame, members: pl.DataFrame, target_terms: list[str]) -> pl.DataFrame:
    """Per day, the share of posts and of engagement about the target that comes from campaign accounts.

    Returns day, campaign_id ("ALL" for all non-rejected campaigns together, then each campaign),
    target_posts, campaign_posts, share_posts (0..1), target_engagement, campaign_engagement,
    share_engagement (0..1; null when the day has no engagement). Engagement = likes + reposts + replies.
    """
    active = members.filter(pl.col("status") != "rejected").select("campaign_id", "account_id")
    frame = posts.select(
        "account_id", pl.col("created_at").dt.date().alias("day"),
        *[pl.col(c) for c in ENGAGEMENT_COLUMNS if c in posts.columns],
    )
    for column in ENGAGEMENT_COLUMNS:
        if column not in frame.columns:
            frame = frame.with_columns(pl.lit(0).alias(column))
    frame = frame.with_columns(engagement_expr().alias("engagement")).filter(about_target(posts, target_terms))
    totals = frame.group_by("day").agg(pl.len().alias("target_posts"), pl.col("engagement").sum().alias("target_engagement"))
    tagged = frame.join(active, on="account_id", how="inner")
    per_campaign = tagged.group_by(["day", "campaign_id"]).agg(
        pl.len().alias("campaign_posts"), pl.col("engagement").sum().alias("campaign_engagement")
    )
    overall = tagged.group_by("day").agg(
        pl.lit("ALL").alias("campaign_id"), pl.len().alias("campaign_posts"), pl.col("engagement").sum().alias("campaign_engagement")
    )
    days = totals.select("day")
    ids = ["ALL"] + sorted(active["campaign_id"].unique().to_list())
    grid = days.join(pl.DataFrame({"campaign_id": ids}, schema={"campaign_id": pl.String}), how="cross")
    out = (
        grid.join(totals, on="day", how="left")
        .join(pl.concat([overall.select(per_campaign.columns), per_campaign]), on=["day", "campaign_id"], how="left")
        .with_columns(pl.col("campaign_posts").fill_null(0).cast(pl.Int64), pl.col("campaign_engagement").fill_null(0).cast(pl.Int64),
                      pl.col("target_posts").cast(pl.Int64), pl.col("target_engagement").cast(pl.Int64))
        .with_columns(
            (pl.col("campaign_posts") / pl.col("target_posts")).alias("share_posts"),
            pl.when(pl.col("target_engagement") > 0).then(pl.col("campaign_engagement") / pl.col("target_engagement")).alias("share_engagement"),
        )
    )
    order = {cid: i for i, cid in enumerate(ids)}
    return (
        out.with_columns(pl.col("campaign_id").replace_strict(order, return_dtype=pl.Int64).alias("_o"))
        .sort(["day", "_o"]).drop("_o")
        .select("day", "campaign_id", "target_posts", "campaign_posts", "share_posts", "target_engagement", "campaign_engagement", "share_engagement")
    )


def verdict_labels(
    entity_type: str,
    entity_id: str,
    value: str,
    author: str,
    note: str,
    merge_into: str | None = None,
    members: list[str] | None = None,
    now: dt.datetime | None = None,
) -> pl.DataFrame:
    """The label rows that record an analyst verdict (to pass to `Store.add_labels`).

    entity_type: account or campaign; value: confirmed or rejected; merge_into: for a campaign, the id it
    is merged into; for an account, the campaign it is added to (pinned); members: the campaign's current member accounts, pinned to the campaign id (or to the
    merge target) so the verdict follows them across runs.
    """
    if entity_type not in ("account", "campaign"):
        raise ValueError("entity_type must be account or campaign")
    if value not in ("confirmed", "rejected"):
        raise ValueError("value must be confirmed or rejected")
    rows = [dict(entity_type=entity_type, entity_id=entity_id, label="verdict", value=value)]
    if merge_into and entity_type == "campaign":
        rows.append(dict(entity_type="campaign", entity_id=entity_id, label="merge_into", value=merge_into))
    if merge_into and entity_type == "account":
        if value != "confirmed":
            raise ValueError("an account merged into a campaign must be confirmed")
        rows.append(dict(entity_type="account", entity_id=entity_id, label="campaign", value=merge_into))
    if entity_type == "campaign" and value == "confirmed":
        for account in sorted(members or []):
            rows.append(dict(entity_type="account", entity_id=account, label="campaign", value=merge_into or entity_id))
    now = now or dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    return pl.DataFrame(rows).with_columns(
        pl.lit("analyst").alias("origin"), pl.lit(author).alias("author"), pl.lit(note).alias("note"),
        pl.lit(now).cast(pl.Datetime("us")).alias("created_at"),
    )
