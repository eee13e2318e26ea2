"""A stored analysis run is the unit every reader takes: saved in one transaction (a save killed midway
leaves the previous run as the latest), concurrent saves both land, a run that is not stored is a clear
error, and a verdict recorded against a run shows when the report renders that run."""
from __future__ import annotations

import datetime as dt
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import polars as pl
import pytest

from forensics_corpus import make_corpus
from workbench.cli import main
from workbench.errors import DatabaseLockedError
from workbench.pipeline import Analysis, AnalysisParams, make_run_id
from workbench.report import sections
from workbench.store import RunNotFoundError, Store

ROOT = Path(__file__).resolve().parents[1]

# Runs `workbench analyze --save ...` in a real process whose save stops after PAUSE_AFTER result tables,
# says HALFWAY, and waits until the file GO exists (or forever), so the test can kill it or race it.
# When LET_GO is set, a save that finds the cache locked creates that file (the other save may go on).
CHILD = textwrap.dedent("""
    import os, sys, time
    from pathlib import Path
    import workbench.store as store_module

    insert = store_module.Store._insert_result
    done = {"tables": 0}
    def paused_insert(con, run_id, name, frame):
        insert(con, run_id, name, frame)
        done["tables"] += 1
        if done["tables"] == int(os.environ.get("PAUSE_AFTER", "0")):
            print("HALFWAY", flush=True)
            while not Path(os.environ["GO"]).exists():
                time.sleep(0.05)
    store_module.Store._insert_result = staticmethod(paused_insert)

    open_db = store_module._open
    def open_and_signal(path, read_only):
        try:
            return open_db(path, read_only)
        except store_module.DatabaseLockedError:
            if os.environ.get("LET_GO"):
                print("WAITING", flush=True)
                Path(os.environ["GO"]).touch()
            raise
    store_module._open = open_and_signal

    from workbench.cli import main
    sys.exit(main(sys.argv[1:]))
""")


@pytest.fixture()
def db(tmp_path):
    corpus = make_corpus(seed=5)
    path = tmp_path / "corpus.duckdb"
    with Store(path) as store:
        store.append("sources", pl.DataFrame({
            "source_id": [1], "path": ["/data/synth/posts.parquet"], "sha256": ["cd" * 32], "format": ["parquet"],
            "preset": ["synth"], "rows_read": [corpus["posts"].height], "rows_loaded": [corpus["posts"].height],
            "rows_quarantined": [0], "rows_duplicate": [0], "started_at": [dt.datetime(2025, 1, 1)],
        }))
        store.append("posts", corpus["posts"])
        store.append("accounts", corpus["accounts"])
    return path


def child(db: Path, go: Path, *args: str, **env: str) -> subprocess.Popen:
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "GO": str(go), **env}
    return subprocess.Popen([sys.executable, "-c", CHILD, "analyze", "--db", str(db), "--save", *args],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=environment, cwd=ROOT)


def wait_for(process: subprocess.Popen, word: str) -> None:
    for line in process.stdout:
        if line.strip() == word:
            return
    raise AssertionError(f"the child ended before {word}: {process.wait()} {process.stderr.read()}")


def run_id_of(db: Path, params: AnalysisParams) -> str:
    with Store(db, read_only=True) as store:
        return make_run_id(params, store.sources())


def test_a_save_killed_midway_leaves_the_previous_run_as_the_latest(db, tmp_path):
    assert main(["analyze", "--db", str(db), "--target", "Zeta", "--save"]) == 0
    previous = run_id_of(db, AnalysisParams(target_terms=("Zeta",)))
    killed = child(db, tmp_path / "never", "--target", "Zeta", "--threshold", "0.3", PAUSE_AFTER="12")
    wait_for(killed, "HALFWAY")  # 12 of the run's result tables are written, inside its transaction
    os.kill(killed.pid, signal.SIGKILL)
    assert killed.wait() == -signal.SIGKILL
    interrupted = run_id_of(db, AnalysisParams(target_terms=("Zeta",), score_threshold=0.3))
    with Store(db, read_only=True) as store:
        assert store.runs(kind=None)["run_id"].to_list() == [previous]
        assert store.latest_run() == previous
        assert store.load_result(interrupted, "account_scores").height == 0  # nothing of it was kept
        with pytest.raises(RunNotFoundError, match=previous):
            store.run_info(interrupted)
    data = sections.load_report_data(str(db), ["Zeta"])
    assert data.analysis_run_id == previous
    assert data.results["edges"].height > 0 and data.results["nodes"].height > 0
    assert sections.missing_results_note(data, ["edges", "nodes", "campaigns"]) is None


def test_two_saves_at_the_same_time_both_land(db, tmp_path):
    go = tmp_path / "go"
    first = child(db, go, "--target", "Zeta", PAUSE_AFTER="3")
    wait_for(first, "HALFWAY")  # the first save holds the cache database, mid-transaction
    second = child(db, go, "--target", "Zeta", "--window", "30", LET_GO="1")
    wait_for(second, "WAITING")  # the second found it locked, waits its turn and lets the first go on
    assert first.wait(timeout=600) == 0, first.stderr.read()
    assert second.wait(timeout=600) == 0, second.stderr.read()
    ids = {run_id_of(db, AnalysisParams(target_terms=("Zeta",))),
           run_id_of(db, AnalysisParams(target_terms=("Zeta",), coordination={"window_s": 30.0}))}
    with Store(db, read_only=True) as store:
        runs = store.runs()
        assert set(runs["run_id"].to_list()) == ids and (runs["status"] == "complete").all()
        for run_id in ids:
            assert Analysis.load(store, run_id).account_scores.height > 0


