"""CoordinationNetwork on the synthetic water-army corpus (workbench.synth), default settings.

What holds at default settings (bench/bench_coordination_quality.py has the full numbers at 100k posts):
flagged accounts are almost all campaign accounts, fan clubs are not flagged, most of the campaign is
found, attachment by single co-actions and the shared-assets rule each find campaign accounts the
repeated-pair rule misses (on this 30k corpus: recall 0.78 without the assets rule, 0.89 with it),
campaign accounts score far above organic ones.
"""
from __future__ import annotations

import polars as pl
import pytest

generator = pytest.importorskip("workbench.synth.generator")

from workbench.coordination import CoordinationNetwork  # noqa: E402


@pytest.fixture(scope="module")
def synthetic(tmp_path_factory):
    out = tmp_path_factory.mktemp("synth")
    generator.generate(out, posts=30_000, seed=0, scenario="default")
    return pl.read_parquet(out / "posts.parquet"), pl.read_parquet(out / "truth_accounts.parquet")


def test_flagged_accounts_are_mostly_campaign_and_fans_are_spared(synthetic):
    posts, truth = synthetic
    network = CoordinationNetwork(random_state=0).fit(posts)
    nodes = network.nodes_.join(truth.select("account_id", "is_campaign", "is_fan_club"), on="account_id", how="left")
    flagged = nodes.filter(pl.col("flagged"))
    precision = flagged["is_campaign"].fill_null(False).mean()
    recall = len(flagged.filter(pl.col("is_campaign"))) / truth["is_campaign"].sum()
    assert len(flagged) >= 30 and precision >= 0.95 and recall >= 0.85
    for reason in ("attached", "assets"):
        found = flagged.filter(pl.col("flag_reason") == reason)
        assert len(found) >= 10 and found["is_campaign"].fill_null(False).mean() >= 0.9, reason
    # Organic accounts almost never push two of the flagged accounts' assets; flagged campaign accounts do.
    organic = nodes.filter(~pl.col("is_campaign").fill_null(False))
    assert (organic["shared_assets"] >= 2).sum() == 0
    assert flagged.filter(pl.col("is_campaign"))["shared_assets"].median() >= 3
    assert flagged["is_fan_club"].fill_null(False).sum() <= 0.02 * len(flagged)
    campaign_score = nodes.filter(pl.col("is_campaign").fill_null(False))["coordination_score"].mean()
    organic_score = nodes.filter(~pl.col("is_campaign").fill_null(False))["coordination_score"].mean()
    assert campaign_score > 3 * organic_score
