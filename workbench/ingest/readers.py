"""Read input files as batches of raw rows, whatever their format, compression and encoding.

A reader never raises on a bad row: a row it cannot decode or parse becomes a `RawReject` with its row
number, the raw text and the reason, and the loader puts it in quarantine. Only a file that cannot be
read at all (missing, not the format it claims) raises `InputFileError`.

Row numbers are 1-based record numbers: for CSV/TSV the data rows after the header, for JSON Lines the
line number, for a JSON array the element index, for Parquet the row index.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Iterator

import polars as pl
import pyarrow as pa

from workbench.errors import InputFileError
from workbench.schema import PAYLOAD_RECORD_COLUMN, PAYLOAD_ROW_COLUMN
from workbench.store import (PackedRows, ParquetBytesMissing, pack_parquet_footer, pack_parquet_row_group, parquet_footer,
                             parquet_row_group_file, parquet_row_group_range)

GZIP_MAGIC = b"\x1f\x8b"
ZSTD_MAGIC = b"\x28\xb5\x2f\xfd"
PARQUET_MAGIC = b"PAR1"
ROW_COLUMN = PAYLOAD_ROW_COLUMN
RAW_COLUMN = PAYLOAD_RECORD_COLUMN
BATCH_ROWS = 100_000
# A Parquet row group up to this size (compressed, as in the file) is kept in the raw layer as its own bytes;
# a file with a larger one is decoded and packed again batch by batch, so memory stays bounded.
PARQUET_KEEP_MAX_BYTES = 64 << 20
# Arrow's CSV reader needs a whole row inside one block; a longer row makes it fail and the file is then
# read row by row by Python's csv module, which has no such limit.
CSV_BLOCK_BYTES = 32 << 20
# Text fields may legitimately be many megabytes; an unbalanced quote can still swallow the rest of a
# file, and then the swallowed text is quarantined with the malformed row rather than lost.
csv.field_size_limit(256 * 1024 * 1024)


@dataclass
class RawReject:
    row_number: int
    raw: str
    reason: str
    column: str | None = None


@dataclass
class RawBatch:
    """Rows read from a file.

    frame : the parsed rows (input columns plus `_row`; JSON records also `_raw`), for the preset.
    original : the same rows as read, as Arrow (`_row` plus the input columns, or `_row` and `_raw` for
        JSON records), kept in the raw layer so every row can be given back exactly.
    layout : how `original` holds the rows: "columns" or "json_records".
    packed : raw-layer entries the reader has already packed (a Parquet file's row groups as their own
        bytes, and its footer), written with this batch.
    """

    frame: pl.DataFrame
    rejects: list[RawReject] = field(default_factory=list)
    rows_read: int = 0
    original: pa.Table | None = None
    layout: str = "columns"
    packed: list[PackedRows] = field(default_factory=list)


@dataclass
class InputInfo:
    path: Path
    format: str  # csv | jsonl | json | parquet
    compression: str | None  # gzip | zstd | None
    encoding: str | None
    delimiter: str | None = None

    @property
    def format_label(self) -> str:
        return self.format + (f"+{self.compression}" if self.compression else "")


# -- detection ---------------------------------------------------------------------------------
def _head(path: Path, size: int = 1 << 20) -> bytes:
    with path.open("rb") as handle:
        return handle.read(size)


def detect_compression(path: Path) -> str | None:
    head = _head(path, 4)
    if head.startswith(GZIP_MAGIC):
        return "gzip"
    if head.startswith(ZSTD_MAGIC):
        return "zstd"
    return None


def open_binary(path: Path, compression: str | None) -> io.BufferedIOBase:
    if compression == "gzip":
        return gzip.open(path, "rb")
    if compression == "zstd":
        import zstandard

        return io.BufferedReader(zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True))
    return path.open("rb")


def _strip_compression_suffix(name: str) -> str:
    for suffix in (".gz", ".gzip", ".zst", ".zstd"):
        if name.endswith(suffix):
            return name[: -len(suffix)]
    return name


def detect_format(path: Path, compression: str | None, sample: bytes) -> str:
    if sample.startswith(PARQUET_MAGIC):
        return "parquet"
    name = _strip_compression_suffix(path.name.lower())
    for suffix, fmt in ((".parquet", "parquet"), (".jsonl", "jsonl"), (".ndjson", "jsonl"), (".json", "json"),
                        (".csv", "csv"), (".tsv", "csv"), (".tab", "csv"), (".txt", "csv")):
        if name.endswith(suffix):
            if fmt == "json" and not sample.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
                return "jsonl"  # many ".json" exports are really one object per line
            return fmt
    stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if stripped.startswith(b"["):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def detect_encoding(sample: bytes) -> str:
    """Guess the text encoding from the first MB: BOMs, UTF-16 without BOM, strict UTF-8, strict GB18030, else UTF-8."""
    if sample.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if sample.startswith(codecs.BOM_UTF16_LE) or sample.startswith(codecs.BOM_UTF16_BE):
        return "utf-16"
    if len(sample) >= 4:
        even_nuls = sample[0::2].count(0)
        odd_nuls = sample[1::2].count(0)
        half = len(sample) // 2
        if odd_nuls > 0.4 * half and even_nuls < 0.05 * half:
            return "utf-16-le"
        if even_nuls > 0.4 * half and odd_nuls < 0.05 * half:
            return "utf-16-be"
    try:
        sample.decode("utf-8")
        return "utf-8"
    except UnicodeDecodeError as error:
        if error.start >= len(sample) - 3:  # a multi-byte character cut by the sample's end
            return "utf-8"
    try:
        sample.decode("gb18030")
        return "gb18030"
    except UnicodeDecodeError:
        pass
    # Mostly UTF-8 with some broken bytes: keep UTF-8 so the broken rows are quarantined with their
    # bytes, rather than guessing a single-byte code page that would silently garble every row.
    # Other legacy encodings need --encoding.
    return "utf-8"


def inspect_input(path: str | Path, encoding: str | None = None, delimiter: str | None = None,
                  fmt: str | None = None) -> InputInfo:
    path = Path(path)
    if not path.exists():
        raise InputFileError(f"{path}: no such file")
    if path.is_dir():
        raise InputFileError(f"{path}: is a folder; name the files to ingest")
    compression = detect_compression(path)
    with open_binary(path, compression) as handle:
        try:
            sample = handle.read(1 << 20)
        except (OSError, EOFError, Exception) as error:  # corrupt gzip/zstd stream
            raise InputFileError(f"{path}: cannot decompress ({compression}): {error}") from error
    fmt = fmt or detect_format(path, compression, sample)
    if fmt == "parquet":
        return InputInfo(path, fmt, compression, None)
    encoding = encoding or detect_encoding(sample)
    if fmt == "csv" and delimiter is None:
        delimiter = _sniff_delimiter(path, sample, encoding)
    return InputInfo(path, fmt, compression, encoding, delimiter)


def _sniff_delimiter(path: Path, sample: bytes, encoding: str) -> str:
    if _strip_compression_suffix(path.name.lower()).endswith((".tsv", ".tab")):
        return "\t"
    text = sample.decode(encoding, errors="replace")
    first_lines = "\n".join(text.splitlines()[:20])
    try:
        return csv.Sniffer().sniff(first_lines, delimiters=",\t;|").delimiter
    except csv.Error:
        header = text.splitlines()[0] if text else ""
        return max(",\t;|", key=header.count)


# -- text helpers ------------------------------------------------------------------------------
def _has_surrogates(value: str) -> bool:
    try:
        value.encode("utf-8")
        return False
    except UnicodeEncodeError:
        return True


def _escape_surrogates(value: str) -> str:
    """Show undecodable bytes as \\xNN so the quarantined raw row is valid text and nothing is lost."""
    return value.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def _text_stream(path: Path, info: InputInfo) -> io.TextIOWrapper:
    binary = open_binary(path, info.compression)
    # surrogateescape keeps undecodable bytes, so the row can be quarantined with them instead of
    # aborting the file or silently replacing them.
    return io.TextIOWrapper(binary, encoding=info.encoding or "utf-8", errors="surrogateescape", newline="")


# -- CSV ---------------------------------------------------------------------------------------
class _NotForArrow(Exception):
    """The Arrow CSV reader cannot give exactly what the row-by-row reader would, from this row on."""


def iter_csv(info: InputInfo, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    """CSV rows in batches. Arrow's reader (C++) reads well-formed UTF-8 files; at the first thing it cannot
    read exactly as Python's csv module would (bad bytes, a ragged or blank row, an over-long row), the rest
    of the file is read row by row, so that each bad row is quarantined with its number and reason."""
    cells = _csv_header_cells(info)
    if cells is None:
        return
    header = _clean_header(cells)
    rows_done = 0
    if (info.encoding or "utf-8") in ("utf-8", "utf-8-sig"):
        try:
            for batch in _iter_csv_arrow(info, cells, header, batch_rows):
                yield batch
                rows_done += batch.rows_read
            return
        except (_NotForArrow, pa.ArrowException):
            pass
    yield from _iter_csv_rows(info, header, batch_rows, skip=rows_done)


def _csv_reader(stream: io.TextIOWrapper, info: InputInfo):
    return csv.reader(stream, delimiter=info.delimiter or ",")


def _clean_header(cells: list[str]) -> list[str]:
    """Column names from the header cells: no BOM, no surrounding blanks, unique, none empty."""
    return _dedupe_names([name.lstrip("\ufeff").strip() for name in cells])


def _csv_header_cells(info: InputInfo) -> list[str] | None:
    """The header row's cells as written (without a BOM), or None for an empty file."""
    with _text_stream(info.path, info) as stream:
        try:
            cells = next(_csv_reader(stream, info))
        except StopIteration:
            return None
        except csv.Error as error:
            raise InputFileError(f"{info.path}: cannot read the header row: {error}") from error
    if any(_has_surrogates(name) for name in cells):
        raise InputFileError(f"{info.path}: the header row is not valid {info.encoding}; pass --encoding")
    if cells:
        cells[0] = cells[0].lstrip("\ufeff")
    return cells


