"""Report sections as ready-to-show outputs: each function takes `ReportData` and returns a
`display.Displayables` (charts, escaped tables, findings, or a plain note saying what is missing).
Notebooks call one function per section; the choices (what to show when a result is absent) live here,
tested, instead of as branches in notebook cells."""
from __future__ import annotations

import polars as pl

from workbench import charts
from workbench.report import display as show
from workbench.report import findings, sections
from workbench.report.sections import ReportData

ACCOUNTS_TABLE = "accounts-table"


def _note(text: str | None):
    return show.show_text(text) if text else None


def summary(data: ReportData) -> show.Displayables:
    """The findings first: headline, key numbers, one answer per brief question, confidence, contents."""
    found = findings.summary(data)
    return show.show_all(show.show_summary(found.headline, found.answers, found.confidence, found.numbers),
                         contents(data))


def contents(data: ReportData) -> show.SafeHTML:
    """Table of contents: the summary, each campaign, the other groups, the whole conversation, appendix."""
    against, others = findings.campaigns_by_kind(data)
    items = [("Summary of findings", "summary"), ("Campaigns against the target", "campaigns")]
    items += [(f"    {row['campaign_id']}: {row.get('n_accounts', 0):,} accounts, {row.get('n_posts', 0) or 0:,} posts",
               show.anchor_id("campaign", row["campaign_id"])) for row in against.head(20).iter_rows(named=True)]
    items += [(f"Other coordinated groups ({others.height})", "other-groups"), ("Timeline against events", "timeline"),
              ("Narratives", "narratives"), ("Machine-made text", "machine-text"), ("Coordination network", "coordination"),
              ("Accounts", "accounts"), ("Appendix: corpus, sources and methods", "appendix")]
    return show.show_links(items, caption="Contents")


def campaign_sections(data: ReportData, every: str, top_rows: int) -> show.Displayables:
    """One section per campaign against the target: facts, timeline against events, narratives, the
    strongest edges and the posts behind them, machine-made text, members and their posts (drill-down)."""
    against, _ = findings.campaigns_by_kind(data)
    if against.height == 0:
        return show.show_all(_note(sections.missing_results_note(data, ["campaigns", "campaign_accounts"])),
                             show.show_text("No campaign against the target was found."))
    keep = ["campaign_id", "status", "n_accounts", "n_posts", "first_post_at", "last_post_at", "peak_day", "surge_events",
            "engagement", "audience_followers", "n_families", "top_signals"]
    items: list = [show.show_table(against.select(keep), max_rows=100, caption="Campaigns against the target (click one)",
                                   anchors={"campaign_id": "campaign"})]
    for number, row in enumerate(against.iter_rows(named=True)):
        # the ten largest get every table; smaller ones a brief section, so the page stays under 10 MB
        items.extend(_campaign_items(data, row, every, top_rows, brief=number >= 10))
    return show.show_all(*items)


def other_groups(data: ReportData, every: str, top_rows: int) -> show.Displayables:
    """Coordinated groups that are not against the target (fans, news automation, promotion): a table,
    then a short section each."""
    _, others = findings.campaigns_by_kind(data)
    if others.height == 0:
        return show.show_all(show.show_text("No other coordinated group was found."))
    keep = ["campaign_id", "kind", "kind_reasons", "n_accounts", "n_posts", "first_post_at", "last_post_at", "top_signals"]
    items: list = [show.show_table(others.select(keep), max_rows=200, caption="Other coordinated groups",
                                   anchors={"campaign_id": "campaign"})]
    for row in others.head(10).iter_rows(named=True):
        items.extend(_campaign_items(data, row, every, top_rows, brief=True))
    return show.show_all(*items)


