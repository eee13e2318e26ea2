"""Exactness against coordination_network_toolkit 1.5.2: identical edge sets and weights.

Signals co-link, co-retweet (our co_share), co-tweet (our co_text with the toolkit's normaliser) and co-reply at
window 60 s, min edge weight 2, on a small generated corpus. The toolkit is fed through its own
`preprocess_data` (what its CSV loader calls) with an empty URL *list* for posts without links: its CSV
loader would turn an empty cell into the link '' and make all link-less posts co-link with each other.
"""
from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

toolkit_preprocess = pytest.importorskip("coordination_network_toolkit.preprocess")
toolkit_compute = pytest.importorskip("coordination_network_toolkit.compute_networks")

from workbench.coordination import CoordinationNetwork  # noqa: E402

pytestmark = pytest.mark.xdist_group("coordination_toolkit")


def generated_messages(seed: int = 4, n: int = 900) -> list[dict]:
    """Messages from 25 accounts over 40 minutes drawn from small pools, so that matches are frequent."""
    rng = np.random.default_rng(seed)
    start = datetime(2025, 5, 1, 12, 0, 0)
    texts = ["Xiaomi YU7 brakes fail", "xiaomi yu7   BRAKES fail", "Do not buy the YU7 @dealer1", "great launch today",
             "@fan2 great launch today", "XRING chip overheats!!", "@only_a_mention"]
    messages = []
    for i in range(n):
        kind = rng.choice(["post", "repost", "reply"], p=[0.5, 0.25, 0.25])
        n_links = int(rng.choice([0, 1, 2], p=[0.5, 0.35, 0.15]))
        messages.append(
            {
                "message_id": f"m{i}",
                "user_id": f"u{int(rng.integers(25))}",
                "repost_id": f"r{int(rng.integers(6))}" if kind == "repost" else None,
                "reply_id": f"p{int(rng.integers(6))}" if kind == "reply" else None,
                "message": str(rng.choice(texts)),
                "timestamp": start + timedelta(seconds=int(rng.integers(0, 2400))),
                "urls": sorted({f"https://x.example/{int(rng.integers(8))}" for _ in range(n_links)}),
            }
        )
    return messages


def toolkit_edges(messages: list[dict], tmp_path) -> dict[str, set]:
    db_path = str(tmp_path / "toolkit.db")
    rows = [
        (m["message_id"], m["user_id"], m["user_id"], m["repost_id"] or "", m["reply_id"] or "", m["message"],
         m["timestamp"].timestamp(), m["urls"])
        for m in messages
    ]
    toolkit_preprocess.preprocess_data(db_path, rows)
    toolkit_compute.compute_co_link_network(db_path, 60, n_threads=1, min_edge_weight=2)
    toolkit_compute.compute_co_retweet_parallel(db_path, 60, n_threads=1, min_edge_weight=2)
    toolkit_compute.compute_co_tweet_network(db_path, 60, n_threads=1, min_edge_weight=2)
    toolkit_compute.compute_co_reply_network(db_path, 60, n_threads=1, min_edge_weight=2)
    out = {}
    with sqlite3.connect(db_path) as db:
        for ours, table in [("co_link", "co_link_network"), ("co_share", "co_retweet_network"),
                            ("co_text", "co_tweet_network"), ("co_reply", "co_reply_network")]:
            out[ours] = {tuple(r) for r in db.execute(f"select user_1, user_2, weight from {table} where user_1 != user_2")}
    return out


def as_posts(messages: list[dict]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "post_id": [m["message_id"] for m in messages],
            "account_id": [m["user_id"] for m in messages],
            "created_at": [m["timestamp"] for m in messages],
            "kind": ["repost" if m["repost_id"] else "reply" if m["reply_id"] else "post" for m in messages],
            "text": [m["message"] for m in messages],
            "shared_post_id": [m["repost_id"] for m in messages],
            "parent_post_id": [m["reply_id"] for m in messages],
            "urls": [m["urls"] for m in messages],
        },
        schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String)},
    )


def test_edges_identical_to_the_toolkit(tmp_path):
    messages = generated_messages()
    expected = toolkit_edges(messages, tmp_path)
    network = CoordinationNetwork(
        signals=("co_link", "co_share", "co_text", "co_reply"), window_s=60, min_edge_weight=2,
        semantics="toolkit", text_normalizer="toolkit",
    ).fit(as_posts(messages))
    for signal, toolkit_set in expected.items():
        ours = {tuple(r) for r in network.edges_.filter(pl.col("signal") == signal)
                .select("account_a", "account_b", "weight").iter_rows()}
        assert len(toolkit_set) > 20, f"{signal}: the corpus should produce edges"
        assert ours == toolkit_set, f"{signal}: ours-only {sorted(ours - toolkit_set)[:5]}, toolkit-only {sorted(toolkit_set - ours)[:5]}"


def test_evidence_lists_the_post_pairs_behind_an_edge():
    messages = generated_messages()
    network = CoordinationNetwork(signals=("co_link",), window_s=60, text_normalizer="toolkit").fit(as_posts(messages))
    edge = network.edges_.row(0, named=True)
    evidence = network.evidence(edge["account_a"], edge["account_b"], signal="co_link")
    by_id = {m["message_id"]: m for m in messages}
    # Every listed pair really shares the URL within 60 s, and the distinct posts of A equal the weight.
    for row in evidence.iter_rows(named=True):
        a, b = by_id[row["post_id_a"]], by_id[row["post_id_b"]]
        assert a["user_id"] == edge["account_a"] and b["user_id"] == edge["account_b"]
        assert row["object"] in a["urls"] and row["object"] in b["urls"]
        assert abs((a["timestamp"] - b["timestamp"]).total_seconds()) <= 60
    assert evidence["post_id_a"].n_unique() == edge["weight"]
