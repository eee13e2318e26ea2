"""Report sections as ready-to-show outputs: each function takes `ReportData` and returns a
`display.Displayables` (charts, escaped tables, findings, or a plain note saying what is missing).
Notebooks call one function per section; the choices (what to show when a result is absent) live here,
tested, instead of as branches in notebook cells."""
from __future__ import annotations

import polars as pl

from workbench import charts
from workbench.report import display as show
from workbench.report import sections
from workbench.report.sections import ReportData


def _note(text: str | None):
    return show.show_text(text) if text else None


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
        show.show_table(data.events.select([c for c in ("occurred_at", "name", "kind", "target") if c in data.events.columns]),
                        caption="Events"),
    )


def narratives(data: ReportData, map_points: int, seed: int, every: str, top_rows: int) -> show.Displayables:
    items: list = [_note(sections.missing_results_note(data, ["narrative_map", "narrative_posts", "narrative_clusters"]))]
    labels = sections.narrative_labels(data)
    points = sections.result_or_none(data, "narrative_map")
    if points is not None and {"x", "y", "cluster"} <= set(points.columns):
        if "text" not in points.columns:
            points = points.join(data.posts.select("post_id", "text"), on="post_id", how="inner")
        if labels is not None:
            points = points.join(labels, on="cluster", how="left")
        items.append(show.show_chart(charts.plot_narrative_map(points, max_points=map_points, seed=seed)))
    assigned = sections.result_or_none(data, "narrative_posts")
    if assigned is not None and {"post_id", "cluster"} <= set(assigned.columns):
        over_time = data.posts.select("post_id", "created_at").join(assigned.select("post_id", "cluster"), on="post_id")
        if labels is not None:
            over_time = over_time.join(labels, on="cluster", how="left")
        items.append(show.show_chart(charts.plot_narratives_over_time(over_time, every=every, events=data.events)))
    clusters = sections.result_or_none(data, "narrative_clusters")
    if clusters is not None:
        wanted = [c for c in ("cluster", "size", "accounts", "tactic", "keywords", "exemplars", "first_post_at",
                              "last_post_at", "languages") if c in clusters.columns]
        items.append(show.show_table(clusters.select(wanted).sort(["size", "cluster"], descending=[True, False])
                                     if "size" in wanted else clusters.select(wanted), max_rows=top_rows,
                                     caption="Narratives: keywords, tactic label and example posts"))
        if "tactic" in clusters.columns and "size" in clusters.columns:
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
    if families is not None and {"family_id", "size"} <= set(families.columns):
        label = next((c for c in ("template", "representative_text") if c in families.columns), None)
        items.append(show.show_chart(charts.plot_family_sizes(families, top=top_rows, label_column=label)))
        items.append(show.show_table(families.sort(["size", "family_id"], descending=[True, False]), max_rows=top_rows,
                                     caption="Near-duplicate families and their templates"))
    tells = sections.result_or_none(data, "tells")
    if tells is not None:
        items.append(show.show_table(tells.join(data.posts.select("post_id", "account_id", "text"), on="post_id", how="left")
                                     if "post_id" in tells.columns else tells, max_rows=top_rows,
                                     caption="AI-text tells (self-revealing phrases, pasted refusals)"))
    return show.show_all(*items)


def coordination(data: ReportData, network_nodes: int, seed: int, top_rows: int) -> show.Displayables:
    edges, nodes = sections.result_or_none(data, "edges"), sections.result_or_none(data, "nodes")
    items: list = [_note(sections.missing_results_note(data, ["edges", "nodes", "communities"]))]
    if edges is not None and {"source", "target", "weight"} <= set(edges.columns):
        if nodes is None:
            nodes = pl.concat([edges.select(pl.col("source").alias("account_id")),
                               edges.select(pl.col("target").alias("account_id"))]).unique().sort("account_id")
        nodes = nodes.join(data.accounts.select("account_id", "handle"), on="account_id", how="left") \
            if "handle" not in nodes.columns else nodes
        items.append(show.show_chart(charts.plot_coordination_network(nodes, edges, max_nodes=network_nodes, seed=seed,
                                                                      size_column=next((c for c in ("score", "coordination_score")
                                                                                  if c in nodes.columns), None))))
        items.append(show.show_table(sections.strongest_edges(data, top_rows), max_rows=top_rows,
                                     caption="Strongest coordination edges (weight per signal)"))
        evidence = sections.edge_evidence_posts(data)
        items.append(show.show_table(evidence, max_rows=50, max_chars=160,
                                     caption="The post pairs behind the five strongest edges")
                     if evidence is not None else _note(sections.missing_results_note(data, ["edge_evidence"])))
    communities = sections.result_or_none(data, "communities")
    if communities is not None:
        items.append(show.show_table(communities, max_rows=top_rows, caption="Communities"))
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
        show.show_table(sections.account_table(data, suspicious, top=top_rows), max_rows=top_rows,
                        caption="Ranked accounts with the signals that fired"),
    ]
    scores = sections.result_or_none(data, "scores")
    if scores is not None and "score" in scores.columns:
        items.append(show.show_chart(charts.plot_score_distribution(scores, threshold=score_threshold,
                                                                    title="Suspicion scores")))
    return show.show_all(*items)


def campaigns(data: ReportData, suspicious: list[str], top_rows: int) -> show.Displayables:
    found = sections.campaign_table(data)
    return show.show_all(
        show.show_facts(sections.share_of_voice(data, suspicious), caption="Share of voice of suspicious accounts"),
        show.show_table(found, max_rows=top_rows, caption="Campaigns") if found is not None else
        _note(sections.missing_results_note(data, ["campaigns"])),
        _ground_truth(sections.ground_truth_check(data, suspicious)),
    )


def _ground_truth(check):
    if check is None:
        return None
    return show.show_facts(check, caption="Check against the ground truth labels (not used by the analysis)")


def methods(data: ReportData) -> show.Displayables:
    return show.show_all(show.show_facts(sections.methods_facts(data), caption="Parameters, versions and hashes"))
