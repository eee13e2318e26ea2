"""The data behind each report section, so the notebooks stay thin (call, show, plot).

`load_report_data` opens the corpus read-only (an analyst may have it open at the same time), loads the
posts in the date range, marks the posts about the target (`on_target`), loads accounts, events, sources,
labels and the latest stored analysis results, and pseudonymises everything once if asked. Every other
function takes that `ReportData` and returns a polars frame, a dict of facts or a list of finding
sentences; none of them touches the database.

Analysis results are one stored run, read whole with `Analysis.load(store, run_id)` (default: the latest
complete run; narratives only from that same run); `Analysis.report_frames` names them as `RESULT_NAMES`.
A run id that is not stored is an error naming the runs that are.
"""
from __future__ import annotations

import datetime as dt
import json
import os
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import polars as pl

from workbench.report.pseudonymise import SALT_ENV, NoPseudonyms, Pseudonymiser, make_pseudonymiser

POST_COLUMNS = ("post_id", "platform", "account_id", "created_at", "text", "lang", "kind", "parent_post_id",
                "shared_post_id", "urls", "hashtags", "mentions", "source_app", "like_count", "repost_count",
                "reply_count")
# Result tables the pipeline may store (name -> what the report uses from it).
RESULT_NAMES = {
    "scores": "account_id, score (0..1) and the signals that fired",
    "signals": "account_id, signal, strength, evidence",
    "edges": "source, target, weight (coordination edges) and their evidence",
    "edge_evidence": "signal, account_a, post_id_a, created_at_a, account_b, post_id_b, created_at_b, object "
                     "(the post pairs behind the strongest edges)",
    "nodes": "account_id, community, strength",
    "communities": "community, accounts, posts",
    "families": "family_id, size, template or representative_text (near-duplicate text families)",
    "narrative_map": "x, y, cluster, post_id, account_id, text (2D narrative map sample)",
    "narrative_posts": "post_id, created_at, cluster (every post's narrative)",
    "narrative_clusters": "cluster, size, keywords, exemplars, tactic (one row per narrative)",
    "tells": "post_id, phrase, category (AI-text tells)",
    "campaigns": "campaign, accounts, posts, first/last post, reach, share of voice",
    "campaign_accounts": "campaign_id, account_id, community, score, fired_signals, verdict, status (members)",
    "campaign_families": "campaign_id, family_id, posts (the near-duplicate families each campaign used)",
    "campaign_narratives": "campaign_id, cluster, posts, keywords, tactic (what each campaign says)",
}
CAMPAIGN_KINDS = ("smear", "promotion", "neutral_automation", "organic")


@dataclass
class ReportData:
    """Everything a report shows, already filtered and (optionally) pseudonymised."""

    posts: pl.DataFrame
    accounts: pl.DataFrame
    events: pl.DataFrame
    sources: pl.DataFrame
    labels: pl.DataFrame
    results: dict[str, pl.DataFrame] = field(default_factory=dict)
    analysis_run_id: str | None = None
    pseudonymiser: Pseudonymiser | NoPseudonyms = field(default_factory=NoPseudonyms)
    params: dict[str, Any] = field(default_factory=dict)
    total_posts_in_store: int = 0
    analysis_params: str = ""  # the stored analysis run's parameters (JSON text), for the methods section
    target_terms: list[str] = field(default_factory=list)  # the terms that made a post "about the target"
    target_terms_origin: str = ""  # where they came from: the report's parameters or the stored run


def _parse_date(value: str) -> dt.datetime | None:
    return dt.datetime.fromisoformat(value) if value else None


def target_expr(terms: list[str]) -> pl.Expr:
    """True for posts about the target (`workbench.text.target.about_target_expr`, as the analysis counts them)."""
    from workbench.text.target import about_target_expr

    return about_target_expr(terms).alias("on_target")


def narrative_labels(data: ReportData, keywords_shown: int = 4) -> pl.DataFrame | None:
    """`cluster`, `narrative` (readable label: number, tactic and top keywords) per narrative cluster."""
    clusters = result_or_none(data, "narrative_clusters")
    if clusters is None:
        return None
    keywords = pl.col("keywords").list.head(keywords_shown).list.join(" ").fill_null("")
    tactic = pl.col("tactic").fill_null("")
    return clusters.select(
        "cluster",
        pl.format("n{} {}: {}", pl.col("cluster"), pl.when(tactic != "").then(pl.format("[{}]", tactic)).otherwise(pl.lit("")),
                  keywords).alias("narrative"),
    ).sort("cluster")


