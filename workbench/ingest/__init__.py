"""Lossless ingest of platform exports into the store (see `workbench.ingest.loader`).

The loader (and with it polars, DuckDB and the presets) is imported on first use of a name below, so that
`workbench ingest --help` can list the presets without loading them (`workbench.ingest.presets.describe`).
"""
from __future__ import annotations

__all__ = ["IngestSummary", "ingest_file", "ingest_paths", "synth_files"]


def __getattr__(name: str):
    if name in __all__:
        from workbench.ingest import loader

        return getattr(loader, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
