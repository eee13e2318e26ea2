"""Ingest: formats, encodings, presets and the lossless rule (every row loaded or quarantined, counts reconcile)."""
from __future__ import annotations

import csv
import gzip
import io
import json
from pathlib import Path

import polars as pl
import pytest

from workbench.errors import InputFileError, UnknownPresetError
from workbench.ingest import ingest_file
from workbench.store import Store

CNT_HEADER = ["message_id", "user_id", "username", "repost_id", "reply_id", "message", "timestamp", "urls"]


def write_csv(path: Path, header, rows, delimiter=",", encoding="utf-8") -> Path:
    buffer = io.StringIO()
    writer = csv.writer(buffer, delimiter=delimiter, quoting=csv.QUOTE_MINIMAL)
    writer.writerow(header)
    writer.writerows(rows)
    path.write_bytes(buffer.getvalue().encode(encoding))
    return path


def generic_rows(n=5):
    return [[f"id{i}", f"user{i % 3}", f"2024-05-0{1 + i % 9}T10:0{i % 10}:00+08:00", f"post {i} #tag{i} @friend https://ex.com/{i}"]
            for i in range(n)]


def ingest_generic(store, path, **kwargs):
    return ingest_file(store, path, "generic", options={"map": {"post_id": "id", "account_id": "user", "created_at": "time", "text": "body"}}, **kwargs)


def assert_lossless(store: Store, summary, expected_rows: int):
    assert summary.rows_read == expected_rows
    assert summary.reconciles
    source = store.sources().filter(pl.col("source_id") == summary.source_id).row(0, named=True)
    assert source["rows_read"] == source["rows_loaded"] + source["rows_quarantined"] + source["rows_duplicate"]
    stored = store.scalar("SELECT count(*) FROM posts WHERE source_id = ?", [summary.source_id])
    quarantined = store.scalar("SELECT count(*) FROM quarantine WHERE source_id = ?", [summary.source_id])
    assert (stored, quarantined) == (source["rows_loaded"], source["rows_quarantined"])


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "corpus.duckdb") as opened:
        yield opened


@pytest.mark.parametrize("delimiter,suffix", [(",", ".csv"), (";", ".csv"), ("\t", ".tsv"), ("|", ".txt")])
def test_csv_any_delimiter_loads_every_row_with_extracted_entities(store, tmp_path, delimiter, suffix):
    path = write_csv(tmp_path / f"export{suffix}", ["id", "user", "time", "body"], generic_rows(), delimiter)
    summary = ingest_generic(store, path)
    assert_lossless(store, summary, 5)
    assert summary.rows_loaded == 5
    post = store.query("SELECT * FROM posts WHERE post_id = 'generic:id1'").row(0, named=True)
    assert post["hashtags"] == ["tag1"] and post["mentions"] == ["friend"] and post["urls"] == ["https://ex.com/1"]
    assert str(post["created_at"]) == "2024-05-02 02:01:00"  # +08:00 converted to UTC
    assert post["account_id"] == "generic:user1"


@pytest.mark.parametrize("encoding", ["utf-8-sig", "utf-16", "gb18030"])
def test_encodings_are_detected(store, tmp_path, encoding):
    rows = [["1", "u1", "2024-05-01T10:00:00Z", "小米汽车电池起火？谣言！"], ["2", "u2", "2024-05-01T10:00:05Z", "Ärger über Akku"]]
    if encoding == "gb18030":
        rows[1][3] = "纯中文内容"
    path = write_csv(tmp_path / "enc.csv", ["id", "user", "time", "body"], rows, encoding=encoding)
    summary = ingest_generic(store, path)
    assert summary.rows_loaded == 2, summary.describe()
    texts = store.query("SELECT text FROM posts ORDER BY post_id")["text"].to_list()
    assert texts == [rows[0][3], rows[1][3]]


def test_gzip_zstd_jsonl_json_and_parquet(store, tmp_path):
    import zstandard

    records = [{"id": f"j{i}", "user": f"u{i}", "time": 1714557600 + i, "body": f"text {i}"} for i in range(4)]
    lines = "\n".join(json.dumps(r) for r in records).encode()
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(lines))
    (tmp_path / "b.jsonl.zst").write_bytes(zstandard.ZstdCompressor().compress(lines.replace(b'"j', b'"z')))
    (tmp_path / "c.json").write_text(json.dumps([dict(r, id="a" + r["id"]) for r in records]))
    pl.DataFrame([dict(r, id="p" + r["id"]) for r in records]).write_parquet(tmp_path / "d.parquet")
    for name in ("a.jsonl.gz", "b.jsonl.zst", "c.json", "d.parquet"):
        summary = ingest_generic(store, tmp_path / name)
        assert summary.rows_loaded == 4, summary.describe()
    assert store.scalar("SELECT count(*) FROM posts") == 16
    assert str(store.scalar("SELECT min(created_at) FROM posts")) == "2024-05-01 10:00:00"


def test_reingest_adds_nothing_and_cross_file_duplicates_are_counted(store, tmp_path):
    first = write_csv(tmp_path / "one.csv", ["id", "user", "time", "body"], generic_rows(5))
    second = write_csv(tmp_path / "two.csv", ["id", "user", "time", "body"], generic_rows(8))
    ingest_generic(store, first)
    again = ingest_generic(store, first)
    assert again.already_ingested and store.scalar("SELECT count(*) FROM posts") == 5
    overlap = ingest_generic(store, second)
    assert (overlap.rows_loaded, overlap.rows_duplicate) == (3, 5)
    assert_lossless(store, overlap, 8)
    # The first stored row wins: post id1 still points at the first file.
    assert store.scalar("SELECT source_id FROM posts WHERE post_id = 'generic:id1'") == 1