def stored_target_terms(analysis_params: str) -> list[str]:
    """The target terms a stored analysis run was made with (from its parameters JSON), or []."""
    import json

    try:
        terms = json.loads(analysis_params).get("target_terms") if analysis_params else None
    except (ValueError, AttributeError):
        return []
    return [str(t) for t in terms] if isinstance(terms, list) else []


def resolve_db_path(db_path: str | Path) -> str:
    """`db_path` as given when it exists, else relative to the project root (`WORKBENCH_HOME`, or the
    checkout this package lives in), so the default `data/workbench.duckdb` works from notebooks/ too."""
    path = Path(db_path)
    if path.exists() or path.is_absolute():
        return str(path)
    roots = [Path(os.environ["WORKBENCH_HOME"])] if os.environ.get("WORKBENCH_HOME") else []
    roots.append(Path(__file__).resolve().parents[2])
    for root in roots:
        if (root / path).exists():
            return str(root / path)
    return str(path)


def load_report_data(db_path: str, target_terms: list[str] | None = None, since: str = "", until: str = "",
                     max_posts: int = 0, analysis_run_id: str = "", pseudonymise: bool = False,
                     pseudonym_salt: str = "", params: dict | None = None, analyze: dict | None = None,
                     analyse: dict | None = None) -> ReportData:
    """Load a report's data from the corpus at `db_path`, opened read-only.

    since/until : ISO dates (UTC, until exclusive; "" = open). max_posts : cap for quick runs (0 = all;
    the first posts in time order). analysis_run_id : stored analysis run to show ("" = the latest
    complete one; an id that is not stored raises RunNotFoundError naming the stored runs).
    analyze : when given, run the analysis now with these knobs (names of `workbench.params.KNOBS`: window_s,
        min_edge_weight, score_threshold, narratives, embedding_backend, narrative_sample_size, seed), store
        it as a run (the cache database is writable while the corpus is read-only) and report that run.
        `analyse` is the older spelling, still accepted.
    """
    from workbench.pipeline import Analysis
    from workbench.store import Store

    db_path = resolve_db_path(db_path)
    with Store(db_path, read_only=True) as store:
        total = int(store.scalar("SELECT count(*) FROM posts"))
        posts = store.posts(columns=list(POST_COLUMNS), since=_parse_date(since), until=_parse_date(until),
                            limit=max_posts or None)
        accounts = store.accounts(columns=["account_id", "platform", "handle", "display_name", "created_at",
                                           "followers", "following", "posts_count", "verified"])
        events, sources, labels = store.events(), store.sources(), store.labels()
        knobs = analyze if analyze is not None else analyse
        if knobs is not None:
            analysis_run_id = run_analysis_now(store, knobs, target_terms, since, until)
        run_id = analysis_run_id or store.latest_run()
        results, analysis_params = {}, ""
        if run_id:
            analysis = Analysis.load(store, run_id)
            results = analysis.report_frames()
            analysis_params = json.dumps(json.loads(analysis.params.to_json()), sort_keys=True)
    terms, origin = list(target_terms or []), "the report's target_terms parameter"
    if not terms:
        terms, origin = stored_target_terms(analysis_params), f"analysis run {run_id}"
        if not terms:
            origin = "none given: every post counts as about the target"
    posts = posts.with_columns(target_expr(terms).alias("on_target"))
    # `workbench report` hands the salt over in the environment so it is never recorded as a parameter
    pseudonymiser = make_pseudonymiser(pseudonymise, pseudonym_salt or os.environ.get(SALT_ENV, ""), accounts)
    if pseudonymise:
        posts, accounts, labels = (pseudonymiser.transform(f) for f in (posts, accounts, labels))
        results = {name: pseudonymiser.transform(frame) for name, frame in results.items()}
        sources = sources.with_columns(pl.col("path").map_elements(lambda p: Path(p).name, return_dtype=pl.Utf8))
    return ReportData(posts=posts, accounts=accounts, events=events, sources=sources, labels=labels,
                      results=results, analysis_run_id=run_id, pseudonymiser=pseudonymiser,
                      params=dict(params or {}), total_posts_in_store=total, analysis_params=analysis_params,
                      target_terms=terms, target_terms_origin=origin)


