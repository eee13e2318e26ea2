"""The one CSV writer of the workbench: no cell a spreadsheet would execute.

Post text, handles, URLs and family templates are written by the attacker. A CSV cell starting with `=`,
`+`, `-` or `@` (or a tab or carriage return, which some spreadsheets skip before such a character) is
read by Excel, LibreOffice and Google Sheets as a formula: `=HYPERLINK("http://evil.example","click")` or
`@SUM(1+1)*cmd|' /C calc'!A0` would run when an analyst opens the export. Following OWASP's advice, such
text cells are written with a leading single quote (`'=HYPERLINK(...)`), which spreadsheets show as text.
Numbers (a negative weight, -0.5) are numbers, not text, and are written as they are.

Only CSV is neutralised: Parquet and JSON keep every text exactly as stored, so an exact copy of a text
is always at hand. Every CSV the workbench writes goes through `write_csv` or `write_rows`.
"""
from __future__ import annotations

import csv
from pathlib import Path
from typing import IO, Any, Iterable, Sequence

import polars as pl

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_FORMULA_PATTERN = r"^[=+\-@\t\r]"
NEUTRALISING_PREFIX = "'"


def neutralise(value: Any) -> Any:
    """A text that a spreadsheet would execute, prefixed with a single quote; anything else unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_STARTS):
        return NEUTRALISING_PREFIX + value
    return value


def neutralise_frame(frame: pl.DataFrame) -> pl.DataFrame:
    """`frame` with every text cell (and column name) that a spreadsheet would execute neutralised.

    List columns are joined with "|" first (CSV has no list type), then neutralised like any text.
    """
    frame = frame.with_columns(
        pl.col(name).cast(pl.List(pl.String)).list.join("|")
        for name, dtype in frame.schema.items() if isinstance(dtype, pl.List)
    )
    texts = [name for name, dtype in frame.schema.items() if dtype == pl.String or isinstance(dtype, (pl.Categorical, pl.Enum))]
    frame = frame.with_columns(
        pl.when(pl.col(name).cast(pl.String).str.contains(_FORMULA_PATTERN))
        .then(pl.lit(NEUTRALISING_PREFIX) + pl.col(name).cast(pl.String))
        .otherwise(pl.col(name).cast(pl.String))
        .alias(name)
        for name in texts
    )
    renamed = {name: neutralise(name) for name in frame.columns if neutralise(name) != name}
    return frame.rename(renamed) if renamed else frame


def write_csv(frame: pl.DataFrame, path: str | Path | IO[bytes], **options: Any) -> None:
    """Write `frame` as CSV (to a path or a binary file object) with formula-like text neutralised (see the
    module). `options` go to polars' `DataFrame.write_csv` (float_precision, datetime_format, ...)."""
    neutralise_frame(frame).write_csv(path if hasattr(path, "write") else Path(path), **options)


def write_rows(path: str | Path, header: Sequence[str], rows: Iterable[Sequence[Any] | dict]) -> Path:
    """Write rows (sequences, or dicts keyed by `header`) as CSV with Python's csv module, neutralised."""
    path = Path(path)
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow([neutralise(name) for name in header])
        for row in rows:
            values = [row.get(name) for name in header] if isinstance(row, dict) else list(row)
            writer.writerow([neutralise(value) for value in values])
    return path


__all__ = ["FORMULA_STARTS", "neutralise", "neutralise_frame", "write_csv", "write_rows"]
