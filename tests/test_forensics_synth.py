"""Quality on the synthetic water-army corpus (validation seed; the defaults were chosen on seed 1)."""
import json

import polars as pl
import pytest

from workbench.pipeline import AnalysisParams, analyse_frames

synth = pytest.importorskip("workbench.synth", reason="the synthetic corpus generator is not available")


@pytest.mark.slow
def test_default_scenario_precision_recall_and_fan_club(tmp_path):
    synth.generate(tmp_path, posts=50_000, seed=2, scenario="default")
    manifest = json.loads((tmp_path / "manifest.json").read_text())
    events = pl.read_csv(tmp_path / "events.csv").with_columns(
        pl.col("occurred_at").str.to_datetime(time_zone="UTC").dt.replace_time_zone(None).dt.cast_time_unit("us")
    )
    terms = tuple(sorted({t for values in manifest["target_terms"].values() for t in values}))
    analysis = analyse_frames(
        pl.read_parquet(tmp_path / "posts.parquet"), pl.read_parquet(tmp_path / "accounts.parquet"), events, None, None,
        AnalysisParams(target_terms=terms),
    )
    truth = pl.read_parquet(tmp_path / "truth_accounts.parquet")
    scored = analysis.account_scores.join(truth, on="account_id")
    flagged = scored.filter(pl.col("flagged"))
    assert flagged["is_campaign"].mean() >= 0.95
    assert scored.filter(pl.col("is_campaign"))["flagged"].mean() >= 0.9
    assert scored.filter(pl.col("is_fan_club"))["flagged"].mean() < 0.01
    members = analysis.campaign_accounts.join(truth, on="account_id")
    assert members["is_campaign"].mean() >= 0.95