def run_analysis_now(store, knobs: dict, target_terms, since: str, until: str) -> str:
    """Run and store the analysis with the report's knobs (names of `workbench.params.KNOBS`); returns its run id."""
    from workbench.params import analysis_params
    from workbench.pipeline import run_analysis

    params = analysis_params({**knobs, "target_terms": list(target_terms or []), "since": since, "until": until})
    return run_analysis(store, params).save(store)


# -- corpus overview ----------------------------------------------------------------------------
def corpus_facts(data: ReportData) -> dict[str, Any]:
    posts = data.posts
    first = posts["created_at"].min() if posts.height else None
    last = posts["created_at"].max() if posts.height else None
    return {
        "posts in the store": data.total_posts_in_store,
        "posts in this report": posts.height,
        "posts about the target": int(posts["on_target"].sum()) if posts.height else 0,
        "accounts posting": posts["account_id"].n_unique(),
        "account profiles": data.accounts.height,
        "first post (UTC)": first,
        "last post (UTC)": last,
        "platforms": ", ".join(sorted(posts["platform"].drop_nulls().unique().to_list())),
        "source files": data.sources.height,
        "rows quarantined at ingest": int(data.sources["rows_quarantined"].sum()) if data.sources.height else 0,
        "analysis run": data.analysis_run_id or "none stored",
    }


def counts_by(data: ReportData, column: str, on_target_only: bool = False) -> pl.DataFrame:
    """Posts per value of `column` (`count`), most frequent first, ties by value."""
    posts = data.posts.filter(pl.col("on_target")) if on_target_only else data.posts
    return (posts.group_by(pl.col(column).cast(pl.Utf8).fill_null("(unknown)").alias(column))
            .agg(pl.len().cast(pl.Int64).alias("count")).sort(["count", column], descending=[True, False]))


def sources_table(data: ReportData) -> pl.DataFrame:
    """The ingested files with their sha256 and row accounting (the provenance of every post)."""
    wanted = ["source_id", "path", "sha256", "format", "preset", "rows_read", "rows_loaded", "rows_quarantined",
              "rows_duplicate", "started_at"]
    return data.sources.select(wanted).sort("source_id")


# -- suspicious accounts --------------------------------------------------------------------------
def suspicious_accounts(data: ReportData, score_threshold: float) -> list[str]:
    """Suspicious accounts, sorted: with a negative `score_threshold`, those the analysis flagged (its own
    rule: score, number of signals fired, the network and the chance test); else those scored at or above
    `score_threshold`. Without analysis scores: accounts analysts confirmed (labels verdict = confirmed)."""
    scores = data.results.get("scores")
    if scores is not None:
        chosen = pl.col("flagged") if score_threshold < 0 else pl.col("score") >= score_threshold
        return sorted(scores.filter(chosen)["account_id"].unique().to_list())
    labels = data.labels
    if labels.height:
        confirmed = labels.filter((pl.col("entity_type") == "account") & (pl.col("label") == "verdict")
                                  & (pl.col("value") == "confirmed"))
        return sorted(confirmed["entity_id"].unique().to_list())
    return []


def suspicious_basis(data: ReportData) -> str:
    if "scores" in data.results:
        return f"suspicion scores of analysis run {data.analysis_run_id}"
    return "analyst verdicts (labels: verdict = confirmed); no analysis scores stored"


