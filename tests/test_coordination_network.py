"""CoordinationNetwork on small corpora built in code: planted campaign found, fan club not flagged, hot
objects bounded and reported, CooRTweet semantics, determinism, hostile text."""
from __future__ import annotations

from datetime import datetime, timedelta

import numpy as np
import polars as pl
import pytest

from workbench.coordination import CoordinationNetwork
from workbench.coordination.signals import window_pairs
from workbench.coordination.similar import similar_text_pairs
from workbench.text.minhash import shingle_hashes
from workbench.coordination.weights import coortweet_edges

START = datetime(2025, 6, 26, 0, 0, 0)


def planted_corpus(seed: int = 1):
    """300 organic accounts, a 30-account campaign posting templated text + one link in bursts, and a
    40-member fan club reposting the official launch post within minutes of each other."""
    rng = np.random.default_rng(seed)
    rows = []

    def add(account, t, text, kind="post", urls=(), shared=None, hashtags=()):
        rows.append({"post_id": f"t:{len(rows)}", "account_id": account, "created_at": t, "text": text, "kind": kind,
                     "urls": list(urls), "shared_post_id": shared, "parent_post_id": None,
                     "hashtags": list(hashtags), "mentions": []})

    words = [f"w{i}" for i in range(3000)]
    for i in range(6000):
        account = f"t:org{int(rng.integers(300))}"
        t = START + timedelta(seconds=int(rng.integers(0, 3 * 86400)))
        add(account, t, " ".join(rng.choice(words, 12)), urls=[f"https://news.example/{int(rng.integers(2000))}"] if rng.random() < 0.3 else [])
    campaign = [f"t:bot{i}" for i in range(30)]
    template = "the yu7 brakes failed on the highway and xiaomi hides it from {} buyers do not trust {}"
    for burst in range(12):
        t0 = START + timedelta(seconds=int(rng.integers(0, 3 * 86400)))
        link = f"https://smear.example/{burst}"
        for account in rng.choice(campaign, 18, replace=False):
            filler = rng.choice(["all", "new", "chinese", "young"], 2)
            add(str(account), t0 + timedelta(seconds=int(rng.integers(0, 40))), template.format(*filler), urls=[link])
    fans = [f"t:fan{i}" for i in range(40)]
    for day in range(3):
        launch = START + timedelta(days=day, hours=10)
        for account in fans:
            add(account, launch + timedelta(seconds=int(rng.integers(0, 600))), "", kind="repost", shared="t:official", hashtags=["YU7"])
    posts = pl.DataFrame(rows, infer_schema_length=None, schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String),
                                                 "hashtags": pl.List(pl.String), "mentions": pl.List(pl.String)})
    return posts, set(campaign), set(fans)


@pytest.fixture(scope="module")
def fitted():
    posts, campaign, fans = planted_corpus()
    return CoordinationNetwork(random_state=0).fit(posts), campaign, fans


def test_planted_campaign_recovered_and_fan_club_not_flagged(fitted):
    network, campaign, fans = fitted
    flagged = set(network.nodes_.filter(pl.col("flagged"))["account_id"].to_list())
    true_positive = len(flagged & campaign)
    precision = true_positive / max(len(flagged), 1)  # fan-club members flagged count as false positives
    recall = true_positive / len(campaign)
    assert precision >= 0.9 and recall >= 0.9, (precision, recall, sorted(flagged - campaign)[:5])
    bots = network.nodes_.filter(pl.col("account_id").is_in(list(campaign)))
    # The campaign's communities hold only campaign accounts (Leiden may split a loose 30-account clique).
    bot_communities = bots["community"].unique().to_list()
    members = network.nodes_.filter(pl.col("community").is_in(bot_communities))["account_id"].to_list()
    assert set(members) == campaign and len(bot_communities) <= 3
    assert {"co_link", "co_similar_text"} <= set(bots["signals"].explode().to_list())
    community = network.communities_.filter(pl.col("community") == bots["community"][0]).row(0, named=True)
    assert community["size"] >= 10 and any("smear.example" in o for o in community["top_objects"])


