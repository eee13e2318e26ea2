"""Suspicion scores that explain themselves.

Unsupervised default (no labels needed): the score of an account is the weighted mean of its signal
strengths (0..1), over every signal measured in the corpus (a signal that cannot be measured for an
account counts as 0: missing data is not evidence):

    score = sum_s weight_s * strength_s / sum_s weight_s            (0..1)

An account is flagged when score >= `threshold` and at least `min_fired` signals fired. Both are
fixed, documented defaults (see docs/forensics.md for how they were chosen: tuned on one synthetic
seed, validated on another). Every flagged account keeps the list of signals that fired.

Supervised option: with labels (account_id, is_campaign) from analyst verdicts (or, explicitly,
ground truth), `fit(signals, labels=...)` learns a logistic regression on the strengths; the score is
then the predicted probability and the learned weights are in `weights_`. The unsupervised default
never reads labels.
"""
from __future__ import annotations

import numpy as np
import polars as pl

# Why these weights: coordination and batch registration are the strongest separators of a water army
# from an enthusiastic crowd; shared slogans and surges on events are weak (fans do both), so they weigh
# little. Chosen on synthetic seed 1 and validated on seed 2 (BENCHMARKS.md, account forensics).
DEFAULT_WEIGHTS: dict[str, float] = {
    "coordination": 2.0,
    "content_duplication": 0.5,
    "ai_text_tells": 1.5,
    "registration_burst": 2.0,
    "handle_pattern": 1.0,
    "cadence_regularity": 1.0,
    "interpost_entropy": 0.5,
    "posting_density": 1.0,
    "activity_hours": 0.5,
    "source_app": 1.0,
    "follower_anomaly": 1.0,
    "fresh_account": 1.5,
    "event_concentration": 0.25,
}

# Signals about the account itself rather than what it posts. Fan clubs share slogans, surge on launches and
# repost the same official post at once, so content and timing alone never flag an account: one of these
# must fire too. Only artefacts of an operation count (batch registration, an automation client, pasted
# LLM output); individual oddities do not: fresh_account (real people join during launches), handle_pattern
# (some real users pick random handles; common names plus digits form large stems), follower_anomaly
# (a real fan can follow 1,000 accounts and have one follower).
IDENTITY_SIGNALS: tuple[str, ...] = ("registration_burst", "source_app", "ai_text_tells")

SCORE_SCHEMA = {
    "account_id": pl.String,
    "score": pl.Float64,
    "signals_fired": pl.Int64,
    "fired_signals": pl.String,
    "flagged": pl.Boolean,
    "flag_reason": pl.String,
    "rank": pl.Int64,
}


def strength_matrix(signals: pl.DataFrame, names: list[str]) -> tuple[list[str], np.ndarray]:
    """Accounts (sorted) and their strengths per signal in `names` order (missing → 0)."""
    wide = (
        signals.select("account_id", "signal", pl.col("strength").fill_null(0.0))
        .filter(pl.col("signal").is_in(names))
        .pivot(on="signal", index="account_id", values="strength", aggregate_function="max")
        .sort("account_id")
    )
    for name in names:
        if name not in wide.columns:
            wide = wide.with_columns(pl.lit(0.0).alias(name))
    return wide["account_id"].to_list(), wide.select(names).fill_null(0.0).to_numpy().astype(np.float64)


