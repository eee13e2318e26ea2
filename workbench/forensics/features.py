"""Per-account forensic features with their explanations: the `AccountForensics` estimator.

`AccountForensics(...).fit(posts, accounts, ...)` runs every check of `workbench.forensics`
(handles, cadence, profile, content) and keeps:

- ``signals_``: the tidy explanation frame (`workbench.forensics.baseline.SIGNAL_SCHEMA`): one row per
  account and signal with value, baseline, threshold, fired, strength (0..1) and a readable detail.
- ``features_``: one row per account, one column per signal holding its value (NaN when not
  measurable), plus n_posts and signals_fired.

Inputs that are missing (no accounts table, no events, no families, no coordination network) simply
leave their signals out; nothing is invented.
"""
from __future__ import annotations

import polars as pl

from workbench.forensics.baseline import SIGNAL_SCHEMA, empty_signals
from workbench.forensics.cadence import activity_hour_signals, cadence_signals
from workbench.forensics.content import (
    coordination_signals,
    duplication_signals,
    event_signals,
    exact_text_families,
    tell_signals,
)
from workbench.forensics.handles import handle_signals
from workbench.forensics.profile import (
    follower_signals,
    fresh_account_signals,
    registration_burst_signals,
    source_app_signals,
)

SIGNALS = (
    "coordination",
    "content_duplication",
    "ai_text_tells",
    "registration_burst",
    "handle_pattern",
    "cadence_regularity",
    "interpost_entropy",
    "posting_density",
    "activity_hours",
    "source_app",
    "follower_anomaly",
    "fresh_account",
    "event_concentration",
)


