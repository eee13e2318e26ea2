"""Load export files into the store, losing nothing.

For each file: detect format, compression and encoding; stream it in batches through its preset; put
loadable rows in posts/accounts/events/labels and every other row in quarantine with its reason; record
a `sources` row whose counts reconcile: rows_read = rows_loaded + rows_quarantined + rows_duplicate.

Rules:
- Idempotent: a file whose sha256 was already ingested with the same preset adds nothing.
- Duplicates: the first stored row with a post id wins, in ingest order (files in the order given, rows
  in file order); later rows with that id count as rows_duplicate. Accounts likewise: the first profile
  seen is kept. Events by event_id. Labels: one value per entity, label and origin; a newer file wins.
- Atomic: one transaction per file, so a killed ingest leaves the database as it was before that file.
- Lossless: each batch's rows are also kept exactly as read in `source_batches` (compressed Arrow; for
  Parquet, the file's own row-group bytes and footer), which posts and accounts point at by
  (source_id, source_row); `Store.original_rows` gives a row back.

A background thread reads, maps and packs the next batches while this thread writes the current one, so
the two cores share the work; the database is only touched from the calling thread.
"""
from __future__ import annotations

import datetime as dt
import itertools
import json
import queue
import sys
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Iterator, Sequence, TypeVar

import polars as pl

from workbench import __version__
from workbench.errors import InputFileError
from workbench.ingest import presets as preset_registry
from workbench.ingest.presets.base import REASON, REASON_COLUMN, MapContext, Mapped, Preset, check_platform
from workbench.ingest.readers import RAW_COLUMN, ROW_COLUMN, RawBatch, ReadLimits, inspect_input, sha256_of
from workbench.ingest.timeparse import check_timezone
from workbench.store import PackedRows, Store, pack_rows
from workbench.visible import visible

T = TypeVar("T")

KEYS = {"posts": "post_id", "accounts": "account_id", "events": "event_id"}
MAX_EXAMPLES = 5  # quarantined rows named one by one in the printed summary


@dataclass
class IngestSummary:
    path: str
    preset: str
    source_id: int | None
    format: str = ""
    encoding: str | None = None
    table: str = ""
    rows_read: int = 0
    rows_loaded: int = 0
    rows_quarantined: int = 0
    rows_duplicate: int = 0
    accounts_loaded: int = 0
    labels_loaded: int = 0
    values_not_stored: int = 0  # value_problems rows: profile values of loaded rows stored as NULL
    already_ingested: bool = False
    seconds: float = 0.0
    reasons: dict[str, int] = field(default_factory=dict)
    # The first quarantined rows: (row number, column or None, reason), for the printed summary.
    examples: list[tuple[int, str | None, str]] = field(default_factory=list)

    @property
    def reconciles(self) -> bool:
        return self.rows_read == self.rows_loaded + self.rows_quarantined + self.rows_duplicate

    @property
    def nothing_loaded(self) -> bool:
        """Every row read was quarantined (a file of rows none of which could be loaded)."""
        return not self.already_ingested and self.rows_read > 0 and self.rows_quarantined == self.rows_read

    def describe(self) -> str:
        if self.already_ingested:
            return visible(f"{self.path}: already ingested as source {self.source_id} (same sha256 and preset); nothing added")
        rate = self.rows_read / self.seconds if self.seconds else 0.0
        lines = [
            f"{self.path} [{self.format}, {self.encoding or 'binary'}, preset {self.preset}] -> source {self.source_id}",
            f"  read {self.rows_read:,} = loaded {self.rows_loaded:,} {self.table or 'rows'} + quarantined {self.rows_quarantined:,}"
            f" + duplicate {self.rows_duplicate:,}  ({'reconciles' if self.reconciles else 'DOES NOT RECONCILE'})",
            f"  new accounts {self.accounts_loaded:,}, labels {self.labels_loaded:,}; {self.seconds:.1f} s ({rate:,.0f} rows/s)",
        ]
        for reason, count in sorted(self.reasons.items(), key=lambda kv: (-kv[1], kv[0]))[:8]:
            lines.append(f"  quarantined {count:,}: {reason}")
        for row_number, column, reason in self.examples:
            where = f"row {row_number:,}" + (f", column {column!r}" if column else "")
            lines.append(f"  {self.path}: {where}: {reason[:300]}")
        if self.values_not_stored:
            lines.append(f"  {self.values_not_stored:,} author profile values could not be read and are NULL in accounts "
                         f"(each with its row, value and reason: SELECT * FROM value_problems WHERE source_id = {self.source_id})")
        if self.rows_quarantined > len(self.examples):
            lines.append(f"  (every quarantined row, with its raw text: SELECT * FROM quarantine WHERE source_id = {self.source_id})")
        if self.nothing_loaded:
            lines.append("  nothing from this file could be loaded: every row is quarantined")
        # Each line escaped on its own: a line break in a value, a column or a file name is shown as \x0A,
        # so the file cannot add lines of its own to the summary (a fake "reconciles").
        return "\n".join(visible(line) for line in lines)


