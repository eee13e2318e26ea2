"""The canonical schema, written once as data. DDL and docs/schema.md are generated from it.

Conventions:
- Ids are platform-qualified text: `account_id = "weibo:1778375805"`, `post_id = "twitter:123"`, so
  corpora from several platforms share one store without collisions.
- Times are UTC, stored as TIMESTAMP (no zone); ingest converts every input to UTC.
- Lists (urls, hashtags, mentions, media hashes) are VARCHAR[]; hashtags and mentions are stored
  without their `#`/`@` marker, case preserved.
- Nothing read is lost: every input row is kept as read in `source_batches` (posts and accounts point
  at it by source_id and source_row; `Store.original_rows` gives it back); quarantine keeps its own raw text.

Run `python -m workbench.schema` to print the Markdown reference.
"""
from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = False
    compression: str | None = None  # DuckDB's storage compression, when not left to DuckDB's choice


@dataclass(frozen=True)
class Table:
    name: str
    layer: str  # raw | meta | result | cache
    description: str
    columns: tuple[Column, ...]
    primary_key: tuple[str, ...] = ()

    @property
    def column_names(self) -> list[str]:
        return [column.name for column in self.columns]

    def ddl(self) -> str:
        lines = []
        for column in self.columns:
            null = " NOT NULL" if column.required else ""
            compression = f" USING COMPRESSION {column.compression}" if column.compression else ""
            lines.append(f"    {column.name} {column.type}{compression}{null}")
        # Raw tables keep their key unique through the loader's anti-join instead of a PRIMARY KEY: an
        # index over tens of millions of text ids costs more memory and ingest time than it saves.
        if self.primary_key and self.layer != "raw":
            lines.append(f"    PRIMARY KEY ({', '.join(self.primary_key)})")
        return f"CREATE TABLE IF NOT EXISTS {self.name} (\n" + ",\n".join(lines) + "\n)"


C = Column

POSTS = Table(
    "posts",
    "raw",
    "Every post, repost, reply, quote or comment from every ingested export.",
    (
        C("post_id", "VARCHAR", "Platform-qualified post id (derived and stable where the export has none).", True),
        C("platform", "VARCHAR", "Platform name, e.g. twitter, weibo, synth.", True),
        C("account_id", "VARCHAR", "Platform-qualified id of the author.", True),
        C("created_at", "TIMESTAMP", "When it was posted, UTC.", True),
        # zstd: DuckDB's default (dictionary + FSST) costs ~0.2 more CPU-s per 1M posts to write and stores
        # more (synthetic 1M: 64 -> 51 MB for the table; IRA text 10.8 -> 9.2 MB); scans take the same time.
        C("text", "VARCHAR", "The text exactly as exported (hostile: display as text only).", compression="zstd"),
        C("lang", "VARCHAR", "Language code when the export gives one (ISO 639-1), else NULL."),
        C("kind", "VARCHAR", "post, repost, reply, quote or comment.", True),
        C("parent_post_id", "VARCHAR", "The post this one replies to or comments on."),
        C("shared_post_id", "VARCHAR", "The post this one reposts or quotes."),
        C("urls", "VARCHAR[]", "Links in the post (from the export, else extracted from the text)."),
        C("hashtags", "VARCHAR[]", "Hashtags without the # marker (also Weibo #topic# and full-width ＃)."),
        C("mentions", "VARCHAR[]", "Mentioned handles without the @ marker."),
        C("media_hashes", "VARCHAR[]", "Hashes of attached media (e.g. perceptual hashes) when the export has them."),
        C("source_app", "VARCHAR", "Client the post was sent from, when known."),
        C("like_count", "BIGINT", "Likes at export time."),
        C("repost_count", "BIGINT", "Reposts/retweets at export time."),
        C("reply_count", "BIGINT", "Replies/comments at export time."),
        C("source_id", "INTEGER", "The sources row this post was loaded from.", True),
        C("source_row", "BIGINT", "1-based row number in that source (for records: the record number); the "
          "original row is in source_batches.", True),
    ),
    ("post_id",),
)