def _iter_csv_arrow(info: InputInfo, cells: list[str], header: list[str], batch_rows: int) -> Iterator[RawBatch]:
    import pyarrow.csv as pa_csv

    reader = pa_csv.open_csv(
        pa.input_stream(str(info.path), compression=info.compression),
        read_options=pa_csv.ReadOptions(block_size=CSV_BLOCK_BYTES),
        # The same dialect as csv.reader's default: quotes double to escape, no escape character, quoted
        # newlines; blank lines are kept so that they can be found (see _has_blank_rows).
        parse_options=pa_csv.ParseOptions(delimiter=info.delimiter or ",", quote_char='"', double_quote=True,
                                          escape_char=False, newlines_in_values=True, ignore_empty_lines=False),
        # Every column as text, empty cells as "" (as csv.reader gives them): no type guessing, no nulls.
        convert_options=pa_csv.ConvertOptions(column_types={name: pa.string() for name in cells},
                                              strings_can_be_null=False, quoted_strings_can_be_null=False),
    )
    names = reader.schema.names
    if _clean_header(names) != header or any(not pa.types.is_string(t) for t in reader.schema.types):
        raise _NotForArrow("Arrow read the header differently")
    row_number = 0
    for record_batch in reader:
        for start in range(0, record_batch.num_rows, batch_rows):
            table = pa.Table.from_batches([record_batch.slice(start, batch_rows)]).rename_columns(header)
            if _has_blank_rows(table):
                raise _NotForArrow("a blank line, which Arrow reads as a row of empty cells")
            numbers = pa.array(range(row_number + 1, row_number + 1 + table.num_rows), pa.int64())
            original = table.append_column(ROW_COLUMN, numbers)
            row_number += table.num_rows
            yield RawBatch(pl.from_arrow(original), [], rows_read=table.num_rows, original=original)