def test_a_save_that_cannot_get_the_lock_fails_naming_the_holder(db, tmp_path):
    holder = subprocess.Popen([sys.executable, "-c", "import duckdb, sys, time; con = duckdb.connect(sys.argv[1]); "
                               "print('held', flush=True); time.sleep(120)", str(db.with_name("corpus.cache.duckdb"))],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "held"
        with Store(db, read_only=True) as store:
            store.SAVE_WAIT_S = 0.5
            with pytest.raises(DatabaseLockedError, match=f"PID {holder.pid}"):
                store.save_run("run-x", {"tells": pl.DataFrame({"post_id": ["p"]})}, {})
    finally:
        holder.kill()
        holder.wait()
    with Store(db, read_only=True) as store:
        assert store.runs(kind=None).height == 0


def test_a_run_that_is_not_stored_is_an_error_naming_the_stored_ones(db, tmp_path):
    from workbench.report import run_report

    with pytest.raises(RunNotFoundError, match="none is stored yet"):
        sections.load_report_data(str(db), analysis_run_id="run-nope")
    assert main(["analyze", "--db", str(db), "--save"]) == 0
    stored = run_id_of(db, AnalysisParams())
    with pytest.raises(RunNotFoundError, match=f"run-nope.*stored runs, newest first: {stored}"):
        sections.load_report_data(str(db), analysis_run_id="run-nope")
    notebook = ROOT / "notebooks" / "campaign_report.ipynb"
    with pytest.raises(RunNotFoundError, match=stored):  # before any kernel starts
        run_report(notebook, {"db_path": str(db), "analysis_run_id": "run-nope"}, out_root=tmp_path / "reports")
    assert not (tmp_path / "reports").exists() or not list((tmp_path / "reports").iterdir())


def test_a_verdict_against_a_run_shows_when_the_report_renders_it(db, capsys):
    assert main(["analyze", "--db", str(db), "--target", "Zeta", "--save"]) == 0
    run_id = run_id_of(db, AnalysisParams(target_terms=("Zeta",)))
    with Store(db, read_only=True) as store:
        campaign = Analysis.load(store, run_id).campaigns["campaign_id"][0]
    assert main(["verdict", "--db", str(db), "--run", run_id, "--campaign", campaign, "--value", "confirmed",
                 "--author", "ana", "--note", "same templates"]) == 0
    assert f"of run {run_id} pinned" in capsys.readouterr().out
    data = sections.load_report_data(str(db), ["Zeta"], analysis_run_id=run_id)
    shown = sections.campaign_table(data).filter(pl.col("campaign_id") == campaign).row(0, named=True)
    assert (shown["analyst_verdict"], shown["verdict_by"], shown["verdict_note"]) == ("confirmed", "ana", "same templates")
    from workbench.report import findings  # the summary and confidence count it as confirmed too

    grouped = pl.concat(findings.campaigns_by_kind(data))
    assert grouped.filter(pl.col("campaign_id") == campaign)["status"].to_list() == ["confirmed"]
    assert main(["verdict", "--db", str(db), "--run", "run-nope", "--campaign", campaign, "--value", "confirmed",
                 "--author", "ana", "--note", "x"]) == 1
    assert run_id in capsys.readouterr().err


def test_an_analysis_built_through_the_public_api_is_what_the_report_shows(db):
    import json

    from workbench import Analysis as PublicAnalysis
    from workbench import Store as PublicStore
    from workbench import analyze

    with PublicStore(db, read_only=True) as store:  # as in a notebook
        analysis = analyze(store, target_terms=["Zeta"], window_s=120)
        run_id = analysis.save(store)
        assert PublicAnalysis.load(store).run_id == run_id
    data = sections.load_report_data(str(db), ["Zeta"])
    assert data.analysis_run_id == run_id
    assert data.results["campaigns"]["campaign_id"].to_list() == analysis.campaigns["campaign_id"].to_list()
    assert json.loads(data.analysis_params)["coordination"] == {"window_s": 120.0}
    assert analyze(db, target_terms=["Zeta"], window_s=120).run_id == run_id  # a database path works too


def test_every_frame_of_a_run_has_its_declared_columns_fresh_or_loaded(db):
    """Readers never ask whether a column exists: a fresh run and the same run read back carry exactly the
    columns workbench/schema.py declares (an optional one the run lacks is NULL), with equal contents."""
    from workbench import analyze
    from workbench.schema import RESULT_TABLES

    with Store(db, read_only=True) as store:
        fresh = analyze(store, target_terms=["Zeta"])
        fresh.save(store)
        loaded = Analysis.load(store, fresh.run_id)
    for name in Analysis.STORED_FRAMES:
        declared = [c.name for c in RESULT_TABLES[name].columns if c.name not in ("run_id", "row_in_run")]
        if name in Analysis.NARRATIVE_FRAMES:  # narratives off: the step did not run, no columns
            assert getattr(fresh, name).width == getattr(loaded, name).width == 0
            continue
        assert getattr(fresh, name).columns == declared == getattr(loaded, name).columns, name
        assert getattr(fresh, name).equals(getattr(loaded, name)), name
    unused = [c for c in fresh.coordination_fused_edges.columns
              if c.startswith("weight_") and c.removeprefix("weight_") not in fresh.network.signals]
    assert unused and all(loaded.coordination_fused_edges[c].null_count() == loaded.coordination_fused_edges.height
                          for c in unused)
