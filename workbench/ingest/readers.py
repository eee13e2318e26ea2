"""Read input files as batches of raw rows, whatever their format, compression and encoding.

A reader never raises on a bad row: a row it cannot decode or parse becomes a `RawReject` with its row
number, the raw text and the reason, and the loader puts it in quarantine. Only a file that cannot be
read at all (missing, empty, not a regular file, not the format it claims, past a `ReadLimits` bound such
as a decompression bomb) raises `InputFileError`.

Hostile rows that must cost one row and no more: an unbalanced CSV quote (the row is quarantined and the
lines it swallowed are read again as rows), bytes not valid in the file's encoding, a field longer than
the maximum (skipped in chunks, never held whole), JSON nested too deeply, a lone surrogate, a repeated
JSON key (the input's own text is kept so that both values stay in the raw layer), invalid UTF-8 in a
Parquet text column, input columns named like the readers' own (`_row`, `_raw`: renamed `_row_1`, ...).

Row numbers are 1-based record numbers: for CSV/TSV the data rows after the header, for JSON Lines the
line number, for a JSON array the element index, for Parquet the row index. After an unbalanced quote
the lines it swallowed get the next numbers, one per line.
"""
from __future__ import annotations

import codecs
import csv
import gzip
import io
import json
import os
import re
import stat
from collections import deque
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
# Names the readers add to every frame; an input column of the same name is renamed (see _dedupe_names).
RESERVED_NAMES = (ROW_COLUMN, RAW_COLUMN)


def reserved_alias(name: str) -> str:
    """The name an input column called like a column the readers add (`_row`, `_raw`) is read under: one no
    other column of a real file has (`_row (in the file)`), so that a mapping of `_row` finds it and only it."""
    return f"{name} (in the file)"


@dataclass(frozen=True)
class ReadLimits:
    """Bounds that keep a hostile file from exhausting memory.

    max_field_bytes : the longest field (and physical line) read; a longer row is quarantined with its first
        bytes. Text fields may legitimately be megabytes; a 1 GiB field is an attack or a broken file.
    max_ratio : a compressed file may expand to at most this many times its size (once past
        `ratio_floor_bytes`); beyond it the file is refused as a likely decompression bomb.
    """

    max_field_bytes: int = 64 << 20
    max_ratio: float = 200.0
    ratio_floor_bytes: int = 64 << 20

    def max_expanded_bytes(self, compressed_bytes: int) -> int:
        return max(int(self.max_ratio * compressed_bytes), self.ratio_floor_bytes)


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
    limits: ReadLimits = field(default_factory=ReadLimits)
    skip_lines: int = 0  # lines before the header that are not data (Excel's "sep=;" line)

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


class _BoundedStream(io.RawIOBase):
    """A decompressed stream that refuses to expand past `limit` bytes (a decompression bomb)."""

    def __init__(self, inner, path: Path, limit: int, compressed_bytes: int, max_ratio: float):
        self.inner, self.path, self.limit = inner, path, limit
        self.compressed_bytes, self.max_ratio = compressed_bytes, max_ratio
        self.produced = 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        try:
            data = self.inner.read(len(buffer))
        except (OSError, EOFError, ValueError) as error:  # a truncated or corrupt gzip/zstd stream
            raise InputFileError(f"{self.path}: the compressed data is corrupt or cut short "
                                 f"({type(error).__name__}: {error})") from None
        self.produced += len(data)
        if self.produced > self.limit:
            raise InputFileError(
                f"{self.path}: refused: it expands to more than {self.limit / 2**20:,.0f} MB from "
                f"{self.compressed_bytes / 2**20:,.1f} MB compressed (over {self.max_ratio:g} times its size), "
                "which looks like a decompression bomb; if the file is genuine, raise --max-ratio")
        buffer[:len(data)] = data
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


def open_binary(path: Path, compression: str | None, limits: ReadLimits | None = None) -> io.BufferedIOBase:
    """The file's bytes, decompressed; a compressed stream is bounded by `limits` (see ReadLimits)."""
    if compression == "gzip":
        inner = gzip.open(path, "rb")
    elif compression == "zstd":
        import zstandard

        inner = zstandard.ZstdDecompressor().stream_reader(path.open("rb"), closefd=True)
    else:
        return path.open("rb")
    limits = limits or ReadLimits()
    size = path.stat().st_size
    bounded = _BoundedStream(inner, path, limits.max_expanded_bytes(size), size, limits.max_ratio)
    return io.BufferedReader(bounded, buffer_size=1 << 20)


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
            if fmt == "json" and not _one_json_document(sample):
                return "jsonl"  # many ".json" exports are really one object per line
            return fmt
    stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    if _one_json_document(sample):
        return "json"
    if stripped.startswith(b"{"):
        return "jsonl"
    return "csv"


def _one_json_document(sample: bytes) -> bool:
    """An array, or one object printed over several lines (a saved API page: its first line is a lone "{",
    which no JSON Lines record is)."""
    stripped = sample.lstrip(b"\xef\xbb\xbf \t\r\n")
    return stripped.startswith(b"[") or stripped.split(b"\n", 1)[0].strip() == b"{"


def _utf8_evidence(sample: bytes) -> tuple[int, int]:
    """(invalid UTF-8 sequences, valid non-ASCII characters) in `sample`."""
    text = sample.decode("utf-8", "replace")
    invalid = text.count("\ufffd")
    non_ascii = len(text) - len(text.encode("ascii", "ignore"))
    return invalid, non_ascii - invalid


