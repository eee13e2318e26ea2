"""Edge weights from matched post pairs, in the two semantics investigators know.

Input: a pairs frame with one row per matched pair of posts by different accounts (columns ``row_a``,
``row_b``: post row numbers; ``account_a``, ``account_b``: account codes; ``object``: object code).

toolkit (coordination_network_toolkit 1.5.2)
    Directed. ``weight(A -> B)`` = number of distinct posts of A that match at least one post of B within
    the window (|t_A - t_B| <= window, inclusive). A post sharing several objects with B counts once.
    Edges with ``weight >= min_edge_weight`` (default 2) are kept. Self-loops are not reported (the
    toolkit computes them but leaves them out of its exports by default).

coortweet (CooRTweet)
    Undirected (``account_a < account_b``). ``weight`` = number of distinct objects the two accounts
    co-shared within the window. Accounts take part only if they made at least ``min_participation``
    coordinated shares (distinct posts in some matched pair); edges between such accounts are kept, then
    optionally only edges whose weight is at or above the ``edge_weight_quantile`` quantile of all kept
    edge weights (CooRTweet's ``edge_weight`` percentile filter; None keeps all).
"""
from __future__ import annotations

import polars as pl


def toolkit_edges(pairs: pl.DataFrame, min_edge_weight: int = 2) -> pl.DataFrame:
    """Directed toolkit edges: columns ``source``, ``target`` (account codes), ``weight`` (int64)."""
    directed = pl.concat(
        [
            pairs.select(source=pl.col("account_a"), target=pl.col("account_b"), row=pl.col("row_a")),
            pairs.select(source=pl.col("account_b"), target=pl.col("account_a"), row=pl.col("row_b")),
        ]
    )
    return (
        directed.unique()
        .group_by("source", "target")
        .agg(weight=pl.len().cast(pl.Int64))
        .filter(pl.col("weight") >= min_edge_weight)
        .sort("source", "target")
    )


def coortweet_edges(
    pairs: pl.DataFrame, min_participation: int = 2, edge_weight_quantile: float | None = None
) -> pl.DataFrame:
    """Undirected CooRTweet edges: columns ``source`` < ``target`` (account codes), ``weight`` (int64)."""
    undirected = pairs.select(
        source=pl.min_horizontal("account_a", "account_b"),
        target=pl.max_horizontal("account_a", "account_b"),
        object=pl.col("object"),
    )
    participation = (
        pl.concat(
            [
                pairs.select(account=pl.col("account_a"), row=pl.col("row_a")),
                pairs.select(account=pl.col("account_b"), row=pl.col("row_b")),
            ]
        )
        .unique()
        .group_by("account")
        .agg(shares=pl.len())
        .filter(pl.col("shares") >= min_participation)
        .select("account")
    )
    edges = (
        undirected.unique()
        .group_by("source", "target")
        .agg(weight=pl.len().cast(pl.Int64))
        .join(participation.rename({"account": "source"}), on="source", how="semi")
        .join(participation.rename({"account": "target"}), on="target", how="semi")
    )
    if edge_weight_quantile is not None and len(edges):
        cutoff = edges["weight"].quantile(edge_weight_quantile, interpolation="linear")
        edges = edges.filter(pl.col("weight") >= cutoff)
    return edges.sort("source", "target")
