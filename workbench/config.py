"""Paths and process-wide settings, in one place.

Layout follows cookiecutter-data-science: data/raw is never written by the workbench, data/interim holds
caches, data/processed holds analysis results; reports/ holds dated report runs.
"""
from __future__ import annotations

import os
import sys
from pathlib import Path

# numba (used by umap and pynndescent) compiles on first use; a persistent cache inside the virtual
# environment, warmed by `make env`, turns a ~30 s cold import into ~2 s.
os.environ.setdefault("NUMBA_CACHE_DIR", str(Path(sys.prefix) / "numba_cache"))


def project_root() -> Path:
    """The working directory: commands are run from the project root, as the Makefile does."""
    return Path(os.environ.get("WORKBENCH_HOME", os.getcwd()))


DATA_DIR = Path("data")
DEFAULT_DB = DATA_DIR / "workbench.duckdb"
INTERIM_DIR = DATA_DIR / "interim"
PROCESSED_DIR = DATA_DIR / "processed"
REPORTS_DIR = Path("reports")
NOTEBOOKS_DIR = Path("notebooks")


def cache_db_for(db_path: str | Path) -> Path:
    """The embedding/analysis cache database that belongs to a corpus database (beside it, `.cache`)."""
    db_path = Path(db_path)
    return db_path.with_name(db_path.stem + ".cache.duckdb")
