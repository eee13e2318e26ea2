"""Content and behaviour signals that come from other analyses: near-duplicate families, AI-text tells,
activity around events, and the coordination network.

Signals:

- ``content_duplication``: share of the account's own texts (posts, replies, quotes, comments; not
  plain reposts) that belong to a near-duplicate family written by at least `min_family_accounts` accounts. Fires at
  `min_share` with at least `min_posts` texts, when chance cannot explain it: the one-sided binomial
  probability of so many shared texts among the account's, at the corpus rate (all accounts' shared texts
  over all their texts), is at most `max_chance_p`. Low content diversity is how "black manuscript"
  generators show up per account; where ordinary users repeat stock phrases the corpus rate is high and a
  few shared texts prove nothing (1M synthetic posts, rate 0.72: the share rule alone fired for 23 % of
  organic accounts, 65 % of campaign ones; with the test, 0.8 % and 12 %).
- ``ai_text_tells``: number of the account's posts with an AI-text tell (self-revealing phrases,
  pasted refusals). Fires at `min_posts` posts.
- ``event_concentration``: share of the account's posts within ±`window_h` hours of an event, against
  the population's share; fires when a one-sided binomial z-score reaches `z_threshold` and the share
  is at least twice the population's (or at least (1 + p) / 2 when the population share p is large).
- ``coordination``: the account's coordination score from the coordination network, fired when the
  network flags the account. The strength is 1 when flagged, else the score relative to the flagged
  accounts' lowest score, capped below 0.5.
"""
from __future__ import annotations

import hashlib
import re

import numpy as np
import polars as pl

from workbench.forensics.baseline import empty_signals, fmt, signal_rows, strength_from_distance

TEXT_KINDS = ("post", "reply", "quote", "comment")
_URL = re.compile(r"https?://\S+")
_MENTION = re.compile(r"@\S+")
_SPACE = re.compile(r"\s+")


def _exact_key(text: str | None) -> str | None:
    if text is None:
        return None
    cleaned = _SPACE.sub(" ", _MENTION.sub("", _URL.sub("", text.lower()))).strip()
    if len(cleaned) < 10:  # too short to be a template ("lol", "wow")
        return None
    return hashlib.sha1(cleaned.encode("utf-8", "surrogatepass")).hexdigest()[:16]


def exact_text_families(posts: pl.DataFrame) -> pl.DataFrame:
    """Fallback families when no near-duplicate analysis ran: identical text after lower-casing and
    removing links, mentions and extra spaces. Returns post_id, family_id (only texts in a family)."""
    frame = posts.select("post_id", "text")
    keys = [_exact_key(t) for t in frame["text"].to_list()]
    frame = frame.with_columns(pl.Series("family_id", keys, dtype=pl.String)).drop_nulls("family_id")
    sizes = frame.group_by("family_id").agg(pl.len().alias("n"))
    return frame.join(sizes.filter(pl.col("n") >= 2), on="family_id").select("post_id", "family_id").sort("post_id")


def duplication_signals(
    posts: pl.DataFrame, assignments: pl.DataFrame, min_share: float = 0.5, min_posts: int = 2,
    min_family_accounts: int = 3, max_chance_p: float = 0.01,
) -> pl.DataFrame:
    """Signal rows ``content_duplication``.

    `assignments`: post_id, family_id for the posts that belong to a near-duplicate family (other posts
    are absent or have a null family_id). A family counts when at least `min_family_accounts` accounts
    wrote in it (two friends quoting each other are not a template operation).
    """
    if posts.height == 0:
        return empty_signals()
    own = posts.filter(pl.col("kind").is_in(TEXT_KINDS) & pl.col("text").is_not_null()).select("post_id", "account_id")
    if own.height == 0:
        return empty_signals()
    fam = assignments.select("post_id", pl.col("family_id").cast(pl.String)).drop_nulls("family_id")
    own = own.join(fam, on="post_id", how="left")
    family_accounts = own.drop_nulls("family_id").group_by("family_id").agg(pl.col("account_id").n_unique().alias("fa"))
    own = own.join(family_accounts, on="family_id", how="left").with_columns(
        (pl.col("fa").fill_null(0) >= min_family_accounts).alias("shared")
    )
    per = own.group_by("account_id").agg(pl.len().alias("n"), pl.col("shared").sum().alias("k")).sort("account_id")
    from scipy.stats import binom  # scipy loads on first use (start-up)

    k, n = per["k"].to_numpy(), per["n"].to_numpy()
    share = k / n
    rate = float(k.sum() / n.sum())
    # The fewest shared texts among n that chance (the corpus rate) explains with probability <= max_chance_p;
    # the account's threshold is that share, or min_share when higher (NaN: no share of n texts would do).
    fewest = binom.isf(max_chance_p, n, rate) + 1 if 0.0 < rate < 1.0 else np.where(rate > 0, n + 1, 1)
    needed = np.maximum(min_share, fewest / n)
    needed = np.where((needed <= 1.0) & (n >= min_posts), needed, np.nan)
    fired = share >= np.nan_to_num(needed, nan=np.inf)
    share_measured = np.where(n >= min_posts, share, np.nan)
    chance = binom.sf(k - 1, n, rate)
    details = [
        f"{int(kk)} of {int(nn)} own texts in near-duplicate families of >= {min_family_accounts} accounts "
        f"(corpus rate {fmt(100 * rate, 3)}%; chance of as many {fmt(p, 2)})"
        for kk, nn, p in zip(k, n, chance)
    ]
    return signal_rows(
        "content_duplication", per["account_id"], share_measured, rate, needed, fired,
        np.clip(share, 0.0, 1.0), details,
    )


