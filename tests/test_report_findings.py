"""The findings block: campaigns against the target are counted apart from other coordinated groups, and
the numbers come from the data (no database: ReportData built in memory)."""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl

from workbench.report import findings
from workbench.report.sections import ReportData
from workbench.store import conform_result


def make_data(kinds: dict[str, str]) -> ReportData:
    """Two groups of 5 accounts (A: a0..a4, B: b0..b4) and 10 organic accounts; A posts about the target."""
    accounts = [f"synth:a{i}" for i in range(5)] + [f"synth:b{i}" for i in range(5)] + [f"synth:o{i}" for i in range(10)]
    rows = []
    for i, account in enumerate(accounts * 4):
        about = not account.startswith("synth:b")
        rows.append((f"p{i}", account, datetime(2025, 1, 1) + timedelta(hours=i), "Qilora bad" if about else "news",
                     about, 1, 0, 0))
    posts = pl.DataFrame(rows, schema=["post_id", "account_id", "created_at", "text", "on_target", "like_count",
                                       "repost_count", "reply_count"], orient="row").with_columns(pl.lit("post").alias("kind"))
    members = pl.DataFrame({"campaign_id": ["C-A"] * 5 + ["C-B"] * 5, "account_id": accounts[:10],
                            "score": [0.9] * 10, "fired_signals": ["coordination,registration_burst"] * 10})
    campaigns = pl.DataFrame({"campaign_id": ["C-A", "C-B"], "status": ["unreviewed", "unreviewed"],
                              "n_accounts": [5, 5], "n_posts": [20, 20],
                              "first_post_at": [datetime(2025, 1, 1), datetime(2025, 1, 2)],
                              "last_post_at": [datetime(2025, 1, 4), datetime(2025, 1, 4)],
                              "top_signals": ["coordination", "coordination"], "n_families": [1, 0],
                              "surge_events": ["", ""], "kind": [kinds["C-A"], kinds["C-B"]]})
    edges = conform_result("coordination_fused_edges", pl.DataFrame(
        {"account_a": ["synth:a0"], "account_b": ["synth:a1"], "weight": [7.0], "signals": [["co_text"]]}))
    return ReportData(
        posts=posts, accounts=pl.DataFrame({"account_id": accounts, "followers": [10] * 20, "handle": accounts,
                                            "created_at": [datetime(2020, 1, 1)] * 20}),
        events=pl.DataFrame(schema={"occurred_at": pl.Datetime, "name": pl.Utf8}), sources=pl.DataFrame({"source_id": [1]}),
        labels=pl.DataFrame(schema={c: pl.Utf8 for c in ("entity_type", "entity_id", "label", "value", "author", "note")}),
        results={"campaigns": conform_result("campaigns", campaigns),
                                        "campaign_accounts": conform_result("campaign_accounts", members),
                                        "edges": edges.rename({"account_a": "source", "account_b": "target"})},
        analysis_run_id="run-x", target_terms=["Qilora"])


def test_only_smear_campaigns_count_as_against_the_target():
    data = make_data({"C-A": "smear", "C-B": "neutral_automation"})
    against, others = findings.campaigns_by_kind(data)
    assert against["campaign_id"].to_list() == ["C-A"] and others["campaign_id"].to_list() == ["C-B"]
    found = findings.summary(data)
    assert found.headline.startswith("1 coordinated campaign against the target: 5 accounts")
    assert found.numbers["campaigns against the target"] == 1 and found.numbers["other coordinated groups"] == 1
    # A wrote 20 of the 60 posts about the target (B's posts are not about it)
    assert found.numbers["share of voice (posts about the target)"] == "33.3%"
    assert any("synth:a0 and synth:a1 acted alike 7 times" in answer for answer in found.answers)
    assert any("1 other coordinated group" in answer for answer in found.answers)
    # three independent kinds of evidence: edges between members, a shared family, batch registration
    assert "C-A: high (coordinated actions between members, shared machine-made text, accounts registered" in found.confidence
    assert findings.confidence_level(["coordination"], "unreviewed") == "low"
    assert findings.confidence_level(["coordination"], "confirmed") == "high"


def test_views_put_other_groups_in_their_own_section():
    from workbench.report import views

    data = make_data({"C-A": "smear", "C-B": "neutral_automation"})
    rendered = lambda shown: "".join(str(item) for item in shown.items if not hasattr(item, "spec"))
    campaigns, others = rendered(views.campaign_sections(data, "1d", 10)), rendered(views.other_groups(data, "1d", 10))
    assert "C-A: campaign against the target" in campaigns and "C-B" not in campaigns
    assert "C-B: neutral automation" in others and "C-A" not in others
    assert 'data-wb-filter="synth:a0"' in campaigns  # members link to their posts
    contents = str(views.contents(data))
    assert "Other coordinated groups (1)" in contents and 'href="#campaign-C-A-' in contents


def test_the_busiest_period_is_counted_in_the_charts_buckets():
    """Over six years the timeline draws weekly (or coarser) bars; the sentence names the same bucket."""
    from workbench.charts import bucket_every, timeline_counts
    from workbench.report import sections

    start = datetime(2019, 7, 1)
    times = [start + timedelta(hours=7 * i) for i in range(7000)]  # six years, a post every seven hours
    times += [datetime(2023, 3, 13) + timedelta(days=d, hours=h) for d in range(7) for h in range(0, 24, 4)]  # a busy week
    posts = pl.DataFrame({"post_id": [f"p{i}" for i in range(len(times))], "account_id": ["synth:a"] * len(times),
                          "created_at": times, "on_target": [True] * len(times)})
    data = make_data({"C-A": "smear", "C-B": "smear"})
    data.posts = posts
    sentence = sections.timeline_findings(data, [])[0]
    every = bucket_every(posts["created_at"].min(), posts["created_at"].max(), "1d")
    busiest = timeline_counts(posts, [], every)["posts"].max()
    assert every != "1d" and f"({every} buckets, as in the chart)" in sentence and f"{busiest:,} posts" in sentence
