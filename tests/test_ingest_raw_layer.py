"""The raw layer: every loaded row comes back exactly as it was read, and the fast CSV reader reads exactly
what the row-by-row reader reads (or hands over to it)."""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import json

import polars as pl
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbench.ingest import ingest_file, readers
from workbench.ingest.readers import inspect_input, iter_batches
from workbench.store import Store

MAP = {"map": {"post_id": "id", "account_id": "user", "created_at": "time", "text": "body"}}
HOSTILE = [
    "<script>alert('x')</script>",
    '=HYPERLINK("http://evil.example","click")',
    "'; DROP TABLE posts; --",
    "nul\x00byte",
    "line\nbreak and \r\n windows break",
    'quote " inside, and a comma',
    "  leading and trailing blanks  ",
    "",
    "emoji 🧨 and 中文 and \u202e right-to-left",
]


@pytest.fixture
def store(tmp_path):
    with Store(tmp_path / "corpus.duckdb") as opened:
        yield opened


def loaded_rows(store: Store, source_id: int) -> list[int]:
    return store.query("SELECT source_row FROM posts WHERE source_id = ? ORDER BY source_row", [source_id])["source_row"].to_list()


def csv_bytes(header: list[str], rows: list[list[str]]) -> bytes:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerows(rows)
    return buffer.getvalue().encode("utf-8")


def hostile_rows() -> list[list[str]]:
    return [[f"id{i}", f"user{i % 3}", "2024-05-01T10:00:00Z", text] for i, text in enumerate(HOSTILE)]


def test_posts_keep_no_row_copy(store):
    columns = {row[0] for row in store.execute("SELECT column_name FROM information_schema.columns WHERE table_name = 'posts'")}
    assert "raw" not in columns and {"source_id", "source_row"} <= columns


def test_parquet_rows_with_lists_come_back_exactly(store, tmp_path):
    n = 250
    table = pa.table({
        "post_id": [f"synth:p{i}" for i in range(n)],
        "account_id": [f"synth:u{i % 7}" for i in range(n)],
        "created_at": pa.array([dt.datetime(2024, 1, 1) + dt.timedelta(minutes=i) for i in range(n)], pa.timestamp("us")),
        "text": [HOSTILE[i % len(HOSTILE)] for i in range(n)],
        "kind": ["post"] * n,
        "urls": [[f"https://ex.com/{i}"] if i % 2 else [] for i in range(n)],
        "hashtags": [["a", "b"] if i % 3 else None for i in range(n)],
        "like_count": [i if i % 5 else None for i in range(n)],
    })
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path, row_group_size=60)
    summary = ingest_file(store, path, "synth", batch_rows=100)
    assert summary.rows_loaded == n and summary.reconciles
    expected = table.to_pylist()
    for row in loaded_rows(store, summary.source_id):
        assert store.original_rows(summary.source_id, row) == [expected[row - 1]]



def _parquet_table(n: int) -> pa.Table:
    return pa.table({
        "post_id": [f"synth:p{i}" for i in range(n)],
        "account_id": [f"synth:u{i % 7}" for i in range(n)],
        "created_at": pa.array([dt.datetime(2024, 1, 1, tzinfo=dt.timezone.utc) + dt.timedelta(minutes=i) for i in range(n)],
                               pa.timestamp("us", tz="UTC")),
        "text": [HOSTILE[i % len(HOSTILE)] for i in range(n)],
        "kind": pa.array(["post"] * n).dictionary_encode(),
        "urls": [[f"https://ex.com/{i}"] if i % 2 else [] for i in range(n)],
        "extra": [{"a": i, "b": [i, None]} if i % 4 else None for i in range(n)],
    })