ACCOUNTS = Table(
    "accounts",
    "raw",
    "One row per account seen in any export (profile fields as of the export).",
    (
        C("account_id", "VARCHAR", "Platform-qualified account id.", True),
        C("platform", "VARCHAR", "Platform name.", True),
        C("handle", "VARCHAR", "Screen name / handle without @."),
        C("display_name", "VARCHAR", "Display name."),
        C("created_at", "TIMESTAMP", "Account registration time, UTC."),
        C("followers", "BIGINT", "Followers at export time."),
        C("following", "BIGINT", "Accounts followed at export time."),
        C("posts_count", "BIGINT", "Posts the platform reports for the account."),
        C("verified", "BOOLEAN", "Platform verification flag."),
        C("description", "VARCHAR", "Profile description (hostile text)."),
        C("location", "VARCHAR", "Free-text profile location."),
        C("source_id", "INTEGER", "The sources row this profile was first loaded from.", True),
        C("source_row", "BIGINT", "Row number in that source."),
        C("raw", "VARCHAR", "The original profile fields as JSON text."),
    ),
    ("account_id",),
)

SOURCES = Table(
    "sources",
    "meta",
    "One row per ingested file. rows_read = rows_loaded + rows_quarantined + rows_duplicate, always.",
    (
        C("source_id", "INTEGER", "Sequence number of the ingest.", True),
        C("path", "VARCHAR", "Path as given on the command line, resolved to absolute.", True),
        C("sha256", "VARCHAR", "SHA-256 of the file bytes as stored on disk (compressed if compressed).", True),
        C("format", "VARCHAR", "csv, jsonl, json, parquet (with compression suffix).", True),
        C("preset", "VARCHAR", "Ingest preset used.", True),
        C("encoding", "VARCHAR", "Text encoding used to decode the file (detected or given)."),
        C("options", "VARCHAR", "Ingest options as JSON (mapping, timezone, delimiter...)."),
        C("rows_read", "BIGINT", "Input rows (records) read.", True),
        C("rows_loaded", "BIGINT", "Rows that became new posts (or accounts for account-only presets).", True),
        C("rows_quarantined", "BIGINT", "Rows kept in quarantine with a reason.", True),
        C("rows_duplicate", "BIGINT", "Rows skipped because their post id was already stored.", True),
        C("accounts_loaded", "BIGINT", "New accounts added by this source."),
        C("started_at", "TIMESTAMP", "Ingest start, UTC.", True),
        C("finished_at", "TIMESTAMP", "Ingest end, UTC."),
        C("workbench_version", "VARCHAR", "Version of the workbench that ingested it."),
    ),
    ("source_id",),
)

# The column names inside a source_batches payload besides the input's own columns.
PAYLOAD_ROW_COLUMN = "_row"
PAYLOAD_RECORD_COLUMN = "_raw"

SOURCE_BATCHES = Table(
    "source_batches",
    "raw",
    "Every input row as it was read, one row per ingest batch (for Parquet: per row group, plus the file's "
    "footer): the lossless raw layer that posts, accounts and events point at through (source_id, source_row). "
    "Store.original_rows(source_id, row) decodes it.",
    (
        C("source_id", "INTEGER", "The sources row.", True),
        C("batch", "INTEGER", "Batch number within the source, from 1.", True),
        C("first_row", "BIGINT", "Smallest row number in the batch (0 for a Parquet footer).", True),
        C("last_row", "BIGINT", "Largest row number in the batch (0 for a Parquet footer).", True),
        C("n_rows", "BIGINT", "Rows in the batch (0 for a Parquet footer).", True),
        C("layout", "VARCHAR", "columns: one Arrow column per input column, with its type as read (CSV: text "
          "exactly as parsed; Parquet read that way: its own types, lists included). json_records: `_raw` holds "
          "each JSON record as JSON text (twitter_v2 JSON Lines decoded by blocks: each line as read, with its line "
          "break; a page of tweets is one line). parquet_row_group: one row group of a Parquet file, its bytes as in the "
          "file; parquet_footer: that file's footer (its metadata), needed to decode them.", True),
        # Already compressed (zstd, or Parquet's own): DuckDB's compression would only spend time finding that out.
        C("payload", "BLOB", "columns and json_records: an Arrow IPC stream, zstd-compressed, with `_row` (the row "
          "number) and the rows. parquet_row_group: the row group's offset, index and the file's size, then its "
          "bytes. parquet_footer: the file's last bytes (metadata, its length, PAR1).", True, compression="uncompressed"),
    ),
)

