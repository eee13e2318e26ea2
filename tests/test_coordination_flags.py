"""The flag rules of workbench.coordination.flags on a corpus built by hand, where every co-action is known.

- A squad of six repeats co-shares and co-links wave after wave: flagged for repeated co-action.
- A straggler meets a *different* squad member in each wave, once, by repost or by link: no pair repeats,
  so only attachment can find it.
- A fan club reposts the official posts together; one fan also shares the launch link with a friend
  (individually two kinds of evidence, but its community is one kind) and meets squad members once by
  repost and once by hashtag (two kinds towards flagged accounts, but its own community has no flagged
  member).
- A passer-by meets one squad member once.
- A latecomer reposts one seed and posts one smear link hours after the squad: no co-action within the
  window, but two of the squad's assets. An onlooker reposts one seed hours later: one asset.
- A crowd of ten reposts the last seed hours apart (a seed that went viral); one of them also posts a
  smear link: the squad is under half of that seed's reposters, so the seed is not the squad's asset.
"""
from __future__ import annotations

from datetime import datetime, timedelta

import polars as pl
import pytest

from workbench.coordination import CoordinationNetwork
from workbench.exports import fused_graph

START = datetime(2025, 6, 1, 8, 0, 0)
SQUAD = [f"t:squad{i}" for i in range(6)]
FANS = [f"t:fan{i}" for i in range(8)]
SIGNALS = ("co_link", "co_share", "co_hashtag")


def corpus() -> pl.DataFrame:
    rows = []

    def add(account, t, kind="post", urls=(), shared=None, text="text", hashtags=()):
        rows.append({"post_id": f"t:{len(rows)}", "account_id": account, "created_at": t, "text": f"{text} {len(rows)}",
                     "kind": kind, "urls": list(urls), "shared_post_id": shared, "parent_post_id": None,
                     "hashtags": list(hashtags), "mentions": []})

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
            add(late_member, t0 + timedelta(seconds=300), urls=[link], hashtags=["q7"])
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
    # fan2 meets squad members once by repost and once by hashtag (the late members of waves 0 and 2, 55 s
    # before them, out of the straggler's reach).
    add("t:fan2", START + timedelta(seconds=145), kind="repost", shared="t:seed0")
    add("t:fan2", START + timedelta(days=2, seconds=245), hashtags=["q7"])
    add("t:latecomer", START + timedelta(days=1, hours=2), kind="repost", shared="t:seed1")
    add("t:latecomer", START + timedelta(days=3, hours=3), urls=["https://smear.example/3"])
    add("t:onlooker", START + timedelta(days=2, hours=5), kind="repost", shared="t:seed2")
    for i in range(10):
        add(f"t:crowd{i}", START + timedelta(days=3, hours=4 + i), kind="repost", shared="t:seed3")
    add("t:crowd0", START + timedelta(days=5), urls=["https://smear.example/0"])
    return pl.DataFrame(rows, schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String),
                                                "hashtags": pl.List(pl.String), "mentions": pl.List(pl.String)})


@pytest.fixture(scope="module")
def network():
    return CoordinationNetwork(signals=SIGNALS, random_state=0).fit(corpus())


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


def test_straggler_needs_attachment_or_assets():
    network = CoordinationNetwork(signals=SIGNALS, attach_rounds=0, asset_min_count=0, random_state=0).fit(corpus())
    flagged = set(network.nodes_.filter("flagged")["account_id"].to_list())
    assert flagged == set(SQUAD)
    # Without attachment the straggler still pushed four of the squad's assets (two seeds, two links).
    network = CoordinationNetwork(signals=SIGNALS, attach_rounds=0, random_state=0).fit(corpus())
    nodes = {row["account_id"]: row for row in network.nodes_.iter_rows(named=True)}
    assert nodes["t:straggler"]["flag_reason"] == "assets" and nodes["t:straggler"]["shared_assets"] == 4


def test_latecomer_is_flagged_for_pushing_two_of_the_squads_assets(network, nodes):
    latecomer = nodes["t:latecomer"]
    assert latecomer["strength"] == 0 and latecomer["flagged"] and latecomer["flag_reason"] == "assets"
    assert latecomer["shared_assets"] == 2
    evidence = network.asset_evidence("t:latecomer")
    assert evidence.select("signal", "object", "pushers", "flagged_pushers", "is_asset").rows() == [
        # seed1: the six squad members, the straggler (flagged) and the latecomer; link 3: the same.
        ("co_link", "https://smear.example/3", 8, 7, True),
        ("co_share", "t:seed1", 8, 7, True),
    ]
    assert evidence["flagged_examples"].to_list()[0] == sorted(SQUAD)[:5]
    # Gephi users see it too: flagged accounts without edges are isolated nodes of the exported graph.
    graph = fused_graph(network)
    vertex = graph.vs.find(name="t:latecomer")
    assert vertex.degree() == 0 and vertex["flag_reason"] == "assets" and vertex["shared_assets"] == 2
    off = CoordinationNetwork(signals=SIGNALS, asset_min_count=0, random_state=0).fit(corpus())
    assert not off.nodes_.filter(pl.col("account_id") == "t:latecomer")["flagged"].item()


def test_one_asset_or_a_viral_seed_flags_nobody(network, nodes):
    assert not nodes["t:onlooker"]["flagged"] and nodes["t:onlooker"]["shared_assets"] == 1
    # crowd0 pushed smear link 0 (an asset) and seed3, which the ten crowd accounts reposted besides the six
    # squad members: 6 of 16 reposters is under half, so the seed is not an asset.
    assert not any(nodes[f"t:crowd{i}"]["flagged"] for i in range(10))
    seed3 = network.asset_evidence("t:crowd0").filter(pl.col("object") == "t:seed3").row(0, named=True)
    assert (seed3["pushers"], seed3["flagged_pushers"], seed3["is_asset"]) == (16, 6, False)
    assert nodes["t:crowd0"]["shared_assets"] == 1


def test_a_single_co_action_attaches_nobody(nodes):
    assert not nodes["t:passerby"]["flagged"]


def test_fans_are_not_flagged(network, nodes):
    # fan0's own evidence is two kinds (reposts and the official link), but its community's is one.
    assert set(nodes["t:fan0"]["signals"]) == {"co_link", "co_share"}
    # fan2 meets flagged accounts on two posts and two kinds, but belongs to a community nobody in which is
    # flagged; of the squad's assets it pushed one (seed0).
    assert network.evidence("t:fan2", SQUAD[0])["signal"].to_list() == ["co_share"]
    assert network.evidence("t:fan2", SQUAD[2])["signal"].to_list() == ["co_hashtag"]
    assert nodes["t:fan2"]["community"] == nodes["t:fan0"]["community"] >= 0
    assert not any(nodes[fan]["flagged"] for fan in FANS)
    assert all(nodes[fan]["flag_reason"] is None for fan in FANS)
    assert nodes["t:fan2"]["shared_assets"] == 1
