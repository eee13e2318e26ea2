"""The twitter_v2 preset's block reader (Arrow decodes whole blocks of JSON lines) gives what the
record-by-record reader gives: same posts, same accounts, same rejects and reasons, same counts, on
ordinary exports and on every odd line that makes it fall back."""
from __future__ import annotations

import gzip
import json
from pathlib import Path

import polars as pl
import pytest

from workbench.ingest import ingest_file
from workbench.ingest.presets import get
from workbench.ingest.presets.base import MapContext
from workbench.ingest.readers import inspect_input, iter_batches
from workbench.store import Store

PRESET = get("twitter_v2")


def tweet(i: int, **extra) -> dict:
    body = {"id": str(1000 + i), "author_id": str(i % 3), "text": f"tweet {i} #Tag{i % 2} @someone https://t.co/x{i}",
            "created_at": f"2025-06-26T12:00:{i % 60:02d}.000Z", "lang": "en", "source": "Twitter Web App",
            "edit_history_tweet_ids": [str(1000 + i)], "possibly_sensitive": False,
            "public_metrics": {"like_count": i, "retweet_count": 1, "reply_count": 0, "quote_count": 0},
            "entities": {"urls": [{"start": 1, "end": 2, "url": f"https://t.co/x{i}", "expanded_url": f"https://brand.example/{i}"}],
                         "hashtags": [{"start": 0, "end": 5, "tag": f"Tag{i % 2}"}], "mentions": [{"username": "someone", "id": "9"}]}}
    body.update(extra)
    return body


def user(i: int, **extra) -> dict:
    body = {"id": str(i), "username": f"user{i}", "name": f"User {i}", "created_at": "2020-01-01T00:00:00.000Z",
            "description": "bio", "location": "Earth", "verified": i == 1, "protected": False,
            "public_metrics": {"followers_count": 10 * i, "following_count": 5, "tweet_count": 100, "listed_count": 0}}
    body.update(extra)
    return body


def page(tweets: list[dict], users: list[dict] | None = None) -> dict:
    return {"data": tweets, "includes": {"users": users if users is not None else [user(0), user(1), user(2)]},
            "meta": {"result_count": len(tweets)}}


ORDINARY = [
    page([tweet(i) for i in range(5)]),
    page([tweet(5, referenced_tweets=[{"type": "retweeted", "id": "1000"}]),
          tweet(6, referenced_tweets=[{"type": "replied_to", "id": "1001"}, {"type": "quoted", "id": "1002"}]),
          tweet(7, entities={"urls": [{"url": "https://t.co/only"}, {"url": "https://t.co/e", "expanded_url": ""}]}),
          tweet(8, entities=None, referenced_tweets=[]),
          tweet(9, text="ＢＵＹ 中文 \u202e =cmd|' /C calc'!A0", lang=None)],
         users=[user(0), user(1), user(0, username="renamed")]),
    tweet(10),  # one tweet per line, no includes
    page([tweet(11, created_at="not a time"), tweet(12, author_id=None)]),
]
ODD_LINES = {
    "ids as numbers": page([tweet(20, id=2020)]),
    "count as text": page([tweet(21, public_metrics={"like_count": "5"})]),
    "urls null": page([tweet(22, entities={"urls": None})]),
    "link with neither url": page([tweet(23, entities={"urls": [{"start": 0}]})]),
    "data empty": {"data": [], "meta": {"result_count": 0}},
    "data null": {"data": None},
    "data an object": {"data": tweet(24), "includes": {"users": [user(0)]}},
    "users null": {"data": [tweet(25)], "includes": {"users": None}},
    "null reference": page([tweet(26, referenced_tweets=[None])]),
    "null tweet in data": {"data": [tweet(27), None]},
    "entities a list": page([tweet(28, entities=[])]),
    "verified as text": page([tweet(29)], users=[user(0, verified="yes"), user(1), user(2)]),
}
RAW_ODD_LINES = {
    "invalid JSON": b"{not json\n",
    "a list": b"[1, 2]\n",
    "empty line": b"\n",
    "blank line": b"   \n",
    "bad bytes": b'{"id": "1", "text": "\xff\xfe"}\n',
    "crlf": b'{"id": "31", "author_id": "1", "created_at": "2025-06-26T12:00:00Z", "text": "x"}\r\n',
}


def as_lines(objects: list[dict]) -> bytes:
    return b"".join(json.dumps(o, ensure_ascii=False).encode("utf-8") + b"\n" for o in objects)


def read_all(path: Path, batches) -> dict:
    ctx = MapContext(path, 1, "twitter", None, {})
    posts, accounts, rejects, rows_read = [], [], [], 0
    for batch in batches:
        rows_read += batch.rows_read
        rejects += [(r.row_number, r.reason) for r in batch.rejects]
        if batch.frame.height:
            mapped = PRESET.map_batch(batch.frame, ctx)
            posts.append(mapped.rows)
            rejects += list(zip(mapped.rejects["_row"].to_list(), mapped.rejects["_reason"].to_list()))
            if mapped.accounts is not None:
                accounts.append(mapped.accounts)
    posts_frame = pl.concat(posts).sort("source_row", "post_id") if posts else None
    accounts_frame = (pl.concat(accounts).unique("account_id", keep="first", maintain_order=True).drop("raw", "source_row")
                      .sort("account_id") if accounts else None)
    return {"posts": posts_frame, "accounts": accounts_frame, "rejects": sorted(rejects), "rows_read": rows_read}