class AccountForensics:
    """Compute every per-account forensic signal against the corpus baseline.

    Parameters (all documented defaults; see docs/forensics.md)
    ----------
    min_posts : posts an account needs before its cadence (gaps) is measured.
    z_threshold : robust z-score (median/MAD) at which distribution-based checks fire.
    burst_min_accounts, burst_factor, burst_local_days : registration bursts (accounts per day or hour,
        times the expected rate, and the ± window of days for the local expected rate).
    fresh_days : an account whose first post comes less than this many days after registration is fresh.
    stem_min_accounts, stem_factor : a handle stem shared by this many accounts (and this many times the
        median stem group) is a batch.
    duplication_min_share, duplication_min_posts, duplication_min_family_accounts : share of own texts
        in near-duplicate families written by at least that many accounts at which
        ``content_duplication`` fires, and the texts needed to judge.
    duplication_max_chance_p : ``content_duplication`` also needs the binomial chance of so many shared
        texts, at the corpus rate, to be at most this.
    follower_z_threshold : robust z of log(following/followers) at which ``follower_anomaly`` fires
        (lower than `z_threshold`: the ratio is heavy-tailed and its MAD wide).
    tell_min_posts : posts with AI-text tells at which ``ai_text_tells`` fires.
    event_window_h : hours either side of an event that count as "near" it.
    quiet_hours : how many of the population's quietest hours ``activity_hours`` looks at.
    """

    def __init__(
        self,
        min_posts: int = 5,
        z_threshold: float = 3.0,
        burst_min_accounts: int = 5,
        burst_factor: float = 5.0,
        burst_local_days: int = 30,
        fresh_days: float = 180.0,
        stem_min_accounts: int = 5,
        stem_factor: float = 10.0,
        duplication_min_share: float = 0.5,
        duplication_min_posts: int = 2,
        duplication_min_family_accounts: int = 3,
        duplication_max_chance_p: float = 0.01,
        follower_z_threshold: float = 2.0,
        tell_min_posts: int = 1,
        event_window_h: float = 48.0,
        quiet_hours: int = 6,
    ):
        self.min_posts = min_posts
        self.z_threshold = z_threshold
        self.burst_min_accounts = burst_min_accounts
        self.burst_factor = burst_factor
        self.burst_local_days = burst_local_days
        self.fresh_days = fresh_days
        self.stem_min_accounts = stem_min_accounts
        self.stem_factor = stem_factor
        self.duplication_min_share = duplication_min_share
        self.duplication_min_posts = duplication_min_posts
        self.duplication_min_family_accounts = duplication_min_family_accounts
        self.duplication_max_chance_p = duplication_max_chance_p
        self.follower_z_threshold = follower_z_threshold
        self.tell_min_posts = tell_min_posts
        self.event_window_h = event_window_h
        self.quiet_hours = quiet_hours

    def get_params(self) -> dict:
        return {name: getattr(self, name) for name in self.__init__.__code__.co_varnames[1 : self.__init__.__code__.co_argcount]}

    def fit(
        self,
        posts: pl.DataFrame,
        accounts: pl.DataFrame | None = None,
        events: pl.DataFrame | None = None,
        family_assignments: pl.DataFrame | None = None,
        tell_post_ids: pl.Series | list[str] | None = None,
        coordination_nodes: pl.DataFrame | None = None,
    ) -> "AccountForensics":
        """Compute the signals.

        posts: canonical posts frame (account_id, created_at, post_id, kind, text, source_app used).
        accounts: canonical accounts frame (handle, created_at, followers, following used); the accounts
            considered are those with posts (profiles of accounts without posts are ignored).
        events: events frame (occurred_at). family_assignments: post_id, family_id of posts in
            near-duplicate families; when None, exact-duplicate families are computed as a fallback.
        tell_post_ids: ids of posts with an AI-text tell; None leaves ``ai_text_tells`` out.
        coordination_nodes: account_id, coordination_score, flagged (, partners).
        """
        # A stable input order makes every float sum identical whatever order the store returned rows in.
        posts = posts.sort([c for c in ("post_id", "account_id", "created_at") if c in posts.columns])
        active = posts.select("account_id").unique().sort("account_id")
        self.accounts_seen_ = active.height
        accounts = accounts.join(active, on="account_id", how="semi") if accounts is not None else None
        if family_assignments is None:
            family_assignments = exact_text_families(posts) if {"text", "post_id"} <= set(posts.columns) else None
            self.families_source_ = "exact_text_fallback"
        else:
            self.families_source_ = "near_duplicate_families"

        parts = [
            cadence_signals(posts, self.min_posts, self.z_threshold),
            activity_hour_signals(posts, self.quiet_hours, self.z_threshold),
        ]
        if "source_app" in posts.columns:
            parts.append(source_app_signals(posts))
        if accounts is not None and accounts.height:
            parts += [
                handle_signals(accounts, self.stem_min_accounts, self.stem_factor),
                registration_burst_signals(accounts, self.burst_min_accounts, self.burst_factor, self.burst_local_days),
                fresh_account_signals(posts, accounts, self.fresh_days),
                follower_signals(accounts, self.follower_z_threshold),
            ]
        if family_assignments is not None and {"kind", "text"} <= set(posts.columns):
            parts.append(
                duplication_signals(
                    posts, family_assignments, self.duplication_min_share, self.duplication_min_posts,
                    self.duplication_min_family_accounts, self.duplication_max_chance_p,
                )
            )
        if tell_post_ids is not None:
            parts.append(tell_signals(posts, tell_post_ids, self.tell_min_posts))
        parts.append(event_signals(posts, events, self.event_window_h, self.z_threshold))
        if coordination_nodes is not None:
            parts.append(
                coordination_signals(coordination_nodes.join(active, on="account_id", how="semi"))
            )
        signals = pl.concat([p.select(list(SIGNAL_SCHEMA)) for p in parts if p.height] or [empty_signals()])
        order = {name: i for i, name in enumerate(SIGNALS)}
        self.signals_ = (
            signals.with_columns(pl.col("signal").replace_strict(order, default=len(order)).alias("_order"))
            .sort(["account_id", "_order", "signal"])
            .drop("_order")
        )
        self.features_ = self._wide(posts, active)
        return self

    def _wide(self, posts: pl.DataFrame, active: pl.DataFrame) -> pl.DataFrame:
        counts = posts.group_by("account_id").agg(pl.len().alias("n_posts"))
        fired = self.signals_.group_by("account_id").agg(pl.col("fired").sum().cast(pl.Int64).alias("signals_fired"))
        wide = active.join(counts, on="account_id", how="left").join(fired, on="account_id", how="left")
        present = [s for s in SIGNALS if s in set(self.signals_["signal"].unique().to_list())]
        if present:
            values = self.signals_.pivot(on="signal", index="account_id", values="value")
            wide = wide.join(values.select(["account_id"] + present), on="account_id", how="left")
        return wide.with_columns(pl.col("signals_fired").fill_null(0)).sort("account_id")