def tell_signals(posts: pl.DataFrame, tell_post_ids: pl.Series | list[str], min_posts: int = 1) -> pl.DataFrame:
    """Signal rows ``ai_text_tells``: value = the account's posts with at least one tell."""
    if posts.height == 0:
        return empty_signals()
    tells = set(pl.Series(tell_post_ids, dtype=pl.String).to_list())
    per = (
        posts.select("account_id", pl.col("post_id").is_in(list(tells)).alias("tell"))
        .group_by("account_id")
        .agg(pl.len().alias("n"), pl.col("tell").sum().alias("k"))
        .sort("account_id")
    )
    k = per["k"].to_numpy().astype(float)
    share_accounts = float((k >= min_posts).mean())
    details = [f"{int(kk)} of {int(nn)} posts with an AI-text tell" for kk, nn in zip(k, per["n"].to_numpy())]
    return signal_rows(
        "ai_text_tells", per["account_id"], k, share_accounts, float(min_posts), k >= min_posts,
        np.clip(0.5 * k / min_posts, 0.0, 1.0), details,
    )


def event_signals(
    posts: pl.DataFrame, events: pl.DataFrame | None, window_h: float = 48.0, z_threshold: float = 3.0
) -> pl.DataFrame:
    """Signal rows ``event_concentration``: value = share of the account's posts near an event."""
    if posts.height == 0 or events is None or events.height == 0:
        return empty_signals()
    times = np.sort(events["occurred_at"].drop_nulls().dt.epoch("us").to_numpy())
    if times.size == 0:
        return empty_signals()
    post_times = posts["created_at"].dt.epoch("us").to_numpy()
    window_us = window_h * 3600e6
    # Nearest event by binary search: O(n log e), no cross join.
    idx = np.searchsorted(times, post_times)
    before = np.abs(post_times - times[np.clip(idx - 1, 0, times.size - 1)])
    after = np.abs(times[np.clip(idx, 0, times.size - 1)] - post_times)
    near = np.minimum(before, after) <= window_us
    p = float(near.mean())
    per = (
        posts.select("account_id").with_columns(pl.Series("near", near))
        .group_by("account_id").agg(pl.len().alias("n"), pl.col("near").sum().alias("k")).sort("account_id")
    )
    n = per["n"].to_numpy().astype(float)
    k = per["k"].to_numpy().astype(float)
    share = k / n
    if p <= 0 or p >= 1:
        return signal_rows("event_concentration", per["account_id"], share, p, 1.0, False, 0.0,
                           [f"{fmt(100 * s, 3)}% of posts near events (all or none of the corpus is)" for s in share])
    sd = np.sqrt(n * p * (1 - p))
    z = (k - n * p) / sd
    min_share = min(2 * p, (1 + p) / 2)
    fired = (z >= z_threshold) & (share >= min_share)
    details = [
        f"{fmt(100 * s, 3)}% of {int(nn)} posts within {fmt(window_h)} h of an event, population {fmt(100 * p, 3)}%"
        for s, nn in zip(share, n)
    ]
    return signal_rows(
        "event_concentration", per["account_id"], share, p, np.maximum(p + z_threshold * sd / n, min_share),
        fired, strength_from_distance(z, z_threshold) * (share >= min_share), details,
    )


_REASONS = {"repeated": "repeated co-action in a dense community", "attached": "single co-actions with flagged accounts",
            "assets": "shared assets"}


def coordination_signals(nodes: pl.DataFrame | None) -> pl.DataFrame:
    """Signal rows ``coordination`` from a coordination network's node table.

    `nodes`: account_id, coordination_score (float, higher = more coordinated), flagged (bool), and
    optionally partners (int), flag_reason and shared_assets. Accounts the network flags without repeated
    ties (attached by single co-actions, or by the assets they pushed) have score 0, so the "flagged at"
    line is the lowest score of a flagged account that has one.
    """
    if nodes is None or nodes.height == 0:
        return empty_signals()
    frame = nodes.sort("account_id")
    score = frame["coordination_score"].cast(pl.Float64).fill_null(0.0).to_numpy()
    flagged = frame["flagged"].fill_null(False).to_numpy().astype(bool)
    partners = frame["partners"].fill_null(0).to_numpy() if "partners" in frame.columns else np.zeros(frame.height)
    scored = flagged & (score > 0)
    flagged_min = float(score[scored].min()) if scored.any() else float(score.max() or 1.0)
    median = float(np.median(score))
    strength = np.where(flagged, 1.0, np.clip(0.49 * score / max(flagged_min, 1e-12), 0.0, 0.49))
    reasons = frame["flag_reason"].fill_null("").to_list() if "flag_reason" in frame.columns else [""] * frame.height
    assets = frame["shared_assets"].fill_null(0).to_list() if "shared_assets" in frame.columns else [0] * frame.height
    details = [
        f"coordination score {fmt(s)} with {int(p)} partners (flagged at {fmt(flagged_min)}; median {fmt(median)})"
        + (f"; flagged by the network: {_REASONS.get(r, r)}" if r else "")
        + (f"; pushed {int(a)} assets of flagged accounts" if a else "")
        for s, p, r, a in zip(score, partners, reasons, assets)
    ]
    return signal_rows("coordination", frame["account_id"], score, median, flagged_min, flagged, strength, details)