class SuspicionScorer:
    """Combine per-account signals into one explainable score.

    Parameters
    ----------
    weights : signal name → weight; default `DEFAULT_WEIGHTS`. Signals without a weight are ignored.
    threshold : score (0..1) at which an account is flagged.
    min_fired : signals that must have fired for a flag (one signal alone is never enough).
    identity_signals : at least one of these must have fired for a flag (None: no such rule). The rule
        applies only when registration dates exist for at least half the accounts (``identity_rule_``).
    coordination_counts_as : how many fired signals a fired ``coordination`` counts for in `min_fired`
        (the network flags an account only on several co-action signals).
    supervised : learn weights from labels passed to `fit` (logistic regression); the score becomes the
        predicted probability and `threshold` applies to it.
    random_state : seed for the supervised solver (kept for reproducibility).

    Attributes after fit: ``scores_`` (SCORE_SCHEMA, sorted by account_id), ``weights_`` (used or
    learned), ``signals_used_``.
    """

    def __init__(
        self,
        weights: dict[str, float] | None = None,
        threshold: float = 0.2,
        min_fired: int = 2,
        identity_signals: tuple[str, ...] | None = IDENTITY_SIGNALS,
        coordination_counts_as: int = 2,
        supervised: bool = False,
        random_state: int = 0,
    ):
        self.weights = weights
        self.identity_signals = identity_signals
        self.coordination_counts_as = coordination_counts_as
        self.threshold = threshold
        self.min_fired = min_fired
        self.supervised = supervised
        self.random_state = random_state

    def fit(self, signals: pl.DataFrame, labels: pl.DataFrame | None = None) -> "SuspicionScorer":
        """signals: SIGNAL_SCHEMA rows. labels (supervised only): account_id, is_campaign (bool)."""
        weights = dict(self.weights if self.weights is not None else DEFAULT_WEIGHTS)
        present = set(signals["signal"].unique().to_list())
        names = [name for name in weights if name in present]
        accounts, strengths = strength_matrix(signals, names)
        self.signals_used_ = names
        if self.supervised:
            scores = self._fit_supervised(accounts, strengths, names, labels)
        else:
            w = np.array([weights[n] for n in names], dtype=np.float64)
            self.weights_ = dict(zip(names, w.tolist()))
            scores = strengths @ w / w.sum() if w.sum() > 0 else np.zeros(len(accounts))
        # The identity rule holds only where registration dates exist (it was built around batch
        # registration); corpora without them (e.g. the IRA tweets) fall back to score + min_fired.
        registration = signals.filter((pl.col("signal") == "registration_burst") & pl.col("value").is_not_nan())
        self.identity_rule_ = bool(self.identity_signals) and registration.height >= 0.5 * max(len(accounts), 1)
        identity = list(self.identity_signals) if self.identity_rule_ else names
        fired = (
            signals.filter(pl.col("fired") & pl.col("signal").is_in(names))
            .sort(["account_id", "signal"])
            .group_by("account_id", maintain_order=True)
            .agg(
                pl.len().cast(pl.Int64).alias("signals_fired"),
                pl.col("signal").str.join(",").alias("fired_signals"),
                pl.col("signal").is_in(identity).any().alias("_identity"),
            )
        )
        frame = (
            pl.DataFrame({"account_id": pl.Series(accounts, dtype=pl.String), "score": pl.Series(scores, dtype=pl.Float64)})
            .join(fired, on="account_id", how="left")
            .with_columns(pl.col("signals_fired").fill_null(0), pl.col("fired_signals").fill_null(""), pl.col("_identity").fill_null(False))
            .with_columns(
                (
                    (pl.col("score") >= self.threshold)
                    # The coordination network flags an account only on several co-action signals, so its
                    # flag already is corroborated evidence and counts for `coordination_counts_as` signals.
                    & (
                        pl.col("signals_fired")
                        + (self.coordination_counts_as - 1) * pl.col("fired_signals").str.contains("coordination", literal=True)
                        >= self.min_fired
                    )
                    & pl.col("_identity")
                ).alias("flagged")
            )
            .with_columns(pl.when(pl.col("flagged")).then(pl.lit("signals")).otherwise(pl.lit("")).alias("flag_reason"))
            .drop("_identity")
        )
        # Rank: highest score first, ties broken by account_id so the order is deterministic.
        frame = frame.sort(["score", "account_id"], descending=[True, False]).with_row_index("rank", offset=1)
        self.scores_ = frame.with_columns(pl.col("rank").cast(pl.Int64)).select(list(SCORE_SCHEMA)).sort("account_id")
        return self

    def _fit_supervised(self, accounts, strengths, names, labels) -> np.ndarray:
        from sklearn.linear_model import LogisticRegression

        if labels is None or labels.height == 0:
            raise ValueError("supervised scoring needs labels (account_id, is_campaign)")
        y_frame = pl.DataFrame({"account_id": accounts}).join(
            labels.select("account_id", pl.col("is_campaign").cast(pl.Boolean)).unique("account_id", keep="last"),
            on="account_id",
            how="left",
        )
        known = y_frame["is_campaign"].is_not_null().to_numpy()
        y = y_frame["is_campaign"].fill_null(False).to_numpy()
        if known.sum() < 2 or len(set(y[known].tolist())) < 2:
            raise ValueError("supervised scoring needs labelled accounts of both classes")
        model = LogisticRegression(C=1.0, class_weight="balanced", random_state=self.random_state, max_iter=1000)
        model.fit(strengths[known], y[known])
        self.model_ = model
        self.weights_ = dict(zip(names, model.coef_[0].tolist()))
        return model.predict_proba(strengths)[:, 1]

    def explain(self, signals: pl.DataFrame, account_id: str) -> pl.DataFrame:
        """The signal rows of one account with each signal's weight and contribution to the score."""
        weights = pl.DataFrame(
            {"signal": list(self.weights_), "weight": list(self.weights_.values())},
            schema={"signal": pl.String, "weight": pl.Float64},
        )
        total = sum(abs(w) for w in self.weights_.values()) or 1.0
        return (
            signals.filter(pl.col("account_id") == account_id)
            .join(weights, on="signal", how="left")
            .with_columns((pl.col("strength").fill_null(0.0) * pl.col("weight") / total).alias("contribution"))
            .sort(["contribution", "signal"], descending=[True, False])
        )