def _has_blank_rows(table: pa.Table) -> bool:
    """True when a row has only empty cells: csv.reader reads a blank line as a row of no fields (a ragged
    row, quarantined), Arrow as empty cells, and only the row-by-row reader tells the two apart."""
    import pyarrow.compute as pc

    if table.num_rows == 0 or table.num_columns == 0:
        return False
    all_empty = pc.equal(pc.utf8_length(table.column(0)), 0)
    for column in table.columns[1:]:
        all_empty = pc.and_(all_empty, pc.equal(pc.utf8_length(column), 0))
    return bool(pc.any(all_empty).as_py())


def _iter_csv_rows(info: InputInfo, header: list[str], batch_rows: int, skip: int = 0) -> Iterator[RawBatch]:
    """Row by row with Python's csv module, after the header and the first `skip` data rows."""
    width = len(header)
    good: list[list[str]] = []
    good_numbers: list[int] = []
    rejects: list[RawReject] = []
    with _text_stream(info.path, info) as stream:
        for row_number, row, error in _numbered_csv_rows(_csv_reader(stream, info)):
            if row_number <= skip:
                continue
            if error is not None:
                rejects.append(RawReject(row_number, "", f"malformed CSV row: {error}"))
            elif len(row) != width:
                raw = _escape_surrogates(info.delimiter.join(row) if info.delimiter else ",".join(row))
                rejects.append(RawReject(row_number, raw, f"expected {width} fields, found {len(row)}"))
            elif any(_has_surrogates(cell) for cell in row):
                bad = next(i for i, cell in enumerate(row) if _has_surrogates(cell))
                raw = json.dumps(dict(zip(header, (_escape_surrogates(c) for c in row))), ensure_ascii=False)
                rejects.append(RawReject(row_number, raw, f"bytes not valid {info.encoding} in column {header[bad]!r}", header[bad]))
            else:
                good.append(row)
                good_numbers.append(row_number)
            if len(good) + len(rejects) >= batch_rows:
                yield _csv_batch(header, good, good_numbers, rejects)
                good, good_numbers, rejects = [], [], []
    if good or rejects:
        yield _csv_batch(header, good, good_numbers, rejects)


