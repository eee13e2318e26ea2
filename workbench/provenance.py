"""What a result was made from: file hashes and the versions of every package that shapes a result.

One definition each, used by the pipeline (run manifests, evidence packs), the report runner and the
methods section.
"""
from __future__ import annotations

import hashlib
from importlib import metadata
from pathlib import Path

# Every package whose version can change a number, a cluster or a chart: storage and frames, coordination
# (igraph), scores (scikit-learn), narratives (umap-learn, hdbscan, numba, jieba), the report.
PACKAGES = ("workbench", "duckdb", "polars", "pyarrow", "numpy", "numba", "scikit-learn", "igraph",
            "umap-learn", "hdbscan", "jieba", "altair", "vl-convert-python", "papermill", "nbconvert")


def package_versions(packages: tuple[str, ...] = PACKAGES) -> dict[str, str]:
    """name -> installed version ("not installed" when absent; the workbench's own when run from a checkout)."""
    versions = {}
    for name in packages:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            if name == "workbench":
                from workbench import __version__

                versions[name] = __version__
            else:
                versions[name] = "not installed"
    return versions


def sha256_file(path: str | Path) -> str:
    """Hex SHA-256 of a file's bytes, read in 1 MiB blocks."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()