@pytest.mark.parametrize("row_group_size,batch_rows,keep_max", [
    (60, 100, None),       # several row groups per batch
    (250, 100, None),      # several batches per row group
    (77, 77, None),        # aligned
    (100, 100, 1),         # row groups too large to keep as bytes: packed again as Arrow
])
def test_parquet_raw_layer_layouts_give_every_row_back(store, tmp_path, monkeypatch, row_group_size, batch_rows, keep_max):
    if keep_max is not None:
        monkeypatch.setattr(readers, "PARQUET_KEEP_MAX_BYTES", keep_max)
    table = _parquet_table(301)
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path, row_group_size=row_group_size)
    summary = ingest_file(store, path, "synth", batch_rows=batch_rows, insert_rows=150)
    assert summary.rows_loaded == table.num_rows and summary.reconciles
    expected = table.to_pylist()
    for row in loaded_rows(store, summary.source_id):
        assert store.original_rows(summary.source_id, row) == [expected[row - 1]]
    batches = store.query("SELECT layout, n_rows FROM source_batches WHERE source_id = ?", [summary.source_id])
    assert batches["n_rows"].sum() == table.num_rows
    layouts = set(batches["layout"])
    assert layouts == ({"columns"} if keep_max else {"parquet_footer", "parquet_row_group"})
    # Every row group's bytes as they are in the file.
    if not keep_max:
        assert batches.filter(pl.col("layout") == "parquet_row_group").height == pq.ParquetFile(path).metadata.num_row_groups


def test_parquet_bytes_the_reader_needs_but_were_not_kept_fall_back_to_packing(store, tmp_path, monkeypatch):
    """If the reader wanted bytes outside the kept ranges, the file is read the old way, not lost."""
    exact = readers.parquet_row_group_range
    monkeypatch.setattr(readers, "parquet_row_group_range", lambda metadata, index, end: (exact(metadata, index, end)[0],
                                                                                           exact(metadata, index, end)[1] - 200))
    table = _parquet_table(120)
    path = tmp_path / "posts.parquet"
    pq.write_table(table, path, row_group_size=50)
    summary = ingest_file(store, path, "synth", batch_rows=40)
    assert summary.rows_loaded == table.num_rows and summary.reconciles
    assert set(store.query("SELECT layout FROM source_batches")["layout"]) == {"columns"}
    expected = table.to_pylist()
    for row in loaded_rows(store, summary.source_id):
        assert store.original_rows(summary.source_id, row) == [expected[row - 1]]


def test_parquet_written_by_duckdb_and_empty_parquet(store, tmp_path):
    import duckdb

    path = tmp_path / "duck.parquet"
    with duckdb.connect() as con:
        con.execute("COPY (SELECT 'synth:p' || i AS post_id, 'synth:u' || (i % 5) AS account_id, TIMESTAMP '2024-01-01' + "
                    "INTERVAL (i) MINUTE AS created_at, 'text ' || i AS text, 'post' AS kind, [i, i + 1] AS numbers "
                    f"FROM range(1000) t(i)) TO '{path}' (FORMAT parquet, ROW_GROUP_SIZE 300)")
    summary = ingest_file(store, path, "synth", batch_rows=128)
    assert summary.rows_loaded == 1000
    expected = pq.read_table(path).to_pylist()
    for row in (1, 2, 299, 300, 301, 640, 999, 1000):
        assert store.original_rows(summary.source_id, row) == [expected[row - 1]]
    empty = tmp_path / "empty.parquet"
    pq.write_table(_parquet_table(0), empty)
    summary = ingest_file(store, empty, "synth")
    assert (summary.rows_read, summary.rows_loaded) == (0, 0) and summary.reconciles


