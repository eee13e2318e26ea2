"""The whole analysis on a Store, and the analyze / verdict / export-evidence commands."""
import datetime as dt
import json

import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.cli import main
from workbench.pipeline import AnalysisParams, run_analysis
from workbench.store import Store


@pytest.fixture(scope="module")
def corpus():
    return make_corpus(seed=5)


@pytest.fixture()
def db(corpus, tmp_path):
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.append("sources", pl.DataFrame({
            "source_id": [1], "path": ["/data/synth/posts.parquet"], "sha256": ["ab" * 32], "format": ["parquet"],
            "preset": ["synth"], "rows_read": [corpus["posts"].height], "rows_loaded": [corpus["posts"].height],
            "rows_quarantined": [0], "rows_duplicate": [0], "started_at": [dt.datetime(2025, 1, 1)],
        }))
        store.append("posts", corpus["posts"])
        store.append("accounts", corpus["accounts"])
        store.add_events(corpus["events"])
        truth = corpus["truth"].select(
            pl.lit("account").alias("entity_type"), pl.col("account_id").alias("entity_id"),
            pl.lit("is_campaign").alias("label"), pl.col("is_campaign").cast(pl.String).str.to_lowercase().alias("value"),
            pl.lit("ground_truth").alias("origin"),
        )
        store.add_labels(truth)
    return path


def test_run_analysis_on_store_is_deterministic_and_ignores_ground_truth(db, corpus):
    params = AnalysisParams(target_terms=("Zeta",))
    with Store(db, read_only=True) as store:
        first = run_analysis(store, params)
        second = run_analysis(store, params)
    assert first.run_id == second.run_id
    for name in first.FRAMES:
        assert getattr(first, name).equals(getattr(second, name)), name
    assert first.verdicts.height == 0  # ground truth is not a verdict
    scores = first.account_scores.join(corpus["truth"], on="account_id")
    assert scores.filter(pl.col("flagged"))["is_campaign"].mean() >= 0.95
    assert scores.filter(pl.col("is_campaign"))["flagged"].mean() >= 0.9


def test_supervised_from_ground_truth_only_when_asked(db):
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams(supervised=True, supervised_origin="ground_truth", score_threshold=0.5))
    assert analysis.account_scores.filter(pl.col("flagged")).height > 0


def test_results_persist_through_the_store(db):
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store)
        analysis.save(store)
        assert store.load_result(analysis.run_id, "campaigns").height == analysis.campaigns.height
        evidence = store.load_result(analysis.run_id, "edge_evidence")
        assert evidence.height > 0 and {"post_id_a", "post_id_b", "signal"} <= set(evidence.columns)


def test_commands_end_to_end(db, tmp_path, capsys):
    assert main(["analyze", "--db", str(db), "--target", "Zeta"]) == 0
    out = capsys.readouterr().out
    campaign = out.split("\n")[1].split()[0]
    assert campaign.startswith("C-")
    with Store(db, read_only=True) as store:
        member = run_analysis(store).campaign_accounts["account_id"][0]
    assert main(["verdict", "--db", str(db), "--account", member, "--value", "rejected", "--author", "ana", "--note", "a real customer"]) == 0
    assert main(["verdict", "--db", str(db), "--campaign", campaign, "--value", "confirmed", "--author", "ana", "--note", "templates"]) == 0
    capsys.readouterr()
    assert main(["export-evidence", "--db", str(db), "--campaign", campaign, "--out", str(tmp_path / "pack"), "--target", "Zeta"]) == 0
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text())
    assert manifest["sources"][0]["sha256"] == "ab" * 32
    accounts = pl.read_csv(tmp_path / "pack" / "accounts.csv")
    assert member not in accounts["account_id"].to_list()
    assert (pl.read_csv(tmp_path / "pack" / "campaign.csv")["status"] == "confirmed").all()
    assert main(["export-evidence", "--db", str(db), "--campaign", "C-nope", "--out", str(tmp_path / "x")]) == 1


def test_account_evidence_links_signals_edges_and_posts(db):
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store)
    member = analysis.campaign_accounts["account_id"][0]
    evidence = analysis.account_evidence(member)
    assert evidence["signals"].filter(pl.col("fired")).height >= 2
    assert evidence["edges"].height > 0 and evidence["edge_posts"].height > 0
    assert evidence["family_posts"].height > 0
    assert set(evidence["edge_posts"]["account_a"].to_list()) == {member}


@pytest.mark.slow
def test_narratives_option_counts_campaign_posts_per_narrative(corpus):
    from workbench.pipeline import analyse_frames

    analysis = analyse_frames(corpus["posts"], corpus["accounts"], corpus["events"], None, None, AnalysisParams(narratives=True))
    per_campaign = analysis.campaign_narratives
    assert per_campaign.height >= 1 and {"campaign_id", "cluster", "posts", "keywords", "tactic"} <= set(per_campaign.columns)
    campaign_posts = analysis.campaigns["n_posts"][0]
    # The planted templates are one story: most campaign posts fall in one narrative.
    assert per_campaign["posts"].max() >= 0.5 * campaign_posts