def test_scores_rank_campaign_above_organic(fitted):
    network, campaign, _ = fitted
    nodes = network.nodes_.with_columns(is_bot=pl.col("account_id").is_in(list(campaign)))
    assert nodes.filter("is_bot")["coordination_score"].min() > nodes.filter(~pl.col("is_bot"))["coordination_score"].quantile(0.99)


def test_hot_object_reported_and_capped():
    n = 3000
    codes = np.zeros(n, dtype=np.int64)
    codes[::3] = 1  # object 1: a third of the actions
    times = np.arange(n, dtype=np.int64) * 1_000_000  # one per second
    found = window_pairs(codes, times, 10_000_000)
    # Object 0: 2000 actions, each within 10 s of the next ~6 of its own: far below n^2.
    assert found.object_pairs[0] < 20 * n and found.object_posts.tolist() == [2000, 1000]
    assert found.skipped_objects.tolist() == [] and len(found.left) == found.object_pairs.sum()
    capped = window_pairs(codes, times, 10_000_000, max_pairs_per_object=5000)
    assert capped.skipped_objects.tolist() == [0] and len(capped.left) == capped.object_pairs[1]
    # All emitted pairs are really within the window and on the same object.
    assert np.all(np.abs(times[found.left] - times[found.right]) <= 10_000_000)
    assert np.all(codes[found.left] == codes[found.right])


def test_window_pairs_matches_brute_force():
    rng = np.random.default_rng(3)
    codes = rng.integers(0, 5, 400)
    times = rng.integers(0, 600, 400) * 1_000_000
    found = window_pairs(codes, times, 30_000_000)
    got = {tuple(sorted(p)) for p in zip(found.left.tolist(), found.right.tolist())}
    expected = {(i, j) for i in range(400) for j in range(i + 1, 400)
                if codes[i] == codes[j] and abs(times[i] - times[j]) <= 30_000_000}
    assert got == expected


def test_similar_text_pairs_match_brute_force_with_sparse_and_dense_times():
    # Half the posts sit in a dense hour (every one has neighbours within the window), half are spread
    # over a month (most have none and are never shingled); the result must equal the brute force.
    rng = np.random.default_rng(5)
    words = [f"w{i}" for i in range(400)]
    templates = [rng.choice(words, 12).tolist() for _ in range(6)]
    texts = []
    for _ in range(300):
        tokens = list(templates[rng.integers(6)])
        if rng.random() < 0.5:
            tokens[rng.integers(12)] = str(rng.choice(words))
        texts.append(" ".join(tokens))
    times = np.concatenate([rng.integers(0, 3600, 150), rng.integers(0, 30 * 86400, 150)]) * 1_000_000
    accounts = rng.integers(0, 40, 300)
    left, right, similarity, _ = similar_text_pairs(pl.Series(texts), times, accounts, 60_000_000, threshold=0.8)
    sets = [set(h.tolist()) for h in shingle_hashes(texts)]
    expected = {
        (i, j) for i in range(300) for j in range(i + 1, 300)
        if accounts[i] != accounts[j] and abs(times[i] - times[j]) <= 60_000_000
        and len(sets[i] & sets[j]) / len(sets[i] | sets[j]) >= 0.8
    }
    assert len(expected) > 30
    assert set(zip(left.tolist(), right.tolist())) == expected
    assert (similarity >= 0.8).all()


def test_fan_club_visible_as_hot_object(fitted):
    network, _, _ = fitted
    hot = network.hot_objects_.filter(pl.col("signal") == "co_share")
    assert hot.filter(pl.col("object") == "t:official")["posts"].item() == 120