@pytest.mark.parametrize("bad_row", [None, b"id_bad,user,2024-05-01T10:00:00Z,bad \xff bytes"])
def test_csv_rows_come_back_exactly_as_read(store, tmp_path, bad_row):
    """Without a bad row the Arrow reader reads the file; with one, the row-by-row reader does."""
    header, rows = ["id", "user", "time", "body"], hostile_rows()
    data = csv_bytes(header, rows)
    if bad_row is not None:
        data += bad_row + b"\n"
    path = tmp_path / "hostile.csv"
    path.write_bytes(data)
    summary = ingest_file(store, path, "generic", options=MAP)
    assert summary.rows_loaded == len(rows) and summary.reconciles
    assert summary.rows_quarantined == (0 if bad_row is None else 1)
    for row in loaded_rows(store, summary.source_id):
        assert store.original_rows(summary.source_id, row) == [dict(zip(header, rows[row - 1]))]
    stored = store.query("SELECT text FROM posts ORDER BY source_row")["text"].to_list()
    assert stored == HOSTILE


def test_json_records_come_back(store, tmp_path):
    records = [{"id": str(i), "user": "u", "time": "2024-01-01T00:00:00Z", "body": text, "extra": {"n": i, "list": [1, None]}}
               for i, text in enumerate(HOSTILE)]
    path = tmp_path / "posts.jsonl"
    path.write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in records), encoding="utf-8")
    summary = ingest_file(store, path, "generic", options=MAP)
    assert summary.rows_loaded == len(records)
    for row in loaded_rows(store, summary.source_id):
        assert store.original_rows(summary.source_id, row) == [records[row - 1]]


# -- the Arrow CSV reader against the row-by-row reader ------------------------------------------------
TRICKY = {
    "plain": b"a,b\n1,x\n2,y\n",
    "crlf": b"a,b\r\n1,x\r\n2,y\r\n",
    "cr_only": b"a,b\r1,x\r2,y\r",
    "quoted_newline": b'a,b\n1,"x\ny"\n2,z\n',
    "doubled_quotes": b'a,b\n1,"say ""hi"""\n',
    "quote_inside_field": b'a,b\n1,ab"cd\n',
    "text_after_closing_quote": b'a,b\n1,"ab"cd\n',
    "unterminated_quote": b'a,b\n1,"xy\n2,z\n',
    "blank_line": b"a,b\n1,x\n\n2,y\n",
    "empty_cells": b'a,b\n,\n"",""\n',
    "trailing_blank_line": b"a,b\n1,x\n\n",
    "no_final_newline": b"a,b\n1,x",
    "ragged": b"a,b\n1,x,extra\n2\n3,z\n",
    "bad_utf8": b"a,b\n1,ok\n2,bad \xff\n3,ok\n",
    "nul": b"a,b\n1,x\x00y\n",
    "bom": b"\xef\xbb\xbfa,b\n1,x\n",
    "backslash": b"a,b\n1,x\\,y\n",
    "cr_inside_field": b"a,b\n1,x\ry\n",
    "blanks_around": b'a,b\n 1 , "x" \n',
    "one_column_blank_line": b"a\n1\n\n2\n",
    "duplicate_header": b"a,a,\n1,2,3\n",
    "header_only": b"a,b\n",
}


def _read(info, reader) -> tuple[list[dict], list[tuple]]:
    rows, rejects = [], []
    for batch in reader(info):
        rows += batch.frame.to_dicts()
        rejects += [(r.row_number, r.reason, r.raw) for r in batch.rejects]
    return rows, rejects


def _row_by_row(info):
    cells = readers._csv_header_cells(info)
    return readers._iter_csv_rows(info, readers._clean_header(cells), batch_rows=3) if cells is not None else iter(())


@pytest.mark.parametrize("name", sorted(TRICKY))
@pytest.mark.parametrize("block_bytes", [1 << 20, 16])
def test_arrow_csv_reader_reads_what_the_row_by_row_reader_reads(tmp_path, monkeypatch, name, block_bytes):
    """Tiny blocks make Arrow stop midway through a file, so the hand-over mid-file is tested too."""
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", block_bytes)
    path = tmp_path / f"{name}.csv"
    path.write_bytes(TRICKY[name])
    info = inspect_input(path)
    assert _read(info, lambda i: iter_batches(i, batch_rows=3)) == _read(info, _row_by_row)


