"""Kinds of coordinated groups: read from what each group pushes, with the target as a parameter."""
import datetime as dt

import polars as pl

from workbench.forensics.kinds import GroupKinds, separate_kinds

T0 = dt.datetime(2025, 5, 1)


def _posts() -> tuple[pl.DataFrame, pl.DataFrame]:
    rows = []

    def post(account, text, kind="post", shared=None, n=[0]):
        n[0] += 1
        rows.append(dict(post_id=f"t:{n[0]}", account_id=account, created_at=T0 + dt.timedelta(minutes=n[0]),
                         text=text, kind=kind, shared_post_id=shared, parent_post_id=None))
        return f"t:{n[0]}"

    official = post("t:official", "Launch day for the Acme X1, come and see")
    for i in range(30):  # organic chatter about everything
        post(f"t:org{i}", ["Acme X1 looks nice", "lunch was great", "Bolt Z2 delivery date?", "weekend!"][i % 4])
    for i in range(5):  # smear squad: negative claims about Acme, seeds reposted by the squad
        seed = post(f"t:smear{i}", "Another Acme X1 caught fire, stay away")
        for j in range(5):
            post(f"t:smear{(i + j + 1) % 5}", "", kind="repost", shared=seed)
    for i in range(5):  # fans: repost the official launch post
        post(f"t:fan{i}", "so excited", kind="repost", shared=official)
        post(f"t:fan{i}", "Acme X1 launch!", kind="post")
    for i in range(5):  # news feed: a headline about every brand
        for brand in ("Acme", "Bolt", "Corvo", "Dart"):
            post(f"t:news{i}", f"{brand} announces quarterly results https://news.example/{brand}")
    posts = pl.DataFrame(rows)
    accounts = pl.DataFrame({"account_id": ["t:official"], "verified": [True], "followers": [2_000_000]})
    return posts, accounts


def test_smear_fans_and_news_are_told_apart_and_every_kind_has_reasons():
    posts, accounts = _posts()
    members = pl.DataFrame({
        "account_id": [f"t:smear{i}" for i in range(5)] + [f"t:fan{i}" for i in range(5)] + [f"t:news{i}" for i in range(5)],
        "group": [0] * 5 + [1] * 5 + [2] * 5,
    })
    kinds = GroupKinds(["Acme"], ["Bolt", "Corvo", "Dart"]).fit(posts, accounts).classify(members)
    assert dict(zip(kinds["group"], kinds["kind"])) == {0: "smear", 1: "promotion", 2: "neutral_automation"}
    assert kinds["kind_reasons"].str.len_chars().min() > 20
    # the same squad judged against another target is not a smear operation against it
    other = GroupKinds(["Bolt"], ["Acme"]).fit(posts, accounts).classify(members)
    assert other.filter(pl.col("group") == 0)["kind"][0] != "smear"


def test_links_between_kinds_are_cut_and_undecided_accounts_follow_their_neighbours():
    groups = pl.DataFrame({"account_id": ["a", "b", "f"], "group": [0, 0, 1]})
    kinds = pl.DataFrame({"group": [0, 1], "kind": ["smear", "promotion"]})
    links = pl.DataFrame({"account_a": ["a", "a", "b", "x", "x"], "account_b": ["b", "f", "x", "f", "y"], "link": ["c"] * 5})
    kept = separate_kinds(links, groups, kinds)
    pairs = set(zip(kept["account_a"], kept["account_b"]))
    assert ("a", "f") not in pairs and ("a", "b") in pairs
    # x links to b (smear) and f (promotion): a tie, decided by kind order (smear first); x-f is cut
    assert ("b", "x") in pairs and ("x", "f") not in pairs and ("x", "y") in pairs
