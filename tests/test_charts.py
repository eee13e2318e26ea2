"""Chart builders: they aggregate or sample before charting, show the planted signal, and are deterministic."""
from __future__ import annotations

import json
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from workbench import charts

START = datetime(2025, 1, 1)


def make_posts(n: int, seed: int = 7) -> pl.DataFrame:
    """n posts over 30 days by 500 accounts; accounts bot0..bot49 post only on 2025-01-10, 09:00-10:00 UTC."""
    rng = np.random.default_rng(seed)
    organic_seconds = rng.integers(0, 30 * 86400, size=n)
    accounts = rng.integers(0, 500, size=n)
    is_bot = accounts < 50
    burst_seconds = 9 * 86400 + 9 * 3600 + rng.integers(0, 3600, size=n)
    seconds = np.where(is_bot, burst_seconds, organic_seconds)
    return pl.DataFrame({
        "post_id": [f"synth:{i}" for i in range(n)],
        "account_id": [f"synth:bot{a}" if a < 50 else f"synth:user{a}" for a in accounts],
        "created_at": pl.Series([START + timedelta(seconds=int(s)) for s in seconds], dtype=pl.Datetime("us")),
        "text": [f"post {i} <script>alert(1)</script>" for i in range(n)],
    })


def bots() -> list[str]:
    return [f"synth:bot{a}" for a in range(50)]


def test_timeline_counts_show_the_burst_and_its_suspicious_share():
    posts = make_posts(5000)
    counts = charts.timeline_counts(posts, suspicious_accounts=bots(), every="1d")
    assert counts["posts"].sum() == posts.height
    peak = counts.sort("posts", descending=True).row(0, named=True)
    assert peak["bucket"] == datetime(2025, 1, 10)
    assert peak["suspicious_share"] > 0.7  # 500 burst posts against ~150 organic ones that day
    quiet = counts.filter(pl.col("bucket") != datetime(2025, 1, 10))
    assert quiet["suspicious_posts"].sum() == 0


def test_timeline_chart_embeds_buckets_not_posts_and_marks_events():
    posts = make_posts(200_000)
    events = pl.DataFrame({"name": ["YU7 launch", "outside range"],
                           "occurred_at": [datetime(2025, 1, 10, 12), datetime(2026, 1, 1)],
                           "kind": ["launch", "news"]})
    chart = charts.plot_timeline(posts, events=events, suspicious_accounts=bots())
    spec = chart.to_dict()
    assert charts.chart_rows(chart) < 200  # 30 days x 2 groups + 30 share rows + 1 event
    text = json.dumps(spec)
    assert "YU7 launch" in text and "outside range" not in text


def test_activity_heatmap_is_a_full_7x24_grid_with_the_burst_hour_on_friday():
    posts = make_posts(3000)
    matrix = charts.activity_matrix(posts)
    assert matrix.height == 7 * 24
    assert matrix["posts"].sum() == posts.height
    top = matrix.sort("posts", descending=True).row(0, named=True)
    assert (top["weekday"], top["hour"]) == ("Fri", 9)  # 2025-01-10 was a Friday
    assert charts.chart_rows(charts.plot_activity_heatmap(posts)) == 168


def test_registration_histogram_splits_suspicious_batches():
    accounts = pl.DataFrame({
        "account_id": [f"synth:bot{i}" for i in range(40)] + [f"synth:user{i}" for i in range(60)],
        "created_at": [datetime(2024, 12, 1, 3)] * 40 + [datetime(2020, 1, 1) + timedelta(days=13 * i) for i in range(60)],
    })
    chart = charts.plot_registration_histogram(accounts, suspicious_accounts=bots())
    rows = next(iter(chart.to_dict()["datasets"].values()))
    batch = [r for r in rows if r["group"] == "suspicious accounts"]
    assert len(batch) == 1 and batch[0]["accounts"] == 40


