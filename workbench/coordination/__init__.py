"""Coordination networks: co-action edges with evidence, fusion, communities, scores and exports.

Main entry point: :class:`workbench.coordination.network.CoordinationNetwork`. Semantics: docs/coordination.md.
"""
from __future__ import annotations

__all__ = ["CoordinationNetwork", "DEFAULT_SIGNALS"]


def __getattr__(name: str):
    # Imported on first use: `workbench network --help` reads `signal_names` without loading the network
    # (polars, numba kernels, igraph).
    if name in __all__:
        from workbench.coordination import network

        return getattr(network, name)
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
