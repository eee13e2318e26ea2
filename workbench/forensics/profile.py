"""Account-profile signals: registration bursts, fresh accounts, follower anomalies, source apps.

Signals:

- ``registration_burst``: accounts registered on the same UTC day (or hour) in numbers far above the
  corpus baseline. value: accounts registered that day; baseline: the expected accounts per day, the
  larger of the corpus average over its registration span and the average of the surrounding
  ±`local_days` days (so a busy season is not a burst); fires when the day (or the hour, against a
  24th of the daily baseline) holds at least `min_accounts` registrations and `factor` times the
  baseline.
- ``fresh_account``: days between registration and the account's first post in the corpus. Fires
  below `fresh_days`.
- ``follower_anomaly``: log10((following + 1) / (followers + 1)), robust z against the corpus;
  fires above `z_threshold` (follows many, followed by few).
- ``source_app``: the app most of the account's posts come from. Fires when its name looks like an
  automation tool (`AUTOMATION_APP_PATTERN`) and sends at least half its posts, or when it is a rare client
  (main app of at most 1 % of accounts and outside the apps that carry 90 % of the corpus's posts) that at
  least three accounts rely on for at least 90 % of their posts: a tool, whatever its name or language.
"""
from __future__ import annotations

import re

import numpy as np
import polars as pl

from workbench.forensics.baseline import (
    empty_signals,
    fmt,
    robust_center_scale,
    signal_rows,
    strength_from_distance,
)

# Bulk-posting and API clients named in OSINT write-ups of bot networks (case-insensitive substring match).
AUTOMATION_APP_PATTERN = re.compile(
    r"(\bapi\b|bot|auto|batch|script|ifttt|zapier|dlvr\.it|twittbot|twitterfeed|云控|群控|批量|自动)",
    re.IGNORECASE,
)


def registration_burst_signals(
    accounts: pl.DataFrame, min_accounts: int = 5, factor: float = 5.0, local_days: int = 30
) -> pl.DataFrame:
    """Signal rows ``registration_burst`` for accounts with a known created_at."""
    if accounts.height == 0 or "created_at" not in accounts.columns:
        return empty_signals()
    known = accounts.select("account_id", "created_at").drop_nulls("created_at").sort("account_id")
    if known.height == 0:
        return empty_signals()
    known = known.with_columns(
        pl.col("created_at").dt.date().alias("day"), pl.col("created_at").dt.truncate("1h").alias("hour")
    )
    per_day = known.group_by("day").agg(pl.len().alias("day_count")).sort("day")
    per_hour = known.group_by("hour").agg(pl.len().alias("hour_count"))
    first, last = per_day["day"].min(), per_day["day"].max()
    span_days = (last - first).days + 1
    global_rate = known.height / span_days

    # Local rate: accounts in the ±local_days around each day, excluding that day, per day.
    day_numbers = np.array([(d - first).days for d in per_day["day"].to_list()], dtype=np.int64)
    dense = np.zeros(span_days + 2 * local_days + 1, dtype=np.float64)
    dense[day_numbers + local_days] = per_day["day_count"].to_numpy()
    cumulative = np.concatenate([[0.0], np.cumsum(dense)])
    lo = day_numbers  # index of (day - local_days) in the padded array
    hi = day_numbers + 2 * local_days + 1
    window_total = cumulative[hi] - cumulative[lo]
    local_rate = (window_total - per_day["day_count"].to_numpy()) / (2 * local_days)
    per_day = per_day.with_columns(pl.Series("expected_per_day", np.maximum(local_rate, global_rate)))

    known = known.join(per_day, on="day", how="left").join(per_hour, on="hour", how="left").sort("account_id")
    day_count = known["day_count"].to_numpy().astype(float)
    hour_count = known["hour_count"].to_numpy().astype(float)
    expected = known["expected_per_day"].to_numpy()
    day_ratio = day_count / expected
    hour_ratio = hour_count / (expected / 24.0)
    day_fired = (day_count >= min_accounts) & (day_ratio >= factor)
    hour_fired = (hour_count >= min_accounts) & (hour_ratio >= factor)
    fired = day_fired | hour_fired
    log_ratio = np.log(np.maximum(np.where(day_count >= min_accounts, day_ratio, 0.0), 1e-9))
    log_hour = np.log(np.maximum(np.where(hour_count >= min_accounts, hour_ratio, 0.0), 1e-9))
    strength = strength_from_distance(np.maximum(log_ratio, log_hour), np.log(factor))
    details = [
        f"registered {d}: {int(c)} accounts that day (expected {fmt(e)}), {int(h)} in the same hour"
        for d, c, e, h in zip(known["day"].to_list(), day_count, expected, hour_count)
    ]
    return signal_rows(
        "registration_burst",
        known["account_id"],
        day_count,
        expected,
        np.maximum(float(min_accounts), factor * expected),
        fired,
        strength,
        details,
    )


