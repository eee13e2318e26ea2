"""Forensics on the real IRA slice (../shared/datasets): persona teams that act together form campaigns."""
from pathlib import Path

import polars as pl
import pytest

DATASET = Path(__file__).resolve().parents[2] / "shared" / "datasets" / "ira_troll_tweets_dev.parquet"

pytestmark = [
    pytest.mark.slow,
    pytest.mark.realdata,
    pytest.mark.skipif(not DATASET.exists(), reason=f"real dataset not found at {DATASET} (../shared/datasets absent)"),
]


def test_ira_campaign_groups_one_persona_team(tmp_path):
    from workbench.ingest.loader import ingest_paths
    from workbench.pipeline import AnalysisParams, run_analysis
    from workbench.store import Store

    db = tmp_path / "ira.duckdb"
    with Store(db) as store:
        ingest_paths(store, [DATASET], preset="ira")
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams())
        categories = store.labels(entity_type="account").filter(pl.col("label") == "account_category").select(
            pl.col("entity_id").alias("account_id"), pl.col("value").alias("account_category")
        ).unique("account_id", keep="first")
    assert analysis.verdicts.height == 0  # the ira labels are ground truth, never read by the analysis
    members = analysis.campaign_accounts.join(categories, on="account_id", how="left")
    assert analysis.campaigns.height >= 1 and members.height >= 20
    largest = members.filter(pl.col("campaign_id") == analysis.campaigns["campaign_id"][0])
    top_share = largest["account_category"].value_counts(sort=True)["count"][0] / largest.height
    assert top_share >= 0.5
    # Every flagged account carries its explanation.
    flagged = analysis.account_scores.filter(pl.col("flagged"))
    assert (flagged["fired_signals"] != "").all()
