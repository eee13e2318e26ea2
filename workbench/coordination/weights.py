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

import numpy as np
import polars as pl


def _directed_rows(pairs: pl.DataFrame) -> pl.DataFrame:
    """Distinct (source, target, row): the posts of ``source`` that match a post of ``target``."""
    return pl.concat(
        [
            pairs.select(source=pl.col("account_a"), target=pl.col("account_b"), row=pl.col("row_a")),
            pairs.select(source=pl.col("account_b"), target=pl.col("account_a"), row=pl.col("row_b")),
        ]
    ).unique()


def toolkit_edges(pairs: pl.DataFrame, min_edge_weight: int = 2) -> pl.DataFrame:
    """Directed toolkit edges: columns ``source``, ``target`` (account codes), ``weight`` (int64)."""
    return (
        _directed_rows(pairs)
        .group_by("source", "target")
        .agg(weight=pl.len().cast(pl.Int64))
        .filter(pl.col("weight") >= min_edge_weight)
        .sort("source", "target")
    )


EDGE_SCHEMA = {"source": pl.Int64, "target": pl.Int64, "weight": pl.Int64, "signal": pl.String}


def toolkit_edges_and_repeats(
    signal_pairs: dict[str, pl.DataFrame], min_edge_weight: int = 2, *, pairs_per_partition: int = 4_000_000
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Toolkit edges per signal, and every per-signal weight of the pairs that repeat across signals.

    Returns ``(edges, repeating)``, both with columns source, target, weight, signal (directed):
    ``edges`` = :func:`toolkit_edges` of each signal; ``repeating`` = all directed per-signal weights (1s
    included) of the account pairs whose co-actions repeat across the signals taken together: the
    toolkit weight applied to the union of the signals (distinct posts of A that match at least one post
    of B on *any* signal) reaches ``min_edge_weight`` in either direction. A squad member who shares the
    seed's link in one wave and reposts it in the next co-acts twice with the same partner, although no
    single signal repeats.

    Work is split by undirected account pair into partitions of about ``pairs_per_partition`` matched
    pairs, in 32-bit columns, so the extra memory stays a fraction of the pairs themselves (the 10M-post
    scale corpus gives ~18M matched pairs).
    """
    names = [name for name, pairs in signal_pairs.items() if len(pairs)]
    total = sum(len(signal_pairs[name]) for name in names)
    partitions = max(1, -(-total // pairs_per_partition))
    partition_of = {
        name: (np.minimum(signal_pairs[name]["account_a"].to_numpy(), signal_pairs[name]["account_b"].to_numpy()) % partitions)
        .astype(np.int32)
        for name in names
    } if partitions > 1 else {}
    edge_parts, repeating_parts = [], []
    for part in range(partitions):
        per_signal = []
        for code, name in enumerate(names):
            pairs = signal_pairs[name]
            if partitions > 1:
                pairs = pairs[np.flatnonzero(partition_of[name] == part)]
            slim = pairs.select(pl.col("account_a", "account_b", "row_a", "row_b").cast(pl.Int32))
            per_signal.append(_directed_rows(slim).with_columns(signal=pl.lit(code, dtype=pl.UInt8)))
        if not per_signal:
            continue
        rows = pl.concat(per_signal)
        weights = rows.group_by("source", "target", "signal").agg(weight=pl.len().cast(pl.Int64))
        edge_parts.append(weights.filter(pl.col("weight") >= min_edge_weight))
        repeated = (
            rows.select("source", "target", "row").unique()
            .group_by("source", "target").agg(weight=pl.len())
            .filter(pl.col("weight") >= min_edge_weight)
            .select(low=pl.min_horizontal("source", "target"), high=pl.max_horizontal("source", "target"))
            .unique()
        )
        del rows
        repeating_parts.append(
            weights.with_columns(low=pl.min_horizontal("source", "target"), high=pl.max_horizontal("source", "target"))
            .join(repeated, on=["low", "high"], how="semi")
            .drop("low", "high")
        )
    labels = pl.Series(names, dtype=pl.String)

    def finish(parts: list[pl.DataFrame]) -> pl.DataFrame:
        if not parts:
            return pl.DataFrame(schema=EDGE_SCHEMA)
        frame = pl.concat(parts)
        return frame.select(
            pl.col("source").cast(pl.Int64), pl.col("target").cast(pl.Int64), "weight",
            signal=labels.gather(frame["signal"]),
        ).sort(["signal", "source", "target"])

    return finish(edge_parts), finish(repeating_parts)


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
