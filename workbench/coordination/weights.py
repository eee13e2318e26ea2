"""Edge weights from matched post pairs, in the two semantics investigators know.

Input: a pairs frame with one row per matched pair of posts by different accounts (columns ``row_a``,
``row_b``: post row numbers; ``account_a``, ``account_b``: account codes; ``object``: object code).

toolkit (coordination_network_toolkit 1.5.2)
    Directed. ``weight(A -> B)`` = number of distinct posts of A that match at least one post of B within
    the window (|t_A - t_B| <= window, inclusive). A post sharing several objects with B counts once.
    Edges with ``weight >= min_edge_weight`` (default 2) are kept. Self-loops are not reported (the
    toolkit computes them but leaves them out of its exports by default).

coortweet (CooRTweet 2.x: detect_groups + generate_coordinated_network)
    Undirected (``account_a < account_b``). ``weight`` = number of matched (post, post, object) rows
    between the two accounts (CooRTweet's ``.N``: a pair of posts sharing two objects counts twice).
    ``min_participation`` as CooRTweet applies it: (1) accounts with fewer than ``min_participation``
    actions in the input are dropped before pairing; (2) an account *qualifies* when at least
    ``min_participation`` of its distinct posts appear in matched pairs, and a pair is kept when either
    of its two posts belongs to a qualifying account. ``edge_weight_quantile`` p (CooRTweet's
    ``edge_weight`` with ``subgraph = 1``): keep only edges whose weight is strictly greater than the
    p-quantile (linear interpolation, R's default type 7) of all edge weights; None keeps every edge.
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


def repeated_pairs(signal_pairs: list[pl.DataFrame], min_edge_weight: int = 2) -> pl.DataFrame:
    """Undirected account pairs (``source`` < ``target``) that repeat across all signals together.

    The toolkit's weight applied to the union of the signals: the number of distinct posts of A that match
    at least one post of B on *any* signal; a pair is kept when either direction reaches ``min_edge_weight``.
    A squad member who shares the seed's link in one wave and reposts it in the next co-acts twice with
    the same partner, although no single signal repeats.
    """
    directed = pl.concat(
        [
            frame
            for pairs in signal_pairs
            if len(pairs)
            for frame in (
                pairs.select(source=pl.col("account_a"), target=pl.col("account_b"), row=pl.col("row_a")),
                pairs.select(source=pl.col("account_b"), target=pl.col("account_a"), row=pl.col("row_b")),
            )
        ]
        or [pl.DataFrame(schema={"source": pl.Int64, "target": pl.Int64, "row": pl.Int64})]
    )
    return (
        directed.unique()
        .group_by("source", "target")
        .agg(weight=pl.len())
        .filter(pl.col("weight") >= min_edge_weight)
        .select(source=pl.min_horizontal("source", "target").cast(pl.Int64),
                target=pl.max_horizontal("source", "target").cast(pl.Int64))
        .unique()
    )


def coortweet_edges(
    pairs: pl.DataFrame,
    min_participation: int = 2,
    edge_weight_quantile: float | None = None,
    account_actions: pl.DataFrame | None = None,
) -> pl.DataFrame:
    """Undirected CooRTweet edges: columns ``source`` < ``target`` (account codes), ``weight`` (int64).

    account_actions: optional frame (account, actions) with each account's number of actions in the input
    (for CooRTweet's pre-filter); when None, the pre-filter is skipped.
    """
    if account_actions is not None:
        active = account_actions.filter(pl.col("actions") >= min_participation).select("account")
        pairs = pairs.join(active.rename({"account": "account_a"}), on="account_a", how="semi").join(
            active.rename({"account": "account_b"}), on="account_b", how="semi"
        )
    qualifying = (
        pl.concat(
            [
                pairs.select(account=pl.col("account_a"), row=pl.col("row_a")),
                pairs.select(account=pl.col("account_b"), row=pl.col("row_b")),
            ]
        )
        .unique()
        .group_by("account")
        .agg(shares=pl.len())
        .filter(pl.col("shares") >= min_participation)["account"]
        .implode()
    )
    kept = pairs.filter(pl.col("account_a").is_in(qualifying) | pl.col("account_b").is_in(qualifying))
    edges = (
        kept.unique(["row_a", "row_b", "object"])
        .select(
            source=pl.min_horizontal("account_a", "account_b"),
            target=pl.max_horizontal("account_a", "account_b"),
        )
        .group_by("source", "target")
        .agg(weight=pl.len().cast(pl.Int64))
    )
    if edge_weight_quantile is not None and len(edges):
        cutoff = edges["weight"].quantile(edge_weight_quantile, interpolation="linear")
        edges = edges.filter(pl.col("weight") > cutoff)
    return edges.sort("source", "target")
