"""JSON Lines decoded a block at a time by Arrow's JSON reader (C++) against a schema.

`readers.iter_jsonl` parses each line with Python's json module and flattens every record into a dict:
about 100 µs per tweet of a Twitter API v2 export (9,500 rows/s on an idle core). A preset that knows
the fields it maps can instead use `iter_json_blocks`: the file is read in blocks of whole lines
(`BLOCK_BYTES`), and each block is decoded at once by `pyarrow.json` against the preset's Arrow schema,
which keeps only the schema's fields.

A block is decoded this way only when the result is known to be what reading it line by line would give:
UTF-8 text (checked), no lone carriage return (the line-by-line reader also ends lines at one), one
decoded record per line (so no blank or whitespace-only line), and every value of the type the schema says
(Arrow's reader is strict: text where a count is expected, a number where text is expected, invalid JSON,
a non-object line all fail the block). Any other block comes back with `table=None`, and the preset reads
it line by line as before (`iter_block_records`), so every bad line is still quarantined with its number
and reason, only slower.

Each block also keeps its lines as read (with their line break), for the raw layer.
"""
from __future__ import annotations

import io
from dataclasses import dataclass
from typing import Iterator

import numpy as np
import pyarrow as pa
import pyarrow.json as pa_json

from workbench.ingest.readers import (InputInfo, RawBatch, RawReject, RecordExpander, _parse_record_line,
                                      _records_batch, json_line_reject, open_binary, overlong_line_reject)

# 32 MB of lines per block: ~33,000 tweets of a v2 export (about 1 KB each with their page's users).
# Memory is bounded by it, whatever the file's size; a block that must be read line by line costs ~3 s.
BLOCK_BYTES = 32 << 20
# Arrow parses a block in pieces of this size on its thread pool (both cores when the machine is idle).
PARSE_BYTES = 4 << 20
_UTF8_ENCODINGS = ("utf-8", "utf-8-sig")


@dataclass
class JsonBlock:
    """Lines `first_line` .. `first_line + len(lines) - 1` of the file (1-based) as `lines` (text with its
    line break) and, when the block could be decoded whole, `table`: row i is line `first_line + i`.
    When `table` is None, `data` holds the block's bytes for `iter_block_records`."""

    first_line: int
    lines: pa.Array | None
    table: pa.Table | None
    data: bytes = b""


def fast_path_applies(info: InputInfo) -> bool:
    """Block decoding needs UTF-8 JSON Lines; other encodings are read line by line."""
    return info.format == "jsonl" and (info.encoding or "utf-8") in _UTF8_ENCODINGS


def _blocks_of_lines(info: InputInfo, block_bytes: int) -> Iterator[bytes]:
    """The (decompressed) file in blocks that end after a line break (the last one may not)."""
    with open_binary(info.path, info.compression, info.limits) as handle:
        carry = b""
        first = True
        while True:
            chunk = handle.read(block_bytes)
            if first and info.encoding == "utf-8-sig" and chunk.startswith(b"\xef\xbb\xbf"):
                chunk = chunk[3:]
            first = False
            if not chunk:
                if carry:
                    yield carry
                return
            data = carry + chunk
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry = data[cut + 1:]
            yield data[: cut + 1]


def _split_lines(data: bytes) -> tuple[pa.Array, int]:
    """(the block's lines, each with its "\\n", as an Arrow string array over the block's own bytes (no copy),
    the longest line's length in bytes)."""
    ends = np.flatnonzero(np.frombuffer(data, dtype=np.uint8) == 10) + 1
    if not data.endswith(b"\n"):
        ends = np.append(ends, len(data))
    offsets = np.concatenate(([0], ends)).astype(np.int64)
    longest = int(np.diff(offsets).max()) if len(ends) else 0
    return pa.LargeStringArray.from_buffers(len(ends), pa.py_buffer(offsets), pa.py_buffer(data)), longest


def iter_json_blocks(info: InputInfo, schema: pa.Schema, block_bytes: int | None = None) -> Iterator[JsonBlock]:
    """The file's lines in blocks of about `block_bytes` (default BLOCK_BYTES), each decoded against `schema`
    when that is exact (module docstring)."""
    options = pa_json.ParseOptions(explicit_schema=schema, unexpected_field_behavior="ignore", newlines_in_values=False)
    next_line = 1
    for data in _blocks_of_lines(info, block_bytes or BLOCK_BYTES):
        # A lone \r also ends a line for the line-by-line reader (`in` is one memchr; most files have none).
        if b"\r" in data and data.count(b"\r") != data.count(b"\r\n"):
            yield JsonBlock(next_line, None, None, data)
            next_line += _count_text_lines(data, info)
            continue
        lines, longest = _split_lines(data)  # longest in bytes, >= characters
        table = None
        if longest > info.limits.max_field_bytes:  # read line by line, where the long line is quarantined
            yield JsonBlock(next_line, None, None, data)
            next_line += _count_text_lines(data, info)
            continue
        try:
            lines.validate(full=True)  # UTF-8
            decoded = pa_json.read_json(io.BytesIO(data), read_options=pa_json.ReadOptions(use_threads=True, block_size=PARSE_BYTES),
                                        parse_options=options)
            if decoded.num_rows == len(lines):
                table = decoded
        except (pa.ArrowInvalid, pa.ArrowNotImplementedError):
            table = None
        yield JsonBlock(next_line, lines if table is not None else None, table, b"" if table is not None else data)
        next_line += len(lines)


def _text_lines(data: bytes, info: InputInfo) -> io.TextIOWrapper:
    # As readers._text_stream: undecodable bytes kept ("workbench-bytes"), lines end at \n, \r\n or \r.
    return io.TextIOWrapper(io.BytesIO(data), encoding="utf-8", errors="workbench-bytes", newline="")


def _count_text_lines(data: bytes, info: InputInfo) -> int:
    return sum(1 for _ in _text_lines(data, info))


def iter_block_records(block: JsonBlock, info: InputInfo, expand: RecordExpander, batch_rows: int) -> Iterator[RawBatch]:
    """A block that could not be decoded whole, read line by line exactly as `readers.iter_jsonl` reads a
    file (same rejects and reasons, same records), numbered from the block's first line."""
    records: list[tuple[int, dict, str]] = []
    rejects: list[RawReject] = []
    lines_in_batch = 0
    for row_number, line in enumerate(_text_lines(block.data, info), start=block.first_line):
        if len(line) > info.limits.max_field_bytes:
            rejects.append(overlong_line_reject(row_number, line, len(line), info))
            continue
        stripped = line.strip()
        rejected = json_line_reject(line, stripped, row_number, info)
        if rejected is not None:
            rejects.append(rejected)
            continue
        # invalid JSON, nesting, repeated keys, lone surrogates: the readers' one record parser decides
        records.extend(_parse_record_line(stripped, row_number, expand, rejects))
        lines_in_batch += 1
        if lines_in_batch >= batch_rows:
            yield _records_batch(records, rejects)
            records, rejects, lines_in_batch = [], [], 0
    if records or rejects:
        yield _records_batch(records, rejects)
