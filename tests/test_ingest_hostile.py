"""Hostile input: every row is stored as is or quarantined with its reason; nothing is lost."""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from workbench.ingest import ingest_file
from workbench.store import Store

MAP = {"map": {"post_id": "id", "account_id": "user", "created_at": "time", "text": "body"}}
HEADER = b"id,user,time,body\n"


def ingest(store, path):
    return ingest_file(store, path, "generic", options=MAP)


def counts_reconcile(store, summary, expected):
    assert summary.rows_read == expected
    assert summary.rows_loaded + summary.rows_quarantined + summary.rows_duplicate == expected
    assert store.scalar("SELECT count(*) FROM posts") + store.scalar("SELECT count(*) FROM quarantine") == expected - summary.rows_duplicate


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "corpus.duckdb") as opened:
        yield opened


def test_hostile_text_is_stored_exactly(store, tmp_path):
    hostile = [
        "<script>alert('x')</script><img src=x onerror=alert(1)>",
        "=HYPERLINK(\"http://evil.example\",\"click\")",
        "'; DROP TABLE posts; --",
        "nul\x00byte inside",
        "+cmd|' /C calc'!A0",
    ]
    big = "长" * (10 * 1024 * 1024 // 3 + 1)  # a 10 MB field
    records = [{"id": str(i), "user": "u", "time": "2024-01-01T00:00:00Z", "body": text} for i, text in enumerate(hostile + [big])]
    path = tmp_path / "hostile.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    summary = ingest(store, path)
    counts_reconcile(store, summary, len(records))
    assert summary.rows_loaded == len(records)
    stored = store.query("SELECT post_id, text FROM posts ORDER BY source_row")["text"].to_list()
    assert stored == hostile + [big]
    assert store.counts()["posts"] == len(records)  # the DROP TABLE text did nothing


def test_invalid_utf8_bad_fields_and_absurd_dates_are_quarantined(store, tmp_path):
    lines = [
        b'1,u1,2024-01-01T00:00:00Z,fine',
        b'2,u2,2024-01-01T00:00:00Z,bad \xff\xfe bytes',
        b'3,u3,9999-12-31T00:00:00Z,absurd date',
        b'4,u4,not a time,bad date',
        b'5,,2024-01-01T00:00:00Z,no account',
        b'6,u6,2024-01-01T00:00:00Z,too,many,fields',
        b'7,u7,2024-01-01T00:00:00Z,"quoted, with comma"',
    ]
    path = tmp_path / "bad.csv"
    path.write_bytes(HEADER + b"\n".join(lines) + b"\n")
    summary = ingest(store, path)
    counts_reconcile(store, summary, 7)
    assert summary.rows_loaded == 2
    quarantine = {row["row_number"]: row for row in store.quarantine().to_dicts()}
    assert set(quarantine) == {2, 3, 4, 5, 6}
    assert "not valid utf-8" in quarantine[2]["reason"] and json.loads(quarantine[2]["raw"])["body"] == "bad \\xff\\xfe bytes" and quarantine[2]["column_name"] == "body"
    assert "absurd time" in quarantine[3]["reason"] and quarantine[3]["column_name"] == "time"
    assert "unparseable time" in quarantine[4]["reason"] and "not a time" in quarantine[4]["raw"]
    assert "missing account id" in quarantine[5]["reason"]
    assert "expected 4 fields, found 6" in quarantine[6]["reason"] and "too,many,fields" in quarantine[6]["raw"]
    assert store.scalar("SELECT text FROM posts WHERE post_id = 'generic:7'") == "quoted, with comma"


def test_bad_json_lines_and_non_objects_are_quarantined(store, tmp_path):
    path = tmp_path / "mixed.jsonl"
    path.write_text('{"id":"1","user":"u","time":"2024-01-01T00:00:00Z","body":"ok"}\n[1,2]\n{"id": \n\n')
    summary = ingest(store, path)
    counts_reconcile(store, summary, 4)
    reasons = store.quarantine()["reason"].to_list()
    assert any("expected a JSON object" in r for r in reasons) and any("invalid JSON" in r for r in reasons)
    assert any("empty line" in r for r in reasons)


def _big_csv(path: Path, rows: int) -> None:
    with path.open("w") as handle:
        handle.write("id,user,time,body\n")
        for i in range(rows):
            handle.write(f"{i},u{i % 5000},2024-01-01T00:{(i // 60) % 60:02d}:{i % 60:02d}Z,post number {i} about things\n")


def _kill_after_posts_inserts(db, path, count: int, call_arguments: str) -> None:
    """Ingest `path` in a child and kill -9 it once `count` posts inserts have been written.

    The child says when each insert is done, so it is killed midway whatever the machine's speed.
    """
    script = (
        "from workbench.store import Store; from workbench.ingest import ingest_file\n"
        f"s = Store({str(db)!r})\n"
        "keep = s.append\n"
        "def announce(table, frame, *args, **kwargs):\n"
        "    added = keep(table, frame, *args, **kwargs)\n"
        "    if table == 'posts':\n"
        "        print('posts', flush=True)\n"
        "    return added\n"
        "s.append = announce\n"
        f"ingest_file(s, {str(path)!r}, {call_arguments})\n"
    )
    process = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    for _ in range(count):
        assert process.stdout.readline().strip() == "posts"
    assert process.poll() is None, "the ingest finished before it could be killed"
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


@pytest.mark.slow
def _store_with_a_small_file(tmp_path):
    """A database holding one small ingested file, and its table counts."""
    db = tmp_path / "corpus.duckdb"
    small = tmp_path / "small.csv"
    _big_csv(small, 10)
    with Store(db) as store:
        ingest(store, small)
        return db, store.counts()


def test_ingest_killed_midway_leaves_the_database_as_before(tmp_path):
    db, before = _store_with_a_small_file(tmp_path)
    big = tmp_path / "big.csv"
    _big_csv(big, 400_000)
    _kill_after_posts_inserts(db, big, 5, f"'generic', options={MAP!r}, batch_rows=20000, insert_rows=20000")
    with Store(db, read_only=True) as store:
        assert store.counts() == before


@pytest.mark.slow
def test_parquet_ingest_killed_after_posts_were_inserted_leaves_the_database_as_before(tmp_path):
    """Posts go in in large inserts whose row groups DuckDB writes into the file before the commit: a kill
    after several of them must still leave the database as it was, and the file must then load whole."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    db, before = _store_with_a_small_file(tmp_path)
    size_before = db.stat().st_size
    n = 1_000_000
    big = tmp_path / "big.parquet"
    pq.write_table(pa.table({
        "post_id": pa.array([f"p{i}" for i in range(n)]), "account_id": pa.array([f"u{i % 1000}" for i in range(n)]),
        "created_at": pa.array(range(1_700_000_000, 1_700_000_000 + n), pa.int64()).cast(pa.timestamp("s")), "text": pa.array([f"post number {i}" for i in range(n)]),
        "kind": pa.array(["post"] * n),
    }), big, row_group_size=50_000)
    _kill_after_posts_inserts(db, big, 7, "'synth', batch_rows=50_000, insert_rows=100_000")
    assert db.stat().st_size > size_before, "no row group reached the file before the kill; the test proves less than it says"
    with Store(db) as store:
        assert store.counts() == before
        summary = ingest_file(store, big, "synth")
        assert summary.rows_loaded == n and summary.reconciles
        assert store.scalar("SELECT count(*) FROM posts") == before["posts"] + n


def test_locked_database_gives_a_clear_message(tmp_path):
    from workbench.errors import DatabaseLockedError

    db = tmp_path / "corpus.duckdb"
    Store(db).close()
    holder = subprocess.Popen([sys.executable, "-c", f"import duckdb,time; c=duckdb.connect({str(db)!r}); print('ok', flush=True); time.sleep(60)"],
                              stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "ok"
        with pytest.raises(DatabaseLockedError) as error:
            Store(db, read_only=True)
        message = str(error.value)
        assert str(holder.pid) in message and "locked" in message and "Wait" in message
        from workbench.cli import main

        assert main(["ingest", "--db", str(db), "--preset", "generic", str(db)]) == 3
    finally:
        holder.kill()
        holder.wait()
