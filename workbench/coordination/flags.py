"""Which accounts the coordination network flags: the community kinds check, attachment by single
co-actions, and shared assets.

Flags start from repeated co-action (:class:`workbench.coordination.network.CoordinationNetwork`): an
account whose own fused ties carry at least two kinds of evidence, inside a dense community. Three rules
refine and extend them here.

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
- **Shared assets.** A campaign makes its own objects: the smear link, the seed post to repost, the
  image, the pasted text. Members who follow the seed minutes late, or join only a few waves, never
  meet a partner within the window, yet they push the same assets. An object is an *asset of the flagged
  accounts* when at least ``min_flagged`` flagged accounts other than the one judged pushed it and they
  are at least ``min_share`` of all the accounts that did (at any time: a viral post or a news link that
  organic users share too is not owned). An unflagged account that pushed at least ``min_assets`` such
  assets is flagged. Venues (hashtags, reply threads, mentions, domains) are not assets: organic users join a
  hijacked hashtag or reply under the brand's launch post, and that is what a campaign wants them to do.
"""
from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import polars as pl

from workbench.arrays import distinct, run_numbers


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
    activity: np.ndarray | None = None,
    max_chance_p: float | None = None,
) -> np.ndarray:
    """Accounts attached to the flagged ones by their single co-actions (module docstring).

    pairs: per signal, matched post pairs with row_a, row_b, account_a, account_b (account codes);
    flagged: bool (n_accounts,) flags from repeated co-action; membership: int (n_accounts,) community per
    account, -1 for none. activity, max_chance_p: posts per account, and the largest chance probability
    an attachment may have: where everyone posts densely, a busy account meets flagged accounts on a few
    posts by chance. The share of the eligible accounts' posts that meet a flagged account is the rate
    chance gives; an account is attached only when the Poisson probability of meeting flagged accounts on
    at least as many of its posts, at that rate, is at most `max_chance_p` (None: no such test).
    Returns bool (n_accounts,): True for attached accounts (never for flagged ones).
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
        if activity is not None and max_chance_p is not None and attached.any():
            from scipy.stats import poisson  # lazily: scipy costs start-up, and small corpora never get here

            rate = posts[eligible].sum() / max(float(activity[eligible].sum()), 1.0)
            attached &= poisson.sf(posts - 1, np.maximum(activity * rate, 1e-12)) <= max_chance_p
        if not attached.any():
            break
        current |= attached
    return current & ~flagged


def distinct_account_objects(accounts: np.ndarray, objects: np.ndarray, n_accounts: int) -> np.ndarray:
    """The distinct (object, account) actions of one signal as sorted int64 keys ``object * n_accounts +
    account``, restricted to objects that two or more accounts acted on (only those can be shared assets).

    Kept per signal by the network instead of its actions (most objects are one account's: a text, a link).
    """
    keys = distinct(np.asarray(objects, dtype=np.int64) * n_accounts + np.asarray(accounts, dtype=np.int64))
    run = run_numbers(keys // n_accounts)
    return keys[np.bincount(run)[run] >= 2]


# An object one flagged account pushed is its own, not yet the campaign's.
MIN_FLAGGED_PUSHERS = 2


def asset_table(keys: np.ndarray, n_accounts: int, flagged: np.ndarray) -> tuple[np.ndarray, ...]:
    """Per key of :func:`distinct_account_objects` (sorted): object code, account code, how many accounts
    pushed the object, and how many *other* flagged accounts did (an account is never judged by its own flag)."""
    objects, accounts = np.divmod(keys, n_accounts)
    run = run_numbers(objects)
    own_flag = flagged[accounts].astype(np.int64)
    pushers = np.bincount(run)[run]
    other_flagged = np.bincount(run, weights=own_flag)[run].astype(np.int64) - own_flag
    return objects, accounts, pushers, other_flagged


def is_asset(pushers: np.ndarray, other_flagged: np.ndarray, *, min_share: float,
             min_flagged: int = MIN_FLAGGED_PUSHERS) -> np.ndarray:
    """The ownership rule: at least ``min_flagged`` other flagged pushers, and they are at least
    ``min_share`` of all pushers."""
    return (other_flagged >= min_flagged) & (other_flagged >= min_share * pushers)


def pushed_assets(asset_keys: Mapping[str, np.ndarray], flagged: np.ndarray, *, min_share: float,
                  min_flagged: int = MIN_FLAGGED_PUSHERS) -> np.ndarray:
    """Per account: how many assets of the (other) flagged accounts it pushed. int64 (n_accounts,)."""
    n_accounts = flagged.size
    counts = np.zeros(n_accounts, dtype=np.int64)
    for keys in asset_keys.values():
        _, accounts, pushers, other_flagged = asset_table(keys, n_accounts, flagged)
        owned = is_asset(pushers, other_flagged, min_share=min_share, min_flagged=min_flagged)
        counts += np.bincount(accounts[owned], minlength=n_accounts)
    return counts


def attach_by_shared_assets(
    asset_keys: Mapping[str, np.ndarray],
    flagged: np.ndarray,
    *,
    min_assets: int,
    min_share: float,
    min_flagged: int = MIN_FLAGGED_PUSHERS,
    rounds: int = 1,
) -> np.ndarray:
    """Accounts that pushed the flagged accounts' assets (module docstring).

    asset_keys: per asset signal, the keys of :func:`distinct_account_objects` (with ``n_accounts =
    flagged.size``); flagged: bool (n_accounts,) accounts flagged so far. Each round judges assets by the
    accounts flagged so far. Returns bool (n_accounts,): True for newly flagged accounts.
    """
    current = flagged.copy()
    for _ in range(max(rounds, 0) if min_assets > 0 else 0):
        found = ~current & (pushed_assets(asset_keys, current, min_share=min_share, min_flagged=min_flagged) >= min_assets)
        if not found.any():
            break
        current |= found
    return current & ~flagged