def _quarantine_frame(source_id: int, batch_rejects, mapped_rejects: pl.DataFrame) -> pl.DataFrame:
    frames = []
    if batch_rejects:
        frames.append(pl.DataFrame({
            "row_number": pl.Series([r.row_number for r in batch_rejects], dtype=pl.Int64),
            "raw": pl.Series([r.raw for r in batch_rejects], dtype=pl.String),
            "reason": pl.Series([r.reason for r in batch_rejects], dtype=pl.String),
            "column_name": pl.Series([r.column for r in batch_rejects], dtype=pl.String),
        }))
    if mapped_rejects.height:
        frames.append(mapped_rejects.select(
            pl.col(ROW_COLUMN).alias("row_number"), pl.col(RAW_COLUMN).alias("raw"),
            pl.col(REASON).alias("reason"), pl.col(REASON_COLUMN).alias("column_name"),
        ))
    if not frames:
        return pl.DataFrame()
    return pl.concat(frames).with_columns(pl.lit(source_id, dtype=pl.Int32).alias("source_id")).sort("row_number")


def _reason_kind(reason: str) -> str:
    """Group reasons for the summary: cut the quoted value off ("unparseable time in t: 'x'")."""
    return reason.split(": ")[0] if ": " in reason and not reason.startswith("expected") else reason


@dataclass
class _PreparedBatch:
    """A batch read, mapped by its preset and packed for the raw layer: everything but the writing."""

    number: int
    batch: RawBatch
    mapped: Mapped | None
    originals: list[PackedRows]


def _prepare(preset: Preset, ctx: MapContext, number: int, batch: RawBatch) -> _PreparedBatch:
    # A batch of no rows at all (a header-only file) is mapped too, so that the preset checks its columns.
    mapped = preset.map_batch(batch.frame, ctx) if batch.frame.height or batch.rows_read == 0 else None
    originals = list(batch.packed)
    if batch.original is not None:
        originals.append(pack_rows(batch.original, batch.layout))
    return _PreparedBatch(number, batch, mapped, originals)