def detect_encoding(sample: bytes) -> str:
    """Guess the text encoding from a sample (the first MB): BOMs, UTF-16 without BOM, UTF-8, GB18030, CP1252.

    UTF-8 is chosen unless the sample is clearly in GB18030: a UTF-8 file with a few broken bytes stays
    UTF-8 (its broken rows are quarantined with their bytes), rather than being decoded whole as GB18030,
    which would garble every row without a word. GB18030 needs a sample that is mostly not UTF-8, decodes
    strictly, and whose two-byte characters look like Chinese text (both bytes >= 0x81; a Latin-1 "é"
    before an ASCII letter would decode as GB18030 too). CP1252 (Windows Latin-1, a superset of ISO-8859-1
    for text) needs a sample that is mostly not UTF-8 and whose bytes above 127 come alone or in pairs
    between ASCII bytes, as accented letters do ("Caf\xe9s"; see `_looks_like_single_byte_latin`). Other encodings need --encoding. Rows of a GB18030 or CP1252 file whose non-ASCII bytes
    are valid UTF-8 are quarantined, not decoded in the legacy encoding (see `_utf8_in_legacy_encoding`).
    """
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
        if error.start >= len(sample) - 3 and error.reason == "unexpected end of data":
            return "utf-8"
    invalid, valid_non_ascii = _utf8_evidence(sample)
    if invalid > 4 * valid_non_ascii and _looks_like_gb18030(sample):
        return "gb18030"
    if invalid > 4 * valid_non_ascii and _looks_like_single_byte_latin(sample):
        return "cp1252"
    return "utf-8"


def _looks_like_single_byte_latin(sample: bytes) -> bool:
    """At least 90 % of the bytes above 127 stand in runs of one or two between ASCII bytes, as accented
    letters do in Latin-script words ("Caf\xe9", "Gr\xf6\xdfe"); Cyrillic, Greek, Big5 or Shift-JIS
    text writes whole words as runs of such bytes, and is left to --encoding. Fewer than three runs are too
    little evidence (stray bytes in a UTF-8 file): the file stays UTF-8 and those rows are quarantined."""
    runs = [len(run) for run in re.findall(rb"[\x80-\xff]+", sample)]
    return len(runs) >= 3 and sum(n for n in runs if n <= 2) >= 0.9 * sum(runs)


def _looks_like_gb18030(sample: bytes) -> bool:
    try:
        text = sample.decode("gb18030")
    except UnicodeDecodeError as error:
        if error.start < len(sample) - 4:
            return False
        text = sample[:error.start].decode("gb18030")
    two_byte = [c.encode("gb18030") for c in text if ord(c) > 127]
    if not two_byte:
        return False
    chinese_like = sum(1 for b in two_byte if len(b) == 2 and b[1] >= 0x81)
    return chinese_like >= 0.9 * len(two_byte)


def check_encoding(encoding: str) -> str:
    """The codec name of `encoding`, or an error naming the closest known encodings."""
    try:
        codec = codecs.lookup(encoding)
        if not getattr(codec, "_is_text_encoding", True):
            raise InputFileError(f"--encoding {encoding!r} is not a text encoding; for example utf-8, utf-16, gb18030, big5, cp1252")
        return codec.name
    except LookupError:
        import difflib
        from encodings.aliases import aliases

        names = sorted(set(aliases) | set(aliases.values()) | {"utf-8", "utf-8-sig", "utf-16", "gb18030", "gbk", "big5", "latin-1", "cp1252"})
        close = difflib.get_close_matches(encoding.lower().replace("_", "-"), names, n=3, cutoff=0.6)
        hint = f"; did you mean {' or '.join(close)}?" if close else "; for example utf-8, utf-16, gb18030, big5, cp1252"
        raise InputFileError(f"unknown --encoding {encoding!r}{hint}") from None


def inspect_input(path: str | Path, encoding: str | None = None, delimiter: str | None = None,
                  fmt: str | None = None, limits: ReadLimits | None = None) -> InputInfo:
    """Format, compression, encoding and delimiter of an input file. Refuses what is not a regular file
    (folders, devices such as /dev/zero, FIFOs, sockets), empty files and unknown encodings."""
    path = Path(path)
    limits = limits or ReadLimits()
    if encoding:
        check_encoding(encoding)
    if delimiter is not None:
        delimiter = {"\\t": "\t", "tab": "\t"}.get(delimiter, delimiter)
        if len(delimiter) != 1 or delimiter in "\r\n\"":
            raise InputFileError(f"--delimiter must be one character other than a quote or line break, got {delimiter!r}")
    try:
        mode = os.stat(path).st_mode
    except FileNotFoundError:
        raise InputFileError(f"{path}: no such file") from None
    except OSError as error:
        raise InputFileError(f"{path}: cannot be read: {error.strerror}") from None
    if stat.S_ISDIR(mode):
        raise InputFileError(f"{path}: is a folder; name the files to ingest")
    if not stat.S_ISREG(mode):
        kind = ("a FIFO (named pipe)" if stat.S_ISFIFO(mode) else "a device" if stat.S_ISCHR(mode) or stat.S_ISBLK(mode)
                else "a socket" if stat.S_ISSOCK(mode) else "not a regular file")
        raise InputFileError(f"{path}: refused: it is {kind}, not a regular file; copy the data into a file and ingest that")
    if os.stat(path).st_size == 0:
        raise InputFileError(f"{path}: the file is empty (no header, no rows); nothing to load")
    try:
        compression = detect_compression(path)
    except OSError as error:
        raise InputFileError(f"{path}: cannot be read: {error.strerror or error}") from None
    with open_binary(path, compression, limits) as handle:
        try:
            sample = handle.read(1 << 20)
        except InputFileError:
            raise
        except (OSError, EOFError, Exception) as error:  # corrupt gzip/zstd stream
            raise InputFileError(f"{path}: cannot decompress ({compression}): {error}") from error
    if not sample:
        raise InputFileError(f"{path}: the file decompresses to nothing (no header, no rows); nothing to load")
    if sample in (codecs.BOM_UTF8, codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE):
        raise InputFileError(f"{path}: the file holds only a byte-order mark (no header, no rows); nothing to load")
    fmt = fmt or detect_format(path, compression, sample)
    if fmt == "parquet":
        return InputInfo(path, fmt, compression, None, limits=limits)
    encoding = encoding or detect_encoding(sample)
    skip_lines = 0
    if fmt == "csv":
        # Excel writes "sep=;" as the first line of a CSV saved for locales whose list separator is not a comma.
        directive = re.match(r"\ufeff?sep=(.)\r?\n", sample[:16].decode(encoding, errors="replace"))
        if directive:
            skip_lines, delimiter = 1, delimiter or directive.group(1)
    if fmt == "csv" and delimiter is None:
        delimiter = _sniff_delimiter(path, sample, encoding)
    return InputInfo(path, fmt, compression, encoding, delimiter, limits=limits, skip_lines=skip_lines)


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


