"""Presets on the real corpora in ../shared/datasets (skipped when the folder is absent)."""
from __future__ import annotations

from pathlib import Path

import polars as pl
import pytest

from workbench.ingest import ingest_file
from workbench.store import Store

DATASETS = Path(__file__).resolve().parents[1].parent / "shared" / "datasets"
pytestmark = [
    pytest.mark.realdata,
    pytest.mark.skipif(not DATASETS.exists(), reason=f"real datasets not found at {DATASETS} (../shared/datasets)"),
]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "corpus.duckdb") as opened:
        yield opened


def test_ira_reads_every_row_and_reconciles(store):
    summary = ingest_file(store, DATASETS / "ira_troll_tweets_dev.parquet", "ira")
    assert summary.rows_read == 180_757
    # Rows identical in every column are one tweet recorded twice; same author/minute/text rows that
    # differ in the account's tweet counter are distinct tweets.
    assert (summary.rows_loaded, summary.rows_quarantined, summary.rows_duplicate) == (169_959, 0, 10_798)
    assert store.scalar("SELECT count(DISTINCT account_id) FROM posts") == 474
    again = ingest_file(store, DATASETS / "ira_troll_tweets_dev.parquet", "ira")
    assert again.already_ingested and store.counts()["posts"] == 169_959
    # Retweets carry no target id: it is derived from the retweeted text, so co-shares line up.
    retweets = store.query("SELECT count(*) AS n, count(shared_post_id) AS shared, count(DISTINCT shared_post_id) AS targets "
                           "FROM posts WHERE kind = 'repost'").row(0, named=True)
    assert retweets["n"] > 100_000 and retweets["shared"] > 0.999 * retweets["n"] and retweets["targets"] < retweets["n"]
    categories = store.labels(origin="ira").filter(pl.col("label") == "account_category")
    assert categories.height == 474 and "RightTroll" in categories["value"].to_list()


def test_weibo_ced_posts_and_reposts(store):
    posts = ingest_file(store, DATASETS / "weibo_ced_posts_dev.parquet", "weibo_ced")
    reposts = ingest_file(store, DATASETS / "weibo_ced_reposts_dev.parquet", "weibo_ced")
    assert posts.reconciles and reposts.reconciles and posts.rows_loaded == 344
    assert reposts.rows_read == 132_720
    # Every repost points at its cascade's source post, which is in the store, and comes after it.
    late = store.scalar(
        "SELECT count(*) FROM posts r JOIN posts s ON r.shared_post_id = s.post_id "
        "WHERE r.kind = 'repost' AND r.created_at < s.created_at")
    linked = store.scalar("SELECT count(*) FROM posts r JOIN posts s ON r.shared_post_id = s.post_id WHERE r.kind = 'repost'")
    assert linked > 0.95 * reposts.rows_loaded and late == 0
    assert store.scalar("SELECT count(*) FROM labels WHERE label = 'rumor'") == 344


def test_coortweet_table(store):
    summary = ingest_file(store, DATASETS / "russian_coord_tweets.parquet", "coortweet")
    assert summary.rows_read == 35_125 and summary.reconciles
    assert summary.rows_duplicate == 1  # one (content_id, object_id) pair appears twice
    assert store.scalar("SELECT count(DISTINCT account_id) FROM posts") == 9_509
    assert store.scalar("SELECT count(*) FROM posts WHERE shared_post_id IS NULL") == 0