def propagate_flags(
    scores: pl.DataFrame,
    edges: pl.DataFrame,
    min_flagged_neighbours: int = 2,
    min_neighbour_share: float = 0.5,
) -> pl.DataFrame:
    """Flag accounts that coordinate mostly with flagged accounts (one step, not iterated).

    Aged or bought accounts show none of the identity signals; what gives them away is whom they act with.
    scores: `SuspicionScorer.scores_`; edges: undirected coordination edges (account_a, account_b).
    An unflagged account with at least `min_flagged_neighbours` flagged neighbours that make up at least
    `min_neighbour_share` of its neighbours becomes flagged with flag_reason "network" and
    "flagged_neighbours" appended to its fired_signals. Adds columns neighbours and flagged_neighbours. Only accounts flagged by their own signals count as flagged
    neighbours, so the rule cannot snowball through a crowd.
    """
    flagged = scores.filter(pl.col("flagged")).select("account_id")
    both = pl.concat([
        edges.select(pl.col("account_a").alias("account_id"), pl.col("account_b").alias("neighbour")),
        edges.select(pl.col("account_b").alias("account_id"), pl.col("account_a").alias("neighbour")),
    ]).unique()
    counts = (
        both.with_columns(pl.col("neighbour").is_in(flagged["account_id"].implode()).alias("is_flagged"))
        .group_by("account_id")
        .agg(pl.len().cast(pl.Int64).alias("neighbours"), pl.col("is_flagged").sum().cast(pl.Int64).alias("flagged_neighbours"))
    )
    out = scores.join(counts, on="account_id", how="left").with_columns(
        pl.col("neighbours").fill_null(0), pl.col("flagged_neighbours").fill_null(0)
    )
    by_network = (
        ~pl.col("flagged")
        & (pl.col("flagged_neighbours") >= min_flagged_neighbours)
        & (pl.col("flagged_neighbours") >= min_neighbour_share * pl.col("neighbours"))
    )
    return out.with_columns(
        pl.when(by_network).then(pl.lit("network")).otherwise(pl.col("flag_reason")).alias("flag_reason"),
        pl.when(by_network)
        .then(pl.concat_str([pl.col("fired_signals"), pl.lit("flagged_neighbours")], separator=",").str.strip_chars(","))
        .otherwise(pl.col("fired_signals"))
        .alias("fired_signals"),
        (pl.col("flagged") | by_network).alias("flagged"),
    ).sort("account_id")


def network_signal_rows(scores: pl.DataFrame, min_flagged_neighbours: int, min_neighbour_share: float) -> pl.DataFrame:
    """Signal rows ``flagged_neighbours`` explaining `propagate_flags` for every account with neighbours:
    value = flagged neighbours, baseline = all coordination neighbours, threshold = what the rule needs."""
    from workbench.forensics.baseline import signal_rows

    frame = scores.filter(pl.col("neighbours") > 0).sort("account_id")
    value = frame["flagged_neighbours"].cast(pl.Float64).to_numpy()
    total = frame["neighbours"].cast(pl.Float64).to_numpy()
    import numpy as np

    needed = np.maximum(float(min_flagged_neighbours), min_neighbour_share * total)
    fired = (frame["flag_reason"] == "network").to_numpy()
    details = [
        f"{int(v)} of {int(t)} coordination neighbours flagged on their own signals (needs {needed_:.0f})"
        for v, t, needed_ in zip(value, total, needed)
    ]
    return signal_rows(
        "flagged_neighbours", frame["account_id"], value, total, needed, fired,
        np.where(fired, 1.0, np.clip(0.5 * value / needed, 0.0, 0.49)), details,
    )
