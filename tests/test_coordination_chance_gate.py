"""Where everyone posts densely, repeated co-action within a window is not evidence on its own: the network's
flags start only from accounts whose co-action the test against chance cannot explain. Without the test the
window rules and their spread (attachment, shared assets) flag every account of such a corpus."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from workbench.coordination import CoordinationNetwork

START = datetime(2025, 6, 20)
SPAN_S = 2 * 86400


def dense_corpus(n_organic_posts: int = 40_000, n_accounts: int = 800, n_bots: int = 60, seed: int = 0) -> pl.DataFrame:
    """800 organic accounts posting 50 times each in two days: reposts of 300 popular posts and links to 500
    popular pages (Zipf), a fifth of the texts stock slogans; 60 bots posting a smear template with their
    burst's link, 12 at a time within 50 s, in 60 bursts."""
    rng = np.random.default_rng(seed)
    account = rng.integers(0, n_accounts, n_organic_posts)
    seconds = rng.integers(0, SPAN_S, n_organic_posts)
    repost = rng.random(n_organic_posts) < 0.4
    shared = (rng.zipf(1.4, n_organic_posts) % 300).astype(str)
    link = rng.random(n_organic_posts) < 0.4
    link_id = rng.zipf(1.3, n_organic_posts) % 500
    slogan = rng.random(n_organic_posts) < 0.2
    slogan_id = rng.zipf(1.5, n_organic_posts) % 50
    rows = [{"post_id": f"o:{i}", "account_id": f"o:u{account[i]}", "created_at": START + timedelta(seconds=int(seconds[i])),
             "kind": "repost" if repost[i] else "post", "shared_post_id": f"o:popular{shared[i]}" if repost[i] else None,
             "text": f"slogan {slogan_id[i]}" if slogan[i] else f"organic words {i}",
             "urls": [f"https://site.example/{link_id[i]}"] if link[i] else []} for i in range(n_organic_posts)]
    for burst in range(60):
        at = int(rng.integers(0, SPAN_S))
        for member in rng.choice(n_bots, 12, replace=False):
            rows.append({"post_id": f"b:{len(rows)}", "account_id": f"b:u{member}",
                         "created_at": START + timedelta(seconds=at + int(rng.integers(0, 50))), "kind": "post",
                         "shared_post_id": None, "text": f"template {burst % 8}: the product is a scam, avoid it",
                         "urls": [f"https://smear.example/{burst}"]})
    return pl.DataFrame(rows, schema_overrides={"urls": pl.List(pl.String)}).with_columns(
        parent_post_id=pl.lit(None, dtype=pl.String))


@pytest.fixture(scope="module")
def posts() -> pl.DataFrame:
    return dense_corpus()


def flagged(network: CoordinationNetwork) -> set[str]:
    return set(network.nodes_.filter(pl.col("flagged"))["account_id"].to_list())


def test_the_flags_start_from_coordination_chance_cannot_explain(posts):
    network = CoordinationNetwork(random_state=0).fit(posts)
    bots = {a for a in posts["account_id"].unique().to_list() if a.startswith("b:")}
    assert network.chance_background_accounts_ >= network.chance_gate_min_accounts
    assert flagged(network) == bots
    in_groups = set(network.nodes_.filter(pl.col("coordinated_group") >= 0)["account_id"].to_list())
    assert in_groups == bots


def test_without_the_test_the_window_rules_flag_nearly_everyone(posts):
    network = CoordinationNetwork(random_state=0, significance=None).fit(posts)
    organic = {a for a in flagged(network) if a.startswith("o:")}
    assert len(organic) > 0.9 * 800  # why the gate exists; `workbench network --no-chance-test` says so


def test_attachment_asks_more_than_chance_of_a_busy_account():
    """Two co-actions with flagged accounts, of two kinds, attach a straggler that posted 4 times; an
    account that posted 400 times meets flagged accounts that often by chance at the corpus's rate."""
    from workbench.coordination.flags import attach_by_co_actions

    # accounts 0-1 flagged; 2 the straggler; 3 the busy account; 4-99 others, each meeting a flagged account once
    others = np.arange(4, 100)
    rows = iter(range(10_000))

    def frame(a, b):
        a, b = np.asarray(a), np.asarray(b)
        return pl.DataFrame({"row_a": [next(rows) for _ in a], "row_b": [next(rows) for _ in a], "account_a": a, "account_b": b})

    pairs = {"co_share": frame([2, 3] + list(others), [0, 0] + [0] * len(others)),
             "co_link": frame([2, 3], [1, 1])}
    flagged = np.zeros(100, dtype=bool)
    flagged[[0, 1]] = True
    membership = np.full(100, -1)
    activity = np.full(100, 100)  # the others meet flagged accounts on 1 post in 100: the rate chance gives
    activity[2], activity[3] = 4, 400
    kinds = {"co_share": "reaction", "co_link": "link"}
    plain = attach_by_co_actions(pairs, kinds, flagged, membership, min_posts=2, min_kinds=2, rounds=1)
    tested = attach_by_co_actions(pairs, kinds, flagged, membership, min_posts=2, min_kinds=2, rounds=1,
                                  activity=activity, max_chance_p=0.01)
    assert plain[2] and plain[3]
    assert tested[2] and not tested[3]