def _campaign_items(data: ReportData, row: dict, every: str, top_rows: int, brief: bool = False) -> list:
    campaign_id = row["campaign_id"]
    posts_table = show.anchor_id("posts", campaign_id)
    members = findings.campaign_members(data, campaign_id)
    member_ids = members["account_id"].to_list()
    member_posts = data.posts.filter(pl.col("account_id").is_in(pl.Series(member_ids, dtype=pl.Utf8).implode()))
    title = f"{campaign_id}: {findings.KIND_NAMES.get(row.get('kind'), row.get('kind'))}"
    items: list = [show.show_text(title, "h3", anchor=show.anchor_id("campaign", campaign_id)),
                   show.show_facts(findings.campaign_facts(data, row), caption="What the analysis found")]
    if member_posts.height:
        items.append(show.show_chart(charts.plot_timeline(
            data.posts.filter(pl.col("on_target") | pl.col("account_id").is_in(pl.Series(member_ids, dtype=pl.Utf8).implode())),
            data.events, member_ids, every, title=f"{campaign_id}: its posts among the posts about the target, with events",
            highlight="campaign accounts")))
    narratives = findings.campaign_narratives(data, campaign_id)
    if narratives is not None and narratives.height:
        items.append(show.show_table(narratives, max_rows=10, caption="Narratives it pushes (posts per narrative cluster)"))
    if not brief:
        edges = findings.campaign_edges(data, campaign_id, top=top_rows)
        if edges is not None and edges.height:
            items.append(show.show_search_table(edges, show.anchor_id("edges", campaign_id),
                                                caption="Strongest coordination edges between members", max_rows=500))
        pairs = findings.campaign_edge_posts(data, campaign_id)
        if pairs is not None and pairs.height:
            items.append(show.show_table(pairs, max_rows=20, max_chars=200,
                                         caption="Evidence: post pairs behind its strongest edges"))
        families = findings.campaign_families(data, campaign_id, top=top_rows)
        if families is not None and families.height:
            items.append(show.show_table(families, max_rows=top_rows, max_chars=200,
                                         caption="Machine-made text: near-duplicate families it used"))
    items.append(show.show_search_table(members, show.anchor_id("members", campaign_id), max_rows=2000 if not brief else 300,
                                        caption=f"Member accounts ({members.height:,}); click an account to list its posts",
                                        filters={"account_id": posts_table}))
    items.append(show.show_search_table(findings.campaign_posts(data, campaign_id, 2000 if not brief else 300), posts_table,
                                        max_rows=2000,
                                        caption="Members' posts (up to ten per account, about the target first)",
                                        max_chars=280))
    items.append(show.show_text(f"One account in depth: workbench report notebooks/account_dossier.ipynb -p account_id "
                                f"ACCOUNT. Evidence pack: workbench export-evidence --campaign {campaign_id} --out DIR "
                                f"(with the analysis options of this run)."))
    return items


def appendix(data: ReportData) -> show.Displayables:
    """Corpus facts, source files with their sha256, and the methods (parameters, versions, hashes)."""
    return show.show_all(
        show.show_text(f"Posts about the target are those mentioning: {', '.join(data.target_terms) or '(any post)'} "
                       f"(from {data.target_terms_origin})."),
        overview(data), methods(data))


def overview(data: ReportData) -> show.Displayables:
    return show.show_all(
        show.show_facts(sections.corpus_facts(data), caption="Corpus"),
        show.show_table(sections.sources_table(data), caption="Source files (sha256 of each file as ingested)"),
        show.show_chart(charts.plot_category_bars(sections.counts_by(data, "platform"), "platform", title="Posts per platform")),
        show.show_chart(charts.plot_category_bars(sections.counts_by(data, "kind"), "kind", title="Posts per kind")),
        show.show_chart(charts.plot_category_bars(sections.counts_by(data, "lang"), "lang", title="Posts per language")),
        show.show_chart(charts.plot_category_bars(sections.counts_by(data, "source_app"), "source_app",
                                                  title="Posts per source app")),
    )


def timeline(data: ReportData, suspicious: list[str], every: str) -> show.Displayables:
    on_target = data.posts.filter(pl.col("on_target"))
    return show.show_all(
        show.show_text(f"Suspicious accounts are taken from the {sections.suspicious_basis(data)}: "
                       f"{len(suspicious):,} accounts."),
        show.show_chart(charts.plot_timeline(on_target, data.events, suspicious, every,
                                             title="Posts about the target over time")),
        show.show_findings(sections.timeline_findings(data, suspicious, every)),
        show.show_table(data.events.select("occurred_at", "name", "kind", "target"),
                        caption="Events"),
    )


def narratives(data: ReportData, map_points: int, seed: int, every: str, top_rows: int) -> show.Displayables:
    items: list = [_note(sections.missing_results_note(data, ["narrative_map", "narrative_posts", "narrative_clusters"]))]
    labels = sections.narrative_labels(data)
    points = sections.result_or_none(data, "narrative_map")
    if points is not None:
        if labels is not None:
            points = points.join(labels, on="cluster", how="left")
        items.append(show.show_chart(charts.plot_narrative_map(points, max_points=map_points, seed=seed)))
    assigned = sections.result_or_none(data, "narrative_posts")
    if assigned is not None:
        over_time = data.posts.select("post_id", "created_at").join(assigned.select("post_id", "cluster"), on="post_id")
        if labels is not None:
            over_time = over_time.join(labels, on="cluster", how="left")
        items.append(show.show_chart(charts.plot_narratives_over_time(over_time, every=every, events=data.events)))
    clusters = sections.result_or_none(data, "narrative_clusters")
    if clusters is not None:
        wanted = ["cluster", "size", "accounts", "tactic", "keywords", "exemplars", "first_post_at", "last_post_at", "languages"]
        items.append(show.show_search_table(clusters.select(wanted).sort(["size", "cluster"], descending=[True, False]),
                                            "narratives-table", caption="Narratives: keywords, tactic label and example posts"))
        tactics = clusters.group_by(pl.col("tactic").fill_null("(none)")).agg(pl.col("size").sum().cast(pl.Int64).alias("posts"))
        items.append(show.show_chart(charts.plot_category_bars(tactics, "tactic", count="posts",
                                                               title="Posts per tactic label")))
    return show.show_all(*items)


