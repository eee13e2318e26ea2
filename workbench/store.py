"""The store: the one class that opens DuckDB.

A corpus lives in one DuckDB file (default data/workbench.duckdb) with the canonical tables of
`workbench.schema`. Beside it, `<name>.cache.duckdb` holds caches (embeddings) and analysis runs (`runs`
and the `result_*` tables), so an analysis that opens the corpus read-only can still store its results.
No connection leaves this class: callers get frames, rows and run ids.

Every query binds its parameters. SQL errors are re-raised with the query and its parameters.
"""
from __future__ import annotations

import io
import json
import re
import struct
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


# Files DuckDB would open as something else than a database (it reads a CSV or Parquet path as a view).
_DATA_SUFFIXES = (".csv", ".tsv", ".txt", ".json", ".jsonl", ".ndjson", ".parquet", ".gz", ".zst", ".xlsx", ".html")


def _check_database_file(path: Path) -> None:
    """A clear error when `path` is not a DuckDB database file (a data file given to --db by mistake)."""
    suffix = "".join(path.suffixes[-2:]).lower()
    looks_like_data = path.suffix.lower() in _DATA_SUFFIXES or suffix.endswith(_DATA_SUFFIXES)
    if path.is_dir():
        raise WorkbenchError(f"--db {path} is a folder; name the corpus database file, e.g. data/workbench.duckdb")
    if path.exists() and path.is_file() and path.stat().st_size >= 12:
        with path.open("rb") as handle:
            head = handle.read(12)
        if head[8:12] != b"DUCK":
            what = "a data file" if looks_like_data else "some other file"
            raise WorkbenchError(
                f"--db {path} is {what}, not a DuckDB database; --db names the corpus database, e.g. "
                "data/workbench.duckdb (files to load go after `workbench ingest`)")
    elif looks_like_data:
        raise WorkbenchError(f"--db {path} names a data file, not a database; --db names the corpus database, "
                             "e.g. data/workbench.duckdb")


def _open(path: Path, read_only: bool) -> duckdb.DuckDBPyConnection:
    _check_database_file(path)
    try:
        con = duckdb.connect(str(path), read_only=read_only)
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
    try:
        # No progress bar: DuckDB draws it on stdout for statements over 2 s, into the output of our commands.
        con.execute("SET enable_progress_bar = false")
    except duckdb.Error:
        pass  # in Jupyter DuckDB refuses to change the setting without ipywidgets (and draws no bar there)
    return con