def fresh_account_signals(posts: pl.DataFrame, accounts: pl.DataFrame, fresh_days: float = 30.0) -> pl.DataFrame:
    """Signal rows ``fresh_account``: value = days from registration to first post in the corpus."""
    if accounts.height == 0 or "created_at" not in accounts.columns or posts.height == 0:
        return empty_signals()
    first_posts = posts.group_by("account_id").agg(pl.col("created_at").min().alias("first_post_at"))
    frame = (
        accounts.select("account_id", pl.col("created_at").alias("registered_at"))
        .drop_nulls("registered_at")
        .join(first_posts, on="account_id", how="inner")
        .sort("account_id")
    )
    if frame.height == 0:
        return empty_signals()
    age_days = (
        (frame["first_post_at"] - frame["registered_at"]).dt.total_seconds().cast(pl.Float64) / 86400.0
    ).to_numpy()
    age_days = np.maximum(age_days, 0.0)
    median_age = float(np.median(age_days))
    fired = age_days < fresh_days
    strength = np.clip(1.0 - age_days / (2.0 * fresh_days), 0.0, 1.0)
    details = [f"first post {fmt(a)} days after registration (corpus median {fmt(median_age)})" for a in age_days]
    return signal_rows("fresh_account", frame["account_id"], age_days, median_age, fresh_days, fired, strength, details)


def follower_signals(accounts: pl.DataFrame, z_threshold: float = 3.0) -> pl.DataFrame:
    """Signal rows ``follower_anomaly``: value = log10((following+1)/(followers+1))."""
    needed = {"followers", "following"}
    if accounts.height == 0 or not needed <= set(accounts.columns):
        return empty_signals()
    frame = accounts.select("account_id", "followers", "following").sort("account_id")
    followers = frame["followers"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    following = frame["following"].cast(pl.Float64).fill_null(float("nan")).to_numpy()
    ratio = np.log10((np.maximum(following, 0) + 1.0) / (np.maximum(followers, 0) + 1.0))
    center, scale = robust_center_scale(ratio, 0.25)
    z = (ratio - center) / scale
    details = [
        "followers/following unknown"
        if not np.isfinite(r)
        else f"follows {int(fg)}, followed by {int(fr)} (log ratio {fmt(r, 2)}, corpus median {fmt(center, 2)})"
        for r, fg, fr in zip(ratio, following, followers)
    ]
    return signal_rows(
        "follower_anomaly",
        frame["account_id"],
        ratio,
        center,
        center + z_threshold * scale,
        z >= z_threshold,
        strength_from_distance(z, z_threshold),
        details,
    )


def source_app_signals(posts: pl.DataFrame) -> pl.DataFrame:
    """Signal rows ``source_app``: value = share of the account's posts sent from its main app."""
    if posts.height == 0 or "source_app" not in posts.columns:
        return empty_signals()
    frame = posts.select("account_id", pl.col("source_app").fill_null("(unknown)"))
    counts = frame.group_by(["account_id", "source_app"]).agg(pl.len().alias("n"))
    counts = counts.with_columns((pl.col("n") / pl.col("n").sum().over("account_id")).alias("share"))
    main = counts.sort(["account_id", "n", "source_app"], descending=[False, True, False]).group_by(
        "account_id", maintain_order=True
    ).first()
    if main["source_app"].n_unique() == 1 and main["source_app"][0] == "(unknown)":
        return empty_signals()
    app_accounts = main.group_by("source_app").agg(pl.len().alias("app_accounts"))
    main = main.join(app_accounts, on="source_app", how="left").sort("account_id")
    n_accounts = main.height
    apps = main["source_app"].to_list()
    named = np.array([bool(AUTOMATION_APP_PATTERN.search(app)) for app in apps])
    share = main["share"].to_numpy()
    app_accounts = main["app_accounts"].to_numpy()
    app_share = app_accounts / n_accounts
    # A client few accounts use but use for nearly everything is a tool, whatever its name (a posting suite,
    # a tool named in any language): rare (main app of at most 1 % of accounts, outside the apps that carry
    # 90 % of the corpus's posts) yet shared (three or more accounts rely on it). Unknown apps never count.
    by_app = frame.group_by("source_app").agg(pl.len().alias("posts")).sort(["posts", "source_app"], descending=[True, False])
    before = (by_app["posts"].cum_sum() - by_app["posts"]) / by_app["posts"].sum()
    common = set(by_app.filter(before < 0.9)["source_app"].to_list())
    rare = np.array([app not in common and app != "(unknown)" for app in apps]) & (app_share <= 0.01) & (app_accounts >= 3)
    fired = (named & (share >= 0.5)) | (rare & (share >= 0.9))
    details = [
        f"main app '{app}' for {fmt(100 * s, 3)}% of posts; main app of {fmt(100 * a, 3)}% of accounts"
        + ("; automation client" if auto else "; a rare client that few accounts rely on" if rare_ else "")
        for app, s, a, auto, rare_ in zip(apps, share, app_share, named, rare)
    ]
    return signal_rows(
        "source_app", main["account_id"], share, app_share, 0.5, fired, np.where(fired, share, 0.0), details
    )