def machine_text(data: ReportData, top_rows: int) -> show.Displayables:
    items: list = [
        show.show_table(sections.repeated_texts(data, top=top_rows),
                        caption="Identical texts posted by three or more accounts"),
        _note(sections.missing_results_note(data, ["families", "tells"])),
    ]
    families = sections.result_or_none(data, "families")
    if families is not None:
        items.append(show.show_chart(charts.plot_family_sizes(families, top=top_rows, label_column="representative_text")))
        items.append(show.show_search_table(families.sort(["size", "family_id"], descending=[True, False]),
                                            "families-table", caption="Near-duplicate families and their templates"))
    tells = sections.result_or_none(data, "tells")
    if tells is not None:
        items.append(show.show_table(tells.join(data.posts.select("post_id", "text"), on="post_id", how="left"), max_rows=top_rows,
                                     caption="AI-text tells (self-revealing phrases, pasted refusals)"))
    return show.show_all(*items)


def coordination(data: ReportData, network_nodes: int, seed: int, top_rows: int) -> show.Displayables:
    edges, nodes = sections.result_or_none(data, "edges"), sections.result_or_none(data, "nodes")
    items: list = [_note(sections.missing_results_note(data, ["edges", "nodes", "communities"]))]
    if edges is not None:
        if nodes is None:
            nodes = pl.concat([edges.select(pl.col("source").alias("account_id")),
                               edges.select(pl.col("target").alias("account_id"))]).unique().sort("account_id")
        nodes = nodes.join(data.accounts.select("account_id", "handle"), on="account_id", how="left")
        groups, order = findings.campaign_labels(data)
        nodes = nodes.join(groups, on="account_id", how="left").with_columns(
            pl.col("group").fill_null("not in a campaign or group"))
        items.append(show.show_chart(charts.plot_coordination_network(
            nodes, edges, max_nodes=network_nodes, seed=seed, color_column="group",
            color_order=order + ["not in a campaign or group"],
            size_column="coordination_score",
            title="Coordination network, coloured by campaign (kind in brackets)")))
        items.append(show.show_search_table(sections.strongest_edges(data, None), "edges-table",
                                            caption="Strongest coordination edges (weight per signal)"))
        evidence = sections.edge_evidence_posts(data)
        items.append(show.show_table(evidence, max_rows=50, max_chars=160,
                                     caption="The post pairs behind the five strongest edges")
                     if evidence is not None else _note(sections.missing_results_note(data, ["edge_evidence"])))
    communities = sections.result_or_none(data, "communities")
    if communities is not None:
        items.append(show.show_search_table(communities, "communities-table", caption="Communities"))
    return show.show_all(*items)


def accounts(data: ReportData, suspicious: list[str], score_threshold: float, top_rows: int) -> show.Displayables:
    flagged_posts = data.posts.filter(pl.col("account_id").is_in(pl.Series(suspicious, dtype=pl.Utf8).implode()))
    patterns = sections.handle_patterns(data, suspicious)
    items: list = [
        show.show_chart(charts.plot_registration_histogram(data.accounts, suspicious_accounts=suspicious)),
        show.show_table(sections.registration_bursts(data, top=10), caption="Days with the most registrations"),
        show.show_chart(charts.plot_activity_heatmap(data.posts, title="All posts by hour (UTC) and weekday")),
        show.show_chart(charts.plot_activity_heatmap(flagged_posts, title="Suspicious accounts' posts by hour (UTC) and weekday"))
        if flagged_posts.height else None,
        show.show_chart(charts.plot_category_bars(patterns.group_by("pattern").agg(pl.col("count").sum()), "pattern",
                                                  title="Handle patterns")) if patterns.height else
        show.show_text("Handle patterns are not shown in a pseudonymised report."),
        show.show_table(patterns, caption="Handle patterns by group") if patterns.height else None,
        show.show_search_table(sections.account_table(data, suspicious, top=None), ACCOUNTS_TABLE, max_rows=1500,
                               caption="Ranked accounts with the signals that fired (search, sort, page)",
                               anchors={"campaign_id": "campaign"}),
    ]
    scores = sections.result_or_none(data, "scores")
    if scores is not None:
        items.append(show.show_chart(charts.plot_score_distribution(
            scores, threshold=score_threshold if score_threshold >= 0 else None,
            title="Suspicion scores (flagged accounts: the analysis rule)" if score_threshold < 0 else "Suspicion scores")))
    return show.show_all(*items)


def campaigns(data: ReportData, suspicious: list[str], top_rows: int) -> show.Displayables:
    found = sections.campaign_table(data)
    return show.show_all(
        show.show_facts(sections.share_of_voice(data, suspicious), caption="Share of voice of suspicious accounts"),
        show.show_search_table(found, "campaigns-table", caption="Every campaign and coordinated group of the run",
                               anchors={"campaign_id": "campaign"}) if found is not None else
        _note(sections.missing_results_note(data, ["campaigns"])),
        _ground_truth(sections.ground_truth_check(data, suspicious)),
    )


def _ground_truth(check):
    if check is None:
        return None
    return show.show_facts(check, caption="Check against the ground truth labels (not used by the analysis)")


def methods(data: ReportData) -> show.Displayables:
    return show.show_all(show.show_facts(sections.methods_facts(data), caption="Parameters, versions and hashes"))
