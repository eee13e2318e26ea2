"""Coordination tested against chance: a slow squad is found, organic crowds and hot objects are not."""
import datetime as dt

import numpy as np
import polars as pl

from workbench.coordination import CoordinationNetwork
from workbench.coordination.significance import SignificantCoordination, fdr_threshold, poisson_log10_sf

START = dt.datetime(2025, 3, 1)


def _corpus(seed: int = 0) -> pl.DataFrame:
    """400 organic accounts repost popular posts at random times; a squad of 6 reposts 8 rare seeds of its
    own, members 10 to 90 minutes apart (no pair within 60 s); everyone reposts one viral post."""
    rng = np.random.default_rng(seed)
    rows = []
    popular = [f"x:p{i}" for i in range(300)]
    weights = 1.0 / np.arange(1, 301) ** 1.1
    weights /= weights.sum()
    for a in range(400):
        for _ in range(int(rng.integers(3, 30))):
            rows.append((f"x:o{a:03d}", START + dt.timedelta(seconds=int(rng.integers(0, 60 * 86400))),
                         str(rng.choice(popular, p=weights))))
    for seed_no in range(8):
        t = START + dt.timedelta(days=3 * seed_no + 1)
        for member in range(6):
            t = t + dt.timedelta(minutes=int(rng.integers(10, 90)))
            rows.append((f"x:s{member}", t, f"x:seed{seed_no}"))
    for a in range(400):
        rows.append((f"x:o{a:03d}", START + dt.timedelta(days=30, seconds=a), "x:viral"))
    for member in range(6):
        rows.append((f"x:s{member}", START + dt.timedelta(days=30, seconds=500 + member), "x:viral"))
    frame = pl.DataFrame(rows, schema={"account_id": pl.String, "created_at": pl.Datetime("us"), "shared_post_id": pl.String},
                         orient="row")
    return frame.with_row_index("n").select(
        pl.format("x:r{}", "n").alias("post_id"), "account_id", "created_at", pl.lit("repost").alias("kind"),
        "shared_post_id", pl.lit("").alias("text"))


def test_slow_squad_is_one_group_and_no_organic_account_is_grouped():
    net = CoordinationNetwork(signals=("co_share",), random_state=0,
                              significance=SignificantCoordination(max_object_accounts=200)).fit(_corpus())
    squad = {f"x:s{m}" for m in range(6)}
    groups = net.groups_
    assert set(groups["account_id"]) == squad
    assert groups["group"].n_unique() == 1
    # the squad never co-acts within 60 s, so the windowed network alone sees nothing
    assert not net.nodes_.filter(pl.col("account_id").is_in(list(squad)))["flagged"].any()
    pairs = net.significant_pairs_
    assert pairs.height >= 10 and (pairs["scale_s"].fill_nan(None).drop_nulls() >= 1800).all()
    assert (pairs["log10_p"] < -6).all()
    # the viral post (406 accounts) is above the popularity cap: reported, never evidence
    assert net.significance_.object_cap_ == 200
    assert net.significance_.hot_objects_["accounts"].max() == 406


def test_evidence_rows_name_the_shared_seeds():
    frame = _corpus()
    net = CoordinationNetwork(signals=("co_share",), random_state=0).fit(frame)
    labels = net.account_labels_
    rows = net.significance_.evidence_rows(labels.index_of("x:s0"), labels.index_of("x:s1"))
    shared = set(frame["shared_post_id"].gather(rows[:, 0]).to_list())
    assert {f"x:seed{i}" for i in range(8)} <= shared
    assert (frame["account_id"].gather(rows[:, 0]) == "x:s0").all()


def test_poisson_tail_and_fdr():
    # P(Poisson(1) >= 1) = 1 - e^-1; far tails fall back to the leading term without underflow
    assert abs(10 ** poisson_log10_sf(np.array([1]), np.array([1.0]))[0] - (1 - np.exp(-1))) < 1e-9
    assert poisson_log10_sf(np.array([60]), np.array([1e-6]))[0] < -300
    # BH: 3 tiny p-values among 1000 tests pass at 0.01, a lone 0.02 does not
    p = np.log10(np.array([1e-9, 1e-8, 1e-6, 0.02]))
    assert fdr_threshold(p, 1000, 0.01) == np.log10(1e-6)
