"""The flag rules of workbench.coordination.flags on a corpus built by hand, where every co-action is known.

- A squad of six repeats co-shares and co-links wave after wave: flagged for repeated co-action.
- A straggler meets a *different* squad member in each wave, once, by repost or by link: no pair repeats,
  so only attachment can find it.
- A fan club reposts the official posts together; one fan also shares the launch link with a friend
  (individually two kinds of evidence, but its community is one kind) and meets squad members once by
  repost and once by link (two kinds towards flagged accounts, but its own community has no flagged member).
- A passer-by meets one squad member once.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from workbench.coordination import CoordinationNetwork

START = datetime(2025, 6, 1, 8, 0, 0)
SQUAD = [f"t:squad{i}" for i in range(6)]
FANS = [f"t:fan{i}" for i in range(8)]


def corpus() -> pl.DataFrame:
    rows = []

    def add(account, t, kind="post", urls=(), shared=None, text="text"):
        rows.append({"post_id": f"t:{len(rows)}", "account_id": account, "created_at": t, "text": f"{text} {len(rows)}",
                     "kind": kind, "urls": list(urls), "shared_post_id": shared, "parent_post_id": None,
                     "hashtags": [], "mentions": []})

    for wave in range(4):
        t0 = START + timedelta(days=wave)
        seed, link = f"t:seed{wave}", f"https://smear.example/{wave}"
        late_member = SQUAD[wave]
        for i, account in enumerate(SQUAD):
            add(account, t0 + timedelta(seconds=i), urls=[link])
            if account != late_member:
                add(account, t0 + timedelta(seconds=i), kind="repost", shared=seed)
        # One member acts late, and the straggler acts 10 s after it: a single co-action with that member.
        if wave < 2:
            add(late_member, t0 + timedelta(seconds=200), kind="repost", shared=seed)
            add("t:straggler", t0 + timedelta(seconds=210), kind="repost", shared=seed)
        else:
            add(late_member, t0 + timedelta(seconds=200), kind="repost", shared=seed)
            add(late_member, t0 + timedelta(seconds=300), urls=[link])
            add("t:straggler", t0 + timedelta(seconds=310), urls=[link])
    # The passer-by meets a squad member once.
    add("t:passerby", START + timedelta(seconds=20), kind="repost", shared="t:seed0")
    # The fan club reposts the official launch posts together on three days.
    for day in range(3):
        launch = START + timedelta(days=10 + day)
        for i, fan in enumerate(FANS):
            add(fan, launch + timedelta(seconds=2 * i), kind="repost", shared=f"t:official{day}")
        # fan0 and fan1 also share the official link together.
        add("t:fan0", launch + timedelta(minutes=30), urls=["https://brand.example/launch"])
        add("t:fan1", launch + timedelta(minutes=30, seconds=5), urls=["https://brand.example/launch"])
    # fan2 meets squad members once by repost and once by link (the late members of waves 0 and 2, 55 s
    # before them, out of the straggler's reach).
    add("t:fan2", START + timedelta(seconds=145), kind="repost", shared="t:seed0")
    add("t:fan2", START + timedelta(days=2, seconds=245), urls=["https://smear.example/2"])
    return pl.DataFrame(rows, schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String),
                                                "hashtags": pl.List(pl.String), "mentions": pl.List(pl.String)})


@pytest.fixture(scope="module")
def network():
    return CoordinationNetwork(signals=("co_link", "co_share"), random_state=0).fit(corpus())


@pytest.fixture(scope="module")
def nodes(network):
    return {row["account_id"]: row for row in network.nodes_.iter_rows(named=True)}


def test_squad_is_flagged_for_repeated_co_action(nodes):
    assert all(nodes[account]["flag_reason"] == "repeated" for account in SQUAD)


def test_straggler_is_attached_by_single_co_actions_with_different_members(nodes):
    straggler = nodes["t:straggler"]
    # No pair repeats: the straggler has no fused tie, so the repeated-pair rule cannot see it.
    assert straggler["strength"] == 0 and straggler["community"] == -1
    assert straggler["flagged"] and straggler["flag_reason"] == "attached"


def test_straggler_needs_attachment():
    network = CoordinationNetwork(signals=("co_link", "co_share"), attach_rounds=0, random_state=0).fit(corpus())
    flagged = set(network.nodes_.filter("flagged")["account_id"].to_list())
    assert flagged == set(SQUAD)


def test_a_single_co_action_attaches_nobody(nodes):
    assert not nodes["t:passerby"]["flagged"]


def test_fans_are_not_flagged(network, nodes):
    # fan0's own evidence is two kinds (reposts and the official link), but its community's is one.
    assert set(nodes["t:fan0"]["signals"]) == {"co_link", "co_share"}
    # fan2 meets flagged accounts on two posts and two kinds, but belongs to a community nobody in which is flagged.
    assert network.evidence("t:fan2", SQUAD[0])["signal"].to_list() == ["co_share"]
    assert network.evidence("t:fan2", SQUAD[2])["signal"].to_list() == ["co_link"]
    assert nodes["t:fan2"]["community"] == nodes["t:fan0"]["community"] >= 0
    assert not any(nodes[fan]["flagged"] for fan in FANS)
    assert all(nodes[fan]["flag_reason"] is None for fan in FANS)