def _keep_undecodable_bytes(error: UnicodeError) -> tuple[str, int]:
    """Decoding error handler "workbench-bytes": each byte that does not decode becomes the lone surrogate
    U+DC00 + byte, as Python's surrogateescape does for bytes 128-255, but for every byte (surrogateescape
    fails on a byte below 128, which a bad UTF-16 code unit holds: the whole file was lost). The row is then
    quarantined with its bytes shown (`_escape_surrogates`)."""
    if not isinstance(error, UnicodeDecodeError):
        raise error
    return "".join(chr(0xDC00 + byte) for byte in error.object[error.start:error.end]), error.end


codecs.register_error("workbench-bytes", _keep_undecodable_bytes)
_SURROGATE = re.compile("[\ud800-\udfff]")


def _escape_surrogates(value: str, escaped: bool | None = None) -> str:
    """Show undecodable bytes as \\xNN so the quarantined raw row is valid text and nothing is lost. Text that
    gets such escapes has its own backslashes doubled first, so the byte E9 (`\\xe9`) and the four characters
    `\\xe9` (`\\\\xe9`) stay apart. escaped: whether to do so (default: when `value` has undecodable bytes;
    a row's cells pass the row's answer, so that all of them read the same way)."""
    if not (_has_surrogates(value) if escaped is None else escaped):
        return value
    return _SURROGATE.sub(_shown, value.replace("\\", "\\\\"))


def _shown(match: re.Match) -> str:
    """An undecodable byte (U+DC00 + byte) as \\xNN; any other lone surrogate as \\uNNNN."""
    code = ord(match.group())
    return f"\\x{code - 0xDC00:02x}" if 0xDC00 <= code <= 0xDCFF else f"\\u{code:04x}"


def _text_stream(path: Path, info: InputInfo) -> io.TextIOWrapper:
    binary = open_binary(path, info.compression, info.limits)
    # "workbench-bytes" keeps undecodable bytes, so the row can be quarantined with them instead of
    # aborting the file or silently replacing them.
    stream = io.TextIOWrapper(binary, encoding=info.encoding or "utf-8", errors="workbench-bytes", newline="")
    for _ in range(info.skip_lines):
        stream.readline()
    return stream


# -- CSV ---------------------------------------------------------------------------------------
class _NotForArrow(Exception):
    """The Arrow CSV reader cannot give exactly what the row-by-row reader would, from this row on."""


class _OverlongLine(Exception):
    """A physical line longer than the maximum field size (its start and its length are kept)."""

    def __init__(self, start: str, length: int):
        super().__init__(length)
        self.start, self.length = start, length


class _PhysicalLines:
    """The physical lines of a text stream, for csv.reader: each line at most `limit` characters (the rest
    of a longer line is skipped, never held in memory, and _OverlongLine raised), the lines handed out
    since the last `take()` remembered, and lines can be put back to be read again."""

    def __init__(self, stream: io.TextIOWrapper, limit: int):
        self.stream, self.limit = stream, max(int(limit), 1)
        self.pending: deque[str] = deque()
        self.taken: list[str] = []

    def __iter__(self) -> "_PhysicalLines":
        return self

    def __next__(self) -> str:
        if self.pending:
            line = self.pending.popleft()
        else:
            line = self.stream.readline(self.limit)
            if not line:
                raise StopIteration
            if len(line) >= self.limit and not line.endswith(("\n", "\r")):
                length = len(line)
                while True:  # skip the rest of the line, chunk by chunk
                    more = self.stream.readline(self.limit)
                    length += len(more)
                    if not more or more.endswith(("\n", "\r")):
                        break
                self.taken = []
                raise _OverlongLine(line[:2000], length)
        self.taken.append(line)
        return line

    def take(self) -> list[str]:
        taken, self.taken = self.taken, []
        return taken

    def put_back(self, lines: list[str]) -> None:
        self.pending.extendleft(reversed(lines))