def share_of_voice(data: ReportData, suspicious: list[str]) -> dict[str, Any]:
    """Share of the posts about the target, and of their engagement, that suspicious accounts drive: the
    analysis' own share of voice (`workbench.forensics.campaigns.share_of_voice`), with the suspicious
    accounts as one group, summed over the days."""
    from workbench.forensics.campaigns import share_of_voice as daily_share_of_voice

    on_target = data.posts.filter(pl.col("on_target"))
    flagged = on_target.filter(pl.col("account_id").is_in(pl.Series(suspicious, dtype=pl.Utf8).implode()))
    group = pl.DataFrame({"account_id": pl.Series(suspicious, dtype=pl.Utf8)}).with_columns(
        pl.lit("suspicious").alias("campaign_id"), pl.lit("detected").alias("status"))
    days = daily_share_of_voice(on_target, group, []).filter(pl.col("campaign_id") == "ALL")
    target_posts, campaign_posts = int(days["target_posts"].sum()), int(days["campaign_posts"].sum())
    total_engagement, flagged_engagement = int(days["target_engagement"].sum()), int(days["campaign_engagement"].sum())
    posting = on_target["account_id"].n_unique()
    return {
        "suspicious accounts": len(suspicious),
        "posts about the target": target_posts,
        "of them by suspicious accounts": campaign_posts,
        "share of voice (posts)": f"{campaign_posts / target_posts:.1%}" if target_posts else "n/a",
        "share of accounts posting about the target": f"{flagged['account_id'].n_unique() / posting:.1%}" if posting else "n/a",
        "engagement (likes+reposts+replies) on suspicious posts": flagged_engagement,
        "share of engagement": f"{flagged_engagement / total_engagement:.1%}" if total_engagement else "n/a",
        "first suspicious post (UTC)": flagged["created_at"].min() if flagged.height else None,
    }


def timeline_findings(data: ReportData, suspicious: list[str], every: str = "1d") -> list[str]:
    """Sentences: the busiest bucket, its suspicious share, and the events near the peak."""
    from workbench.charts import bucket_every, timeline_counts

    posts = data.posts.filter(pl.col("on_target"))
    if posts.height == 0:
        return ["No posts about the target in this range."]
    every = bucket_every(posts["created_at"].min(), posts["created_at"].max(), every)  # the chart's buckets
    counts = timeline_counts(posts, suspicious, every)
    peak = counts.sort(["posts", "bucket"], descending=[True, False]).row(0, named=True)
    findings = [f"Busiest period ({every} buckets, as in the chart): from {peak['bucket']:%Y-%m-%d %H:%M} UTC, "
                f"{peak['posts']:,} posts about the target, {peak['suspicious_share']:.0%} of them by suspicious accounts."]
    overall = counts["suspicious_posts"].sum() / counts["posts"].sum()
    findings.append(f"Over the whole range, {overall:.1%} of posts about the target come from suspicious accounts.")
    for event in data.events.sort("occurred_at").iter_rows(named=True):
        window = counts.filter((pl.col("bucket") >= event["occurred_at"] - dt.timedelta(days=2))
                               & (pl.col("bucket") <= event["occurred_at"] + dt.timedelta(days=2)))
        if window.height:
            share = window["suspicious_posts"].sum() / max(window["posts"].sum(), 1)
            findings.append(f"Around “{event['name']}” ({event['occurred_at']:%Y-%m-%d}, ±2 days): "
                            f"{window['posts'].sum():,} posts, {share:.0%} by suspicious accounts.")
    return findings


# -- accounts -------------------------------------------------------------------------------------
def handle_patterns(data: ReportData, suspicious: list[str]) -> pl.DataFrame:
    """Accounts per handle pattern (name_plus_digits, random_string, plain, missing), split by suspicion."""
    from workbench.forensics.handles import classify_handle

    if data.accounts.height == 0 or isinstance(data.pseudonymiser, Pseudonymiser):
        # Pseudonymised handles no longer carry their pattern; classify the real ones is not possible here.
        return pl.DataFrame(schema={"pattern": pl.Utf8, "group": pl.Utf8, "count": pl.Int64})
    flagged = pl.Series(suspicious, dtype=pl.Utf8).implode()
    return (
        data.accounts.select(
            pl.col("handle").map_elements(classify_handle, return_dtype=pl.Utf8, skip_nulls=False).alias("pattern"),
            pl.when(pl.col("account_id").is_in(flagged)).then(pl.lit("suspicious")).otherwise(pl.lit("other")).alias("group"),
        ).group_by("pattern", "group").agg(pl.len().cast(pl.Int64).alias("count")).sort("pattern", "group")
    )


def registration_bursts(data: ReportData, top: int = 10) -> pl.DataFrame:
    """The days with the most account registrations among accounts that posted (batches stand out)."""
    posting = data.posts["account_id"].unique().implode()
    return (
        data.accounts.filter(pl.col("account_id").is_in(posting) & pl.col("created_at").is_not_null())
        .group_by(pl.col("created_at").dt.date().alias("registered_on"))
        .agg(pl.len().cast(pl.Int64).alias("accounts"), pl.col("handle").sort().head(5).alias("example_handles"))
        .sort(["accounts", "registered_on"], descending=[True, False]).head(top)
    )