def test_narrative_map_samples_per_cluster_deterministically_and_keeps_small_clusters():
    rng = np.random.default_rng(1)
    n = 40_000
    cluster = np.where(np.arange(n) < 30, 99, rng.integers(-1, 5, size=n))  # cluster 99 has only 30 posts
    points = pl.DataFrame({"x": rng.normal(size=n), "y": rng.normal(size=n), "cluster": cluster,
                           "text": ["<img src=x onerror=alert(1)> " + "long " * 100] * n,
                           "post_id": [f"p{i}" for i in range(n)]})
    first = charts.plot_narrative_map(points, max_points=2000, seed=3)
    second = charts.plot_narrative_map(points, max_points=2000, seed=3)
    assert first.to_json() == second.to_json()
    rows = next(iter(first.to_dict()["datasets"].values()))
    assert len(rows) <= 2000
    assert any(r["cluster"] == 99 for r in rows)
    assert max(len(r["text"]) for r in rows) <= charts.TEXT_CHARS + 1
    assert "map_brush" in first.to_json()  # the map selection drives the table


def test_sample_rows_is_a_subset_in_input_order():
    frame = pl.DataFrame({"i": range(10_000), "g": [i % 7 for i in range(10_000)]})
    sample = charts.sample_rows(frame, 500, seed=0, by="g")
    assert sample.height <= 500
    assert sample["i"].is_sorted()
    assert set(sample["g"].to_list()) == set(range(7))


def test_coordination_network_keeps_strongest_nodes_with_a_seeded_layout():
    rng = np.random.default_rng(0)
    clique = [f"a{i}" for i in range(20)]
    edges = [(s, t, 10) for i, s in enumerate(clique) for t in clique[i + 1:]]
    others = [f"o{i}" for i in range(2000)]
    edges += [(others[i], others[(i + 1) % 2000], 1) for i in range(0, 2000, 2)]
    edge_frame = pl.DataFrame(edges, schema=["source", "target", "weight"], orient="row")
    nodes = pl.DataFrame({"account_id": clique + others,
                          "community": ["c1"] * 20 + ["c0"] * 2000,
                          "score": rng.random(2020)})
    chart = charts.plot_coordination_network(nodes, edge_frame, max_nodes=300, seed=5)
    again = charts.plot_coordination_network(nodes, edge_frame, max_nodes=300, seed=5)
    assert chart.to_json() == again.to_json()
    datasets = chart.to_dict()["datasets"].values()
    node_rows = [rows for rows in datasets if rows and "strength" in rows[0]][0]
    assert len(node_rows) == 300
    assert set(clique) <= {r["account_id"] for r in node_rows}


def test_score_distribution_bins_in_polars_with_a_threshold():
    scores = pl.DataFrame({"score": np.linspace(0, 1, 100_001), "label": ["bot", "human"] * 50_000 + ["bot"]})
    chart = charts.plot_score_distribution(scores, group_column="label", bins=20, threshold=0.7)
    assert charts.chart_rows(chart) <= 20 * 2 + 1
    rows = [r for rows in chart.to_dict()["datasets"].values() for r in rows if "count" in r]
    assert sum(r["count"] for r in rows) == 100_001


def test_family_sizes_and_narratives_over_time_are_bounded():
    families = pl.DataFrame({"family_id": range(500), "size": list(range(500, 0, -1)), "template": ["t <b>x</b>"] * 500})
    chart = charts.plot_family_sizes(families, top=25)
    assert charts.chart_rows(chart) == 25
    posts = make_posts(20_000).with_columns(pl.Series("cluster", [i % 30 for i in range(20_000)]))
    over_time = charts.plot_narratives_over_time(posts, top=5)
    rows = next(iter(over_time.to_dict()["datasets"].values()))
    assert len({r["narrative"] for r in rows}) == 6  # five leaders + "other"


@pytest.mark.parametrize("builder", ["timeline", "heatmap"])
def test_empty_frames_still_chart(builder):
    empty = make_posts(10).head(0)
    chart = charts.plot_timeline(empty) if builder == "timeline" else charts.plot_activity_heatmap(empty)
    assert chart.to_dict()