def _numbered_csv_rows(reader) -> Iterator[tuple[int, list[str], csv.Error | None]]:
    """(row number, fields, error) for each data row after the header; a row csv cannot parse has an error."""
    next(reader)
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            row_number += 1
            yield row_number, [], error
            continue
        row_number += 1
        yield row_number, row, None


def _dedupe_names(names: list[str]) -> list[str]:
    seen: dict[str, int] = {}
    out = []
    for index, name in enumerate(names):
        name = name or f"column_{index + 1}"
        if name in seen:
            seen[name] += 1
            name = f"{name}_{seen[name]}"
        else:
            seen[name] = 0
        out.append(name)
    return out


def _csv_batch(header: list[str], rows: list[list[str]], numbers: list[int], rejects: list[RawReject]) -> RawBatch:
    columns = list(zip(*rows)) if rows else [()] * len(header)
    frame = pl.DataFrame(
        {name: pl.Series(name, list(values), dtype=pl.String) for name, values in zip(header, columns)}
    )
    frame = frame.with_columns(pl.Series(ROW_COLUMN, numbers, dtype=pl.Int64))
    return RawBatch(frame, rejects, rows_read=len(rows) + len(rejects), original=frame.to_arrow())


def raw_json(frame: pl.DataFrame) -> pl.Expr:
    """Each row as JSON text: the record's own text for JSON input, else an object of the input columns.

    Only rows that need it compute it (quarantined rows, and posts whose id is derived from their row), so
    its text must stay as it always was: derived post ids hash it.
    """
    if RAW_COLUMN in frame.columns:
        return pl.col(RAW_COLUMN)
    columns = [c for c in frame.columns if c != ROW_COLUMN]
    if not columns:
        return pl.lit("{}")
    return pl.struct([pl.col(c) for c in columns]).struct.json_encode()


# -- JSON --------------------------------------------------------------------------------------
RecordExpander = Callable[[Any], list[dict]]


def _flatten(record: dict, prefix: str = "") -> dict[str, str | None]:
    """One level of text values: nested objects become dotted keys, lists and scalars JSON or text."""
    flat: dict[str, str | None] = {}
    for key, value in record.items():
        name = f"{prefix}{key}"
        if isinstance(value, dict):
            flat.update(_flatten(value, name + "."))
        elif value is None:
            flat[name] = None
        elif isinstance(value, str):
            flat[name] = value
        elif isinstance(value, bool):
            flat[name] = "true" if value else "false"
        elif isinstance(value, (int, float)):
            flat[name] = repr(value)
        else:
            flat[name] = json.dumps(value, ensure_ascii=False)
    return flat