def test_coortweet_semantics_follow_its_participation_and_percentile_rules():
    pairs = pl.DataFrame({
        "row_a": [0, 1, 2, 3, 10, 20], "row_b": [5, 6, 7, 8, 11, 21],
        "account_a": [0, 0, 0, 1, 3, 0], "account_b": [1, 1, 1, 0, 4, 5],
        "object": [100, 100, 101, 102, 103, 104],
    })
    # Accounts 0 and 1 each have >= 2 posts in matched pairs, so they qualify; the 0-5 pair is kept because
    # one side qualifies (CooRTweet's OR rule); 3-4 goes (neither qualifies). Weight = matched rows.
    assert coortweet_edges(pairs, min_participation=2).rows() == [(0, 1, 4), (0, 5, 1)]
    assert coortweet_edges(pairs, min_participation=1).rows() == [(0, 1, 4), (0, 5, 1), (3, 4, 1)]
    # Percentile filter keeps weights strictly above the quantile.
    assert coortweet_edges(pairs, min_participation=1, edge_weight_quantile=0.5).rows() == [(0, 1, 4)]
    # Pre-filter: account 5 made only one action in the input, so its pairs are dropped before pairing.
    actions = pl.DataFrame({"account": [0, 1, 3, 4, 5], "actions": [9, 9, 1, 1, 1]})
    assert coortweet_edges(pairs, min_participation=2, account_actions=actions).rows() == [(0, 1, 4)]


def test_fit_is_deterministic(fitted):
    posts, _, _ = planted_corpus()
    again = CoordinationNetwork(random_state=0).fit(posts.sample(fraction=1.0, shuffle=True, seed=5))
    network = fitted[0]
    assert again.edges_.equals(network.edges_)
    assert again.nodes_.sort("account_id").equals(network.nodes_.sort("account_id"))


def test_hostile_text_is_data():
    hostile = ["<script>alert(1)</script>", "'; DROP TABLE posts; --", "a\x00b", "x" * 2_000_000, None, ""]
    posts = pl.DataFrame({
        "post_id": [f"p{i}" for i in range(12)], "account_id": [f"a{i % 4}" for i in range(12)],
        "created_at": [START + timedelta(seconds=i) for i in range(12)], "kind": ["post"] * 12,
        "text": hostile * 2, "urls": [[]] * 12, "shared_post_id": [None] * 12, "parent_post_id": [None] * 12,
        "hashtags": [[]] * 12, "mentions": [[]] * 12,
    }, schema_overrides={"created_at": pl.Datetime("us"), "urls": pl.List(pl.String), "hashtags": pl.List(pl.String),
                         "mentions": pl.List(pl.String), "shared_post_id": pl.String, "parent_post_id": pl.String})
    network = CoordinationNetwork(signals=("co_text", "co_similar_text"), min_edge_weight=1).fit(posts)
    # a0 and a2 share the script text (p0/p6) and "a<NUL>b" (p8/p2, NUL removed by normalisation).
    pairs = network.evidence("a0", "a2", signal="co_text")
    assert pairs["post_id_a"].to_list() == ["p0", "p8"]
    assert pairs["object"].to_list() == ["<script>alert(1)</script>", "ab"]
    # a1 and a3 share the SQL text and the 2 MB text; their empty and NULL texts never match anything.
    assert network.evidence("a1", "a3", signal="co_text")["post_id_a"].to_list() == ["p1", "p9"]
    assert network.evidence("a0", "a1").is_empty()


def test_exports_and_cli(tmp_path, fitted):
    import igraph as ig

    from workbench.exports import write_network

    network, campaign, _ = fitted
    paths = write_network(network, tmp_path / "out")
    names = {p.name for p in paths}
    assert {"coordination_edges.parquet", "coordination_nodes.csv", "coordination_network.graphml"} <= names
    assert pl.read_parquet(tmp_path / "out" / "coordination_edges.parquet").equals(network.edges_)
    nodes_csv = pl.read_csv(tmp_path / "out" / "coordination_nodes.csv")
    assert nodes_csv.filter(pl.col("flagged"))["account_id"].to_list() == network.nodes_.filter("flagged")["account_id"].to_list()
    graph = ig.Graph.Read_GraphML(str(tmp_path / "out" / "coordination_network.graphml"))
    assert graph.ecount() == len(network.fused_edges_)
    assert campaign <= set(graph.vs["id"])  # the GraphML node id is the account id


