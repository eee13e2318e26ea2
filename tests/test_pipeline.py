"""The whole analysis on a Store, and the analyze / verdict / export-evidence commands."""
import datetime as dt
import json

import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.cli import main
from workbench.pipeline import Analysis, AnalysisParams, run_analysis
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


def test_a_saved_run_reads_back_whole(db):
    with Store(db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams(target_terms=("Zeta",)))
        analysis.save(store)
        loaded = Analysis.load(store)  # the latest complete run
        runs = store.runs()
    assert loaded.run_id == analysis.run_id and loaded.params == analysis.params
    assert runs.row(0, named=True)["status"] == "complete" and runs.height == 1
    assert json.loads(runs["params"][0])["target_terms"] == ["Zeta"] and len(runs["corpus_fingerprint"][0]) == 64
    for name in Analysis.STORED_FRAMES:
        fresh, back = getattr(analysis, name), getattr(loaded, name)
        if fresh.width == 0:  # narratives were not computed: not stored, not invented
            assert back.width == 0, name
            continue
        assert back.select(fresh.columns).equals(fresh), name
        extra = [c for c in back.columns if c not in fresh.columns]
        assert all(back[c].null_count() == back.height for c in extra), (name, extra)
    assert loaded.edge_posts.height > 0 and {"post_id_a", "post_id_b", "signal"} <= set(loaded.edge_posts.columns)
    member = analysis.campaign_accounts["account_id"][0]
    fresh_evidence, stored_evidence = analysis.account_evidence(member), loaded.account_evidence(member)
    assert stored_evidence["edges"].equals(fresh_evidence["edges"])
    assert stored_evidence["edge_posts"].equals(fresh_evidence["edge_posts"]) and stored_evidence["edge_posts"].height > 0


def test_commands_end_to_end(db, tmp_path, capsys):
    assert main(["analyze", "--db", str(db), "--target", "Zeta", "--save"]) == 0
    out = capsys.readouterr().out
    campaign = out.split("\n")[1].split()[0]
    assert campaign.startswith("C-")
    with Store(db, read_only=True) as store:
        member = Analysis.load(store).campaign_accounts["account_id"][0]
    assert main(["verdict", "--db", str(db), "--account", member, "--value", "rejected", "--author", "ana", "--note", "a real customer"]) == 0
    assert main(["verdict", "--db", str(db), "--campaign", campaign, "--value", "confirmed", "--author", "ana", "--note", "templates"]) == 0
    capsys.readouterr()
    # the stored run is what export-evidence reads; the verdicts shape the next run, analysed and saved
    assert main(["analyze", "--db", str(db), "--target", "Zeta", "--save"]) == 0
    assert main(["export-evidence", "--db", str(db), "--campaign", campaign, "--out", str(tmp_path / "pack")]) == 0
    manifest = json.loads((tmp_path / "pack" / "manifest.json").read_text())
    assert manifest["sources"][0]["sha256"] == "ab" * 32 and manifest["params"]["target_terms"] == ["Zeta"]
    accounts = pl.read_csv(tmp_path / "pack" / "accounts.csv")
    assert member not in accounts["account_id"].to_list()
    assert (pl.read_csv(tmp_path / "pack" / "campaign.csv")["status"] == "confirmed").all()
    assert main(["export-evidence", "--db", str(db), "--campaign", "C-nope", "--out", str(tmp_path / "x")]) == 1
    assert main(["export-evidence", "--db", str(db), "--run", "run-nope", "--campaign", campaign, "--out", str(tmp_path / "y")]) == 1
    assert "no complete analysis run 'run-nope'" in capsys.readouterr().err
    assert main(["network", "--db", str(db), "--out", str(tmp_path / "net"), "--format", "csv"]) == 0
    assert pl.read_csv(tmp_path / "net" / "coordination_fused_edges.csv").height > 0


def test_evidence_pack_from_the_stored_run_equals_the_fresh_one(db, tmp_path):
    from workbench.evidence import write_evidence_pack

    with Store(db, read_only=True) as store:
        analysis = run_analysis(store, AnalysisParams(target_terms=("Zeta",)))
        analysis.save(store)
        loaded = Analysis.load(store, analysis.run_id)
        posts, accounts = store.posts(), store.accounts()
    campaign = analysis.campaigns["campaign_id"][0]
    fresh = write_evidence_pack(analysis, campaign, tmp_path / "fresh", posts, accounts)
    stored = write_evidence_pack(loaded, campaign, tmp_path / "stored", posts, accounts)
    for path in sorted(fresh.iterdir()):
        assert (stored / path.name).read_bytes() == path.read_bytes(), path.name


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


class NoFamilies:
    """A do-nothing families step: the same contract as NearDuplicateFamilies, no families."""

    def fit(self, posts):
        self.families_ = pl.DataFrame(schema={"family_id": pl.Int64, "kind": pl.String, "size": pl.UInt32})
        self.assignments_ = pl.DataFrame(schema={"post_id": pl.String, "family_id": pl.Int64, "text_hash": pl.String})
        return self


def test_steps_are_objects_that_can_be_replaced(corpus):
    from workbench.coordination import CoordinationNetwork
    from workbench.errors import WorkbenchError
    from workbench.pipeline import Steps, analyze_frames

    params = AnalysisParams(target_terms=("Zeta",))
    frames = (corpus["posts"], corpus["accounts"], corpus["events"], None, None)
    default = analyze_frames(*frames, params)
    explicit = analyze_frames(*frames, params, steps=Steps.from_params(params))
    assert explicit.run_id == default.run_id and explicit.campaigns.equals(default.campaigns)
    steps = Steps.from_params(params)
    steps.families = NoFamilies()
    without = analyze_frames(*frames, params, steps=steps)
    assert without.run_id != default.run_id  # another step, another run
    assert without.family_assignments.height == 0 and without.campaigns.height >= 1
    steps = Steps.from_params(params)
    steps.network = CoordinationNetwork(window_s=30)
    assert analyze_frames(*frames, params, steps=steps).run_id not in (default.run_id, without.run_id)

    class Broken:
        def fit(self, posts):
            return self

    steps.families = Broken()
    with pytest.raises(WorkbenchError, match="families step \\(Broken\\) has no families_, assignments_ after fit"):
        analyze_frames(*frames, params, steps=steps)


def test_fitted_estimators_say_when_they_are_used_unfitted():
    from workbench.errors import NotFittedError
    from workbench.text.families import NearDuplicateFamilies
    from workbench.text.narratives import NarrativeClusters

    with pytest.raises(NotFittedError, match="NarrativeClusters is not fitted yet .*posts_.*call fit"):
        NarrativeClusters().timeseries()
    with pytest.raises(NotFittedError, match="NearDuplicateFamilies is not fitted yet"):
        NearDuplicateFamilies().template(1)