def _in_background(items: Iterator[T], depth: int = 2) -> Iterator[T]:
    """The items, in order, computed by a background thread up to `depth` ahead of the consumer.

    Reading and mapping the next batches then overlaps writing this one into DuckDB (polars, Arrow and
    DuckDB release the GIL while they work). An exception in the thread is raised here, so the file's
    transaction rolls back; when the consumer stops early the thread stops too.
    """
    handoff: queue.Queue = queue.Queue(maxsize=depth)
    stop = threading.Event()

    def hand_over(entry: tuple) -> bool:
        while not stop.is_set():
            try:
                handoff.put(entry, timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def produce() -> None:
        try:
            for item in items:
                if not hand_over((item, None, False)):
                    return
            hand_over((None, None, True))
        except BaseException as error:  # handed to the consumer, which raises it
            hand_over((None, error, True))
        finally:
            getattr(items, "close", lambda: None)()

    worker = threading.Thread(target=produce, name="ingest-prepare", daemon=True)
    worker.start()
    try:
        while True:
            item, error, finished = handoff.get()
            if error is not None:
                raise error
            if finished:
                return
            yield item
    finally:
        stop.set()
        worker.join()


# Posts are inserted in groups of several batches: DuckDB then inserts in parallel (rows in any order, see
# Store.unordered_inserts) and its cost per row falls. 1M synthetic posts, DuckDB alone, 2 free cores:
# 1.8 s and 1.9 CPU-s in 100k-row inserts, 0.9 s and 1.7 CPU-s in one insert. The byte cap bounds memory
# for wide rows (long texts).
INSERT_ROWS = 500_000
INSERT_BYTES = 256 << 20


class _PostsBuffer:
    """Mapped posts gathered into larger inserts, counted in the summary as they are inserted."""

    def __init__(self, store: Store, summary: IngestSummary, rows: int):
        self.store, self.summary, self.rows = store, summary, rows
        self.frames: list[pl.DataFrame] = []
        self.height = self.size = 0

    def add(self, frame: pl.DataFrame) -> None:
        self.frames.append(frame)
        self.height += frame.height
        self.size += frame.estimated_size()
        if self.height >= self.rows or self.size >= INSERT_BYTES:
            self.flush()

    def flush(self) -> None:
        if self.frames:
            frame = self.frames[0] if len(self.frames) == 1 else pl.concat(self.frames, rechunk=False)
            self.summary.rows_loaded += self.store.append("posts", frame)
        self.frames, self.height, self.size = [], 0, 0


def _write_batch(store: Store, summary: IngestSummary, source_id: int, ready: _PreparedBatch, posts: _PostsBuffer,
                 raw_numbers: Iterator[int]) -> None:
    """Write one prepared batch inside the file's transaction and count it in the summary."""
    batch, mapped = ready.batch, ready.mapped
    summary.rows_read += batch.rows_read
    for original in ready.originals:
        store.append_source_batch(source_id, next(raw_numbers), original)
    rejects = mapped.rejects if mapped is not None else pl.DataFrame(schema={ROW_COLUMN: pl.Int64})
    quarantine = _quarantine_frame(source_id, batch.rejects, rejects)
    if quarantine.height:
        store.append("quarantine", quarantine)
        summary.rows_quarantined += quarantine.height
        for reason, count in quarantine.group_by("reason").len().iter_rows():
            key = _reason_kind(reason)
            summary.reasons[key] = summary.reasons.get(key, 0) + count
        room = MAX_EXAMPLES - len(summary.examples)
        if room > 0:
            summary.examples.extend(quarantine.head(room).select("row_number", "column_name", "reason").iter_rows())
    if mapped is None:
        return
    summary.table = mapped.table
    if mapped.table == "labels":
        summary.labels_loaded += store.upsert_labels(mapped.rows)
        summary.rows_loaded += batch.rows_read - quarantine.height
    elif mapped.table == "posts":
        posts.add(mapped.rows)
    else:
        key = KEYS[mapped.table]
        rows = mapped.rows.drop(ROW_COLUMN, strict=False)
        unique = rows.unique(key, keep="first", maintain_order=True)
        inserted = store.append_new(mapped.table, unique, key)
        summary.rows_loaded += inserted
        summary.rows_duplicate += rows.height - inserted
        if mapped.table == "accounts":
            summary.accounts_loaded += inserted
    if mapped.table == "posts":
        mapped = _only_from_loaded_rows(mapped)
    if mapped.value_problems is not None and mapped.value_problems.height:
        problems = mapped.value_problems.select(
            pl.lit(source_id, dtype=pl.Int32).alias("source_id"), pl.col(ROW_COLUMN).alias("row_number"),
            pl.lit("accounts").alias("table_name"), "column_name", "value", "reason")
        store.append("value_problems", problems)
        summary.values_not_stored += problems.height
    if mapped.accounts is not None and mapped.accounts.height:
        summary.accounts_loaded += store.append_new(
            "accounts", mapped.accounts.unique("account_id", keep="first", maintain_order=True), "account_id")
    if mapped.labels is not None and mapped.labels.height:
        summary.labels_loaded += store.upsert_labels(mapped.labels)


def _only_from_loaded_rows(mapped: Mapped) -> Mapped:
    """A posts batch's accounts, labels about them and profile problems, from the rows whose post loaded only:
    a quarantined row is kept whole in quarantine, and nothing of it is loaded (its author's profile neither)."""
    loaded = mapped.rows["source_row"].implode()
    accounts, labels, problems = mapped.accounts, mapped.labels, mapped.value_problems
    if accounts is not None:
        accounts = accounts.filter(pl.col("source_row").is_in(loaded))
    if problems is not None:
        problems = problems.filter(pl.col(ROW_COLUMN).is_in(loaded))
    if labels is not None:
        known = pl.concat([mapped.rows["account_id"], *([accounts["account_id"]] if accounts is not None else [])]).implode()
        labels = labels.filter((pl.col("entity_type") != "account") | pl.col("entity_id").is_in(known))
    return Mapped(mapped.table, mapped.rows, mapped.rejects, accounts, labels, problems)


def _rows_hint(info) -> int | None:
    """The number of input rows when the file says it cheaply (a Parquet footer), for the bar's ETA."""
    if info.format != "parquet" or info.compression:
        return None
    try:
        import pyarrow.parquet as pq

        return pq.ParquetFile(info.path).metadata.num_rows
    except Exception:  # a damaged footer is reported by the reader, with its row, not here
        return None


def ingest_file(store: Store, path: str | Path, preset: str = "generic", *, platform: str | None = None,
                timezone: str | None = None, encoding: str | None = None, delimiter: str | None = None,
                options: dict[str, Any] | None = None, progress: bool | None = None,
                batch_rows: int = 100_000, memory_gb: float | None = 1.0, insert_rows: int = INSERT_ROWS,
                limits: ReadLimits | None = None) -> IngestSummary:
    """Ingest one file in one transaction and return its summary.

    memory_gb caps DuckDB's memory during the ingest (staged rows spill to disk beyond it), so files
    larger than RAM load in bounded memory; None leaves DuckDB's default (80% of RAM).
    insert_rows : posts are inserted this many at a time (or INSERT_BYTES worth, whichever comes first).
    limits : the maximum field size and decompression ratio (default ReadLimits()).
    """
    chosen = preset_registry.get(preset)
    started = time.perf_counter()
    path = Path(path)
    unknown = sorted(set(options or {}) - set(chosen.option_names) - {"date_order"})
    if unknown:  # a misspelt option would otherwise be ignored without a word
        takes = ", ".join(sorted(set(chosen.option_names) | {"date_order"}))
        raise InputFileError(f"{path}: preset {chosen.name} has no option {', '.join(unknown)} (it takes: {takes}; "
                             "--map and --mapping are for the generic preset)")
    try:
        platform_name = check_platform(chosen.platform if platform is None else platform)
    except InputFileError as error:
        raise InputFileError(f"{path}: --platform: {error}") from None
    if timezone is not None:
        check_timezone(timezone)
    info = inspect_input(path, encoding=encoding, delimiter=delimiter, limits=limits)
    sha256 = sha256_of(path)
    existing = store.source_by_sha256(sha256, chosen.name)
    summary = IngestSummary(str(path), chosen.name, None, info.format_label, info.encoding)
    if existing is not None:
        summary.source_id, summary.already_ingested = existing["source_id"], True
        summary.table = "posts"
        return summary
    options = dict(options or {})
    if memory_gb is not None:
        store.limit_memory(memory_gb)
    started_at = dt.datetime.now(dt.timezone.utc).replace(tzinfo=None)
    bar = None
    if progress or (progress is None and sys.stderr.isatty() and path.stat().st_size > 50_000_000):
        from tqdm import tqdm

        bar = tqdm(unit=" rows", unit_scale=True, desc=visible(path.name), file=sys.stderr, total=_rows_hint(info))
    # Unordered inserts are set outside the transaction: after a failed statement DuckDB refuses every
    # statement but ROLLBACK, so resetting the setting inside would hide the error.
    with store.unordered_inserts(), store.transaction():
        source_id = store.next_source_id()
        summary.source_id = source_id
        ctx = MapContext(path, source_id, platform_name, timezone or chosen.default_timezone, options,
                         ids_qualified=chosen.ids_qualified)
        prepared = (_prepare(chosen, ctx, number, batch)
                    for number, batch in enumerate(chosen.read_batches(info, batch_rows), start=1))
        posts, raw_numbers = _PostsBuffer(store, summary, insert_rows), itertools.count(1)
        for ready in _in_background(prepared):
            _write_batch(store, summary, source_id, ready, posts, raw_numbers)
            if bar is not None:
                bar.update(ready.batch.rows_read)
        posts.flush()
        duplicates = store.drop_later_duplicates("posts", "post_id")
        summary.rows_loaded -= duplicates
        summary.rows_duplicate += duplicates
        summary.seconds = time.perf_counter() - started
        store.append("sources", pl.DataFrame([{
            "source_id": source_id, "path": str(path.resolve()), "sha256": sha256, "format": info.format_label,
            "preset": chosen.name, "encoding": info.encoding,
            "options": json.dumps({"platform": ctx.platform, "timezone": ctx.timezone, "delimiter": info.delimiter, **options},
                                  sort_keys=True, default=str),
            "rows_read": summary.rows_read, "rows_loaded": summary.rows_loaded,
            "rows_quarantined": summary.rows_quarantined, "rows_duplicate": summary.rows_duplicate,
            "accounts_loaded": summary.accounts_loaded, "started_at": started_at,
            "finished_at": dt.datetime.now(dt.timezone.utc).replace(tzinfo=None), "workbench_version": __version__,
        }], schema_overrides={"source_id": pl.Int32}))
    # The printed time covers the whole file, its commit included (the sources row above has finished_at).
    summary.seconds = time.perf_counter() - started
    if bar is not None:
        bar.close()
    return summary


def ingest_paths(store: Store, paths: Sequence[str | Path], preset: str = "generic", **kwargs: Any) -> list[IngestSummary]:
    """Ingest files in the order given (which decides duplicates); one transaction per file."""
    return [ingest_file(store, path, preset, **kwargs) for path in paths]


def synth_files(folder: str | Path) -> list[Path]:
    """The files of a `workbench synth` folder in load order (accounts before posts, truth last)."""
    folder = Path(folder)
    names = ["accounts.parquet", "posts.parquet", "events.csv", "truth_accounts.parquet", "truth_posts.parquet"]
    return [folder / name for name in names if (folder / name).exists()]


__all__ = ["IngestSummary", "ingest_file", "ingest_paths", "synth_files"]