def _records_batch(records: list[tuple[int, dict, str]], rejects: list[RawReject]) -> RawBatch:
    flats = [_flatten(record) for _, record, _ in records]
    names: dict[str, None] = {}
    for flat in flats:
        for name in flat:
            names.setdefault(name, None)
    data = {name: pl.Series(name, [flat.get(name) for flat in flats], dtype=pl.String) for name in names}
    frame = pl.DataFrame(data) if data else pl.DataFrame({"_empty": pl.Series([None] * len(records), dtype=pl.String)})
    frame = frame.with_columns(
        pl.Series(ROW_COLUMN, [number for number, _, _ in records], dtype=pl.Int64),
        pl.Series(RAW_COLUMN, [raw for _, _, raw in records], dtype=pl.String),
    )
    if "_empty" in frame.columns:
        frame = frame.drop("_empty")
    # A record is a row: a JSON line holding a page of several posts counts once per post.
    return RawBatch(frame, rejects, rows_read=len(records) + len(rejects),
                    original=frame.select(ROW_COLUMN, RAW_COLUMN).to_arrow(), layout="json_records")


def _expand(value: Any, row_number: int, expand: RecordExpander | None, rejects: list[RawReject],
            raw_line: str) -> list[tuple[int, dict, str]]:
    if not isinstance(value, dict):
        rejects.append(RawReject(row_number, raw_line, f"expected a JSON object, found {type(value).__name__}"))
        return []
    try:
        records = expand(value) if expand else [value]
    except Exception as error:  # a preset could not understand this record: keep it with the reason
        rejects.append(RawReject(row_number, raw_line, f"record not understood by the preset: {error}"))
        return []
    if not records:
        rejects.append(RawReject(row_number, raw_line, "record holds no posts or accounts for this preset"))
    return [(row_number, record, json.dumps(record, ensure_ascii=False, sort_keys=True)) for record in records]