def test_graph_files_carry_gephi_attributes_for_igraph_and_networkx(tmp_path, fitted):
    import igraph as ig
    import networkx as nx

    from workbench.exports import write_network

    network, campaign, _ = fitted
    members = sorted(campaign)
    info = pl.DataFrame({"account_id": members, "handle": [f"<b>h{i}</b>" for i in range(len(members))],
                         "campaign": ["C-1"] * len(members), "group_kind": ["smear"] * len(members),
                         "score": [0.75] * len(members), "first_activity": ["2025-01-01T00:00:00"] * len(members),
                         "last_activity": ["2025-02-01T00:00:00"] * len(members)})
    write_network(network, tmp_path, ["graphml", "gexf", "csv"], node_info=info)
    path = tmp_path / "coordination_network.graphml"
    assert 'attr.name="community" attr.type="int"' in path.read_text()
    nxg = nx.read_graphml(path)
    node = nxg.nodes[members[0]]
    assert node["label"] == "<b>h0</b>" and node["campaign"] == "C-1" and node["group_kind"] == "smear"
    assert isinstance(node["community"], int) and node["score"] == 0.75 and node["first_activity"].startswith("2025-01")
    outsider = next(n for n in nxg.nodes if n not in campaign)
    assert nxg.nodes[outsider]["label"] == outsider and nxg.nodes[outsider]["campaign"] == ""
    igg = ig.Graph.Read_GraphML(str(path))
    first = igg.vs.find(id=members[0])
    assert first["label"] == "<b>h0</b>" and first["campaign"] == "C-1" and first["score"] == 0.75
    assert float(first["community"]).is_integer()
    assert nx.read_gexf(tmp_path / "coordination_network.gexf").nodes[members[0]]["label"] == "<b>h0</b>"
    edges = pl.read_csv(tmp_path / "gephi_edges.csv")
    assert edges.columns[:4] == ["Source", "Target", "Weight", "Type"] and edges.height == len(network.fused_edges_)


def test_cli_network_on_a_store(tmp_path):
    store_module = pytest.importorskip("workbench.store")
    from workbench.cli import main

    posts, campaign, _ = planted_corpus()
    db = tmp_path / "corpus.duckdb"
    with store_module.Store(db) as store:
        columns = store.query("SELECT * FROM posts LIMIT 0").columns
        frame = posts.with_columns(platform=pl.lit("twitter"), source_id=pl.lit(1, dtype=pl.Int32),
                                   source_row=pl.int_range(pl.len()).cast(pl.Int64))
        store.append("posts", frame.select([c for c in columns if c in frame.columns]))
    out = tmp_path / "net"
    assert main(["network", "--db", str(db), "--out", str(out), "--fit", "--format", "parquet"]) == 0
    nodes = pl.read_parquet(out / "coordination_nodes.parquet")
    assert set(nodes.filter("flagged")["account_id"].to_list()) == campaign
    assert main(["network", "--db", str(db), "--out", str(out), "--fit", "--signals", "co_nothing"]) != 0
    assert main(["network", "--db", str(db), "--out", str(out)]) != 0  # no stored run to read


def test_fused_graph_keeps_pairs_that_repeat_only_across_signals():
    """A and B co-link once (wave 1) and co-share once (wave 2): no per-signal edge reaches weight 2, but
    two distinct posts of A match B, so the pair is in the fused graph with both weight-1 signals.
    C matches B once only and stays out."""
    t0 = START
    rows = [
        ("p1", "t:A", t0, "post", ["https://x.example/1"], None),
        ("p2", "t:B", t0 + timedelta(seconds=20), "post", ["https://x.example/1"], None),
        ("p3", "t:A", t0 + timedelta(hours=5), "repost", [], "t:seed"),
        ("p4", "t:B", t0 + timedelta(hours=5, seconds=30), "repost", [], "t:seed"),
        ("p5", "t:C", t0 + timedelta(hours=9), "post", ["https://x.example/9"], None),
        ("p6", "t:B", t0 + timedelta(hours=9, seconds=5), "post", ["https://x.example/9"], None),
    ]
    posts = pl.DataFrame(
        [{"post_id": p, "account_id": a, "created_at": t, "kind": k, "urls": u, "shared_post_id": s, "text": f"text {p}"}
         for p, a, t, k, u, s in rows]
    )
    net = CoordinationNetwork(signals=("co_link", "co_share"), random_state=0).fit(posts)
    assert net.edges_.is_empty()
    fused = net.fused_edges_.select("account_a", "account_b", "weight_co_link", "weight_co_share").rows()
    assert fused == [("t:A", "t:B", 1, 1)]


