"""Lossless ingest of platform exports into the store (see `workbench.ingest.loader`)."""
from workbench.ingest.loader import IngestSummary, ingest_file, ingest_paths, synth_files

__all__ = ["IngestSummary", "ingest_file", "ingest_paths", "synth_files"]
