"""Communities on the fused account graph (Leiden, seeded) and the per-account / per-community summaries."""
from __future__ import annotations

import random

import igraph as ig
import numpy as np
import polars as pl

from workbench.arrays import distinct


def leiden_communities(
    sources: np.ndarray, targets: np.ndarray, weights: np.ndarray, n_nodes: int, *, resolution: float = 1.0, seed: int = 0
) -> np.ndarray:
    """Leiden maximising modularity with ``resolution`` (igraph's own implementation) on an undirected weighted graph.

    sources, targets: int (m,) node codes 0..n_nodes-1; weights: float (m,) > 0. Returns int64 (n_nodes,)
    community ids, numbered by decreasing size (ties: smallest member code first); isolated nodes get -1.
    Deterministic: same edges in the same order and the same seed give the same partition.
    """
    membership = np.full(n_nodes, -1, dtype=np.int64)
    if len(sources) == 0:
        return membership
    # Leiden runs on the connected nodes only (isolated accounts are most of a corpus and cost time).
    connected = distinct(np.concatenate((np.asarray(sources), np.asarray(targets))))
    local_sources = np.searchsorted(connected, sources)
    local_targets = np.searchsorted(connected, targets)
    graph = ig.Graph(n=connected.size, edges=np.column_stack((local_sources, local_targets)).tolist(), directed=False)
    # igraph's C Leiden optimises the same objective as leidenalg's RBConfigurationVertexPartition, 20x
    # faster (2M posts: 0.33 s against 7.2 s, modularity 0.1262 against 0.1262). Its random numbers come
    # from the generator igraph is given: a private one seeded here keeps the partition reproducible.
    igraph_random = random.Random(int(seed))
    ig.set_random_number_generator(igraph_random)
    try:
        partition = graph.community_leiden(objective_function="modularity", weights=np.asarray(weights, dtype=float).tolist(),
                                           resolution=resolution, n_iterations=-1)
    finally:
        ig.set_random_number_generator(random)
    frame = pl.DataFrame({"node": connected, "raw": np.asarray(partition.membership, dtype=np.int64)})
    ranking = (
        frame.group_by("raw")
        .agg(size=pl.len(), first=pl.col("node").min())
        .sort(["size", "first"], descending=[True, False])
        .with_row_index("community")
    )
    numbered = frame.join(ranking.select("raw", "community"), on="raw", how="left")
    membership[numbered["node"].to_numpy()] = numbered["community"].to_numpy()
    return membership


def node_strengths(fused: pl.DataFrame, n_nodes: int) -> tuple[np.ndarray, np.ndarray]:
    """Weighted degree (sum of fused weights) and partner count per node code, float64/int64 (n_nodes,)."""
    sources, targets = fused["source"].to_numpy(), fused["target"].to_numpy()
    weight = fused["weight"].to_numpy().astype(float)
    strength = np.bincount(sources, weights=weight, minlength=n_nodes) + np.bincount(targets, weights=weight, minlength=n_nodes)
    partners = np.bincount(sources, minlength=n_nodes) + np.bincount(targets, minlength=n_nodes)
    return strength, partners.astype(np.int64)


def strongest_partners(fused: pl.DataFrame, top: int = 3) -> pl.DataFrame:
    """Per node code: its ``top`` partners by fused weight (ties by partner code). Columns node, partners."""
    both = pl.concat(
        [
            fused.select(node=pl.col("source"), partner=pl.col("target"), weight=pl.col("weight")),
            fused.select(node=pl.col("target"), partner=pl.col("source"), weight=pl.col("weight")),
        ]
    )
    return (
        both.sort(["node", "weight", "partner"], descending=[False, True, False])
        .group_by("node", maintain_order=True)
        .agg(partners=pl.col("partner").head(top))
    )


def community_density(membership: np.ndarray, source: np.ndarray, target: np.ndarray) -> np.ndarray:
    """Per community (index = community number): internal edges / possible pairs; 0 for singletons.

    A squad that acts together wave after wave is dense; a large community of heavy organic users who
    reposted the same viral posts (each pair once or twice) is not.
    """
    if not (membership >= 0).any():
        return np.zeros(1)
    sizes = np.bincount(membership[membership >= 0]).astype(np.float64)
    inside = (membership[source] == membership[target]) & (membership[source] >= 0)
    edges = np.bincount(membership[source[inside]], minlength=sizes.size).astype(np.float64)
    possible = sizes * (sizes - 1) / 2
    return np.divide(edges, possible, out=np.zeros_like(edges), where=possible > 0)