def test_posts_without_ids_get_stable_ids(tmp_path):
    path = write_csv(tmp_path / "noid.csv", ["user", "time", "body"], [["u", "2024-01-01T00:00:00Z", "same"], ["u", "2024-01-01T00:00:00Z", "other"]])
    ids = []
    for name in ("a", "b"):
        with Store(tmp_path / f"{name}.duckdb") as store:
            ingest_file(store, path, "generic", options={"map": {"account_id": "user", "created_at": "time", "text": "body"}})
            ids.append(store.query("SELECT post_id FROM posts ORDER BY post_id")["post_id"].to_list())
    assert ids[0] == ids[1] and len(set(ids[0])) == 2


def test_naive_times_need_a_timezone(store, tmp_path):
    path = write_csv(tmp_path / "naive.csv", ["id", "user", "time", "body"], [["1", "u", "2012-09-16 15:05:11", "x"]])
    with pytest.raises(InputFileError, match="time zone|--timezone"):
        ingest_generic(store, path)
    assert store.counts()["posts"] == 0 and store.counts()["sources"] == 0
    ingest_generic(store, path, timezone="Asia/Shanghai")
    assert str(store.scalar("SELECT created_at FROM posts")) == "2012-09-16 07:05:11"


def test_unknown_preset_and_missing_column_are_clear_errors(store, tmp_path):
    path = write_csv(tmp_path / "x.csv", ["id", "who", "time", "body"], generic_rows(2))
    with pytest.raises(UnknownPresetError, match="unknown preset 'nope'.*generic"):
        ingest_file(store, path, "nope")
    with pytest.raises(InputFileError) as error:
        ingest_generic(store, path)
    assert "x.csv" in str(error.value) and "'user'" in str(error.value)
    assert store.counts() == {name: 0 for name in store.counts()}


def test_cnt_preset_empty_links_mean_no_links(store, tmp_path):
    rows = [["1", "10", "alice", "", "", "look https://a.example/x", "1714557600", "https://a.example/x"],
            ["2", "11", "bob", "1", "", "RT", "1714557605", ""],
            ["3", "12", "carol", "", "1", "reply text", "1714557610", ""]]
    summary = ingest_file(store, write_csv(tmp_path / "cnt.csv", CNT_HEADER, rows), "cnt")
    assert_lossless(store, summary, 3)
    posts = store.query("SELECT post_id, kind, urls, shared_post_id, parent_post_id FROM posts ORDER BY post_id").to_dicts()
    assert [p["kind"] for p in posts] == ["post", "repost", "reply"]
    assert posts[1]["urls"] == [] and posts[1]["shared_post_id"] == "cnt:1" and posts[2]["parent_post_id"] == "cnt:1"
    assert store.query("SELECT handle FROM accounts ORDER BY account_id")["handle"].to_list() == ["alice", "bob", "carol"]


def test_twitter_v2_pages_with_includes(store, tmp_path):
    page = {
        "data": [
            {"id": "100", "author_id": "1", "text": "Launch day! #YU9 https://t.co/a", "created_at": "2025-06-26T12:00:00.000Z",
             "lang": "en", "source": "Twitter Web App", "public_metrics": {"like_count": 5, "retweet_count": 2, "reply_count": 1},
             "entities": {"hashtags": [{"tag": "YU9"}], "urls": [{"url": "https://t.co/a", "expanded_url": "https://brand.example/yu9"}]}},
            {"id": "101", "author_id": "2", "text": "RT @one: Launch day!", "created_at": "2025-06-26T12:00:03.000Z",
             "referenced_tweets": [{"type": "retweeted", "id": "100"}]},
        ],
        "includes": {"users": [
            {"id": "1", "username": "one", "name": "One", "created_at": "2020-01-01T00:00:00.000Z", "public_metrics": {"followers_count": 10}},
            {"id": "2", "username": "two", "name": "Two", "created_at": "2025-06-01T00:00:00.000Z"},
        ]},
    }
    path = tmp_path / "v2.jsonl"
    path.write_text(json.dumps(page) + "\n" + "{not json\n")
    summary = ingest_file(store, path, "twitter_v2")
    assert (summary.rows_read, summary.rows_loaded, summary.rows_quarantined) == (3, 2, 1)
    retweet = store.query("SELECT * FROM posts WHERE post_id = 'twitter:101'").row(0, named=True)
    assert retweet["kind"] == "repost" and retweet["shared_post_id"] == "twitter:100"
    first = store.query("SELECT * FROM posts WHERE post_id = 'twitter:100'").row(0, named=True)
    assert first["urls"] == ["https://brand.example/yu9"] and first["like_count"] == 5 and first["source_app"] == "Twitter Web App"
    account = store.query("SELECT * FROM accounts WHERE account_id = 'twitter:1'").row(0, named=True)
    assert account["handle"] == "one" and account["followers"] == 10 and str(account["created_at"]) == "2020-01-01 00:00:00"
    assert "invalid JSON" in store.quarantine()["reason"][0]


def test_synth_preset_loads_a_generated_folder(store, tmp_path):
    from workbench.ingest import synth_files
    from workbench.synth import generate

    generate(tmp_path / "synth", posts=10_000, seed=3)
    summaries = [ingest_file(store, path, "synth") for path in synth_files(tmp_path / "synth")]
    assert all(s.reconciles for s in summaries)
    posts = pl.read_parquet(tmp_path / "synth" / "posts.parquet")
    assert store.counts()["posts"] == posts.height
    assert store.counts()["events"] >= 1
    truth = store.labels(origin="ground_truth", entity_type="account").filter(pl.col("label") == "is_campaign")
    expected = pl.read_parquet(tmp_path / "synth" / "truth_accounts.parquet").filter(pl.col("is_campaign")).height
    assert truth.height == expected > 0
