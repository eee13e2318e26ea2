"""The tidy "signal" frame every forensic check returns, and the corpus baselines it is judged against.

Every check in `workbench.forensics` answers one question per account and returns rows of
`SIGNAL_SCHEMA`:

- `account_id`  the account
- `signal`      the check's name (e.g. ``registration_burst``)
- `value`       what was measured for this account (units in the signal's documentation)
- `baseline`    the corpus value it is compared with (median, expected count, population share...)
- `threshold`   the value at which the check fires (same units as `value`, or as `z` when the
                check is a robust z-score check, see `detail`)
- `fired`       whether the check fired
- `strength`    0..1, how strongly (0.5 at the threshold, 1 at twice the threshold distance)
- `detail`      a short human-readable explanation ("created 2025-01-04: 212 accounts that day, 0.4 expected")

Keeping value, baseline and threshold side by side is what makes a suspicion score explainable.
"""
from __future__ import annotations

import functools

import numpy as np
import polars as pl

SIGNAL_SCHEMA: dict[str, pl.DataType] = {
    "account_id": pl.String,
    "signal": pl.String,
    "value": pl.Float64,
    "baseline": pl.Float64,
    "threshold": pl.Float64,
    "fired": pl.Boolean,
    "strength": pl.Float64,
    "detail": pl.String,
}

# 1.4826 * MAD estimates the standard deviation of a normal distribution; robust to a minority of outliers
# (the campaign itself must not move the baseline it is judged against).
_MAD_TO_SD = 1.4826


def empty_signals() -> pl.DataFrame:
    """An empty frame with `SIGNAL_SCHEMA`."""
    return pl.DataFrame(schema=SIGNAL_SCHEMA)


def robust_center_scale(values: np.ndarray, min_scale: float) -> tuple[float, float]:
    """Median and MAD-based scale of `values` (NaNs ignored); the scale is at least `min_scale`.

    Returns (nan, min_scale) when there is no finite value.
    """
    finite = values[np.isfinite(values)]
    if finite.size == 0:
        return float("nan"), float(min_scale)
    center = float(np.median(finite))
    scale = _MAD_TO_SD * float(np.median(np.abs(finite - center)))
    return center, max(scale, float(min_scale))


def strength_from_distance(distance_past_threshold: np.ndarray, threshold_distance: float) -> np.ndarray:
    """Map how far a value is on the suspicious side to 0..1.

    `distance_past_threshold` is (value - baseline) in the suspicious direction, `threshold_distance`
    the distance at which the check fires: strength is 0.5 there, 1.0 at twice that distance, 0 at the
    baseline or on the innocent side.
    """
    if threshold_distance <= 0:
        return np.where(distance_past_threshold > 0, 1.0, 0.0)
    return np.clip(distance_past_threshold / (2.0 * threshold_distance), 0.0, 1.0)


def signal_rows(
    signal: str,
    account_ids: list[str] | pl.Series,
    value,
    baseline,
    threshold,
    fired,
    strength,
    detail,
) -> pl.DataFrame:
    """Build a `SIGNAL_SCHEMA` frame for one signal; scalars broadcast to every account."""
    account_ids = pl.Series("account_id", account_ids, dtype=pl.String)
    n = len(account_ids)

    def column(name, data, dtype):
        if isinstance(data, pl.Series):
            return data.alias(name).cast(dtype)
        if isinstance(data, np.ndarray) or isinstance(data, list):
            return pl.Series(name, data).cast(dtype)
        return pl.Series(name, [data] * n, dtype=dtype)

    frame = pl.DataFrame(
        [
            account_ids,
            pl.Series("signal", [signal] * n, dtype=pl.String),
            column("value", value, pl.Float64),
            column("baseline", baseline, pl.Float64),
            column("threshold", threshold, pl.Float64),
            column("fired", fired, pl.Boolean),
            column("strength", strength, pl.Float64),
            column("detail", detail, pl.String),
        ]
    )
    # NaN values mean "not measurable for this account": never fired, no strength.
    return frame.with_columns(
        pl.when(pl.col("value").is_nan()).then(False).otherwise(pl.col("fired")).alias("fired"),
        pl.when(pl.col("value").is_nan()).then(None).otherwise(pl.col("strength")).alias("strength"),
    )


@functools.lru_cache(maxsize=1 << 16)  # the explanations repeat baselines, thresholds and small counts per account
def fmt(x: float, digits: int = 3) -> str:
    """Fixed, locale-free number formatting for explanation text (deterministic across runs)."""
    if x is None or (isinstance(x, float) and not np.isfinite(x)):
        return "n/a"
    if float(x).is_integer() and abs(x) < 1e15:
        return str(int(x))
    if abs(x) >= 10 ** digits:
        return f"{x:.0f}"
    return f"{x:.{digits}g}"