QUARANTINE = Table(
    "quarantine",
    "meta",
    "Input rows that could not be loaded, kept as they came with the reason. A JSON line that holds several "
    "records (Twitter API pages) can have several quarantine rows with the same row_number.",
    (
        C("source_id", "INTEGER", "The sources row.", True),
        C("row_number", "BIGINT", "1-based row (record) number in the file; for CSV, data rows after the header.", True),
        C("raw", "VARCHAR", "The raw row: JSON of the parsed fields, or the undecodable line as text."),
        C("reason", "VARCHAR", "Why it was not loaded.", True),
        C("column_name", "VARCHAR", "The column at fault, when one is."),
    ),
)

EVENTS = Table(
    "events",
    "meta",
    "Named dates that charts mark (a launch, an announcement).",
    (
        C("event_id", "VARCHAR", "Stable id (given, or derived from name and time).", True),
        C("name", "VARCHAR", "What happened.", True),
        C("occurred_at", "TIMESTAMP", "When, UTC.", True),
        C("kind", "VARCHAR", "launch, announcement, news, ..."),
        C("target", "VARCHAR", "The brand or product concerned."),
        C("description", "VARCHAR", "Free text."),
        C("source_id", "INTEGER", "The sources row, when loaded from a file."),
    ),
    ("event_id",),
)

LABELS = Table(
    "labels",
    "meta",
    "Ground truth or analyst verdicts about accounts, posts or campaigns. Kept across analysis runs. "
    "One value per (entity_type, entity_id, label, origin): a new verdict replaces the old one.",
    (
        C("entity_type", "VARCHAR", "account, post or campaign.", True),
        C("entity_id", "VARCHAR", "The id of that entity.", True),
        C("label", "VARCHAR", "Label name, e.g. account_category, campaign, verdict.", True),
        C("value", "VARCHAR", "Label value, e.g. RightTroll, confirmed, rejected.", True),
        C("origin", "VARCHAR", "ground_truth, analyst, or the preset that supplied it.", True),
        C("author", "VARCHAR", "Who set it (analyst name), when known."),
        C("note", "VARCHAR", "Why."),
        C("created_at", "TIMESTAMP", "When it was recorded, UTC.", True),
        C("source_id", "INTEGER", "The sources row, when loaded from a file."),
    ),
)

RUNS = Table(
    "runs",
    "result",
    "Analysis runs whose results are stored in result tables (tagged with run_id).",
    (
        C("run_id", "VARCHAR", "Run id.", True),
        C("kind", "VARCHAR", "What ran (analysis, report...).", True),
        C("params", "VARCHAR", "Parameters as JSON.", True),
        C("versions", "VARCHAR", "Package versions as JSON."),
        C("started_at", "TIMESTAMP", "UTC.", True),
        C("finished_at", "TIMESTAMP", "UTC."),
    ),
    ("run_id",),
)

CORPUS_TABLES: tuple[Table, ...] = (SOURCES, POSTS, ACCOUNTS, SOURCE_BATCHES, QUARANTINE, EVENTS, LABELS, RUNS)

EMBEDDINGS_CACHE = Table(
    "embeddings",
    "cache",
    "Embedding vectors keyed by backend and normalised-text hash (in the cache database).",
    (
        C("backend", "VARCHAR", "Embedding backend and its settings, as a key.", True),
        C("text_hash", "VARCHAR", "Hash of the normalised text.", True),
        C("vector", "FLOAT[]", "The embedding.", True),
    ),
    ("backend", "text_hash"),
)

CACHE_TABLES: tuple[Table, ...] = (EMBEDDINGS_CACHE,)

TABLES = {table.name: table for table in CORPUS_TABLES + CACHE_TABLES}

POST_KINDS = ("post", "repost", "reply", "quote", "comment")


def markdown_reference() -> str:
    """The schema reference (docs/schema.md), generated from the tables above."""
    out = ["# Schema reference", "", "Generated by `python -m workbench.schema` from `workbench/schema.py`.", ""]
    out += [line.strip() for line in (__doc__ or "").splitlines()[2:12] if line.strip()]
    out.append("")
    for table in CORPUS_TABLES + CACHE_TABLES:
        out += [f"## `{table.name}` ({table.layer})", "", table.description, ""]
        if table.primary_key:
            out += [f"Primary key: `{', '.join(table.primary_key)}`", ""]
        out += ["| column | type | required | description |", "|---|---|---|---|"]
        for column in table.columns:
            required = "yes" if column.required else ""
            out.append(f"| `{column.name}` | {column.type} | {required} | {column.description} |")
        out.append("")
    return "\n".join(out)


if __name__ == "__main__":
    print(markdown_reference())