def account_table(data: ReportData, suspicious: list[str], top: int | None = 50) -> pl.DataFrame:
    """Ranked accounts: score (when analysed) else posts about the target; with profile, activity, the
    signals that fired and the campaign or group each belongs to (empty when no run is stored)."""
    activity = data.posts.group_by("account_id").agg(
        pl.len().cast(pl.Int64).alias("posts"),
        pl.col("on_target").sum().cast(pl.Int64).alias("posts_about_target"),
        pl.col("created_at").min().alias("first_post"),
        pl.col("created_at").max().alias("last_post"),
        pl.col("source_app").drop_nulls().mode().first().alias("main_source_app"),
    )
    from workbench.store import empty_result

    results = data.results
    scores = results.get("scores", empty_result("account_scores"))
    members = results.get("campaign_accounts", empty_result("campaign_accounts"))
    kinds = results.get("campaigns", empty_result("campaigns")).select("campaign_id", "kind")
    groups = members.select("account_id", "campaign_id").unique("account_id", keep="first").join(
        kinds, on="campaign_id", how="left")
    table = (activity
             .join(data.accounts.select("account_id", "handle", pl.col("created_at").alias("registered"), "followers"),
                   on="account_id", how="left")
             .join(scores.select("account_id", "score", "signals_fired", "fired_signals"), on="account_id", how="left")
             .join(groups, on="account_id", how="left")
             .with_columns(pl.col("account_id").is_in(pl.Series(suspicious, dtype=pl.Utf8).implode()).alias("suspicious")))
    order = ["score", "posts_about_target", "account_id"] if "scores" in results else ["posts_about_target", "posts", "account_id"]
    table = table.sort(order, descending=[True] * (len(order) - 1) + [False], nulls_last=True)
    table = table.head(top) if top else table
    first = ["account_id", "handle", "campaign_id", "kind", "score", "suspicious"]
    return table.select(first + [c for c in table.columns if c not in first])


# -- machine-made text ----------------------------------------------------------------------------
def repeated_texts(data: ReportData, min_accounts: int = 3, top: int = 20) -> pl.DataFrame:
    """Identical texts (after trimming and lower-casing) posted by at least `min_accounts` accounts:
    the plainest trace of generated or copy-pasted content. Columns: text, posts, accounts, first, last."""
    return (
        data.posts.filter(pl.col("kind") != "repost")
        .with_columns(pl.col("text").fill_null("").str.strip_chars().str.to_lowercase().alias("_key"))
        .filter(pl.col("_key").str.len_chars() >= 20)
        .group_by("_key")
        .agg(pl.col("text").first().alias("text"), pl.len().cast(pl.Int64).alias("posts"),
             pl.col("account_id").n_unique().cast(pl.Int64).alias("accounts"),
             pl.col("created_at").min().alias("first"), pl.col("created_at").max().alias("last"))
        .filter(pl.col("accounts") >= min_accounts)
        .sort(["accounts", "posts", "_key"], descending=[True, True, False])
        .drop("_key").head(top)
    )


def result_or_none(data: ReportData, name: str) -> pl.DataFrame | None:
    frame = data.results.get(name)
    return frame if frame is not None and frame.height else None


def campaign_table(data: ReportData) -> pl.DataFrame | None:
    """The run's campaigns with the analysts' current verdict on each (`analyst_verdict`, `verdict_by`,
    `verdict_note`): a verdict recorded against this run after it was saved shows here. None without campaigns."""
    found = result_or_none(data, "campaigns")
    if found is None:
        return None
    verdicts = data.labels.filter((pl.col("entity_type") == "campaign") & (pl.col("label") == "verdict")).select(
        pl.col("entity_id").alias("campaign_id"), pl.col("value").alias("analyst_verdict"),
        pl.col("author").alias("verdict_by"), pl.col("note").alias("verdict_note"),
    ).unique("campaign_id", keep="last", maintain_order=True)
    return found.join(verdicts, on="campaign_id", how="left")