def iter_jsonl(info: InputInfo, expand: RecordExpander | None = None, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    with _text_stream(info.path, info) as stream:
        records: list[tuple[int, dict, str]] = []
        rejects: list[RawReject] = []
        lines_in_batch = 0
        for row_number, line in enumerate(stream, start=1):
            stripped = line.strip()
            if not stripped:
                rejects.append(RawReject(row_number, line, "empty line"))
                continue
            if _has_surrogates(stripped):
                rejects.append(RawReject(row_number, _escape_surrogates(stripped), f"bytes not valid {info.encoding}"))
                continue
            try:
                value = json.loads(stripped)
            except json.JSONDecodeError as error:
                rejects.append(RawReject(row_number, stripped, f"invalid JSON: {error.msg} at column {error.colno}"))
                continue
            records.extend(_expand(value, row_number, expand, rejects, stripped))
            lines_in_batch += 1
            if lines_in_batch >= batch_rows:
                yield _records_batch(records, rejects)
                records, rejects, lines_in_batch = [], [], 0
        if records or rejects:
            yield _records_batch(records, rejects)


def iter_json_array(info: InputInfo, expand: RecordExpander | None = None, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    """A JSON array is parsed whole (large exports should be JSON Lines, which stream)."""
    with _text_stream(info.path, info) as stream:
        text = stream.read()
    if _has_surrogates(text):
        raise InputFileError(f"{info.path}: bytes not valid {info.encoding}; pass --encoding, or convert to JSON Lines "
                             "so that bad records can be quarantined one by one")
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        raise InputFileError(f"{info.path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise InputFileError(f"{info.path}: expected a JSON array of objects")
    for start in range(0, len(document), batch_rows):
        records: list[tuple[int, dict, str]] = []
        rejects: list[RawReject] = []
        for offset, value in enumerate(document[start:start + batch_rows]):
            raw = json.dumps(value, ensure_ascii=False)
            records.extend(_expand(value, start + offset + 1, expand, rejects, raw))
        yield _records_batch(records, rejects)


# -- Parquet -----------------------------------------------------------------------------------
def iter_parquet(info: InputInfo, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    """Parquet rows in batches. The raw layer keeps the file's own bytes: its footer and each row group's
    bytes, and the rows are decoded from exactly those bytes (so they are known to give every row back).
    A file whose row groups cannot be kept that way (one larger than PARQUET_KEEP_MAX_BYTES, a layout not
    understood, or a reader that needs bytes outside the row groups' ranges before the first batch) is read
    as before: rows decoded from the file, each batch packed again as Arrow."""
    import pyarrow.parquet as pq

    try:
        parquet = pq.ParquetFile(str(info.path))
    except Exception as error:
        raise InputFileError(f"{info.path}: not a readable Parquet file: {error}") from error
    kept = _parquet_keepable(info.path, parquet.metadata)
    if kept is not None:
        batches = _iter_parquet_kept(info.path, parquet, kept, batch_rows)
        try:
            first = next(batches, None)
        except ParquetBytesMissing:
            first = batches = None
        if batches is not None:
            if first is not None:
                yield first
                yield from batches
            return
    yield from _iter_parquet_repacked(parquet, batch_rows)


def _iter_parquet_kept(path: Path, parquet, kept: tuple[bytes, list[tuple[int, int]], int], batch_rows: int) -> Iterator[RawBatch]:
    import pyarrow.parquet as pq

    footer, ranges, size = kept
    metadata = parquet.metadata
    pending: pa.Table | None = None
    packed: list[PackedRows] = [pack_parquet_footer(footer)]
    first_row = offset = 0
    with path.open("rb") as handle:
        for index, (start, end) in enumerate(ranges):
            n_rows = metadata.row_group(index).num_rows
            if n_rows == 0:
                continue
            handle.seek(start)
            data = handle.read(end - start)
            packed.append(pack_parquet_row_group(first_row + 1, n_rows, index, start, data, size))
            first_row += n_rows
            group = pq.ParquetFile(parquet_row_group_file(start, data, footer, size), metadata=metadata)
            for record_batch in group.iter_batches(batch_size=batch_rows, row_groups=[index]):
                table = pa.Table.from_batches([record_batch])
                pending = table if pending is None else pa.concat_tables([pending, table])
                while pending.num_rows >= batch_rows:
                    yield _parquet_batch(pending.slice(0, batch_rows), offset, packed)
                    offset += batch_rows
                    pending, packed = pending.slice(batch_rows), []
    if (pending is not None and pending.num_rows) or packed:
        yield _parquet_batch(pending if pending is not None else parquet.schema_arrow.empty_table(), offset, packed)


def _parquet_keepable(path: Path, metadata) -> tuple[bytes, list[tuple[int, int]], int] | None:
    """(footer, each row group's byte range, file size) when the file's row groups can be kept as bytes."""
    try:
        size = path.stat().st_size
        footer = parquet_footer(path, size)
        data_end = size - len(footer)
        ranges = [parquet_row_group_range(metadata, index, data_end) for index in range(metadata.num_row_groups)]
    except (OSError, ValueError):
        return None
    if any(end - start > PARQUET_KEEP_MAX_BYTES for start, end in ranges):
        return None
    return footer, ranges, size


def _parquet_batch(table: pa.Table, offset: int, packed: list[PackedRows]) -> RawBatch:
    numbers = pa.array(range(offset + 1, offset + 1 + table.num_rows), pa.int64())
    frame = pl.from_arrow(table.append_column(ROW_COLUMN, numbers))
    return RawBatch(frame, [], rows_read=table.num_rows, packed=packed)


def _iter_parquet_repacked(parquet, batch_rows: int) -> Iterator[RawBatch]:
    offset = 0
    for record_batch in parquet.iter_batches(batch_size=batch_rows):
        numbers = pa.array(range(offset + 1, offset + 1 + record_batch.num_rows), pa.int64())
        original = pa.Table.from_batches([record_batch]).append_column(ROW_COLUMN, numbers)
        offset += record_batch.num_rows
        frame = pl.from_arrow(original)
        yield RawBatch(frame, [], rows_read=record_batch.num_rows, original=original)


def iter_batches(info: InputInfo, expand: RecordExpander | None = None, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    if info.format == "parquet":
        if info.compression:
            raise InputFileError(f"{info.path}: compressed Parquet files are not supported; Parquet compresses internally")
        return iter_parquet(info, batch_rows)
    if info.format == "jsonl":
        return iter_jsonl(info, expand, batch_rows)
    if info.format == "json":
        return iter_json_array(info, expand, batch_rows)
    if info.format == "csv":
        return iter_csv(info, batch_rows)
    raise InputFileError(f"{info.path}: unknown format {info.format!r}")


def sha256_of(path: Path) -> str:
    from workbench.provenance import sha256_file

    return sha256_file(path)


__all__ = ["InputInfo", "RawBatch", "RawReject", "inspect_input", "iter_batches", "raw_json", "sha256_of", "ROW_COLUMN",
           "RAW_COLUMN"]
