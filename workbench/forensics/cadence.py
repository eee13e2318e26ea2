"""Posting cadence and hours of activity, judged against the corpus population.

Signals (all from the posts frame: account_id, created_at):

- ``cadence_regularity``: coefficient of variation (std / mean) of the gaps between an account's
  consecutive posts. Humans are bursty (CV well above 1); schedulers are regular (CV near 0).
  Fires when the robust z-score against the corpus is below ``-z_threshold``.
- ``interpost_entropy``: Shannon entropy (bits) of the gaps binned by powers of two seconds. A narrow
  repertoire of gaps (low entropy) is the mark of a timer. Fires at robust z below ``-z_threshold``.
- ``posting_density``: posts per active day (a day with at least one post). Fires at robust z of
  log(1 + density) above ``z_threshold``.
- ``activity_hours``: share of the account's posts in the population's quietest `quiet_hours` hours
  of the day (UTC), against the population's share there; fires when a one-sided binomial z-score is
  above ``z_threshold`` and the share is at least twice the population's. Shift workers in another time
  zone fire too: this is a weak signal and weighted as such in the score.

Accounts with fewer than `min_posts` posts get NaN (not measurable) for the gap-based signals.
"""
from __future__ import annotations

import numpy as np
import polars as pl

from workbench.forensics.baseline import (
    empty_signals,
    fmt,
    robust_center_scale,
    signal_rows,
    strength_from_distance,
)


def gap_statistics(posts: pl.DataFrame) -> pl.DataFrame:
    """Per account: n_posts, active_days, gap_cv, gap_entropy_bits, gap_median_s, posts_per_active_day.

    Input: posts with account_id and created_at (Datetime). Gaps are in seconds between consecutive
    posts of the same account, in time order (ties broken by post_id when present, for determinism).
    """
    order = ["account_id", "created_at"] + (["post_id"] if "post_id" in posts.columns else [])
    frame = posts.select(order).sort(order)
    frame = frame.with_columns(
        (pl.col("created_at").diff().over("account_id").dt.total_microseconds() / 1e6).alias("gap_s"),
        pl.col("created_at").dt.date().alias("day"),
    )
    frame = frame.with_columns(
        # Power-of-two bins: 0-1 s, 2-3 s, 4-7 s ... ; one bin per doubling keeps entropy scale-free.
        (pl.col("gap_s") + 1.0).log(2).floor().cast(pl.Int32).alias("gap_bin")
    )
    per_account = frame.group_by("account_id").agg(
        pl.len().alias("n_posts"),
        pl.col("day").n_unique().alias("active_days"),
        (pl.col("gap_s").std() / pl.col("gap_s").mean()).alias("gap_cv"),
        pl.col("gap_s").median().alias("gap_median_s"),
    )
    bins = (
        frame.drop_nulls("gap_bin")
        .group_by(["account_id", "gap_bin"])
        .agg(pl.len().alias("count"))
        .with_columns((pl.col("count") / pl.col("count").sum().over("account_id")).alias("p"))
        .sort(["account_id", "gap_bin"])  # fixed summation order: bit-identical entropies
        .group_by("account_id", maintain_order=True)
        .agg((-(pl.col("p") * pl.col("p").log(2)).sum()).alias("gap_entropy_bits"))
    )
    out = per_account.join(bins, on="account_id", how="left").with_columns(
        (pl.col("n_posts") / pl.col("active_days")).alias("posts_per_active_day")
    )
    return out.sort("account_id")


def cadence_signals(posts: pl.DataFrame, min_posts: int = 5, z_threshold: float = 3.0) -> pl.DataFrame:
    """Signal rows ``cadence_regularity``, ``interpost_entropy`` and ``posting_density`` per account."""
    if posts.height == 0:
        return empty_signals()
    stats = gap_statistics(posts)
    ids = stats["account_id"]
    enough = (stats["n_posts"] >= min_posts).to_numpy()
    frames = []
    for signal, column, direction, transform, min_scale, unit in (
        ("cadence_regularity", "gap_cv", -1.0, None, 0.05, "gap CV"),
        ("interpost_entropy", "gap_entropy_bits", -1.0, None, 0.1, "bits"),
        ("posting_density", "posts_per_active_day", 1.0, np.log1p, 0.1, "posts/active day"),
    ):
        raw = stats[column].cast(pl.Float64).fill_null(float("nan")).to_numpy().copy()
        if signal != "posting_density":
            raw[~enough] = np.nan
        measured = transform(raw) if transform is not None else raw
        center, scale = robust_center_scale(measured, min_scale)
        z = (measured - center) / scale
        distance = direction * z
        fired = distance >= z_threshold
        baseline_value = float(np.expm1(center)) if transform is not None else center
        threshold_value = (
            float(np.expm1(center + direction * z_threshold * scale))
            if transform is not None
            else center + direction * z_threshold * scale
        )
        details = [
            "n/a (fewer than {} posts)".format(min_posts)
            if not np.isfinite(v)
            else f"{fmt(v)} {unit} vs corpus median {fmt(baseline_value)} (robust z {fmt(zz, 2)})"
            for v, zz in zip(raw, z)
        ]
        frames.append(
            signal_rows(
                signal,
                ids,
                raw,
                baseline_value,
                threshold_value,
                fired,
                strength_from_distance(distance, z_threshold),
                details,
            )
        )
    return pl.concat(frames)


def activity_hour_signals(posts: pl.DataFrame, quiet_hours: int = 6, z_threshold: float = 3.0) -> pl.DataFrame:
    """Signal rows ``activity_hours``: share of posts in the population's quietest hours (UTC).

    value: the account's share (0..1); baseline: the population's share in the same hours; threshold:
    the share at which the binomial z-score reaches `z_threshold` for this account's post count.
    """
    if posts.height == 0:
        return empty_signals()
    hours = posts.select("account_id", pl.col("created_at").dt.hour().alias("hour"))
    population = np.bincount(hours["hour"].to_numpy(), minlength=24).astype(float)
    # Quietest hours: fewest posts; ties broken by hour so the choice is deterministic.
    quiet = sorted(range(24), key=lambda h: (population[h], h))[:quiet_hours]
    p = float(population[quiet].sum() / population.sum())
    per_account = (
        hours.group_by("account_id")
        .agg(pl.len().alias("n"), pl.col("hour").is_in(quiet).sum().alias("k"))
        .sort("account_id")
    )
    n = per_account["n"].to_numpy().astype(float)
    k = per_account["k"].to_numpy().astype(float)
    share = k / n
    sd = np.sqrt(np.maximum(n * p * (1 - p), 1e-12))
    z = (k - n * p) / sd
    fired = (z >= z_threshold) & (share >= 2 * p)
    threshold_share = np.maximum(p + z_threshold * sd / n, 2 * p)
    hours_text = ",".join(f"{h:02d}" for h in sorted(quiet))
    details = [
        f"{fmt(100 * s, 3)}% of {int(nn)} posts in the quietest hours ({hours_text} UTC), population {fmt(100 * p, 3)}%"
        for s, nn in zip(share, n)
    ]
    return signal_rows(
        "activity_hours",
        per_account["account_id"],
        share,
        p,
        threshold_share,
        fired,
        strength_from_distance(z, z_threshold) * (share >= 2 * p),
        details,
    )