def missing_results_note(data: ReportData, names: list[str]) -> str | None:
    """A sentence naming the results that are absent (not stored) or empty (the analysis found none)."""
    missing = [n for n in names if n not in data.results]
    empty = [n for n in names if n in data.results and data.results[n].height == 0]
    sentences = []
    if missing:
        run = data.analysis_run_id or "no analysis run is stored"
        sentences.append(f"Not shown: the analysis results {', '.join(missing)} are not in the store ({run}). "
                         "Run the analysis pipeline on this database first, then run the report again.")
    if empty:
        sentences.append(f"The analysis found nothing for: {', '.join(empty)}.")
    return " ".join(sentences) or None


def strongest_edges(data: ReportData, top: int | None = 30) -> pl.DataFrame | None:
    """The fused edges, strongest first (`top` of them; None: all)."""
    edges = result_or_none(data, "edges")
    if edges is None:
        return None
    edges = edges.sort(["weight", "source", "target"], descending=[True, False, False])
    return edges.head(top) if top else edges


# -- methods --------------------------------------------------------------------------------------
def methods_facts(data: ReportData) -> dict[str, Any]:
    from workbench.report.runner import git_commit, package_versions, source_hashes

    git = git_commit()
    facts: dict[str, Any] = {f"parameter {k}": v for k, v in sorted(data.params.items()) if k != "pseudonym_salt"}
    if "pseudonym_salt" in data.params:
        facts["parameter pseudonym_salt"] = "(secret, not shown)"
    facts["analysis run"] = data.analysis_run_id or "none"
    facts["analysis parameters"] = data.analysis_params or "unknown"
    facts["git commit"] = f"{git['commit']}{' (uncommitted changes)' if git['dirty'] else ''}"
    facts["workbench sources sha256"] = source_hashes()["combined"]
    facts.update({f"version {k}": v for k, v in package_versions().items()})
    return facts


def ground_truth_check(data: ReportData, suspicious: list[str]) -> dict[str, Any] | None:
    """When the store has ground truth (labels `is_campaign` = true, origin ground_truth, as the synthetic
    corpus provides), how the suspicious set compares: true/false positives, precision and recall.
    None when there is no ground truth. Ground truth is only compared against, never used to decide."""
    labels = data.labels
    if labels.height == 0:
        return None
    truth = labels.filter((pl.col("entity_type") == "account") & (pl.col("label") == "is_campaign")
                          & (pl.col("origin") == "ground_truth"))
    if truth.height == 0:
        return None
    positives = set(truth.filter(pl.col("value").str.to_lowercase() == "true")["entity_id"].to_list())
    flagged = set(suspicious)
    hits = len(positives & flagged)
    return {
        "campaign accounts in the ground truth": len(positives),
        "suspicious accounts": len(flagged),
        "true positives": hits,
        "false positives": len(flagged - positives),
        "missed campaign accounts": len(positives - flagged),
        "precision": f"{hits / len(flagged):.1%}" if flagged else "n/a",
        "recall": f"{hits / len(positives):.1%}" if positives else "n/a",
    }


def edge_evidence_posts(data: ReportData, edges_shown: int = 5, pairs_per_edge: int = 5) -> pl.DataFrame | None:
    """For the `edges_shown` strongest edges, up to `pairs_per_edge` post pairs behind each, with both
    posts' text: the evidence an investigator cites. None when the run stored no edge evidence."""
    evidence = result_or_none(data, "edge_evidence")
    top = strongest_edges(data, edges_shown)
    if evidence is None or top is None:
        return None
    keys = pl.concat([top.select(pl.col("source").alias("account_a"), pl.col("target").alias("account_b")),
                      top.select(pl.col("target").alias("account_a"), pl.col("source").alias("account_b"))])
    texts = data.posts.select("post_id", "text")
    chosen = (evidence.join(keys, on=["account_a", "account_b"], how="semi").sort("signal", "created_at_a", "post_id_a", "post_id_b")
              .group_by("account_a", "account_b", maintain_order=True).head(pairs_per_edge))
    return (chosen.join(texts.rename({"post_id": "post_id_a", "text": "text_a"}), on="post_id_a", how="left")
            .join(texts.rename({"post_id": "post_id_b", "text": "text_b"}), on="post_id_b", how="left"))