def iter_csv(info: InputInfo, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    """CSV rows in batches. Arrow's reader (C++) reads well-formed UTF-8 files; at the first thing it cannot
    read exactly as Python's csv module would (bad bytes, a ragged or blank row, an over-long row, a quoted
    field that swallows lines looking like rows), the rest of the file is read row by row, so that each bad
    row is quarantined with its number and reason. A header-only file gives one empty batch, so that the
    preset still checks its columns."""
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
            if rows_done == 0:
                yield _csv_batch(header, [], [], [])
            return
        except (_NotForArrow, pa.ArrowException):
            pass
    produced = False
    for batch in _iter_csv_rows(info, header, batch_rows, skip=rows_done):
        produced = True
        yield batch
    if not produced and rows_done == 0:
        yield _csv_batch(header, [], [], [])


def _csv_reader(lines, info: InputInfo):
    csv.field_size_limit(info.limits.max_field_bytes)
    return csv.reader(lines, delimiter=info.delimiter or ",")


def _clean_header(cells: list[str]) -> list[str]:
    """Column names from the header cells: no BOM, no surrounding blanks, unique, none empty, none of the
    names the readers add (`_row`, `_raw`)."""
    return _dedupe_names([name.lstrip("\ufeff").strip() for name in cells])


def _csv_header_cells(info: InputInfo) -> list[str] | None:
    """The header row's cells as written (without a BOM), or None for an empty file."""
    with _text_stream(info.path, info) as stream:
        try:
            reader = _csv_reader(_PhysicalLines(stream, info.limits.max_field_bytes), info)
            cells = next(reader)
            if not any(cell.strip() for cell in cells):
                line = next((number for number, row in enumerate(reader, start=2) if any(c.strip() for c in row)), None)
                raise InputFileError(f"{info.path}: the file holds only blank lines" if line is None else
                                     f"{info.path}: line 1 is blank; the header row (the column names) must be the "
                                     f"first line, and it is on line {line}: remove the blank lines before it")
        except StopIteration:
            return None
        except _OverlongLine as error:
            raise InputFileError(f"{info.path}: the header row is longer than the maximum field size "
                                 f"({error.length:,} characters); is this a CSV file?") from None
        except csv.Error as error:
            raise InputFileError(f"{info.path}: cannot read the header row: {error}") from error
    if any(_has_surrogates(name) for name in cells):
        raise InputFileError(f"{info.path}: the header row is not valid {info.encoding}; pass --encoding")
    if any("\x00" in name for name in cells):
        raise InputFileError(f"{info.path}: the header row holds NUL bytes; is this a CSV file?")
    if cells:
        cells[0] = cells[0].lstrip("\ufeff")
    return cells


def _csv_input_stream(info: InputInfo):
    if info.compression is None:
        return pa.input_stream(str(info.path), compression=None)  # the sniffed bytes decide, not the file name
    # Decompressed in Python, so that the decompression bound of ReadLimits holds for Arrow's reader too.
    return pa.PythonFile(open_binary(info.path, info.compression, info.limits), mode="r")


def _iter_csv_arrow(info: InputInfo, cells: list[str], header: list[str], batch_rows: int) -> Iterator[RawBatch]:
    import pyarrow.csv as pa_csv

    reader = pa_csv.open_csv(
        _csv_input_stream(info),
        read_options=pa_csv.ReadOptions(block_size=min(CSV_BLOCK_BYTES, info.limits.max_field_bytes),
                                        skip_rows=info.skip_lines),
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
            if _swallows_rows(table, len(header), info.delimiter or ","):
                raise _NotForArrow("a quoted field that runs over lines which read as rows (an unbalanced quote?)")
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


def _swallows_rows(table: pa.Table, width: int, delimiter: str) -> bool:
    """True when a cell holds line breaks and one of its later lines reads, on its own, as a whole row.

    That is the mark of an unbalanced quote: the quoted field runs on over the rows that follow. Only the
    (few) cells with line breaks are looked at in Python.
    """
    import pyarrow.compute as pc

    if width < 2 or table.num_rows == 0:
        return False
    for column in table.columns:
        multi_line = pc.or_(pc.match_substring(column, "\n"), pc.match_substring(column, "\r"))
        if not pc.any(multi_line).as_py():
            continue
        for cell in pc.filter(column, multi_line).to_pylist():
            if _lines_read_as_rows(cell.splitlines(keepends=True)[1:], width, delimiter):
                return True
    return False


def _lines_read_as_rows(lines: list[str], width: int, delimiter: str) -> bool:
    """True when one of `lines`, read on its own, is a well-formed row of exactly `width` fields."""
    if width < 2:
        return False
    for line in lines:
        if line.count(delimiter) < width - 1:
            continue
        try:
            rows = list(csv.reader([line], delimiter=delimiter, strict=True))
        except csv.Error:
            continue
        if len(rows) == 1 and len(rows[0]) == width:
            return True
    return False


def _utf8_in_legacy_encoding(row: list[str], encoding: str) -> int | None:
    """The index of the first cell whose bytes are valid UTF-8 (with non-ASCII text) in a file read in a
    legacy encoding: such a cell would be garbled by decoding it as GB18030 or CP1252 ("Ã©" for "é"), so
    its row is quarantined instead. None when there is none."""
    for index, cell in enumerate(row):
        if cell.isascii():
            continue
        try:
            cell.encode(encoding, "surrogateescape").decode("utf-8")
        except UnicodeError:
            continue
        return index
    return None


LEGACY_ENCODINGS = ("gb18030", "gbk", "gb2312", "cp1252", "iso8859-1")


def _iter_csv_rows(info: InputInfo, header: list[str], batch_rows: int, skip: int = 0) -> Iterator[RawBatch]:
    """Row by row with Python's csv module, after the header and the first `skip` data rows."""
    width = len(header)
    delimiter = info.delimiter or ","
    encoding = codecs.lookup(info.encoding or "utf-8").name
    good: list[list[str]] = []
    good_numbers: list[int] = []
    rejects: list[RawReject] = []
    with _text_stream(info.path, info) as stream:
        lines = _PhysicalLines(stream, info.limits.max_field_bytes)
        for row_number, row, problem, physical in _numbered_csv_rows(lines, info, width):
            if row_number <= skip:
                continue
            if problem is not None or len(row) != width:
                raw_text = _escape_surrogates("".join(physical).rstrip("\r\n"))  # the row's lines as read
                rejects.append(RawReject(row_number, raw_text, problem or f"expected {width} fields, found {len(row)}"))
            elif any(_has_surrogates(cell) for cell in row):
                bad = next(i for i, cell in enumerate(row) if _has_surrogates(cell))
                raw = json.dumps(dict(zip(header, (_escape_surrogates(c, escaped=True) for c in row))), ensure_ascii=False)
                hint = "" if encoding != "utf-8" else " (if the file is in another encoding, pass --encoding, e.g. gb18030 or cp1252)"
                rejects.append(RawReject(row_number, raw, f"bytes not valid {info.encoding} in column {header[bad]!r}{hint}", header[bad]))
            elif encoding in LEGACY_ENCODINGS and (bad := _utf8_in_legacy_encoding(row, encoding)) is not None:
                raw = json.dumps(dict(zip(header, row)), ensure_ascii=False)
                rejects.append(RawReject(row_number, raw, f"column {header[bad]!r} holds UTF-8 text in a file read as {encoding}; "
                                         "decoding it would garble it (pass --encoding utf-8 if the file is UTF-8)", header[bad]))
            else:
                good.append(row)
                good_numbers.append(row_number)
            if len(good) + len(rejects) >= batch_rows:
                yield _csv_batch(header, good, good_numbers, rejects)
                good, good_numbers, rejects = [], [], []
    if good or rejects:
        yield _csv_batch(header, good, good_numbers, rejects)


def _numbered_csv_rows(lines: _PhysicalLines, info: InputInfo, width: int) -> Iterator[tuple[int, list[str], str | None, list[str]]]:
    """(row number, fields, problem, physical lines) for each data row after the header.

    A row csv cannot parse, or longer than the maximum field size, has a problem. A row whose quoted field
    runs over later lines that read as rows of their own (an unbalanced quote) is cut back to its first
    line, which is given with a problem, and the lines after it are read again as rows: one stray quote
    costs one row, not the rest of the file.
    """
    delimiter = info.delimiter or ","
    reader = _csv_reader(lines, info)
    next(reader)
    lines.take()
    row_number = 0
    while True:
        try:
            row = next(reader)
        except StopIteration:
            return
        except _OverlongLine as error:
            row_number += 1
            reader = _csv_reader(lines, info)  # the reader may be midway through a row: start afresh
            yield (row_number, [], f"row longer than the maximum field size ({error.length:,} characters; "
                   f"limit {info.limits.max_field_bytes:,}); only its start is kept here", [error.start])
            continue
        except csv.Error as error:
            row_number += 1
            physical = lines.take()
            reader = _csv_reader(lines, info)
            yield row_number, [], f"malformed CSV row: {error}", [_cut(physical)]
            continue
        row_number += 1
        physical = lines.take()
        if len(physical) > 1 and _lines_read_as_rows(physical[1:], width, delimiter):
            lines.put_back(physical[1:])
            reader = _csv_reader(lines, info)
            yield (row_number, [], f"unbalanced quote: a quoted field opened on this row runs on over {len(physical) - 1:,} "
                   "lines that read as rows of their own; this row is quarantined and those lines are read as rows", physical[:1])
            continue
        yield row_number, row, None, physical


def _cut(lines: list[str], limit: int = 1 << 20) -> str:
    text = "".join(lines)
    return text if len(text) <= limit else text[:limit] + f"... [{len(text) - limit:,} more characters not kept]"


def _dedupe_names(names: list[str]) -> list[str]:
    """Unique names: one the readers add (`_row`, `_raw`) is read as `reserved_alias(name)`; a repeated name
    gets `_1`, `_2`, ..."""
    seen: dict[str, int] = {name: 0 for name in RESERVED_NAMES}
    taken = set(RESERVED_NAMES) | set(names)
    out = []
    for index, name in enumerate(names):
        name = name or f"column_{index + 1}"
        if name in RESERVED_NAMES:
            name = reserved_alias(name)
        if name in seen:
            base = name
            while name in seen or (name != base and name in taken):
                seen[base] += 1
                name = f"{base}_{seen[base]}"
        seen.setdefault(name, 0)
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
    # JSON has no bytes: a binary column (Parquet) is shown as its hex digits. (The schema is read once:
    # frame.schema builds it anew on each access, which made a 10,000-column file take minutes.)
    schema = frame.schema
    return pl.struct([pl.col(c).bin.encode("hex") if schema[c] == pl.Binary else pl.col(c)
                      for c in columns]).struct.json_encode()


# -- JSON --------------------------------------------------------------------------------------
RecordExpander = Callable[[Any], list[dict]]
# A key in JSON text: a string's closing quote, optional blanks, a colon. Counted to find duplicate keys.
_KEY_END = re.compile(r'"[ \t\r\n]*:')
_SURROGATE_ESCAPE = re.compile(r"\\u[dD][89a-fA-F]")


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
        elif isinstance(value, _WrittenNumber):
            flat[name] = value.text
        elif isinstance(value, (int, float)):
            flat[name] = repr(value)
        else:
            flat[name] = json.dumps(value, ensure_ascii=False)
    if not prefix:
        for reserved in RESERVED_NAMES:  # an input key named like a column the readers add keeps its value
            if reserved in flat:
                alias, number = reserved_alias(reserved), 0
                while (f"{alias}_{number}" if number else alias) in flat:
                    number += 1
                flat[f"{alias}_{number}" if number else alias] = flat.pop(reserved)
    return flat


def _records_batch(records: list[tuple[int, dict, str]], rejects: list[RawReject]) -> RawBatch:
    """records: (row number, flattened record, raw text) each."""
    flats = [flat for _, flat, _ in records]
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


def _has_duplicate_keys(text: str) -> bool:
    def refuse_duplicates(pairs: list[tuple[str, Any]]) -> dict:
        found = dict(pairs)
        if len(found) != len(pairs):
            raise _DuplicateKeys
        return found

    try:
        json.loads(text, object_pairs_hook=refuse_duplicates)
    except _DuplicateKeys:
        return True
    return False


class _DuplicateKeys(Exception):
    pass


def _lossy_redump(text: str, dumped: str) -> bool:
    """True when the record re-dumped (`dumped`) may have lost something of its JSON `text`: a value of a
    repeated key (json keeps the last), or a number too large for a float (1e400 becomes Infinity).

    Every key in the text ends with `":`, and so does every key re-dumped; the counts differ when keys
    were repeated (or a string holds `":` written differently), and only then is the text parsed again
    to be sure.
    """
    if "Infinity" in dumped or "NaN" in dumped:
        return True
    in_text = text.count('":') if not ('" ' in text or '"\t' in text or '"\r' in text or '"\n' in text) else len(_KEY_END.findall(text))
    return in_text != dumped.count('":') and _has_duplicate_keys(text)


def _record_rows(value: Any, row_number: int, raw_text: str, expand: RecordExpander | None,
                 rejects: list[RawReject], keep_text: bool = False) -> list[tuple[int, dict, str]]:
    """The rows (number, flattened record, raw text) of one parsed JSON value; a value that cannot be
    loaded becomes a reject instead. A record's raw text is its JSON, keys sorted; when that would lose
    something of the input (a repeated key's first value, a number out of range, a number written `1e3`:
    `keep_text`), it is the input's own text, so that every value stays in the raw layer."""
    if not isinstance(value, dict):
        rejects.append(RawReject(row_number, raw_text, f"expected a JSON object, found {type(value).__name__}"))
        return []
    if "\\u" in raw_text and _SURROGATE_ESCAPE.search(raw_text) and _has_surrogates(json.dumps(value, ensure_ascii=False)):
        rejects.append(RawReject(row_number, raw_text, "a JSON string holds a lone surrogate (\\ud800-\\udfff without its pair): "
                                 "not valid Unicode"))
        return []
    try:
        records = expand(value) if expand else [value]
    except RecursionError:
        raise  # the caller says "nested too deeply"
    except Exception as error:  # a preset could not understand this record: keep it with the reason
        rejects.append(RawReject(row_number, raw_text, f"record not understood by the preset: {error}"))
        return []
    if not records:
        rejects.append(RawReject(row_number, raw_text, "record holds no posts or accounts for this preset"))
        return []
    dumped = [json.dumps(record, ensure_ascii=False, sort_keys=True) for record in records]
    whole = dumped[0] if len(records) == 1 and records[0] is value else json.dumps(value, ensure_ascii=False)
    if keep_text or _lossy_redump(raw_text, whole):
        dumped = [raw_text] * len(records)
    return [(row_number, _flatten(record), raw) for record, raw in zip(records, dumped)]


def overlong_line_reject(row_number: int, start: str, length: int, info: InputInfo) -> RawReject:
    """The reject for a JSON Lines line longer than the maximum field size: its start, its length."""
    return RawReject(row_number, _escape_surrogates(start[:2000]),
                     f"line longer than the maximum field size ({length:,} characters; limit "
                     f"{info.limits.max_field_bytes:,}); only its start is kept here")


class _WrittenNumber(float):
    """A JSON number with a fraction or an exponent that keeps the text it was written as: an id written
    `1e3` is loaded as "1e3", not as Python's "1000.0"."""

    def __new__(cls, text: str):
        number = super().__new__(cls, text)
        number.text = text
        return number


class _NumbersAsWritten:
    """json.loads' parse_float: numbers as _WrittenNumber, noting whether any would be re-dumped differently
    (`1e3`, `1.50`), in which case the record's raw text must be the input's own."""

    def __init__(self):
        self.rewritten = False

    def __call__(self, text: str) -> _WrittenNumber:
        number = _WrittenNumber(text)
        self.rewritten = self.rewritten or repr(float(number)) != text
        return number


def _refuse_constant(name: str):
    """NaN, Infinity and -Infinity are not JSON (Python's parser accepts them): such a row is quarantined
    rather than stored as the text "nan"."""
    raise ValueError(f"{name} is not a JSON value")


def _parse_record_line(text: str, row_number: int, expand: RecordExpander | None,
                       rejects: list[RawReject]) -> list[tuple[int, dict, str]]:
    """The rows of one JSON text (a JSON Lines line, or an array element re-dumped); bad ones are rejects."""
    numbers = _NumbersAsWritten()
    try:
        value = json.loads(text, parse_constant=_refuse_constant, parse_float=numbers)
    except json.JSONDecodeError as error:
        rejects.append(RawReject(row_number, text, f"invalid JSON: {error.msg} at column {error.colno}"))
        return []
    except RecursionError:
        rejects.append(RawReject(row_number, _cut([text]), "JSON nested too deeply to read"))
        return []
    except ValueError as error:  # e.g. an integer of more than 4,300 digits
        rejects.append(RawReject(row_number, _cut([text]), f"invalid JSON value: {error}"))
        return []
    try:
        return _record_rows(value, row_number, text, expand, rejects, keep_text=numbers.rewritten)
    except RecursionError:
        rejects.append(RawReject(row_number, _cut([text]), "JSON nested too deeply to read"))
    except ValueError as error:
        rejects.append(RawReject(row_number, _cut([text]), f"invalid JSON value: {error}"))
    return []


def _limited_lines(stream: io.TextIOWrapper, limit: int) -> Iterator[tuple[str, int | None]]:
    """(line, None) for each line of at most `limit` characters, (its start, its length) for a longer one,
    whose rest is skipped chunk by chunk and never held in memory."""
    while True:
        line = stream.readline(limit)
        if not line:
            return
        if len(line) >= limit and not line.endswith(("\n", "\r")):
            length = len(line)
            while True:
                more = stream.readline(limit)
                length += len(more)
                if not more or more.endswith(("\n", "\r")):
                    break
            yield line[:2000], length
        else:
            yield line, None


def json_line_reject(line: str, stripped: str, row_number: int, info: InputInfo) -> RawReject | None:
    """The reject for a JSON Lines line that cannot be parsed as text (empty, bytes not valid in the file's
    encoding, UTF-8 read as a legacy encoding), or None. Shared by every JSON Lines reader."""
    encoding = codecs.lookup(info.encoding or "utf-8").name
    if not stripped:
        return RawReject(row_number, line, "empty line")
    if _has_surrogates(stripped):
        hint = "" if encoding != "utf-8" else " (if the file is in another encoding, pass --encoding)"
        return RawReject(row_number, _escape_surrogates(stripped), f"bytes not valid {info.encoding}{hint}")
    if encoding in LEGACY_ENCODINGS and _utf8_in_legacy_encoding([stripped], encoding) is not None:
        return RawReject(row_number, stripped, f"the line is UTF-8 text in a file read as {encoding}; decoding it "
                         "would garble it (pass --encoding utf-8 if the file is UTF-8)")
    return None


def iter_jsonl(info: InputInfo, expand: RecordExpander | None = None, batch_rows: int = BATCH_ROWS) -> Iterator[RawBatch]:
    with _text_stream(info.path, info) as stream:
        records: list[tuple[int, dict, str]] = []
        rejects: list[RawReject] = []
        lines_in_batch = 0
        for row_number, (line, overlong) in enumerate(_limited_lines(stream, info.limits.max_field_bytes), start=1):
            if overlong is not None:
                rejects.append(overlong_line_reject(row_number, line, overlong, info))
                continue
            stripped = line.strip()
            rejected = json_line_reject(line, stripped, row_number, info)
            if rejected is not None:
                rejects.append(rejected)
                continue
            records.extend(_parse_record_line(stripped, row_number, expand, rejects))
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
    numbers = _NumbersAsWritten()
    try:
        document = json.loads(text, parse_constant=_refuse_constant, parse_float=numbers)
    except json.JSONDecodeError as error:
        raise InputFileError(f"{info.path}: invalid JSON at line {error.lineno} column {error.colno}: {error.msg}") from error
    except RecursionError:
        raise InputFileError(f"{info.path}: JSON nested too deeply to read; convert it to JSON Lines so that the deep "
                             "records can be quarantined one by one") from None
    except ValueError as error:
        raise InputFileError(f"{info.path}: invalid JSON: {error}") from None
    if isinstance(document, dict):
        document = [document]
    if not isinstance(document, list):
        raise InputFileError(f"{info.path}: expected a JSON array of objects")
    # Each element's raw text is its JSON re-dumped, unless the document repeats a key or writes a number
    # differently somewhere: then each element's own text is cut out of the document, so that every value
    # stays in the raw layer as written.
    lossy = numbers.rewritten or _lossy_redump(text, json.dumps(document, ensure_ascii=False))
    own_texts = _array_element_texts(text) if lossy else None
    for start in range(0, len(document), batch_rows):
        records: list[tuple[int, dict, str]] = []
        rejects: list[RawReject] = []
        for offset, value in enumerate(document[start:start + batch_rows]):
            row_number = start + offset + 1
            try:
                raw = own_texts[row_number - 1] if own_texts else json.dumps(value, ensure_ascii=False)
                if _has_surrogates(raw):
                    rejects.append(RawReject(row_number, json.dumps(value), "a JSON string holds a lone surrogate "
                                             "(\\ud800-\\udfff without its pair): not valid Unicode"))
                    continue
                records.extend(_record_rows(value, row_number, raw, expand, rejects))
            except RecursionError:
                rejects.append(RawReject(row_number, "", "JSON nested too deeply to read"))
            except (ValueError, UnicodeError) as error:
                rejects.append(RawReject(row_number, _escape_surrogates(repr(value)[:2000]), f"invalid JSON value: {error}"))
        yield _records_batch(records, rejects)


def _array_element_texts(text: str) -> list[str] | None:
    """The text of each element of a JSON array document, as written (None if it is not an array)."""
    decoder = json.JSONDecoder()
    position = len(text) - len(text.lstrip("\ufeff \t\r\n"))
    if not text.startswith("[", position):
        return None
    position += 1
    texts = []
    while True:
        while position < len(text) and text[position] in " \t\r\n,":
            position += 1
        if position >= len(text) or text[position] == "]":
            return texts
        _, end = decoder.raw_decode(text, position)
        texts.append(text[position:end])
        position = end


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
    _check_parquet_expansion(info, parquet.metadata)
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


def _check_parquet_expansion(info: InputInfo, metadata) -> None:
    """Refuse a Parquet file whose row group would expand past the decompression bound (see ReadLimits)."""
    size = info.path.stat().st_size
    limit = info.limits.max_expanded_bytes(size)
    for index in range(metadata.num_row_groups):
        expanded = metadata.row_group(index).total_byte_size
        if expanded > limit:
            raise InputFileError(
                f"{info.path}: refused: row group {index} expands to {expanded / 2**20:,.0f} MB from a "
                f"{size / 2**20:,.1f} MB file (over {info.limits.max_ratio:g} times its size), which looks like a "
                "decompression bomb; if the file is genuine, raise --max-ratio")


def _numbered(table: pa.Table, offset: int) -> pa.Table:
    """The rows with `_row` (1-based, after `offset`); input columns named `_row` or `_raw` renamed."""
    names = _dedupe_names(table.column_names)
    if names != table.column_names:
        table = table.rename_columns(names)
    return table.append_column(ROW_COLUMN, pa.array(range(offset + 1, offset + 1 + table.num_rows), pa.int64()))


def _decoded_text(column: pa.ChunkedArray) -> tuple[pa.ChunkedArray | pa.Array, dict[int, bytes]]:
    """A text (or binary) column as valid UTF-8 strings, and the rows whose bytes are not valid UTF-8 (null
    in the column returned) with those bytes. A binary column that is mostly not text (images, hashes) is
    given back as is."""
    is_binary = pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)
    if is_binary:
        try:
            return column.cast(pa.large_string() if pa.types.is_large_binary(column.type) else pa.string()), {}
        except pa.ArrowInvalid:
            values = column.to_pylist()
    else:
        try:
            column.validate(full=True)
            return column, {}
        except pa.ArrowInvalid:
            values = column.cast(pa.large_binary() if pa.types.is_large_string(column.type) else pa.binary()).to_pylist()
    decoded: list[str | None] = []
    bad: dict[int, bytes] = {}
    for row_index, value in enumerate(values):
        try:
            decoded.append(None if value is None else value.decode("utf-8"))
        except UnicodeDecodeError:
            decoded.append(None)
            bad[row_index] = value
    if is_binary and len(bad) * 2 > len(values) - values.count(None):
        return column, {}
    return pa.array(decoded, pa.string()), bad


def _checked_text(table: pa.Table) -> tuple[pa.Table, list[RawReject]]:
    """`table` (numbered) without the rows whose text columns hold bytes that are not UTF-8, and those rows
    as rejects naming the column (the raw layer keeps their bytes). Polars would fail on the whole batch."""
    bad_rows: dict[int, str] = {}
    raw_values: dict[int, Any] = {}
    for index, name in enumerate(table.column_names):
        column = table.column(index)
        if not (pa.types.is_string(column.type) or pa.types.is_large_string(column.type)
                or pa.types.is_binary(column.type) or pa.types.is_large_binary(column.type)):
            continue
        decoded, bad = _decoded_text(column)
        if decoded is not column:
            for row_index, value in bad.items():
                if row_index not in bad_rows:
                    bad_rows[row_index] = name
                    raw_values[row_index] = value
            table = table.set_column(index, name, decoded)
    if not bad_rows:
        return table, []
    rejects = []
    numbers = table.column(ROW_COLUMN).to_pylist()
    for row_index in sorted(bad_rows):
        name = bad_rows[row_index]
        row = table.slice(row_index, 1).drop_columns([ROW_COLUMN]).to_pylist()[0]
        value = raw_values[row_index]
        row[name] = value.decode("utf-8", "backslashreplace") if isinstance(value, bytes) else value
        raw = json.dumps(row, ensure_ascii=False, default=str)
        rejects.append(RawReject(numbers[row_index], raw, f"bytes not valid utf-8 in column {name!r}", name))
    keep = pa.array([i not in bad_rows for i in range(table.num_rows)])
    return table.filter(keep), rejects


def _zones_polars_reads(table: pa.Table) -> pa.Table:
    """Timestamps whose zone polars cannot read (pandas writes fixed offsets such as "+05:30"; a zone name
    may be unknown) as UTC: an Arrow timestamp holds the instant in UTC whatever its zone, so only the
    label changes. Polars would refuse the whole file."""
    import zoneinfo

    for index, field in enumerate(table.schema):
        zone = field.type.tz if pa.types.is_timestamp(field.type) else None
        if zone is None or zone == "UTC":
            continue
        try:
            zoneinfo.ZoneInfo(zone)
        except (zoneinfo.ZoneInfoNotFoundError, ValueError):
            table = table.set_column(index, field.name, table.column(index).cast(pa.timestamp(field.type.unit, "UTC")))
    return table


def _parquet_batch(table: pa.Table, offset: int, packed: list[PackedRows]) -> RawBatch:
    checked, rejects = _checked_text(_zones_polars_reads(_numbered(table, offset)))
    return RawBatch(pl.from_arrow(checked), rejects, rows_read=table.num_rows, packed=packed)


def _iter_parquet_repacked(parquet, batch_rows: int) -> Iterator[RawBatch]:
    offset = 0
    for record_batch in parquet.iter_batches(batch_size=batch_rows):
        original = _numbered(pa.Table.from_batches([record_batch]), offset)
        offset += record_batch.num_rows
        checked, rejects = _checked_text(_zones_polars_reads(original))
        yield RawBatch(pl.from_arrow(checked), rejects, rows_read=record_batch.num_rows, original=original)


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
