"""The store: the one class that opens DuckDB.

A corpus lives in one DuckDB file (default data/workbench.duckdb) with the canonical tables of
`workbench.schema`. Beside it, `<name>.cache.duckdb` holds caches (embeddings) and analysis results, so an
analysis that opens the corpus read-only can still reuse and grow its caches.

Every query binds its parameters. SQL errors are re-raised with the query and its parameters.
"""
from __future__ import annotations

import json
import re
import warnings
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator, Sequence

import duckdb
import numpy as np
import polars as pl
import pyarrow as pa
import pyarrow.compute as pc
import pyarrow.ipc  # noqa: F401  (pa.ipc)

from workbench import schema
from workbench.config import DEFAULT_DB, cache_db_for
from workbench.errors import DatabaseLockedError, WorkbenchError

_LOCK_HOLDER = re.compile(r"Conflicting lock is held in (?P<program>.+?) \(PID (?P<pid>\d+)\)")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    try:
        return duckdb.connect(str(path), read_only=read_only)
    except duckdb.IOException as error:
        match = _LOCK_HOLDER.search(str(error))
        if match is None:
            raise WorkbenchError(f"cannot open database {path}: {error}") from error
        mode = "read-only" if read_only else "read-write"
        raise DatabaseLockedError(
            f"the database {path} is locked by another process ({match['program']}, PID {match['pid']}) "
            f"that has it open for writing, so it cannot be opened {mode} now. "
            "Wait for that ingest to finish, or close the notebook or program holding it "
            f"(kill {match['pid']} ends it), then run this again."
        ) from error