def test_six_years_of_registrations_and_posts_stay_bounded_with_years_on_the_axis():
    days = 6 * 365
    accounts = pl.DataFrame({"account_id": [f"synth:a{i}" for i in range(days * 3)],
                             "created_at": [datetime(2019, 1, 1) + timedelta(hours=8 * i) for i in range(days * 3)]})
    histogram = charts.plot_registration_histogram(accounts, suspicious_accounts=["synth:a1"])
    assert charts.chart_rows(histogram) <= 2 * charts.MAX_BUCKETS  # weekly or coarser, never 2,190 days
    spec = json.dumps(histogram.to_dict())
    assert "%Y-%m" in spec and "per week" in spec
    posts = accounts.rename({"account_id": "post_id"}).with_columns(pl.col("post_id").alias("account_id"))
    timeline = charts.plot_timeline(posts, suspicious_accounts=["synth:a1"], every="1d")
    assert charts.chart_rows(timeline) <= 3 * charts.MAX_BUCKETS
    assert charts.bucket_every(datetime(2019, 1, 1), datetime(2025, 1, 1), "1d") == "1w"
    assert charts.bucket_every(datetime(2025, 1, 1), datetime(2025, 3, 1), "1d") == "1d"


def test_share_line_skips_thin_buckets_and_negative_threshold_draws_no_rule():
    counts = charts.timeline_counts(make_posts(2000), bots(), "1h", min_posts_for_share=10)
    assert counts.filter(pl.col("posts") < 10)["suspicious_share"].null_count() == counts.filter(pl.col("posts") < 10).height
    scores = pl.DataFrame({"score": [0.1, 0.2, 0.9]})
    spec = charts.plot_score_distribution(scores, threshold=-1.0).to_dict()
    assert "threshold" not in json.dumps(spec)  # the sentinel is not a score: no rule, no axis from -1


def test_network_colours_follow_the_given_order_and_numbers_sort_as_numbers():
    ids = [f"synth:n{i}" for i in range(30)]
    edges = pl.DataFrame({"source": ids[:-1], "target": ids[1:], "weight": [1.0] * 29})
    nodes = pl.DataFrame({"account_id": ids, "community": [i % 12 for i in range(30)]})
    spec = charts.plot_coordination_network(nodes, edges, seed=1).to_dict()
    domain = spec["layer"][1]["encoding"]["color"]["scale"]["domain"]
    assert domain[:11] == [str(i) for i in range(11)] or domain == sorted(domain, key=lambda v: int(v) if v.isdigit() else 99)
    grouped = nodes.with_columns(pl.when(pl.col("community") < 3).then(pl.lit("C-1 (smear)"))
                                 .otherwise(pl.lit("not in a campaign or group")).alias("group"))
    spec = charts.plot_coordination_network(grouped, edges, color_column="group",
                                            color_order=["C-1 (smear)", "not in a campaign or group"]).to_dict()
    scale = spec["layer"][1]["encoding"]["color"]["scale"]
    assert scale["domain"] == ["C-1 (smear)", "not in a campaign or group"]
    assert scale["range"][0] == charts.GROUP_PALETTE[0] and scale["range"][1] == charts.NO_GROUP_COLOR


def test_network_chart_shows_hostile_ids_escaped_in_its_data():
    ids = ["synth:a\u202etxt.exe", "synth:b\x1b[31m", "synth:c\u200bz"]
    edges = pl.DataFrame({"source": ids[:2], "target": ids[1:], "weight": [2.0, 3.0]})
    nodes = pl.DataFrame({"account_id": ids, "community": [0, 0, 1]})
    text = json.dumps(charts.plot_coordination_network(nodes, edges, seed=1).to_dict(), ensure_ascii=False)
    assert "\u202e" not in text and "\x1b" not in text and "\u200b" not in text
    assert "synth:a\\\\u202Etxt.exe" in text  # shown, not interpreted (JSON doubles the backslash)
