"""Coordination networks: co-action edges with evidence, fusion, communities, scores and exports.

Main entry point: :class:`workbench.coordination.network.CoordinationNetwork`. Semantics: docs/coordination.md.
"""
from workbench.coordination.network import DEFAULT_SIGNALS, CoordinationNetwork

__all__ = ["CoordinationNetwork", "DEFAULT_SIGNALS"]