def assert_same_as_record_by_record(path: Path) -> dict:
    info = inspect_input(path)
    fast = read_all(path, PRESET.read_batches(info, 100_000))
    slow = read_all(path, iter_batches(info, expand=PRESET.expand_record, batch_rows=100_000))
    assert fast["rows_read"] == slow["rows_read"]
    assert fast["rejects"] == slow["rejects"]
    for table in ("posts", "accounts"):
        if slow[table] is None:
            assert fast[table] is None or fast[table].is_empty()
        else:
            assert fast[table].equals(slow[table]), table
    return fast


def test_ordinary_export_reads_the_same(tmp_path):
    path = tmp_path / "v2.jsonl"
    path.write_bytes(as_lines(ORDINARY))
    fast = assert_same_as_record_by_record(path)
    reasons = sorted(reason for _, reason in fast["rejects"])
    assert fast["posts"].height == 11 and len(reasons) == 2
    assert reasons[0] == "missing account id in column 'author_id'" and reasons[1].startswith("unparseable time in created_at")
    kinds = dict(zip(fast["posts"]["post_id"].to_list(), fast["posts"]["kind"].to_list()))
    assert kinds["twitter:1005"] == "repost" and kinds["twitter:1006"] == "quote"


@pytest.mark.parametrize("case", sorted(ODD_LINES))
def test_odd_line_reads_the_same(tmp_path, case):
    path = tmp_path / "odd.jsonl"
    path.write_bytes(as_lines(ORDINARY[:2] + [ODD_LINES[case]] + ORDINARY[2:]))
    assert_same_as_record_by_record(path)


@pytest.mark.parametrize("case", sorted(RAW_ODD_LINES))
def test_unreadable_line_reads_the_same(tmp_path, case):
    path = tmp_path / "raw.jsonl"
    path.write_bytes(as_lines(ORDINARY[:2]) + RAW_ODD_LINES[case] + as_lines(ORDINARY[2:]))
    assert_same_as_record_by_record(path)


def test_compressed_and_bom_files_read_the_same(tmp_path):
    gz = tmp_path / "v2.jsonl.gz"
    gz.write_bytes(gzip.compress(as_lines(ORDINARY)))
    assert_same_as_record_by_record(gz)
    bom = tmp_path / "bom.jsonl"
    bom.write_bytes(b"\xef\xbb\xbf" + as_lines(ORDINARY))
    assert_same_as_record_by_record(bom)


def test_windows_line_breaks_and_lone_carriage_returns_read_the_same(tmp_path):
    crlf = tmp_path / "crlf.jsonl"
    crlf.write_bytes(as_lines(ORDINARY).replace(b"\n", b"\r\n"))
    assert assert_same_as_record_by_record(crlf)["posts"].height == 11
    lone = tmp_path / "lone_cr.jsonl"
    lone.write_bytes(as_lines(ORDINARY[:2]).replace(b"\n", b"\r") + as_lines(ORDINARY[2:]))
    assert_same_as_record_by_record(lone)


def test_blocks_split_between_lines(tmp_path, monkeypatch):
    from workbench.ingest import jsonlines

    monkeypatch.setattr(jsonlines, "BLOCK_BYTES", 3000)  # several blocks, some falling back
    path = tmp_path / "blocks.jsonl"
    path.write_bytes(as_lines(ORDINARY + [ODD_LINES["ids as numbers"]] + ORDINARY) + RAW_ODD_LINES["crlf"] + as_lines(ORDINARY))
    fast = assert_same_as_record_by_record(path)
    assert fast["posts"]["source_row"].max() == 13


def test_ingest_keeps_every_line_and_reconciles(tmp_path, monkeypatch):
    from workbench.ingest import jsonlines

    # Small blocks, so the ordinary lines are decoded by blocks and the invalid line's block line by line.
    monkeypatch.setattr(jsonlines, "BLOCK_BYTES", 512)
    lines = ORDINARY + [ODD_LINES["urls null"], ODD_LINES["data empty"]]
    path = tmp_path / "v2.jsonl"
    path.write_bytes(as_lines(lines) + RAW_ODD_LINES["invalid JSON"])
    with Store(tmp_path / "corpus.duckdb") as store:
        summary = ingest_file(store, path, "twitter_v2", progress=False)
        # 13 tweets + the "urls null" tweet (loaded: a null list holds no links) + the empty page + the
        # invalid line; 2 tweets rejected.
        assert summary.reconciles and summary.rows_read == 16 and summary.rows_quarantined == 4
        quarantined = set(store.quarantine()["row_number"].to_list())
        assert quarantined == {4, 6, 7}
        for number, obj in enumerate(ORDINARY, start=1):
            assert store.original_rows(summary.source_id, number) == [obj]  # each line as read