def test_fallback_midway_keeps_numbering_and_reconciles(store, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 200)
    rows = [[f"id{i}", "u", "2024-05-01T10:00:00Z", f"post {i}"] for i in range(60)]
    lines = csv_bytes(["id", "user", "time", "body"], rows).split(b"\n")
    lines.insert(41, b"id_ragged,u,2024-05-01T10:00:00Z,too,many")  # data row 41
    path = tmp_path / "ragged_late.csv"
    path.write_bytes(b"\n".join(lines))
    summary = ingest_file(store, path, "generic", options=MAP, batch_rows=10)
    assert (summary.rows_read, summary.rows_loaded, summary.rows_quarantined) == (61, 60, 1)
    assert store.quarantine()["row_number"].to_list() == [41]
    by_row = dict(store.query("SELECT source_row, post_id FROM posts").iter_rows())
    assert by_row[40] == "generic:id39" and by_row[42] == "generic:id40"
    assert store.original_rows(summary.source_id, 61)[0]["id"] == "id59"
    assert store.original_rows(summary.source_id, 41) == []  # quarantined with its raw text instead


def test_legacy_databases_give_rows_from_posts_raw(tmp_path):
    db = tmp_path / "old.duckdb"
    with Store(db) as store:
        store.execute("ALTER TABLE posts ADD COLUMN raw VARCHAR")
        store.execute("INSERT INTO posts (post_id, platform, account_id, created_at, kind, source_id, source_row, raw) "
                      "VALUES ('p', 'x', 'u', TIMESTAMP '2024-01-01', 'post', 1, 7, ?)", ['{"id": "p", "n": 1}'])
        assert store.original_rows(1, 7) == [{"id": "p", "n": 1}]
        assert store.original_rows(1, 8) == []


def test_raw_layer_is_written_in_the_file_transaction(store, tmp_path):
    path = tmp_path / "posts.csv"
    path.write_bytes(csv_bytes(["id", "user", "time", "body"], hostile_rows()))
    summary = ingest_file(store, path, "generic", options=MAP)
    batches = store.query("SELECT * FROM source_batches WHERE source_id = ?", [summary.source_id])
    assert batches["n_rows"].sum() == summary.rows_read and set(batches["layout"]) == {"columns"}
    assert ingest_file(store, path, "generic", options=MAP).already_ingested
    assert store.scalar("SELECT count(*) FROM source_batches") == batches.height


def test_derived_post_ids_hash_the_row_as_before(store, tmp_path):
    """Ids derived from the row must not change with the reader: they hash the row's JSON."""
    path = tmp_path / "noid.csv"
    path.write_bytes(csv_bytes(["user", "time", "body"], [["u", "2024-01-01T00:00:00Z", "same"]]))
    ingest_file(store, path, "generic", options={"map": {"account_id": "user", "created_at": "time", "text": "body"}})
    row_json = json.dumps({"user": "u", "time": "2024-01-01T00:00:00Z", "body": "same"}, separators=(",", ":"))
    digest = hashlib.blake2b(("generic\x1f" + row_json).encode(), digest_size=12).hexdigest()
    assert store.scalar("SELECT post_id FROM posts") == f"generic:h{digest}"


def test_a_row_longer_than_the_arrow_block_loads_whole(store, tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "CSV_BLOCK_BYTES", 1024)
    long_text = "长" * 5000 + "\nsecond line"
    rows = [["1", "u", "2024-05-01T10:00:00Z", "short"], ["2", "u", "2024-05-01T10:00:00Z", long_text]]
    path = tmp_path / "long.csv"
    path.write_bytes(csv_bytes(["id", "user", "time", "body"], rows))
    summary = ingest_file(store, path, "generic", options=MAP)
    assert summary.rows_loaded == 2
    assert store.scalar("SELECT text FROM posts WHERE post_id = 'generic:2'") == long_text
    assert store.original_rows(summary.source_id, 2)[0]["body"] == long_text
