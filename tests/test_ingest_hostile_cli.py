"""Hostile files through `workbench ingest`, as a user would run it (issue 18).

Each case builds its file in code and checks: the exit code, the message (file, row, problem), that the
file's counts reconcile, and that every other row was loaded exactly as written (compared with the rows
the test wrote). A row is either loaded exactly or quarantined with its row number, raw text and reason.
"""
from __future__ import annotations

import gzip
import io
import json
import os
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from workbench.cli import main
from workbench.ingest import ingest_file
from workbench.ingest.readers import ReadLimits
from workbench.store import RepeatedValues, Store

MAP = "post_id=id,account_id=user,created_at=time,text=body"
MAP_DICT = {"map": {"post_id": "id", "account_id": "user", "created_at": "time", "text": "body"}}
TIME = "2024-01-01T00:00:00Z"
EXIT_LOADED, EXIT_FAILED, EXIT_QUARANTINED = 0, 1, 4


def run_ingest(capsys, db: Path, *paths: Path, extra: tuple[str, ...] = (), mapping: str = MAP, preset: str = "generic"):
    """Run `workbench ingest` in-process; returns (exit code, everything printed)."""
    arguments = ["ingest", "--db", str(db), "--preset", preset, "--no-progress", *extra]
    if preset == "generic":
        arguments += ["--map", mapping]
    code = main(arguments + [str(p) for p in paths])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def stored(db: Path):
    """(posts text by post id, quarantine rows by row number, sources rows) of a database."""
    with Store(db, read_only=True) as store:
        posts = dict(store.query("SELECT post_id, text FROM posts").iter_rows())
        quarantine = {row["row_number"]: row for row in store.quarantine().to_dicts()}
        sources = store.sources().to_dicts()
    return posts, quarantine, sources


def assert_reconciles(sources, rows_read: int):
    assert len(sources) == 1
    source = sources[0]
    assert source["rows_read"] == rows_read
    assert source["rows_read"] == source["rows_loaded"] + source["rows_quarantined"] + source["rows_duplicate"]


def assert_others_exact(posts: dict, written: dict[str, str], quarantined: set[str]):
    """Every written row not quarantined is stored with exactly its text; nothing else is stored."""
    expected = {f"generic:{post_id}": text for post_id, text in written.items() if post_id not in quarantined}
    assert posts == expected


def csv_bytes(rows: list[tuple[str, str, str, str]], header: bytes = b"id,user,time,body\n") -> bytes:
    out = io.StringIO()
    import csv

    csv.writer(out, lineterminator="\n").writerows(rows)
    return header + out.getvalue().encode("utf-8")