class Store:
    """Owns the corpus database file and its cache database.

    Parameters
    ----------
    path : the corpus DuckDB file; created with the canonical schema when opened read-write.
    read_only : analysis and reports open read-only, so several of them (and an analyst's notebook) can
        read at once. Ingest, labels and events need read-write.
    cache_path : the cache database; default `<corpus>.cache.duckdb` beside the corpus. When another
        process holds its lock the store falls back to an in-memory cache and warns.
    """

    def __init__(self, path: str | Path = DEFAULT_DB, read_only: bool = False, cache_path: str | Path | None = None):
        self.path = Path(path)
        self.read_only = read_only
        self.cache_path = Path(cache_path) if cache_path else cache_db_for(self.path)
        if read_only and not self.path.exists():
            raise WorkbenchError(
                f"no corpus database at {self.path}: create one with `workbench ingest FILE --preset NAME "
                f"--db {self.path}` (or `make demo`)"
            )
        if not read_only:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        self._con = _open(self.path, read_only)
        self._cache_con: duckdb.DuckDBPyConnection | None = None
        if not read_only:
            self._create_tables(self._con, schema.CORPUS_TABLES)

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        for con in (self._con, self._cache_con):
            if con is not None:
                con.close()
        self._cache_con = None

    def __enter__(self) -> "Store":
        return self

    def __exit__(self, *exc_info: Any) -> None:
        self.close()

    @staticmethod
    def _create_tables(con: duckdb.DuckDBPyConnection, tables: Sequence[schema.Table]) -> None:
        for table in tables:
            con.execute(table.ddl())

    def limit_memory(self, gigabytes: float) -> None:
        """Cap DuckDB's memory; beyond it DuckDB spills to disk (so a file larger than RAM still loads)."""
        self._con.execute(f"SET memory_limit = '{float(gigabytes):.3f}GB'")

    # -- querying --------------------------------------------------------------------------------
    def _run(self, con: duckdb.DuckDBPyConnection, sql: str, params: Sequence[Any] | dict | None):
        try:
            return con.execute(sql, params if params is not None else [])
        except duckdb.Error as error:
            raise WorkbenchError(f"query failed: {error}\n  query: {sql.strip()}\n  parameters: {params!r}") from error

    def execute(self, sql: str, params: Sequence[Any] | dict | None = None) -> list[tuple]:
        """Run a statement with bound parameters and return all rows as tuples."""
        return self._run(self._con, sql, params).fetchall()

    def query(self, sql: str, params: Sequence[Any] | dict | None = None) -> pl.DataFrame:
        """Run a query with bound parameters and return a polars DataFrame."""
        try:
            return self._con.sql(sql, params=params).pl()
        except duckdb.Error as error:
            raise WorkbenchError(f"query failed: {error}\n  query: {sql.strip()}\n  parameters: {params!r}") from error

    def scalar(self, sql: str, params: Sequence[Any] | dict | None = None) -> Any:
        rows = self.execute(sql, params)
        return rows[0][0] if rows else None

    def table_exists(self, name: str) -> bool:
        return bool(self.scalar("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [name]))

    # -- canonical tables ------------------------------------------------------------------------
    def posts(
        self,
        columns: Sequence[str] | None = None,
        since: Any = None,
        until: Any = None,
        platform: str | None = None,
        limit: int | None = None,
    ) -> pl.DataFrame:
        """Posts as the canonical polars frame, ordered by created_at then post_id.

        columns : subset of `posts` columns (default: all but `raw`). since/until : UTC datetimes
        (inclusive/exclusive). limit : at most this many posts (for quick runs).
        """
        wanted = list(columns) if columns else [c for c in schema.POSTS.column_names if c != "raw"]
        unknown = set(wanted) - set(schema.POSTS.column_names)
        if unknown:
            raise WorkbenchError(f"unknown posts columns: {sorted(unknown)}")
        clause, params = _where([("created_at >= ?", since), ("created_at < ?", until), ("platform = ?", platform)])
        sql = f"SELECT {', '.join(wanted)} FROM posts{clause} ORDER BY created_at, post_id"
        if limit is not None:
            sql += " LIMIT ?"
            params.append(int(limit))
        return self.query(sql, params)

    def accounts(self, columns: Sequence[str] | None = None) -> pl.DataFrame:
        wanted = list(columns) if columns else [c for c in schema.ACCOUNTS.column_names if c != "raw"]
        return self.query(f"SELECT {', '.join(wanted)} FROM accounts ORDER BY account_id")

    def events(self) -> pl.DataFrame:
        return self.query("SELECT * FROM events ORDER BY occurred_at, event_id")

    def labels(self, origin: str | None = None, entity_type: str | None = None) -> pl.DataFrame:
        clause, params = _where([("origin = ?", origin), ("entity_type = ?", entity_type)])
        return self.query(f"SELECT * FROM labels{clause} ORDER BY entity_type, entity_id, label, origin", params)

    def sources(self) -> pl.DataFrame:
        return self.query("SELECT * FROM sources ORDER BY source_id")

    def quarantine(self, source_id: int | None = None) -> pl.DataFrame:
        if source_id is None:
            return self.query("SELECT * FROM quarantine ORDER BY source_id, row_number")
        return self.query("SELECT * FROM quarantine WHERE source_id = ? ORDER BY row_number", [source_id])

    def counts(self) -> dict[str, int]:
        """Row counts of the canonical tables."""
        return {t.name: int(self.scalar(f"SELECT count(*) FROM {t.name}")) for t in schema.CORPUS_TABLES}

    # -- writing (read-write stores only) --------------------------------------------------------
    def _require_writable(self) -> None:
        if self.read_only:
            raise WorkbenchError(f"the store {self.path} is open read-only; open it read-write to change it")

    @contextmanager
    def transaction(self) -> Iterator["Store"]:
        """All writes inside commit together or not at all (a killed process leaves the file as before)."""
        self._require_writable()
        self._con.execute("BEGIN TRANSACTION")
        try:
            yield self
        except BaseException:
            self._con.execute("ROLLBACK")
            raise
        else:
            self._con.execute("COMMIT")

    def append(self, table: str, frame: pl.DataFrame, new_only_key: str | None = None) -> int:
        """Append a frame whose columns are a subset of the table's columns; returns rows appended.

        new_only_key : append only the rows whose value in this column is not in the table yet (the frame
            must already be unique on it: the loader keeps the first occurrence).
        """
        self._require_writable()
        if frame.height == 0:
            return 0
        columns = [c for c in schema.TABLES[table].column_names if c in frame.columns]
        sql = f"INSERT INTO {table} ({', '.join(columns)}) SELECT {', '.join(columns)} FROM _append_frame"
        if new_only_key is not None:
            sql += f" WHERE {new_only_key} NOT IN (SELECT {new_only_key} FROM {table})"
        self._con.register("_append_frame", frame.select(columns))
        try:
            before = self.scalar(f"SELECT count(*) FROM {table}")
            self._run(self._con, sql, None)
            return int(self.scalar(f"SELECT count(*) FROM {table}") - before)
        finally:
            self._con.unregister("_append_frame")

    def append_new(self, table: str, frame: pl.DataFrame, key: str) -> int:
        """Append the rows whose `key` is not in the table yet; returns how many were new."""
        return self.append(table, frame, new_only_key=key)

    def drop_later_duplicates(self, table: str, key: str) -> int:
        """Delete every row whose key an earlier row already has (earlier: lower source_id, then lower
        source_row); returns how many were deleted.

        The loader appends a file's rows without checking keys and calls this once at the end, inside the
        file's transaction: one aggregate over the key column is far cheaper than checking every batch
        against the growing table, and duplicates are rare.
        """
        self._require_writable()
        before = int(self.scalar(f"SELECT count(*) FROM {table}"))
        self._run(
            self._con,
            f"DELETE FROM {table} WHERE rowid IN (SELECT rid FROM ("
            f"  SELECT t.rowid AS rid, row_number() OVER (PARTITION BY t.{key} ORDER BY t.source_id, t.source_row) AS rank"
            f"  FROM {table} t SEMI JOIN (SELECT {key} FROM {table} GROUP BY {key} HAVING count(*) > 1) d ON t.{key} = d.{key}"
            f") WHERE rank > 1)",
            None,
        )
        return before - int(self.scalar(f"SELECT count(*) FROM {table}"))

    def append_source_batch(self, source_id: int, batch: int, rows: "PackedRows") -> None:
        """Keep one batch of input rows as read, packed by `pack_rows` (the raw layer)."""
        self._require_writable()
        if rows.n_rows == 0:
            return
        self._run(
            self._con,
            "INSERT INTO source_batches (source_id, batch, first_row, last_row, n_rows, layout, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [source_id, batch, rows.first_row, rows.last_row, rows.n_rows, rows.layout, rows.payload],
        )

    def original_rows(self, source_id: int, row_number: int) -> list[dict]:
        """The input row `row_number` of source `source_id`, exactly as it was read, as dicts (column ->
        value; for JSON inputs the record itself). A JSON line that held several records gives each of them;
        a row that was not read into the raw layer (a quarantined unreadable row) gives [].

        Databases written before the raw layer existed keep each post's row in `posts.raw`; it is used then.
        """
        found = self.execute(
            "SELECT layout, payload FROM source_batches WHERE source_id = ? AND ? BETWEEN first_row AND last_row "
            "ORDER BY batch",
            [source_id, row_number],
        )
        rows: list[dict] = []
        for layout, payload in found:
            rows += _decode_rows(payload, layout, row_number)
        return rows or self._legacy_raw_rows(source_id, row_number)

    def _legacy_raw_rows(self, source_id: int, row_number: int) -> list[dict]:
        legacy = self.scalar(
            "SELECT count(*) FROM information_schema.columns WHERE table_name = 'posts' AND column_name = 'raw'")
        if not legacy:
            return []
        texts = self.execute("SELECT raw FROM posts WHERE source_id = ? AND source_row = ? AND raw IS NOT NULL",
                             [source_id, row_number])
        return [json.loads(text) for (text,) in texts]

    def next_source_id(self) -> int:
        return int(self.scalar("SELECT coalesce(max(source_id), 0) + 1 FROM sources"))

    def source_by_sha256(self, sha256: str, preset: str) -> dict | None:
        rows = self.query("SELECT * FROM sources WHERE sha256 = ? AND preset = ? ORDER BY source_id LIMIT 1", [sha256, preset])
        return rows.row(0, named=True) if rows.height else None

    def add_labels(self, labels: pl.DataFrame) -> int:
        """Insert or replace labels in their own transaction (same entity, label and origin: newest wins)."""
        with self.transaction():
            return self.upsert_labels(labels)

    def upsert_labels(self, labels: pl.DataFrame) -> int:
        """Insert or replace labels inside the caller's transaction; returns how many were written."""
        self._require_writable()
        if labels.height == 0:
            return 0
        frame = labels.unique(["entity_type", "entity_id", "label", "origin"], keep="last", maintain_order=True)
        if "created_at" not in frame.columns:
            frame = frame.with_columns(pl.lit(_utc_now()).alias("created_at"))
        self._con.register("_labels", frame)
        try:
            self._run(
                self._con,
                "DELETE FROM labels USING _labels WHERE labels.entity_type = _labels.entity_type "
                "AND labels.entity_id = _labels.entity_id AND labels.label = _labels.label "
                "AND labels.origin = _labels.origin",
                None,
            )
        finally:
            self._con.unregister("_labels")
        return self.append("labels", frame)

    def add_events(self, events: pl.DataFrame) -> int:
        """Insert events whose event_id is new; returns how many were added."""
        self._require_writable()
        return self.append_new("events", events.unique("event_id", keep="first", maintain_order=True), "event_id")

    # -- cache database (embeddings, results) ----------------------------------------------------
    @property
    def cache(self) -> duckdb.DuckDBPyConnection:
        if self._cache_con is None:
            try:
                self.cache_path.parent.mkdir(parents=True, exist_ok=True)
                self._cache_con = _open(self.cache_path, read_only=False)
            except DatabaseLockedError as error:
                warnings.warn(f"{error} Using an in-memory cache for this run instead.", stacklevel=2)
                self._cache_con = duckdb.connect(":memory:")
            self._create_tables(self._cache_con, schema.CACHE_TABLES)
        return self._cache_con

    def cached_vectors(self, backend: str, text_hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Look up cached embeddings. Returns (found: bool mask over text_hashes, vectors of the found ones
        in the order of text_hashes)."""
        hashes = pl.DataFrame({"text_hash": pl.Series(list(text_hashes), dtype=pl.String)}).with_row_index("i")
        self.cache.register("_wanted", hashes)
        try:
            found = self.cache.sql(
                "SELECT w.i, e.vector FROM _wanted w JOIN embeddings e ON e.text_hash = w.text_hash "
                "AND e.backend = ? ORDER BY w.i",
                params=[backend],
            ).pl()
        finally:
            self.cache.unregister("_wanted")
        mask = np.zeros(hashes.height, dtype=bool)
        mask[found["i"].to_numpy()] = True
        if found.height == 0:
            return mask, np.zeros((0, 0), dtype=np.float32)
        width = int(found["vector"].list.len()[0])
        vectors = found["vector"].list.to_array(width).to_numpy().astype(np.float32, copy=False)
        return mask, vectors

    def cache_vectors(self, backend: str, text_hashes: Sequence[str], vectors: np.ndarray) -> int:
        """Store embeddings for text hashes not cached yet under this backend."""
        vectors = np.asarray(vectors, dtype=np.float32)
        frame = pl.DataFrame(
            {
                "backend": pl.Series([backend] * len(text_hashes), dtype=pl.String),
                "text_hash": pl.Series(list(text_hashes), dtype=pl.String),
                # From the array directly (an Array column cast to List): no per-float Python objects.
                "vector": pl.Series("vector", vectors).cast(pl.List(pl.Float32)),
            }
        ).unique("text_hash", keep="first", maintain_order=True)
        self.cache.register("_new_vectors", frame)
        try:
            before = self.cache.execute("SELECT count(*) FROM embeddings").fetchall()[0][0]
            self.cache.execute(
                "INSERT INTO embeddings SELECT n.backend, n.text_hash, n.vector FROM _new_vectors n "
                "WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.backend = n.backend AND e.text_hash = n.text_hash)"
            )
            after = self.cache.execute("SELECT count(*) FROM embeddings").fetchall()[0][0]
        finally:
            self.cache.unregister("_new_vectors")
        return int(after - before)

    def save_result(self, run_id: str, name: str, frame: pl.DataFrame, params: dict | None = None) -> None:
        """Persist an analysis result frame in the cache database as `result_<name>`, tagged with run_id."""
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise WorkbenchError(f"result name must be snake_case, got {name!r}")
        table = f"result_{name}"
        tagged = frame.with_columns(pl.lit(run_id).alias("run_id"))
        con = self.cache
        con.execute(
            "CREATE TABLE IF NOT EXISTS result_runs (run_id VARCHAR, name VARCHAR, params VARCHAR, saved_at TIMESTAMP)"
        )
        con.register("_result", tagged)
        try:
            exists = con.execute("SELECT count(*) FROM information_schema.tables WHERE table_name = ?", [table]).fetchall()[0][0]
            if exists:
                con.execute(f"DELETE FROM {table} WHERE run_id = ?", [run_id])
                con.execute(f"INSERT INTO {table} BY NAME SELECT * FROM _result")
            else:
                con.execute(f"CREATE TABLE {table} AS SELECT * FROM _result")
            con.execute(
                "INSERT INTO result_runs VALUES (?, ?, ?, ?)",
                [run_id, name, json.dumps(params or {}, sort_keys=True, default=str), _utc_now()],
            )
        finally:
            con.unregister("_result")

    def load_result(self, run_id: str, name: str) -> pl.DataFrame:
        table = f"result_{name}"
        if not re.fullmatch(r"[a-z][a-z0-9_]*", name):
            raise WorkbenchError(f"result name must be snake_case, got {name!r}")
        return self.cache.sql(f"SELECT * EXCLUDE (run_id) FROM {table} WHERE run_id = ?", params=[run_id]).pl()


@dataclass(frozen=True)
class PackedRows:
    """Input rows packed for source_batches (see `pack_rows`)."""

    first_row: int
    last_row: int
    n_rows: int
    layout: str
    payload: bytes


def pack_rows(rows: pa.Table, layout: str = "columns") -> PackedRows:
    """Pack input rows as read for the raw layer. `rows` has `_row` and the input's columns (layout
    "columns") or `_row` and `_raw`, each JSON record's text (layout "json_records").

    The payload is an Arrow IPC stream, zstd-compressed: quick to write and it keeps every Arrow type (lists,
    timestamps, text byte for byte). No database is touched, so the loader packs in its background thread.
    """
    numbers = rows.column(schema.PAYLOAD_ROW_COLUMN)
    sink = pa.BufferOutputStream()
    with pa.ipc.new_stream(sink, rows.schema, options=pa.ipc.IpcWriteOptions(compression="zstd")) as writer:
        writer.write_table(rows)
    first, last = (pc.min(numbers).as_py(), pc.max(numbers).as_py()) if rows.num_rows else (0, 0)
    return PackedRows(first, last, rows.num_rows, layout, sink.getvalue().to_pybytes())


def _decode_rows(payload: bytes, layout: str, row_number: int) -> list[dict]:
    table = pa.ipc.open_stream(payload).read_all()
    matched = table.filter(pc.equal(table.column(schema.PAYLOAD_ROW_COLUMN), row_number))
    records = matched.drop_columns([schema.PAYLOAD_ROW_COLUMN]).to_pylist()
    if layout == "json_records":
        return [json.loads(record[schema.PAYLOAD_RECORD_COLUMN]) for record in records]
    return records


def _where(conditions: Sequence[tuple[str, Any]]) -> tuple[str, list]:
    """A WHERE clause of the conditions whose value is not None, with their values as bound parameters."""
    used = [(sql, value) for sql, value in conditions if value is not None]
    clause = (" WHERE " + " AND ".join(sql for sql, _ in used)) if used else ""
    return clause, [value for _, value in used]


def _utc_now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
