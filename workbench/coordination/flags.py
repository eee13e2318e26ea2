"""Which accounts the coordination network flags: the community kinds check and attachment by single co-actions.

Flags start from repeated co-action (:class:`workbench.coordination.network.CoordinationNetwork`): an
account whose own fused ties carry at least two kinds of evidence, inside a dense community. Two rules
refine them here.

- **Community kinds.** The community's internal fused weight must also carry at least ``min_kinds`` kinds
  of evidence (each at least ``min_share`` of it). A fan club is one big co-share community; the few
  members who also share the official link with a friend look two-kinded on their own, but the community
  does not, so they are not flagged.
- **Attachment.** Squad members follow a seed after a random delay of a minute or more, so many pairs of
  members meet only once within the window and no single pair repeats. Such a member still co-acts, one
  post at a time, with *different* flagged accounts wave after wave. An unflagged account is attached
  when its co-actions with flagged accounts (single matched post pairs, any signal) cover at least
  ``min_posts`` of its own posts and ``min_kinds`` kinds of evidence: repost the seed with one member,
  push the smear link with another. Accounts whose repeated co-action already puts them in a community
  with no flagged member are never attached: their group (a fan club reposting the brand with some
  campaign accounts in the launch minutes) explains their co-actions and was judged not coordinated.
  Attachment runs ``rounds`` times, each round attaching to the accounts flagged so far.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from workbench.arrays import distinct


def significant_labels(weights: pl.DataFrame, key: str, label: str, min_share: float) -> pl.DataFrame:
    """The (key, label) rows whose summed weight is positive and at least ``min_share`` of the key's total.

    weights: one row per (key, label, weight) contribution, e.g. (node, signal, weighted co-actions).
    Shared by the per-account signals and the per-community kinds, so both use one notion of "carries".
    """
    return (
        weights.group_by(key, label).agg(pl.col("weight").sum())
        .filter(pl.col("weight") > 0)
        .filter(pl.col("weight") >= min_share * pl.col("weight").sum().over(key))
    )


def community_kind_counts(
    fused: pl.DataFrame,
    membership: np.ndarray,
    signals: tuple[str, ...] | list[str],
    signal_weights: Mapping[str, float],
    signal_kinds: Mapping[str, str],
    min_share: float,
) -> np.ndarray:
    """Per community (index = community number): kinds of evidence carrying >= ``min_share`` of its
    internal fused weight (``signal_weights`` applied). int64 (n_communities,), 0 for communities without
    internal edges."""
    n_communities = int(membership.max()) + 1 if membership.size and membership.max() >= 0 else 0
    counts = np.zeros(max(n_communities, 1), dtype=np.int64)
    if n_communities == 0 or fused.is_empty():
        return counts
    source_community = membership[fused["source"].to_numpy()]
    inside = (source_community == membership[fused["target"].to_numpy()]) & (source_community >= 0)
    if not inside.any():
        return counts
    internal = fused.filter(pl.Series(inside)).with_columns(community=pl.Series(source_community[inside]))
    contributions = pl.concat([
        internal.select("community", kind=pl.lit(signal_kinds.get(signal, signal)),
                        weight=pl.col(f"weight_{signal}") * signal_weights.get(signal, 1.0))
        for signal in signals
    ])
    per_kind = significant_labels(contributions, "community", "kind", min_share).group_by("community").agg(kinds=pl.len())
    counts[per_kind["community"].to_numpy()] = per_kind["kinds"].to_numpy()
    return counts


def attach_by_co_actions(
    pairs: Mapping[str, pl.DataFrame],
    signal_kinds: Mapping[str, str],
    flagged: np.ndarray,
    membership: np.ndarray,
    *,
    min_posts: int,
    min_kinds: int,
    rounds: int,
) -> np.ndarray:
    """Accounts attached to the flagged ones by their single co-actions (module docstring).

    pairs: per signal, matched post pairs with row_a, row_b, account_a, account_b (account codes);
    flagged: bool (n_accounts,) flags from repeated co-action; membership: int (n_accounts,) community per
    account, -1 for none. Returns bool (n_accounts,): True for attached accounts (never for flagged ones).
    """
    n_accounts = flagged.size
    kind_code = {kind: code for code, kind in enumerate(sorted(set(signal_kinds.values())))}
    n_kinds = len(kind_code) + 1
    n_communities = int(membership.max()) + 1 if membership.size and membership.max() >= 0 else 0
    current = flagged.copy()
    for _ in range(max(rounds, 0)):
        community_has_flag = np.zeros(max(n_communities, 1), dtype=bool)
        community_has_flag[membership[current & (membership >= 0)]] = True
        eligible = ~current & ((membership < 0) | community_has_flag[np.maximum(membership, 0)])
        # Each co-action seen from both ends; only the ends of eligible accounts toward flagged partners
        # are kept, so no copy of all the pairs (18M at 10M posts) is ever made.
        post_keys, kind_keys = [], []
        for signal, frame in pairs.items():
            if frame.is_empty():
                continue
            kind = kind_code.get(signal_kinds.get(signal, signal), len(kind_code))
            for own, own_row, other in (("account_a", "row_a", "account_b"), ("account_b", "row_b", "account_a")):
                account = frame[own].to_numpy()
                toward_flagged = current[frame[other].to_numpy()] & eligible[account]
                candidates = account[toward_flagged].astype(np.int64)
                post_keys.append((candidates, frame[own_row].to_numpy()[toward_flagged].astype(np.int64)))
                kind_keys.append(candidates * n_kinds + kind)
        if not post_keys:
            break
        candidates = np.concatenate([account for account, _ in post_keys])
        rows = np.concatenate([row for _, row in post_keys])
        n_rows = int(rows.max()) + 1 if rows.size else 1
        posts = np.bincount(distinct(candidates * n_rows + rows) // n_rows, minlength=n_accounts)
        kinds = np.bincount(distinct(np.concatenate(kind_keys)) // n_kinds, minlength=n_accounts)
        attached = (posts >= min_posts) & (kinds >= min_kinds)
        if not attached.any():
            break
        current |= attached
    return current & ~flagged