# -- 1. an unbalanced quote ------------------------------------------------------------------------------
def test_an_unbalanced_quote_costs_one_row_not_the_rest_of_the_file(tmp_path, capsys):
    written = {str(i): f"post {i}, with a comma" if i % 7 else f'he said "hi" {i}' for i in range(1, 1001)}
    lines = []
    for post_id, text in written.items():
        if post_id == "10":
            lines.append(f'10,u10,{TIME},"this quote is never closed')
        elif '"' in text:
            lines.append(f"{post_id},u{post_id},{TIME},{text}")  # bare quotes inside an unquoted field: literal
        else:
            lines.append(f'{post_id},u{post_id},{TIME},"{text}"')
    path = tmp_path / "unbalanced.csv"
    path.write_text("id,user,time,body\n" + "\n".join(lines) + "\n", encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED
    assert "row 10" in out and "unbalanced quote" in out and str(path) in out
    assert_reconciles(sources, 1000)
    assert set(quarantine) == {10} and "never closed" in quarantine[10]["raw"]
    assert_others_exact(posts, written, {"10"})


def test_a_stray_quote_that_closes_far_below_does_not_swallow_the_rows_between(tmp_path, capsys):
    rows = [(str(i), f"u{i}", TIME, f"text {i}") for i in range(1, 301)]
    body = csv_bytes(rows).decode()
    body = body.replace(f"5,u5,{TIME},text 5\n", f'5,u5,{TIME},"opens here\n').replace(
        f"200,u200,{TIME},text 200\n", f'200,u200,{TIME},closes" here\n')
    path = tmp_path / "stray.csv"
    path.write_text(body, encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 5" in out
    assert_reconciles(sources, 300)
    assert 5 in quarantine
    written = {r[0]: r[3] for r in rows}
    written["200"] = 'closes" here'
    assert_others_exact(posts, written, {"5"})


def test_a_legitimate_multi_line_field_still_loads(tmp_path, capsys):
    rows = [("1", "u1", TIME, "line one\nline two\n\nline four"), ("2", "u2", TIME, "plain")]
    path = tmp_path / "multi.csv"
    path.write_bytes(csv_bytes(rows))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, _ = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and not quarantine
    assert_others_exact(posts, {r[0]: r[3] for r in rows}, set())


# -- 2. one Latin-1 byte in a UTF-8 file ------------------------------------------------------------------
def test_one_latin1_byte_quarantines_its_row_and_garbles_nothing(tmp_path, capsys):
    written = {str(i): f"naïve 😀 {i} 中文" for i in range(1, 2001)}
    body = b"id,user,time,body\n" + b"".join(
        (f"{k},u{k},{TIME},".encode() + (b"Caf\xe9s" if k == "7" else v.encode("utf-8")) + b"\n") for k, v in written.items())
    path = tmp_path / "latin1_byte.csv"
    path.write_bytes(body)
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 7" in out and "not valid utf-8" in out
    assert sources[0]["encoding"] == "utf-8"
    assert_reconciles(sources, 2000)
    assert set(quarantine) == {7} and json.loads(quarantine[7]["raw"])["body"] == "Caf\\xe9s"
    assert_others_exact(posts, written, {"7"})


@pytest.mark.parametrize("layout", ["csv", "jsonl"])
def test_a_windows_latin_file_is_detected_and_its_utf8_rows_quarantined(tmp_path, capsys, layout):
    accents = ["Café crème", "naïve façade", "Ærøskøbing", "prix: 12 €", "“quoted” – dash", "Größe"]
    written = {str(i): f"{accents[i % len(accents)]} {i}" for i in range(1, 401)}

    def line(k: str, v: str) -> bytes:
        text = v if layout == "csv" else json.dumps({"id": k, "user": f"u{k}", "time": TIME, "body": v}, ensure_ascii=False)
        row = f"{k},u{k},{TIME},{text}" if layout == "csv" else text
        return row.encode("utf-8" if k == "200" else "cp1252") + b"\n"

    header = b"id,user,time,body\n" if layout == "csv" else b""
    path = tmp_path / f"latin.{layout}"
    path.write_bytes(header + b"".join(line(k, v) for k, v in written.items()))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert sources[0]["encoding"] == "cp1252"
    assert code == EXIT_QUARANTINED and "row 200" in out and "UTF-8" in out
    assert set(quarantine) == {200}  # decoding its UTF-8 as cp1252 would store "Ã©"
    assert_others_exact(posts, written, {"200"})


def test_a_cyrillic_legacy_file_is_not_read_as_latin(tmp_path, capsys):
    """Whole words of bytes above 127 are not accented Latin letters: the rows are quarantined with a hint
    to pass --encoding, never stored as cp1252 mojibake."""
    written = {str(i): f"Это пост номер {i}" for i in range(1, 51)}
    path = tmp_path / "cyrillic.csv"
    path.write_bytes(b"id,user,time,body\n" + b"".join(f"{k},u{k},{TIME},{v}\n".encode("cp1251") for k, v in written.items()))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert sources[0]["encoding"] == "utf-8" and code == EXIT_FAILED and "--encoding" in out  # nothing loaded
    assert not posts and len(quarantine) == 50
    assert_reconciles(sources, 50)


def test_a_gb18030_file_is_still_detected_and_its_utf8_rows_quarantined(tmp_path, capsys):
    written = {str(i): f"小米汽车发布会第{i}条评论，真的假的" for i in range(1, 301)}
    body = b"id,user,time,body\n" + b"".join(
        f"{k},u{k},{TIME},".encode() + (v.encode("utf-8") if k == "150" else v.encode("gb18030")) + b"\n" for k, v in written.items())
    path = tmp_path / "gb.csv"
    path.write_bytes(body)
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert sources[0]["encoding"] == "gb18030"
    assert code == EXIT_QUARANTINED and "row 150" in out and "UTF-8" in out
    assert set(quarantine) == {150}
    assert_others_exact(posts, written, {"150"})


# -- 3. duplicate JSON keys and numbers that do not parse -------------------------------------------------
@pytest.mark.parametrize("layout", ["jsonl", "json"])
def test_duplicate_json_keys_keep_every_value_in_the_raw_layer(tmp_path, capsys, layout):
    lines = [
        '{"id": "1", "user": "u1", "time": "%s", "body": "first value", "body": "second value"}' % TIME,
        json.dumps({"id": "2", "user": "u2", "time": TIME, "body": "plain"}),
    ]
    path = tmp_path / f"dup.{layout}"
    path.write_text("\n".join(lines) + "\n" if layout == "jsonl" else "[" + ",\n".join(lines) + "]")
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and not quarantine
    assert_reconciles(sources, 2)
    assert posts == {"generic:1": "second value", "generic:2": "plain"}  # JSON's rule: the last value wins
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        payloads = [pa.ipc.open_stream(p).read_all() for (p,) in store.execute("SELECT payload FROM source_batches")]
        source_id, row = store.execute("SELECT source_id, source_row FROM posts WHERE post_id = 'generic:1'")[0]
        original = store.original_rows(source_id, row)
    raw_texts = [t for table in payloads for t in table.column("_raw").to_pylist()]
    assert any("first value" in t and "second value" in t for t in raw_texts)
    assert [record["body"] for record in original] == [["first value", "second value"]]  # both values, in order
    assert isinstance(original[0]["body"], RepeatedValues) and original[0]["id"] == "1"


def test_counts_that_are_not_numbers_are_quarantined_not_nulled(tmp_path, capsys):
    records = [("1", '"12"'), ("2", '"1,234"'), ("3", '"abc"'), ("4", "1e400"), ("5", "7"), ("6", '""'),
               ("7", '"9007199254740993"'), ("8", "9223372036854775807"), ("9", '"9007199254740993.0"')]
    path = tmp_path / "counts.jsonl"
    path.write_text("\n".join('{"id": "%s", "user": "u", "time": "%s", "body": "b%s", "likes": %s}' % (i, TIME, i, v)
                              for i, v in records) + "\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, mapping=MAP + ",like_count=likes")
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED
    assert_reconciles(sources, 9)
    assert set(quarantine) == {2, 3, 4, 9}
    assert all("unparseable number in like_count" in quarantine[r]["reason"] for r in (2, 3, 4))
    assert quarantine[9]["reason"] == "number too large to read exactly in like_count: 9007199254740993.0"
    assert "1e400" in quarantine[4]["raw"] and "row 2" in out
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        likes = dict(store.query("SELECT post_id, like_count FROM posts").iter_rows())
    # integers beyond a float's exact range are read exactly (they went through a float before)
    assert likes == {"generic:1": 12, "generic:5": 7, "generic:6": None, "generic:7": 9007199254740993,
                     "generic:8": 9223372036854775807}


# -- 6. a JSON record without an optional key -------------------------------------------------------------
def test_a_batch_of_records_without_an_optional_key_does_not_reject_the_file(tmp_path):
    records = [{"id": str(i), "user": "u", "time": TIME, "body": f"b{i}", "lang": "en"} for i in range(1, 11)]
    records.append({"id": "11", "user": "u", "time": TIME, "body": "b11"})  # alone in its batch, without lang
    records.append({"id": "12", "time": TIME, "body": "b12"})  # without the account: quarantined, with its row
    path = tmp_path / "optional.jsonl"
    path.write_text("\n".join(json.dumps(r) for r in records) + "\n")
    with Store(tmp_path / "db.duckdb") as store:
        options = {"map": {**MAP_DICT["map"], "lang": "lang"}}
        summary = ingest_file(store, path, "generic", options=options, batch_rows=10)
        assert summary.reconciles and summary.rows_loaded == 11 and summary.rows_quarantined == 1
        assert store.scalar("SELECT lang FROM posts WHERE post_id = 'generic:11'") is None
        assert store.scalar("SELECT lang FROM posts WHERE post_id = 'generic:3'") == "en"
        assert "missing account id" in store.quarantine()["reason"][0] and store.quarantine()["row_number"][0] == 12


# -- 7, 8. lone surrogates and deep nesting ---------------------------------------------------------------
@pytest.mark.parametrize("preset", ["generic", "twitter_v2"])
def test_a_lone_surrogate_is_quarantined_with_its_row(tmp_path, capsys, preset):
    def record(i, text):
        if preset == "generic":
            return {"id": str(i), "user": "u", "time": TIME, "body": text}
        return {"id": str(i), "author_id": "9", "created_at": TIME, "text": text}

    lines = [json.dumps(record(i, f"text {i}")) for i in range(1, 6)]
    lines[2] = json.dumps(record(3, "broken \ud83d here"))  # json.dumps writes the lone surrogate as \ud83d
    path = tmp_path / "surrogate.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, preset=preset)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 3" in out and "surrogate" in out and "Traceback" not in out
    assert_reconciles(sources, 5)
    assert set(quarantine) == {3} and "\\ud83d" in quarantine[3]["raw"]
    prefix = "generic" if preset == "generic" else "twitter"
    assert posts == {f"{prefix}:{i}": f"text {i}" for i in (1, 2, 4, 5)}


@pytest.mark.parametrize("depth", [990, 10_000])
def test_deeply_nested_json_is_handled_row_by_row(tmp_path, capsys, depth):
    deep = "[" * depth + "]" * depth
    lines = [json.dumps({"id": "1", "user": "u", "time": TIME, "body": "ok"}),
             '{"id": "2", "user": "u", "time": "%s", "body": "deep", "extra": %s}' % (TIME, deep),
             json.dumps({"id": "3", "user": "u", "time": TIME, "body": "ok too"})]
    path = tmp_path / "deep.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert "Traceback" not in out and "RecursionError" not in out
    assert_reconciles(sources, 3)
    assert posts["generic:1"] == "ok" and posts["generic:3"] == "ok too"
    if "generic:2" not in posts:
        assert code == EXIT_QUARANTINED and "row 2" in out and "nested too deeply" in quarantine[2]["reason"]


# -- 9. invalid UTF-8 in Parquet, a CSV column named _row -------------------------------------------------
@pytest.mark.parametrize("text_type", ["binary", "string"])
def test_invalid_utf8_in_a_parquet_text_column_quarantines_its_row(tmp_path, capsys, text_type):
    bodies = [b"fine one", b"bad \xff\xfe bytes", "中文 fine".encode()]
    column = pa.array(bodies, pa.binary())
    if text_type == "string":
        column = column.view(pa.string())  # a string column whose bytes were never checked
    path = tmp_path / "bad.parquet"
    pq.write_table(pa.table({"id": ["1", "2", "3"], "user": ["u", "u", "u"], "time": [TIME] * 3, "body": column}), path)
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 2" in out and "not valid utf-8" in out and "Traceback" not in out
    assert_reconciles(sources, 3)
    assert set(quarantine) == {2} and quarantine[2]["column_name"] == "body" and "\\xff" in quarantine[2]["raw"]
    assert posts == {"generic:1": "fine one", "generic:3": "中文 fine"}


def test_a_csv_column_named_like_an_internal_one_loads(tmp_path, capsys):
    path = tmp_path / "row_column.csv"
    path.write_text(f"id,user,time,body,_row,_raw\n1,u,{TIME},hello,x,y\n2,u,{TIME},world,z,w\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED, out
    assert posts == {"generic:1": "hello", "generic:2": "world"}
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        original = store.original_rows(sources[0]["source_id"], 2)
    assert original == [{"id": "2", "user": "u", "time": TIME, "body": "world", "_row (in the file)": "z", "_raw (in the file)": "w"}]


# -- 10. one naive time among times with offsets ----------------------------------------------------------
def test_one_naive_time_among_offset_times_is_quarantined_alone(tmp_path, capsys):
    rows = [(str(i), "u", f"2024-01-01T00:00:{i % 60:02d}+08:00", f"t{i}") for i in range(1, 1000)]
    rows[499] = ("500", "u", "2024-01-01 00:00:00", "t500")
    path = tmp_path / "naive.csv"
    path.write_bytes(csv_bytes(rows))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 500" in out and "without a UTC offset" in out
    assert_reconciles(sources, 999)
    assert set(quarantine) == {500}
    assert_others_exact(posts, {r[0]: r[3] for r in rows}, {"500"})


# -- 11. bad --timezone, --encoding, --db -----------------------------------------------------------------
def test_bad_options_give_one_line_messages_with_a_suggestion(tmp_path, capsys):
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([("1", "u", "2024-01-01 00:00:00", "x")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", good, extra=("--timezone", "Asia/Shangai"))
    assert code == EXIT_FAILED and "Asia/Shanghai" in out and "Traceback" not in out and len(out.strip().splitlines()) == 1
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", good, extra=("--encoding", "utf8x"))
    assert code == EXIT_FAILED and "did you mean" in out and "Traceback" not in out and len(out.strip().splitlines()) == 1
    code, out = run_ingest(capsys, good, good)
    assert code == EXIT_FAILED and "not a DuckDB database" in out and "Traceback" not in out
    assert main(["analyze", "--db", str(good)]) == EXIT_FAILED
    assert good.read_bytes().startswith(b"id,user")  # untouched


# -- 12. limits: field size, decompression, non-files -----------------------------------------------------
def test_an_over_long_field_is_quarantined_in_bounded_memory(tmp_path, capsys):
    path = tmp_path / "long.csv.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write(f"id,user,time,body\n1,u,{TIME},short\n2,u,{TIME},".encode())
        handle.write(b"A" * (3 << 20))
        handle.write(f"\n3,u,{TIME},after\n".encode())
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, extra=("--max-field-mb", "1"))
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 2" in out and "maximum field size" in out
    assert_reconciles(sources, 3)
    assert set(quarantine) == {2} and len(quarantine[2]["raw"]) < 100_000
    assert posts == {"generic:1": "short", "generic:3": "after"}


def test_an_over_long_json_line_is_quarantined_in_bounded_memory(tmp_path, capsys):
    path = tmp_path / "long.jsonl.gz"
    with gzip.open(path, "wb", compresslevel=1) as handle:
        handle.write((json.dumps({"id": "1", "user": "u", "time": TIME, "body": "short"}) + "\n").encode())
        handle.write(b'{"id": "2", "user": "u", "time": "%s", "body": "' % TIME.encode() + b"B" * (3 << 20) + b'"}\n')
        handle.write((json.dumps({"id": "3", "user": "u", "time": TIME, "body": "after"}) + "\n").encode())
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, extra=("--max-field-mb", "1"))
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "row 2" in out and "maximum field size" in out
    assert_reconciles(sources, 3)
    assert set(quarantine) == {2} and quarantine[2]["raw"].startswith('{"id": "2"') and len(quarantine[2]["raw"]) < 100_000
    assert posts == {"generic:1": "short", "generic:3": "after"}


def test_a_decompression_bomb_is_refused_with_a_message(tmp_path, capsys):
    path = tmp_path / "bomb.jsonl.gz"
    with gzip.open(path, "wb") as handle:
        handle.write(b'{"id": "1", "user": "u", "time": "%s", "body": "' % TIME.encode())
        handle.write(b"A" * (16 << 20))
        handle.write(b'"}\n')
    assert path.stat().st_size < 100_000
    with Store(tmp_path / "db.duckdb") as store:
        from workbench.errors import InputFileError

        with pytest.raises(InputFileError, match="decompression bomb"):
            ingest_file(store, path, "generic", options=MAP_DICT, limits=ReadLimits(max_ratio=20, ratio_floor_bytes=1 << 20))
        assert store.counts()["posts"] == 0 and store.sources().height == 0


def test_devices_and_fifos_are_refused_and_later_files_still_run(tmp_path, capsys):
    fifo = tmp_path / "pipe.csv"
    os.mkfifo(fifo)
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([("1", "u", TIME, "loaded")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", Path("/dev/zero"), fifo, good)
    posts, _, _ = stored(tmp_path / "db.duckdb")
    assert code == EXIT_FAILED
    assert "/dev/zero: refused: it is a device" in out and "pipe.csv: refused: it is a FIFO" in out
    assert posts == {"generic:1": "loaded"}


# -- 14. control characters in messages -------------------------------------------------------------------
def test_an_escape_sequence_in_a_header_is_shown_not_sent_to_the_terminal(tmp_path, capsys):
    path = tmp_path / "esc.csv"
    path.write_bytes(b"id,user,time,\x1b[2J\x1b[31mbody\xe2\x80\xae\n1,u," + TIME.encode() + b",x\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    assert code == EXIT_FAILED and "missing required column" in out
    assert "\x1b" not in out and "\u202e" not in out
    assert "\\x1b[2j" in out.lower() and "\\u202e" in out.lower()


# -- 16. files with nothing to load -----------------------------------------------------------------------
def test_a_file_whose_every_row_is_quarantined_exits_non_zero(tmp_path, capsys):
    path = tmp_path / "all_bad.csv"
    path.write_bytes(csv_bytes([("1", "", TIME, "no user"), ("2", "u", "not a time", "bad time")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    _, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_FAILED and "every row is quarantined" in out
    assert_reconciles(sources, 2)
    assert set(quarantine) == {1, 2}


def test_empty_and_header_only_files_have_their_columns_checked(tmp_path, capsys):
    empty = tmp_path / "empty.csv"
    empty.write_bytes(b"")
    wrong_header = tmp_path / "wrong_header.csv"
    wrong_header.write_bytes(b"a,b,c\n")
    right_header = tmp_path / "right_header.csv"
    right_header.write_bytes(b"id,user,time,body\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", empty, wrong_header)
    assert code == EXIT_FAILED
    assert "empty.csv: the file is empty" in out and "wrong_header.csv: missing required column 'user'" in out
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", right_header)
    _, _, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and len(sources) == 1 and sources[0]["rows_read"] == 0


# -- found by an independent probe (hostile files written by someone else) -------------------------------
def created_at(db: Path) -> dict:
    with Store(db, read_only=True) as store:
        return dict(store.query("SELECT post_id, created_at FROM posts").iter_rows())


def ingest_times(tmp_path: Path, capsys, rows: list[tuple[str, str, str, str]], timezone: str):
    """Ingest `rows` (id, user, time, body) as a CSV with `--timezone`; returns (exit code, quarantine by row,
    created_at by post id, sources)."""
    path = tmp_path / "times.csv"
    path.write_bytes(csv_bytes(rows))
    code, _ = run_ingest(capsys, tmp_path / "times.duckdb", path, extra=("--timezone", timezone))
    _, quarantine, sources = stored(tmp_path / "times.duckdb")
    return code, quarantine, created_at(tmp_path / "times.duckdb"), sources


def test_blank_lines_before_the_header_are_a_one_line_refusal(tmp_path, capsys):
    blank_first = tmp_path / "blank_first.csv"
    blank_first.write_bytes(b"\n\nid,user,time,body\n1,u1,%s,hello\n" % TIME.encode())
    only_blank = tmp_path / "only_blank.csv"
    only_blank.write_bytes(b"\n\n\r\n\n")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([("2", "u2", TIME, "later file")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", blank_first, only_blank, good)
    assert code == EXIT_FAILED and "Traceback" not in out and "report this" not in out
    assert "blank_first.csv: line 1 is blank; the header row (the column names) must be the first line, and it is on line 3" in out
    assert "only_blank.csv: the file holds only blank lines" in out
    assert stored(tmp_path / "db.duckdb")[0] == {"generic:2": "later file"}  # the later file still loads


@pytest.mark.parametrize("suffix", [".csv.gz", ".csv.zst"])
def test_a_plain_file_named_as_compressed_is_read_by_its_bytes(tmp_path, capsys, suffix):
    path = tmp_path / f"plain{suffix}"
    path.write_bytes(csv_bytes([("1", "u1", TIME, "one"), ("2", "u2", TIME, "two")]))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    assert code == EXIT_LOADED and stored(tmp_path / "db.duckdb")[0] == {"generic:1": "one", "generic:2": "two"}


@pytest.mark.parametrize("body,reason", [
    (pa.array([["a"], None, ["d"]]), "column 'body' holds a list, not a value"),
    (pa.array([{"a": "s0", "b": 0}, None, {"a": "s2", "b": 2}]), "column 'body' holds a struct, not a value"),
    (pa.array([b"a\xff", b"fine", b"c\xfe"], pa.binary()), "bytes not valid utf-8 in column 'body'"),
])
def test_parquet_text_that_is_not_one_string_is_quarantined_row_by_row(tmp_path, capsys, body, reason):
    path = tmp_path / "complex.parquet"
    pq.write_table(pa.table({"id": ["p0", "p1", "p2"], "user": ["u"] * 3, "time": [TIME] * 3, "body": body}), path)
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and "Traceback" not in out
    assert_reconciles(sources, 3)
    assert set(quarantine) == {1, 3} and all(quarantine[r]["reason"] == reason for r in (1, 3))
    assert list(posts) == ["generic:p1"]  # a null text is a post without text; never made-up text


def test_json_values_that_are_not_one_value_or_not_json_are_quarantined(tmp_path, capsys):
    lines = [json.dumps({"id": "1", "user": "u", "time": TIME, "body": "fine"}),
             '{"id": "2", "user": "u", "time": "%s", "body": NaN}' % TIME,
             '{"id": Infinity, "user": "u", "time": "%s", "body": "x"}' % TIME,
             json.dumps({"id": {"a": 1}, "user": "u", "time": TIME, "body": "object id"}),
             json.dumps({"id": "5", "user": "u", "time": TIME, "body": {"a": "hello", "b": 2}}),
             json.dumps({"id": "6", "user": "u", "time": TIME, "body": "fine too"})]
    path = tmp_path / "values.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and posts == {"generic:1": "fine", "generic:6": "fine too"}
    assert_reconciles(sources, 6)
    assert "NaN is not a JSON value" in quarantine[2]["reason"] and "Infinity is not a JSON value" in quarantine[3]["reason"]
    assert quarantine[4]["reason"] == "column 'id' holds a JSON object, not a value"
    assert quarantine[5]["reason"] == "column 'body' holds a JSON object, not a value"


def test_a_column_named_like_an_internal_one_is_read_as_written(tmp_path, capsys):
    path = tmp_path / "row.csv"
    path.write_bytes(b"id,user,time,_row\n1,u1,%s,hello\n2,u2,%s,world\n" % (TIME.encode(), TIME.encode()))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path, mapping="post_id=id,account_id=user,created_at=time,text=_row")
    assert code == EXIT_LOADED and stored(tmp_path / "db.duckdb")[0] == {"generic:1": "hello", "generic:2": "world"}


def test_slash_dates_follow_the_order_the_column_shows(tmp_path, capsys):
    day_first = tmp_path / "day_first.csv"
    day_first.write_bytes(csv_bytes([("1", "u", "13/06/2025 10:00", "a"), ("2", "u", "01/06/2025 10:00", "b"),
                                     ("3", "u", "24/06/2025 10:00", "c")]))
    code, _ = run_ingest(capsys, tmp_path / "a.duckdb", day_first, extra=("--timezone", "UTC"))
    times = created_at(tmp_path / "a.duckdb")
    assert code == EXIT_LOADED and times["generic:2"].month == 6 and times["generic:2"].day == 1
    both = tmp_path / "both.csv"
    both.write_bytes(csv_bytes([("1", "u", "13/06/2025 10:00", "a"), ("2", "u", "06/13/2025 10:00", "b"),
                                ("3", "u", "01/06/2025 10:00", "c"), ("4", "u", "05/05/2025 10:00", "d")]))
    code, out = run_ingest(capsys, tmp_path / "b.duckdb", both, extra=("--timezone", "UTC"))
    _, quarantine, _ = stored(tmp_path / "b.duckdb")
    times = created_at(tmp_path / "b.duckdb")
    assert code == EXIT_QUARANTINED and set(quarantine) == {3} and "ambiguous date" in quarantine[3]["reason"]
    assert (times["generic:1"].day, times["generic:2"].day, times["generic:4"].day) == (13, 13, 5)


def test_times_without_an_offset_in_a_later_batch_are_rows_not_a_refused_file(tmp_path):
    rows = [(str(i), "u", TIME, f"t{i}") for i in range(1, 21)] + [("21", "u", "2024-01-01 00:00:00", "naive")]
    path = tmp_path / "late_naive.csv"
    path.write_bytes(csv_bytes(rows))
    with Store(tmp_path / "db.duckdb") as store:
        summary = ingest_file(store, path, "generic", options=MAP_DICT, batch_rows=10)
        assert summary.reconciles and summary.rows_loaded == 20 and summary.rows_quarantined == 1
        assert "without a UTC offset" in store.quarantine()["reason"][0] and store.quarantine()["row_number"][0] == 21


def test_escaped_bytes_and_written_backslashes_stay_apart_in_quarantine(tmp_path, capsys):
    path = tmp_path / "escapes.csv"
    path.write_bytes(b"id,user,time,body\n" + b"1,u,%s,caf\xe9\n" % TIME.encode() + b"2,u\xff,%s,caf\\xe9\n" % TIME.encode()
                     + b"3,u,%s,ok\n" % TIME.encode())
    run_ingest(capsys, tmp_path / "db.duckdb", path)
    _, quarantine, _ = stored(tmp_path / "db.duckdb")
    assert json.loads(quarantine[1]["raw"])["body"] == "caf\\xe9"  # the byte E9
    assert json.loads(quarantine[2]["raw"])["body"] == "caf\\\\xe9"  # the four characters \xe9, backslash doubled


def test_local_times_a_clock_change_skips_or_repeats_are_quarantined_not_guessed(tmp_path, capsys):
    rows = [("1", "u", "2025-03-30 01:30", "before"), ("2", "u", "2025-03-30 02:30", "skipped"),
            ("3", "u", "2025-10-26 02:30", "happens twice"), ("4", "u", "2025-10-26 04:30", "after")]
    code, quarantine, times, sources = ingest_times(tmp_path, capsys, rows, "Europe/Berlin")
    assert code == EXIT_QUARANTINED and set(quarantine) == {2, 3}
    assert all("clock change in Europe/Berlin skips or repeats" in quarantine[r]["reason"] for r in (2, 3))
    assert (times["generic:1"].hour, times["generic:4"].hour) == (0, 3)  # CET and CEST offsets applied
    assert_reconciles(sources, 4)


@pytest.mark.parametrize("bom", [b"", b"\xef\xbb\xbf"])
def test_excels_separator_line_is_read_as_the_delimiter(tmp_path, capsys, bom):
    path = tmp_path / "excel.csv"
    path.write_bytes(bom + b"sep=;\r\nid;user;time;body\r\n1;u;%s;hello, world\r\n2;u;%s;zwei\r\n" % (TIME.encode(), TIME.encode()))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, _, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and posts == {"generic:1": "hello, world", "generic:2": "zwei"}
    assert_reconciles(sources, 2)


def test_a_stray_day_first_date_among_us_dates_is_one_quarantined_row(tmp_path, capsys):
    """One "13/1/2016" (or an impossible "31/31/2016") among month-first dates does not re-date the rest."""
    rows = [(str(i), "u", f"10/{i}/2016 19:01", f"t{i}") for i in range(1, 29)]  # 16 of them only month first
    rows += [("90", "u", "13/1/2016 19:38", "stray"), ("91", "u", "31/31/2016 99:99", "impossible")]
    code, quarantine, times, _ = ingest_times(tmp_path, capsys, rows, "UTC")
    assert code == EXIT_QUARANTINED and set(quarantine) == {29, 30}
    assert all((t.month, t.year) == (10, 2016) for t in times.values()) and len(times) == 28


def test_a_nul_byte_in_the_header_is_a_refusal_and_the_next_file_loads(tmp_path, capsys):
    binary = tmp_path / "binary.csv"
    binary.write_bytes(b"\x00\x01\x02PK\x03\x04garbage")
    good = tmp_path / "good.csv"
    good.write_bytes(csv_bytes([("1", "u", TIME, "fine")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", binary, good)
    assert code == EXIT_FAILED and "binary.csv: the header row holds NUL bytes" in out and "Traceback" not in out
    assert stored(tmp_path / "db.duckdb")[0] == {"generic:1": "fine"}


def test_ira_rows_with_a_bad_profile_count_keep_the_labels_of_the_others(tmp_path, capsys):
    """A count like "1,234" in one author's row used to crash the label step (ShapeError) and lose the file."""
    path = tmp_path / "ira.csv"
    path.write_text('author_id,author,content,publish_date,followers,account_category\n'
                    '1,X,hi,10/1/2016 19:01,"1,234",RightTroll\n2,Y,yo,10/1/2016 19:02,5,LeftTroll\n', encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="ira")
    assert code == EXIT_QUARANTINED and "report this" not in out and "Traceback" not in out
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        assert store.scalar("SELECT count(*) FROM posts") == 2
        assert store.query("SELECT entity_id, value FROM labels ORDER BY 1").rows() == [("twitter:1", "RightTroll"), ("twitter:2", "LeftTroll")]


def value_problems(db: Path) -> list[tuple]:
    with Store(db, read_only=True) as store:
        return store.query("SELECT row_number, column_name, value, reason FROM value_problems ORDER BY row_number, column_name").rows()


def test_author_fields_of_a_posts_file_that_cannot_be_read_are_null_with_their_reason(tmp_path, capsys):
    """A post row whose author profile holds an unreadable count loads; its account is stored with NULL there,
    and the value is kept in value_problems with its row and reason (before: the account was silently dropped)."""
    path = tmp_path / "ira.csv"
    path.write_text('author_id,author,content,publish_date,followers,following,updates,account_category\n'
                    '1,X,hi,10/1/2016 19:01,"1,234",5,7,RightTroll\n2,Y,yo,10/1/2016 19:02,5,2.5,7,LeftTroll\n'
                    '3,Z,ok,10/1/2016 19:03,5,6,7,LeftTroll\n', encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="ira")
    assert code == EXIT_QUARANTINED and "2 author profile values could not be read" in out
    assert value_problems(tmp_path / "db.duckdb") == [
        (1, "followers", "1,234", "unparseable number in followers: 1,234"),
        (2, "following", "2.5", "not a whole number in following: 2.5")]
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        assert store.query("SELECT account_id, followers, following, posts_count FROM accounts ORDER BY 1").rows() == [
            ("twitter:1", None, 5, 7), ("twitter:2", 5, None, 7), ("twitter:3", 5, 6, 7)]
        assert store.scalar("SELECT count(*) FROM posts") == 3


def test_weibo_author_times_and_counts_that_cannot_be_read_are_reported(tmp_path, capsys):
    path = tmp_path / "weibo.csv"
    path.write_text("mid,uid,created_at,text,seq,user_followers,user_created_at,user_verified\n"
                    "m1,u1,2016-01-01 10:00:00,hi,1,10,2012-05-01 08:00:00,true\n"
                    "m2,u2,2016-01-01 10:01:00,yo,2,abc,last year,maybe\n", encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="weibo_ced")
    assert code == EXIT_QUARANTINED
    assert [(row, column, value) for row, column, value, _ in value_problems(tmp_path / "db.duckdb")] == [
        (2, "created_at", "last year"), (2, "followers", "abc"), (2, "verified", "maybe")]
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        assert store.query("SELECT account_id, followers, verified FROM accounts ORDER BY 1").rows() == [
            ("weibo:u1", 10, True), ("weibo:u2", None, None)]


def test_a_profile_file_quarantines_rows_with_an_unreadable_time_or_flag(tmp_path, capsys):
    path = tmp_path / "accounts.csv"
    path.write_text("uid,name,joined,fans,ver\na1,alice,2015-01-01,10,true\na2,bob,not a date,20,false\n"
                    "a3,carol,2015-01-03,5,maybe\na4,dan,2015-01-04,1.5,\n", encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, mapping="account_id=uid,handle=name,created_at=joined,"
                           "followers=fans,verified=ver", extra=("--option", "table=accounts"))
    _, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and {row: q["column_name"] for row, q in quarantine.items()} == {
        2: "created_at", 3: "verified", 4: "followers"}
    assert "row 2, column 'created_at': unparseable time in created_at: not a date" in out
    assert_reconciles(sources, 4)


def ingest_v2(tmp_path: Path, capsys, records: list[dict]):
    """Ingest `records` as Twitter v2 JSON Lines; returns (exit code, posts, quarantine, sources)."""
    path = tmp_path / "v2.jsonl"
    path.write_text("\n".join(json.dumps(record) for record in records) + "\n")
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="twitter_v2")
    return (code, *stored(tmp_path / "db.duckdb"))


def test_twitter_v2_metrics_that_are_not_an_object_are_quarantined_or_reported(tmp_path, capsys):
    user = {"id": "u1", "username": "one", "public_metrics": "lots"}
    code, posts, quarantine, sources = ingest_v2(tmp_path, capsys, [
        {"id": "1001", "author_id": "u1", "created_at": TIME, "text": "a", "public_metrics": {"like_count": 1}},
        {"id": "1002", "author_id": "u1", "created_at": TIME, "text": "b", "public_metrics": "lots"},
        {"data": [{"id": "1003", "author_id": "u1", "created_at": TIME, "text": "c"}], "includes": {"users": [user]}}])
    assert code == EXIT_QUARANTINED and quarantine[2]["reason"] == "column 'public_metrics' holds a value, not a JSON object"
    assert posts == {"twitter:1001": "a", "twitter:1003": "c"}
    assert [(row, column) for row, column, _, _ in value_problems(tmp_path / "db.duckdb")] == [
        (3, "followers"), (3, "following"), (3, "posts_count")]
    assert_reconciles(sources, 3)


@pytest.mark.parametrize("by_blocks", [True, False], ids=["blocks", "record-by-record"])
def test_twitter_v2_entities_are_kept_whole_whatever_characters_they_hold(tmp_path, capsys, by_blocks):
    tags = ["one\x1ftwo", "three", "with,comma", "[bracket"]
    tweet = {"id": "1001", "author_id": "u1", "created_at": TIME, "text": "t",
             "entities": {"hashtags": [{"tag": t} for t in tags], "mentions": [{"username": "a\x1fb"}]}}
    if not by_blocks:
        tweet["referenced_tweets"] = None  # a null list takes the record-by-record path
        tweet["entities"]["urls"] = None
    path = tmp_path / "v2.jsonl"
    path.write_text(json.dumps(tweet) + "\n")
    assert run_ingest(capsys, tmp_path / "db.duckdb", path, preset="twitter_v2")[0] == EXIT_LOADED
    with Store(tmp_path / "db.duckdb", read_only=True) as store:
        assert store.query("SELECT hashtags, mentions FROM posts").rows() == [(tags, ["a\x1fb"])]


def test_a_record_the_preset_cannot_read_says_which_field_is_wrong(tmp_path, capsys):
    code, posts, quarantine, _ = ingest_v2(tmp_path, capsys, [
        {"id": "1", "author_id": "u1", "created_at": TIME, "text": "a", "referenced_tweets": ["x"]},
        {"id": "2", "author_id": "u1", "created_at": TIME, "text": "b", "entities": "none"},
        {"id": "3", "author_id": "u1", "created_at": TIME, "text": "c"}])
    assert code == EXIT_QUARANTINED and posts == {"twitter:3": "c"}
    assert quarantine[1]["reason"].endswith("referenced_tweets is not a list of JSON objects")
    assert quarantine[2]["reason"].endswith("entities is a str, not a JSON object")


def test_twitter_v2_holds_to_the_maximum_field_size(tmp_path, capsys):
    lines = [json.dumps({"id": str(1000 + i), "author_id": "u1", "created_at": TIME, "text": text})
             for i, text in enumerate(["before", "x" * (2 * 1024 * 1024), "after"])]
    path = tmp_path / "v2.jsonl"
    path.write_text("\n".join(lines) + "\n")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="twitter_v2", extra=("--max-field-mb", "1"))
    _, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and set(quarantine) == {2} and "longer than the maximum field size" in out
    assert_reconciles(sources, 3)


def test_coortweet_rows_without_a_content_or_object_id_are_quarantined(tmp_path, capsys):
    path = tmp_path / "coortweet.csv"
    path.write_text("object_id,account_id,content_id,timestamp_share\no1,a1,c1,1600000001\no5,a5,,1600000005\n"
                    "o5,a6,,1600000006\n,a7,c7,1600000007\no8,a8,c8,1600000008\n", encoding="utf-8")
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="coortweet")
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and set(quarantine) == {2, 3, 4}
    assert [quarantine[r]["reason"] for r in (2, 3, 4)] == ["missing content_id"] * 2 + ["missing object_id"]
    assert sorted(posts) == ["twitter:c1~o1", "twitter:c8~o8"] and sources[0]["rows_duplicate"] == 0
    assert_reconciles(sources, 5)
    with Store(tmp_path / "db.duckdb", read_only=True) as store:  # nothing of a quarantined row is loaded
        assert store.query("SELECT account_id FROM accounts ORDER BY 1").to_series().to_list() == ["twitter:a1", "twitter:a8"]


def test_twitter_v2_text_that_is_an_object_is_quarantined_not_nulled(tmp_path, capsys):
    code, posts, quarantine, sources = ingest_v2(tmp_path, capsys, [
        {"id": "1001", "author_id": "u1", "created_at": TIME, "text": "before"},
        {"id": "1002", "author_id": "u1", "created_at": TIME, "text": {"a": 1}},
        {"id": "1003", "author_id": "u1", "created_at": TIME, "text": "after"}])
    assert code == EXIT_QUARANTINED and quarantine[2]["reason"] == "column 'text' holds a JSON object, not a value"
    assert posts == {"twitter:1001": "before", "twitter:1003": "after"}
    assert_reconciles(sources, 3)


@pytest.mark.parametrize("layout", ["jsonl", "json"])
def test_a_json_number_keeps_the_text_it_was_written_as(tmp_path, capsys, layout):
    """An id written `1e3` was stored as "1000.0"; it is "1e3", and the raw layer keeps the row's own text."""
    records = [{"id": 1, "user": "u", "time": TIME, "body": "a"}, {"id": 2, "user": "u", "time": TIME, "body": "b"}]
    texts = [json.dumps(r).replace('"id": 1,', '"id": 1e3,').replace('"id": 2,', '"id": 2.50,') for r in records]
    path = tmp_path / f"in.{layout}"
    path.write_text("\n".join(texts) + "\n" if layout == "jsonl" else "[" + ",\n".join(texts) + "]")
    assert run_ingest(capsys, tmp_path / "db.duckdb", path)[0] == EXIT_LOADED
    posts, _, _ = stored(tmp_path / "db.duckdb")
    assert posts == {"generic:1e3": "a", "generic:2.50": "b"}


def test_the_user_can_settle_a_date_order_the_column_does_not_show(tmp_path, capsys):
    """Ten dates that read either way and one that reads only day first: the column does not settle the order,
    so the ten are quarantined with a reason that names the option; given the order, they load."""
    rows = [(str(i), "u", f"{i}/{i + 1}/2017 10:00", f"t{i}") for i in range(1, 11)] + [("99", "u", "13/2/2017 10:00", "stray")]
    code, quarantine, times, _ = ingest_times(tmp_path, capsys, rows, "UTC")
    assert code == EXIT_QUARANTINED and len(quarantine) == 10 and "--option date_order" in quarantine[1]["reason"]
    for order, loaded, month_of_first in (("month_first", 10, 1), ("day_first", 11, 2)):
        db = tmp_path / f"{order}.duckdb"
        path = tmp_path / f"{order}.csv"
        path.write_bytes(csv_bytes(rows))
        code, _ = run_ingest(capsys, db, path, extra=("--timezone", "UTC", "--option", f"date_order={order}"))
        with Store(db, read_only=True) as store:
            stored_times = dict(store.query("SELECT post_id, created_at FROM posts").iter_rows())
        assert len(stored_times) == loaded and stored_times["generic:1"].month == month_of_first
    code, out = run_ingest(capsys, tmp_path / "bad.duckdb", path, extra=("--timezone", "UTC", "--option", "date_order=dmy"))
    assert code == EXIT_FAILED and "date_order must be month_first or day_first" in out


def test_ids_the_file_writes_with_a_prefix_are_other_ids_not_duplicates(tmp_path, capsys):
    """"generic:5" and "5" are two posts (before, the first was taken as already qualified and the second
    dropped as its duplicate); coortweet's (content, object) pairs joined by "~" stay apart too."""
    path = tmp_path / "prefixed.csv"
    path.write_bytes(csv_bytes([("5", "alice", TIME, "one"), ("generic:5", "generic:alice", TIME, "two")]))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, _, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and posts == {"generic:5": "one", "generic:generic:5": "two"}
    assert sources[0]["rows_duplicate"] == 0
    tilde = tmp_path / "coortweet.csv"
    tilde.write_text("object_id,account_id,content_id,timestamp_share\nb~c,u1,a,1718272800\nc,u2,a~b,1718272900\n")
    code, _ = run_ingest(capsys, tmp_path / "c.duckdb", tilde, preset="coortweet")
    with Store(tmp_path / "c.duckdb", read_only=True) as store:
        assert sorted(store.query("SELECT post_id FROM posts").to_series().to_list()) == ["twitter:a%7Eb~c", "twitter:a~b%7Ec"]


@pytest.mark.parametrize("arguments", [
    ["ingest", "--db", "DB", "FILE", "--max-field-mb", "nan"], ["ingest", "--db", "DB", "FILE", "--max-ratio", "1e300"],
    ["analyze", "--db", "DB", "--window-s", "nan"], ["analyze", "--db", "DB", "--window-s", "-5"],
    ["analyze", "--db", "DB", "--seed", "-1"], ["network", "--db", "DB", "--fit", "--window-s", "-1"],
    ["synth", "--posts", "1000", "--out", "OUT", "--set", "campaign_share=nan"],
    ["report", "notebooks/campaign_reprot.ipynb", "-p", "db_path", "DB"], ["report", "README.md", "-p", "db_path", "DB"],
], ids=lambda a: " ".join(a[:1] + a[-2:]))
def test_wrong_option_values_are_one_line_errors_not_tracebacks(tmp_path, capsys, arguments):
    arguments = [str(tmp_path / "x.duckdb") if a == "DB" else str(tmp_path / "x.csv") if a == "FILE"
                 else str(tmp_path / "out") if a == "OUT" else a for a in arguments]
    try:
        code = main(arguments)
    except SystemExit as exit_:  # argparse's usage error
        code = exit_.code
    err = capsys.readouterr().err
    last = err.strip().splitlines()[-1]  # argparse prints its usage first, then the one-line error
    assert code not in (0, None) and "Traceback" not in err and "error:" in last and "Please report" not in err, err


def test_a_bad_code_unit_in_a_utf16_file_costs_its_row_not_the_file(tmp_path, capsys):
    rows = [("1", "u", TIME, "first"), ("2", "u", TIME, "BAD"), ("3", "u", TIME, "third"), ("4", "u", TIME, "fourth")]
    data = "\ufeff".encode("utf-16-le") + csv_bytes(rows).decode("utf-8").encode("utf-16-le")
    data = data.replace("BAD".encode("utf-16-le"), b"B\x00\x00\xd8D\x00")  # a lone high surrogate: 00 D8
    path = tmp_path / "utf16.csv"
    path.write_bytes(data)
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path)
    posts, quarantine, sources = stored(tmp_path / "db.duckdb")
    assert code == EXIT_QUARANTINED and set(quarantine) == {2} and "bytes not valid utf-16" in quarantine[2]["reason"]
    assert json.loads(quarantine[2]["raw"])["body"] == "B\\x00\\xd8D" and "Please report" not in out  # the bytes, shown
    assert posts == {"generic:1": "first", "generic:3": "third", "generic:4": "fourth"}
    assert_reconciles(sources, 4)


def test_columns_named_like_internal_ones_are_each_read_as_named(tmp_path, capsys):
    path = tmp_path / "reserved.csv"
    path.write_text(f"id,user,time,body,_row,_row_1,_row_2\n1,u,{TIME},A,B,C,D\n", encoding="utf-8")
    for column, text in (("_row", "B"), ("_row_1", "C"), ("_row_2", "D")):
        db = tmp_path / f"{column}.duckdb"
        code, _ = run_ingest(capsys, db, path, mapping=f"post_id=id,account_id=user,created_at=time,text={column}")
        assert code == EXIT_LOADED and stored(db)[0] == {"generic:1": text}
    bom = tmp_path / "bom.csv"
    bom.write_bytes(b"\xef\xbb\xbf")
    code, out = run_ingest(capsys, tmp_path / "db2.duckdb", bom)
    assert code == EXIT_FAILED and "only a byte-order mark" in out


def test_a_pretty_printed_api_page_is_read_as_one_document(tmp_path, capsys):
    page = {"data": [{"id": "200", "author_id": "1", "created_at": TIME, "text": "a"},
                     {"id": "201", "author_id": "1", "created_at": TIME, "text": "b"}],
            "includes": {"users": [{"id": "1", "username": "one"}]}}
    path = tmp_path / "page.json"
    path.write_text(json.dumps(page, indent=2))
    code, _ = run_ingest(capsys, tmp_path / "db.duckdb", path, preset="twitter_v2")
    posts, quarantine, _ = stored(tmp_path / "db.duckdb")
    assert code == EXIT_LOADED and posts == {"twitter:200": "a", "twitter:201": "b"} and not quarantine


def test_a_date_order_shown_only_late_in_a_file_refuses_it_rather_than_dating_it_two_ways(tmp_path, capsys):
    """150,000 rows: the first 140,000 dates read either way (day and month both 12 or less), later ones show
    the day first. The first batch was read month first; dating the rest day first would give one text two
    dates, so the file is refused with the option that settles it, and with the option it loads."""
    rows = [(str(i), "u", f"{1 + i % 12}/{1 + (i // 12) % 12}/2017 10:00", "t") for i in range(140_000)]
    rows += [(str(i), "u", f"{13 + i % 15}/{1 + i % 12}/2017 10:00", "t") for i in range(140_000, 150_000)]
    path = tmp_path / "late.csv"
    path.write_bytes(csv_bytes(rows))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, extra=("--timezone", "UTC"))
    assert code == EXIT_FAILED and "--option date_order" in out and "read month first in the first 100,000 rows" in out
    assert stored(tmp_path / "db.duckdb")[0] == {}
    code, _ = run_ingest(capsys, tmp_path / "db2.duckdb", path, extra=("--timezone", "UTC", "--option", "date_order=day_first"))
    with Store(tmp_path / "db2.duckdb", read_only=True) as store:
        assert code == EXIT_LOADED and store.scalar("SELECT count(*) FROM posts") == 150_000


@pytest.mark.parametrize("text, problem", [
    ("columns: [a, b]\n", "columns must pair"), ("- a\n- b\n", "must be a YAML mapping"),
    ("platform: [x]\ncolumns: {post_id: id}\n", "platform must be text"), ("columns: {text: [\n", "cannot read"),
])
def test_a_malformed_mapping_file_is_a_one_line_error_naming_it(tmp_path, capsys, text, problem):
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text(text)
    data = tmp_path / "data.csv"
    data.write_bytes(csv_bytes([("1", "u", TIME, "a")]))
    code = main(["ingest", "--db", str(tmp_path / "db.duckdb"), "--preset", "generic", "--no-progress",
                 "--mapping", str(mapping), str(data)])
    out = capsys.readouterr().out
    assert code == EXIT_FAILED and problem in out and "mapping.yaml" in out and "Please report" not in out


def test_an_option_the_preset_does_not_take_is_refused_not_ignored(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_bytes(csv_bytes([("1", "u", TIME, "a")]))
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, extra=("--option", "date_ordr=day_first"))
    assert code == EXIT_FAILED and "has no option date_ordr" in out


def test_mapping_names_are_read_as_written_and_settings_that_could_merge_ids_are_refused(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(f"id,user,time,007,7\n1,u,{TIME},A007,B7\n", encoding="utf-8")
    mapping = tmp_path / "mapping.yaml"
    mapping.write_text("columns: {post_id: id, account_id: user, created_at: time, text: 007}\n")
    code = main(["ingest", "--db", str(tmp_path / "db.duckdb"), "--preset", "generic", "--no-progress",
                 "--mapping", str(mapping), str(path)])
    assert code == EXIT_LOADED and stored(tmp_path / "db.duckdb")[0] == {"generic:1": "A007"}  # not the column "7"
    for extra, problem in ((("--platform", "a:b"), "platform names are"), (("--platform", ""), "platform names are"),
                           (("--option", "list_separator="), "must not be empty")):
        code, out = run_ingest(capsys, tmp_path / "other.duckdb", path, extra=extra)
        assert code == EXIT_FAILED and problem in out, out


def test_a_column_named_like_the_readers_alias_is_ambiguous_and_refused(tmp_path, capsys):
    path = tmp_path / "data.csv"
    path.write_text(f"id,user,time,_row,_row (in the file)\n1,u,{TIME},A,B\n", encoding="utf-8")
    code, out = run_ingest(capsys, tmp_path / "db.duckdb", path, mapping="post_id=id,account_id=user,created_at=time,text=_row (in the file)")
    assert code == EXIT_FAILED and "is ambiguous" in out


def test_dates_quarantined_as_ambiguous_in_one_batch_are_quarantined_in_the_later_ones(tmp_path, capsys):
    """Batch 1 shows both orders (its dates that read either way are quarantined); batch 2 tips the evidence to
    month first. Its dates that read either way are quarantined too, rather than read one way here and not there."""
    rows = [(str(i), "u", f"{1 + i % 12}/{13 + i % 15}/2017 10:00" if i % 10 else f"{13 + i % 15}/{1 + i % 12}/2017 10:00", "t")
            for i in range(60_000)]  # month first 9 : day first 1
    rows += [(str(i), "u", f"{1 + i % 12}/{1 + (i // 12) % 12}/2017 10:00", "t") for i in range(60_000, 100_000)]  # either way
    rows += [(str(i), "u", f"{1 + i % 12}/{13 + i % 15}/2017 10:00", "t") for i in range(100_000, 160_000)]  # month first
    rows += [(str(i), "u", f"{1 + i % 12}/{1 + (i // 12) % 12}/2017 10:00", "t") for i in range(160_000, 200_000)]
    code, quarantine, times, _ = ingest_times(tmp_path, capsys, rows, "UTC")
    either_way = {n + 1 for n, (_, _, t, _) in enumerate(rows) if int(t.split("/")[0]) <= 12 and int(t.split("/")[1]) <= 12
                  and t.split("/")[0] != t.split("/")[1]}
    assert code == EXIT_QUARANTINED and either_way <= set(quarantine)
