"""Parquet/CSV/JSON output of the synthetic corpus: fixed schemas, zstd, row groups, deterministic bytes."""
from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from workbench.csvsafe import write_rows

LIST = pa.list_(pa.string())
TS = pa.timestamp("us")

POSTS_SCHEMA = pa.schema([
    ("post_id", pa.string()), ("platform", pa.string()), ("account_id", pa.string()), ("created_at", TS),
    ("text", pa.string()), ("lang", pa.string()), ("kind", pa.string()), ("parent_post_id", pa.string()),
    ("shared_post_id", pa.string()), ("urls", LIST), ("hashtags", LIST), ("mentions", LIST),
    ("media_hashes", LIST), ("source_app", pa.string()), ("like_count", pa.int64()),
    ("repost_count", pa.int64()), ("reply_count", pa.int64()),
])
ACCOUNTS_SCHEMA = pa.schema([
    ("account_id", pa.string()), ("platform", pa.string()), ("handle", pa.string()), ("display_name", pa.string()),
    ("created_at", TS), ("followers", pa.int64()), ("following", pa.int64()), ("posts_count", pa.int64()),
    ("verified", pa.bool_()), ("description", pa.string()), ("location", pa.string()),
])
TRUTH_ACCOUNTS_SCHEMA = pa.schema([
    ("account_id", pa.string()), ("campaign_id", pa.string()), ("squad_id", pa.string()), ("role", pa.string()),
    ("is_campaign", pa.bool_()), ("is_fan_club", pa.bool_()), ("is_bought", pa.bool_()),
    ("account_type", pa.string()), ("brand", pa.string()),
])
TRUTH_POSTS_SCHEMA = pa.schema([
    ("post_id", pa.string()), ("campaign_id", pa.string()), ("narrative", pa.string()),
    ("template_id", pa.string()), ("is_camouflage", pa.bool_()), ("tactic", pa.string()), ("claim_id", pa.string()),
    ("wave_id", pa.string()),
])
EVENTS_COLUMNS = ("event_id", "name", "occurred_at", "kind", "target", "description")


def open_parquet(path: Path, schema: pa.Schema) -> pq.ParquetWriter:
    # Statistics and dictionary defaults are deterministic; no wall-clock metadata is written.
    return pq.ParquetWriter(path, schema, compression="zstd", compression_level=3)


def write_table(path: Path, schema: pa.Schema, columns: dict, row_group_size: int) -> None:
    table = pa.table({name: pa.array(columns[name], type=schema.field(name).type) for name in schema.names},
                     schema=schema)
    with open_parquet(path, schema) as writer:
        writer.write_table(table, row_group_size=row_group_size)


def write_events_csv(path: Path, rows: list[dict]) -> None:
    write_rows(path, EVENTS_COLUMNS, rows)


def write_json(path: Path, payload: dict) -> None:
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2, sort_keys=True) + "\n", encoding="utf-8")


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
