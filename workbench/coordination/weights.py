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

from workbench.arrays import distinct


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


def _runs(sorted_keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """The distinct values of a sorted int64 array and how often each occurs."""
    if not sorted_keys.size:
        return sorted_keys, np.empty(0, dtype=np.int64)
    starts = np.flatnonzero(np.concatenate(([True], sorted_keys[1:] != sorted_keys[:-1])))
    return sorted_keys[starts], np.diff(np.append(starts, sorted_keys.size))


def toolkit_edges_and_repeats(
    signal_pairs: dict[str, pl.DataFrame], min_edge_weight: int = 2, *, pairs_per_partition: int = 4_000_000
) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Toolkit edges per signal, and every per-signal weight of the pairs that repeat across signals.

    Returns ``(edges, repeating)``, both with columns source, target, weight, signal (directed), sorted by
    signal, source, target: ``edges`` = :func:`toolkit_edges` of each signal; ``repeating`` = all
    directed per-signal weights (1s included) of the account pairs whose co-actions repeat across the
    signals taken together: the toolkit weight applied to the union of the signals (distinct posts of A
    that match at least one post of B on *any* signal) reaches ``min_edge_weight`` in either direction.
    A squad member who shares the seed's link in one wave and reposts it in the next co-acts twice with
    the same partner, although no single signal repeats.

    Only account pairs with at least ``min_edge_weight`` matched post pairs over all the signals can reach
    that weight in either direction, so the others (95 % of the matched pairs on a 2M-post corpus: organic
    accounts that met once) are set aside first, by one sort of their pair keys.

    Each directed match is one int64 key, post * n_accounts + partner (a post has one account, so the
    key also gives the source); distinct keys and their counts per edge come from sorts, which numpy
    vectorises (4x faster than hash grouping on 200k posts). Work is split by undirected account pair
    into partitions of about ``pairs_per_partition`` matched pairs, so the extra memory stays a fraction
    of the pairs themselves (the 10M-post scale corpus gives ~18M matched pairs).
    """
    names = sorted(name for name, pairs in signal_pairs.items() if len(pairs))
    if not names:
        return pl.DataFrame(schema=EDGE_SCHEMA), pl.DataFrame(schema=EDGE_SCHEMA)
    columns = {
        name: [signal_pairs[name][c].to_numpy().astype(np.int64, copy=False) for c in ("account_a", "account_b", "row_a", "row_b")]
        for name in names
    }
    n = np.int64(1 + max(max(a.max(), b.max()) for a, b, _, _ in columns.values()))
    columns = _only_repeating_pairs(columns, n, min_edge_weight)
    names = [name for name in names if columns[name][0].size]
    columns = {name: columns[name] for name in names}
    if not names:
        return pl.DataFrame(schema=EDGE_SCHEMA), pl.DataFrame(schema=EDGE_SCHEMA)
    account_of_row = np.zeros(1 + max(max(ra.max(), rb.max()) for _, _, ra, rb in columns.values()), dtype=np.int64)
    for a, b, ra, rb in columns.values():
        account_of_row[ra], account_of_row[rb] = a, b
    n_signals = np.int64(len(names))

    def edge_of(post_partner: np.ndarray) -> np.ndarray:
        return account_of_row[post_partner // n] * n + post_partner % n

    def undirected(edge: np.ndarray) -> np.ndarray:
        source, target = edge // n, edge % n
        return np.minimum(source, target) * n + np.maximum(source, target)

    partitions = max(1, -(-sum(a.size for a, _, _, _ in columns.values()) // pairs_per_partition))
    edge_parts, repeating_parts = [], []
    for part in range(partitions):
        post_partners = []
        for a, b, ra, rb in columns.values():
            if partitions > 1:
                keep = np.flatnonzero(np.minimum(a, b) % partitions == part)
                a, b, ra, rb = a[keep], b[keep], ra[keep], rb[keep]
            post_partners.append(distinct(np.concatenate([ra * n + b, rb * n + a])))
        # Key = edge * n_signals + signal code: its count is the signal's toolkit weight of the edge.
        keys, weights = _runs(np.sort(np.concatenate([edge_of(k) * n_signals + code for code, k in enumerate(post_partners)])))
        edge_parts.append((keys[weights >= min_edge_weight], weights[weights >= min_edge_weight]))
        union_edges, union_weights = _runs(np.sort(edge_of(distinct(np.concatenate(post_partners)))))
        repeated = distinct(undirected(union_edges[union_weights >= min_edge_weight]))
        pair = undirected(keys // n_signals)
        position = np.minimum(np.searchsorted(repeated, pair), max(repeated.size - 1, 0))
        hit = repeated[position] == pair if repeated.size else np.zeros(pair.size, dtype=bool)
        repeating_parts.append((keys[hit], weights[hit]))
    labels = pl.Series(names, dtype=pl.String)

    def finish(parts: list[tuple[np.ndarray, np.ndarray]]) -> pl.DataFrame:
        keys = np.concatenate([k for k, _ in parts])
        edge = keys // n_signals
        return pl.DataFrame({
            "source": edge // n, "target": edge % n, "weight": np.concatenate([w for _, w in parts]).astype(np.int64),
            "signal": labels.gather(keys % n_signals),
        }).sort(["signal", "source", "target"])

    return finish(edge_parts), finish(repeating_parts)


def _only_repeating_pairs(
    columns: dict[str, list[np.ndarray]], n: np.int64, min_edge_weight: int
) -> dict[str, list[np.ndarray]]:
    """The (account_a, account_b, row_a, row_b) arrays of each signal, restricted to the account pairs
    that occur in at least ``min_edge_weight`` rows over all the signals."""
    if min_edge_weight <= 1:
        return columns
    keys = np.empty(sum(a.size for a, _, _, _ in columns.values()), dtype=np.int64)
    start = 0
    for a, b, _, _ in columns.values():  # filled in place: this array is the step's memory
        part = keys[start:start + a.size]
        np.minimum(a, b, out=part)
        part *= n
        part += np.maximum(a, b)
        start += a.size
    keys.sort()
    # In sorted keys, a value occurs at least w times where it equals the value w - 1 places on.
    reach = min_edge_weight - 1
    repeating = distinct(keys[reach:][keys[reach:] == keys[:-reach]])
    del keys
    involved = np.zeros(int(n), dtype=bool)
    involved[repeating // n] = involved[repeating % n] = True
    kept = {}
    for name, (a, b, ra, rb) in columns.items():
        # Both accounts in some repeating pair: a cheap test that leaves few rows for the binary search.
        candidates = np.flatnonzero(involved[a] & involved[b])
        pair = np.minimum(a[candidates], b[candidates]) * n + np.maximum(a[candidates], b[candidates])
        position = np.minimum(np.searchsorted(repeating, pair), max(repeating.size - 1, 0))
        rows = candidates[repeating[position] == pair] if repeating.size else candidates[:0]
        kept[name] = [a[rows], b[rows], ra[rows], rb[rows]]
    return kept


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