class Store:
    """Owns the corpus database file and its cache database.

    Parameters
    ----------
    path : the corpus DuckDB file; created with the canonical schema when opened read-write.
    read_only : analysis and reports open read-only, so several of them (and an analyst's notebook) can
        read at once. Ingest, labels and events need read-write.
    cache_path : the cache database (embeddings and analysis runs); default `<corpus>.cache.duckdb` beside
        the corpus. It is opened for each operation and closed after it, so processes take turns on it.
    """

    CACHE_WAIT_S = 5.0  # embedding look-ups: after this, go on without the cache
    SAVE_WAIT_S = 120.0  # saving or reading runs: wait this long for another process's save

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
        self._cache_ready = False
        if not read_only:
            self._create_tables(self._con, schema.CORPUS_TABLES)

    # -- lifecycle -------------------------------------------------------------------------------
    def close(self) -> None:
        self._con.close()

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
        order: str = "time",
    ) -> pl.DataFrame:
        """Posts as the canonical polars frame, ordered by created_at then post_id (order "time") or by
        post_id alone (order "post_id", as the analysis holds them: it then needs no sorted copy).

        columns : subset of `posts` columns (default: all but `raw`). since/until : UTC datetimes
        (inclusive/exclusive). limit : at most this many posts (for quick runs).
        """
        wanted = list(columns) if columns else [c for c in schema.POSTS.column_names if c != "raw"]
        unknown = set(wanted) - set(schema.POSTS.column_names)
        if unknown:
            raise WorkbenchError(f"unknown posts columns: {sorted(unknown)}")
        clause, params = _where([("created_at >= ?", since), ("created_at < ?", until), ("platform = ?", platform)])
        orders = {"time": "created_at, post_id", "post_id": "post_id"}
        if order not in orders:
            raise WorkbenchError(f"posts order must be one of {', '.join(orders)}, not {order!r}")
        sql = f"SELECT {', '.join(wanted)} FROM posts{clause} ORDER BY {orders[order]}"
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

    @contextmanager
    def unordered_inserts(self) -> Iterator["Store"]:
        """Inserts inside may store rows in any order (DuckDB then inserts in parallel); every reader orders
        its rows explicitly, so nothing depends on the stored order."""
        self._con.execute("SET preserve_insertion_order = false")
        try:
            yield self
        finally:
            self._con.execute("RESET preserve_insertion_order")

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
        # As Arrow with string views: no copy of every string into Arrow's older layout (~0.1 CPU-s per 1M
        # posts). Through a relation, not register(): a registered frame stays alive until the transaction
        # commits (its catalog entry is transactional), so a long ingest would hold every batch in memory
        # (+0.4 GB of RSS per 1M posts).
        rows = frame.select(columns).to_arrow(compat_level=pl.CompatLevel.newest())
        try:
            inserted = self._con.from_arrow(rows).query("_append_frame", sql)
        except duckdb.Error as error:
            raise WorkbenchError(f"query failed: {error}\n  query: {sql.strip()}\n  parameters: None") from error
        return int(inserted.fetchall()[0][0])

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
        """Keep one batch of input rows as read, packed by `pack_rows` or `pack_parquet_row_group` (the raw
        layer), or a Parquet file's footer (`pack_parquet_footer`)."""
        self._require_writable()
        if rows.n_rows == 0 and rows.layout != PARQUET_FOOTER:
            return
        self._run(
            self._con,
            "INSERT INTO source_batches (source_id, batch, first_row, last_row, n_rows, layout, payload) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [source_id, batch, rows.first_row, rows.last_row, rows.n_rows, rows.layout, rows.payload],
        )

    def original_rows(self, source_id: int, row_number: int) -> list[dict]:
        """The input row `row_number` of source `source_id`, exactly as it was read, as dicts (column ->
        value; for JSON inputs the record itself, where a key the object repeats maps to `RepeatedValues`, the
        list of all its values in order). A JSON line that held several records gives each of them
        (a twitter_v2 line read by blocks gives the line's object, the whole page, once);
        a row that was not read into the raw layer (a quarantined unreadable row) gives [].

        Databases written before the raw layer existed keep each post's row in `posts.raw`; it is used then.
        """
        found = self.execute(
            "SELECT layout, payload, first_row FROM source_batches WHERE source_id = ? AND ? BETWEEN first_row AND last_row "
            "ORDER BY batch",
            [source_id, row_number],
        )
        rows: list[dict] = []
        for layout, payload, first_row in found:
            if layout == PARQUET_ROW_GROUP:
                footer = self.scalar("SELECT payload FROM source_batches WHERE source_id = ? AND layout = ? ORDER BY batch LIMIT 1",
                                     [source_id, PARQUET_FOOTER])
                rows += _decode_parquet_row(payload, footer, row_number - first_row)
            else:
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
    # The cache database is opened for each operation and closed after it, never held: two analyses that
    # save at the same time then take turns on its lock instead of one of them losing its results.
    @contextmanager
    def _cache(self, wait_s: float) -> Iterator[duckdb.DuckDBPyConnection]:
        """A connection to the cache database, waiting up to `wait_s` seconds for another process's lock.
        Raises DatabaseLockedError (naming the holder) when the lock is still held after that."""
        import time

        self.cache_path.parent.mkdir(parents=True, exist_ok=True)
        deadline = time.monotonic() + wait_s
        while True:
            try:
                con = _open(self.cache_path, read_only=False)
                break
            except DatabaseLockedError:
                if time.monotonic() >= deadline:
                    raise
                time.sleep(0.1)
        try:
            if not self._cache_ready:
                self._prepare_cache(con)
                self._cache_ready = True
            yield con
        finally:
            con.close()

    @staticmethod
    def _prepare_cache(con: duckdb.DuckDBPyConnection) -> None:
        """Create the cache and result tables; add columns a newer schema declares to older tables."""
        for table in schema.CACHE_TABLES + (schema.RUNS,) + tuple(schema.RESULT_TABLES.values()):
            existing = {name for (name,) in con.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_name = ?", [table.name]).fetchall()}
            if not existing:
                con.execute(table.ddl())
                continue
            for column in table.columns:
                if column.name not in existing:
                    con.execute(f"ALTER TABLE {table.name} ADD COLUMN {column.name} {column.type}")

    def cached_vectors(self, backend: str, text_hashes: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Look up cached embeddings. Returns (found: bool mask over text_hashes, vectors of the found ones
        in the order of text_hashes). A cache locked by another process for long counts as empty."""
        hashes = pl.DataFrame({"text_hash": pl.Series(list(text_hashes), dtype=pl.String)}).with_row_index("i")
        mask = np.zeros(hashes.height, dtype=bool)
        try:
            with self._cache(self.CACHE_WAIT_S) as con:
                con.register("_wanted", hashes)
                found = con.sql(
                    "SELECT w.i, e.vector FROM _wanted w JOIN embeddings e ON e.text_hash = w.text_hash "
                    "AND e.backend = ? ORDER BY w.i",
                    params=[backend],
                ).pl()
        except DatabaseLockedError as error:
            warnings.warn(f"{error} Embeddings are computed without the cache this time.", stacklevel=2)
            return mask, np.zeros((0, 0), dtype=np.float32)
        mask[found["i"].to_numpy()] = True
        if found.height == 0:
            return mask, np.zeros((0, 0), dtype=np.float32)
        width = int(found["vector"].list.len()[0])
        vectors = found["vector"].list.to_array(width).to_numpy().astype(np.float32, copy=False)
        return mask, vectors

    def cache_vectors(self, backend: str, text_hashes: Sequence[str], vectors: np.ndarray) -> int:
        """Store embeddings for text hashes not cached yet under this backend; returns how many were new."""
        vectors = np.asarray(vectors, dtype=np.float32)
        frame = pl.DataFrame(
            {
                "backend": pl.Series([backend] * len(text_hashes), dtype=pl.String),
                "text_hash": pl.Series(list(text_hashes), dtype=pl.String),
                # From the array directly (an Array column cast to List): no per-float Python objects.
                "vector": pl.Series("vector", vectors).cast(pl.List(pl.Float32)),
            }
        ).unique("text_hash", keep="first", maintain_order=True)
        try:
            with self._cache(self.CACHE_WAIT_S) as con:
                con.register("_new_vectors", frame)
                before = con.execute("SELECT count(*) FROM embeddings").fetchall()[0][0]
                con.execute(
                    "INSERT INTO embeddings SELECT n.backend, n.text_hash, n.vector FROM _new_vectors n "
                    "WHERE NOT EXISTS (SELECT 1 FROM embeddings e WHERE e.backend = n.backend AND e.text_hash = n.text_hash)"
                )
                after = con.execute("SELECT count(*) FROM embeddings").fetchall()[0][0]
        except DatabaseLockedError as error:
            warnings.warn(f"{error} These embeddings are not cached.", stacklevel=2)
            return 0
        return int(after - before)

    # -- analysis runs -----------------------------------------------------------------------------
    def save_run(self, run_id: str, frames: dict[str, pl.DataFrame], params: dict, *, kind: str = "analysis",
                 versions: dict | None = None, corpus_fingerprint: str | None = None) -> str:
        """Store a run: its result frames (names of `schema.RESULT_TABLES`) and its `runs` row, in one
        transaction, marked complete in it. A save killed midway leaves the previous runs as they were and
        nothing of this one. A run saved again under the same id replaces the old one whole.

        Waits up to `SAVE_WAIT_S` seconds for another process saving at the same time, then raises
        DatabaseLockedError naming it. Frames are checked against the schema first (undeclared frames or
        columns raise WorkbenchError); declared columns a frame lacks are stored as NULL."""
        conformed = {name: conform_result(name, frame) for name, frame in frames.items()}
        started = _utc_now()
        with self._cache(self.SAVE_WAIT_S) as con:
            con.execute("BEGIN TRANSACTION")
            try:
                con.execute("DELETE FROM runs WHERE run_id = ?", [run_id])
                for table in schema.RESULT_TABLES.values():
                    con.execute(f"DELETE FROM {table.name} WHERE run_id = ?", [run_id])
                for name, frame in conformed.items():
                    self._insert_result(con, run_id, name, frame)
                con.execute(
                    "INSERT INTO runs (run_id, kind, params, versions, corpus_fingerprint, status, frames, started_at, "
                    "finished_at) VALUES (?, ?, ?, ?, ?, 'complete', ?, ?, ?)",
                    [run_id, kind, json.dumps(params, sort_keys=True, default=str),
                     json.dumps(versions or {}, sort_keys=True), corpus_fingerprint, sorted(conformed), started, _utc_now()],
                )
                con.execute("COMMIT")
            except BaseException:
                con.execute("ROLLBACK")
                raise
        return run_id

    @staticmethod
    def _insert_result(con: duckdb.DuckDBPyConnection, run_id: str, name: str, frame: pl.DataFrame) -> None:
        table = schema.RESULT_TABLES[name]
        tagged = frame.with_columns(pl.lit(run_id).alias("run_id"),
                                    pl.int_range(pl.len(), dtype=pl.Int64).alias("row_in_run"))
        con.register("_result_rows", tagged.to_arrow())
        try:
            con.execute(f"INSERT INTO {table.name} BY NAME SELECT * FROM _result_rows")
        finally:
            con.unregister("_result_rows")

    def runs(self, kind: str | None = "analysis", complete_only: bool = False) -> pl.DataFrame:
        """Stored runs, newest first: run_id, kind, params (JSON), versions (JSON), corpus_fingerprint,
        status, frames, started_at, finished_at."""
        columns = schema.RUNS.column_names
        if not self.cache_path.exists():
            return pl.DataFrame(schema={c: pl.String for c in columns})
        clause, params = _where([("kind = ?", kind), ("status = ?", "complete" if complete_only else None)])
        with self._cache(self.SAVE_WAIT_S) as con:
            return con.sql(f"SELECT {', '.join(columns)} FROM runs{clause} ORDER BY finished_at DESC NULLS LAST, "
                           "started_at DESC, run_id", params=params).pl()

    def latest_run(self, kind: str = "analysis") -> str | None:
        """The id of the most recently saved complete run of this kind, or None."""
        runs = self.runs(kind, complete_only=True)
        return runs["run_id"][0] if runs.height else None

    def run_info(self, run_id: str, kind: str | None = "analysis") -> dict:
        """The `runs` row of a complete run. Raises RunNotFoundError naming the runs that exist."""
        runs = self.runs(kind, complete_only=True)
        found = runs.filter(pl.col("run_id") == run_id)
        if found.height == 0:
            listed = ", ".join(f"{r} ({t:%Y-%m-%d %H:%M})" for r, t in runs.select("run_id", "finished_at").head(10).iter_rows())
            raise RunNotFoundError(
                f"no complete {kind or ''} run {run_id!r} is stored for {self.path}; "
                + (f"stored runs, newest first: {listed}" if listed else
                   "none is stored yet: run `workbench analyze --save` first")
            )
        return found.row(0, named=True)

    def load_run(self, run_id: str, kind: str | None = "analysis") -> tuple[dict, dict[str, pl.DataFrame]]:
        """A complete run: its `runs` row and its result frames (name -> frame, rows in their saved order,
        every declared column in its declared type; an optional column the run did not have is NULL)."""
        info = self.run_info(run_id, kind)
        with self._cache(self.SAVE_WAIT_S) as con:  # one connection for all frames
            return info, {name: self._load_result(con, run_id, name) for name in info["frames"]}

    def load_result(self, run_id: str, name: str) -> pl.DataFrame:
        """One result frame of a run (empty with the declared columns when the run did not store it)."""
        with self._cache(self.SAVE_WAIT_S) as con:
            return self._load_result(con, run_id, name)

    @staticmethod
    def _load_result(con: duckdb.DuckDBPyConnection, run_id: str, name: str) -> pl.DataFrame:
        table = schema.RESULT_TABLES.get(name)
        if table is None:
            raise WorkbenchError(f"unknown result {name!r}; results: {', '.join(schema.RESULT_TABLES)}")
        columns = [c.name for c in table.columns if c.name not in ("run_id", "row_in_run")]
        frame = con.sql(f"SELECT {', '.join(columns)} FROM {table.name} WHERE run_id = ? ORDER BY row_in_run",
                        params=[run_id]).pl()
        return frame.cast(result_dtypes(table, frame.columns))


class RunNotFoundError(WorkbenchError):
    """The analysis run asked for is not stored (or not complete)."""


_DUCKDB_TO_POLARS = {
    "VARCHAR": pl.String, "BIGINT": pl.Int64, "INTEGER": pl.Int32, "UINTEGER": pl.UInt32, "DOUBLE": pl.Float64,
    "FLOAT": pl.Float32, "BOOLEAN": pl.Boolean, "TIMESTAMP": pl.Datetime("us"), "DATE": pl.Date,
}


def _polars_type(duckdb_type: str) -> pl.DataType:
    if duckdb_type.endswith("[]"):
        return pl.List(_polars_type(duckdb_type[:-2]))
    return _DUCKDB_TO_POLARS[duckdb_type]


def result_dtypes(table: schema.Table, columns: Sequence[str]) -> dict[str, pl.DataType]:
    declared = {c.name: c for c in table.columns}
    return {name: _polars_type(declared[name].type) for name in columns}


def empty_result(name: str) -> pl.DataFrame:
    """No rows, with the declared columns of result `name`."""
    table = schema.RESULT_TABLES[name]
    return pl.DataFrame(schema={c.name: _polars_type(c.type) for c in table.columns
                                if c.name not in ("run_id", "row_in_run")})


def conform_result(name: str, frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with the declared columns of result `name`, in their order and types (missing ones NULL).
    Raises WorkbenchError for an undeclared result or columns the schema does not declare."""
    table = schema.RESULT_TABLES.get(name)
    if table is None:
        raise WorkbenchError(f"result frame {name!r} is not declared in workbench/schema.py (RESULT_TABLES); "
                             "declare it there with its columns")
    declared = [c for c in table.columns if c.name not in ("run_id", "row_in_run")]
    undeclared = [c for c in frame.columns if c not in {d.name for d in declared}]
    if undeclared:
        raise WorkbenchError(f"result frame {name!r} has columns workbench/schema.py does not declare: "
                             f"{', '.join(undeclared)}; declare them in its result(...) entry")
    return frame.select([
        (pl.col(c.name) if c.name in frame.columns else pl.lit(None)).cast(_polars_type(c.type)).alias(c.name)
        for c in declared
    ])


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


# -- Parquet inputs: the raw layer keeps the file's own bytes ---------------------------------------
# A Parquet file's rows are kept as the bytes of each row group as they are in the file, plus the file's
# footer once: nothing is decoded and encoded again to keep them (for 1M rows that saved ~0.3 CPU-s of
# packing and halved the bytes written). The loader decodes the rows it loads from these very bytes
# (`ParquetBytes`), so they are known to be enough to give every row back.
PARQUET_FOOTER = "parquet_footer"
PARQUET_ROW_GROUP = "parquet_row_group"
_ROW_GROUP_HEADER = struct.Struct("<QIQ")  # the row group's byte offset in the file, its index, the file's size


class ParquetBytesMissing(OSError):
    """The reader asked for bytes of a Parquet file that were not kept."""


class ParquetBytes(io.RawIOBase):
    """A read-only file of which only some byte ranges are known (a row group's bytes at their offset in
    the original file); reading anywhere else raises, so a range that is too short cannot go unnoticed."""

    def __init__(self, ranges: Sequence[tuple[int, bytes]], size: int):
        self._ranges = sorted(ranges, key=lambda item: item[0])
        self._size = size
        self._position = 0

    def readable(self) -> bool:
        return True

    def seekable(self) -> bool:
        return True

    def tell(self) -> int:
        return self._position

    def seek(self, offset: int, whence: int = 0) -> int:
        base = {0: 0, 1: self._position, 2: self._size}[whence]
        self._position = base + offset
        return self._position

    def read(self, size: int = -1) -> bytes:
        if size is None or size < 0:
            size = self._size - self._position
        start = end = self._position
        size = min(size, self._size - start)
        pieces = []
        for offset, data in self._ranges:  # in order: a read may run from one range into the next
            if offset <= end < offset + len(data):
                piece = data[end - offset:end - offset + (start + size - end)]
                pieces.append(piece)
                end += len(piece)
            if end >= start + size:
                self._position = end
                return pieces[0] if len(pieces) == 1 else b"".join(pieces)
        if size <= 0:
            return b""
        raise ParquetBytesMissing(f"the kept Parquet bytes do not cover bytes {start}..{start + size}")

    def readinto(self, buffer) -> int:
        data = self.read(len(buffer))
        buffer[:len(data)] = data
        return len(data)


def parquet_footer(path: Path, size: int) -> bytes:
    """The file's footer as it is on disk: its metadata, the metadata's length and the closing magic."""
    with path.open("rb") as handle:
        handle.seek(size - 8)
        tail = handle.read(8)
        length = struct.unpack("<I", tail[:4])[0]
        if tail[4:] != b"PAR1" or length + 12 > size:
            raise ValueError("not a plain Parquet footer")
        handle.seek(size - 8 - length)
        return handle.read(length) + tail


def parquet_metadata(footer: bytes):
    import pyarrow.parquet as pq

    return pq.read_metadata(pa.BufferReader(footer))


def parquet_row_group_range(metadata, index: int, data_end: int) -> tuple[int, int]:
    """The bytes [start, end) holding row group `index`: its column chunks as Arrow's reader finds them
    (from the dictionary page or the first data page, whichever comes first, for the chunk's compressed
    size), plus 100 bytes of slack (the reader allows that much for old writers' short sizes), within the
    data area. Should a reader still want other bytes, ParquetBytes says so instead of making them up."""
    group = metadata.row_group(index)
    start, end = None, 0
    for j in range(group.num_columns):
        chunk = group.column(j)
        first = chunk.data_page_offset
        if chunk.has_dictionary_page and chunk.dictionary_page_offset:
            first = min(first, chunk.dictionary_page_offset)
        start = first if start is None else min(start, first)
        end = max(end, first + chunk.total_compressed_size)
    if start is None or start < 4 or end <= start or end > data_end:
        raise ValueError(f"row group {index} has no usable byte range")
    return start, min(end + 100, data_end)


def pack_parquet_footer(footer: bytes) -> PackedRows:
    return PackedRows(0, 0, 0, PARQUET_FOOTER, footer)


def pack_parquet_row_group(first_row: int, n_rows: int, index: int, start: int, data: bytes, file_size: int) -> PackedRows:
    return PackedRows(first_row, first_row + n_rows - 1, n_rows, PARQUET_ROW_GROUP,
                      _ROW_GROUP_HEADER.pack(start, index, file_size) + data)


def parquet_row_group_file(start: int, data: bytes, footer: bytes, file_size: int) -> ParquetBytes:
    """The Parquet file as far as one row group is concerned: its bytes and the footer, where they are in the file."""
    return ParquetBytes([(start, data), (file_size - len(footer), footer)], file_size)


def _decode_parquet_row(payload: bytes, footer: bytes | None, offset: int) -> list[dict]:
    import pyarrow.parquet as pq

    if footer is None:
        raise WorkbenchError("a Parquet row group is kept without its file's footer")
    start, index, file_size = _ROW_GROUP_HEADER.unpack_from(payload)
    data = payload[_ROW_GROUP_HEADER.size:]
    source = parquet_row_group_file(start, data, footer, file_size)
    # Batch by batch up to the row, so a large row group is not decoded whole.
    for batch in pq.ParquetFile(source, metadata=parquet_metadata(footer)).iter_batches(batch_size=65_536, row_groups=[index]):
        if offset < batch.num_rows:
            return pa.Table.from_batches([batch]).slice(offset, 1).to_pylist()
        offset -= batch.num_rows
    return []


def _decode_rows(payload: bytes, layout: str, row_number: int) -> list[dict]:
    table = pa.ipc.open_stream(payload).read_all()
    matched = table.filter(pc.equal(table.column(schema.PAYLOAD_ROW_COLUMN), row_number))
    records = matched.drop_columns([schema.PAYLOAD_ROW_COLUMN]).to_pylist()
    if layout == "json_records":
        return [json.loads(record[schema.PAYLOAD_RECORD_COLUMN], object_pairs_hook=_keep_repeated_keys)
                for record in records]
    return records


class RepeatedValues(list):
    """Every value of a key that a JSON object repeats, in input order (the loader took the last one)."""


def _keep_repeated_keys(pairs: list[tuple[str, Any]]) -> dict:
    record: dict = {}
    for key, value in pairs:
        if key not in record:
            record[key] = value
        elif isinstance(record[key], RepeatedValues):
            record[key].append(value)
        else:
            record[key] = RepeatedValues([record[key], value])
    return record


def _where(conditions: Sequence[tuple[str, Any]]) -> tuple[str, list]:
    """A WHERE clause of the conditions whose value is not None, with their values as bound parameters."""
    used = [(sql, value) for sql, value in conditions if value is not None]
    clause = (" WHERE " + " AND ".join(sql for sql, _ in used)) if used else ""
    return clause, [value for _, value in used]


def _utc_now():
    import datetime as dt

    return dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