def test_partitioned_weights_equal_single_pass():
    from workbench.coordination.weights import toolkit_edges, toolkit_edges_and_repeats

    posts, _, _ = planted_corpus()
    net = CoordinationNetwork(random_state=0).fit(posts)
    whole = toolkit_edges_and_repeats(net._pairs, 2)
    split = toolkit_edges_and_repeats(net._pairs, 2, pairs_per_partition=500)
    assert whole[0].height > 50 and whole[1].height > whole[0].height
    assert whole[0].equals(split[0]) and whole[1].equals(split[1])
    for signal, pairs in net._pairs.items():
        reference = toolkit_edges(pairs, 2)
        ours = whole[0].filter(pl.col("signal") == signal).drop("signal")
        assert ours.equals(reference)


def test_corpus_without_any_co_action_gives_empty_graph():
    posts = pl.DataFrame(
        {"post_id": ["a", "b"], "account_id": ["t:x", "t:y"], "created_at": [START, START + timedelta(days=1)],
         "kind": ["post", "post"], "text": ["hello", "other"], "urls": [[], []], "shared_post_id": ["s1", "s2"]},
        schema_overrides={"urls": pl.List(pl.String)},
    )
    net = CoordinationNetwork(signals=("co_link", "co_share", "co_text"), random_state=0).fit(posts)
    assert net.edges_.is_empty() and net.fused_edges_.is_empty()
    assert not net.nodes_["flagged"].any() and net.nodes_.height == 2


def test_co_media_matches_the_same_image_within_the_window_and_ignores_reposts():
    """A and B attach the same image twice within the window: weight 2 each way. C reposts A's post (a
    repost carries its original's media, so it is no action of C's), D posts the image outside the window,
    and empty or missing hashes never match."""
    t0 = START
    rows = [
        ("m1", "t:A", t0, "post", ["img1"], None),
        ("m2", "t:B", t0 + timedelta(seconds=30), "post", ["img1", ""], None),
        ("m3", "t:C", t0 + timedelta(seconds=40), "repost", ["img1"], "m1"),
        ("m4", "t:A", t0 + timedelta(hours=2), "post", ["img2"], None),
        ("m5", "t:B", t0 + timedelta(hours=2, seconds=59), "post", ["img2"], None),
        ("m6", "t:D", t0 + timedelta(hours=2, seconds=200), "post", ["img2"], None),
        ("m7", "t:D", t0 + timedelta(hours=5), "post", [""], None),
        ("m8", "t:E", t0 + timedelta(hours=5, seconds=1), "post", None, None),
    ]
    posts = pl.DataFrame(
        [{"post_id": p, "account_id": a, "created_at": t, "kind": k, "media_hashes": m, "shared_post_id": s, "text": p}
         for p, a, t, k, m, s in rows],
        schema_overrides={"media_hashes": pl.List(pl.String)},
    )
    net = CoordinationNetwork(signals=("co_media",), random_state=0).fit(posts)
    assert sorted(net.edges_.rows()) == [("t:A", "t:B", "co_media", 2), ("t:B", "t:A", "co_media", 2)]
    evidence = net.evidence("t:A", "t:B", signal="co_media")
    assert sorted(zip(evidence["post_id_a"], evidence["post_id_b"])) == [("m1", "m2"), ("m4", "m5")]
    assert net.evidence("t:A", "t:C", signal="co_media").is_empty()
    assert net.evidence("t:B", "t:D", signal="co_media").is_empty()
